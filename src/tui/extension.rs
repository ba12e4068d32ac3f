//! An optional component plugged into the dashboard: it may show a side
//! panel, add keys (in the key bar and the help overlay), run background
//! work, adjust the settings of every sweep and ask for a re-run. The
//! `sipscope demo` scenario picker (lab scenarios, "apply the fix") is meant
//! to be one; the App works the same without any.

use std::fmt;

use futures::future::BoxFuture;
use ratatui::crossterm::event::KeyEvent;

use super::keys::KeyHint;
use crate::config::Vantage;
use crate::sweep::SweepSettings;

/// What an extension's side panel shows (rendered by the view).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Panel {
    pub title: String,
    pub lines: Vec<String>,
    /// Highlighted line, if any.
    pub selected: Option<usize>,
}

/// Background work an extension starts; its output comes back to the same
/// extension as [`Extension::on_message`].
pub struct Task(pub BoxFuture<'static, TaskDone>);

/// What a [`Task`] hands back: typed, so the extension that spawned it reads
/// it without a downcast, and a new kind of work is a new variant here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskDone {
    /// A scenario's fix was applied to the lab: its one-line description and
    /// each change made (`sipscope demo`, `f`).
    Fixed {
        scenario: String,
        description: String,
        changes: Vec<String>,
    },
    /// A scenario's fix could not be applied, and why.
    FixFailed { scenario: String, error: String },
}

impl fmt::Debug for Task {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Task(..)")
    }
}

/// What an extension asks of the App; the App stays in charge of its state.
#[derive(Debug)]
pub enum Request {
    /// Re-run the sweep (cancelling one in flight), e.g. after a lab fix.
    Rerun,
    /// A line for the event log.
    Log(String),
    /// A line for the event log saying something did not work.
    Problem(String),
    /// Sweep this address instead (parsed like the address field), at once.
    SetAddress(String),
    /// Run this in the background.
    Spawn(Task),
}

pub trait Extension: Send {
    /// The side panel, if the extension shows one.
    fn panel(&self) -> Option<Panel> {
        None
    }

    /// Extra keys, shown in the key bar and the help overlay.
    fn key_hints(&self) -> Vec<KeyHint> {
        Vec::new()
    }

    /// Called for keys the dashboard does not bind; `Some` when handled.
    fn on_key(&mut self, key: &KeyEvent) -> Option<Vec<Request>>;

    /// The result of a [`Task`] this extension spawned.
    fn on_message(&mut self, _msg: TaskDone) -> Vec<Request> {
        Vec::new()
    }

    /// Adjusts the settings of each sweep before it starts (a lab's resolver and CA).
    fn adjust_settings(&self, _settings: &mut SweepSettings) {}

    /// The vantages to sweep `domain` from when the command line and the
    /// configuration name none (a lab's inside and outside views, D12).
    fn vantages(&self, _domain: &str) -> Vec<Vantage> {
        Vec::new()
    }

    /// Whether sweeps of `domain` should compare with the zone's own
    /// servers (D11) when it comes on screen; `a` still turns it off.
    fn authoritative(&self, _domain: &str) -> bool {
        false
    }

    /// A sweep of `domain` starts (after `e`, `r`, a switch): the extension
    /// follows what is on screen.
    fn on_sweep_start(&mut self, _domain: &str) {}

    /// The line under the address field, instead of the dashboard's own.
    fn edit_hint(&self) -> Option<String> {
        None
    }

    /// Called once when the dashboard closes, on its runtime (a lab stops its
    /// servers here).
    fn shutdown(self: Box<Self>) -> BoxFuture<'static, ()> {
        Box::pin(async {})
    }
}
