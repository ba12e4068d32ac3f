//! Plain facts the network reported — how a DNS query ended, the
//! certificate chain, the negotiated TLS — shared by the evidence and the
//! records (so neither imports the other; re-exported from `record`).

use serde::{Deserialize, Serialize};

/// How the DNS query of a row ended (D8 keeps these apart all the way to the screen).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DnsOutcome {
    Answer,
    NxDomain,
    NoData,
    ServFail,
    Refused,
    Timeout,
    Error,
}

impl DnsOutcome {
    pub fn label(self) -> &'static str {
        match self {
            DnsOutcome::Answer => "answer",
            DnsOutcome::NxDomain => "NXDOMAIN",
            DnsOutcome::NoData => "NODATA",
            DnsOutcome::ServFail => "SERVFAIL",
            DnsOutcome::Refused => "REFUSED",
            DnsOutcome::Timeout => "timeout",
            DnsOutcome::Error => "error",
        }
    }
}

/// One certificate of the chain as the server sent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainEntry {
    pub subject: String,
    pub issuer: String,
}

/// The negotiated TLS protocol version and cipher suite (D15).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TlsInfo {
    /// e.g. `TLSv1.3`, `TLSv1.0`.
    pub version: String,
    /// e.g. `TLS13_AES_256_GCM_SHA384`.
    pub cipher_suite: String,
    /// Read from a legacy handshake of sipscope's own, because the modern one
    /// was refused (D15).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub legacy: bool,
}
