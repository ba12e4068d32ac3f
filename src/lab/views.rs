//! D11 and D12 in the lab: the DNS servers besides the primary. An outside
//! view (a second authoritative server answering the `[outside]` records of
//! the scenarios that have one), the caching resolver in front of the
//! primary, and the lagging secondary, started with the lab when a scenario
//! asks for it (`secondary = true`).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use super::cache::CachingResolver;
use super::clock::LabClock;
use super::dns::{self, DnsControl, DnsServer, Zones};
use super::scenario::{LabResolver, Scenario};
use super::{Lab, LabError, zone_for};

/// The lab's DNS servers besides the primary.
pub(crate) struct Views {
    outside: Option<(DnsServer, SocketAddr)>,
    cache: CachingResolver,
    secondary: Mutex<Option<(DnsServer, SocketAddr)>>,
}

impl Views {
    /// Start the caching resolver (always), the secondary (when a scenario
    /// asks; it names `ns2.<zone>` in those scenarios' zones only) and the
    /// outside view (when a scenario has one), all from the zones as they
    /// are now.
    pub(super) async fn start(
        scenarios: &[Scenario],
        zones: &Zones,
        control: &Arc<DnsControl>,
        primary: SocketAddr,
        clock: LabClock,
    ) -> Result<Views, LabError> {
        let lagging: Vec<_> = scenarios
            .iter()
            .filter(|s| s.secondary)
            .flat_map(|s| s.zones.iter().cloned())
            .collect();
        let secondary = match lagging.is_empty() {
            true => None,
            false => Some(lagging_copy(zones, control, Some(&lagging)).await?),
        };
        let mut outside = None;
        if scenarios.iter().any(|s| s.outside.is_some()) {
            let copy = zones.snapshot().await;
            for s in scenarios {
                let Some(view) = &s.outside else { continue };
                for m in &view.remove_records {
                    copy.remove(zone_for(s, &m.name)?, m).await?;
                }
                for r in &view.add_records {
                    copy.insert(zone_for(s, &r.name)?, r).await?;
                }
            }
            outside = Some(copy.serve(control.clone()).await?);
        }
        Ok(Views {
            outside,
            cache: CachingResolver::start(primary, clock).await?,
            secondary: Mutex::new(secondary),
        })
    }

    pub(super) fn secondary_addr(&self) -> Option<SocketAddr> {
        let guard = self.secondary.lock().unwrap_or_else(|e| e.into_inner());
        guard.as_ref().map(|(_, addr)| *addr)
    }

    /// Keep `server` as the secondary unless one runs already; the address
    /// of the one kept.
    pub(super) fn set_secondary(&self, server: DnsServer, addr: SocketAddr) -> SocketAddr {
        let mut guard = self.secondary.lock().unwrap_or_else(|e| e.into_inner());
        guard.get_or_insert((server, addr)).1
    }

    /// Stop every server here and wait for their tasks.
    pub(super) async fn shutdown(self) {
        let secondary = self
            .secondary
            .into_inner()
            .unwrap_or_else(|e| e.into_inner());
        for (mut server, _) in secondary.into_iter().chain(self.outside) {
            // An error only says the task had failed earlier; it is gone either way.
            let _ = server.shutdown_gracefully().await;
        }
        drop(self.cache);
    }
}

/// D11: name `ns2.<zone>` (in `only`, or every zone) and serve a copy of the
/// zones as they are now: later fixes reach the primary only.
pub(super) async fn lagging_copy(
    zones: &Zones,
    control: &Arc<DnsControl>,
    only: Option<&[hickory_proto::rr::Name]>,
) -> Result<(DnsServer, SocketAddr), LabError> {
    zones.add_secondary(dns::SECONDARY_NS_IP, only).await?;
    zones.snapshot().await.serve(control.clone()).await
}

impl Lab {
    /// D12: the server of the outside view, when a scenario has `[outside]`.
    pub fn outside_dns_addr(&self) -> Option<SocketAddr> {
        self.views.outside.as_ref().map(|(_, addr)| *addr)
    }

    /// D11: the caching resolver in front of the primary (UDP and TCP). It
    /// keeps each answer for its TTL, so after [`Lab::apply_fix`] it still
    /// hands out the old answer, its TTL counting down, until that expires.
    pub fn caching_resolver_addr(&self) -> SocketAddr {
        self.views.cache.addr()
    }

    /// The address of one of the lab's DNS servers; `None` for the outside
    /// view or the secondary when they do not run.
    pub fn resolver_addr(&self, which: LabResolver) -> Option<SocketAddr> {
        match which {
            LabResolver::Primary => Some(self.dns_addr()),
            LabResolver::Outside => self.outside_dns_addr(),
            LabResolver::Caching => Some(self.caching_resolver_addr()),
            LabResolver::Secondary => self.secondary_addr(),
        }
    }

    /// The vantages to sweep a scenario from (D12), as `check --vantage
    /// LABEL=ADDR` takes them: see [`Scenario::vantages`]. Empty for an
    /// unknown scenario or one swept through the primary alone.
    pub fn vantages(&self, scenario_name: &str) -> Vec<(String, SocketAddr)> {
        let Some(s) = self.scenarios().iter().find(|s| s.name == scenario_name) else {
            return Vec::new();
        };
        s.vantages()
            .into_iter()
            .filter_map(|(label, which)| Some((label, self.resolver_addr(which)?)))
            .collect()
    }
}
