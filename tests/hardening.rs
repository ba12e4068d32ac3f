//! Issue #9 against the real binary: unreadable inputs (a device, a FIFO)
//! end in exit 2 with one line instead of eating memory or hanging; a closed
//! standard output ends quietly instead of panicking; `check --save` killed
//! at any instant never leaves a listed half snapshot.

mod support;

use support::bin::sipscope;

use std::path::Path;
#[cfg(unix)]
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime};

use sipscope::lab::{Lab, LabOptions};

/// Waits for `child`, killing it and failing the test after `limit`: a
/// hang guard, so a regression fails instead of blocking the suite.
fn wait_guarded(mut child: Child, limit: Duration, what: &str) -> Output {
    let deadline = Instant::now() + limit;
    loop {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} did not end within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn run_guarded(mut cmd: Command, what: &str) -> Output {
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn sipscope");
    wait_guarded(child, Duration::from_secs(10), what)
}

#[cfg(unix)]
fn fifo(dir: &Path) -> PathBuf {
    let p = dir.join("fifo");
    let ok = Command::new("mkfifo").arg(&p).status().expect("mkfifo");
    assert!(ok.success());
    p
}

// A device or a FIFO given as snapshot, config or CA file: exit 2, one line.
#[cfg(unix)]
#[test]
fn devices_and_fifos_are_refused_with_one_line_and_exit_2() {
    let home = tempfile::tempdir().unwrap();
    let fifo = fifo(home.path());
    for bad in [Path::new("/dev/zero"), fifo.as_path()] {
        let b = bad.to_str().unwrap();
        let runs: [(&str, Vec<&str>); 3] = [
            ("snapshots show", vec!["snapshots", "show", b]),
            ("--config", vec!["--config", b, "paths"]),
            (
                "--ca-file",
                vec![
                    "check",
                    "--ca-file",
                    b,
                    "--no-system-roots",
                    "--resolver",
                    "127.0.0.1:9",
                    "contoso.test",
                ],
            ),
        ];
        for (what, args) in runs {
            let mut c = sipscope(home.path());
            c.args(&args);
            let o = run_guarded(c, &format!("{what} {b}"));
            let err = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(2), "{what} {b}: {err}");
            assert_eq!(err.lines().count(), 1, "{what} {b}: {err}");
            assert!(err.contains("not a regular file"), "{what} {b}: {err}");
        }
    }
}

/// Runs `args` with standard output a pipe whose reader is already closed.
fn with_closed_stdout(home: &Path, args: &[String]) -> Output {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let child = sipscope(home)
        .args(args)
        .stdout(writer)
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn sipscope");
    wait_guarded(
        child,
        Duration::from_secs(20),
        "sipscope with a closed stdout",
    )
}

// `sipscope profiles | true`, `demo --list | true`, `check --json … | head -c1`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_stdout_is_not_a_panic() {
    let lab = Lab::start_all(LabOptions::default()).await.expect("lab");
    let home = tempfile::tempdir().unwrap();
    let ca = home.path().join("lab-ca.pem");
    std::fs::write(&ca, lab.ca_pem()).unwrap();
    let mut check = vec!["check".to_string(), "--json".to_string()];
    check.extend(lab.check_flags(&ca));
    check.push("sip:alice@healthy.test".into());
    let runs = [
        vec!["profiles".to_string()],
        vec!["demo".to_string(), "--list".to_string()],
        check,
    ];
    tokio::task::block_in_place(|| {
        for args in runs {
            let o = with_closed_stdout(home.path(), &args);
            let err = String::from_utf8_lossy(&o.stderr);
            assert_ne!(o.status.code(), Some(101), "{args:?}: {err}");
            assert!(!err.contains("panicked"), "{args:?}: {err}");
            assert!(o.status.code().is_some(), "{args:?}: killed by a signal");
        }
    });
}

/// A small xorshift: random kill moments without a dependency.
fn next(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

// kill -9 at random moments of `check --save`: every listed snapshot has
// both files and loads; stale temporary files are cleaned by the next save.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_save_killed_at_any_moment_leaves_no_listed_half_snapshot() {
    let lab = Lab::start_all(LabOptions::default()).await.expect("lab");
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("snaps");
    std::fs::create_dir_all(&dir).unwrap();
    let ca = home.path().join("lab-ca.pem");
    std::fs::write(&ca, lab.ca_pem()).unwrap();
    // What a killed save of an older sipscope left, two minutes ago.
    let stale = dir.join(".20260101T000000Z-old.test.json.123-0.tmp");
    let f = std::fs::File::create(&stale).unwrap();
    f.set_modified(SystemTime::now() - Duration::from_secs(120))
        .unwrap();
    drop(f);
    let mut args = vec!["check".to_string(), "--save".to_string()];
    args.push(format!("--snapshot-dir={}", dir.display()));
    args.extend(lab.check_flags(&ca));
    args.push("sip:alice@healthy.test".into());

    tokio::task::block_in_place(|| {
        // How long one whole save takes here: kills land across all of it.
        let t = Instant::now();
        let o = run_guarded(
            {
                let mut c = sipscope(home.path());
                c.args(&args);
                c
            },
            "check --save",
        );
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let whole = t.elapsed().as_micros() as u64;
        assert!(!stale.exists(), "the stale temporary file was removed");

        let mut seed = 0x9e37_79b9_7f4a_7c15_u64 ^ u64::from(std::process::id());
        let started = Instant::now();
        let mut iterations = 0;
        while iterations < 100 && started.elapsed() < Duration::from_secs(8) {
            iterations += 1;
            let child = sipscope(home.path())
                .args(&args)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn");
            let delay = next(&mut seed) % (whole + whole / 4);
            std::thread::sleep(Duration::from_micros(delay));
            let mut child = child;
            let _ = child.kill(); // SIGKILL
            let _ = child.wait();
        }
        let (entries, skipped) = sipscope::snapshot::list(&dir).expect("list");
        assert!(!entries.is_empty());
        for e in &entries {
            assert!(
                e.path.with_extension("md").is_file(),
                "{}",
                e.path.display()
            );
            let md = std::fs::read_to_string(e.path.with_extension("md")).unwrap();
            assert!(md.contains("## Change history"), "complete report");
            sipscope::snapshot::load(&e.path).expect("a listed snapshot loads");
        }
        assert!(skipped.is_empty(), "{skipped:?}");
        // The binary's listing agrees and says nothing on stderr.
        let mut c = sipscope(home.path());
        c.args(["snapshots", "--snapshot-dir"]).arg(&dir);
        let o = run_guarded(c, "snapshots");
        assert_eq!(o.status.code(), Some(0));
        assert!(
            o.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    });
}
