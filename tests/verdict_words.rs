//! Issue 20: the words of the verdict, through the in-process lab (real DNS,
//! TLS and HTTP servers on loopback). Every scenario × every profile renders
//! its verdict and every generation's summary without a punctuation fault;
//! `skipped` rows (D8) are never named; hybrid (D13 addendum) names Teams;
//! a failing web services host keeps the autodiscover row selected (D13
//! addendum); legacy TLS under a modern profile leads with the risk (D15).

use futures::future::join_all;
use sipscope::lab::{Lab, LabOptions, Scenario, builtin_scenarios};
use sipscope::model::sentence::punctuation_fault;
use sipscope::model::{Cause, ReasonCode, Signin, Status, SweepReport};
use sipscope::plan::{self, Transport};
use sipscope::sweep::Sweep;
use support::lab::lab_with;

mod support;

async fn sweep_with(lab: &Lab, address: &str, profile: &str, tcp: Option<bool>) -> SweepReport {
    let mut settings = lab.sweep_settings(address).expect("lab settings");
    settings.options.profile = plan::profile(profile).expect("profile");
    // As `check --profile` does: the profile says whether TCP rows are asked (D3).
    settings.options.allow_tcp = tcp.unwrap_or(settings.options.profile.tcp_by_default);
    Sweep::prepare(settings).expect("prepare").run(None).await
}

async fn sweep(lab: &Lab, address: &str, profile: &str) -> SweepReport {
    sweep_with(lab, address, profile, None).await
}

/// Every sentence of a report: the verdict and each generation's summary.
fn sentences(r: &SweepReport) -> Vec<(String, String)> {
    std::iter::once((format!("{} verdict", r.profile), r.verdict.summary.clone()))
        .chain(r.clients.iter().map(|c| {
            (
                format!("{} client {}", r.profile, c.profile),
                c.summary.clone(),
            )
        }))
        .collect()
}

// Issue 20 (D7, D8): 34 documents over the lab had ",," in their verdict.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scenario_and_profile_renders_clean_sentences() {
    let scenarios = builtin_scenarios().unwrap();
    let lab = Lab::start(scenarios.clone(), LabOptions::default())
        .await
        .unwrap();
    let profiles = plan::profile_names();
    let mut faults = Vec::new();
    let mut checked = 0;
    for s in &scenarios {
        let reports = join_all(profiles.iter().map(|p| sweep(&lab, s.sip_address(), p))).await;
        for r in &reports {
            for (what, text) in sentences(r) {
                checked += 1;
                if let Some(fault) = punctuation_fault(&text) {
                    faults.push(format!("{} {what}: {fault}: {text}", s.name()));
                }
                if !text.ends_with('.') {
                    faults.push(format!("{} {what}: no full stop: {text}", s.name()));
                }
            }
            // D8: a skipped row is never named in the verdict.
            for row in r.records.iter().filter(|row| row.status == Status::Skipped) {
                let named = format!("record {} (", row.index);
                if r.verdict.summary.contains(&named) || r.verdict.summary.contains("skipped)") {
                    faults.push(format!(
                        "{} {}: names skipped row {}: {}",
                        s.name(),
                        r.profile,
                        row.index,
                        r.verdict.summary
                    ));
                }
            }
        }
    }
    lab.shutdown().await;
    // Every scenario, every profile, and all seven generations' summaries.
    assert_eq!(
        checked,
        scenarios.len() * profiles.len() * (1 + profiles.len())
    );
    assert!(faults.is_empty(), "{}", faults.join("\n"));
}

