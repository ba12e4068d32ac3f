//! The clients panel (issue 10 item 4, D3/D13): which record each client
//! generation uses and whether it signs in, from the same sweep. Mixed
//! estates are normal; this shows them at a glance.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::common::{pane, wrapped_height};
use crate::model::Signin;
use crate::model::clients::short_line;
use crate::tui::app::App;

/// The height the panel wants in a body of `available` rows: a pane with one
/// line per generation (each wrapped whole) when there is room, the summary
/// line (wrapped whole, never cut: issue 20) when tight, nothing before a
/// sweep has finished.
pub fn height(app: &App, area: Rect, compact: bool) -> u16 {
    let Some(report) = app.report().filter(|r| !r.clients.is_empty()) else {
        return 0;
    };
    let inner = area.width.saturating_sub(if compact { 0 } else { 2 });
    let lines: u16 = report
        .clients
        .iter()
        .map(|c| wrapped_height(&Line::raw(short_line(c, &report.domain)), inner))
        .sum();
    let full = if compact { lines + 1 } else { lines + 2 };
    // The details and the event log keep their room first.
    if area.height >= full + 16 {
        full
    } else if area.height >= 8 {
        wrapped_height(&one_line(app), area.width)
    } else {
        0
    }
}

/// The one-line form (`clients: ocs2007✗ … mobile✓`).
fn one_line(app: &App) -> Line<'static> {
    let t = app.theme;
    let mut spans = vec![Span::styled("clients:", t.label())];
    for c in app.report().map_or(&[][..], |r| r.clients.as_slice()) {
        let mark = if c.signin == Signin::Ok { "✓" } else { "✗" };
        spans.push(Span::raw(" "));
        spans.push(Span::styled(
            format!("{}{mark}", c.profile),
            style(t, c.signin),
        ));
    }
    crate::text::clean_line(Line::from(spans))
}

fn style(t: crate::tui::theme::Theme, s: Signin) -> ratatui::style::Style {
    match s {
        Signin::Ok => t.ok(),
        Signin::Fail => t.fail(),
        Signin::Undecided => t.busy(),
    }
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, compact: bool) {
    let t = app.theme;
    let Some(report) = app.report() else { return };
    let full = report.clients.len() as u16 + if compact { 1 } else { 2 };
    if area.height < full {
        frame.render_widget(
            Paragraph::new(one_line(app)).wrap(Wrap { trim: true }),
            area,
        );
        return;
    }
    let lines: Vec<Line<'static>> = report
        .clients
        .iter()
        .map(|c| Line::styled(short_line(c, &report.domain), style(t, c.signin)))
        .collect();
    frame.render_widget(
        // Names come from the sweep: escaped like every other pane.
        Paragraph::new(crate::text::clean_lines(lines))
            .wrap(Wrap { trim: false })
            .block(pane("Every client generation".into(), compact, t)),
        area,
    );
}
