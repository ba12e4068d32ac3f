//! `scripts/release.sh` (issue 22): the release recipe parses, refuses a
//! version that is not Cargo.toml's, and its plan (`--dry-run`) builds both
//! targets and writes both archives and their checksums.
#![cfg(unix)]

use std::process::{Command, Output};

fn release(args: &[&str]) -> Output {
    Command::new("bash")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/release.sh"))
        .args(args)
        .output()
        .expect("run bash")
}

#[test]
fn the_script_parses() {
    let out = Command::new("bash")
        .args([
            "-n",
            concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/release.sh"),
        ])
        .output()
        .expect("run bash");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_plan_builds_both_targets_into_versioned_archives_with_checksums() {
    let version = env!("CARGO_PKG_VERSION");
    let out = release(&[version, "--dry-run"]);
    let plan = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{plan}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for target in ["x86_64-unknown-linux-gnu", "x86_64-pc-windows-gnu"] {
        assert!(
            plan.contains(&format!("cargo build --release --locked --target {target}")),
            "{plan}"
        );
    }
    let linux = format!("sipscope-{version}-x86_64-unknown-linux-gnu.tar.gz");
    let windows = format!("sipscope-{version}-x86_64-pc-windows-gnu.zip");
    assert!(plan.contains(&linux), "{plan}");
    assert!(plan.contains(&windows), "{plan}");
    assert!(plan.contains("release/sipscope.exe"), "{plan}");
    assert!(plan.contains("checksums"), "{plan}");
    // A dry run builds nothing and writes nothing.
    let dist = concat!(env!("CARGO_MANIFEST_DIR"), "/dist/");
    assert!(!std::path::Path::new(&format!("{dist}{version}/{linux}")).exists());
}

#[test]
fn a_version_other_than_the_crates_is_one_line_and_exit_2() {
    for args in [
        &["0.0.0-not-this", "--dry-run"][..],
        &["--dry-run"],
        &["1", "--bogus"],
    ] {
        let out = release(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim().lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(env!("CARGO_PKG_VERSION")), "{args:?}: {err}");
    }
}
