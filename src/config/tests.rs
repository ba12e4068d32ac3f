use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Parser;

use super::*;
use crate::cli::{Cli, Command};

fn origin() -> PathBuf {
    PathBuf::from("/etc/sipscope/config.toml")
}

fn err(text: &str) -> String {
    parse(text, &origin()).unwrap_err().to_string()
}

/// The sweep options and address of a `check` command line.
fn check_args(argv: &[&str]) -> (SweepArgs, String) {
    let mut full = vec!["sipscope", "check"];
    full.extend_from_slice(argv);
    match Cli::try_parse_from(full).unwrap().command {
        Some(Command::Check(c)) => (c.sweep, c.input.unwrap_or_default()),
        other => panic!("not check: {other:?}"),
    }
}

fn settings(config: &Config, argv: &[&str]) -> SweepSettings {
    let (args, input) = check_args(argv);
    sweep_settings(&args, config, &input).unwrap()
}

#[test]
fn the_example_config_parses_to_the_defaults() {
    assert_eq!(
        parse(EXAMPLE, Path::new("config.example.toml")).unwrap(),
        Config::default()
    );
}

#[test]
fn every_example_value_is_valid_when_uncommented() {
    // "# key = value" lines are the examples; uncommented they must all parse
    // (deny_unknown_fields catches a documented key that does not exist).
    let uncommented: String = EXAMPLE
        .lines()
        .filter_map(|l| l.strip_prefix("# "))
        .filter(|l| l.split_once(" = ").is_some_and(|(k, _)| !k.contains(' ')))
        .map(|l| format!("{l}\n"))
        .collect();
    let c = parse(&uncommented, Path::new("example")).unwrap();
    assert_eq!(c.address.as_deref(), Some("sip:alice@contoso.com"));
    assert_eq!(c.resolvers.len(), 2);
    assert_eq!(c.trusted_domains, ["contoso-hosting.net"]);
    assert!(c.snapshot_dir.is_some());
    // …and every key of Config is documented.
    for key in [
        "address",
        "profile",
        "resolvers",
        "timeout_ms",
        "ca_files",
        "system_roots",
        "trusted_domains",
        "strict_dns_naming",
        "watch_interval",
        "snapshot_dir",
        "log_level",
        "colours",
    ] {
        assert!(
            uncommented
                .lines()
                .any(|l| l.starts_with(&format!("{key} = "))),
            "{key} is not in config.example.toml"
        );
    }
}

#[test]
fn an_unknown_key_names_file_line_and_key() {
    let e = err("profile = \"ocs2007\"\n\ncolour = false\n");
    assert!(e.contains("/etc/sipscope/config.toml"), "{e}");
    assert!(e.contains("line 3"), "{e}");
    assert!(e.contains("key `colour`"), "{e}");
    assert!(e.contains("unknown field"), "{e}");
    assert!(!e.contains('\n'), "one line: {e}");
}

#[test]
fn a_bad_value_names_file_line_and_key() {
    let cases = [
        ("timeout_ms = \"fast\"\n", 1, "timeout_ms", "invalid type"),
        ("# c\ntimeout_ms = 0\n", 2, "timeout_ms", "out of range"),
        (
            "\n\nprofile = \"lync2099\"\n",
            3,
            "profile",
            "unknown profile",
        ),
        (
            "resolvers = [\"10.0.0.1\", \"dns.example\"]\n",
            1,
            "resolvers",
            "not an IP",
        ),
        ("watch_interval = 0\n", 1, "watch_interval", "out of range"),
        ("log_level = \"loud\"\n", 1, "log_level", "unknown variant"),
        ("colours = \"yes\"\n", 1, "colours", "invalid type"),
        ("address = \"a@@b\"\n", 1, "address", "more than one '@'"),
        (
            "trusted_domains = [\"bad domain\"]\n",
            1,
            "trusted_domains",
            "not allowed",
        ),
    ];
    for (text, line, key, what) in cases {
        let e = err(text);
        assert!(
            e.starts_with("config file /etc/sipscope/config.toml"),
            "{e}"
        );
        assert!(e.contains(&format!("line {line},")), "{text:?}: {e}");
        assert!(e.contains(&format!("key `{key}`")), "{text:?}: {e}");
        assert!(e.contains(what), "{text:?}: {e}");
        assert!(!e.contains('\n'), "one line: {e}");
    }
}

#[test]
fn a_syntax_error_names_the_line() {
    let e = err("profile = \"ocs2007\"\ntimeout_ms = \n");
    assert!(e.contains("line 2"), "{e}");
}

#[test]
fn relative_paths_are_relative_to_the_config_file() {
    let c = parse(
        "ca_files = [\"ca.pem\", \"/abs/root.pem\"]\nsnapshot_dir = \"snaps\"\n",
        &origin(),
    )
    .unwrap();
    assert_eq!(
        c.ca_files,
        [
            PathBuf::from("/etc/sipscope/ca.pem"),
            PathBuf::from("/abs/root.pem")
        ]
    );
    assert_eq!(c.snapshot_dir, Some(PathBuf::from("/etc/sipscope/snaps")));
}

