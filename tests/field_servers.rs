//! Servers as they exist in the field, against the real lab: pools behind
//! several addresses (D14), TLS 1.0-only and CBC-only servers (D15), chains
//! without their intermediate and certificates for the wrong purpose (D16).

use std::time::Duration;

use sipscope::lab::{Lab, LabOptions, builtin_scenarios};
use sipscope::model::{ReasonCode, Status, SweepReport, TargetResult};
use sipscope::sweep::Sweep;

async fn lab_of(name: &str) -> Lab {
    let scenarios = builtin_scenarios()
        .unwrap()
        .into_iter()
        .filter(|s| s.name() == name)
        .collect();
    Lab::start(scenarios, LabOptions::default()).await.unwrap()
}

async fn sweep(lab: &Lab, address: &str) -> SweepReport {
    let settings = lab.sweep_settings(address).unwrap();
    tokio::time::timeout(
        Duration::from_secs(30),
        Sweep::prepare(settings).unwrap().run(None),
    )
    .await
    .expect("the sweep ended (hang guard)")
}

fn first_target(r: &SweepReport) -> &TargetResult {
    r.records[0].used().expect("row 1 has a target in use")
}

// D14: one dead front end is a warning naming it; the result is the same
// however often the DNS server rotates the answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d14_every_member_is_probed_and_the_result_is_stable() {
    let lab = lab_of("pool-member-down").await;
    for run in 0..20 {
        let r = sweep(&lab, "alice@members.test").await;
        let row = &r.records[0];
        assert_eq!(row.status, Status::Found, "run {run}: {}", row.detail);
        let t = first_target(&r);
        assert_eq!(t.probes.len(), 2, "run {run}: {:?}", t.probes);
        let statuses: Vec<Status> = t.probes.iter().map(|p| p.status).collect();
        assert!(
            statuses.contains(&Status::Found) && statuses.contains(&Status::Unreachable),
            "run {run}: {statuses:?}"
        );
        let dead = t
            .probes
            .iter()
            .find(|p| p.status == Status::Unreachable)
            .unwrap();
        assert_eq!(dead.reason, Some(ReasonCode::ConnectionRefused));
        assert!(
            row.warnings
                .iter()
                .any(|w| w.contains("1 of 2 addresses failed") && w.contains(&dead.address)),
            "run {run}: {:?}",
            row.warnings
        );
    }
    lab.apply_fix("pool-member-down").await.unwrap();
    let r = sweep(&lab, "alice@members.test").await;
    assert!(
        first_target(&r)
            .probes
            .iter()
            .all(|p| p.status == Status::Found)
    );
    assert!(
        !r.records[0].warnings.iter().any(|w| w.contains("D14")),
        "{:?}",
        r.records[0].warnings
    );
    lab.shutdown().await;
}

// D15: a TLS 1.0-only server is reachable, with its version, suite and who
// cannot connect; after the upgrade the modern handshake shows TLS 1.3.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d15_tls10_server_is_reachable_with_a_warning() {
    let lab = lab_of("tls10-server").await;
    let r = sweep(&lab, "alice@tls10.test").await;
    let row = &r.records[0];
    assert_eq!(row.status, Status::Found, "{}", row.detail);
    assert_eq!(row.reason, Some(ReasonCode::LegacyTlsTrusted));
    assert!(
        row.detail
            .contains("refused a modern TLS handshake but speaks TLSv1.0"),
        "{}",
        row.detail
    );
    let tls = first_target(&r).tls.clone().expect("TLS version shown");
    assert_eq!(tls.version, "TLSv1.0");
    assert_eq!(tls.cipher_suite, "TLS_RSA_WITH_AES_128_CBC_SHA");
    assert!(tls.legacy);
    assert!(
        row.warnings
            .iter()
            .any(|w| w.contains("TLSv1.0") && w.contains("cannot") && w.contains("D15")),
        "{:?}",
        row.warnings
    );
    lab.apply_fix("tls10-server").await.unwrap();
    let r = sweep(&lab, "alice@tls10.test").await;
    let tls = first_target(&r).tls.clone().unwrap();
    assert_eq!(tls.version, "TLSv1.3");
    assert!(!tls.legacy);
    lab.shutdown().await;
}

