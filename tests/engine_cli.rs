//! Issue 21 items 6 and 7 through the real binary: the number of vantages
//! is capped with a one-line usage error naming where they came from, and
//! an authoritative lookup that cannot run is a finding printed with the
//! document, the exit code following the sign-in verdict (D11, D12).

mod support;

/// `sipscope ARGS` in `home`, its output.
fn sipscope(home: &std::path::Path, args: &[&str]) -> Output {
    support::bin::sipscope(home).args(args).output().unwrap()
}

use std::process::Output;

/// A port on loopback where no DNS server answers.
const DEAD: &str = "127.0.0.1:9";

fn vantage_tables(n: usize) -> String {
    (0..n)
        .map(|i| format!("[[vantage]]\nlabel = \"v{i}\"\nresolvers = [\"{DEAD}\"]\n\n"))
        .collect()
}

// 21.6: 100 [[vantage]] tables with a dead resolver are refused at once,
// one line naming the limit and the config file; 17 --vantage too.
#[test]
fn d12_too_many_vantages_is_one_usage_line() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("many.toml");
    std::fs::write(&config, vantage_tables(100)).unwrap();
    let cfg = config.to_str().unwrap();
    let out = sipscope(
        home.path(),
        &[
            "check",
            "--config",
            cfg,
            "--timeout-ms",
            "300",
            "a@contoso.test",
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("[[vantage]]") && err.contains("100") && err.contains("at most 16"),
        "{err}"
    );
    assert!(out.stdout.is_empty());

    let many: Vec<String> = (0..17).map(|i| format!("--vantage=v{i}={DEAD}")).collect();
    let mut args = vec!["check", "--timeout-ms", "300"];
    args.extend(many.iter().map(String::as_str));
    args.push("a@contoso.test");
    let out = sipscope(home.path(), &args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("--vantage") && err.contains("at most 16"),
        "{err}"
    );
}

// 21.6: at the cap, every vantage is swept (at once) and reported; the dead
// resolver makes each one fail, so the exit code is 1.
#[test]
fn d12_vantages_at_the_cap_are_all_swept() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("sixteen.toml");
    std::fs::write(&config, vantage_tables(16)).unwrap();
    let cfg = config.to_str().unwrap();
    let out = sipscope(
        home.path(),
        &[
            "check",
            "--config",
            cfg,
            "--timeout-ms",
            "300",
            "--json",
            "a@contoso.test",
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let labels: Vec<&str> = doc["vantages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["label"].as_str().unwrap())
        .collect();
    let wanted: Vec<String> = (0..16).map(|i| format!("v{i}")).collect();
    assert_eq!(labels, wanted);
}

// 21.7 (D11): dead name servers: the sweep's document is printed, its
// authoritative part names the server that failed and how, and the exit
// code is the sign-in verdict's (1), not a runtime error (3).
#[test]
fn d11_failed_authoritative_lookup_is_a_finding() {
    let home = tempfile::tempdir().unwrap();
    let base = [
        "check",
        "--authoritative",
        "--resolver",
        DEAD,
        "--timeout-ms",
        "300",
        "--no-system-roots",
    ];
    let mut args = base.to_vec();
    args.push("alice@contoso.test");
    let out = sipscope(home.path(), &args);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("Sign-in fails"), "{text}");
    assert!(
        text.contains("Authoritative servers of zone contoso.test"),
        "{text}"
    );
    let line = text
        .lines()
        .find(|l| l.contains("the authoritative check could not run"))
        .unwrap_or_else(|| panic!("no failed server named: {text}"));
    assert!(
        line.contains(DEAD) && line.contains("NS query for contoso.test failed"),
        "{line}"
    );
    assert!(
        text.contains("nothing was compared") && !text.contains("agrees"),
        "{text}"
    );

    let mut args = base.to_vec();
    args.extend(["--json", "alice@contoso.test"]);
    let out = sipscope(home.path(), &args);
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["verdict"]["signin"], "fail");
    let server = &doc["authoritative"]["servers"][0];
    assert_eq!(server["address"], DEAD, "{doc}");
    assert!(
        server["status"].as_str().unwrap().contains("could not run"),
        "{doc}"
    );
    assert!(doc["records"][0]["authoritative"].is_null(), "{doc}");
}
