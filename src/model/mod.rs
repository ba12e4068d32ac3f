//! The client model: pure functions of what the sweep found (D4–D9).
//! Nothing here does I/O, so every rule is tested with plain unit tests.

pub mod autodiscover;
pub mod certname;
pub mod decision;
pub mod domain;
pub mod evidence;
pub mod features;
pub mod judge;
pub mod reason;
pub mod record;
pub mod report;
pub mod select;
pub mod status;
#[cfg(test)]
pub(crate) mod test_support;
pub mod timing;
pub mod warning;

pub use certname::{NameMatch, match_name};
pub use domain::{TrustSettings, check_target, in_domain};
pub use features::{authority, clients, diff, eventlog, vantage};
pub use judge::Judged;
pub use reason::{Reason, ReasonCode};
pub use record::{
    AddressProbe, CertInfo, ChainEntry, DnsOutcome, RecordResult, TargetResult, Timings, TlsInfo,
};
pub use report::{DOCUMENT_VERSION, SweepReport};
pub use select::{Cause, Signin, Verdict, select, verdict};
pub use status::Status;
pub use timing::ms;
pub use warning::{Warning, WarningCode};
