//! D17: the REGISTER answer parser and its judgement.

use super::parse::{self, MAX_HEADERS};
use super::*;
use std::net::SocketAddr;

/// [MS-SIPAE] §4.1, the server's challenge in the NTLM example (plus a
/// TLS-DSK challenge as Lync 2010 and later add it, §3.3.5.1).
const FRONT_END: &str = "SIP/2.0 401 Unauthorized\r\n\
Date: Thu, 31 Jan 2008 00:01:56 GMT\r\n\
WWW-Authenticate: NTLM realm=\"SIP Communications Service\", targetname=\"server.contoso.com\", version=3\r\n\
WWW-Authenticate: Kerberos realm=\"SIP Communications Service\", targetname=\"sip/server.contoso.com\", version=3\r\n\
WWW-Authenticate: TLS-DSK realm=\"SIP Communications Service\", targetname=\"server.contoso.com\", version=4, sts-uri=\"https://server.contoso.com:443/CertProv/CertProvisioningService.svc\"\r\n\
f: <sip:alice@contoso.com>;tag=4a2b44d131\r\n\
i: d5f2b95d5be64c2cbfb38aa5d3a87ae7\r\n\
Server: RTC/6.0\r\n\
l: 0\r\n\r\n";

fn evidence(bytes: &[u8], end: SipEnd) -> SipEvidence {
    SipEvidence {
        head: parse::parse(bytes, true),
        end,
        bytes: bytes.len(),
        elapsed_ms: 2,
    }
}

fn addr() -> SocketAddr {
    "127.0.0.1:5061".parse().unwrap()
}

// D17: a Microsoft front end's 401 is read in full, challenges in order.
#[test]
fn d17_front_end_challenge_is_read() {
    let head = parse::parse(FRONT_END.as_bytes(), false).expect("a whole head");
    assert_eq!(
        head.start,
        StartLine::Sip {
            code: 401,
            reason: "Unauthorized".into()
        }
    );
    assert_eq!(
        head.first("call-id"),
        Some("d5f2b95d5be64c2cbfb38aa5d3a87ae7")
    );
    assert_eq!(head.first("CONTENT-LENGTH"), Some("0"));
    let a = SipAnswer::from_evidence(&evidence(FRONT_END.as_bytes(), SipEnd::Read));
    assert!(a.microsoft);
    assert_eq!(a.server.as_deref(), Some("RTC/6.0"));
    assert_eq!(a.schemes(), "NTLM, Kerberos, TLS-DSK");
    assert_eq!(
        a.auth[1].targetname.as_deref(),
        Some("sip/server.contoso.com")
    );
    assert_eq!(a.auth[0].version, Some(3));
    assert_eq!(
        a.auth[2].sts_uri.as_deref(),
        Some("https://server.contoso.com:443/CertProv/CertProvisioningService.svc")
    );
    assert_eq!(a.targetname(), Some("server.contoso.com"));
    assert_eq!(a.brief(), "401 RTC/6.0");
    let json = serde_json::to_value(&a).unwrap();
    assert_eq!(json["status_code"], 401);
    assert_eq!(json["auth"][0]["realm"], "SIP Communications Service");
    assert_eq!(json["auth"][0]["sts_uri"], serde_json::Value::Null);
    assert_eq!(json["diagnostics"], serde_json::Value::Null);
}

// D17: each outcome with its status: table of (bytes, how the read ended, found?, reason).
#[test]
fn d17_judgement_table() {
    let digest = "SIP/2.0 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"asterisk\", nonce=\"1\"\r\nServer: Asterisk PBX 18\r\n\r\n";
    let http = "HTTP/1.1 400 Bad Request\r\nServer: nginx\r\nContent-Type: text/html\r\n\r\n<html>";
    let cases: [(&str, SipEnd, bool, &str); 8] = [
        (FRONT_END, SipEnd::Read, true, "Microsoft registrar"),
        (digest, SipEnd::Read, true, "not a Microsoft registrar"),
        (http, SipEnd::Read, false, "answers HTTP (nginx)"),
        (
            "SSH-2.0-OpenSSH_9.6\r\n",
            SipEnd::Read,
            false,
            "not SIP: \"SSH-2.0",
        ),
        ("", SipEnd::TimedOut, false, "did not answer"),
        ("", SipEnd::Closed, false, "closed the connection"),
        ("SIP/2.0 40", SipEnd::TimedOut, false, "only 10 bytes"),
        (
            "SIP/2.0 401 Unauth",
            SipEnd::TimedOut,
            false,
            "only 18 bytes",
        ),
    ];
    for (bytes, end, found, words) in cases {
        let e = evidence(bytes.as_bytes(), end);
        let j = judge(&e, addr(), 3000, "TLS fine".into());
        assert_eq!(j.is_ok(), found, "{bytes:?}");
        let sentence = match j {
            Ok(p) | Err(p) => p.to_string(),
        };
        assert!(sentence.contains(words), "{bytes:?}: {sentence}");
    }
}

