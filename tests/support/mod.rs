//! Helpers shared by the integration tests. Each test binary uses a part of
//! them, so the rest is unused there.
#![allow(dead_code)]

pub mod bin;
pub mod lab;
pub mod tmux;
