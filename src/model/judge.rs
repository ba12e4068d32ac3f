//! Judgement: evidence in, `(Status, Reason)` out. Every rule that turns what
//! the network said into a status lives here (D4, D5, D8, D9), so the sweep
//! only gathers and the frontends only render.

use super::evidence::{Connect, DnsFailure, Handshake, ProbeEvidence, SrvRecord, TrustProblem};
use super::reason::{Query, Reason};
use super::sip::{self, SipAnswer, SipStage};
use super::{
    AddressProbe, CertInfo, NameMatch, Status, TargetResult, Timings, TrustSettings, check_target,
    match_name, select::order_srv_targets,
};
use crate::plan::{RowKind, Transport, WildcardPolicy};

pub use super::judged::Judged;

/// D8: the row's own query failed. NXDOMAIN/NODATA are *missing*; every
/// other failure is a *dns-error*, never missing.
pub fn dns_failure(kind: RowKind, name: &str, failure: DnsFailure) -> Judged {
    let status = if failure.is_missing() {
        Status::Missing
    } else {
        Status::DnsError
    };
    let query = Query {
        kind,
        name: name.to_string(),
    };
    Judged::new(status, Reason::Dns { query, failure })
}

/// D5/D8: the address query of an SRV target failed.
pub fn target_dns_failure(host: &str, failure: DnsFailure) -> Judged {
    let status = if failure.is_missing() {
        Status::Missing
    } else {
        Status::DnsError
    };
    Judged::new(
        status,
        Reason::TargetDns {
            host: host.to_string(),
            failure,
        },
    )
}

/// D3/D8: a TCP row while TCP is not allowed is decided before it is asked.
/// A profile whose client asks TCP rows only when TCP is allowed
/// (`tcp_by_default = false`, `sfb`) does not ask it: `skipped`. A profile
/// whose client always asks them (the Communicator generations) under a
/// policy that forbids TCP (`--no-tcp`) gets the answer but may not use the
/// transport: `rejected`.
pub fn transport_forbidden(
    transport: Transport,
    allow_tcp: bool,
    tcp_by_default: bool,
) -> Option<Judged> {
    (transport == Transport::Tcp && !allow_tcp).then(|| {
        if tcp_by_default {
            Judged::new(Status::Rejected, Reason::TcpForbidden)
        } else {
            Judged::new(Status::Skipped, Reason::TcpNotAllowed)
        }
    })
}

/// D5: the answer held no address the probe could use (the same judgement
/// for SRV/A targets and autodiscover hosts).
pub fn no_usable_address(host: &str) -> Judged {
    Judged::new(
        Status::Missing,
        Reason::NoUsableAddress {
            host: host.to_string(),
        },
    )
}

/// What D4/D5 make of an SRV answer before anything is probed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SrvPlan {
    /// In the client's order; rejected targets carry their status and reason.
    pub targets: Vec<TargetResult>,
    pub warnings: Vec<super::Warning>,
    /// Set when the row is decided without probing (all `.`, all rejected).
    pub decided: Option<Judged>,
}

/// D4/D5: orders the answers, rejects out-of-domain targets, warns on
/// unusual ports, and decides the row when nothing is left to probe.
pub fn srv_plan(
    name: &str,
    records: &[SrvRecord],
    domain: &str,
    trust: &TrustSettings,
    typical_ports: &[u16],
) -> SrvPlan {
    // D5: a lone "." target means the service is decidedly not available.
    if records.iter().all(|r| r.target == ".") {
        return SrvPlan {
            targets: Vec::new(),
            warnings: Vec::new(),
            decided: Some(Judged::new(Status::Missing, Reason::NoService)),
        };
    }
    let mut targets: Vec<TargetResult> = records
        .iter()
        .filter(|r| r.target != ".")
        .map(|r| {
            let mut t = TargetResult::new(&r.target, r.port);
            t.priority = Some(r.priority);
            t.weight = Some(r.weight);
            if let Err(reason) = check_target(&r.target, domain, trust) {
                t.set(Status::Rejected, &reason);
            }
            t
        })
        .collect();
    order_srv_targets(&mut targets);
    let warnings = targets
        .iter()
        .filter(|t| !typical_ports.is_empty() && !typical_ports.contains(&t.port))
        .map(|t| {
            let usual: Vec<String> = typical_ports.iter().map(u16::to_string).collect();
            super::Warning::new(
                super::WarningCode::UnusualPort,
                format!(
                    "{} uses port {}; {name} usually uses {} (D5)",
                    t.host,
                    t.port,
                    usual.join(" or ")
                ),
            )
        })
        .collect();
    let decided = targets
        .iter()
        .all(|t| t.status == Status::Rejected)
        .then(|| {
            let reason = check_target(&targets[0].host, domain, trust)
                .err()
                .unwrap_or(Reason::NoService);
            Judged::new(Status::Rejected, reason)
        });
    SrvPlan {
        targets,
        warnings,
        decided,
    }
}

