use super::*;

// D8: DNS failures keep their own labels; a DNS error is never "missing".
#[test]
fn d8_dns_reasons_are_labelled_apart() {
    let q = |kind| Query {
        kind,
        name: "_sip._tls.contoso.com".into(),
    };
    let cases = [
        (DnsFailure::NxDomain, "nxdomain"),
        (DnsFailure::NoData, "nodata"),
        (DnsFailure::ServFail("10.0.0.53:53".into()), "servfail"),
        (DnsFailure::Refused("10.0.0.53:53".into()), "refused"),
        (DnsFailure::Timeout("10.0.0.53:53".into()), "dns-timeout"),
        (DnsFailure::Network("unreachable".into()), "dns-error"),
    ];
    for (failure, label) in cases {
        let r = Reason::Dns {
            query: q(RowKind::Srv),
            failure: failure.clone(),
        };
        assert_eq!(r.code().label(), label);
        let t = Reason::TargetDns {
            host: "pool.contoso.com".into(),
            failure,
        };
        let want = if matches!(label, "nxdomain" | "nodata") {
            "no-address"
        } else {
            label
        };
        assert_eq!(t.code().label(), want);
    }
}

// Issue #13 item 12, D8: a DNS error's sentence never says "no record".
#[test]
fn d8_a_dns_error_is_never_worded_as_missing() {
    for kind in [RowKind::Srv, RowKind::A] {
        for failure in [
            DnsFailure::ServFail("10.0.0.53:53".into()),
            DnsFailure::Refused("10.0.0.53:53".into()),
            DnsFailure::Timeout("10.0.0.53:53".into()),
            DnsFailure::Network("unreachable".into()),
        ] {
            let text = Reason::Dns {
                query: Query {
                    kind,
                    name: "_sip._tls.contoso.com".into(),
                },
                failure,
            }
            .to_string();
            assert!(
                text.contains("query for _sip._tls.contoso.com failed"),
                "{text}"
            );
            assert!(
                !text.contains("no SRV record") && !text.contains("no address"),
                "{text}"
            );
        }
    }
    let missing = Reason::Dns {
        query: Query {
            kind: RowKind::Srv,
            name: "_sip._tls.contoso.com".into(),
        },
        failure: DnsFailure::NxDomain,
    };
    assert!(missing.to_string().starts_with("no SRV record"));
}

// D9: each trust problem has its own label and sentence.
#[test]
fn d9_trust_reasons() {
    let r = Reason::Untrusted {
        expected: "sip.contoso.com".into(),
        problem: TrustProblem::Expired,
    };
    assert_eq!(r.code(), ReasonCode::Expired);
    assert_eq!(
        r.to_string(),
        "certificate for sip.contoso.com: the certificate has expired"
    );
    let r = Reason::OutOfDomain {
        host: "pool.contoso.local".into(),
        domain: "contoso.com".into(),
    };
    assert_eq!(r.code().label(), "out-of-domain");
    assert!(r.to_string().contains("outside the SIP domain contoso.com"));
}
