//! D17 through the real sweep: the lab's registrars (Microsoft front end and
//! Edge, a Digest registrar, a web site, hostile answers) on loopback.

use std::time::Duration;

use sipscope::lab::{Lab, LabOptions, builtin_scenarios};
use sipscope::model::sip::SipOutcome;
use sipscope::model::{Cause, ReasonCode, Status, SweepReport};
use sipscope::sweep::Sweep;

async fn lab_of(name: &str) -> Lab {
    let scenarios = builtin_scenarios()
        .unwrap()
        .into_iter()
        .filter(|s| s.name() == name)
        .collect();
    Lab::start(scenarios, LabOptions::default()).await.unwrap()
}

async fn sweep_with(lab: &Lab, address: &str, sip: bool) -> SweepReport {
    let mut settings = lab.sweep_settings(address).unwrap();
    settings.options.sip = sip;
    tokio::time::timeout(
        Duration::from_secs(30),
        Sweep::prepare(settings).unwrap().run(None),
    )
    .await
    .expect("the sweep ended (hang guard)")
}

/// The `check` text of the built binary, as a user sees it.
fn check_text(lab: &Lab, address: &str) -> String {
    check_with(lab, &[address], &[])
}

/// `sipscope check ARGS` against the lab, with extra environment variables.
fn check_with(lab: &Lab, args: &[&str], env: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("lab-ca.pem");
    std::fs::write(&ca, lab.ca_pem()).unwrap();
    let out = tokio::task::block_in_place(|| {
        std::process::Command::new(env!("CARGO_BIN_EXE_sipscope"))
            .arg("check")
            .args(lab.check_flags(&ca))
            .args(args)
            .envs(env.iter().copied())
            .output()
            .expect("run sipscope")
    });
    String::from_utf8(out.stdout).unwrap()
}

async fn sweep(lab: &Lab, address: &str) -> SweepReport {
    sweep_with(lab, address, true).await
}

// D17: a Microsoft front end is found with its challenges and targetname.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d17_front_end_is_a_microsoft_registrar() {
    let lab = lab_of("healthy").await;
    let r = sweep(&lab, "alice@healthy.test").await;
    let row = &r.records[0];
    assert_eq!(row.status, Status::Found);
    assert_eq!(row.reason, Some(ReasonCode::SipRegistrar));
    let sip = row
        .used()
        .unwrap()
        .sip
        .as_ref()
        .expect("a REGISTER was sent");
    assert_eq!(sip.status_code, Some(401));
    assert_eq!(sip.server.as_deref(), Some("RTC/6.0"));
    assert!(sip.microsoft);
    assert_eq!(sip.schemes(), "NTLM, Kerberos, TLS-DSK");
    assert_eq!(
        sip.auth[1].targetname.as_deref(),
        Some("sip/pool.healthy.test")
    );
    assert!(
        sip.auth[2]
            .sts_uri
            .as_deref()
            .unwrap()
            .starts_with("https://pool.healthy.test")
    );
    assert!(
        row.detail.contains("targetname pool.healthy.test"),
        "{}",
        row.detail
    );
    // Rows that did not connect made no request: `sip` is null there.
    let json: serde_json::Value = serde_json::from_str(&sipscope::to_json(&r)).unwrap();
    assert_eq!(
        json["records"][0]["targets"][0]["sip"]["auth"][0]["scheme"],
        "NTLM"
    );
    assert_eq!(
        json["records"][0]["targets"][0]["sip"]["request"],
        "REGISTER"
    );
    let text = check_text(&lab, "alice@healthy.test");
    assert!(
        text.contains("#1 sip: 401 Unauthorized · RTC/6.0 · NTLM, Kerberos, TLS-DSK · targetname pool.healthy.test"),
        "{text}"
    );
    lab.shutdown().await;
}

