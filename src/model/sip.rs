//! D17 — is it really a SIP registrar? What the REGISTER stage saw
//! ([`SipEvidence`]), what it shows ([`SipAnswer`], the `sip` object of the
//! JSON), and what it means ([`judge`]).
//!
//! Sources: [MS-SIPAE] §3.3.5.1 (a server answers an unauthenticated request
//! with 401 and one `WWW-Authenticate` per protocol it supports — NTLM,
//! Kerberos, TLS-DSK — each with `realm`, `targetname`, `version`, and for
//! TLS-DSK `sts-uri`), §4.1 (the example trace), docs/rules.md.

pub mod parse;

use std::fmt;
use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

pub use parse::{Challenge, Head, MAX_ANSWER, StartLine};

/// The realm every Microsoft registrar names ([MS-SIPAE] §3.3.5.1, §4.1).
pub const MS_REALM: &str = "SIP Communications Service";
/// The schemes OCS, Lync and Skype for Business clients sign in with.
pub const MS_SCHEMES: [&str; 3] = ["NTLM", "Kerberos", "TLS-DSK"];
/// At most this many challenges are kept in an answer.
pub const MAX_CHALLENGES: usize = 16;

/// How the read of the answer ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SipEnd {
    /// The head of an answer (or something that is not SIP) was read.
    Read,
    /// The step timeout passed first.
    TimedOut,
    /// The server closed the connection (or reset it).
    Closed,
    /// The size cap was reached before the head ended.
    Capped,
    /// The request could not be written or the answer not read.
    Failed(String),
}

/// What the REGISTER stage saw on one connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SipEvidence {
    /// What was read, when anything was.
    pub head: Option<Head>,
    pub end: SipEnd,
    /// Bytes received.
    pub bytes: usize,
    pub elapsed_ms: u64,
}

/// Whether the stage ran on a connection.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SipStage {
    /// Turned off (`--no-sip`), or not a SIP row (autodiscover), or the
    /// connection failed before.
    #[default]
    Off,
    /// D15: the certificate came from sipscope's legacy look, which never
    /// finishes a handshake: there is no connection to send a request over.
    LegacyNoRequest,
    Sent(SipEvidence),
}

/// How the exchange came out, as a machine label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum SipOutcome {
    /// A SIP status line came back.
    #[default]
    Answered,
    /// Nothing (or not a whole line) within the step timeout.
    Silent,
    /// Closed without answering.
    Closed,
    /// Bytes that are not SIP (an HTTP status line, a banner, …).
    NotSip,
}

/// One challenge as the JSON shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SipAuth {
    pub scheme: String,
    pub realm: Option<String>,
    pub targetname: Option<String>,
    pub version: Option<u32>,
    pub sts_uri: Option<String>,
}

impl From<Challenge> for SipAuth {
    fn from(c: Challenge) -> SipAuth {
        SipAuth {
            scheme: c.scheme,
            realm: c.realm,
            targetname: c.targetname,
            version: c.version,
            sts_uri: c.sts_uri,
        }
    }
}

impl SipAuth {
    /// [MS-SIPAE]: NTLM, Kerberos or TLS-DSK in realm "SIP Communications Service".
    pub fn is_microsoft(&self) -> bool {
        MS_SCHEMES.iter().any(|s| s.eq_ignore_ascii_case(&self.scheme))
            && self.realm.as_deref() == Some(MS_REALM)
    }
}

/// The `sip` object of a target or address (JSON v1, additive): what
/// answered sipscope's REGISTER. Text is kept as received; frontends escape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SipAnswer {
    /// Always `REGISTER`.
    pub request: String,
    #[serde(default)]
    pub outcome: SipOutcome,
    pub status_code: Option<u16>,
    pub reason_phrase: Option<String>,
    /// The `Server` header as sent (an HTTP server's too).
    pub server: Option<String>,
    /// Every `WWW-Authenticate` / `Proxy-Authenticate` challenge, in order.
    #[serde(default)]
    pub auth: Vec<SipAuth>,
    /// `ms-diagnostics`.
    pub diagnostics: Option<String>,
    /// A challenge marks a Microsoft registrar (D17).
    #[serde(default)]
    pub microsoft: bool,
    #[serde(default)]
    pub elapsed_ms: u64,
    /// What came instead of a SIP status line (`not-sip`), cut to a line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_line: Option<String>,
}

