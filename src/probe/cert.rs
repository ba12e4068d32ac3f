//! Reads a presented certificate chain for display (D9) with x509-parser.

use rustls::pki_types::CertificateDer;
use time::format_description::well_known::Rfc3339;
use x509_parser::prelude::{FromDer, GeneralName, X509Certificate};

use crate::model::{CertInfo, ChainEntry, NameMatch};

/// What the leaf certificate says, before the client's judgement is added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leaf {
    pub subject: String,
    pub subject_cn: Option<String>,
    pub sans: Vec<String>,
    pub issuer: String,
    pub not_before: String,
    pub not_after: String,
}

fn rfc3339(t: x509_parser::time::ASN1Time) -> String {
    t.to_datetime()
        .format(&Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}

/// Parses one certificate; `None` when it is not valid DER X.509.
pub fn read_leaf(der: &[u8]) -> Option<Leaf> {
    let (_, cert) = X509Certificate::from_der(der).ok()?;
    let subject_cn = cert
        .subject()
        .iter_common_name()
        .next()
        .and_then(|cn| cn.as_str().ok())
        .map(str::to_string);
    let sans = match cert.subject_alternative_name() {
        Ok(Some(ext)) => ext
            .value
            .general_names
            .iter()
            .filter_map(|n| match n {
                GeneralName::DNSName(d) => Some(d.to_string()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let validity = cert.validity();
    Some(Leaf {
        subject: cert.subject().to_string(),
        subject_cn,
        sans,
        issuer: cert.issuer().to_string(),
        not_before: rfc3339(validity.not_before),
        not_after: rfc3339(validity.not_after),
    })
}

/// The chain as received, subject and issuer of each certificate.
pub fn read_chain(chain: &[CertificateDer<'_>]) -> Vec<ChainEntry> {
    chain
        .iter()
        .map(|der| match X509Certificate::from_der(der.as_ref()) {
            Ok((_, c)) => ChainEntry {
                subject: c.subject().to_string(),
                issuer: c.issuer().to_string(),
            },
            Err(_) => ChainEntry {
                subject: "(unreadable certificate)".into(),
                issuer: String::new(),
            },
        })
        .collect()
}

/// Builds the display record for a chain whose leaf is `leaf`.
pub fn cert_info(
    leaf: &Leaf,
    chain: &[CertificateDer<'_>],
    expected_name: &str,
    name_match: NameMatch,
    trust_error: Option<String>,
) -> CertInfo {
    CertInfo {
        subject: leaf.subject.clone(),
        sans: leaf.sans.clone(),
        issuer: leaf.issuer.clone(),
        not_before: leaf.not_before.clone(),
        not_after: leaf.not_after.clone(),
        chain_len: chain.len(),
        expected_name: expected_name.to_string(),
        name_match,
        trusted: trust_error.is_none(),
        trust_error,
        chain: read_chain(chain),
    }
}

/// Whole days from now until `not_after` (negative once expired).
pub fn days_left(not_after: &str) -> Option<i64> {
    days_left_at(not_after, time::OffsetDateTime::now_utc())
}

/// Whole days from `now` until `not_after`; the dashboard passes its own
/// clock so its rendering is deterministic in tests.
pub fn days_left_at(not_after: &str, now: time::OffsetDateTime) -> Option<i64> {
    let t = time::OffsetDateTime::parse(not_after, &Rfc3339).ok()?;
    Some((t - now).whole_days())
}
