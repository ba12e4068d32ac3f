//! The in-process lab: authoritative DNS, TLS/TCP listeners and certificates for
//! every scenario at once, on loopback, with OS-chosen ports and no root.
//!
//! One fixture serves the integration tests, the benchmarks and `sipscope demo`.
//!
//! Addresses: each scenario host gets its own loopback address `127.0.X.Y`
//! (X = scenario position + 1, Y = host position + 1; never 127.0.0.1) and the zones
//! hold realistic records (SRV on 5061/5060/443). Nothing listens on those nominal
//! addresses; instead each `(host address, nominal port)` has a socket on
//! `127.0.0.1:<os port>` and [`Lab::dial_overrides`] maps one to the other. The
//! engine must dial `actual` whenever the nominal address is in the list.
//!
//! Besides the primary DNS server the lab runs a caching resolver in front of
//! it and, when a scenario asks, an outside view and a lagging secondary
//! (D11, D12; see `views.rs`): [`Lab::vantages`] says which to sweep.
//!
//! ```no_run
//! # async fn demo() -> Result<(), sipscope::lab::LabError> {
//! use sipscope::lab::{Lab, LabOptions};
//! let lab = Lab::start_all(LabOptions::default()).await?;
//! let dns = lab.dns_addr(); // query this server (UDP or TCP)
//! let overrides = lab.dial_overrides(); // dial these instead of the nominal addresses
//! lab.apply_fix("expired").await?; // re-issue the certificate on the running listener
//! lab.shutdown().await;
//! # Ok(()) }
//! ```

mod authority;
mod builtin;
mod cache;
mod client;
mod clock;
pub use clock::LabClock;
pub mod console;
pub use client::LAB_TIMEOUT;
mod certs;
mod dns;
mod error;
mod expect_file;
mod host_file;
mod hostile;
pub(crate) mod legacy_server;
mod listeners;
mod records;
mod scenario;
mod scenario_file;
#[cfg(test)]
mod scenario_tests;
pub mod sip_server;
mod user_files;
mod views;
mod web;
mod web_file;
mod zonetext;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use hickory_proto::rr::Name;
use tokio_rustls::TlsAcceptor;

pub use builtin::{builtin_scenarios, demo_scenarios, scenario};
pub use certs::LabCa;
pub use error::LabError;
pub use hostile::{MisbehavingDns, Misbehaviour, SilentDns, SilentTcp};
pub use records::{RecordData, RecordKind, RecordMatch, ZoneRecord};
pub use scenario::{
    CertIssuer, CertSpec, Expectation, ExpectedRow, Fix, ForcedAnswer, HostSpec, LabResolver,
    ListenerKind, OutsideView, Scenario, Validity,
};
pub use user_files::{MAX_SCENARIOS, with_user_scenarios};
pub use web::WebAnswer;

use certs::HostCert;
use dns::{DnsControl, DnsServer, Zones};
use listeners::Listeners;

/// Ports every host reserves besides its SRV ports: the A rows dial 443 (TLS) and
/// 5060 (TCP) (D2), 5061 is the usual TLS SRV port (D5), and autodiscover
/// dials 80 (HTTP) and 443 (HTTPS) (D13).
const NOMINAL_PORTS: [u16; 4] = [80, 443, 5060, 5061];

/// Lab start-up options.
#[derive(Debug, Clone, Default)]
pub struct LabOptions {
    /// Delay before every DNS answer (benchmarks: "every answer delayed by 100 ms").
    pub dns_delay: Duration,
    /// The caching resolver's clock (D11 TTLs count down by it); tests move a
    /// [`LabClock::manual`] one instead of sleeping.
    pub clock: LabClock,
}

/// What [`Lab::apply_fix`] changed, one line per change (for a log pane).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixReport {
    /// The scenario fixed.
    pub scenario: String,
    /// The fix's one-line description.
    pub description: String,
    /// Each change made, e.g. `removed SRV _sipinternaltls._tcp.x.test. (1 record)`.
    pub changes: Vec<String>,
}

