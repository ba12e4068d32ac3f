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
    render_styled(report, false)
}

/// ANSI colour of a status: green found, red failures, yellow missing.
fn ansi(status: Status) -> &'static str {
    match status {
        Status::Found => "\x1b[32m",
        Status::Missing | Status::Rejected => "\x1b[33m",
        // D8: never asked: dimmed, as in the dashboard.
        Status::Skipped => "\x1b[2m",
        s if s.in_flight() => "\x1b[36m",
        _ => "\x1b[31m",
    }
}

const RESET: &str = "\x1b[0m";

/// [`render`], with the status cells and the verdict in colour when
/// `colour` (a terminal, `--color always`). The colour codes are sipscope's
/// own; every text from the network is escaped before them.
pub fn render_styled(report: &SweepReport, colour: bool) -> String {
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
        "sipscope check  {}  domain {}  profile {}{}  resolver {}  ({} ms)",
        clean(&report.input),
        clean(&report.domain),
        clean(&report.profile),
        // Issue 20: the client generation whose row is marked, by name.
        crate::plan::profile(&report.profile)
            .map(|p| format!(" ({}: its row is marked ▶)", p.title))
            .unwrap_or_default(),
        clean(&report.resolvers.join(", ")),
        report.elapsed_ms
    );
    let line = |cells: &[String], mark: &str, status: Option<Status>| {
        let mut s = format!("{mark:<2}");
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            let pad = w.saturating_sub(cell.chars().count());
            match status.filter(|_| colour && i == 4) {
                Some(st) => s.push_str(&format!("{}{cell}{RESET}", ansi(st))),
                None => s.push_str(cell),
            }
            s.push_str(&" ".repeat(pad + 2));
        }
        s.trim_end().to_string()
    };
    let headers: Vec<String> = HEADERS.iter().map(|h| h.to_string()).collect();
    let _ = writeln!(out, "{}", line(&headers, "", None));
    for (r, cells) in report.records.iter().zip(&rows) {
        let selected = report.selected == Some(r.index);
        let mark = if selected { "▶" } else { "" };
        let mut l = line(cells, mark, Some(r.status));
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
            // D17: what answered the REGISTER at the target in use.
            let sip = r
                .used()
                .and_then(|t| t.sip.as_ref())
                .map(|s| format!("  #{} sip: {}", r.index, clean(&s.summary())));
            detail.into_iter().chain(sip).chain(
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
    let summary = clean(&report.verdict.summary);
    if colour {
        let tint = match report.verdict.state {
            crate::model::State::Ok => ansi(Status::Found),
            crate::model::State::Degraded => ansi(Status::Missing),
            _ => ansi(Status::Unreachable),
        };
        let _ = writeln!(out, "\n{tint}{summary}{RESET}");
    } else {
        let _ = writeln!(out, "\n{summary}");
    }
    degraded_lines(&mut out, report);
    out
}

/// D18: a degraded verdict says so, with every reason, under the summary.
fn degraded_lines(out: &mut String, report: &SweepReport) {
    if report.verdict.state != crate::model::State::Degraded {
        return;
    }
    let _ = writeln!(
        out,
        "Degraded (D18): sign-in works today, but fix this before it breaks:"
    );
    for d in &report.verdict.degraded {
        let _ = writeln!(out, "  - {}", clean(&d.sentence));
    }
}
