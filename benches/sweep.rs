//! Sweep wall time against the critical path, with every DNS answer delayed.
//!
//! The lab's DNS server delays each answer by DELAY. The critical path of the
//! healthy scenario is SRV answer → target address → TCP connect → TLS
//! handshake; every other query runs beside it. A sweep that asked the
//! queries one after another would take about (queries × DELAY) instead.
//!
//! The second figure (issue 10) sweeps the `autodiscover` scenario with the
//! `sfb` profile, every generation's rows included: its critical path is the
//! autodiscover row — address answer → connect → TLS → GET → the web
//! services host's address answer → connect → TLS.
//!
//! The third figure (issue 12) sweeps the healthy scenario as two vantages at
//! once (through the engine, as `check --vantage` does) against one sweep.
//!
//! The fourth figure (issue 12 item 7) is the additional-section fast path:
//! the healthy scenario's SRV answer carries the pool's address, so the
//! probes start at once and the row is streamed final (provisional) before
//! the fresh address answer. It measures the time to verdict (every row
//! final, the verdict decided, as the dashboard sees the Row events) and the
//! Finished time, each against one measured DNS round trip + connect + TLS.
//!
//! Run: `cargo bench --bench sweep` (prints the figures recorded in BENCHMARKS.md).

use std::time::{Duration, Instant};

use sipscope::lab::{Lab, LabOptions, builtin_scenarios};
use sipscope::plan::RowKind;
use sipscope::sweep::Sweep;

const DELAY: Duration = Duration::from_millis(100);
const RUNS: usize = 15;

/// A lab serving one built-in scenario with every DNS answer delayed by
/// DELAY, and the scenario's SIP address.
async fn delayed_lab(name: &str) -> (Lab, String) {
    let scenario = builtin_scenarios()
        .expect("scenarios")
        .into_iter()
        .find(|s| s.name() == name)
        .unwrap_or_else(|| panic!("no scenario {name}"));
    let address = scenario.sip_address().to_string();
    let lab = Lab::start(vec![scenario], LabOptions { dns_delay: DELAY })
        .await
        .expect("lab");
    (lab, address)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let (lab, address) = delayed_lab("healthy").await;

    let mut walls = Vec::new();
    let mut paths = Vec::new();
    let mut queries = 0;
    for _ in 0..RUNS {
        let sweep =
            Sweep::prepare(lab.sweep_settings(&address).expect("settings")).expect("prepare");
        let started = Instant::now();
        let report = sweep.run(None).await;
        let wall = started.elapsed().as_secs_f64() * 1000.0;
        assert!(
            report.signin_ok(),
            "healthy scenario must sign in: {}",
            report.verdict.summary
        );
        // Critical path: the SRV answer and the target's address each cost one
        // delayed answer; connect and handshake are measured by the probe.
        let row = report.record(1).expect("row 1");
        let t = row.used().expect("used target");
        let probe_ms = (t.timings.connect_ms.unwrap_or(0) + t.timings.tls_ms.unwrap_or(0)) as f64;
        paths.push(2.0 * DELAY.as_secs_f64() * 1000.0 + probe_ms);
        walls.push(wall);
        // Distinct names asked: SRV names, distinct A names, SRV targets.
        let mut names: Vec<&str> = report.records.iter().map(|r| r.name.as_str()).collect();
        names.sort();
        names.dedup();
        queries = names.len()
            + report
                .records
                .iter()
                .filter(|r| r.kind == RowKind::Srv)
                .map(|r| r.targets.len())
                .sum::<usize>();
    }
    lab.shutdown().await;
    report_healthy(walls, paths, queries);
    sfb_autodiscover().await;
    two_vantages().await;
    fast_path().await;
}

