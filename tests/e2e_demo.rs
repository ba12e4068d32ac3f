//! `sipscope demo` end to end: the real binary in tmux, its lab inside the
//! process. The engineer's loop: the scenario fails, `f` applies its fix to
//! the lab (and only logs), `r` re-runs and the rows turn, `q` quits with
//! exit status 0. Skipped, with a message, when tmux is not installed.

mod support;

use support::tmux::{Tmux, script};

/// Starts `sipscope demo SCENARIO` in `tmux`; the folder (kept alive by the
/// caller) holds a copy of the binary and the file its exit status goes to.
fn start_demo(
    tmux: &Tmux,
    scenario: &str,
    width: u16,
    height: u16,
) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    // A copy: the target folder may be shared with other builds.
    let bin = dir.path().join("sipscope");
    std::fs::copy(env!("CARGO_BIN_EXE_sipscope"), &bin).expect("copy the binary");
    let args = [bin.display().to_string(), "demo".into(), scenario.into()];
    let (script, status) = script(dir.path(), &args);
    tmux.start(&script, width, height);
    (dir, status)
}

fn run_demo_loop(width: u16, height: u16) {
    let Some(tmux) = Tmux::new(&format!("demo-{width}x{height}")) else {
        eprintln!("SKIPPED sipscope demo end to end: tmux is not installed");
        return;
    };
    let (_dir, status) = start_demo(&tmux, "cname-cert", width, height);

    // D7: record 5's certificate lacks sipinternal.cname.test.
    let screen = tmux.wait_for("failing verdict", |s| {
        s.contains("took") && s.contains("Sign-in fails: the client uses record 5")
    });
    assert!(
        screen.contains("Lab scenarios (in-process lab)"),
        "{screen}"
    );
    let n = sipscope::lab::demo_scenarios().unwrap().len();
    assert!(
        screen.contains(&format!("cname-cert (2 of {n})")),
        "{screen}"
    );
    assert!(screen.contains("resolver 127.0.0.1:"), "{screen}");
    assert!(screen.contains("f fix"), "{screen}");

    tmux.keys("f");
    // The panel marks it at any size; the log line shows where there is room.
    let screen = tmux.wait_for("fix applied", |s| s.contains("✓ fixed"));
    assert!(
        screen.contains("Sign-in fails"),
        "no re-run without r:\n{screen}"
    );
    if width >= 120 {
        assert!(screen.contains("press r to re-run"), "{screen}");
    }

    tmux.keys("r");
    let screen = tmux.wait_for("working verdict", |s| {
        s.contains("sweep #2") && s.contains("took") && s.contains("Sign-in works")
    });
    assert!(screen.contains("✓ found"), "{screen}");

    tmux.keys("q");
    assert_eq!(tmux.wait_for_exit(&status), "0", "exit status");
    let after = tmux.screen();
    assert!(!after.contains("Lab scenarios"), "{after}");
}

#[test]
fn demo_fix_then_rerun_turns_the_rows_120x40() {
    run_demo_loop(120, 40);
}

#[test]
fn demo_fix_then_rerun_turns_the_rows_80x24() {
    run_demo_loop(80, 24);
}

// Issue 12 (D12) at 80×24: the split-view scenario shows both vantages'
// verdicts at once, `v` switches the vantage shown, and after the fix and
// `r` both sign in.
#[test]
fn demo_split_view_shows_both_vantages_80x24() {
    let Some(tmux) = Tmux::new("demo-split-view") else {
        eprintln!("SKIPPED sipscope demo split-view end to end: tmux is not installed");
        return;
    };
    let (_dir, status) = start_demo(&tmux, "split-view", 80, 24);
    let screen = tmux.wait_for("two verdicts", |s| {
        s.contains("took") && s.contains("inside: ✗") && s.contains("outside: ✓")
    });
    assert!(screen.contains("vantage inside (1/2)"), "{screen}");
    assert!(screen.contains("v vantage"), "{screen}");

    tmux.keys("v");
    tmux.wait_for("outside shown", |s| s.contains("vantage outside (2/2)"));

    tmux.keys("f");
    tmux.wait_for("fix applied", |s| s.contains("✓ fixed"));
    tmux.keys("r");
    tmux.wait_for("both work", |s| {
        s.contains("sweep #2")
            && s.contains("took")
            && s.contains("inside: ✓")
            && s.contains("outside: ✓")
    });
    tmux.keys("q");
    assert_eq!(tmux.wait_for_exit(&status), "0", "exit status");
}
