//! Rendering only: draws a frame from `&App`. Layout: header, verdict banner
//! (or the address field), body (records table + details + event log, or one
//! expanded pane), key bar; the help overlay on top. Small terminals get a
//! compact body: borderless table, details only (the log one key away).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::app::{App, Mode, Zoom};
use super::theme::Theme;
use super::widgets::common::{START_HINT, wrapped_height};
use super::widgets::{clients, details, help, keybar, log, panel, records};
use crate::model::{Signin, SweepReport};

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub fn render(frame: &mut Frame, app: &App) {
    let area = frame.area();
    // Everything shown passes through one escape helper: the address, names
    // and messages may carry control characters (see `crate::text`).
    let banner = crate::text::clean_lines(banner_lines(app));
    // The verdict is the point of the screen: up to 4 lines (5 when tall).
    let max_banner = match area.height {
        22.. => 5,
        _ => 2,
    };
    let whole = banner.clone();
    let banner = fit_banner(banner, area.width, max_banner);
    // A verdict cut in the banner is read in full at the top of the details
    // pane (issue 20: the fix is at the end of the sentence).
    let whole = if banner == whole { Vec::new() } else { whole };
    let banner_h = banner
        .iter()
        .map(|l| wrapped_height(l, area.width))
        .sum::<u16>()
        .clamp(1, max_banner);
    let header = crate::text::clean_lines(header_lines(app));
    // Wrapped, never cut: it names the client generation (issue 20); on a
    // very small screen the verdict keeps the lines instead.
    let header_h: u16 = if area.height >= 20 {
        header.iter().map(|l| wrapped_height(l, area.width)).sum()
    } else {
        header.len() as u16
    };
    let [header_area, banner_area, body_area, keys_area] = Layout::vertical([
        Constraint::Length(header_h),
        Constraint::Length(banner_h),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(header).wrap(Wrap { trim: false }),
        header_area,
    );
    frame.render_widget(
        Paragraph::new(banner).wrap(Wrap { trim: false }),
        banner_area,
    );
    let legend = render_body(frame, body_area, app, &whole);
    frame.render_widget(
        Paragraph::new(crate::text::clean_line(keybar::line_with_legend(
            app, area.width, &legend,
        ))),
        keys_area,
    );
    if app.mode == Mode::Help {
        help::render(frame, area, app);
    }
    if app.theme.is_ascii() {
        super::ascii::fold(frame.buffer_mut());
    }
}

/// Draws the body; returns the legend of the table's short marks.
fn render_body(frame: &mut Frame, area: Rect, app: &App, verdict: &[Line<'static>]) -> String {
    let side = app.extension.as_ref().and_then(|e| e.panel());
    let main = match &side {
        Some(p) if area.width >= 100 => {
            let [main, side_area] =
                Layout::horizontal([Constraint::Min(60), Constraint::Length(34)]).areas(area);
            panel::render(frame, side_area, p, app.theme, false);
            main
        }
        Some(p) => {
            let h = (p.lines.len() as u16 + 1).min(area.height / 3);
            let [main, side_area] =
                Layout::vertical([Constraint::Min(0), Constraint::Length(h)]).areas(area);
            panel::render(frame, side_area, p, app.theme, true);
            main
        }
        None => area,
    };
    let compact = main.height < 30 || main.width < 100;
    match app.zoom {
        Zoom::Details => {
            details::render(frame, main, app, compact, verdict);
            String::new()
        }
        Zoom::Log => {
            log::render(frame, main, app, compact);
            String::new()
        }
        Zoom::None => {
            let rows = app.report().map_or(0, |r| r.records.len()) as u16;
            let table_compact = main.height < rows + 3 + 10;
            let table_h = match (rows, table_compact) {
                (0, _) => 4,
                (n, true) => n + 1,
                (n, false) => n + 3,
            };
            let rest = Rect {
                height: main.height.saturating_sub(table_h),
                ..main
            };
            let clients_h = clients::height(app, rest, compact);
            let [table, clients_area, bottom] = Layout::vertical([
                Constraint::Length(table_h),
                Constraint::Length(clients_h),
                Constraint::Min(0),
            ])
            .areas(main);
            let legend = records::render(frame, table, app, table_compact);
            if clients_h > 0 {
                clients::render(frame, clients_area, app, compact);
            }
            if bottom.height < 2 {
                return legend;
            }
            if bottom.width >= 110 {
                let [d, l] =
                    Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)])
                        .areas(bottom);
                details::render(frame, d, app, compact, verdict);
                log::render(frame, l, app, compact);
            } else if bottom.height >= 14 {
                let [d, l] =
                    Layout::vertical([Constraint::Min(6), Constraint::Length(6)]).areas(bottom);
                details::render(frame, d, app, true, verdict);
                log::render(frame, l, app, true);
            } else {
                details::render(frame, bottom, app, true, verdict);
            }
            legend
        }
    }
}

