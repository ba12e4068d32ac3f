//! Issue 20's command line on the real binary: the global options in either
//! position for every command, `--color` with its value, `help --help`,
//! `config` alone, the demo's profile and vantages, and the profile names
//! and autodiscover in `--help`, the man page and the completions.

mod support;

use support::bin::{run, text, usage_line};

use std::ffi::OsStr;

// Issue 20: the global options are accepted by every command, before or
// after its name, whether or not the command uses them; `--color` takes its
// value after a space or an `=`.
#[test]
fn global_options_are_every_commands_in_either_position() {
    let home = tempfile::tempdir().unwrap();
    let cfg = home.path().join("my.toml");
    std::fs::write(&cfg, "watch_interval = 30\n").unwrap();
    let cfg = cfg.to_str().unwrap().to_string();
    let snaps = home.path().join("snaps");
    std::fs::create_dir(&snaps).unwrap();
    let snaps = snaps.to_str().unwrap().to_string();
    let commands: [&[&str]; 8] = [
        &["profiles"],
        &["paths"],
        &["demo", "--list"],
        &["snapshots"],
        &["completions", "bash"],
        &["man"],
        &["config"],
        &["help"],
    ];
    let options: [Vec<&str>; 7] = [
        vec!["--no-colour"],
        vec!["--color", "always"],
        vec!["--color=never"],
        vec!["--colour", "auto"],
        vec!["--log-level", "debug"],
        vec!["--config", &cfg],
        vec!["--snapshot-dir", &snaps],
    ];
    for command in commands {
        for option in &options {
            let before: Vec<&str> = option.iter().chain(command).copied().collect();
            let after: Vec<&str> = command.iter().chain(option).copied().collect();
            for args in [before, after] {
                let o = run(&args, &[]);
                assert_eq!(o.status.code(), Some(0), "{args:?}: {}", text(&o.stderr));
                assert!(o.stderr.is_empty(), "{args:?}: {}", text(&o.stderr));
                assert!(!o.stdout.is_empty(), "{args:?}");
            }
        }
    }
    // `--color always` is the option and its value, never an address.
    let o = run(&["--color", "always", "check"], &[]);
    let err = usage_line(&o, "no address");
    assert!(!err.contains("always"), "{err}");
}

// Issue 20: `help --help` is help, and a command of commands named alone
// lists its commands instead of printing an error.
#[test]
fn help_help_and_config_alone_list_the_commands() {
    for args in [&["help", "--help"][..], &["help", "check", "-h"]] {
        let o = run(args, &[]);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", text(&o.stderr));
        assert!(text(&o.stdout).contains("Usage:"), "{args:?}");
    }
    assert!(text(&run(&["help", "check", "--help"], &[]).stdout).contains("--json"));
    let o = run(&["config"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(o.stderr.is_empty(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("Commands:") && out.contains("init"), "{out}");
}

// Issue 20: the demo follows `--profile` (before or after `demo`) and
// SIPSCOPE_PROFILE; its vantages come from the scenario (D12).
#[test]
fn demo_takes_the_profile_and_explains_vantages() {
    // An unknown profile is named before the dashboard asks for a terminal:
    // proof that the demo reads it from each place.
    for (args, env) in [
        (&["demo", "--profile", "nosuch"][..], None),
        (&["--profile", "nosuch", "demo"], None),
        (&["demo"], Some(OsStr::new("nosuch"))),
    ] {
        let env: Vec<(&str, &OsStr)> = env.map(|v| ("SIPSCOPE_PROFILE", v)).into_iter().collect();
        let err = usage_line(&run(args, &env), "demo profile");
        assert!(
            err.contains("unknown profile") && err.contains("nosuch"),
            "{args:?}: {err}"
        );
    }
    let ok = usage_line(&run(&["demo", "--profile", "sfb"], &[]), "demo sfb");
    assert!(ok.contains("needs a terminal"), "{ok}");
    for args in [
        &["demo", "--vantage", "inside=10.0.0.53"][..],
        &["--vantage", "inside=10.0.0.53", "demo"],
    ] {
        let err = usage_line(&run(args, &[]), "demo vantage");
        assert!(err.contains("come from the scenario"), "{args:?}: {err}");
        assert!(!err.contains("-- --vantage"), "{args:?}: {err}");
    }
}

// Issue 20 (D3, D13): `--help` and the man page say what each profile asks,
// autodiscover included; bash completes values, not file names.
#[test]
fn help_man_and_completion_name_the_profiles_and_values() {
    let help = text(&run(&["--help"], &[]).stdout);
    let page = text(&run(&["man"], &[]).stdout);
    assert!(!help.contains("four SRV names"), "{help}");
    for doc in [&help, &page] {
        assert!(
            doc.contains("lyncdiscoverinternal"),
            "no autodiscover: {doc}"
        );
        for p in [
            "ocs2007",
            "ocs2007r2",
            "lync2010",
            "phone-r2",
            "sfb",
            "mobile",
        ] {
            // roff escapes the hyphen
            let p = if std::ptr::eq(doc, &page) {
                p.replace('-', "\\-")
            } else {
                p.to_string()
            };
            assert!(
                doc.contains(&format!("{p}: ")) || doc.contains(&format!("{p} (default): ")),
                "{p}"
            );
        }
        assert!(
            doc.contains("Skype for Business desktop"),
            "sfb's description"
        );
    }
    let bash = text(&run(&["completions", "bash"], &[]).stdout);
    let after = |opt: &str| {
        let at = bash
            .find(&format!("{opt})"))
            .unwrap_or_else(|| panic!("{opt}"));
        bash[at..].lines().nth(1).unwrap_or_default().to_string()
    };
    let profile = after("--profile");
    assert!(
        profile.contains("ocs2007 ") && profile.contains("sfb mobile"),
        "{profile}"
    );
    assert!(!profile.contains("compgen -f"), "{profile}");
    assert!(after("--color").contains("auto always never"));
    assert!(bash.contains("bash elvish fish powershell zsh"), "shells");
    assert!(bash.contains("healthy cname-cert"), "demo scenarios");
}
