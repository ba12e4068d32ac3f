//! Configuration: the file (`config.toml`), where it and the other files
//! live, and the layering command line > environment (`SIPSCOPE_*`, read by
//! clap's `env`) > file > built-in defaults.
//!
//! The command line and the environment arrive together in [`SweepArgs`] and
//! [`GlobalArgs`] (clap fills both; `None`/empty means "not given"), so the
//! merge below only has to put them over the file's [`Config`], which serde
//! has already put over [`Config::default`].

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;
use clap::builder::BoolishValueParser;
use directories::ProjectDirs;
use serde::{Deserialize, Deserializer};
use thiserror::Error;

use crate::cli::{SweepArgs, UsageError};
use crate::input::{normalise_domain, parse_target};
use crate::model::TrustSettings;
use crate::plan;
use crate::probe::{DialOverrides, ResolverSpec, parse_dial_override};
use crate::sweep::SweepSettings;

/// Name of the configuration file inside the platform's config folder.
pub const CONFIG_FILE_NAME: &str = "config.toml";
/// Name of the log file inside the platform's state (or local data) folder.
pub const LOG_FILE_NAME: &str = "sipscope.log";
/// The example configuration shipped at the repository root; it parses to the defaults.
pub const EXAMPLE: &str = include_str!("../config.example.toml");

const DEFAULT_TIMEOUT_MS: u64 = 3000;
const DEFAULT_WATCH_INTERVAL: u64 = 10;
const TIMEOUT_RANGE: std::ops::RangeInclusive<u64> = 1..=600_000;
const WATCH_RANGE: std::ops::RangeInclusive<u64> = 1..=86_400;

/// How much the log file records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    Off,
    Error,
    Warn,
    #[default]
    Info,
    Debug,
    Trace,
}

impl LogLevel {
    /// The name as written in the config file (and understood by tracing's filters).
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Off => "off",
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
            LogLevel::Trace => "trace",
        }
    }
}

impl fmt::Display for LogLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The configuration file. Every key is optional; a missing key takes the
/// value of [`Config::default`]. `config.example.toml` documents each one.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// SIP address the dashboard sweeps when none is given on the command line.
    #[serde(deserialize_with = "de_address")]
    pub address: Option<String>,
    /// Client profile (query order); see `sipscope profiles`.
    #[serde(deserialize_with = "de_profile")]
    pub profile: String,
    /// DNS servers (`IP` or `IP:PORT`); empty or `["system"]` = the system's resolver.
    #[serde(deserialize_with = "de_resolvers")]
    pub resolvers: Vec<String>,
    /// Limit for each network step, in milliseconds.
    #[serde(deserialize_with = "de_timeout")]
    pub timeout_ms: u64,
    /// Extra trusted CA certificates (PEM). Relative paths are relative to the config file.
    pub ca_files: Vec<PathBuf>,
    /// Trust the system's root certificates as well as `ca_files`.
    pub system_roots: bool,
    /// Extra domains whose hosts are accepted as SRV targets (TrustModelData).
    #[serde(deserialize_with = "de_domains")]
    pub trusted_domains: Vec<String>,
    /// Label-by-label SRV target matching; false = DisableStrictDNSNaming.
    pub strict_dns_naming: bool,
    /// Seconds between sweeps in the dashboard's watch mode.
    #[serde(deserialize_with = "de_watch_interval")]
    pub watch_interval: u64,
    /// Folder for snapshots; default: the platform's data folder + `snapshots`.
    /// Relative paths are relative to the config file.
    pub snapshot_dir: Option<PathBuf>,
    /// How much the log file records.
    pub log_level: LogLevel,
    /// Colours on the dashboard.
    pub colours: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            address: None,
            profile: plan::DEFAULT_PROFILE.to_string(),
            resolvers: Vec::new(),
            timeout_ms: DEFAULT_TIMEOUT_MS,
            ca_files: Vec::new(),
            system_roots: true,
            trusted_domains: Vec::new(),
            strict_dns_naming: true,
            watch_interval: DEFAULT_WATCH_INTERVAL,
            snapshot_dir: None,
            log_level: LogLevel::default(),
            colours: true,
        }
    }
}