fn header_lines(app: &App) -> Vec<Line<'static>> {
    let t = app.theme;
    let label = |s: &str| Span::styled(s.to_string(), t.label());
    let value = |s: String| Span::styled(s, t.value());
    let mut first = vec![Span::styled("sipscope ", t.title())];
    match &app.target {
        Some(target) => {
            first.push(value(target.input.clone()));
            // The domain only when the address does not end with it (IDN).
            if !target.input.to_ascii_lowercase().ends_with(&target.domain) {
                first.push(label("  domain "));
                first.push(value(target.domain.clone()));
            }
        }
        None => first.push(label("no address yet (e to enter one)")),
    }
    // Issue 20: the client generation whose row is highlighted, by name.
    first.push(label("  profile "));
    first.push(value(app.profile.clone()));
    if let Ok(p) = crate::plan::profile(&app.profile) {
        first.push(label(&format!(" ({})", p.title)));
    }

    let resolvers = match app.report() {
        Some(r) => r.resolvers.join(", "),
        None => app.resolver_label(),
    };
    let lane = app.lane();
    let mut second = if lane.label.is_empty() {
        vec![label("resolver "), value(resolvers)]
    } else {
        vec![
            label("vantage "),
            value(lane.label.clone()),
            label(&format!(" ({}/{}) ", app.shown + 1, app.lanes.len())),
            value(lane.resolvers_label().unwrap_or(resolvers)),
        ]
    };
    if app.authoritative {
        second.push(label("  +authoritative"));
    }
    if let Some(s) = &app.sweep {
        second.push(label("  sweep "));
        second.push(value(format!("#{}", s.id)));
        second.push(label(format!(" at {}", s.started).as_str()));
        if let Some(ms) = s.elapsed_ms {
            second.push(label(" took "));
            second.push(value(format!("{ms} ms")));
        }
    }
    if app.is_running() {
        let frame = SPINNER[app.spinner % SPINNER.len()];
        second.push(Span::styled(format!("  {frame} sweeping"), t.busy()));
    }
    if let Some(left) = app.watch {
        let text = if app.is_running() {
            "  watch on".to_string()
        } else {
            format!("  watch: next in {} s", left.as_millis().div_ceil(1000))
        };
        second.push(Span::styled(text, t.busy()));
    }
    let mut lines = vec![Line::from(first), Line::from(second)];
    // An opened snapshot says so above everything else.
    if let Some(o) = &app.snapshots.opened {
        let style = if o.live { t.busy() } else { t.warn() };
        lines.insert(0, Line::from(Span::styled(o.label(), style)));
    }
    lines
}

fn banner_lines(app: &App) -> Vec<Line<'static>> {
    let t = app.theme;
    if let Mode::Edit(field) = &app.mode {
        let (before, after): (String, String) = {
            let at = field
                .text
                .char_indices()
                .nth(field.cursor)
                .map_or(field.text.len(), |(i, _)| i);
            (field.text[..at].to_string(), field.text[at..].to_string())
        };
        let mut after_chars = after.chars();
        let under = after_chars
            .next()
            .map_or(" ".to_string(), |c| c.to_string());
        let field_line = Line::from(vec![
            Span::styled("Address ▸ ", t.title()),
            Span::raw(before),
            Span::styled(under, t.cursor()),
            Span::raw(after_chars.collect::<String>()),
        ]);
        let second = match &field.error {
            Some(e) => Line::from(Span::styled(format!("✗ {e}"), t.fail())),
            None => Line::from(Span::styled(
                app.extension
                    .as_ref()
                    .and_then(|e| e.edit_hint())
                    .unwrap_or_else(|| START_HINT.to_string()),
                t.muted(),
            )),
        };
        return vec![field_line, second];
    }
    if let Some(e) = app.failure() {
        return vec![Line::from(Span::styled(
            format!("✗ Cannot sweep: {e}"),
            t.fail(),
        ))];
    }
    let Some(report) = app.report() else {
        return vec![Line::from(Span::styled(START_HINT, t.muted()))];
    };
    let mut lines = verdict_lines(app, report, t);
    lines.extend(zone_line(app, t));
    lines
}

