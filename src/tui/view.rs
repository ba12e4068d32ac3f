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
use super::keys::{EDIT_KEYS, KEYS, KeyHint};
use super::toast::ToastKind;
use super::widgets::common::{START_HINT, wrapped_height};
use super::widgets::{clients, details, help, log, panel, records};
use crate::model::Signin;

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
    let banner = fit_banner(banner, area.width, max_banner);
    let banner_h = banner
        .iter()
        .map(|l| wrapped_height(l, area.width))
        .sum::<u16>()
        .clamp(1, max_banner);
    let header = crate::text::clean_lines(header_lines(app));
    let [header_area, banner_area, body_area, keys_area] = Layout::vertical([
        Constraint::Length(header.len() as u16),
        Constraint::Length(banner_h),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(header), header_area);
    frame.render_widget(
        Paragraph::new(banner).wrap(Wrap { trim: false }),
        banner_area,
    );
    render_body(frame, body_area, app);
    frame.render_widget(
        Paragraph::new(crate::text::clean_line(key_bar(app, area.width))),
        keys_area,
    );
    if app.mode == Mode::Help {
        help::render(frame, area, app);
    }
}

fn render_body(frame: &mut Frame, area: Rect, app: &App) {
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
        Zoom::Details => details::render(frame, main, app, compact),
        Zoom::Log => log::render(frame, main, app, compact),
        Zoom::None => {
            let rows = app.report.as_ref().map_or(0, |r| r.records.len()) as u16;
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
            records::render(frame, table, app, table_compact);
            if clients_h > 0 {
                clients::render(frame, clients_area, app, compact);
            }
            if bottom.height < 2 {
                return;
            }
            if bottom.width >= 110 {
                let [d, l] =
                    Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)])
                        .areas(bottom);
                details::render(frame, d, app, compact);
                log::render(frame, l, app, compact);
            } else if bottom.height >= 14 {
                let [d, l] =
                    Layout::vertical([Constraint::Min(6), Constraint::Length(6)]).areas(bottom);
                details::render(frame, d, app, true);
                log::render(frame, l, app, true);
            } else {
                details::render(frame, bottom, app, true);
            }
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
            first.push(label("  domain "));
            first.push(value(target.domain.clone()));
        }
        None => first.push(label("no address yet (e to enter one)")),
    }
    first.push(label("  profile "));
    first.push(value(app.profile.clone()));

    let resolvers = match &app.report {
        Some(r) => r.resolvers.join(", "),
        None => app.resolver_label(),
    };
    let mut second = vec![label("resolver "), value(resolvers)];
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
    let Some(report) = &app.report else {
        return vec![Line::from(Span::styled(START_HINT, t.muted()))];
    };
    if app.is_running() {
        let done = report
            .records
            .iter()
            .filter(|r| !r.status.in_flight())
            .count();
        let mut text = format!(
            "… Sweeping: {done} of {} records done.",
            report.records.len()
        );
        if let Some(i) = report.selected {
            text.push_str(&format!(" The client will use record {i}."));
        }
        return vec![Line::from(Span::styled(text, t.busy()))];
    }
    let (symbol, style) = match report.verdict.signin {
        Signin::Ok => ("✓ ", t.ok()),
        Signin::Fail => ("✗ ", t.fail()),
        Signin::Undecided => ("… ", t.busy()),
    };
    vec![Line::from(Span::styled(
        format!("{symbol}{}", report.verdict.summary),
        style,
    ))]
}

