//! The texts of `sipscope snapshots [list | show REF | diff A B]` and the
//! save of `check --save`. REF is a path or a number from the list.

use std::fmt::Write;
use std::path::Path;

use super::{Entry, SavedPaths, Session, SettingsSummary, Skipped, Snapshot, SnapshotError};
use crate::model::{Signin, SweepReport};
use crate::report;
use crate::text::clean;

/// One line per skipped file, for stderr.
pub fn skipped_lines(skipped: &[Skipped]) -> Vec<String> {
    skipped
        .iter()
        .map(|s| format!("sipscope: skipped: {}", clean(&s.reason)))
        .collect()
}

/// A saved time as the listing shows it.
pub fn when(saved_at: &str) -> String {
    // "2026-11-22T11:09:23.123Z" → "2026-11-22 11:09:23Z"
    let s = saved_at.replacen('T', " ", 1);
    match s.find('.') {
        Some(dot) => format!("{}Z", &s[..dot]),
        None => s,
    }
}

/// The listing table.
pub fn list_text(dir: &Path, entries: &[Entry]) -> String {
    let mut out = String::new();
    if entries.is_empty() {
        let _ = writeln!(out, "no snapshots in {}", dir.display());
        return out;
    }
    let _ = writeln!(out, "snapshots in {}", dir.display());
    let dw = entries
        .iter()
        .map(|e| clean(&e.domain).chars().count())
        .max()
        .unwrap_or(6)
        .max(6);
    let pw = entries
        .iter()
        .map(|e| clean(&e.profile).chars().count())
        .max()
        .unwrap_or(7)
        .max(7);
    let _ = writeln!(
        out,
        "{:>3}  {:<20}  {:<dw$}  {:<pw$}  {:<8}  {:>6}  file",
        "#", "saved (UTC)", "domain", "profile", "sign-in", "sweeps"
    );
    for e in entries {
        // D18: a sign-in that works with something to fix says so.
        let verdict = match e.signin {
            Signin::Ok if e.state == crate::model::State::Degraded => "degraded",
            Signin::Ok => "ok",
            Signin::Fail => "fails",
            Signin::Undecided => "undecided",
        };
        let file = e.path.file_name().map(|f| f.to_string_lossy().into_owned());
        let _ = writeln!(
            out,
            "{:>3}  {:<20}  {:<dw$}  {:<pw$}  {verdict:<8}  {:>6}  {}",
            e.index,
            clean(&when(&e.saved_at)),
            clean(&e.domain),
            clean(&e.profile),
            e.sweeps,
            clean(&file.unwrap_or_default())
        );
    }
    out
}

/// `snapshots show`: a heading, the `check` table, then the session's changes.
pub fn show_text(path: &Path, s: &Snapshot) -> String {
    let mut out = format!(
        "snapshot {}  saved {}  by sipscope {}\n",
        clean(&path.display().to_string()),
        clean(&when(&s.saved_at)),
        clean(&s.tool_version)
    );
    out.push_str(&report::text::render(&s.current));
    // Already escaped, line by line.
    out.push_str(&super::views::summary(s));
    if !s.changes.is_empty() {
        let _ = writeln!(
            out,
            "\nChanges during the session ({} sweeps):",
            s.sweep_count
        );
        for c in &s.changes {
            for row in &c.rows {
                let _ = writeln!(
                    out,
                    "  sweep {} ({}): {}",
                    c.sweep,
                    clean(&when(&c.started_at)),
                    clean(&row.to_string())
                );
            }
        }
    }
    out
}

/// `snapshots diff`: the text and whether anything differs.
pub fn diff_text(pa: &Path, a: &Snapshot, pb: &Path, b: &Snapshot) -> (String, bool) {
    let changes = super::diff(a, b);
    let mut out = format!(
        "a: {}  (saved {})\nb: {}  (saved {})\n",
        clean(&pa.display().to_string()),
        clean(&when(&a.saved_at)),
        clean(&pb.display().to_string()),
        clean(&when(&b.saved_at))
    );
    if a.current.domain != b.current.domain {
        // Rows of two domains are not the same records: say so once.
        let _ = writeln!(
            out,
            "different domains ({} and {}): there is nothing to compare row by row",
            clean(&a.current.domain),
            clean(&b.current.domain)
        );
        return (out, true);
    }
    if changes.is_empty() {
        out.push_str("no differences\n");
    } else {
        for c in &changes {
            let _ = writeln!(out, "{}", clean(&c.to_string()));
        }
        let n = changes.len();
        let _ = writeln!(out, "{n} difference{}", if n == 1 { "" } else { "s" });
    }
    (out, !changes.is_empty())
}

/// `check --save`: a snapshot of that one sweep.
pub fn save_one(
    dir: &Path,
    report: &SweepReport,
    settings: &SettingsSummary,
    views: super::Views,
) -> Result<SavedPaths, SnapshotError> {
    let mut session = Session::new();
    session.push(report.clone());
    super::save(dir, &session, settings, views)
}
