//! D13: the root document parser (real-shaped and hostile bodies) and what
//! each answer means (D8 `service-error`).

use proptest::prelude::*;

use super::*;

const ROOT_JSON: &str = include_str!("../../../tests/fixtures/autodiscover/root.json");
const REDIRECT_JSON: &str = include_str!("../../../tests/fixtures/autodiscover/redirect.json");
const ROOT_XML: &str = include_str!("../../../tests/fixtures/autodiscover/root.xml");
const REDIRECT_XML: &str = include_str!("../../../tests/fixtures/autodiscover/redirect.xml");
const PROXY_404: &str = include_str!("../../../tests/fixtures/autodiscover/proxy-404.html");

const JSON_CT: &str = "application/vnd.microsoft.rtc.autodiscover+json; v=1";
const XML_CT: &str = "application/vnd.microsoft.rtc.autodiscover+xml; v=1";

fn answer(code: u16, ct: &str, body: &str) -> HttpAnswer {
    HttpAnswer {
        status_code: code,
        content_type: Some(ct.into()),
        body: body.as_bytes().to_vec(),
        too_large: false,
    }
}

fn url() -> WebUrl {
    WebUrl::first(
        true,
        "lyncdiscoverinternal.contoso.com",
        443,
        "alice@contoso.com",
    )
}

// D13: JSON root — self, user, xframe links; tokens lowercased.
#[test]
fn d13_json_root_document_links() {
    let doc = parse_root(Some(JSON_CT), ROOT_JSON.as_bytes()).unwrap();
    let tokens: Vec<&str> = doc.links.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(tokens, ["self", "user", "xframe"]);
    assert!(
        doc.link("USER")
            .unwrap()
            .starts_with("https://webpool01.contoso.com/")
    );
}

// D13: XML root — Link token="User" compares case-insensitively.
#[test]
fn d13_xml_root_document_links() {
    let doc = parse_root(Some(XML_CT), ROOT_XML.as_bytes()).unwrap();
    let tokens: Vec<&str> = doc.links.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(tokens, ["domain", "user", "self", "oauth"]);
    assert!(doc.link("user").unwrap().contains("/root/user?"));
    // Without a content type the first byte decides.
    assert_eq!(parse_root(None, ROOT_XML.as_bytes()).unwrap(), doc);
}

// D13: redirects in both flavours.
#[test]
fn d13_redirect_documents() {
    for (ct, body, host) in [
        (JSON_CT, REDIRECT_JSON, "webdir1a.online.lync.com"),
        (XML_CT, REDIRECT_XML, "lyncdiscover.pool2.contoso.com"),
    ] {
        match read_answer(&url(), &answer(200, ct, body)) {
            Next::Redirect(next) => assert_eq!(next.host, host),
            other => panic!("{other:?}"),
        }
    }
    assert!(is_online_host("webdir1a.online.lync.com"));
    assert!(!is_online_host("online.lync.com.evil.test"));
}

#[test]
fn d13_root_with_user_link_is_a_document() {
    assert!(matches!(
        read_answer(&url(), &answer(200, JSON_CT, ROOT_JSON)),
        Next::Document(_)
    ));
    let no_user = r#"{"_links":{"self":{"href":"https://x.test/"}}}"#;
    let Next::Broken(r) = read_answer(&url(), &answer(200, JSON_CT, no_user)) else {
        panic!()
    };
    assert_eq!(r.code(), ReasonCode::NoUserLink);
}

// D8/D13: a proxy's HTML 404 and a 500 are service errors, named as such.
#[test]
fn d8_proxy_html_404_and_500_are_service_errors() {
    let Next::Broken(r) = read_answer(&url(), &answer(404, "text/html", PROXY_404)) else {
        panic!()
    };
    assert_eq!(r.code(), ReasonCode::HttpErrorStatus);
    assert!(r.to_string().contains("HTML page"), "{r}");
    let Next::Broken(r) = read_answer(&url(), &answer(500, "text/plain", "oops")) else {
        panic!()
    };
    assert!(r.to_string().contains("HTTP 500"), "{r}");
    // A 200 with an HTML page (a proxy's sign-in page) is no document either.
    let Next::Broken(r) = read_answer(&url(), &answer(200, "text/html", PROXY_404)) else {
        panic!()
    };
    assert_eq!(r.code(), ReasonCode::NotAutodiscover);
    assert_eq!(
        parse_root(Some("text/plain"), PROXY_404.as_bytes()),
        Err(DocProblem::Html)
    );
}