// D8/D3 (issue 20): sfb asks `_sipinternal._tcp` only when TCP is allowed;
// otherwise the row is skipped (never asked: no DNS outcome), never
// selected. `--no-tcp` on a profile that always asks it stays rejected.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d8_sfb_tcp_row_is_skipped_not_rejected() {
    let lab = lab_with(&["healthy"]).await;
    let address = "sip:alice@healthy.test";
    let tcp_row = |r: &SweepReport| {
        r.records
            .iter()
            .find(|row| row.name == "_sipinternal._tcp.healthy.test")
            .cloned()
            .expect("the TCP SRV row")
    };
    let sfb = sweep(&lab, address, "sfb").await;
    let row = tcp_row(&sfb);
    assert_eq!(row.status, Status::Skipped, "{}", row.detail);
    assert_eq!(row.reason, Some(ReasonCode::TcpNotAllowed));
    assert!(row.dns.is_none(), "never asked: {:?}", row.dns);
    assert_ne!(sfb.selected, Some(row.index));
    let json: serde_json::Value = serde_json::to_value(&row).unwrap();
    assert_eq!(json["status"], "skipped");
    assert_eq!(json["reason"], "tcp-not-allowed");
    assert!(json["dns"].is_null(), "{json}");
    assert!(!sfb.verdict.summary.contains("_sipinternal._tcp"));

    // Every place a status is listed: the check table, and a saved
    // snapshot that loads again and renders in Markdown.
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("lab-ca.pem");
    std::fs::write(&ca, lab.ca_pem()).unwrap();
    let out = tokio::task::block_in_place(|| {
        std::process::Command::new(env!("CARGO_BIN_EXE_sipscope"))
            .arg("check")
            .args(lab.check_flags(&ca))
            .args(["--profile", "sfb", address])
            .output()
            .unwrap()
    });
    let table = String::from_utf8_lossy(&out.stdout);
    let line = table
        .lines()
        .find(|l| l.contains("_sipinternal._tcp"))
        .unwrap_or_default();
    assert!(line.contains("○ skipped"), "{table}");
    let mut session = sipscope::snapshot::Session::new();
    session.push(sfb.clone());
    let settings =
        sipscope::snapshot::SettingsSummary::from_settings(&lab.sweep_settings(address).unwrap());
    let saved = sipscope::snapshot::save(
        dir.path(),
        &session,
        &settings,
        sipscope::snapshot::Views::default(),
    )
    .expect("save");
    let loaded = sipscope::snapshot::load(&saved.json).expect("a snapshot with skipped loads");
    assert_eq!(tcp_row(&loaded.current).status, Status::Skipped);
    let md = sipscope::snapshot::markdown::render(&loaded);
    assert!(md.contains("○ skipped"), "{md}");

    // --tcp: the row is asked (healthy publishes no TCP SRV record).
    let allowed = sweep_with(&lab, address, "sfb", Some(true)).await;
    let row = tcp_row(&allowed);
    assert_eq!(row.status, Status::Missing, "{}", row.detail);
    assert_eq!(row.reason, Some(ReasonCode::Nxdomain));
    assert!(row.dns.is_some());

    // --no-tcp on the Communicator 2007 profile: rejected (D8 "a transport
    // the policy forbids"), as before.
    let classic = sweep_with(&lab, address, "ocs2007", Some(false)).await;
    let row = tcp_row(&classic);
    assert_eq!(row.status, Status::Rejected);
    assert_eq!(row.reason, Some(ReasonCode::TcpForbidden));
    lab.shutdown().await;
}

// D13 addendum (issue 20): a redirect to *.online.lync.com: the row stays
// found, the verdict fails as homed-online for sfb and mobile and names Teams.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d13_hybrid_is_homed_online_and_names_teams() {
    let lab = lab_with(&["autodiscover-hybrid"]).await;
    for profile in ["sfb", "mobile"] {
        let r = sweep(&lab, "sip:alice@adhybrid.test", profile).await;
        let row = r.record(r.selected.expect("a selected row")).unwrap();
        assert_eq!(row.kind, plan::RowKind::Autodiscover);
        assert_eq!(row.status, Status::Found, "{profile}: {}", row.detail);
        assert_eq!(r.verdict.signin, Signin::Fail, "{profile}");
        assert_eq!(r.verdict.cause, Cause::HomedOnline, "{profile}");
        let s = &r.verdict.summary;
        assert!(s.contains("Teams") && s.contains("homed online"), "{s}");
        assert!(s.contains("webdir1a.online.lync.com"), "{s}");
        assert!(!s.contains("signs in there"), "{s}");
        let json = serde_json::to_value(&r.verdict).unwrap();
        assert_eq!(json["cause"], "homed-online");
    }
    lab.shutdown().await;
}