// Checks run while deserialising, so a bad value is reported with the span
// (line) of that value, like any type error.
fn checked<'de, D, T>(d: D, check: impl FnOnce(&T) -> Result<(), String>) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    let value = T::deserialize(d)?;
    check(&value).map_err(serde::de::Error::custom)?;
    Ok(value)
}

fn de_address<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    checked(d, |a: &String| {
        parse_target(a).map(drop).map_err(|e| e.to_string())
    })
    .map(Some)
}

fn de_profile<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    checked(d, |p: &String| {
        plan::profile(p).map(drop).map_err(|e| e.to_string())
    })
}

fn de_resolvers<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    checked(d, |rs: &Vec<String>| resolver_spec(rs).map(drop))
}

fn de_timeout<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    checked(d, |ms: &u64| check_timeout(*ms))
}

fn de_watch_interval<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    checked(d, |s: &u64| check_watch_interval(*s))
}

fn de_domains<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    checked(d, |ds: &Vec<String>| normalise_domains(ds).map(drop))
}

fn check_timeout(ms: u64) -> Result<(), String> {
    if TIMEOUT_RANGE.contains(&ms) {
        Ok(())
    } else {
        Err(format!(
            "timeout {ms} ms is out of range; give 1 to 600000 milliseconds"
        ))
    }
}

fn check_watch_interval(secs: u64) -> Result<(), String> {
    if WATCH_RANGE.contains(&secs) {
        Ok(())
    } else {
        Err(format!(
            "watch interval {secs} s is out of range; give 1 to 86400 seconds"
        ))
    }
}

fn normalise_domains(domains: &[String]) -> Result<Vec<String>, String> {
    domains
        .iter()
        .map(|d| normalise_domain(d.trim()).map_err(|e| e.to_string()))
        .collect()
}

/// `[]` or `["system"]` → the system's resolver; otherwise a pool of servers.
fn resolver_spec(resolvers: &[String]) -> Result<ResolverSpec, String> {
    let is_system = |r: &String| r.trim().eq_ignore_ascii_case("system");
    if resolvers.is_empty() || (resolvers.len() == 1 && is_system(&resolvers[0])) {
        return Ok(ResolverSpec::System);
    }
    if resolvers.iter().any(is_system) {
        return Err("\"system\" cannot be mixed with resolver addresses".into());
    }
    resolvers
        .iter()
        .map(|r| ResolverSpec::parse_server(r))
        .collect::<Result<_, _>>()
        .map(ResolverSpec::Servers)
}

/// Why the configuration could not be read. Each message is one line.
#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("config file {} does not exist (named by --config or SIPSCOPE_CONFIG)", .0.display())]
    Missing(PathBuf),
    #[error("cannot read config file {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A bad value from the command line or environment.
    #[error("{0}")]
    Option(String),
    /// A syntax error, an unknown key or a bad value, with its position.
    #[error("config file {}, line {line}{}: {message}", path.display(), key.as_ref().map(|k| format!(", key `{k}`")).unwrap_or_default())]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        key: Option<String>,
        message: String,
    },
}

/// Parses a configuration text; `origin` names it in errors and anchors
/// relative paths (`ca_files`, `snapshot_dir`) to its folder.
pub fn parse(text: &str, origin: &Path) -> Result<Config, ConfigError> {
    let mut config: Config = toml::from_str(text).map_err(|e| invalid(text, origin, &e))?;
    if let Some(base) = origin.parent().filter(|p| !p.as_os_str().is_empty()) {
        for ca in &mut config.ca_files {
            if ca.is_relative() {
                *ca = base.join(&*ca);
            }
        }
        if let Some(dir) = config.snapshot_dir.as_mut().filter(|d| d.is_relative()) {
            *dir = base.join(&*dir);
        }
    }
    Ok(config)
}

fn invalid(text: &str, origin: &Path, e: &toml::de::Error) -> ConfigError {
    let message = e.message().trim().replace('\n', " ");
    let (line, column, line_text) = match e.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let start = before.rfind('\n').map_or(0, |i| i + 1);
            let column = before[start..].chars().count() + 1;
            let line_text = text[start..].lines().next().unwrap_or("");
            (line, column, line_text)
        }
        None => (1, 1, ""),
    };
    // serde names the key itself for unknown fields; otherwise the key is
    // what stands before `=` on the line where the bad value starts.
    let key = message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split('`').next())
        .map(str::to_string)
        .or_else(|| key_on_line(line_text));
    ConfigError::Invalid {
        path: origin.to_path_buf(),
        line,
        column,
        key,
        message,
    }
}

