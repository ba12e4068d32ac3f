//! The records table: every row of the profile in the client's order, with
//! the client's row labelled, rejected rows saying why, and changes since the
//! previous sweep marked.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, HighlightSpacing, Paragraph, Row, Table, TableState, Wrap};

use super::columns::{self, Col, Give};
use super::common::{START_HINT, pane};
use crate::model::{RecordResult, Status};
use crate::report::text::columns;
use std::collections::BTreeMap;

use crate::tui::app::App;
use crate::tui::app::lanes::lane_disagreements;

/// The client's row (D7).
pub const CLIENT_USES: &str = "◀ client uses this";
/// Its short form, when the long one would be cut: it comes first in the
/// note and is never cut; the key bar explains it ([`legend`]).
pub const CLIENT_USES_SHORT: &str = "◀";

/// Why a rejected row was rejected, in a word or two (D4, D8).
pub fn rejected_reason(r: &RecordResult) -> &'static str {
    // The row's own reason says it (issue 17 item 5), not the empty target list.
    match r.reason {
        Some(crate::model::ReasonCode::TcpForbidden) => "TCP forbidden",
        _ => "out of domain",
    }
}

/// A row the vantages disagree on (D12).
pub const VANTAGES_DIFFER: &str = "≠ vantages";
/// A row where the resolver differs from the zone's servers (D11).
pub const ZONE_DIFFERS: &str = "≠ zone";

/// The short form of a [`disputed`] mark (explained by [`legend`]).
fn short_mark(long: &str) -> &'static str {
    match long {
        VANTAGES_DIFFER => "≠v",
        ZONE_DIFFERS => "≠z",
        _ => "≠vz",
    }
}

/// Width of the short marks that lead `note` (`◀ · ≠v`).
fn marks_width(note: &str) -> usize {
    let marks: Vec<&str> = note
        .split(" · ")
        .take_while(|p| matches!(*p, CLIENT_USES_SHORT | "≠v" | "≠z" | "≠vz"))
        .collect();
    marks.join(" · ").chars().count()
}

/// What the short marks on screen mean, for the key bar (issue 20).
pub fn legend(notes: &[String]) -> String {
    let has = |m: &str| notes.iter().any(|n| n.split(" · ").any(|p| p == m));
    let mut parts = Vec::new();
    if has(CLIENT_USES_SHORT) {
        parts.push(format!("{CLIENT_USES_SHORT} client's row"));
    }
    if has("≠v") || has("≠vz") {
        parts.push("≠v vantages differ".to_string());
    }
    if has("≠z") || has("≠vz") {
        parts.push("≠z zone differs".to_string());
    }
    parts.join("  ")
}

/// Rows that must stand out: the vantages disagree on them (D12), or the
/// shown vantage's resolver differs from what the zone publishes (D11).
pub fn disputed(app: &App) -> BTreeMap<usize, &'static str> {
    let mut out = BTreeMap::new();
    for d in lane_disagreements(&app.lanes) {
        out.insert(d.index, VANTAGES_DIFFER);
    }
    if let Some(a) = &app.lane().authority {
        for (i, _) in a.disagreeing() {
            out.entry(i)
                .and_modify(|s| *s = "≠ vantages, zone")
                .or_insert(ZONE_DIFFERS);
        }
    }
    out
}

/// The note column: client's row (first, so that it is never cut),
/// disagreement, rejection reason, change since last sweep; `short`: the
/// marks in their short forms.
pub fn note(
    app: &App,
    r: &RecordResult,
    disputed: &BTreeMap<usize, &'static str>,
    short: bool,
) -> String {
    let mut parts = Vec::new();
    if app.report().and_then(|rep| rep.selected) == Some(r.index) {
        parts.push(
            if short {
                CLIENT_USES_SHORT
            } else {
                CLIENT_USES
            }
            .to_string(),
        );
    }
    if let Some(d) = disputed.get(&r.index) {
        parts.push(if short { short_mark(d) } else { d }.to_string());
    }
    if r.status == Status::Rejected {
        parts.push(rejected_reason(r).to_string());
    }
    // The status column shows the new status; the details pane and the log
    // spell the change out in full ("missing → found").
    if let Some(c) = app.changes().get(&r.index) {
        parts.push(format!("was {}", c.before));
    }
    parts.join(" · ")
}

