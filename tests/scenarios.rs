//! Every lab scenario through the real sweep: a real DNS server and real
//! TLS/TCP listeners on loopback. Each scenario file states the statuses,
//! the selected row and the verdict before and after its fix (D4–D9).

use sipscope::lab::{Expectation, Lab, LabOptions, Scenario, builtin_scenarios};
use sipscope::model::SweepReport;
use sipscope::sweep::Sweep;

async fn sweep(lab: &Lab, address: &str, profile: &str) -> SweepReport {
    let mut settings = lab.sweep_settings(address).expect("lab settings");
    settings.options.profile = sipscope::plan::profile(profile).expect("profile");
    // As `check --profile` does: the profile says whether TCP rows are asked (D3).
    settings.options.allow_tcp = settings.options.profile.tcp_by_default;
    Sweep::prepare(settings).expect("prepare").run(None).await
}

fn assert_matches(report: &SweepReport, want: &Expectation, scenario: &str, when: &str) {
    // Rows are matched by name and transport, not by position.
    let domain = &report.domain;
    let got: Vec<String> = want
        .rows
        .iter()
        .map(|w| {
            let name = format!("{}.{domain}", w.name);
            let row = report
                .records
                .iter()
                .find(|r| r.name == name && r.transport == w.transport);
            format!(
                "{name} {}: {}",
                w.transport.label(),
                row.map_or("absent", |r| r.status.label())
            )
        })
        .collect();
    let expected: Vec<String> = want
        .rows
        .iter()
        .map(|w| {
            format!(
                "{}.{domain} {}: {}",
                w.name,
                w.transport.label(),
                w.status.label()
            )
        })
        .collect();
    let details: Vec<String> = report
        .records
        .iter()
        .map(|r| format!("#{} {} {}: {}", r.index, r.name, r.status, r.detail))
        .collect();
    assert_eq!(
        got,
        expected,
        "{scenario} ({when}) statuses\n{}",
        details.join("\n")
    );
    assert_eq!(
        report.selected,
        want.selected,
        "{scenario} ({when}) selected row\n{}",
        details.join("\n")
    );
    assert_eq!(
        report.verdict.signin, want.signin,
        "{scenario} ({when}) verdict: {}",
        report.verdict.summary
    );
    if let Some(cause) = want.cause {
        assert_eq!(
            report.verdict.cause, cause,
            "{scenario} ({when}) cause: {}",
            report.verdict.summary
        );
    }
}

async fn run_scenario(name: &str) {
    let scenario: Scenario = builtin_scenarios()
        .unwrap()
        .into_iter()
        .find(|s| s.name() == name)
        .unwrap_or_else(|| panic!("no scenario {name}"));
    let lab = Lab::start(vec![scenario.clone()], LabOptions::default())
        .await
        .unwrap();
    // Every profile the scenario names (e.g. sfb and mobile), before and after its fix.
    let (before, after) = scenario.all_expectations();
    for want in before {
        let report = sweep(&lab, scenario.sip_address(), &want.profile).await;
        let when = format!("before the fix, profile {}", want.profile);
        assert_matches(&report, want, name, &when);
    }
    if !after.is_empty() {
        let fix = lab.apply_fix(name).await.unwrap();
        // Issue #13 item 17: the event log's fix lines are words, not Rust
        // debug output (`["sip.cname.test"]`, `Servfail`, `Tls`).
        for line in &fix.changes {
            let debug = line.contains("[\"")
                || ["Servfail", "Refused", "Silent", "Tls", "Tcp"]
                    .iter()
                    .any(|w| line.split_whitespace().any(|x| x == *w));
            assert!(!debug, "{name}: {line}");
        }
        for want in after {
            let report = sweep(&lab, scenario.sip_address(), &want.profile).await;
            let when = format!("after the fix, profile {}", want.profile);
            assert_matches(&report, want, name, &when);
        }
    }
    lab.shutdown().await;
}

macro_rules! scenario_tests {
    ($($test:ident => $name:literal),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $test() {
                run_scenario($name).await;
            }
        )*

        /// A scenario added to assets/ without a test here is caught.
        #[test]
        fn every_scenario_has_a_test() {
            let tested = [$($name),*];
            for s in builtin_scenarios().unwrap() {
                assert!(tested.contains(&s.name()), "scenario {} has no test in tests/scenarios.rs", s.name());
            }
        }
    };
}

scenario_tests! {
    healthy => "healthy",
    d7_cname_cert_mismatch_is_selected => "cname-cert",
    d4_split_brain_local_pool_rejected => "split-brain",
    d4_pool_in_other_domain_rejected => "pool-other-domain",
    d7_tls_srv_beats_tcp_srv => "tls-wins",
    d5_dangling_srv_target => "dangling-srv",
    d9_untrusted_ca => "untrusted-ca",
    d9_expired_certificate => "expired",
    d8_pool_down_unreachable => "pool-down",
    d8_servfail_refused_are_dns_errors => "dns-failures",
    d8_no_records_missing => "no-records",
    d5_srv_priority_lower_first => "srv-priority",
    d9_wildcard_only_certificate => "wildcard-cert",
    hostile_servers_end_within_timeout => "hostile",
    d9_hostile_text_in_names_and_certificates => "hostile-text",
    d13_autodiscover_internal_and_external => "autodiscover",
    d13_autodiscover_cert_without_lyncdiscover_no_fallback => "autodiscover-cert",
    d13_d8_proxy_html_404_is_service_error => "autodiscover-proxy-404",
    d13_d8_http_500_is_service_error => "autodiscover-500",
    d13_http_only_mobile_via_redirect_desktop_falls_back => "autodiscover-http-only",
    d13_redirect_to_another_pool => "autodiscover-redirect",
    d13_hybrid_redirect_online => "autodiscover-hybrid",
    d13_d8_redirect_loop_is_service_error => "autodiscover-loop",
    d13_unpublished_sfb_falls_back_mobile_fails => "autodiscover-unpublished",
    d13_hostile_redirects_are_not_followed => "autodiscover-hostile-redirect",
    d13_hostile_user_link_is_not_contacted => "autodiscover-hostile-link",
    d7_d13_mixed_estate => "mixed-estate",
    d14_pool_member_down => "pool-member-down",
    d15_tls10_server => "tls10-server",
    d15_tls12_cbc_only => "tls12-cbc-only",
    d16_missing_intermediate => "missing-intermediate",
    d16_client_auth_cert => "client-auth-cert",
    d12_split_view_inside_view_on_the_primary => "split-view",
    d11_stale_resolver_primary_has_the_edit => "stale-resolver",
    d11_lagging_secondary_primary_has_the_edit => "lagging-secondary",
    d17_web_server_on_sip_is_not_sip => "web-server-on-sip",
    d17_third_party_registrar_found_with_warning => "third-party-registrar",
    d17_hostile_registrars_end_within_timeout => "hostile-registrars",
}
