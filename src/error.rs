//! Errors that end a command, each with its exit code. Conversions are
//! explicit per error type: a bad address or option is the user's to fix
//! (exit 2); a terminal, file-system or lab failure is not (exit 3).

use crate::config::ConfigError;
use crate::input::InputError;
#[cfg(feature = "lab")]
use crate::lab::LabError;
use crate::plan::PlanError;
use crate::snapshot::SnapshotError;
use crate::sweep::SweepError;

/// Exit codes shared by every command (README "Exit codes").
pub mod exit {
    /// Sign-in works / command succeeded.
    pub const OK: u8 = 0;
    /// Sign-in fails (check) / a difference was found (diff).
    pub const FAIL: u8 = 1;
    /// Bad input or configuration.
    pub const USAGE: u8 = 2;
    /// The command could not run: terminal, file system, lab.
    pub const RUNTIME: u8 = 3;
}

/// Why a command ended without doing its job. The message is one line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    /// Bad input or configuration: exit 2.
    #[error("{0}")]
    Usage(String),
    /// Something failed while running: exit 3.
    #[error("{0}")]
    Runtime(String),
}

impl Failure {
    pub fn usage(msg: impl Into<String>) -> Failure {
        Failure::Usage(msg.into())
    }

    pub fn runtime(msg: impl Into<String>) -> Failure {
        Failure::Runtime(msg.into())
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Usage(_) => exit::USAGE,
            Failure::Runtime(_) => exit::RUNTIME,
        }
    }
}

macro_rules! usage_from {
    ($($t:ty),*) => {$(
        impl From<$t> for Failure {
            fn from(e: $t) -> Failure {
                Failure::Usage(e.to_string())
            }
        }
    )*};
}

// Bad input, options, configuration files, CA files named by the user.
usage_from!(InputError, PlanError, ConfigError, SweepError);

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Failure {
        Failure::Runtime(format!("cannot write the output: {e}"))
    }
}

#[cfg(feature = "lab")]
impl From<LabError> for Failure {
    fn from(e: LabError) -> Failure {
        Failure::Runtime(format!("the lab failed: {e}"))
    }
}

impl From<SnapshotError> for Failure {
    fn from(e: SnapshotError) -> Failure {
        match e {
            // The folder could not be created or written: not the user's typing.
            SnapshotError::CreateFolder { .. }
            | SnapshotError::Write { .. }
            | SnapshotError::List { .. }
            | SnapshotError::Output(_) => Failure::Runtime(e.to_string()),
            // A reference, a file or a folder the user named is wrong.
            _ => Failure::Usage(e.to_string()),
        }
    }
}
