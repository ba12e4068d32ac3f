//! The options shared by several commands, as clap parses them, and their
//! hand-over to the library as plain overrides.

use std::path::PathBuf;

use clap::Args;
use clap::builder::{BoolishValueParser, PossibleValuesParser, TypedValueParser};

use crate::config::{GlobalOverrides, LogLevel, SweepOverrides};

/// Options shared by the dashboard and `check`.
#[derive(Debug, Args, Default, Clone)]
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
    #[arg(long, value_name = "NAME", env = "SIPSCOPE_PROFILE")]
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
    /// Dial TO whenever a probe would dial FROM (lab and tests only)
    #[arg(
        long = "dial",
        value_name = "FROM=TO",
        hide = true,
        env = "SIPSCOPE_DIAL",
        value_delimiter = ','
    )]
    pub dial: Vec<String>,
}

/// A boolean with a `--no-x` flag and a `--x[=BOOL]` option (or its
/// environment variable): `--no-x` wins; `None` when neither was given.
fn flag(no: bool, yes: Option<bool>) -> Option<bool> {
    if no { Some(false) } else { yes }
}

impl SweepArgs {
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
            allow_tcp: self.no_tcp.then_some(false),
            dial: self.dial.clone(),
        }
    }
}

/// Options every command understands (clap `global`), for the files and the dashboard.
#[derive(Debug, Args, Default, Clone)]
#[command(next_help_heading = "Configuration, files and dashboard")]
pub struct GlobalArgs {
    /// Configuration file [default: see `sipscope paths`]
    #[arg(long, global = true, value_name = "PATH", env = "SIPSCOPE_CONFIG")]
    pub config: Option<PathBuf>,
    /// Snapshot folder [default: config `snapshot_dir`, else see `sipscope paths`]
    #[arg(
        long = "snapshot-dir",
        visible_alias = "dir",
        global = true,
        value_name = "DIR",
        env = "SIPSCOPE_SNAPSHOT_DIR"
    )]
    pub snapshot_dir: Option<PathBuf>,
    /// Seconds between sweeps in the dashboard's watch mode [default: 10]
    #[arg(
        long,
        global = true,
        value_name = "SECS",
        env = "SIPSCOPE_WATCH_INTERVAL"
    )]
    pub watch_interval: Option<u64>,
    /// How much the log file records [default: info]
    #[arg(long, global = true, value_parser = log_level_parser(), env = "SIPSCOPE_LOG_LEVEL")]
    pub log_level: Option<LogLevel>,
    /// Colours on the dashboard (--colour=false turns them off; NO_COLOR is honoured)
    #[arg(
        long,
        global = true,
        value_name = "BOOL",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_parser = BoolishValueParser::new(),
        env = "SIPSCOPE_COLOURS"
    )]
    pub colour: Option<bool>,
    /// No colours (same as --colour=false)
    #[arg(long, global = true)]
    pub no_colour: bool,
}

fn log_level_parser() -> impl TypedValueParser<Value = LogLevel> {
    PossibleValuesParser::new(LogLevel::ALL.map(LogLevel::as_str))
        .map(|s| LogLevel::from_name(&s).unwrap_or_default())
}

impl GlobalArgs {
    /// The options as the library's plain overrides.
    pub fn overrides(&self) -> GlobalOverrides {
        GlobalOverrides {
            config: self.config.clone(),
            snapshot_dir: self.snapshot_dir.clone(),
            watch_interval: self.watch_interval,
            log_level: self.log_level,
            colour: if self.no_colour {
                Some(false)
            } else {
                self.colour
            },
        }
    }
}