// D15: refused for cipher reasons (handshake_failure) is not "unreachable".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d15_cbc_only_server_is_reachable_with_a_warning() {
    let lab = lab_of("tls12-cbc-only").await;
    let r = sweep(&lab, "alice@cbc.test").await;
    assert_eq!(
        r.records[0].status,
        Status::Found,
        "{}",
        r.records[0].detail
    );
    let tls = first_target(&r).tls.clone().unwrap();
    assert_eq!(tls.version, "TLSv1.2");
    assert!(tls.cipher_suite.contains("CBC"), "{}", tls.cipher_suite);
    lab.shutdown().await;
}

// D16: a leaf sent without its intermediate is named as such, with the
// issuer and the AIA URL; thumbprint, serial and key are shown.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d16_missing_intermediate_is_named() {
    let lab = lab_of("missing-intermediate").await;
    let r = sweep(&lab, "alice@chain.test").await;
    let row = &r.records[0];
    assert_eq!(row.status, Status::Untrusted);
    assert_eq!(row.reason, Some(ReasonCode::MissingIntermediate));
    assert!(
        row.detail
            .contains("did not send the intermediate CA certificate")
            && row.detail.contains("sipscope lab issuing CA")
            && row.detail.contains("http://pki.lab.test/"),
        "{}",
        row.detail
    );
    let cert = first_target(&r).certificate.clone().unwrap();
    assert_eq!(cert.thumbprint.len(), 40, "SHA-1 in hex");
    assert!(
        cert.thumbprint
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
    );
    assert!(!cert.serial.is_empty());
    assert_eq!(cert.key, "EC 256");
    assert_eq!(cert.chain_len, 1);
    lab.apply_fix("missing-intermediate").await.unwrap();
    let r = sweep(&lab, "alice@chain.test").await;
    assert_eq!(
        r.records[0].status,
        Status::Found,
        "{}",
        r.records[0].detail
    );
    assert_eq!(first_target(&r).certificate.as_ref().unwrap().chain_len, 2);
    lab.shutdown().await;
}

// D16: a clientAuth-only leaf is refused in words, not as a library error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d16_client_auth_only_certificate_is_refused_in_words() {
    let lab = lab_of("client-auth-cert").await;
    let r = sweep(&lab, "alice@eku.test").await;
    let row = &r.records[0];
    assert_eq!(row.status, Status::Untrusted);
    assert_eq!(row.reason, Some(ReasonCode::WrongPurpose));
    assert!(
        row.detail.contains("serverAuth") && !row.detail.contains("InvalidPurpose"),
        "{}",
        row.detail
    );
    lab.shutdown().await;
}

// D14/D15/D16 in the JSON: per-address probes with TLS and certificate.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_carries_per_address_probes() {
    let lab = lab_of("pool-member-down").await;
    let r = sweep(&lab, "alice@members.test").await;
    let json: serde_json::Value = serde_json::from_str(&sipscope::to_json(&r)).unwrap();
    let target = &json["records"][0]["targets"][0];
    let probes = target["probes"].as_array().unwrap();
    assert_eq!(probes.len(), 2);
    let good = probes.iter().find(|p| p["status"] == "found").unwrap();
    assert_eq!(good["tls"]["version"], "TLSv1.3");
    assert_eq!(
        good["certificate"]["thumbprint"].as_str().unwrap().len(),
        40
    );
    assert!(
        target["addresses"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a.is_string())
    );
    // D17: the lab's pool answers REGISTER as a Microsoft front end.
    assert_eq!(json["records"][0]["reason"], "sip-registrar");
    assert_eq!(good["sip"]["status_code"], 401);
    assert_eq!(good["sip"]["microsoft"], true);
    let down = probes.iter().find(|p| p["status"] != "found").unwrap();
    assert!(down["sip"].is_null(), "{down}");
    lab.shutdown().await;
}
