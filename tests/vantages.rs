//! D12 through the real binary: `check --vantage inside=… --vantage
//! outside=…` against two lab DNS servers that answer the same domain
//! differently gives two verdicts, names the rows that differ, and exits 0
//! only when every vantage works.

use std::process::Output;

use sipscope::lab::{Lab, LabOptions, Scenario, builtin_scenarios};

/// The outside view of healthy.test: nothing published.
const OUTSIDE: &str = r#"
name = "healthy-outside"
title = "Outside view: nothing published"
lesson = "The external DNS has no records for the domain."
sip_address = "sip:alice@healthy.test"
rules = ["D12"]

records = []

[expect.before]
rows = ["missing", "missing", "missing", "missing", "missing", "missing", "missing", "missing", "missing", "missing"]
selected = "none"
signin = "fail"
"#;

fn check(inside: &Lab, ca: &std::path::Path, extra: &[String]) -> Output {
    // The inside lab's flags point at its listeners; the vantages replace its resolver.
    let flags: Vec<String> = inside
        .check_flags(ca)
        .into_iter()
        .scan(false, |skip, f| {
            let out = if *skip || f == "--resolver" {
                None
            } else {
                Some(Some(f.clone()))
            };
            *skip = f == "--resolver";
            Some(out.flatten())
        })
        .flatten()
        .collect();
    std::process::Command::new(env!("CARGO_BIN_EXE_sipscope"))
        .arg("check")
        .args(&flags)
        .args(extra)
        .arg("alice@healthy.test")
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d12_two_vantages_two_verdicts_and_the_exit_code() {
    let healthy: Vec<Scenario> = builtin_scenarios()
        .unwrap()
        .into_iter()
        .filter(|s| s.name() == "healthy")
        .collect();
    let inside = Lab::start(healthy, LabOptions::default()).await.unwrap();
    let outside_scenario = Scenario::from_toml("outside", OUTSIDE).unwrap();
    let outside = Lab::start(vec![outside_scenario], LabOptions::default())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("lab-ca.pem");
    std::fs::write(&ca, inside.ca_pem()).unwrap();
    let vantage = |label: &str, lab: &Lab| format!("--vantage={label}={}", lab.dns_addr());

    // Inside works, outside finds nothing: exit 1, both verdicts, row 1 differs.
    let out = tokio::task::block_in_place(|| {
        check(
            &inside,
            &ca,
            &[vantage("inside", &inside), vantage("outside", &outside)],
        )
    });
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("── vantage inside"), "{text}");
    assert!(text.contains("── vantage outside"), "{text}");
    assert!(
        text.contains(
            "record 1 (_sipinternaltls._tcp.healthy.test): inside found, outside missing"
        ),
        "{text}"
    );
    assert!(text.contains("✓ inside: Sign-in works"), "{text}");
    assert!(text.contains("✗ outside: Sign-in fails"), "{text}");

    // JSON: the top level is the first vantage's records, with the worst
    // vantage's verdict (D18), every vantage in order with its own.
    let out = tokio::task::block_in_place(|| {
        check(
            &inside,
            &ca,
            &[
                "--json".into(),
                vantage("inside", &inside),
                vantage("outside", &outside),
            ],
        )
    });
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["verdict"]["signin"], "fail");
    assert_eq!(doc["verdict"], doc["vantages"][1]["verdict"]);
    assert_eq!(doc["records"], doc["vantages"][0]["records"]);
    let labels: Vec<&str> = doc["vantages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["inside", "outside"]);
    assert_eq!(doc["vantages"][1]["verdict"]["signin"], "fail");
    assert_eq!(
        doc["vantages"][1]["resolvers"][0],
        outside.dns_addr().to_string()
    );

    // Two vantages that both work: exit 0.
    let out = tokio::task::block_in_place(|| {
        check(
            &inside,
            &ca,
            &[vantage("a", &inside), vantage("b", &inside)],
        )
    });
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("The vantages agree on every record."),
        "{text}"
    );

    // D12: --save keeps every vantage in one snapshot; `snapshots show`
    // lists each verdict, and `snapshots diff` compares vantage by vantage.
    let snaps = dir.path().join("snaps");
    let snap_arg = format!("--snapshot-dir={}", snaps.display());
    let save = |outside_lab: &Lab| {
        tokio::task::block_in_place(|| {
            check(
                &inside,
                &ca,
                &[
                    "--save".into(),
                    snap_arg.clone(),
                    vantage("inside", &inside),
                    vantage("outside", outside_lab),
                ],
            )
        })
    };
    let out = save(&outside);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("2 vantages saved to"), "{err}");
    let sipscope = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_sipscope"))
            .args(args)
            .arg(&snap_arg)
            .output()
            .unwrap()
    };
    let shown = sipscope(&["snapshots", "show", "1"]);
    let text = String::from_utf8_lossy(&shown.stdout);
    assert!(text.contains("Vantages (D12):"), "{text}");
    assert!(
        text.contains("✓ inside") && text.contains("✗ outside"),
        "{text}"
    );
    assert!(text.contains("differs: record 1"), "{text}");
    // The outside view is mended: only the outside vantage's rows differ.
    let out = save(&inside);
    assert_eq!(out.status.code(), Some(0));
    let diff = sipscope(&["snapshots", "diff", "1", "2"]);
    let text = String::from_utf8_lossy(&diff.stdout);
    assert_eq!(
        diff.status.code(),
        Some(1),
        "the outside vantage changed: {text}"
    );
    assert!(text.contains("[outside] #1"), "{text}");
    assert!(!text.contains("[inside]"), "{text}");

    // A bad vantage is one usage line.
    let out = tokio::task::block_in_place(|| check(&inside, &ca, &["--vantage=nolabel".into()]));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    inside.shutdown().await;
    outside.shutdown().await;
}