// D17/D7: a web server on the SIP name is not-sip and fails sign-in with a
// sentence naming what answered; pointing the name at the Edge fixes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d17_web_server_on_sip_fails_and_the_edge_fixes_it() {
    let lab = lab_of("web-server-on-sip").await;
    let r = sweep(&lab, "alice@websip.test").await;
    assert_eq!(r.selected, Some(7));
    let row = r.record(7).unwrap();
    assert_eq!(row.status, Status::NotSip);
    assert_eq!(row.reason, Some(ReasonCode::SipNotSip));
    assert!(
        row.detail.contains("answers HTTP (nginx)"),
        "{}",
        row.detail
    );
    let sip = row.used().unwrap().sip.as_ref().unwrap();
    assert_eq!(sip.outcome, SipOutcome::NotSip);
    assert_eq!(sip.start_line.as_deref(), Some("HTTP/1.1 400 Bad Request"));
    assert_eq!(r.verdict.cause, Cause::NotSip);
    assert!(
        r.verdict.summary.contains(
            "sip.websip.test:443 answers HTTP (nginx), not SIP: point it at the Access Edge, or remove it"
        ),
        "{}",
        r.verdict.summary
    );
    // --no-sip: the row stops at TLS as before.
    let off = sweep_with(&lab, "alice@websip.test", false).await;
    let row = off.record(7).unwrap();
    assert_eq!(row.status, Status::Found);
    assert_eq!(row.reason, Some(ReasonCode::TlsTrusted));
    assert!(row.used().unwrap().sip.is_none());

    // The same through the binary: SIPSCOPE_NO_SIP=1, and `sip` is null in the JSON.
    let json = check_with(
        &lab,
        &["--json", "alice@websip.test"],
        &[("SIPSCOPE_NO_SIP", "1")],
    );
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["records"][6]["reason"], "tls-trusted");
    assert!(json["records"][6]["targets"][0]["sip"].is_null());
    let json = check_with(&lab, &["--json", "alice@websip.test"], &[]);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["records"][6]["status"], "not-sip");
    assert_eq!(json["verdict"]["cause"], "not-sip");
    assert_eq!(
        json["records"][6]["targets"][0]["sip"]["outcome"],
        "not-sip"
    );

    lab.apply_fix("web-server-on-sip").await.unwrap();
    let r = sweep(&lab, "alice@websip.test").await;
    let row = r.record(7).unwrap();
    assert_eq!(row.status, Status::Found, "{}", row.detail);
    assert_eq!(row.reason, Some(ReasonCode::SipRegistrar));
    let sip = row.used().unwrap().sip.as_ref().unwrap();
    // The Edge offers NTLM and TLS-DSK only.
    assert_eq!(sip.schemes(), "NTLM, TLS-DSK");
    assert_eq!(sip.targetname(), Some("edge.websip.test"));
    assert!(r.signin_ok(), "{}", r.verdict.summary);
    lab.shutdown().await;
}

// D17: a SIP server that is not a Microsoft registrar is found, with a warning.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d17_third_party_registrar_is_found_with_a_warning() {
    let lab = lab_of("third-party-registrar").await;
    let r = sweep(&lab, "alice@thirdparty.test").await;
    let row = &r.records[0];
    assert_eq!(row.status, Status::Found);
    assert_eq!(row.reason, Some(ReasonCode::SipAnswered));
    let sip = row.used().unwrap().sip.as_ref().unwrap();
    assert!(!sip.microsoft && sip.non_microsoft_registrar());
    assert_eq!(sip.auth[0].scheme, "Digest");
    assert!(
        row.warnings
            .iter()
            .any(|w| w.contains("sign in only with those")),
        "{:?}",
        row.warnings
    );
    lab.shutdown().await;
}

// D17: hostile registrars never hang the sweep, never exceed the bounds, and
// reach the text report escaped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d17_hostile_registrars_are_bounded_and_escaped() {
    let lab = lab_of("hostile-registrars").await;
    let r = sweep(&lab, "alice@hostilesip.test").await;
    let sip = |i: usize| r.record(i).unwrap().used().unwrap().sip.clone().unwrap();
    let reason = |i: usize| r.record(i).unwrap().reason;
    // Escape sequences: still a Microsoft registrar, text kept as sent.
    assert_eq!(reason(1), Some(ReasonCode::SipRegistrar));
    assert!(sip(1).reason_phrase.unwrap().contains('\x1b'));
    // 20,000 challenges: read up to 64 KiB, at most 16 kept.
    assert_eq!(reason(2), Some(ReasonCode::SipRegistrar));
    assert_eq!(sip(2).auth.len(), 16);
    // One byte every 300 ms: silence by the deadline.
    assert_eq!(reason(3), Some(ReasonCode::SipSilent));
    // A 10 MB body: the head is enough.
    assert_eq!(reason(4), Some(ReasonCode::SipRegistrar));
    assert_eq!(reason(5), Some(ReasonCode::SipClosed));
    assert_eq!(reason(6), Some(ReasonCode::SipClosed));
    assert_eq!(reason(7), Some(ReasonCode::SipSilent));
    assert_eq!(reason(8), Some(ReasonCode::SipSilent));
    let text = check_text(&lab, "alice@hostilesip.test");
    assert!(!text.contains('\x1b') && !text.contains('\u{9b}') && !text.contains('\u{202e}'));
    assert!(text.contains("\\u{1b}"), "{text}");
    lab.shutdown().await;
}

// D15/D17: a legacy look finishes no handshake, so no REGISTER can be sent:
// the row says so and stays as before.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d15_legacy_rows_say_no_request_could_be_sent() {
    let lab = lab_of("tls10-server").await;
    let r = sweep(&lab, "alice@tls10.test").await;
    let row = &r.records[0];
    assert_eq!(row.status, Status::Found);
    assert_eq!(row.reason, Some(ReasonCode::LegacyTlsTrusted));
    assert!(row.used().unwrap().sip.is_none());
    assert!(
        row.warnings
            .iter()
            .any(|w| w.contains("no SIP REGISTER could be sent")),
        "{:?}",
        row.warnings
    );
    lab.shutdown().await;
}
