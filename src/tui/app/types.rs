//! The dashboard's data: its settings, the messages it takes, the effects it
//! asks for, and the small state types the view reads.

use std::path::PathBuf;
use std::time::Duration;

use ratatui::crossterm::event::KeyEvent;

use crate::config::{Config, DEFAULT_WATCH_INTERVAL, Resolved};
use crate::model::Status;
use crate::model::SweepReport;
use crate::model::authority::AuthorityEvidence;
use crate::model::eventlog::LogKind;
use crate::snapshot::SavedPaths;
use crate::sweep::{SweepEvent, SweepOptions, SweepSettings};
use crate::tui::edit::EditField;
use crate::tui::extension::{Task, TaskDone};

/// Settings of the dashboard: its own, and the configuration file's sweep
/// keys, which every sweep merges under the command line's options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppConfig {
    /// `w`: re-run this often.
    pub watch_interval: Duration,
    /// The configuration file over the defaults.
    pub file: Config,
    /// Where `s` saves snapshots; `None` when there is no such folder.
    pub snapshot_dir: Option<PathBuf>,
    /// The configuration file read, if any (recorded in snapshots).
    pub config_file: Option<PathBuf>,
}

impl Default for AppConfig {
    fn default() -> Self {
        AppConfig {
            watch_interval: DEFAULT_WATCH_INTERVAL,
            file: Config::default(),
            snapshot_dir: None,
            config_file: None,
        }
    }
}

impl AppConfig {
    pub fn from_resolved(resolved: &Resolved) -> AppConfig {
        AppConfig {
            watch_interval: resolved.watch_interval,
            file: resolved.config.clone(),
            snapshot_dir: resolved.snapshot_dir.clone(),
            config_file: resolved
                .config_file
                .loaded
                .then(|| resolved.config_file.path.clone())
                .flatten(),
        }
    }
}

/// Everything that can happen to the dashboard.
#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Resize(u16, u16),
    /// An event of sweep `id` in lane (vantage) `lane`; events of an older
    /// sweep are ignored.
    Sweep {
        id: u32,
        lane: usize,
        event: SweepEvent,
    },
    /// D11: what the zone's own servers said for sweep `id`'s lane `lane`.
    Authority {
        id: u32,
        lane: usize,
        result: Result<AuthorityEvidence, String>,
    },
    /// Sweep `id` could not start or died (unreadable CA file, no DNS configuration, …).
    SweepFailed {
        id: u32,
        error: String,
    },
    /// Time passed (only sent while a spinner or countdown is visible).
    Tick(Duration),
    /// The output of an extension's background task.
    Extension(TaskDone),
    /// How the write asked for by `Effect::SaveSnapshot` went.
    SnapshotSaved(Result<SavedPaths, String>),
    /// Quit from outside (a signal).
    Quit,
}

/// What the event loop must do after a message.
#[derive(Debug)]
pub enum Effect {
    /// Prepare (fresh resolver, D11) and run sweep `id`, one sweep per lane
    /// (vantage), all at once; their events come back as `Msg::Sweep`.
    StartSweep {
        id: u32,
        settings: Vec<SweepSettings>,
    },
    /// D11: ask the zone's servers every question of `report` (lane `lane`
    /// of sweep `id`), finding them through `options`' resolvers; the
    /// answer comes back as `Msg::Authority`.
    AskAuthority {
        id: u32,
        lane: usize,
        report: Box<SweepReport>,
        options: Box<SweepOptions>,
    },
    /// Abort the sweep in flight (its task is dropped with its results).
    CancelSweep,
    /// `s`: write this session as a snapshot (off the render path); the
    /// result comes back as `Msg::SnapshotSaved`.
    SaveSnapshot(Box<SaveRequest>),
    /// Run an extension's task; its output comes back as `Msg::Extension`.
    Spawn(Task),
    Quit,
}

/// What `s` hands the event loop: everything the write needs, so it runs off
/// the render path and the reducer stays free of I/O.
#[derive(Debug, Clone)]
pub struct SaveRequest {
    /// `None` when there is no snapshot folder (no home folder, none configured).
    pub dir: Option<PathBuf>,
    pub session: crate::snapshot::Session,
    pub settings: crate::snapshot::SettingsSummary,
    /// Every vantage's latest sweep and the zone's servers' view (issue 12).
    pub views: crate::snapshot::Views,
}

/// Which input the keys go to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Normal,
    Edit(EditField),
    Help,
}

/// Which pane, if any, fills the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zoom {
    None,
    Details,
    Log,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// `HH:MM:SS` from the App's clock.
    pub time: String,
    pub kind: LogKind,
    pub text: String,
}

/// A row whose final status differs from the previous finished sweep's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    pub before: Status,
    pub after: Status,
}

/// The sweep side of the dashboard: nothing in flight, a sweep running, or
/// the last one could not run (and why).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SweepState {
    #[default]
    Idle,
    Running,
    Failed(String),
}

/// The latest sweep started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepInfo {
    pub id: u32,
    /// `HH:MM:SS` when it started.
    pub started: String,
    /// Set when it finished.
    pub elapsed_ms: Option<u64>,
}

/// How far the scrolled panes are scrolled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Scroll {
    /// Lines scrolled back from the newest, in the expanded log.
    pub(crate) log: usize,
    /// Lines scrolled down in the details pane.
    pub(crate) details: u16,
    /// Lines scrolled down in the help overlay.
    pub(crate) help: u16,
}
