use super::*;
use crate::input::parse_target;
use crate::model::{Signin, TargetResult};
use crate::plan;
use crate::probe::ResolverSpec;
use crate::sweep::{SweepOptions, SweepSettings, initial_report};

/// A finished sweep of contoso.com with the ocs2007 profile: every row missing.
fn sweep() -> SweepReport {
    let settings = SweepSettings::new(
        parse_target("contoso.com").unwrap(),
        SweepOptions::new(plan::profile("ocs2007").unwrap(), ResolverSpec::System),
    );
    let mut r = initial_report(&settings);
    for row in &mut r.records {
        row.status = Status::Missing;
    }
    r.decide();
    r
}

fn found(r: &mut SweepReport, index: usize, host: &str, addr: &str) {
    let row = r.records.iter_mut().find(|x| x.index == index).unwrap();
    let mut t = TargetResult::new(host, 5061);
    t.addresses = vec![addr.into()];
    t.status = Status::Found;
    row.targets = vec![t];
    row.used_target = Some(0);
    row.status = Status::Found;
    row.ttl = Some(300);
    r.decide();
}

#[test]
fn identical_sweeps_have_no_changes_even_with_other_timings() {
    let a = sweep();
    let mut b = a.clone();
    b.elapsed_ms += 500;
    b.started_at = "2030-01-01T00:00:00Z".into();
    b.records[0].elapsed_ms = 42;
    assert!(status_changes(&a, &b).is_empty());
    assert!(changes(&a, &b).is_empty());
}

#[test]
fn a_row_going_from_missing_to_found_is_one_status_change() {
    let a = sweep();
    let mut b = a.clone();
    found(&mut b, 1, "sip.contoso.com", "192.0.2.10");
    let sc = status_changes(&a, &b);
    assert_eq!(sc.len(), 1);
    assert_eq!(sc[0].index, 1);
    assert_eq!(sc[0].from, Some(Status::Missing));
    assert_eq!(sc[0].to, Some(Status::Found));
    assert!(sc[0].to_string().contains("missing → found"), "{}", sc[0]);
    // and back again
    let back = status_changes(&b, &a);
    assert_eq!(
        (back[0].from, back[0].to),
        (Some(Status::Found), Some(Status::Missing))
    );
}

#[test]
fn full_changes_name_status_targets_addresses_ttl_selection_and_verdict() {
    let a = sweep();
    let mut b = a.clone();
    found(&mut b, 1, "sip.contoso.com", "192.0.2.10");
    assert_eq!(b.verdict.signin, Signin::Ok);
    let aspects: Vec<Aspect> = changes(&a, &b).iter().map(|c| c.aspect).collect();
    for want in [
        Aspect::Status,
        Aspect::Targets,
        Aspect::Addresses,
        Aspect::Ttl,
        Aspect::Selected,
        Aspect::Verdict,
    ] {
        assert!(aspects.contains(&want), "{want:?} missing from {aspects:?}");
    }
    // Only the address moves: one change, on that row.
    let mut c = b.clone();
    c.records[0].targets[0].addresses = vec!["192.0.2.99".into()];
    let d = changes(&b, &c);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].aspect, Aspect::Addresses);
    assert!(
        d[0].row.as_deref().unwrap().starts_with("#1 SRV"),
        "{:?}",
        d[0].row
    );
    assert!(d[0].after.contains("192.0.2.99"));
}

