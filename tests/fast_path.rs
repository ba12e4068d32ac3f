//! Issue 12 item 7: an SRV answer's additional section lets the probes start
//! at once, but the sweep still asks the target's addresses afresh (D11) and
//! goes by the fresh answer when the two differ.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sipscope::lab::{Lab, LabOptions, builtin_scenarios};
use sipscope::model::Status;
use sipscope::probe::{AddrAnswer, Dns, DnsFailure, ResolverSpec, SrvAnswer};
use sipscope::sweep::{DnsSource, Sweep};

async fn healthy_lab() -> Lab {
    let s = builtin_scenarios()
        .unwrap()
        .into_iter()
        .filter(|s| s.name() == "healthy")
        .collect();
    Lab::start(s, LabOptions::default()).await.unwrap()
}

// The lab's authoritative server sends the SRV target's address along.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn srv_answers_carry_the_targets_addresses_as_hints() {
    let lab = healthy_lab().await;
    let dns = Dns::new(
        &ResolverSpec::Servers(vec![lab.dns_addr()]),
        Duration::from_secs(2),
    )
    .unwrap();
    let answer = dns.srv("_sipinternaltls._tcp.healthy.test").await.unwrap();
    let pool = lab
        .host_addr(&"pool.healthy.test.".parse().unwrap())
        .unwrap();
    assert_eq!(
        answer.hints.get("pool.healthy.test"),
        Some(&vec![std::net::IpAddr::V4(pool)])
    );
    lab.shutdown().await;
}

/// The lab's real DNS, with the additional section of every SRV answer
/// replaced by a stale address: what a server with an old glue record sends.
struct StaleHints(Dns);

#[async_trait]
impl DnsSource for StaleHints {
    async fn srv(&self, name: &str) -> Result<SrvAnswer, DnsFailure> {
        let mut answer = self.0.srv(name).await?;
        for ips in answer.hints.values_mut() {
            *ips = vec!["127.0.250.250".parse().unwrap()];
        }
        Ok(answer)
    }
    async fn addresses(&self, name: &str) -> Result<AddrAnswer, DnsFailure> {
        self.0.addresses(name).await
    }
    fn label(&self) -> String {
        DnsSource::label(&self.0)
    }
    fn servers(&self) -> Vec<String> {
        DnsSource::servers(&self.0)
    }
}

// D11: a hint that disagrees with the fresh answer is not believed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d11_the_fresh_answer_wins_over_a_stale_hint() {
    let lab = healthy_lab().await;
    let settings = lab.sweep_settings("alice@healthy.test").unwrap();
    let dns = Dns::new(
        &ResolverSpec::Servers(vec![lab.dns_addr()]),
        Duration::from_secs(2),
    )
    .unwrap();
    let sweep = Sweep::with_source(settings, Arc::new(StaleHints(dns))).unwrap();
    let report = tokio::time::timeout(Duration::from_secs(30), sweep.run(None))
        .await
        .expect("the sweep ended (hang guard)");
    let row = &report.records[0];
    assert_eq!(row.status, Status::Found, "{}", row.detail);
    let t = row.used().unwrap();
    assert!(
        t.probes.iter().all(|p| p.address != "127.0.250.250"),
        "{:?}",
        t.probes
    );
    lab.shutdown().await;
}
