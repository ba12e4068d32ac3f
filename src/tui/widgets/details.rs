//! The details pane for the row under the cursor: every SRV answer and its
//! target, addresses, CNAMEs, TTLs, timings, the certificate as presented
//! and judged (D9), warnings and the exact error.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use time::OffsetDateTime;

use super::common::pane;
use crate::model::{CertInfo, NameMatch, RecordResult, Status, TargetResult};
use crate::plan::RowKind;
use crate::tui::app::{App, Change};
use crate::tui::theme::Theme;

use super::records::CLIENT_USES;

/// `verdict`: the banner's verdict when the banner had to cut it; it leads
/// the pane, whole (issue 20).
pub fn render(frame: &mut Frame, area: Rect, app: &App, compact: bool, verdict: &[Line<'static>]) {
    let t = app.theme;
    let (title, mut lines) = match app.current_row() {
        Some(r) => {
            let chosen = app.report().and_then(|rep| rep.selected) == Some(r.index);
            (
                format!("Details: record {}", r.index),
                // Names, details and certificate fields come from the network.
                crate::text::clean_lines({
                    let mut all = lines(
                        r,
                        chosen,
                        app.changes()
                            .get(&r.index)
                            .map(|c| (c, app.changes_since())),
                        t,
                        app.clock.now(),
                    );
                    // What the other vantages and the zone say comes right
                    // under the status: it is what the engineer is after.
                    let at = all.len().min(2);
                    all.splice(at..at, super::compare::lines(app, r.index, t));
                    all
                }),
            )
        }
        None => ("Details".to_string(), Vec::new()),
    };
    if !verdict.is_empty() {
        let mut lead = vec![Line::styled("Verdict in full", t.title())];
        lead.extend(verdict.iter().cloned());
        lead.push(Line::styled("Record", t.title()));
        lines.splice(0..0, lead);
    }
    let p = Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((app.scroll.details, 0))
        .block(pane(title, compact, t));
    frame.render_widget(p, area);
}

/// `key` in a column of 10, and always a space before the value (`link xframe`).
fn kv(key: &str, value: String, t: Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{key:<9} "), t.label()),
        Span::raw(value),
    ])
}

fn indent(mut line: Line<'static>, by: usize) -> Line<'static> {
    line.spans.insert(0, Span::raw(" ".repeat(by)));
    line
}

/// The pane's text for one row.
pub fn lines(
    r: &RecordResult,
    chosen: bool,
    change: Option<(&Change, &str)>,
    t: Theme,
    now: OffsetDateTime,
) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let port = r.port.map(|p| format!(" port {p}")).unwrap_or_default();
    out.push(Line::from(vec![
        Span::styled(
            format!("#{} {} {}", r.index, r.kind.label(), r.name),
            t.value(),
        ),
        Span::styled(format!("  via {}{port}", r.transport.label()), t.label()),
    ]));
    let mut status = vec![
        Span::styled(format!("{:<10}", "status"), t.label()),
        Span::styled(
            format!("{} {}", r.status.symbol(), r.status),
            t.status(r.status),
        ),
    ];
    if chosen {
        status.push(Span::styled(format!("  {CLIENT_USES}"), t.chosen()));
    }
    out.push(Line::from(status));
    if let Some((c, since)) = change {
        out.push(Line::from(vec![
            Span::styled(format!("{:<10}", "changed"), t.label()),
            Span::styled(
                format!("{} → {} since {since}", c.before, c.after),
                t.changed(),
            ),
        ]));
    }
    out.push(kv("detail", r.detail.clone(), t));
    if let Some(dns) = r.dns {
        let ttl = r.ttl.map(|t| format!(" · TTL {t} s")).unwrap_or_default();
        out.push(kv("DNS", format!("{}{ttl}", dns.label()), t));
    }
    let srv = r.kind == RowKind::Srv;
    if srv && !r.targets.is_empty() {
        out.push(Line::styled(
            format!("SRV answers ({}, in the client's order)", r.targets.len()),
            t.title(),
        ));
    }
    for (i, target) in r.targets.iter().enumerate() {
        out.extend(target_lines(
            target,
            srv,
            r.used_target == Some(i),
            &r.detail,
            t,
            now,
        ));
    }
    if let Some(http) = &r.http {
        out.extend(hop_lines(http, t));
    }
    for w in &r.warnings {
        out.push(Line::styled(format!("⚠ {w}"), t.warn()));
    }
    out
}

