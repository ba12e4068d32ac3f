//! D5/D7 selection and verdicts, table-driven.

use super::*;
use crate::model::test_support::rows;
use crate::plan::CLASSIC_RANKING;

// D7, table-driven: (statuses of rows 1..10, selected row)
#[test]
fn d7_selection() {
    use Status::*;
    let m = Missing;
    let cases: [([Status; 10], Option<usize>, &str); 9] = [
        ([Found, m, m, m, m, m, m, m, m, m], Some(1), "first SRV"),
        (
            [m, Found, Found, m, m, m, m, m, m, m],
            Some(3),
            "TLS SRV (3) beats TCP SRV (2)",
        ),
        (
            [m, Found, m, Found, m, m, m, m, m, m],
            Some(2),
            "TCP SRV rows in order",
        ),
        (
            [m, m, m, Found, Found, m, m, m, m, m],
            Some(4),
            "any SRV beats A rows",
        ),
        (
            [m, m, m, m, CertMismatch, Found, Found, m, m, m],
            Some(5),
            "stops at the first resolved name, broken or not",
        ),
        (
            [Rejected, m, Found, m, Found, m, m, m, m, m],
            Some(3),
            "rejected rows are skipped",
        ),
        (
            [DnsError, m, m, m, m, m, Found, m, m, m],
            Some(7),
            "dns-error rows are skipped",
        ),
        ([m, m, m, m, m, m, m, m, m, m], None, "nothing resolves"),
        (
            [Pending, m, Found, m, m, m, m, m, m, m],
            None,
            "undecided while an earlier row is in flight",
        ),
    ];
    for (statuses, want, why) in cases {
        assert_eq!(select(&rows(&statuses), &CLASSIC_RANKING), want, "{why}");
    }
}

// D7: a TLS SRV row later in the profile still beats an in-flight TCP row.
#[test]
fn d7_tls_decides_before_tcp_finishes() {
    use Status::*;
    let r = rows(&[
        Missing, Querying, Found, Querying, Pending, Pending, Pending, Pending, Pending, Pending,
    ]);
    assert_eq!(select(&r, &CLASSIC_RANKING), Some(3));
}

// D7: verdict sentences name the record and what to fix.
#[test]
fn d7_verdicts() {
    use Status::*;
    let m = Missing;
    let ok = rows(&[Found, m, m, m, m, m, m, m, m, m]);
    let v = verdict(
        &ok,
        select(&ok, &CLASSIC_RANKING),
        "contoso.com",
        &CLASSIC_RANKING,
    );
    assert_eq!(v.signin, Signin::Ok);
    assert!(
        v.summary.contains("record 1") && v.summary.contains("pool.contoso.com:5061"),
        "{}",
        v.summary
    );

    // Split-brain: sign-in works, but the skipped internal record is named.
    let split = rows(&[Rejected, m, Found, m, m, m, m, m, m, m]);
    let v = verdict(
        &split,
        select(&split, &CLASSIC_RANKING),
        "contoso.com",
        &CLASSIC_RANKING,
    );
    assert_eq!(v.signin, Signin::Ok);
    assert!(
        v.summary
            .contains("after passing over record 1 (_sipinternaltls._tcp.contoso.com, rejected)"),
        "{}",
        v.summary
    );
    assert!(
        !verdict(
            &ok,
            select(&ok, &CLASSIC_RANKING),
            "contoso.com",
            &CLASSIC_RANKING
        )
        .summary
        .contains("skipping")
    );

    let bad = rows(&[m, m, m, m, CertMismatch, m, Found, m, m, m]);
    let v = verdict(
        &bad,
        select(&bad, &CLASSIC_RANKING),
        "contoso.com",
        &CLASSIC_RANKING,
    );
    assert_eq!(v.signin, Signin::Fail);
    assert!(
        v.summary.contains("record 5") && v.summary.contains("sipinternal.contoso.com"),
        "{}",
        v.summary
    );
    assert!(
        v.summary.contains("problem verifying the certificate"),
        "{}",
        v.summary
    );

    let down = rows(&[Unreachable, m, m, m, m, m, m, m, m, m]);
    let v = verdict(
        &down,
        select(&down, &CLASSIC_RANKING),
        "contoso.com",
        &CLASSIC_RANKING,
    );
    assert!(
        v.summary.contains("cannot connect (connection refused)"),
        "{}",
        v.summary
    );

    let none = rows(&[m; 10]);
    let v = verdict(&none, None, "contoso.com", &CLASSIC_RANKING);
    assert!(
        v.summary.contains("none of the 10 records")
            && v.summary.contains("temporarily unavailable"),
        "{}",
        v.summary
    );

    let mut dns = rows(&[DnsError, m, m, m, m, m, m, m, m, m]);
    dns[0].detail = "SERVFAIL from 127.0.0.1:53".into();
    let v = verdict(&dns, None, "contoso.com", &CLASSIC_RANKING);
    assert!(
        v.summary.contains("DNS errors") && v.summary.contains("SERVFAIL"),
        "{}",
        v.summary
    );

    let mut rejected = rows(&[Rejected, m, m, m, m, m, m, m, m, m]);
    rejected[0].detail = "target pool.contoso.local is outside the SIP domain".into();
    let v = verdict(&rejected, None, "contoso.com", &CLASSIC_RANKING);
    assert!(
        v.summary.contains("rejected") && v.summary.contains("trusted_domains"),
        "{}",
        v.summary
    );
}

