//! D18 through the built binary over the lab: `verdict.state`, the degraded
//! reasons, exit codes and `--strict`, and the worst vantage on top.

use std::process::Output;

use sipscope::lab::Lab;
use sipscope::model::State;
use sipscope::model::SweepReport;
use sipscope::model::state::DegradedCode;
use support::lab::lab_with;

mod support;

fn run_check(lab: &Lab, ca: &std::path::Path, args: &[&str]) -> Output {
    tokio::task::block_in_place(|| {
        std::process::Command::new(env!("CARGO_BIN_EXE_sipscope"))
            .arg("check")
            .args(lab.check_flags(ca))
            .args(args)
            .output()
            .expect("run sipscope")
    })
}

fn json(out: &Output) -> SweepReport {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn codes(r: &SweepReport) -> Vec<DegradedCode> {
    r.verdict.degraded.iter().map(|d| d.code).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d18_states_reasons_and_exit_codes() {
    let lab = lab_with(&[
        "healthy",
        "pool-member-down",
        "tls10-server",
        "wildcard-cert",
        "no-records",
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("lab-ca.pem");
    std::fs::write(&ca, lab.ca_pem()).unwrap();

    // (address, extra flags, state, degraded codes)
    let cases: [(&str, &[&str], State, Vec<DegradedCode>); 6] = [
        ("sip:alice@healthy.test", &[], State::Ok, vec![]),
        (
            "sip:alice@members.test",
            &[],
            State::Degraded,
            vec![DegradedCode::PoolMemberDown],
        ),
        (
            "sip:alice@tls10.test",
            &[],
            State::Degraded,
            vec![DegradedCode::LegacyTls],
        ),
        (
            "sip:alice@wildcard.test",
            &["--profile", "lync2010"],
            State::Degraded,
            vec![DegradedCode::WildcardCertificate],
        ),
        // The lab's certificates live a year: a window of 3650 days catches them.
        (
            "sip:alice@healthy.test",
            &["--expiry-warning-days", "3650"],
            State::Degraded,
            vec![DegradedCode::CertificateExpiring],
        ),
        ("sip:alice@empty.test", &[], State::Fail, vec![]),
    ];
    for (address, flags, state, want) in cases {
        let mut args = vec!["--json", address];
        args.extend_from_slice(flags);
        let out = run_check(&lab, &ca, &args);
        let r = json(&out);
        assert_eq!(
            r.verdict.state, state,
            "{address} {flags:?}: {:?}",
            r.verdict
        );
        assert_eq!(codes(&r), want, "{address} {flags:?}");
        // D18: degraded still signs in (exit 0); fail exits 1.
        let plain = if state == State::Fail { 1 } else { 0 };
        assert_eq!(out.status.code(), Some(plain), "{address} {flags:?}");
        // --strict: degraded exits 1 too.
        args.push("--strict");
        let strict = run_check(&lab, &ca, &args);
        let want_strict = if state == State::Ok { 0 } else { 1 };
        assert_eq!(
            strict.status.code(),
            Some(want_strict),
            "{address} --strict"
        );
    }

    // The table says degraded, with the reason, under the verdict.
    let out = run_check(&lab, &ca, &["sip:alice@members.test"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Degraded (D18)"), "{text}");
    assert!(text.contains("addresses of"), "{text}");

    // A bad window is one usage line, exit 2.
    let out = run_check(
        &lab,
        &ca,
        &["--expiry-warning-days", "99999", "healthy.test"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--expiry-warning-days"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}
