//! The sweep side of the reducer: starting a sweep with the layered
//! settings, folding its events into the report, and marking changes.

use super::lanes::lane_disagreements;
use super::{App, Effect, Lane, Mode, SweepInfo, SweepState};
use crate::config::{Vantage, sweep_options, vantages, with_profile};
use crate::model::authority::AuthorityEvidence;
use crate::model::eventlog::LogKind;
use crate::sweep::{self, SweepEvent, SweepSettings};
use crate::tui::edit::EditField;

impl App {
    /// The settings of the next sweep: the command line over the opened
    /// snapshot's settings over the file (with the profile `p` chose), then
    /// whatever an extension adjusts.
    pub fn settings(&self) -> Result<SweepSettings, String> {
        let target = self.target.as_ref().ok_or("no address to sweep")?;
        let mut overrides = self.layers.overrides.clone();
        overrides.profile = Some(self.profile.clone());
        let layer = self.layers.snapshot.as_ref();
        let options = match &self.layers.resolved {
            // Resolved before the loop: only the profile (p) may differ.
            Some((options, _)) if options.profile.name == self.profile => Ok(options.clone()),
            Some((options, _)) => with_profile(options.clone(), &self.profile, &overrides, layer),
            None => sweep_options(&overrides, layer, &self.config.file),
        }
        .map_err(|e| e.to_string())?;
        let mut settings = SweepSettings::new(target.clone(), options);
        if let Some(ext) = &self.extension {
            ext.adjust_settings(&mut settings);
        }
        Ok(settings)
    }

    /// Resolves the layered options and vantages now (resolver host names
    /// looked up, `--lab-dial` read): **blocking**, so the frontend calls it
    /// before the event loop; later sweeps reuse them and the reducer does
    /// no blocking work. Errors name the option at fault.
    pub fn resolve_settings(&mut self) -> Result<(), crate::config::ConfigError> {
        let mut overrides = self.layers.overrides.clone();
        overrides.profile = Some(self.profile.clone());
        let layer = self.layers.snapshot.as_ref();
        let options = sweep_options(&overrides, layer, &self.config.file)?;
        let named = vantages(&self.layers.overrides, &self.config.file)?;
        self.layers.resolved = Some((options, named));
        Ok(())
    }

    /// The resolvers the next sweep asks, as given, or "system".
    pub fn resolver_label(&self) -> String {
        let given = if !self.layers.overrides.resolvers.is_empty() {
            &self.layers.overrides.resolvers
        } else if let Some(s) = &self.layers.snapshot {
            &s.resolvers
        } else {
            &self.config.file.resolvers
        };
        if given.is_empty() {
            "system".into()
        } else {
            given.join(", ")
        }
    }

    /// The vantages of the next sweep: the command line's or the file's
    /// (`[[vantage]]`), else an opened snapshot's, else an extension's (the demo's split views); empty
    /// means one unnamed vantage.
    fn vantages(&self) -> Result<Vec<Vantage>, String> {
        let named = match &self.layers.resolved {
            Some((_, named)) => named.clone(),
            None => {
                vantages(&self.layers.overrides, &self.config.file).map_err(|e| e.to_string())?
            }
        };
        if !named.is_empty() {
            return Ok(named);
        }
        if !self.layers.snapshot_vantages.is_empty() {
            return Ok(self.layers.snapshot_vantages.clone());
        }
        let domain = self.target.as_ref().map(|t| t.domain.as_str());
        Ok(match (&self.extension, domain) {
            (Some(ext), Some(domain)) => ext.vantages(domain),
            _ => Vec::new(),
        })
    }

    /// One lane per vantage; lanes that stay keep their markers' baseline.
    fn set_lanes(&mut self, named: Vec<Vantage>) {
        let same = named.len().max(1) == self.lanes.len()
            && self
                .lanes
                .iter()
                .zip(&named)
                .all(|(l, v)| l.label == v.label);
        if named.is_empty() {
            if self.lanes.len() != 1 || !self.lanes[0].label.is_empty() {
                self.lanes = vec![Lane::default()];
            }
        } else if same {
            for (l, v) in self.lanes.iter_mut().zip(named) {
                l.resolvers = Some(v.resolvers);
            }
        } else {
            self.lanes = named
                .into_iter()
                .map(|v| Lane::named(&v.label, v.resolvers))
                .collect();
        }
        self.shown = self.shown.min(self.lanes.len() - 1);
    }

