//! D17 on screen: the hostile-registrars lab scenario (escape sequences and
//! a bidi override in the reason phrase and Server header, 20,000
//! challenges, a trickle, a 10 MB body, silence, an abrupt close). The
//! dashboard's details pane, `check`'s text and the Markdown report show
//! what answered — challenges, targetname, Server — escaped, never raw.

use super::fixtures::*;
use crate::lab::{Lab, LabOptions, scenario};
use crate::snapshot::{Session, SettingsSummary, Snapshot, markdown};
use crate::sweep::SweepEvent;
use crate::tui::app::Msg;

fn no_raw_controls(what: &str, text: &str) {
    for line in text.lines() {
        assert!(
            !line.chars().any(crate::text::is_unsafe),
            "{what} has a raw control character: {line:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d17_hostile_registrars_are_shown_escaped() {
    let s = scenario("hostile-registrars").expect("built in");
    let lab = Lab::start(vec![s], LabOptions::default()).await.unwrap();
    let settings = lab.sweep_settings("sip:alice@hostilesip.test").unwrap();
    let summary = SettingsSummary::from_settings(&settings);
    let report = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        super::fixtures::engine_sweep(settings),
    )
    .await
    .expect("the sweep ended");
    lab.shutdown().await;
    let sip = report.records[0].targets[0]
        .sip
        .as_ref()
        .expect("row 1 asked");
    assert!(sip.server.as_deref().unwrap().contains('\u{1b}'));

    let text = crate::report::text::render(&report);
    no_raw_controls("check text", &text);
    assert!(text.contains("RTC\\u{1b}[31m/6.0"), "{text}");

    let mut session = Session::new();
    session.push(report.clone());
    let md = markdown::render(&Snapshot::of(&session, &summary).expect("a snapshot"));
    no_raw_controls("Markdown report", &md);
    assert!(md.contains("## SIP REGISTER answers"), "{md}");
    assert!(md.contains("Unauth\\u{1b}[2J"), "{md}");

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
    no_raw_controls("dashboard", &screen1);
    // The details pane of row 1: the Server header and every challenge.
    assert!(screen1.contains("RTC\\u{1b}[31m/6.0\\u{9b}1m"), "{screen1}");
    assert!(screen1.contains("challenge"), "{screen1}");
    assert!(
        screen1.contains("targetname sip/escapes.hostilesip.test"),
        "{screen1}"
    );
    app.update(key('j'));
    let screen2 = screen(&app, 200, 60);
    no_raw_controls("dashboard", &screen2);
    assert!(screen2.contains("401 Unauthorized"), "{screen2}");
}
