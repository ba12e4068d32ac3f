//! The dashboard's log goes to a file, never onto the screen: tracing with a
//! non-blocking file appender, at the path and level the configuration gives
//! (`sipscope paths` shows the file).

use std::path::{Path, PathBuf};

use tracing::level_filters::LevelFilter;
use tracing_appender::non_blocking::WorkerGuard;

use crate::config::LogLevel;

/// Starts file logging. Keep the guard alive until exit: dropping it flushes
/// the log. `None` when logging is off or the folder cannot be created (the
/// dashboard runs anyway).
pub fn init(path: Option<&Path>, level: LogLevel) -> (Option<PathBuf>, Option<WorkerGuard>) {
    let filter: LevelFilter = level.as_str().parse().unwrap_or(LevelFilter::INFO);
    if filter == LevelFilter::OFF {
        return (None, None);
    }
    let Some((dir, name)) = path.and_then(|p| Some((p.parent()?, p.file_name()?))) else {
        return (None, None);
    };
    if std::fs::create_dir_all(dir).is_err() {
        return (None, None);
    }
    let appender = tracing_appender::rolling::never(dir, name);
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let installed = tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_max_level(filter)
        .try_init()
        .is_ok();
    if !installed {
        return (None, None);
    }
    (Some(dir.join(name)), Some(guard))
}
