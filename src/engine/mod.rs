//! The engine: built once from the layered settings, it checks one target
//! or a lazy stream of many. Every frontend (`check`, `check --vantage`, the
//! dashboard, `open` + `r`, the demo, and later `audit` and `serve`) calls
//! it; none of them assembles sweeps, vantages or authoritative lookups.
//!
//! What is built once and shared by every check (D19): the trust store, the
//! parsed profiles, one resolver handle per vantage (no answer cache: D11
//! still holds, every check asks afresh; the handle bounds the queries in
//! flight, [`crate::probe::dns::MAX_IN_FLIGHT`]) and the dial overrides.
//! What is per check: the target, and optionally another profile, a subset
//! of the vantages, a tighter step timeout ([`CheckRequest`]).

mod check;
mod many;

pub use check::{CheckRequest, CheckResult, EngineEvent, VantageResult};
pub use many::Positioned;

use std::sync::Arc;

use crate::config::Vantage;
use crate::plan::Profile;
use crate::probe::{Dns, ResolverSpec, Trust};
use crate::sweep::{SweepError, SweepOptions};

/// How many vantages of one check are swept at the same time (issue 21.6;
/// their number is capped by [`crate::config::MAX_VANTAGES`]).
pub const VANTAGES_AT_ONCE: usize = 8;

/// How many events a check may have sent that its watcher has not taken;
/// past that the check waits (back-pressure).
pub const EVENT_BUFFER: usize = crate::sweep::EVENT_BUFFER;

/// What an engine is built from: the layered settings, resolved.
#[derive(Debug, Clone)]
pub struct EngineSettings {
    /// Profile, resolvers (of the unnamed vantage), timeout, trust, dial.
    pub options: SweepOptions,
    /// Named vantages (D12); empty means one unnamed vantage, the
    /// resolvers of `options`.
    pub vantages: Vec<Vantage>,
    /// D11: ask the zone's own servers too.
    pub authoritative: bool,
    /// D19: join identical questions in flight (the audit and the exporter,
    /// whose checks run together). Off for `check` and the dashboard: a
    /// re-run must never join a question its cancelled predecessor sent
    /// before the user's DNS edit.
    pub join_questions: bool,
}

impl EngineSettings {
    pub fn new(options: SweepOptions) -> EngineSettings {
        EngineSettings {
            options,
            vantages: Vec::new(),
            authoritative: false,
            join_questions: false,
        }
    }
}

/// One vantage as the engine holds it: its label and resolver handle.
pub(crate) struct Lane {
    pub(crate) label: String,
    pub(crate) resolvers: ResolverSpec,
    pub(crate) dns: Arc<Dns>,
}

/// Built once, used for every check. See the module documentation.
pub struct Engine {
    options: SweepOptions,
    trust: Trust,
    profiles: Arc<[Profile]>,
    lanes: Vec<Lane>,
    authoritative: bool,
    counter: many::InFlight,
}

impl Engine {
    /// Builds the engine: loads the trust store (system roots, CA files),
    /// reads the system's DNS configuration when no resolver is named, and
    /// builds one resolver handle per vantage. **Blocking**: call it before
    /// the async runtime runs, or inside `spawn_blocking`. Errors are
    /// configuration errors (unreadable CA file, no DNS configuration).
    /// Resolvers given by host name were looked up when the settings were
    /// layered (`config::sweep_options`), once, before this.
    pub fn new(settings: EngineSettings) -> Result<Engine, SweepError> {
        let o = &settings.options;
        let mut trust = Trust::load(o.system_roots, &o.ca_files)?;
        if let Some(pem) = &o.extra_ca_pem {
            trust = trust.with_pem(pem);
        }
        let named: Vec<(String, ResolverSpec)> = if settings.vantages.is_empty() {
            vec![(String::new(), o.resolvers.clone())]
        } else {
            settings
                .vantages
                .iter()
                .map(|v| (v.label.clone(), v.resolvers.clone()))
                .collect()
        };
        let mut lanes = Vec::with_capacity(named.len());
        for (label, resolvers) in named {
            let dns = Dns::new(&resolvers, o.timeout)?.with_in_flight(o.dns_in_flight);
            let dns = Arc::new(if settings.join_questions {
                dns.with_joined_questions()
            } else {
                dns
            });
            lanes.push(Lane {
                label,
                resolvers,
                dns,
            });
        }
        Ok(Engine {
            options: settings.options,
            trust,
            profiles: crate::plan::profiles().into(),
            lanes,
            authoritative: settings.authoritative,
            counter: many::InFlight::default(),
        })
    }

    /// The options every check starts from.
    pub fn options(&self) -> &SweepOptions {
        &self.options
    }

    /// Whether checks ask the zone's own servers too (D11).
    pub fn authoritative(&self) -> bool {
        self.authoritative
    }

    /// The vantages' labels in order (one empty label: the unnamed vantage).
    pub fn vantage_labels(&self) -> Vec<&str> {
        self.lanes.iter().map(|l| l.label.as_str()).collect()
    }

    /// Whether the engine sweeps named vantages (D12) rather than one pool.
    pub fn has_named_vantages(&self) -> bool {
        self.lanes.len() > 1 || self.lanes.iter().any(|l| !l.label.is_empty())
    }

    /// The resolvers of vantage `i`, as given.
    pub fn vantage_resolvers(&self, i: usize) -> Option<&ResolverSpec> {
        self.lanes.get(i).map(|l| &l.resolvers)
    }

    /// Queries that may start now at vantage `i`'s resolvers without
    /// waiting (D19: `--dns-in-flight` while idle).
    pub fn vantage_dns_slots(&self, i: usize) -> Option<usize> {
        self.lanes.get(i).map(|l| l.dns.free_slots())
    }

    /// The position of the vantage labelled `label` (for a request's
    /// selection, e.g. the exporter's `&vantage=`).
    pub fn vantage_index(&self, label: &str) -> Option<usize> {
        self.lanes.iter().position(|l| l.label == label)
    }

    /// A built-in profile by name (case-insensitive), parsed once with the
    /// engine (for a request's override, e.g. the exporter's `&profile=`).
    pub fn profile(&self, name: &str) -> Option<&Profile> {
        let wanted = name.trim().to_ascii_lowercase();
        self.profiles.iter().find(|p| p.name == wanted)
    }

    /// The options of one vantage's sweep for `request`.
    fn options_for(&self, lane: &Lane, request: &CheckRequest) -> SweepOptions {
        let mut o = self.options.clone();
        o.resolvers = lane.resolvers.clone();
        if let Some(p) = &request.profile {
            // D3: the profile's own TCP habit, as a profile switch does.
            o.allow_tcp = p.tcp_by_default;
            o.profile = p.clone();
        }
        if let Some(cap) = request.timeout {
            o.timeout = o.timeout.min(cap);
        }
        o
    }
}
