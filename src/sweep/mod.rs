//! A sweep: every query of the profile and every probe, run concurrently,
//! streaming per-row updates as they happen and ending with the full report.
//! The sweep gathers evidence; `model::judge` decides what it means.

pub mod authority;
mod dial_guard;
mod run;
mod source;
mod srv;
mod web;

pub use source::{DnsSource, SharedSource};

use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::future::join_all;
use thiserror::Error;
use time::format_description::well_known::Rfc3339;
use tokio::sync::{OnceCell, mpsc};
use tokio::task::JoinHandle;

use crate::input::Target;
use crate::model::ms;
use crate::model::{self, RecordResult, SweepReport, TrustSettings, Verdict};
use crate::plan::Profile;
use crate::probe::{
    self, AddrAnswer, DialOverrides, Dns, DnsFailure, ProbeContext, ResolverSpec, SrvAnswer, Trust,
};

/// The warning on an SRV row streamed before the fresh address answer came
/// back: its targets' addresses so far are the SRV answer's additional
/// section's (issue 12 item 7). The fresh answer decides (D11); the row
/// streamed after it no longer carries this note.
pub const PROVISIONAL_NOTE: &str =
    "addresses from the SRV answer's additional section; confirming with a fresh query (D11)";

/// Bound on each network step unless configured otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(3000);

/// How to sweep, whatever the address: profile, resolvers, trust, limits.
/// Resolved once from the settings layers (`config::sweep_options`).
#[derive(Debug, Clone)]
pub struct SweepOptions {
    pub profile: Profile,
    pub resolvers: ResolverSpec,
    /// Bound on each network step (DNS query, TCP connect, TLS handshake).
    pub timeout: Duration,
    pub ca_files: Vec<PathBuf>,
    pub system_roots: bool,
    /// Extra trusted roots in PEM held in memory (the lab's CA).
    pub extra_ca_pem: Option<String>,
    pub trust: TrustSettings,
    /// When false, TCP rows are rejected (a profile or policy that forbids TCP, D8).
    pub allow_tcp: bool,
    pub dial: DialOverrides,
    /// D13: ports besides 80 and 443 an autodiscover redirect or link may use.
    pub allow_ports: Vec<u16>,
    /// D17: send one unauthenticated REGISTER after a passing connection
    /// (`--no-sip` turns it off).
    pub sip: bool,
    /// D18: a used certificate expiring within this many days is `degraded`.
    pub expiry_warning_days: u32,
    /// D19: queries of one resolver in flight at once (`--dns-in-flight`).
    pub dns_in_flight: usize,
}

impl SweepOptions {
    /// The defaults for `profile` and `resolvers`.
    pub fn new(profile: Profile, resolvers: ResolverSpec) -> SweepOptions {
        SweepOptions {
            profile,
            resolvers,
            timeout: DEFAULT_TIMEOUT,
            ca_files: Vec::new(),
            system_roots: true,
            extra_ca_pem: None,
            trust: TrustSettings::default(),
            allow_tcp: true,
            dial: DialOverrides::default(),
            allow_ports: Vec::new(),
            sip: true,
            expiry_warning_days: model::state::DEFAULT_EXPIRY_WARNING_DAYS,
            dns_in_flight: crate::probe::dns::MAX_IN_FLIGHT,
        }
    }
}

/// Everything a sweep needs: the address and the options. Cheap to clone;
/// the DNS source is built from the options or handed in, so several sweeps
/// (other resolvers, other domains) can run side by side.
#[derive(Debug, Clone)]
pub struct SweepSettings {
    pub target: Target,
    pub options: SweepOptions,
}

impl SweepSettings {
    pub fn new(target: Target, options: SweepOptions) -> SweepSettings {
        SweepSettings { target, options }
    }
}

