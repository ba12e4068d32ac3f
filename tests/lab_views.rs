//! The lab's DNS servers besides the primary, asked with raw DNS messages so
//! every TTL and flag is seen as sent: the outside view (D12), the caching
//! resolver that holds an old answer after a fix (D11) and the secondary a
//! scenario starts, lagging by serial (D11).

mod support;

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use hickory_proto::op::{Edns, Message, ResponseCode};
use hickory_proto::rr::{Name, RData, RecordType};
use sipscope::lab::{self, Lab, LabClock, LabOptions, LabResolver, Scenario};
use support::lab::lab_with;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};

fn query(name: &str, rtype: RecordType) -> Message {
    let mut q = Message::query();
    q.metadata.id = 0x5151;
    q.metadata.recursion_desired = true;
    q.add_query(hickory_proto::op::Query::query(
        Name::from_ascii(name).unwrap(),
        rtype,
    ));
    q.set_edns(Edns::new());
    q
}

/// One question over UDP, the answer parsed.
async fn ask(server: SocketAddr, name: &str, rtype: RecordType) -> Message {
    let socket = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
    socket.connect(server).await.unwrap();
    socket
        .send(&query(name, rtype).to_vec().unwrap())
        .await
        .unwrap();
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(3), socket.recv(&mut buf))
        .await
        .expect("an answer within 3 s")
        .unwrap();
    let answer = Message::from_vec(&buf[..n]).unwrap();
    assert_eq!(answer.metadata.id, 0x5151);
    answer
}

/// One question over TCP (length-prefixed), the answer parsed.
async fn ask_tcp(server: SocketAddr, name: &str, rtype: RecordType) -> Message {
    let mut stream = TcpStream::connect(server).await.unwrap();
    let q = query(name, rtype).to_vec().unwrap();
    stream
        .write_all(&(q.len() as u16).to_be_bytes())
        .await
        .unwrap();
    stream.write_all(&q).await.unwrap();
    let mut len = [0u8; 2];
    tokio::time::timeout(Duration::from_secs(3), stream.read_exact(&mut len))
        .await
        .expect("an answer within 3 s")
        .unwrap();
    let mut body = vec![0u8; usize::from(u16::from_be_bytes(len))];
    stream.read_exact(&mut body).await.unwrap();
    Message::from_vec(&body).unwrap()
}

/// SRV answers as `priority weight port target` with their TTLs.
fn srv(answer: &Message) -> Vec<(String, u32)> {
    answer
        .answers
        .iter()
        .filter_map(|r| match &r.data {
            RData::SRV(s) => Some((
                format!(
                    "{} {} {} {}",
                    s.priority,
                    s.weight,
                    s.port,
                    s.target.to_ascii()
                ),
                r.ttl,
            )),
            _ => None,
        })
        .collect()
}

fn soa_serial(answer: &Message) -> u32 {
    answer
        .answers
        .iter()
        .find_map(|r| match &r.data {
            RData::SOA(soa) => Some(soa.serial),
            _ => None,
        })
        .expect("a SOA answer")
}

fn targets(answer: &Message) -> Vec<String> {
    srv(answer).into_iter().map(|(t, _)| t).collect()
}

const INTERNAL: &str = "_sipinternaltls._tcp.splitview.test.";
const EDGE: &str = "_sip._tls.splitview.test.";

