//! D17 — is it really a SIP registrar? What the REGISTER stage saw
//! ([`SipEvidence`]), what it shows ([`SipAnswer`], the `sip` object of the
//! JSON), and what it means ([`judge`]).
//!
//! Sources: [MS-SIPAE] §3.3.5.1 (a server answers an unauthenticated request
//! with 401 and one `WWW-Authenticate` per protocol it supports — NTLM,
//! Kerberos, TLS-DSK — each with `realm`, `targetname`, `version`, and for
//! TLS-DSK `sts-uri`), §4.1 (the example trace), docs/rules.md.

pub mod parse;
mod problem;

use serde::{Deserialize, Serialize};

pub use parse::{Challenge, Head, MAX_ANSWER, StartLine};
pub use problem::{SipProblem, judge, legacy_warning, non_microsoft_warning};

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
        MS_SCHEMES
            .iter()
            .any(|s| s.eq_ignore_ascii_case(&self.scheme))
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
            (SipOutcome::Answered, Some(code)) => format!(
                "{code} {}",
                self.reason_phrase.as_deref().unwrap_or_default()
            )
            .trim_end()
            .to_string(),
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

impl SipAnswer {
    /// The answer as `(label, value)` lines for the details pane, the
    /// `check` text and the Markdown report. Values are as received:
    /// callers escape them ([`crate::text::clean`]).
    pub fn lines(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![(
            "SIP",
            format!(
                "REGISTER → {} · {} ms",
                self.status_label(),
                self.elapsed_ms
            ),
        )];
        if let Some(l) = &self.start_line {
            out.push(("answer", l.clone()));
        }
        if let Some(s) = &self.server {
            out.push(("server", s.clone()));
        }
        for a in &self.auth {
            let mut v = a.scheme.clone();
            let params = [
                ("realm", a.realm.clone()),
                ("targetname", a.targetname.clone()),
                ("version", a.version.map(|v| v.to_string())),
                ("sts-uri", a.sts_uri.clone()),
            ];
            for (k, p) in params {
                if let Some(p) = p {
                    v.push_str(&format!(" · {k} {p}"));
                }
            }
            out.push(("challenge", v));
        }
        if let Some(d) = &self.diagnostics {
            out.push(("diagnostics", d.clone()));
        }
        out
    }

    /// One line: `401 Unauthorized · RTC/6.0 · NTLM, Kerberos, TLS-DSK · targetname fe.contoso.com`.
    pub fn summary(&self) -> String {
        let mut parts = vec![self.status_label()];
        if let Some(l) = &self.start_line {
            parts.push(format!("\"{l}\""));
        }
        if let Some(s) = &self.server {
            parts.push(s.clone());
        }
        if self.outcome == SipOutcome::Answered {
            parts.push(self.schemes());
        }
        if let Some(t) = self.targetname() {
            parts.push(format!("targetname {t}"));
        }
        parts.join(" · ")
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

#[cfg(test)]
mod tests;
