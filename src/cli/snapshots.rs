//! `sipscope snapshots [list | show REF | diff A B]`.

use clap::{Args, Subcommand};

use crate::config::Resolved;
use crate::error::{Failure, exit};
use crate::out;
use crate::snapshot::{self, SnapshotError, commands};

#[derive(Debug, Args, Clone)]
pub struct SnapshotsArgs {
    #[command(subcommand)]
    pub action: Option<SnapshotsAction>,
}

#[derive(Debug, Subcommand, Clone)]
pub enum SnapshotsAction {
    /// List saved snapshots, newest first (the default)
    List,
    /// Print a snapshot as the `check` table
    Show {
        /// Path of a snapshot, or its number in `sipscope snapshots`
        #[arg(value_name = "REF")]
        snapshot: String,
    },
    /// Compare two snapshots row by row (exit 0 identical, 1 different)
    Diff {
        /// The earlier snapshot: path or number
        #[arg(value_name = "A")]
        a: String,
        /// The later snapshot: path or number
        #[arg(value_name = "B")]
        b: String,
    },
}

/// Runs `sipscope snapshots …` on the snapshot folder; returns the exit code.
pub fn run(args: &SnapshotsArgs, config: &Resolved) -> Result<u8, Failure> {
    let dir = config
        .snapshot_dir
        .as_deref()
        .ok_or(SnapshotError::NoFolder)?;
    match args.action.as_ref().unwrap_or(&SnapshotsAction::List) {
        SnapshotsAction::List => {
            let (entries, skipped) = snapshot::list(dir)?;
            for line in commands::skipped_lines(&skipped) {
                out::eprintln(&line);
            }
            out::print(&commands::list_text(dir, &entries))?;
            Ok(exit::OK)
        }
        SnapshotsAction::Show {
            snapshot: reference,
        } => {
            let path = snapshot::resolve_ref(dir, reference)?;
            let s = snapshot::load(&path)?;
            out::print(&commands::show_text(&path, &s))?;
            Ok(exit::OK)
        }
        SnapshotsAction::Diff { a, b } => {
            let (pa, pb) = (
                snapshot::resolve_ref(dir, a)?,
                snapshot::resolve_ref(dir, b)?,
            );
            let (sa, sb) = (snapshot::load(&pa)?, snapshot::load(&pb)?);
            let (text, differs) = commands::diff_text(&pa, &sa, &pb, &sb);
            out::print(&text)?;
            Ok(if differs { exit::FAIL } else { exit::OK })
        }
    }
}