/// Draws the table; returns the legend of the short marks it used (empty
/// when it used none) for the key bar.
pub fn render(frame: &mut Frame, area: Rect, app: &App, compact: bool) -> String {
    let t = app.theme;
    let Some(report) = app.report() else {
        let block = pane("Records".into(), compact, t);
        let hint = Paragraph::new(START_HINT)
            .style(t.muted())
            .wrap(Wrap { trim: true })
            .block(block);
        frame.render_widget(hint, area);
        return String::new();
    };
    // Query names relative to the domain (shown in the header): the common
    // suffix would take a third of the table.
    let suffix = format!(".{}", report.domain);
    let disputed = disputed(app);
    let rows_with = |short: bool| -> Vec<[String; 10]> {
        report
            .records
            .iter()
            .map(|r| {
                // The `check` columns, with the dashboard's own touches: names
                // relative to the domain, no time while in flight, and a note.
                let [index, name, kind, via, status, target, address, ttl, time] = columns(r);
                let name = name.strip_suffix(&suffix).unwrap_or(&name).to_string();
                let time = if r.status.in_flight() {
                    "-".into()
                } else {
                    time
                };
                [
                    index,
                    name,
                    kind,
                    via,
                    status,
                    target,
                    address,
                    ttl,
                    time,
                    note(app, r, &disputed, short),
                ]
            })
            .collect()
    };
    // (title, drop order: lowest dropped first, 0 never; how it gives way,
    // shrink order, narrowest). Time and address are in the details pane;
    // the type is plain from the name (SRV names start with `_`).
    let spec: [(&str, u8, Give, u8, usize); 10] = [
        ("#", 0, Give::Fixed, 0, 0),
        ("query", 0, Give::Middle, 3, 14),
        ("type", 3, Give::Fixed, 0, 0),
        ("via", 5, Give::Fixed, 0, 0),
        ("status", 0, Give::Fixed, 0, 0),
        ("target", 0, Give::HostMiddle, 2, 14),
        ("address", 2, Give::Fixed, 0, 0),
        ("TTL", 4, Give::Fixed, 0, 0),
        ("time", 1, Give::Fixed, 0, 0),
        ("", 0, Give::End, 1, 2),
    ];
    let cols_of = |rows: &[[String; 10]], short: bool| -> Vec<Col> {
        spec.iter()
            .enumerate()
            .map(|(i, &(title, drop_order, give, shrink_order, min))| {
                let width = rows
                    .iter()
                    .map(|r| r[i].chars().count())
                    .chain([title.chars().count()])
                    .max()
                    .unwrap_or(0);
                let min = match (give, i) {
                    (Give::Fixed, _) => width,
                    // In short forms the note keeps its marks whole (the client's row).
                    (_, 9) if short => rows
                        .iter()
                        .map(|r| marks_width(&r[9]))
                        .max()
                        .unwrap_or(0)
                        .max(width.min(min)),
                    _ => width.min(min),
                };
                Col {
                    cell: i,
                    title,
                    width,
                    min,
                    drop_order,
                    shrink_order,
                    give,
                }
            })
            .collect()
    };
    // The cursor symbol takes 2 columns, the block's borders 2.
    let avail = usize::from(area.width).saturating_sub(if compact { 2 } else { 4 });
    let block = pane(
        format!("Records  (queries under .{})", report.domain),
        compact,
        t,
    );
    // The long marks when they fit whole; else the short ones (the key bar
    // explains them), so the other columns need not give way for them.
    let mut rows = rows_with(false);
    let mut cols = columns::fit(cols_of(&rows, false), avail);
    let mut legend_text = String::new();
    let natural = rows.iter().map(|r| r[9].chars().count()).max().unwrap_or(0);
    if cols.iter().any(|c| c.cell == 9 && c.width < natural) {
        rows = rows_with(true);
        cols = columns::fit(cols_of(&rows, true), avail);
        let notes: Vec<String> = rows.iter().map(|r| r[9].clone()).collect();
        legend_text = legend(&notes);
    }
    let widths = columns::constraints(&cols);
    let header = Row::new(
        cols.iter()
            .map(|c| Cell::from(Span::styled(c.title, t.value()))),
    );
    let body = report.records.iter().zip(&rows).map(|(r, cells)| {
        let chosen = report.selected == Some(r.index);
        let row = Row::new(cols.iter().map(|c| {
            let text = columns::cut(&cells[c.cell], c.width, c.give);
            match c.cell {
                4 => Cell::from(Span::styled(text, t.status(r.status))),
                9 if disputed.contains_key(&r.index) => Cell::from(Span::styled(text, t.warn())),
                9 if app.changes().contains_key(&r.index) => {
                    Cell::from(Span::styled(text, t.changed()))
                }
                9 if r.status == Status::Rejected && !chosen => {
                    Cell::from(Span::styled(text, t.status(r.status)))
                }
                _ => Cell::from(Line::raw(text)),
            }
        }));
        if chosen {
            row.style(t.chosen())
        } else if r.status == Status::Skipped {
            // D8: a row the client does not ask is shown dimmed.
            row.style(t.skipped())
        } else {
            row
        }
    });
    let mut table = Table::new(body, widths)
        .header(header)
        .column_spacing(1)
        .row_highlight_style(t.cursor())
        .highlight_symbol("› ")
        .highlight_spacing(HighlightSpacing::Always);
    // Compact: no frame at all, every line goes to a row.
    // Rows that do not fit are announced, never silently hidden (item 14).
    let total = report.records.len();
    let room = usize::from(area.height.saturating_sub(if compact { 1 } else { 3 }));
    let mut area = area;
    if total > room {
        let shown = room.saturating_sub(usize::from(compact));
        let more = Span::styled(
            format!(" {shown} of {total} rows · ↑↓ for the rest "),
            t.muted(),
        );
        if compact && area.height >= 2 {
            let [rows_area, more_area] =
                Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(area);
            frame.render_widget(Paragraph::new(Line::from(more)), more_area);
            area = rows_area;
        } else if !compact {
            table = table.block(block.title_bottom(more));
        }
    } else if !compact {
        table = table.block(block);
    }
    let mut state = TableState::new().with_selected(Some(app.cursor));
    frame.render_stateful_widget(table, area, &mut state);
    legend_text
}
