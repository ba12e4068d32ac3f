//! The dashboard's log goes to a file, never onto the screen: tracing with a
//! non-blocking file appender in the state folder (`ProjectDirs`). Level from
//! `SIPSCOPE_LOG` (error, warn, info, debug, trace; default info).

use std::path::PathBuf;

use directories::ProjectDirs;
use tracing::level_filters::LevelFilter;
use tracing_appender::non_blocking::WorkerGuard;

pub const LOG_FILE_NAME: &str = "sipscope.log";

/// The folder the log file goes in: the state folder where the platform has
/// one (Linux), else the local data folder.
pub fn log_dir() -> Option<PathBuf> {
    let dirs = ProjectDirs::from("", "", "sipscope")?;
    Some(
        dirs.state_dir()
            .unwrap_or_else(|| dirs.data_local_dir())
            .to_path_buf(),
    )
}

fn level() -> LevelFilter {
    std::env::var("SIPSCOPE_LOG")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(LevelFilter::INFO)
}

/// Starts file logging. Keep the guard alive until exit: dropping it flushes
/// the log. `None` when the folder cannot be created (the dashboard runs anyway).
pub fn init() -> (Option<PathBuf>, Option<WorkerGuard>) {
    let Some(dir) = log_dir() else {
        return (None, None);
    };
    if std::fs::create_dir_all(&dir).is_err() {
        return (None, None);
    }
    let appender = tracing_appender::rolling::never(&dir, LOG_FILE_NAME);
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let installed = tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_max_level(level())
        .try_init()
        .is_ok();
    if !installed {
        return (None, None);
    }
    (Some(dir.join(LOG_FILE_NAME)), Some(guard))
}
