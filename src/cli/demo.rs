//! `sipscope demo`: the dashboard on the in-process lab, or `--list`; and
//! `sipscope lab`, the lab in the foreground. Both need the cargo feature
//! `lab` (on by default). A build without it keeps both commands in `--help`
//! and answers them with one line saying the build left the lab out (exit 2),
//! so the words are never taken for an address.

#[cfg(feature = "lab")]
use std::sync::Arc;

use crate::config::{Resolved, SweepOverrides};
use crate::error::Failure;
#[cfg(feature = "lab")]
use crate::error::exit;
#[cfg(feature = "lab")]
use crate::lab::{Lab, LabOptions};
#[cfg(feature = "lab")]
use crate::tui::demo::DemoExtension;

use super::{DemoArgs, LabArgs};

/// What `demo --vantage` (or `--vantage` before `demo`) is told.
pub const NO_VANTAGES: &str = "the demo takes no --vantage: its vantages come from the scenario \
(`sipscope demo split-view` sweeps its inside and outside views); --vantage is for real resolvers, \
e.g. `sipscope --vantage inside=10.0.0.53 contoso.com`";

/// The one line a build without the lab answers `demo` and `lab` with.
#[cfg(not(feature = "lab"))]
fn left_out(command: &str) -> Failure {
    Failure::usage(format!(
        "`sipscope {command}` needs the lab, which this build left out; \
         build with the default features (`cargo build --release --locked`)"
    ))
}

/// `sipscope demo` in a build without the lab: the one-line error.
#[cfg(not(feature = "lab"))]
pub fn run(_args: &DemoArgs, _sweep: &SweepOverrides, _config: &Resolved) -> Result<u8, Failure> {
    Err(left_out("demo"))
}

/// `sipscope lab` in a build without the lab: the one-line error.
#[cfg(not(feature = "lab"))]
pub fn lab(_args: &LabArgs) -> Result<u8, Failure> {
    Err(left_out("lab"))
}

/// `sipscope lab`: the lab in the foreground until Ctrl-C.
#[cfg(feature = "lab")]
pub fn lab(args: &LabArgs) -> Result<u8, Failure> {
    let scenarios = crate::lab::with_user_scenarios(&args.scenarios).map_err(Failure::usage)?;
    let rt = super::runtime()?;
    let delay = std::time::Duration::from_millis(args.dns_delay_ms.unwrap_or(0));
    rt.block_on(crate::lab::console::run_foreground(
        scenarios,
        args.ca_out.clone(),
        delay,
    ))
    .map_err(Failure::runtime)?;
    Ok(exit::OK)
}

/// `sweep` holds the profile (`--profile` before or after `demo`, or
/// `SIPSCOPE_PROFILE`); the lab supplies resolvers, CA and vantages.
#[cfg(feature = "lab")]
pub fn run(args: &DemoArgs, sweep: &SweepOverrides, config: &Resolved) -> Result<u8, Failure> {
    if !args.vantage.is_empty() {
        return Err(Failure::usage(NO_VANTAGES));
    }
    let scenarios = crate::lab::demo_scenarios()?;
    if let Some(name) = &args.scenario
        && !scenarios.iter().any(|s| s.name() == name)
    {
        let names: Vec<&str> = scenarios.iter().map(|s| s.name()).collect();
        return Err(Failure::usage(format!(
            "unknown scenario '{name}'; `sipscope demo --list` shows them ({})",
            names.join(", ")
        )));
    }
    if args.list {
        crate::out::print(&crate::lab::console::scenario_list(&scenarios))?;
        return Ok(exit::OK);
    }
    let first = match &args.scenario {
        Some(name) => name.clone(),
        None => scenarios
            .first()
            .map(|s| s.name().to_string())
            .ok_or_else(|| Failure::runtime("there are no demo scenarios"))?,
    };
    let address = scenarios
        .iter()
        .find(|s| s.name() == first)
        .map(|s| s.sip_address().to_string());
    // The lab runs on the dashboard's runtime; every sweep is pointed at it
    // (its DNS, its CA only, its listeners) by the demo extension.
    let profile_only = SweepOverrides {
        profile: sweep.profile.clone(),
        ..SweepOverrides::default()
    };
    crate::tui::run_dashboard_with(&profile_only, address.as_deref(), config, |rt| {
        let lab = rt.block_on(Lab::start(scenarios, LabOptions::default()))?;
        let demo = DemoExtension::new(Arc::new(lab), &first).map_err(Failure::runtime)?;
        Ok(Some(Box::new(demo)))
    })
}
