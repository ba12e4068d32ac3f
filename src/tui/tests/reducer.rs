//! The reducer without a terminal: keys, sweep events, cancellation, change
//! markers, watch, the address field, profiles, quitting, extensions.

use std::time::Duration;

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::fixtures::*;
use crate::config::DEFAULT_WATCH_INTERVAL;
use crate::model::Status;
use crate::sweep::SweepEvent;
use crate::tui::app::{COUNTDOWN_RATE, Effect, Mode, Msg, SPINNER_RATE, Zoom};
use crate::tui::extension::{Extension, Panel, Request, Task, TaskDone};
use crate::tui::keys::KeyHint;

fn is_quit(effects: &[Effect]) -> bool {
    matches!(effects.last(), Some(Effect::Quit))
}

#[test]
fn an_address_on_the_command_line_starts_a_sweep_with_every_row_pending() {
    let (app, id, settings) = sweeping();
    assert_eq!(id, 1);
    assert_eq!(settings.target.domain, "contoso.com");
    assert_eq!(settings.options.resolvers.labels(), ["10.0.0.53:53"]);
    assert!(app.is_running());
    let report = app.report().unwrap();
    assert_eq!(report.records.len(), 10);
    assert!(report.records.iter().all(|r| r.status == Status::Pending));
    assert!(logged(&app, "sweep 1 started"));
    assert_eq!(app.tick_rate(), Some(SPINNER_RATE));
}

#[test]
fn no_address_opens_the_field_and_stays_idle() {
    let mut app = app();
    let effects = app.start(None);
    assert!(effects.is_empty());
    assert!(matches!(app.mode, Mode::Edit(_)));
    assert_eq!(app.tick_rate(), None, "idle: no timer at all");
    // r without an address opens the field rather than sweeping nothing.
    app.update(code(KeyCode::Esc));
    assert_eq!(app.mode, Mode::Normal);
    assert!(app.update(key('r')).is_empty());
    assert!(matches!(app.mode, Mode::Edit(_)));
}

#[test]
fn rows_update_one_by_one_and_the_finish_decides() {
    let (mut app, id, s) = sweeping();
    let mut row = pending(&s, 1);
    row.status = Status::Querying;
    app.update(Msg::Sweep {
        lane: 0,
        id,
        event: SweepEvent::Row(row),
    });
    assert_eq!(app.report().unwrap().records[0].status, Status::Querying);
    assert_eq!(app.report().unwrap().records[1].status, Status::Pending);
    finish(&mut app, id, &s, cert_mismatch(&s));
    let report = app.report().unwrap();
    assert!(!app.is_running());
    assert_eq!(report.selected, Some(5));
    assert!(report.verdict.summary.starts_with("Sign-in fails"));
    assert_eq!(app.sweep.as_ref().unwrap().elapsed_ms, Some(412));
    assert_eq!(app.tick_rate(), None);
    assert!(logged(&app, "sweep 1 finished in 412 ms"));
}

#[test]
fn r_during_a_sweep_cancels_it_and_starts_afresh() {
    let (mut app, id, s) = sweeping();
    app.update(Msg::Sweep {
        lane: 0,
        id,
        event: SweepEvent::Row(missing(&s, 1)),
    });
    let effects = app.update(key('r'));
    assert!(matches!(effects[0], Effect::CancelSweep));
    let (id2, _) = started(&effects).unwrap();
    assert_eq!(id2, 2);
    assert!(
        app.report()
            .unwrap()
            .records
            .iter()
            .all(|r| r.status == Status::Pending),
        "rows reset to pending"
    );
    assert!(logged(&app, "sweep 1 cancelled"));
    // A late event of the cancelled sweep changes nothing.
    app.update(Msg::Sweep {
        lane: 0,
        id,
        event: SweepEvent::Row(missing(&s, 2)),
    });
    assert_eq!(app.report().unwrap().records[1].status, Status::Pending);
    assert!(app.is_running());
}

#[test]
fn changes_since_the_previous_sweep_are_marked_and_logged_until_the_next() {
    let (mut app, id, s) = sweeping();
    let mut first = cert_mismatch(&s);
    first[4] = missing(&s, 5);
    finish(&mut app, id, &s, first);
    assert!(app.changes().is_empty(), "nothing to compare with yet");

    let (id2, _) = started(&app.update(key('r'))).unwrap();
    finish(&mut app, id2, &s, cert_mismatch(&s));
    let c = app.changes().get(&5).expect("row 5 changed");
    assert_eq!((c.before, c.after), (Status::Missing, Status::CertMismatch));
    assert_eq!(app.changes().len(), 1);
    assert!(logged(
        &app,
        "#5 A sipinternal.contoso.com TLS:443: missing → cert-mismatch"
    ));
    assert!(logged(&app, "sweep 2 finished in 412 ms, 1 record changed"));

    let (id3, _) = started(&app.update(key('r'))).unwrap();
    assert!(
        app.changes().is_empty(),
        "markers last until the next sweep"
    );
    finish(&mut app, id3, &s, cert_mismatch(&s));
    assert!(app.changes().is_empty());
    assert!(logged(&app, "sweep 3 finished in 412 ms, no changes"));
}

