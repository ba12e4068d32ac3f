//! Issue 11 item 4: a DNS server's misbehaviour reaches the user as one
//! sentence and a machine reason, never as a library's decoder message.

use std::sync::Arc;
use std::time::Duration;

use sipscope::lab::{MisbehavingDns, Misbehaviour};
use sipscope::model::{ReasonCode, Status};
use sipscope::probe::{Dns, ResolverSpec};
use sipscope::sweep::{Sweep, SweepOptions, SweepSettings};

async fn sweep_against(dns: &MisbehavingDns) -> sipscope::model::SweepReport {
    let target = sipscope::input::parse_target("alice@contoso.test").unwrap();
    let options = SweepOptions::new(
        sipscope::plan::profile("ocs2007").unwrap(),
        ResolverSpec::Servers(vec![dns.addr()]),
    );
    let mut settings = SweepSettings::new(target, options);
    settings.options.timeout = Duration::from_millis(800);
    settings.options.system_roots = false;
    let source = Dns::new(&settings.options.resolvers, settings.options.timeout).unwrap();
    let sweep = Sweep::with_source(settings, Arc::new(source)).unwrap();
    tokio::time::timeout(Duration::from_secs(30), sweep.run(None))
        .await
        .expect("the sweep ended (hang guard)")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d8_garbage_answers_are_named_as_such() {
    let dns = MisbehavingDns::start(Misbehaviour::Garbage).await.unwrap();
    let r = sweep_against(&dns).await;
    let row = &r.records[0];
    assert_eq!(row.status, Status::DnsError);
    assert_eq!(row.reason, Some(ReasonCode::DnsMalformed), "{}", row.detail);
    assert!(row.detail.contains("could not be read"), "{}", row.detail);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d8_truncated_then_tcp_refused_is_named_as_such() {
    let dns = MisbehavingDns::start(Misbehaviour::TruncatedNoTcp)
        .await
        .unwrap();
    let r = sweep_against(&dns).await;
    let row = &r.records[0];
    assert_eq!(row.status, Status::DnsError);
    assert_eq!(
        row.reason,
        Some(ReasonCode::DnsTcpRefused),
        "{}",
        row.detail
    );
    assert!(
        row.detail.contains("truncat") && row.detail.contains("TCP"),
        "{}",
        row.detail
    );
}
