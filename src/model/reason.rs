//! Why a record or target has its status. [`Reason`] carries what its
//! sentence needs (its `Display` is the row's `detail`); [`ReasonCode`] is
//! the stable machine label (`reason` in the JSON), which the dashboard,
//! snapshots and scripts read instead of matching prose.

use std::fmt;
use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

pub mod dial;
pub mod web;

use super::evidence::{DnsFailure, TrustProblem};
use crate::plan::RowKind;

/// The machine label of a [`Reason`]. Labels are a contract: never renamed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReasonCode {
    Nxdomain,
    Nodata,
    Servfail,
    Refused,
    DnsTimeout,
    DnsError,
    /// The DNS answer could not be decoded.
    DnsMalformed,
    /// Truncated over UDP, and the retry over TCP was refused.
    DnsTcpRefused,
    /// SRV target `.` (D5).
    NoService,
    /// SRV target without an address (D5).
    NoAddress,
    OutOfDomain,
    TcpForbidden,
    /// D3/D8: the profile asks this TCP row only when TCP is allowed.
    TcpNotAllowed,
    ConnectTimeout,
    ConnectionRefused,
    ConnectionReset,
    ConnectFailed,
    BadServerName,
    HandshakeTimeout,
    HandshakeFailed,
    UnreadableCertificate,
    NameNotOnCertificate,
    WildcardOnly,
    Expired,
    NotYetValid,
    UntrustedIssuer,
    BadSignature,
    Revoked,
    NoTrustedRoots,
    UntrustedChain,
    /// D16: the server sent its leaf without the intermediate CA.
    MissingIntermediate,
    /// D16: the leaf's extended key usage lacks serverAuth.
    WrongPurpose,
    TcpAccepted,
    TlsTrusted,
    /// D15: found through a legacy look (TLS 1.0/1.1 or old suites only).
    LegacyTlsTrusted,
    /// D13: the autodiscover endpoint answered with an HTTP error status.
    HttpErrorStatus,
    /// D13: a 2xx answer that is not a root document (HTML, unparsable, …).
    NotAutodiscover,
    /// D13: a redirect or user link that is not an http(s) URL.
    BadLink,
    NoUserLink,
    RedirectLoop,
    TooManyRedirects,
    /// D13 addendum: the web services host the root document's `user` link
    /// names fails (no address, no TLS, a bad certificate).
    UserLinkFailed,
    /// D13: connected, but the HTTP exchange failed (closed, timed out).
    HttpFailed,
    /// D13: the root document was read; its web services host checks out.
    AutodiscoverOk,
    /// D13: one request's answer was a redirect (a hop, not a row).
    AutodiscoverRedirect,
    /// D13 (issue 21.1): a redirect or link from HTTPS down to plain HTTP, not followed.
    HttpsDowngrade,
    /// D13 (issue 21.1): a redirect or link to a port other than 80/443 not allowed.
    PortNotAllowed,
    /// D13 (issue 21.1): a redirect or link to an address class the queried name did not resolve into.
    AddressNotAllowed,
    /// D17: a Microsoft registrar answered the REGISTER (found).
    SipRegistrar,
    /// D17: a SIP server that is not a Microsoft registrar answered (found, warned).
    SipAnswered,
    /// D17: no answer to the REGISTER in time (not-sip).
    SipSilent,
    /// D17: closed without answering (not-sip).
    SipClosed,
    /// D17: bytes that are not SIP, e.g. an HTTP status line (not-sip).
    SipNotSip,
}

impl ReasonCode {
    /// The label as written in the JSON, e.g. `out-of-domain`.
    pub fn label(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }
}

