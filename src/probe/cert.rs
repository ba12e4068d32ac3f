//! Reads a presented certificate chain for display (D9) with x509-parser.

use rustls::pki_types::CertificateDer;
use time::format_description::well_known::Rfc3339;
use x509_parser::oid_registry::OID_PKIX_ACCESS_DESCRIPTOR_CA_ISSUERS;
use x509_parser::prelude::{FromDer, GeneralName, ParsedExtension, X509Certificate};
use x509_parser::public_key::PublicKey;

use crate::model::ChainEntry;
use crate::model::evidence::CertFacts;

fn rfc3339(t: x509_parser::time::ASN1Time) -> String {
    t.to_datetime()
        .format(&Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}

/// Parses the leaf of `chain` and the chain as sent; `None` when the leaf is
/// not valid DER X.509. Trust is judged elsewhere (`trust` is left `None`).
pub fn read_facts(chain: &[CertificateDer<'_>]) -> Option<CertFacts> {
    let der = chain.first()?.as_ref();
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
    // D16: Windows shows the SHA-1 of the DER as the thumbprint, uppercase hex.
    let thumbprint =
        hex_upper(ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, der).as_ref());
    let key = match cert.public_key().parsed() {
        Ok(PublicKey::RSA(k)) => format!("RSA {}", k.key_size()),
        Ok(PublicKey::EC(k)) => format!("EC {}", k.key_size()),
        Ok(other) => match other.key_size() {
            0 => "other".to_string(),
            n => format!("other {n}"),
        },
        Err(_) => "unreadable".to_string(),
    };
    let mut aia = Vec::new();
    for ext in cert.extensions() {
        if let ParsedExtension::AuthorityInfoAccess(info) = ext.parsed_extension() {
            for desc in info.iter() {
                if desc.access_method == OID_PKIX_ACCESS_DESCRIPTOR_CA_ISSUERS
                    && let GeneralName::URI(uri) = &desc.access_location
                {
                    aia.push(uri.to_string());
                }
            }
        }
    }
    Some(CertFacts {
        subject: cert.subject().to_string(),
        subject_cn,
        sans,
        issuer: cert.issuer().to_string(),
        not_before: rfc3339(validity.not_before),
        not_after: rfc3339(validity.not_after),
        chain: read_chain(chain),
        trust: None,
        thumbprint,
        serial: hex_upper(cert.raw_serial()),
        key,
        ca_issuers: aia,
        self_issued: cert.subject() == cert.issuer(),
        server_auth: match cert.extended_key_usage() {
            Ok(Some(eku)) => eku.value.any || eku.value.server_auth,
            // No EKU extension: any purpose.
            _ => true,
        },
    })
}

fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// The chain as received, subject and issuer of each certificate.
fn read_chain(chain: &[CertificateDer<'_>]) -> Vec<ChainEntry> {
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
