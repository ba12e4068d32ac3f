//! D13/D7 selection for the autodiscover generations, and the every-generation
//! summary over one union sweep.

use super::*;
use crate::model::TargetResult;
use crate::plan::{profile, profiles};

const D: &str = "contoso.com";

type Case<'a> = (
    &'a str,
    &'a [(&'a str, Transport, Status)],
    Option<usize>,
    Signin,
    &'a str,
);

/// The rows of `name` with statuses given per (row name prefix, transport); others missing.
fn rows_of(name: &str, set: &[(&str, Transport, Status)]) -> Vec<RecordResult> {
    profile(name)
        .unwrap()
        .queries(D)
        .iter()
        .map(|q| {
            let mut r = RecordResult::pending(q);
            r.status = set
                .iter()
                .find(|(n, t, _)| q.name == format!("{n}.{D}") && q.transport == *t)
                .map_or(Status::Missing, |(_, _, s)| *s);
            if r.status.resolved() {
                let mut t = TargetResult::new(&q.name, q.port.unwrap_or(5061));
                t.status = r.status;
                t.addresses = vec!["192.0.2.1".into()];
                r.targets.push(t);
                r.used_target = Some(0);
            }
            r
        })
        .collect()
}

fn pick(name: &str, set: &[(&str, Transport, Status)]) -> (Option<usize>, Signin) {
    let p = profile(name).unwrap();
    let rows = rows_of(name, set);
    let s = select(&rows, &p.ranking);
    (s, verdict(&rows, s, D, &p.ranking).signin)
}

// D13, table-driven: which row the sfb and mobile clients use.
#[test]
fn d13_autodiscover_selection() {
    use Status::*;
    use Transport::*;
    let cases: &[Case] = &[
        (
            "sfb",
            &[
                ("lyncdiscoverinternal", Https, Found),
                ("_sipinternaltls._tcp", Tls, Found),
            ],
            Some(1),
            Signin::Ok,
            "autodiscover first",
        ),
        (
            "sfb",
            &[
                ("lyncdiscoverinternal", Https, CertMismatch),
                ("_sipinternaltls._tcp", Tls, Found),
            ],
            Some(1),
            Signin::Fail,
            "D13: a broken autodiscover row is used, no fallback",
        ),
        (
            "sfb",
            &[
                ("lyncdiscover", Https, ServiceError),
                ("_sipinternaltls._tcp", Tls, Found),
            ],
            Some(2),
            Signin::Fail,
            "D13: a proxy 404 is used, no fallback",
        ),
        (
            "sfb",
            &[
                ("lyncdiscoverinternal", Https, Unreachable),
                ("_sipinternaltls._tcp", Tls, Found),
            ],
            Some(3),
            Signin::Ok,
            "D13: resolves but does not answer: fall back",
        ),
        (
            "sfb",
            &[("_sipinternaltls._tcp", Tls, Found)],
            Some(3),
            Signin::Ok,
            "D13: not published: SRV decides",
        ),
        (
            "sfb",
            &[("sip", Tls, Found)],
            Some(7),
            Signin::Ok,
            "D7: then the A rows",
        ),
        (
            "mobile",
            &[("_sipinternaltls._tcp", Tls, Found)],
            None,
            Signin::Fail,
            "D13: mobile never falls back",
        ),
        (
            "mobile",
            &[
                ("lyncdiscoverinternal", Https, Unreachable),
                ("lyncdiscoverinternal", Http, Found),
            ],
            Some(2),
            Signin::Ok,
            "HTTP after HTTPS",
        ),
        (
            "mobile",
            &[("lyncdiscover", Https, Found)],
            Some(3),
            Signin::Ok,
            "external name",
        ),
        (
            "mobile",
            &[
                ("lyncdiscoverinternal", Https, Unreachable),
                ("lyncdiscoverinternal", Http, Unreachable),
            ],
            None,
            Signin::Fail,
            "resolves, nothing answers",
        ),
    ];
    for (p, set, want, signin, why) in cases {
        assert_eq!(pick(p, set), (*want, *signin), "{p}: {why}");
    }
}

#[test]
fn d13_verdicts_name_the_fix() {
    use Status::*;
    let p = profile("sfb").unwrap();
    let rows = rows_of(
        "sfb",
        &[
            ("lyncdiscover", Transport::Https, ServiceError),
            ("_sipinternaltls._tcp", Transport::Tls, Found),
        ],
    );
    let v = verdict(&rows, select(&rows, &p.ranking), D, &p.ranking);
    assert!(
        v.summary.contains("does not fall back") && v.summary.contains("lyncdiscover.contoso.com"),
        "{}",
        v.summary
    );
    let m = profile("mobile").unwrap();
    let rows = rows_of("mobile", &[]);
    let v = verdict(&rows, select(&rows, &m.ranking), D, &m.ranking);
    assert!(
        v.summary.contains("never falls back")
            && v.summary.contains("lyncdiscoverinternal.contoso.com"),
        "{}",
        v.summary
    );
}

// Issue 10 item 4: one union sweep, one verdict per built-in profile, in order.
#[test]
fn every_generation_from_one_union_sweep() {
    use Status::*;
    // A mixed estate: no SRV, sipinternal with a wrong certificate, autodiscover healthy.
    let all = profiles();
    let mut union: Vec<RecordResult> = Vec::new();
    for p in &all {
        for r in rows_of(
            &p.name,
            &[
                ("sipinternal", Transport::Tls, CertMismatch),
                ("lyncdiscoverinternal", Transport::Https, Found),
            ],
        ) {
            if !union.iter().any(|u| {
                u.kind == r.kind
                    && u.name == r.name
                    && u.transport == r.transport
                    && u.port == r.port
            }) {
                union.push(r);
            }
        }
    }
    let clients = summarise(&all, D, &union);
    let names: Vec<&str> = clients.iter().map(|c| c.profile.as_str()).collect();
    assert_eq!(names, crate::plan::profile_names());
    let by = |n: &str| clients.iter().find(|c| c.profile == n).unwrap();
    assert_eq!(by("ocs2007").signin, Signin::Fail);
    assert_eq!(by("ocs2007").selected.as_ref().unwrap().index, 5);
    assert_eq!(by("sfb").signin, Signin::Ok);
    assert_eq!(
        by("sfb").selected.as_ref().unwrap().name,
        "lyncdiscoverinternal.contoso.com"
    );
    assert_eq!(by("mobile").signin, Signin::Ok);
    assert_eq!(
        short_line(by("ocs2007"), D),
        "Office Communicator 2007: row 5 sipinternal TLS ✗"
    );
    assert_eq!(
        short_line(by("sfb"), D),
        "Skype for Business: row 1 lyncdiscoverinternal HTTPS ✓"
    );
    let json = serde_json::to_value(by("sfb")).unwrap();
    assert_eq!(json["selected"]["transport"], "https");
    assert_eq!(json["signin"], "ok");
}
