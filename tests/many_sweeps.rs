//! Several keyed sweeps at once (domain × vantage) against the real lab, and
//! a sweep handed its own DNS source: the seams the split-brain view and the
//! authoritative check build on (D11, D12).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use sipscope::lab::{Lab, LabOptions, builtin_scenarios};
use sipscope::model::Signin;
use sipscope::probe::{Dns, ResolverSpec};
use sipscope::sweep::{KeyedEvent, Sweep, SweepEvent, run_many};

async fn lab() -> Lab {
    let scenarios = builtin_scenarios()
        .unwrap()
        .into_iter()
        .filter(|s| ["healthy", "cname-cert"].contains(&s.name()))
        .collect();
    Lab::start(scenarios, LabOptions::default()).await.unwrap()
}

// D12: each key gets its own events and its own verdict; a sweep that cannot
// start reports why under its key and does not stop the others.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d12_keyed_sweeps_stream_their_own_events() {
    let lab = lab().await;
    let healthy = Sweep::prepare(lab.sweep_settings("alice@healthy.test").unwrap())
        .map_err(|e| e.to_string());
    let broken =
        Sweep::prepare(lab.sweep_settings("alice@cname.test").unwrap()).map_err(|e| e.to_string());
    let jobs = vec![
        ("healthy", healthy),
        ("cname", broken),
        ("refused", Err("cannot read CA file x.pem".to_string())),
    ];
    let (_set, mut rx) = run_many(jobs, 1);
    let mut verdicts = BTreeMap::new();
    let mut rows = BTreeMap::<&str, usize>::new();
    let mut failed = Vec::new();
    let collect = async {
        while let Some(event) = rx.recv().await {
            match event {
                KeyedEvent::Event(key, SweepEvent::Finished(report)) => {
                    verdicts.insert(key, report.verdict.signin);
                }
                KeyedEvent::Event(key, SweepEvent::Row(_)) => *rows.entry(key).or_default() += 1,
                KeyedEvent::Event(_, SweepEvent::Log(_)) => {}
                KeyedEvent::Failed(key, why) => failed.push((key, why)),
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(30), collect)
        .await
        .expect("every sweep ended (hang guard)");
    assert_eq!(verdicts.get("healthy"), Some(&Signin::Ok));
    assert_eq!(verdicts.get("cname"), Some(&Signin::Fail));
    assert!(rows["healthy"] >= 10 && rows["cname"] >= 10, "{rows:?}");
    assert_eq!(
        failed,
        [("refused", "cannot read CA file x.pem".to_string())]
    );
    lab.shutdown().await;
}

// D11: a sweep asks the DNS source it is handed, not the one its options name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d11_a_sweep_asks_the_source_it_is_handed() {
    let lab = lab().await;
    let mut settings = lab.sweep_settings("alice@healthy.test").unwrap();
    // The options point at a server that does not exist …
    settings.options.resolvers = ResolverSpec::Servers(vec!["127.0.0.1:9".parse().unwrap()]);
    settings.options.timeout = Duration::from_millis(300);
    // … but the handed source is the lab's DNS server.
    let source = Dns::new(
        &ResolverSpec::Servers(vec![lab.dns_addr()]),
        Duration::from_secs(2),
    )
    .unwrap();
    let sweep = Sweep::with_source(settings, Arc::new(source)).unwrap();
    let report = tokio::time::timeout(Duration::from_secs(30), sweep.run(None))
        .await
        .expect("the sweep ended");
    assert_eq!(
        report.verdict.signin,
        Signin::Ok,
        "{}",
        report.verdict.summary
    );
    assert_eq!(report.resolvers, [lab.dns_addr().to_string()]);
    lab.shutdown().await;
}
