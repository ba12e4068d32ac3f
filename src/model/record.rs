//! What a sweep found: one [`RecordResult`] per profile row, one
//! [`TargetResult`] per host the row points to. These types are also the
//! JSON document (version 1, see `docs/json.md`): field names are a contract.

use serde::{Deserialize, Serialize};

use super::reason::{Reason, ReasonCode};
use super::{Judged, Status, Warning, WarningCode};
use crate::model::certname::NameMatch;
use crate::plan::{RowKind, Transport};

pub use super::facts::{ChainEntry, DnsOutcome, TlsInfo};

/// Time spent in each network step of a target, in milliseconds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connect_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_ms: Option<u64>,
}

/// The server certificate, as presented, and what the client would make of it (D9).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertInfo {
    pub subject: String,
    pub sans: Vec<String>,
    pub issuer: String,
    /// RFC 3339.
    pub not_before: String,
    /// RFC 3339.
    pub not_after: String,
    pub chain_len: usize,
    /// The name the client expects (D9): SRV target or queried A name.
    #[serde(default)]
    pub expected_name: String,
    #[serde(default = "no_match")]
    pub name_match: NameMatch,
    #[serde(default)]
    pub trusted: bool,
    /// Why the chain is not trusted (expired, unknown issuer, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust_error: Option<String>,
    #[serde(default)]
    pub chain: Vec<ChainEntry>,
    /// D16: SHA-1 thumbprint of the leaf, uppercase hex (as Windows shows it).
    #[serde(default)]
    pub thumbprint: String,
    /// Serial number, uppercase hex.
    #[serde(default)]
    pub serial: String,
    /// Key type and size, e.g. `RSA 2048`.
    #[serde(default)]
    pub key: String,
    /// Authority Information Access "CA issuers" URLs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ca_issuers: Vec<String>,
}

impl CertInfo {
    /// Whole days from `now` until `not_after` (negative once expired); the
    /// dashboard passes its own clock so rendering is deterministic in tests.
    pub fn days_left_at(&self, now: time::OffsetDateTime) -> Option<i64> {
        let t = time::OffsetDateTime::parse(
            &self.not_after,
            &time::format_description::well_known::Rfc3339,
        )
        .ok()?;
        Some((t - now).whole_days())
    }
}

fn no_match() -> NameMatch {
    NameMatch::None
}

/// What one address of a target did (D14: every pool member is probed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressProbe {
    pub address: String,
    pub status: Status,
    #[serde(default)]
    pub reason: Option<ReasonCode>,
    #[serde(default)]
    pub detail: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<TlsInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<CertInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dialed: Option<String>,
    #[serde(default)]
    pub timings: Timings,
    /// D17: what answered sipscope's REGISTER; `null` when none was sent.
    #[serde(default)]
    pub sip: Option<super::sip::SipAnswer>,
}

/// A host a row points to: the SRV target, or the queried name of an A row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetResult {
    pub host: String,
    pub port: u16,
    pub priority: Option<u16>,
    pub weight: Option<u16>,
    pub addresses: Vec<String>,
    pub status: Status,
    /// Why it has this status (machine label; `detail` says it in words).
    #[serde(default)]
    pub reason: Option<ReasonCode>,
    pub certificate: Option<CertInfo>,
    /// One human sentence on this target.
    #[serde(default)]
    pub detail: String,
    /// TTL of the address answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl: Option<u32>,
    /// CNAMEs followed from `host` to the address (D5, D6).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cname_chain: Vec<String>,
    /// Where the probe connected when a dial override redirected it (lab, tests).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dialed: Option<String>,
    #[serde(default)]
    pub timings: Timings,
    /// The TLS version and suite of the address the status comes from (D15).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<TlsInfo>,
    /// Every address probed, in address order (D14).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub probes: Vec<AddressProbe>,
    /// D17: what answered sipscope's REGISTER at the address the status
    /// comes from; `null` when none was sent.
    #[serde(default)]
    pub sip: Option<super::sip::SipAnswer>,
}

impl TargetResult {
    pub fn new(host: impl Into<String>, port: u16) -> TargetResult {
        TargetResult {
            host: host.into(),
            port,
            priority: None,
            weight: None,
            addresses: Vec::new(),
            status: Status::Pending,
            reason: None,
            certificate: None,
            detail: String::new(),
            ttl: None,
            cname_chain: Vec::new(),
            dialed: None,
            timings: Timings::default(),
            tls: None,
            probes: Vec::new(),
            sip: None,
        }
    }