/// D11 in the banner: the shown vantage's resolver still holds old answers,
/// or a server of the zone lags; `None` when all agree (or not asked).
fn zone_line(app: &App, t: Theme) -> Option<Line<'static>> {
    let lane = app.lane();
    let a = lane.authority.as_ref()?;
    let report = lane.report.as_ref()?;
    let stale: Vec<usize> = a.disagreeing().map(|(i, _)| i).collect();
    let mut parts = Vec::new();
    if !stale.is_empty() {
        let ttl = report
            .records
            .iter()
            .filter(|r| stale.contains(&r.index))
            .filter_map(|r| r.ttl)
            .max();
        let rows: Vec<String> = stale.iter().map(|i| i.to_string()).collect();
        let until = ttl.map_or(String::new(), |t| format!(" for up to {t} s"));
        parts.push(format!(
            "the resolver differs from the zone's servers on record {}{until}: clients see the old answer until it expires (D11)",
            rows.join(", ")
        ));
    }
    for srv in a.view.servers.iter().filter(|s| s.status.is_lagging()) {
        parts.push(format!("{} {}", srv.name, srv.status));
    }
    if parts.is_empty() {
        return None;
    }
    Some(Line::from(Span::styled(
        format!("≠ {}", parts.join("; ")),
        t.warn(),
    )))
}

/// Every vantage's verdict (the shown one marked), or the one verdict.
fn verdict_lines(app: &App, report: &SweepReport, t: Theme) -> Vec<Line<'static>> {
    if app.lanes.len() > 1 {
        // D12: every vantage's verdict at once, the shown one marked.
        return app
            .lanes
            .iter()
            .enumerate()
            .map(|(i, lane)| {
                let mark = if i == app.shown { "▶ " } else { "  " };
                let (text, style) = match &lane.report {
                    Some(r) => lane_verdict(r, lane.running, t),
                    None => ("…".to_string(), t.busy()),
                };
                Line::from(vec![
                    Span::styled(format!("{mark}{}: ", lane.label), t.value()),
                    Span::styled(text, style),
                ])
            })
            .collect();
    }
    let (text, style) = lane_verdict(report, app.is_running(), t);
    vec![Line::from(Span::styled(text, style))]
}

/// A lane's banner text: its progress while in flight, then its verdict.
fn lane_verdict(report: &SweepReport, running: bool, t: Theme) -> (String, Style) {
    let degraded: String;
    let (symbol, style) = match report.verdict.signin {
        // D18: degraded in its own colour and words.
        Signin::Ok if report.verdict.state == crate::model::State::Degraded => {
            let words: Vec<&str> = report
                .verdict
                .degraded
                .iter()
                .map(|d| d.code.words())
                .collect();
            degraded = format!("! Degraded ({}): ", words.join(", "));
            (degraded.as_str(), t.warn())
        }
        Signin::Ok => ("✓ ", t.ok()),
        Signin::Fail => ("✗ ", t.fail()),
        Signin::Undecided => ("… ", t.busy()),
    };
    if running {
        let done = report
            .records
            .iter()
            .filter(|r| !r.status.in_flight())
            .count();
        let n = report.records.len();
        if report.verdict.signin != Signin::Undecided {
            // The rows that decide are in (D7): the verdict shows at once,
            // the rest of the sweep (and any confirmation, D11) goes on.
            return (
                format!("{symbol}[{done}/{n} done] {}", report.verdict.summary),
                style,
            );
        }
        let mut text = format!(
            "… Sweeping: {done} of {} records done.",
            report.records.len()
        );
        if let Some(i) = report.selected {
            text.push_str(&format!(" The client will use record {i}."));
        }
        return (text, t.busy());
    }
    (format!("{symbol}{}", report.verdict.summary), style)
}

/// A banner longer than `max` wrapped lines: each of its lines (a verdict,
/// one per vantage) gets an equal share and is cut at a word and marked `…`,
/// never cut mid-sentence without a sign. The last span of a line is cut.
fn fit_banner(lines: Vec<Line<'static>>, width: u16, max: u16) -> Vec<Line<'static>> {
    let height = |l: &Line<'_>| wrapped_height(l, width);
    if lines.iter().map(height).sum::<u16>() <= max {
        return lines;
    }
    let share = (max / lines.len().max(1) as u16).max(1);
    lines
        .into_iter()
        .map(|line| {
            if height(&line) <= share {
                return line;
            }
            let mut spans = line.spans;
            let Some(last) = spans.pop() else {
                return Line::default();
            };
            let text = last.content.to_string();
            let mut words: Vec<&str> = text.split(' ').collect();
            loop {
                let mut cut = spans.clone();
                cut.push(Span::styled(format!("{} …", words.join(" ")), last.style));
                let cut = Line::from(cut);
                if height(&cut) <= share || words.len() <= 1 {
                    return cut;
                }
                words.pop();
            }
        })
        .collect()
}
