//! `sipscope audit` on a terminal (issue 18 item 2): the progress on stderr
//! turns into a bar with the file's total and an ETA, then gives way to the
//! summary; and `sipscope lab --dns-delay-ms` answers late as it says.

mod support;

use std::process::Command;

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_progress_bar_shows_the_total_and_an_eta() {
    use sipscope::lab::LabOptions;
    use std::time::Duration;
    use support::lab::lab_with_opts;
    use support::tmux::{Tmux, script};

    let Some(tmux) = Tmux::new("audit-progress") else {
        eprintln!("skipped: tmux is not installed");
        return;
    };
    // Every DNS answer late, one check at a time: the run lasts seconds.
    let lab = lab_with_opts(
        &["healthy"],
        LabOptions {
            dns_delay: Duration::from_millis(120),
            ..LabOptions::default()
        },
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, lab.ca_pem()).unwrap();
    let list = dir.path().join("estate.txt");
    let mut text = String::from("# the estate\n\n");
    for _ in 0..10 {
        text.push_str("healthy.test\n");
    }
    std::fs::write(&list, text).unwrap();
    let mut args = vec![env!("CARGO_BIN_EXE_sipscope").to_string(), "audit".into()];
    args.extend(lab.check_flags(&ca));
    args.extend(["--jobs".into(), "1".into(), list.display().to_string()]);
    let (sh, status) = script(dir.path(), &args);
    tokio::task::block_in_place(|| {
        tmux.start(&sh, 120, 20);
        // Ten addresses (the comment and the blank line are not counted).
        let screen = tmux.wait_for("a bar with the total and an ETA", |s| {
            s.contains("/10 checked") && s.contains("ETA")
        });
        assert!(!screen.contains("/12"), "{screen}");
        let code = tmux.wait_for_exit(&status);
        assert_eq!(code, "0", "{}", tmux.screen());
        let end = tmux.screen();
        assert!(!end.contains("ETA"), "the bar was not cleared:\n{end}");
    });
}

// `sipscope lab --dns-delay-ms`: the usage says so, and a check through it
// waits at least that long for its first answer.
#[test]
fn the_lab_answers_late_when_told() {
    let dir = tempfile::tempdir().unwrap();
    let mut lab = support::bin::LabProcess::start(dir.path(), &["--dns-delay-ms", "400"]);
    let said = lab.banner_until("400 ms late");
    let v = lab.check("healthy.test");
    drop(lab);
    assert!(said, "the lab did not say its answers are late");
    assert_eq!(v["verdict"]["state"], "ok", "{v}");
    assert!(
        v["elapsed_ms"].as_u64().unwrap() >= 400,
        "{}",
        v["elapsed_ms"]
    );
    // Bad values are usage errors.
    let bad = Command::new(env!("CARGO_BIN_EXE_sipscope"))
        .args(["lab", "--dns-delay-ms", "20000"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}
