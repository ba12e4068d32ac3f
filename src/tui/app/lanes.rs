//! One lane per vantage (D12): each group of clients' sweep, its change
//! markers and its authoritative comparison (D11). Without `--vantage` the
//! dashboard has one unnamed lane, the `--resolver` pool.
//!
//! A lane's [`Session`] is the one record of its finished sweeps: the
//! markers compare with its latest sweep, and `s` saves the first lane's
//! session (the other lanes' latest sweeps go in as vantages).

use std::collections::BTreeMap;

use super::Change;
use crate::model::authority::{Authority, AuthorityEvidence};
use crate::model::diff::{RowStatusChange, status_changes};
use crate::model::vantage::{Disagreement, VantageReport, disagreements};
use crate::model::{RecordResult, SweepReport};
use crate::probe::ResolverSpec;
use crate::snapshot::Session;

/// Where the authoritative comparison of a lane stands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Asked {
    /// Not asked (`a` turns it on).
    #[default]
    Off,
    /// The zone's servers are being asked.
    Asking,
    /// It could not run, and why.
    Failed(String),
    /// Their answers, judged against the lane's report once it finished.
    Answered(AuthorityEvidence),
}

/// One vantage's side of the dashboard.
#[derive(Debug, Clone, Default)]
pub struct Lane {
    /// The vantage's label; empty for the single unnamed vantage.
    pub label: String,
    /// The vantage's resolvers; `None` for the unnamed one (the layered
    /// `--resolver` / config / system resolvers).
    pub resolvers: Option<ResolverSpec>,
    /// The current sweep's report, updated row by row.
    pub report: Option<SweepReport>,
    /// This vantage's finished sweeps of the domain on screen (a new
    /// domain starts over); the latest is what changes are marked against.
    pub history: Session,
    /// Row index → change since the previous sweep.
    pub changes: BTreeMap<usize, Change>,
    /// Whether this lane's sweep is in flight.
    pub running: bool,
    pub asked: Asked,
    /// The comparison with the zone's servers, once both sides are in (D11).
    pub authority: Option<Authority>,
}

impl Lane {
    pub fn named(label: &str, resolvers: ResolverSpec) -> Lane {
        Lane {
            label: label.to_string(),
            resolvers: Some(resolvers),
            ..Lane::default()
        }
    }

    /// A fresh sweep starts: every row pending, no markers yet.
    pub fn start(&mut self, report: SweepReport, authoritative: bool) {
        self.report = Some(report);
        self.changes.clear();
        self.running = true;
        self.authority = None;
        self.asked = if authoritative {
            Asked::Asking
        } else {
            Asked::Off
        };
    }

    /// A row's new state; returns the markers it adds or moves (final
    /// statuses that differ from the previous finished sweep's).
    pub fn row(&mut self, row: RecordResult) -> Vec<RowStatusChange> {
        if let Some(report) = self.report.as_mut() {
            if let Some(slot) = report.records.iter_mut().find(|r| r.index == row.index) {
                *slot = row;
            }
            report.decide();
        }
        // Every row event: a row streamed early may go back in flight.
        self.note_changes()
    }

    /// The sweep finished with `report`; returns the changes it completes.
    pub fn finish(&mut self, report: SweepReport) -> Vec<RowStatusChange> {
        self.running = false;
        if self.baseline().is_some_and(|b| b.domain != report.domain) {
            self.history.clear();
        }
        self.report = Some(report.clone());
        let changes = self.note_changes();
        self.history.push(report);
        self.rejudge();
        changes
    }

    /// The last finished sweep, which changes are marked against.
    pub fn baseline(&self) -> Option<&SweepReport> {
        self.history.current()
    }

    /// The zone's servers answered (or could not be asked).
    pub fn answered(&mut self, result: Result<AuthorityEvidence, String>) {
        self.asked = match result {
            Ok(ev) => Asked::Answered(ev),
            Err(e) => Asked::Failed(e),
        };
        self.rejudge();
    }

    /// D11 is judged on finished rows only: a pending row has said nothing yet.
    fn rejudge(&mut self) {
        self.authority = match (&self.asked, &self.report, self.running) {
            (Asked::Answered(ev), Some(report), false) => Some(Authority::of(report, ev)),
            _ => None,
        };
    }

    /// Marks rows whose final status differs from the previous finished
    /// sweep's, and returns the markers that are new or changed. Rows are
    /// matched by what they ask (model::diff), so a profile switch still
    /// compares the queries both profiles make. A row streamed early and
    /// then corrected (D11: the fresh address answer decides) moves its
    /// marker with it; a row back in flight loses it until it settles.
    fn note_changes(&mut self) -> Vec<RowStatusChange> {
        let (Some(before), Some(now)) = (self.history.current(), &self.report) else {
            return Vec::new();
        };
        // Like with like: another domain's sweep is not a change of this one.
        if before.domain != now.domain {
            return Vec::new();
        }
        let mut marks = BTreeMap::new();
        let mut fresh = Vec::new();
        for c in status_changes(before, now) {
            let (Some(from), Some(to)) = (c.from, c.to) else {
                continue;
            };
            if to.in_flight() {
                continue;
            }
            let mark = Change {
                before: from,
                after: to,
            };
            if self.changes.get(&c.index) != Some(&mark) {
                fresh.push(c.clone());
            }
            marks.insert(c.index, mark);
        }
        self.changes = marks;
        fresh
    }

    /// The resolver the lane's vantage says, for the header.
    pub fn resolvers_label(&self) -> Option<String> {
        self.resolvers.as_ref().map(|r| r.labels().join(", "))
    }
}

/// D12: the rows on which the finished lanes disagree (nothing while any
/// lane is in flight or there is a single lane).
pub fn lane_disagreements(lanes: &[Lane]) -> Vec<Disagreement> {
    if lanes.len() < 2 || lanes.iter().any(|l| l.running) {
        return Vec::new();
    }
    let each: Option<Vec<VantageReport>> = lanes
        .iter()
        .map(|l| l.report.as_ref().map(|r| VantageReport::of(&l.label, r)))
        .collect();
    match each {
        // Every lane sweeps the same domain with the same profile.
        Some(each)
            if each
                .windows(2)
                .all(|w| w[0].records.len() == w[1].records.len()) =>
        {
            disagreements(&each)
        }
        _ => Vec::new(),
    }
}
