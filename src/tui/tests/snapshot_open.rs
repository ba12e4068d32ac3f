//! `sipscope open REF`: an App built from a saved snapshot is labelled
//! read-only and shows the snapshot; `r` sweeps with the snapshot's settings
//! (the command line still wins) and marks changes against the snapshot.

use std::path::PathBuf;
use std::time::Duration;

use time::macros::datetime;

use super::fixtures::*;
use crate::config::Config;
use crate::config::SweepOverrides as SweepArgs;
use crate::model::Status;
use crate::snapshot::{Session, SettingsSummary, Snapshot};
use crate::tui::app::{App, AppConfig, Effect};
use crate::tui::toast::ToastKind;

const PATH: &str = "/srv/snaps/20261122T110923Z-contoso.com.json";

/// A snapshot of two sweeps of contoso.com (row 5 went missing →
/// cert-mismatch) taken with settings unlike the defaults.
fn saved() -> Snapshot {
    let args = SweepArgs {
        resolvers: vec!["10.9.9.9".into()],
        ..SweepArgs::default()
    };
    let options =
        crate::config::sweep_options(&args, None, &crate::config::Config::default()).unwrap();
    let target = crate::input::parse_target(ADDRESS).unwrap();
    let s = crate::sweep::SweepSettings::new(target, options);
    let mut session = Session::new();
    let mut first = cert_mismatch(&s);
    first[4] = missing(&s, 5);
    session.push(report(&s, first));
    session.push(report(&s, cert_mismatch(&s)));
    let mut settings = SettingsSummary::from_settings(&s);
    settings.timeout_ms = 1500;
    settings.ca_files = vec!["/etc/sipscope/contoso-root.pem".into()];
    settings.system_roots = false;
    settings.trusted_domains = vec!["contoso.net".into()];
    settings.strict_dns_naming = false;
    settings.allow_tcp = false;
    Snapshot::at(&session, &settings, datetime!(2026-11-22 11:09:23.456 UTC)).unwrap()
}

/// The dashboard of `sipscope open` with `args` on the command line, over a
/// config file that says otherwise.
fn opened(args: SweepArgs) -> App {
    let config = AppConfig {
        file: Config {
            profile: "lync2010".into(),
            resolvers: vec!["192.0.2.1".into()],
            trusted_domains: vec!["fabrikam.com".into()],
            ..Config::default()
        },
        ..AppConfig::default()
    };
    let mut app = app_with(args, config);
    app.open_snapshot(PathBuf::from(PATH), saved());
    assert!(app.start(None).is_empty(), "nothing sweeps until r");
    app
}

#[test]
fn an_opened_snapshot_is_read_only_and_shows_its_sweep_and_history() {
    let mut app = opened(SweepArgs::default());
    let snap = saved();
    assert!(app.read_only());
    assert!(!app.is_running());
    assert_eq!(app.tick_rate(), None, "nothing moves: no timer");
    assert_eq!(app.report(), Some(&snap.current));
    assert_eq!(app.target.as_ref().unwrap().input, ADDRESS);
    assert_eq!(app.profile, "ocs2007", "the snapshot's, not the file's");
    assert_eq!(
        app.snapshots.opened.as_ref().unwrap().label(),
        "SNAPSHOT 2026-11-22 11:09:23Z (read-only) — r: sweep live"
    );
    // The snapshot's last sweep's markers, as the dashboard showed them then.
    let c = app.changes().get(&5).expect("row 5 marked");
    assert_eq!((c.before, c.after), (Status::Missing, Status::CertMismatch));
    assert!(logged(
        &app,
        &format!("opened snapshot {PATH} (saved 2026-11-22 11:09:23Z by sipscope")
    ));
    assert!(logged(&app, "2 sweeps)"));
    assert!(logged(
        &app,
        "CA files /etc/sipscope/contoso-root.pem, system roots off"
    ));
    assert!(logged(
        &app,
        "sweep 2 (2025-06-01 12:00:00Z): #5 A sipinternal.contoso.com TLS:443: missing → cert-mismatch"
    ));
    let text = screen(&app, 120, 40);
    assert!(
        text.contains("SNAPSHOT 2026-11-22 11:09:23Z (read-only) — r: sweep live"),
        "{text}"
    );
    assert!(text.contains("r sweep live"), "{text}");
    assert!(text.contains("◀ client uses this"), "{text}");
    // Nothing new to save yet.
    assert!(app.update(key('s')).is_empty());
    let toast = app.toast.as_ref().unwrap();
    assert_eq!(toast.kind, ToastKind::Info);
    assert_eq!(
        toast.text,
        format!("nothing new to save: this is snapshot {PATH}; r sweeps live")
    );
}