/// D12: the outside server answers the outside view, the primary the inside
/// view; a fix changes the inside view only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d12_outside_server_answers_the_outside_view() {
    let lab = lab_with(&["split-view", "healthy"]).await;
    let outside = lab.outside_dns_addr().expect("an outside view runs");
    assert_ne!(outside, lab.dns_addr());
    assert_eq!(
        lab.vantages("split-view"),
        vec![
            ("inside".to_string(), lab.dns_addr()),
            ("outside".to_string(), outside)
        ]
    );
    assert!(lab.vantages("healthy").is_empty(), "no views, no vantages");
    assert!(lab.vantages("no-such-scenario").is_empty());
    let s = lab::scenario("split-view").unwrap();
    assert_eq!(
        s.vantages(),
        vec![
            ("inside".to_string(), LabResolver::Primary),
            ("outside".to_string(), LabResolver::Outside)
        ]
    );

    // Inside: the internal SRV to the retired pool, no Edge record.
    let inside_srv = ask(lab.dns_addr(), INTERNAL, RecordType::SRV).await;
    assert_eq!(targets(&inside_srv), ["0 0 5061 oldpool.splitview.test."]);
    let inside_edge = ask(lab.dns_addr(), EDGE, RecordType::SRV).await;
    assert_eq!(inside_edge.metadata.response_code, ResponseCode::NXDomain);

    // Outside: no internal names, the Edge published.
    let out_srv = ask(outside, INTERNAL, RecordType::SRV).await;
    assert_eq!(out_srv.metadata.response_code, ResponseCode::NXDomain);
    let out_pool = ask(outside, "oldpool.splitview.test.", RecordType::A).await;
    assert_eq!(out_pool.metadata.response_code, ResponseCode::NXDomain);
    let out_edge = ask(outside, EDGE, RecordType::SRV).await;
    assert_eq!(targets(&out_edge), ["0 0 443 edge.splitview.test."]);
    // Other scenarios' zones are the same from both views.
    let healthy = "_sipinternaltls._tcp.healthy.test.";
    assert_eq!(
        targets(&ask(outside, healthy, RecordType::SRV).await),
        targets(&ask(lab.dns_addr(), healthy, RecordType::SRV).await)
    );

    // The fix repairs the inside view and leaves the outside one alone.
    lab.apply_fix("split-view").await.unwrap();
    let inside_srv = ask(lab.dns_addr(), INTERNAL, RecordType::SRV).await;
    assert_eq!(targets(&inside_srv), ["0 0 5061 pool.splitview.test."]);
    let out_srv = ask(outside, INTERNAL, RecordType::SRV).await;
    assert_eq!(out_srv.metadata.response_code, ResponseCode::NXDomain);
    lab.shutdown().await;
}

/// D12: a lab without an outside view runs no second server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d12_no_outside_view_no_outside_server() {
    let lab = lab_with(&["healthy"]).await;
    assert_eq!(lab.outside_dns_addr(), None);
    assert_eq!(lab.resolver_addr(LabResolver::Outside), None);
    assert_eq!(lab.secondary_addr(), None, "no scenario asked for ns2");
    lab.shutdown().await;
}

/// D11: the caching resolver keeps the old answer after a fix, its TTL
/// counting down, and fetches the new one once it expires.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d11_caching_resolver_holds_the_old_answer_until_its_ttl_runs_out() {
    // The stale-resolver scenario with a 3 s TTL instead of 120 s.
    let text =
        include_str!("../assets/scenarios/36-stale-resolver.toml").replace("ttl = 120", "ttl = 3");
    let s = Scenario::from_toml("short-ttl", &text).unwrap();
    assert_eq!(s.client_resolver(), LabResolver::Caching);
    assert!(s.authoritative());
    // The cache's clock is moved by hand: no sleeping, no dependence on speed.
    let clock = LabClock::manual();
    let opts = LabOptions {
        clock: clock.clone(),
        ..LabOptions::default()
    };
    let lab = Lab::start(vec![s], opts).await.unwrap();
    let cache = lab.caching_resolver_addr();
    assert_eq!(
        lab.vantages("stale-resolver"),
        vec![("resolver".to_string(), cache)]
    );
    let name = "_sipinternaltls._tcp.stale.test.";
    let old = vec![("0 0 5061 oldpool.stale.test.".to_string(), 3)];

    // First question: forwarded, the full TTL; it comes from a cache.
    let first = ask(cache, name, RecordType::SRV).await;
    assert_eq!(srv(&first), old);
    assert!(!first.metadata.authoritative && first.metadata.recursion_available);

    lab.apply_fix("stale-resolver").await.unwrap();
    let primary = ask(lab.dns_addr(), name, RecordType::SRV).await;
    assert_eq!(targets(&primary), ["0 0 5061 pool.stale.test."]);

    // A second later the cache still says oldpool, with less TTL left (UDP
    // and TCP share the cache).
    clock.advance(Duration::from_millis(1100));
    for held in [
        ask(cache, name, RecordType::SRV).await,
        ask_tcp(cache, name, RecordType::SRV).await,
    ] {
        let held = srv(&held);
        assert_eq!(held.len(), 1, "{held:?}");
        assert_eq!(held[0].0, "0 0 5061 oldpool.stale.test.");
        assert!(held[0].1 < 3, "the TTL counts down: {held:?}");
    }

    // Once it expires the cache asks again and has the edit, TTL in full.
    clock.advance(Duration::from_millis(1000));
    let still = srv(&ask(cache, name, RecordType::SRV).await);
    assert_eq!(still, vec![("0 0 5061 oldpool.stale.test.".to_string(), 1)]);
    clock.advance(Duration::from_millis(1000));
    let fresh = srv(&ask(cache, name, RecordType::SRV).await);
    assert_eq!(fresh, vec![("0 0 5061 pool.stale.test.".to_string(), 3)]);
    lab.shutdown().await;
}

