//! The dashboard's state and its reducer: `App::update(msg) -> effects`.
//! Pure: no terminal, no network, no clock except the injected one. The event
//! loop feeds it messages and carries out the effects it returns.

use std::collections::{BTreeMap, VecDeque};
use std::path::PathBuf;
use std::time::Duration;

use super::clock::Clock;
use super::edit::EditField;
use super::extension::{Extension, Request};
use super::theme::Theme;
use super::toast::Toast;
use crate::config::SweepOverrides;
use crate::input::{Target, parse_target};
use crate::model::SweepReport;
use crate::model::eventlog::LogKind;
use crate::snapshot::SettingsSummary;

mod keys;
pub mod lanes;
mod snapshot;
mod sweeping;
mod types;
pub use lanes::{Asked, Lane};
pub use snapshot::{Opened, SaveRequest, Snapshots};
pub use types::{AppConfig, Change, Effect, LogEntry, Mode, Msg, SweepInfo, SweepState, Zoom};
/// Spinner frame rate while a sweep is in flight.
pub const SPINNER_RATE: Duration = Duration::from_millis(100);
/// Countdown rate while watching and idle.
pub const COUNTDOWN_RATE: Duration = Duration::from_secs(1);
/// Event log lines kept in memory.
const LOG_CAPACITY: usize = 2000;

pub struct App {
    pub config: AppConfig,
    pub theme: Theme,
    /// The command-line options every sweep is built from (the top layer).
    overrides: SweepOverrides,
    /// The settings of an opened snapshot (the layer under the command line).
    snapshot_layer: Option<SettingsSummary>,
    /// The vantages of an opened snapshot (under the command line's and the file's).
    snapshot_vantages: Vec<crate::config::Vantage>,
    /// The layered options and vantages, resolved once before the event
    /// loop ([`App::resolve_settings`]) so the reducer never blocks.
    resolved: Option<(crate::sweep::SweepOptions, Vec<crate::config::Vantage>)>,
    /// The profile of the next sweep (`p` turns it).
    pub profile: String,
    pub target: Option<Target>,
    /// One lane per vantage (D12); a single unnamed one without `--vantage`.
    pub lanes: Vec<Lane>,
    /// The lane the table and details show (`v` turns it).
    pub shown: usize,
    /// D11: also ask the zone's own servers on every sweep (`a` turns it).
    pub authoritative: bool,
    /// `authoritative` was turned on by the extension (a demo scenario), not the user.
    auto_authoritative: bool,
    pub sweep: Option<SweepInfo>,
    /// Whether a sweep is in flight, or why the last one could not run.
    pub state: SweepState,
    sweeps_started: u32,
    pub log: VecDeque<LogEntry>,
    /// Lines scrolled back from the newest, in the expanded log.
    pub log_scroll: usize,
    /// Lines scrolled down in the details pane.
    pub details_scroll: u16,
    /// Position in `report.records` of the row under the cursor.
    pub cursor: usize,
    /// The user moved the cursor: it no longer follows the client's row.
    cursor_moved: bool,
    /// Lines scrolled down in the help overlay.
    pub help_scroll: u16,
    pub mode: Mode,
    pub zoom: Zoom,
    /// Time left until the next watched re-run; `None` when not watching.
    pub watch: Option<Duration>,
    pub spinner: usize,
    pub size: (u16, u16),
    pub log_file: Option<PathBuf>,
    pub extension: Option<Box<dyn Extension>>,
    pub clock: Box<dyn Clock>,
    /// The session for `s`, and the snapshot opened, if any.
    pub snapshots: Snapshots,
    /// A transient line over the key bar.
    pub toast: Option<Toast>,
    quit: bool,
}

impl App {
    pub fn new(
        overrides: SweepOverrides,
        config: AppConfig,
        theme: Theme,
        clock: Box<dyn Clock>,
    ) -> App {
        let profile = overrides
            .profile
            .clone()
            .unwrap_or_else(|| config.file.profile.clone());
        let authoritative = overrides.authoritative || config.file.authoritative;
        App {
            config,
            theme,
            overrides,
            snapshot_layer: None,
            snapshot_vantages: Vec::new(),
            resolved: None,
            profile,
            target: None,
            lanes: vec![Lane::default()],
            shown: 0,
            authoritative,
            auto_authoritative: false,
            sweep: None,
            state: SweepState::Idle,
            sweeps_started: 0,
            log: VecDeque::new(),
            log_scroll: 0,
            details_scroll: 0,
            cursor: 0,
            cursor_moved: false,
            help_scroll: 0,
            mode: Mode::Normal,
            zoom: Zoom::None,
            watch: None,
            spinner: 0,
            size: (80, 24),
            log_file: None,
            extension: None,
            clock,
            snapshots: Snapshots::default(),
            toast: None,
            quit: false,
        }
    }

    pub fn with_extension(mut self, ext: Box<dyn Extension>) -> App {
        self.extension = Some(ext);
        self
    }

    /// The first effects: sweep `input` at once, or open the address field.
    pub fn start(&mut self, input: Option<&str>) -> Vec<Effect> {
        if self.snapshots.opened.is_some() {
            // An opened snapshot waits for `r`.
            return Vec::new();
        }
        match input.map(parse_target) {
            Some(Ok(target)) => {
                self.target = Some(target);
                self.rerun()
            }
            Some(Err(e)) => {
                let mut field = EditField::new(input.unwrap_or_default());
                field.error = Some(e.to_string());
                self.mode = Mode::Edit(field);
                Vec::new()
            }
            None => {
                self.mode = Mode::Edit(EditField::default());
                Vec::new()
            }
        }
    }

