//! The details pane's comparisons for the row under the cursor: what every
//! vantage answered for it (D12) and what the zone's own servers publish
//! (D11). Nothing is added with one vantage and the comparison off.

use ratatui::text::{Line, Span};

use crate::model::RecordResult;
use crate::tui::app::{App, Asked, Lane};
use crate::tui::theme::Theme;

/// One row's answer in a few words: status, then the first target and its
/// addresses.
fn answer(r: &RecordResult) -> String {
    let mut out = format!("{} {}", r.status.symbol(), r.status);
    if let Some(t) = r.targets.first() {
        out.push_str(&format!("  {}:{}", t.host, t.port));
        if !t.addresses.is_empty() {
            out.push_str(&format!(" {}", t.addresses.join(", ")));
        }
        if r.targets.len() > 1 {
            out.push_str(&format!(" (+{} more)", r.targets.len() - 1));
        }
    }
    if let Some(ttl) = r.ttl {
        out.push_str(&format!("  TTL {ttl} s"));
    }
    out
}

fn heading(text: &str, t: Theme) -> Line<'static> {
    Line::from(Span::styled(text.to_string(), t.title()))
}

pub fn lines(app: &App, index: usize, t: Theme) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    if app.lanes.len() > 1 {
        out.push(heading("Every vantage (D12)", t));
        for (i, lane) in app.lanes.iter().enumerate() {
            let row = lane
                .report
                .as_ref()
                .and_then(|r| r.records.iter().find(|x| x.index == index));
            let mark = if i == app.shown { "▶" } else { " " };
            let mut spans = vec![Span::styled(
                format!("{mark} {:<10}", lane.label),
                t.label(),
            )];
            match row {
                Some(r) => {
                    spans.push(Span::styled(answer(r), t.status(r.status)));
                    let chosen = lane.report.as_ref().and_then(|rep| rep.selected) == Some(index);
                    if chosen {
                        spans.push(Span::styled("  ◀ its clients use this", t.value()));
                    }
                    if let Some(c) = lane.changes.get(&index) {
                        spans.push(Span::styled(format!("  (was {})", c.before), t.changed()));
                    }
                }
                None => spans.push(Span::styled("not swept", t.muted())),
            }
            out.push(Line::from(spans));
        }
    }
    if app.authoritative {
        out.push(heading("The zone's own servers (D11)", t));
        let several = app.lanes.len() > 1;
        for lane in &app.lanes {
            let prefix = if several {
                format!("{}: ", lane.label)
            } else {
                String::new()
            };
            out.extend(authority_lines(lane, index, &prefix, t));
        }
    }
    out
}

fn authority_lines(lane: &Lane, index: usize, prefix: &str, t: Theme) -> Vec<Line<'static>> {
    let say =
        |text: String, style| vec![Line::from(Span::styled(format!("{prefix}{text}"), style))];
    // A judged comparison (live, or from an opened snapshot) comes first.
    match (&lane.asked, &lane.authority) {
        (Asked::Off, None) => say("not asked".into(), t.muted()),
        (Asked::Asking, None) => say("asking the zone's servers…".into(), t.busy()),
        (Asked::Failed(e), _) => say(format!("could not ask: {e}"), t.fail()),
        (Asked::Answered(_), None) => say("waiting for the sweep to finish".into(), t.busy()),
        (_, Some(a)) => {
            let mut out = match a.records.get(&index) {
                Some(row) if row.agrees => say(format!("✓ {}", row.detail), t.ok()),
                Some(row) => say(format!("≠ {}", row.detail), t.warn()),
                None => say(
                    "not compared (the client does not ask it)".into(),
                    t.muted(),
                ),
            };
            for s in &a.view.servers {
                let serial = s.serial.map_or("-".to_string(), |n| n.to_string());
                let style = if s.status.is_current() {
                    t.label()
                } else {
                    t.warn()
                };
                out.push(Line::from(Span::styled(
                    format!(
                        "{prefix}  zone {}: {} {} serial {serial} {}",
                        a.view.zone, s.name, s.address, s.status
                    ),
                    style,
                )));
            }
            out
        }
    }
}