/// D13: every request an autodiscover row made, and the links it read.
fn hop_lines(http: &crate::model::autodiscover::HttpResult, t: Theme) -> Vec<Line<'static>> {
    let mut out = vec![Line::styled(
        format!("Requests ({}, in order)", http.hops.len()),
        t.title(),
    )];
    for (i, h) in http.hops.iter().enumerate() {
        let code = h.status_code.map_or("-".into(), |c| c.to_string());
        out.push(Line::from(vec![
            Span::styled(format!("{}. GET {}", i + 1, h.url), t.value()),
            Span::raw("  "),
            Span::styled(format!("HTTP {code}"), t.label()),
            Span::raw("  "),
            Span::styled(
                format!("{} {}", h.status.symbol(), h.status),
                t.status(h.status),
            ),
        ]));
        out.push(indent(kv("", h.detail.clone(), t), 2));
    }
    if let Some(ct) = &http.content_type {
        out.push(kv("type", ct.clone(), t));
    }
    for (token, href) in &http.links {
        out.push(kv(&format!("link {token}"), href.clone(), t));
    }
    out
}

fn target_lines(
    target: &TargetResult,
    srv: bool,
    used: bool,
    row_detail: &str,
    t: Theme,
    now: OffsetDateTime,
) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let mut head = vec![
        Span::styled(format!("▸ {}:{}", target.host, target.port), t.value()),
        Span::raw("  "),
        Span::styled(
            format!("{} {}", target.status.symbol(), target.status),
            t.status(target.status),
        ),
    ];
    if used && srv {
        head.push(Span::styled("  ◀ used first", t.chosen()));
    }
    out.push(Line::from(head));
    if srv {
        out.push(kv(
            "SRV",
            format!(
                "priority {} · weight {} · port {}",
                target.priority.unwrap_or_default(),
                target.weight.unwrap_or_default(),
                target.port
            ),
            t,
        ));
    }
    if !target.addresses.is_empty() {
        let ttl = target
            .ttl
            .map(|t| format!(" · TTL {t} s"))
            .unwrap_or_default();
        out.push(kv(
            "addresses",
            format!("{}{ttl}", target.addresses.join(", ")),
            t,
        ));
    }
    if !target.cname_chain.is_empty() {
        out.push(kv(
            "CNAME",
            format!("{} → {}", target.host, target.cname_chain.join(" → ")),
            t,
        ));
    }
    if let Some(d) = &target.dialed {
        out.push(kv("dialed", d.clone(), t));
    }
    let tm = &target.timings;
    let steps: Vec<String> = [
        ("dns", tm.dns_ms),
        ("connect", tm.connect_ms),
        ("tls", tm.tls_ms),
    ]
    .iter()
    .filter_map(|(name, ms)| ms.map(|ms| format!("{name} {ms} ms")))
    .collect();
    if !steps.is_empty() {
        out.push(kv("timings", steps.join(" · "), t));
    }
    if let Some(tls) = &target.tls {
        let legacy = if tls.legacy {
            " · read by a legacy look (D15)"
        } else {
            ""
        };
        out.push(kv(
            "TLS",
            format!("{} · {}{legacy}", tls.version, tls.cipher_suite),
            t,
        ));
    }
    // D17: what answered the REGISTER (challenges, targetname, Server).
    if let Some(sip) = &target.sip {
        out.extend(sip.lines().into_iter().map(|(k, v)| kv(k, v, t)));
    }
    // D14: every member of a pool name, one line each.
    if target.probes.len() > 1 {
        out.push(Line::styled("members", t.title()));
        for p in &target.probes {
            let mut line = vec![
                Span::raw(format!("  {:<16}", p.address)),
                Span::styled(
                    format!("{} {}", p.status.symbol(), p.status),
                    t.status(p.status),
                ),
            ];
            if p.status != Status::Found {
                line.push(Span::raw(format!("  {}", p.detail)));
            } else if let Some(c) = &p.certificate {
                line.push(Span::styled(
                    format!("  {}", short_thumbprint(&c.thumbprint)),
                    t.muted(),
                ));
            }
            // D17: which server answered at this member.
            if let Some(sip) = p.sip.as_ref().filter(|_| p.status == Status::Found) {
                line.push(Span::styled(format!("  sip {}", sip.summary()), t.muted()));
            }
            out.push(Line::from(line));
        }
    }
    // An A row's detail is its target's: say it once.
    if !target.detail.is_empty() && target.detail != row_detail {
        let key = if target.status == Status::Found || target.status.in_flight() {
            "result"
        } else {
            "error"
        };
        out.push(kv(key, target.detail.clone(), t));
    }
    if let Some(cert) = &target.certificate {
        out.push(Line::styled("certificate", t.title()));
        out.extend(cert_lines(cert, t, now).into_iter().map(|l| indent(l, 2)));
    }
    out.into_iter()
        .enumerate()
        .map(|(i, l)| if i == 0 { l } else { indent(l, 2) })
        .collect()
}

