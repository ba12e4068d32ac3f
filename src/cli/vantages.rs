//! `sipscope check --vantage LABEL=IP …`: one sweep per vantage, all at
//! once (D12). Every vantage gets its own table, selected row and verdict;
//! the rows where they disagree are named; exit 0 only when every vantage
//! signs in.

use crate::config::Vantage;
use crate::engine::CheckResult;
use crate::error::{Failure, exit};
use crate::model::SweepReport;
use crate::model::authority::Authority;
use crate::model::vantage::VantageReport;
use crate::sweep::{SweepOptions, SweepSettings};
use crate::{out, report};

pub fn run(
    result: &CheckResult,
    options: &SweepOptions,
    vantages: &[Vantage],
    authoritative: bool,
    json: bool,
    save_in: Option<&std::path::Path>,
    strict: bool,
) -> Result<u8, Failure> {
    let target = &result.target;
    let summaries: Vec<_> = vantages
        .iter()
        .map(|v| {
            let mut o = options.clone();
            o.resolvers = v.resolvers.clone();
            crate::snapshot::SettingsSummary::from_settings(&SweepSettings::new(target.clone(), o))
        })
        .collect();
    if result.vantages.len() != vantages.len() {
        return Err(Failure::runtime("a vantage did not finish"));
    }
    let reports: Vec<SweepReport> = result.vantages.iter().map(|v| v.report.clone()).collect();
    // D11 per vantage: each group of clients' resolvers find their own zone
    // (split-brain DNS has two); a lookup that could not run is a finding.
    let authority: Vec<Option<Authority>> = result
        .vantages
        .iter()
        .map(|v| v.authority.clone())
        .collect();
    let each: Vec<VantageReport> = vantages
        .iter()
        .zip(&reports)
        .map(|(v, r)| VantageReport::of(&v.label, r))
        .collect();
    if json {
        out::println(&report::to_json_with_vantages(
            &reports[0],
            &each,
            authoritative.then_some(&authority[..]),
        ))?;
    } else {
        out::print(&super::console::for_console(report::vantages::text(
            &reports, &each, &authority,
        )))?;
    }
    if let Some(dir) = save_in {
        // One snapshot holds every vantage (and the zone's view of each):
        // `snapshots diff` compares them vantage by vantage.
        let vantages = vantages
            .iter()
            .zip(&reports)
            .zip(&authority)
            .map(|((v, r), a)| crate::snapshot::SavedVantage {
                label: v.label.clone(),
                resolvers: r.resolvers.clone(),
                current: r.clone(),
                authoritative: a.clone(),
            })
            .collect();
        let views = crate::snapshot::Views {
            vantages,
            authoritative: authority.first().cloned().flatten(),
        };
        let saved = crate::snapshot::commands::save_one(dir, &reports[0], &summaries[0], views)?;
        out::eprintln(&format!(
            "sipscope: {} vantages saved to {} (and {})",
            each.len(),
            saved.json.display(),
            saved.markdown.display()
        ));
    }
    // D18: the worst vantage decides; degraded passes unless --strict.
    let worst = crate::model::state::worst(each.iter().map(|v| v.verdict.state));
    Ok(if worst.is_some_and(|s| s.passes(strict)) {
        exit::OK
    } else {
        exit::FAIL
    })
}
