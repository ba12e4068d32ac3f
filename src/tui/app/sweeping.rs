//! The sweep side of the reducer: starting a sweep with the layered
//! settings, folding its events into the report, and marking changes.

use super::{App, Change, Effect, Mode, SweepInfo, SweepState};
use crate::config::sweep_options;
use crate::model::diff::status_changes;
use crate::model::eventlog::LogKind;
use crate::sweep::{self, SweepEvent, SweepSettings};
use crate::tui::edit::EditField;

impl App {
    /// The settings of the next sweep: the command line over the opened
    /// snapshot's settings over the file (with the profile `p` chose), then
    /// whatever an extension adjusts.
    pub fn settings(&self) -> Result<SweepSettings, String> {
        let target = self.target.as_ref().ok_or("no address to sweep")?;
        let mut overrides = self.overrides.clone();
        overrides.profile = Some(self.profile.clone());
        let options = sweep_options(&overrides, self.snapshot_layer.as_ref(), &self.config.file)
            .map_err(|e| e.to_string())?;
        let mut settings = SweepSettings::new(target.clone(), options);
        if let Some(ext) = &self.extension {
            ext.adjust_settings(&mut settings);
        }
        Ok(settings)
    }

    /// The resolvers the next sweep asks, as given, or "system".
    pub fn resolver_label(&self) -> String {
        let given = if !self.overrides.resolvers.is_empty() {
            &self.overrides.resolvers
        } else if let Some(s) = &self.snapshot_layer {
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

    /// Starts a fresh sweep of the current address, cancelling one in flight;
    /// every row goes back to pending.
    pub fn rerun(&mut self) -> Vec<Effect> {
        let mut effects = Vec::new();
        if self.target.is_none() {
            self.mode = Mode::Edit(EditField::default());
            return effects;
        }
        if self.is_running() {
            effects.push(Effect::CancelSweep);
            self.state = SweepState::Idle;
            if let Some(s) = &self.sweep {
                let id = s.id;
                self.push_log(format!("sweep {id} cancelled"));
            }
        }
        let settings = match self.settings() {
            Ok(s) => s,
            Err(e) => {
                self.push_problem(format!("cannot sweep: {e}"));
                self.state = SweepState::Failed(e);
                return effects;
            }
        };
        if let Some(ext) = self.extension.as_mut() {
            ext.on_sweep_start(&settings.target.domain);
        }
        self.snapshot_sweep_started(&settings);
        self.sweeps_started += 1;
        let id = self.sweeps_started;
        let report = sweep::initial_report(&settings);
        if !self.same_domain(&report) {
            // Another domain: the cursor follows its client's row again.
            self.cursor_moved = false;
        }
        self.cursor = self.cursor.min(report.records.len().saturating_sub(1));
        self.report = Some(report);
        self.changes.clear();
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
        self.push_log(format!(
            "sweep {id} started: {} (domain {}), profile {}, resolver {}{dial}",
            settings.target.input,
            settings.target.domain,
            settings.options.profile.name,
            settings.options.resolvers.labels().join(", ")
        ));
        effects.push(Effect::StartSweep {
            id,
            settings: Box::new(settings),
        });
        effects
    }

    pub(super) fn on_sweep_event(&mut self, event: SweepEvent) {
        match event {
            SweepEvent::Row(row) => {
                let final_status = !row.status.in_flight();
                if let Some(report) = self.report.as_mut() {
                    if let Some(slot) = report.records.iter_mut().find(|r| r.index == row.index) {
                        *slot = row;
                    }
                    report.decide();
                }
                if final_status {
                    self.note_changes();
                }
                self.follow_client_row();
            }
            SweepEvent::Log(line) => {
                self.push_log_as(line.kind, format!("+{} ms  {}", line.elapsed_ms, line.text));
            }
            SweepEvent::Finished(report) => {
                let elapsed = report.elapsed_ms;
                self.report = Some(*report);
                self.state = SweepState::Idle;
                self.note_changes();
                self.follow_client_row();
                self.snapshot_sweep_finished();
                let id = self.sweep.as_ref().map(|s| s.id).unwrap_or_default();
                if let Some(s) = self.sweep.as_mut() {
                    s.elapsed_ms = Some(elapsed);
                }
                let comparable = self
                    .baseline
                    .as_ref()
                    .is_some_and(|b| self.report.as_ref().is_some_and(|r| r.domain == b.domain));
                let changes = match self.changes.len() {
                    0 if comparable => ", no changes".to_string(),
                    0 => String::new(),
                    1 => ", 1 record changed".to_string(),
                    n => format!(", {n} records changed"),
                };
                self.push_log(format!("sweep {id} finished in {elapsed} ms{changes}"));
                self.baseline = self.report.clone();
                self.restart_countdown();
            }
        }
    }

    /// Marks and logs rows whose final status differs from the previous
    /// finished sweep's. Rows are matched by what they ask (model::diff), so
    /// a profile switch still compares the queries both profiles make.
    fn note_changes(&mut self) {
        let (Some(before), Some(now)) = (&self.baseline, &self.report) else {
            return;
        };
        // Like with like: another domain's sweep is not a change of this one.
        if before.domain != now.domain {
            return;
        }
        let new: Vec<_> = status_changes(before, now)
            .into_iter()
            .filter(|c| !self.changes.contains_key(&c.index))
            .filter_map(|c| match (c.from, c.to) {
                (Some(from), Some(to)) if !to.in_flight() => Some((c.index, from, to, c)),
                _ => None,
            })
            .collect();
        for (index, before, after, change) in new {
            self.changes.insert(index, Change { before, after });
            self.push_log_as(LogKind::Change, change.to_string());
        }
    }

    /// Whether `report` is of the same domain as the one shown (or none is).
    fn same_domain(&self, report: &crate::model::SweepReport) -> bool {
        self.report
            .as_ref()
            .is_none_or(|r| r.domain == report.domain)
    }

    /// Until the user moves it, the cursor sits on the row the client uses (D7).
    pub(super) fn follow_client_row(&mut self) {
        if self.cursor_moved {
            return;
        }
        let Some(report) = &self.report else { return };
        if let Some(pos) = report
            .selected
            .and_then(|sel| report.records.iter().position(|r| r.index == sel))
        {
            self.cursor = pos;
        }
    }
}
