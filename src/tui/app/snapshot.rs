//! The snapshot side of the reducer: `s` (hand the first lane's session —
//! every finished sweep joins its lane's, see `lanes.rs` — to the loop to write) and the write's result (a
//! toast and the full paths in the log), and a dashboard opened on a saved
//! snapshot (`sipscope open REF`): read-only until `r`, whose sweep runs with
//! the snapshot's settings (the command line still overrides) and is compared
//! with the snapshot's report.

use std::path::PathBuf;

pub use super::types::SaveRequest;
use super::{App, Change, Effect};
use crate::input::parse_target;
use crate::model::SweepReport;
use crate::snapshot::commands::when;
use crate::snapshot::{
    self, SavedPaths, SavedVantage, Session, SettingsSummary, Snapshot, SnapshotError, Views,
};
use crate::sweep::SweepSettings;
use crate::tui::toast::{Toast, ToastKind};

impl SaveRequest {
    /// Writes the JSON and Markdown files. Blocking file I/O: the loop runs
    /// it on a blocking thread and sends the result back as `Msg::SnapshotSaved`.
    pub fn write(&self) -> Result<SavedPaths, SnapshotError> {
        let dir = self.dir.as_deref().ok_or(SnapshotError::NoFolder)?;
        snapshot::save(dir, &self.session, &self.settings, self.views.clone())
    }
}

/// The saved snapshot the dashboard was opened on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    pub path: PathBuf,
    /// As `sipscope snapshots` lists it: `2026-11-22 11:09:23Z`.
    pub saved: String,
    pub domain: String,
    /// A live sweep has started: the screen is no longer the snapshot's.
    pub live: bool,
    /// A live sweep has finished; its markers compare with the snapshot.
    pub compared: bool,
}

impl Opened {
    /// The header's label.
    pub fn label(&self) -> String {
        if self.live {
            format!("live, compared with snapshot {}", self.saved)
        } else {
            format!("SNAPSHOT {} (read-only) — r: sweep live", self.saved)
        }
    }
}

/// The dashboard's snapshot state (the sweeps themselves are the lanes').
#[derive(Debug, Default)]
pub struct Snapshots {
    /// The settings the session's latest sweep ran with.
    settings: Option<SettingsSummary>,
    /// The settings of the sweep in flight, until it finishes.
    pending: Option<SettingsSummary>,
    pub opened: Option<Opened>,
}

fn on_off(b: bool) -> &'static str {
    if b { "on" } else { "off" }
}

fn settings_line(s: &SettingsSummary) -> String {
    let list = |v: Vec<String>| {
        if v.is_empty() {
            "none".to_string()
        } else {
            v.join(", ")
        }
    };
    format!(
        "snapshot settings: profile {}, resolver {}, timeout {} ms, CA files {}, system roots {}, trusted domains {}, strict DNS naming {}, TCP {}",
        s.profile,
        s.resolvers.join(", "),
        s.timeout_ms,
        list(s.ca_files.iter().map(|p| p.display().to_string()).collect()),
        on_off(s.system_roots),
        list(s.trusted_domains.clone()),
        on_off(s.strict_dns_naming),
        if s.allow_tcp { "allowed" } else { "forbidden" },
    )
}

impl App {
    /// Shows `snapshot` (read from `path`) read-only: its current sweep in
    /// the table and details, its history in the log. Call before
    /// [`App::start`], which then starts nothing.
    pub fn open_snapshot(&mut self, path: PathBuf, snapshot: Snapshot) {
        let s = &snapshot.settings;
        self.layers.snapshot = Some(s.clone());
        self.profile = self
            .layers
            .overrides
            .profile
            .clone()
            .unwrap_or_else(|| s.profile.clone());
        self.target = parse_target(&s.input)
            .or_else(|_| parse_target(&snapshot.current.input))
            .ok();
        let saved = when(&snapshot.saved_at);
        let sweeps = snapshot.sweep_count.max(snapshot.earlier.len() + 1);
        self.push_log(format!(
            "opened snapshot {} (saved {saved} by sipscope {}, {sweeps} sweep{})",
            path.display(),
            snapshot.tool_version,
            if sweeps == 1 { "" } else { "s" }
        ));
        self.push_log(settings_line(s));
        if snapshot.changes.is_empty() {
            self.push_log("no status changed during the snapshot's session");
        }
        for c in &snapshot.changes {
            for row in &c.rows {
                self.push_log(format!(
                    "sweep {} ({}): {row}",
                    c.sweep,
                    when(&c.started_at)
                ));
            }
        }
        self.push_log("read-only: r sweeps live with these settings and marks what changed since");
        // The markers of the snapshot's last sweep, as the dashboard showed them.
        let mut lane = super::Lane::default();
        if let Some(last) = snapshot.changes.last().filter(|c| c.sweep == sweeps) {
            for c in &last.rows {
                if let (Some(before), Some(after)) = (c.from, c.to) {
                    lane.changes.insert(c.index, Change { before, after });
                }
            }
        }
        // The opened snapshot's report is the session's first sweep, so a
        // snapshot saved after a live one records what changed since.
        lane.report = Some(snapshot.current.clone());
        lane.history = seeded(&snapshot.current);
        lane.authority = snapshot.authoritative.clone();
        self.lanes = vec![lane];
        self.shown = 0;
        // Every vantage saved (D12): a lane each; `r` sweeps them all again.
        self.layers.snapshot_vantages.clear();
        for (i, v) in snapshot.vantages.iter().enumerate() {
            let resolvers = crate::config::resolver_spec(&v.resolvers).ok();
            if let Some(r) = &resolvers {
                self.layers.snapshot_vantages.push(crate::config::Vantage {
                    label: v.label.clone(),
                    resolvers: r.clone(),
                });
            }
            if i > 0 {
                self.lanes.push(super::Lane::default());
            }
            let lane = &mut self.lanes[i];
            lane.label = v.label.clone();
            lane.resolvers = resolvers;
            lane.report = Some(v.current.clone());
            lane.history = seeded(&v.current);
            lane.authority = v.authoritative.clone();
        }
        if self.lanes.iter().any(|l| l.authority.is_some()) {
            self.authoritative = true;
        }
        self.follow_client_row();
        self.snapshots = Snapshots {
            settings: Some(snapshot.settings.clone()),
            pending: None,
            opened: Some(Opened {
                path,
                saved,
                domain: snapshot.current.domain,
                live: false,
                compared: false,
            }),
        };
    }

