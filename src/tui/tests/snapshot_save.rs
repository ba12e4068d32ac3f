//! `s`: the session handed to the loop, the toast and log lines of the
//! write's result, the toast's time, and the write itself into a temporary
//! folder, read back with `snapshot::load`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::fixtures::*;
use crate::snapshot::{self, SavedPaths};
use crate::tui::app::{App, COUNTDOWN_RATE, Effect, Msg, SPINNER_RATE, SaveRequest};
use crate::tui::toast::{TOAST_TIME, ToastKind};

/// The `SaveSnapshot` among `effects`.
fn save_request(effects: Vec<Effect>) -> SaveRequest {
    let mut found = effects.into_iter().filter_map(|e| match e {
        Effect::SaveSnapshot(r) => Some(*r),
        _ => None,
    });
    let request = found.next().expect("a SaveSnapshot effect");
    assert!(found.next().is_none(), "one save per key");
    request
}

/// Two finished sweeps (row 5 went missing → cert-mismatch) and a third in flight.
fn two_sweeps_and_one_running(dir: Option<PathBuf>) -> App {
    let (mut app, id, s) = sweeping();
    app.config.snapshot_dir = dir;
    let mut first = cert_mismatch(&s);
    first[4] = missing(&s, 5);
    finish(&mut app, id, &s, first);
    let (id2, _) = started(&app.update(key('r'))).unwrap();
    finish(&mut app, id2, &s, cert_mismatch(&s));
    assert!(started(&app.update(key('r'))).is_some());
    app
}

#[test]
fn s_hands_every_finished_sweep_and_the_changes_to_the_loop() {
    let mut app = two_sweeps_and_one_running(Some("/srv/snaps".into()));
    let request = save_request(app.update(key('s')));
    assert_eq!(request.dir.as_deref(), Some(Path::new("/srv/snaps")));
    let session = &request.session;
    assert_eq!(
        session.sweeps().len(),
        2,
        "the sweep in flight is not in it"
    );
    assert_eq!(session.sweep_count(), 2);
    assert_eq!(session.current().unwrap().selected, Some(5));
    let changes = session.changes();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].sweep, 2);
    assert_eq!(
        changes[0].rows[0].to_string(),
        "#5 A sipinternal.contoso.com TLS:443: missing → cert-mismatch"
    );
    let settings = &request.settings;
    assert_eq!(settings.input, ADDRESS);
    assert_eq!(settings.domain, "contoso.com");
    assert_eq!(settings.profile, "ocs2007");
    assert_eq!(settings.resolvers, ["10.0.0.53:53"]);
    assert!(settings.system_roots && settings.strict_dns_naming);
    assert!(logged(&app, "saving a snapshot of 2 sweeps"));
}

#[test]
fn s_before_any_sweep_finished_says_so_and_saves_nothing() {
    let (mut app, _, _) = sweeping();
    assert!(app.update(key('s')).is_empty());
    let toast = app.toast.as_ref().expect("a toast");
    assert_eq!(toast.kind, ToastKind::Info);
    assert_eq!(toast.text, "nothing to save yet: no sweep has finished");
    assert!(logged(&app, "snapshot: nothing to save yet"));
    // In the address field `s` is text.
    let mut app = super::fixtures::app();
    app.start(None);
    assert!(app.update(key('s')).is_empty());
    assert!(app.toast.is_none());
}

#[test]
fn a_saved_snapshot_shows_where_in_a_toast_and_logs_both_paths() {
    let mut app = app_idle();
    assert_eq!(app.tick_rate(), None, "idle: no timer");
    app.update(Msg::SnapshotSaved(Ok(SavedPaths {
        json: "/srv/snaps/20250601T120000Z-contoso.com.json".into(),
        markdown: "/srv/snaps/20250601T120000Z-contoso.com.md".into(),
    })));
    let toast = app.toast.clone().expect("a toast");
    assert_eq!(toast.kind, ToastKind::Ok);
    assert_eq!(
        toast.text,
        "✓ snapshot saved: /srv/snaps/20250601T120000Z-contoso.com.json (+ .md)"
    );
    assert!(logged(
        &app,
        "snapshot saved: /srv/snaps/20250601T120000Z-contoso.com.json"
    ));
    assert!(logged(
        &app,
        "snapshot Markdown: /srv/snaps/20250601T120000Z-contoso.com.md"
    ));
    // Over the key bar, for a few seconds: ticks only while it shows.
    let text = screen(&app, 120, 40);
    assert!(text.contains(&toast.text), "{text}");
    assert!(!text.contains("r re-run"), "{text}");
    assert_eq!(app.tick_rate(), Some(COUNTDOWN_RATE));
    app.update(Msg::Tick(TOAST_TIME - Duration::from_secs(1)));
    assert!(app.toast.is_some());
    app.update(Msg::Tick(Duration::from_secs(1)));
    assert!(app.toast.is_none());
    assert_eq!(app.tick_rate(), None, "idle again: no timer");
    assert!(screen(&app, 120, 40).contains("s save snapshot"));
}