/// Issue 12 item 7: time to verdict and Finished time of the healthy sweep,
/// the SRV answer's additional section naming the pool, against the critical
/// path of one DNS round trip + connect + TLS of the selected target.
async fn fast_path() {
    use sipscope::sweep::{PROVISIONAL_NOTE, SweepEvent};
    let (lab, address) = delayed_lab("healthy").await;
    let (mut verdicts, mut finishes, mut paths, mut rtts) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let sweep =
            Sweep::prepare(lab.sweep_settings(&address).expect("settings")).expect("prepare");
        let mut shown = sweep.initial_report();
        let started = Instant::now();
        let (handle, mut rx) = sweep.spawn();
        // When the dashboard's rows were last all final with a decided
        // verdict (a row going back to probing resets it), and that verdict.
        let mut decided: Option<(f64, sipscope::model::Verdict, bool)> = None;
        let mut finished = None;
        while let Some(event) = rx.recv().await {
            let at = started.elapsed().as_secs_f64() * 1000.0;
            match event {
                SweepEvent::Row(row) => {
                    if let Some(slot) = shown.records.iter_mut().find(|r| r.index == row.index) {
                        *slot = row;
                    }
                    shown.decide();
                    let settled = shown.records.iter().all(|r| !r.status.in_flight())
                        && shown.verdict.signin != sipscope::model::Signin::Undecided;
                    if !settled {
                        decided = None;
                    } else if decided.is_none() {
                        let provisional = shown
                            .records
                            .iter()
                            .any(|r| r.warnings.iter().any(|w| w == PROVISIONAL_NOTE));
                        decided = Some((at, shown.verdict.clone(), provisional));
                    }
                }
                SweepEvent::Finished(report) => finished = Some((at, report)),
                SweepEvent::Log(_) => {}
            }
        }
        let report = handle.await.expect("sweep task");
        let (finish_ms, finished) = finished.expect("Finished");
        let (verdict_ms, verdict, provisional) = decided.expect("a decided verdict");
        assert!(report.signin_ok(), "{}", report.verdict.summary);
        assert_eq!(
            verdict, finished.verdict,
            "the early verdict is the final one"
        );
        assert!(
            provisional,
            "the verdict came from a provisional row (hints used)"
        );
        // One DNS round trip, as measured by the sweep: the selected target's
        // fresh address query through the delayed server.
        let row = report.record(1).expect("row 1");
        let t = row.used().expect("used target");
        let rtt = t.timings.dns_ms.expect("address query timed") as f64;
        let probe_ms = (t.timings.connect_ms.unwrap_or(0) + t.timings.tls_ms.unwrap_or(0)) as f64;
        verdicts.push(verdict_ms);
        finishes.push(finish_ms);
        paths.push(rtt + probe_ms);
        rtts.push(rtt);
    }
    lab.shutdown().await;
    let (verdict, finish) = (median(verdicts.clone()), median(finishes.clone()));
    let (path, rtt) = (median(paths), median(rtts));
    println!(
        "fast-path benchmark: healthy scenario, SRV answer with the pool's address in its additional section, every DNS answer delayed {} ms, {RUNS} runs",
        DELAY.as_millis()
    );
    println!(
        "  time to verdict  median {verdict:7.1} ms   (min {:.1}, max {:.1})",
        verdicts.iter().cloned().fold(f64::MAX, f64::min),
        verdicts.iter().cloned().fold(0.0, f64::max)
    );
    println!(
        "  Finished         median {finish:7.1} ms   (min {:.1}, max {:.1})",
        finishes.iter().cloned().fold(f64::MAX, f64::min),
        finishes.iter().cloned().fold(0.0, f64::max)
    );
    println!(
        "  critical path    median {path:7.1} ms   (1 DNS round trip, measured median {rtt:.1} ms, + connect + TLS)"
    );
    println!(
        "  ratio            {:.2}x the critical path to verdict (target ≤ 1.15x); Finished {:.2}x (waits for the fresh answer, D11)",
        verdict / path,
        finish / path
    );
}

