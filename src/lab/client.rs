//! How a sweep talks to the lab: its DNS server, its CA, its dial overrides.
//! One place, used by the tests, the benchmarks and `sipscope demo`.

use std::time::Duration;

use super::Lab;
use super::LabError;
use crate::input::parse_target;
use crate::plan::{DEFAULT_PROFILE, profile};
use crate::probe::ResolverSpec;
use crate::sweep::{SweepOptions, SweepSettings};

/// Per-step limit inside the lab: loopback answers in microseconds, so a
/// short limit keeps the hostile scenario (silent servers) quick to show.
pub const LAB_TIMEOUT: Duration = Duration::from_millis(2000);

impl Lab {
    /// Settings for sweeping `address` through this lab with the default
    /// profile: the lab's DNS server, trust in the lab CA only, and the dial
    /// overrides that reach its listeners.
    pub fn sweep_settings(&self, address: &str) -> Result<SweepSettings, LabError> {
        let target = parse_target(address).map_err(|e| LabError::Setup(e.to_string()))?;
        let profile = profile(DEFAULT_PROFILE).map_err(|e| LabError::Setup(e.to_string()))?;
        let options = SweepOptions::new(profile, ResolverSpec::System);
        let mut settings = SweepSettings::new(target, options);
        self.apply_to(&mut settings);
        Ok(settings)
    }

    /// Engine settings that check through this lab (the default profile, one
    /// unnamed vantage: the lab's DNS server; see [`Lab::apply_to`]).
    pub fn engine_settings(&self) -> Result<crate::engine::EngineSettings, LabError> {
        let settings = self.sweep_settings("lab.invalid")?;
        Ok(crate::engine::EngineSettings::new(settings.options))
    }

    /// Points `settings` at this lab, whatever they said before: its DNS
    /// server, trust in the lab CA only (no system roots, no CA files), the
    /// dial overrides that reach its listeners and the lab's step limit.
    /// Address, profile and trust rules are left as they are.
    pub fn apply_to(&self, settings: &mut SweepSettings) {
        settings.options.resolvers = ResolverSpec::Servers(vec![self.dns_addr()]);
        settings.options.timeout = LAB_TIMEOUT;
        settings.options.system_roots = false;
        settings.options.ca_files.clear();
        settings.options.extra_ca_pem = Some(self.ca_pem().to_string());
        settings.options.dial = std::sync::Arc::new(self.dial_overrides().into_iter().collect());
    }

    /// Command-line flags that point `sipscope check` at this lab from outside
    /// (the CA must be written to `ca_path` first).
    pub fn check_flags(&self, ca_path: &std::path::Path) -> Vec<String> {
        let mut flags = vec![
            "--resolver".to_string(),
            self.dns_addr().to_string(),
            "--ca-file".to_string(),
            ca_path.display().to_string(),
            "--no-system-roots".to_string(),
            "--timeout-ms".to_string(),
            LAB_TIMEOUT.as_millis().to_string(),
        ];
        for (from, to) in self.dial_overrides() {
            flags.push(format!("--dial={from}={to}"));
        }
        flags
    }
}
