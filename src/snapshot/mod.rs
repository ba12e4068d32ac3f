//! Snapshots: a session's sweeps saved to disk for a ticket — the current
//! sweep in full (the `check --json` document), the earlier sweeps and what
//! changed between them, and the settings used — as JSON beside a Markdown
//! report of the same content.
//!
//! The dashboard keeps a [`Session`] per vantage (its lanes), pushes each
//! finished sweep into it and calls [`save`] on `s`. The CLI lists ([`list`]), loads ([`load`]) and
//! compares ([`diff`]) saved ones.
//!
//! Readers ignore fields they do not know (no `deny_unknown_fields` here), so
//! a newer sipscope may add fields without bumping [`FORMAT`].

pub mod commands;
mod error;
pub mod markdown;
mod settings;
pub mod store;
pub mod validate;
pub mod views;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::model::SweepReport;
use crate::model::diff::{self, Aspect, Change, RowStatusChange};

pub use error::SnapshotError;
pub use settings::SettingsSummary;
pub use store::{Entry, SavedPaths, Skipped, list};
pub use views::{SavedVantage, Views};

/// Version of the snapshot document; bumped only when a field changes meaning.
pub const FORMAT: u32 = 1;

/// Full sweeps a session keeps (the oldest are dropped; their changes stay).
pub const MAX_SWEEPS: usize = 100;

/// The status changes one sweep brought, against the sweep before it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SweepChanges {
    /// The sweep's number in the session (1 = the first).
    pub sweep: usize,
    /// When that sweep started (RFC 3339).
    pub started_at: String,
    pub rows: Vec<RowStatusChange>,
}

/// The sweeps of one dashboard session and the changes between them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Session {
    sweeps: Vec<SweepReport>,
    changes: Vec<SweepChanges>,
    pushed: usize,
}

impl Session {
    pub fn new() -> Session {
        Session::default()
    }

    /// Adds a finished sweep and returns the rows whose status changed since
    /// the previous one (empty for the first). Only sweeps that changed
    /// something enter [`Session::changes`].
    pub fn push(&mut self, report: SweepReport) -> Vec<RowStatusChange> {
        self.pushed += 1;
        let rows = match self.sweeps.last() {
            Some(prev) => diff::status_changes(prev, &report),
            None => Vec::new(),
        };
        if !rows.is_empty() {
            self.changes.push(SweepChanges {
                sweep: self.pushed,
                started_at: report.started_at.clone(),
                rows: rows.clone(),
            });
        }
        self.sweeps.push(report);
        if self.sweeps.len() > MAX_SWEEPS {
            self.sweeps.remove(0);
        }
        rows
    }

    /// The latest sweep.
    pub fn current(&self) -> Option<&SweepReport> {
        self.sweeps.last()
    }

    /// The sweeps kept, oldest first (at most [`MAX_SWEEPS`]).
    pub fn sweeps(&self) -> &[SweepReport] {
        &self.sweeps
    }

    /// Every sweep that changed a row's status, oldest first.
    pub fn changes(&self) -> &[SweepChanges] {
        &self.changes
    }

    /// Sweeps pushed so far, including any dropped.
    pub fn sweep_count(&self) -> usize {
        self.pushed
    }

    /// Starts over (new address or profile).
    pub fn clear(&mut self) {
        *self = Session::default();
    }
}

/// The saved document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// [`FORMAT`].
    pub format: u32,
    /// `"sipscope"`, so a foreign JSON file is told apart.
    pub tool: String,
    pub tool_version: String,
    /// When the snapshot was saved (RFC 3339, UTC).
    pub saved_at: String,
    pub settings: SettingsSummary,
    /// The current sweep in full: the `check --json` document.
    pub current: SweepReport,
    /// The session's earlier sweeps, oldest first.
    #[serde(default)]
    pub earlier: Vec<SweepReport>,
    /// Status changes per sweep, oldest first.
    #[serde(default)]
    pub changes: Vec<SweepChanges>,
    /// Sweeps in the session (more than `earlier` + 1 when old ones were dropped).
    #[serde(default)]
    pub sweep_count: usize,
    /// D11: the zone's own servers against `current` (see [`views`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authoritative: Option<crate::model::authority::Authority>,
    /// D12: every vantage's latest sweep, the first being `current`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vantages: Vec<SavedVantage>,
}

