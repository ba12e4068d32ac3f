//! The snapshot folder: file names, atomic writes that never replace a file,
//! and the listing.
//!
//! Names sort by time and say the domain: `20261122T110923Z-contoso.com.json`
//! beside `…​.md`; a second save in the same second gets `_2`, `_3`, …
//! after the time (`20261122T110923Z_2-contoso.com.json`), which sorts after
//! the first. Both files are written to hidden temporary files in the same
//! folder and flushed to disk; then each gets its final name without
//! replacing an existing file (`persist_noclobber`), the Markdown report
//! first and the JSON file last. Only a JSON file with its report beside it
//! is listed, so a save killed at any instant leaves no listed half snapshot;
//! its stale temporary files go at the next save or listing.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use tempfile::NamedTempFile;

use time::OffsetDateTime;
use time::macros::format_description;

use serde::Deserialize;
use serde::de::IgnoredAny;
use time::format_description::well_known::Rfc3339;

use super::SnapshotError;
use crate::model::{Signin, Verdict};

/// The two files of a saved snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedPaths {
    pub json: PathBuf,
    pub markdown: PathBuf,
}

/// One snapshot in the folder, as `sipscope snapshots` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// 1 = the newest.
    pub index: usize,
    pub path: PathBuf,
    pub saved_at: String,
    pub domain: String,
    pub profile: String,
    pub signin: Signin,
    /// D18: ok, degraded or fail.
    pub state: crate::model::State,
    /// Sweeps in the session.
    pub sweeps: usize,
}

/// A file in the folder that is not a readable snapshot, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: String,
}

/// Attempts at a unique name before giving up (1000 saves in one second).
const MAX_ATTEMPTS: u32 = 1000;

/// `20261122T110923Z-contoso.com`, or `20261122T110923Z_2-contoso.com` for attempt 2.
pub fn file_stem(when: OffsetDateTime, domain: &str, attempt: u32) -> String {
    let fmt = format_description!("[year][month][day]T[hour][minute][second]Z");
    let time = when
        .to_offset(time::UtcOffset::UTC)
        .format(&fmt)
        .unwrap_or_else(|_| "unknown-time".into());
    // Domains are already normalised ASCII; keep the name safe whatever comes.
    let domain: String = domain
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let domain = domain.trim_start_matches('.');
    let domain = if domain.is_empty() { "unknown" } else { domain };
    if attempt <= 1 {
        format!("{time}-{domain}")
    } else {
        format!("{time}_{attempt}-{domain}")
    }
}

/// Writes the JSON and Markdown files of a snapshot under a fresh name:
/// both are written to hidden temporary files first; then the Markdown
/// report gets its name, and the JSON file last. The listing shows only
/// JSON files (with their report beside them), so after a crash at any
/// instant a listed snapshot has both files.
pub fn save_files(
    dir: &Path,
    when: OffsetDateTime,
    domain: &str,
    json: &str,
    markdown: &str,
) -> Result<SavedPaths, SnapshotError> {
    fs::create_dir_all(dir).map_err(|source| SnapshotError::CreateFolder {
        path: dir.to_path_buf(),
        source,
    })?;
    clean_stale_temporaries(dir);
    let write_err = |source| SnapshotError::Write {
        path: dir.to_path_buf(),
        source,
    };
    for attempt in 1..=MAX_ATTEMPTS {
        let stem = file_stem(when, domain, attempt);
        let (json_name, md_name) = (format!("{stem}.json"), format!("{stem}.md"));
        if exists(&dir.join(&json_name)) || exists(&dir.join(&md_name)) {
            continue;
        }
        let md_tmp = temporary(dir, markdown.as_bytes()).map_err(write_err)?;
        let json_tmp = temporary(dir, json.as_bytes()).map_err(write_err)?;
        let md_path = match publish(md_tmp, &dir.join(&md_name)) {
            Ok(p) => p,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(write_err(e)),
        };
        match publish(json_tmp, &dir.join(&json_name)) {
            Ok(json_path) => {
                sync_dir(dir);
                return Ok(SavedPaths {
                    json: json_path,
                    markdown: md_path,
                });
            }
            Err(e) => {
                // A report without its snapshot is not listed, but it is
                // still half a snapshot: take it back.
                let _ = fs::remove_file(&md_path);
                if e.kind() != io::ErrorKind::AlreadyExists {
                    return Err(write_err(e));
                }
            }
        }
    }
    Err(write_err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("{MAX_ATTEMPTS} snapshots of {domain} already carry this second's time"),
    )))
}

