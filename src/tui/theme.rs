//! Colours and text styles of the dashboard, in one place so `NO_COLOR`
//! (<https://no-color.org>, resolved with `--colour` in `config`) can drop
//! every colour at once. Without colour the
//! screen still reads: statuses carry symbols, the cursor row is reversed and
//! the client's row is labelled.

use ratatui::style::{Color, Modifier, Style};

use crate::model::Status;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    color: bool,
    /// ASCII symbols only (see `tui::ascii`).
    ascii: bool,
}

impl Theme {
    pub fn colored() -> Theme {
        Theme {
            color: true,
            ascii: false,
        }
    }

    /// No colours at all; only bold/reversed remain.
    pub fn plain() -> Theme {
        Theme {
            color: false,
            ascii: false,
        }
    }

    /// The same theme drawing ASCII symbols only (`on`) or not.
    pub fn with_ascii(self, on: bool) -> Theme {
        Theme { ascii: on, ..self }
    }

    pub fn is_ascii(self) -> bool {
        self.ascii
    }

    pub fn has_color(self) -> bool {
        self.color
    }

    fn fg(self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub fn status(self, s: Status) -> Style {
        match s {
            Status::Found => self.fg(Color::Green),
            Status::Pending => self.fg(Color::DarkGray),
            Status::Skipped => self.skipped(),
            Status::Querying | Status::Probing => self.fg(Color::Cyan),
            Status::Missing => self.fg(Color::Yellow),
            Status::Rejected => self.fg(Color::Magenta),
            Status::CertMismatch
            | Status::Untrusted
            | Status::Unreachable
            | Status::DnsError
            | Status::ServiceError
            | Status::NotSip => self.fg(Color::Red),
        }
    }

    pub fn ok(self) -> Style {
        self.fg(Color::Green).add_modifier(Modifier::BOLD)
    }

    pub fn fail(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn busy(self) -> Style {
        self.fg(Color::Cyan)
    }

    pub fn warn(self) -> Style {
        self.fg(Color::Yellow)
    }

    /// D8: a row the client does not ask (`skipped`), dimmed.
    pub fn skipped(self) -> Style {
        if self.color {
            self.muted().add_modifier(Modifier::DIM)
        } else {
            Style::new()
        }
    }

    pub fn muted(self) -> Style {
        self.fg(Color::DarkGray)
    }

    pub fn label(self) -> Style {
        self.fg(Color::Gray)
    }

    pub fn value(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn key(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn title(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn border(self) -> Style {
        self.fg(Color::DarkGray)
    }

    /// The row under the cursor: reversed reads with and without colour.
    pub fn cursor(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    /// The row the client uses (D7).
    pub fn chosen(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// A status that changed since the previous sweep.
    pub fn changed(self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }
}