/// Which query failed, for the sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub kind: RowKind,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// The row's own query failed (D8).
    Dns {
        query: Query,
        failure: DnsFailure,
    },
    /// D5: the SRV target is `.`.
    NoService,
    /// D5: the SRV target's address query failed.
    TargetDns {
        host: String,
        failure: DnsFailure,
    },
    /// D4: the SRV target is outside the SIP domain.
    OutOfDomain {
        host: String,
        domain: String,
    },
    /// D8: the policy forbids TCP on a row the client asks (`--no-tcp`).
    TcpForbidden,
    /// D3/D8: the profile asks this row only when TCP is allowed, and it is not.
    TcpNotAllowed,
    /// The answer held no address the probe could use.
    NoUsableAddress {
        host: String,
    },
    ConnectTimeout {
        addr: SocketAddr,
        limit_ms: u64,
    },
    ConnectionRefused {
        addr: SocketAddr,
    },
    ConnectionReset {
        addr: SocketAddr,
    },
    ConnectFailed {
        addr: SocketAddr,
        error: String,
    },
    BadServerName {
        name: String,
    },
    HandshakeTimeout {
        addr: SocketAddr,
        limit_ms: u64,
    },
    HandshakeFailed {
        addr: SocketAddr,
        error: String,
    },
    UnreadableCertificate,
    /// D9: the certificate does not cover the expected name.
    NameNotOnCertificate {
        expected: String,
        names: String,
    },
    /// D9: covered only by a wildcard, which this client does not accept.
    WildcardOnly {
        expected: String,
        names: String,
    },
    /// D9: names fine, chain not trusted or out of date.
    Untrusted {
        expected: String,
        problem: TrustProblem,
    },
    /// D16: names fine, but the server did not send the intermediate CA
    /// certificate that issued its leaf.
    MissingIntermediate {
        expected: String,
        issuer: String,
        /// Where Windows may fetch it (Authority Information Access).
        ca_issuers: Vec<String>,
    },
    TcpAccepted {
        addr: SocketAddr,
    },
    TlsTrusted {
        addr: SocketAddr,
        expected: String,
    },
    /// D15: the modern handshake was refused; a legacy look read a
    /// certificate that names the host and is trusted.
    LegacyTlsTrusted {
        addr: SocketAddr,
        expected: String,
        version: String,
    },
    /// D13: what an autodiscover exchange came to.
    Web(web::WebProblem),
    /// D13 (issue 21.1): a redirect or link that sipscope does not dial.
    DialRefused(Box<dial::RefusedDial>),
    /// D17: what answered the REGISTER.
    Sip(super::sip::SipProblem),
}

fn dns_code(f: &DnsFailure) -> ReasonCode {
    match f {
        DnsFailure::NxDomain => ReasonCode::Nxdomain,
        DnsFailure::NoData => ReasonCode::Nodata,
        DnsFailure::ServFail(_) => ReasonCode::Servfail,
        DnsFailure::Refused(_) => ReasonCode::Refused,
        DnsFailure::Timeout(_) => ReasonCode::DnsTimeout,
        DnsFailure::OtherCode(..) | DnsFailure::Network(_) => ReasonCode::DnsError,
        DnsFailure::Malformed(_) => ReasonCode::DnsMalformed,
        DnsFailure::TruncatedNoTcp(_) => ReasonCode::DnsTcpRefused,
    }
}

