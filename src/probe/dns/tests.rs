use super::*;
use hickory_resolver::proto::rr::rdata::{A, CNAME};
use std::net::Ipv4Addr;

fn rec(name: &str, ttl: u32, data: RData) -> Record {
    Record::from_rdata(Name::from_ascii(name).unwrap(), ttl, data)
}

// D6: a CNAME chain is followed to its address; the TTL is the chain's minimum.
#[test]
fn d6_follows_cname_chain() {
    let records = vec![
        rec(
            "sipinternal.d.test.",
            300,
            RData::CNAME(CNAME(Name::from_ascii("alias.d.test.").unwrap())),
        ),
        rec(
            "alias.d.test.",
            600,
            RData::CNAME(CNAME(Name::from_ascii("pool.d.test.").unwrap())),
        ),
        rec("pool.d.test.", 60, RData::A(A(Ipv4Addr::new(192, 0, 2, 7)))),
    ];
    let a = address_answer("sipinternal.d.test", &records).unwrap();
    assert_eq!(a.cname_chain, ["alias.d.test", "pool.d.test"]);
    assert_eq!(a.addresses, [IpAddr::V4(Ipv4Addr::new(192, 0, 2, 7))]);
    assert_eq!(a.ttl, 60);
}

#[test]
fn cname_without_address_is_nodata_and_loops_end() {
    let records = vec![
        rec(
            "a.d.test.",
            300,
            RData::CNAME(CNAME(Name::from_ascii("b.d.test.").unwrap())),
        ),
        rec(
            "b.d.test.",
            300,
            RData::CNAME(CNAME(Name::from_ascii("a.d.test.").unwrap())),
        ),
    ];
    assert_eq!(
        address_answer("a.d.test", &records),
        Err(DnsFailure::NoData)
    );
}

// D8: only NXDOMAIN/NODATA are "missing".
#[test]
fn d8_failures_are_kept_apart() {
    assert!(DnsFailure::NxDomain.is_missing());
    assert!(DnsFailure::NoData.is_missing());
    for f in [
        DnsFailure::ServFail("x".into()),
        DnsFailure::Refused("x".into()),
        DnsFailure::Timeout("x".into()),
        DnsFailure::Network("x".into()),
    ] {
        assert!(!f.is_missing(), "{f:?}");
    }
    assert_eq!(
        DnsFailure::Refused("127.0.0.1:53".into()).describe(),
        "REFUSED by 127.0.0.1:53"
    );
}

#[test]
fn resolver_addresses_parse() {
    assert_eq!(
        ResolverSpec::parse_server("10.0.0.53").unwrap(),
        "10.0.0.53:53".parse().unwrap()
    );
    assert_eq!(
        ResolverSpec::parse_server("127.0.0.1:5353").unwrap(),
        "127.0.0.1:5353".parse().unwrap()
    );
    assert_eq!(
        ResolverSpec::parse_server("[::1]:53").unwrap(),
        "[::1]:53".parse().unwrap()
    );
    assert_eq!(
        ResolverSpec::parse_server("::1").unwrap(),
        "[::1]:53".parse().unwrap()
    );
    // Neither an address nor a host name.
    assert!(
        ResolverSpec::parse_server("dns example")
            .unwrap_err()
            .contains("not an IP")
    );
    // A host name the system cannot resolve (`.invalid` never resolves).
    let e = ResolverSpec::parse_server("dns.invalid").unwrap_err();
    assert!(e.contains("dns.invalid") && e.contains("no address"), "{e}");
}

// Issue #13 item 6: a resolver by host name is resolved once, port kept.
#[test]
fn a_resolver_by_host_name_is_resolved_once() {
    let a = ResolverSpec::parse_server("localhost:5353").unwrap();
    assert!(a.ip().is_loopback(), "{a}");
    assert_eq!(a.port(), 5353);
    assert_eq!(ResolverSpec::parse_server("localhost").unwrap().port(), 53);
    assert_eq!(ResolverSpec::server_name("10.0.0.53"), None);
    assert_eq!(
        ResolverSpec::server_name("dns.contoso.com:5353"),
        Some(("dns.contoso.com", 5353))
    );
}

// D8: a timeout is decided from the error's kind, whatever its words; an
// I/O error of another kind is a network error, even if it says "timed out".
#[tokio::test]
async fn d8_timeout_from_the_error_kind() {
    use std::io::{Error, ErrorKind};
    use std::sync::Arc;
    let server: SocketAddr = "127.0.0.1:53".parse().unwrap();
    let dns = Dns::new(&ResolverSpec::Servers(vec![server]), Duration::from_secs(1)).unwrap();
    let timed_out = NetError::Io(Arc::new(Error::new(ErrorKind::TimedOut, "no words")));
    assert!(matches!(dns.classify(timed_out), DnsFailure::Timeout(_)));
    let worded = NetError::Io(Arc::new(Error::other("connection timed out")));
    assert!(matches!(dns.classify(worded), DnsFailure::Network(_)));
    assert!(matches!(
        dns.classify(NetError::Timeout),
        DnsFailure::Timeout(_)
    ));
}
