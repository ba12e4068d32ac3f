use std::fs;

use time::macros::datetime;

use super::*;
use crate::input::parse_target;
use crate::model::{CertInfo, NameMatch, Signin, Status, TargetResult};
use crate::plan;
use crate::probe::ResolverSpec;
use crate::sweep::{SweepOptions, SweepSettings, initial_report};

fn settings() -> SweepSettings {
    SweepSettings::new(
        parse_target("sip:alice@contoso.com").unwrap(),
        SweepOptions::new(plan::profile("ocs2007").unwrap(), ResolverSpec::System),
    )
}

fn summary() -> SettingsSummary {
    SettingsSummary::from_settings(&settings())
}

/// A finished sweep: every row missing, or row 1 found with a certificate.
fn sweep(works: bool) -> SweepReport {
    let mut r = initial_report(&settings());
    for row in &mut r.records {
        row.status = Status::Missing;
        row.detail = "no record".into();
    }
    if works {
        let row = &mut r.records[0];
        let mut t = TargetResult::new("sip.contoso.com", 5061);
        t.addresses = vec!["192.0.2.10".into()];
        t.status = Status::Found;
        t.certificate = Some(CertInfo {
            subject: "CN=sip.contoso.com".into(),
            sans: vec!["sip.contoso.com".into()],
            issuer: "CN=Contoso Root".into(),
            not_before: "2025-01-01T00:00:00Z".into(),
            not_after: "2099-01-01T00:00:00Z".into(),
            chain_len: 2,
            expected_name: "sip.contoso.com".into(),
            name_match: NameMatch::Exact,
            trusted: true,
            trust_error: None,
            chain: vec![],
            ..CertInfo::default()
        });
        row.targets = vec![t];
        row.used_target = Some(0);
        row.status = Status::Found;
        row.ttl = Some(3600);
    }
    r.decide();
    r
}

fn session(reports: impl IntoIterator<Item = SweepReport>) -> Session {
    let mut s = Session::new();
    for r in reports {
        s.push(r);
    }
    s
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn a_session_records_status_changes_per_sweep() {
    let mut s = Session::new();
    assert!(s.push(sweep(false)).is_empty());
    assert!(s.push(sweep(false)).is_empty(), "nothing changed");
    let changed = s.push(sweep(true)).to_vec();
    assert_eq!(changed.len(), 1);
    assert_eq!(
        (changed[0].from, changed[0].to),
        (Some(Status::Missing), Some(Status::Found))
    );
    assert_eq!(s.changes().len(), 1);
    assert_eq!(s.changes()[0].sweep, 3);
    assert_eq!(s.sweeps().len(), 3);
    assert_eq!(s.changes()[0].rows, changed);
    assert!(s.current().unwrap().signin_ok());
    s.clear();
    assert!(s.current().is_none());
}

#[test]
fn a_session_keeps_a_bounded_number_of_sweeps_but_every_change() {
    let mut s = Session::new();
    for i in 0..MAX_SWEEPS + 10 {
        s.push(sweep(i % 2 == 1));
    }
    assert_eq!(s.sweeps().len(), MAX_SWEEPS);
    assert_eq!(s.sweep_count(), MAX_SWEEPS + 10);
    assert_eq!(s.changes().len(), MAX_SWEEPS + 9);
}

#[test]
fn save_list_load_diff_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let snaps = dir.path().join("snapshots");
    let broken = session([sweep(false)]);
    let fixed = session([sweep(false), sweep(true)]);

    let a = save(&snaps, &broken, &summary(), Default::default()).unwrap();
    let b = save(&snaps, &fixed, &summary(), Default::default()).unwrap();
    assert_ne!(a.json, b.json);
    for p in [&a.json, &a.markdown, &b.json, &b.markdown] {
        assert!(p.is_file(), "{}", p.display());
    }
    let name = a.json.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.ends_with("-contoso.com.json") && name.starts_with("20"),
        "{name}"
    );
    assert_eq!(a.markdown, a.json.with_extension("md"));

    let (entries, skipped) = list(&snaps).unwrap();
    assert!(skipped.is_empty());
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].path, b.json, "newest first");
    assert_eq!((entries[0].index, entries[1].index), (1, 2));
    assert_eq!(entries[0].signin, Signin::Ok);
    assert_eq!(entries[1].signin, Signin::Fail);
    assert_eq!(entries[0].sweeps, 2);
    assert_eq!(entries[0].domain, "contoso.com");
    assert_eq!(entries[0].profile, "ocs2007");

    let la = load(&resolve_ref(&snaps, "2").unwrap()).unwrap();
    let lb = load(&resolve_ref(&snaps, b.json.to_str().unwrap()).unwrap()).unwrap();
    assert_eq!(la.current, broken.current().unwrap().clone());
    assert_eq!(lb.earlier, fixed.sweeps()[..1]);
    assert_eq!(lb.changes, fixed.changes());
    assert_eq!(lb.settings, summary());
    assert_eq!(lb.format, FORMAT);
    assert_eq!(lb.tool_version, env!("CARGO_PKG_VERSION"));

    assert!(diff(&la, &la).is_empty());
    let d = diff(&la, &lb);
    assert!(d.iter().any(|c| c.aspect == Aspect::Status), "{d:?}");
    assert!(d.iter().any(|c| c.aspect == Aspect::Verdict), "{d:?}");

    let e = resolve_ref(&snaps, "3").unwrap_err().to_string();
    assert!(
        e.contains("no snapshot number 3") && e.contains("holds 2"),
        "{e}"
    );
}

