//! The lab's real servers, exercised with real clients: hickory-resolver against
//! the authoritative DNS, tokio-rustls against the listeners. No mocks.

mod support;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hickory_proto::op::ResponseCode;
use hickory_proto::rr::{Name, RData, RecordType};
use hickory_resolver::TokioResolver;
use hickory_resolver::config::{NameServerConfig, ResolverConfig, ResolverOpts};
use hickory_resolver::lookup::Lookup;
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::{DnsError, NetError};
use rustls::pki_types::ServerName;
use sipscope::lab::{self, Lab, LabError, LabOptions, Scenario, SilentTcp};
use support::lab::{lab_with, lab_with_opts};
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

// ---------- helpers ----------

fn resolver_for(server: SocketAddr, timeout: Duration) -> TokioResolver {
    let mut ns = NameServerConfig::udp_and_tcp(server.ip());
    for c in &mut ns.connections {
        c.port = server.port();
    }
    let config = ResolverConfig::from_parts(None, vec![], vec![ns]);
    let mut opts = ResolverOpts::default();
    opts.cache_size = 0;
    opts.timeout = timeout;
    opts.attempts = 0;
    TokioResolver::builder_with_config(config, TokioRuntimeProvider::default())
        .with_options(opts)
        .build()
        .expect("resolver builds")
}

fn resolver(lab: &Lab) -> TokioResolver {
    resolver_for(lab.dns_addr(), Duration::from_secs(2))
}

fn name(text: &str) -> Name {
    Name::from_ascii(text).unwrap()
}

async fn lookup(r: &TokioResolver, n: &str, t: RecordType) -> Result<Lookup, NetError> {
    r.lookup(name(n), t).await
}

/// The response code of a "no records" answer (NXDOMAIN vs NOERROR/NODATA).
fn no_records_code(result: Result<Lookup, NetError>) -> ResponseCode {
    match result {
        Err(NetError::Dns(DnsError::NoRecordsFound(nr))) => nr.response_code,
        other => panic!("expected no records, got {other:?}"),
    }
}

fn error_code(result: Result<Lookup, NetError>) -> ResponseCode {
    match result {
        Err(NetError::Dns(DnsError::ResponseCode(code))) => code,
        other => panic!("expected a response-code error, got {other:?}"),
    }
}

/// Where to dial for a host's nominal port, through the lab's overrides.
fn dial(lab: &Lab, host: &str, port: u16) -> SocketAddr {
    let ip = lab.host_addr(&name(host)).expect("lab host");
    let nominal = SocketAddr::new(IpAddr::V4(ip), port);
    let actual = lab.dial_addr(nominal);
    assert!(lab.dial_overrides().contains(&(nominal, actual)));
    actual
}

