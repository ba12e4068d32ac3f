//! The discovery engine and `sipscope check` against the real lab: rules the
//! scenario files do not spell out, hostile servers, and the built binary's
//! JSON and exit codes.

use std::process::Output;
use std::time::Duration;

use sipscope::lab::{Lab, LabOptions, Scenario};
use sipscope::model::{DnsOutcome, Status, SweepReport};
use sipscope::probe::ResolverSpec;
use sipscope::sweep::{Sweep, SweepEvent, SweepSettings};
use support::lab::lab_with;

mod support;

async fn sweep(settings: SweepSettings) -> SweepReport {
    // A hang guard, not a speed assertion: a sweep that never ends fails here.
    tokio::time::timeout(
        Duration::from_secs(30),
        Sweep::prepare(settings).unwrap().run(None),
    )
    .await
    .expect("the sweep ended")
}

fn statuses(r: &SweepReport) -> Vec<Status> {
    r.records.iter().map(|r| r.status).collect()
}

// D4: a target that merely ends with the SIP domain's text is outside it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d4_lookalike_domain_is_rejected() {
    let scenario = Scenario::from_toml(
        "lookalike",
        r#"
name = "lookalike"
title = "t"
lesson = "l"
sip_address = "sip:alice@corp.test"
rules = ["D4"]
extra_zones = ["evilcorp.test"]
records = [
  { name = "_sipinternaltls._tcp", type = "SRV", ttl = 300, data = "0 0 5061 pool.evilcorp.test." },
  { name = "_sip._tls", type = "SRV", ttl = 300, data = "0 0 443 edge" },
]
[[hosts]]
name = "pool.evilcorp.test."
tls = [5061]
[[hosts]]
name = "edge"
tls = [443]
[expect.before]
rows = ["rejected", "missing", "found", "missing", "missing", "missing", "missing", "missing", "missing", "missing"]
selected = 3
signin = "ok"
"#,
    )
    .unwrap();
    let lab = Lab::start(vec![scenario], LabOptions::default())
        .await
        .unwrap();
    let report = sweep(lab.sweep_settings("sip:alice@corp.test").unwrap()).await;
    let row1 = report.record(1).unwrap();
    assert_eq!(row1.status, Status::Rejected, "{}", row1.detail);
    assert!(
        row1.detail
            .contains("pool.evilcorp.test is outside the SIP domain corp.test"),
        "{}",
        row1.detail
    );
    // The target is kept and shown, with its own status.
    assert_eq!(row1.targets.len(), 1);
    assert_eq!(row1.targets[0].status, Status::Rejected);
    assert_eq!(report.selected, Some(3));

    // TrustModelData widens the rule (D4 settings): the same answer is then used.
    let mut settings = lab.sweep_settings("sip:alice@corp.test").unwrap();
    settings.options.trust.trusted_domains = vec!["evilcorp.test".into()];
    let report = sweep(settings).await;
    assert_ne!(report.record(1).unwrap().status, Status::Rejected);
    assert_eq!(report.selected, Some(1));
}

// D8: SERVFAIL and REFUSED are dns-error, name the resolver, and are never missing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d8_refused_and_servfail_name_the_resolver() {
    let lab = lab_with(&["dns-failures"]).await;
    let address = lab.scenarios()[0].sip_address().to_string();
    let report = sweep(lab.sweep_settings(&address).unwrap()).await;
    let dns = lab.dns_addr().to_string();
    let outcomes: Vec<Option<DnsOutcome>> = report.records.iter().map(|r| r.dns).collect();
    assert!(
        outcomes.contains(&Some(DnsOutcome::ServFail)),
        "{outcomes:?}"
    );
    assert!(
        outcomes.contains(&Some(DnsOutcome::Refused)),
        "{outcomes:?}"
    );
    for r in report
        .records
        .iter()
        .filter(|r| r.status == Status::DnsError)
    {
        assert!(
            r.detail.contains(&format!("REFUSED by {dns}"))
                || r.detail.contains(&format!("SERVFAIL from {dns}")),
            "{}",
            r.detail
        );
    }
    assert!(
        report.verdict.summary.contains("DNS errors"),
        "{}",
        report.verdict.summary
    );
}