#[test]
fn d17_http_answer_is_named() {
    let a = SipAnswer::from_evidence(&evidence(
        b"HTTP/1.1 400 Bad Request\r\nserver: nginx/1.24\r\n\r\n",
        SipEnd::Read,
    ));
    assert_eq!(a.outcome, SipOutcome::NotSip);
    assert_eq!(a.instead(), "HTTP (nginx/1.24)");
    assert_eq!(a.start_line.as_deref(), Some("HTTP/1.1 400 Bad Request"));
    assert!(!a.microsoft);
}

// A realm other than Microsoft's does not make NTLM a Microsoft registrar.
#[test]
fn d17_microsoft_needs_the_realm() {
    let other = "SIP/2.0 401 Unauthorized\r\nWWW-Authenticate: NTLM realm=\"elsewhere\"\r\n\r\n";
    let a = SipAnswer::from_evidence(&evidence(other.as_bytes(), SipEnd::Read));
    assert!(!a.microsoft);
    assert!(a.non_microsoft_registrar());
    let proxy = "SIP/2.0 407 Proxy Authentication Required\r\nproxy-authenticate: kerberos realm=\"SIP Communications Service\", targetname=\"sip/edge.contoso.com\"\r\n\r\n";
    let a = SipAnswer::from_evidence(&evidence(proxy.as_bytes(), SipEnd::Read));
    assert!(a.microsoft);
    assert_eq!(a.targetname(), Some("sip/edge.contoso.com"));
}

#[test]
fn incomplete_heads_wait_and_garbage_does_not() {
    assert_eq!(parse::parse(b"SIP/2.0 401 Unauth", false), None);
    assert_eq!(
        parse::parse(b"HTTP/1.1 200 OK\r\nServer: x\r\n", false),
        None
    );
    assert_eq!(parse::parse(b"", true), None);
    let garbage = parse::parse(b"\x16\x03\x01", false).expect("not SIP at once");
    assert!(matches!(garbage.start, StartLine::Other { .. }));
    let bare_lf = parse::parse(b"SIP/2.0 200 OK\nv: SIP/2.0/TLS x\n t;branch=1\n\n", false)
        .expect("LF-only lines are read too");
    assert_eq!(bare_lf.first("Via"), Some("SIP/2.0/TLS x t;branch=1"));
}

#[test]
fn header_count_is_bounded() {
    let mut s = String::from("SIP/2.0 401 Unauthorized\r\n");
    for i in 0..(MAX_HEADERS + 50) {
        s.push_str(&format!("WWW-Authenticate: NTLM realm=\"r{i}\"\r\n"));
    }
    s.push_str("\r\n");
    let head = parse::parse(s.as_bytes(), false).unwrap();
    assert_eq!(head.headers.len(), MAX_HEADERS);
    assert_eq!(head.dropped, 50);
    let a = SipAnswer::from_evidence(&evidence(s.as_bytes(), SipEnd::Read));
    assert_eq!(a.auth.len(), MAX_CHALLENGES);
}

#[test]
fn challenge_params_with_commas_and_case() {
    let c = parse::challenge(
        "TLS-DSK Realm=\"a, b\", TARGETNAME=x.y ,version=4,sts-uri=\"https://h/p\"",
    );
    assert_eq!(c.scheme, "TLS-DSK");
    assert_eq!(c.realm.as_deref(), Some("a, b"));
    assert_eq!(c.targetname.as_deref(), Some("x.y"));
    assert_eq!(c.version, Some(4));
    assert_eq!(c.sts_uri.as_deref(), Some("https://h/p"));
    assert_eq!(parse::challenge("").scheme, "");
}

proptest::proptest! {
    // Anything a server sends: the parser never panics, and never keeps
    // more headers than the bound.
    #[test]
    fn never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..2048), ended: bool) {
        if let Some(h) = parse::parse(&bytes, ended) {
            proptest::prop_assert!(h.headers.len() <= MAX_HEADERS);
            let e = SipEvidence { head: Some(h), end: SipEnd::Read, bytes: bytes.len(), elapsed_ms: 0 };
            let _ = judge(&e, addr(), 1, String::new());
        }
    }

    #[test]
    fn challenges_never_panic(s in "\\PC*") {
        let _ = parse::challenge(&s);
    }

    // parse → render → parse gives the same head.
    #[test]
    fn round_trips(
        code in 100u16..700,
        reason in "[A-Za-z][A-Za-z ]{0,20}[A-Za-z]",
        headers in proptest::collection::vec(("[A-Za-z][A-Za-z-]{1,12}", "[!-~]([ -~]{0,30}[!-~])?"), 0..20),
    ) {
        let head = Head {
            start: StartLine::Sip { code, reason },
            headers: headers.into_iter().map(|(n, v)| (parse::canonical_name(&n), v)).collect(),
            truncated: false,
            dropped: 0,
            complete_line: true,
        };
        let wire = head.render();
        let back = parse::parse(wire.as_bytes(), false);
        proptest::prop_assert_eq!(back.as_ref(), Some(&head));
        proptest::prop_assert_eq!(back.map(|b| b.render()), Some(wire));
    }
}
