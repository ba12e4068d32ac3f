//! The configuration file: its keys (every one optional, each documented
//! in `config.example.toml`), their checks, and errors that name the file,
//! line and key.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer};

use super::{ConfigError, DEFAULT_WATCH_INTERVAL, LogLevel};
use crate::input::normalise_domain;
use crate::plan;
use crate::probe::ResolverSpec;

const TIMEOUT_RANGE: std::ops::RangeInclusive<u64> = 1..=600_000;
const WATCH_RANGE: std::ops::RangeInclusive<u64> = 1..=86_400;

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
    /// D11: also ask the zone's own servers on every sweep.
    pub authoritative: bool,
    /// D13: ports besides 80 and 443 that an autodiscover redirect or link may use.
    #[serde(deserialize_with = "de_ports")]
    pub allow_ports: Vec<u16>,
    /// D17: send one unauthenticated REGISTER after a passing connection.
    pub sip: bool,
    /// D12: named groups of resolvers swept side by side (`[[vantage]]`).
    #[serde(deserialize_with = "de_vantages")]
    pub vantage: Vec<VantageConfig>,
    /// D18: a used certificate expiring within this many days makes the verdict `degraded`.
    #[serde(deserialize_with = "de_expiry_days")]
    pub expiry_warning_days: u32,
    /// D19: queries of one resolver in flight at once.
    #[serde(deserialize_with = "de_in_flight")]
    pub dns_in_flight: usize,
    /// `sipscope serve`: the only domains probes may ask about (`x` or `*.x`); empty: any.
    pub allow_domains: Vec<String>,
}

/// One `[[vantage]]` table: the resolvers one group of clients uses.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VantageConfig {
    pub label: String,
    pub resolvers: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            address: None,
            profile: plan::DEFAULT_PROFILE.to_string(),
            resolvers: Vec::new(),
            timeout_ms: crate::sweep::DEFAULT_TIMEOUT.as_millis() as u64,
            ca_files: Vec::new(),
            system_roots: true,
            trusted_domains: Vec::new(),
            strict_dns_naming: true,
            watch_interval: DEFAULT_WATCH_INTERVAL.as_secs(),
            snapshot_dir: None,
            log_level: LogLevel::default(),
            colours: true,
            authoritative: false,
            allow_ports: Vec::new(),
            sip: true,
            vantage: Vec::new(),
            expiry_warning_days: crate::model::state::DEFAULT_EXPIRY_WARNING_DAYS,
            dns_in_flight: crate::probe::dns::MAX_IN_FLIGHT,
            allow_domains: Vec::new(),
        }
    }
}

fn de_expiry_days<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    checked(d, |v: &u32| check_expiry_days(*v))
}

fn de_in_flight<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    checked(d, |v: &usize| check_in_flight(*v))
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

fn de_ports<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u16>, D::Error> {
    checked(d, |ports: &Vec<u16>| {
        match ports.iter().find(|p| **p == 0) {
            Some(_) => Err("port 0 cannot be dialled; give ports from 1 to 65535".into()),
            None => Ok(()),
        }
    })
}

fn de_address<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    checked(d, |a: &String| {
        crate::input::parse_target(a)
            .map(drop)
            .map_err(|e| e.to_string())
    })
    .map(Some)
}

fn de_profile<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    checked(d, |p: &String| {
        plan::profile(p).map(drop).map_err(|e| e.to_string())
    })
}

fn de_vantages<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<VantageConfig>, D::Error> {
    checked(d, |vs: &Vec<VantageConfig>| {
        for v in vs {
            check_label(&v.label)?;
            resolver_spec(&v.resolvers)?;
        }
        Ok(())
    })
}

/// A vantage label: a short word to show in tables and JSON.
pub(crate) fn check_label(label: &str) -> Result<(), String> {
    let ok = !label.is_empty()
        && label.chars().count() <= 24
        && label
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "vantage label '{}' must be 1 to 24 letters, digits, '-', '_' or '.' (e.g. inside, outside)",
            crate::text::echo_max(label, 40)
        ))
    }
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

pub(crate) fn check_timeout(ms: u64) -> Result<(), String> {
    if TIMEOUT_RANGE.contains(&ms) {
        Ok(())
    } else {
        Err(format!(
            "timeout {ms} ms is out of range; give 1 to 600000 milliseconds"
        ))
    }
}

pub(crate) fn check_expiry_days(days: u32) -> Result<(), String> {
    if days <= 3650 {
        Ok(())
    } else {
        Err(format!(
            "expiry warning window {days} days is out of range; give 0 to 3650 days"
        ))
    }
}

pub(crate) fn check_in_flight(n: usize) -> Result<(), String> {
    let range = crate::probe::dns::IN_FLIGHT_RANGE;
    if range.contains(&n) {
        Ok(())
    } else {
        Err(format!(
            "{n} queries in flight is out of range; give {} to {}",
            range.start(),
            range.end()
        ))
    }
}

pub(crate) fn check_watch_interval(secs: u64) -> Result<(), String> {
    if WATCH_RANGE.contains(&secs) {
        Ok(())
    } else {
        Err(format!(
            "watch interval {secs} s is out of range; give 1 to 86400 seconds"
        ))
    }
}

pub(crate) fn normalise_domains(domains: &[String]) -> Result<Vec<String>, String> {
    domains
        .iter()
        .map(|d| normalise_domain(d.trim()).map_err(|e| e.to_string()))
        .collect()
}

/// `[]` or `["system"]` → the system's resolver; otherwise a pool of servers.
pub(crate) fn resolver_spec(resolvers: &[String]) -> Result<ResolverSpec, String> {
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
        Some(span) => crate::text::position(text, span.start),
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
