//! `sipscope lab` works as printed (issue #13 item 15): the real lab
//! process prints a `check` line, and that line, run by a shell exactly as
//! printed, reaches the lab and says that dial overrides are in effect.

mod support;

use std::ffi::OsStr;
use std::path::Path;
// The live lab test runs the printed line with `sh` (Unix only).
#[cfg(unix)]
use std::io::{BufRead, BufReader};
#[cfg(unix)]
use std::process::{Command, Stdio};
#[cfg(unix)]
use std::time::{Duration, Instant};

use sipscope::lab::console::program;

#[test]
fn the_printed_program_is_the_executable_or_cargo_run_in_a_build_folder() {
    assert_eq!(
        program(Some(Path::new("/usr/local/bin/sipscope"))),
        "/usr/local/bin/sipscope"
    );
    assert_eq!(
        program(Some(Path::new("/home/a/sipscope/target/release/sipscope"))),
        "cargo run --release -q --"
    );
    assert_eq!(
        program(Some(Path::new("/opt/my tools/sipscope"))),
        "'/opt/my tools/sipscope'"
    );
}

#[cfg(unix)]
#[test]
fn the_lab_check_line_works_as_printed() {
    // Installed outside a build folder, as an admin would have it, so the
    // printed line names this executable rather than `cargo run`.
    let home = tempfile::tempdir().unwrap();
    let exe = home.path().join("bin").join("sipscope");
    std::fs::create_dir_all(exe.parent().unwrap()).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_sipscope"), &exe).unwrap();
    let mut lab = Command::new(&exe)
        .args(["lab", "--ca-out"])
        .arg(home.path().join("lab-ca.pem"))
        .env("HOME", home.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut lines = BufReader::new(lab.stdout.take().unwrap()).lines();
    let line = loop {
        assert!(Instant::now() < deadline, "the lab printed no check line");
        let l = lines.next().expect("the lab's output ended").unwrap();
        if l.contains(" check ") {
            break l.trim().to_string();
        }
    };
    assert!(line.starts_with(exe.to_str().unwrap()), "{line}");
    assert!(line.contains("--lab-dial"), "{line}");
    let out = Command::new("sh")
        .arg("-c")
        .arg(&line)
        .env("HOME", home.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let _ = Command::new("kill").arg(lab.id().to_string()).status();
    let _ = lab.wait();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{line}\n{stdout}\n{stderr}");
    assert!(stdout.contains("Sign-in works"), "{stdout}");
    assert!(stderr.contains("dial overrides in effect"), "{stderr}");
}

// `sipscope lab --scenario`: a scenario file of the user's own (here the
// healthy one under another name and domain, as benches/fleet.sh makes
// them) is served beside the built-in ones and checks as they do; a bad
// file is one line naming it, exit 2, before anything listens.
#[test]
fn the_lab_serves_a_scenario_file_of_the_users_own() {
    let dir = tempfile::tempdir().unwrap();
    let scenarios = dir.path().join("mine");
    std::fs::create_dir(&scenarios).unwrap();
    let healthy = include_str!("../assets/scenarios/01-healthy.toml")
        .replace("name = \"healthy\"", "name = \"mine\"")
        .replace("healthy.test", "mine.test");
    std::fs::write(scenarios.join("mine.toml"), healthy).unwrap();
    let mut lab = support::bin::LabProcess::start(
        dir.path(),
        &[OsStr::new("--scenario"), scenarios.as_os_str()],
    );
    // The banner lists the user's scenarios last.
    let listed = lab.banner_until("sip:alice@mine.test");
    let mine = lab.check("sip:alice@mine.test");
    let builtin = lab.check("sip:alice@healthy.test");
    drop(lab);
    assert!(listed, "the lab did not list the user's scenario");
    assert_eq!(mine["verdict"]["state"], "ok", "{mine}");
    assert_eq!(builtin["verdict"]["state"], "ok", "{builtin}");
    assert_eq!(
        mine["records"][0]["targets"][0]["host"], "pool.mine.test",
        "{mine}"
    );
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "name = 3\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sipscope"))
        .args(["lab", "--scenario"])
        .arg(&bad)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("bad.toml") && err.contains("line 1"), "{err}");
}
