//! The key bar: the keys that matter now, as many as fit (re-run, help and
//! quit always), or a toast over it while one is visible.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::tui::app::{App, Mode, Zoom};
use crate::tui::keys::{EDIT_KEYS, KEYS, KeyHint};
use crate::tui::toast::ToastKind;

/// The key bar, or the toast over it while one is visible.
pub fn line(app: &App, width: u16) -> Line<'static> {
    line_with_legend(app, width, "")
}

/// [`line`] led by `legend`, what the short marks in the table mean
/// (`◀ client's row`, issue 20); the key hints give way to it.
pub fn line_with_legend(app: &App, width: u16, legend: &str) -> Line<'static> {
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
                // Several vantages: switching between them comes right
                // after re-run; with one, `v` has nothing to do.
                if let Some(i) = h.iter().position(|k| k.keys == "v") {
                    let v = h.remove(i);
                    if app.lanes.len() > 1 {
                        h.insert(1, v);
                    }
                }
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
    let mut lead = if legend.is_empty() || app.mode != Mode::Normal {
        0
    } else {
        Span::raw(legend).width() + 3
    };
    let mut fitted = fit_hints(hints.clone(), width.saturating_sub(lead as u16));
    if lead > 0 && lead + hints_width(&fitted) > usize::from(width) {
        // No room for the legend beside the essential keys: the keys win.
        lead = 0;
        fitted = fit_hints(hints, width);
    }
    let hints = fitted;
    let mut spans = Vec::new();
    if lead > 0 {
        spans.push(Span::styled(legend.to_string(), t.chosen()));
        spans.push(Span::raw(" · "));
    }
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
/// Columns the hints take, two spaces between them.
fn hints_width(h: &[KeyHint]) -> usize {
    h.iter()
        .map(|k| Span::raw(k.keys).width() + 1 + Span::raw(k.short).width())
        .sum::<usize>()
        + 2 * h.len().saturating_sub(1)
}

fn fit_hints(mut hints: Vec<KeyHint>, width: u16) -> Vec<KeyHint> {
    let len = hints_width;
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