#[test]
fn r_sweeps_with_the_snapshots_settings_and_marks_changes_against_it() {
    let mut app = opened(SweepArgs::default());
    let (id, s) = started(&app.update(key('r'))).expect("a live sweep");
    assert_eq!(id, 1);
    assert_eq!(s.target.input, ADDRESS);
    assert_eq!(s.options.profile.name, "ocs2007");
    assert_eq!(s.options.resolvers.labels(), ["10.9.9.9:53"]);
    assert_eq!(s.options.timeout, Duration::from_millis(1500));
    assert_eq!(
        s.options.ca_files,
        [PathBuf::from("/etc/sipscope/contoso-root.pem")]
    );
    assert!(!s.options.system_roots);
    assert_eq!(s.options.trust.trusted_domains, ["contoso.net"]);
    assert!(!s.options.trust.strict_dns_naming);
    assert!(!s.options.allow_tcp);
    assert!(!app.read_only());
    assert_eq!(
        app.snapshots.opened.as_ref().unwrap().label(),
        "live, compared with snapshot 2026-11-22 11:09:23Z"
    );

    // The live sweep finds everything: marked against the snapshot's report.
    finish(&mut app, id, &s, all_found(&s));
    let c = app
        .changes()
        .get(&5)
        .expect("row 5 changed since the snapshot");
    assert_eq!((c.before, c.after), (Status::CertMismatch, Status::Found));
    let c = app
        .changes()
        .get(&1)
        .expect("row 1 changed since the snapshot");
    assert_eq!((c.before, c.after), (Status::Missing, Status::Found));
    assert!(logged(
        &app,
        "#5 A sipinternal.contoso.com TLS:443: cert-mismatch → found"
    ));
    assert!(logged(
        &app,
        "sweep 1 finished in 412 ms, 3 records changed"
    ));
    let text = screen(&app, 120, 40);
    assert!(
        text.contains("live, compared with snapshot 2026-11-22 11:09:23Z"),
        "{text}"
    );
    assert!(!text.contains("(read-only)"), "{text}");
    assert!(
        text.contains("missing → found since the snapshot"),
        "{text}"
    );

    // `s` now saves the snapshot's sweep and the live one, and what changed.
    let effects = app.update(key('s'));
    let Some(Effect::SaveSnapshot(request)) = effects.into_iter().next() else {
        panic!("a save")
    };
    assert_eq!(request.session.sweeps().len(), 2);
    assert_eq!(request.session.changes()[0].sweep, 2);
    assert_eq!(request.session.changes()[0].rows.len(), 3);
    assert_eq!(request.settings.resolvers, ["10.9.9.9:53"]);

    // The next sweep compares with the live one: the label goes.
    let (id2, _) = started(&app.update(key('r'))).unwrap();
    assert!(app.snapshots.opened.is_none());
    finish(&mut app, id2, &s, all_found(&s));
    assert!(app.changes().is_empty());
    assert!(!screen(&app, 120, 40).contains("snapshot 2026"));
}

#[test]
fn the_command_line_overrides_the_snapshots_settings() {
    let args = SweepArgs {
        resolvers: vec!["10.0.0.53".into()],
        profile: Some("ocs2007r2".into()),
        system_roots: Some(true),
        timeout_ms: Some(900),
        ..SweepArgs::default()
    };
    let mut app = opened(args);
    assert_eq!(app.profile, "ocs2007r2");
    let (_, s) = started(&app.update(key('r'))).unwrap();
    assert_eq!(s.options.profile.name, "ocs2007r2");
    assert_eq!(s.options.resolvers.labels(), ["10.0.0.53:53"]);
    assert!(s.options.system_roots);
    assert_eq!(s.options.timeout, Duration::from_millis(900));
    // What the command line leaves alone still comes from the snapshot.
    assert_eq!(
        s.options.ca_files,
        [PathBuf::from("/etc/sipscope/contoso-root.pem")]
    );
    assert_eq!(s.options.trust.trusted_domains, ["contoso.net"]);
}

#[test]
fn another_address_leaves_the_snapshot_behind() {
    let mut app = opened(SweepArgs::default());
    app.update(key('e'));
    app.update(ctrl('u'));
    for c in "bob@fabrikam.com".chars() {
        app.update(key(c));
    }
    let effects = app.update(code(ratatui::crossterm::event::KeyCode::Enter));
    let (id, s) = started(&effects).unwrap();
    assert!(app.snapshots.opened.is_none());
    finish(&mut app, id, &s, vec![missing(&s, 1)]);
    let request = match app.update(key('s')).into_iter().next() {
        Some(Effect::SaveSnapshot(r)) => r,
        other => panic!("{other:?}"),
    };
    assert_eq!(request.session.sweeps().len(), 1, "a new session");
    assert_eq!(request.session.current().unwrap().domain, "fabrikam.com");
}

/// What `sipscope open` shows first.
#[test]
fn read_only_screen() {
    let app = opened(SweepArgs::default());
    insta::assert_snapshot!(screen(&app, 120, 40));
}

#[test]
fn read_only_screen_80x24() {
    let app = opened(SweepArgs::default());
    let text = screen(&app, 80, 24);
    assert!(
        text.contains("SNAPSHOT 2026-11-22 11:09:23Z (read-only)"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}
