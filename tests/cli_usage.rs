//! The command line as a newcomer meets it (issue #13 items 1–3, issue #9
//! item 8), run on the real binary: options before or after the command,
//! typos of a command, one-line usage errors naming the option or variable,
//! and help with examples.

mod support;

use support::bin::{run, sipscope, text, usage_line};

use std::ffi::OsStr;

#[test]
fn global_options_work_before_and_after_the_command() {
    let home = tempfile::tempdir().unwrap();
    let cfg = home.path().join("my.toml");
    std::fs::write(&cfg, "watch_interval = 30\n").unwrap();
    let cfg = cfg.to_str().unwrap();
    for args in [["--config", cfg, "paths"], ["paths", "--config", cfg]] {
        let o = run(&args, &[]);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", text(&o.stderr));
        assert!(text(&o.stdout).contains(cfg), "{args:?}");
    }
    // Before the command, the option reaches the command (here: its error).
    for args in [
        ["--profile", "nosuch", "check", "a.test"],
        ["check", "--profile", "nosuch", "a.test"],
    ] {
        let err = usage_line(&run(&args, &[]), "profile");
        assert!(err.contains("nosuch"), "{args:?}: {err}");
    }
    // `--no-colour demo` is the demo, not a dashboard on a domain "demo".
    let o = run(&["--no-colour", "demo", "--list"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("cname-cert"));
    let o = run(
        &["--dir", "/nonexistent/snaps", "snapshots", "show", "1"],
        &[],
    );
    assert!(usage_line(&o, "dir before").contains("/nonexistent/snaps"));
    let o = run(
        &["snapshots", "show", "1", "--dir", "/nonexistent/snaps"],
        &[],
    );
    assert!(usage_line(&o, "dir after").contains("/nonexistent/snaps"));
    // An option the command does not take is named, not ignored.
    let err = usage_line(&run(&["--watch-interval", "5", "paths"], &[]), "watch");
    assert!(
        err.contains("--watch-interval") && err.contains("paths"),
        "{err}"
    );
    let err = usage_line(&run(&["contoso.com", "check"], &[]), "order");
    assert!(err.contains("commands come first"), "{err}");
}

#[test]
fn a_typo_of_a_command_is_not_swept() {
    for (typo, meant) in [
        ("chek", "check"),
        ("profile", "profiles"),
        ("snapshot", "snapshots"),
        ("dmeo", "demo"),
    ] {
        let err = usage_line(&run(&[typo, "contoso.com"][..1], &[]), typo);
        assert!(err.contains(&format!("did you mean '{meant}'")), "{err}");
        let err = usage_line(&run(&[typo, "contoso.com"], &[]), typo);
        assert!(err.contains(&format!("did you mean '{meant}'")), "{err}");
    }
    // An address is still the dashboard's (which wants a terminal here).
    for address in ["contoso.com", "alice@contoso.com", "check.", "sip:a@b.c"] {
        let err = usage_line(&run(&[address], &[]), address);
        assert!(err.contains("needs a terminal"), "{address}: {err}");
    }
}

#[test]
fn usage_errors_are_one_line_naming_the_option_or_variable() {
    /// Arguments, environment, and what the error line must name.
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a OsStr)], &'a str);
    let none: &[(&str, &OsStr)] = &[];
    let cases: [Case; 12] = [
        (&["check", "--profile", "-x", "a.test"], none, "--profile"),
        // D19: the resolver bound, out of range or not a number.
        (
            &["check", "--dns-in-flight", "0", "a.test"],
            none,
            "--dns-in-flight",
        ),
        (
            &["audit", "-"],
            &[("SIPSCOPE_DNS_IN_FLIGHT", OsStr::new("lots"))],
            "SIPSCOPE_DNS_IN_FLIGHT",
        ),
        (
            &["check", "--resolver", "--no-tcp", "a.test"],
            none,
            "--resolver",
        ),
        (
            &["check", "--timeout-ms", "soon", "a.test"],
            none,
            "--timeout-ms",
        ),
        (&["check", "--color=blue", "a.test"], none, "--color"),
        (&["check", "--bogus", "a.test"], none, "--bogus"),
        (&["open"], none, "REF"),
        (&["snapshots", "diff", "1"], none, "B"),
        // D12: a bad vantage is named before the dashboard asks for a terminal.
        (&["--vantage", "nolabel", "a.test"], none, "--vantage"),
        (
            &["a.test"],
            &[("SIPSCOPE_VANTAGE", OsStr::new("inside=not-an-ip"))],
            "--vantage",
        ),
        (
            &["check", "a.test"],
            &[("SIPSCOPE_TIMEOUT_MS", OsStr::new("abc"))],
            "SIPSCOPE_TIMEOUT_MS",
        ),
    ];
    for (args, env, named) in cases {
        let err = usage_line(&run(args, env), named);
        assert!(err.contains(named), "{args:?}: {err}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let bad = OsStr::from_bytes(b"ocs\xff2007");
        let err = usage_line(
            &run(&["check", "a.test"], &[("SIPSCOPE_PROFILE", bad)]),
            "utf8",
        );
        assert!(
            err.contains("SIPSCOPE_PROFILE") && err.contains("UTF-8"),
            "{err}"
        );
    }
}

