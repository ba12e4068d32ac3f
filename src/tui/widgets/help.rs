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
    // One line per status: what it means and the rule it comes from.
    for s in [Status::Pending, Status::Querying]
        .into_iter()
        .chain(Status::FINAL)
    {
        out.push(Line::from(vec![
            Span::styled(
                format!("{:>15}  ", format!("{} {}", s.symbol(), s)),
                t.status(s),
            ),
            Span::raw(s.meaning()),
        ]));
    }
    out.push(Line::from(vec![
        Span::styled("Rules     ", t.label()),
        Span::raw("D1–D17 cited on screen are explained in docs/rules.md"),
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
    let width = area.width.min(90);
    // Lines wider than the box wrap: count the rows they take.
    let tall: u16 = lines
        .iter()
        .map(|l| super::common::wrapped_height(l, width.saturating_sub(2)))
        .sum();
    let height = (tall + 4).min(area.height);
    let more = tall + 2 > height;
    // Scrolled no further than the last line at the bottom.
    let scroll = app
        .scroll
        .help
        .min(tall.saturating_sub(height.saturating_sub(2)));
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
        .title_bottom(Span::styled(
            if more {
                " ↑↓ scroll · ? or Esc closes "
            } else {
                " ? or Esc closes "
            },
            app.theme.muted(),
        ));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(block),
        popup,
    );
}
