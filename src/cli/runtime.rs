//! The async runtime for the commands that do network work, in a file of
//! its own so the commands in folders (`audit/`, `serve/`) reach it without
//! importing the command line's root (no circle across folders).

use crate::error::Failure;

/// A multi-threaded runtime for the commands that do network work.
pub(super) fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::runtime(format!("cannot start the async runtime: {e}")))
}