#[test]
fn the_toast_also_ages_while_a_sweep_runs() {
    let mut app = app_idle();
    app.update(Msg::SnapshotSaved(Err("disk full".into())));
    app.update(key('r'));
    assert_eq!(app.tick_rate(), Some(SPINNER_RATE));
    for _ in 0..(TOAST_TIME.as_millis() / SPINNER_RATE.as_millis()) {
        app.update(Msg::Tick(SPINNER_RATE));
    }
    assert!(app.toast.is_none());
}

#[test]
fn a_failed_save_is_a_toast_and_a_log_line() {
    let mut app = app_idle();
    let effects = app.update(Msg::SnapshotSaved(Err(
        "cannot create snapshot folder /srv/snaps: Permission denied (os error 13)".into(),
    )));
    assert!(effects.is_empty());
    assert!(!app.should_quit());
    let toast = app.toast.as_ref().expect("a toast");
    assert_eq!(toast.kind, ToastKind::Fail);
    assert_eq!(
        toast.text,
        "✗ snapshot not saved: cannot create snapshot folder /srv/snaps: Permission denied (os error 13)"
    );
    assert!(logged(
        &app,
        "cannot save snapshot: cannot create snapshot folder /srv/snaps"
    ));
}

/// What the loop does with the effect: the write, then its result as a message.
fn perform(app: &mut App, request: &SaveRequest) -> Result<SavedPaths, String> {
    let result = request.write().map_err(|e| e.to_string());
    app.update(Msg::SnapshotSaved(result.clone()));
    result
}

/// `s`, then the loop's part.
fn save(app: &mut App) -> Result<SavedPaths, String> {
    let request = save_request(app.update(key('s')));
    perform(app, &request)
}

#[test]
fn the_save_writes_json_and_markdown_that_load_back() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("snapshots");
    let mut app = two_sweeps_and_one_running(Some(dir.clone()));
    let request = save_request(app.update(key('s')));
    let paths = perform(&mut app, &request).expect("saved");
    assert_eq!(paths.json.parent(), Some(dir.as_path()));
    assert!(paths.markdown.is_file());
    assert!(logged(
        &app,
        &format!("snapshot saved: {}", paths.json.display())
    ));
    assert_eq!(app.toast.as_ref().unwrap().kind, ToastKind::Ok);

    let saved = snapshot::load(&paths.json).expect("loads back");
    assert_eq!(&saved.current, request.session.current().unwrap());
    assert_eq!(saved.earlier.len(), 1);
    assert_eq!(saved.changes, request.session.changes());
    assert_eq!(saved.sweep_count, 2);
    assert_eq!(saved.settings, request.settings);
    assert_eq!(saved.tool_version, env!("CARGO_PKG_VERSION"));
    let md = std::fs::read_to_string(&paths.markdown).unwrap();
    assert!(md.contains("missing → cert-mismatch"), "{md}");
    let (entries, skipped) = snapshot::list(&dir).unwrap();
    assert_eq!((entries.len(), skipped.len()), (1, 0));

    // A second `s` never overwrites the first.
    let again = save(&mut app).expect("saved");
    assert_ne!(again.json, paths.json);
    assert_eq!(snapshot::list(&dir).unwrap().0.len(), 2);
}

#[test]
fn no_snapshot_folder_or_a_failed_write_reports_and_carries_on() {
    let mut app = two_sweeps_and_one_running(None);
    let err = save(&mut app).unwrap_err();
    assert!(err.starts_with("no snapshot folder"), "{err}");
    assert_eq!(app.toast.as_ref().unwrap().kind, ToastKind::Fail);
    assert!(logged(&app, "cannot save snapshot: no snapshot folder"));

    // The folder's place is taken by a file.
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("not-a-folder");
    std::fs::write(&file, "x").unwrap();
    app.config.snapshot_dir = Some(file.clone());
    let err = save(&mut app).unwrap_err();
    assert!(err.contains(&file.display().to_string()), "{err}");
    assert!(logged(
        &app,
        "cannot save snapshot: cannot create snapshot folder"
    ));
    assert!(app.is_running(), "the sweep in flight goes on");
}
