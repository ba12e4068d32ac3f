//! The keys: what each one does in each mode (`?` lists them).

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{App, Effect, Mode, Zoom};
use crate::input::parse_target;
use crate::plan;
use crate::tui::edit::EditField;

impl App {
    pub(super) fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            return self.quit_now();
        }
        match self.mode {
            Mode::Edit(_) => self.on_edit_key(key),
            Mode::Help => {
                match key.code {
                    KeyCode::Esc | KeyCode::Char('?') | KeyCode::Char('q') => {
                        self.mode = Mode::Normal;
                        self.scroll.help = 0;
                    }
                    // A short terminal shows the help in parts.
                    KeyCode::Down | KeyCode::Char('j') | KeyCode::PageDown => {
                        self.scroll.help = self.scroll.help.saturating_add(1).min(60);
                    }
                    KeyCode::Up | KeyCode::Char('k') | KeyCode::PageUp => {
                        self.scroll.help = self.scroll.help.saturating_sub(1);
                    }
                    _ => {}
                }
                Vec::new()
            }
            Mode::Normal => self.on_normal_key(key),
        }
    }

    fn rows(&self) -> usize {
        self.report().map_or(0, |r| r.records.len())
    }

    fn on_normal_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let rows = self.rows();
        let cursor = self.cursor;
        let effects = self.on_normal_key_inner(key, rows);
        if self.cursor != cursor {
            self.scroll.details = 0;
            self.cursor_moved = true;
        }
        effects
    }

    fn on_normal_key_inner(&mut self, key: KeyEvent, rows: usize) -> Vec<Effect> {
        match key.code {
            KeyCode::Char('q') => return self.quit_now(),
            // Esc closes what is open; it never quits (issue #13 item 10).
            KeyCode::Esc if self.zoom != Zoom::None => self.zoom = Zoom::None,
            KeyCode::Char('r') => return self.rerun(),
            KeyCode::Char('w') => self.toggle_watch(),
            KeyCode::Char('e') => {
                let text = self
                    .target
                    .as_ref()
                    .map(|t| t.input.clone())
                    .unwrap_or_default();
                self.mode = Mode::Edit(EditField::new(&text));
            }
            KeyCode::Char('p') => return self.next_profile(),
            KeyCode::Char('s') => return self.save_snapshot(),
            KeyCode::Char('v') => self.next_vantage(),
            KeyCode::Char('a') => return self.toggle_authoritative(),
            KeyCode::Up | KeyCode::Char('k') => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => {
                self.cursor = (self.cursor + 1).min(rows.saturating_sub(1));
            }
            KeyCode::Home | KeyCode::Char('g') => self.cursor = 0,
            KeyCode::End | KeyCode::Char('G') => self.cursor = rows.saturating_sub(1),
            KeyCode::Enter | KeyCode::Char('d') => self.toggle_zoom(Zoom::Details),
            KeyCode::Char('l') => self.toggle_zoom(Zoom::Log),
            // PgUp/PgDn scroll the expanded details, otherwise the log.
            KeyCode::PageUp if self.zoom == Zoom::Details => {
                self.scroll.details = self.scroll.details.saturating_sub(10);
            }
            KeyCode::PageDown if self.zoom == Zoom::Details => {
                self.scroll.details = self.scroll.details.saturating_add(10);
            }
            KeyCode::PageUp => {
                self.scroll.log = (self.scroll.log + 10).min(self.log.len().saturating_sub(1));
            }
            KeyCode::PageDown => self.scroll.log = self.scroll.log.saturating_sub(10),
            KeyCode::Char('?') => self.mode = Mode::Help,
            _ => {
                let handled = self.extension.as_mut().and_then(|ext| ext.on_key(&key));
                if let Some(requests) = handled {
                    return self.apply_requests(requests);
                }
            }
        }
        Vec::new()
    }

    fn toggle_zoom(&mut self, zoom: Zoom) {
        self.zoom = if self.zoom == zoom { Zoom::None } else { zoom };
        self.scroll.log = 0;
        self.scroll.details = 0;
    }

    fn toggle_watch(&mut self) {
        if self.watch.take().is_some() {
            self.push_log("watch off");
        } else {
            self.watch = Some(self.config.watch_interval);
            let secs = self.config.watch_interval.as_secs();
            self.push_log(format!("watch on: re-run every {secs} s"));
        }
    }

    /// `v`: the table and details show the next vantage (D12); each keeps
    /// its own selected row and change markers.
    fn next_vantage(&mut self) {
        if self.lanes.len() < 2 {
            let why =
                "one vantage only: --vantage LABEL=IP (or [[vantage]] in the config) adds more";
            self.push_log(why);
            self.show_toast(crate::tui::toast::ToastKind::Info, why);
            return;
        }
        self.shown = (self.shown + 1) % self.lanes.len();
        self.cursor_moved = false;
        self.scroll.details = 0;
        let rows = self.rows();
        self.cursor = self.cursor.min(rows.saturating_sub(1));
        self.follow_client_row();
        let label = self.lanes[self.shown].label.clone();
        self.push_log(format!("showing vantage {label}"));
    }

    /// `a`: ask the zone's own servers too (D11), now for the sweep on
    /// screen and on every sweep after; again: stop asking.
    fn toggle_authoritative(&mut self) -> Vec<Effect> {
        self.authoritative = !self.authoritative;
        self.auto_authoritative = false;
        if !self.authoritative {
            for lane in &mut self.lanes {
                lane.asked = super::Asked::Off;
                lane.authority = None;
            }
            self.push_log("authoritative comparison off");
            return Vec::new();
        }
        self.push_log("authoritative comparison on: asking the zone's own servers (D11)");
        let (Some(id), Ok(settings)) = (self.sweep.as_ref().map(|s| s.id), self.settings()) else {
            // Nothing swept yet: the next sweep asks them.
            return Vec::new();
        };
        let mut effects = Vec::new();
        for (i, lane) in self.lanes.iter_mut().enumerate() {
            let Some(report) = lane.report.clone() else {
                continue;
            };
            let mut options = settings.options.clone();
            if let Some(r) = &lane.resolvers {
                options.resolvers = r.clone();
            }
            lane.asked = super::Asked::Asking;
            effects.push(Effect::AskAuthority {
                id,
                lane: i,
                report: Box::new(report),
                options: Box::new(options),
            });
        }
        effects
    }

    fn next_profile(&mut self) -> Vec<Effect> {
        let next = plan::next_profile_name(&self.profile);
        self.push_log(format!("profile {} → {next}", self.profile));
        self.profile = next.to_string();
        if self.target.is_some() {
            self.rerun()
        } else {
            Vec::new()
        }
    }

    fn on_edit_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let Mode::Edit(field) = &mut self.mode else {
            return Vec::new();
        };
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc => self.mode = Mode::Normal,
            KeyCode::Enter => match parse_target(&field.text) {
                Ok(target) => {
                    self.mode = Mode::Normal;
                    self.push_log(format!("address → {}", target.input));
                    self.target = Some(target);
                    return self.rerun();
                }
                Err(e) => field.error = Some(e.to_string()),
            },
            KeyCode::Char('u') if ctrl => field.clear(),
            KeyCode::Char(c) if !ctrl => field.insert(c),
            KeyCode::Backspace => field.backspace(),
            KeyCode::Delete => field.delete(),
            KeyCode::Left => field.left(),
            KeyCode::Right => field.right(),
            KeyCode::Home => field.home(),
            KeyCode::End => field.end(),
            _ => {}
        }
        Vec::new()
    }
}
