//! The help overlay: every key (the dashboard's and an extension's), the
//! status symbols, and where the log file is.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use crate::model::Status;
use crate::tui::app::App;
use crate::tui::keys::{EDIT_KEYS, KEYS, KeyHint};

fn key_line(k: &KeyHint, app: &App) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{:>8}  ", k.keys), app.theme.key()),
        Span::raw(k.long),
    ])
}

pub fn lines(app: &App) -> Vec<Line<'static>> {
    let t = app.theme;
    let mut out: Vec<Line<'static>> = KEYS.iter().map(|k| key_line(k, app)).collect();
    if let Some(ext) = &app.extension {
        out.extend(ext.key_hints().iter().map(|k| key_line(k, app)));
    }
    out.push(Line::styled("In the address field", t.title()));
    out.extend(EDIT_KEYS.iter().map(|k| key_line(k, app)));
    out.push(Line::styled("Statuses", t.title()));
    let mut statuses = vec![Span::raw("  ")];
    for s in [Status::Pending, Status::Querying]
        .into_iter()
        .chain(Status::FINAL)
    {
        statuses.push(Span::styled(format!("{} {}", s.symbol(), s), t.status(s)));
        statuses.push(Span::raw("  "));
    }
    out.push(Line::from(statuses));
    out.push(Line::from(vec![
        Span::styled("Rules     ", t.label()),
        Span::raw("D1–D16 cited on screen are explained in docs/rules.md"),
    ]));
    let log = app
        .log_file
        .as_ref()
        .map_or("(not written)".to_string(), |p| p.display().to_string());
    out.push(Line::from(vec![
        Span::styled("Log file  ", t.label()),
        Span::raw(log),
    ]));
    out
}

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let lines = lines(app);
    let width = area.width.min(78);
    let height = (lines.len() as u16 + 4).min(area.height);
    let [popup] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(popup);
    frame.render_widget(Clear, popup);
    let block = Block::bordered()
        .border_style(app.theme.border())
        .title(Span::styled(" Help: keys ", app.theme.title()))
        .title_bottom(Span::styled(" ? or Esc closes ", app.theme.muted()));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        popup,
    );
}
