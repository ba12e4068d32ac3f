//! Issue 12 in the dashboard: several vantages at once (D12) and the zone's
//! own servers beside the resolver (D11).

use std::collections::BTreeMap;

use super::fixtures::*;
use crate::model::authority::{AuthorityEvidence, ServerEvidence, question, srv_line};
use crate::model::{RecordResult, Status};
use crate::plan::RowKind;
use crate::sweep::{SweepEvent, SweepSettings};
use crate::tui::app::{App, Effect, Msg};

fn vantage_args() -> crate::config::SweepOverrides {
    crate::config::SweepOverrides {
        vantages: vec!["inside=10.0.0.53".into(), "outside=192.0.2.53".into()],
        ..args()
    }
}

/// Every StartSweep's settings, per lane.
fn lanes_started(effects: &[Effect]) -> (u32, Vec<SweepSettings>) {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::StartSweep { id, settings } => Some((*id, settings.clone())),
            _ => None,
        })
        .expect("a sweep starts")
}

fn finish_lane(app: &mut App, id: u32, lane: usize, s: &SweepSettings, rows: Vec<RecordResult>) {
    let report = report(s, rows);
    for r in &report.records {
        app.update(Msg::Sweep {
            id,
            lane,
            event: SweepEvent::Row(r.clone()),
        });
    }
    app.update(Msg::Sweep {
        id,
        lane,
        event: SweepEvent::Finished(Box::new(report)),
    });
}

/// Two vantages: inside sees the CNAME whose certificate does not match,
/// outside sees a healthy SRV.
pub(super) fn split_brain() -> (App, u32, Vec<SweepSettings>) {
    let mut app = app_with(vantage_args(), Default::default());
    let (id, lanes) = lanes_started(&app.start(Some(ADDRESS)));
    finish_lane(&mut app, id, 0, &lanes[0], cert_mismatch(&lanes[0]));
    finish_lane(&mut app, id, 1, &lanes[1], all_found(&lanes[1]));
    (app, id, lanes)
}

// D12: one sweep per vantage, each through its own resolvers, at once.
#[test]
fn d12_one_sweep_per_vantage_through_its_resolvers() {
    let mut app = app_with(vantage_args(), Default::default());
    let (_, lanes) = lanes_started(&app.start(Some(ADDRESS)));
    let resolvers: Vec<Vec<String>> = lanes.iter().map(|s| s.options.resolvers.labels()).collect();
    assert_eq!(resolvers, [["10.0.0.53:53"], ["192.0.2.53:53"]]);
    assert_eq!(app.lanes.len(), 2);
    assert!(logged(
        &app,
        "vantages inside 10.0.0.53:53; outside 192.0.2.53:53"
    ));
}

// D12: each vantage has its own verdict; the sweep is over only when every
// vantage's is; the rows they disagree on are named in the log and marked.
#[test]
fn d12_two_verdicts_and_the_disagreeing_rows_stand_out() {
    let mut app = app_with(vantage_args(), Default::default());
    let (id, lanes) = lanes_started(&app.start(Some(ADDRESS)));
    finish_lane(&mut app, id, 1, &lanes[1], all_found(&lanes[1]));
    assert!(app.is_running(), "inside is still in flight");
    finish_lane(&mut app, id, 0, &lanes[0], cert_mismatch(&lanes[0]));
    assert!(!app.is_running());
    assert!(logged(&app, "the vantages disagree on"));
    let text = screen(&app, 120, 40);
    assert!(text.contains("▶ inside: ✗"), "{text}");
    assert!(text.contains("  outside: ✓"), "{text}");
    assert!(text.contains("≠ vantages"), "{text}");
    // Usable at 80×24: both verdicts still show.
    let small = screen(&app, 80, 24);
    assert!(
        small.contains("inside: ✗") && small.contains("outside: ✓"),
        "{small}"
    );
    assert!(small.contains("vantage inside (1/2)"), "{small}");
}

// D12: `v` switches the table and details to the next vantage, whose
// cursor follows its own client's row; the details list every vantage.
#[test]
fn d12_v_switches_the_vantage_shown() {
    let (mut app, _, _) = split_brain();
    let inside_row = app.current_row().map(|r| r.index);
    assert_eq!(inside_row, Some(5), "inside's client uses sipinternal");
    app.update(key('v'));
    assert_eq!(app.shown, 1);
    assert_eq!(app.current_row().map(|r| r.index), Some(1));
    let text = screen(&app, 120, 40);
    assert!(text.contains("vantage outside (2/2)"), "{text}");
    assert!(text.contains("Every vantage (D12)"), "{text}");
    assert!(text.contains("▶ outside"), "{text}");
    app.update(key('v'));
    assert_eq!(app.shown, 0, "v goes round");
}

