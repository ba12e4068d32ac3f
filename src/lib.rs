//! sipscope: see which DNS record an Office Communicator / Lync / Skype for
//! Business client signs in with, and why it fails.
//!
//! Data flows one way: [`input`] → [`plan`] → [`sweep`] (using [`probe`]) →
//! [`model`] (pure rules) → frontends (the `check` report, snapshots, the
//! [`tui`] dashboard). The command line ([`cli`]) is the root that nothing in
//! the library imports. The in-process `lab` (cargo feature `lab`, on by
//! default) serves the tests, the benchmarks and `sipscope demo`.
//!
//! The public surface is what a frontend, the lab and the tests need; the
//! helpers for output, files and untrusted text stay inside the crate.

pub mod cli;
pub mod config;
pub mod engine;
pub mod error;
pub mod input;
#[cfg(feature = "lab")]
pub mod lab;
pub mod model;
pub mod plan;
pub mod probe;
pub mod report;
pub mod snapshot;
pub mod sweep;
pub mod tui;

mod fsread;
mod out;
mod text;

pub use engine::{CheckRequest, CheckResult, Engine, EngineEvent, EngineSettings};
pub use error::{Failure, exit};
pub use model::{ReasonCode, Signin, Status, SweepReport};
pub use report::to_json;
pub use sweep::{Sweep, SweepEvent, SweepOptions, SweepSettings};