impl Reason {
    pub fn code(&self) -> ReasonCode {
        use ReasonCode as C;
        match self {
            Reason::Dns { failure, .. } => dns_code(failure),
            Reason::TargetDns { failure, .. } if failure.is_missing() => C::NoAddress,
            Reason::TargetDns { failure, .. } => dns_code(failure),
            Reason::NoService => C::NoService,
            Reason::OutOfDomain { .. } => C::OutOfDomain,
            Reason::TcpForbidden => C::TcpForbidden,
            Reason::TcpNotAllowed => C::TcpNotAllowed,
            Reason::NoUsableAddress { .. } => C::NoAddress,
            Reason::ConnectTimeout { .. } => C::ConnectTimeout,
            Reason::ConnectionRefused { .. } => C::ConnectionRefused,
            Reason::ConnectionReset { .. } => C::ConnectionReset,
            Reason::ConnectFailed { .. } => C::ConnectFailed,
            Reason::BadServerName { .. } => C::BadServerName,
            Reason::HandshakeTimeout { .. } => C::HandshakeTimeout,
            Reason::HandshakeFailed { .. } => C::HandshakeFailed,
            Reason::UnreadableCertificate => C::UnreadableCertificate,
            Reason::NameNotOnCertificate { .. } => C::NameNotOnCertificate,
            Reason::WildcardOnly { .. } => C::WildcardOnly,
            Reason::Untrusted { problem, .. } => match problem {
                TrustProblem::NoRoots => C::NoTrustedRoots,
                TrustProblem::Expired => C::Expired,
                TrustProblem::NotValidYet => C::NotYetValid,
                TrustProblem::UnknownIssuer => C::UntrustedIssuer,
                TrustProblem::BadSignature => C::BadSignature,
                TrustProblem::Revoked => C::Revoked,
                TrustProblem::WrongPurpose => C::WrongPurpose,
                TrustProblem::Other(_) => C::UntrustedChain,
            },
            Reason::MissingIntermediate { .. } => C::MissingIntermediate,
            Reason::TcpAccepted { .. } => C::TcpAccepted,
            Reason::TlsTrusted { .. } => C::TlsTrusted,
            Reason::LegacyTlsTrusted { .. } => C::LegacyTlsTrusted,
            Reason::Web(w) => w.code(),
            Reason::DialRefused(r) => r.code(),
            Reason::Sip(p) => {
                use super::sip::SipProblem as P;
                match p {
                    P::Registrar { .. } => C::SipRegistrar,
                    P::Answered { .. } => C::SipAnswered,
                    P::Silent { .. } => C::SipSilent,
                    P::Closed { .. } => C::SipClosed,
                    P::NotSip { .. } => C::SipNotSip,
                }
            }
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // D8: only NXDOMAIN/NODATA say "missing"; a DNS error says the query failed.
            Reason::Dns { query, failure } if failure.is_missing() => match query.kind {
                RowKind::Srv => write!(f, "no SRV record {}: {}", query.name, failure.describe()),
                RowKind::A | RowKind::Autodiscover => {
                    write!(f, "{} has no address: {}", query.name, failure.describe())
                }
            },
            Reason::Dns { query, failure } => match query.kind {
                RowKind::Srv => write!(
                    f,
                    "the SRV query for {} failed: {}",
                    query.name,
                    failure.describe()
                ),
                RowKind::A | RowKind::Autodiscover => write!(
                    f,
                    "the address query for {} failed: {}",
                    query.name,
                    failure.describe()
                ),
            },
            Reason::NoService => f.write_str(
                "the SRV answer's target is \".\": the service is decidedly not available here",
            ),
            Reason::TargetDns { host, failure } if failure.is_missing() => write!(
                f,
                "SRV points to {host}, which has no address ({})",
                failure.describe()
            ),
            Reason::TargetDns { host, failure } => write!(
                f,
                "the address of {host} could not be looked up: {}",
                failure.describe()
            ),
            Reason::OutOfDomain { host, domain } => write!(
                f,
                "target {host} is outside the SIP domain {domain}; the client ignores it (D4)"
            ),
            Reason::TcpForbidden => {
                f.write_str("TCP is not allowed by the client's policy, so this record is not used")
            }
            Reason::TcpNotAllowed => f.write_str(
                "not asked: this client asks for this record only when TCP is allowed (--tcp)",
            ),
            Reason::NoUsableAddress { host } => write!(f, "{host} has no usable address"),
            Reason::ConnectTimeout { addr, limit_ms } => {
                write!(f, "no TCP connection to {addr} within {limit_ms} ms")
            }
            Reason::ConnectionRefused { addr } => {
                write!(f, "TCP connection to {addr} failed: connection refused")
            }
            Reason::ConnectionReset { addr } => {
                write!(f, "TCP connection to {addr} failed: connection reset")
            }
            Reason::ConnectFailed { addr, error } => {
                write!(f, "TCP connection to {addr} failed: {error}")
            }
            Reason::BadServerName { name } => {
                write!(f, "'{name}' cannot be sent as a TLS server name")
            }
            Reason::HandshakeTimeout { addr, limit_ms } => write!(
                f,
                "{addr} accepted TCP but completed no TLS handshake within {limit_ms} ms"
            ),
            Reason::HandshakeFailed { addr, error } => write!(f, "{error} ({addr})"),
            Reason::UnreadableCertificate => f.write_str("the server's certificate cannot be read"),
            Reason::NameNotOnCertificate { expected, names } => write!(
                f,
                "the certificate does not name {expected} (names: {names})"
            ),
            Reason::WildcardOnly { expected, names } => write!(
                f,
                "{expected} is covered only by a wildcard ({names}), which this client does not accept"
            ),
            Reason::Untrusted { expected, problem } => {
                write!(f, "certificate for {expected}: {problem}")
            }
            Reason::MissingIntermediate {
                expected,
                issuer,
                ca_issuers,
            } => {
                write!(
                    f,
                    "certificate for {expected}: the server did not send the intermediate CA certificate '{issuer}'; install it on the server"
                )?;
                match ca_issuers.first() {
                    Some(url) => write!(f, " (Windows clients may fetch it from {url})"),
                    None => write!(f, " (the certificate names no place to fetch it from)"),
                }
            }
            Reason::TcpAccepted { addr } => write!(f, "TCP connection to {addr} accepted"),
            Reason::TlsTrusted { addr, expected } => write!(
                f,
                "TLS handshake with {addr} succeeded; certificate names {expected} and is trusted"
            ),
            Reason::LegacyTlsTrusted {
                addr,
                expected,
                version,
            } => write!(
                f,
                "{addr} refused a modern TLS handshake but speaks {version}; its certificate names {expected} and is trusted"
            ),
            Reason::Web(w) => w.fmt(f),
            Reason::DialRefused(r) => r.fmt(f),
            Reason::Sip(p) => p.fmt(f),
        }
    }
}

#[cfg(test)]
mod tests;
