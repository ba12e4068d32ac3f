//! Issue 21.1, the address-class half of D13 "where a redirect or link may
//! lead", wired through a real sweep against the lab. The lab lives on
//! loopback, so its answers are loopback → loopback (allowed). To test the
//! public → loopback and public → private rules honestly, the lab's real DNS
//! answers are rewritten for chosen names to a public (TEST-NET-3) or private
//! address — the *nominal* address the policy judges — and the lab's dial
//! overrides take every such address to the lab listener it stands for, so
//! nothing ever leaves loopback even if the rule failed.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sipscope::lab::{Lab, LabOptions, builtin_scenarios};
use sipscope::model::{ReasonCode, RecordResult, Status};
use sipscope::probe::{AddrAnswer, Dns, DnsFailure, ResolverSpec, SrvAnswer};
use sipscope::sweep::{DnsSource, Sweep};

const ORIGIN: &str = "lyncdiscoverinternal.adredirect.test";
const POOL2: &str = "webpool2.adredirect.test";

/// The lab's DNS, with the addresses of some names replaced.
struct Rewritten {
    dns: Dns,
    names: HashMap<&'static str, IpAddr>,
}

#[async_trait]
impl DnsSource for Rewritten {
    async fn srv(&self, name: &str) -> Result<SrvAnswer, DnsFailure> {
        self.dns.srv(name).await
    }
    async fn addresses(&self, name: &str) -> Result<AddrAnswer, DnsFailure> {
        let mut answer = self.dns.addresses(name).await?;
        if let Some(ip) = self.names.get(name) {
            answer.addresses = vec![*ip];
        }
        Ok(answer)
    }
    fn label(&self) -> String {
        DnsSource::label(&self.dns)
    }
    fn servers(&self) -> Vec<String> {
        DnsSource::servers(&self.dns)
    }
}

/// The `autodiscover-redirect` scenario's HTTPS row (lyncdiscoverinternal
/// redirects to webpool2 on 443), swept with `ORIGIN` and `POOL2` answering
/// the given nominal addresses.
async fn first_row(lab: &Lab, origin: &str, pool2: &str) -> RecordResult {
    let mut settings = lab.sweep_settings("alice@adredirect.test").unwrap();
    settings.options.profile = sipscope::plan::profile("mobile").unwrap();
    let mut names = HashMap::new();
    for (name, nominal) in [(ORIGIN, origin), (POOL2, pool2)] {
        let nominal: IpAddr = nominal.parse().unwrap();
        let real = lab.host_addr(&format!("{name}.").parse().unwrap()).unwrap();
        let real = SocketAddr::new(IpAddr::V4(real), 443);
        // Where the lab's own address on 443 is dialled, the stand-in goes too.
        let listener = *settings
            .options
            .dial
            .get(&real)
            .expect("the lab's override");
        std::sync::Arc::make_mut(&mut settings.options.dial)
            .insert(SocketAddr::new(nominal, 443), listener);
        names.insert(name, nominal);
    }
    let dns = Dns::new(
        &ResolverSpec::Servers(vec![lab.dns_addr()]),
        Duration::from_secs(2),
    )
    .unwrap();
    let sweep = Sweep::with_source(settings, Arc::new(Rewritten { dns, names })).unwrap();
    let report = tokio::time::timeout(Duration::from_secs(30), sweep.run(None))
        .await
        .expect("the sweep ended (hang guard)");
    report.records[0].clone()
}

fn pool2_target(row: &RecordResult) -> &sipscope::model::TargetResult {
    row.targets
        .iter()
        .find(|t| t.host == POOL2)
        .expect("the redirect's target")
}

// D13: a public name may not redirect to loopback or into private space; an
// internal (private) name may redirect within private space; the lab's own
// loopback → loopback redirect works.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d13_redirect_address_classes_are_judged_on_the_nominal_address() {
    let scenarios = builtin_scenarios()
        .unwrap()
        .into_iter()
        .filter(|s| s.name() == "autodiscover-redirect")
        .collect();
    let lab = Lab::start(scenarios, LabOptions::default()).await.unwrap();
    let lab_origin = lab
        .host_addr(&format!("{ORIGIN}.").parse().unwrap())
        .unwrap()
        .to_string();
    let lab_pool2 = lab
        .host_addr(&format!("{POOL2}.").parse().unwrap())
        .unwrap()
        .to_string();

    // The lab as it is: loopback → loopback.
    let row = first_row(&lab, &lab_origin, &lab_pool2).await;
    assert_eq!(row.status, Status::Found, "{}", row.detail);

    // Public → loopback: refused, nothing dialled, said in words.
    let row = first_row(&lab, "203.0.113.10", &lab_pool2).await;
    assert_eq!(row.status, Status::ServiceError, "{}", row.detail);
    assert_eq!(
        row.reason,
        Some(ReasonCode::AddressNotAllowed),
        "{}",
        row.detail
    );
    assert!(
        row.detail.contains(&format!(
            "leads to a loopback address ({lab_pool2}) though {ORIGIN} resolved to a public address (203.0.113.10): not followed"
        )),
        "{}",
        row.detail
    );
    let t = pool2_target(&row);
    assert_eq!(t.status, Status::Rejected);
    assert!(
        t.dialed.is_none() && t.timings.connect_ms.is_none(),
        "{t:?}"
    );

    // Public → private: refused.
    let row = first_row(&lab, "203.0.113.10", "10.0.0.7").await;
    assert_eq!(
        row.reason,
        Some(ReasonCode::AddressNotAllowed),
        "{}",
        row.detail
    );
    assert!(
        row.detail
            .contains("leads to a private-range address (10.0.0.7)"),
        "{}",
        row.detail
    );
    assert!(pool2_target(&row).timings.connect_ms.is_none());

    // Private → private (an internal pool): followed, through the overrides.
    let row = first_row(&lab, "10.0.0.5", "10.0.0.7").await;
    assert_eq!(row.status, Status::Found, "{}", row.detail);
    assert!(pool2_target(&row).timings.connect_ms.is_some());

    // Public → public: followed.
    let row = first_row(&lab, "203.0.113.10", "203.0.113.20").await;
    assert_eq!(row.status, Status::Found, "{}", row.detail);
    lab.shutdown().await;
}