#[derive(Debug, Error)]
pub enum SweepError {
    #[error(transparent)]
    Dns(#[from] probe::dns::DnsSetupError),
    #[error(transparent)]
    Trust(#[from] probe::tls::TrustSetupError),
}

/// A line for the event log pane, stamped with the time since the sweep began.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub elapsed_ms: u64,
    pub kind: model::eventlog::LogKind,
    pub text: String,
}

#[derive(Debug, Clone)]
pub enum SweepEvent {
    /// A row changed (querying → probing → final).
    Row(RecordResult),
    Log(LogLine),
    /// The sweep ended; the report is complete.
    Finished(Box<SweepReport>),
}

/// How many events a sweep may have sent that its watcher has not taken yet;
/// past that the sweep waits (back-pressure, no unbounded queue). Room for
/// every event of an ordinary sweep (a few hundred: each row's states, the
/// log lines), so a slow screen never holds probes back long enough for a
/// network step to time out and change a verdict; only a watcher that stops
/// reading altogether holds the sweep back.
pub const EVENT_BUFFER: usize = 1024;

/// A sweep ready to run: DNS source in hand, trust store loaded.
pub struct Sweep {
    settings: SweepSettings,
    dns: SharedSource,
    probe: ProbeContext,
    /// Every built-in profile, asked beside the sweep's own (issue 10).
    generations: Arc<[Profile]>,
}

type Cell<T> = Arc<OnceCell<Result<T, DnsFailure>>>;

/// Each distinct name is asked once per sweep and shared by its rows (D2).
#[derive(Default)]
pub(super) struct Memo {
    srv: Mutex<HashMap<String, Cell<SrvAnswer>>>,
    addr: Mutex<HashMap<String, Cell<AddrAnswer>>>,
}

pub(super) async fn memoised<T: Clone, F: Future<Output = Result<T, DnsFailure>>>(
    map: &Mutex<HashMap<String, Cell<T>>>,
    name: &str,
    ask: impl FnOnce() -> F,
) -> Result<T, DnsFailure> {
    let cell = {
        let mut map = map.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(name.to_string()).or_default().clone()
    };
    cell.get_or_init(ask).await.clone()
}

impl Sweep {
    /// Builds the resolver from the options and loads the trust store.
    /// Errors here are configuration errors (unreadable CA file, no DNS
    /// configuration).
    pub fn prepare(settings: SweepSettings) -> Result<Sweep, SweepError> {
        let dns = Dns::new(&settings.options.resolvers, settings.options.timeout)?
            .with_in_flight(settings.options.dns_in_flight);
        Sweep::with_source(settings, Arc::new(dns))
    }

    /// A sweep that asks `dns` instead of the resolvers in the options.
    pub fn with_source(settings: SweepSettings, dns: SharedSource) -> Result<Sweep, SweepError> {
        let o = &settings.options;
        let mut trust = Trust::load(o.system_roots, &o.ca_files)?;
        if let Some(pem) = &o.extra_ca_pem {
            trust = trust.with_pem(pem);
        }
        let probe = ProbeContext {
            trust,
            timeout: o.timeout,
            dial: o.dial.clone(),
            sip: sip_settings(&settings),
        };
        Ok(Sweep::from_parts(
            settings,
            dns,
            probe,
            crate::plan::profiles().into(),
        ))
    }

    /// A sweep from parts already built (the engine's: one trust store, one
    /// set of parsed profiles and resolver handles for every check). Cheap:
    /// nothing is loaded or parsed here, nothing blocks.
    pub fn from_parts(
        settings: SweepSettings,
        dns: SharedSource,
        probe: ProbeContext,
        generations: Arc<[Profile]>,
    ) -> Sweep {
        Sweep {
            settings,
            dns,
            probe,
            generations,
        }
    }

    pub fn settings(&self) -> &SweepSettings {
        &self.settings
    }

    /// The report before anything is asked: every row pending.
    pub fn initial_report(&self) -> SweepReport {
        let mut report = initial_report(&self.settings);
        report.resolvers = self.dns.servers();
        report
    }

