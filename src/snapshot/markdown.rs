//! The readable half of a snapshot: a Markdown report to paste into a ticket
//! — settings, verdict, the table, details and warnings, certificates, and
//! the session's change history.

use std::fmt::Write;

use super::Snapshot;
use crate::model::diff::describe_certificate;
use crate::model::{Signin, Status, SweepReport};
use crate::report::text::{HEADERS, columns};
use crate::text::clean;

/// Makes text safe inside a Markdown table cell: control characters
/// (newlines included) escaped by [`clean`], then `\` and `|` escaped so a
/// value can neither end its cell nor its row.
fn cell(s: &str) -> String {
    clean(s).replace('\\', "\\\\").replace('|', "\\|")
}

/// The report, in Markdown.
pub fn render(s: &Snapshot) -> String {
    let r = &s.current;
    let mut out = String::new();
    let _ = writeln!(out, "# sipscope snapshot: {}\n", clean(&r.domain));
    // The summary itself starts "Sign-in works:" / "Sign-in fails:".
    let mark = match r.verdict.signin {
        Signin::Ok if r.verdict.state == crate::model::State::Degraded => "⚠ degraded:",
        Signin::Ok => "✓",
        Signin::Fail => "✗",
        Signin::Undecided => "…",
    };
    let _ = writeln!(out, "**Verdict:** {mark} {}\n", clean(&r.verdict.summary));
    for d in &r.verdict.degraded {
        let _ = writeln!(
            out,
            "- degraded ({}): {}",
            d.code.label(),
            cell(&d.sentence)
        );
    }
    if !r.verdict.degraded.is_empty() {
        out.push('\n');
    }
    settings(&mut out, s);
    let _ = writeln!(
        out,
        "## Records (sweep started {})\n",
        clean(&super::commands::when(&r.started_at))
    );
    table(&mut out, r);
    details(&mut out, r);
    certificates(&mut out, r);
    registrars(&mut out, r);
    views(&mut out, s);
    history(&mut out, s);
    out
}

/// Every vantage's verdict and the zone's servers (issue 12), as an
/// indented block: escaped text that no line can break out of.
fn views(out: &mut String, s: &Snapshot) {
    let text = super::views::summary(s);
    if text.trim().is_empty() {
        return;
    }
    let _ = writeln!(out, "## Vantages and the zone's own servers\n");
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let _ = writeln!(out, "    {}", clean(line));
    }
    out.push('\n');
}

fn settings(out: &mut String, s: &Snapshot) {
    let st = &s.settings;
    let list = |v: Vec<String>| {
        if v.is_empty() {
            "none".to_string()
        } else {
            v.join(", ")
        }
    };
    let rows = [
        ("Address", format!("`{}`", s.current.input)),
        ("Domain", s.current.domain.clone()),
        ("Profile", s.current.profile.clone()),
        ("Resolvers", s.current.resolvers.join(", ")),
        ("Timeout", format!("{} ms per step", st.timeout_ms)),
        (
            "CA files",
            list(
                st.ca_files
                    .iter()
                    .map(|p| format!("`{}`", p.display()))
                    .collect(),
            ),
        ),
        ("System roots", yes_no(st.system_roots)),
        ("Trusted domains", list(st.trusted_domains.clone())),
        ("Strict DNS naming", yes_no(st.strict_dns_naming)),
        ("TCP allowed", yes_no(st.allow_tcp)),
        (
            "Config file",
            st.config_file
                .as_ref()
                .map_or("none".into(), |p| format!("`{}`", p.display())),
        ),
        ("Saved", super::commands::when(&s.saved_at)),
        ("Tool", format!("{} {}", s.tool, s.tool_version)),
        ("Sweeps in session", s.sweep_count.to_string()),
    ];
    let _ = writeln!(out, "| Setting | Value |\n|---|---|");
    for (k, v) in rows {
        let _ = writeln!(out, "| {k} | {} |", cell(&v));
    }
    out.push('\n');
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

fn table(out: &mut String, r: &SweepReport) {
    let _ = writeln!(out, "| {} |", HEADERS.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(HEADERS.len()));
    for rec in &r.records {
        // `columns` has escaped the control characters already.
        let mut cols = columns(rec).map(|c| cell(&c));
        if r.selected == Some(rec.index) {
            cols[0] = format!("**▶ {}**", cols[0]);
            cols[4] = format!("**{}** ◀ client uses this", cols[4]);
        }
        let _ = writeln!(out, "| {} |", cols.join(" | "));
    }
    out.push('\n');
}

fn details(out: &mut String, r: &SweepReport) {
    let lines: Vec<String> = r
        .records
        .iter()
        .flat_map(|rec| {
            let detail = (rec.status != Status::Missing
                || r.selected == Some(rec.index)
                || !rec.targets.is_empty())
            .then(|| format!("- #{} {}: {}", rec.index, rec.status, clean(&rec.detail)));
            detail.into_iter().chain(
                rec.warnings
                    .iter()
                    .map(move |w| format!("- #{} warning: {}", rec.index, clean(w))),
            )
        })
        .collect();
    if !lines.is_empty() {
        let _ = writeln!(out, "## Details\n\n{}\n", lines.join("\n"));
    }
}

/// D17: what answered the REGISTER, per target; the section is left out
/// when no request was made (`--no-sip`, or a snapshot from before D17).
fn registrars(out: &mut String, r: &SweepReport) {
    let lines: Vec<String> = r
        .records
        .iter()
        .flat_map(|rec| {
            rec.targets.iter().filter_map(move |t| {
                let sip = t.sip.as_ref()?;
                Some(format!(
                    "- #{} {}:{}: {}",
                    rec.index,
                    clean(&t.host),
                    t.port,
                    clean(&sip.summary())
                ))
            })
        })
        .collect();
    if !lines.is_empty() {
        let _ = writeln!(out, "## SIP REGISTER answers\n\n{}\n", lines.join("\n"));
    }
}

fn certificates(out: &mut String, r: &SweepReport) {
    let lines: Vec<String> = r
        .records
        .iter()
        .flat_map(|rec| {
            rec.targets.iter().filter_map(move |t| {
                t.certificate.as_ref().map(|c| {
                    format!(
                        "- #{} {}:{}: {}",
                        rec.index,
                        clean(&t.host),
                        t.port,
                        clean(&describe_certificate(c))
                    )
                })
            })
        })
        .collect();
    let _ = writeln!(out, "## Certificates\n");
    if lines.is_empty() {
        let _ = writeln!(out, "No certificate was received.\n");
    } else {
        let _ = writeln!(out, "{}\n", lines.join("\n"));
    }
}

fn history(out: &mut String, s: &Snapshot) {
    let _ = writeln!(out, "## Change history\n");
    if s.changes.is_empty() {
        let _ = writeln!(
            out,
            "No row changed status during the session ({} sweep{}).",
            s.sweep_count,
            if s.sweep_count == 1 { "" } else { "s" }
        );
        return;
    }
    for c in &s.changes {
        let _ = writeln!(
            out,
            "- Sweep {} ({}):",
            c.sweep,
            clean(&super::commands::when(&c.started_at))
        );
        for row in &c.rows {
            let _ = writeln!(out, "  - {}", clean(&row.to_string()));
        }
    }
}
