//! D1 (issue 20) through the real binary: an address pasted from Outlook or
//! a SIP trace is swept; a web address or an IP literal is one usage line
//! (exit 2) that says what to type instead.

mod support;

use support::bin::sipscope;

use std::process::Output;

use sipscope::lab::{Lab, LabOptions, builtin_scenarios};
use sipscope::model::SweepReport;

#[test]
fn d1_urls_and_ip_literals_are_one_usage_line() {
    let home = tempfile::tempdir().unwrap();
    for (address, needle) in [
        (
            "https://lyncdiscover.contoso.com/autodiscover/autodiscoverservice.svc/root",
            "(contoso.com here)",
        ),
        ("alice@10.0.0.1", "type the domain of the sign-in address"),
        ("[::1]", "type the domain of the sign-in address"),
    ] {
        let o: Output = sipscope(home.path())
            .args(["check", address])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{address}: {err}");
        assert_eq!(err.lines().count(), 1, "{address}: {err:?}");
        assert!(err.contains(needle), "{address}: {err}");
        assert!(o.stdout.is_empty(), "{address}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d1_pasted_forms_are_swept() {
    let healthy = builtin_scenarios()
        .unwrap()
        .into_iter()
        .filter(|s| s.name() == "healthy")
        .collect();
    let lab = Lab::start(healthy, LabOptions::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("lab-ca.pem");
    std::fs::write(&ca, lab.ca_pem()).unwrap();
    for address in [
        "<sip:alice@healthy.test>",
        "Alice <sip:alice@healthy.test>",
        "sip:alice@healthy.test;transport=tls",
    ] {
        let o = tokio::task::block_in_place(|| {
            sipscope(dir.path())
                .arg("check")
                .args(lab.check_flags(&ca))
                .args(["--json", address])
                .output()
                .unwrap()
        });
        let r: SweepReport = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("{address}: {e}: {}", String::from_utf8_lossy(&o.stderr)));
        assert_eq!(r.domain, "healthy.test", "{address}");
        assert_eq!(r.input, address);
        assert_eq!(o.status.code(), Some(0), "{address}: {}", r.verdict.summary);
    }
    lab.shutdown().await;
}
