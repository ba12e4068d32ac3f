//! The real dashboard binary in a pseudo-terminal (tmux) against the
//! in-process lab: the verdict appears, `r` re-runs (the sweep number
//! advances), `q` quits with exit status 0 and the terminal is given back;
//! `s` saves a snapshot and `sipscope open 1` shows it read-only.
//! Skipped, with a message, when tmux is not installed.

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use sipscope::lab::{Lab, LabOptions};

/// A private tmux server (its own socket), killed when the test ends.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn new() -> Tmux {
        // One server per test: the tests run in parallel.
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        Tmux {
            socket: format!("sipscope-e2e-{}-{n}", std::process::id()),
        }
    }

    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("run tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "dash"])
    }

    /// Polls the screen until `pred` holds; a hang guard, not a speed test.
    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let screen = self.screen();
            if pred(&screen) {
                return screen;
            }
            assert!(Instant::now() < deadline, "no {what} on screen:\n{screen}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

fn tmux_available() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// A script that runs the dashboard with the lab's flags and writes its exit
/// status; files (config, log) stay inside `dir`.
fn script(dir: &Path, flags: &[String], address: &str) -> std::path::PathBuf {
    let mut args = flags.to_vec();
    args.push(address.to_string());
    script_with(dir, &args)
}

/// A script that runs `sipscope ARGS…` (see [`script`]).
fn script_with(dir: &Path, args: &[String]) -> std::path::PathBuf {
    let mut cmd = vec![quote(env!("CARGO_BIN_EXE_sipscope"))];
    cmd.extend(args.iter().map(|f| quote(f)));
    let d = dir.display();
    let text = format!(
        "export XDG_CONFIG_HOME={d}/config XDG_STATE_HOME={d}/state XDG_DATA_HOME={d}/data\n\
         unset NO_COLOR SIPSCOPE_RESOLVER SIPSCOPE_PROFILE SIPSCOPE_CONFIG\n\
         {}\n\
         echo $? > {d}/status.tmp && mv {d}/status.tmp {d}/status\n\
         sleep 30\n",
        cmd.join(" ")
    );
    let path = dir.join("dashboard.sh");
    std::fs::write(&path, text).expect("write the script");
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dashboard_sweeps_the_lab_reruns_and_quits() {
    if !tmux_available() {
        eprintln!("SKIPPED dashboard_sweeps_the_lab_reruns_and_quits: tmux is not installed");
        return;
    }
    let lab = Lab::start_all(LabOptions::default()).await.expect("lab");
    let dir = tempfile::tempdir().expect("temp dir");
    let ca = dir.path().join("lab-ca.pem");
    std::fs::write(&ca, lab.ca_pem()).expect("write the lab CA");
    let script = script(dir.path(), &lab.check_flags(&ca), "sip:alice@cname.test");
    let status = dir.path().join("status");

    // The lab answers on this runtime's threads; the polling below blocks.
    tokio::task::block_in_place(|| {
        let tmux = Tmux::new();
        tmux.start(&script);

        // D7: the sipinternal CNAME case — record 5 is used and its certificate does not match.
        let screen = tmux.wait_for("verdict of sweep 1", |s| {
            s.contains("sweep #1") && s.contains("Sign-in fails: the client uses record 5")
        });
        assert!(screen.contains("◀ client uses this"), "{screen}");
        assert!(screen.contains("cert-mismatch"), "{screen}");

        tmux.run(&["send-keys", "-t", "dash", "r"]);
        tmux.wait_for("verdict of sweep 2", |s| {
            s.contains("sweep #2") && s.contains("took") && s.contains("Sign-in fails")
        });

        tmux.run(&["send-keys", "-t", "dash", "q"]);
        assert_eq!(tmux.exit_status(&status), "0", "exit status");
        // The alternate screen is left: the dashboard is gone from the pane.
        let after = tmux.screen();
        assert!(!after.contains("◀ client uses this"), "{after}");
    });
}

impl Tmux {
    /// Starts `script` in a fresh session named `dash` (replacing an old one).
    fn start(&self, script: &Path) {
        self.run(&["kill-session", "-t", "dash"]);
        self.run(&[
            "new-session",
            "-d",
            "-s",
            "dash",
            "-x",
            "120",
            "-y",
            "40",
            &format!("sh {}", quote(&script.display().to_string())),
        ]);
    }

    /// Waits for the script to write the dashboard's exit status.
    fn exit_status(&self, status: &Path) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !status.exists() {
            assert!(
                Instant::now() < deadline,
                "the dashboard did not exit:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let code = std::fs::read_to_string(status).expect("read the status");
        std::fs::remove_file(status).expect("remove the status");
        code.trim().to_string()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s_saves_a_snapshot_and_open_shows_it_read_only() {
    if !tmux_available() {
        eprintln!("SKIPPED s_saves_a_snapshot_and_open_shows_it_read_only: tmux is not installed");
        return;
    }
    let lab = Lab::start_all(LabOptions::default()).await.expect("lab");
    let dir = tempfile::tempdir().expect("temp dir");
    let snaps = dir.path().join("snaps");
    let ca = dir.path().join("lab-ca.pem");
    std::fs::write(&ca, lab.ca_pem()).expect("write the lab CA");
    let folder = format!("--snapshot-dir={}", snaps.display());
    let mut flags = lab.check_flags(&ca);
    flags.push(folder.clone());
    let live = script(dir.path(), &flags, "sip:alice@cname.test");
    let status = dir.path().join("status");

    tokio::task::block_in_place(|| {
        let tmux = Tmux::new();
        tmux.start(&live);
        tmux.wait_for("verdict of sweep 1", |s| {
            s.contains("sweep #1") && s.contains("took") && s.contains("Sign-in fails")
        });
        tmux.run(&["send-keys", "-t", "dash", "s"]);
        let screen = tmux.wait_for("the toast", |s| s.contains("snapshot saved: "));
        assert!(screen.contains(&snaps.display().to_string()), "{screen}");
        let json: Vec<_> = std::fs::read_dir(&snaps)
            .expect("the snapshot folder exists")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        assert_eq!(json.len(), 1, "{json:?}");
        assert!(json[0].with_extension("md").is_file());
        tmux.run(&["send-keys", "-t", "dash", "q"]);
        assert_eq!(tmux.exit_status(&status), "0");

        // Only the lab's dial overrides on the command line: the resolver,
        // CA file and timeout of the live sweep come from the snapshot.
        let mut args = vec!["open".to_string(), folder.clone(), "1".into()];
        args.extend(
            lab.check_flags(&ca)
                .into_iter()
                .filter(|f| f.starts_with("--dial=")),
        );
        tmux.start(&script_with(dir.path(), &args));
        let screen = tmux.wait_for("the read-only label", |s| s.contains("(read-only)"));
        assert!(screen.contains("SNAPSHOT 20"), "{screen}");
        assert!(
            screen.contains("Sign-in fails: the client uses record 5"),
            "{screen}"
        );
        assert!(screen.contains("opened snapshot"), "{screen}");
        tmux.run(&["send-keys", "-t", "dash", "r"]);
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
        tmux.run(&["send-keys", "-t", "dash", "q"]);
        assert_eq!(tmux.exit_status(&status), "0");
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
