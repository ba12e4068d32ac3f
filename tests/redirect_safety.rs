//! Issue 21.1 through the real binary (D13 "where a redirect or link may
//! lead"): a hostile domain's autodiscover answer points at loopback ports;
//! a listener standing where those links lead (through the lab's dial
//! overrides, as every lab address is reached) must accept nothing, and each
//! row says why in `check --json`. With `--allow-port` the same listener is
//! reached, which proves it would have seen a connection.

use std::net::SocketAddr;
use std::process::Output;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;
use sipscope::lab::Lab;
use support::lab::lab_with;
use tokio::net::TcpListener;

mod support;

/// A listener that counts the connections it accepts (and drops them).
async fn counting_listener() -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let counted = count.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            drop(stream);
        }
    });
    (addr, count)
}

struct Run {
    out: Output,
    doc: Value,
}

impl Run {
    fn row(&self, i: usize) -> &Value {
        &self.doc["records"][i]
    }

    fn reason(&self, i: usize) -> &str {
        self.row(i)["reason"].as_str().unwrap_or("")
    }

    fn detail(&self, i: usize) -> &str {
        self.row(i)["detail"].as_str().unwrap_or("")
    }
}

/// `check --json --profile mobile ADDRESS` against the lab, with the hostile
/// links' nominal addresses dialled to `trap`.
fn check(
    lab: &Lab,
    ca: &std::path::Path,
    trap: SocketAddr,
    extra: &[&str],
    env: &[(&str, &str)],
    address: &str,
) -> Run {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_sipscope"));
    c.arg("check")
        .args(lab.check_flags(ca))
        .args([
            format!("--dial=127.0.0.1:9={trap}"),
            format!("--dial=127.0.0.1:8443={trap}"),
        ])
        .args(["--json", "--profile", "mobile"])
        .args(extra)
        .arg(address)
        .env_remove("SIPSCOPE_ALLOW_PORT")
        .env_remove("SIPSCOPE_CONFIG")
        .env("HOME", ca.parent().unwrap())
        .env("XDG_CONFIG_HOME", ca.with_file_name("config"));
    for (k, v) in env {
        c.env(k, v);
    }
    let out = tokio::task::block_in_place(|| c.output().expect("run sipscope"));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}\n{}", String::from_utf8_lossy(&out.stderr));
    });
    Run { out, doc }
}

// D13: redirects to http://localhost:9/admin (a downgrade from HTTPS; port 9
// from HTTP) and to https://loop.<d>:8443 (A 127.0.0.1) are not followed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d13_hostile_redirects_dial_nothing_and_say_why() {
    let lab = lab_with(&["autodiscover-hostile-redirect"]).await;
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("lab-ca.pem");
    std::fs::write(&ca, lab.ca_pem()).unwrap();
    let (trap, count) = counting_listener().await;

    let r = check(&lab, &ca, trap, &[], &[], "sip:alice@adhostile.test");
    assert_eq!(
        count.load(Ordering::SeqCst),
        0,
        "a hostile redirect was dialled"
    );
    assert_eq!(r.out.status.code(), Some(1), "{}", r.doc);
    for i in 0..4 {
        assert_eq!(r.row(i)["status"], "service-error", "{}", r.row(i));
    }
    assert_eq!(r.reason(0), "https-downgrade", "{}", r.row(0));
    assert!(
        r.detail(0)
            .starts_with("the redirect to http://localhost:9/admin?x=1")
            && r.detail(0)
                .contains("goes from HTTPS down to plain HTTP: not followed"),
        "{}",
        r.detail(0)
    );
    assert_eq!(r.reason(1), "port-not-allowed", "{}", r.row(1));
    assert!(
        r.detail(1)
            .starts_with("the redirect to http://localhost:9/admin?x=1")
            && r.detail(1).contains("uses port 9: not followed"),
        "{}",
        r.detail(1)
    );
    for i in [2, 3] {
        assert_eq!(r.reason(i), "port-not-allowed", "{}", r.row(i));
        assert!(
            r.detail(i)
                .starts_with("the redirect to https://loop.adhostile.test:8443/admin?x=1")
                && r.detail(i).contains("uses port 8443: not followed"),
            "{}",
            r.detail(i)
        );
    }
    // The refused target is named, rejected, with the nominal address and
    // nothing dialled; the hop list holds only the request really made.
    let target = r.row(1)["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["host"] == "localhost")
        .expect("the redirect's target");
    assert_eq!(target["status"], "rejected", "{target}");
    assert_eq!(target["reason"], "port-not-allowed");
    assert!(target["dialed"].is_null(), "{target}");
    assert_eq!(r.row(1)["http"]["hops"].as_array().unwrap().len(), 1);
    assert!(
        r.doc["verdict"]["summary"]
            .as_str()
            .unwrap()
            .contains("localhost:9"),
        "{}",
        r.doc["verdict"]
    );

    // The same listener is reached once a port is allowed (the environment
    // layer here): it would have counted a hostile dial. A downgrade stays
    // refused whatever the port.
    let r = check(
        &lab,
        &ca,
        trap,
        &[],
        &[("SIPSCOPE_ALLOW_PORT", "9,8443")],
        "sip:alice@adhostile.test",
    );
    assert!(
        count.load(Ordering::SeqCst) > 0,
        "the trap saw no connection"
    );
    assert_eq!(r.reason(0), "https-downgrade", "{}", r.row(0));
    for i in 1..4 {
        assert_ne!(r.reason(i), "port-not-allowed", "{}", r.row(i));
    }
    lab.shutdown().await;
}

// D13: a root document whose user link is https://loop.<d>:9/ (A 127.0.0.1):
// the web services host gets no ClientHello; --allow-port 9 lets it through.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d13_hostile_user_link_gets_no_client_hello() {
    let lab = lab_with(&["autodiscover-hostile-link"]).await;
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("lab-ca.pem");
    std::fs::write(&ca, lab.ca_pem()).unwrap();
    let (trap, count) = counting_listener().await;

    let r = check(&lab, &ca, trap, &[], &[], "sip:alice@adlink.test");
    assert_eq!(
        count.load(Ordering::SeqCst),
        0,
        "the hostile user link was contacted"
    );
    assert_eq!(r.out.status.code(), Some(1), "{}", r.doc);
    for i in [0, 1] {
        assert_eq!(r.row(i)["status"], "service-error", "{}", r.row(i));
        assert_eq!(r.reason(i), "port-not-allowed", "{}", r.row(i));
        assert!(
            r.detail(i)
                .contains("the user link https://loop.adlink.test:9/")
                && r.detail(i).contains("not contacted"),
            "{}",
            r.detail(i)
        );
    }

    let r = check(
        &lab,
        &ca,
        trap,
        &["--allow-port", "9"],
        &[],
        "sip:alice@adlink.test",
    );
    assert!(
        count.load(Ordering::SeqCst) > 0,
        "the trap saw no connection"
    );
    assert_ne!(r.reason(0), "port-not-allowed", "{}", r.row(0));
    lab.shutdown().await;
}