#[test]
fn help_and_version_print_normally() {
    for args in [
        &["--help"][..],
        &["-h"],
        &["--version"],
        &["check", "--help"],
        &["help", "check"],
    ] {
        let o = run(args, &[]);
        assert_eq!(o.status.code(), Some(0), "{args:?}");
        assert!(o.stderr.is_empty(), "{args:?}");
        assert!(text(&o.stdout).lines().count() >= 1, "{args:?}");
    }
}

#[test]
fn help_shows_examples_keys_and_only_the_options_that_apply() {
    let long = text(&run(&["--help"], &[]).stdout);
    for wanted in [
        "[ADDRESS]",
        "Dashboard keys:",
        "re-run the sweep",
        "--color",
        "Examples:",
    ] {
        assert!(long.contains(wanted), "--help lacks {wanted}");
    }
    for cmd in [
        "check",
        "profiles",
        "paths",
        "snapshots",
        "open",
        "demo",
        "lab",
    ] {
        let help = text(&run(&[cmd, "--help"], &[]).stdout);
        assert!(help.contains("Example"), "{cmd} --help has no examples");
        // Issue 20: the global options are every command's, under their own
        // heading; the command's own options come before it.
        let (own, global) = help
            .split_once("Global options:")
            .unwrap_or_else(|| panic!("{cmd} --help has no global options: {help}"));
        for opt in [
            "--config",
            "--snapshot-dir",
            "--log-level",
            "--color",
            "--no-colour",
        ] {
            assert!(global.contains(opt), "{cmd}: {opt} not global");
            assert!(!own.contains(opt), "{cmd}: {opt} listed as its own");
        }
        let applies = |opt: &str| own.contains(opt) || global.contains(opt);
        match cmd {
            "profiles" | "lab" | "paths" | "snapshots" => {
                assert!(
                    !applies("--watch-interval") && !applies("--resolver"),
                    "{cmd}"
                );
            }
            "check" => {
                assert!(applies("[ADDRESS]") && applies("--resolver"));
                assert!(!applies("--watch-interval"));
            }
            _ => assert!(applies("--watch-interval"), "{cmd}"),
        }
    }
    // The older spellings still work; `--color` needs its value (issue 20).
    for flag in [
        &["--no-colour"][..],
        &["--colour=false"],
        &["--color=never"],
        &["--color", "always"],
        &["--colour", "never"],
    ] {
        let mut args = vec!["demo"];
        args.extend_from_slice(flag);
        args.push("--list");
        let o = run(&args, &[]);
        assert_eq!(o.status.code(), Some(0), "{flag:?}: {}", text(&o.stderr));
    }
    let err = usage_line(&run(&["profiles", "--color"], &[]), "bare --color");
    assert!(err.contains("--color"), "{err}");
}

// Issue #13 item 5: with logging off, `paths` lists no log file.
#[test]
fn paths_lists_no_log_file_when_logging_is_off() {
    let on = text(&run(&["paths"], &[]).stdout);
    assert!(on.contains("sipscope.log"), "{on}");
    for args in [
        &["paths", "--log-level", "off"][..],
        &["--log-level", "off", "paths"],
    ] {
        let off = text(&run(args, &[]).stdout);
        assert!(!off.contains("sipscope.log"), "{args:?}: {off}");
        assert!(
            off.contains("log file         none (log level off)"),
            "{off}"
        );
    }
}

// Issue #13 item 4: completions and a man page from the same definitions.
#[test]
fn completions_and_man_page_come_from_the_definitions() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let o = run(&["completions", shell], &[]);
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", text(&o.stderr));
        let script = text(&o.stdout);
        assert!(
            script.contains("sipscope") && script.contains("snapshots"),
            "{shell}"
        );
    }
    usage_line(&run(&["completions", "tcsh"], &[]), "unknown shell");
    let o = run(&["man"], &[]);
    assert_eq!(o.status.code(), Some(0));
    let page = text(&o.stdout);
    assert!(
        page.starts_with(".ie") || page.contains(".TH sipscope"),
        "{page}"
    );
    assert!(page.contains("check") && page.contains("completions"));
    // Issue 20: no phantom argument, no page that is not shipped; every
    // command on this page with its usage.
    assert!(!page.contains("EXTRA"), "phantom [EXTRA]");
    assert!(
        !page.contains("sipscope\\-check("),
        "cites an unshipped page"
    );
    for usage in [
        "sipscope check\\fR",
        "sipscope snapshots diff\\fR",
        "sipscope demo\\fR",
    ] {
        assert!(page.contains(usage), "{usage}");
    }
}

// Issue #13 item 5: `config init` writes the documented example where the
// config is read, never over an existing file.
#[test]
fn config_init_writes_the_example_once() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("etc").join("sipscope.toml");
    let init = || {
        let mut c = sipscope(home.path());
        c.args(["config", "init", "--config"]).arg(&path);
        c.output().unwrap()
    };
    let o = init();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let written = std::fs::read_to_string(&path).unwrap();
    // Issue 20: a commented line shows how to make `sfb` the default.
    assert!(written.contains("\n# profile = \"sfb\"\n"), "{written}");
    assert!(written.contains("Skype for Business estate"), "{written}");
    // The written file is read as the configuration, and gives the defaults.
    let mut c = sipscope(home.path());
    let o = c.args(["paths", "--config"]).arg(&path).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("exists, named by --config"));
    let again = usage_line(&init(), "second init");
    assert!(again.contains("exists already"), "{again}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), written);
    // The default location when none is named.
    let o = run(&["config", "init"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("config.toml"),
        "{}",
        text(&o.stdout)
    );
}
