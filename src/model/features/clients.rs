//! Every client generation at once (issue 10, D3/D7/D13): from one sweep of
//! the union of all built-in profiles' rows, which record each generation
//! would use and whether it signs in. Mixed estates (old desk phones beside
//! new desktops) are normal; this says how each of them fares.

use serde::{Deserialize, Serialize};

use crate::model::select::{Signin, select, verdict};
use crate::model::{RecordResult, Status};
use crate::plan::{Profile, Query, RowKind, Transport};

/// The record a client generation uses (D7/D13).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelectedRecord {
    /// Its position in that profile's order (1-based).
    pub index: usize,
    pub kind: RowKind,
    pub name: String,
    pub transport: Transport,
    pub status: Status,
}

/// How one client generation fares (JSON `clients[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientVerdict {
    /// The profile's name, e.g. `sfb`.
    pub profile: String,
    pub title: String,
    /// The record it uses, or `null` when none is usable.
    pub selected: Option<SelectedRecord>,
    pub signin: Signin,
    pub summary: String,
}

/// Whether a swept record answers a profile's query: same kind, name,
/// transport and port (rows are shared between profiles by these).
pub fn same_query(r: &RecordResult, q: &Query) -> bool {
    r.kind == q.kind && r.name == q.name && r.transport == q.transport && r.port == q.port
}

/// The records of `profile`, taken from `swept` (the union sweep) and
/// numbered in the profile's order. A query nobody swept stays pending.
pub fn records_for(profile: &Profile, domain: &str, swept: &[RecordResult]) -> Vec<RecordResult> {
    profile
        .queries(domain)
        .iter()
        .map(|q| match swept.iter().find(|r| same_query(r, q)) {
            Some(r) => RecordResult {
                index: q.index,
                ..r.clone()
            },
            None => RecordResult::pending(q),
        })
        .collect()
}

/// One verdict per profile, in the order given (`sipscope profiles` order).
pub fn summarise(profiles: &[Profile], domain: &str, swept: &[RecordResult]) -> Vec<ClientVerdict> {
    profiles
        .iter()
        .map(|p| {
            let records = records_for(p, domain, swept);
            let chosen = select(&records, &p.ranking);
            let v = verdict(&records, chosen, domain, &p.ranking);
            let selected = chosen
                .and_then(|i| records.iter().find(|r| r.index == i))
                .map(|r| SelectedRecord {
                    index: r.index,
                    kind: r.kind,
                    name: r.name.clone(),
                    transport: r.transport,
                    status: r.status,
                });
            ClientVerdict {
                profile: p.name.clone(),
                title: p.title.clone(),
                selected,
                signin: v.signin,
                summary: v.summary,
            }
        })
        .collect()
}

/// One compact line per generation, e.g. `Skype for Business: lyncdiscoverinternal ✓`
/// (the dashboard's clients panel and `check`'s text). Names come from the
/// network's answers only through the profile: the domain part is dropped.
pub fn short_line(c: &ClientVerdict, domain: &str) -> String {
    let mark = match c.signin {
        Signin::Ok => "✓",
        Signin::Fail => "✗",
        Signin::Undecided => "…",
    };
    match &c.selected {
        Some(s) => {
            let label = s
                .name
                .strip_suffix(domain)
                .map(|n| n.trim_end_matches('.'))
                .filter(|n| !n.is_empty())
                .unwrap_or(&s.name);
            // D17: connected, yet no registrar answered: say so.
            let why = if s.status == Status::NotSip {
                " (not-sip)"
            } else {
                ""
            };
            format!(
                "{}: row {} {label} {} {mark}{why}",
                c.title,
                s.index,
                s.transport.label()
            )
        }
        None => format!("{}: nothing usable {mark}", c.title),
    }
}

#[cfg(test)]
mod tests;
