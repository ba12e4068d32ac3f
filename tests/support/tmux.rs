//! A private tmux server for end-to-end tests of the real binary: start a
//! command in a pane of a given size, press keys, read the screen.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A private tmux server (its own socket), killed when the test ends.
pub struct Tmux {
    socket: String,
}

impl Tmux {
    /// `None` when tmux is not installed on a developer's machine (the test
    /// then says it is skipped). Under CI (`CI` set) a missing tmux fails the
    /// test: the terminal tests must never pass silently there.
    pub fn new(name: &str) -> Option<Tmux> {
        let available = Command::new("tmux")
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(
            available || std::env::var_os("CI").is_none(),
            "tmux is not installed, and CI must run the terminal tests (.ci/run installs it)"
        );
        // One server per test: the tests of a binary run in parallel.
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        available.then(|| Tmux {
            socket: format!("sipscope-{name}-{}-{n}", std::process::id()),
        })
    }

    pub fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("run tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs `sh script` in session `dash`, `width`×`height` (replacing an old session).
    pub fn start(&self, script: &Path, width: u16, height: u16) {
        self.run(&["kill-session", "-t", "dash"]);
        self.run(&[
            "new-session",
            "-d",
            "-s",
            "dash",
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
            &format!("sh {}", quote(&script.display().to_string())),
        ]);
        // Killing the last session must not stop the server: a `start`
        // right after would race with the server's exit and run nothing.
        self.run(&["set-option", "-g", "exit-empty", "off"]);
    }

    pub fn keys(&self, keys: &str) {
        self.run(&["send-keys", "-t", "dash", keys]);
    }

    pub fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "dash"])
    }

    /// Polls the screen until `pred` holds; a hang guard, not a speed test.
    pub fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
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

    /// Waits for the script's `status` file and returns the exit status in it
    /// (the file is removed, so the same folder can run another script).
    pub fn wait_for_exit(&self, status: &Path) -> String {
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

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

pub fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// A script in `dir` that runs `args` with files (config, log) kept inside
/// `dir`, then writes its exit status to `dir/status`. Returns (script, status).
pub fn script(dir: &Path, args: &[String]) -> (PathBuf, PathBuf) {
    let cmd: Vec<String> = args.iter().map(|a| quote(a)).collect();
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
    (path, dir.join("status"))
}
