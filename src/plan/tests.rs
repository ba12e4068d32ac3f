//! D2/D3: the built-in profiles and their checks.

use super::*;

#[test]
fn every_builtin_profile_parses_and_is_named_after_its_file() {
    for (origin, text) in PROFILE_SOURCES {
        let p = Profile::parse(origin, text).unwrap();
        assert_eq!(&p.name, origin);
    }
    assert_eq!(profiles().len(), PROFILE_SOURCES.len());
    assert_eq!(profiles()[0].name, DEFAULT_PROFILE);
}

// D2: the ten default queries, in order, with transports and ports.
#[test]
fn d2_default_profile_has_the_ten_queries() {
    let q = profile(DEFAULT_PROFILE).unwrap().queries("contoso.com");
    let got: Vec<(String, RowKind, Transport, Option<u16>)> = q
        .iter()
        .map(|q| (q.name.clone(), q.kind, q.transport, q.port))
        .collect();
    use RowKind::*;
    use Transport::*;
    let want = [
        ("_sipinternaltls._tcp.contoso.com", Srv, Tls, None),
        ("_sipinternal._tcp.contoso.com", Srv, Tcp, None),
        ("_sip._tls.contoso.com", Srv, Tls, None),
        ("_sip._tcp.contoso.com", Srv, Tcp, None),
        ("sipinternal.contoso.com", A, Tls, Some(443)),
        ("sipinternal.contoso.com", A, Tcp, Some(5060)),
        ("sip.contoso.com", A, Tls, Some(443)),
        ("sip.contoso.com", A, Tcp, Some(5060)),
        ("sipexternal.contoso.com", A, Tls, Some(443)),
        ("sipexternal.contoso.com", A, Tcp, Some(5060)),
    ];
    assert_eq!(got.len(), 10);
    for (g, w) in got.iter().zip(want) {
        assert_eq!((g.0.as_str(), g.1, g.2, g.3), w);
    }
    assert_eq!(q[0].index, 1);
    assert_eq!(q[9].index, 10);
}

// D3: the field-observed R2 order tries sip before sipinternal and never sipexternal.
#[test]
fn d3_r2_field_order() {
    let q = profile("ocs2007r2-field").unwrap().queries("d.test");
    let a: Vec<&str> = q
        .iter()
        .filter(|q| q.kind == RowKind::A)
        .map(|q| q.name.as_str())
        .collect();
    assert_eq!(
        a,
        [
            "sip.d.test",
            "sip.d.test",
            "sipinternal.d.test",
            "sipinternal.d.test"
        ]
    );
    let r2 = profile("ocs2007r2").unwrap().queries("d.test");
    assert!(!r2.iter().any(|q| q.name == "_sip._tcp.d.test"));
}

#[test]
fn unknown_profile_lists_known_ones() {
    let err = profile("ocs2099").unwrap_err().to_string();
    assert!(
        err.contains("ocs2099") && err.contains("ocs2007r2-field"),
        "{err}"
    );
    assert_eq!(profile("OCS2007").unwrap().name, "ocs2007");
}

#[test]
fn broken_profiles_are_refused() {
    let head = "name='x'\ntitle='x'\ndescription='x'\nwildcards='warn'\n";
    let bad = format!("{head}ranking=['a']\n[[row]]\nkind='a'\nname='sip'\ntransport='tls'\n");
    assert!(
        Profile::parse("x", &bad)
            .unwrap_err()
            .to_string()
            .contains("port"),
        "an A row needs its port"
    );
    let srv_port = format!(
        "{head}ranking=['srv-tls']\n[[row]]\nkind='srv'\nname='_sip._tls'\ntransport='tls'\nport=5061\n"
    );
    assert!(
        Profile::parse("x", &srv_port).is_err(),
        "an SRV row takes its port from the answer"
    );
    let unranked =
        format!("{head}ranking=['a']\n[[row]]\nkind='srv'\nname='_sip._tls'\ntransport='tls'\n");
    assert!(
        Profile::parse("x", &unranked)
            .unwrap_err()
            .to_string()
            .contains("ranking"),
        "D7: every row's class is ranked"
    );
    let unknown = "name='x'\ntitle='x'\ndescription='x'\nwildcards='warn'\nrows=1\n";
    assert!(Profile::parse("x", unknown).is_err());
}

// D3: Skype for Business asks both autodiscover names first, then SRV and A;
// mobile asks autodiscover only, HTTPS before HTTP, internal before external.
#[test]
fn d3_sfb_and_mobile_orders() {
    let sfb = profile("sfb").unwrap();
    let q = sfb.queries("d.test");
    assert_eq!(q[0].name, "lyncdiscoverinternal.d.test");
    assert_eq!(
        (q[0].kind, q[0].transport, q[0].port),
        (RowKind::Autodiscover, Transport::Https, Some(443))
    );
    assert_eq!(q[1].name, "lyncdiscover.d.test");
    assert_eq!(sfb.ranking[0], RowClass::Autodiscover);
    assert!(!sfb.tcp_by_default, "D3: TCP off by default for sfb");
    assert!(q.iter().any(|q| q.name == "_sipinternal._tcp.d.test"));
    let m = profile("mobile").unwrap();
    let got: Vec<(String, Transport, Option<u16>)> = m
        .queries("d.test")
        .into_iter()
        .map(|q| (q.name, q.transport, q.port))
        .collect();
    use Transport::*;
    let want = [
        ("lyncdiscoverinternal.d.test", Https, Some(443)),
        ("lyncdiscoverinternal.d.test", Http, Some(80)),
        ("lyncdiscover.d.test", Https, Some(443)),
        ("lyncdiscover.d.test", Http, Some(80)),
    ];
    assert_eq!(got.len(), 4);
    for (g, w) in got.iter().zip(want) {
        assert_eq!((g.0.as_str(), g.1, g.2), w);
    }
    assert_eq!(m.ranking, vec![RowClass::Autodiscover], "D13: no fallback");
    assert_eq!(DEFAULT_PROFILE, "ocs2007");
}

#[test]
fn web_transports_belong_to_autodiscover_rows() {
    let head = "name='x'\ntitle='x'\ndescription='x'\nwildcards='warn'\n";
    let bad = format!(
        "{head}ranking=['a']\n[[row]]\nkind='a'\nname='sip'\ntransport='https'\nport=443\n"
    );
    assert!(Profile::parse("x", &bad).is_err());
    let bad = format!(
        "{head}ranking=['autodiscover']\n[[row]]\nkind='autodiscover'\nname='lyncdiscover'\ntransport='tls'\nport=443\n"
    );
    assert!(Profile::parse("x", &bad).is_err());
    let good = format!(
        "{head}ranking=['autodiscover']\n[[row]]\nkind='autodiscover'\nname='lyncdiscover'\ntransport='https'\nport=443\n"
    );
    assert!(Profile::parse("x", &good).is_ok());
}

#[test]
fn next_profile_wraps() {
    assert_eq!(next_profile_name("ocs2007"), "ocs2007r2");
    let last = *profile_names().last().unwrap();
    assert_eq!(next_profile_name(last), "ocs2007");
}
