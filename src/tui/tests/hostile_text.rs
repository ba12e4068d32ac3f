//! The hostile-text lab scenario (assets/scenarios/15-hostile-text.toml): a
//! DNS server whose SRV target holds ESC and LF bytes, and a certificate
//! whose subject and SANs carry ESC sequences, CR/LF and a bidi override.
//! `check`'s text, the Markdown report and the dashboard must show them
//! escaped and never raw (D5, D9: names and certificate fields are shown).

use super::fixtures::*;
use crate::lab::{Lab, LabOptions, scenario};
use crate::model::SweepReport;
use crate::snapshot::{Session, SettingsSummary, Snapshot, markdown};
use crate::sweep::SweepEvent;
use crate::tui::app::Msg;

async fn hostile_sweep() -> (SweepReport, SettingsSummary) {
    let s = scenario("hostile-text").expect("the hostile-text scenario is built in");
    let lab = Lab::start(vec![s], LabOptions::default())
        .await
        .expect("lab");
    let settings = lab
        .sweep_settings("sip:alice@hostile-text.test")
        .expect("settings");
    let summary = SettingsSummary::from_settings(&settings);
    let report = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        super::fixtures::engine_sweep(settings),
    )
    .await
    .expect("the sweep ended");
    (report, summary)
}

/// No raw control character but the line breaks the format itself writes.
fn assert_no_raw_controls(what: &str, text: &str) {
    for line in text.lines() {
        assert!(
            !line.chars().any(crate::text::is_unsafe),
            "{what} has a raw control character: {line:?}"
        );
    }
    assert!(!text.contains('\r'), "{what} has a raw CR");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d9_hostile_names_and_certificates_are_shown_escaped() {
    let (report, summary) = hostile_sweep().await;
    // The data keeps what the network said (raw), so the JSON stays faithful.
    let cert = report.records[0].targets[0]
        .certificate
        .as_ref()
        .expect("row 1 got a certificate");
    assert!(cert.subject.contains('\u{1b}'), "{:?}", cert.subject);
    assert!(
        cert.sans.iter().any(|s| s.contains('\u{1b}')),
        "{:?}",
        cert.sans
    );
    // D5: hickory writes the SRV target's ESC byte as `\033` itself.
    let srv_target = &report.records[2].targets[0].host;
    assert!(srv_target.starts_with("evil\\033"), "{srv_target:?}");

    // `check`
    let text = crate::report::text::render(&report);
    assert_no_raw_controls("check text", &text);
    assert!(text.contains("evil\\033"), "{text}");

    // Markdown report: escaped, and the table keeps one row per line.
    let mut session = Session::new();
    session.push(report.clone());
    let snapshot = Snapshot::of(&session, &summary).expect("a snapshot");
    let md = markdown::render(&snapshot);
    assert_no_raw_controls("Markdown report", &md);
    assert!(
        md.contains("pool\\u{1b}[31m\\r\\nforged line\\u{202e}"),
        "{md}"
    );
    assert!(md.contains("x\\u{1b}[2J\\u{1b}]0;pwned\\u{7}"), "{md}");
    let table_rows = md
        .lines()
        .filter(|l| l.starts_with("| ") && l.contains(" | SRV | "))
        .count();
    assert_eq!(table_rows, 4, "{md}");

    // The dashboard: the details pane of row 1 (certificate) and row 3 (SRV target).
    let (mut app, id, _) = sweeping();
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
        event: SweepEvent::Finished(Box::new(report.clone())),
    });
    let screen1 = screen(&app, 200, 60);
    assert_no_raw_controls("dashboard", &screen1);
    assert!(screen1.contains("pool\\u{1b}[31m\\r\\nforged"), "{screen1}");
    app.update(key('j'));
    app.update(key('j'));
    let screen3 = screen(&app, 200, 60);
    assert_no_raw_controls("dashboard", &screen3);
    assert!(screen3.contains("evil\\033"), "{screen3}");
}