pub const TOOL: &str = "sipscope";

impl Snapshot {
    /// The session as a snapshot taken now. `None` when it has no sweep yet.
    pub fn of(session: &Session, settings: &SettingsSummary) -> Option<Snapshot> {
        Snapshot::at(session, settings, OffsetDateTime::now_utc())
    }

    pub fn at(
        session: &Session,
        settings: &SettingsSummary,
        saved_at: OffsetDateTime,
    ) -> Option<Snapshot> {
        let (current, earlier) = session.sweeps.split_last()?;
        Some(Snapshot {
            format: FORMAT,
            tool: TOOL.into(),
            tool_version: env!("CARGO_PKG_VERSION").into(),
            saved_at: saved_at.format(&Rfc3339).unwrap_or_default(),
            settings: settings.clone(),
            current: current.clone(),
            earlier: earlier.to_vec(),
            changes: session.changes.clone(),
            sweep_count: session.pushed,
            authoritative: None,
            vantages: Vec::new(),
        })
    }

    /// The time it was saved, if readable.
    pub fn saved_time(&self) -> Option<OffsetDateTime> {
        OffsetDateTime::parse(&self.saved_at, &Rfc3339).ok()
    }
}

/// Saves `session` to `dir` (created if needed) as `<time>-<domain>.json` and
/// `.md`, atomically and never over another snapshot.
pub fn save(
    dir: &Path,
    session: &Session,
    settings: &SettingsSummary,
    views: Views,
) -> Result<SavedPaths, SnapshotError> {
    let snapshot = Snapshot::of(session, settings)
        .ok_or(SnapshotError::Empty)?
        .with_views(views);
    save_snapshot(dir, &snapshot)
}

/// Saves a prepared snapshot (see [`save`]).
pub fn save_snapshot(dir: &Path, snapshot: &Snapshot) -> Result<SavedPaths, SnapshotError> {
    // Plain data: serialising cannot fail. The one JSON writer escapes
    // control and bidi characters (issue 21 item 2).
    let json = crate::report::json::to_string_pretty(snapshot) + "\n";
    let md = markdown::render(snapshot);
    let when = snapshot
        .saved_time()
        .unwrap_or_else(OffsetDateTime::now_utc);
    store::save_files(dir, when, &snapshot.current.domain, &json, &md)
}

/// Reads a snapshot file: a regular file of at most
/// [`crate::fsread::SNAPSHOT_MAX`] bytes, checked for sense ([`validate`]).
pub fn load(path: &Path) -> Result<Snapshot, SnapshotError> {
    let bytes = read_file(path)?;
    parse_bytes(&bytes, path)
}

/// The bytes of a snapshot file, within the size limit.
pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>, SnapshotError> {
    crate::fsread::read(path, crate::fsread::SNAPSHOT_MAX).map_err(|source| SnapshotError::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// A file that does not even start like a JSON object (`/etc/passwd`) is
/// not a snapshot at all, rather than a damaged one.
pub(crate) fn not_json(bytes: &[u8], path: &Path) -> Result<(), SnapshotError> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => Ok(()),
        _ => Err(SnapshotError::Foreign {
            path: path.to_path_buf(),
            why: "not a JSON document".into(),
        }),
    }
}

