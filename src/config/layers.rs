//! The layering of sweep settings: command line and environment (one layer,
//! as the command line hands them over) > a snapshot's settings (in `open`) >
//! the configuration file > the built-in defaults. Plain types only: the
//! command-line parser fills [`SweepOverrides`] and [`GlobalOverrides`].

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{
    Config, ConfigError, LogLevel, check_label, check_timeout, normalise_domains, resolver_spec,
};
use crate::model::TrustSettings;
use crate::plan;
use crate::probe::{DialOverrides, ResolverSpec, parse_dial_override};
use crate::snapshot::SettingsSummary;
use crate::sweep::SweepOptions;

/// The sweep keys as given on the command line or in the environment;
/// `None`/empty means "not given", so the layer below decides.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SweepOverrides {
    pub resolvers: Vec<String>,
    pub profile: Option<String>,
    pub ca_files: Vec<PathBuf>,
    pub system_roots: Option<bool>,
    pub timeout_ms: Option<u64>,
    pub trusted_domains: Vec<String>,
    pub strict_dns_naming: Option<bool>,
    /// `Some(false)`: TCP is forbidden by policy (D8 `rejected`).
    pub allow_tcp: Option<bool>,
    /// `FROM=TO` dial overrides (lab and tests).
    pub dial: Vec<String>,
    /// A file of `FROM=TO` lines (`sipscope lab` writes one), added to `dial`.
    pub lab_dial: Option<PathBuf>,
    /// D12: `LABEL=IP[:PORT][,IP[:PORT]…]`, one per vantage.
    pub vantages: Vec<String>,
    /// D11: also ask the zone's own servers (`--authoritative`).
    pub authoritative: bool,
    /// D13: ports besides 80/443 for autodiscover redirects and links.
    pub allow_ports: Vec<u16>,
    /// D17: `Some(false)` turns the REGISTER stage off (`--no-sip`).
    pub sip: Option<bool>,
    /// D18: `--expiry-warning-days`.
    pub expiry_warning_days: Option<u32>,
    /// D19: `--dns-in-flight`.
    pub dns_in_flight: Option<usize>,
}

/// The options every command understands, as given (unset = `None`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GlobalOverrides {
    pub config: Option<PathBuf>,
    pub snapshot_dir: Option<PathBuf>,
    pub watch_interval: Option<u64>,
    pub log_level: Option<LogLevel>,
    pub colour: Option<bool>,
}

/// The dial overrides in a `--lab-dial` file: one `FROM=TO` a line; blank
/// lines and `#` comments are skipped.
fn lab_dial(path: &Path) -> Result<HashMap<SocketAddr, SocketAddr>, String> {
    let text = crate::fsread::read_to_string(path, crate::fsread::CONFIG_MAX).map_err(|e| {
        format!(
            "cannot read {}: {e}",
            crate::text::echo(&path.display().to_string())
        )
    })?;
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(parse_dial_override)
        .collect::<Result<HashMap<_, _>, _>>()
        .map_err(|e| format!("{}: {e}", crate::text::echo(&path.display().to_string())))
}

/// D13: the command line's (or environment's) ports, else the file's; a
/// snapshot does not carry them. Port 0 cannot be dialled.
fn allow_ports(given: &[u16], file: &[u16]) -> Result<Vec<u16>, String> {
    let ports = if given.is_empty() { file } else { given };
    if ports.contains(&0) {
        return Err("port 0 cannot be dialled; give a port from 1 to 65535".into());
    }
    Ok(ports.to_vec())
}

/// The value of the highest layer that has one.
fn pick<T: Clone>(given: &[T], snapshot: Option<&[T]>, file: &[T]) -> Vec<T> {
    if !given.is_empty() {
        given.to_vec()
    } else if let Some(s) = snapshot {
        s.to_vec()
    } else {
        file.to_vec()
    }
}

