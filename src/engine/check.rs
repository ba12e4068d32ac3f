//! One check: one target through every requested vantage (each with its own
//! resolvers, D12), with the zone's own servers asked beside it (D11).

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use tokio::sync::mpsc;

use super::{Engine, VANTAGES_AT_ONCE};
use crate::input::{InputError, Target, parse_target};
use crate::model::SweepReport;
use crate::model::authority::{Authority, AuthorityEvidence};
use crate::plan::Profile;
use crate::probe::ProbeContext;
use crate::sweep::{SharedSource, Sweep, SweepEvent, SweepSettings};

/// What to check: the target, and what may differ from the engine's settings.
#[derive(Debug, Clone)]
pub struct CheckRequest {
    pub target: Target,
    /// Another profile than the engine's (see [`Engine::profile`]).
    pub profile: Option<Profile>,
    /// The vantages to sweep, by position ([`Engine::vantage_index`]);
    /// `None`: every vantage. Positions the engine does not have are skipped.
    pub vantages: Option<Vec<usize>>,
    /// A tighter bound on each network step than the engine's timeout (the
    /// exporter follows Prometheus's scrape timeout).
    pub timeout: Option<Duration>,
}

impl CheckRequest {
    pub fn new(target: Target) -> CheckRequest {
        CheckRequest {
            target,
            profile: None,
            vantages: None,
            timeout: None,
        }
    }

    /// A request for a SIP address, domain or URI as a user types it (D1).
    pub fn parse(input: &str) -> Result<CheckRequest, InputError> {
        parse_target(input).map(CheckRequest::new)
    }
}

/// One event of a check in flight: what the dashboard folds into its lanes.
#[derive(Debug, Clone)]
pub enum EngineEvent {
    /// A row, a log line, or the finished report of vantage `vantage`
    /// (the position among the engine's vantages).
    Sweep { vantage: usize, event: SweepEvent },
    /// The zone's own servers answered for vantage `vantage` (D11), or
    /// could not be asked, and why.
    Authority {
        vantage: usize,
        result: Result<AuthorityEvidence, String>,
    },
}

/// One vantage's outcome.
#[derive(Debug, Clone)]
pub struct VantageResult {
    /// Position among the engine's vantages.
    pub vantage: usize,
    /// Empty for the unnamed vantage.
    pub label: String,
    pub report: SweepReport,
    /// D11, when asked. A lookup that could not run is a finding here too
    /// (issue 21.7): its view names the server that failed and how.
    pub authority: Option<Authority>,
}

/// A check's outcome: per requested vantage, in the engine's order.
#[derive(Debug, Clone)]
pub struct CheckResult {
    pub target: Target,
    pub vantages: Vec<VantageResult>,
}

impl CheckResult {
    /// The first vantage's report (the only one without named vantages).
    pub fn report(&self) -> Option<&SweepReport> {
        self.vantages.first().map(|v| &v.report)
    }

    /// D12: sign-in works only when it works from every vantage.
    pub fn signin_ok(&self) -> bool {
        !self.vantages.is_empty() && self.vantages.iter().all(|v| v.report.signin_ok())
    }
}

impl Engine {
    /// Checks one target with the requested vantages, all at once (at most
    /// [`VANTAGES_AT_ONCE`] together) and, when the engine says so, the
    /// authoritative comparison beside each (D11). Events stream to
    /// `events` (bounded: a slow reader slows the check); a closed
    /// receiver only stops the events. Nothing here blocks a worker thread.
    pub async fn check(
        &self,
        request: &CheckRequest,
        events: Option<mpsc::Sender<EngineEvent>>,
    ) -> CheckResult {
        let _counted = self.counter.enter();
        let selected: Vec<usize> = match &request.vantages {
            None => (0..self.lanes.len()).collect(),
            Some(wanted) => (0..self.lanes.len())
                .filter(|i| wanted.contains(i))
                .collect(),
        };
        let vantages = futures::stream::iter(selected)
            .map(|i| self.vantage(i, request, events.clone()))
            .buffered(VANTAGES_AT_ONCE)
            .collect()
            .await;
        CheckResult {
            target: request.target.clone(),
            vantages,
        }
    }

    /// The report before anything is asked, for vantage `i`: every row
    /// pending (the dashboard shows it at once).
    pub fn initial_report(&self, request: &CheckRequest, i: usize) -> Option<SweepReport> {
        let lane = self.lanes.get(i)?;
        let settings = SweepSettings::new(request.target.clone(), self.options_for(lane, request));
        let mut report = crate::sweep::initial_report(&settings);
        report.resolvers = lane.dns.servers().to_vec();
        Some(report)
    }

    async fn vantage(
        &self,
        i: usize,
        request: &CheckRequest,
        events: Option<mpsc::Sender<EngineEvent>>,
    ) -> VantageResult {
        let lane = &self.lanes[i];
        let options = self.options_for(lane, request);
        let dns = match request.timeout {
            Some(cap) => Arc::new(lane.dns.with_step_limit(cap)),
            None => lane.dns.clone(),
        };
        let probe = ProbeContext {
            trust: self.trust.clone(),
            timeout: options.timeout,
            dial: options.dial.clone(),
        };
        let settings = SweepSettings::new(request.target.clone(), options.clone());
        let source: SharedSource = dns.clone();
        let sweep = Sweep::from_parts(settings, source, probe, self.profiles.clone());
        let asked = sweep.initial_report();
        let sweep_run = run_forwarding(&sweep, i, events.clone());
        let authority = async {
            if !self.authoritative {
                return None;
            }
            // Only the rows' names and kinds are read: it runs beside the sweep.
            let result = crate::sweep::authority::look_through(&asked, &dns, &options).await;
            if let Some(tx) = &events {
                let event = EngineEvent::Authority {
                    vantage: i,
                    result: result.clone(),
                };
                let _ = tx.send(event).await;
            }
            Some(result.unwrap_or_else(|why| {
                AuthorityEvidence::unavailable(&asked.domain, dns.servers(), &why)
            }))
        };
        let (report, evidence) = futures::join!(sweep_run, authority);
        let authority = evidence.map(|ev| Authority::of(&report, &ev));
        VantageResult {
            vantage: i,
            label: lane.label.clone(),
            report,
            authority,
        }
    }
}

/// Runs `sweep`, passing its events on under vantage `i`.
async fn run_forwarding(
    sweep: &Sweep,
    i: usize,
    events: Option<mpsc::Sender<EngineEvent>>,
) -> SweepReport {
    let Some(out) = events else {
        return sweep.run(None).await;
    };
    let (tx, mut rx) = mpsc::channel(crate::sweep::EVENT_BUFFER);
    let forward = async move {
        while let Some(event) = rx.recv().await {
            if out
                .send(EngineEvent::Sweep { vantage: i, event })
                .await
                .is_err()
            {
                // Nobody watches any more; dropping `rx` lets the sweep go on.
                break;
            }
        }
    };
    let (report, ()) = futures::join!(sweep.run(Some(tx)), forward);
    report
}

impl Engine {
    /// D11 for a report already swept (or in flight) through vantage
    /// `vantage`: the zone's own servers asked every question of `report`,
    /// found through that vantage's resolver handle (the dashboard's `a`).
    pub async fn authority(
        &self,
        report: &SweepReport,
        vantage: usize,
    ) -> Result<AuthorityEvidence, String> {
        let lane = self
            .lanes
            .get(vantage)
            .ok_or_else(|| format!("there is no vantage {vantage}"))?;
        crate::sweep::authority::look_through(report, &lane.dns, &self.options).await
    }
}
