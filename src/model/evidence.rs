//! Evidence: what the probes saw, typed, before any judgement. The sweep
//! gathers it; [`super::judge`] alone turns it into statuses and reasons.

use std::net::SocketAddr;

use super::ChainEntry;

/// Why a DNS query produced no usable answer (D8 keeps these apart).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DnsFailure {
    NxDomain,
    NoData,
    /// SERVFAIL, from this server.
    ServFail(String),
    /// REFUSED, by this server.
    Refused(String),
    /// Another response code, from this server.
    OtherCode(String, String),
    /// No answer from this server in time.
    Timeout(String),
    /// The query could not be sent or the answer not read.
    Network(String),
    /// This server's answer is not a DNS message that can be read.
    Malformed(String),
    /// This server set the truncation flag over UDP and the retry over TCP failed.
    TruncatedNoTcp(String),
}

impl DnsFailure {
    /// NXDOMAIN and NODATA mean "the record does not exist"; everything else
    /// is a DNS error and never reported as missing (D8).
    pub fn is_missing(&self) -> bool {
        matches!(self, DnsFailure::NxDomain | DnsFailure::NoData)
    }

    pub fn outcome(&self) -> super::DnsOutcome {
        use super::DnsOutcome;
        match self {
            DnsFailure::NxDomain => DnsOutcome::NxDomain,
            DnsFailure::NoData => DnsOutcome::NoData,
            DnsFailure::ServFail(_) => DnsOutcome::ServFail,
            DnsFailure::Refused(_) => DnsOutcome::Refused,
            DnsFailure::Timeout(_) => DnsOutcome::Timeout,
            DnsFailure::OtherCode(..)
            | DnsFailure::Network(_)
            | DnsFailure::Malformed(_)
            | DnsFailure::TruncatedNoTcp(_) => DnsOutcome::Error,
        }
    }

    /// A short phrase, e.g. "REFUSED by 127.0.0.1:53".
    pub fn describe(&self) -> String {
        match self {
            DnsFailure::NxDomain => "NXDOMAIN (the name does not exist)".into(),
            DnsFailure::NoData => "NODATA (the name exists but has no record of this type)".into(),
            DnsFailure::ServFail(by) => format!("SERVFAIL from {by}"),
            DnsFailure::Refused(by) => format!("REFUSED by {by}"),
            DnsFailure::OtherCode(code, by) => format!("{code} from {by}"),
            DnsFailure::Timeout(by) => format!("no answer from {by} (timed out)"),
            DnsFailure::Network(e) => format!("network error: {e}"),
            DnsFailure::Malformed(by) => {
                format!("the answer from {by} could not be read (not a well-formed DNS message)")
            }
            DnsFailure::TruncatedNoTcp(by) => format!(
                "{by} answered over UDP with the truncation flag, but the retry over TCP failed (is TCP port 53 open?)"
            ),
        }
    }
}

/// One SRV answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SrvRecord {
    pub priority: u16,
    pub weight: u16,
    pub port: u16,
    /// Target host without the trailing dot; `.` stays `.`.
    pub target: String,
}

/// How the TCP connection attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Connect {
    Accepted,
    TimedOut,
    Refused,
    Reset,
    Failed(String),
}

/// Why a presented chain does not lead to a trusted root, or is out of date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrustProblem {
    NoRoots,
    Expired,
    NotValidYet,
    UnknownIssuer,
    BadSignature,
    Revoked,
    /// D16: the leaf is not for server authentication (extended key usage).
    WrongPurpose,
    /// The verifier's own words, for anything else.
    Other(String),
}

impl std::fmt::Display for TrustProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TrustProblem::NoRoots => f.write_str("no trusted root certificates are configured"),
            TrustProblem::Expired => f.write_str("the certificate has expired"),
            TrustProblem::NotValidYet => f.write_str("the certificate is not valid yet"),
            TrustProblem::UnknownIssuer => f.write_str("issued by a CA that is not trusted"),
            TrustProblem::BadSignature => f.write_str("the chain's signature does not verify"),
            TrustProblem::Revoked => f.write_str("the certificate is revoked"),
            TrustProblem::WrongPurpose => f.write_str(
                "the certificate is not for server authentication (its extended key usage lacks serverAuth), so clients refuse it",
            ),
            TrustProblem::Other(s) => f.write_str(s),
        }
    }
}

/// What the server's certificate says (the leaf), and the chain as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertFacts {
    pub subject: String,
    pub subject_cn: Option<String>,
    pub sans: Vec<String>,
    pub issuer: String,
    /// RFC 3339.
    pub not_before: String,
    /// RFC 3339.
    pub not_after: String,
    pub chain: Vec<ChainEntry>,
    /// `None` when the chain leads to a trusted root and is in date.
    pub trust: Option<TrustProblem>,
    /// D16: SHA-1 of the DER, uppercase hex, as Windows shows it.
    pub thumbprint: String,
    /// The serial number, uppercase hex.
    pub serial: String,
    /// Key type and size, e.g. `RSA 2048`.
    pub key: String,
    /// Authority Information Access "CA issuers" URLs (where Windows may
    /// fetch a missing intermediate, D16).
    pub ca_issuers: Vec<String>,
    /// Subject equals issuer (a root or a self-signed leaf).
    pub self_issued: bool,
    /// The extended key usage allows server authentication (or is absent).
    pub server_auth: bool,
}

/// How the TLS handshake ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handshake {
    /// The expected name cannot be sent as SNI.
    BadServerName,
    TimedOut,
    Failed(String),
    /// The server presented a certificate that cannot be parsed.
    Unreadable,
    Presented(Box<CertFacts>),
}

/// Everything one connection attempt to one address saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeEvidence {
    /// The address the record leads to.
    pub nominal: SocketAddr,
    /// Where the probe really connected, when a dial override redirected it.
    pub dialed: Option<String>,
    pub connect: Connect,
    pub connect_ms: Option<u64>,
    /// `None` for TCP rows and when the connection failed.
    pub handshake: Option<Handshake>,
    pub tls_ms: Option<u64>,
    /// The negotiated TLS version and suite (D15).
    pub tls: Option<super::TlsInfo>,
    /// The per-step limit the probe ran with, in ms.
    pub limit_ms: u64,
    /// D17: the REGISTER stage, when it ran.
    pub sip: super::sip::SipStage,
}
