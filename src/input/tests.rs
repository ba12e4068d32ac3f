use super::*;

// D1: every accepted form, table-driven.
#[test]
fn d1_accepts_and_normalises() {
    let cases = [
        ("sip:alice@contoso.com", Some("alice"), "contoso.com"),
        ("SIP:alice@Contoso.COM", Some("alice"), "contoso.com"),
        ("sips:bob@contoso.com", Some("bob"), "contoso.com"),
        ("  alice@contoso.com  ", Some("alice"), "contoso.com"),
        ("contoso.com", None, "contoso.com"),
        ("contoso.com.", None, "contoso.com"),
        ("alice@bücher.test", Some("alice"), "xn--bcher-kva.test"),
        ("BÜCHER.test", None, "xn--bcher-kva.test"),
        ("localhost", None, "localhost"),
    ];
    for (input, user, domain) in cases {
        let t = parse_target(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(t.domain, domain, "{input}");
        assert_eq!(t.user.as_deref(), user, "{input}");
    }
}

// D1: every refused form names the problem.
#[test]
fn d1_refuses_with_reason() {
    let long_label = format!("{}.com", "a".repeat(64));
    let long_name = format!("{}.com", ["abcdefghij"; 25].join("."));
    let cases: [(&str, &str); 10] = [
        ("", "empty"),
        ("   ", "empty"),
        ("a@b@contoso.com", "more than one '@'"),
        ("alice@", "no domain"),
        ("@contoso.com", "empty user"),
        ("contoso..com", "is empty"),
        (".contoso.com", "is empty"),
        ("-bad.com", "starts or ends with '-'"),
        (&long_label, "longer than 63"),
        (&long_name, "at most 253"),
    ];
    for (input, needle) in cases {
        let err = parse_target(input).expect_err(input).to_string();
        assert!(err.contains(needle), "{input:?}: {err}");
    }
    let err = parse_target("contoso.com..").unwrap_err().to_string();
    assert!(err.contains("empty"), "{err}");
    let err = parse_target("con toso.com").unwrap_err().to_string();
    assert!(err.contains("not"), "{err}");
}

#[test]
fn display_and_address() {
    let t = parse_target("sip:alice@contoso.com").unwrap();
    assert_eq!(t.to_string(), "sip:alice@contoso.com");
    assert_eq!(
        parse_target("contoso.com").unwrap().address(),
        "contoso.com"
    );
}

// D1: a non-ASCII first character used to be cut inside its bytes while
// looking for the scheme (panic); IDN users and domains both work.
#[test]
fn d1_non_ascii_addresses_do_not_panic() {
    let t = parse_target("sip:jürgen@bücher.test").unwrap();
    assert_eq!(t.user.as_deref(), Some("jürgen"));
    assert_eq!(t.domain, "xn--bcher-kva.test");
    assert_eq!(t.to_string(), "sip:jürgen@xn--bcher-kva.test");
    let t = parse_target("élise@contoso.com").unwrap();
    assert_eq!(t.user.as_deref(), Some("élise"));
    for input in ["é", "sé", "siü", "sipü", "sips\u{e9}", "ü:x@y", "€", "𝄞x"] {
        let _ = parse_target(input);
    }
    let t = parse_target("SIPS:ölaf@Bücher.TEST.").unwrap();
    assert_eq!(t.domain, "xn--bcher-kva.test");
}

// D1: what is echoed back is escaped and cut, so a message stays one
// line and cannot carry a terminal escape sequence.
#[test]
fn d1_errors_escape_and_cut_the_echoed_input() {
    let err = parse_target("a@b@\u{1b}[2J\nevil").unwrap_err().to_string();
    assert!(err.contains("\\u{1b}[2J\\nevil"), "{err}");
    assert!(!err.chars().any(char::is_control), "{err:?}");
    let long = format!("a@b@{}", "x".repeat(100_000));
    let err = parse_target(&long).unwrap_err().to_string();
    assert!(err.len() < 400, "{} bytes", err.len());
}

fn one_clean_line(e: &InputError) -> Result<(), proptest::test_runner::TestCaseError> {
    let msg = e.to_string();
    proptest::prop_assert!(!msg.is_empty());
    proptest::prop_assert!(!msg.chars().any(crate::text::is_unsafe), "{:?}", msg);
    proptest::prop_assert!(msg.chars().count() < 600, "{} chars", msg.chars().count());
    Ok(())
}

proptest::proptest! {
    // D1 over printable Unicode: no panic; an error is one clean line;
    // an accepted domain is lowercase ASCII within the host-name limits.
    #[test]
    fn d1_parse_target_printable(raw in "\\PC*") {
        match parse_target(&raw) {
            Ok(t) => {
                proptest::prop_assert!(t.domain.is_ascii() && t.domain.len() <= 253);
                proptest::prop_assert_eq!(t.domain.to_ascii_lowercase(), t.domain.clone());
            }
            Err(e) => one_clean_line(&e)?,
        }
    }

    // D1 over any characters, control characters included, in the
    // shapes people type: optional scheme, user, '@', domain.
    #[test]
    fn d1_parse_target_any_chars(
        scheme in proptest::prop_oneof!["", "sip:", "SIPS:", "si", "é"],
        user in proptest::collection::vec(proptest::prelude::any::<char>(), 0..12),
        at in proptest::prop_oneof!["", "@", "@@"],
        domain in proptest::collection::vec(proptest::prelude::any::<char>(), 0..24),
    ) {
        let raw = format!(
            "{scheme}{}{at}{}",
            user.iter().collect::<String>(),
            domain.iter().collect::<String>()
        );
        if let Err(e) = parse_target(&raw) {
            one_clean_line(&e)?;
        }
    }

    #[test]
    fn d1_parse_target_arbitrary_string(raw in proptest::prelude::any::<String>()) {
        if let Err(e) = parse_target(&raw) {
            one_clean_line(&e)?;
        }
    }
}

// D1 (issue 20): addresses as Outlook and SIP traces show them.
#[test]
fn d1_accepts_pasted_forms() {
    let cases = [
        ("<sip:alice@contoso.com>", Some("alice"), "contoso.com"),
        (
            "Alice Smith <sip:alice@Contoso.com>",
            Some("alice"),
            "contoso.com",
        ),
        (
            "\"Smith, Alice\" <SIPS:alice@contoso.com>",
            Some("alice"),
            "contoso.com",
        ),
        ("<sip:alice@contoso.com", Some("alice"), "contoso.com"),
        (
            "sip:alice@contoso.com;transport=tls",
            Some("alice"),
            "contoso.com",
        ),
        (
            "<sip:alice@contoso.com;transport=tls;lr>",
            Some("alice"),
            "contoso.com",
        ),
        (
            "sip:alice@contoso.com?subject=hi",
            Some("alice"),
            "contoso.com",
        ),
        ("contoso.com;transport=tcp", None, "contoso.com"),
    ];
    for (input, user, domain) in cases {
        let t = parse_target(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(t.domain, domain, "{input}");
        assert_eq!(t.user.as_deref(), user, "{input}");
        assert_eq!(t.input, input, "{input}: the input is kept as typed");
    }
}

// D1 (issue 20): a URL or an IP literal is refused with what to type instead.
#[test]
fn d1_refuses_urls_and_ip_literals() {
    let err =
        parse_target("https://lyncdiscover.contoso.com/autodiscover/autodiscoverservice.svc/root")
            .unwrap_err();
    assert!(matches!(err, InputError::Url(..)), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("web address"), "{msg}");
    assert!(msg.contains("(contoso.com here)"), "{msg}");
    let msg = parse_target("http://intranet.example/x")
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("alice@contoso.com") && !msg.contains("here)"),
        "{msg}"
    );
    for input in [
        "alice@10.0.0.1",
        "10.0.0.1",
        "sip:alice@10.0.0.1;transport=tls",
        "alice@10.0.0.1:5061",
        "[::1]",
        "alice@[::1]",
        "::1",
        "<sip:bob@192.0.2.7>",
    ] {
        let err = parse_target(input).expect_err(input);
        assert!(matches!(err, InputError::IpLiteral(_)), "{input}: {err:?}");
        assert!(
            err.to_string().contains("type the domain"),
            "{input}: {err}"
        );
    }
    // A name that merely starts with digits is a domain.
    assert_eq!(
        parse_target("10.contoso.com").unwrap().domain,
        "10.contoso.com"
    );
}

proptest::proptest! {
    // D1 (issue 20): every accepted form of the same address round-trips
    // to the same domain and user.
    #[test]
    fn d1_pasted_forms_round_trip(
        user in "[a-z][a-z0-9._-]{0,10}",
        labels in proptest::collection::vec("[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?", 1..4),
        tld in "[a-z]{2,6}",
        params in proptest::sample::select(vec!["", ";transport=tls", ";transport=tcp;lr", "?subject=x"]),
        name in proptest::sample::select(vec!["", "Alice ", "\"Smith, A\" "]),
        upper in proptest::prelude::any::<bool>(),
    ) {
        let domain = format!("{}.{tld}", labels.join("."));
        let typed = if upper { domain.to_ascii_uppercase() } else { domain.clone() };
        let plain = parse_target(&format!("{user}@{domain}")).unwrap();
        for form in [
            format!("sip:{user}@{typed}"),
            format!("sip:{user}@{typed}{params}"),
            format!("{name}<sip:{user}@{typed}{params}>"),
            format!("<sips:{user}@{typed}>"),
        ] {
            let t = parse_target(&form).map_err(|e| {
                proptest::test_runner::TestCaseError::fail(format!("{form}: {e}"))
            })?;
            proptest::prop_assert_eq!(&t.domain, &plain.domain, "{}", form);
            proptest::prop_assert_eq!(&t.user, &plain.user, "{}", form);
        }
    }

    // D1: bracketed, parameterised or URL-shaped noise never panics, and an
    // error stays one clean line.
    #[test]
    fn d1_pasted_noise_never_panics(
        pre in proptest::sample::select(vec!["", "<", "http://", "https://", "x <", "sip:"]),
        body in "\\PC{0,30}",
        post in proptest::sample::select(vec!["", ">", ";transport=tls", "?a=b", "/x"]),
    ) {
        if let Err(e) = parse_target(&format!("{pre}{body}{post}")) {
            one_clean_line(&e)?;
        }
    }
}