// D12: change markers are kept per vantage: inside's fix marks inside's
// rows, not outside's.
#[test]
fn d12_change_markers_per_vantage() {
    let (mut app, _, _) = split_brain();
    let (id, lanes) = lanes_started(&app.update(key('r')));
    finish_lane(&mut app, id, 0, &lanes[0], all_found(&lanes[0]));
    finish_lane(&mut app, id, 1, &lanes[1], all_found(&lanes[1]));
    assert!(!app.lanes[0].changes.is_empty(), "inside turned");
    assert!(app.lanes[1].changes.is_empty(), "outside did not");
    assert!(logged(&app, "[inside] sweep 2 finished"));
    assert!(logged(&app, "the vantages agree on every record"));
}

// One vantage: `v` says how to get more instead of doing nothing.
#[test]
fn v_without_vantages_says_how() {
    let mut app = app_idle();
    app.update(key('v'));
    assert!(logged(&app, "one vantage only: --vantage LABEL=IP"));
}

/// The zone publishes `srv` for record 1, with serials per server.
fn evidence(serials: &[u32], name: &str, srv: &str) -> AuthorityEvidence {
    AuthorityEvidence {
        zone: "contoso.com".into(),
        servers: serials
            .iter()
            .enumerate()
            .map(|(i, serial)| ServerEvidence {
                name: format!("ns{}.contoso.com", i + 1),
                address: format!("10.0.0.{}:53", i + 1),
                serial: Some(*serial),
                problem: None,
                answers: BTreeMap::from([(question(RowKind::Srv, name), Ok(vec![srv.into()]))]),
            })
            .collect(),
    }
}

// D11: with `--authoritative` every sweep asks the zone's servers; a row
// where the resolver still holds the old answer stands out, with its TTL,
// and a lagging server is named by serial.
#[test]
fn d11_stale_resolver_and_lagging_server_stand_out() {
    let over = crate::config::SweepOverrides {
        authoritative: true,
        ..args()
    };
    let mut app = app_with(over, Default::default());
    let effects = app.start(Some(ADDRESS));
    let asked = effects
        .iter()
        .filter(|e| matches!(e, Effect::AskAuthority { .. }))
        .count();
    assert_eq!(asked, 1, "one question set per vantage");
    let (id, s) = started(&effects).unwrap();
    finish(&mut app, id, &s, all_found(&s));
    let name = app.report().unwrap().records[0].name.clone();
    // The zone now publishes pool2; the resolver still says pool.
    let ev = evidence(&[7, 6], &name, &srv_line(0, 100, 5061, "pool2.contoso.com"));
    app.update(Msg::Authority {
        id,
        lane: 0,
        result: Ok(ev),
    });
    let a = app.lanes[0].authority.as_ref().expect("judged");
    assert!(!a.records[&1].agrees);
    assert!(logged(&app, "still holds the old answer"));
    assert!(logged(&app, "for up to 3600 s (its TTL)"));
    assert!(logged(&app, "lagging: serial 6, another server has 7"));
    app.cursor = 0;
    let text = screen(&app, 120, 40);
    assert!(text.contains("≠ zone"), "{text}");
    assert!(text.contains("The zone's own servers (D11)"), "{text}");
    assert!(text.contains("+authoritative"), "{text}");
}

// D11: `a` asks at once for the sweep on screen (every vantage), and again
// turns it off.
#[test]
fn d11_a_asks_now_and_turns_off() {
    let (mut app, id, _) = split_brain();
    let effects = app.update(key('a'));
    let lanes: Vec<usize> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::AskAuthority { id: i, lane, .. } if *i == id => Some(*lane),
            _ => None,
        })
        .collect();
    assert_eq!(lanes, [0, 1]);
    assert!(app.authoritative);
    app.update(Msg::Authority {
        id,
        lane: 1,
        result: Err("the zone of contoso.com could not be found".into()),
    });
    assert!(logged(
        &app,
        "[outside] authoritative: the zone of contoso.com"
    ));
    app.update(key('a'));
    assert!(!app.authoritative);
    assert!(
        app.update(key('r'))
            .iter()
            .all(|e| !matches!(e, Effect::AskAuthority { .. }))
    );
}

// A late answer of an older sweep is ignored.
#[test]
fn stale_authority_answers_are_ignored() {
    let (mut app, id, _) = split_brain();
    app.update(key('a'));
    let (_new, _) = lanes_started(&app.update(key('r')));
    app.update(Msg::Authority {
        id,
        lane: 0,
        result: Ok(evidence(&[1], "x", "y")),
    });
    assert_eq!(app.lanes[0].asked, crate::tui::app::Asked::Asking);
    assert!(
        app.lanes
            .iter()
            .all(|l| l.report.as_ref().unwrap().records[0].status == Status::Pending)
    );
}

