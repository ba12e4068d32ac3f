//! `sipscope audit` on a terminal (issue 18 item 2): the progress on stderr
//! turns into a bar with the file's total and an ETA, then gives way to the
//! summary; and `sipscope lab --dns-delay-ms` answers late as it says.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

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
    let ca = dir.path().join("lab-ca.pem");
    let mut lab = Command::new(env!("CARGO_BIN_EXE_sipscope"))
        .args(["lab", "--dns-delay-ms", "400", "--ca-out"])
        .arg(&ca)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(lab.stdout.take().unwrap()).lines();
    let mut dns = String::new();
    let mut said = false;
    for l in lines.by_ref() {
        let l = l.unwrap();
        if let Some(rest) = l.strip_prefix("DNS server") {
            dns = rest.split_whitespace().next().unwrap().to_string();
        }
        said |= l.contains("400 ms late");
        if l.contains(" check ") {
            break;
        }
    }
    let out = Command::new(env!("CARGO_BIN_EXE_sipscope"))
        .args(["check", "--json", "--resolver", &dns, "--ca-file"])
        .arg(&ca)
        .arg("--no-system-roots")
        .arg("--lab-dial")
        .arg(dir.path().join("lab-dial.txt"))
        .arg("healthy.test")
        .output()
        .unwrap();
    let _ = lab.kill();
    let _ = lab.wait();
    assert!(said, "the lab did not say its answers are late");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
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
