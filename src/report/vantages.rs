//! The `check --vantage` text (D12): each vantage's table, where they
//! disagree, every verdict, then each vantage's authoritative view (D11).

use std::fmt::Write;

use crate::model::SweepReport;
use crate::model::authority::Authority;
use crate::model::vantage::{VantageReport, all_work, disagreements};
use crate::text::clean;

/// Everything `check --vantage` prints without `--json`.
pub fn text(
    reports: &[SweepReport],
    each: &[VantageReport],
    authority: &[Option<Authority>],
) -> String {
    let mut out = tables(reports, each);
    for ((r, v), a) in reports.iter().zip(each).zip(authority) {
        if let Some(a) = a {
            out.push_str(&format!(
                "\n── vantage {} ──{}",
                clean(&v.label),
                super::authority::text(r, a)
            ));
        }
    }
    out
}

/// Each vantage's table, then where they disagree and every verdict.
fn tables(reports: &[SweepReport], each: &[VantageReport]) -> String {
    let mut out = String::new();
    for (r, v) in reports.iter().zip(each) {
        let _ = writeln!(
            out,
            "── vantage {} ({}) ──",
            clean(&v.label),
            clean(&v.resolvers.join(", "))
        );
        out.push_str(&super::text::render(r));
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
