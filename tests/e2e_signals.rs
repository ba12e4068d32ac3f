//! Signals to the real binary (Unix): SIGTERM and SIGHUP end the dashboard
//! with the terminal restored (alternate screen off, cursor visible) and
//! exit status 128 + the signal; `sipscope lab` removes its temporary folder
//! on SIGTERM. The dashboard runs in tmux against the in-process lab.
#![cfg(unix)]

mod support;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sipscope::lab::{Lab, LabOptions};
use support::bin::dashboard_script as sipscope;
use support::tmux::Tmux;

/// The pid of the sipscope process under the pane's shell.
fn dashboard_pid(tmux: &Tmux) -> String {
    let shell = tmux.run(&["display", "-p", "-t", "dash", "#{pane_pid}"]);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let out = Command::new("ps")
            .args(["-o", "pid=,comm=", "--ppid", shell.trim()])
            .output()
            .expect("ps");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        if let Some(line) = text.lines().find(|l| l.contains("sipscope")) {
            return line.split_whitespace().next().unwrap().to_string();
        }
        assert!(
            Instant::now() < deadline,
            "no sipscope under the pane: {text}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_and_sighup_restore_the_terminal() {
    let Some(tmux) = Tmux::new("signals") else {
        eprintln!("SKIPPED sigterm_and_sighup_restore_the_terminal: tmux is not installed");
        return;
    };
    let lab = Lab::start_all(LabOptions::default()).await.expect("lab");
    let dir = tempfile::tempdir().expect("temp dir");
    let ca = dir.path().join("lab-ca.pem");
    std::fs::write(&ca, lab.ca_pem()).expect("write the lab CA");
    let mut args = lab.check_flags(&ca);
    args.push("sip:alice@healthy.test".into());
    let (script, status) = sipscope(dir.path(), &args);

    tokio::task::block_in_place(|| {
        for (signal, code) in [("TERM", "143"), ("HUP", "129")] {
            tmux.start(&script, 100, 30);
            tmux.wait_for("the verdict", |s| {
                s.contains("sweep #1") && s.contains("took")
            });
            let state = tmux.run(&[
                "display",
                "-p",
                "-t",
                "dash",
                "#{alternate_on} #{cursor_flag}",
            ]);
            assert_eq!(state.trim(), "1 0", "the dashboard holds the screen");
            let pid = dashboard_pid(&tmux);
            let sent = Command::new("kill")
                .args([&format!("-{signal}"), &pid])
                .status()
                .expect("kill");
            assert!(sent.success());
            assert_eq!(tmux.wait_for_exit(&status), code, "SIG{signal}");
            let state = tmux.run(&[
                "display",
                "-p",
                "-t",
                "dash",
                "#{alternate_on} #{cursor_flag}",
            ]);
            assert_eq!(
                state.trim(),
                "0 1",
                "SIG{signal}: alternate screen off, cursor on"
            );
        }
    });
}

fn pane_state(tmux: &Tmux) -> String {
    let s = tmux.run(&[
        "display",
        "-p",
        "-t",
        "dash",
        "#{alternate_on} #{cursor_flag}",
    ]);
    s.trim().to_string()
}

fn wait_state(tmux: &Tmux, want: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while pane_state(tmux) != want {
        assert!(
            Instant::now() < deadline,
            "pane state {} != {want}",
            pane_state(tmux)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

// Ctrl-Z (a key in raw mode) gives the terminal back and stops; SIGCONT
// takes the screen again and redraws it in full.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_z_suspends_and_sigcont_redraws() {
    let Some(tmux) = Tmux::new("signals") else {
        eprintln!("SKIPPED ctrl_z_suspends_and_sigcont_redraws: tmux is not installed");
        return;
    };
    let lab = Lab::start_all(LabOptions::default()).await.expect("lab");
    let dir = tempfile::tempdir().expect("temp dir");
    let ca = dir.path().join("lab-ca.pem");
    std::fs::write(&ca, lab.ca_pem()).expect("write the lab CA");
    let mut args = lab.check_flags(&ca);
    args.push("sip:alice@healthy.test".into());
    let (script, status) = sipscope(dir.path(), &args);
    tokio::task::block_in_place(|| {
        tmux.start(&script, 100, 30);
        tmux.wait_for("the verdict", |s| {
            s.contains("sweep #1") && s.contains("took")
        });
        let pid = dashboard_pid(&tmux);
        tmux.keys("C-z");
        wait_state(&tmux, "0 1");
        let sent = Command::new("kill")
            .args(["-CONT", &pid])
            .status()
            .expect("kill");
        assert!(sent.success());
        wait_state(&tmux, "1 0");
        tmux.wait_for("the redrawn dashboard", |s| s.contains("sweep #1"));
        tmux.keys("q");
        assert_eq!(tmux.wait_for_exit(&status), "0");
    });
}

#[test]
fn lab_removes_its_temporary_folder_on_sigterm() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sipscope"))
        .arg("lab")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn sipscope lab");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let ca = loop {
        let line = lines
            .next()
            .expect("the lab prints its CA path")
            .expect("read");
        if let Some(path) = line.strip_prefix("lab CA") {
            break PathBuf::from(path.trim());
        }
    };
    let folder = ca.parent().unwrap().to_path_buf();
    assert!(folder.is_dir(), "{}", folder.display());
    let sent = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(sent.success());
    // Drain the rest so the lab never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("sipscope lab did not stop on SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0));
    assert!(!folder.exists(), "{} is left behind", folder.display());
}
