//! Autodiscover through the real binary and against hostile web servers
//! (issue 10; D7, D8 service-error, D13). The scenario files cover the
//! statuses per profile; this file covers `check --profile sfb|mobile`, the
//! clients summary in JSON and text, and what hostile endpoints do.

use std::net::SocketAddr;
use std::process::Output;
use std::time::Duration;

use sipscope::lab::{Lab, LabOptions, Scenario};
use sipscope::model::{Signin, Status, SweepReport};
use sipscope::sweep::Sweep;
use support::lab::lab_with;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

mod support;

fn check(lab: &Lab, ca: &std::path::Path, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_sipscope"))
        .arg("check")
        .args(lab.check_flags(ca))
        .args(args)
        .output()
        .expect("run sipscope")
}

fn json(out: &Output) -> SweepReport {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}\n{}", String::from_utf8_lossy(&out.stderr));
    })
}

// D13/D7 through the built binary: the selected row and verdict per profile,
// exit codes, and every generation's verdict in JSON and text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d13_check_profile_sfb_and_mobile_through_the_binary() {
    let lab = lab_with(&[
        "autodiscover-proxy-404",
        "autodiscover-unpublished",
        "mixed-estate",
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("lab-ca.pem");
    std::fs::write(&ca, lab.ca_pem()).unwrap();
    let run = |args: &[&str]| tokio::task::block_in_place(|| check(&lab, &ca, args));

    // D13: the proxy's 404 is used; sfb does not fall back to the working SRV.
    let out = run(&["--profile", "sfb", "--json", "sip:alice@adproxy.test"]);
    let r = json(&out);
    assert_eq!(out.status.code(), Some(1), "{}", r.verdict.summary);
    assert_eq!(r.selected, Some(2));
    let row = r.record(2).unwrap();
    assert_eq!(row.status, Status::ServiceError);
    let http = row.http.as_ref().expect("the http object");
    assert_eq!(http.status_code, Some(404));
    assert!(http.content_type.as_deref().unwrap_or("").contains("html"));
    assert_eq!(http.hops.len(), 1);
    assert!(
        r.verdict.summary.contains("does not fall back"),
        "{}",
        r.verdict.summary
    );
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(value["records"][1]["kind"], "autodiscover");
    assert_eq!(value["records"][1]["transport"], "https");
    assert_eq!(value["records"][1]["port"], 443);
    assert_eq!(value["records"][1]["status"], "service-error");
    let clients = value["clients"].as_array().unwrap();
    let names: Vec<&str> = clients
        .iter()
        .map(|c| c["profile"].as_str().unwrap())
        .collect();
    assert_eq!(names, sipscope::plan::profile_names());
    assert_eq!(clients[0]["signin"], "ok", "OC 2007 uses the SRV record");

    // D13: mobile has no fallback.
    let out = run(&["--profile", "mobile", "--json", "sip:alice@adnone.test"]);
    let r = json(&out);
    assert_eq!((out.status.code(), r.selected), (Some(1), None));
    assert!(
        r.verdict.summary.contains("never falls back"),
        "{}",
        r.verdict.summary
    );
    let sfb = r.clients.iter().find(|c| c.profile == "sfb").unwrap();
    assert_eq!(
        sfb.signin,
        Signin::Ok,
        "sfb falls back to SRV: {}",
        sfb.summary
    );

    // Mixed estate, text: the table, the generations, then the verdict.
    let out = run(&["--profile", "sfb", "sip:alice@mixed.test"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("Every client generation:"), "{text}");
    assert!(
        text.contains("Office Communicator 2007: row 5 sipinternal TLS ✗"),
        "{text}"
    );
    assert!(
        text.contains("Skype for Business: row 1 lyncdiscoverinternal HTTPS ✓"),
        "{text}"
    );
    assert!(text.trim_end().ends_with('.'), "{text}");

    // The old profiles are unchanged: ten rows, the default profile.
    let out = run(&["--json", "sip:alice@mixed.test"]);
    let r = json(&out);
    assert_eq!((r.records.len(), r.selected), (10, Some(5)));
    lab.shutdown().await;
}

/// A web server that does something hostile with every connection.
async fn hostile_server(behaviour: &'static str) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf).await;
                match behaviour {
                    "huge" => {
                        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.microsoft.rtc.autodiscover+json; v=1\r\nContent-Length: 10000000\r\n\r\n{\"_links\":{";
                        let _ = s.write_all(head.as_bytes()).await;
                        let chunk = vec![b' '; 64 * 1024];
                        for _ in 0..160 {
                            if s.write_all(&chunk).await.is_err() {
                                break;
                            }
                        }
                    }
                    "garbage" => {
                        let _ = s.write_all(b"\x16\x03\x01SSH-2.0-not-http\r\n\r\n").await;
                    }
                    "deep" => {
                        let body = format!("{}{}", "[".repeat(50_000), "]".repeat(50_000));
                        let head = format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                            body.len()
                        );
                        let _ = s.write_all(head.as_bytes()).await;
                        let _ = s.write_all(body.as_bytes()).await;
                    }
                    _ => tokio::time::sleep(Duration::from_secs(60)).await, // silent
                }
            });
        }
    });
    addr
}

// D8/D13: hostile endpoints answer, but not with a document: service-error,
// within the step timeout, never a hang or a panic.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d8_hostile_web_servers_are_service_errors_within_the_timeout() {
    let scenario = Scenario::from_toml(
        "hostile-web",
        r#"
name = "hostile-web"
title = "t"
lesson = "l"
sip_address = "sip:alice@hostileweb.test"
rules = ["D13"]
[[hosts]]
name = "lyncdiscoverinternal"
http = [80]
[[expect.before]]
profile = "mobile"
rows = ["unreachable", "service-error", "missing", "missing"]
selected = 2
signin = "fail"
"#,
    )
    .unwrap();
    let lab = Lab::start(vec![scenario], LabOptions::default())
        .await
        .unwrap();
    let ip = lab
        .host_addr(&"lyncdiscoverinternal.hostileweb.test.".parse().unwrap())
        .unwrap();
    let nominal = SocketAddr::new(ip.into(), 80);
    for behaviour in ["huge", "garbage", "deep", "silent"] {
        let mut settings = lab.sweep_settings("sip:alice@hostileweb.test").unwrap();
        settings.options.profile = sipscope::plan::profile("mobile").unwrap();
        settings.options.timeout = Duration::from_millis(800);
        std::sync::Arc::make_mut(&mut settings.options.dial)
            .insert(nominal, hostile_server(behaviour).await);
        let started = std::time::Instant::now();
        let report = tokio::time::timeout(
            Duration::from_secs(20),
            Sweep::prepare(settings).unwrap().run(None),
        )
        .await
        .expect("the sweep ends");
        let row = report.record(2).unwrap();
        assert_eq!(
            row.status,
            Status::ServiceError,
            "{behaviour}: {}",
            row.detail
        );
        assert_eq!(
            report.selected,
            Some(2),
            "{behaviour}: D13 the answering row is used"
        );
        assert!(started.elapsed() < Duration::from_secs(10), "{behaviour}");
    }
    lab.shutdown().await;
}