struct HostRuntime {
    ip: Ipv4Addr,
    ttl: u32,
    cert: Arc<HostCert>,
    web: web::SharedAnswer,
}

/// A running lab. Dropping it stops every server task; [`Lab::shutdown`] also waits
/// for them.
pub struct Lab {
    scenarios: Vec<Scenario>,
    ca: LabCa,
    zones: Zones,
    control: Arc<DnsControl>,
    server: DnsServer,
    dns_addr: SocketAddr,
    silent_dns: SilentDns,
    /// D11, D12: the outside view, the caching resolver, the lagging secondary.
    views: views::Views,
    listeners: Listeners,
    hosts: HashMap<Name, HostRuntime>,
}

impl Lab {
    /// Start a lab serving `scenarios` (each its own SIP domain) at once.
    pub async fn start(scenarios: Vec<Scenario>, opts: LabOptions) -> Result<Lab, LabError> {
        let mut seen = HashSet::new();
        for s in &scenarios {
            if !seen.insert(s.name.clone()) {
                return Err(LabError::DuplicateScenario(s.name.clone()));
            }
        }
        let ca = LabCa::new()?;
        let mut zones = Zones::default();
        for zone in scenarios.iter().flat_map(|s| s.zones.iter()) {
            zones.add_zone(zone)?;
        }
        let mut hosts = HashMap::new();
        let mut listeners = Listeners::default();
        for (si, s) in scenarios.iter().enumerate() {
            for r in &s.records {
                zones.insert(zone_for(s, &r.name)?, r).await?;
            }
            for (hi, h) in s.hosts.iter().enumerate() {
                if hosts.contains_key(&h.name) {
                    return Err(LabError::Setup(format!(
                        "host {} is in two scenarios",
                        h.name
                    )));
                }
                let host = start_host(s, h, host_ip(si, hi)?, &ca, &zones, &mut listeners).await?;
                hosts.insert(h.name.clone(), host);
            }
        }
        let control = Arc::new(DnsControl::default());
        control.set_delay(opts.dns_delay);
        for (name, answer) in scenarios.iter().flat_map(|s| s.dns_failures.iter()) {
            control.force(name, *answer);
        }
        let (server, dns_addr) = zones.serve(control.clone()).await?;
        let silent_dns = SilentDns::start().await?;
        let views = views::Views::start(&scenarios, &zones, &control, dns_addr, opts.clock).await?;
        Ok(Lab {
            scenarios,
            ca,
            zones,
            control,
            server,
            dns_addr,
            silent_dns,
            views,
            listeners,
            hosts,
        })
    }

    /// Start a lab serving every built-in scenario.
    pub async fn start_all(opts: LabOptions) -> Result<Lab, LabError> {
        Self::start(builtin_scenarios()?, opts).await
    }

    /// The authoritative DNS server, UDP and TCP on the same port.
    pub fn dns_addr(&self) -> SocketAddr {
        self.dns_addr
    }

    /// A resolver address that reads queries and never answers (timeout tests).
    pub fn silent_dns_addr(&self) -> SocketAddr {
        self.silent_dns.addr()
    }

    /// PEM of the lab CA: give it to the client as its trusted CA file (D9).
    pub fn ca_pem(&self) -> &str {
        self.ca.pem()
    }