/// Issue 12 (D12): two vantages swept at once against one sweep alone,
/// both through the engine (`check --vantage` does the same).
async fn two_vantages() {
    use sipscope::config::Vantage;
    use sipscope::engine::{CheckRequest, Engine};
    let (lab, address) = delayed_lab("healthy").await;
    let one = lab.engine_settings().expect("settings");
    let mut two = one.clone();
    two.vantages = ["inside", "outside"]
        .iter()
        .map(|label| Vantage {
            label: label.to_string(),
            resolvers: one.options.resolvers.clone(),
        })
        .collect();
    let (one, two) = tokio::task::spawn_blocking(move || {
        (
            Engine::new(one).expect("engine"),
            Engine::new(two).expect("engine"),
        )
    })
    .await
    .expect("built");
    let request = CheckRequest::parse(&address).expect("address");
    let (mut singles, mut pairs) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let started = Instant::now();
        assert!(one.check(&request, None).await.signin_ok());
        singles.push(started.elapsed().as_secs_f64() * 1000.0);

        let started = Instant::now();
        let result = two.check(&request, None).await;
        assert_eq!(result.vantages.len(), 2);
        assert!(result.signin_ok());
        pairs.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    lab.shutdown().await;
    let (single, pair) = (median(singles), median(pairs));
    println!(
        "vantage benchmark: healthy scenario as 2 vantages at once vs 1 sweep, every DNS answer delayed {} ms, {RUNS} runs",
        DELAY.as_millis()
    );
    println!("  one sweep      median {single:7.1} ms");
    println!("  two vantages   median {pair:7.1} ms");
    println!(
        "  ratio          {:.2}x one sweep (target ≤ 1.1x)",
        pair / single
    );
}

fn report_healthy(walls: Vec<f64>, paths: Vec<f64>, queries: usize) {
    let wall = median(walls.clone());
    let path = median(paths);
    let sequential = queries as f64 * DELAY.as_secs_f64() * 1000.0;
    println!(
        "sweep benchmark: healthy scenario, every DNS answer delayed {} ms, {RUNS} runs",
        DELAY.as_millis()
    );
    println!(
        "  wall time      median {wall:7.1} ms   (min {:.1}, max {:.1})",
        walls.iter().cloned().fold(f64::MAX, f64::min),
        walls.iter().cloned().fold(0.0, f64::max)
    );
    println!("  critical path  median {path:7.1} ms   (2 delayed answers + connect + TLS)");
    println!(
        "  ratio          {:.2}x the critical path (target ≤ 1.25x)",
        wall / path
    );
    println!(
        "  one-by-one     ≥ {sequential:.0} ms for the {queries} distinct queries asked in turn ({:.1}x this sweep)",
        sequential / wall
    );
}

/// Issue 10: an sfb sweep (autodiscover rows, every generation's rows beside
/// them) through a DNS server delaying every answer by DELAY.
async fn sfb_autodiscover() {
    let (lab, address) = delayed_lab("autodiscover").await;
    let mut walls = Vec::new();
    let mut paths = Vec::new();
    for _ in 0..RUNS {
        let mut settings = lab.sweep_settings(&address).expect("settings");
        settings.options.profile = sipscope::plan::profile("sfb").expect("sfb");
        settings.options.allow_tcp = false;
        let sweep = Sweep::prepare(settings).expect("prepare");
        let started = Instant::now();
        let report = sweep.run(None).await;
        let wall = started.elapsed().as_secs_f64() * 1000.0;
        assert!(report.signin_ok(), "{}", report.verdict.summary);
        // The slowest row's own path: each of its hosts costs one delayed
        // address answer plus its connect and handshake; the HTTP exchange
        // is inside the row's time beyond those.
        let path = report
            .records
            .iter()
            .map(|r| {
                let hosts = r.targets.len().max(1) as f64;
                let probes: u64 = r
                    .targets
                    .iter()
                    .map(|t| t.timings.connect_ms.unwrap_or(0) + t.timings.tls_ms.unwrap_or(0))
                    .sum();
                let dns = if r.kind == RowKind::Srv {
                    hosts + 1.0
                } else {
                    hosts
                };
                dns * DELAY.as_secs_f64() * 1000.0 + probes as f64
            })
            .fold(0.0, f64::max);
        walls.push(wall);
        paths.push(path);
    }
    lab.shutdown().await;
    let wall = median(walls.clone());
    let path = median(paths);
    println!(
        "sfb benchmark: autodiscover scenario, profile sfb (+ every generation's rows), every DNS answer delayed {} ms, {RUNS} runs",
        DELAY.as_millis()
    );
    println!(
        "  wall time      median {wall:7.1} ms   (min {:.1}, max {:.1})",
        walls.iter().cloned().fold(f64::MAX, f64::min),
        walls.iter().cloned().fold(0.0, f64::max)
    );
    println!(
        "  critical path  median {path:7.1} ms   (slowest row: its delayed answers + connects + TLS)"
    );
    println!(
        "  ratio          {:.2}x the critical path (target ≤ 1.25x)",
        wall / path
    );
}
