//! The engine (issue 17): one target or many through one engine, against the
//! in-process lab. D19: many targets give exactly what single checks give,
//! in bounded concurrency, pulling the input lazily, with input positions.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::StreamExt;
use sipscope::engine::{CheckRequest, Engine, EngineEvent};
use sipscope::lab::{Lab, LabOptions, builtin_scenarios};
use sipscope::model::{Signin, SweepReport};
use sipscope::{SweepEvent, config::Vantage};

async fn lab() -> Lab {
    let scenarios = builtin_scenarios()
        .unwrap()
        .into_iter()
        .filter(|s| ["healthy", "cname-cert", "dns-failures"].contains(&s.name()))
        .collect();
    Lab::start(scenarios, LabOptions::default()).await.unwrap()
}

/// Building is blocking work: off the async threads, as a frontend does.
async fn engine(settings: sipscope::EngineSettings) -> Engine {
    tokio::task::spawn_blocking(move || Engine::new(settings).unwrap())
        .await
        .unwrap()
}

/// The report without what varies from run to run (times, timings).
fn judged(report: &SweepReport) -> serde_json::Value {
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                map.retain(|k, _| !k.ends_with("_ms") && k != "started_at");
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut v = serde_json::to_value(report).unwrap();
    strip(&mut v);
    v
}

const ADDRESSES: [&str; 3] = ["alice@healthy.test", "bob@cname.test", "carol@dnsfail.test"];

fn requests(n: usize) -> impl Iterator<Item = CheckRequest> + Send {
    (0..n).map(|i| CheckRequest::parse(ADDRESSES[i % ADDRESSES.len()]).unwrap())
}

// D19: every result comes once, under its input position, and is exactly
// what a single check of that target gives (no answer shared between them).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d19_check_many_gives_positions_and_single_check_results() {
    let lab = lab().await;
    let engine = engine(lab.engine_settings().unwrap()).await;
    let mut single = Vec::new();
    for address in ADDRESSES {
        let r = engine
            .check(&CheckRequest::parse(address).unwrap(), None)
            .await;
        single.push(judged(r.report().unwrap()));
    }
    // The three scenarios end differently: the comparison can fail.
    assert_ne!(single[0], single[1]);
    assert_ne!(single[1], single[2]);
    let n = 9;
    let mut seen = vec![0; n];
    let mut results = engine.check_many(requests(n), 4);
    while let Some((i, result)) = results.next().await {
        seen[i] += 1;
        assert_eq!(result.target.input, ADDRESSES[i % 3]);
        assert_eq!(
            judged(result.report().unwrap()),
            single[i % 3],
            "target {i} ({})",
            ADDRESSES[i % 3]
        );
    }
    assert_eq!(seen, vec![1; n]);
    lab.shutdown().await;
}

// D19: the input is pulled only when a slot is free (lazy), and no more
// than `limit` checks are ever in flight.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d19_check_many_is_lazy_and_bounded() {
    let lab = lab().await;
    let engine = engine(lab.engine_settings().unwrap()).await;
    let pulled = Arc::new(AtomicUsize::new(0));
    let counter = pulled.clone();
    let input = requests(12).inspect(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    let limit = 3;
    let mut results = engine.check_many(input, limit);
    // Nothing is pulled before the stream is polled.
    assert_eq!(pulled.load(Ordering::SeqCst), 0);
    let mut received = 0;
    while results.next().await.is_some() {
        received += 1;
        let ahead = pulled.load(Ordering::SeqCst) - received;
        assert!(ahead < limit, "{ahead} pulled ahead of a limit of {limit}");
        assert!(engine.checks_in_flight() <= limit);
    }
    assert_eq!(received, 12);
    let peak = engine.peak_checks_in_flight();
    assert!(peak <= limit, "peak {peak} over the limit {limit}");
    assert!(peak > 1, "the checks ran one at a time");
    assert_eq!(engine.checks_in_flight(), 0);
    lab.shutdown().await;
}

// D19: the ordered form yields in input order whatever finishes first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d19_check_many_ordered_follows_the_input() {
    let lab = lab().await;
    let engine = engine(lab.engine_settings().unwrap()).await;
    let order: Vec<usize> = engine
        .check_many_ordered(requests(7), 3)
        .map(|(i, r)| {
            assert_eq!(r.target.input, ADDRESSES[i % 3]);
            i
        })
        .collect()
        .await;
    assert_eq!(order, (0..7).collect::<Vec<_>>());
    lab.shutdown().await;
}