    /// DER of the lab CA (for a rustls root store).
    pub fn ca_der(&self) -> &rustls::pki_types::CertificateDer<'static> {
        self.ca.der()
    }

    /// `(nominal, actual)` pairs: dial `actual` whenever the nominal address is listed.
    /// Every host address has an entry for 443, 5060, 5061 and every SRV port of its
    /// scenario; a down port maps to a reserved socket that refuses connections.
    pub fn dial_overrides(&self) -> Vec<(SocketAddr, SocketAddr)> {
        let mut all = self.listeners.overrides();
        // D11: the zones' own servers, asked directly on port 53.
        all.push((
            SocketAddr::new(dns::PRIMARY_NS_IP.into(), 53),
            self.dns_addr,
        ));
        if let Some(addr) = self.secondary_addr() {
            all.push((SocketAddr::new(dns::SECONDARY_NS_IP.into(), 53), addr));
        }
        all
    }

    /// Where to connect for `nominal`: its override, or `nominal` itself when the lab
    /// has none (not a lab host).
    pub fn dial_addr(&self, nominal: SocketAddr) -> SocketAddr {
        self.listeners.actual(nominal).unwrap_or(nominal)
    }

    /// The scenarios this lab serves, in start order.
    pub fn scenarios(&self) -> &[Scenario] {
        &self.scenarios
    }

    /// The loopback address allocated to a host (absolute name), if it is a lab host.
    pub fn host_addr(&self, host: &Name) -> Option<Ipv4Addr> {
        self.hosts.get(host).map(|h| h.ip)
    }

    /// Change the delay before every DNS answer while running.
    pub fn set_dns_delay(&self, delay: Duration) {
        self.control.set_delay(delay);
    }

    /// How late every DNS answer is sent (zero unless set).
    pub fn dns_delay(&self) -> Duration {
        self.control.delay()
    }

    /// Apply a scenario's fix to the running lab: edit its zones, publish hosts, stop
    /// forced failures, re-issue certificates on running listeners, start listeners.
    /// Applying it twice changes nothing more.
    pub async fn apply_fix(&self, scenario_name: &str) -> Result<FixReport, LabError> {
        let s = self
            .scenarios
            .iter()
            .find(|s| s.name == scenario_name)
            .ok_or_else(|| LabError::UnknownScenario(scenario_name.to_string()))?;
        let fix = s
            .fix
            .as_ref()
            .ok_or_else(|| LabError::NoFix(s.name.clone()))?;
        let mut changes = Vec::new();
        for m in &fix.remove_records {
            let n = self.zones.remove(zone_for(s, &m.name)?, m).await?;
            let what = m
                .data
                .as_ref()
                .map_or(format!("{:?}", m.kind).to_uppercase(), |d| d.to_string());
            changes.push(format!("removed {} {what} ({n} record(s))", m.name));
        }
        for r in &fix.add_records {
            self.zones.insert(zone_for(s, &r.name)?, r).await?;
            changes.push(format!("added {r}"));
        }
        for name in &fix.publish_hosts {
            let h = self.host(name)?;
            self.zones
                .insert_address(zone_for(s, name)?, name, h.ttl, h.ip)
                .await?;
            changes.push(format!("published {name} {} A {}", h.ttl, h.ip));
        }
        if fix.clear_dns_failures {
            for (name, answer) in &s.dns_failures {
                self.control.unforce(name);
                changes.push(format!("{name} no longer answers {}", answer.words()));
            }
        }
        for (name, spec) in &fix.reissue {
            self.host(name)?.cert.replace(self.ca.issue(spec)?);
            // Plain words in the event log, not a Rust debug list.
            changes.push(format!(
                "re-issued the certificate of {name} for {}",
                spec.names.join(", ")
            ));
        }
        for (name, answer) in &fix.web {
            *self
                .host(name)?
                .web
                .write()
                .unwrap_or_else(|e| e.into_inner()) = Some(answer.clone());
            changes.push(format!("{name} now answers autodiscover with {answer:?}"));
        }
        for (name, ports) in &fix.listeners {
            let ip = self.host(name)?.ip;
            for (&port, &kind) in ports {
                self.listeners
                    .set_kind(SocketAddr::new(IpAddr::V4(ip), port), kind)?;
                changes.push(format!("{name}:{port} now {}", kind.doing()));
            }
        }
        // D11: an edited zone gets a new serial (only the primary has it; the
        // outside view, the secondary and the caching resolver keep theirs).
        for zone in &s.zones {
            self.zones.bump_serial(zone).await?;
        }
        Ok(FixReport {
            scenario: s.name.clone(),
            description: fix.description.clone(),
            changes,
        })
    }

    /// Stop the DNS server and every listener, and wait until their tasks end.
    pub async fn shutdown(self) {
        let Lab {
            mut server,
            listeners,
            silent_dns,
            views,
            ..
        } = self;
        views.shutdown().await;
        // An error here only says a server task had failed earlier; it is gone either way.
        let _ = server.shutdown_gracefully().await;
        listeners.shutdown().await;
        drop(silent_dns);
    }

    fn host(&self, name: &Name) -> Result<&HostRuntime, LabError> {
        self.hosts
            .get(name)
            .ok_or_else(|| LabError::Setup(format!("{name} is not a lab host")))
    }
}

