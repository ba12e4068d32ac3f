//! `sipscope demo`: the dashboard on the in-process lab. This extension
//! shows the lab's scenarios in a side panel (the current one's lesson,
//! rules and fix), switches between them (`n`/`b`, each a fresh sweep of the
//! scenario's address) and applies the current scenario's fix to the running
//! lab (`f`). It never re-runs after a fix: the engineer presses `r` and
//! watches the rows turn, the same loop they use on real DNS.

use std::collections::HashSet;
use std::sync::Arc;

use futures::future::BoxFuture;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::extension::{Extension, Panel, Request, Task, TaskDone};
use super::keys::KeyHint;
use crate::config::Vantage;
use crate::lab::{FixReport, Lab, Scenario};
use crate::probe::ResolverSpec;
use crate::sweep::SweepSettings;

/// The demo's own keys (none of them is bound by the dashboard).
pub const DEMO_KEYS: &[KeyHint] = &[
    KeyHint {
        keys: "f",
        short: "fix",
        long: "apply the current lab scenario's fix to the lab; then r re-runs",
        in_bar: true,
    },
    KeyHint {
        keys: "n/b",
        short: "scenario",
        long: "next / previous lab scenario, swept at once (also Tab / Shift-Tab)",
        in_bar: true,
    },
];

pub struct DemoExtension {
    lab: Arc<Lab>,
    /// The lab's scenarios, in demo order.
    scenarios: Vec<Scenario>,
    current: usize,
    /// Scenarios whose fix the lab has applied.
    fixed: HashSet<String>,
    /// The scenario whose fix is being applied, if any.
    fixing: Option<String>,
    /// The domain on screen when it is none of the lab's (after `e`).
    elsewhere: Option<String>,
}

impl DemoExtension {
    /// The picker over every scenario `lab` serves, starting at `first`.
    pub fn new(lab: Arc<Lab>, first: &str) -> Result<DemoExtension, String> {
        let scenarios = lab.scenarios().to_vec();
        let current = scenarios
            .iter()
            .position(|s| s.name() == first)
            .ok_or_else(|| format!("the lab has no scenario named '{first}'"))?;
        Ok(DemoExtension {
            lab,
            scenarios,
            current,
            fixed: HashSet::new(),
            fixing: None,
            elsewhere: None,
        })
    }

    pub fn current(&self) -> &Scenario {
        &self.scenarios[self.current]
    }

    pub fn is_fixed(&self, name: &str) -> bool {
        self.fixed.contains(name)
    }

    /// Moves `step` scenarios on (wrapping) and sweeps the new one's address.
    fn switch(&mut self, step: isize) -> Vec<Request> {
        self.elsewhere = None;
        let n = self.scenarios.len() as isize;
        self.current = (self.current as isize + step).rem_euclid(n) as usize;
        let s = self.current();
        let state = if self.is_fixed(s.name()) {
            " (fixed)"
        } else {
            ""
        };
        vec![
            Request::Log(format!(
                "lab scenario {}{state}: {} — {}",
                s.name(),
                s.title(),
                s.lesson()
            )),
            Request::SetAddress(s.sip_address().to_string()),
        ]
    }

    fn fix(&mut self) -> Vec<Request> {
        if let Some(domain) = &self.elsewhere {
            return vec![Request::Log(format!(
                "{domain} is not a lab scenario, so there is nothing to fix; n/b returns to one"
            ))];
        }
        let s = self.current();
        let name = s.name().to_string();
        if s.fix_description().is_none() {
            return vec![Request::Log(format!(
                "{name} has no fix: this one is healthy"
            ))];
        }
        if self.is_fixed(&name) {
            return vec![Request::Log(format!(
                "{name} is already fixed; press r to re-run"
            ))];
        }
        if self.fixing.is_some() {
            return vec![Request::Log("a fix is being applied; wait for it".into())];
        }
        let label = name.clone();
        self.fixing = Some(name.clone());
        let lab = self.lab.clone();
        let task = Task(Box::pin(async move {
            match lab.apply_fix(&name).await {
                Ok(FixReport {
                    description,
                    changes,
                    ..
                }) => TaskDone::Fixed {
                    scenario: name,
                    description,
                    changes,
                },
                Err(e) => TaskDone::FixFailed {
                    scenario: name,
                    error: e.to_string(),
                },
            }
        }));
        vec![
            Request::Log(format!("applying the fix of {label} to the lab…")),
            Request::Spawn(task),
        ]
    }
}

