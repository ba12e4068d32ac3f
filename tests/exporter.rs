//! `sipscope serve` over the in-process lab: /probe metrics, 400/403/503
//! rules, hostile query strings, `promtool check metrics` / `check rules`,
//! and a real Prometheus scraping it with examples/prometheus.yml adapted.
//! promtool and prometheus come from the Debian `prometheus` package
//! (`.ci/run` installs it); under CI a missing one fails the test.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sipscope::lab::Lab;
use support::bin::peak_kb;
use support::lab::lab_with;

mod support;

/// Whether `tool` runs; under CI its absence fails the test.
fn have(tool: &str) -> bool {
    let ok = Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok || std::env::var_os("CI").is_none(),
        "{tool} is not installed, and CI must run the exporter tests (.ci/run installs the prometheus package)"
    );
    if !ok {
        eprintln!("skipped: {tool} is not installed (apt-get install prometheus)");
    }
    ok
}

/// The exporter on a free loopback port; killed on drop.
struct Exporter {
    child: Child,
    addr: String,
    _dir: tempfile::TempDir,
}

impl Drop for Exporter {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn exporter(lab: &Lab, extra: &[&str]) -> Exporter {
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, lab.ca_pem()).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_sipscope"))
        .arg("serve")
        .args(["--listen", "127.0.0.1:0"])
        .args(lab.check_flags(&ca))
        .args(extra)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut addr = String::new();
    for _ in 0..20 {
        let mut line = String::new();
        if err.read_line(&mut line).unwrap() == 0 {
            break;
        }
        if let Some(rest) = line
            .trim()
            .strip_prefix("sipscope: exporter listening on http://")
        {
            addr = rest.trim_end_matches('/').to_string();
            break;
        }
    }
    assert!(
        !addr.is_empty(),
        "the exporter did not say where it listens"
    );
    // Keep draining stderr so the exporter never blocks on it.
    std::thread::spawn(move || std::io::copy(&mut err, &mut std::io::sink()));
    Exporter {
        child,
        addr,
        _dir: dir,
    }
}

/// A GET over a plain socket: (status, body).
fn get(addr: &str, path_and_query: &str, headers: &str) -> (u16, String) {
    let Ok(mut s) = TcpStream::connect(addr) else {
        return (0, String::new());
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(60)));
    let _ = write!(
        s,
        "GET {path_and_query} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{headers}\r\n"
    );
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).to_string();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|x| x.1.to_string())
        .unwrap_or_default();
    (status, body)
}