// D12 through the engine: each vantage streams its own events and gets its
// own verdict; a request may pick some vantages only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d12_vantages_stream_their_own_events() {
    let lab = lab().await;
    let mut settings = lab.engine_settings().unwrap();
    let good = settings.options.resolvers.clone();
    let dead = sipscope::probe::ResolverSpec::Servers(vec![lab.silent_dns_addr()]);
    settings.options.timeout = Duration::from_millis(400);
    settings.vantages = vec![
        Vantage {
            label: "inside".into(),
            resolvers: good,
        },
        Vantage {
            label: "dead".into(),
            resolvers: dead,
        },
    ];
    let engine = engine(settings).await;
    assert_eq!(engine.vantage_labels(), ["inside", "dead"]);
    let (tx, mut rx) = tokio::sync::mpsc::channel(4);
    let request = CheckRequest::parse("alice@healthy.test").unwrap();
    let check = engine.check(&request, Some(tx));
    let mut rows = [0usize; 2];
    let mut finished = [None, None];
    let watch = async {
        while let Some(event) = rx.recv().await {
            match event {
                EngineEvent::Sweep {
                    vantage,
                    event: SweepEvent::Row(_),
                } => rows[vantage] += 1,
                EngineEvent::Sweep {
                    vantage,
                    event: SweepEvent::Finished(r),
                } => finished[vantage] = Some(r.verdict.signin),
                _ => {}
            }
        }
    };
    let (result, ()) = tokio::time::timeout(Duration::from_secs(30), async {
        futures::join!(check, watch)
    })
    .await
    .expect("the check ended (hang guard)");
    assert_eq!(finished, [Some(Signin::Ok), Some(Signin::Fail)]);
    assert!(rows[0] >= 10 && rows[1] >= 10, "{rows:?}");
    assert_eq!(result.vantages.len(), 2);
    assert_eq!(result.vantages[1].label, "dead");
    assert!(!result.signin_ok());

    let mut only = request.clone();
    only.vantages = Some(vec![engine.vantage_index("inside").unwrap()]);
    let result = engine.check(&only, None).await;
    assert_eq!(result.vantages.len(), 1);
    assert_eq!(result.vantages[0].label, "inside");
    assert!(result.signin_ok());
    lab.shutdown().await;
}

// A request may name another profile; the engine's own stays as it was.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_can_override_the_profile() {
    let lab = lab().await;
    let engine = engine(lab.engine_settings().unwrap()).await;
    let mut request = CheckRequest::parse("alice@healthy.test").unwrap();
    let sfb = engine.profile("SFB").unwrap().clone();
    assert_ne!(engine.options().profile.name, sfb.name);
    request.profile = Some(sfb.clone());
    let result = engine.check(&request, None).await;
    assert_eq!(result.report().unwrap().profile, sfb.name);
    let plain = engine
        .check(&CheckRequest::parse("alice@healthy.test").unwrap(), None)
        .await;
    assert_eq!(
        plain.report().unwrap().profile,
        engine.options().profile.name
    );
    assert!(engine.profile("no-such-profile").is_none());
    lab.shutdown().await;
}

// D19: one resolver handle (the engine's, shared by every check) lets at
// most its bound of queries out at once (MAX_IN_FLIGHT unless set; a small
// one here, so that no datagram is lost on the way); the rest wait.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d19_queries_per_resolver_are_bounded() {
    use sipscope::probe::dns::MAX_IN_FLIGHT;
    use sipscope::probe::{Dns, ResolverSpec};
    // A DNS server that counts the distinct questions it gets (a resolver
    // may send one twice) and never answers.
    let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let addr = socket.local_addr().unwrap();
    let received = Arc::new(AtomicUsize::new(0));
    let count = received.clone();
    let server = tokio::spawn(async move {
        let mut buf = [0u8; 512];
        let mut seen = std::collections::HashSet::new();
        while let Ok((n, _)) = socket.recv_from(&mut buf).await {
            // The question section follows the 12-byte header.
            if n > 12 && seen.insert(buf[12..n].to_vec()) {
                count.store(seen.len(), Ordering::SeqCst);
            }
        }
    });
    let dns = Dns::new(&ResolverSpec::Servers(vec![addr]), Duration::from_secs(20)).unwrap();
    assert_eq!(dns.free_slots(), MAX_IN_FLIGHT);
    const BOUND: usize = 48;
    let dns = dns.with_in_flight(BOUND);
    let asked = BOUND + 20;
    let queries: Vec<_> = (0..asked)
        .map(|i| {
            let dns = dns.clone();
            tokio::spawn(async move { dns.srv(&format!("_sip._tls.d{i}.test")).await })
        })
        .collect();
    // Hang guard: the first BOUND reach the server.
    tokio::time::timeout(Duration::from_secs(15), async {
        while received.load(Ordering::SeqCst) < BOUND {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the first queries were sent");
    assert_eq!(dns.free_slots(), 0);
    // Give the waiting ones every chance to go out: they must not.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(received.load(Ordering::SeqCst), BOUND);
    assert!(queries.iter().all(|q| !q.is_finished()));
    for q in queries {
        q.abort();
    }
    server.abort();
}

// D19: the engine's resolver handles take the configured bound
// (`--dns-in-flight`), not a fixed one.
#[test]
fn d19_the_resolver_bound_is_the_configured_one() {
    use sipscope::engine::{Engine, EngineSettings};
    use sipscope::probe::ResolverSpec;
    let mut options = sipscope::sweep::SweepOptions::new(
        sipscope::plan::profile("ocs2007").unwrap(),
        ResolverSpec::Servers(vec!["127.0.0.1:53".parse().unwrap()]),
    );
    options.system_roots = false;
    assert_eq!(options.dns_in_flight, sipscope::probe::dns::MAX_IN_FLIGHT);
    options.dns_in_flight = 7;
    let engine = Engine::new(EngineSettings::new(options)).unwrap();
    assert_eq!(engine.vantage_dns_slots(0), Some(7));
    assert_eq!(engine.vantage_dns_slots(1), None);
}
