//! D17: what a REGISTER answer means for the row: the reasons and their
//! sentences, and the warnings.

use std::fmt;
use std::net::SocketAddr;

use super::{SipAnswer, SipEvidence, SipOutcome};

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