/// The first and last characters of a thumbprint, enough to tell members' certificates apart.
fn short_thumbprint(t: &str) -> String {
    match (t.get(..8), t.get(t.len().saturating_sub(4)..)) {
        (Some(a), Some(b)) if t.len() > 12 => format!("{a}…{b}"),
        _ => t.to_string(),
    }
}

fn date(rfc3339: &str) -> &str {
    rfc3339.get(..10).unwrap_or(rfc3339)
}

/// D9: subject, SANs, the expected name present or absent, issuer, validity,
/// chain and trust.
pub fn cert_lines(c: &CertInfo, t: Theme, now: OffsetDateTime) -> Vec<Line<'static>> {
    let mut out = vec![kv("subject", c.subject.clone(), t)];
    out.push(kv(
        "SANs",
        if c.sans.is_empty() {
            "(none)".into()
        } else {
            c.sans.join(", ")
        },
        t,
    ));
    let (mark, style) = match c.name_match {
        NameMatch::Exact => ("✓ present", t.ok()),
        NameMatch::Wildcard => ("~ covered only by a wildcard", t.warn()),
        NameMatch::None => ("✗ absent", t.fail()),
    };
    out.push(Line::from(vec![
        Span::styled(format!("{:<10}", "expected"), t.label()),
        Span::raw(format!("{} ", c.expected_name)),
        Span::styled(mark, style),
    ]));
    out.push(kv("issuer", c.issuer.clone(), t));
    let expiry = match c.days_left_at(now) {
        Some(d) if d < 0 => format!(" · expired {} days ago", -d),
        Some(1) => " · expires in 1 day".into(),
        Some(d) => format!(" · expires in {d} days"),
        None => String::new(),
    };
    out.push(kv(
        "valid",
        format!("{} → {}{expiry}", date(&c.not_before), date(&c.not_after)),
        t,
    ));
    let chain: Vec<&str> = c.chain.iter().map(|e| e.subject.as_str()).collect();
    let chain_text = if chain.is_empty() {
        format!("{} certificate(s)", c.chain_len)
    } else {
        format!("{} certificate(s): {}", c.chain_len, chain.join(" ← "))
    };
    out.push(kv("chain", chain_text, t));
    // D16: how Windows admins find a certificate.
    if !c.thumbprint.is_empty() {
        out.push(kv("SHA-1", format!("{} (thumbprint)", c.thumbprint), t));
        out.push(kv("serial", format!("{} · key {}", c.serial, c.key), t));
    }
    if let Some(url) = c.ca_issuers.first() {
        out.push(kv("CA issuer", url.clone(), t));
    }
    let trust = match (&c.trust_error, c.trusted) {
        (Some(e), _) => Line::from(vec![
            Span::styled(format!("{:<10}", "trust"), t.label()),
            Span::styled(format!("✗ not trusted: {e}"), t.fail()),
        ]),
        (None, true) => Line::from(vec![
            Span::styled(format!("{:<10}", "trust"), t.label()),
            Span::styled("✓ chains to a trusted root", t.ok()),
        ]),
        (None, false) => Line::from(vec![
            Span::styled(format!("{:<10}", "trust"), t.label()),
            Span::styled("✗ not trusted", t.fail()),
        ]),
    };
    out.push(trust);
    out
}
