//! The lab's typed errors.

/// Errors of the lab. Scenario errors name the file and what is wrong in it.
#[derive(Debug, thiserror::Error)]
pub enum LabError {
    /// A scenario file does not parse or is inconsistent.
    #[error("scenario {source_name}: {detail}")]
    Scenario {
        /// The file (or `<inline>`) the scenario came from.
        source_name: String,
        /// What is wrong.
        detail: String,
    },
    /// Two scenarios share a name.
    #[error("two scenarios are named `{0}`")]
    DuplicateScenario(String),
    /// No scenario of that name runs in this lab.
    #[error("no scenario named `{0}` in this lab")]
    UnknownScenario(String),
    /// The scenario declares no fix.
    #[error("scenario `{0}` has no fix")]
    NoFix(String),
    /// The lab could not be assembled (zones, addresses, listeners).
    #[error("lab setup: {0}")]
    Setup(String),
    /// A socket operation failed.
    #[error("{what}: {source}")]
    Io {
        /// What the lab was doing.
        what: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// A certificate could not be made.
    #[error("certificate: {0}")]
    Certificate(#[from] rcgen::Error),
    /// A TLS configuration could not be made.
    #[error("TLS: {0}")]
    Tls(#[from] rustls::Error),
}

impl LabError {
    pub(crate) fn io(what: &str, source: std::io::Error) -> Self {
        Self::Io {
            what: what.to_string(),
            source,
        }
    }
}
