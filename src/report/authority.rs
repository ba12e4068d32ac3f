//! D11 as text: the zone's own servers, their serials, and the records
//! where the resolver differs (`check --authoritative`, `snapshots show`).

use std::fmt::Write;

use crate::model::SweepReport;
use crate::model::authority::Authority;
use crate::text::clean;

/// The servers, their serials, and the records where the resolver differs.
pub fn text(report: &SweepReport, a: &Authority) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\nAuthoritative servers of zone {} (asked directly, D11):",
        clean(&a.view.zone)
    );
    for s in &a.view.servers {
        let serial = s.serial.map_or("-".to_string(), |n| n.to_string());
        let _ = writeln!(
            out,
            "  {}  {}  serial {serial}  {}",
            clean(&s.name),
            clean(&s.address),
            clean(&s.status)
        );
    }
    let differ: Vec<String> = report
        .records
        .iter()
        .filter_map(|r| {
            a.records
                .get(&r.index)
                .filter(|x| !x.agrees)
                .map(|x| format!("  #{} {}: {}", r.index, clean(&r.name), clean(&x.detail)))
        })
        .collect();
    let none_answered = a.records.is_empty() && a.view.servers.iter().all(|s| s.serial.is_none());
    if none_answered {
        // Issue 21.7: the lookup failed; that is the finding, not agreement.
        let _ = writeln!(
            out,
            "No server of the zone could be asked: nothing was compared (D11)."
        );
    } else if differ.is_empty() {
        let _ = writeln!(out, "The resolver agrees with what the zone publishes.");
    } else {
        let _ = writeln!(out, "The resolver differs from the zone:");
        for d in differ {
            let _ = writeln!(out, "{d}");
        }
        let _ = writeln!(
            out,
            "Sign-in is judged on the resolver's answers: that is what clients see until it expires."
        );
    }
    out
}
