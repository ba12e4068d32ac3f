//! The client model: pure functions of what the sweep found (D4–D9).
//! Nothing here does I/O, so every rule is tested with plain unit tests.

pub mod autodiscover;
pub mod certname;
pub mod dial_policy;
pub mod domain;
pub mod evidence;
pub mod facts;
pub mod features;
pub mod judge;
pub mod judged;
pub mod reason;
pub mod record;
pub mod select;
pub mod sentence;
pub mod signin;
pub mod sip;
pub mod state;
pub mod status;
#[cfg(test)]
pub(crate) mod test_support;
pub mod timing;
pub mod warning;

pub use certname::{NameMatch, match_name};
pub use domain::{TrustSettings, check_target, in_domain};
pub use features::{authority, clients, decision, diff, eventlog, report, vantage};
pub use judged::Judged;
pub use reason::{Reason, ReasonCode};
pub use record::{
    AddressProbe, CertInfo, ChainEntry, DnsOutcome, RecordResult, TargetResult, Timings, TlsInfo,
};
pub use report::{DOCUMENT_VERSION, SweepReport};
pub use select::{Cause, Verdict, select, verdict};
pub use signin::Signin;
pub use state::State;
pub use status::Status;
pub use timing::ms;
pub use warning::{Warning, WarningCode};