// D8: a resolver that never answers ends every row in dns-error within the timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d8_silent_resolver_is_dns_error_not_missing() {
    let lab = lab_with(&["healthy"]).await;
    let mut settings = lab.sweep_settings("sip:alice@healthy.test").unwrap();
    settings.options.resolvers = ResolverSpec::Servers(vec![lab.silent_dns_addr()]);
    settings.options.timeout = Duration::from_millis(300);
    let report = sweep(settings).await;
    assert!(
        statuses(&report).iter().all(|s| *s == Status::DnsError),
        "{:?}",
        statuses(&report)
    );
    let r = report.record(1).unwrap();
    assert_eq!(r.dns, Some(DnsOutcome::Timeout));
    assert!(r.detail.contains("timed out"), "{}", r.detail);
    assert_eq!(report.selected, None);
}

// D8: a TLS server that accepts but never speaks is unreachable after the timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d8_silent_tls_server_is_unreachable() {
    let lab = lab_with(&["hostile"]).await;
    let mut settings = lab.sweep_settings("sip:alice@hostile.test").unwrap();
    settings.options.timeout = Duration::from_millis(300);
    let report = sweep(settings).await;
    let r = report.record(1).unwrap();
    assert_eq!(r.status, Status::Unreachable);
    assert!(
        r.detail.contains("no TLS handshake within 300 ms"),
        "{}",
        r.detail
    );
    assert_eq!(report.record(3).unwrap().status, Status::DnsError);
}

// D11 + D5: TTLs are kept, targets carry priority/weight, certificates are shown.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d11_ttls_and_certificate_details_are_kept() {
    let lab = lab_with(&["healthy", "srv-priority", "cname-cert"]).await;
    let report = sweep(lab.sweep_settings("sip:alice@healthy.test").unwrap()).await;
    let r = report.record(1).unwrap();
    assert_eq!(r.ttl, Some(300));
    let t = r.used().unwrap();
    assert_eq!(
        (t.host.as_str(), t.port, t.priority),
        ("pool.healthy.test", 5061, Some(0))
    );
    let cert = t.certificate.as_ref().unwrap();
    assert!(
        cert.sans.contains(&"pool.healthy.test".to_string()),
        "{:?}",
        cert.sans
    );
    assert!(cert.trusted && cert.chain_len >= 1);
    assert!(
        t.dialed.is_some(),
        "the lab is reached through a dial override"
    );

    // D5: the lower priority number is tried first, and is the one that counts.
    let report = sweep(lab.sweep_settings("sip:alice@priority.test").unwrap()).await;
    let r = report.record(1).unwrap();
    let prios: Vec<Option<u16>> = r.targets.iter().map(|t| t.priority).collect();
    assert!(prios.windows(2).all(|w| w[0] <= w[1]), "{prios:?}");
    assert_eq!(r.targets.len(), 2);
    assert_eq!(r.used_target, Some(0));
    assert_eq!(r.status, r.targets[0].status);
    assert_eq!(
        r.targets[1].status,
        Status::Found,
        "the second target is probed and shown too"
    );

    // D6: the A row expects the queried name, not the CNAME target.
    let report = sweep(lab.sweep_settings("sip:alice@cname.test").unwrap()).await;
    let r = report.record(5).unwrap();
    assert_eq!(r.targets[0].cname_chain, ["sip.cname.test"]);
    assert_eq!(
        r.targets[0].certificate.as_ref().unwrap().expected_name,
        "sipinternal.cname.test"
    );
}

