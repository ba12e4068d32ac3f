//! An extension's side panel (the demo's scenario picker, for instance).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::tui::extension::Panel;
use crate::tui::theme::Theme;
use crate::tui::view::pane;

pub fn render(frame: &mut Frame, area: Rect, panel: &Panel, t: Theme, compact: bool) {
    let lines: Vec<Line<'static>> = panel
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if panel.selected == Some(i) {
                Line::styled(format!("› {l}"), t.cursor())
            } else {
                Line::raw(format!("  {l}"))
            }
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines).block(pane(panel.title.clone(), compact, t)),
        area,
    );
}
