//! Helpers every pane shares: the block around a pane, the height of a
//! wrapped line, the hint shown before any sweep.

use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};

use crate::tui::theme::Theme;

/// The hint shown while there is no address yet.
pub const START_HINT: &str = "Type a SIP address (sip:user@domain, user@domain or a domain) and press Enter. Or try `sipscope demo` for the built-in lab.";

/// A pane's frame: full borders when there is room, a top rule when compact.
pub fn pane(title: String, compact: bool, theme: Theme) -> Block<'static> {
    let borders = if compact { Borders::TOP } else { Borders::ALL };
    Block::new()
        .borders(borders)
        .border_style(theme.border())
        .title(Span::styled(
            format!(" {} ", crate::text::clean(&title)),
            theme.title(),
        ))
}

/// Lines `line` takes when word-wrapped to `width` columns.
pub fn wrapped_height(line: &Line<'_>, width: u16) -> u16 {
    let width = usize::from(width.max(1));
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    let mut lines = 1usize;
    let mut col = 0usize;
    for (i, word) in text.split(' ').enumerate() {
        let w = Span::raw(word).width();
        // Every word after the first follows a space (leading spaces count).
        let needed = if i == 0 { w } else { col + 1 + w };
        if needed <= width {
            col = needed;
        } else if w > width {
            // A word longer than the line is broken across lines.
            let rest = if col == 0 { w } else { w + col + 1 };
            lines += rest / width;
            col = rest % width;
        } else {
            lines += 1;
            col = w;
        }
    }
    u16::try_from(lines).unwrap_or(u16::MAX)
}
