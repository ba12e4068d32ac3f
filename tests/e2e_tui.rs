//! The real dashboard binary in a pseudo-terminal (tmux) against the
//! in-process lab: the verdict appears, `r` re-runs (the sweep number
//! advances), `q` quits with exit status 0 and the terminal is given back;
//! `s` saves a snapshot and `sipscope open 1` shows it read-only.
//! Skipped, with a message, when tmux is not installed.

mod support;

use sipscope::lab::{Lab, LabOptions};
use support::bin::dashboard_script as sipscope;
use support::tmux::Tmux;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dashboard_sweeps_the_lab_reruns_and_quits() {
    let Some(tmux) = Tmux::new("e2e") else {
        eprintln!("SKIPPED dashboard_sweeps_the_lab_reruns_and_quits: tmux is not installed");
        return;
    };
    let lab = Lab::start_all(LabOptions::default()).await.expect("lab");
    let dir = tempfile::tempdir().expect("temp dir");
    let ca = dir.path().join("lab-ca.pem");
    std::fs::write(&ca, lab.ca_pem()).expect("write the lab CA");
    let mut args = lab.check_flags(&ca);
    args.push("sip:alice@cname.test".into());
    let (script, status) = sipscope(dir.path(), &args);

    // The lab answers on this runtime's threads; the polling below blocks.
    tokio::task::block_in_place(|| {
        tmux.start(&script, 120, 40);

        // D7: the sipinternal CNAME case — record 5 is used and its certificate does not match.
        let screen = tmux.wait_for("verdict of sweep 1", |s| {
            s.contains("sweep #1") && s.contains("Sign-in fails: the client uses record 5")
        });
        assert!(screen.contains("◀ client uses this"), "{screen}");
        assert!(screen.contains("cert-mismatch"), "{screen}");

        tmux.keys("r");
        tmux.wait_for("verdict of sweep 2", |s| {
            s.contains("sweep #2") && s.contains("took") && s.contains("Sign-in fails")
        });

        tmux.keys("q");
        assert_eq!(tmux.wait_for_exit(&status), "0", "exit status");
        // The alternate screen is left: the dashboard is gone from the pane.
        let after = tmux.screen();
        assert!(!after.contains("◀ client uses this"), "{after}");
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s_saves_a_snapshot_and_open_shows_it_read_only() {
    let Some(tmux) = Tmux::new("e2e") else {
        eprintln!("SKIPPED s_saves_a_snapshot_and_open_shows_it_read_only: tmux is not installed");
        return;
    };
    let lab = Lab::start_all(LabOptions::default()).await.expect("lab");
    let dir = tempfile::tempdir().expect("temp dir");
    let snaps = dir.path().join("snaps");
    let ca = dir.path().join("lab-ca.pem");
    std::fs::write(&ca, lab.ca_pem()).expect("write the lab CA");
    let folder = format!("--snapshot-dir={}", snaps.display());
    let mut flags = lab.check_flags(&ca);
    flags.push(folder.clone());
    flags.push("sip:alice@cname.test".into());
    let (live, status) = sipscope(dir.path(), &flags);

    tokio::task::block_in_place(|| {
        tmux.start(&live, 120, 40);
        tmux.wait_for("verdict of sweep 1", |s| {
            s.contains("sweep #1") && s.contains("took") && s.contains("Sign-in fails")
        });
        tmux.keys("s");
        let screen = tmux.wait_for("the toast", |s| s.contains("snapshot saved: "));
        assert!(screen.contains(&snaps.display().to_string()), "{screen}");
        let json: Vec<_> = std::fs::read_dir(&snaps)
            .expect("the snapshot folder exists")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        assert_eq!(json.len(), 1, "{json:?}");
        assert!(json[0].with_extension("md").is_file());
        tmux.keys("q");
        assert_eq!(tmux.wait_for_exit(&status), "0");

        // Only the lab's dial overrides on the command line: the resolver,
        // CA file and timeout of the live sweep come from the snapshot.
        let mut args = vec!["open".to_string(), folder.clone(), "1".into()];
        args.extend(
            lab.check_flags(&ca)
                .into_iter()
                .filter(|f| f.starts_with("--dial=")),
        );
        tmux.start(&sipscope(dir.path(), &args).0, 120, 40);
        let screen = tmux.wait_for("the read-only label", |s| s.contains("(read-only)"));
        assert!(screen.contains("SNAPSHOT 20"), "{screen}");
        assert!(
            screen.contains("Sign-in fails: the client uses record 5"),
            "{screen}"
        );
        assert!(screen.contains("opened snapshot"), "{screen}");
        tmux.keys("r");
        let screen = tmux.wait_for("a live sweep compared with the snapshot", |s| {
            s.contains("live, compared with snapshot")
                && s.contains("sweep #1")
                && s.contains("took")
        });
        assert!(
            screen.contains("Sign-in fails: the client uses record 5"),
            "{screen}"
        );
        assert!(screen.contains("no changes"), "{screen}");
        tmux.keys("q");
        assert_eq!(tmux.wait_for_exit(&status), "0");
    });
}

#[test]
fn open_with_a_bad_ref_is_a_one_line_error_before_the_screen_changes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sipscope"))
        .args(["open", "3", "--snapshot-dir"])
        .arg(dir.path())
        .env("XDG_CONFIG_HOME", dir.path())
        .env_remove("SIPSCOPE_CONFIG")
        .output()
        .expect("run sipscope");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("sipscope: error: no snapshot number 3 in"),
        "{err}"
    );
    assert!(out.stdout.is_empty(), "nothing drawn");
}
