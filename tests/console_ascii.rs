//! `check` on a console whose font lacks the symbols (issue 22: the classic
//! Windows console; `SIPSCOPE_ASCII=1` anywhere): the table and verdict are
//! folded to ASCII as the dashboard's screen is, on a terminal only; a pipe
//! or a file gets the text as it is.

mod support;

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_folds_its_symbols_on_an_ascii_console_only() {
    use support::lab::lab_with;
    use support::tmux::{Tmux, script};
    let Some(tmux) = Tmux::new("console-ascii") else {
        eprintln!("skipped: tmux is not installed");
        return;
    };
    let lab = lab_with(&["healthy"]).await;
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, lab.ca_pem()).unwrap();
    let mut args = vec![
        "env".to_string(),
        "SIPSCOPE_ASCII=1".into(),
        env!("CARGO_BIN_EXE_sipscope").into(),
        "check".into(),
    ];
    args.extend(lab.check_flags(&ca));
    args.push("sip:alice@healthy.test".into());
    let (sh, status) = script(dir.path(), &args);
    let screen = tokio::task::block_in_place(|| {
        tmux.start(&sh, 200, 50);
        tmux.wait_for("the verdict", |s| s.contains("Sign-in works"));
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while !status.exists() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        tmux.screen()
    });
    assert!(screen.contains("> 1"), "{screen}");
    assert!(screen.contains("< client uses this"), "{screen}");
    assert!(screen.is_ascii(), "{screen}");

    // The same check through a pipe keeps its symbols.
    let piped = tokio::task::block_in_place(|| {
        std::process::Command::new(env!("CARGO_BIN_EXE_sipscope"))
            .env("SIPSCOPE_ASCII", "1")
            .arg("check")
            .args(lab.check_flags(&ca))
            .arg("sip:alice@healthy.test")
            .output()
            .unwrap()
    });
    let text = String::from_utf8(piped.stdout).unwrap();
    assert!(text.contains("▶ 1") && text.contains('✓'), "{text}");
}