    /// Whether the screen shows a saved snapshot that no live sweep replaced yet.
    pub fn read_only(&self) -> bool {
        self.snapshots.opened.as_ref().is_some_and(|o| !o.live)
    }

    /// What the change markers compare with, for the details pane.
    pub fn changes_since(&self) -> &'static str {
        match &self.snapshots.opened {
            Some(o) if o.live => "the snapshot",
            _ => "the previous sweep",
        }
    }

    /// A sweep with `settings` starts: remember its settings for the
    /// session; an opened snapshot turns live, and is let go once a second
    /// live sweep (or another domain) no longer compares with it.
    pub(super) fn snapshot_sweep_started(&mut self, settings: &SweepSettings) {
        let config_file = self.config.config_file.clone();
        self.snapshots.pending =
            Some(SettingsSummary::from_settings(settings).with_config_file(config_file));
        let domain = &settings.target.domain;
        let keep = match &mut self.snapshots.opened {
            Some(o) if o.compared || &o.domain != domain => false,
            Some(o) => {
                o.live = true;
                true
            }
            None => true,
        };
        if !keep {
            self.snapshots.opened = None;
        }
    }

    /// The current sweep finished (it joined its lanes' sessions): an opened
    /// snapshot is now compared, and the sweep's settings are the session's.
    pub(super) fn snapshot_sweep_finished(&mut self) {
        if self.lanes[0].report.is_none() {
            return;
        }
        let snaps = &mut self.snapshots;
        if let Some(o) = snaps.opened.as_mut() {
            o.compared = true;
        }
        if let Some(p) = snaps.pending.take() {
            snaps.settings = Some(p);
        }
    }

    /// The session `s` saves: the first lane's, once a live sweep joined it
    /// (an opened snapshot alone is nothing new).
    fn session(&self) -> Option<&Session> {
        let fresh = self.snapshots.opened.as_ref().is_none_or(|o| o.compared);
        let session = &self.lanes[0].history;
        (fresh && session.current().is_some()).then_some(session)
    }

    /// `s`: hands the session to the loop to write, or says why not.
    pub(super) fn save_snapshot(&mut self) -> Vec<Effect> {
        let settings = match (&self.snapshots.settings, self.session()) {
            (Some(settings), Some(_)) => settings.clone(),
            _ => {
                let why = match &self.snapshots.opened {
                    Some(o) => format!(
                        "nothing new to save: this is snapshot {}; r sweeps live",
                        o.path.display()
                    ),
                    None => "nothing to save yet: no sweep has finished".to_string(),
                };
                self.push_log(format!("snapshot: {why}"));
                self.show_toast(ToastKind::Info, why);
                return Vec::new();
            }
        };
        let session = self.session().cloned().unwrap_or_default();
        let n = session.sweeps().len();
        self.push_log(format!(
            "saving a snapshot of {n} sweep{}",
            if n == 1 { "" } else { "s" }
        ));
        let views = self.views();
        vec![Effect::SaveSnapshot(Box::new(SaveRequest {
            dir: self.config.snapshot_dir.clone(),
            session,
            settings,
            views,
        }))]
    }

    /// Every named vantage's latest finished sweep (D12) and the first
    /// vantage's comparison with the zone's servers (D11), for `s`.
    fn views(&self) -> Views {
        let named = !self.lanes[0].label.is_empty();
        let vantages = if named {
            self.lanes
                .iter()
                .filter(|l| !l.running)
                .filter_map(|l| {
                    let current = l.report.clone()?;
                    Some(SavedVantage {
                        label: l.label.clone(),
                        resolvers: current.resolvers.clone(),
                        current,
                        authoritative: l.authority.clone(),
                    })
                })
                .collect()
        } else {
            Vec::new()
        };
        Views {
            vantages,
            authoritative: self.lanes[0].authority.clone(),
        }
    }

    /// The write's outcome: a toast saying where it went (or why not) and
    /// the full paths in the log.
    pub(super) fn on_snapshot_saved(&mut self, result: Result<SavedPaths, String>) {
        match result {
            Ok(paths) => {
                self.push_log(format!("snapshot saved: {}", paths.json.display()));
                self.push_log(format!("snapshot Markdown: {}", paths.markdown.display()));
                self.show_toast(
                    ToastKind::Ok,
                    format!("✓ snapshot saved: {} (+ .md)", paths.json.display()),
                );
            }
            Err(e) => {
                self.push_problem(format!("cannot save snapshot: {e}"));
                self.show_toast(ToastKind::Fail, format!("✗ snapshot not saved: {e}"));
            }
        }
    }

    pub fn show_toast(&mut self, kind: ToastKind, text: impl Into<String>) {
        self.toast = Some(Toast::new(kind, text));
    }
}

/// A session holding only `report`: an opened snapshot's sweep.
fn seeded(report: &SweepReport) -> Session {
    let mut session = Session::new();
    session.push(report.clone());
    session
}
