//! The real dashboard binary in a pseudo-terminal (tmux) against the
//! in-process lab: the verdict appears, `r` re-runs (the sweep number
//! advances), `q` quits with exit status 0 and the terminal is given back.
//! Skipped, with a message, when tmux is not installed.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use sipscope::lab::{Lab, LabOptions};

/// A private tmux server (its own socket), killed when the test ends.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn new() -> Tmux {
        Tmux {
            socket: format!("sipscope-e2e-{}", std::process::id()),
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
    let mut cmd = vec![quote(env!("CARGO_BIN_EXE_sipscope"))];
    cmd.extend(flags.iter().map(|f| quote(f)));
    cmd.push(quote(address));
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
        tmux.run(&[
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
        let deadline = Instant::now() + Duration::from_secs(10);
        while !status.exists() {
            assert!(
                Instant::now() < deadline,
                "the dashboard did not exit:\n{}",
                tmux.screen()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let code = std::fs::read_to_string(&status).expect("read the status");
        assert_eq!(code.trim(), "0", "exit status");
        // The alternate screen is left: the dashboard is gone from the pane.
        let after = tmux.screen();
        assert!(!after.contains("◀ client uses this"), "{after}");
    });
}
