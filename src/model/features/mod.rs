//! Features built on the core rules of [`crate::model`]: the report
//! document and when its verdict was decided, the authoritative comparison
//! (D11), vantages, the diff of two reports, the event log and every client
//! generation's verdict. The core (records, evidence, judge, select,
//! reasons, status, domain, certname, autodiscover) imports nothing from here.

pub mod authority;
pub mod clients;
pub mod decision;
pub mod diff;
pub mod eventlog;
pub mod report;
pub mod vantage;