fn connector(lab: &Lab) -> TlsConnector {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(lab.ca_der().clone()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    TlsConnector::from(Arc::new(config))
}

async fn handshake(
    lab: &Lab,
    addr: SocketAddr,
    server_name: &str,
) -> std::io::Result<TlsStream<TcpStream>> {
    let tcp = TcpStream::connect(addr).await?;
    let sni = ServerName::try_from(server_name.to_string()).unwrap();
    tokio::time::timeout(Duration::from_secs(3), connector(lab).connect(sni, tcp))
        .await
        .expect("handshake finishes")
}

fn rustls_error(e: &std::io::Error) -> String {
    e.get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        .map(|r| format!("{r:?}"))
        .unwrap_or_else(|| format!("not a rustls error: {e:?}"))
}

fn peer_dns_names(tls: &TlsStream<TcpStream>) -> Vec<String> {
    let certs = tls
        .get_ref()
        .1
        .peer_certificates()
        .expect("peer certificates");
    let (_, cert) = x509_parser::parse_x509_certificate(&certs[0]).unwrap();
    let san = cert
        .subject_alternative_name()
        .unwrap()
        .expect("SAN extension");
    san.value
        .general_names
        .iter()
        .filter_map(|g| match g {
            x509_parser::extensions::GeneralName::DNSName(n) => Some(n.to_string()),
            _ => None,
        })
        .collect()
}

// ---------- start-up, scenarios, overrides ----------

#[tokio::test]
async fn all_builtin_scenarios_start_and_expect_every_row_of_their_profile() {
    // Start-up time is measured in BENCHMARKS.md; here only a hang guard.
    let lab = tokio::time::timeout(
        Duration::from_secs(30),
        Lab::start_all(LabOptions::default()),
    )
    .await
    .expect("the lab started")
    .unwrap();
    assert_eq!(
        lab.scenarios().len(),
        lab::builtin_scenarios().unwrap().len()
    );
    for s in lab.scenarios() {
        // Each expectation lists every row of its profile (10 for the default one).
        let (before, after) = s.all_expectations();
        for e in before.iter().chain(after) {
            let rows = sipscope::plan::profile(&e.profile).unwrap().rows.len();
            assert_eq!(e.rows.len(), rows, "{} {}", s.name(), e.profile);
        }
        assert!(before.iter().any(|e| e.rows.len() == 10) || s.name().contains("autodiscover"));
    }
    assert!(lab.ca_pem().starts_with("-----BEGIN CERTIFICATE-----"));
    lab.shutdown().await;
}

#[tokio::test]
async fn overrides_map_loopback_hosts_to_os_ports() {
    let lab = lab_with(&["healthy", "split-brain"]).await;
    let overrides = lab.dial_overrides();
    for (nominal, actual) in &overrides {
        let IpAddr::V4(ip) = nominal.ip() else {
            panic!("IPv4 hosts")
        };
        assert_eq!(ip.octets()[0..2], [127, 0]);
        assert_ne!(ip, Ipv4Addr::LOCALHOST);
        assert_eq!(actual.ip(), IpAddr::V4(Ipv4Addr::LOCALHOST));
        assert_ne!(actual.port(), 0);
    }
    // Every host has 80, 443, 5060 and 5061 (healthy: 1 host; split-brain: 3
    // hosts), and the zones' own server (ns.<zone>) has port 53 (D11).
    assert_eq!(overrides.len(), 4 * 4 + 1);
    assert!(overrides.contains(&("127.0.255.1:53".parse().unwrap(), lab.dns_addr())));
    let pool = lab.host_addr(&name("pool.healthy.test.")).unwrap();
    assert_eq!(pool, Ipv4Addr::new(127, 0, 1, 1));
}

#[tokio::test]
async fn duplicate_scenarios_are_refused() {
    let s = lab::scenario("healthy").unwrap();
    let err = Lab::start(vec![s.clone(), s], LabOptions::default())
        .await
        .err();
    assert!(matches!(err, Some(LabError::DuplicateScenario(n)) if n == "healthy"));
}

// ---------- DNS ----------

#[tokio::test]
async fn srv_answer_carries_its_ttl_and_hosts_have_addresses() {
    let lab = lab_with(&["healthy"]).await;
    let r = resolver(&lab);
    let srv = lookup(&r, "_sipinternaltls._tcp.healthy.test.", RecordType::SRV)
        .await
        .unwrap();
    let answer = &srv.answers()[0];
    assert_eq!(answer.ttl, 300);
    let RData::SRV(data) = &answer.data else {
        panic!("SRV data")
    };
    assert_eq!((data.priority, data.weight, data.port), (0, 0, 5061));
    assert_eq!(data.target, name("pool.healthy.test."));
    let a = lookup(&r, "pool.healthy.test.", RecordType::A)
        .await
        .unwrap();
    assert_eq!(a.answers()[0].ttl, 3600);
    assert_eq!(
        a.answers()[0].data,
        RData::A(Ipv4Addr::new(127, 0, 1, 1).into())
    );
}

#[tokio::test]
async fn nxdomain_and_nodata_are_distinct() {
    let lab = lab_with(&["healthy"]).await;
    let r = resolver(&lab);
    let nx = lookup(&r, "sipinternal.healthy.test.", RecordType::A).await;
    assert_eq!(no_records_code(nx), ResponseCode::NXDomain);
    let nodata = lookup(&r, "pool.healthy.test.", RecordType::SRV).await;
    assert_eq!(no_records_code(nodata), ResponseCode::NoError);
    let apex_nodata = lookup(&r, "healthy.test.", RecordType::A).await;
    assert_eq!(no_records_code(apex_nodata), ResponseCode::NoError);
}

#[tokio::test]
async fn cname_chain_is_served() {
    let lab = lab_with(&["cname-cert"]).await;
    let r = resolver(&lab);
    let a = lookup(&r, "sipinternal.cname.test.", RecordType::A)
        .await
        .unwrap();
    let cname = a
        .answers()
        .iter()
        .find_map(|rec| match &rec.data {
            RData::CNAME(c) => Some(c.0.clone()),
            _ => None,
        })
        .expect("CNAME in the answer");
    assert_eq!(cname, name("sip.cname.test."));
    let ip = lab.host_addr(&name("sip.cname.test.")).unwrap();
    assert!(
        a.answers()
            .iter()
            .any(|rec| rec.data == RData::A(ip.into()))
    );
}

#[tokio::test]
async fn aaaa_records_from_inline_scenario() {
    let text = r#"
name = "six"
title = "IPv6"
lesson = "AAAA records are served."
sip_address = "six.test"
rules = ["D2"]
records = [{ name = "sip", type = "AAAA", ttl = 120, data = "fd00::5" }]
[expect.before]
rows = ["missing", "missing", "missing", "missing", "missing", "missing", "missing", "missing", "missing", "missing"]
selected = "none"
signin = "fail"
"#;
    let s = Scenario::from_toml("<inline>", text).unwrap();
    let lab = Lab::start(vec![s], LabOptions::default()).await.unwrap();
    let r = resolver(&lab);
    let aaaa = lookup(&r, "sip.six.test.", RecordType::AAAA).await.unwrap();
    assert_eq!(aaaa.answers()[0].ttl, 120);
    let expected: std::net::Ipv6Addr = "fd00::5".parse().unwrap();
    assert_eq!(aaaa.answers()[0].data, RData::AAAA(expected.into()));
}

#[tokio::test]
async fn forced_servfail_and_refused_are_response_code_errors() {
    let lab = lab_with(&["dns-failures"]).await;
    let r = resolver(&lab);
    let servfail = lookup(&r, "_sipinternaltls._tcp.dnsfail.test.", RecordType::SRV).await;
    assert_eq!(error_code(servfail), ResponseCode::ServFail);
    let refused = lookup(&r, "_sipinternal._tcp.dnsfail.test.", RecordType::SRV).await;
    assert_eq!(error_code(refused), ResponseCode::Refused);
    // Names without a forced failure still get real answers.
    let nx = lookup(&r, "sipexternal.dnsfail.test.", RecordType::A).await;
    assert_eq!(no_records_code(nx), ResponseCode::NXDomain);
}

#[tokio::test]
async fn silent_dns_times_out_within_the_timeout() {
    let lab = lab_with(&["hostile"]).await;
    let timeout = Duration::from_millis(300);
    for (server, query) in [
        (lab.silent_dns_addr(), "anything.test."),
        (lab.dns_addr(), "_sip._tls.hostile.test."),
    ] {
        let r = resolver_for(server, timeout);
        let t = Instant::now();
        let result = lookup(&r, query, RecordType::SRV).await;
        let took = t.elapsed();
        assert!(
            matches!(result, Err(NetError::Timeout)),
            "{query}: {result:?}"
        );
        // UDP and TCP are each given the timeout; nothing more.
        assert!(took < timeout * 4, "{query} took {took:?}");
    }
}

#[tokio::test]
async fn standalone_silent_dns_never_answers() {
    let silent = lab::SilentDns::start().await.unwrap();
    let r = resolver_for(silent.addr(), Duration::from_millis(200));
    let result = lookup(&r, "x.test.", RecordType::A).await;
    assert!(matches!(result, Err(NetError::Timeout)), "{result:?}");
}

#[tokio::test]
async fn delay_option_delays_every_answer() {
    let delay = Duration::from_millis(150);
    let lab = lab_with_opts(
        &["healthy"],
        LabOptions {
            dns_delay: delay,
            ..LabOptions::default()
        },
    )
    .await;
    let r = resolver(&lab);
    let t = Instant::now();
    lookup(&r, "pool.healthy.test.", RecordType::A)
        .await
        .unwrap();
    assert!(t.elapsed() >= delay, "took {:?}", t.elapsed());
    lab.set_dns_delay(Duration::ZERO);
    let t = Instant::now();
    lookup(&r, "pool.healthy.test.", RecordType::A)
        .await
        .unwrap();
    assert!(t.elapsed() < delay, "took {:?}", t.elapsed());
}

// ---------- listeners and certificates ----------

#[tokio::test]
async fn good_host_presents_its_name_through_the_override() {
    let lab = lab_with(&["healthy"]).await;
    let addr = dial(&lab, "pool.healthy.test.", 5061);
    let tls = handshake(&lab, addr, "pool.healthy.test").await.unwrap();
    assert_eq!(peer_dns_names(&tls), vec!["pool.healthy.test".to_string()]);
    // The chain as received: leaf and the lab CA.
    assert_eq!(tls.get_ref().1.peer_certificates().unwrap().len(), 2);
}

#[tokio::test]
async fn certificate_is_served_whatever_the_sni() {
    let lab = lab_with(&["cname-cert"]).await;
    let addr = dial(&lab, "sip.cname.test.", 443);
    // The client expects the queried name (D6): the server still sends sip's certificate.
    let err = handshake(&lab, addr, "sipinternal.cname.test")
        .await
        .unwrap_err();
    assert!(rustls_error(&err).contains("NotValidForName"), "{err:?}");
    handshake(&lab, addr, "sip.cname.test").await.unwrap();
}

#[tokio::test]
async fn expired_and_untrusted_hosts_fail_verification() {
    let lab = lab_with(&["expired", "untrusted-ca", "wildcard-cert"]).await;
    let addr = dial(&lab, "pool.expired.test.", 5061);
    let err = handshake(&lab, addr, "pool.expired.test")
        .await
        .unwrap_err();
    assert!(rustls_error(&err).contains("Expired"), "{err:?}");
    let addr = dial(&lab, "pool.untrusted.test.", 5061);
    let err = handshake(&lab, addr, "pool.untrusted.test")
        .await
        .unwrap_err();
    assert!(rustls_error(&err).contains("UnknownIssuer"), "{err:?}");
    // Wildcard-only: valid for webpki, a mismatch only under the OCS profile (D9).
    let addr = dial(&lab, "pool.wildcard.test.", 5061);
    let tls = handshake(&lab, addr, "pool.wildcard.test").await.unwrap();
    assert_eq!(peer_dns_names(&tls), vec!["*.wildcard.test".to_string()]);
}

#[tokio::test]
async fn down_ports_refuse_connections() {
    let lab = lab_with(&["pool-down", "healthy"]).await;
    for (host, port) in [("pool.pooldown.test.", 5061), ("pool.healthy.test.", 443)] {
        let err = TcpStream::connect(dial(&lab, host, port))
            .await
            .unwrap_err();
        assert_eq!(
            err.kind(),
            std::io::ErrorKind::ConnectionRefused,
            "{host}:{port}"
        );
    }
}

#[tokio::test]
async fn tcp_listener_accepts_plain_tcp() {
    let lab = lab_with(&["tls-wins"]).await;
    let mut tcp = TcpStream::connect(dial(&lab, "pool.tlswins.test.", 5060))
        .await
        .unwrap();
    let mut buf = [0u8; 1];
    let read = tokio::time::timeout(Duration::from_millis(200), tcp.read(&mut buf)).await;
    assert!(read.is_err(), "a SIP server waits for the client to speak");
}

#[tokio::test]
async fn silent_listener_accepts_but_never_speaks() {
    let lab = lab_with(&["hostile"]).await;
    let standalone = SilentTcp::start().await.unwrap();
    for addr in [dial(&lab, "pool.hostile.test.", 5061), standalone.addr()] {
        let tcp = TcpStream::connect(addr).await.unwrap();
        let sni = ServerName::try_from("pool.hostile.test").unwrap();
        let hs = tokio::time::timeout(
            Duration::from_millis(300),
            connector(&lab).connect(sni, tcp),
        );
        assert!(hs.await.is_err(), "handshake must hang at {addr}");
    }
}

// ---------- fixes ----------

#[tokio::test]
async fn fix_publishes_records_and_changes_srv_targets() {
    let lab = lab_with(&["dangling-srv", "split-brain", "srv-priority"]).await;
    let r = resolver(&lab);
    let before = lookup(&r, "pool.dangling.test.", RecordType::A).await;
    assert_eq!(no_records_code(before), ResponseCode::NXDomain);
    let report = lab.apply_fix("dangling-srv").await.unwrap();
    assert_eq!(report.changes.len(), 1, "{report:?}");
    let after = lookup(&r, "pool.dangling.test.", RecordType::A)
        .await
        .unwrap();
    assert_eq!(after.answers().len(), 1);

    let srv_targets = |l: Lookup| -> Vec<String> {
        l.answers()
            .iter()
            .filter_map(|rec| match &rec.data {
                RData::SRV(s) => Some(format!("{} {}", s.priority, s.target)),
                _ => None,
            })
            .collect()
    };
    let q = "_sipinternaltls._tcp.split.test.";
    let before = srv_targets(lookup(&r, q, RecordType::SRV).await.unwrap());
    assert_eq!(before, vec!["0 ocspool.split.local."]);
    lab.apply_fix("split-brain").await.unwrap();
    let after = srv_targets(lookup(&r, q, RecordType::SRV).await.unwrap());
    assert_eq!(after, vec!["0 pool.split.test."]);

    let q = "_sipinternaltls._tcp.priority.test.";
    let mut before = srv_targets(lookup(&r, q, RecordType::SRV).await.unwrap());
    before.sort();
    assert_eq!(
        before,
        vec!["10 pool1.priority.test.", "20 pool2.priority.test."]
    );
    lab.apply_fix("srv-priority").await.unwrap();
    let after = srv_targets(lookup(&r, q, RecordType::SRV).await.unwrap());
    assert_eq!(after, vec!["20 pool2.priority.test."]);
}

#[tokio::test]
async fn fix_reissues_certificates_on_running_listeners() {
    let lab = lab_with(&["expired", "cname-cert"]).await;
    let addr = dial(&lab, "pool.expired.test.", 5061);
    assert!(handshake(&lab, addr, "pool.expired.test").await.is_err());
    lab.apply_fix("expired").await.unwrap();
    handshake(&lab, addr, "pool.expired.test").await.unwrap();

    let addr = dial(&lab, "sip.cname.test.", 443);
    lab.apply_fix("cname-cert").await.unwrap();
    let tls = handshake(&lab, addr, "sipinternal.cname.test")
        .await
        .unwrap();
    assert!(peer_dns_names(&tls).contains(&"sipinternal.cname.test".to_string()));
}

#[tokio::test]
async fn fix_starts_listeners_and_clears_dns_failures() {
    let lab = lab_with(&["pool-down", "dns-failures", "hostile"]).await;
    let addr = dial(&lab, "pool.pooldown.test.", 5061);
    assert!(TcpStream::connect(addr).await.is_err());
    lab.apply_fix("pool-down").await.unwrap();
    handshake(&lab, addr, "pool.pooldown.test").await.unwrap();

    // Silent listener turned into TLS on the same socket.
    lab.apply_fix("hostile").await.unwrap();
    let addr = dial(&lab, "pool.hostile.test.", 5061);
    handshake(&lab, addr, "pool.hostile.test").await.unwrap();

    let r = resolver(&lab);
    let q = "_sipinternaltls._tcp.dnsfail.test.";
    assert_eq!(
        error_code(lookup(&r, q, RecordType::SRV).await),
        ResponseCode::ServFail
    );
    lab.apply_fix("dns-failures").await.unwrap();
    assert_eq!(
        lookup(&r, q, RecordType::SRV)
            .await
            .unwrap()
            .answers()
            .len(),
        1
    );
}

#[tokio::test]
async fn fix_errors_are_typed() {
    let lab = lab_with(&["healthy"]).await;
    assert!(matches!(
        lab.apply_fix("healthy").await,
        Err(LabError::NoFix(_))
    ));
    assert!(matches!(
        lab.apply_fix("nope").await,
        Err(LabError::UnknownScenario(_))
    ));
}

#[tokio::test]
async fn shutdown_stops_dns_and_listeners() {
    let lab = lab_with(&["healthy"]).await;
    let addr = dial(&lab, "pool.healthy.test.", 5061);
    let dns = lab.dns_addr();
    let _open = TcpStream::connect(addr).await.unwrap();
    lab.shutdown().await;
    let err = TcpStream::connect(addr).await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused);
    let r = resolver_for(dns, Duration::from_millis(200));
    assert!(
        lookup(&r, "pool.healthy.test.", RecordType::A)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn dropping_the_lab_stops_its_tasks() {
    let lab = lab_with(&["hostile", "healthy"]).await;
    let tls = dial(&lab, "pool.healthy.test.", 5061);
    let silent = dial(&lab, "pool.hostile.test.", 5061);
    let held = TcpStream::connect(silent).await.unwrap();
    let dns = lab.dns_addr();
    drop(lab);
    // Aborted tasks are dropped the next time the runtime runs them.
    tokio::time::sleep(Duration::from_millis(50)).await;
    for addr in [tls, silent] {
        let err = TcpStream::connect(addr).await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused, "{addr}");
    }
    // The held silent connection was closed with its task.
    let mut held = held;
    let mut buf = [0u8; 1];
    let read = tokio::time::timeout(Duration::from_secs(1), held.read(&mut buf)).await;
    assert!(matches!(read, Ok(Ok(0)) | Ok(Err(_))), "{read:?}");
    let r = resolver_for(dns, Duration::from_millis(200));
    assert!(
        lookup(&r, "pool.healthy.test.", RecordType::A)
            .await
            .is_err()
    );
}