#[test]
fn file_overrides_defaults_and_command_line_overrides_file() {
    let defaults = settings(&Config::default(), &["contoso.com"]);
    assert_eq!(defaults.profile.name, plan::DEFAULT_PROFILE);
    assert_eq!(defaults.timeout, Duration::from_millis(3000));
    assert_eq!(defaults.resolvers, ResolverSpec::System);
    assert!(defaults.trust.strict_dns_naming);
    assert!(defaults.system_roots);

    let file = parse(
        "profile = \"lync2010\"\ntimeout_ms = 500\nresolvers = [\"10.0.0.53\"]\n\
         trusted_domains = [\"Hosting.NET\"]\nca_files = [\"/ca.pem\"]\n\
         strict_dns_naming = false\nsystem_roots = false\n",
        &origin(),
    )
    .unwrap();
    let from_file = settings(&file, &["contoso.com"]);
    assert_eq!(from_file.profile.name, "lync2010");
    assert_eq!(from_file.timeout, Duration::from_millis(500));
    assert_eq!(from_file.resolvers.labels(), ["10.0.0.53:53"]);
    assert_eq!(from_file.trust.trusted_domains, ["hosting.net"]);
    assert_eq!(from_file.ca_files, [PathBuf::from("/ca.pem")]);
    assert!(!from_file.trust.strict_dns_naming);
    assert!(!from_file.system_roots);

    let cli = settings(
        &file,
        &[
            "--profile",
            "ocs2007r2",
            "--timeout-ms",
            "900",
            "--resolver",
            "system",
            "--trusted-domain",
            "other.org",
            "--ca-file",
            "/other.pem",
            "--strict-dns-naming",
            "--system-roots=yes",
            "contoso.com",
        ],
    );
    assert_eq!(cli.profile.name, "ocs2007r2");
    assert_eq!(cli.timeout, Duration::from_millis(900));
    assert_eq!(cli.resolvers, ResolverSpec::System);
    assert_eq!(cli.trust.trusted_domains, ["other.org"]);
    assert_eq!(cli.ca_files, [PathBuf::from("/other.pem")]);
    assert!(cli.trust.strict_dns_naming);
    assert!(cli.system_roots);
}

#[test]
fn no_flags_win_over_the_file_and_the_positive_option() {
    let on = Config::default();
    assert!(
        !settings(&on, &["--no-strict-dns-naming", "d.com"])
            .trust
            .strict_dns_naming
    );
    assert!(
        !settings(&on, &["--strict-dns-naming=false", "d.com"])
            .trust
            .strict_dns_naming
    );
    assert!(!settings(&on, &["--no-system-roots", "d.com"]).system_roots);
    let both = settings(
        &on,
        &["--strict-dns-naming", "--no-strict-dns-naming", "d.com"],
    );
    assert!(!both.trust.strict_dns_naming);
    // `--strict-dns-naming` takes no separate value, so the address stays an address.
    let (_, input) = check_args(&["--strict-dns-naming", "d.com"]);
    assert_eq!(input, "d.com");
}

#[test]
fn bad_command_line_values_are_usage_errors() {
    let (args, input) = check_args(&["--timeout-ms", "0", "d.com"]);
    let e = sweep_settings(&args, &Config::default(), &input).unwrap_err();
    assert!(e.0.contains("--timeout-ms"), "{}", e.0);
    let (args, input) = check_args(&["--resolver", "system,10.0.0.1", "d.com"]);
    assert!(sweep_settings(&args, &Config::default(), &input).is_err());
}

fn global(argv: &[&str]) -> GlobalArgs {
    let mut full = vec!["sipscope"];
    full.extend_from_slice(argv);
    full.push("paths");
    Cli::try_parse_from(full).unwrap().global
}

fn file() -> ConfigFile {
    ConfigFile {
        path: None,
        explicit: false,
        loaded: false,
    }
}

#[test]
fn dashboard_settings_layer_the_same_way() {
    let d = Resolved::merge(&global(&[]), Config::default(), file(), false).unwrap();
    assert_eq!(d.watch_interval, Duration::from_secs(10));
    assert!(d.colours);
    assert_eq!(d.log_level, LogLevel::Info);
    assert_eq!(d.address, None);

    let cfg = parse(
        "watch_interval = 30\ncolours = false\nlog_level = \"debug\"\naddress = \"a@contoso.com\"\nsnapshot_dir = \"/s\"\n",
        &origin(),
    )
    .unwrap();
    let f = Resolved::merge(&global(&[]), cfg.clone(), file(), false).unwrap();
    assert_eq!(f.watch_interval, Duration::from_secs(30));
    assert!(!f.colours);
    assert_eq!(f.log_level, LogLevel::Debug);
    assert_eq!(f.address(None).as_deref(), Some("a@contoso.com"));
    assert_eq!(f.address(Some("b@x.org")).as_deref(), Some("b@x.org"));
    assert_eq!(f.snapshot_dir, Some(PathBuf::from("/s")));

    let args = global(&[
        "--watch-interval",
        "5",
        "--colour",
        "--log-level",
        "trace",
        "--dir",
        "/t",
    ]);
    let c = Resolved::merge(&args, cfg, file(), true).unwrap();
    assert_eq!(c.watch_interval, Duration::from_secs(5));
    assert!(c.colours, "--colour beats the file and NO_COLOR");
    assert_eq!(c.log_level, LogLevel::Trace);
    assert_eq!(c.snapshot_dir, Some(PathBuf::from("/t")));

    let no_color = Resolved::merge(&global(&[]), Config::default(), file(), true).unwrap();
    assert!(!no_color.colours, "NO_COLOR beats the default");
    let e = Resolved::merge(
        &global(&["--watch-interval", "0"]),
        Config::default(),
        file(),
        false,
    )
    .unwrap_err();
    assert!(e.contains("--watch-interval"), "{e}");
}

#[test]
fn a_missing_default_file_is_fine_but_a_named_one_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.toml");
    let e = load(Some(&missing)).unwrap_err().to_string();
    assert!(
        e.contains("nope.toml") && e.contains("does not exist"),
        "{e}"
    );

    let present = dir.path().join("c.toml");
    std::fs::write(&present, "profile = \"lync2010\"\n").unwrap();
    let (c, f) = load(Some(&present)).unwrap();
    assert_eq!(c.profile, "lync2010");
    assert!(f.loaded && f.explicit);
}