/// A root document whose user link names `user`, a host the test breaks.
fn user_link_scenario(name: &str, user_host: &str, hosts: &str, rows: &str) -> Scenario {
    let text = format!(
        r#"
name = "{name}"
title = "User link host fails"
lesson = "The root document answered; its web services host fails."
sip_address = "sip:alice@{name}.test"
rules = ["D13"]
records = [{{ name = "_sipinternaltls._tcp", type = "SRV", data = "0 0 5061 pool" }}]

[[hosts]]
name = "pool"
tls = [5061]

[[hosts]]
name = "lyncdiscoverinternal"
https = [443]
web = {{ answer = "root", user = "{user_host}" }}
{hosts}
[[expect.before]]
profile = "sfb"
rows = {rows}
selected = 1
signin = "fail"
"#
    );
    Scenario::from_toml(&format!("{name}.toml"), &text).expect("scenario")
}

// D13 addendum (issue 20): when the user link's host has no address or a
// bad certificate, the row is service-error naming that host and stays
// selected: the client does not fall back to the working SRV record.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d13_failing_user_link_host_is_service_error_and_stays_selected() {
    let rows = r#"["service-error", "missing", "found", "skipped", "missing", "missing", "missing", "missing"]"#;
    let gone = user_link_scenario(
        "linkgone",
        "webgone",
        "[[hosts]]\nname = \"webgone\"\npublished = false\ntls = [443]\n",
        rows,
    );
    let badcert = user_link_scenario(
        "linkcert",
        "webbad",
        "[[hosts]]\nname = \"webbad\"\ntls = [443]\ncert = { names = [\"other.linkcert.test\"] }\n",
        rows,
    );
    let lab = Lab::start(vec![gone, badcert], LabOptions::default())
        .await
        .unwrap();
    for (domain, host) in [
        ("linkgone.test", "webgone.linkgone.test"),
        ("linkcert.test", "webbad.linkcert.test"),
    ] {
        let r = sweep(&lab, &format!("sip:alice@{domain}"), "sfb").await;
        let row = &r.records[0];
        assert_eq!(row.status, Status::ServiceError, "{domain}: {}", row.detail);
        assert_eq!(row.reason, Some(ReasonCode::UserLinkFailed), "{domain}");
        assert!(row.detail.contains(host), "{domain}: {}", row.detail);
        assert_eq!(r.selected, Some(1), "{domain}: {}", r.verdict.summary);
        assert_eq!(r.verdict.cause, Cause::ServiceError, "{domain}");
        let s = &r.verdict.summary;
        assert!(s.contains(host) && s.contains("user link"), "{s}");
        assert_eq!(punctuation_fault(s), None, "{s}");
        // The host's own target keeps its own status (D13: each host a target).
        let t = row.targets.iter().find(|t| t.host == host).expect("target");
        assert_ne!(t.status, Status::Found, "{domain}");
    }
    lab.shutdown().await;
}

// D15 (issue 20): `check --profile sfb` on a TLS 1.0-only server must not
// read as a plain "Sign-in works": the sentence leads with the risk. The
// Communicator 2007 profile (whose clients speak TLS 1.0) keeps "works".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d15_legacy_tls_under_sfb_leads_with_the_risk() {
    let lab = lab_with(&["tls10-server", "tls12-cbc-only"]).await;
    let sfb = sweep(&lab, "sip:alice@tls10.test", "sfb").await;
    let s = &sfb.verdict.summary;
    assert!(
        s.starts_with("Sign-in at risk: pool.tls10.test speaks only TLSv1.0"),
        "{s}"
    );
    assert!(
        s.contains("cannot connect") && s.contains("Enable TLS 1.2"),
        "{s}"
    );
    assert!(!s.starts_with("Sign-in works"), "{s}");
    let row = sfb.record(sfb.selected.expect("selected")).unwrap();
    assert_eq!(row.transport, Transport::Tls);
    // TLS 1.2 with CBC suites only: the fix names the suites, not TLS 1.2.
    let cbc = sweep(&lab, "sip:alice@cbc.test", "sfb").await;
    let s = &cbc.verdict.summary;
    assert!(
        s.starts_with("Sign-in at risk: pool.cbc.test speaks only TLSv1.2"),
        "{s}"
    );
    assert!(s.contains("AES-GCM cipher suites"), "{s}");
    let classic = sweep(&lab, "sip:alice@tls10.test", "ocs2007").await;
    assert!(
        classic.verdict.summary.starts_with("Sign-in works"),
        "{}",
        classic.verdict.summary
    );
    lab.shutdown().await;
}
