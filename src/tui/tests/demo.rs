//! The demo extension over a real in-process lab, driven through
//! `App::update` like the event loop would: switching scenarios re-sweeps
//! the scenario's address through the lab, `f` applies the fix in the
//! background and only logs (no automatic re-run), and the real engine then
//! sees the rows turn.

use std::sync::Arc;

use ratatui::crossterm::event::KeyCode;

use super::fixtures::*;
use crate::lab::{LAB_TIMEOUT, Lab, LabOptions, demo_scenarios};
use crate::probe::ResolverSpec;
use crate::sweep::{SweepEvent, SweepSettings};
use crate::tui::app::{App, Effect, Msg};
use crate::tui::demo::DemoExtension;

/// The lab with every demo scenario (shared with `demo_views`).
pub(super) async fn lab() -> Arc<Lab> {
    let scenarios = demo_scenarios().expect("demo scenarios");
    Arc::new(
        Lab::start(scenarios, LabOptions::default())
            .await
            .expect("lab starts"),
    )
}

/// An App with the demo extension on `first`, its first sweep started:
/// (app, settings of that sweep).
fn demo_app(lab: &Arc<Lab>, first: &str) -> (App, SweepSettings) {
    let ext = DemoExtension::new(lab.clone(), first).expect("known scenario");
    let address = ext.current().sip_address().to_string();
    let mut app = app().with_extension(Box::new(ext));
    let (_, settings) = started(&app.start(Some(&address))).expect("a sweep starts");
    (app, settings)
}

fn logged(app: &App, needle: &str) -> bool {
    app.log.iter().any(|l| l.text.contains(needle))
}

fn panel_text(app: &App) -> String {
    let panel = app
        .extension
        .as_ref()
        .and_then(|e| e.panel())
        .expect("the demo shows a panel");
    format!("{}\n{}", panel.title, panel.lines.join("\n"))
}

/// Runs a sweep with the real engine against the lab, feeding its events
/// back to the App as the event loop would.
async fn run_sweep(app: &mut App, id: u32, settings: SweepSettings) {
    let report = engine_sweep(settings).await;
    app.update(Msg::Sweep {
        lane: 0,
        id,
        event: SweepEvent::Finished(Box::new(report)),
    });
}

