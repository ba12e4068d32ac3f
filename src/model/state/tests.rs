//! D18: ok, degraded, fail from the selected row's used target.

use super::*;
use crate::model::record::{AddressProbe, CertInfo, TlsInfo};
use crate::model::test_support::rows;

const START: &str = "2026-01-01T00:00:00Z";

/// Row 1 found, the rest missing; row 1 selected.
fn found() -> Vec<RecordResult> {
    let mut r = rows(&[Status::Found, Status::Missing, Status::Missing]);
    r[0].targets[0].reason = Some(ReasonCode::TlsTrusted);
    r
}

fn cert(not_after: &str, name_match: NameMatch) -> CertInfo {
    CertInfo {
        subject: "CN=pool.contoso.com".into(),
        sans: vec!["pool.contoso.com".into()],
        issuer: "CN=CA".into(),
        not_before: "2025-01-01T00:00:00Z".into(),
        not_after: not_after.into(),
        chain_len: 1,
        expected_name: "pool.contoso.com".into(),
        name_match,
        trusted: true,
        trust_error: None,
        chain: Vec::new(),
        thumbprint: String::new(),
        serial: String::new(),
        key: String::new(),
        ca_issuers: Vec::new(),
    }
}

fn codes(records: &[RecordResult], days: u32) -> (State, Vec<DegradedCode>) {
    let (s, d) = assess(Signin::Ok, records, Some(1), START, days);
    (s, d.into_iter().map(|d| d.code).collect())
}

#[test]
fn d18_plain_found_is_ok() {
    let r = found();
    assert_eq!(codes(&r, 30), (State::Ok, vec![]));
}

#[test]
fn d18_fail_and_undecided_map_straight() {
    let r = found();
    assert_eq!(assess(Signin::Fail, &r, Some(1), START, 30).0, State::Fail);
    assert_eq!(
        assess(Signin::Undecided, &r, Some(1), START, 30).0,
        State::Undecided
    );
}

#[test]
fn d18_d15_legacy_tls_is_degraded() {
    let mut r = found();
    r[0].targets[0].reason = Some(ReasonCode::LegacyTlsTrusted);
    r[0].targets[0].tls = Some(TlsInfo {
        version: "TLSv1.0".into(),
        cipher_suite: "X".into(),
        legacy: true,
    });
    let (state, d) = assess(Signin::Ok, &r, Some(1), START, 30);
    assert_eq!(state, State::Degraded);
    assert_eq!(d[0].code, DegradedCode::LegacyTls);
    assert!(d[0].sentence.contains("TLSv1.0"), "{}", d[0].sentence);
}

#[test]
fn d18_d14_pool_member_down_is_degraded() {
    let mut r = found();
    let probe = |addr: &str, status| AddressProbe {
        address: addr.into(),
        status,
        reason: None,
        detail: String::new(),
        tls: None,
        certificate: None,
        dialed: None,
        timings: Default::default(),
        sip: None,
    };
    r[0].targets[0].probes = vec![
        probe("192.0.2.1", Status::Found),
        probe("192.0.2.2", Status::Unreachable),
    ];
    let (state, d) = assess(Signin::Ok, &r, Some(1), START, 30);
    assert_eq!(state, State::Degraded);
    assert_eq!(d[0].code, DegradedCode::PoolMemberDown);
    assert!(d[0].sentence.contains("192.0.2.2"), "{}", d[0].sentence);
    // Every member up: ok.
    r[0].targets[0].probes.pop();
    assert_eq!(codes(&r, 30).0, State::Ok);
}

#[test]
fn d18_certificate_inside_the_window_is_degraded() {
    let mut r = found();
    // 10 days after the sweep started.
    r[0].targets[0].certificate = Some(cert("2026-01-11T00:00:00Z", NameMatch::Exact));
    assert_eq!(
        codes(&r, 30),
        (State::Degraded, vec![DegradedCode::CertificateExpiring])
    );
    // The window is configurable: 5 days leaves it ok.
    assert_eq!(codes(&r, 5), (State::Ok, vec![]));
    // Far from expiry: ok.
    r[0].targets[0].certificate = Some(cert("2027-01-01T00:00:00Z", NameMatch::Exact));
    assert_eq!(codes(&r, 30).0, State::Ok);
}

#[test]
fn d18_d9_wildcard_accepted_with_a_warning_is_degraded() {
    let mut r = found();
    r[0].targets[0].certificate = Some(cert("2027-01-01T00:00:00Z", NameMatch::Wildcard));
    assert_eq!(
        codes(&r, 30),
        (State::Degraded, vec![DegradedCode::WildcardCertificate])
    );
}

#[test]
fn d18_reasons_add_up_in_order() {
    let mut r = found();
    r[0].targets[0].certificate = Some(cert("2026-01-02T00:00:00Z", NameMatch::Wildcard));
    assert_eq!(
        codes(&r, 30).1,
        vec![
            DegradedCode::CertificateExpiring,
            DegradedCode::WildcardCertificate
        ]
    );
}

#[test]
fn d18_worst_state_and_strict() {
    assert_eq!(
        worst([State::Ok, State::Degraded, State::Ok]),
        Some(State::Degraded)
    );
    assert_eq!(worst([State::Degraded, State::Fail]), Some(State::Fail));
    assert_eq!(worst([]), None);
    assert!(State::Degraded.passes(false));
    assert!(!State::Degraded.passes(true));
    assert!(!State::Fail.passes(false));
    assert!(State::Ok.passes(true));
}

#[test]
fn d18_a_verdict_without_state_loads_from_signin() {
    let v: crate::model::Verdict =
        serde_json::from_str(r#"{"signin":"fail","summary":"x","cause":"unreachable"}"#).unwrap();
    assert_eq!(v.state, State::Fail);
    let v: crate::model::Verdict =
        serde_json::from_str(r#"{"signin":"ok","summary":"x"}"#).unwrap();
    assert_eq!(v.state, State::Ok);
    let v: crate::model::Verdict = serde_json::from_str(
        r#"{"signin":"ok","summary":"x","state":"degraded","degraded":[{"code":"legacy-tls","sentence":"s"}]}"#,
    )
    .unwrap();
    assert_eq!(v.state, State::Degraded);
    assert_eq!(v.degraded[0].code, DegradedCode::LegacyTls);
}
