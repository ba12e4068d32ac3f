//! The `sip` object of a target or probe (D17, JSON v1, additive): what
//! answered sipscope's REGISTER, as an output type of its own.

use serde::Serialize;

use crate::model::sip::{SipAnswer, SipAuth, SipOutcome};

/// How the REGISTER exchange came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// A SIP status line came back.
    Answered,
    /// Nothing (or not a whole line) within the step timeout.
    Silent,
    /// Closed without answering.
    Closed,
    /// Bytes that are not SIP (an HTTP status line, a banner, …).
    NotSip,
}

impl From<SipOutcome> for Outcome {
    fn from(o: SipOutcome) -> Outcome {
        match o {
            SipOutcome::Answered => Outcome::Answered,
            SipOutcome::Silent => Outcome::Silent,
            SipOutcome::Closed => Outcome::Closed,
            SipOutcome::NotSip => Outcome::NotSip,
        }
    }
}

/// One `WWW-Authenticate` / `Proxy-Authenticate` challenge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Challenge {
    /// `NTLM`, `Kerberos`, `TLS-DSK`, `Digest`, …
    pub scheme: String,
    pub realm: Option<String>,
    /// The server's FQDN ([MS-SIPAE]; `sip/<fqdn>` for Kerberos).
    pub targetname: Option<String>,
    pub version: Option<u32>,
    /// TLS-DSK: the certificate provisioning service.
    pub sts_uri: Option<String>,
}

impl From<&SipAuth> for Challenge {
    fn from(a: &SipAuth) -> Challenge {
        Challenge {
            scheme: a.scheme.clone(),
            realm: a.realm.clone(),
            targetname: a.targetname.clone(),
            version: a.version,
            sts_uri: a.sts_uri.clone(),
        }
    }
}

/// What answered the REGISTER (D17).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Sip {
    /// Always `REGISTER`.
    pub request: String,
    pub outcome: Outcome,
    /// `null` unless a SIP status line came back.
    pub status_code: Option<u16>,
    pub reason_phrase: Option<String>,
    /// The `Server` header as sent (an HTTP server's too).
    pub server: Option<String>,
    /// Every challenge, in order.
    pub auth: Vec<Challenge>,
    /// `ms-diagnostics`.
    pub diagnostics: Option<String>,
    /// A NTLM, Kerberos or TLS-DSK challenge in realm "SIP Communications
    /// Service": a Microsoft registrar.
    pub microsoft: bool,
    pub elapsed_ms: u64,
    /// For `not-sip`: the first line that came instead; `null` otherwise.
    pub start_line: Option<String>,
}

impl From<&SipAnswer> for Sip {
    fn from(s: &SipAnswer) -> Sip {
        Sip {
            request: s.request.clone(),
            outcome: s.outcome.into(),
            status_code: s.status_code,
            reason_phrase: s.reason_phrase.clone(),
            server: s.server.clone(),
            auth: s.auth.iter().map(Into::into).collect(),
            diagnostics: s.diagnostics.clone(),
            microsoft: s.microsoft,
            elapsed_ms: s.elapsed_ms,
            start_line: s.start_line.clone(),
        }
    }
}
