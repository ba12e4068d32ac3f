//! D13 "where a redirect or link may lead": every address class against
//! every origin class, ports and the HTTPS → HTTP downgrade.

use super::*;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

const ALL: [AddrClass; 6] = [
    AddrClass::Public,
    AddrClass::Private,
    AddrClass::Loopback,
    AddrClass::Unspecified,
    AddrClass::LinkLocal,
    AddrClass::Multicast,
];

/// One address of each class, IPv4 and IPv6.
fn examples(class: AddrClass) -> Vec<IpAddr> {
    let v: &[&str] = match class {
        AddrClass::Public => &["203.0.113.7", "8.8.8.8", "2001:db8::1", "::ffff:1.1.1.1"],
        AddrClass::Private => &[
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.254",
            "192.168.1.1",
            "100.64.0.1",
            "fd00::1",
            "::ffff:10.0.0.1",
        ],
        AddrClass::Loopback => &[
            "127.0.0.1",
            "127.0.3.2",
            "::1",
            "::ffff:127.0.0.1",
            "64:ff9b::7f00:1",
        ],
        AddrClass::Unspecified => &["0.0.0.0", "0.1.2.3", "::"],
        AddrClass::LinkLocal => &["169.254.169.254", "fe80::1"],
        AddrClass::Multicast => &["224.0.0.1", "239.255.255.250", "255.255.255.255", "ff02::1"],
    };
    v.iter().map(|s| ip(s)).collect()
}

#[test]
fn d13_every_example_has_its_class() {
    for class in ALL {
        for a in examples(class) {
            assert_eq!(classify(a), class, "{a}");
        }
    }
    // Neighbours of the private ranges are public.
    for a in [
        "172.15.255.255",
        "172.32.0.0",
        "100.63.255.255",
        "100.128.0.0",
        "11.0.0.0",
    ] {
        assert_eq!(classify(ip(a)), AddrClass::Public, "{a}");
    }
}

// D13: the class rule, exhaustively: public always; private unless the
// queried name was public; every other class only from that same class.
#[test]
fn d13_address_classes_against_every_origin() {
    let policy = DialPolicy::default();
    for origin in ALL {
        for class in ALL {
            let expected_ok = match class {
                AddrClass::Public => true,
                AddrClass::Private => origin != AddrClass::Public,
                other => other == origin,
            };
            for a in examples(class) {
                for port in [80, 443] {
                    for (from, to) in [(false, false), (false, true), (true, true)] {
                        let got = policy.allowed(origin, SocketAddr::new(a, port), from, to);
                        if expected_ok {
                            assert_eq!(got, Ok(()), "{origin:?} -> {a}:{port}");
                        } else {
                            assert_eq!(
                                got,
                                Err(Refusal::Address { class, origin }),
                                "{origin:?} -> {a}:{port}"
                            );
                        }
                    }
                }
            }
        }
    }
}

// D13: HTTPS → HTTP is refused whatever the address and port; HTTP → HTTPS
// (what every HTTP endpoint answers) is fine.
#[test]
fn d13_a_downgrade_is_refused_first() {
    let policy = DialPolicy::default();
    for origin in ALL {
        for class in ALL {
            for a in examples(class) {
                for port in [80, 443, 9] {
                    let addr = SocketAddr::new(a, port);
                    assert_eq!(
                        policy.allowed(origin, addr, true, false),
                        Err(Refusal::Downgrade)
                    );
                }
            }
        }
    }
    let public = SocketAddr::new(ip("203.0.113.7"), 443);
    assert_eq!(
        policy.allowed(AddrClass::Public, public, false, true),
        Ok(())
    );
}

// D13: only 80 and 443 unless allowed; an allowed port is judged further.
#[test]
fn d13_ports_other_than_80_and_443_need_allowing() {
    let strict = DialPolicy::default();
    let wide = DialPolicy {
        extra_ports: vec![8443, 9],
    };
    let public = ip("203.0.113.7");
    for port in [0, 1, 9, 22, 25, 53, 81, 444, 4443, 5061, 8080, 8443, 65535] {
        let addr = SocketAddr::new(public, port);
        assert_eq!(
            strict.allowed(AddrClass::Public, addr, true, true),
            Err(Refusal::Port(port))
        );
        let allowed = wide.extra_ports.contains(&port);
        assert_eq!(
            wide.allowed(AddrClass::Public, addr, true, true).is_ok(),
            allowed,
            "{port}"
        );
    }
    // Allowing a port does not open a class: loopback:9 from a public name.
    let loopback = SocketAddr::new(ip("127.0.0.1"), 9);
    assert_eq!(
        wide.allowed(AddrClass::Public, loopback, false, false),
        Err(Refusal::Address {
            class: AddrClass::Loopback,
            origin: AddrClass::Public
        })
    );
    // The lab: a loopback name redirecting to loopback on an allowed port.
    assert_eq!(
        wide.allowed(AddrClass::Loopback, loopback, false, false),
        Ok(())
    );
}
