//! A sweep: every query of the profile and every probe, run concurrently,
//! streaming per-row updates as they happen and ending with the full report.
//! The sweep gathers evidence; `model::judge` decides what it means.

mod many;
mod source;

pub use many::{KeyedEvent, run_many};
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
use crate::model::judge::{self, Judged};
use crate::model::{
    self, DnsOutcome, RecordResult, Signin, Status, SweepReport, TargetResult, TrustSettings,
    Verdict,
};
use crate::plan::{Profile, Query, RowKind, Transport};
use crate::probe::{
    self, AddrAnswer, DialOverrides, Dns, DnsFailure, ProbeContext, ResolverSpec, SrvAnswer, Trust,
};

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
            dial: DialOverrides::new(),
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

/// A sweep ready to run: DNS source in hand, trust store loaded.
pub struct Sweep {
    settings: SweepSettings,
    dns: SharedSource,
    probe: ProbeContext,
}

type Cell<T> = Arc<OnceCell<Result<T, DnsFailure>>>;

/// Each distinct name is asked once per sweep and shared by its rows (D2).
#[derive(Default)]
struct Memo {
    srv: Mutex<HashMap<String, Cell<SrvAnswer>>>,
    addr: Mutex<HashMap<String, Cell<AddrAnswer>>>,
}

async fn memoised<T: Clone, F: Future<Output = Result<T, DnsFailure>>>(
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

/// Milliseconds, saturating: the one conversion every report uses.
pub(crate) fn ms(d: Duration) -> u64 {
    d.as_millis().try_into().unwrap_or(u64::MAX)
}

struct Run<'a> {
    sweep: &'a Sweep,
    memo: Memo,
    started: Instant,
    events: Option<mpsc::UnboundedSender<SweepEvent>>,
}

impl Run<'_> {
    fn emit(&self, event: SweepEvent) {
        if let Some(tx) = &self.events {
            // A closed receiver means nobody watches any more; the sweep still completes.
            let _ = tx.send(event);
        }
    }

    fn update(&self, row: &RecordResult) {
        self.emit(SweepEvent::Row(row.clone()));
    }

    fn log(&self, text: String) {
        self.emit(SweepEvent::Log(LogLine {
            elapsed_ms: ms(self.started.elapsed()),
            text,
        }));
    }

    fn options(&self) -> &SweepOptions {
        &self.sweep.settings.options
    }

    async fn addresses(&self, name: &str) -> Result<AddrAnswer, DnsFailure> {
        memoised(&self.memo.addr, name, || self.sweep.dns.addresses(name)).await
    }

    async fn srv(&self, name: &str) -> Result<SrvAnswer, DnsFailure> {
        memoised(&self.memo.srv, name, || self.sweep.dns.srv(name)).await
    }

    async fn row(&self, query: &Query) -> RecordResult {
        let mut row = RecordResult::pending(query);
        if let Some(j) = judge::transport_forbidden(query.transport, self.options().allow_tcp) {
            row.judged(&j);
        } else {
            row.status = Status::Querying;
            row.detail = format!(
                "asking {} for {} {}",
                self.sweep.dns.label(),
                query.kind.label(),
                query.name
            );
            self.update(&row);
            match query.kind {
                RowKind::Srv => self.srv_row(query, &mut row).await,
                RowKind::A => self.a_row(query, &mut row).await,
            }
        }
        row.elapsed_ms = ms(self.started.elapsed());
        self.update(&row);
        self.log(model::eventlog::row_line(&row));
        row
    }

    fn dns_failed(row: &mut RecordResult, query: &Query, f: DnsFailure) {
        row.dns = Some(f.outcome());
        row.judged(&judge::dns_failure(query.kind, &query.name, f));
    }

    async fn a_row(&self, query: &Query, row: &mut RecordResult) {
        let port = query.port.unwrap_or(443);
        let started = Instant::now();
        let answer = match self.addresses(&query.name).await {
            Err(f) => return Self::dns_failed(row, query, f),
            Ok(a) => a,
        };
        row.dns = Some(DnsOutcome::Answer);
        row.ttl = Some(answer.ttl);
        let mut target = TargetResult::new(&query.name, port);
        target.timings.dns_ms = Some(ms(started.elapsed()));
        fill_addresses(&mut target, &answer);
        row.targets.push(target);
        row.used_target = Some(0);
        row.status = Status::Probing;
        self.update(row);
        // D6: the client expects the queried name on the certificate, not the CNAME's target.
        self.probe_target(
            &mut row.targets[0],
            query.transport,
            &query.name,
            &mut row.warnings,
        )
        .await;
        let t = &row.targets[0];
        row.status = t.status;
        row.reason = t.reason;
        row.detail = t.detail.clone();
    }

    async fn srv_row(&self, query: &Query, row: &mut RecordResult) {
        let answer = match self.srv(&query.name).await {
            Err(f) => return Self::dns_failed(row, query, f),
            Ok(a) => a,
        };
        row.dns = Some(DnsOutcome::Answer);
        row.ttl = Some(answer.ttl);
        let plan = judge::srv_plan(
            &query.name,
            &answer.records,
            &self.sweep.settings.target.domain,
            &self.options().trust,
            &query.typical_ports,
        );
        row.targets = plan.targets;
        row.warnings.extend(plan.warnings);
        if let Some(decided) = plan.decided {
            return row.judged(&decided);
        }
        row.status = Status::Probing;
        self.update(row);
        let transport = query.transport;
        let results = join_all(
            row.targets
                .iter()
                .filter(|t| t.status != Status::Rejected)
                .map(|t| self.srv_target(t.clone(), transport)),
        )
        .await;
        for (done, warnings) in results {
            row.warnings.extend(warnings);
            if let Some(slot) = row
                .targets
                .iter_mut()
                .find(|t| t.host == done.host && t.port == done.port)
            {
                *slot = done;
            }
        }
        row.used_target = model::select::used_target(&row.targets);
        row.follow_used_target();
    }

    async fn srv_target(
        &self,
        mut t: TargetResult,
        transport: Transport,
    ) -> (TargetResult, Vec<String>) {
        let mut warnings = Vec::new();
        let started = Instant::now();
        let answer = self.addresses(&t.host).await;
        t.timings.dns_ms = Some(ms(started.elapsed()));
        match answer {
            Err(f) => {
                let j = judge::target_dns_failure(&t.host, f);
                t.judged(&j);
            }
            Ok(a) => {
                fill_addresses(&mut t, &a);
                warnings.extend(judge::cname_warning(&t.host, &a.cname_chain));
                let host = t.host.clone();
                self.probe_target(&mut t, transport, &host, &mut warnings)
                    .await;
            }
        }
        (t, warnings)
    }

    async fn probe_target(
        &self,
        t: &mut TargetResult,
        transport: Transport,
        expected: &str,
        warnings: &mut Vec<String>,
    ) {
        let Some(ip) = t.addresses.first().and_then(|a| a.parse().ok()) else {
            let host = t.host.clone();
            t.judged(&Judged {
                status: Status::Missing,
                reason: model::Reason::NoUsableAddress { host },
            });
            return;
        };
        let evidence = probe::probe(&self.sweep.probe, ip, t.port, transport, expected).await;
        let out = judge::probe(&evidence, expected, self.options().profile.wildcards);
        t.judged(&out.judged);
        t.certificate = out.certificate;
        t.dialed = evidence.dialed;
        t.timings.connect_ms = evidence.connect_ms;
        t.timings.tls_ms = evidence.tls_ms;
        warnings.extend(out.warnings);
    }
}

