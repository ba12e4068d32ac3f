//! The lab's certificate authorities and per-host leaf certificates (D9).
//!
//! Two CAs are made at start-up: the lab CA (clients are given its PEM, like an
//! enterprise CA) and an "untrusted" CA nobody is given. Leaves are issued per
//! host spec and served through a swappable resolver, so a fix can re-issue a
//! certificate on a running listener.

use std::fmt;
use std::sync::{Arc, RwLock};

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, CustomExtension, DnType,
    ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose,
};
use rustls::ServerConfig;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use time::{Duration, OffsetDateTime};

use super::LabError;
use super::scenario::{CertIssuer, CertSpec, Purpose, Validity};

/// The lab CA and the untrusted second CA.
pub struct LabCa {
    lab: CertifiedIssuer<'static, KeyPair>,
    /// An issuing CA under the lab CA (D16 chains).
    intermediate: CertifiedIssuer<'static, KeyPair>,
    untrusted: CertifiedIssuer<'static, KeyPair>,
    lab_pem: String,
}

impl fmt::Debug for LabCa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LabCa").finish_non_exhaustive()
    }
}

impl LabCa {
    /// Make both CAs (ECDSA P-256, fast with ring).
    pub fn new() -> Result<Self, LabError> {
        let lab = make_ca("sipscope lab CA")?;
        let intermediate = make_intermediate(&lab)?;
        let untrusted = make_ca("sipscope untrusted CA")?;
        let lab_pem = lab.pem();
        Ok(Self {
            lab,
            intermediate,
            untrusted,
            lab_pem,
        })
    }

    /// PEM of the lab CA: the trust anchor clients are given.
    pub fn pem(&self) -> &str {
        &self.lab_pem
    }

    /// DER of the lab CA.
    pub fn der(&self) -> &CertificateDer<'static> {
        self.lab.der()
    }

    /// Issue a leaf for `spec`; the served chain is leaf + issuing CA, like a real server.
    pub fn issue(&self, spec: &CertSpec) -> Result<Arc<CertifiedKey>, LabError> {
        let mut params = CertificateParams::new(spec.names.clone())?;
        let cn = spec
            .common_name
            .clone()
            .or_else(|| spec.names.first().cloned())
            .unwrap_or_else(|| "sipscope lab host".to_string());
        params.distinguished_name.push(DnType::CommonName, cn);
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = match spec.purpose {
            Purpose::ServerAuth => vec![ExtendedKeyUsagePurpose::ServerAuth],
            Purpose::ClientAuthOnly => vec![ExtendedKeyUsagePurpose::ClientAuth],
        };
        params.use_authority_key_identifier_extension = true;
        let now = OffsetDateTime::now_utc();
        (params.not_before, params.not_after) = match spec.validity {
            Validity::Valid => (now - Duration::days(1), now + Duration::days(365)),
            Validity::Expired => (now - Duration::days(400), now - Duration::days(1)),
            Validity::NotYetValid => (now + Duration::days(30), now + Duration::days(400)),
        };
        let issuer = match spec.issuer {
            CertIssuer::Lab => &self.lab,
            CertIssuer::Untrusted => &self.untrusted,
            CertIssuer::Intermediate | CertIssuer::IntermediateLeafOnly => {
                params
                    .custom_extensions
                    .push(ca_issuers_extension(INTERMEDIATE_AIA));
                &self.intermediate
            }
        };
        let key = KeyPair::generate()?;
        let leaf = params.signed_by(&key, issuer)?;
        let der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        let signing_key = rustls::crypto::ring::sign::any_supported_type(&der)?;
        let chain = match spec.issuer {
            CertIssuer::IntermediateLeafOnly => vec![leaf.der().clone()],
            _ => vec![leaf.der().clone(), issuer.der().clone()],
        };
        Ok(Arc::new(CertifiedKey::new(chain, signing_key)))
    }
}

/// Where the lab's leaves say their issuing CA can be fetched (D16).
pub const INTERMEDIATE_AIA: &str = "http://pki.lab.test/sipscope-issuing-ca.crt";

/// An Authority Information Access extension with one "CA issuers" URL
/// (RFC 5280 4.2.2.1), DER written out: rcgen has no builder for it.
fn ca_issuers_extension(url: &str) -> CustomExtension {
    fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
        // Short-form lengths only: the lab's URLs are short.
        let mut out = vec![tag, u8::try_from(body.len()).unwrap_or(127).min(127)];
        out.extend_from_slice(body);
        out
    }
    // id-ad-caIssuers 1.3.6.1.5.5.7.48.2
    let oid = tlv(0x06, &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x02]);
    let uri = tlv(0x86, url.as_bytes());
    let desc = tlv(0x30, &[oid, uri].concat());
    let aia = tlv(0x30, &desc);
    // id-pe-authorityInfoAccess 1.3.6.1.5.5.7.1.1
    CustomExtension::from_oid_content(&[1, 3, 6, 1, 5, 5, 7, 1, 1], aia)
}

fn make_intermediate(
    root: &CertifiedIssuer<'static, KeyPair>,
) -> Result<CertifiedIssuer<'static, KeyPair>, LabError> {
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::CommonName, "sipscope lab issuing CA");
    params
        .distinguished_name
        .push(DnType::OrganizationName, "sipscope lab");
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    params.use_authority_key_identifier_extension = true;
    let now = OffsetDateTime::now_utc();
    params.not_before = now - Duration::days(2);
    params.not_after = now + Duration::days(1825);
    Ok(CertifiedIssuer::signed_by(
        params,
        KeyPair::generate()?,
        root,
    )?)
}

fn make_ca(cn: &str) -> Result<CertifiedIssuer<'static, KeyPair>, LabError> {
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    params.distinguished_name = rcgen::DistinguishedName::new();
    params.distinguished_name.push(DnType::CommonName, cn);
    params
        .distinguished_name
        .push(DnType::OrganizationName, "sipscope lab");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let now = OffsetDateTime::now_utc();
    params.not_before = now - Duration::days(2);
    params.not_after = now + Duration::days(3650);
    Ok(CertifiedIssuer::self_signed(params, KeyPair::generate()?)?)
}

/// A host's current certificate. Every TLS listener of the host serves it whatever
/// the SNI (a real server does not switch certificates for an unknown name), and a
/// fix swaps it in place.
#[derive(Debug)]
pub struct HostCert {
    current: RwLock<Arc<CertifiedKey>>,
}

impl HostCert {
    /// Start serving `key`.
    pub fn new(key: Arc<CertifiedKey>) -> Arc<Self> {
        Arc::new(Self {
            current: RwLock::new(key),
        })
    }

    /// Replace the served certificate; new handshakes see it at once.
    pub fn replace(&self, key: Arc<CertifiedKey>) {
        // A poisoned lock only means a panic elsewhere; the value is still whole.
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = key;
    }

    /// The certificate currently served.
    pub fn current(&self) -> Arc<CertifiedKey> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// A rustls server configuration (ring provider) that serves this host's certificate.
    pub fn server_config(self: &Arc<Self>) -> Result<Arc<ServerConfig>, LabError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_cert_resolver(self.clone());
        Ok(Arc::new(config))
    }
}

impl ResolvesServerCert for HostCert {
    fn resolve(&self, _client_hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.current())
    }
}