    /// The label of lane `i` for the log: `[inside] ` or nothing.
    pub(super) fn lane_tag(&self, i: usize) -> String {
        match self.lanes.get(i) {
            Some(l) if !l.label.is_empty() => format!("[{}] ", l.label),
            _ => String::new(),
        }
    }

    /// Starts a fresh sweep of the current address (one per vantage),
    /// cancelling one in flight; every row goes back to pending.
    pub fn rerun(&mut self) -> Vec<Effect> {
        let mut effects = Vec::new();
        if self.target.is_none() {
            self.mode = Mode::Edit(EditField::default());
            return effects;
        }
        if self.is_running() {
            effects.push(Effect::CancelSweep);
            self.state = SweepState::Idle;
            for lane in &mut self.lanes {
                lane.running = false;
            }
            if let Some(s) = &self.sweep {
                let id = s.id;
                self.push_log(format!("sweep {id} cancelled"));
            }
        }
        let prepared = self.settings().and_then(|s| Ok((s, self.vantages()?)));
        let (settings, named) = match prepared {
            Ok(s) => s,
            Err(e) => {
                self.push_problem(format!("cannot sweep: {e}"));
                self.state = SweepState::Failed(e);
                return effects;
            }
        };
        let domain = settings.target.domain.clone();
        let arriving = self.report().is_none_or(|r| r.domain != domain);
        if let Some(ext) = self.extension.as_mut() {
            ext.on_sweep_start(&domain);
            let wanted = ext.authoritative(&domain);
            if arriving && wanted && !self.authoritative {
                self.authoritative = true;
                self.auto_authoritative = true;
                self.push_log(format!(
                    "{domain}: comparing with the zone's own servers (D11); a turns it off"
                ));
            } else if arriving && !wanted && self.auto_authoritative {
                // Only what the extension turned on goes off with it.
                self.authoritative = false;
                self.auto_authoritative = false;
                self.push_log(
                    "authoritative comparison off (the scenario that asked for it is left)",
                );
            }
        }
        self.snapshot_sweep_started(&settings);
        self.set_lanes(named);
        self.sweeps_started += 1;
        let id = self.sweeps_started;
        let first = sweep::initial_report(&settings);
        if !self.same_domain(&first) {
            // Another domain: the cursor follows its client's row again.
            self.cursor_moved = false;
        }
        self.cursor = self.cursor.min(first.records.len().saturating_sub(1));
        // Each lane: the same settings through its own resolvers.
        let mut all = Vec::new();
        for i in 0..self.lanes.len() {
            let mut s = settings.clone();
            if let Some(r) = &self.lanes[i].resolvers {
                s.options.resolvers = r.clone();
            }
            let report = sweep::initial_report(&s);
            if self.authoritative {
                effects.push(Effect::AskAuthority {
                    id,
                    lane: i,
                    report: Box::new(report.clone()),
                    options: Box::new(s.options.clone()),
                });
            }
            self.lanes[i].start(report, self.authoritative);
            all.push(s);
        }
        self.state = SweepState::Running;
        self.spinner = 0;
        self.sweep = Some(SweepInfo {
            id,
            started: self.clock.stamp(),
            elapsed_ms: None,
        });
        // Dial overrides (a lab) send probes elsewhere than DNS said: say so.
        let dial = match settings.options.dial.len() {
            0 => String::new(),
            n => format!(", {n} dial overrides to lab listeners"),
        };
        let resolvers = if self.lanes.len() > 1 || !self.lanes[0].label.is_empty() {
            let each: Vec<String> = self
                .lanes
                .iter()
                .zip(&all)
                .map(|(l, s)| format!("{} {}", l.label, s.options.resolvers.labels().join(", ")))
                .collect();
            format!("vantages {}", each.join("; "))
        } else {
            format!(
                "resolver {}",
                settings.options.resolvers.labels().join(", ")
            )
        };
        let authoritative = if self.authoritative {
            ", asking the zone's own servers too"
        } else {
            ""
        };
        self.push_log(format!(
            "sweep {id} started: {} (domain {}), profile {}, {resolvers}{dial}{authoritative}",
            settings.target.input, settings.target.domain, settings.options.profile.name,
        ));
        effects.push(Effect::StartSweep { id, settings: all });
        effects
    }