/// A one-line banner (the verdict) longer than `max` wrapped lines is cut
/// at a word and marked `…`, never cut mid-sentence without a sign.
fn fit_banner(lines: Vec<Line<'static>>, width: u16, max: u16) -> Vec<Line<'static>> {
    let height = |l: &Line<'_>| wrapped_height(l, width);
    if lines.len() != 1 || height(&lines[0]) <= max {
        return lines;
    }
    let style = lines[0].spans.first().map(|s| s.style).unwrap_or_default();
    let text: String = lines[0].spans.iter().map(|s| s.content.as_ref()).collect();
    let mut words: Vec<&str> = text.split(' ').collect();
    loop {
        let cut = Line::from(Span::styled(format!("{} …", words.join(" ")), style));
        if height(&cut) <= max || words.len() <= 1 {
            return vec![cut];
        }
        words.pop();
    }
}

/// The key bar, or the toast over it while one is visible.
fn key_bar(app: &App, width: u16) -> Line<'static> {
    let t = app.theme;
    if let Some(toast) = &app.toast {
        let style = match toast.kind {
            ToastKind::Ok => t.ok(),
            ToastKind::Fail => t.fail(),
            ToastKind::Info => t.busy(),
        };
        return Line::from(Span::styled(toast.text.clone(), style));
    }
    let mut hints: Vec<KeyHint> = match app.mode {
        Mode::Edit(_) => EDIT_KEYS.to_vec(),
        Mode::Help => vec![KeyHint {
            keys: "? Esc",
            short: "close help",
            long: "",
            in_bar: true,
        }],
        Mode::Normal => {
            let mut h: Vec<KeyHint> = Vec::new();
            if app.zoom == Zoom::None {
                h.extend(KEYS.iter().copied().filter(|k| k.in_bar));
            } else {
                // An expanded pane: how to get back and move about first.
                h.push(KeyHint {
                    keys: "Esc",
                    short: "back",
                    long: "",
                    in_bar: true,
                });
                h.push(KeyHint {
                    keys: "PgUp/PgDn",
                    short: "scroll",
                    long: "",
                    in_bar: true,
                });
                h.extend(
                    KEYS.iter()
                        .copied()
                        .filter(|k| k.in_bar && matches!(k.keys, "r" | "↑↓" | "?" | "q")),
                );
            }
            if let Some(ext) = &app.extension {
                // Extension keys go before help/quit so a narrow bar keeps them.
                let at = h.len().saturating_sub(2);
                let extra: Vec<KeyHint> =
                    ext.key_hints().into_iter().filter(|k| k.in_bar).collect();
                h.splice(at..at, extra);
            }
            h
        }
    };
    if app.watch.is_some()
        && app.mode == Mode::Normal
        && let Some(w) = hints.iter_mut().find(|k| k.keys == "w")
    {
        w.short = "stop watch";
    }
    if app.read_only()
        && app.mode == Mode::Normal
        && let Some(r) = hints.iter_mut().find(|k| k.keys == "r")
    {
        r.short = "sweep live";
    }
    let hints = fit_hints(hints, width);
    let mut spans = Vec::new();
    for (i, k) in hints.iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw("  "));
        }
        spans.push(Span::styled(k.keys, t.key()));
        spans.push(Span::raw(" "));
        spans.push(Span::styled(k.short, Style::new()));
    }
    Line::from(spans)
}

/// The hints that fit in `width` columns: the dashboard's own keys go from
/// the least important (latest in [`KEYS`]); an extension's keys and the
/// mode's own keys go next; re-run, help and quit stay.
fn fit_hints(mut hints: Vec<KeyHint>, width: u16) -> Vec<KeyHint> {
    let len = |h: &[KeyHint]| {
        h.iter()
            .map(|k| Span::raw(k.keys).width() + 1 + Span::raw(k.short).width())
            .sum::<usize>()
            + 2 * h.len().saturating_sub(1)
    };
    // r (re-run), ? and q always stay; the dashboard's other keys go first,
    // then an extension's and the mode's own (issue #13 item 14).
    let essential = |k: &KeyHint| matches!(k.keys, "r" | "?" | "q" | "Esc");
    let own = |k: &KeyHint| KEYS.iter().any(|o| o.keys == k.keys);
    for own_only in [true, false] {
        while len(&hints) > usize::from(width) {
            match hints
                .iter()
                .rposition(|k| !essential(k) && (own(k) || !own_only))
            {
                Some(i) => hints.remove(i),
                None => break,
            };
        }
    }
    hints
}
