//! The one place `audit` and `serve` get a check from (D19): one target in,
//! exactly the document a single `check --json` gives out.
//!
//! Stand-in until the engine of issue 17 (`sipscope::engine::Engine`,
//! `check` / `check_many`) lands: it runs a check the way `cli/check.rs`
//! and `cli/vantages.rs` do — a fresh sweep per target and vantage, the
//! authoritative view when asked — and renders the document with the same
//! functions. Switching to the engine replaces the body of [`Engine::check`].

use std::time::Duration;

use crate::config::{Resolved, SweepOverrides, Vantage, sweep_options};
use crate::error::Failure;
use crate::input::Target;
use crate::model::vantage::VantageReport;
use crate::model::{State, SweepReport, Verdict};
use crate::plan::Profile;
use crate::sweep::{Sweep, SweepOptions, SweepSettings};

/// What every check shares: the resolved options, vantages and whether the
/// zone's own servers are asked.
#[derive(Debug, Clone)]
pub struct Engine {
    options: SweepOptions,
    vantages: Vec<Vantage>,
    authoritative: bool,
}

/// One check's request: the target and what a frontend may narrow.
#[derive(Debug, Clone)]
pub struct Request {
    pub target: Target,
    /// Another profile than the configured one (serve's `&profile=`).
    pub profile: Option<Profile>,
    /// One named vantage instead of all (serve's `&vantage=`).
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
    /// The `check --json` document, compact (one line).
    pub document: String,
    /// One report per vantage swept (one without vantages), in order.
    pub reports: Vec<SweepReport>,
    /// Position in `reports` of the one whose verdict is the top-level one
    /// (the worst vantage, D18).
    pub top: usize,
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
}

impl Engine {
    /// Resolves the layered settings once; errors are configuration errors.
    pub fn new(sweep: &SweepOverrides, config: &Resolved) -> Result<Engine, Failure> {
        Ok(Engine {
            options: sweep_options(sweep, None, &config.config)?,
            vantages: crate::config::vantages(sweep, &config.config)?,
            authoritative: sweep.authoritative || config.config.authoritative,
        })
    }

    /// The labels of the configured vantages.
    pub fn vantage_labels(&self) -> impl Iterator<Item = &str> {
        self.vantages.iter().map(|v| v.label.as_str())
    }

    pub fn timeout(&self) -> Duration {
        self.options.timeout
    }

    /// Checks one target afresh (nothing shared with other targets, D19).
    pub async fn check(&self, req: Request) -> Result<Checked, String> {
        let mut options = self.options.clone();
        if let Some(p) = req.profile {
            options.profile = p;
        }
        if let Some(t) = req.timeout {
            options.timeout = options.timeout.min(t).max(Duration::from_millis(1));
        }
        let chosen: Vec<&Vantage> = self
            .vantages
            .iter()
            .filter(|v| req.vantage.as_deref().is_none_or(|l| l == v.label))
            .collect();
        if chosen.is_empty() {
            let report = sweep(&req.target, options.clone()).await?;
            let document = if self.authoritative {
                let a = super::authority::look(&report, &options)
                    .await
                    .map_err(|e| e.to_string())?;
                compact(&super::authority::to_json(&report, &a))
            } else {
                serde_json::to_string(&report).unwrap_or_default()
            };
            return Ok(Checked {
                document,
                reports: vec![report],
                top: 0,
            });
        }
        let each_options: Vec<SweepOptions> = chosen
            .iter()
            .map(|v| {
                let mut o = options.clone();
                o.resolvers = v.resolvers.clone();
                o
            })
            .collect();
        let runs = each_options.iter().map(|o| sweep(&req.target, o.clone()));
        let reports = futures::future::join_all(runs)
            .await
            .into_iter()
            .collect::<Result<Vec<_>, _>>()?;
        let each: Vec<VantageReport> = chosen
            .iter()
            .zip(&reports)
            .map(|(v, r)| VantageReport::of(&v.label, r))
            .collect();
        let authority = if self.authoritative {
            let looks = reports
                .iter()
                .zip(&each_options)
                .map(|(r, o)| super::authority::look(r, o));
            let found = futures::future::join_all(looks).await;
            Some(
                found
                    .into_iter()
                    .map(|a| a.map(Some).map_err(|e| e.to_string()))
                    .collect::<Result<Vec<_>, _>>()?,
            )
        } else {
            None
        };
        let document = compact(&super::vantages::to_json(
            &reports[0],
            &each,
            authority.as_deref(),
        ));
        // The worst vantage, the first of equals (as the document's top).
        let top = (0..reports.len())
            .rev()
            .max_by_key(|&i| reports[i].verdict.state.severity())
            .unwrap_or(0);
        Ok(Checked {
            document,
            reports,
            top,
        })
    }
}

/// A fresh sweep of `target` (its own resolver and trust store).
async fn sweep(target: &Target, options: SweepOptions) -> Result<SweepReport, String> {
    let settings = SweepSettings::new(target.clone(), options);
    // Loading CA files and the system's resolver configuration blocks.
    let prepared = tokio::task::spawn_blocking(move || Sweep::prepare(settings))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    Ok(prepared.run(None).await)
}

/// The same document on one line.
fn compact(pretty: &str) -> String {
    serde_json::from_str::<serde_json::Value>(pretty)
        .map(|v| v.to_string())
        .unwrap_or_default()
}
