//! Autodiscover on the dashboard (issue 10, D13): an autodiscover row's
//! requests (hops) in the details pane and the clients panel, after a real
//! sweep of a lab scenario. Ports, timings and certificate dates vary from
//! run to run; they are fixed or masked before the snapshot.

use std::sync::Arc;

use super::fixtures::*;
use crate::lab::{Lab, LabOptions, scenario};
use crate::plan::profile;
use crate::sweep::SweepEvent;
use crate::tui::app::Msg;
use crate::tui::demo::DemoExtension;

/// The mobile profile on autodiscover-http-only, cursor on row 2 (HTTP,
/// redirected to the pool's HTTPS web services).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d13_autodiscover_hops_and_clients_screens() {
    let s = scenario("autodiscover-http-only").expect("scenario");
    let lab = Arc::new(
        Lab::start(vec![s.clone()], LabOptions::default())
            .await
            .unwrap(),
    );
    let ext = DemoExtension::new(lab.clone(), "autodiscover-http-only").expect("known");
    let mut app = app().with_extension(Box::new(ext));
    let (_, mut settings) = started(&app.start(Some(s.sip_address()))).expect("a sweep");
    settings.options.profile = profile("mobile").unwrap();
    app.profile = "mobile".into();
    let mut report = super::fixtures::engine_sweep(settings).await;
    report.elapsed_ms = 7;
    for r in &mut report.records {
        r.elapsed_ms = 1;
        for t in &mut r.targets {
            t.timings = Default::default();
            t.dialed = None;
            if let Some(c) = &mut t.certificate {
                c.not_before = "2026-01-01T00:00:00Z".into();
                c.not_after = "2027-01-01T00:00:00Z".into();
                // Fresh lab keys every run: fixed values keep the screen stable.
                c.thumbprint = "4BC96E12FEBB4123BC42F729E42AFB37779CE206".into();
                c.serial = "01".into();
            }
        }
    }
    assert!(report.signin_ok(), "{}", report.verdict.summary);
    assert_eq!(report.selected, Some(2));
    app.update(Msg::Sweep {
        lane: 0,
        id: 1,
        event: SweepEvent::Finished(Box::new(report)),
    });
    // The cursor starts on the record the client uses (issue 13 item 8).
    assert_eq!(app.cursor, 1);
    let dns = lab.dns_addr().to_string();
    let masked = format!("{:<1$}", "127.0.0.1:PORT", dns.len());
    let mask = |s: String| s.replace(&dns, &masked);
    let wide = mask(screen(&app, 120, 40));
    assert!(
        wide.contains("Every client generation") || wide.contains("clients:"),
        "{wide}"
    );
    insta::assert_snapshot!("autodiscover_120x40", wide);
    insta::assert_snapshot!("autodiscover_80x24", mask(screen(&app, 80, 24)));
    // Zoomed details: every hop and the links of the root document.
    app.update(key('d'));
    let zoomed = mask(screen(&app, 120, 40));
    assert!(zoomed.contains("Requests (2, in order)"), "{zoomed}");
    insta::assert_snapshot!("autodiscover_details_120x40", zoomed);
}
