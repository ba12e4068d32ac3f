//! The `check --json` document as the model keeps it ([`SweepReport`]).

use serde::{Deserialize, Serialize};

use super::clients;
use crate::model::record::RecordResult;
use crate::model::select::{Signin, Verdict, select, verdict};
use crate::model::state::{self, State};

/// Version of the JSON document ([`SweepReport`]); bumped only when a field changes meaning.
pub const DOCUMENT_VERSION: u32 = 1;

/// A finished (or, while running, partial) sweep: the `check --json` document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SweepReport {
    pub version: u32,
    /// The address as the user gave it.
    pub input: String,
    /// The normalised SIP domain (D1).
    pub domain: String,
    pub profile: String,
    /// The resolvers asked, or `["system"]` for the system configuration.
    pub resolvers: Vec<String>,
    /// RFC 3339.
    pub started_at: String,
    pub elapsed_ms: u64,
    /// When the verdict was decided, in ms since the start ([`decision`](super::decision));
    /// absent in reports saved before this field existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_ms: Option<u64>,
    pub records: Vec<RecordResult>,
    /// Index (1-based) of the record the client uses (D7).
    pub selected: Option<usize>,
    pub verdict: Verdict,
    /// Every built-in client generation's verdict from the same sweep
    /// (issue 10, D3/D13), in `sipscope profiles` order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clients: Vec<clients::ClientVerdict>,
    /// D18: the certificate warning window the state was decided with.
    #[serde(default = "state::default_window")]
    pub expiry_warning_days: u32,
}

impl SweepReport {
    /// Recomputes the selection and verdict from the records (D7).
    pub fn decide(&mut self) {
        // The profile declares how its client ranks rows (D7); a report of a
        // profile this build does not know is ranked the classic way.
        let ranking = crate::plan::ranking(&self.profile).unwrap_or(&crate::plan::CLASSIC_RANKING);
        self.selected = select(&self.records, ranking);
        self.verdict = verdict(&self.records, self.selected, &self.domain, ranking);
        (self.verdict.state, self.verdict.degraded) = state::assess(
            self.verdict.signin,
            &self.records,
            self.selected,
            &self.started_at,
            self.expiry_warning_days,
        );
    }

    pub fn record(&self, index: usize) -> Option<&RecordResult> {
        self.records.iter().find(|r| r.index == index)
    }

    pub fn signin_ok(&self) -> bool {
        self.verdict.signin == Signin::Ok
    }

    /// D18: the state of the verdict.
    pub fn state(&self) -> State {
        self.verdict.state
    }
}
