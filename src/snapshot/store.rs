//! The snapshot folder: file names, atomic writes that never replace a file,
//! and the listing.
//!
//! Names sort by time and say the domain: `20261122T110923Z-contoso.com.json`
//! beside `…​.md`; a second save in the same second gets `_2`, `_3`, …
//! after the time (`20261122T110923Z_2-contoso.com.json`), which sorts after
//! the first. Each file is written to a hidden temporary file in the same
//! folder, flushed to disk, then linked to its final name, which fails rather
//! than replace an existing file. A failed save removes what it wrote, so the
//! folder never holds a partial snapshot.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use time::OffsetDateTime;
use time::macros::format_description;

use super::{Snapshot, SnapshotError, load};
use crate::model::Signin;

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
    /// The verdict sentence.
    pub summary: String,
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

/// Writes the JSON and Markdown files of a snapshot under a fresh name.
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
        let json_path = match write_new(dir, &json_name, json.as_bytes()) {
            Ok(p) => p,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(write_err(e)),
        };
        match write_new(dir, &md_name, markdown.as_bytes()) {
            Ok(md_path) => {
                sync_dir(dir);
                return Ok(SavedPaths {
                    json: json_path,
                    markdown: md_path,
                });
            }
            Err(e) => {
                // Half a snapshot is worse than none.
                let _ = fs::remove_file(&json_path);
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

static TMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Writes `bytes` to `dir/name` atomically; fails with `AlreadyExists` rather
/// than replace a file of that name. Leaves nothing behind on failure.
pub fn write_new(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<PathBuf> {
    let target = dir.join(name);
    let n = TMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.{}-{n}.tmp", std::process::id()));
    let result = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .and_then(|mut f| {
            f.write_all(bytes)?;
            f.sync_all()
        })
        .and_then(|()| publish(&tmp, &target));
    // After a hard link the temporary name is a second link; after a rename
    // or a failure it may be gone already. Either way it must not stay.
    let _ = fs::remove_file(&tmp);
    result.map(|()| target)
}

/// Gives the finished temporary file its final name without replacing anything.
fn publish(tmp: &Path, target: &Path) -> io::Result<()> {
    match fs::hard_link(tmp, target) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(e),
        // File systems without hard links: rename, after checking the name is
        // free (a race with another writer here is the only way to replace).
        Err(_) if exists(target) => Err(io::ErrorKind::AlreadyExists.into()),
        Err(_) => fs::rename(tmp, target),
    }
}

/// Makes the new names durable; not every platform can open a folder, so best effort.
fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// The snapshots in `dir`, newest first and numbered from 1, and the `.json`
/// files that could not be read (each with a one-line reason). A missing
/// folder holds no snapshots.
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
    let mut found: Vec<(Option<OffsetDateTime>, PathBuf, Snapshot)> = Vec::new();
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
        match load(&path) {
            Ok(s) => found.push((s.saved_time(), path, s)),
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
            summary: s.current.verdict.summary,
            sweeps: s.sweep_count.max(s.earlier.len() + 1),
        })
        .collect();
    Ok((entries, skipped))
}