// D12 at 80×24: both verdicts, the vantage shown, the marked rows and the
// comparison under the status line.
#[test]
fn two_vantages_80x24() {
    let (mut app, _, _) = split_brain();
    app.update(key('a'));
    insta::assert_snapshot!("two_vantages_80x24", screen(&app, 80, 24));
}

// Issue 12 item 5: `s` saves every vantage and the zone's view in one
// snapshot; opening it shows every vantage again, and `r` sweeps them all
// through their saved resolvers.
#[test]
fn d12_snapshots_keep_every_vantage() {
    let (mut app, id, _) = split_brain();
    app.update(key('a'));
    let name = app.report().unwrap().records[0].name.clone();
    app.update(Msg::Authority {
        id,
        lane: 0,
        result: Ok(evidence(
            &[3],
            &name,
            &srv_line(0, 100, 5061, "pool.contoso.com"),
        )),
    });
    let request = app
        .update(key('s'))
        .into_iter()
        .find_map(|e| match e {
            Effect::SaveSnapshot(r) => Some(r),
            _ => None,
        })
        .expect("s saves");
    let labels: Vec<&str> = request
        .views
        .vantages
        .iter()
        .map(|v| v.label.as_str())
        .collect();
    assert_eq!(labels, ["inside", "outside"]);
    assert!(request.views.authoritative.is_some());
    let snapshot = crate::snapshot::Snapshot::of(&request.session, &request.settings)
        .unwrap()
        .with_views(request.views.clone());

    let mut opened = app_with(args(), Default::default());
    opened.open_snapshot("/tmp/s.json".into(), snapshot);
    let labels: Vec<&str> = opened.lanes.iter().map(|l| l.label.as_str()).collect();
    assert_eq!(labels, ["inside", "outside"]);
    assert!(opened.authoritative, "the saved comparison is shown");
    let text = screen(&opened, 120, 40);
    assert!(text.contains("outside: ✓"), "{text}");
    let (_, lanes) = lanes_started(&opened.update(key('r')));
    let resolvers: Vec<Vec<String>> = lanes.iter().map(|s| s.options.resolvers.labels()).collect();
    assert_eq!(resolvers, [["10.0.0.53:53"], ["192.0.2.53:53"]]);
}

// D11 with the fast path: a row streamed early (from the SRV answer's
// additional section) and then corrected by the fresh answer moves its
// change marker with it; back in flight it has none.
#[test]
fn d11_a_corrected_row_moves_its_marker() {
    let (mut app, id, s) = sweeping();
    finish(&mut app, id, &s, cert_mismatch(&s));
    let (id, s) = started(&app.update(key('r'))).unwrap();
    let row = |status| srv(&s, 1, "pool.contoso.com", 5061, status);
    let send = |app: &mut App, r| {
        app.update(Msg::Sweep {
            id,
            lane: 0,
            event: SweepEvent::Row(r),
        })
    };
    send(&mut app, row(Status::Found));
    assert_eq!(app.changes()[&1].after, Status::Found);
    let mut probing = row(Status::Found);
    probing.status = Status::Probing;
    send(&mut app, probing);
    assert!(!app.changes().contains_key(&1), "back in flight: no marker");
    send(&mut app, row(Status::Unreachable));
    assert_eq!(app.changes()[&1].before, Status::Missing);
    assert_eq!(app.changes()[&1].after, Status::Unreachable);
    assert!(logged(&app, "unreachable"));
}

// D11: `authoritative = true` in the configuration file turns the
// comparison on from the first sweep.
#[test]
fn d11_config_key_turns_the_comparison_on() {
    let mut config = crate::tui::app::AppConfig::default();
    config.file.authoritative = true;
    let mut app = app_with(args(), config);
    let effects = app.start(Some(ADDRESS));
    assert!(app.authoritative);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::AskAuthority { .. }))
    );
}

// D7 with the fast path (D11): the verdict shows as soon as the rows that
// decide it are in, while the rest of the sweep goes on.
#[test]
fn d7_the_verdict_shows_once_the_deciding_rows_are_in() {
    let (mut app, id, s) = sweeping();
    let text = screen(&app, 120, 40);
    assert!(text.contains("… Sweeping: 0 of 10 records done."), "{text}");
    app.update(Msg::Sweep {
        id,
        lane: 0,
        event: SweepEvent::Row(srv(&s, 1, "pool.contoso.com", 5061, Status::Found)),
    });
    assert!(app.is_running());
    let text = screen(&app, 120, 40);
    assert!(text.contains("✓ [1/10 done] Sign-in works"), "{text}");
}
