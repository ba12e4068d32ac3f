//! D11 through the real binary: `check --authoritative` asks the zone's own
//! servers directly. After a fix, a resolver that still holds the old answer
//! is flagged with its TTL, and a secondary that has not got the edit is
//! reported by serial. Sign-in stays judged on the resolver's answers.

use std::process::Output;

use sipscope::lab::{Lab, LabOptions, builtin_scenarios};

fn check(lab: &Lab, ca: &std::path::Path, resolver: &str, extra: &[&str]) -> Output {
    let mut flags = lab.check_flags(ca);
    let at = flags.iter().position(|f| f == "--resolver").unwrap();
    flags[at + 1] = resolver.to_string();
    std::process::Command::new(env!("CARGO_BIN_EXE_sipscope"))
        .arg("check")
        .arg("--authoritative")
        .args(&flags)
        .args(extra)
        .arg("alice@priority.test")
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d11_stale_resolver_and_lagging_secondary_are_reported() {
    let scenarios = builtin_scenarios()
        .unwrap()
        .into_iter()
        .filter(|s| s.name() == "srv-priority")
        .collect();
    let lab = Lab::start(scenarios, LabOptions::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("lab-ca.pem");
    std::fs::write(&ca, lab.ca_pem()).unwrap();
    let primary = lab.dns_addr().to_string();

    // Before any edit: one server, serial 1, and the resolver agrees.
    let out = tokio::task::block_in_place(|| check(&lab, &ca, &primary, &[]));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Authoritative servers of zone priority.test"),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("ns.priority.test  127.0.255.1:53  serial 1  current"),
        "{text}"
    );
    assert!(
        text.contains("The resolver agrees with what the zone publishes."),
        "{text}"
    );

    // A secondary copies the zone; then the fix reaches the primary only.
    let secondary = lab.start_secondary().await.unwrap().to_string();
    lab.apply_fix("srv-priority").await.unwrap();

    // The secondary, asked as the client's resolver, still holds the old answer.
    let out = tokio::task::block_in_place(|| check(&lab, &ca, &secondary, &[]));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("serial 2  current"), "{text}");
    assert!(
        text.contains(
            "ns2.priority.test  127.0.255.2:53  serial 1  lagging: serial 1, another server has 2"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "#1 _sipinternaltls._tcp.priority.test: the resolver still holds the old answer"
        ) && text.contains("for up to 300 s (its TTL)")
            && text.contains("the zone publishes 20 0 5061 pool2.priority.test"),
        "{text}"
    );
    // D11: sign-in is judged on what the client's resolver says (the old,
    // broken pool1 still comes first there).
    assert_eq!(out.status.code(), Some(1), "{text}");

    // The JSON carries the view and each record's agreement.
    let out = tokio::task::block_in_place(|| check(&lab, &ca, &secondary, &["--json"]));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["authoritative"]["zone"], "priority.test");
    assert_eq!(doc["authoritative"]["servers"].as_array().unwrap().len(), 2);
    assert_eq!(doc["records"][0]["authoritative"]["agrees"], false);
    assert_eq!(
        doc["records"][0]["authoritative"]["answer"][0],
        "20 0 5061 pool2.priority.test"
    );

    // Through the primary, the resolver has the edit and sign-in works.
    let out = tokio::task::block_in_place(|| check(&lab, &ca, &primary, &[]));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("The resolver agrees with what the zone publishes."),
        "{text}"
    );
    lab.shutdown().await;
}
