//! `sipscope check --vantage LABEL=IP …`: one sweep per vantage, all at
//! once (D12). Every vantage gets its own table, selected row and verdict;
//! the rows where they disagree are named; exit 0 only when every vantage
//! signs in.

use std::fmt::Write;

use crate::config::Vantage;
use crate::engine::CheckResult;
use crate::error::{Failure, exit};
use crate::model::SweepReport;
use crate::model::authority::Authority;
use crate::model::vantage::{VantageReport, all_work, disagreements};
use crate::sweep::{SweepOptions, SweepSettings};
use crate::text::clean;
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
        out::print(&text(&reports, &each))?;
        for ((r, v), a) in reports.iter().zip(&each).zip(&authority) {
            if let Some(a) = a {
                out::print(&format!(
                    "\n── vantage {} ──{}",
                    clean(&v.label),
                    crate::report::authority::text(r, a)
                ))?;
            }
        }
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

/// Each vantage's table, then where they disagree and every verdict.
pub fn text(reports: &[SweepReport], each: &[VantageReport]) -> String {
    let mut out = String::new();
    for (r, v) in reports.iter().zip(each) {
        let _ = writeln!(
            out,
            "── vantage {} ({}) ──",
            clean(&v.label),
            clean(&v.resolvers.join(", "))
        );
        out.push_str(&report::text::render(r));
        out.push('\n');
    }
    let differ = disagreements(each);
    if differ.is_empty() {
        let _ = writeln!(out, "The vantages agree on every record.");
    } else {
        let _ = writeln!(out, "The vantages disagree (D12):");
        for d in &differ {
            let _ = writeln!(out, "  {}", clean(&d.to_string()));
        }
    }
    let _ = writeln!(out, "Verdicts:");
    for v in each {
        let mark = match v.verdict.state {
            crate::model::State::Ok => "✓",
            crate::model::State::Degraded => "! degraded:",
            _ => "✗",
        };
        let _ = writeln!(
            out,
            "  {mark} {}: {}",
            clean(&v.label),
            clean(&v.verdict.summary)
        );
    }
    let works = all_work(each);
    let _ = writeln!(
        out,
        "{}",
        if works {
            "Sign-in works from every vantage."
        } else {
            "Sign-in fails from at least one vantage: a deployment works only when every vantage works (D12)."
        }
    );
    out
}