#[test]
fn two_saves_in_the_same_second_never_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let when = datetime!(2026-11-22 11:09:23.5 UTC);
    let s1 = Snapshot::at(&session([sweep(false)]), &summary(), when).unwrap();
    let s2 = Snapshot::at(&session([sweep(true)]), &summary(), when).unwrap();
    let p1 = save_snapshot(dir.path(), &s1).unwrap();
    let p2 = save_snapshot(dir.path(), &s2).unwrap();
    let p3 = save_snapshot(dir.path(), &s1).unwrap();
    assert_eq!(
        files(dir.path()),
        [
            "20261122T110923Z-contoso.com.json",
            "20261122T110923Z-contoso.com.md",
            "20261122T110923Z_2-contoso.com.json",
            "20261122T110923Z_2-contoso.com.md",
            "20261122T110923Z_3-contoso.com.json",
            "20261122T110923Z_3-contoso.com.md",
        ]
    );
    assert_eq!(load(&p1.json).unwrap(), s1);
    assert_eq!(load(&p2.json).unwrap(), s2);
    assert_eq!(load(&p3.json).unwrap(), s1);
}

#[test]
fn a_stray_markdown_file_is_not_overwritten_either() {
    let dir = tempfile::tempdir().unwrap();
    let when = datetime!(2026-11-22 11:09:23 UTC);
    fs::write(dir.path().join("20261122T110923Z-contoso.com.md"), "mine").unwrap();
    let s = Snapshot::at(&session([sweep(false)]), &summary(), when).unwrap();
    let p = save_snapshot(dir.path(), &s).unwrap();
    assert!(p.json.ends_with("20261122T110923Z_2-contoso.com.json"));
    assert_eq!(
        fs::read_to_string(dir.path().join("20261122T110923Z-contoso.com.md")).unwrap(),
        "mine"
    );
}

#[test]
fn a_folder_that_cannot_be_made_fails_clearly_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-folder");
    fs::write(&file, "x").unwrap();
    let target = file.join("snapshots");
    let e = save(
        &target,
        &session([sweep(false)]),
        &summary(),
        Default::default(),
    )
    .unwrap_err();
    assert!(matches!(e, SnapshotError::CreateFolder { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.contains("cannot create snapshot folder") && msg.contains("not-a-folder"),
        "{msg}"
    );
    assert_eq!(files(dir.path()), ["not-a-folder"]);
}

#[test]
fn a_failed_write_leaves_no_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    // The final name is taken by a folder: publishing must fail, and the
    // temporary file must be gone.
    fs::create_dir(dir.path().join("taken.json")).unwrap();
    let e = store::write_new(dir.path(), "taken.json", b"{}").unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists);
    assert_eq!(files(dir.path()), ["taken.json"]);
    assert!(dir.path().join("taken.json").is_dir());
}

