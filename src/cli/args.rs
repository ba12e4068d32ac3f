//! The options shared by several commands, as clap parses them, and their
//! hand-over to the library as plain overrides.

use std::path::PathBuf;

use clap::builder::{BoolishValueParser, PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, ValueHint};

use crate::config::{GlobalOverrides, LogLevel, SweepOverrides};

/// Options shared by the dashboard, `check` and `open`.
#[derive(Debug, Args, Default, Clone)]
#[command(next_help_heading = "Sweep options")]
pub struct SweepArgs {
    /// DNS server to ask instead of the system's (repeatable: one pool)
    #[arg(
        long = "resolver",
        value_name = "IP[:PORT]",
        env = "SIPSCOPE_RESOLVER",
        value_delimiter = ','
    )]
    pub resolvers: Vec<String>,
    /// Client generation whose query order to follow (see `sipscope profiles`)
    #[arg(
        long,
        value_name = "NAME",
        env = "SIPSCOPE_PROFILE",
        value_parser = super::values::profiles()
    )]
    pub profile: Option<String>,
    /// Extra trusted CA certificates, PEM (repeatable); added to the system roots
    #[arg(
        long = "ca-file",
        value_name = "PEM",
        env = "SIPSCOPE_CA_FILE",
        value_delimiter = ','
    )]
    pub ca_files: Vec<PathBuf>,
    /// Do not trust the system's root certificates, only --ca-file ones
    #[arg(long)]
    pub no_system_roots: bool,
    /// Trust the system's root certificates; --system-roots=false = --no-system-roots [default: true]
    #[arg(
        long,
        value_name = "BOOL",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_parser = BoolishValueParser::new(),
        env = "SIPSCOPE_SYSTEM_ROOTS"
    )]
    pub system_roots: Option<bool>,
    /// Limit for each network step (DNS query, TCP connect, TLS handshake), in ms [default: 3000]
    #[arg(long, value_name = "MS", env = "SIPSCOPE_TIMEOUT_MS")]
    pub timeout_ms: Option<u64>,
    /// Extra domain whose hosts are accepted as SRV targets (TrustModelData; repeatable)
    #[arg(
        long = "trusted-domain",
        value_name = "DOMAIN",
        env = "SIPSCOPE_TRUSTED_DOMAIN",
        value_delimiter = ','
    )]
    pub trusted_domains: Vec<String>,
    /// Accept SRV targets that merely end with the SIP domain's text (DisableStrictDNSNaming)
    #[arg(long)]
    pub no_strict_dns_naming: bool,
    /// Label-by-label SRV target matching; =false is --no-strict-dns-naming [default: true]
    #[arg(
        long,
        value_name = "BOOL",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_parser = BoolishValueParser::new(),
        env = "SIPSCOPE_STRICT_DNS_NAMING"
    )]
    pub strict_dns_naming: Option<bool>,
    /// Treat TCP as forbidden by policy: TCP rows are rejected
    #[arg(long)]
    pub no_tcp: bool,
    /// Allow TCP rows where the profile asks TLS only unless told (sfb: "_sipinternal._tcp only when TCP is allowed", D3)
    #[arg(long, conflicts_with = "no_tcp")]
    pub tcp: bool,
    /// Also ask the zone's own servers (NS, without recursion) and say where
    /// the resolver still holds an old answer, and which server lags (D11)
    #[arg(long, env = "SIPSCOPE_AUTHORITATIVE")]
    pub authoritative: bool,
    /// Do not send the unauthenticated SIP REGISTER after a passing
    /// connection (D17): rows stop at TLS; env 1/true turns it off too, config sip = false
    #[arg(long, env = "SIPSCOPE_NO_SIP", value_parser = BoolishValueParser::new())]
    pub no_sip: bool,
    /// Sweep through this group of resolvers as a named vantage (D12; repeatable),
    /// e.g. --vantage inside=10.0.0.53 --vantage outside=1.1.1.1,8.8.8.8
    #[arg(
        long = "vantage",
        value_name = "LABEL=IP[:PORT][,IP…]",
        env = "SIPSCOPE_VANTAGE",
        value_delimiter = ';'
    )]
    pub vantages: Vec<String>,
    /// Let autodiscover redirects and links use this port besides 80 and 443 (D13; repeatable)
    #[arg(
        long = "allow-port",
        value_name = "PORT",
        env = "SIPSCOPE_ALLOW_PORT",
        value_delimiter = ','
    )]
    pub allow_ports: Vec<u16>,
    /// Dial overrides written by `sipscope lab`: probes go to the lab's listeners
    #[arg(long, value_name = "FILE", env = "SIPSCOPE_LAB_DIAL")]
    pub lab_dial: Option<PathBuf>,
    /// Dial TO whenever a probe would dial FROM (tests only)
    #[arg(
        long = "dial",
        value_name = "FROM=TO",
        hide = true,
        env = "SIPSCOPE_DIAL",
        value_delimiter = ','
    )]
    pub dial: Vec<String>,
    /// A used certificate expiring within DAYS makes the verdict degraded (D18) [default: 30]
    #[arg(long, value_name = "DAYS", env = "SIPSCOPE_EXPIRY_WARNING_DAYS")]
    pub expiry_warning_days: Option<u32>,
    /// Queries of one resolver in flight at once, 1 to 4096 (D19; dnsmasq forwards 150 at most) [default: 256]
    #[arg(long, value_name = "N", env = "SIPSCOPE_DNS_IN_FLIGHT")]
    pub dns_in_flight: Option<usize>,
}