    pub fn is_running(&self) -> bool {
        self.state == SweepState::Running
    }

    /// Why the last sweep could not run, if it could not.
    pub fn failure(&self) -> Option<&str> {
        match &self.state {
            SweepState::Failed(why) => Some(why),
            _ => None,
        }
    }

    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// How often the loop must send `Tick`: only while something moves on
    /// screen (or a toast waits to go).
    pub fn tick_rate(&self) -> Option<Duration> {
        if self.is_running() {
            Some(SPINNER_RATE)
        } else if (self.watch.is_some() && self.target.is_some()) || self.toast.is_some() {
            Some(COUNTDOWN_RATE)
        } else {
            None
        }
    }

    pub fn push_log(&mut self, text: impl Into<String>) {
        self.push_log_as(LogKind::Info, text);
    }

    /// A line saying something did not work.
    pub fn push_problem(&mut self, text: impl Into<String>) {
        self.push_log_as(LogKind::Problem, text);
    }

    pub fn push_log_as(&mut self, kind: LogKind, text: impl Into<String>) {
        let text = text.into();
        // The log file gets the same escaped text as the screen.
        tracing::info!(target: "sipscope::tui", "{}", crate::text::clean(&text));
        if self.log.len() == LOG_CAPACITY {
            self.log.pop_front();
        }
        self.log.push_back(LogEntry {
            time: self.clock.stamp(),
            kind,
            text,
        });
    }

    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Key(key) => self.on_key(key),
            Msg::Resize(w, h) => {
                self.size = (w, h);
                Vec::new()
            }
            Msg::Sweep { id, lane, event } => {
                if self.is_current(id) && self.lanes.get(lane).is_some_and(|l| l.running) {
                    self.on_sweep_event(lane, event);
                }
                Vec::new()
            }
            Msg::Authority { id, lane, result } => {
                if self.is_current(id) && lane < self.lanes.len() {
                    self.on_authority(lane, result);
                }
                Vec::new()
            }
            Msg::SweepFailed { id, error } => {
                if self.is_current(id) && self.is_running() {
                    self.push_problem(format!("sweep {id} failed: {error}"));
                    self.state = SweepState::Failed(error);
                    for lane in &mut self.lanes {
                        lane.running = false;
                    }
                    self.restart_countdown();
                    // The other vantages' sweeps stop with it.
                    return vec![Effect::CancelSweep];
                }
                Vec::new()
            }
            Msg::Tick(elapsed) => self.on_tick(elapsed),
            Msg::Extension(payload) => match self.extension.as_mut() {
                Some(ext) => {
                    let requests = ext.on_message(payload);
                    self.apply_requests(requests)
                }
                None => Vec::new(),
            },
            Msg::SnapshotSaved(result) => {
                self.on_snapshot_saved(result);
                Vec::new()
            }
            Msg::Quit => self.quit_now(),
        }
    }

    fn quit_now(&mut self) -> Vec<Effect> {
        self.quit = true;
        let mut effects = Vec::new();
        if self.is_running() {
            effects.push(Effect::CancelSweep);
        }
        effects.push(Effect::Quit);
        effects
    }

    fn on_tick(&mut self, elapsed: Duration) -> Vec<Effect> {
        self.toast = self.toast.take().and_then(|t| t.aged(elapsed));
        if self.is_running() {
            self.spinner = self.spinner.wrapping_add(1);
            return Vec::new();
        }
        let Some(left) = self.watch else {
            return Vec::new();
        };
        if self.target.is_none() {
            return Vec::new();
        }
        let left = left.saturating_sub(elapsed);
        self.watch = Some(left);
        if left.is_zero() {
            self.push_log("watch: re-running");
            self.rerun()
        } else {
            Vec::new()
        }
    }

    fn restart_countdown(&mut self) {
        if self.watch.is_some() {
            self.watch = Some(self.config.watch_interval);
        }
    }

    fn apply_requests(&mut self, requests: Vec<Request>) -> Vec<Effect> {
        let mut effects = Vec::new();
        for request in requests {
            match request {
                Request::Rerun => effects.extend(self.rerun()),
                Request::Log(line) => self.push_log(line),
                Request::Problem(line) => self.push_problem(line),
                Request::SetAddress(input) => match parse_target(&input) {
                    Ok(target) => {
                        self.push_log(format!("address → {}", target.input));
                        self.target = Some(target);
                        effects.extend(self.rerun());
                    }
                    Err(e) => self.push_problem(format!("cannot sweep {input}: {e}")),
                },
                Request::Spawn(task) => effects.push(Effect::Spawn(task)),
            }
        }
        effects
    }

    /// Whether `id` is the latest sweep started.
    fn is_current(&self, id: u32) -> bool {
        self.sweep.as_ref().is_some_and(|s| s.id == id)
    }

    /// The lane the table and details show.
    pub fn lane(&self) -> &Lane {
        &self.lanes[self.shown.min(self.lanes.len() - 1)]
    }

    /// The shown lane's report.
    pub fn report(&self) -> Option<&SweepReport> {
        self.lane().report.as_ref()
    }

    /// The shown lane's change markers.
    pub fn changes(&self) -> &BTreeMap<usize, Change> {
        &self.lane().changes
    }

    /// The row under the cursor.
    pub fn current_row(&self) -> Option<&crate::model::RecordResult> {
        self.report().and_then(|r| r.records.get(self.cursor))
    }
}