fn exists(p: &Path) -> bool {
    fs::symlink_metadata(p).is_ok()
}

/// Prefix of the hidden temporary files a save writes; nothing else in the
/// folder starts with it.
pub const TEMP_PREFIX: &str = ".sipscope-tmp-";
const TEMP_SUFFIX: &str = ".tmp";

/// A temporary file that is older than this was left by a save that was
/// killed; the next save or listing removes it.
pub const STALE_AFTER: Duration = Duration::from_secs(60);

/// `bytes` in a new hidden temporary file in `dir`, flushed to disk.
fn temporary(dir: &Path, bytes: &[u8]) -> io::Result<NamedTempFile> {
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    Ok(tmp)
}

/// Gives a finished temporary file its final name, failing with
/// `AlreadyExists` rather than replace anything; the temporary file is
/// removed when that fails.
fn publish(tmp: NamedTempFile, target: &Path) -> io::Result<PathBuf> {
    tmp.persist_noclobber(target)
        .map(|_| target.to_path_buf())
        .map_err(|e| e.error)
}

/// Writes `bytes` to `dir/name` atomically; fails with `AlreadyExists` rather
/// than replace a file of that name. Leaves nothing behind on failure.
pub fn write_new(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<PathBuf> {
    publish(temporary(dir, bytes)?, &dir.join(name))
}

/// Whether `name` is a save's temporary file: this version's
/// ([`TEMP_PREFIX`]) or an older one's (`.NAME.json.PID-N.tmp`).
fn is_temporary(name: &str) -> bool {
    name.ends_with(TEMP_SUFFIX)
        && (name.starts_with(TEMP_PREFIX)
            || (name.starts_with('.') && (name.contains(".json.") || name.contains(".md."))))
}

/// Removes the save temporaries in `dir` older than [`STALE_AFTER`] (left by a
/// killed save); a save in progress elsewhere is younger. Best effort.
pub fn clean_stale_temporaries(dir: &Path) {
    let Ok(read) = fs::read_dir(dir) else { return };
    let now = SystemTime::now();
    for item in read.flatten() {
        let name = item.file_name();
        if !is_temporary(&name.to_string_lossy()) {
            continue;
        }
        let Ok(meta) = item.metadata() else { continue };
        let old = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age > STALE_AFTER);
        if meta.is_file() && old {
            let _ = fs::remove_file(item.path());
        }
    }
}

/// Makes the new names durable; not every platform can open a folder, so best effort.
fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// What the listing reads of a snapshot file: only its listed fields, the
/// sweeps counted but not kept (a large file costs no memory).
#[derive(Deserialize)]
struct Listed {
    format: Option<u32>,
    tool: Option<String>,
    saved_at: String,
    current: ListedSweep,
    #[serde(default)]
    earlier: Vec<IgnoredAny>,
    #[serde(default)]
    sweep_count: usize,
}

#[derive(Deserialize)]
struct ListedSweep {
    version: u32,
    domain: String,
    profile: String,
    records: Vec<IgnoredAny>,
    verdict: Verdict,
}