// Rows stream as they change; the sweep ends with the complete report.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sweep_streams_row_updates_then_finishes() {
    let lab = lab_with(&["healthy"]).await;
    let sweep = Sweep::prepare(lab.sweep_settings("sip:alice@healthy.test").unwrap()).unwrap();
    let (handle, mut rx) = sweep.spawn();
    let mut seen = Vec::new();
    let mut finished = None;
    while let Some(ev) = rx.recv().await {
        match ev {
            SweepEvent::Row(r) => seen.push((r.index, r.status)),
            SweepEvent::Finished(rep) => finished = Some(rep),
            SweepEvent::Log(_) => {}
        }
    }
    let report = handle.await.unwrap();
    assert!(seen.contains(&(1, Status::Querying)));
    assert!(seen.contains(&(1, Status::Probing)));
    assert!(seen.contains(&(1, Status::Found)));
    assert_eq!(*finished.unwrap(), report);
}

// A sweep can be cancelled: aborting the task ends it without waiting for the timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sweep_can_be_cancelled() {
    let lab = lab_with(&["healthy"]).await;
    let mut settings = lab.sweep_settings("sip:alice@healthy.test").unwrap();
    settings.options.resolvers = ResolverSpec::Servers(vec![lab.silent_dns_addr()]);
    settings.options.timeout = Duration::from_secs(20);
    let (handle, _rx) = Sweep::prepare(settings).unwrap().spawn();
    handle.abort();
    let ended = tokio::time::timeout(Duration::from_secs(5), handle)
        .await
        .expect("ended");
    assert!(ended.unwrap_err().is_cancelled());
}

fn run_check(lab: &Lab, ca: &std::path::Path, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_sipscope"))
        .arg("check")
        .args(lab.check_flags(ca))
        .args(args)
        .output()
        .expect("run sipscope")
}

// The built binary: all seven statuses through the real `check --json` path, and exit codes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_binary_json_and_exit_codes() {
    let names = [
        "healthy",
        "split-brain",
        "cname-cert",
        "untrusted-ca",
        "pool-down",
        "dns-failures",
        // D17: the status not-sip.
        "web-server-on-sip",
    ];
    let lab = lab_with(&names).await;
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("lab-ca.pem");
    std::fs::write(&ca, lab.ca_pem()).unwrap();

    let mut all = std::collections::HashSet::new();
    for scenario in lab.scenarios() {
        let address = scenario.sip_address().to_string();
        let out = tokio::task::block_in_place(|| run_check(&lab, &ca, &["--json", &address]));
        let report: SweepReport = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{address}: {e}\n{}", String::from_utf8_lossy(&out.stderr)));
        let want = if report.signin_ok() { 0 } else { 1 };
        assert_eq!(
            out.status.code(),
            Some(want),
            "{address}: {}",
            report.verdict.summary
        );
        let (before, _) = scenario.expectations();
        let got: Vec<&str> = report.records.iter().map(|r| r.status.label()).collect();
        let expected: Vec<&str> = before.rows.iter().map(|s| s.status.label()).collect();
        assert_eq!(got, expected, "{address}");
        assert_eq!(report.version, 1);
        assert_eq!(report.records.len(), 10);
        all.extend(report.records.iter().map(|r| r.status));
    }
    // D8: service-error is autodiscover's own (D13); tests/autodiscover.rs
    // covers it. skipped needs a profile that asks TCP only when allowed
    // (sfb, D3); tests/verdict_words.rs covers it.
    for st in Status::FINAL
        .into_iter()
        .filter(|s| !matches!(s, Status::ServiceError | Status::Skipped))
    {
        assert!(all.contains(&st), "no scenario produced {st}");
    }

    // The table names the selected row and ends with the verdict.
    let out = tokio::task::block_in_place(|| run_check(&lab, &ca, &["sip:alice@cname.test"]));
    let text = String::from_utf8_lossy(&out.stdout);
    let row5 = text
        .lines()
        .find(|l| l.contains("◀ client uses this"))
        .unwrap_or_default();
    assert!(
        row5.contains("sipinternal.cname.test") && row5.contains("cert-mismatch"),
        "{text}"
    );
    assert!(text.trim_end().ends_with('.'), "{text}");
    assert_eq!(out.status.code(), Some(1));

    // Bad input: one line, exit 2, no panic.
    for bad in [
        vec!["a@b@c.test"],
        vec!["--profile", "nope", "x.test"],
        vec!["--resolver", "dns", "x.test"],
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_sipscope"))
            .arg("check")
            .args(&bad)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{bad:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn demo_list_and_unknown_scenario() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sipscope"))
        .args(["demo", "--list"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0));
    for s in sipscope::lab::demo_scenarios().unwrap() {
        assert!(
            text.contains(s.name()) && text.contains(s.lesson()),
            "{}",
            s.name()
        );
    }
    assert!(
        !text.contains("hostile"),
        "hostile is for tests, not the demo list"
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sipscope"))
        .args(["demo", "nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown scenario 'nope'"));
}

// A server that answers the TLS hello with garbage ends the row, it never hangs or crashes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_tls_server_is_unreachable_with_reason() {
    use tokio::io::AsyncWriteExt;
    let lab = lab_with(&["healthy"]).await;
    let garbage = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let garbage_addr = garbage.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = garbage.accept().await {
            let noise: Vec<u8> = (0..4096u32).map(|i| (i * 7 + 13) as u8).collect();
            let _ = s.write_all(&noise).await;
        }
    });
    let mut settings = lab.sweep_settings("sip:alice@healthy.test").unwrap();
    let first = sweep(settings.clone()).await;
    let ip = first
        .record(1)
        .unwrap()
        .first_address()
        .unwrap()
        .parse()
        .unwrap();
    std::sync::Arc::make_mut(&mut settings.options.dial)
        .insert(std::net::SocketAddr::new(ip, 5061), garbage_addr);
    let report = sweep(settings).await;
    let r = report.record(1).unwrap();
    assert_eq!(r.status, Status::Unreachable, "{}", r.detail);
    assert!(r.detail.contains("TLS handshake failed"), "{}", r.detail);
    assert!(
        report.verdict.summary.contains("cannot connect"),
        "{}",
        report.verdict.summary
    );
}

