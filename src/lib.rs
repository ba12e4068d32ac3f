//! sipscope: see which DNS record an Office Communicator / Lync client signs
//! in with, and why it fails.
//!
//! Data flows one way: [`input`] → [`plan`] → [`sweep`] (using [`probe`]) →
//! [`model`] (pure rules) → frontends ([`report`], [`cli`], the [`tui`] dashboard).

pub mod cli;
pub mod input;
pub mod model;
pub mod plan;
pub mod probe;
pub mod report;
pub mod sweep;
pub mod tui;
