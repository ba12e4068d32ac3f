//! TLS handshake that captures the server's chain even when it would be
//! refused, so a mismatched or untrusted certificate can be shown (D9), and
//! then judges name and trust separately.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::model::TlsInfo;
use crate::model::evidence::TrustProblem;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, DigitallySignedStruct, Error as TlsError, RootCertStore, SignatureScheme,
};
use thiserror::Error;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

#[derive(Debug, Error)]
pub enum TrustSetupError {
    #[error("cannot read CA file {0}: {1}; give a PEM file with --ca-file")]
    Read(PathBuf, String),
    #[error("CA file {0} holds no PEM certificate; give a PEM file with --ca-file")]
    Empty(PathBuf),
    #[error("CA file {0}: {1}")]
    Bad(PathBuf, String),
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The roots the client trusts: the system's plus the CA files the user names.
#[derive(Clone)]
pub struct Trust {
    roots: Arc<RootCertStore>,
    provider: Arc<CryptoProvider>,
}

/// How many trust stores this process has loaded (see [`Trust::loads`]).
static LOADS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

impl Trust {
    /// Reads the system roots and the CA files: blocking, and not cheap
    /// (hundreds of certificates). The engine does it once for every check.
    pub fn load(system_roots: bool, ca_files: &[PathBuf]) -> Result<Trust, TrustSetupError> {
        LOADS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut roots = RootCertStore::empty();
        if system_roots {
            // Unreadable system certificates are skipped: the user's CA files still count.
            let native = rustls_native_certs::load_native_certs();
            roots.add_parsable_certificates(native.certs);
        }
        for path in ca_files {
            Self::add_file(&mut roots, path)?;
        }
        Ok(Trust {
            roots: Arc::new(roots),
            provider: provider(),
        })
    }

    fn add_file(roots: &mut RootCertStore, path: &Path) -> Result<(), TrustSetupError> {
        let bytes = crate::fsread::read(path, crate::fsread::CA_FILE_MAX)
            .map_err(|e| TrustSetupError::Read(path.into(), e.to_string()))?;
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&bytes)
            .collect::<Result<_, _>>()
            .map_err(|e| TrustSetupError::Bad(path.into(), format!("not valid PEM: {e:?}")))?;
        if certs.is_empty() {
            return Err(TrustSetupError::Empty(path.into()));
        }
        for cert in certs {
            roots
                .add(cert)
                .map_err(|e| TrustSetupError::Bad(path.into(), e.to_string()))?;
        }
        Ok(())
    }

