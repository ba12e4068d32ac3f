//! A sweep handed its own DNS source: the seam the engine's shared resolver
//! handles and the authoritative check build on (D11). Several vantages at
//! once are the engine's (tests/engine.rs).

use std::sync::Arc;
use std::time::Duration;

use sipscope::lab::{Lab, LabOptions, builtin_scenarios};
use sipscope::model::Signin;
use sipscope::probe::{Dns, ResolverSpec};
use sipscope::sweep::Sweep;

async fn lab() -> Lab {
    let scenarios = builtin_scenarios()
        .unwrap()
        .into_iter()
        .filter(|s| ["healthy", "cname-cert"].contains(&s.name()))
        .collect();
    Lab::start(scenarios, LabOptions::default()).await.unwrap()
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