fn assert_points_at_lab(settings: &SweepSettings, lab: &Lab) {
    assert_eq!(
        settings.options.resolvers,
        ResolverSpec::Servers(vec![lab.dns_addr()])
    );
    assert!(!settings.options.system_roots, "only the lab CA is trusted");
    assert!(settings.options.ca_files.is_empty());
    assert_eq!(settings.options.extra_ca_pem.as_deref(), Some(lab.ca_pem()));
    assert_eq!(settings.options.timeout, LAB_TIMEOUT);
    for (nominal, actual) in lab.dial_overrides() {
        assert_eq!(settings.options.dial.get(&nominal), Some(&actual));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_sweep_goes_to_the_lab_and_switching_sweeps_the_new_scenario() {
    let lab = lab().await;
    // The App's own settings say otherwise (resolver 10.0.0.53, system roots).
    let (mut app, first) = demo_app(&lab, "healthy");
    assert_eq!(first.target.domain, "healthy.test");
    assert_points_at_lab(&first, &lab);

    let effects = app.update(key('n'));
    let (id, next) = started(&effects).expect("n sweeps the next scenario");
    assert_eq!(id, 2);
    assert_eq!(next.target.domain, "cname.test");
    assert_eq!(
        app.target.as_ref().map(|t| t.input.as_str()),
        Some("sip:alice@cname.test")
    );
    assert_points_at_lab(&next, &lab);
    assert!(logged(&app, "lab scenario cname-cert"), "{:?}", app.log);
    let n = crate::lab::demo_scenarios().unwrap().len();
    assert!(panel_text(&app).contains(&format!("cname-cert (2 of {n})")));

    // b goes back, and wraps around from the first to the last.
    let (_, back) = started(&app.update(key('b'))).unwrap();
    assert_eq!(back.target.domain, "healthy.test");
    let (_, last) = started(&app.update(code(KeyCode::BackTab))).unwrap();
    let last_name = demo_scenarios().unwrap().last().unwrap().name().to_string();
    assert!(panel_text(&app).contains(&format!("{last_name} ({n} of {n})")));
    assert_points_at_lab(&last, &lab);
    let (_, wrapped) = started(&app.update(code(KeyCode::Tab))).unwrap();
    assert_eq!(wrapped.target.domain, "healthy.test");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn f_applies_the_fix_in_the_background_and_r_shows_the_rows_turn() {
    let lab = lab().await;
    let (mut app, settings) = demo_app(&lab, "cname-cert");
    run_sweep(&mut app, 1, settings).await;
    let before = app.report().cloned().expect("a report");
    assert!(!before.signin_ok(), "{}", before.verdict.summary);

    let effects = app.update(key('f'));
    assert!(logged(&app, "applying the fix of cname-cert"));
    assert!(started(&effects).is_none(), "f does not re-run");
    let mut effects = effects.into_iter();
    let Some(Effect::Spawn(task)) = effects.next() else {
        panic!("f runs the fix as a background task")
    };
    let out = task.0.await;
    let effects = app.update(Msg::Extension(out));
    assert!(effects.is_empty(), "the fix only logs: {effects:?}");
    assert!(logged(
        &app,
        "fix applied to cname-cert: Re-issue the certificate"
    ));
    assert!(logged(
        &app,
        "lab: re-issued the certificate of sip.cname.test"
    ));
    assert!(logged(&app, "press r to re-run and watch the rows turn"));
    let n = crate::lab::demo_scenarios().unwrap().len();
    assert!(panel_text(&app).contains(&format!("cname-cert (2 of {n}) ✓ fixed")));
    assert!(panel_text(&app).contains("▸ cname-cert ✓"));

    // The rows still show the old sweep until r.
    assert_eq!(app.report(), Some(&before));
    let (id, settings) = started(&app.update(key('r'))).expect("r re-runs");
    run_sweep(&mut app, id, settings).await;
    let after = app.report().unwrap();
    assert!(after.signin_ok(), "{}", after.verdict.summary);
    assert!(!app.changes().is_empty(), "the changed rows are marked");

    // Again: already fixed, nothing spawned.
    let effects = app.update(key('f'));
    assert!(effects.is_empty());
    assert!(logged(&app, "cname-cert is already fixed"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_healthy_scenario_has_nothing_to_fix() {
    let lab = lab().await;
    let (mut app, _) = demo_app(&lab, "healthy");
    assert!(app.update(key('f')).is_empty());
    assert!(logged(&app, "healthy has no fix: this one is healthy"));
    assert!(panel_text(&app).contains("No fix: this one is healthy."));
    // Issue #13 item 13: no `f` offered where there is nothing to fix.
    assert!(
        !panel_text(&app).contains("f apply fix"),
        "{}",
        panel_text(&app)
    );
}

fn type_address(app: &mut App, address: &str) -> Vec<Effect> {
    app.update(key('e'));
    app.update(ctrl('u'));
    for c in address.chars() {
        app.update(key(c));
    }
    app.update(code(KeyCode::Enter))
}

// Issue #13 item 13: the panel and `f` follow the domain on screen, and
// the address field's hint speaks of the lab, not of `sipscope demo`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_panel_follows_the_domain_swept() {
    let lab = lab().await;
    let (mut app, _) = demo_app(&lab, "healthy");
    app.update(key('e'));
    let editing = screen(&app, 120, 40);
    assert!(!editing.contains("sipscope demo"), "{editing}");
    assert!(editing.contains("lab"), "{editing}");
    app.update(code(KeyCode::Esc));

    let (_, s) = started(&type_address(&mut app, "bob@expired.test")).unwrap();
    assert_eq!(s.target.domain, "expired.test");
    assert!(
        panel_text(&app).contains("▸ expired"),
        "{}",
        panel_text(&app)
    );

    started(&type_address(&mut app, "alice@contoso.com")).unwrap();
    let panel = panel_text(&app);
    assert!(
        panel.contains("contoso.com is not a lab scenario"),
        "{panel}"
    );
    app.update(key('f'));
    assert!(logged(&app, "nothing to fix"), "{:?}", app.log);
    assert!(!logged(&app, "applying the fix"));
    // n/b return to the scenarios.
    started(&app.update(key('n'))).unwrap();
    assert!(!panel_text(&app).contains("not a lab scenario"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_panel_teaches_and_the_keys_are_discoverable() {
    let lab = lab().await;
    let (mut app, _) = demo_app(&lab, "split-brain");
    let panel = panel_text(&app);
    let split = crate::lab::scenario("split-brain").unwrap();
    assert!(
        panel.starts_with("Lab scenarios (in-process lab)"),
        "{panel}"
    );
    assert!(panel.contains(&format!("Lesson: {}", split.lesson())));
    assert!(panel.contains(&format!("Fix: {}", split.fix_description().unwrap())));
    assert!(panel.contains("Rules: D4, D7, D12"));
    assert!(panel.contains("f apply fix, then r"));
    assert!(panel.contains("▸ split-brain") && panel.contains("  healthy"));

    let text = screen(&app, 120, 40);
    assert!(
        text.contains("f fix  n/b scenario  ? help  q quit"),
        "{text}"
    );
    assert!(text.contains("Lab scenarios (in-process lab)"), "{text}");
    app.update(key('?'));
    let help = screen(&app, 120, 40);
    assert!(
        help.contains("apply the current lab scenario's fix"),
        "{help}"
    );
    assert!(help.contains("next / previous lab scenario"), "{help}");
}

/// The demo screen at 120×40 and 80×24 after a real sweep of cname-cert
/// (the lab's OS-chosen DNS port and the timings are masked).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_screens() {
    let lab = lab().await;
    let (mut app, settings) = demo_app(&lab, "cname-cert");
    let mut report = engine_sweep(settings).await;
    report.elapsed_ms = 7;
    for r in &mut report.records {
        r.elapsed_ms = 1;
    }
    app.update(Msg::Sweep {
        lane: 0,
        id: 1,
        event: SweepEvent::Finished(Box::new(report)),
    });
    // Row 1's details (the client's row shows ports and timings that vary).
    app.update(key('g'));
    let dns = lab.dns_addr().to_string();
    let masked = format!("{:<1$}", "127.0.0.1:PORT", dns.len());
    let mask = |s: String| s.replace(&dns, &masked);
    insta::assert_snapshot!("demo_120x40", mask(screen(&app, 120, 40)));
    insta::assert_snapshot!("demo_80x24", mask(screen(&app, 80, 24)));
    // Issue #13 item 14: a narrow bar keeps re-run next to the demo's fix.
    let narrow = screen(&app, 40, 12);
    let bar = narrow.lines().last().unwrap();
    assert!(bar.contains("r re-run") && bar.contains("f fix"), "{bar}");
}