#[test]
fn watch_counts_down_and_re_runs() {
    let (mut app, id, s) = sweeping();
    app.config.watch_interval = Duration::from_secs(3);
    app.update(key('w'));
    assert_eq!(app.watch, Some(Duration::from_secs(3)));
    assert_eq!(
        app.tick_rate(),
        Some(SPINNER_RATE),
        "spinner while sweeping"
    );
    // Ticks during the sweep move the spinner, not the countdown.
    app.update(Msg::Tick(SPINNER_RATE));
    assert_eq!(app.spinner, 1);
    assert_eq!(app.watch, Some(Duration::from_secs(3)));
    finish(&mut app, id, &s, all_found(&s));
    assert_eq!(app.tick_rate(), Some(COUNTDOWN_RATE));
    assert!(app.update(Msg::Tick(Duration::from_secs(1))).is_empty());
    assert!(app.update(Msg::Tick(Duration::from_secs(1))).is_empty());
    assert_eq!(app.watch, Some(Duration::from_secs(1)));
    let effects = app.update(Msg::Tick(Duration::from_secs(1)));
    assert_eq!(started(&effects).unwrap().0, 2);
    assert!(logged(&app, "watch: re-running"));
    // The countdown restarts when the sweep finishes.
    finish(&mut app, 2, &s, all_found(&s));
    assert_eq!(app.watch, Some(Duration::from_secs(3)));
    app.update(key('w'));
    assert_eq!(app.watch, None);
    assert_eq!(app.tick_rate(), None);
}

#[test]
fn the_default_watch_interval_is_ten_seconds() {
    assert_eq!(app().config.watch_interval, DEFAULT_WATCH_INTERVAL);
    assert_eq!(DEFAULT_WATCH_INTERVAL, Duration::from_secs(10));
}

#[test]
fn the_address_field_validates_with_parse_target() {
    let (mut app, id, s) = sweeping();
    finish(&mut app, id, &s, all_found(&s));
    app.update(key('e'));
    let Mode::Edit(field) = &app.mode else {
        panic!("edit mode")
    };
    assert_eq!(field.text, ADDRESS);
    app.update(ctrl('u'));
    for c in "bob@@fabrikam.com".chars() {
        app.update(key(c));
    }
    assert!(app.update(code(KeyCode::Enter)).is_empty());
    let Mode::Edit(field) = &app.mode else {
        panic!("still editing")
    };
    assert!(
        field
            .error
            .as_deref()
            .unwrap()
            .contains("more than one '@'"),
        "{field:?}"
    );
    // Esc leaves the address as it was.
    app.update(code(KeyCode::Esc));
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.target.as_ref().unwrap().domain, "contoso.com");
    // A good address sweeps at once.
    app.update(key('e'));
    app.update(ctrl('u'));
    for c in "bob@Fabrikam.COM".chars() {
        app.update(key(c));
    }
    let effects = app.update(code(KeyCode::Enter));
    let (id2, settings) = started(&effects).unwrap();
    assert_eq!((id2, settings.target.domain.as_str()), (2, "fabrikam.com"));
    assert_eq!(app.mode, Mode::Normal);
}

#[test]
fn q_in_the_address_field_is_text_not_quit() {
    let mut app = app();
    app.start(None);
    assert!(app.update(key('q')).is_empty());
    let Mode::Edit(field) = &app.mode else {
        panic!("edit mode")
    };
    assert_eq!(field.text, "q");
    assert!(is_quit(&app.update(ctrl('c'))), "Ctrl-C always quits");
}

#[test]
fn p_switches_profile_and_re_sweeps() {
    let (mut app, id, s) = sweeping();
    finish(&mut app, id, &s, all_found(&s));
    app.cursor = 9;
    let effects = app.update(key('p'));
    let (id2, settings) = started(&effects).unwrap();
    assert_eq!(id2, 2);
    assert_eq!(settings.options.profile.name, "ocs2007r2");
    assert_eq!(app.profile, "ocs2007r2");
    let rows = settings.options.profile.queries("contoso.com").len();
    assert_eq!(app.report().unwrap().records.len(), rows);
    assert!(app.cursor < rows, "cursor clamped to the new table");
    assert!(logged(&app, "profile ocs2007 → ocs2007r2"));
}

#[test]
fn quit_keys() {
    let (mut app, _, _) = sweeping();
    let effects = app.update(key('q'));
    assert!(
        matches!(effects[0], Effect::CancelSweep),
        "a sweep in flight is aborted"
    );
    assert!(is_quit(&effects));
    assert!(app.should_quit());

    // Issue #13 item 10: Esc on the main screen does not quit.
    let mut app = app_idle();
    assert!(!is_quit(&app.update(code(KeyCode::Esc))));
    assert!(!app.should_quit());
    let mut app = app_idle();
    assert!(is_quit(&app.update(ctrl('c'))));
    let mut app = app_idle();
    assert!(is_quit(&app.update(Msg::Quit)));
}

