//! The demo scenarios of issue 12 item 6 through the real binary, each
//! vantage taken from `Lab::vantages` as the dashboard will: split-view
//! (D12, two verdicts), stale-resolver (D11, the caching resolver still holds
//! the old answer after the fix) and lagging-secondary (D11, by serial).

mod support;

use std::net::SocketAddr;
use std::process::Output;

use sipscope::lab::{self, Lab};
use support::lab::lab_with;

/// `sipscope check` with the lab's flags, its resolver replaced by `resolver`
/// (or dropped when the vantages name the resolvers).
fn check(
    lab: &Lab,
    ca: &std::path::Path,
    resolver: Option<SocketAddr>,
    extra: &[String],
    address: &str,
) -> Output {
    let mut flags = lab.check_flags(ca);
    let at = flags.iter().position(|f| f == "--resolver").unwrap();
    match resolver {
        Some(r) => flags[at + 1] = r.to_string(),
        None => {
            flags.drain(at..at + 2);
        }
    }
    tokio::task::block_in_place(|| {
        std::process::Command::new(env!("CARGO_BIN_EXE_sipscope"))
            .arg("check")
            .args(&flags)
            .args(extra)
            .arg(address)
            .output()
            .unwrap()
    })
}

fn ca_file(lab: &Lab, dir: &tempfile::TempDir) -> std::path::PathBuf {
    let ca = dir.path().join("lab-ca.pem");
    std::fs::write(&ca, lab.ca_pem()).unwrap();
    ca
}

fn text(out: &Output) -> String {
    format!(
        "{}\n--- stderr ---\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// D12: split-view swept from its two vantages gives two verdicts: inside
/// fails (the retired pool), outside works (the Edge): exit 1. After the
/// fix repairs the inside view both work: exit 0.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d12_split_view_inside_fails_outside_works_until_the_fix() {
    let lab = lab_with(&["split-view"]).await;
    let dir = tempfile::tempdir().unwrap();
    let ca = ca_file(&lab, &dir);
    let vantages: Vec<String> = lab
        .vantages("split-view")
        .into_iter()
        .map(|(label, addr)| format!("--vantage={label}={addr}"))
        .collect();
    assert_eq!(vantages.len(), 2, "{vantages:?}");

    let out = check(&lab, &ca, None, &vantages, "alice@splitview.test");
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(t.contains("── vantage inside"), "{t}");
    assert!(t.contains("── vantage outside"), "{t}");
    assert!(t.contains("✗ inside: Sign-in fails"), "{t}");
    assert!(t.contains("✓ outside: Sign-in works"), "{t}");
    assert!(
        t.contains(
            "record 1 (_sipinternaltls._tcp.splitview.test): inside unreachable, outside missing"
        ),
        "{t}"
    );
    assert!(
        t.contains("record 3 (_sip._tls.splitview.test): inside missing, outside found"),
        "{t}"
    );

    lab.apply_fix("split-view").await.unwrap();
    let out = check(&lab, &ca, None, &vantages, "alice@splitview.test");
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "{t}");
    assert!(t.contains("✓ inside: Sign-in works"), "{t}");
    assert!(t.contains("✓ outside: Sign-in works"), "{t}");
    lab.shutdown().await;
}