/// D11: "no such name" is cached too (for the SOA's negative TTL), and a
/// datagram that is no DNS message neither stops nor confuses the cache.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d11_caching_resolver_caches_nxdomain_and_survives_garbage() {
    let lab = lab_with(&["lagging-secondary"]).await;
    let cache = lab.caching_resolver_addr();
    let a = "lyncpool.lagging.test.";
    let before = ask(cache, a, RecordType::A).await;
    assert_eq!(before.metadata.response_code, ResponseCode::NXDomain);

    let socket = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
    socket
        .send_to(b"\x12\x34garbage!!!!!!!!", cache)
        .await
        .unwrap();
    let mut buf = [0u8; 512];
    let n = tokio::time::timeout(Duration::from_secs(3), socket.recv(&mut buf))
        .await
        .expect("garbage gets an answer")
        .unwrap();
    let formerr = Message::from_vec(&buf[..n]).unwrap();
    assert_eq!(formerr.metadata.response_code, ResponseCode::FormErr);
    assert_eq!(formerr.metadata.id, 0x1234);
    socket.send_to(b"\x00", cache).await.unwrap();

    lab.apply_fix("lagging-secondary").await.unwrap();
    assert_eq!(
        ask(lab.dns_addr(), a, RecordType::A).await.answers.len(),
        1,
        "the primary has the address"
    );
    let held = ask(cache, a, RecordType::A).await;
    assert_eq!(
        held.metadata.response_code,
        ResponseCode::NXDomain,
        "the cache still says no such name"
    );
    lab.shutdown().await;
}

/// D11: `secondary = true` starts the lagging secondary with the lab; it
/// names ns2 only in the zones of the scenarios that asked, and lags by
/// serial once the fix reaches the primary.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d11_scenario_secondary_lags_by_serial() {
    let lab = lab_with(&["lagging-secondary", "healthy"]).await;
    let ns2 = lab.secondary_addr().expect("started with the lab");
    assert_eq!(lab.start_secondary().await.unwrap(), ns2, "the same one");
    assert_eq!(lab.resolver_addr(LabResolver::Secondary), Some(ns2));
    let zone = "lagging.test.";
    let ns = ask(lab.dns_addr(), zone, RecordType::NS).await;
    assert_eq!(ns.answers.len(), 2, "ns and ns2: {:?}", ns.answers);
    let healthy_ns = ask(lab.dns_addr(), "healthy.test.", RecordType::NS).await;
    assert_eq!(healthy_ns.answers.len(), 1, "{:?}", healthy_ns.answers);

    assert_eq!(
        soa_serial(&ask(lab.dns_addr(), zone, RecordType::SOA).await),
        1
    );
    assert_eq!(soa_serial(&ask(ns2, zone, RecordType::SOA).await), 1);
    lab.apply_fix("lagging-secondary").await.unwrap();
    assert_eq!(
        soa_serial(&ask(lab.dns_addr(), zone, RecordType::SOA).await),
        2
    );
    assert_eq!(soa_serial(&ask(ns2, zone, RecordType::SOA).await), 1);
    let a = "lyncpool.lagging.test.";
    assert_eq!(ask(lab.dns_addr(), a, RecordType::A).await.answers.len(), 1);
    let behind = ask(ns2, a, RecordType::A).await;
    assert_eq!(behind.metadata.response_code, ResponseCode::NXDomain);
    lab.shutdown().await;
}

/// D11, D12: `sipscope lab` names the extra servers a user can point
/// `check --vantage` or `dig` at.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d11_d12_lab_console_names_the_extra_servers() {
    let lab = lab_with(&["split-view", "lagging-secondary"]).await;
    let text = lab::console::usage_text(
        &lab,
        std::path::Path::new("/tmp/ca.pem"),
        std::path::Path::new("/tmp/dial.txt"),
        "sipscope",
    );
    let line = |prefix: &str, addr: SocketAddr| {
        assert!(
            text.lines()
                .any(|l| l.starts_with(prefix) && l.contains(&addr.to_string())),
            "{prefix} {addr}:\n{text}"
        );
    };
    line("resolver    ", lab.caching_resolver_addr());
    line("outside     ", lab.outside_dns_addr().unwrap());
    line("secondary   ", lab.secondary_addr().unwrap());
    lab.shutdown().await;
}