impl SipAnswer {
    /// What the stage saw, for the JSON and the screens.
    pub fn from_evidence(e: &SipEvidence) -> SipAnswer {
        let mut a = SipAnswer {
            request: "REGISTER".into(),
            outcome: outcome(e),
            status_code: None,
            reason_phrase: None,
            server: None,
            auth: Vec::new(),
            diagnostics: None,
            microsoft: false,
            elapsed_ms: e.elapsed_ms,
            start_line: None,
        };
        let Some(head) = &e.head else {
            return a;
        };
        match &head.start {
            StartLine::Sip { code, reason } => {
                a.status_code = Some(*code);
                a.reason_phrase = Some(reason.clone());
            }
            StartLine::Http { line } | StartLine::Other { line } => {
                a.start_line = Some(line.clone());
            }
        }
        a.server = head.first("Server").map(str::to_string);
        a.diagnostics = head.first("ms-diagnostics").map(str::to_string);
        a.auth = head
            .headers
            .iter()
            .filter(|(n, _)| n == "WWW-Authenticate" || n == "Proxy-Authenticate")
            .take(MAX_CHALLENGES)
            .map(|(_, v)| parse::challenge(v).into())
            .collect();
        a.microsoft = a.outcome == SipOutcome::Answered && a.auth.iter().any(SipAuth::is_microsoft);
        a
    }

    /// `401 Unauthorized`, or the outcome's label.
    pub fn status_label(&self) -> String {
        match (self.outcome, self.status_code) {
            (SipOutcome::Answered, Some(code)) => {
                format!("{code} {}", self.reason_phrase.as_deref().unwrap_or_default())
                    .trim_end()
                    .to_string()
            }
            (SipOutcome::Silent, _) => "silent".into(),
            (SipOutcome::Closed, _) => "closed".into(),
            _ => "not-sip".into(),
        }
    }

    /// The first `targetname` of a Microsoft challenge (the server that answered).
    pub fn targetname(&self) -> Option<&str> {
        self.auth
            .iter()
            .filter(|a| a.is_microsoft())
            .find_map(|a| a.targetname.as_deref().filter(|t| !t.is_empty()))
    }

    /// A short summary, e.g. `401 RTC/6.0` or `not-sip` (snapshot diffs, tables).
    pub fn brief(&self) -> String {
        match (self.outcome, &self.server) {
            (SipOutcome::Answered, Some(s)) => {
                format!("{} {s}", self.status_code.unwrap_or_default())
            }
            (SipOutcome::Answered, None) => self.status_code.unwrap_or_default().to_string(),
            _ => "not-sip".into(),
        }
    }

    /// D18 (for the fleet view): a SIP server answers, but not a Microsoft
    /// registrar; sign-in works only where clients can use its schemes.
    pub fn non_microsoft_registrar(&self) -> bool {
        self.outcome == SipOutcome::Answered && !self.microsoft
    }

    /// The schemes offered, e.g. `NTLM, Kerberos, TLS-DSK`.
    pub fn schemes(&self) -> String {
        let s: Vec<&str> = self.auth.iter().map(|a| a.scheme.as_str()).collect();
        if s.is_empty() {
            "no challenge".into()
        } else {
            s.join(", ")
        }
    }

    /// What answered instead of a registrar, for the verdict: `HTTP (nginx)`.
    pub fn instead(&self) -> String {
        match self.outcome {
            SipOutcome::Answered => format!("SIP ({})", self.status_label()),
            SipOutcome::Silent => "nothing (silence)".into(),
            SipOutcome::Closed => "by closing the connection".into(),
            SipOutcome::NotSip => {
                let http = self.start_line.as_deref().is_some_and(parse::is_http);
                match (http, &self.server) {
                    (true, Some(s)) => format!("HTTP ({s})"),
                    (true, None) => "HTTP".into(),
                    (false, _) => "something that is not SIP".into(),
                }
            }
        }
    }
}

fn outcome(e: &SipEvidence) -> SipOutcome {
    match (&e.head, &e.end) {
        // A first line cut by the deadline (one byte every 300 ms) is
        // silence: no answer came in time.
        (Some(h), SipEnd::TimedOut) if !h.complete_line => SipOutcome::Silent,
        (Some(h), _) => match &h.start {
            StartLine::Sip { .. } => SipOutcome::Answered,
            _ => SipOutcome::NotSip,
        },
        (None, SipEnd::TimedOut) => SipOutcome::Silent,
        (None, _) => SipOutcome::Closed,
    }
}

