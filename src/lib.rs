//! sipscope: see which DNS record an Office Communicator / Lync client signs
//! in with, and why it fails.
//!
//! Data flows one way: [`input`] → [`plan`] → [`sweep`] (using [`probe`]) →
//! [`model`] (pure rules) → frontends ([`report`], [`cli`], the [`tui`]
//! dashboard). The in-process [`lab`] serves the tests, the benchmarks and
//! `sipscope demo`.

pub mod cli;
pub mod config;
pub mod error;
pub mod fsread;
pub mod input;
pub mod lab;
pub mod model;
pub mod out;
pub mod plan;
pub mod probe;
pub mod report;
pub mod snapshot;
pub mod sweep;
pub mod text;
pub mod tui;
