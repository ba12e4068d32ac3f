//! Why a snapshot could not be saved or read.

use std::path::{Path, PathBuf};

use thiserror::Error;

use super::FORMAT;

/// Why a snapshot could not be saved or read. Each message is one line and
/// names the file or folder.
#[derive(Debug, Error)]
pub enum SnapshotError {
    #[error("nothing to save: no sweep has finished yet")]
    Empty,
    #[error(
        "no snapshot folder: there is no home folder; set snapshot_dir in the config or use --snapshot-dir"
    )]
    NoFolder,
    #[error("cannot create snapshot folder {}: {source}", path.display())]
    CreateFolder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write snapshot in {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read {}: {source}", shown(path))]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot list snapshot folder {}: {source}", path.display())]
    List {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{} is not a sipscope snapshot ({})",
        shown(path),
        crate::text::echo_max(why, 300)
    )]
    Foreign { path: PathBuf, why: String },
    #[error("{} was written by a newer sipscope (snapshot format {found}; this one reads format {FORMAT})", path.display())]
    Newer { path: PathBuf, found: u32 },
    #[error("{} is damaged: {}", shown(path), crate::text::echo_max(why, 300))]
    Corrupt { path: PathBuf, why: String },
    #[error("cannot write the output: {0}")]
    Output(std::io::Error),
    #[error("no snapshot number {index} in {}: it holds {count}; `sipscope snapshots` lists them", dir.display())]
    NoSuchIndex {
        index: usize,
        count: usize,
        dir: PathBuf,
    },
}

/// A path for an error message: escaped and cut.
fn shown(path: &Path) -> String {
    crate::text::echo(&path.display().to_string())
}
