//! Issue 20, end to end: `sipscope demo --profile sfb` follows the Skype for
//! Business desktop client (D3: autodiscover first, D13), the header names
//! that generation, and the row it uses is marked. The real binary in tmux.

mod support;

use support::tmux::{Tmux, script};

#[test]
fn d3_demo_follows_the_profile_it_is_given() {
    let Some(tmux) = Tmux::new("demo-profile") else {
        eprintln!("SKIPPED demo --profile end to end: tmux is not installed");
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    // A copy: the target folder may be shared with other builds.
    let bin = dir.path().join("sipscope");
    std::fs::copy(env!("CARGO_BIN_EXE_sipscope"), &bin).expect("copy the binary");
    let args = [
        bin.display().to_string(),
        "demo".into(),
        "autodiscover".into(),
        "--profile".into(),
        "sfb".into(),
    ];
    let (script, status) = script(dir.path(), &args);
    tmux.start(&script, 120, 40);
    let screen = tmux.wait_for("the sfb sweep", |s| {
        s.contains("took") && s.contains("Sign-in")
    });
    let first = screen.lines().next().unwrap_or_default();
    assert!(
        first.contains("profile sfb (Skype for Business)"),
        "{screen}"
    );
    let marked = screen
        .lines()
        .find(|l| l.contains('◀'))
        .unwrap_or_else(|| panic!("no marked row: {screen}"));
    assert!(
        marked.contains("lyncdiscover"),
        "D3: sfb asks autodiscover first: {marked}"
    );
    tmux.keys("q");
    assert_eq!(tmux.wait_for_exit(&status), "0", "exit status");
}