/// Reads the listed fields of the snapshot at `path`, with the checks of
/// [`super::load`] that they allow (size, type, format, time, records).
fn read_listed(path: &Path) -> Result<Listed, SnapshotError> {
    let bytes = super::read_file(path)?;
    super::not_json(&bytes, path)?;
    let text = std::str::from_utf8(&bytes).map_err(|e| SnapshotError::Corrupt {
        path: path.to_path_buf(),
        why: format!("not UTF-8 text ({e})"),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let foreign = |why: String| SnapshotError::Foreign {
        path: path.to_path_buf(),
        why,
    };
    let corrupt = |why: String| SnapshotError::Corrupt {
        path: path.to_path_buf(),
        why,
    };
    #[derive(Deserialize)]
    struct Header {
        format: Option<u32>,
        tool: Option<String>,
    }
    let header: Header = serde_json::from_str(text).map_err(|e| {
        if e.is_data() {
            foreign(e.to_string())
        } else {
            corrupt(e.to_string())
        }
    })?;
    match (header.format, header.tool.as_deref()) {
        (Some(f), Some(super::TOOL)) if f > super::FORMAT => {
            return Err(SnapshotError::Newer {
                path: path.to_path_buf(),
                found: f,
            });
        }
        (Some(_), Some(super::TOOL)) => {}
        _ => return Err(foreign("no \"format\" and \"tool\": \"sipscope\"".into())),
    }
    let l: Listed = serde_json::from_str(text).map_err(|e| corrupt(e.to_string()))?;
    let why = if l.format != Some(super::FORMAT) || l.tool.as_deref() != Some(super::TOOL) {
        Some(format!("snapshot format {:?}", l.format))
    } else if l.current.version != crate::model::DOCUMENT_VERSION {
        Some(format!("document version {}", l.current.version))
    } else if OffsetDateTime::parse(&l.saved_at, &Rfc3339).is_err() {
        Some("saved_at is not an RFC 3339 time".into())
    } else if l.current.records.is_empty() {
        Some("current sweep: no records".into())
    } else if l.current.records.len() > super::validate::MAX_RECORDS {
        Some(format!(
            "current sweep: {} records",
            l.current.records.len()
        ))
    } else {
        None
    };
    match why {
        Some(why) => Err(corrupt(why)),
        None => Ok(l),
    }
}

/// The snapshots in `dir`, newest first and numbered from 1, and the `.json`
/// files that could not be read (each with a one-line reason). A missing
/// folder holds no snapshots. A JSON file without its Markdown report beside
/// it is skipped: a snapshot is both files. Stale temporary files of killed
/// saves are removed on the way.
pub fn list(dir: &Path) -> Result<(Vec<Entry>, Vec<Skipped>), SnapshotError> {
    let read = match fs::read_dir(dir) {
        Ok(r) => r,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((Vec::new(), Vec::new())),
        Err(source) => {
            return Err(SnapshotError::List {
                path: dir.to_path_buf(),
                source,
            });
        }
    };
    clean_stale_temporaries(dir);
    let mut found: Vec<(Option<OffsetDateTime>, PathBuf, Listed)> = Vec::new();
    let mut skipped = Vec::new();
    for item in read {
        let Ok(item) = item else { continue };
        let name = item.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || !name.ends_with(".json") {
            continue;
        }
        let path = item.path();
        if !path.is_file() {
            continue;
        }
        match read_listed(&path) {
            Ok(_) if !path.with_extension("md").is_file() => skipped.push(Skipped {
                reason: format!(
                    "{} is incomplete: its Markdown report {} is missing",
                    path.display(),
                    path.with_extension("md").display()
                ),
                path,
            }),
            Ok(l) => {
                let when = OffsetDateTime::parse(&l.saved_at, &Rfc3339).ok();
                found.push((when, path, l));
            }
            Err(e) => skipped.push(Skipped {
                path,
                reason: e.to_string(),
            }),
        }
    }
    // Newest first; the file name (time, then uniquifier) breaks ties.
    found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| b.1.cmp(&a.1)));
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    let entries = found
        .into_iter()
        .enumerate()
        .map(|(i, (_, path, s))| Entry {
            index: i + 1,
            path,
            saved_at: s.saved_at,
            domain: s.current.domain,
            profile: s.current.profile,
            signin: s.current.verdict.signin,
            state: s.current.verdict.state,
            sweeps: s.sweep_count.max(s.earlier.len() + 1),
        })
        .collect();
    Ok((entries, skipped))
}