/// D5: an SRV target should be a host with its own address, not an alias.
pub fn cname_warning(host: &str, chain: &[String]) -> Option<super::Warning> {
    (!chain.is_empty()).then(|| {
        super::Warning::new(
            super::WarningCode::CnameTarget,
            format!(
                "SRV target {host} is an alias (CNAME to {}); RFC 2782 wants a host with its own A record (D5)",
                chain.join(" → ")
            ),
        )
    })
}

/// The judgement of one connection attempt, with the certificate as the
/// client sees it (D9) and any warnings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeJudgement {
    pub judged: Judged,
    pub certificate: Option<CertInfo>,
    pub warnings: Vec<super::Warning>,
}

fn names_of(sans: &[String], cn: Option<&str>) -> String {
    let mut names = sans.to_vec();
    if let Some(cn) = cn
        && !names.iter().any(|n| n == cn)
    {
        names.push(format!("CN={cn}"));
    }
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

/// D8/D9/D17: what a connection attempt means for the client. `expected` is
/// the name the client wants on the certificate (SRV target or queried name).
pub fn probe(e: &ProbeEvidence, expected: &str, wildcards: WildcardPolicy) -> ProbeJudgement {
    let mut j = connection(e, expected, wildcards);
    sip_stage(e, &mut j);
    j
}

/// D17: a connection that passed is a registrar only if SIP answered.
fn sip_stage(e: &ProbeEvidence, j: &mut ProbeJudgement) {
    if j.judged.status != Status::Found {
        return;
    }
    match &e.sip {
        SipStage::Off => {}
        SipStage::LegacyNoRequest => j.warnings.push(crate::model::Warning::new(
            crate::model::WarningCode::NoSipRequest,
            sip::legacy_warning(e.nominal),
        )),
        SipStage::Sent(s) => {
            let before = j.judged.reason.to_string();
            j.judged = match sip::judge(s, e.nominal, e.limit_ms, before) {
                Ok(p) => {
                    if let sip::SipProblem::Answered { server, .. } = &p {
                        let w = sip::non_microsoft_warning(e.nominal, server.as_deref());
                        j.warnings.push(crate::model::Warning::new(
                            crate::model::WarningCode::NotMicrosoftRegistrar,
                            w,
                        ));
                    }
                    Judged::new(Status::Found, Reason::Sip(p))
                }
                Err(p) => Judged::new(Status::NotSip, Reason::Sip(p)),
            };
        }
    }
}

fn connection(e: &ProbeEvidence, expected: &str, wildcards: WildcardPolicy) -> ProbeJudgement {
    let addr = e.nominal;
    let plain = |status, reason| ProbeJudgement {
        judged: Judged::new(status, reason),
        certificate: None,
        warnings: Vec::new(),
    };
    match &e.connect {
        Connect::TimedOut => {
            return plain(
                Status::Unreachable,
                Reason::ConnectTimeout {
                    addr,
                    limit_ms: e.limit_ms,
                },
            );
        }
        Connect::Refused => return plain(Status::Unreachable, Reason::ConnectionRefused { addr }),
        Connect::Reset => return plain(Status::Unreachable, Reason::ConnectionReset { addr }),
        Connect::Failed(error) => {
            let error = error.clone();
            return plain(Status::Unreachable, Reason::ConnectFailed { addr, error });
        }
        Connect::Accepted => {}
    }
    let facts = match &e.handshake {
        None => return plain(Status::Found, Reason::TcpAccepted { addr }),
        Some(Handshake::BadServerName) => {
            let name = expected.to_string();
            return plain(Status::Unreachable, Reason::BadServerName { name });
        }
        Some(Handshake::TimedOut) => {
            let limit_ms = e.limit_ms;
            return plain(
                Status::Unreachable,
                Reason::HandshakeTimeout { addr, limit_ms },
            );
        }
        Some(Handshake::Failed(error)) => {
            let error = error.clone();
            return plain(Status::Unreachable, Reason::HandshakeFailed { addr, error });
        }
        Some(Handshake::Unreadable) => {
            return plain(Status::Untrusted, Reason::UnreadableCertificate);
        }
        Some(Handshake::Presented(facts)) => facts,
    };
    let name_match = match_name(expected, &facts.sans, facts.subject_cn.as_deref());
    let names = || names_of(&facts.sans, facts.subject_cn.as_deref());
    let expected_s = expected.to_string();
    let mut warnings = Vec::new();
    let (status, reason) = match (name_match, wildcards, &facts.trust) {
        (NameMatch::None, _, _) => (
            Status::CertMismatch,
            Reason::NameNotOnCertificate {
                expected: expected_s,
                names: names(),
            },
        ),
        (NameMatch::Wildcard, WildcardPolicy::Mismatch, _) => (
            Status::CertMismatch,
            Reason::WildcardOnly {
                expected: expected_s,
                names: names(),
            },
        ),
        // D16: a leaf sent alone whose issuer is not a trusted root: the
        // server did not send its intermediate, the most common cause.
        (_, _, Some(TrustProblem::UnknownIssuer))
            if facts.chain.len() <= 1 && !facts.self_issued =>
        {
            (
                Status::Untrusted,
                Reason::MissingIntermediate {
                    expected: expected_s,
                    issuer: facts.issuer.clone(),
                    ca_issuers: facts.ca_issuers.clone(),
                },
            )
        }
        (_, _, Some(problem)) => (
            Status::Untrusted,
            Reason::Untrusted {
                expected: expected_s,
                problem: problem.clone(),
            },
        ),
        (m, _, None) => {
            if m == NameMatch::Wildcard {
                warnings.push(super::Warning::new(
                    super::WarningCode::WildcardCertificate,
                    format!("{expected} is covered only by a wildcard certificate"),
                ));
            }
            let reason = match e.tls.as_ref().filter(|t| t.legacy) {
                Some(t) => Reason::LegacyTlsTrusted {
                    addr,
                    expected: expected_s,
                    version: t.version.clone(),
                },
                None => Reason::TlsTrusted {
                    addr,
                    expected: expected_s,
                },
            };
            (Status::Found, reason)
        }
    };
    // D15: reachable for its own generation, but not for modern clients.
    if let Some(tls) = e.tls.as_ref().filter(|t| t.legacy) {
        warnings.push(super::Warning::new(
            super::WarningCode::LegacyTls,
            format!(
                "{addr} refused a modern TLS handshake and speaks {} ({}); Communicator 2007 and Lync 2010 clients connect, clients with TLS 1.0/1.1 or CBC suites disabled (current Windows, Skype for Business) cannot (D15)",
                tls.version, tls.cipher_suite
            ),
        ));
    }
    let trust_error = facts.trust.as_ref().map(|p| p.to_string());
    let certificate = CertInfo {
        subject: facts.subject.clone(),
        sans: facts.sans.clone(),
        issuer: facts.issuer.clone(),
        not_before: facts.not_before.clone(),
        not_after: facts.not_after.clone(),
        chain_len: facts.chain.len(),
        expected_name: expected.to_string(),
        name_match,
        trusted: trust_error.is_none(),
        trust_error,
        chain: facts.chain.clone(),
        thumbprint: facts.thumbprint.clone(),
        serial: facts.serial.clone(),
        key: facts.key.clone(),
        ca_issuers: facts.ca_issuers.clone(),
    };
    ProbeJudgement {
        judged: Judged::new(status, reason),
        certificate: Some(certificate),
        warnings,
    }
}

/// One member's line in a target's results (D14).
pub fn address_probe(e: &ProbeEvidence, j: ProbeJudgement) -> (AddressProbe, Vec<super::Warning>) {
    let probe = AddressProbe {
        address: e.nominal.ip().to_string(),
        status: j.judged.status,
        reason: Some(j.judged.reason.code()),
        detail: j.judged.reason.to_string(),
        tls: e.tls.clone(),
        certificate: j.certificate,
        dialed: e.dialed.clone(),
        timings: Timings {
            dns_ms: None,
            connect_ms: e.connect_ms,
            tls_ms: e.tls_ms,
        },
        sip: sip_answer(e),
    };
    (probe, j.warnings)
}

/// The judged probe of a target's one address (autodiscover hosts, D13)
/// onto the target: status and reason, certificate, dialled address and
/// timings, in one place. Returns the probe's warnings.
pub fn onto_target(
    t: &mut TargetResult,
    e: &ProbeEvidence,
    j: ProbeJudgement,
) -> Vec<crate::model::Warning> {
    t.judged(&j.judged);
    t.certificate = j.certificate;
    t.dialed = e.dialed.clone();
    t.timings.connect_ms = e.connect_ms;
    t.timings.tls_ms = e.tls_ms;
    t.sip = sip_answer(e);
    j.warnings
}

/// D17: what answered the REGISTER, when one was sent.
fn sip_answer(e: &ProbeEvidence) -> Option<SipAnswer> {
    match &e.sip {
        SipStage::Sent(s) => Some(SipAnswer::from_evidence(s)),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
