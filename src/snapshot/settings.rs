//! The settings a session ran with, recorded in its snapshot so that
//! `open` sweeps again as it did (the command line still wins, config::layers).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::sweep::SweepSettings;

fn stage_on() -> bool {
    true
}

/// The settings a session ran with, recorded beside its sweeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsSummary {
    /// The address as the user gave it.
    pub input: String,
    pub domain: String,
    pub profile: String,
    /// `["system"]` or the servers asked.
    pub resolvers: Vec<String>,
    pub timeout_ms: u64,
    /// Extra trusted CA files, by path.
    #[serde(default)]
    pub ca_files: Vec<PathBuf>,
    #[serde(default)]
    pub system_roots: bool,
    #[serde(default)]
    pub trusted_domains: Vec<String>,
    #[serde(default)]
    pub strict_dns_naming: bool,
    #[serde(default)]
    pub allow_tcp: bool,
    /// D17: whether the REGISTER stage ran (`--no-sip` turns it off);
    /// snapshots from before it was recorded ran it.
    #[serde(default = "stage_on")]
    pub sip: bool,
    /// D18: the certificate expiry warning window, in days.
    #[serde(default = "crate::model::state::default_window")]
    pub expiry_warning_days: u32,
    /// The configuration file read, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_file: Option<PathBuf>,
}

impl SettingsSummary {
    /// What `settings` says, minus what a ticket does not need (dial overrides, in-memory CAs).
    pub fn from_settings(settings: &SweepSettings) -> SettingsSummary {
        SettingsSummary {
            input: settings.target.input.clone(),
            domain: settings.target.domain.clone(),
            profile: settings.options.profile.name.clone(),
            resolvers: settings.options.resolvers.labels(),
            timeout_ms: settings
                .options
                .timeout
                .as_millis()
                .try_into()
                .unwrap_or(u64::MAX),
            ca_files: settings.options.ca_files.clone(),
            system_roots: settings.options.system_roots,
            trusted_domains: settings.options.trust.trusted_domains.clone(),
            strict_dns_naming: settings.options.trust.strict_dns_naming,
            allow_tcp: settings.options.allow_tcp,
            sip: settings.options.sip,
            expiry_warning_days: settings.options.expiry_warning_days,
            config_file: None,
        }
    }

    /// Records which configuration file was in use.
    pub fn with_config_file(mut self, path: Option<PathBuf>) -> SettingsSummary {
        self.config_file = path;
        self
    }
}