/// `127.0.X.Y` with X = scenario position + 1 and Y = host position + 1: every
/// host has its own address, and X >= 1 keeps it off 127.0.0.1.
fn host_ip(scenario: usize, host: usize) -> Result<Ipv4Addr, LabError> {
    match (u8::try_from(scenario + 1), u8::try_from(host + 1)) {
        (Ok(x), Ok(y)) if x < 255 && y < 255 => Ok(Ipv4Addr::new(127, 0, x, y)),
        _ => Err(LabError::Setup(
            "at most 254 scenarios of 254 hosts fit in 127.0.X.Y".into(),
        )),
    }
}

/// Publish a host's A record, issue its certificate and reserve its listener slots:
/// 443/5060/5061 and every SRV port of its scenario, so any address the engine can
/// dial for it has an override; declared listeners start, the rest stay down.
async fn start_host(
    s: &Scenario,
    h: &HostSpec,
    ip: Ipv4Addr,
    ca: &LabCa,
    zones: &Zones,
    listeners: &mut Listeners,
) -> Result<HostRuntime, LabError> {
    if h.published {
        zones
            .insert_address(zone_for(s, &h.name)?, &h.name, h.ttl, ip)
            .await?;
        // D14: a pool name with one A record per member.
        for pool in &h.also {
            zones
                .insert_address(zone_for(s, pool)?, pool, h.ttl, ip)
                .await?;
        }
    }
    let cert = HostCert::new(ca.issue(&h.cert)?);
    let fix_ports = s.fix.iter().flat_map(|f| f.listeners.iter());
    let ports: BTreeSet<u16> = NOMINAL_PORTS
        .into_iter()
        .chain(s.srv_ports())
        .chain(s.hosts.iter().flat_map(|h| h.listeners.keys().copied()))
        .chain(fix_ports.flat_map(|(_, m)| m.keys().copied()))
        .collect();
    let web: web::SharedAnswer = Arc::new(std::sync::RwLock::new(h.web.clone()));
    let host_name = h.name.to_ascii().trim_end_matches('.').to_string();
    let serving = listeners::Serving {
        acceptor: TlsAcceptor::from(cert.server_config()?),
        cert: cert.clone(),
        web: (web.clone(), host_name),
        registrar: h.registrar,
    };
    for port in ports {
        listeners.reserve(SocketAddr::new(IpAddr::V4(ip), port), serving.clone())?;
    }
    for (&port, &kind) in &h.listeners {
        listeners.set_kind(SocketAddr::new(IpAddr::V4(ip), port), kind)?;
    }
    Ok(HostRuntime {
        ip,
        ttl: h.ttl,
        cert,
        web,
    })
}

fn zone_for<'s>(s: &'s Scenario, name: &Name) -> Result<&'s Name, LabError> {
    s.zone_of(name)
        .ok_or_else(|| LabError::Setup(format!("{name} is in no zone of {}", s.name)))
}
