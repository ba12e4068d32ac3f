//! The panes of the dashboard, one file each; all draw from `&App`.

pub mod clients;
pub mod columns;
pub mod common;
pub mod compare;
pub mod details;
pub mod help;
pub mod keybar;
pub mod log;
pub mod panel;
pub mod records;
