//! A sweep: every query of the profile and every probe, run concurrently,
//! streaming per-row updates as they happen and ending with the full report.

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
use crate::model::{
    self, DnsOutcome, RecordResult, Signin, Status, SweepReport, TargetResult, TrustSettings,
    Verdict, check_target,
};
use crate::plan::{Profile, Query, RowKind, Transport};
use crate::probe::{
    self, AddrAnswer, DialOverrides, Dns, DnsFailure, ProbeContext, ResolverSpec, SrvAnswer, Trust,
};

/// Everything a sweep needs. Cheap to clone; the resolver is a parameter, so
/// several sweeps (other resolvers, other domains) can run side by side.
#[derive(Debug, Clone)]
pub struct SweepSettings {
    pub target: Target,
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

impl SweepSettings {
    pub fn new(target: Target, profile: Profile, resolvers: ResolverSpec) -> SweepSettings {
        SweepSettings {
            target,
            profile,
            resolvers,
            timeout: Duration::from_millis(3000),
            ca_files: Vec::new(),
            system_roots: true,
            extra_ca_pem: None,
            trust: TrustSettings::default(),
            allow_tcp: true,
            dial: DialOverrides::new(),
        }
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

/// A sweep ready to run: resolver built, trust store loaded.
pub struct Sweep {
    settings: SweepSettings,
    dns: Dns,
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

fn ms(d: Duration) -> u64 {
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

    async fn addresses(&self, name: &str) -> Result<AddrAnswer, DnsFailure> {
        memoised(&self.memo.addr, name, || self.sweep.dns.addresses(name)).await
    }

    async fn srv(&self, name: &str) -> Result<SrvAnswer, DnsFailure> {
        memoised(&self.memo.srv, name, || self.sweep.dns.srv(name)).await
    }

    async fn row(&self, query: &Query) -> RecordResult {
        let mut row = RecordResult::pending(query);
        if query.transport == Transport::Tcp && !self.sweep.settings.allow_tcp {
            row.status = Status::Rejected;
            row.detail =
                "TCP is not allowed by the client's policy, so this record is not used".into();
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

    fn dns_failed(row: &mut RecordResult, what: &str, f: &DnsFailure) {
        row.status = if f.is_missing() {
            Status::Missing
        } else {
            Status::DnsError
        };
        row.dns = Some(f.outcome());
        row.detail = format!("{what}: {}", f.describe());
    }

    async fn a_row(&self, query: &Query, row: &mut RecordResult) {
        let port = query.port.unwrap_or(443);
        let started = Instant::now();
        let answer = match self.addresses(&query.name).await {
            Err(f) => return Self::dns_failed(row, &format!("{} has no address", query.name), &f),
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
        row.detail = t.detail.clone();
    }

    async fn srv_row(&self, query: &Query, row: &mut RecordResult) {
        let answer = match self.srv(&query.name).await {
            Err(f) => return Self::dns_failed(row, &format!("no SRV record {}", query.name), &f),
            Ok(a) => a,
        };
        row.dns = Some(DnsOutcome::Answer);
        row.ttl = Some(answer.ttl);
        let domain = &self.sweep.settings.target.domain;
        // D5: a lone "." target means the service is decidedly not available.
        if answer.records.iter().all(|r| r.target == ".") {
            row.status = Status::Missing;
            row.detail =
                "the SRV answer's target is \".\": the service is decidedly not available here"
                    .into();
            return;
        }
        let mut targets: Vec<TargetResult> = answer
            .records
            .iter()
            .filter(|r| r.target != ".")
            .map(|r| {
                let mut t = TargetResult::new(&r.target, r.port);
                t.priority = Some(r.priority);
                t.weight = Some(r.weight);
                if let Err(why) = check_target(&r.target, domain, &self.sweep.settings.trust) {
                    t.status = Status::Rejected;
                    t.detail = why;
                }
                t
            })
            .collect();
        model::select::order_srv_targets(&mut targets);
        for t in &targets {
            if !query.typical_ports.is_empty() && !query.typical_ports.contains(&t.port) {
                let usual: Vec<String> = query.typical_ports.iter().map(u16::to_string).collect();
                row.warnings.push(format!(
                    "{} uses port {}; {} usually uses {} (D5)",
                    t.host,
                    t.port,
                    query.name,
                    usual.join(" or ")
                ));
            }
        }
        row.targets = targets;
        if row.targets.iter().all(|t| t.status == Status::Rejected) {
            row.status = Status::Rejected;
            row.detail = row.targets[0].detail.clone();
            return;
        }
        row.status = Status::Probing;
        self.update(row);
        let transport = query.transport;
        let mut warnings = Vec::new();
        let results = join_all(
            row.targets
                .iter()
                .filter(|t| t.status != Status::Rejected)
                .map(|t| self.srv_target(t.clone(), transport)),
        )
        .await;
        for (done, w) in results {
            warnings.extend(w);
            if let Some(slot) = row
                .targets
                .iter_mut()
                .find(|t| t.host == done.host && t.port == done.port)
            {
                *slot = done;
            }
        }
        row.warnings.extend(warnings);
        row.used_target = model::select::used_target(&row.targets);
        let used = row
            .used()
            .map(|t| (t.status, format!("{}:{} — {}", t.host, t.port, t.detail)));
        match used {
            Some((status, detail)) => {
                row.status = status;
                row.detail = detail;
            }
            None => row.status = Status::Rejected,
        }
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
            Err(f) if f.is_missing() => {
                t.status = Status::Missing;
                t.detail = format!(
                    "SRV points to {}, which has no address ({})",
                    t.host,
                    f.describe()
                );
            }
            Err(f) => {
                t.status = Status::DnsError;
                t.detail = format!(
                    "the address of {} could not be looked up: {}",
                    t.host,
                    f.describe()
                );
            }
            Ok(a) => {
                fill_addresses(&mut t, &a);
                if !a.cname_chain.is_empty() {
                    warnings.push(format!(
                        "SRV target {} is an alias (CNAME to {}); RFC 2782 wants a host with its own A record (D5)",
                        t.host,
                        a.cname_chain.join(" → ")
                    ));
                }
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
            t.status = Status::Missing;
            t.detail = format!("{} has no usable address", t.host);
            return;
        };
        let out = probe::probe(&self.sweep.probe, ip, t.port, transport, expected).await;
        t.status = out.status;
        t.detail = out.detail;
        t.certificate = out.certificate;
        t.dialed = out.dialed;
        t.timings.connect_ms = out.connect_ms;
        t.timings.tls_ms = out.tls_ms;
        warnings.extend(out.warnings);
    }
}

fn fill_addresses(t: &mut TargetResult, a: &AddrAnswer) {
    t.addresses = a.addresses.iter().map(|ip| ip.to_string()).collect();
    t.ttl = Some(a.ttl);
    t.cname_chain = a.cname_chain.clone();
}

impl Sweep {
    /// Builds the resolver and loads the trust store. Errors here are
    /// configuration errors (unreadable CA file, no DNS configuration).
    pub fn prepare(settings: SweepSettings) -> Result<Sweep, SweepError> {
        let dns = Dns::new(&settings.resolvers, settings.timeout)?;
        let mut trust = Trust::load(settings.system_roots, &settings.ca_files)?;
        if let Some(pem) = &settings.extra_ca_pem {
            trust = trust.with_pem(pem);
        }
        let probe = ProbeContext {
            trust,
            timeout: settings.timeout,
            dial: settings.dial.clone(),
            wildcards: settings.profile.wildcards,
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
        report.resolvers = self.dns.servers().to_vec();
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
        let queries = self.settings.profile.queries(&self.settings.target.domain);
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
    let queries = settings.profile.queries(&settings.target.domain);
    SweepReport {
        version: model::DOCUMENT_VERSION,
        input: settings.target.input.clone(),
        domain: settings.target.domain.clone(),
        profile: settings.profile.name.clone(),
        resolvers: settings.resolvers.labels(),
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