/// D11: stale-resolver. The client asks the lab's caching resolver; after
/// the fix edits the primary, `check --authoritative` through that resolver
/// still shows the old answer (rows unchanged, sign-in still fails) and flags
/// the row as differing from the zone's servers, naming its TTL.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d11_stale_resolver_row_flagged_with_its_ttl_after_the_fix() {
    let lab = lab_with(&["stale-resolver"]).await;
    let s = lab::scenario("stale-resolver").unwrap();
    assert!(s.authoritative());
    let dir = tempfile::tempdir().unwrap();
    let ca = ca_file(&lab, &dir);
    let vantages = lab.vantages("stale-resolver");
    let [(label, resolver)] = vantages.as_slice() else {
        panic!("one vantage: {vantages:?}");
    };
    let resolver = *resolver;
    assert_eq!(label, "resolver");
    assert_eq!(resolver, lab.caching_resolver_addr());
    let auth = ["--authoritative".to_string()];
    let address = "alice@stale.test";

    // Before the fix: the resolver (now holding the answer) agrees; sign-in fails.
    let out = check(&lab, &ca, Some(resolver), &auth, address);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(
        t.contains("The resolver agrees with what the zone publishes."),
        "{t}"
    );

    lab.apply_fix("stale-resolver").await.unwrap();
    let out = check(&lab, &ca, Some(resolver), &auth, address);
    let t = text(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the client still sees the old pool: {t}"
    );
    assert!(
        t.contains("ns.stale.test  127.0.255.1:53  serial 2  current"),
        "{t}"
    );
    let line = t
        .lines()
        .find(|l| l.contains("#1 _sipinternaltls._tcp.stale.test:"))
        .unwrap_or_else(|| panic!("row 1 flagged: {t}"));
    assert!(
        line.contains("the resolver still holds the old answer (0 0 5061 oldpool.stale.test)")
            && line.contains("the zone publishes 0 0 5061 pool.stale.test"),
        "{line}"
    );
    let ttl: u32 = line
        .split("for up to ")
        .nth(1)
        .and_then(|r| r.split(" s (its TTL)").next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a TTL on the row: {line}"));
    assert!(
        (1..=120).contains(&ttl),
        "the cached TTL, at most the record's 120 s: {line}"
    );

    // The JSON says the same: row 1 disagrees, the zone's answer is the new pool.
    let json = [auth[0].clone(), "--json".to_string()];
    let out = check(&lab, &ca, Some(resolver), &json, address);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["records"][0]["status"], "unreachable", "rows unchanged");
    assert_eq!(doc["records"][0]["authoritative"]["agrees"], false);
    assert_eq!(
        doc["records"][0]["authoritative"]["answer"][0],
        "0 0 5061 pool.stale.test"
    );

    // Asked directly, the primary has the edit: sign-in works.
    let out = check(&lab, &ca, Some(lab.dns_addr()), &auth, address);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "{t}");
    lab.shutdown().await;
}

/// D11: lagging-secondary. The lab starts ns2 with the scenario; after the
/// fix the authoritative comparison shows the primary at serial 2 and ns2
/// still at serial 1, lagging.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d11_lagging_secondary_reported_by_serial() {
    let lab = lab_with(&["lagging-secondary"]).await;
    let dir = tempfile::tempdir().unwrap();
    let ca = ca_file(&lab, &dir);
    let auth = ["--authoritative".to_string()];
    let address = "alice@lagging.test";
    assert!(
        lab.vantages("lagging-secondary").is_empty(),
        "swept through the primary"
    );

    let out = check(&lab, &ca, Some(lab.dns_addr()), &auth, address);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(
        t.contains("ns.lagging.test  127.0.255.1:53  serial 1  current"),
        "{t}"
    );
    assert!(
        t.contains("ns2.lagging.test  127.0.255.2:53  serial 1  current"),
        "{t}"
    );

    lab.apply_fix("lagging-secondary").await.unwrap();
    let out = check(&lab, &ca, Some(lab.dns_addr()), &auth, address);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "{t}");
    assert!(
        t.contains("ns.lagging.test  127.0.255.1:53  serial 2  current"),
        "{t}"
    );
    assert!(
        t.contains(
            "ns2.lagging.test  127.0.255.2:53  serial 1  lagging: serial 1, another server has 2"
        ),
        "{t}"
    );

    // A client whose resolver asks ns2 still cannot sign in.
    let ns2 = lab.secondary_addr().unwrap();
    let out = check(&lab, &ca, Some(ns2), &[], address);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    lab.shutdown().await;
}