// Hostile bodies: wrong content type, deep nesting, huge, not a root.
#[test]
fn hostile_bodies_are_problems_not_panics() {
    assert!(matches!(
        parse_root(Some("image/png"), b"\x89PNG\r\n"),
        Err(DocProblem::WrongContentType(_))
    ));
    let deep_json = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert_eq!(
        parse_root(Some(JSON_CT), deep_json.as_bytes()),
        Err(DocProblem::TooDeep)
    );
    let deep_xml = format!(
        "<AutodiscoverResponse><Root>{}{}</Root></AutodiscoverResponse>",
        "<a>".repeat(10_000),
        "</a>".repeat(10_000)
    );
    assert_eq!(
        parse_root(Some(XML_CT), deep_xml.as_bytes()),
        Err(DocProblem::TooDeep)
    );
    let bomb = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><AutodiscoverResponse><Root><Link token="User" href="&lol;"/></Root></AutodiscoverResponse>"#;
    assert!(matches!(
        parse_root(Some(XML_CT), bomb.as_bytes()),
        Err(DocProblem::Unparsable(_))
    ));
    assert_eq!(
        parse_root(Some(JSON_CT), b"{\"links\":{}}"),
        Err(DocProblem::NotRoot)
    );
    assert_eq!(parse_root(Some(JSON_CT), b"  "), Err(DocProblem::Empty));
    assert!(matches!(
        parse_root(Some(JSON_CT), b"{\"_links\":"),
        Err(DocProblem::Unparsable(_))
    ));
    // Many links: the first 64 are kept.
    let many: Vec<String> = (0..1000)
        .map(|i| format!("\"l{i}\":{{\"href\":\"https://h{i}.test/\"}}"))
        .collect();
    let body = format!("{{\"_links\":{{{}}}}}", many.join(","));
    assert_eq!(parse_root(None, body.as_bytes()).unwrap().links.len(), 64);
    let mut big = answer(200, JSON_CT, ROOT_JSON);
    big.too_large = true;
    let Next::Broken(r) = read_answer(&url(), &big) else {
        panic!()
    };
    assert!(r.to_string().contains("64 KiB"), "{r}");
}

#[test]
fn urls_parse_and_print() {
    let u = WebUrl::parse("HTTPS://WebPool.Contoso.com./Autodiscover/x?a=1#frag").unwrap();
    assert_eq!(u.host, "webpool.contoso.com");
    assert_eq!((u.https, u.port), (true, 443));
    assert_eq!(
        u.to_string(),
        "https://webpool.contoso.com/Autodiscover/x?a=1"
    );
    let u = WebUrl::parse("http://h.test:8080").unwrap();
    assert_eq!((u.port, u.path_and_query.as_str()), (8080, "/"));
    for bad in [
        "ftp://h.test/",
        "/relative",
        "https://user@h.test/",
        "https://h.test:0/",
        "https://h.test:99999/",
        "https://[::1]/",
        "https:///x",
        "https://h\u{202e}.test/",
        "https://h.test/a b",
    ] {
        assert!(WebUrl::parse(bad).is_none(), "{bad}");
    }
    assert_eq!(
        url().to_string(),
        "https://lyncdiscoverinternal.contoso.com/?sipuri=alice@contoso.com"
    );
    let r = WebUrl::parse("https://p.test/root")
        .unwrap()
        .with_sipuri("a b@c");
    assert_eq!(r.path_and_query, "/root?sipuri=a%20b@c");
}

// D13: loops and long chains end the row as service-error.
#[test]
fn d13_redirect_loop_and_limit() {
    let a = WebUrl::parse("https://a.test/?sipuri=x").unwrap();
    let b = WebUrl::parse("https://b.test/?sipuri=x").unwrap();
    assert!(check_redirect(std::slice::from_ref(&a), &b).is_none());
    let j = check_redirect(&[a.clone(), b.clone()], &a).unwrap();
    assert_eq!(j.status, Status::ServiceError);
    assert_eq!(j.reason.code(), ReasonCode::RedirectLoop);
    let chain: Vec<WebUrl> = (0..=MAX_REDIRECTS)
        .map(|i| WebUrl::parse(&format!("https://h{i}.test/")).unwrap())
        .collect();
    let j = check_redirect(&chain, &b).unwrap();
    assert_eq!(j.reason.code(), ReasonCode::TooManyRedirects);
}

#[test]
fn d13_found_sentence_says_authentication_is_needed() {
    let online = WebUrl::parse("https://webdir1a.online.lync.com/x").unwrap();
    let j = document_found(&online, "webpoolxx.infra.lync.com", 2);
    assert_eq!(j.status, Status::Found);
    let s = j.reason.to_string();
    assert!(
        s.contains("homed online") && s.contains("after 1 redirect"),
        "{s}"
    );
    assert!(s.contains("authenticated request"), "{s}");
}

proptest! {
    // Anything from the network: the parser ends, never panics.
    #[test]
    fn parser_never_panics_on_bytes(body in proptest::collection::vec(any::<u8>(), 0..2048), ct in "\\PC{0,40}") {
        let _ = parse_root(Some(&ct), &body);
        let _ = parse_root(None, &body);
    }

    #[test]
    fn parser_never_panics_on_text(body in "\\PC*") {
        let _ = parse_root(Some(JSON_CT), body.as_bytes());
        let _ = parse_root(Some(XML_CT), body.as_bytes());
        let _ = WebUrl::parse(&body);
    }

    #[test]
    fn parsed_urls_print_and_parse_back(host in "[a-z][a-z0-9-]{0,20}(\\.[a-z][a-z0-9]{0,10}){1,3}", port in 1u16.., path in "(/[a-zA-Z0-9_.=?&-]{0,12}){0,4}") {
        let href = format!("https://{host}:{port}{path}");
        let u = WebUrl::parse(&href).unwrap();
        prop_assert_eq!(WebUrl::parse(&u.to_string()).unwrap(), u);
    }
}
