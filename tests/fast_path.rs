//! Issue 12 item 7: an SRV answer's additional section lets the probes start
//! at once, but the sweep still asks the target's addresses afresh (D11) and
//! goes by the fresh answer when the two differ.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sipscope::lab::{Lab, LabOptions, builtin_scenarios};
use sipscope::model::{RecordResult, Signin, Status, SweepReport};
use sipscope::probe::{AddrAnswer, Dns, DnsFailure, ResolverSpec, SrvAnswer};
use sipscope::sweep::{DnsSource, PROVISIONAL_NOTE, Sweep, SweepEvent};
use tokio::sync::Semaphore;
use tokio::sync::mpsc::Receiver;

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

/// The lab's real DNS, holding back the fresh address answer of one name
/// until the test opens the gate; the SRV answers' additional sections are
/// passed on as sent, or replaced by a stale address.
struct Gated {
    dns: Dns,
    held: &'static str,
    gate: Arc<Semaphore>,
    stale_hints: bool,
}

impl Gated {
    fn new(lab: &Lab, held: &'static str, stale_hints: bool) -> (Gated, Arc<Semaphore>) {
        let dns = Dns::new(
            &ResolverSpec::Servers(vec![lab.dns_addr()]),
            Duration::from_secs(2),
        )
        .unwrap();
        let gate = Arc::new(Semaphore::new(0));
        let gated = Gated {
            dns,
            held,
            gate: gate.clone(),
            stale_hints,
        };
        (gated, gate)
    }
}

#[async_trait]
impl DnsSource for Gated {
    async fn srv(&self, name: &str) -> Result<SrvAnswer, DnsFailure> {
        let mut answer = self.dns.srv(name).await?;
        if self.stale_hints {
            for ips in answer.hints.values_mut() {
                *ips = vec![STALE.parse().unwrap()];
            }
        }
        Ok(answer)
    }
    async fn addresses(&self, name: &str) -> Result<AddrAnswer, DnsFailure> {
        if name.trim_end_matches('.').eq_ignore_ascii_case(self.held) {
            // Each waiter takes the permit and gives it back: one opens all.
            let _permit = self.gate.acquire().await.unwrap();
        }
        self.dns.addresses(name).await
    }
    fn label(&self) -> String {
        DnsSource::label(&self.dns)
    }
    fn servers(&self) -> Vec<String> {
        DnsSource::servers(&self.dns)
    }
}

const STALE: &str = "127.0.250.250";
const POOL: &str = "pool.healthy.test";
/// Bound on any wait in these tests (a hang guard, not a timing assertion).
const GUARD: Duration = Duration::from_secs(20);

/// Receives until row `index` arrives with a final status, recording every
/// event; panics if the sweep finishes first.
async fn until_final_row(
    rx: &mut Receiver<SweepEvent>,
    index: usize,
    seen: &mut Vec<SweepEvent>,
) -> RecordResult {
    loop {
        let event = rx.recv().await.expect("the sweep is still running");
        seen.push(event.clone());
        match event {
            SweepEvent::Row(r) if r.index == index && !r.status.in_flight() => return r,
            SweepEvent::Finished(_) => panic!("the sweep finished before row {index} was final"),
            _ => {}
        }
    }
}

async fn until_finished(rx: &mut Receiver<SweepEvent>, seen: &mut Vec<SweepEvent>) {
    while let Some(event) = rx.recv().await {
        let last = matches!(event, SweepEvent::Finished(_));
        seen.push(event);
        if last {
            return;
        }
    }
    panic!("the sweep ended without a Finished event");
}

/// Plays the Row events onto the initial report as the dashboard does
/// (replace the row, `decide()`), checking the verdict agrees with the rows
/// at every step; the last step must be the Finished report itself.
fn replay(mut report: SweepReport, events: &[SweepEvent]) {
    let mut finished = None;
    for event in events {
        match event {
            SweepEvent::Row(row) => {
                let slot = report
                    .records
                    .iter_mut()
                    .find(|r| r.index == row.index)
                    .expect("a streamed row is a row of the report");
                *slot = row.clone();
                report.decide();
                let selected = report.selected.and_then(|i| report.record(i));
                match report.verdict.signin {
                    Signin::Ok => assert_eq!(selected.map(|r| r.status), Some(Status::Found)),
                    Signin::Fail => assert!(
                        report.records.iter().all(|r| !r.status.in_flight())
                            || selected.is_some_and(|r| !r.status.in_flight()),
                        "a failing verdict rests on final rows: {}",
                        report.verdict.summary
                    ),
                    Signin::Undecided => {}
                }
            }
            SweepEvent::Finished(r) => finished = Some(r.clone()),
            SweepEvent::Log(_) => {}
        }
    }
    let finished = finished.expect("Finished");
    assert_eq!(
        report.records, finished.records,
        "the rows streamed last are the report's"
    );
    assert_eq!(report.selected, finished.selected);
    assert_eq!(report.verdict, finished.verdict);
}

fn position(seen: &[SweepEvent], what: impl Fn(&SweepEvent) -> bool) -> usize {
    seen.iter().position(what).expect("event present")
}

fn is_finished(e: &SweepEvent) -> bool {
    matches!(e, SweepEvent::Finished(_))
}

fn row_log(index: usize) -> impl Fn(&SweepEvent) -> bool {
    let prefix = format!("#{index} SRV ");
    move |e| matches!(e, SweepEvent::Log(l) if l.text.starts_with(&prefix) && !l.text.contains("stale"))
}