#[test]
fn certificate_changes_are_reported() {
    let mut a = sweep();
    found(&mut a, 1, "sip.contoso.com", "192.0.2.10");
    a.records[0].targets[0].certificate = Some(CertInfo {
        subject: "CN=sip.contoso.com".into(),
        sans: vec!["sip.contoso.com".into()],
        issuer: "CN=Contoso CA".into(),
        not_before: "2025-01-01T00:00:00Z".into(),
        not_after: "2027-01-01T00:00:00Z".into(),
        chain_len: 2,
        expected_name: "sip.contoso.com".into(),
        name_match: crate::model::NameMatch::Exact,
        trusted: true,
        trust_error: None,
        chain: vec![],
        ..CertInfo::default()
    });
    let mut b = a.clone();
    let cert = b.records[0].targets[0].certificate.as_mut().unwrap();
    cert.not_after = "2028-01-01T00:00:00Z".into();
    let d = changes(&a, &b);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].aspect, Aspect::Certificate);
    assert!(d[0].before.contains("2027") && d[0].after.contains("2028"));
}

#[test]
fn rows_are_matched_by_what_they_ask_not_by_position() {
    let a = sweep();
    let mut b = a.clone();
    let gone = b.records.remove(0);
    b.decide();
    let sc = status_changes(&a, &b);
    assert_eq!(sc.len(), 1, "{sc:?}");
    assert_eq!(sc[0].row, RowKey::of(&gone));
    assert_eq!((sc[0].from, sc[0].to), (Some(Status::Missing), None));
    let d = changes(&a, &b);
    assert!(
        d.iter()
            .any(|c| c.aspect == Aspect::Row && c.after == "absent")
    );
}

#[test]
fn profile_and_resolver_changes_are_sweep_wide() {
    let a = sweep();
    let mut b = a.clone();
    b.profile = "lync2010".into();
    b.resolvers = vec!["10.0.0.53:53".into()];
    let d = changes(&a, &b);
    assert_eq!(d.len(), 2);
    assert!(d.iter().all(|c| c.row.is_none()));
    assert_eq!(d[1].to_string(), "resolvers: system → 10.0.0.53:53");
}

// D17: what answered the REGISTER is compared: "sip: 401 RTC/6.0 → not-sip".
#[test]
fn d17_sip_answer_changes_are_named() {
    use crate::model::sip::{SipAnswer, SipOutcome};
    let mut a = sweep();
    found(&mut a, 1, "pool.contoso.com", "192.0.2.10");
    let registrar = SipAnswer {
        request: "REGISTER".into(),
        outcome: SipOutcome::Answered,
        status_code: Some(401),
        reason_phrase: Some("Unauthorized".into()),
        server: Some("RTC/6.0".into()),
        auth: Vec::new(),
        diagnostics: None,
        microsoft: true,
        elapsed_ms: 3,
        start_line: None,
    };
    a.records[0].targets[0].sip = Some(registrar.clone());
    let mut b = a.clone();
    b.records[0].targets[0].sip = Some(SipAnswer {
        outcome: SipOutcome::NotSip,
        status_code: None,
        reason_phrase: None,
        server: Some("nginx".into()),
        start_line: Some("HTTP/1.1 400 Bad Request".into()),
        ..registrar
    });
    let c = changes(&a, &b);
    let line = c
        .iter()
        .find(|c| c.aspect == Aspect::Sip)
        .map(|c| c.to_string())
        .expect("a sip change");
    assert!(line.ends_with("sip: 401 RTC/6.0 → not-sip"), "{line}");
    // Elapsed time alone is not a change.
    let mut c2 = a.clone();
    c2.records[0].targets[0].sip.as_mut().unwrap().elapsed_ms = 99;
    assert!(changes(&a, &c2).is_empty());
}

// A document written before `sip` existed still reads: the field is null.
#[test]
fn d17_documents_without_sip_still_read() {
    let mut a = sweep();
    found(&mut a, 1, "pool.contoso.com", "192.0.2.10");
    let mut json: serde_json::Value = serde_json::to_value(&a).unwrap();
    let t = json["records"][0]["targets"][0].as_object_mut().unwrap();
    assert!(
        t.remove("sip").is_some(),
        "sip is written, null when no request"
    );
    let back: SweepReport = serde_json::from_value(json).unwrap();
    assert_eq!(back.records[0].targets[0].sip, None);
    assert_eq!(back, a);
}
