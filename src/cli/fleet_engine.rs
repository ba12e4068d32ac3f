//! The one place `audit` and `serve` get a check from (D19): one target in,
//! exactly the document a single `check --json` gives out. A thin layer over
//! [`crate::engine::Engine`] (issue 17), built once from the layered
//! settings; the document is rendered by the functions `check` uses.

use std::time::Duration;

use crate::config::{Resolved, SweepOverrides, sweep_options};
use crate::engine::{CheckRequest, CheckResult, EngineSettings};
use crate::error::Failure;
use crate::input::Target;
use crate::model::authority::Authority;
use crate::model::vantage::VantageReport;
use crate::model::{State, SweepReport, Verdict};
use crate::plan::Profile;

/// What every check shares: trust store, resolvers, profiles (D19).
pub struct Engine {
    inner: crate::engine::Engine,
}

/// One check's request: the target and what a frontend may narrow.
#[derive(Debug, Clone)]
pub struct Request {
    pub target: Target,
    /// Another profile than the configured one (serve's `&profile=`).
    pub profile: Option<Profile>,
    /// One named vantage instead of all (serve's `&vantage=`), by label.
    pub vantage: Option<String>,
    /// A cap on each network step (serve: the scrape timeout).
    pub timeout: Option<Duration>,
}

impl Request {
    pub fn of(target: Target) -> Request {
        Request {
            target,
            profile: None,
            vantage: None,
            timeout: None,
        }
    }
}

/// One finished check.
#[derive(Debug, Clone)]
pub struct Checked {
    /// One report per vantage swept (one without vantages), in order.
    pub reports: Vec<SweepReport>,
    /// The zone's view per vantage, when asked (D11).
    pub authority: Vec<Option<Authority>>,
    /// The vantages' labels (one empty label without named vantages).
    pub labels: Vec<String>,
    /// Position in `reports` of the one whose verdict is the top-level one
    /// (the worst vantage, D18).
    pub top: usize,
    /// Whether the engine sweeps named vantages (the document's shape).
    named: bool,
    /// Whether the engine asks the zone's own servers (D11).
    authoritative: bool,
}

impl Checked {
    pub fn report(&self) -> &SweepReport {
        &self.reports[self.top]
    }

    pub fn verdict(&self) -> &Verdict {
        &self.report().verdict
    }

    pub fn state(&self) -> State {
        self.verdict().state
    }

    /// Exactly what `check --json` prints for this check (D19), on one
    /// line. Rendered on demand: the exporter never needs it.
    pub fn document(&self) -> String {
        let doc = if self.named {
            let each: Vec<VantageReport> = self
                .labels
                .iter()
                .zip(&self.reports)
                .map(|(l, r)| VantageReport::of(l, r))
                .collect();
            let authority = self.authoritative.then_some(&self.authority[..]);
            crate::report::document(&self.reports[0], Some(&each), authority)
        } else {
            // As `check_json`: the view only when the zone could be asked.
            let authority = self.authority[0].is_some().then_some(&self.authority[..]);
            crate::report::document(&self.reports[0], None, authority)
        };
        crate::report::json::to_line(&doc)
    }
}

impl Engine {
    /// Resolves the layered settings and builds the engine once (blocking:
    /// call it before the runtime runs). Errors are configuration errors.
    pub fn new(sweep: &SweepOverrides, config: &Resolved) -> Result<Engine, Failure> {
        let inner = crate::engine::Engine::new(EngineSettings {
            options: sweep_options(sweep, None, &config.config)?,
            vantages: crate::config::vantages(sweep, &config.config)?,
            authoritative: sweep.authoritative || config.config.authoritative,
            // Many checks at once: identical questions in flight are joined.
            join_questions: true,
        })?;
        Ok(Engine { inner })
    }

    /// The labels of the named vantages (none without `--vantage`).
    pub fn vantage_labels(&self) -> Vec<&str> {
        if self.inner.has_named_vantages() {
            self.inner.vantage_labels()
        } else {
            Vec::new()
        }
    }

    /// A built-in profile by name.
    pub fn profile(&self, name: &str) -> Option<&Profile> {
        self.inner.profile(name)
    }

    pub fn timeout(&self) -> Duration {
        self.inner.options().timeout
    }

    /// Checks one target afresh (nothing shared with other targets, D19).
    pub async fn check(&self, req: Request) -> Result<Checked, String> {
        let mut r = CheckRequest::new(req.target);
        r.profile = req.profile;
        r.timeout = req.timeout;
        if let Some(label) = &req.vantage {
            let i = self
                .inner
                .vantage_index(label)
                .ok_or_else(|| format!("no vantage is labelled {}", crate::text::echo(label)))?;
            r.vantages = Some(vec![i]);
        }
        let result = self.inner.check(&r, None).await;
        self.checked(result)
    }

    /// The reports of `result`, with what the document needs.
    fn checked(&self, result: CheckResult) -> Result<Checked, String> {
        if result.vantages.is_empty() {
            return Err("the check returned no report".into());
        }
        let labels: Vec<String> = result.vantages.iter().map(|v| v.label.clone()).collect();
        let (reports, authority): (Vec<SweepReport>, Vec<Option<Authority>>) = result
            .vantages
            .into_iter()
            .map(|v| (v.report, v.authority))
            .unzip();
        // The worst vantage, the first of equals (as the document's top).
        let top = (0..reports.len())
            .rev()
            .max_by_key(|&i| reports[i].verdict.state.severity())
            .unwrap_or(0);
        Ok(Checked {
            reports,
            authority,
            labels,
            top,
            named: self.inner.has_named_vantages(),
            authoritative: self.inner.authoritative(),
        })
    }
}
