//! Evidence → judgement, table-driven (D4, D5, D8, D9).

use std::net::SocketAddr;

use super::*;
use crate::model::ReasonCode;
use crate::model::evidence::{CertFacts, TrustProblem};

fn addr() -> SocketAddr {
    "192.0.2.10:5061".parse().unwrap()
}

fn evidence(connect: Connect, handshake: Option<Handshake>) -> ProbeEvidence {
    ProbeEvidence {
        nominal: addr(),
        dialed: None,
        connect,
        connect_ms: Some(1),
        handshake,
        tls_ms: Some(2),
        tls: None,
        limit_ms: 3000,
        sip: Default::default(),
    }
}

fn facts(sans: &[&str], trust: Option<TrustProblem>) -> Option<Handshake> {
    Some(Handshake::Presented(Box::new(CertFacts {
        subject: format!("CN={}", sans[0]),
        subject_cn: Some(sans[0].to_string()),
        sans: sans.iter().map(|s| s.to_string()).collect(),
        issuer: "CN=Contoso Root".into(),
        not_before: "2025-01-01T00:00:00Z".into(),
        not_after: "2027-01-01T00:00:00Z".into(),
        chain: Vec::new(),
        trust,
        thumbprint: "00".into(),
        serial: "01".into(),
        key: "EC 256".into(),
        ca_issuers: vec!["http://pki.contoso.com/issuing.crt".into()],
        self_issued: false,
        server_auth: true,
    })))
}

fn with_chain(h: Option<Handshake>, len: usize) -> Option<Handshake> {
    match h {
        Some(Handshake::Presented(mut f)) => {
            f.chain = (0..len)
                .map(|i| crate::model::ChainEntry {
                    subject: format!("CN=cert {i}"),
                    issuer: format!("CN=cert {}", i + 1),
                })
                .collect();
            Some(Handshake::Presented(f))
        }
        other => other,
    }
}

// D16: the missing intermediate is named, with where Windows may fetch it.
#[test]
fn d16_missing_intermediate_names_issuer_and_aia() {
    let e = evidence(
        Connect::Accepted,
        facts(&["pool.contoso.com"], Some(TrustProblem::UnknownIssuer)),
    );
    let j = probe(&e, "pool.contoso.com", WildcardPolicy::Mismatch);
    let text = j.judged.reason.to_string();
    assert!(
        text.contains("did not send the intermediate CA certificate 'CN=Contoso Root'")
            && text.contains("http://pki.contoso.com/issuing.crt"),
        "{text}"
    );
    let cert = j.certificate.unwrap();
    assert_eq!(cert.serial, "01");
    assert_eq!(cert.key, "EC 256");
}

// D8/D9: each kind of evidence gives one status and one machine reason.
#[test]
fn d8_d9_probe_evidence_to_status_and_reason() {
    use Status::*;
    let cases: Vec<(ProbeEvidence, WildcardPolicy, Status, ReasonCode, &str)> = vec![
        (
            evidence(Connect::Refused, None),
            WildcardPolicy::Mismatch,
            Unreachable,
            ReasonCode::ConnectionRefused,
            "refused connection (D8)",
        ),
        (
            evidence(Connect::TimedOut, None),
            WildcardPolicy::Mismatch,
            Unreachable,
            ReasonCode::ConnectTimeout,
            "silent port (D8)",
        ),
        (
            evidence(Connect::Accepted, None),
            WildcardPolicy::Mismatch,
            Found,
            ReasonCode::TcpAccepted,
            "plain TCP row",
        ),
        (
            evidence(Connect::Accepted, Some(Handshake::TimedOut)),
            WildcardPolicy::Mismatch,
            Unreachable,
            ReasonCode::HandshakeTimeout,
            "no TLS answer",
        ),
        (
            evidence(Connect::Accepted, facts(&["pool.contoso.com"], None)),
            WildcardPolicy::Mismatch,
            Found,
            ReasonCode::TlsTrusted,
            "good certificate (D9)",
        ),
        (
            evidence(Connect::Accepted, facts(&["sip.contoso.com"], None)),
            WildcardPolicy::Mismatch,
            CertMismatch,
            ReasonCode::NameNotOnCertificate,
            "name missing (D9)",
        ),
        (
            evidence(Connect::Accepted, facts(&["*.contoso.com"], None)),
            WildcardPolicy::Mismatch,
            CertMismatch,
            ReasonCode::WildcardOnly,
            "wildcard for OCS (D9)",
        ),
        (
            evidence(Connect::Accepted, facts(&["*.contoso.com"], None)),
            WildcardPolicy::Warn,
            Found,
            ReasonCode::TlsTrusted,
            "wildcard where accepted (D9)",
        ),
        (
            evidence(
                Connect::Accepted,
                facts(&["pool.contoso.com"], Some(TrustProblem::Expired)),
            ),
            WildcardPolicy::Mismatch,
            Untrusted,
            ReasonCode::Expired,
            "expired (D9)",
        ),
        (
            evidence(
                Connect::Accepted,
                facts(&["pool.contoso.com"], Some(TrustProblem::UnknownIssuer)),
            ),
            WildcardPolicy::Mismatch,
            Untrusted,
            ReasonCode::MissingIntermediate,
            "leaf sent alone, issuer unknown: the intermediate is missing (D16)",
        ),
        (
            evidence(
                Connect::Accepted,
                with_chain(
                    facts(&["pool.contoso.com"], Some(TrustProblem::UnknownIssuer)),
                    2,
                ),
            ),
            WildcardPolicy::Mismatch,
            Untrusted,
            ReasonCode::UntrustedIssuer,
            "full chain to an unknown root (D9)",
        ),
        (
            evidence(
                Connect::Accepted,
                facts(&["pool.contoso.com"], Some(TrustProblem::WrongPurpose)),
            ),
            WildcardPolicy::Mismatch,
            Untrusted,
            ReasonCode::WrongPurpose,
            "clientAuth-only leaf (D16)",
        ),
    ];
    for (e, wildcards, status, code, why) in cases {
        let j = probe(&e, "pool.contoso.com", wildcards);
        assert_eq!(j.judged.status, status, "{why}");
        assert_eq!(j.judged.reason.code(), code, "{why}");
    }
}

