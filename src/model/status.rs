//! D8 — the status of a record (row) or of one of its targets.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Not started yet.
    Pending,
    /// The DNS query is in flight.
    Querying,
    /// Resolved; the connection or handshake is in flight.
    Probing,
    Found,
    Missing,
    Rejected,
    CertMismatch,
    Untrusted,
    Unreachable,
    DnsError,
    /// Autodiscover only (D13): the endpoint answered, but not with a usable
    /// autodiscover document.
    ServiceError,
    /// D8/D3: the client of this profile does not ask this row under the
    /// current settings (`sfb`'s `_sipinternal._tcp` while TCP is not
    /// allowed): never selected, never named in a verdict, shown dimmed.
    Skipped,
    /// D17: connected (for TLS, certificate fine), but no SIP answer to a
    /// REGISTER: silence, a closed connection, or something not SIP.
    NotSip,
}

impl Status {
    /// Every status a finished sweep can show, in the order of D8.
    pub const FINAL: [Status; 10] = [
        Status::Found,
        Status::Missing,
        Status::Rejected,
        Status::CertMismatch,
        Status::Untrusted,
        Status::Unreachable,
        Status::DnsError,
        Status::ServiceError,
        Status::Skipped,
        Status::NotSip,
    ];

    /// What the status means, in one line, with the rule it comes from
    /// (the help overlay explains each symbol with it).
    pub fn meaning(self) -> &'static str {
        match self {
            Status::Pending => "not asked yet",
            Status::Querying => "the DNS query is in flight",
            Status::Probing => "resolved; connecting or handshaking",
            Status::Found => "resolved, in domain, connected, certificate good (D8, D9)",
            Status::Missing => "NXDOMAIN/NODATA, SRV target `.` or without address (D5)",
            Status::Rejected => "SRV target outside the SIP domain, or TCP forbidden (D4)",
            Status::CertMismatch => "the certificate does not name the expected host (D9)",
            Status::Untrusted => "names fine, chain not trusted: expired or unknown CA (D9)",
            Status::Unreachable => "resolved, but no connection or handshake in time (D8)",
            Status::DnsError => "SERVFAIL, REFUSED or timeout: never missing (D8)",
            Status::ServiceError => "autodiscover answered, but not with a usable document (D13)",
            Status::Skipped => "not asked by this client under these settings, e.g. TCP (D3)",
            Status::NotSip => {
                "connected, but no SIP answer to a REGISTER: silence, closed, HTTP (D17)"
            }
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Querying => "querying",
            Status::Probing => "probing",
            Status::Found => "found",
            Status::Missing => "missing",
            Status::Rejected => "rejected",
            Status::CertMismatch => "cert-mismatch",
            Status::Untrusted => "untrusted",
            Status::Unreachable => "unreachable",
            Status::DnsError => "dns-error",
            Status::ServiceError => "service-error",
            Status::Skipped => "skipped",
            Status::NotSip => "not-sip",
        }
    }

    /// A symbol so the status reads without colour.
    pub fn symbol(self) -> &'static str {
        match self {
            Status::Pending => "·",
            Status::Querying | Status::Probing => "…",
            Status::Found => "✓",
            Status::Missing => "∅",
            Status::Rejected => "⊘",
            Status::CertMismatch => "≠",
            Status::Untrusted => "⚠",
            Status::Unreachable => "✗",
            Status::DnsError => "!",
            Status::ServiceError => "⚑",
            Status::Skipped => "○",
            Status::NotSip => "≈",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        [Status::Pending, Status::Querying, Status::Probing]
            .into_iter()
            .chain(Status::FINAL)
            .find(|st| st.label() == s)
    }

    /// The sweep has not finished this row yet.
    pub fn in_flight(self) -> bool {
        matches!(self, Status::Pending | Status::Querying | Status::Probing)
    }

    /// The name resolved to an address the client would use (D7 "usable").
    pub fn resolved(self) -> bool {
        matches!(
            self,
            Status::Probing
                | Status::Found
                | Status::CertMismatch
                | Status::Untrusted
                | Status::Unreachable
                | Status::ServiceError
                | Status::NotSip
        )
    }

    /// D13: an autodiscover endpoint answered (TLS, HTTP), even if broken:
    /// the client uses it and does not fall back.
    pub fn answered(self) -> bool {
        matches!(
            self,
            Status::Found | Status::CertMismatch | Status::Untrusted | Status::ServiceError
        )
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_round_trip_and_match_serde() {
        for st in Status::FINAL {
            assert_eq!(Status::parse(st.label()), Some(st));
            let json = serde_json::to_string(&st).unwrap();
            assert_eq!(json, format!("\"{}\"", st.label()));
        }
        assert_eq!(Status::parse("nope"), None);
    }

    // D8: a skipped row was never asked: neither in flight, nor resolved,
    // nor answered, so selection passes over it.
    #[test]
    fn d8_skipped_is_final_and_never_usable() {
        let st = Status::Skipped;
        assert_eq!(Status::parse("skipped"), Some(st));
        assert!(!st.in_flight() && !st.resolved() && !st.answered());
        assert!(Status::FINAL.contains(&st));
    }

    // D7/D8: which statuses count as "the name resolved".
    #[test]
    fn d7_resolved_statuses() {
        use Status::*;
        for (st, resolved) in [
            (Found, true),
            (CertMismatch, true),
            (Untrusted, true),
            (Unreachable, true),
            (Missing, false),
            (Rejected, false),
            (DnsError, false),
            (ServiceError, true),
            (Skipped, false),
            (NotSip, true),
            (Pending, false),
        ] {
            assert_eq!(st.resolved(), resolved, "{st}");
        }
    }
}
