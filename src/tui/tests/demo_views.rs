//! Issue 12 in the demo, over the real in-process lab: the split-view
//! scenario sweeps inside and outside at once (D12), and the stale-resolver
//! scenario shows an edit that reached the primary but not the resolver
//! (D11). The App is driven like the event loop drives it; every sweep and
//! every authoritative lookup runs for real against the lab's servers.

use std::sync::Arc;

use super::demo::lab;
use super::fixtures::*;
use crate::engine::{CheckRequest, Engine, EngineEvent};
use crate::lab::Lab;
use crate::tui::app::{App, Effect, Msg};
use crate::tui::demo::DemoExtension;

/// Carries out the sweep and authoritative effects as the event loop would.
async fn carry_out(app: &mut App, effects: Vec<Effect>) {
    let mut asks = Vec::new();
    let mut sweeps = None;
    for e in effects {
        match e {
            Effect::StartSweep { id, settings } => sweeps = Some((id, settings)),
            Effect::AskAuthority {
                id,
                lane,
                report,
                options,
            } => asks.push((id, lane, report, options)),
            _ => {}
        }
    }
    let Some((id, settings)) = sweeps else {
        return;
    };
    // The event loop's engine: built off the async threads, one per sweep's
    // settings; its sweeps and authoritative lookups stream back to the App.
    let engine_settings = crate::tui::running::engine_settings(&settings).unwrap();
    let engine = tokio::task::spawn_blocking(move || Engine::new(engine_settings))
        .await
        .unwrap()
        .expect("the engine builds");
    let request = CheckRequest::new(settings[0].target.clone());
    let (tx, mut rx) = tokio::sync::mpsc::channel(crate::engine::EVENT_BUFFER);
    let check = engine.check(&request, Some(tx));
    let feed = async {
        while let Some(ev) = rx.recv().await {
            if let EngineEvent::Sweep { vantage, event } = ev {
                app.update(Msg::Sweep {
                    id,
                    lane: vantage,
                    event,
                });
            }
        }
    };
    futures::join!(check, feed);
    for (ask, lane, report, _) in asks {
        let result = engine.authority(&report, lane).await;
        app.update(Msg::Authority {
            id: ask,
            lane,
            result,
        });
    }
}

async fn apply_fix(app: &mut App) {
    let effects = app.update(key('f'));
    for e in effects {
        if let Effect::Spawn(task) = e {
            let out = task.0.await;
            app.update(Msg::Extension(out));
        }
    }
}

fn demo(lab: &Arc<Lab>, name: &str) -> (App, Vec<Effect>) {
    let ext = DemoExtension::new(lab.clone(), name).expect("known scenario");
    let address = ext.current().sip_address().to_string();
    let mut app = app().with_extension(Box::new(ext));
    let effects = app.start(Some(&address));
    (app, effects)
}

// D12: split view: outside works, inside fails; two verdicts on screen;
// after the fix (inside view) both work.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d12_split_view_demo_sweeps_inside_and_outside() {
    let lab = lab().await;
    let (mut app, effects) = demo(&lab, "split-view");
    carry_out(&mut app, effects).await;
    let labels: Vec<&str> = app.lanes.iter().map(|l| l.label.as_str()).collect();
    assert_eq!(labels, ["inside", "outside"]);
    let ok: Vec<bool> = app
        .lanes
        .iter()
        .map(|l| l.report.as_ref().unwrap().signin_ok())
        .collect();
    assert_eq!(ok, [false, true], "inside fails, outside works");
    let text = screen(&app, 120, 40);
    assert!(
        text.contains("▶ inside: ✗") && text.contains("outside: ✓"),
        "{text}"
    );
    assert!(logged(&app, "the vantages disagree on"));

    apply_fix(&mut app).await;
    let effects = app.update(key('r'));
    carry_out(&mut app, effects).await;
    assert!(
        app.lanes
            .iter()
            .all(|l| l.report.as_ref().unwrap().signin_ok()),
        "{:?}",
        app.log
    );
    assert!(!app.lanes[0].changes.is_empty(), "inside's rows turned");
}

// D11: the fix reaches the primary; the caching resolver still hands out
// the old answer, and the dashboard says so, with its TTL.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d11_stale_resolver_demo_flags_the_old_answer() {
    let lab = lab().await;
    let (mut app, effects) = demo(&lab, "stale-resolver");
    assert!(app.authoritative, "the scenario turns the comparison on");
    carry_out(&mut app, effects).await;
    assert!(!app.report().unwrap().signin_ok());
    let a = app.lane().authority.clone().expect("judged");
    assert!(a.records.values().all(|r| r.agrees), "{a:?}");

    apply_fix(&mut app).await;
    let effects = app.update(key('r'));
    carry_out(&mut app, effects).await;
    assert!(
        !app.report().unwrap().signin_ok(),
        "the resolver still says oldpool"
    );
    let a = app.lane().authority.clone().expect("judged");
    let row = &a.records[&1];
    assert!(!row.agrees);
    assert!(
        row.detail.contains("still holds the old answer"),
        "{}",
        row.detail
    );
    assert!(row.detail.contains("(its TTL)"), "{}", row.detail);
    app.cursor = 0;
    let text = screen(&app, 120, 40);
    assert!(text.contains("≠ zone"), "{text}");
    assert!(
        text.contains("≠ the resolver differs from the zone's servers on record 1"),
        "{text}"
    );
    // The previous scenario (split-view) does not ask: the comparison the
    // scenario turned on goes off with it.
    app.update(key('b'));
    assert!(!app.authoritative);
}

// D11: after the fix the secondary lags by serial, and the dashboard names it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d11_lagging_secondary_demo_names_the_serial() {
    let lab = lab().await;
    let (mut app, effects) = demo(&lab, "lagging-secondary");
    carry_out(&mut app, effects).await;
    apply_fix(&mut app).await;
    let effects = app.update(key('r'));
    carry_out(&mut app, effects).await;
    assert!(
        logged(&app, "lagging: serial 1, another server has 2"),
        "{:?}",
        app.log
    );
}