// D11 + issue 12 item 7: with the hints matching, row 1's verdict shows
// while the fresh address answer is still held back (provisional), and the
// fresh answer, asked all the same, then confirms it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d11_matching_hints_show_the_row_before_the_fresh_answer_then_confirm_it() {
    let lab = healthy_lab().await;
    let settings = lab.sweep_settings("alice@healthy.test").unwrap();
    let (dns, gate) = Gated::new(&lab, POOL, false);
    let sweep = Sweep::with_source(settings, Arc::new(dns)).unwrap();
    let initial = sweep.initial_report();
    let (handle, mut rx) = sweep.spawn();
    let mut seen = Vec::new();
    let first = tokio::time::timeout(GUARD, until_final_row(&mut rx, 1, &mut seen))
        .await
        .expect("row 1 is final while the fresh answer for the pool is held back");
    assert_eq!(first.status, Status::Found, "{}", first.detail);
    assert!(
        first.warnings.iter().any(|w| w == PROVISIONAL_NOTE),
        "{:?}",
        first.warnings
    );
    let t = first.used().unwrap();
    assert_eq!(t.ttl, None, "no fresh answer yet, so no address TTL");
    // The dashboard's verdict is already decided on it.
    let mut shown = initial.clone();
    replay_rows(&mut shown, &seen);
    assert!(shown.signin_ok(), "{}", shown.verdict.summary);

    gate.add_permits(1);
    tokio::time::timeout(GUARD, until_finished(&mut rx, &mut seen))
        .await
        .expect("the sweep ends once the fresh answer is in (hang guard)");
    let report = handle.await.unwrap();

    let provisional = position(
        &seen,
        |e| matches!(e, SweepEvent::Row(r) if r.index == 1 && !r.status.in_flight()),
    );
    let confirmed = seen
        .iter()
        .rposition(|e| matches!(e, SweepEvent::Row(r) if r.index == 1))
        .unwrap();
    assert!(provisional < confirmed);
    assert!(confirmed < position(&seen, row_log(1)));
    assert!(position(&seen, row_log(1)) < position(&seen, is_finished));
    let SweepEvent::Row(last) = &seen[confirmed] else {
        unreachable!()
    };
    assert_eq!(last.status, Status::Found);
    assert!(!last.warnings.iter().any(|w| w == PROVISIONAL_NOTE));
    assert!(last.used().unwrap().ttl.is_some(), "the fresh answer's TTL");
    assert!(
        !seen
            .iter()
            .any(|e| matches!(e, SweepEvent::Log(l) if l.text.contains("stale"))),
        "matching hints are not stale"
    );
    assert_eq!(report.records[0], *last);
    assert!(report.signin_ok());
    replay(initial, &seen);
    lab.shutdown().await;
}

fn replay_rows(report: &mut SweepReport, events: &[SweepEvent]) {
    for e in events {
        if let SweepEvent::Row(row) = e
            && let Some(slot) = report.records.iter_mut().find(|r| r.index == row.index)
        {
            *slot = row.clone();
        }
    }
    report.decide();
}

// D11 + issue 12 item 7: stale hints give a provisional row first; the
// fresh answer differs, so its addresses are probed, the corrected row is
// streamed, a log line says the additional section was stale, and the
// Finished report goes by the fresh answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d11_stale_hints_are_reconciled_with_the_fresh_answer() {
    let lab = healthy_lab().await;
    let pool = lab
        .host_addr(&"pool.healthy.test.".parse().unwrap())
        .unwrap()
        .to_string();
    let settings = lab.sweep_settings("alice@healthy.test").unwrap();
    let (dns, gate) = Gated::new(&lab, POOL, true);
    let sweep = Sweep::with_source(settings, Arc::new(dns)).unwrap();
    let initial = sweep.initial_report();
    let (handle, mut rx) = sweep.spawn();
    let mut seen = Vec::new();
    let first = tokio::time::timeout(GUARD, until_final_row(&mut rx, 1, &mut seen))
        .await
        .expect("row 1 is final (from the stale hint) while the fresh answer is held back");
    assert!(first.warnings.iter().any(|w| w == PROVISIONAL_NOTE));
    assert_eq!(first.used().unwrap().addresses, vec![STALE.to_string()]);
    assert_ne!(first.status, Status::Found, "nothing listens on {STALE}");

    gate.add_permits(1);
    tokio::time::timeout(GUARD, until_finished(&mut rx, &mut seen))
        .await
        .expect("the sweep ends (hang guard)");
    let report = handle.await.unwrap();

    let row = &report.records[0];
    assert_eq!(row.status, Status::Found, "{}", row.detail);
    assert!(!row.warnings.iter().any(|w| w == PROVISIONAL_NOTE));
    let t = row.used().unwrap();
    assert_eq!(t.addresses, vec![pool.clone()]);
    assert!(t.probes.iter().all(|p| p.address == pool), "{:?}", t.probes);
    assert!(report.signin_ok(), "{}", report.verdict.summary);

    let stale_log = position(&seen, |e| {
        matches!(e, SweepEvent::Log(l) if l.text.contains("stale")
            && l.text.contains(STALE) && l.text.contains(&pool)
            && l.text.contains("reconciled") && l.text.contains("D11"))
    });
    let provisional = position(
        &seen,
        |e| matches!(e, SweepEvent::Row(r) if r.index == 1 && !r.status.in_flight()),
    );
    // Between the provisional row and the corrected one the row is probing
    // again: the verdict is undecided, not the stale one.
    let reprobing = provisional
        + position(
            &seen[provisional..],
            |e| matches!(e, SweepEvent::Row(r) if r.index == 1 && r.status == Status::Probing),
        );
    assert!(provisional < reprobing && reprobing < stale_log);
    assert!(stale_log < position(&seen, is_finished));
    replay(initial, &seen);
    lab.shutdown().await;
}
