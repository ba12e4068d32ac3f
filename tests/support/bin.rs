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
