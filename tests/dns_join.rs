//! D19: identical questions in flight at the same moment are sent once and
//! take one slot of the resolver's bound; an answered question is asked
//! afresh next time (D11); a question nobody waits for any more gives its
//! slot back. Against real UDP servers on loopback.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use sipscope::probe::DnsFailure;
use sipscope::probe::{Dns, ResolverSpec};

/// A DNS server that counts the datagrams it gets and the distinct
/// questions among them (a resolver may send one twice), and after `delay`
/// answers each with NXDOMAIN (`None`: never answers).
async fn server(delay: Option<Duration>) -> (std::net::SocketAddr, Counts) {
    let socket = Arc::new(tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap());
    let addr = socket.local_addr().unwrap();
    let counts = Counts::default();
    let (datagrams, questions) = (counts.datagrams.clone(), counts.questions.clone());
    tokio::spawn(async move {
        let mut buf = [0u8; 512];
        let mut seen = std::collections::HashSet::new();
        while let Ok((n, from)) = socket.recv_from(&mut buf).await {
            datagrams.fetch_add(1, Ordering::SeqCst);
            // The question section follows the 12-byte header.
            if n > 12 && seen.insert(buf[12..n].to_vec()) {
                questions.store(seen.len(), Ordering::SeqCst);
            }
            let Some(delay) = delay else { continue };
            // The query itself, turned into a response: QR and RA set,
            // RCODE 3 (NXDOMAIN); question and OPT record echoed.
            let mut reply = buf[..n].to_vec();
            reply[2] |= 0x80;
            reply[3] = (reply[3] & 0x70) | 0x80 | 3;
            let socket = socket.clone();
            tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                let _ = socket.send_to(&reply, from).await;
            });
        }
    });
    (addr, counts)
}

#[derive(Clone, Default)]
struct Counts {
    datagrams: Arc<AtomicUsize>,
    questions: Arc<AtomicUsize>,
}

impl Counts {
    fn datagrams(&self) -> usize {
        self.datagrams.load(Ordering::SeqCst)
    }
    fn questions(&self) -> usize {
        self.questions.load(Ordering::SeqCst)
    }
}

async fn wait_for(what: &str, done: impl Fn() -> bool) {
    tokio::time::timeout(Duration::from_secs(15), async {
        while !done() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("timed out waiting for {what}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d19_identical_questions_in_flight_take_one_slot_and_give_it_back() {
    let (addr, received) = server(None).await;
    let received = move || received.questions();
    let dns = Dns::new(&ResolverSpec::Servers(vec![addr]), Duration::from_secs(20))
        .unwrap()
        .with_in_flight(8)
        .with_joined_questions();
    // 30 checks of one domain ask the same name; two others ask their own.
    let mut names = vec!["_sip._tls.same.test".to_string(); 30];
    names.extend(["_sip._tls.a.test".into(), "_sip._tls.b.test".into()]);
    let tasks: Vec<_> = names
        .into_iter()
        .map(|name| {
            let dns = dns.clone();
            tokio::spawn(async move { dns.srv(&name).await })
        })
        .collect();
    wait_for("three questions", || received() >= 3).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(received(), 3, "a joined question went out again");
    assert_eq!(dns.questions_in_flight(), 3);
    assert_eq!(dns.free_slots(), 8 - 3);
    // Nobody waits any more (an exporter probe cut off by its deadline):
    // the slots come back, nothing is left in flight.
    for t in &tasks {
        t.abort();
    }
    wait_for("the slots back", || dns.free_slots() == 8).await;
    assert_eq!(dns.questions_in_flight(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d19_joined_questions_share_the_answer_and_an_answered_one_is_asked_afresh() {
    let (addr, received) = server(Some(Duration::from_millis(300))).await;
    let dns = Dns::new(&ResolverSpec::Servers(vec![addr]), Duration::from_secs(5))
        .unwrap()
        .with_joined_questions();
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let dns = dns.clone();
            tokio::spawn(async move { dns.srv("_sip._tls.gone.test").await })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap_err(), DnsFailure::NxDomain);
    }
    // Ten lookups, one question (sent once, or twice at most by the library).
    let first = received.datagrams();
    assert!(
        (1..=2).contains(&first),
        "{first} datagrams for one question"
    );
    assert_eq!(dns.questions_in_flight(), 0);
    // D11: the next check asks again; nothing was kept.
    assert_eq!(
        dns.srv("_sip._tls.gone.test").await.unwrap_err(),
        DnsFailure::NxDomain
    );
    assert!(received.datagrams() > first, "the answer was kept");
}

// The audit and the exporter build their engine with joined questions;
// `check` and the dashboard do not (a re-run must not join a question its
// cancelled predecessor sent before the user's DNS edit). Five checks of
// one domain against a server that never answers: joined, they hold the
// slots of one check; not joined, five times as many.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d19_only_an_engine_that_asks_for_it_joins_questions() {
    use sipscope::engine::{CheckRequest, Engine, EngineSettings};
    let (addr, _) = server(None).await;
    let used = |join: bool| async move {
        let mut options = sipscope::sweep::SweepOptions::new(
            sipscope::plan::profile("sfb").unwrap(),
            ResolverSpec::Servers(vec![addr]),
        );
        options.system_roots = false;
        options.timeout = Duration::from_secs(20);
        let mut settings = EngineSettings::new(options);
        settings.join_questions = join;
        let engine = Arc::new(Engine::new(settings).unwrap());
        let all = engine.vantage_dns_slots(0).unwrap();
        let checks: Vec<_> = (0..5)
            .map(|i| {
                let engine = engine.clone();
                let request = CheckRequest::parse(&format!("sip:user{i}@same.test")).unwrap();
                tokio::spawn(async move { engine.check(&request, None).await })
            })
            .collect();
        // Every check's first questions go out at once; then nothing moves.
        let mut last = usize::MAX;
        loop {
            tokio::time::sleep(Duration::from_millis(300)).await;
            let now = engine.vantage_dns_slots(0).unwrap();
            if now == last {
                break;
            }
            last = now;
        }
        for c in &checks {
            c.abort();
        }
        all - last
    };
    let joined = used(true).await;
    let apart = used(false).await;
    assert!(joined > 0, "no question was asked");
    assert_eq!(apart, 5 * joined, "joined {joined}, apart {apart}");
}