fn fill_addresses(t: &mut TargetResult, a: &AddrAnswer) {
    t.addresses = a.addresses.iter().map(|ip| ip.to_string()).collect();
    t.ttl = Some(a.ttl);
    t.cname_chain = a.cname_chain.clone();
}

impl Sweep {
    /// Builds the resolver from the options and loads the trust store.
    /// Errors here are configuration errors (unreadable CA file, no DNS
    /// configuration).
    pub fn prepare(settings: SweepSettings) -> Result<Sweep, SweepError> {
        let dns = Dns::new(&settings.options.resolvers, settings.options.timeout)?;
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
        };
        Ok(Sweep {
            settings,
            dns,
            probe,
        })
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
    pub async fn run(&self, events: Option<mpsc::UnboundedSender<SweepEvent>>) -> SweepReport {
        let mut report = self.initial_report();
        let run = Run {
            sweep: self,
            memo: Memo::default(),
            started: Instant::now(),
            events,
        };
        let queries = self
            .settings
            .options
            .profile
            .queries(&self.settings.target.domain);
        report.records = join_all(queries.iter().map(|q| run.row(q))).await;
        report.elapsed_ms = ms(run.started.elapsed());
        report.decide();
        for line in model::eventlog::client_events(&report) {
            run.log(line);
        }
        run.emit(SweepEvent::Finished(Box::new(report.clone())));
        report
    }

    /// Runs the sweep on its own task. Dropping or aborting the handle cancels it.
    pub fn spawn(self) -> (JoinHandle<SweepReport>, mpsc::UnboundedReceiver<SweepEvent>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let handle = tokio::spawn(async move { self.run(Some(tx)).await });
        (handle, rx)
    }
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
        records: queries.iter().map(RecordResult::pending).collect(),
        selected: None,
        verdict: Verdict {
            signin: Signin::Fail,
            summary: "Sweep in progress.".into(),
        },
    }
}
