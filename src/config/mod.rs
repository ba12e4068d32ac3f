//! Configuration: the file (`config.toml`), where it and the other files
//! live, and the layering command line > environment (`SIPSCOPE_*`, read by
//! clap's `env`) > file > built-in defaults.
//!
//! This module knows nothing of the command-line parser: the command line and
//! the environment arrive together as plain [`SweepOverrides`] and
//! [`GlobalOverrides`] (`None`/empty means "not given"), and [`layers`] puts
//! them over a snapshot's settings, the file's [`Config`] and the defaults.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use directories::ProjectDirs;
use serde::Deserialize;
use thiserror::Error;

mod file;
mod layers;
pub use file::{Config, VantageConfig, parse};
pub(crate) use file::{
    check_expiry_days, check_in_flight, check_label, check_timeout, check_watch_interval,
    normalise_domains, resolver_spec,
};
pub use layers::{
    GlobalOverrides, MAX_VANTAGES, SweepOverrides, Vantage, sweep_options, vantages, with_profile,
};

/// Name of the configuration file inside the platform's config folder.
pub const CONFIG_FILE_NAME: &str = "config.toml";
/// Name of the log file inside the platform's state (or local data) folder.
pub const LOG_FILE_NAME: &str = "sipscope.log";
/// The example configuration shipped at the repository root; it parses to the defaults.
pub const EXAMPLE: &str = include_str!("../../config.example.toml");

/// Seconds between sweeps in the dashboard's watch mode, unless configured.
pub const DEFAULT_WATCH_INTERVAL: Duration = Duration::from_secs(10);

/// How much the log file records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
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
    pub const ALL: [LogLevel; 6] = [
        LogLevel::Off,
        LogLevel::Error,
        LogLevel::Warn,
        LogLevel::Info,
        LogLevel::Debug,
        LogLevel::Trace,
    ];

    /// The level named `name` (as in the config file), if any.
    pub fn from_name(name: &str) -> Option<LogLevel> {
        LogLevel::ALL.into_iter().find(|l| l.as_str() == name)
    }

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
    #[error("config file {}, line {line}{}: {}", crate::text::echo(&path.display().to_string()), key.as_ref().map(|k| format!(", key `{}`", crate::text::echo(k))).unwrap_or_default(), crate::text::echo_max(message, 300))]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        key: Option<String>,
        message: String,
    },
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

/// Everything resolved from command line, environment, file and defaults:
/// what the commands and the dashboard read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The file layer over the defaults (its sweep keys are layered by [`sweep_options`]).
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
    pub fn load(args: &GlobalOverrides) -> Result<Resolved, ConfigError> {
        let (config, file) = load(args.config.as_deref())?;
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Resolved::merge(args, config, file, no_color).map_err(ConfigError::Option)
    }

    /// The pure merge: `args` (command line and environment) over `config`
    /// (file over defaults). `no_color_env` is whether NO_COLOR is set.
    pub fn merge(
        args: &GlobalOverrides,
        config: Config,
        config_file: ConfigFile,
        no_color_env: bool,
    ) -> Result<Resolved, String> {
        let watch = args.watch_interval.unwrap_or(config.watch_interval);
        check_watch_interval(watch).map_err(|e| format!("--watch-interval: {e}"))?;
        let colours = if let Some(c) = args.colour {
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
    // With logging off no log file is written: none is listed.
    let log = if resolved.log_level == LogLevel::Off {
        "none (log level off)".to_string()
    } else {
        // The dashboard writes one file a day beside this name
        // (sipscope.YYYY-MM-DD.log) and keeps the last few.
        format!(
            "{}  (one a day as {}, the last 7 kept)",
            show(&resolved.log_file),
            resolved
                .log_file
                .as_ref()
                .and_then(|p| p.file_stem())
                .map_or("-".into(), |s| format!(
                    "{}.YYYY-MM-DD.log",
                    s.to_string_lossy()
                ))
        )
    };
    format!(
        "config file      {}  ({config_state})\nsnapshot folder  {}  ({})\nlog file         {log}\n",
        show(&f.path),
        show(&resolved.snapshot_dir),
        exists(&resolved.snapshot_dir, true),
    )
}

#[cfg(test)]
mod tests;