/// A boolean with a `--no-x` flag and a `--x[=BOOL]` option (or its
/// environment variable): `--no-x` wins; `None` when neither was given.
fn flag(no: bool, yes: Option<bool>) -> Option<bool> {
    if no { Some(false) } else { yes }
}

impl SweepArgs {
    /// The options given after the command's name over those given before it.
    pub fn overrides_over(&self, before: &SweepOverrides) -> SweepOverrides {
        let own = self.overrides();
        let list = |mine: Vec<String>, theirs: &Vec<String>| {
            if mine.is_empty() {
                theirs.clone()
            } else {
                mine
            }
        };
        SweepOverrides {
            resolvers: list(own.resolvers, &before.resolvers),
            profile: own.profile.or_else(|| before.profile.clone()),
            ca_files: if own.ca_files.is_empty() {
                before.ca_files.clone()
            } else {
                own.ca_files
            },
            system_roots: own.system_roots.or(before.system_roots),
            timeout_ms: own.timeout_ms.or(before.timeout_ms),
            trusted_domains: list(own.trusted_domains, &before.trusted_domains),
            strict_dns_naming: own.strict_dns_naming.or(before.strict_dns_naming),
            allow_tcp: own.allow_tcp.or(before.allow_tcp),
            dial: list(own.dial, &before.dial),
            lab_dial: own.lab_dial.or_else(|| before.lab_dial.clone()),
            vantages: list(own.vantages, &before.vantages),
            authoritative: own.authoritative || before.authoritative,
            allow_ports: if own.allow_ports.is_empty() {
                before.allow_ports.clone()
            } else {
                own.allow_ports
            },
            sip: own.sip.or(before.sip),
            expiry_warning_days: own.expiry_warning_days.or(before.expiry_warning_days),
            dns_in_flight: own.dns_in_flight.or(before.dns_in_flight),
        }
    }

    /// The options as the library's plain overrides.
    pub fn overrides(&self) -> SweepOverrides {
        SweepOverrides {
            resolvers: self.resolvers.clone(),
            profile: self.profile.clone(),
            ca_files: self.ca_files.clone(),
            system_roots: flag(self.no_system_roots, self.system_roots),
            timeout_ms: self.timeout_ms,
            trusted_domains: self.trusted_domains.clone(),
            strict_dns_naming: flag(self.no_strict_dns_naming, self.strict_dns_naming),
            allow_tcp: if self.no_tcp {
                Some(false)
            } else {
                self.tcp.then_some(true)
            },
            dial: self.dial.clone(),
            lab_dial: self.lab_dial.clone(),
            vantages: self.vantages.clone(),
            authoritative: self.authoritative,
            allow_ports: self.allow_ports.clone(),
            sip: self.no_sip.then_some(false),
            expiry_warning_days: self.expiry_warning_days,
            dns_in_flight: self.dns_in_flight,
        }
    }
}

/// The global options: flattened into [`super::Cli`] only, and `global = true`,
/// so every command (today's and any added later, e.g. `audit`, `serve`)
/// accepts them before or after its name, as cargo, git and ripgrep do,
/// whether or not it uses them — a new subcommand gets them for free; it
/// must not declare `--config`, `--snapshot-dir`/`--dir`, `--log-level`,
/// `--color`/`--colour` or `--no-colour` itself. Clap hands the value to the
/// top level wherever it was typed; read it from `Cli::global()`.
pub const GLOBAL_HEADING: &str = "Global options";

/// The configuration file and snapshot folder (global, see [`GLOBAL_HEADING`]).
#[derive(Debug, Args, Default, Clone)]
#[command(next_help_heading = GLOBAL_HEADING)]
pub struct FileArgs {
    /// Configuration file [default: see `sipscope paths`]
    #[arg(
        long,
        value_name = "PATH",
        env = "SIPSCOPE_CONFIG",
        global = true,
        value_hint = ValueHint::FilePath
    )]
    pub config: Option<PathBuf>,
    /// Snapshot folder [default: config `snapshot_dir`, else see `sipscope paths`]
    #[arg(
        long = "snapshot-dir",
        visible_alias = "dir",
        value_name = "DIR",
        env = "SIPSCOPE_SNAPSHOT_DIR",
        global = true,
        value_hint = ValueHint::DirPath
    )]
    pub snapshot_dir: Option<PathBuf>,
}