impl Extension for DemoExtension {
    fn panel(&self) -> Option<Panel> {
        if let Some(domain) = &self.elsewhere {
            let names: Vec<String> = self.scenarios.iter().map(Scenario::domain).collect();
            return Some(Panel {
                title: "Lab scenarios (in-process lab)".into(),
                lines: vec![
                    format!("{domain} is not a lab scenario."),
                    "The lab's DNS answers only its own domains; every sweep here asks it."
                        .to_string(),
                    format!("Lab domains: {}", names.join(", ")),
                    "n/b back to a scenario".to_string(),
                ],
                selected: None,
            });
        }
        let s = self.current();
        let fixed = self.is_fixed(s.name());
        // Most important first: a short terminal shows only the top lines.
        let mut lines = vec![
            format!(
                "{} ({} of {}){}: {}",
                s.name(),
                self.current + 1,
                self.scenarios.len(),
                if fixed { " ✓ fixed" } else { "" },
                s.title()
            ),
            format!("Lesson: {}", s.lesson()),
            match s.fix_description() {
                Some(fix) if fixed => format!("Fixed: {fix}"),
                Some(fix) => format!("Fix: {fix}"),
                None => "No fix: this one is healthy.".to_string(),
            },
            format!("Rules: {} (docs/rules.md)", s.rules().join(", ")),
            if s.fix_description().is_some() && !fixed {
                "f apply fix, then r re-run · n/b next/previous scenario".to_string()
            } else {
                "n/b next/previous scenario".to_string()
            },
            String::new(),
        ];
        for (i, other) in self.scenarios.iter().enumerate() {
            let mark = if i == self.current { "▸" } else { " " };
            let fixed = if self.is_fixed(other.name()) {
                " ✓"
            } else {
                ""
            };
            lines.push(format!("{mark} {}{fixed}", other.name()));
        }
        Some(Panel {
            title: "Lab scenarios (in-process lab)".into(),
            lines,
            selected: None,
        })
    }

    fn key_hints(&self) -> Vec<KeyHint> {
        DEMO_KEYS.to_vec()
    }

    fn on_key(&mut self, key: &KeyEvent) -> Option<Vec<Request>> {
        if key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        {
            return None;
        }
        match key.code {
            KeyCode::Char('n') | KeyCode::Tab => Some(self.switch(1)),
            KeyCode::Char('b') | KeyCode::BackTab => Some(self.switch(-1)),
            KeyCode::Char('f') => Some(self.fix()),
            _ => None,
        }
    }

    fn on_message(&mut self, msg: TaskDone) -> Vec<Request> {
        self.fixing = None;
        match msg {
            TaskDone::Fixed {
                scenario,
                description,
                changes,
            } => {
                let mut lines = vec![Request::Log(format!(
                    "fix applied to {scenario}: {description}"
                ))];
                self.fixed.insert(scenario);
                lines.extend(changes.iter().map(|c| Request::Log(format!("  lab: {c}"))));
                lines.push(Request::Log(
                    "press r to re-run and watch the rows turn".into(),
                ));
                lines
            }
            TaskDone::FixFailed { scenario, error } => vec![Request::Problem(format!(
                "cannot apply the fix of {scenario}: {error}"
            ))],
        }
    }

    fn adjust_settings(&self, settings: &mut SweepSettings) {
        self.lab.apply_to(settings);
    }

    /// D12 in the lab: a split-view scenario sweeps from inside and outside,
    /// a stale-resolver one through the caching resolver.
    fn vantages(&self, domain: &str) -> Vec<Vantage> {
        let Some(s) = self.scenarios.iter().find(|s| s.domain() == domain) else {
            return Vec::new();
        };
        self.lab
            .vantages(s.name())
            .into_iter()
            .map(|(label, addr)| Vantage {
                label,
                resolvers: ResolverSpec::Servers(vec![addr]),
            })
            .collect()
    }

    /// D11 in the lab: the scenarios about stale answers and lagging
    /// servers compare with the zone's own servers from the start.
    fn authoritative(&self, domain: &str) -> bool {
        self.scenarios
            .iter()
            .any(|s| s.domain() == domain && s.authoritative())
    }

    fn on_sweep_start(&mut self, domain: &str) {
        match self.scenarios.iter().position(|s| s.domain() == domain) {
            Some(i) => {
                self.current = i;
                self.elsewhere = None;
            }
            None => self.elsewhere = Some(domain.to_string()),
        }
    }

    fn edit_hint(&self) -> Option<String> {
        Some(
            "Type a lab address (e.g. alice@cname.test) and press Enter; every sweep asks the \
             lab's DNS. n/b switch scenarios."
                .to_string(),
        )
    }

    fn shutdown(self: Box<Self>) -> BoxFuture<'static, ()> {
        Box::pin(async move {
            // A fix task still in flight holds the lab: then dropping it
            // (with the runtime) stops its servers instead.
            if let Ok(lab) = Arc::try_unwrap(self.lab) {
                lab.shutdown().await;
            }
        })
    }
}