fn value(body: &str, series: &str) -> Option<f64> {
    body.lines()
        .find(|l| l.starts_with(series) && l[series.len()..].starts_with(' '))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn probe_metrics_status_codes_and_promtool() {
    let lab = lab_with(&["healthy", "pool-member-down", "no-records"]).await;
    let ex = tokio::task::block_in_place(|| exporter(&lab, &["--allow-domain", "*.test"]));
    let a = ex.addr.clone();
    let (ok, healthy, degraded, empty) = tokio::task::block_in_place(|| {
        (
            get(&a, "/", ""),
            get(&a, "/probe?target=sip%3Aalice%40healthy.test", ""),
            get(
                &a,
                "/probe?target=members.test",
                "X-Prometheus-Scrape-Timeout-Seconds: 9\r\n",
            ),
            get(&a, "/probe?target=empty.test", ""),
        )
    });
    assert_eq!(ok.0, 200);
    assert!(ok.1.contains("/probe?target="));
    assert_eq!(healthy.0, 200, "{}", healthy.1);
    let h = &healthy.1;
    assert_eq!(value(h, "probe_success"), Some(1.0), "{h}");
    assert_eq!(value(h, "sipscope_state{state=\"ok\"}"), Some(1.0), "{h}");
    assert_eq!(value(h, "sipscope_state{state=\"fail\"}"), Some(0.0), "{h}");
    assert!(value(h, "probe_duration_seconds").is_some(), "{h}");
    assert!(
        value(h, "probe_ssl_earliest_cert_expiry").unwrap_or(0.0) > 1.7e9,
        "{h}"
    );
    assert!(h.contains("sipscope_record_status{index=\"1\",name=\"_sipinternaltls._tcp.healthy.test\",type=\"SRV\",transport=\"TLS\",status=\"found\"} 1"), "{h}");
    assert!(h.contains("sipscope_client_signin{profile=\"sfb\"}"), "{h}");
    assert!(
        h.contains("sipscope_certificate_not_after_timestamp_seconds{host="),
        "{h}"
    );
    // D18: degraded still signs in.
    assert_eq!(
        value(&degraded.1, "probe_success"),
        Some(1.0),
        "{}",
        degraded.1
    );
    assert_eq!(
        value(&degraded.1, "sipscope_state{state=\"degraded\"}"),
        Some(1.0)
    );
    assert_eq!(value(&empty.1, "probe_success"), Some(0.0), "{}", empty.1);

    // Bad requests: one line, escaped; the allow-list; nothing crashes.
    let long = format!("/probe?target={}", "a".repeat(100_000));
    let cases: Vec<(String, u16)> = vec![
        ("/probe".into(), 400),
        ("/probe?target=a@b@c".into(), 400),
        ("/probe?target=healthy.test&profile=nope".into(), 400),
        ("/probe?target=healthy.test&vantage=nope".into(), 400),
        ("/probe?target=%1b%5b2J.test".into(), 400),
        ("/probe?target=%zz".into(), 400),
        ("/probe?target=contoso.com".into(), 403),
        ("/nope".into(), 404),
    ];
    for (path, want) in &cases {
        let (status, body) = tokio::task::block_in_place(|| get(&a, path, ""));
        assert_eq!(status, *want, "{path}: {body}");
        assert_eq!(body.trim_end().lines().count(), 1, "{path}: {body}");
        assert!(!body.contains('\x1b'), "{path}: {body}");
    }
    let (status, _) = tokio::task::block_in_place(|| get(&a, &long, ""));
    assert!(
        status == 0 || (400..500).contains(&status),
        "100 KB target: {status}"
    );
    // Still serving after all that.
    let (status, own) = tokio::task::block_in_place(|| get(&a, "/metrics", ""));
    assert_eq!(status, 200);
    assert!(
        own.contains("sipscope_exporter_probes_total{result=\"ok\"}"),
        "{own}"
    );
    assert!(
        own.contains("sipscope_exporter_probes_total{result=\"forbidden\"} 1"),
        "{own}"
    );
    // The classic text format unless OpenMetrics is asked for, as
    // Prometheus does; the exporter's own process metrics on Linux.
    assert!(
        own.contains("# TYPE sipscope_exporter_probes_total counter") && !own.contains("# EOF"),
        "{own}"
    );
    if cfg!(target_os = "linux") {
        assert!(own.contains("process_resident_memory_bytes "), "{own}");
        assert!(own.contains("process_open_fds "), "{own}");
    }
    let (_, om) = tokio::task::block_in_place(|| {
        get(
            &a,
            "/metrics",
            "Accept: application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.3\r\n",
        )
    });
    assert!(
        om.contains("# TYPE sipscope_exporter_probes counter") && om.ends_with("# EOF\n"),
        "{om}"
    );
    // debug=true: the check's text, for a human.
    let (_, debug) =
        tokio::task::block_in_place(|| get(&a, "/probe?target=healthy.test&debug=true", ""));
    assert!(debug.contains("Sign-in works"), "{debug}");

    if have("promtool") {
        // The /probe answers (issue 18) and /metrics, in the classic text
        // format a client that does not ask for OpenMetrics gets.
        for body in [h, &empty.1, &degraded.1, &own] {
            let mut lint = Command::new("promtool")
                .args(["check", "metrics"])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            lint.stdin
                .take()
                .unwrap()
                .write_all(body.as_bytes())
                .unwrap();
            let out = lint.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "promtool check metrics: {}{}\n{body}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let rules = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/alerts.yml");
        let out = Command::new("promtool")
            .args(["check", "rules", rules])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

// More probes than the limit: 503 at once, not a queue; the exporter lives.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn probes_over_the_limit_get_503() {
    let lab = lab_with(&["healthy"]).await;
    let ex = tokio::task::block_in_place(|| exporter(&lab, &["--max-in-flight", "1"]));
    let a = ex.addr.clone();
    let statuses: Vec<u16> = tokio::task::block_in_place(|| {
        let handles: Vec<_> = (0..12)
            .map(|_| {
                let a = a.clone();
                std::thread::spawn(move || get(&a, "/probe?target=healthy.test", "").0)
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 503),
        "{statuses:?}"
    );
    assert!(statuses.contains(&200), "{statuses:?}");
    let (status, _) = tokio::task::block_in_place(|| get(&a, "/metrics", ""));
    assert_eq!(status, 200);
}

// Hostile (issue 18 item 4): 10,000 idle connections at once. Over the
// bound (1,024) they are closed at accept, never queued; the exporter's
// memory stays bounded; once they go, it answers again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_connections_are_bounded_and_survived() {
    const FLOOD: usize = 10_000;
    let lab = lab_with(&["healthy"]).await;
    let mut ex = tokio::task::block_in_place(|| exporter(&lab, &[]));
    let a = ex.addr.clone();
    let (opened, open_after, peak) = tokio::task::block_in_place(|| {
        let mut held = Vec::new();
        for _ in 0..FLOOD {
            match TcpStream::connect(&a) {
                Ok(s) => held.push(s),
                // This process's own file limit (.ci/run raises it): test
                // with what it allows, which must still be over the bound.
                Err(e) if e.raw_os_error() == Some(24) => {
                    eprintln!(
                        "note: `ulimit -n` let this test open {} connections, not {FLOOD}",
                        held.len()
                    );
                    break;
                }
                Err(e) => panic!("connection {} failed: {e}", held.len() + 1),
            }
        }
        // The ones over the bound see the exporter close them; the rest
        // stay open (no bytes either way).
        let deadline = Instant::now() + Duration::from_secs(30);
        let open = loop {
            let open = held
                .iter_mut()
                .map(|s| {
                    s.set_nonblocking(true).unwrap();
                    let mut b = [0u8; 1];
                    matches!(s.read(&mut b), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
                })
                .filter(|open| *open)
                .count();
            if open <= 1024 || Instant::now() > deadline {
                break open;
            }
            std::thread::sleep(Duration::from_millis(200));
        };
        let peak = peak_kb(ex.child.id());
        let n = held.len();
        drop(held);
        (n, open, peak)
    });
    assert!(opened > 1024 + 100, "only {opened} connections opened");
    assert!(open_after <= 1024, "{open_after} connections left open");
    if cfg!(target_os = "linux") {
        assert!(peak < 128 * 1024, "exporter peak memory {peak} kB");
    }
    let status = tokio::task::block_in_place(|| {
        // A hang guard: the closed connections are noticed at once.
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let s = get(&a, "/probe?target=healthy.test", "").0;
            if s == 200 || Instant::now() > deadline {
                return s;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    });
    assert_eq!(status, 200);
    assert!(
        ex.child.try_wait().unwrap().is_none(),
        "the exporter exited"
    );
}

// Issue 18 item 4: a real Prometheus scrapes the exporter with the shipped
// configuration (ports and interval adapted) and sees probe_success 1 for a
// healthy domain and 0 for a failing one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_prometheus_scrapes_probe_success() {
    if !have("prometheus") {
        return;
    }
    let lab = lab_with(&["healthy", "no-records"]).await;
    let ex = tokio::task::block_in_place(|| exporter(&lab, &[]));
    let dir = tempfile::tempdir().unwrap();
    let shipped = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/prometheus.yml"
    ))
    .unwrap();
    let config = shipped
        .replace("127.0.0.1:15061", &ex.addr)
        .replace("scrape_interval: 60s", "scrape_interval: 1s")
        .replace("scrape_timeout: 20s", "scrape_timeout: 900ms")
        .replace(
            "          - contoso.com\n          - sip:alice@fabrikam.com",
            "          - healthy.test\n          - empty.test",
        )
        .replace("rule_files:\n  - alerts.yml\n", "");
    assert!(
        config.contains("healthy.test") && config.contains(&ex.addr),
        "{config}"
    );
    std::fs::write(dir.path().join("prometheus.yml"), &config).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let web = format!("127.0.0.1:{port}");
    let mut prom = Command::new("prometheus")
        .arg(format!(
            "--config.file={}",
            dir.path().join("prometheus.yml").display()
        ))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.path().join("data").display()
        ))
        .arg(format!("--web.listen-address={web}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // A hang guard, not a timing assertion.
    let deadline = Instant::now() + Duration::from_secs(90);
    let mut seen = String::new();
    let mut both = false;
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(500));
        let Ok(mut s) = TcpStream::connect(&web) else {
            continue;
        };
        let _ = write!(
            s,
            "GET /api/v1/query?query=probe_success HTTP/1.1\r\nHost: {web}\r\nConnection: close\r\n\r\n"
        );
        let mut raw = String::new();
        let _ = s.read_to_string(&mut raw);
        seen = raw
            .split_once("\r\n\r\n")
            .map(|x| x.1.to_string())
            .unwrap_or_default();
        let Some(json) = seen.find('{').map(|i| &seen[i..]) else {
            continue;
        };
        let Ok(v) =
            serde_json::from_str::<serde_json::Value>(json.trim_end_matches(|c: char| c != '}'))
        else {
            continue;
        };
        let results = v["data"]["result"].as_array().cloned().unwrap_or_default();
        let of = |instance: &str| {
            results
                .iter()
                .find(|r| r["metric"]["instance"] == instance)
                .and_then(|r| r["value"][1].as_str().map(str::to_string))
        };
        if of("healthy.test").as_deref() == Some("1") && of("empty.test").as_deref() == Some("0") {
            both = true;
            break;
        }
    }
    let _ = prom.kill();
    let _ = prom.wait();
    assert!(
        both,
        "Prometheus never saw probe_success 1 for healthy.test and 0 for empty.test: {seen}"
    );
}