fn key_on_line(line: &str) -> Option<String> {
    let line = line.trim();
    let key = if let Some(table) = line.strip_prefix('[') {
        table.trim_start_matches('[').split(']').next()?
    } else {
        line.split_once('=')?.0
    };
    let key = key.trim().trim_matches(|c| c == '"' || c == '\'');
    (!key.is_empty() && !key.starts_with('#')).then(|| key.to_string())
}

/// Where the configuration came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigFile {
    /// The file read (or that would be read); `None` when the platform has no config folder.
    pub path: Option<PathBuf>,
    /// Named by `--config` / `SIPSCOPE_CONFIG` rather than the default location.
    pub explicit: bool,
    /// The file existed and was read.
    pub loaded: bool,
}

fn project_dirs() -> Option<ProjectDirs> {
    ProjectDirs::from("", "", "sipscope")
}

/// `…/sipscope/config.toml` in the platform's config folder.
pub fn default_config_path() -> Option<PathBuf> {
    project_dirs().map(|d| d.config_dir().join(CONFIG_FILE_NAME))
}

/// `…/sipscope/snapshots` in the platform's data folder.
pub fn default_snapshot_dir() -> Option<PathBuf> {
    project_dirs().map(|d| d.data_dir().join("snapshots"))
}

/// `…/sipscope/sipscope.log` in the platform's state folder (local data where there is none).
pub fn default_log_file() -> Option<PathBuf> {
    project_dirs().map(|d| {
        d.state_dir()
            .unwrap_or_else(|| d.data_local_dir())
            .join(LOG_FILE_NAME)
    })
}

