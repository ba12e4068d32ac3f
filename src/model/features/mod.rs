//! Features built on the core rules of [`crate::model`]: the authoritative
//! comparison (D11), vantages, the diff of two reports, the event log and
//! every client generation's verdict. The core (records, evidence, judge,
//! select, reasons, status) imports nothing from here but the client
//! verdicts a report carries.

pub mod authority;
pub mod clients;
pub mod diff;
pub mod eventlog;
pub mod vantage;
