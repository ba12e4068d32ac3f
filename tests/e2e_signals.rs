//! Signals to the real binary (Unix): SIGTERM, SIGHUP and SIGINT end the
//! dashboard with the terminal restored (alternate screen off, cursor
//! visible) and exit status 128 + the signal, while Ctrl-C pressed as a key
//! is a normal quit (0); after a suspend and resume the dashboard lives on
//! and answers keys; `sipscope lab` removes its temporary folder on SIGTERM.
//! The dashboard runs in tmux against the in-process lab.
#![cfg(unix)]

mod support;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
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
    let Some(_installed) = Tmux::new("signals") else {
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
            // A fresh tmux server per run: restarting in the old one raced
            // with its exit after the last session ended (a blank screen).
            let tmux = Tmux::new("signals").expect("tmux");
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

fn send(signal: &str, pid: &str) {
    let sent = Command::new("kill")
        .args([&format!("-{signal}"), pid])
        .status()
        .expect("kill");
    assert!(sent.success(), "kill -{signal} {pid}");
}

/// Watches the screen for `seconds` (no timing is asserted): the dashboard
/// must still be there the whole time, not exit.
fn stays_up(tmux: &Tmux, status: &Path, seconds: u64) {
    let until = Instant::now() + Duration::from_secs(seconds);
    while Instant::now() < until {
        assert!(
            !status.exists(),
            "the dashboard exited after resume (status {}):\n{}",
            std::fs::read_to_string(status).unwrap_or_default(),
            tmux.screen()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

// Issue 21 item 4: after Ctrl-Z / SIGTSTP and SIGCONT the dashboard died
// within two seconds (a cursor-position query on resume timed out). Several
// rounds, each waiting well past those two seconds, then proving with a key
// that the dashboard still answers: `?` opens the help, `?` closes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_survives_suspend_and_resume() {
    let Some(tmux) = Tmux::new("signals") else {
        eprintln!("SKIPPED the_dashboard_survives_suspend_and_resume: tmux is not installed");
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
        for round in 0..3 {
            // The key (raw mode) and the signal take the same path.
            if round % 2 == 0 {
                tmux.keys("C-z");
            } else {
                send("TSTP", &pid);
            }
            wait_state(&tmux, "0 1");
            send("CONT", &pid);
            wait_state(&tmux, "1 0");
            tmux.wait_for("the redrawn dashboard", |s| s.contains("sweep #1"));
            stays_up(&tmux, &status, 3);
            tmux.keys("?");
            tmux.wait_for("the help after resume", |s| s.contains("Help: keys"));
            tmux.keys("?");
            tmux.wait_for("the dashboard again", |s| {
                !s.contains("Help: keys") && s.contains("sweep #1")
            });
        }
        tmux.keys("q");
        assert_eq!(tmux.wait_for_exit(&status), "0");
        assert_eq!(pane_state(&tmux), "0 1", "terminal restored");
    });
}

// Issue 21 item 5: `kill -INT` is a signal like the others (130 = 128 + 2),
// while Ctrl-C pressed in the raw-mode dashboard is a key: a normal quit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_exits_130_but_ctrl_c_as_a_key_quits_0() {
    let Some(tmux) = Tmux::new("signals") else {
        eprintln!("SKIPPED sigint_exits_130_but_ctrl_c_as_a_key_quits_0: tmux is not installed");
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
        send("INT", &dashboard_pid(&tmux));
        assert_eq!(tmux.wait_for_exit(&status), "130", "SIGINT");
        assert_eq!(pane_state(&tmux), "0 1", "SIGINT: terminal restored");

        // A fresh tmux server (see sigterm_and_sighup_restore_the_terminal).
        let tmux = Tmux::new("signals").expect("tmux");
        tmux.start(&script, 100, 30);
        tmux.wait_for("the verdict", |s| {
            s.contains("sweep #1") && s.contains("took")
        });
        tmux.keys("C-c");
        assert_eq!(tmux.wait_for_exit(&status), "0", "Ctrl-C as a key");
        assert_eq!(pane_state(&tmux), "0 1", "Ctrl-C: terminal restored");
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