/// [`parse`] over raw bytes: UTF-8, with or without a byte order mark.
pub fn parse_bytes(bytes: &[u8], path: &Path) -> Result<Snapshot, SnapshotError> {
    not_json(bytes, path)?;
    let text = std::str::from_utf8(bytes).map_err(|e| SnapshotError::Corrupt {
        path: path.to_path_buf(),
        why: format!("not UTF-8 text ({e})"),
    })?;
    parse(text, path)
}

/// Parses a snapshot document; `path` names it in errors. A leading byte
/// order mark is allowed; the content is checked for sense ([`validate`]).
pub fn parse(text: &str, path: &Path) -> Result<Snapshot, SnapshotError> {
    not_json(text.as_bytes(), path)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    #[derive(Deserialize)]
    struct Header {
        format: Option<u32>,
        tool: Option<String>,
    }
    let corrupt = |e: serde_json::Error| SnapshotError::Corrupt {
        path: path.to_path_buf(),
        why: e.to_string(),
    };
    let header: Header = serde_json::from_str(text).map_err(|e| {
        if e.is_data() {
            SnapshotError::Foreign {
                path: path.to_path_buf(),
                why: e.to_string(),
            }
        } else {
            corrupt(e)
        }
    })?;
    match (header.format, header.tool.as_deref()) {
        (Some(f), Some(TOOL)) if f > FORMAT => Err(SnapshotError::Newer {
            path: path.to_path_buf(),
            found: f,
        }),
        (Some(_), Some(TOOL)) => {
            let s: Snapshot = serde_json::from_str(text).map_err(corrupt)?;
            match validate::problem(&s) {
                None => Ok(s),
                Some(why) => Err(SnapshotError::Corrupt {
                    path: path.to_path_buf(),
                    why,
                }),
            }
        }
        _ => Err(SnapshotError::Foreign {
            path: path.to_path_buf(),
            why: "no \"format\" and \"tool\": \"sipscope\"".into(),
        }),
    }
}

/// Every difference between two snapshots: their current sweeps (see
/// [`crate::model::diff::changes`]) and the trust settings they ran with.
pub fn diff(a: &Snapshot, b: &Snapshot) -> Vec<Change> {
    let mut out = diff::changes(&a.current, &b.current);
    if let Some(label) = views::first_label(a, b) {
        out = out.into_iter().map(|c| views::tag(label, c)).collect();
    }
    out.extend(views::diff(a, b));
    let (x, y) = (&a.settings, &b.settings);
    let mut setting = |name: &str, p: String, q: String| {
        if p != q {
            out.push(Change::new(
                None,
                Aspect::Setting,
                format!("{name} {p}"),
                format!("{name} {q}"),
            ));
        }
    };
    let paths = |v: &[PathBuf]| {
        v.iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    setting(
        "trusted_domains",
        x.trusted_domains.join(", "),
        y.trusted_domains.join(", "),
    );
    setting(
        "strict_dns_naming",
        x.strict_dns_naming.to_string(),
        y.strict_dns_naming.to_string(),
    );
    setting("ca_files", paths(&x.ca_files), paths(&y.ca_files));
    setting(
        "system_roots",
        x.system_roots.to_string(),
        y.system_roots.to_string(),
    );
    setting(
        "allow_tcp",
        x.allow_tcp.to_string(),
        y.allow_tcp.to_string(),
    );
    out
}

/// A snapshot named on the command line: a path, or a number from `sipscope snapshots`.
pub fn resolve_ref(dir: &Path, reference: &str) -> Result<PathBuf, SnapshotError> {
    let as_path = Path::new(reference);
    if let Ok(index) = reference.parse::<usize>()
        && !as_path.exists()
    {
        let (entries, _) = list(dir)?;
        return entries
            .iter()
            .find(|e| e.index == index)
            .map(|e| e.path.clone())
            .ok_or(SnapshotError::NoSuchIndex {
                index,
                count: entries.len(),
                dir: dir.to_path_buf(),
            });
    }
    Ok(as_path.to_path_buf())
}

#[cfg(test)]
mod tests;