/// Reads the configuration: `explicit` must exist; the default file may be absent.
pub fn load(explicit: Option<&Path>) -> Result<(Config, ConfigFile), ConfigError> {
    let (path, is_explicit) = match explicit {
        Some(p) => (Some(p.to_path_buf()), true),
        None => (default_config_path(), false),
    };
    let file = |loaded| ConfigFile {
        path: path.clone(),
        explicit: is_explicit,
        loaded,
    };
    let Some(p) = &path else {
        return Ok((Config::default(), file(false)));
    };
    match crate::fsread::read_to_string(p, crate::fsread::CONFIG_MAX) {
        Ok(text) => Ok((parse(&text, p)?, file(true))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !is_explicit => {
            Ok((Config::default(), file(false)))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(ConfigError::Missing(p.clone())),
        Err(source) => Err(ConfigError::Read {
            path: p.clone(),
            source,
        }),
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
    #[arg(long, global = true, value_enum, env = "SIPSCOPE_LOG_LEVEL")]
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

/// Everything resolved from command line, environment, file and defaults:
/// what the commands and the dashboard read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The file layer over the defaults (sweep keys are merged per sweep by [`Resolved::sweep_settings`]).
    pub config: Config,
    pub config_file: ConfigFile,
    /// The default SIP address (`address` in the file); the command line's address wins.
    pub address: Option<String>,
    pub watch_interval: Duration,
    pub colours: bool,
    pub log_level: LogLevel,
    /// `None` only when the platform has no data folder and none was configured.
    pub snapshot_dir: Option<PathBuf>,
    pub log_file: Option<PathBuf>,
}

impl Resolved {
    /// Reads the configuration file named by `args` (or the default one) and
    /// resolves everything. `NO_COLOR` (https://no-color.org) turns colours
    /// off unless `--colour`/`SIPSCOPE_COLOURS` says otherwise.
    pub fn load(args: &GlobalArgs) -> Result<Resolved, ConfigError> {
        let (config, file) = load(args.config.as_deref())?;
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Resolved::merge(args, config, file, no_color).map_err(ConfigError::Option)
    }

    /// The pure merge: `args` (command line and environment) over `config`
    /// (file over defaults). `no_color_env` is whether NO_COLOR is set.
    pub fn merge(
        args: &GlobalArgs,
        config: Config,
        config_file: ConfigFile,
        no_color_env: bool,
    ) -> Result<Resolved, String> {
        let watch = args.watch_interval.unwrap_or(config.watch_interval);
        check_watch_interval(watch).map_err(|e| format!("--watch-interval: {e}"))?;
        let colours = if args.no_colour {
            false
        } else if let Some(c) = args.colour {
            c
        } else if no_color_env {
            false
        } else {
            config.colours
        };
        Ok(Resolved {
            address: config.address.clone(),
            watch_interval: Duration::from_secs(watch),
            colours,
            log_level: args.log_level.unwrap_or(config.log_level),
            snapshot_dir: args
                .snapshot_dir
                .clone()
                .or_else(|| config.snapshot_dir.clone())
                .or_else(default_snapshot_dir),
            log_file: default_log_file(),
            config,
            config_file,
        })
    }

    /// The address to sweep: the one given, else the configured default.
    pub fn address(&self, given: Option<&str>) -> Option<String> {
        given.map(str::to_string).or_else(|| self.address.clone())
    }

    /// Sweep settings for `input`: `args` (command line and environment) over the file.
    pub fn sweep_settings(
        &self,
        args: &SweepArgs,
        input: &str,
    ) -> Result<SweepSettings, UsageError> {
        sweep_settings(args, &self.config, input)
    }
}

/// Merges `args` (command line and environment; unset = `None`/empty) over
/// `config` (file over defaults) into the settings of a sweep of `input`.
pub fn sweep_settings(
    args: &SweepArgs,
    config: &Config,
    input: &str,
) -> Result<SweepSettings, UsageError> {
    let target = parse_target(input)?;
    let profile = plan::profile(args.profile.as_deref().unwrap_or(&config.profile))?;
    let resolvers = if args.resolvers.is_empty() {
        resolver_spec(&config.resolvers)?
    } else {
        resolver_spec(&args.resolvers)?
    };
    let mut settings = SweepSettings::new(target, profile, resolvers);
    let timeout = args.timeout_ms.unwrap_or(config.timeout_ms);
    check_timeout(timeout).map_err(|e| UsageError(format!("--timeout-ms: {e}")))?;
    settings.timeout = Duration::from_millis(timeout);
    settings.ca_files = if args.ca_files.is_empty() {
        config.ca_files.clone()
    } else {
        args.ca_files.clone()
    };
    settings.system_roots = flag(args.no_system_roots, args.system_roots, config.system_roots);
    let trusted = if args.trusted_domains.is_empty() {
        &config.trusted_domains
    } else {
        &args.trusted_domains
    };
    settings.trust = TrustSettings {
        trusted_domains: normalise_domains(trusted)?,
        strict_dns_naming: flag(
            args.no_strict_dns_naming,
            args.strict_dns_naming,
            config.strict_dns_naming,
        ),
    };
    settings.allow_tcp = !args.no_tcp;
    settings.dial = args
        .dial
        .iter()
        .map(|d| parse_dial_override(d))
        .collect::<Result<DialOverrides, _>>()?;
    Ok(settings)
}

/// A boolean with a `--no-x` flag, a `--x[=BOOL]` option (or its environment
/// variable) and a config value: `--no-x` wins, then `--x`, then the file.
fn flag(no: bool, yes: Option<bool>, config: bool) -> bool {
    if no { false } else { yes.unwrap_or(config) }
}

/// `sipscope paths`: the files in use and whether each exists.
pub fn paths_report(resolved: &Resolved) -> String {
    let show = |p: &Option<PathBuf>| match p {
        Some(p) => p.display().to_string(),
        None => "(none: no home folder)".to_string(),
    };
    let exists = |p: &Option<PathBuf>, dir: bool| match p {
        Some(p) if dir && p.is_dir() => "exists",
        Some(p) if !dir && p.is_file() => "exists",
        Some(_) => "does not exist yet",
        None => "",
    };
    let f = &resolved.config_file;
    let config_state = match (f.loaded, f.explicit) {
        (true, true) => "exists, named by --config / SIPSCOPE_CONFIG",
        (true, false) => "exists",
        (false, _) => "does not exist; built-in defaults in use",
    };
    format!(
        "config file      {}  ({config_state})\nsnapshot folder  {}  ({})\nlog file         {}  ({})\n",
        show(&f.path),
        show(&resolved.snapshot_dir),
        exists(&resolved.snapshot_dir, true),
        show(&resolved.log_file),
        exists(&resolved.log_file, false),
    )
}

#[cfg(test)]
mod tests;