    /// D14: the target's result from its members' — found when one member
    /// passes; otherwise the member whose failure says most (a handshake
    /// reached beats no connection). Ties go to the lowest address, so the
    /// result never depends on the order DNS listed the addresses in.
    /// Returns a warning naming the members that failed when others passed.
    pub fn take_members(&mut self, mut probes: Vec<AddressProbe>) -> Option<Warning> {
        probes.sort_by_key(|p| p.address.parse::<std::net::IpAddr>().ok());
        let rank = |s: Status| match s {
            Status::Found => 0,
            Status::CertMismatch => 1,
            Status::Untrusted => 2,
            // D17: something answered on the port, just not a registrar.
            Status::NotSip => 3,
            _ => 4,
        };
        let best = probes
            .iter()
            .enumerate()
            .min_by_key(|(i, p)| (rank(p.status), *i))
            .map(|(_, p)| p.clone())?;
        self.status = best.status;
        self.reason = best.reason;
        self.detail = best.detail.clone();
        self.certificate = best.certificate.clone();
        self.dialed = best.dialed.clone();
        self.tls = best.tls.clone();
        self.sip = best.sip.clone();
        self.timings.connect_ms = best.timings.connect_ms;
        self.timings.tls_ms = best.timings.tls_ms;
        let failed: Vec<String> = probes
            .iter()
            .filter(|p| p.status != Status::Found)
            .map(|p| format!("{} ({})", p.address, p.status))
            .collect();
        let warning = (best.status == Status::Found && !failed.is_empty()).then(|| {
            Warning::new(
                WarningCode::MembersFailed,
                format!(
                "{}: {} of {} addresses failed: {}; clients that try them first wait, then use another member (D14)",
                self.host,
                failed.len(),
                probes.len(),
                failed.join(", ")
            ))
        });
        self.probes = probes;
        warning
    }

    /// Records a judgement: status, machine reason and its sentence.
    pub fn set(&mut self, status: Status, reason: &Reason) {
        self.status = status;
        self.reason = Some(reason.code());
        self.detail = reason.to_string();
    }

    pub fn judged(&mut self, j: &Judged) {
        self.set(j.status, &j.reason);
    }
}

/// One row of the dashboard: a query of the profile and everything it led to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordResult {
    pub index: usize,
    pub kind: RowKind,
    pub name: String,
    pub transport: Transport,
    /// Fixed port of A rows; `null` for SRV rows (the port is per target).
    pub port: Option<u16>,
    pub status: Status,
    /// Why it has this status (machine label; `detail` says it in words).
    #[serde(default)]
    pub reason: Option<ReasonCode>,
    /// One human sentence.
    pub detail: String,
    /// TTL of the row's own answer (SRV set, or the A answer).
    pub ttl: Option<u32>,
    pub elapsed_ms: u64,
    pub warnings: Vec<Warning>,
    /// SRV: one per answer, in the client's order. A: exactly one.
    pub targets: Vec<TargetResult>,
    /// How the DNS query ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns: Option<DnsOutcome>,
    /// Position in `targets` of the one the client uses first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub used_target: Option<usize>,
    /// Autodiscover rows (D13): the answer and every request made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<Box<super::autodiscover::HttpResult>>,
}

impl RecordResult {
    /// A row before its query is sent.
    pub fn pending(query: &crate::plan::Query) -> RecordResult {
        RecordResult {
            index: query.index,
            kind: query.kind,
            name: query.name.clone(),
            transport: query.transport,
            port: query.port,
            status: Status::Pending,
            reason: None,
            detail: "waiting".into(),
            ttl: None,
            elapsed_ms: 0,
            warnings: Vec::new(),
            targets: Vec::new(),
            dns: None,
            used_target: None,
            http: None,
        }
    }

    /// Records a judgement of the row itself (its own query, or a policy).
    pub fn judged(&mut self, j: &Judged) {
        self.status = j.status;
        self.reason = Some(j.reason.code());
        self.detail = j.reason.to_string();
    }

    /// Takes the status and reason of the target the client uses.
    pub fn follow_used_target(&mut self) {
        match self.used() {
            Some(t) => {
                let (status, reason) = (t.status, t.reason);
                self.detail = format!("{}:{} — {}", t.host, t.port, t.detail);
                self.status = status;
                self.reason = reason;
            }
            None => self.status = Status::Rejected,
        }
    }

    /// The target the client connects to first, if any.
    pub fn used(&self) -> Option<&TargetResult> {
        self.used_target.and_then(|i| self.targets.get(i))
    }

    /// `host:port` of the target in use (or the first one), for tables.
    pub fn target_label(&self) -> String {
        match self.used().or(self.targets.first()) {
            Some(t) => format!("{}:{}", t.host, t.port),
            None => "-".into(),
        }
    }

    /// First address of the target in use.
    pub fn first_address(&self) -> Option<&str> {
        self.used()
            .or(self.targets.first())
            .and_then(|t| t.addresses.first())
            .map(String::as_str)
    }
}
