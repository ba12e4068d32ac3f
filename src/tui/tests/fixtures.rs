//! Deterministic dashboards for tests: an App with a fixed clock and no
//! colour, and sweep results built from model types (no network).

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use time::macros::datetime;

use crate::config::SweepOverrides as SweepArgs;
use crate::model::{
    CertInfo, ChainEntry, DnsOutcome, NameMatch, RecordResult, Status, SweepReport, TargetResult,
    Timings,
};
use crate::sweep::{LogLine, SweepEvent, SweepSettings, initial_report};
use crate::tui::app::{App, AppConfig, Effect, Msg};
use crate::tui::clock::FixedClock;
use crate::tui::theme::Theme;
use crate::tui::view;

pub const ADDRESS: &str = "sip:alice@contoso.com";

pub fn args() -> SweepArgs {
    SweepArgs {
        resolvers: vec!["10.0.0.53".into()],
        ..SweepArgs::default()
    }
}

pub fn app() -> App {
    app_with(args(), AppConfig::default())
}

pub fn app_with(args: SweepArgs, config: AppConfig) -> App {
    App::new(
        args,
        config,
        Theme::plain(),
        Box::new(FixedClock(datetime!(2025-06-01 12:00:00 UTC))),
    )
}

pub fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

pub fn code(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// The id and settings of the `StartSweep` among `effects`.
pub fn started(effects: &[Effect]) -> Option<(u32, SweepSettings)> {
    effects.iter().find_map(|e| match e {
        Effect::StartSweep { id, settings } => Some((*id, settings[0].clone())),
        _ => None,
    })
}

/// An App sweeping `ADDRESS`: (app, sweep id, settings).
pub fn sweeping() -> (App, u32, SweepSettings) {
    let mut app = app();
    let effects = app.start(Some(ADDRESS));
    let (id, settings) = started(&effects).expect("a sweep starts");
    (app, id, settings)
}

pub fn cert(expected: &str, sans: &[&str], name_match: NameMatch) -> CertInfo {
    CertInfo {
        subject: format!("CN={}", sans.first().copied().unwrap_or(expected)),
        sans: sans.iter().map(|s| s.to_string()).collect(),
        issuer: "CN=Contoso Issuing CA".into(),
        not_before: "2025-01-01T00:00:00Z".into(),
        not_after: "2025-12-31T00:00:00Z".into(),
        chain_len: 2,
        expected_name: expected.into(),
        name_match,
        trusted: true,
        trust_error: None,
        chain: vec![
            ChainEntry {
                subject: format!("CN={}", sans.first().copied().unwrap_or(expected)),
                issuer: "CN=Contoso Issuing CA".into(),
            },
            ChainEntry {
                subject: "CN=Contoso Issuing CA".into(),
                issuer: "CN=Contoso Root CA".into(),
            },
        ],
        thumbprint: "3A7F0C1D9E2B44F0A1B2C3D4E5F60718293A4B5C".into(),
        serial: "01".into(),
        key: "RSA 2048".into(),
        ca_issuers: vec![],
    }
}

fn target(host: &str, port: u16, addr: &str, status: Status, detail: &str) -> TargetResult {
    let mut t = TargetResult::new(host, port);
    t.addresses = vec![addr.into()];
    t.ttl = Some(300);
    t.status = status;
    t.detail = detail.into();
    t.timings = Timings {
        dns_ms: Some(3),
        connect_ms: Some(1),
        tls_ms: (port != 5060).then_some(12),
    };
    t
}

/// Row `index` of the default profile for contoso.com, before any answer.
pub fn pending(settings: &SweepSettings, index: usize) -> RecordResult {
    initial_report(settings).records[index - 1].clone()
}

pub fn missing(settings: &SweepSettings, index: usize) -> RecordResult {
    let mut r = pending(settings, index);
    r.status = Status::Missing;
    r.dns = Some(DnsOutcome::NxDomain);
    r.detail = format!("no record {}: NXDOMAIN (the name does not exist)", r.name);
    r.elapsed_ms = 4;
    r
}

/// An SRV row answered by `host:port`, probed with `status`.
pub fn srv(
    settings: &SweepSettings,
    index: usize,
    host: &str,
    port: u16,
    status: Status,
) -> RecordResult {
    let mut r = pending(settings, index);
    r.dns = Some(DnsOutcome::Answer);
    r.ttl = Some(3600);
    r.elapsed_ms = 21;
    let detail = match status {
        Status::Found => {
            format!("TLS handshake with {host} done; the certificate names {host} and is trusted")
        }
        Status::Rejected => {
            format!("{host} is outside contoso.com, so the client ignores this answer (D4)")
        }
        _ => format!("{host}: {status}"),
    };
    let mut t = target(host, port, "10.0.0.10", status, &detail);
    t.priority = Some(0);
    t.weight = Some(100);
    if status == Status::Rejected {
        t.addresses.clear();
        t.timings = Timings::default();
    } else {
        t.certificate = Some(cert(host, &[host], NameMatch::Exact));
    }
    r.targets.push(t);
    r.used_target = (status != Status::Rejected).then_some(0);
    r.status = status;
    r.detail = format!("{host}:{port} — {detail}");
    r
}

/// An A row of the default profile answered with `addr`, probed with `status`.
pub fn a_row(
    settings: &SweepSettings,
    index: usize,
    addr: &str,
    status: Status,
    cname: &[&str],
    cert_sans: &[&str],
) -> RecordResult {
    let mut r = pending(settings, index);
    let port = r.port.unwrap_or(443);
    r.dns = Some(DnsOutcome::Answer);
    r.ttl = Some(300);
    r.elapsed_ms = 17;
    let detail = match status {
        Status::Found if port == 5060 => format!("TCP connection to {addr}:{port} accepted"),
        Status::Found => format!("the certificate names {} and is trusted", r.name),
        Status::CertMismatch => format!(
            "the certificate does not name {} (it names {})",
            r.name,
            cert_sans.join(", ")
        ),
        _ => status.to_string(),
    };
    let mut t = target(&r.name, port, addr, status, &detail);
    t.cname_chain = cname.iter().map(|s| s.to_string()).collect();
    if port != 5060 {
        let m = if status == Status::CertMismatch {
            NameMatch::None
        } else {
            NameMatch::Exact
        };
        t.certificate = Some(cert(&r.name, cert_sans, m));
    }
    r.targets.push(t);
    r.used_target = Some(0);
    r.status = status;
    r.detail = detail;
    r
}

/// The finished report of a sweep with `settings` that found `records`.
pub fn report(settings: &SweepSettings, records: Vec<RecordResult>) -> SweepReport {
    let mut report: SweepReport = initial_report(settings);
    report.records = records;
    report.elapsed_ms = 412;
    report.started_at = "2025-06-01T12:00:00Z".into();
    report.decide();
    report
}

/// Feeds `records` to sweep `id` as row events, a log line, then `Finished`.
pub fn finish(app: &mut App, id: u32, settings: &SweepSettings, records: Vec<RecordResult>) {
    let report = report(settings, records);
    for r in &report.records {
        app.update(Msg::Sweep {
            lane: 0,
            id,
            event: SweepEvent::Row(r.clone()),
        });
    }
    app.update(Msg::Sweep {
        lane: 0,
        id,
        event: SweepEvent::Log(LogLine {
            elapsed_ms: 412,
            kind: crate::model::eventlog::LogKind::Event,
            text: format!("Verdict: {}", report.verdict.summary),
        }),
    });
    app.update(Msg::Sweep {
        lane: 0,
        id,
        event: SweepEvent::Finished(Box::new(report)),
    });
}

/// An App whose first sweep found everything.
pub fn app_idle() -> App {
    let (mut app, id, s) = sweeping();
    finish(&mut app, id, &s, all_found(&s));
    app
}

/// Whether a log line contains `needle`.
pub fn logged(app: &App, needle: &str) -> bool {
    app.log.iter().any(|l| l.text.contains(needle))
}

/// Every row found or missing; the client uses record 1.
pub fn all_found(s: &SweepSettings) -> Vec<RecordResult> {
    vec![
        srv(s, 1, "pool.contoso.com", 5061, Status::Found),
        missing(s, 2),
        srv(s, 3, "edge.contoso.com", 443, Status::Found),
        missing(s, 4),
        a_row(
            s,
            5,
            "10.0.0.10",
            Status::Found,
            &[],
            &["sipinternal.contoso.com"],
        ),
        a_row(s, 6, "10.0.0.10", Status::Found, &[], &[]),
        a_row(s, 7, "10.0.0.20", Status::Found, &[], &["sip.contoso.com"]),
        a_row(s, 8, "10.0.0.20", Status::Found, &[], &[]),
        missing(s, 9),
        missing(s, 10),
    ]
}

/// The sipinternal CNAME case: no SRV, `sipinternal` is a CNAME to the pool
/// whose certificate does not name it; `sip` would work but is never tried.
pub fn cert_mismatch(s: &SweepSettings) -> Vec<RecordResult> {
    let pool = ["pool.contoso.com", "sip.contoso.com"];
    vec![
        missing(s, 1),
        missing(s, 2),
        missing(s, 3),
        missing(s, 4),
        a_row(
            s,
            5,
            "10.0.0.10",
            Status::CertMismatch,
            &["pool.contoso.com"],
            &pool,
        ),
        a_row(s, 6, "10.0.0.10", Status::Found, &["pool.contoso.com"], &[]),
        a_row(s, 7, "10.0.0.10", Status::Found, &[], &pool),
        a_row(s, 8, "10.0.0.10", Status::Found, &[], &[]),
        missing(s, 9),
        missing(s, 10),
    ]
}

/// Record 1 points outside the domain (D4); the client falls through to `sip`.
pub fn rejected_srv(s: &SweepSettings) -> Vec<RecordResult> {
    vec![
        srv(s, 1, "ocspool.contoso.local", 5061, Status::Rejected),
        missing(s, 2),
        missing(s, 3),
        missing(s, 4),
        missing(s, 5),
        missing(s, 6),
        a_row(s, 7, "10.0.0.20", Status::Found, &[], &["sip.contoso.com"]),
        a_row(s, 8, "10.0.0.20", Status::Found, &[], &[]),
        missing(s, 9),
        missing(s, 10),
    ]
}

/// The screen as text.
pub fn screen(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|f| view::render(f, app))
        .expect("draw to the test backend");
    terminal.backend().to_string()
}

/// The buffer, for style checks.
pub fn buffer(app: &App, width: u16, height: u16) -> ratatui::buffer::Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|f| view::render(f, app))
        .expect("draw to the test backend");
    terminal.backend().buffer().clone()
}

/// One sweep of `settings` through an engine built from them off the async
/// threads, as the event loop builds it: the finished report. (Only the
/// lab-using tests sweep for real.)
#[cfg(feature = "lab")]
pub async fn engine_sweep(settings: SweepSettings) -> SweepReport {
    let lanes = vec![settings];
    let engine_settings = crate::tui::running::engine_settings(&lanes).expect("one lane");
    let engine = tokio::task::spawn_blocking(move || crate::engine::Engine::new(engine_settings))
        .await
        .unwrap()
        .expect("the engine builds");
    let request = crate::engine::CheckRequest::new(lanes[0].target.clone());
    engine.check(&request, None).await.vantages.remove(0).report
}
