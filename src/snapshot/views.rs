//! Issue 12 in snapshots: every vantage's latest sweep (D12) and the zone's
//! own servers beside the resolver (D11), kept in the same file as the
//! session. Both fields are additive: a snapshot without them is read as
//! before, and a reader that does not know them ignores them.

use std::fmt::Write;

use serde::{Deserialize, Serialize};

use super::Snapshot;
use crate::model::SweepReport;
use crate::model::authority::Authority;
use crate::model::diff::{self, Aspect, Change};
use crate::model::vantage::{VantageReport, disagreements};
use crate::text::clean;

/// One vantage's latest sweep and, if asked, the zone's servers' view of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedVantage {
    pub label: String,
    pub resolvers: Vec<String>,
    pub current: SweepReport,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authoritative: Option<Authority>,
}

/// What a snapshot holds besides the session of its first vantage.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Views {
    /// Empty without named vantages.
    pub vantages: Vec<SavedVantage>,
    /// The first (or only) vantage's comparison with the zone's servers.
    pub authoritative: Option<Authority>,
}

impl Snapshot {
    /// The snapshot with `views` added.
    pub fn with_views(mut self, views: Views) -> Snapshot {
        self.vantages = views.vantages;
        self.authoritative = views.authoritative;
        self
    }
}

/// `snapshots show` / Markdown: each vantage's verdict, where they disagree,
/// and the zone's servers (plain text; the caller escapes for Markdown).
pub fn summary(s: &Snapshot) -> String {
    let mut out = String::new();
    if !s.vantages.is_empty() {
        let _ = writeln!(out, "\nVantages (D12):");
        for v in &s.vantages {
            let mark = if v.current.signin_ok() { "✓" } else { "✗" };
            let _ = writeln!(
                out,
                "  {mark} {} ({}): {}",
                clean(&v.label),
                clean(&v.resolvers.join(", ")),
                clean(&v.current.verdict.summary)
            );
        }
        let each: Vec<VantageReport> = s
            .vantages
            .iter()
            .map(|v| VantageReport::of(&v.label, &v.current))
            .collect();
        for d in disagreements(&each) {
            let _ = writeln!(out, "  differs: {}", clean(&d.to_string()));
        }
    }
    // Each vantage's comparison, against that vantage's sweep; without
    // vantages, the one of `current`.
    let mut authorities: Vec<(&str, &SweepReport, &Authority)> = s
        .vantages
        .iter()
        .filter_map(|v| {
            v.authoritative
                .as_ref()
                .map(|a| (v.label.as_str(), &v.current, a))
        })
        .collect();
    if authorities.is_empty()
        && let Some(a) = &s.authoritative
    {
        authorities.push(("", &s.current, a));
    }
    for (label, report, a) in authorities {
        if !label.is_empty() {
            let _ = write!(out, "\n── vantage {} ──", clean(label));
        }
        out.push_str(&crate::report::authority::text(report, a));
    }
    out
}

/// `snapshots diff`: the vantages both snapshots have, compared row by row
/// (each change names its vantage), vantages only one has, and the zone's
/// servers (serials, agreement).
pub fn diff(a: &Snapshot, b: &Snapshot) -> Vec<Change> {
    let mut out = Vec::new();
    // The first vantage is `current`, compared by the caller (and tagged
    // with [`first_label`]).
    for va in a.vantages.iter().skip(1) {
        match b.vantages.iter().find(|vb| vb.label == va.label) {
            Some(vb) => out.extend(
                diff::changes(&va.current, &vb.current)
                    .into_iter()
                    .map(|c| tag(&va.label, c)),
            ),
            None => out.push(Change::new(
                None,
                Aspect::Vantage,
                format!("vantage {}", va.label),
                "no such vantage",
            )),
        }
    }
    for vb in &b.vantages {
        if !a.vantages.iter().any(|va| va.label == vb.label) {
            out.push(Change::new(
                None,
                Aspect::Vantage,
                "no such vantage",
                format!("vantage {}", vb.label),
            ));
        }
    }
    let first = |s: &Snapshot| {
        s.vantages
            .first()
            .and_then(|v| v.authoritative.clone())
            .or_else(|| s.authoritative.clone())
    };
    if let (Some(x), Some(y)) = (first(a), first(b)) {
        out.extend(authority_changes(&x, &y));
    }
    out
}

/// A change of vantage `label`'s rows: `[inside] #1 …`.
pub fn tag(label: &str, c: Change) -> Change {
    let row = format!("[{label}] {}", c.row.unwrap_or_default());
    Change {
        row: Some(row.trim_end().to_string()),
        ..c
    }
}

/// The label of the first vantage, when both snapshots have the same one.
pub fn first_label<'a>(a: &'a Snapshot, b: &Snapshot) -> Option<&'a str> {
    match (a.vantages.first(), b.vantages.first()) {
        (Some(x), Some(y)) if x.label == y.label => Some(&x.label),
        _ => None,
    }
}

/// Serials per server and each record's agreement with the zone.
fn authority_changes(a: &Authority, b: &Authority) -> Vec<Change> {
    let mut out = Vec::new();
    for sb in &b.view.servers {
        let before = a.view.servers.iter().find(|sa| sa.name == sb.name);
        let serial = |s: Option<u32>| s.map_or("-".to_string(), |n| n.to_string());
        let was = before.map_or("absent".to_string(), |sa| serial(sa.serial));
        let now = serial(sb.serial);
        if was != now {
            out.push(Change::new(
                None,
                Aspect::Zone,
                format!("{} serial {was}", sb.name),
                format!("serial {now}"),
            ));
        }
    }
    for (index, rb) in &b.records {
        let ra = a.records.get(index);
        if ra.map(|r| r.agrees) != Some(rb.agrees) {
            let word = |agrees: Option<bool>| match agrees {
                Some(true) => "resolver agrees with the zone",
                Some(false) => "resolver differs from the zone",
                None => "not compared",
            };
            out.push(Change::new(
                Some(format!("#{index}")),
                Aspect::Zone,
                word(ra.map(|r| r.agrees)),
                word(Some(rb.agrees)),
            ));
        }
    }
    out
}