/// D17: why a row that connected is (or is not) a registrar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SipProblem {
    /// A Microsoft registrar answered; `before` is the connection's sentence.
    Registrar {
        before: String,
        status: String,
        server: Option<String>,
        targetname: Option<String>,
    },
    /// Another SIP server answered.
    Answered {
        before: String,
        status: String,
        server: Option<String>,
        schemes: String,
    },
    Silent {
        addr: SocketAddr,
        limit_ms: u64,
        bytes: usize,
    },
    Closed {
        addr: SocketAddr,
    },
    NotSip {
        addr: SocketAddr,
        instead: String,
        line: String,
    },
}

impl fmt::Display for SipProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let server = |s: &Option<String>| match s {
            Some(s) => format!(" from {s}"),
            None => String::new(),
        };
        match self {
            SipProblem::Registrar {
                before,
                status,
                server: s,
                targetname,
            } => {
                write!(
                    f,
                    "{before}; a Microsoft registrar answered REGISTER: {status}{}",
                    server(s)
                )?;
                match targetname {
                    Some(t) => write!(f, " (targetname {t})"),
                    None => Ok(()),
                }
            }
            SipProblem::Answered {
                before,
                status,
                server: s,
                schemes,
            } => write!(
                f,
                "{before}; a SIP server answered REGISTER: {status}{} ({schemes}), not a Microsoft registrar",
                server(s)
            ),
            SipProblem::Silent {
                addr,
                limit_ms,
                bytes: 0,
            } => write!(
                f,
                "{addr} accepted the connection but did not answer a SIP REGISTER within {limit_ms} ms"
            ),
            SipProblem::Silent {
                addr,
                limit_ms,
                bytes,
            } => write!(
                f,
                "{addr} sent only {bytes} bytes in {limit_ms} ms after a SIP REGISTER, not a whole answer"
            ),
            SipProblem::Closed { addr } => write!(
                f,
                "{addr} closed the connection without answering a SIP REGISTER"
            ),
            SipProblem::NotSip {
                addr,
                instead,
                line,
            } => write!(
                f,
                "{addr} answers {instead} to a SIP REGISTER, not SIP: \"{line}\""
            ),
        }
    }
}

/// The warning on a SIP server that is not a Microsoft registrar (D17, D18).
pub fn non_microsoft_warning(addr: SocketAddr, server: Option<&str>) -> String {
    let who = server.map(|s| format!(" ({s})")).unwrap_or_default();
    format!(
        "{addr}: the SIP server{who} offers no NTLM, Kerberos or TLS-DSK challenge; Communicator, Lync and Skype for Business clients sign in only with those (D17)"
    )
}

/// The warning on a legacy TLS row: no request could be sent (D15, D17).
pub fn legacy_warning(addr: SocketAddr) -> String {
    format!(
        "{addr}: no SIP REGISTER could be sent — the certificate was read from sipscope's legacy look, which does not finish a handshake (D15, D17)"
    )
}

/// D17: what the stage makes of a row that connected (and whose
/// certificate passed): `Ok` keeps `found` with a SIP reason, `Err` is
/// `not-sip`.
pub fn judge(
    e: &SipEvidence,
    addr: SocketAddr,
    limit_ms: u64,
    before: String,
) -> Result<SipProblem, SipProblem> {
    let a = SipAnswer::from_evidence(e);
    match a.outcome {
        SipOutcome::Answered if a.microsoft => Ok(SipProblem::Registrar {
            before,
            status: a.status_label(),
            targetname: a.targetname().map(str::to_string),
            server: a.server,
        }),
        SipOutcome::Answered => Ok(SipProblem::Answered {
            before,
            status: a.status_label(),
            schemes: a.schemes(),
            server: a.server,
        }),
        SipOutcome::Silent => Err(SipProblem::Silent {
            addr,
            limit_ms,
            bytes: e.bytes,
        }),
        SipOutcome::Closed => Err(SipProblem::Closed { addr }),
        SipOutcome::NotSip => Err(SipProblem::NotSip {
            addr,
            instead: a.instead(),
            line: a.start_line.unwrap_or_default(),
        }),
    }
}

#[cfg(test)]
mod tests;
