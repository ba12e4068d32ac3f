//! The layering through the real command line: flags and environment over
//! the file over the defaults (config/layers.rs does the merge).

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

use super::{Cli, Command, SweepArgs};
use crate::config::{Config, ConfigFile, LogLevel, Resolved, parse, sweep_options};
use crate::input::parse_target;
use crate::plan;
use crate::probe::ResolverSpec;
use crate::sweep::{SweepOptions, SweepSettings};

fn origin() -> PathBuf {
    PathBuf::from("/etc/sipscope/config.toml")
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

fn options(args: &SweepArgs, config: &Config) -> Result<SweepOptions, String> {
    sweep_options(&args.overrides(), None, config).map_err(|e| e.to_string())
}

fn settings(config: &Config, argv: &[&str]) -> SweepSettings {
    let (args, input) = check_args(argv);
    SweepSettings::new(
        parse_target(&input).unwrap(),
        options(&args, config).unwrap(),
    )
}

#[test]
fn file_overrides_defaults_and_command_line_overrides_file() {
    let defaults = settings(&Config::default(), &["contoso.com"]);
    assert_eq!(defaults.options.profile.name, plan::DEFAULT_PROFILE);
    assert_eq!(defaults.options.timeout, Duration::from_millis(3000));
    assert_eq!(defaults.options.resolvers, ResolverSpec::System);
    assert!(defaults.options.trust.strict_dns_naming);
    assert!(defaults.options.system_roots);

    let file = parse(
        "profile = \"lync2010\"\ntimeout_ms = 500\nresolvers = [\"10.0.0.53\"]\n\
         trusted_domains = [\"Hosting.NET\"]\nca_files = [\"/ca.pem\"]\n\
         strict_dns_naming = false\nsystem_roots = false\n",
        &origin(),
    )
    .unwrap();
    let from_file = settings(&file, &["contoso.com"]);
    assert_eq!(from_file.options.profile.name, "lync2010");
    assert_eq!(from_file.options.timeout, Duration::from_millis(500));
    assert_eq!(from_file.options.resolvers.labels(), ["10.0.0.53:53"]);
    assert_eq!(from_file.options.trust.trusted_domains, ["hosting.net"]);
    assert_eq!(from_file.options.ca_files, [PathBuf::from("/ca.pem")]);
    assert!(!from_file.options.trust.strict_dns_naming);
    assert!(!from_file.options.system_roots);

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
    assert_eq!(cli.options.profile.name, "ocs2007r2");
    assert_eq!(cli.options.timeout, Duration::from_millis(900));
    assert_eq!(cli.options.resolvers, ResolverSpec::System);
    assert_eq!(cli.options.trust.trusted_domains, ["other.org"]);
    assert_eq!(cli.options.ca_files, [PathBuf::from("/other.pem")]);
    assert!(cli.options.trust.strict_dns_naming);
    assert!(cli.options.system_roots);
}

#[test]
fn no_flags_win_over_the_file_and_the_positive_option() {
    let on = Config::default();
    assert!(
        !settings(&on, &["--no-strict-dns-naming", "d.com"])
            .options
            .trust
            .strict_dns_naming
    );
    assert!(
        !settings(&on, &["--strict-dns-naming=false", "d.com"])
            .options
            .trust
            .strict_dns_naming
    );
    assert!(
        !settings(&on, &["--no-system-roots", "d.com"])
            .options
            .system_roots
    );
    let both = settings(
        &on,
        &["--strict-dns-naming", "--no-strict-dns-naming", "d.com"],
    );
    assert!(!both.options.trust.strict_dns_naming);
    // `--strict-dns-naming` takes no separate value, so the address stays an address.
    let (_, input) = check_args(&["--strict-dns-naming", "d.com"]);
    assert_eq!(input, "d.com");
}

#[test]
fn bad_command_line_values_are_usage_errors() {
    let (args, _) = check_args(&["--timeout-ms", "0", "d.com"]);
    let e = options(&args, &Config::default()).unwrap_err();
    assert!(e.contains("--timeout-ms"), "{e}");
    let (args, _) = check_args(&["--resolver", "system,10.0.0.1", "d.com"]);
    assert!(options(&args, &Config::default()).is_err());
}

fn global(argv: &[&str]) -> crate::config::GlobalOverrides {
    let mut full = vec!["sipscope"];
    full.extend_from_slice(argv);
    full.push("paths");
    Cli::try_parse_from(full).unwrap().global()
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
        "always",
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

// D3: Skype for Business asks `_sipinternal._tcp` only when TCP is allowed:
// off by default for its profile, on with --tcp, and --no-tcp always wins.
#[test]
fn d3_tcp_policy_follows_the_profile_unless_told() {
    let file = Config::default();
    assert!(
        !settings(&file, &["--profile", "sfb", "d.com"])
            .options
            .allow_tcp
    );
    assert!(
        settings(&file, &["--profile", "sfb", "--tcp", "d.com"])
            .options
            .allow_tcp
    );
    assert!(settings(&file, &["d.com"]).options.allow_tcp);
    assert!(!settings(&file, &["--no-tcp", "d.com"]).options.allow_tcp);
}

// D17: the REGISTER stage is on by default; `--no-sip` or the file's
// `sip = false` turn it off, the command line over the file.
#[test]
fn d17_no_sip_flag_and_file_key() {
    let on = Config::default();
    assert!(settings(&on, &["d.com"]).options.sip);
    assert!(!settings(&on, &["--no-sip", "d.com"]).options.sip);
    let off: Config = toml::from_str("sip = false\n").unwrap();
    assert!(!settings(&off, &["d.com"]).options.sip);
    let (_, input) = check_args(&["--no-sip", "d.com"]);
    assert_eq!(input, "d.com");
}
