//! The clients panel (issue 10 item 4, D3/D13): which record each client
//! generation uses and whether it signs in, from the same sweep. Mixed
//! estates are normal; this shows them at a glance.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::common::pane;
use crate::model::Signin;
use crate::model::clients::short_line;
use crate::tui::app::App;

/// The height the panel wants in a body of `available` rows: a pane with one
/// line per generation when there is room, one summary line when tight,
/// nothing before a sweep has finished.
pub fn height(app: &App, area: Rect, compact: bool) -> u16 {
    let n = app.report().map_or(0, |r| r.clients.len()) as u16;
    let full = if compact { n + 1 } else { n + 2 };
    // The details and the event log keep their room first.
    match n {
        0 => 0,
        _ if area.height >= full + 16 => full,
        _ if area.height >= 8 => one_line_len(app).div_ceil(area.width.max(1)).clamp(1, 2),
        _ => 0,
    }
}

/// Characters of the one-line form (`clients: ocs2007✗ … mobile✓`).
fn one_line_len(app: &App) -> u16 {
    let clients = app.report().map_or(&[][..], |r| r.clients.as_slice());
    let n: usize = clients.iter().map(|c| c.profile.chars().count() + 2).sum();
    (8 + n).min(u16::MAX as usize) as u16
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, compact: bool) {
    let t = app.theme;
    let Some(report) = app.report() else { return };
    let style = |s: Signin| match s {
        Signin::Ok => t.ok(),
        Signin::Fail => t.fail(),
        Signin::Undecided => t.busy(),
    };
    if area.height <= 2 {
        let mut spans = vec![Span::styled("clients:", t.label())];
        for c in &report.clients {
            let mark = if c.signin == Signin::Ok { "✓" } else { "✗" };
            spans.push(Span::raw(" "));
            spans.push(Span::styled(
                format!("{}{mark}", c.profile),
                style(c.signin),
            ));
        }
        let line = crate::text::clean_line(Line::from(spans));
        frame.render_widget(Paragraph::new(line).wrap(Wrap { trim: true }), area);
        return;
    }
    let lines: Vec<Line<'static>> = report
        .clients
        .iter()
        .map(|c| Line::styled(short_line(c, &report.domain), style(c.signin)))
        .collect();
    frame.render_widget(
        // Names come from the sweep: escaped like every other pane.
        Paragraph::new(crate::text::clean_lines(lines)).block(pane(
            "Every client generation".into(),
            compact,
            t,
        )),
        area,
    );
}