    /// How many times [`Trust::load`] ran in this process: tests prove with
    /// it that an engine loads the store once, however many checks it runs.
    pub fn loads() -> usize {
        LOADS.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Adds PEM certificates given in memory (the lab's CA).
    pub fn with_pem(mut self, pem: &str) -> Trust {
        let mut roots = (*self.roots).clone();
        roots.add_parsable_certificates(CertificateDer::pem_slice_iter(pem.as_bytes()).flatten());
        self.roots = Arc::new(roots);
        self
    }

    /// `None` when the chain leads to a trusted root and is in date; else why not.
    /// The name is deliberately not judged here (see [`crate::model::match_name`]).
    pub fn chain_problem(
        &self,
        chain: &[CertificateDer<'static>],
        name: &ServerName<'static>,
    ) -> Option<TrustProblem> {
        let (leaf, rest) = chain.split_first()?;
        let verifier = match WebPkiServerVerifier::builder_with_provider(
            self.roots.clone(),
            self.provider.clone(),
        )
        .build()
        {
            Ok(v) => v,
            Err(_) => return Some(TrustProblem::NoRoots),
        };
        match verifier.verify_server_cert(leaf, rest, name, &[], UnixTime::now()) {
            Ok(_) => None,
            // webpki checks the chain before the name: a name error means the chain is trusted.
            Err(TlsError::InvalidCertificate(CertificateError::NotValidForName))
            | Err(TlsError::InvalidCertificate(CertificateError::NotValidForNameContext {
                ..
            })) => None,
            Err(e) => Some(trust_problem(&e)),
        }
    }
}

fn trust_problem(e: &TlsError) -> TrustProblem {
    match e {
        TlsError::InvalidCertificate(c) => match c {
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                TrustProblem::Expired
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                TrustProblem::NotValidYet
            }
            CertificateError::UnknownIssuer => TrustProblem::UnknownIssuer,
            CertificateError::BadSignature => TrustProblem::BadSignature,
            CertificateError::Revoked => TrustProblem::Revoked,
            CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
                TrustProblem::WrongPurpose
            }
            other => TrustProblem::Other(format!("{other:?}")),
        },
        other => TrustProblem::Other(other.to_string()),
    }
}

/// Accepts any chain during the handshake (still checking handshake signatures)
/// and keeps it for judgement afterwards.
#[derive(Debug)]
struct Capture {
    chain: Mutex<Vec<CertificateDer<'static>>>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Capture {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, TlsError> {
        let mut chain = vec![end_entity.clone().into_owned()];
        chain.extend(intermediates.iter().map(|c| c.clone().into_owned()));
        if let Ok(mut slot) = self.chain.lock() {
            *slot = chain;
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// Runs a TLS handshake on `stream` with SNI `server_name` and returns the
/// chain the server presented. Nothing is sent after the handshake.
pub async fn handshake(
    stream: TcpStream,
    server_name: ServerName<'static>,
) -> Result<Handshaken, HandshakeError> {
    let provider = provider();
    let capture = Arc::new(Capture {
        chain: Mutex::new(Vec::new()),
        provider: provider.clone(),
    });
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| HandshakeError::plain(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(capture.clone())
        .with_no_client_auth();
    let connector = TlsConnector::from(Arc::new(config));
    let tls = connector
        .connect(server_name, stream)
        .await
        .map_err(|e| HandshakeError {
            legacy_candidate: legacy_candidate(&e),
            message: format!("TLS handshake failed: {e}"),
        })?;
    let (_, conn) = tls.get_ref();
    let info = TlsInfo {
        version: conn
            .protocol_version()
            .map_or_else(|| "unknown".to_string(), version_name),
        cipher_suite: conn
            .negotiated_cipher_suite()
            .map_or_else(|| "unknown".to_string(), |s| format!("{:?}", s.suite())),
        legacy: false,
    };
    let chain = capture.chain.lock().map(|c| c.clone()).unwrap_or_default();
    if chain.is_empty() {
        return Err(HandshakeError::plain("the server sent no certificate"));
    }
    Ok(Handshaken {
        chain,
        info,
        stream: tls,
    })
}

/// Why the modern handshake did not finish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandshakeError {
    pub message: String,
    /// Refused for version or cipher reasons: a legacy look may still read
    /// the certificate (D15).
    pub legacy_candidate: bool,
}

impl HandshakeError {
    fn plain(message: impl Into<String>) -> HandshakeError {
        HandshakeError {
            message: message.into(),
            legacy_candidate: false,
        }
    }
}

/// Whether a failed handshake was refused for version or cipher reasons.
fn legacy_candidate(e: &std::io::Error) -> bool {
    use rustls::AlertDescription as A;
    let Some(err) = e.get_ref().and_then(|i| i.downcast_ref::<TlsError>()) else {
        return false;
    };
    matches!(
        err,
        TlsError::AlertReceived(A::ProtocolVersion | A::HandshakeFailure | A::InsufficientSecurity)
            | TlsError::PeerIncompatible(_)
    )
}

/// What a finished handshake leaves: the chain as sent, version and suite.
pub struct Handshaken {
    pub chain: Vec<CertificateDer<'static>>,
    pub info: TlsInfo,
    /// The connection, kept for a request over it (D13 autodiscover).
    pub stream: tokio_rustls::client::TlsStream<TcpStream>,
}

/// `TLSv1.2` for TLS 1.2, as admins write it.
pub fn version_name(v: rustls::ProtocolVersion) -> String {
    match v {
        rustls::ProtocolVersion::SSLv3 => "SSLv3".into(),
        rustls::ProtocolVersion::TLSv1_0 => "TLSv1.0".into(),
        rustls::ProtocolVersion::TLSv1_1 => "TLSv1.1".into(),
        rustls::ProtocolVersion::TLSv1_2 => "TLSv1.2".into(),
        rustls::ProtocolVersion::TLSv1_3 => "TLSv1.3".into(),
        other => format!("{other:?}"),
    }
}
