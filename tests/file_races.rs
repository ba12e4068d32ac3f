//! Issue 21.3 against the real binary: a file the user names is opened
//! first (without blocking) and then judged by the open handle, so swapping
//! it for a FIFO between a check and the open cannot hang sipscope.
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use sipscope::input::parse_target;
use sipscope::model::SweepReport;
use sipscope::plan;
use sipscope::probe::ResolverSpec;
use sipscope::snapshot::{self, Session, SettingsSummary};
use sipscope::sweep::{SweepOptions, SweepSettings, initial_report};

/// How many runs race the swapper; the issue saw 9–11 hangs in 100.
const TRIES: usize = 100;
/// A run that has not ended by then hangs (a normal one takes milliseconds).
const HANG: Duration = Duration::from_secs(10);

fn sipscope(home: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sipscope"));
    c.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

/// Waits for `child`; kills it and returns `None` when it runs past [`HANG`].
fn wait_bounded(mut child: Child) -> Option<Output> {
    let deadline = Instant::now() + HANG;
    loop {
        if child.try_wait().expect("wait").is_some() {
            return Some(child.wait_with_output().expect("output"));
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// A real snapshot file in `dir` (the regular file of the swap).
fn a_snapshot(dir: &Path) -> PathBuf {
    let settings = SweepSettings::new(
        parse_target("contoso.com").unwrap(),
        SweepOptions::new(plan::profile("ocs2007").unwrap(), ResolverSpec::System),
    );
    let mut report: SweepReport = initial_report(&settings);
    report.decide();
    let mut session = Session::new();
    session.push(report);
    snapshot::save(
        dir,
        &session,
        &SettingsSummary::from_settings(&settings),
        Default::default(),
    )
    .unwrap()
    .json
}

/// Swaps `path` between the regular file `file` and the FIFO `fifo` (hard
/// links renamed over it, so the name always exists) until `stop`.
fn swapper(path: PathBuf, file: PathBuf, fifo: PathBuf, stop: Arc<AtomicBool>) {
    let tmp = path.with_extension("swap");
    while !stop.load(Ordering::Relaxed) {
        for source in [&fifo, &file] {
            let _ = std::fs::remove_file(&tmp);
            std::fs::hard_link(source, &tmp).expect("hard link");
            std::fs::rename(&tmp, &path).expect("rename");
        }
    }
}

// `snapshots show PATH` while PATH flips between a snapshot and a FIFO:
// every run ends, with the snapshot shown (exit 0) or one line (exit 2).
#[cfg(unix)]
#[test]
fn a_file_swapped_for_a_fifo_never_hangs_snapshots_show() {
    let home = tempfile::tempdir().unwrap();
    let store = home.path().join("store");
    std::fs::create_dir_all(&store).unwrap();
    let file = a_snapshot(&store);
    let fifo = home.path().join("fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success(), "mkfifo failed");
    let path = home.path().join("racy.json");
    std::fs::hard_link(&file, &path).unwrap();

    let stop = Arc::new(AtomicBool::new(false));
    let swapping = {
        let (path, file, fifo, stop) = (path.clone(), file.clone(), fifo.clone(), stop.clone());
        std::thread::spawn(move || swapper(path, file, fifo, stop))
    };
    let mut hung = 0;
    let (mut shown, mut refused) = (0, 0);
    let mut odd = Vec::new();
    for _ in 0..TRIES {
        let child = sipscope(home.path())
            .args(["snapshots", "show"])
            .arg(&path)
            .spawn()
            .expect("spawn sipscope");
        let Some(o) = wait_bounded(child) else {
            hung += 1;
            continue;
        };
        let out = String::from_utf8_lossy(&o.stdout);
        let err = String::from_utf8_lossy(&o.stderr);
        match o.status.code() {
            Some(0) if out.contains("contoso.com") && err.is_empty() => shown += 1,
            Some(2) if err.lines().count() == 1 && err.contains("not a regular file (a FIFO)") => {
                refused += 1
            }
            _ => odd.push(format!("{:?}: {out} {err}", o.status.code())),
        }
    }
    stop.store(true, Ordering::Relaxed);
    swapping.join().expect("swapper");

    assert_eq!(hung, 0, "{hung} of {TRIES} runs hung on the swapped FIFO");
    assert!(odd.is_empty(), "unexpected endings: {odd:#?}");
    // Both sides of the swap were met, so the race was really run.
    assert!(shown > 0 && refused > 0, "shown {shown}, refused {refused}");
}
