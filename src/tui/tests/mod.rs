//! Dashboard tests: the reducer fed with messages, and the screen rendered
//! to a `TestBackend` and compared with committed snapshots. Everything is
//! built from model types with a fixed clock: no terminal, no network, no
//! timing.

#[cfg(feature = "lab")]
mod autodiscover;
#[cfg(feature = "lab")]
mod demo;
#[cfg(feature = "lab")]
mod demo_views;
mod fixtures;
#[cfg(feature = "lab")]
mod hostile_sip;
#[cfg(feature = "lab")]
mod hostile_text;
mod newcomer;
mod reducer;
mod render;
mod screen_issue20;
mod settings;
mod snapshot_open;
mod snapshot_save;
mod vantages;