// D5: priority ascending, then weight descending.
#[test]
fn d5_srv_order() {
    let mk = |host: &str, p, w| {
        let mut t = TargetResult::new(host, 5061);
        t.priority = Some(p);
        t.weight = Some(w);
        t
    };
    let mut ts = vec![
        mk("c", 10, 0),
        mk("a", 0, 10),
        mk("b", 0, 50),
        mk("d", 5, 0),
    ];
    order_srv_targets(&mut ts);
    let hosts: Vec<&str> = ts.iter().map(|t| t.host.as_str()).collect();
    assert_eq!(hosts, ["b", "a", "d", "c"]);
}

// D4/D5: the used target skips rejected ones and prefers one with an address.
#[test]
fn d5_used_target() {
    let mut rejected = TargetResult::new("pool.evil.test", 5061);
    rejected.status = Status::Rejected;
    rejected.addresses = vec!["192.0.2.9".into()];
    let dangling = TargetResult::new("gone.contoso.com", 5061);
    let mut good = TargetResult::new("pool.contoso.com", 5061);
    good.addresses = vec!["192.0.2.1".into()];
    assert_eq!(
        used_target(&[rejected.clone(), dangling.clone(), good]),
        Some(2)
    );
    assert_eq!(used_target(&[rejected.clone(), dangling]), Some(1));
    assert_eq!(used_target(&[rejected]), None);
}

// D7: each verdict carries a typed cause; a sweep still in flight is
// undecided, never a failure.
#[test]
fn d7_verdict_causes_and_undecided() {
    use Status::*;
    let m = Missing;
    let r = &CLASSIC_RANKING;
    let cases: [([Status; 10], Signin, Cause); 6] = [
        ([Found, m, m, m, m, m, m, m, m, m], Signin::Ok, Cause::Works),
        (
            [m, m, m, m, CertMismatch, m, m, m, m, m],
            Signin::Fail,
            Cause::CertMismatch,
        ),
        (
            [Untrusted, m, m, m, m, m, m, m, m, m],
            Signin::Fail,
            Cause::Untrusted,
        ),
        ([m; 10], Signin::Fail, Cause::NothingPublished),
        (
            [DnsError, m, m, m, m, m, m, m, m, m],
            Signin::Fail,
            Cause::DnsErrors,
        ),
        (
            [Querying, m, m, m, m, m, m, m, m, m],
            Signin::Undecided,
            Cause::InProgress,
        ),
    ];
    for (statuses, signin, cause) in cases {
        let rows = rows(&statuses);
        let v = verdict(&rows, select(&rows, r), "contoso.com", r);
        assert_eq!((v.signin, v.cause), (signin, cause), "{}", v.summary);
    }
}

// Issue 20: the passed-over clause and the failure clause meet with one
// comma ("…, after passing over record 1 (…), but cannot connect"), never ",,".
#[test]
fn d7_passed_over_clause_then_failure_has_one_comma() {
    use Status::*;
    let m = Missing;
    let records = rows(&[DnsError, m, Unreachable, m, m, m, m, m, m, m]);
    let v = verdict(&records, Some(3), "contoso.com", &CLASSIC_RANKING);
    assert!(
        v.summary
            .contains("dns-error), but cannot connect (connection refused);"),
        "{}",
        v.summary
    );
    assert_eq!(crate::model::sentence::punctuation_fault(&v.summary), None);
    let records = rows(&[Rejected, m, Found, m, m, m, m, m, m, m]);
    let v = verdict(&records, Some(3), "contoso.com", &CLASSIC_RANKING);
    assert!(
        v.summary.contains("rejected), and the certificate names"),
        "{}",
        v.summary
    );
}

// D8 (issue 20): a skipped row is never named, not even as passed over,
// and is not counted among the queries when nothing is published.
#[test]
fn d8_skipped_rows_are_never_named() {
    use Status::*;
    let m = Missing;
    let records = rows(&[
        m, Skipped, Found, Skipped, m, Skipped, m, Skipped, m, Skipped,
    ]);
    assert_eq!(select(&records, &CLASSIC_RANKING), Some(3));
    let v = verdict(&records, Some(3), "contoso.com", &CLASSIC_RANKING);
    assert!(!v.summary.contains("skip"), "{}", v.summary);
    assert!(!v.summary.contains("record 2"), "{}", v.summary);
    let records = rows(&[m, Skipped, m, Skipped, m, Skipped, m, Skipped, m, Skipped]);
    let v = verdict(&records, None, "contoso.com", &CLASSIC_RANKING);
    assert_eq!(v.cause, Cause::NothingPublished);
    assert!(v.summary.contains("none of the 5 records"), "{}", v.summary);
}