/// The log file's level (global, see [`GLOBAL_HEADING`]): the dashboard writes
/// the log, `paths` shows it.
#[derive(Debug, Args, Default, Clone)]
#[command(next_help_heading = GLOBAL_HEADING)]
pub struct LogArgs {
    /// How much the log file records (RUST_LOG, when set, wins) [default: info]
    #[arg(
        long,
        value_name = "LEVEL",
        value_parser = log_level_parser(),
        env = "SIPSCOPE_LOG_LEVEL",
        global = true
    )]
    pub log_level: Option<LogLevel>,
}

/// When to use colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorWhen {
    /// On a terminal, unless NO_COLOR or the config file says otherwise.
    Auto,
    Always,
    Never,
}

fn color_parser() -> impl TypedValueParser<Value = ColorWhen> {
    // `true`/`false` and friends are the older `--colour[=BOOL]` spelling.
    PossibleValuesParser::new([
        PossibleValue::new("auto"),
        PossibleValue::new("always"),
        PossibleValue::new("never"),
        PossibleValue::new("true").hide(true),
        PossibleValue::new("yes").hide(true),
        PossibleValue::new("on").hide(true),
        PossibleValue::new("false").hide(true),
        PossibleValue::new("no").hide(true),
        PossibleValue::new("off").hide(true),
    ])
    .map(|s| match s.as_str() {
        "auto" => ColorWhen::Auto,
        "always" | "true" | "yes" | "on" => ColorWhen::Always,
        _ => ColorWhen::Never,
    })
}

/// Colours (global, see [`GLOBAL_HEADING`]): the dashboard and `check` use them.
#[derive(Debug, Args, Default, Clone)]
#[command(next_help_heading = GLOBAL_HEADING)]
pub struct ColorArgs {
    /// Use colours: auto (on a terminal, unless NO_COLOR is set), always or never;
    /// the value is required (`--color always` or `--color=always`), as in ripgrep
    #[arg(
        long,
        visible_alias = "colour",
        value_name = "WHEN",
        value_parser = color_parser(),
        env = "SIPSCOPE_COLOURS",
        global = true
    )]
    pub color: Option<ColorWhen>,
    /// No colours (same as --color=never)
    #[arg(long, visible_alias = "no-color", global = true)]
    pub no_colour: bool,
}

impl ColorArgs {
    /// `Some(on)` when colours were asked for or refused; `None` for auto.
    fn choice(&self) -> Option<Option<bool>> {
        if self.no_colour {
            return Some(Some(false));
        }
        self.color.map(|c| match c {
            ColorWhen::Auto => None,
            ColorWhen::Always => Some(true),
            ColorWhen::Never => Some(false),
        })
    }
}

/// The dashboard's own options (the dashboard, `open` and `demo`).
#[derive(Debug, Args, Default, Clone)]
#[command(next_help_heading = "Dashboard")]
pub struct WatchArgs {
    /// Seconds between sweeps in the dashboard's watch mode (`w`) [default: 10]
    #[arg(long, value_name = "SECS", env = "SIPSCOPE_WATCH_INTERVAL")]
    pub watch_interval: Option<u64>,
}

fn log_level_parser() -> impl TypedValueParser<Value = LogLevel> {
    PossibleValuesParser::new(LogLevel::ALL.map(LogLevel::as_str))
        .map(|s| LogLevel::from_name(&s).unwrap_or_default())
}

/// What one command was given of the file and display options; the parts
/// a command does not take are `None`.
#[derive(Debug, Default, Clone, Copy)]
pub struct GlobalParts<'a> {
    pub files: Option<&'a FileArgs>,
    pub log: Option<&'a LogArgs>,
    pub color: Option<&'a ColorArgs>,
    pub watch: Option<&'a WatchArgs>,
}

impl GlobalParts<'_> {
    /// The options as the library's plain overrides: what the command was
    /// given after its name wins over `before` (given before the command name).
    pub fn overrides(&self, before: &GlobalOverrides) -> GlobalOverrides {
        let files = self.files.cloned().unwrap_or_default();
        let colour = match self.color.and_then(ColorArgs::choice) {
            Some(choice) => choice,
            None => before.colour,
        };
        GlobalOverrides {
            config: files.config.or_else(|| before.config.clone()),
            snapshot_dir: files.snapshot_dir.or_else(|| before.snapshot_dir.clone()),
            watch_interval: self
                .watch
                .and_then(|w| w.watch_interval)
                .or(before.watch_interval),
            log_level: self.log.and_then(|l| l.log_level).or(before.log_level),
            colour,
        }
    }
}
