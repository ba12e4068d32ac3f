//! The real binary, run as a user would but in a house of its own: no
//! environment of the developer's, config/data/state folders under `home`.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// `sipscope` with a clean environment (only `PATH`), its folders under
/// `home` and no standard input.
pub fn sipscope(home: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sipscope"));
    c.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .stdin(Stdio::null());
    c
}

/// A script for a tmux pane running the real binary with `args` (see
/// [`super::tmux::script`]): the script's path and where its exit status lands.
pub fn dashboard_script(dir: &Path, args: &[String]) -> (PathBuf, PathBuf) {
    let mut all = vec![env!("CARGO_BIN_EXE_sipscope").to_string()];
    all.extend(args.iter().cloned());
    super::tmux::script(dir, &all)
}

/// Runs `sipscope ARGS` with `env` added, in a fresh home folder.
pub fn run<S: AsRef<OsStr>>(args: &[S], env: &[(&str, &OsStr)]) -> Output {
    let home = tempfile::tempdir().unwrap();
    let mut c = sipscope(home.path());
    c.args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

/// Bytes from a pipe as text.
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Exit 2 and exactly one line on standard error, nothing on standard output.
pub fn usage_line(o: &Output, what: &str) -> String {
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{what}: {err}");
    assert_eq!(err.lines().count(), 1, "{what}: not one line: {err:?}");
    assert!(err.starts_with("sipscope: error: "), "{what}: {err}");
    assert!(o.stdout.is_empty(), "{what}");
    err
}

/// The peak resident memory of process `pid` (`VmHWM` in `/proc`), in kB;
/// 0 where `/proc` does not tell.
pub fn peak_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// `sipscope lab ARGS --ca-out DIR/lab-ca.pem` running as a process. Its
/// banner is read on a thread, so that a banner that stops short fails the
/// test instead of hanging it. Killed when dropped.
pub struct LabProcess {
    child: std::process::Child,
    lines: std::sync::mpsc::Receiver<String>,
    seen: Vec<String>,
    dir: PathBuf,
    /// The lab's DNS server, `IP:PORT`.
    pub dns: String,
}

impl LabProcess {
    /// Starts the lab with `args`, its CA and dial file in `dir`, and waits
    /// for the DNS server's address.
    pub fn start<S: AsRef<OsStr>>(dir: &Path, args: &[S]) -> LabProcess {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sipscope"))
            .arg("lab")
            .args(args)
            .arg("--ca-out")
            .arg(dir.join("lab-ca.pem"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for l in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                let _ = tx.send(l);
            }
        });
        let mut lab = LabProcess {
            child,
            lines,
            seen: Vec::new(),
            dir: dir.to_path_buf(),
            dns: String::new(),
        };
        assert!(
            lab.banner_until("DNS server"),
            "the lab named no DNS server"
        );
        let line = lab
            .seen
            .iter()
            .find(|l| l.starts_with("DNS server"))
            .unwrap();
        lab.dns = line.split_whitespace().nth(2).unwrap().to_string();
        lab
    }

    /// Whether a line of the banner contains `needle` (read up to it; 20 s
    /// at most).
    pub fn banner_until(&mut self, needle: &str) -> bool {
        if self.seen.iter().any(|l| l.contains(needle)) {
            return true;
        }
        while let Ok(l) = self.lines.recv_timeout(std::time::Duration::from_secs(20)) {
            let found = l.contains(needle);
            self.seen.push(l);
            if found {
                return true;
            }
        }
        false
    }

    /// `check --json ADDRESS` through the lab (its resolver, CA and dial file).
    pub fn check(&self, address: &str) -> serde_json::Value {
        let out = Command::new(env!("CARGO_BIN_EXE_sipscope"))
            .args([
                "check",
                "--json",
                "--no-system-roots",
                "--resolver",
                &self.dns,
            ])
            .arg("--ca-file")
            .arg(self.dir.join("lab-ca.pem"))
            .arg("--lab-dial")
            .arg(self.dir.join("lab-dial.txt"))
            .arg(address)
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
    }
}

impl Drop for LabProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
