//! The dashboard's log goes to a file, never onto the screen: tracing with a
//! non-blocking file appender, at the path and level the configuration gives
//! (`sipscope paths` shows the file). The file rolls over daily and only the
//! last [`KEEP_FILES`] are kept; `RUST_LOG`, when set, chooses what is
//! logged; hickory's per-query chatter stays at debug level.

use std::path::{Path, PathBuf};

use tracing::level_filters::LevelFilter;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use crate::config::LogLevel;

/// Log files kept (one a day).
pub const KEEP_FILES: usize = 7;

/// What is logged: `RUST_LOG` when it is set and parses (`info,sipscope=debug`),
/// else `level` for everything but hickory, whose per-query lines need debug.
pub fn filter(level: LogLevel, rust_log: Option<&str>) -> Targets {
    if let Some(t) = rust_log.and_then(|s| s.parse::<Targets>().ok()) {
        return t;
    }
    let level: LevelFilter = level.as_str().parse().unwrap_or(LevelFilter::INFO);
    let hickory = if level >= LevelFilter::DEBUG {
        level
    } else {
        level.min(LevelFilter::WARN)
    };
    Targets::new()
        .with_default(level)
        .with_target("hickory_proto", hickory)
        .with_target("hickory_resolver", hickory)
        .with_target("hickory_server", hickory)
}

/// Today's file for the configured `path` (`…/sipscope.log` →
/// `…/sipscope.2026-11-22.log`, as the rolling appender names it).
pub fn todays_file(path: &Path) -> Option<PathBuf> {
    let stem = path.file_stem()?.to_str()?;
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("log");
    let d = time::OffsetDateTime::now_utc().date();
    Some(path.with_file_name(format!(
        "{stem}.{:04}-{:02}-{:02}.{ext}",
        d.year(),
        u8::from(d.month()),
        d.day()
    )))
}

/// Starts file logging. Keep the guard alive until exit: dropping it flushes
/// the log. `None` when logging is off or the folder cannot be created (the
/// dashboard runs anyway).
pub fn init(path: Option<&Path>, level: LogLevel) -> (Option<PathBuf>, Option<WorkerGuard>) {
    let rust_log = std::env::var("RUST_LOG").ok();
    if level == LogLevel::Off && rust_log.is_none() {
        return (None, None);
    }
    let Some(path) = path else {
        return (None, None);
    };
    let (Some(dir), Some(stem)) = (path.parent(), path.file_stem().and_then(|s| s.to_str())) else {
        return (None, None);
    };
    if std::fs::create_dir_all(dir).is_err() {
        return (None, None);
    }
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("log");
    let Ok(appender) = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(stem)
        .filename_suffix(ext)
        .max_log_files(KEEP_FILES)
        .build(dir)
    else {
        return (None, None);
    };
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let installed = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(writer)
                .with_ansi(false),
        )
        .with(filter(level, rust_log.as_deref()))
        .try_init()
        .is_ok();
    if !installed {
        return (None, None);
    }
    (todays_file(path), Some(guard))
}

#[cfg(test)]
mod tests {
    use tracing::Level;

    use super::*;

    // Issue #13 item 18: hickory's chatter needs debug; RUST_LOG wins.
    #[test]
    fn hickory_is_quiet_at_info_and_rust_log_is_honoured() {
        let info = filter(LogLevel::Info, None);
        assert!(info.would_enable("sipscope::sweep", &Level::INFO));
        assert!(!info.would_enable("hickory_proto::xfer", &Level::INFO));
        assert!(info.would_enable("hickory_proto::xfer", &Level::WARN));
        let debug = filter(LogLevel::Debug, None);
        assert!(debug.would_enable("hickory_proto::xfer", &Level::DEBUG));
        let env = filter(LogLevel::Info, Some("warn,sipscope=trace"));
        assert!(env.would_enable("sipscope::tui", &Level::TRACE));
        assert!(!env.would_enable("other", &Level::INFO));
        let name = todays_file(Path::new("/s/sipscope.log")).unwrap();
        let name = name.file_name().unwrap().to_str().unwrap().to_string();
        assert!(
            name.starts_with("sipscope.20") && name.ends_with(".log"),
            "{name}"
        );
    }
}