// D9: a wildcard that is accepted still draws a warning; the certificate is shown.
#[test]
fn d9_wildcard_warns_and_certificate_is_kept() {
    let e = evidence(Connect::Accepted, facts(&["*.contoso.com"], None));
    let j = probe(&e, "pool.contoso.com", WildcardPolicy::Warn);
    assert_eq!(j.warnings.len(), 1, "{:?}", j.warnings);
    let cert = j.certificate.unwrap();
    assert_eq!(cert.name_match, NameMatch::Wildcard);
    assert!(cert.trusted);
}

// D8: NXDOMAIN/NODATA are missing; SERVFAIL, REFUSED and timeouts are DNS errors.
#[test]
fn d8_dns_failures_never_missing() {
    let j = dns_failure(RowKind::Srv, "_sip._tls.d.test", DnsFailure::NxDomain);
    assert_eq!(j.status, Status::Missing);
    let j = dns_failure(RowKind::A, "sip.d.test", DnsFailure::ServFail("x".into()));
    assert_eq!(j.status, Status::DnsError);
    assert_eq!(j.reason.code(), ReasonCode::Servfail);
    let j = target_dns_failure("pool.d.test", DnsFailure::Timeout("x".into()));
    assert_eq!(j.status, Status::DnsError);
    let j = target_dns_failure("pool.d.test", DnsFailure::NoData);
    assert_eq!(
        (j.status, j.reason.code()),
        (Status::Missing, ReasonCode::NoAddress)
    );
}

fn srv(target: &str, priority: u16, port: u16) -> SrvRecord {
    SrvRecord {
        priority,
        weight: 0,
        port,
        target: target.into(),
    }
}

// D4/D5: out-of-domain targets are rejected, "." is no service, odd ports warn.
#[test]
fn d4_d5_srv_plan() {
    let trust = TrustSettings::default();
    let plan = srv_plan(
        "_sip._tls.d.test",
        &[srv(".", 0, 0)],
        "d.test",
        &trust,
        &[443],
    );
    assert_eq!(
        plan.decided.map(|j| j.reason.code()),
        Some(ReasonCode::NoService)
    );

    let plan = srv_plan(
        "_sipinternaltls._tcp.d.test",
        &[srv("pool.d.local", 0, 5061)],
        "d.test",
        &trust,
        &[5061],
    );
    let decided = plan.decided.unwrap();
    assert_eq!(decided.status, Status::Rejected);
    assert_eq!(decided.reason.code(), ReasonCode::OutOfDomain);
    assert_eq!(plan.targets[0].reason, Some(ReasonCode::OutOfDomain));

    let plan = srv_plan(
        "_sipinternaltls._tcp.d.test",
        &[srv("b.d.test", 10, 5061), srv("a.d.test", 0, 5062)],
        "d.test",
        &trust,
        &[5061],
    );
    assert!(plan.decided.is_none());
    assert_eq!(
        plan.targets[0].host, "a.d.test",
        "D5: lowest priority first"
    );
    assert_eq!(plan.warnings.len(), 1, "{:?}", plan.warnings);
    assert!(plan.warnings[0].contains("5062"));
}

// D8: TCP rows are rejected when policy forbids TCP on a profile whose
// client asks them; TLS rows are not.
#[test]
fn d8_tcp_forbidden() {
    let j = transport_forbidden(Transport::Tcp, false, true).unwrap();
    assert_eq!(
        (j.status, j.reason.code()),
        (Status::Rejected, ReasonCode::TcpForbidden)
    );
    assert!(transport_forbidden(Transport::Tls, false, true).is_none());
    assert!(transport_forbidden(Transport::Tcp, true, true).is_none());
}

// D3/D8 (issue 20): a profile that asks TCP rows only when TCP is allowed
// (sfb) does not ask them otherwise: skipped, tcp-not-allowed, no DNS.
#[test]
fn d8_tcp_not_allowed_is_skipped() {
    let j = transport_forbidden(Transport::Tcp, false, false).unwrap();
    assert_eq!(
        (j.status, j.reason.code()),
        (Status::Skipped, ReasonCode::TcpNotAllowed)
    );
    assert_eq!(j.reason.code().label(), "tcp-not-allowed");
    assert!(j.reason.to_string().contains("only when TCP is allowed"));
    assert!(transport_forbidden(Transport::Tcp, true, false).is_none());
    assert!(transport_forbidden(Transport::Tls, false, false).is_none());
}
