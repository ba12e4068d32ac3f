//! `sipscope check`: one sweep, printed; exit 0 when sign-in works, 1 when not.

use crate::config::{Resolved, SweepOverrides, sweep_options};
use crate::engine::{CheckRequest, Engine, EngineSettings};
use crate::error::{Failure, exit};
use crate::input::parse_target;
use crate::snapshot::{SettingsSummary, SnapshotError};
use crate::sweep::SweepSettings;
use crate::{out, report};

use super::CheckArgs;

pub fn run(args: &CheckArgs, sweep: &SweepOverrides, config: &Resolved) -> Result<u8, Failure> {
    let input = config.address(args.input.as_deref()).ok_or_else(|| {
        Failure::usage("give an address (sipscope check ADDRESS) or set `address` in the config")
    })?;
    let target = parse_target(&input)?;
    let named = crate::config::vantages(sweep, &config.config)?;
    let authoritative = sweep.authoritative || config.config.authoritative;
    let options = sweep_options(sweep, None, &config.config)?;
    if !named.is_empty() {
        // --save keeps one snapshot per vantage (`snapshots diff` compares them).
        let save_in = if args.save {
            Some(config.snapshot_dir.clone().ok_or(SnapshotError::NoFolder)?)
        } else {
            None
        };
        let engine = Engine::new(EngineSettings {
            options: options.clone(),
            vantages: named.clone(),
            authoritative,
            join_questions: false,
        })?;
        let runtime = super::runtime()?;
        let result = runtime.block_on(engine.check(&CheckRequest::new(target), None));
        return super::vantages::run(
            &result,
            &options,
            &named,
            authoritative,
            args.json,
            save_in.as_deref(),
            args.strict,
        );
    }
    // A resolver given by host name: say which address is asked.
    if let crate::probe::ResolverSpec::Servers(servers) = &options.resolvers {
        let given = if sweep.resolvers.is_empty() {
            &config.config.resolvers
        } else {
            &sweep.resolvers
        };
        for (name, addr) in given.iter().zip(servers) {
            if crate::probe::ResolverSpec::server_name(name).is_some() {
                out::eprintln(&format!(
                    "sipscope: resolver {} is {addr}",
                    crate::text::echo_max(name.trim(), 80)
                ));
            }
        }
    }
    if !options.dial.is_empty() {
        // Say so: the addresses probed are not the ones DNS gave.
        out::eprintln(&format!(
            "sipscope: {} dial overrides in effect (--lab-dial / --dial): probes reach the lab's listeners, not the addresses DNS gave",
            options.dial.len()
        ));
    }
    let summary =
        SettingsSummary::from_settings(&SweepSettings::new(target.clone(), options.clone()))
            .with_config_file(
                config
                    .config_file
                    .loaded
                    .then(|| config.config_file.path.clone())
                    .flatten(),
            );
    let engine = Engine::new(EngineSettings {
        options,
        vantages: Vec::new(),
        authoritative,
        join_questions: false,
    })?;
    let runtime = super::runtime()?;
    let result = runtime.block_on(engine.check(&CheckRequest::new(target), None));
    let Some(only) = result.vantages.into_iter().next() else {
        return Err(Failure::runtime("the check returned no report"));
    };
    // D11, issue 21.7: a lookup that could not run is part of the document.
    let (report, authority) = (only.report, only.authority);
    if args.json {
        out::println(&report::check_json(&report, authority.as_ref()))?;
    } else {
        let styled = colour(args, config);
        out::print(&super::console::for_console(report::check_text(
            &report,
            authority.as_ref(),
            styled,
        )))?;
    }
    if args.save {
        let dir = config
            .snapshot_dir
            .as_deref()
            .ok_or(SnapshotError::NoFolder)?;
        let views = crate::snapshot::Views {
            vantages: Vec::new(),
            authoritative: authority,
        };
        let saved = crate::snapshot::commands::save_one(dir, &report, &summary, views)?;
        out::eprintln(&format!(
            "sipscope: snapshot saved to {} (and {})",
            saved.json.display(),
            saved.markdown.display()
        ));
    }
    // D18: degraded still signs in (exit 0) unless --strict.
    Ok(if report.state().passes(args.strict) {
        exit::OK
    } else {
        exit::FAIL
    })
}

/// Colours in the table: `--color always`, or on a terminal unless
/// `--color never`, `NO_COLOR` or the config file say otherwise.
fn colour(args: &CheckArgs, config: &Resolved) -> bool {
    use std::io::IsTerminal;
    if args.color.no_colour {
        return false;
    }
    match args.color.color {
        Some(super::ColorWhen::Always) => true,
        Some(super::ColorWhen::Never) => false,
        _ => config.colours && std::io::stdout().is_terminal(),
    }
}
