//! Unit tests of the scenario parser: built-ins parse, bad files say what is wrong.

use std::collections::HashSet;

use super::*;
use crate::model::Signin;

const MINIMAL: &str = r#"
name = "mini"
title = "Minimal"
lesson = "A minimal scenario."
sip_address = "sip:bob@mini.test"
rules = ["D2"]
records = [{ name = "_sipinternaltls._tcp", type = "SRV", data = "0 0 5061 pool" }]

[[hosts]]
name = "pool"
tls = [5061]

[expect.before]
rows = ["found", "missing", "missing", "missing", "missing", "missing", "missing", "missing", "missing", "missing"]
selected = 1
signin = "ok"
"#;

fn parse(text: &str) -> Result<Scenario, LabError> {
    Scenario::from_toml("test.toml", text)
}

fn error_of(text: &str) -> String {
    match parse(text) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn minimal_scenario_parses_with_defaults() {
    let s = parse(MINIMAL).unwrap();
    assert_eq!(s.name(), "mini");
    assert_eq!(s.domain(), "mini.test");
    let host = &s.hosts()[0];
    assert_eq!(host.name.to_ascii(), "pool.mini.test.");
    assert_eq!(host.cert.names, vec!["pool.mini.test".to_string()]);
    assert!(host.published);
    assert_eq!(s.records()[0].ttl, 300);
    assert!(s.fix().is_none());
    assert_eq!(s.expectations().0.selected, Some(1));
}

#[test]
fn builtin_scenarios_parse_and_are_consistent() {
    let all = builtin_scenarios().unwrap();
    assert_eq!(all.len(), 38);
    let names: HashSet<_> = all.iter().map(|s| s.name().to_string()).collect();
    let domains: HashSet<_> = all.iter().map(|s| s.domain()).collect();
    assert_eq!(names.len(), all.len(), "names are unique");
    assert_eq!(
        domains.len(),
        all.len(),
        "each scenario is its own SIP domain"
    );
    for s in &all {
        let (_, after) = s.expectations();
        for e in s.all_expectations().0 {
            let profile = crate::plan::profile(&e.profile).unwrap();
            assert_eq!(e.rows.len(), profile.rows.len(), "{}", s.name());
        }
        assert!(s.domain().ends_with(".test"), "{}", s.domain());
        assert!(!s.rules().is_empty(), "{}", s.name());
        match (s.fix_description(), after) {
            (Some(_), Some(a)) => assert_eq!(a.signin, Signin::Ok, "{}", s.name()),
            (None, None) => {}
            _ => panic!("{}: fix and after-expectation go together", s.name()),
        }
    }
    let demo = demo_scenarios().unwrap();
    assert_eq!(demo.len(), all.len() - 5, "all but the five hostile ones");
    assert!(demo.iter().all(|s| s.name() != "hostile"));
    assert!(
        demo.iter()
            .all(|s| !s.name().starts_with("autodiscover-hostile"))
    );
    assert!(scenario("expired").is_some());
    assert!(scenario("nope").is_none());
}

#[test]
fn toml_syntax_error_names_file_and_line() {
    let err = error_of("name = \"x\"\ntitle = \n");
    assert!(err.starts_with("scenario test.toml:"), "{err}");
    assert!(err.contains("line 2"), "{err}");
}

#[test]
fn unknown_field_is_rejected() {
    let err = error_of(&MINIMAL.replace("rules =", "colour = \"red\"\nrules ="));
    assert!(err.contains("unknown field `colour`"), "{err}");
}

#[test]
fn wrong_row_count_is_rejected() {
    let err = error_of(&MINIMAL.replace("\"found\", \"missing\",", "\"found\","));
    assert!(
        err.contains("rows lists 9 statuses, profile ocs2007 has 10"),
        "{err}"
    );
}

#[test]
fn unknown_status_is_rejected() {
    let err = error_of(&MINIMAL.replace("\"found\"", "\"broken\""));
    assert!(err.contains("unknown variant `broken`"), "{err}");
}

#[test]
fn verdict_must_follow_d7() {
    let err = error_of(&MINIMAL.replace("selected = 1", "selected = \"none\""));
    assert!(err.contains("contradicts D7"), "{err}");
    let err = error_of(&MINIMAL.replace("selected = 1", "selected = 11"));
    assert!(err.contains("not a row 1..=10"), "{err}");
}

// D13 addendum: a found selected row may fail only as homed-online, and
// the scenario must say so with its cause.
#[test]
fn homed_online_is_the_one_found_row_that_fails() {
    let fail = MINIMAL.replace("signin = \"ok\"", "signin = \"fail\"");
    assert!(error_of(&fail).contains("contradicts D7"));
    let other = format!("{fail}cause = \"unreachable\"\n");
    assert!(error_of(&other).contains("contradicts D7"));
    let online = format!("{fail}cause = \"homed-online\"\n");
    let s = parse(&online).expect("homed-online with a found row");
    let (before, _) = s.expectations();
    assert_eq!(before.cause, Some(crate::model::Cause::HomedOnline));
}

#[test]
fn bad_record_data_names_the_record() {
    let err = error_of(&MINIMAL.replace("0 0 5061 pool", "0 5061 pool"));
    assert!(
        err.contains("records[0] `_sipinternaltls._tcp` SRV"),
        "{err}"
    );
    assert!(err.contains("priority weight port target"), "{err}");
}

#[test]
fn names_outside_the_zones_are_rejected() {
    let err = error_of(&MINIMAL.replace("name = \"pool\"", "name = \"pool.elsewhere.test.\""));
    assert!(
        err.contains("host `pool.elsewhere.test.` is in none"),
        "{err}"
    );
}

#[test]
fn fix_needs_after_and_known_hosts() {
    let with_fix =
        format!("{MINIMAL}\n[fix]\ndescription = \"Do it.\"\npublish_hosts = [\"pool\"]\n");
    let err = error_of(&with_fix);
    assert!(err.contains("needs [expect.after]"), "{err}");
    let bad_host = with_fix.replace("publish_hosts = [\"pool\"]", "publish_hosts = [\"ghost\"]");
    let err = error_of(&bad_host);
    assert!(err.contains("`ghost` is not a declared host"), "{err}");
}

#[test]
fn a_port_cannot_have_two_listeners() {
    let err = error_of(&MINIMAL.replace("tls = [5061]", "tls = [5061]\ntcp = [5061]"));
    assert!(err.contains("port 5061 has two listeners"), "{err}");
}

#[test]
fn d11_d12_view_keys_parse_and_name_the_vantages() {
    let s = parse(MINIMAL).unwrap();
    assert!(s.vantages().is_empty() && !s.authoritative() && !s.wants_secondary());
    let caching = MINIMAL.replace(
        "rules = [\"D2\"]",
        "rules = [\"D2\"]\nresolver = \"caching\"\nauthoritative = true",
    );
    let s = parse(&caching).unwrap();
    assert_eq!(s.client_resolver(), LabResolver::Caching);
    assert_eq!(
        s.vantages(),
        vec![("resolver".to_string(), LabResolver::Caching)]
    );
    assert!(s.authoritative());
    let outside = format!(
        "{MINIMAL}\n[outside]\nremove_records = [{{ name = \"_sipinternaltls._tcp\", type = \"SRV\" }}]\n"
    );
    let s = parse(&outside).unwrap();
    assert_eq!(s.outside().unwrap().remove_records.len(), 1);
    assert_eq!(
        s.vantages()[1],
        ("outside".to_string(), LabResolver::Outside)
    );
}

#[test]
fn d11_d12_view_keys_are_checked() {
    let err = error_of(&format!("{MINIMAL}\n[outside]\n"));
    assert!(err.contains("[outside] changes nothing"), "{err}");
    let err = error_of(&format!(
        "{MINIMAL}\n[outside]\nremove_records = [{{ name = \"x.elsewhere.test.\", type = \"A\" }}]\n"
    ));
    assert!(
        err.contains("outside.remove_records `x.elsewhere.test.`"),
        "{err}"
    );
    let err = error_of(&MINIMAL.replace(
        "rules = [\"D2\"]",
        "rules = [\"D2\"]\nresolver = \"secondary\"",
    ));
    assert!(err.contains("needs secondary = true"), "{err}");
    let err = error_of(&MINIMAL.replace(
        "rules = [\"D2\"]",
        "rules = [\"D2\"]\nresolver = \"outside\"",
    ));
    assert!(
        err.contains("the outside view is a vantage of its own"),
        "{err}"
    );
    let err =
        error_of(&MINIMAL.replace("rules = [\"D2\"]", "rules = [\"D2\"]\nresolver = \"cache\""));
    assert!(err.contains("unknown variant `cache`"), "{err}");
}
