//! The records table: every row of the profile in the client's order, with
//! the client's row labelled, rejected rows saying why, and changes since the
//! previous sweep marked.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, HighlightSpacing, Paragraph, Row, Table, TableState, Wrap};

use crate::model::{RecordResult, Status};
use crate::tui::app::App;
use crate::tui::view::{START_HINT, pane};

/// The client's row (D7).
pub const CLIENT_USES: &str = "◀ client uses this";

/// Why a rejected row was rejected, in a word or two (D4, D8).
pub fn rejected_reason(r: &RecordResult) -> &'static str {
    if r.targets.is_empty() {
        "TCP forbidden"
    } else {
        "out of domain"
    }
}

/// The note column: client's row, rejection reason, change since last sweep.
pub fn note(app: &App, r: &RecordResult) -> String {
    let mut parts = Vec::new();
    if app.report.as_ref().and_then(|rep| rep.selected) == Some(r.index) {
        parts.push(CLIENT_USES.to_string());
    }
    if r.status == Status::Rejected {
        parts.push(rejected_reason(r).to_string());
    }
    if let Some(c) = app.changes.get(&r.index) {
        parts.push(format!("{} → {}", c.before, c.after));
    }
    parts.join(" · ")
}

struct Col {
    title: &'static str,
    width: usize,
    /// Dropped first when the table is too wide (0 = never dropped).
    drop_order: u8,
    /// Shrinks when the table is too wide.
    flexible: bool,
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, compact: bool) {
    let t = app.theme;
    let Some(report) = &app.report else {
        let block = pane("Records".into(), compact, t);
        let hint = Paragraph::new(START_HINT)
            .style(t.muted())
            .wrap(Wrap { trim: true })
            .block(block);
        frame.render_widget(hint, area);
        return;
    };
    let rows: Vec<[String; 10]> = report
        .records
        .iter()
        .map(|r| {
            let done = !r.status.in_flight();
            [
                r.index.to_string(),
                r.name.clone(),
                r.kind.label().to_string(),
                r.transport.label().to_string(),
                format!("{} {}", r.status.symbol(), r.status),
                if r.targets.is_empty() {
                    "-".into()
                } else {
                    r.target_label()
                },
                r.first_address().unwrap_or("-").to_string(),
                r.ttl.map_or("-".into(), |t| t.to_string()),
                if done {
                    format!("{} ms", r.elapsed_ms)
                } else {
                    "-".into()
                },
                note(app, r),
            ]
        })
        .collect();
    let spec: [(&str, u8, bool); 10] = [
        ("#", 0, false),
        ("query", 0, true),
        ("type", 4, false),
        ("via", 5, false),
        ("status", 0, false),
        ("target", 0, true),
        ("address", 3, false),
        ("TTL", 2, false),
        ("time", 1, false),
        ("", 0, false),
    ];
    let mut cols: Vec<(usize, Col)> = spec
        .iter()
        .enumerate()
        .map(|(i, (title, drop_order, flexible))| {
            let width = rows
                .iter()
                .map(|r| r[i].chars().count())
                .chain([title.chars().count()])
                .max()
                .unwrap_or(0);
            (
                i,
                Col {
                    title,
                    width,
                    drop_order: *drop_order,
                    flexible: *flexible,
                },
            )
        })
        .collect();
    // The cursor symbol takes 2 columns, the block's borders 2.
    let avail = usize::from(area.width).saturating_sub(if compact { 2 } else { 4 });
    let block = pane("Records".into(), compact, t);
    let total =
        |cols: &[(usize, Col)]| -> usize { cols.iter().map(|(_, c)| c.width + 1).sum::<usize>() };
    while total(&cols) > avail {
        let Some(pos) = cols
            .iter()
            .enumerate()
            .filter(|(_, (_, c))| c.drop_order > 0)
            .min_by_key(|(_, (_, c))| c.drop_order)
            .map(|(pos, _)| pos)
        else {
            break;
        };
        cols.remove(pos);
    }
    let squeeze = total(&cols) > avail;
    let widths: Vec<Constraint> = cols
        .iter()
        .map(|(_, c)| {
            if squeeze && c.flexible {
                Constraint::Fill(c.width as u16)
            } else {
                Constraint::Length(c.width as u16)
            }
        })
        .collect();
    let header = Row::new(
        cols.iter()
            .map(|(_, c)| Cell::from(Span::styled(c.title, t.value()))),
    );
    let body = report.records.iter().zip(&rows).map(|(r, cells)| {
        let chosen = report.selected == Some(r.index);
        let row = Row::new(cols.iter().map(|(i, _)| {
            let text = cells[*i].clone();
            match *i {
                4 => Cell::from(Span::styled(text, t.status(r.status))),
                9 if app.changes.contains_key(&r.index) => {
                    Cell::from(Span::styled(text, t.changed()))
                }
                9 if r.status == Status::Rejected && !chosen => {
                    Cell::from(Span::styled(text, t.status(r.status)))
                }
                _ => Cell::from(Line::raw(text)),
            }
        }));
        if chosen { row.style(t.chosen()) } else { row }
    });
    let mut table = Table::new(body, widths)
        .header(header)
        .column_spacing(1)
        .row_highlight_style(t.cursor())
        .highlight_symbol("› ")
        .highlight_spacing(HighlightSpacing::Always);
    // Compact: no frame at all, every line goes to a row.
    if !compact {
        table = table.block(block);
    }
    let mut state = TableState::new().with_selected(Some(app.cursor));
    frame.render_stateful_widget(table, area, &mut state);
}