#[test]
fn esc_and_q_close_what_is_open_first() {
    let mut app = app_idle();
    app.update(key('?'));
    assert_eq!(app.mode, Mode::Help);
    assert!(app.update(key('q')).is_empty());
    assert_eq!(app.mode, Mode::Normal);
    app.update(key('d'));
    assert_eq!(app.zoom, Zoom::Details);
    assert!(app.update(code(KeyCode::Esc)).is_empty());
    assert_eq!(app.zoom, Zoom::None);
    app.update(key('l'));
    assert_eq!(app.zoom, Zoom::Log);
    app.update(key('l'));
    assert_eq!(app.zoom, Zoom::None);
    app.update(code(KeyCode::Enter));
    assert_eq!(app.zoom, Zoom::Details);
}

#[test]
fn the_cursor_moves_and_stays_in_the_table() {
    let mut app = app_idle();
    app.update(code(KeyCode::Up));
    assert_eq!(app.cursor, 0);
    app.update(key('j'));
    app.update(code(KeyCode::Down));
    assert_eq!(app.cursor, 2);
    app.update(key('k'));
    assert_eq!(app.cursor, 1);
    app.update(code(KeyCode::End));
    assert_eq!(app.cursor, 9);
    app.update(key('j'));
    assert_eq!(app.cursor, 9);
    assert_eq!(app.current_row().unwrap().index, 10);
}

#[test]
fn a_sweep_that_cannot_start_says_why() {
    let (mut app, id, _) = sweeping();
    app.update(Msg::SweepFailed {
        id,
        error: "cannot read CA file x.pem".into(),
    });
    assert!(!app.is_running());
    assert_eq!(app.failure(), Some("cannot read CA file x.pem"));
    assert!(logged(&app, "sweep 1 failed: cannot read CA file x.pem"));
    // The log pane styles it by its kind, not by its words.
    let entry = app.log.iter().find(|e| e.text.contains("failed")).unwrap();
    assert_eq!(entry.kind, crate::model::eventlog::LogKind::Problem);
    // A failure of an older sweep is ignored.
    let (id2, _) = started(&app.update(key('r'))).unwrap();
    app.update(Msg::SweepFailed {
        id: id2 - 1,
        error: "late".into(),
    });
    assert!(app.is_running() && app.failure().is_none());
}

#[test]
fn resize_and_ticks_while_idle_change_nothing_else() {
    let mut app = app_idle();
    assert!(app.update(Msg::Resize(100, 30)).is_empty());
    assert_eq!(app.size, (100, 30));
    assert!(app.update(Msg::Tick(Duration::from_secs(5))).is_empty());
    assert_eq!(app.spinner, 0);
}

/// A stand-in for the demo's scenario picker.
struct Picker {
    fixed: bool,
}

impl Extension for Picker {
    fn panel(&self) -> Option<Panel> {
        Some(Panel {
            title: "Lab scenarios".into(),
            lines: vec!["sipinternal CNAME".into(), "rejected SRV".into()],
            selected: Some(0),
        })
    }

    fn key_hints(&self) -> Vec<KeyHint> {
        vec![KeyHint {
            keys: "f",
            short: "fix",
            long: "apply the lab fix for this scenario",
            in_bar: true,
        }]
    }

    fn on_key(&mut self, key: &KeyEvent) -> Option<Vec<Request>> {
        (key.code == KeyCode::Char('f')).then(|| {
            vec![
                Request::Log("applying the fix".into()),
                Request::Spawn(Task(Box::pin(async {
                    TaskDone::Fixed {
                        scenario: "picked".into(),
                        description: "fixed".into(),
                        changes: Vec::new(),
                    }
                }))),
            ]
        })
    }

    fn on_message(&mut self, msg: TaskDone) -> Vec<Request> {
        self.fixed = matches!(msg, TaskDone::Fixed { description, .. } if description == "fixed");
        vec![Request::Rerun]
    }
}

#[test]
fn an_extension_adds_keys_and_background_work_without_restructuring() {
    let mut app = app().with_extension(Box::new(Picker { fixed: false }));
    let effects = app.start(Some(ADDRESS));
    let (id, s) = started(&effects).unwrap();
    finish(&mut app, id, &s, cert_mismatch(&s));
    let effects = app.update(key('f'));
    assert!(logged(&app, "applying the fix"));
    let Some(Effect::Spawn(task)) = effects.into_iter().next() else {
        panic!("a task to run")
    };
    let out = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(task.0);
    let effects = app.update(Msg::Extension(out));
    assert_eq!(started(&effects).unwrap().0, 2, "the fix re-runs the sweep");
    // Unbound keys that the extension ignores do nothing.
    assert!(app.update(key('z')).is_empty());
}
