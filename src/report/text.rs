//! The readable `check` table: every row in the client's order, the selected
//! row marked, then warnings and the verdict.

use std::fmt::Write;

use crate::model::{Status, SweepReport};
use crate::text::clean;

/// Column values of one row, as shown by `check`, snapshots and the
/// dashboard. Names and addresses come from the network: escaped here.
pub fn columns(r: &crate::model::RecordResult) -> [String; 9] {
    [
        r.index.to_string(),
        clean(&r.name).into_owned(),
        r.kind.label().to_string(),
        r.transport.label().to_string(),
        format!("{} {}", r.status.symbol(), r.status),
        if r.targets.is_empty() {
            "-".into()
        } else {
            clean(&r.target_label()).into_owned()
        },
        clean(r.first_address().unwrap_or("-")).into_owned(),
        r.ttl.map(|t| t.to_string()).unwrap_or_else(|| "-".into()),
        format!("{} ms", r.elapsed_ms),
    ]
}

/// The headings of [`columns`], shared by every table of records.
pub const HEADERS: [&str; 9] = [
    "#", "query", "type", "via", "status", "target", "address", "TTL", "time",
];

/// Renders the report as a plain-text table followed by the verdict.
pub fn render(report: &SweepReport) -> String {
    let rows: Vec<[String; 9]> = report.records.iter().map(columns).collect();
    let mut widths = HEADERS.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "sipscope check  {}  domain {}  profile {}  resolver {}  ({} ms)",
        clean(&report.input),
        clean(&report.domain),
        clean(&report.profile),
        clean(&report.resolvers.join(", ")),
        report.elapsed_ms
    );
    let line = |cells: &[String], mark: &str| {
        let mut s = format!("{mark:<2}");
        for (cell, w) in cells.iter().zip(widths) {
            let pad = w.saturating_sub(cell.chars().count());
            s.push_str(cell);
            s.push_str(&" ".repeat(pad + 2));
        }
        s.trim_end().to_string()
    };
    let headers: Vec<String> = HEADERS.iter().map(|h| h.to_string()).collect();
    let _ = writeln!(out, "{}", line(&headers, ""));
    for (r, cells) in report.records.iter().zip(&rows) {
        let selected = report.selected == Some(r.index);
        let mark = if selected { "▶" } else { "" };
        let mut l = line(cells, mark);
        if selected {
            l.push_str("  ◀ client uses this");
        }
        let _ = writeln!(out, "{l}");
    }
    let notes: Vec<String> = report
        .records
        .iter()
        .flat_map(|r| {
            let detail = (r.status != Status::Missing
                || report.selected == Some(r.index)
                || !r.targets.is_empty())
            .then(|| format!("  #{} {}: {}", r.index, r.status, clean(&r.detail)));
            detail.into_iter().chain(
                r.warnings
                    .iter()
                    .map(move |w| format!("  #{} warning: {}", r.index, clean(w))),
            )
        })
        .collect();
    if !notes.is_empty() {
        let _ = writeln!(out, "\nDetails:");
        for n in notes {
            let _ = writeln!(out, "{n}");
        }
    }
    if !report.clients.is_empty() {
        // Every generation from the same sweep (issue 10, D3/D13).
        let _ = writeln!(out, "\nEvery client generation:");
        for c in &report.clients {
            let line = crate::model::clients::short_line(c, &report.domain);
            let _ = writeln!(out, "  {}", clean(&line));
        }
    }
    let _ = writeln!(out, "\n{}", clean(&report.verdict.summary));
    out
}