/// Resolves the sweep options: `over` (command line and environment) over
/// `snapshot` (the settings an opened snapshot ran with) over `file` (the
/// configuration file over the defaults). Errors name the option at fault.
pub fn sweep_options(
    over: &SweepOverrides,
    snapshot: Option<&SettingsSummary>,
    file: &Config,
) -> Result<SweepOptions, ConfigError> {
    let bad = |option: &str, e: String| ConfigError::Option(format!("{option}: {e}"));
    let profile_name = over
        .profile
        .clone()
        .or_else(|| snapshot.map(|s| s.profile.clone()))
        .unwrap_or_else(|| file.profile.clone());
    let profile = plan::profile(&profile_name).map_err(|e| ConfigError::Option(e.to_string()))?;
    let resolvers = resolver_spec(&pick(
        &over.resolvers,
        snapshot.map(|s| s.resolvers.as_slice()),
        &file.resolvers,
    ))
    .map_err(|e| bad("--resolver", e))?;
    let timeout_ms = over
        .timeout_ms
        .or(snapshot.map(|s| s.timeout_ms))
        .unwrap_or(file.timeout_ms);
    check_timeout(timeout_ms).map_err(|e| bad("--timeout-ms", e))?;
    let expiry_warning_days = over
        .expiry_warning_days
        .or(snapshot.map(|s| s.expiry_warning_days))
        .unwrap_or(file.expiry_warning_days);
    super::check_expiry_days(expiry_warning_days).map_err(|e| bad("--expiry-warning-days", e))?;
    let dns_in_flight = over.dns_in_flight.unwrap_or(file.dns_in_flight);
    super::check_in_flight(dns_in_flight).map_err(|e| bad("--dns-in-flight", e))?;
    let trusted = pick(
        &over.trusted_domains,
        snapshot.map(|s| s.trusted_domains.as_slice()),
        &file.trusted_domains,
    );
    let mut dial = over
        .dial
        .iter()
        .map(|d| parse_dial_override(d))
        .collect::<Result<HashMap<_, _>, _>>()
        .map_err(|e| bad("--dial", e))?;
    if let Some(path) = &over.lab_dial {
        dial.extend(lab_dial(path).map_err(|e| bad("--lab-dial", e))?);
    }
    let dial = DialOverrides::new(dial);
    let allow_tcp = allow_tcp(&profile, over, snapshot);
    Ok(SweepOptions {
        profile,
        resolvers,
        timeout: Duration::from_millis(timeout_ms),
        ca_files: pick(
            &over.ca_files,
            snapshot.map(|s| s.ca_files.as_slice()),
            &file.ca_files,
        ),
        system_roots: over
            .system_roots
            .or(snapshot.map(|s| s.system_roots))
            .unwrap_or(file.system_roots),
        extra_ca_pem: None,
        trust: TrustSettings {
            trusted_domains: normalise_domains(&trusted).map_err(|e| bad("--trusted-domain", e))?,
            strict_dns_naming: over
                .strict_dns_naming
                .or(snapshot.map(|s| s.strict_dns_naming))
                .unwrap_or(file.strict_dns_naming),
        },
        allow_tcp,
        dial,
        allow_ports: allow_ports(&over.allow_ports, &file.allow_ports)
            .map_err(|e| bad("--allow-port", e))?,
        sip: over.sip.or(snapshot.map(|s| s.sip)).unwrap_or(file.sip),
        expiry_warning_days,
        dns_in_flight,
    })
}

/// D12: a named group of resolvers, swept as one vantage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vantage {
    pub label: String,
    pub resolvers: ResolverSpec,
}

/// D3: the profile says whether its client asks TCP rows unless the command
/// line or the snapshot said otherwise.
fn allow_tcp(
    profile: &plan::Profile,
    over: &SweepOverrides,
    snapshot: Option<&SettingsSummary>,
) -> bool {
    over.allow_tcp
        .or(snapshot.map(|s| s.allow_tcp))
        .unwrap_or(profile.tcp_by_default)
}

/// `options` (from [`sweep_options`]) with the profile `name` instead, as
/// [`sweep_options`] would give them, without resolving anything again (no
/// resolver host-name lookup, no file read: the dashboard's `p`).
pub fn with_profile(
    mut options: SweepOptions,
    name: &str,
    over: &SweepOverrides,
    snapshot: Option<&SettingsSummary>,
) -> Result<SweepOptions, ConfigError> {
    let profile = plan::profile(name).map_err(|e| ConfigError::Option(e.to_string()))?;
    options.allow_tcp = allow_tcp(&profile, over, snapshot);
    options.profile = profile;
    Ok(options)
}

/// Issue 21.6: at most this many vantages per check (each is a full sweep
/// through its own resolvers, all at once).
pub const MAX_VANTAGES: usize = 16;

/// The vantages to sweep: the command line's (`--vantage`) or the file's
/// (`[[vantage]]`); empty means one unnamed vantage, the `--resolver` pool.
/// More than [`MAX_VANTAGES`] is refused before any resolver name is looked up.
pub fn vantages(over: &SweepOverrides, file: &Config) -> Result<Vec<Vantage>, ConfigError> {
    let bad = |e: String| ConfigError::Option(format!("--vantage (or SIPSCOPE_VANTAGE): {e}"));
    let given = if over.vantages.is_empty() {
        (file.vantage.len(), "the config file's [[vantage]] tables")
    } else {
        (over.vantages.len(), "--vantage (or SIPSCOPE_VANTAGE)")
    };
    if given.0 > MAX_VANTAGES {
        return Err(ConfigError::Option(format!(
            "{} name {} vantages; at most {MAX_VANTAGES} are swept at once: keep the ones you compare",
            given.1, given.0
        )));
    }
    let mut out: Vec<Vantage> = Vec::new();
    if over.vantages.is_empty() {
        for v in &file.vantage {
            let in_file = |e: String| {
                ConfigError::Option(format!(
                    "the config file's [[vantage]] '{}': {e}",
                    crate::text::echo_max(&v.label, 40)
                ))
            };
            out.push(Vantage {
                label: v.label.clone(),
                resolvers: resolver_spec(&v.resolvers).map_err(in_file)?,
            });
        }
    } else {
        for raw in &over.vantages {
            let (label, servers) = raw.split_once('=').ok_or_else(|| {
                bad(format!(
                    "'{}' is not LABEL=IP[:PORT][,IP[:PORT]…] (e.g. inside=10.0.0.53)",
                    crate::text::echo_max(raw, 60)
                ))
            })?;
            let label = label.trim();
            check_label(label).map_err(bad)?;
            let servers: Vec<String> = servers.split(',').map(|s| s.trim().to_string()).collect();
            out.push(Vantage {
                label: label.to_string(),
                resolvers: resolver_spec(&servers).map_err(bad)?,
            });
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    if let Some(dup) = out.iter().find(|v| !seen.insert(v.label.clone())) {
        return Err(bad(format!("the label '{}' is given twice", dup.label)));
    }
    Ok(out)
}