// Unix permissions: Windows has no mode bits to take away.
#[cfg(unix)]
#[test]
fn a_read_only_folder_fails_clearly_and_leaves_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let ro = dir.path().join("ro");
    fs::create_dir(&ro).unwrap();
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o555)).unwrap();
    if fs::write(ro.join("probe"), "x").is_ok() {
        // Running as root: permissions do not bind; nothing to test here.
        let _ = fs::remove_file(ro.join("probe"));
        return;
    }
    let e = save(
        &ro,
        &session([sweep(false)]),
        &summary(),
        Default::default(),
    )
    .unwrap_err();
    assert!(matches!(e, SnapshotError::Write { .. }), "{e:?}");
    assert!(e.to_string().contains("cannot write snapshot in"), "{e}");
    assert!(files(&ro).is_empty());
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn nothing_to_save_before_the_first_sweep() {
    let dir = tempfile::tempdir().unwrap();
    let e = save(dir.path(), &Session::new(), &summary(), Default::default()).unwrap_err();
    assert!(matches!(e, SnapshotError::Empty));
    assert!(files(dir.path()).is_empty());
}

#[test]
fn corrupt_foreign_and_newer_files_are_skipped_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let ok = save(
        dir.path(),
        &session([sweep(true)]),
        &summary(),
        Default::default(),
    )
    .unwrap();
    fs::write(
        dir.path().join("truncated.json"),
        "{\"format\": 1, \"tool\": \"sips",
    )
    .unwrap();
    fs::write(dir.path().join("foreign.json"), "{\"name\": \"package\"}").unwrap();
    fs::write(dir.path().join("array.json"), "[1, 2]").unwrap();
    let mut newer: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&ok.json).unwrap()).unwrap();
    newer["format"] = 2.into();
    fs::write(dir.path().join("newer.json"), newer.to_string()).unwrap();
    fs::write(dir.path().join("notes.txt"), "not json at all").unwrap();
    fs::write(dir.path().join(".partial.json.tmp"), "{").unwrap();

    let (entries, skipped) = list(dir.path()).unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].path, ok.json);
    let reasons: Vec<(String, String)> = skipped
        .iter()
        .map(|s| {
            let name = s.path.file_name().unwrap().to_string_lossy().into_owned();
            (name, s.reason.clone())
        })
        .collect();
    assert_eq!(reasons.len(), 4, "{reasons:?}");
    let reason = |n: &str| &reasons.iter().find(|(f, _)| f == n).unwrap().1;
    assert!(reason("truncated.json").contains("damaged"), "{reasons:?}");
    assert!(
        reason("foreign.json").contains("not a sipscope snapshot"),
        "{reasons:?}"
    );
    assert!(
        reason("array.json").contains("not a sipscope snapshot"),
        "{reasons:?}"
    );
    assert!(
        reason("newer.json").contains("newer sipscope"),
        "{reasons:?}"
    );
    for (_, r) in &reasons {
        assert!(!r.contains('\n'), "one line: {r}");
    }
}

#[test]
fn readers_ignore_fields_they_do_not_know() {
    let snapshot = Snapshot::of(&session([sweep(true)]), &summary()).unwrap();
    let mut v = serde_json::to_value(&snapshot).unwrap();
    v["added_later"] = "x".into();
    v["current"]["records"][0]["added_later"] = 1.into();
    v["settings"]["added_later"] = true.into();
    let back = parse(&v.to_string(), Path::new("later.json")).unwrap();
    assert_eq!(back, snapshot);
}

#[test]
fn a_missing_folder_lists_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (entries, skipped) = list(&dir.path().join("none")).unwrap();
    assert!(entries.is_empty() && skipped.is_empty());
}

#[test]
fn the_markdown_report_holds_table_verdict_certificates_and_history() {
    let s = Snapshot::of(&session([sweep(false), sweep(true)]), &summary()).unwrap();
    let md = markdown::render(&s);
    for want in [
        "# sipscope snapshot: contoso.com",
        "**Verdict:** ✓ Sign-in works",
        "| # | query | type | via | status | target | address | TTL | time |",
        "_sipinternaltls._tcp.contoso.com",
        "◀ client uses this",
        "sip.contoso.com:5061",
        "CN=sip.contoso.com; SAN sip.contoso.com; issuer CN=Contoso Root; valid until 2099-01-01T00:00:00Z",
        "## Change history",
        "Sweep 2",
        "missing → found",
        "| Profile | ocs2007 |",
    ] {
        assert!(md.contains(want), "missing {want:?} in\n{md}");
    }
}

mod views;