    pub(super) fn on_sweep_event(&mut self, lane: usize, event: SweepEvent) {
        let tag = self.lane_tag(lane);
        match event {
            SweepEvent::Row(row) => {
                let changes = self.lanes[lane].row(row);
                self.log_changes(lane, changes);
                if lane == self.shown {
                    self.follow_client_row();
                }
            }
            SweepEvent::Log(line) => {
                self.push_log_as(
                    line.kind,
                    format!("+{} ms  {tag}{}", line.elapsed_ms, line.text),
                );
            }
            SweepEvent::Finished(report) => {
                let elapsed = report.elapsed_ms;
                let comparable = self.lanes[lane]
                    .baseline()
                    .is_some_and(|b| b.domain == report.domain);
                let changes = self.lanes[lane].finish(*report);
                let counted = match self.lanes[lane].changes.len() {
                    0 if comparable => ", no changes".to_string(),
                    0 => String::new(),
                    1 => ", 1 record changed".to_string(),
                    n => format!(", {n} records changed"),
                };
                self.log_changes(lane, changes);
                if lane == self.shown {
                    self.follow_client_row();
                }
                let id = self.sweep.as_ref().map(|s| s.id).unwrap_or_default();
                self.push_log(format!("{tag}sweep {id} finished in {elapsed} ms{counted}"));
                self.log_authority(lane);
                if self.lanes.iter().all(|l| !l.running) {
                    self.all_finished();
                }
            }
        }
    }

    /// Every lane's sweep is over: the session takes it, the vantages are
    /// compared (D12), the watch countdown starts again.
    fn all_finished(&mut self) {
        self.state = SweepState::Idle;
        self.snapshot_sweep_finished();
        let elapsed = self
            .lanes
            .iter()
            .filter_map(|l| l.report.as_ref().map(|r| r.elapsed_ms))
            .max();
        if let Some(s) = self.sweep.as_mut() {
            s.elapsed_ms = elapsed;
        }
        if self.lanes.len() > 1 {
            let differ = lane_disagreements(&self.lanes);
            if differ.is_empty() {
                self.push_log("the vantages agree on every record");
            } else {
                self.push_log_as(
                    LogKind::Problem,
                    format!("the vantages disagree on {} record(s) (D12)", differ.len()),
                );
                for d in differ {
                    self.push_log_as(LogKind::Problem, format!("  {d}"));
                }
            }
        }
        self.restart_countdown();
    }

    /// D11: the zone's servers answered for lane `lane`.
    pub(super) fn on_authority(&mut self, lane: usize, result: Result<AuthorityEvidence, String>) {
        let tag = self.lane_tag(lane);
        if let Err(e) = &result {
            self.push_problem(format!("{tag}authoritative: {e}"));
        }
        self.lanes[lane].answered(result);
        self.log_authority(lane);
    }

    /// Once a lane has both its sweep and the zone's answers: what differs.
    fn log_authority(&mut self, lane: usize) {
        let tag = self.lane_tag(lane);
        let Some(a) = self.lanes[lane].authority.clone() else {
            return;
        };
        let serials: Vec<String> = a
            .view
            .servers
            .iter()
            .map(|s| {
                format!(
                    "{} {}",
                    s.name,
                    s.serial.map_or("-".into(), |n| n.to_string())
                )
            })
            .collect();
        self.push_log(format!(
            "{tag}authoritative: zone {}, servers {}",
            a.view.zone,
            serials.join(", ")
        ));
        for s in a.view.servers.iter().filter(|s| !s.status.is_current()) {
            self.push_log_as(LogKind::Problem, format!("{tag}  {}: {}", s.name, s.status));
        }
        let mut differ = 0;
        for (index, row) in a.disagreeing() {
            differ += 1;
            self.push_log_as(
                LogKind::Problem,
                format!("{tag}  record {index}: {}", row.detail),
            );
        }
        if differ == 0 {
            self.push_log(format!(
                "{tag}  the resolver agrees with what the zone publishes"
            ));
        }
    }

    fn log_changes(&mut self, lane: usize, changes: Vec<crate::model::diff::RowStatusChange>) {
        let tag = self.lane_tag(lane);
        for c in changes {
            self.push_log_as(LogKind::Change, format!("{tag}{c}"));
        }
    }

    /// Whether `report` is of the same domain as the one shown (or none is).
    fn same_domain(&self, report: &crate::model::SweepReport) -> bool {
        self.report().is_none_or(|r| r.domain == report.domain)
    }

    /// Until the user moves it, the cursor sits on the row the client uses (D7).
    pub(super) fn follow_client_row(&mut self) {
        if self.cursor_moved {
            return;
        }
        let Some(report) = self.report() else { return };
        if let Some(pos) = report
            .selected
            .and_then(|sel| report.records.iter().position(|r| r.index == sel))
        {
            self.cursor = pos;
        }
    }
}
