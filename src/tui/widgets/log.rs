//! The event log pane: the sweep's own lines (D10 Event IDs included) and
//! the dashboard's (sweeps started, cancelled, status changes), newest last.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::common::{pane, wrapped_height};
use crate::model::eventlog::LogKind;
use crate::tui::app::{App, LogEntry};
use crate::tui::theme::Theme;

fn style_for(kind: LogKind, t: Theme) -> Style {
    match kind {
        LogKind::Event => t.warn(),
        LogKind::Change => t.changed(),
        LogKind::Problem => t.fail(),
        LogKind::Info => Style::new(),
    }
}

pub fn line(e: &LogEntry, t: Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{} ", e.time), t.muted()),
        Span::styled(
            crate::text::clean(&e.text).into_owned(),
            style_for(e.kind, t),
        ),
    ])
}

/// The newest lines that fit, word-wrapped; PgUp/PgDn scroll back.
pub fn render(frame: &mut Frame, area: Rect, app: &App, compact: bool) {
    let t = app.theme;
    let block = pane("Event log".into(), compact, t);
    let inner = block.inner(area);
    let height = usize::from(inner.height);
    // Take lines from the newest back until the pane is full.
    let mut shown: Vec<Line<'static>> = Vec::new();
    let mut used = 0usize;
    for e in app.log.iter().rev().skip(app.scroll.log) {
        let l = line(e, t);
        let h = usize::from(wrapped_height(&l, inner.width));
        if used + h > height && !shown.is_empty() {
            break;
        }
        used += h;
        shown.push(l);
    }
    shown.reverse();
    let p = Paragraph::new(shown)
        .wrap(Wrap { trim: false })
        .block(block);
    frame.render_widget(p, area);
}
