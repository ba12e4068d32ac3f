//! An extension's side panel (the demo's scenario picker, for instance).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Padding, Paragraph, Wrap};

use super::common::pane;
use crate::tui::extension::Panel;
use crate::tui::theme::Theme;

pub fn render(frame: &mut Frame, area: Rect, panel: &Panel, t: Theme, compact: bool) {
    // The selection marker takes a column only when there is a selection;
    // otherwise a padding column keeps wrapped lines aligned.
    let marked = panel.selected.is_some();
    let lines: Vec<Line<'static>> = panel
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if panel.selected == Some(i) {
                Line::styled(format!("› {l}"), t.cursor())
            } else if marked {
                Line::raw(format!("  {l}"))
            } else {
                Line::raw(l.clone())
            }
        })
        .collect();
    let mut block = pane(panel.title.clone(), compact, t);
    if !marked {
        block = block.padding(Padding::left(1));
    }
    // Word-wrapped: a lesson is a sentence, and the side panel is narrow.
    frame.render_widget(
        Paragraph::new(crate::text::clean_lines(lines))
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}