// Issue #13 item 6: `--resolver` by host name is resolved once with the
// system resolver, and `check` says which address it asks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resolver_named_by_host_name_is_resolved_and_named() {
    let lab = lab_with(&["healthy"]).await;
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("lab-ca.pem");
    std::fs::write(&ca, lab.ca_pem()).unwrap();
    let port = lab.dns_addr().port();
    let mut flags = lab.check_flags(&ca);
    // The lab's DNS server, by the name every system knows for it.
    let at = flags.iter().position(|f| f == "--resolver").unwrap();
    flags[at + 1] = format!("localhost:{port}");
    let out = tokio::task::block_in_place(|| {
        std::process::Command::new(env!("CARGO_BIN_EXE_sipscope"))
            .arg("check")
            .args(&flags)
            .arg("alice@healthy.test")
            .output()
            .unwrap()
    });
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains(&format!("resolver localhost:{port} is 127.0.0.1:{port}")),
        "{err}"
    );
    lab.shutdown().await;
}

// Issue #13 item 3: `check --color always` colours the status cells and the
// verdict; piped output without it stays plain text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_colours_only_when_asked_or_on_a_terminal() {
    let lab = lab_with(&["healthy"]).await;
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("lab-ca.pem");
    std::fs::write(&ca, lab.ca_pem()).unwrap();
    let run = |extra: &[&str]| {
        tokio::task::block_in_place(|| {
            std::process::Command::new(env!("CARGO_BIN_EXE_sipscope"))
                .arg("check")
                .args(lab.check_flags(&ca))
                .args(extra)
                .arg("alice@healthy.test")
                .env_remove("NO_COLOR")
                .output()
                .unwrap()
        })
    };
    let coloured = String::from_utf8_lossy(&run(&["--color=always"]).stdout).into_owned();
    assert!(coloured.contains("\x1b[32m✓ found\x1b[0m"), "{coloured:?}");
    assert!(coloured.contains("\x1b[32mSign-in works"), "{coloured:?}");
    for plain in [run(&[]), run(&["--color=never"])] {
        let text = String::from_utf8_lossy(&plain.stdout);
        assert!(!text.contains('\x1b'), "{text:?}");
        assert!(text.contains("✓ found"), "{text}");
    }
    lab.shutdown().await;
}