    /// Runs every query and probe concurrently. Updates stream to `events`
    /// (if given) as they happen; the returned report is complete.
    pub async fn run(&self, events: Option<mpsc::Sender<SweepEvent>>) -> SweepReport {
        let mut report = self.initial_report();
        let domain = &self.settings.target.domain;
        let queries = self.settings.options.profile.queries(domain);
        let visible = queries.len();
        // Every generation at once (issue 10): the other built-in profiles'
        // rows are asked beside this profile's (names are asked once, D2);
        // they feed the clients summary and are not streamed as rows.
        let builtin = &self.generations;
        let queries = with_every_generation(queries, builtin, domain);
        let run = run::Run {
            sweep: self,
            memo: Memo::default(),
            started: Instant::now(),
            events,
            visible,
            decision: std::sync::Mutex::new(model::decision::Decision::new(&report)),
        };
        let mut swept = join_all(queries.iter().map(|q| run.row(q))).await;
        report.clients = model::clients::summarise(builtin, domain, &swept);
        swept.truncate(visible);
        report.records = swept;
        report.elapsed_ms = ms(run.started.elapsed());
        report.decide();
        report.decided_ms = Some(run.decided_ms(&report));
        if run.watched() {
            for line in model::eventlog::client_events(&report) {
                run.log(model::eventlog::LogKind::Event, line).await;
            }
            run.emit(SweepEvent::Finished(Box::new(report.clone())))
                .await;
        }
        report
    }

    /// Runs the sweep on its own task. Dropping or aborting the handle cancels it.
    /// The events come through a bounded channel ([`EVENT_BUFFER`]): read them.
    pub fn spawn(self) -> (JoinHandle<SweepReport>, mpsc::Receiver<SweepEvent>) {
        let (tx, rx) = mpsc::channel(EVENT_BUFFER);
        let handle = tokio::spawn(async move { self.run(Some(tx)).await });
        (handle, rx)
    }
}

/// `own` followed by every other profile's query not already in the list
/// (same kind, name, transport and port), numbered after `own`.
fn with_every_generation(
    own: Vec<crate::plan::Query>,
    profiles: &[Profile],
    domain: &str,
) -> Vec<crate::plan::Query> {
    let mut all = own;
    for q in profiles.iter().flat_map(|p| p.queries(domain)) {
        let known = all.iter().any(|a| {
            a.kind == q.kind && a.name == q.name && a.transport == q.transport && a.port == q.port
        });
        if !known {
            let index = all.len() + 1;
            all.push(crate::plan::Query { index, ..q });
        }
    }
    all
}

/// D17: what the REGISTER stage sends for `settings`, or `None` when the
/// stage is off (`--no-sip`).
pub fn sip_settings(settings: &SweepSettings) -> Option<probe::sip::SipSettings> {
    let (o, t) = (&settings.options, &settings.target);
    o.sip.then(|| probe::sip::SipSettings {
        register: probe::sip::Register::new(t.user.as_deref(), &t.domain),
        wildcards: o.profile.wildcards,
    })
}

/// The report for `settings` before anything is asked: every row pending.
pub fn initial_report(settings: &SweepSettings) -> SweepReport {
    let o = &settings.options;
    let queries = o.profile.queries(&settings.target.domain);
    SweepReport {
        version: model::DOCUMENT_VERSION,
        input: settings.target.input.clone(),
        domain: settings.target.domain.clone(),
        profile: o.profile.name.clone(),
        resolvers: o.resolvers.labels(),
        started_at: time::OffsetDateTime::now_utc()
            .format(&Rfc3339)
            .unwrap_or_default(),
        elapsed_ms: 0,
        decided_ms: None,
        records: queries.iter().map(RecordResult::pending).collect(),
        selected: None,
        verdict: Verdict::in_progress("Sweep in progress."),
        clients: Vec::new(),
        expiry_warning_days: o.expiry_warning_days,
    }
}
