//! D5/D7 — which target an SRV row uses, which row the client uses, and the
//! one-sentence verdict.

mod autodiscover;

use serde::{Deserialize, Serialize};

use super::{RecordResult, Status, TargetResult};
use crate::plan::{RowClass, RowKind, Transport};

/// Orders SRV answers the way the client tries them (D5, RFC 2782): lowest
/// priority first; within a priority the heavier weight first (the most
/// likely pick of the weighted draw), then by name so the order is stable.
pub fn order_srv_targets(targets: &mut [TargetResult]) {
    targets.sort_by(|a, b| {
        a.priority
            .cmp(&b.priority)
            .then(b.weight.cmp(&a.weight))
            .then(a.host.cmp(&b.host))
    });
}

/// Which target of an SRV row the client uses first: the first one (in
/// client order) that is in the domain and has an address; failing that the
/// first in-domain one (so the row says why it is missing). `None` when every
/// target was rejected.
pub fn used_target(targets: &[TargetResult]) -> Option<usize> {
    let candidates = || {
        targets
            .iter()
            .enumerate()
            .filter(|(_, t)| t.status != Status::Rejected)
    };
    candidates()
        .find(|(_, t)| !t.addresses.is_empty())
        .or_else(|| candidates().next())
        .map(|(i, _)| i)
}

/// D7: rows in the order the client considers them: the profile's ranking
/// of row classes (for the Communicator generations TLS SRV rows, then TCP
/// SRV rows — the client ignores TCP entries when a TLS one succeeded —
/// then the A rows), profile order within a class.
fn client_rank<'r>(records: &'r [RecordResult], ranking: &[RowClass]) -> Vec<&'r RecordResult> {
    ranking
        .iter()
        .flat_map(|class| {
            records
                .iter()
                .filter(move |r| RowClass::of(r.kind, r.transport) == *class)
        })
        .collect()
}

/// D7: the row the client uses — the first, in client order, whose name
/// resolved (whatever happens afterwards). `None` when nothing resolved, or
/// while a row ranked ahead of every resolved one is still in flight.
pub fn select(records: &[RecordResult], ranking: &[RowClass]) -> Option<usize> {
    for r in client_rank(records, ranking) {
        // D13: an autodiscover row is used once its name resolved *and* the
        // endpoint answered (even brokenly); otherwise the client moves on.
        let used = match r.kind {
            RowKind::Autodiscover => r.status.answered(),
            RowKind::Srv | RowKind::A => r.status.resolved(),
        };
        if used {
            return Some(r.index);
        }
        if r.status.in_flight() {
            return None;
        }
    }
    None
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Signin {
    Ok,
    Fail,
    /// The sweep has not decided yet (a row ranked ahead is still in flight):
    /// not a failure.
    #[default]
    Undecided,
}

/// Why the verdict is what it is, as a stable machine label (`cause` in the JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Cause {
    /// The selected record is found.
    Works,
    CertMismatch,
    Untrusted,
    Unreachable,
    /// Nothing resolved and some queries got DNS errors.
    DnsErrors,
    /// Nothing resolved; the only answers were rejected (D4).
    Rejected,
    /// An SRV record exists but its target has no address (D5).
    Dangling,
    /// Nothing is published at all.
    NothingPublished,
    /// D13: the autodiscover endpoint answered, but not with a usable document.
    ServiceError,
    /// A row that decides is still being asked.
    #[default]
    InProgress,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(from = "super::state::VerdictDoc")]
pub struct Verdict {
    pub signin: Signin,
    /// One sentence: what the client does, why it fails, what to fix.
    pub summary: String,
    #[serde(default)]
    pub cause: Cause,
    /// D18: ok, degraded or fail (set by `SweepReport::decide`).
    pub state: super::State,
    /// D18: why a working sign-in is degraded.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub degraded: Vec<super::state::Degraded>,
}

impl Verdict {
    /// The verdict while a sweep runs.
    pub fn in_progress(summary: impl Into<String>) -> Verdict {
        Verdict {
            signin: Signin::Undecided,
            summary: summary.into(),
            cause: Cause::InProgress,
            ..Verdict::default()
        }
    }
}

/// Rows the client would have preferred but skipped (rejected or DNS error),
/// ranked ahead of `selected` — worth naming even when sign-in works
/// (split-brain: internal clients silently going through the Edge).
fn skipped_clause(records: &[RecordResult], selected: usize, ranking: &[RowClass]) -> String {
    let skipped: Vec<String> = client_rank(records, ranking)
        .into_iter()
        .take_while(|r| r.index != selected)
        // D13: autodiscover rows ranked ahead did not resolve or answer.
        .filter(|r| {
            matches!(r.status, Status::Rejected | Status::DnsError)
                || r.kind == RowKind::Autodiscover
        })
        .map(|r| format!("record {} ({}, {})", r.index, r.name, r.status))
        .collect();
    if skipped.is_empty() {
        String::new()
    } else {
        format!(", after skipping {},", skipped.join(" and "))
    }
}

/// D7: the verdict for a finished sweep.
pub fn verdict(
    records: &[RecordResult],
    selected: Option<usize>,
    domain: &str,
    ranking: &[RowClass],
) -> Verdict {
    let fail = |cause: Cause, summary: String| Verdict {
        signin: Signin::Fail,
        summary,
        cause,
        ..Verdict::default()
    };
    let Some(row) = selected.and_then(|i| records.iter().find(|r| r.index == i)) else {
        return autodiscover::nothing_usable(records, ranking)
            .unwrap_or_else(|| nothing_usable(records, domain));
    };
    if row.kind == RowKind::Autodiscover {
        let skipped = skipped_clause(records, row.index, ranking);
        return autodiscover::for_row(row, &skipped);
    }
    let via = match row.used() {
        Some(t) if row.kind == RowKind::Srv => format!(" → {}:{}", t.host, t.port),
        _ => String::new(),
    };
    let what = format!(
        "record {} ({} {}{via}, {}){}",
        row.index,
        row.kind.label(),
        row.name,
        row.transport.label(),
        skipped_clause(records, row.index, ranking)
    );
    let host = row.used().map(|t| t.host.as_str()).unwrap_or(&row.name);
    let reason = row
        .used()
        .map(|t| t.detail.trim_end_matches('.').to_string())
        .unwrap_or_default();
    match row.status {
        Status::Found => Verdict {
            signin: Signin::Ok,
            cause: Cause::Works,
            summary: match row.transport {
                Transport::Tls | Transport::Https => format!(
                    "Sign-in works: the client uses {what} and the certificate names {host} and is trusted."
                ),
                Transport::Tcp | Transport::Http => format!(
                    "Sign-in works: the client uses {what} and the server accepts the connection (unencrypted TCP)."
                ),
            },
            ..Verdict::default()
        },
        Status::CertMismatch => fail(
            Cause::CertMismatch,
            format!(
                "Sign-in fails: the client uses {what} and stops there, because the certificate does not name {host} (\"There was a problem verifying the certificate from the server\"); put {host} on the certificate or fix record {}.",
                row.name
            ),
        ),
        Status::Untrusted => fail(
            Cause::Untrusted,
            format!(
                "Sign-in fails: the client uses {what}, but the certificate for {host} is not trusted ({reason}); install a certificate from a CA the clients trust, or fix record {}.",
                row.name
            ),
        ),
        Status::Unreachable => fail(
            Cause::Unreachable,
            format!(
                "Sign-in fails: the client uses {what}, but cannot connect ({reason}); start the server or correct record {}.",
                row.name
            ),
        ),
        other => Verdict::in_progress(format!(
            "Sign-in is undecided: record {} is still {other}.",
            row.index
        )),
    }
}

/// The verdict when no row resolved.
fn nothing_usable(records: &[RecordResult], domain: &str) -> Verdict {
    let unavailable = "(\"Cannot sign in because the server is temporarily unavailable\")";
    if let Some(r) = records.iter().find(|r| r.status.in_flight()) {
        return Verdict::in_progress(format!(
            "Sign-in is undecided: record {} ({}) is still {}.",
            r.index, r.name, r.status
        ));
    }
    let (cause, summary) = if let Some(r) = records.iter().find(|r| r.status == Status::DnsError) {
        let n = records
            .iter()
            .filter(|r| r.status == Status::DnsError)
            .count();
        (
            Cause::DnsErrors,
            format!(
                "Sign-in fails: no record resolved and {n} of {} queries got DNS errors (first: {} — {}) {unavailable}; fix the resolver or the zone's servers, then re-run.",
                records.len(),
                r.name,
                r.detail.trim_end_matches('.')
            ),
        )
    } else if let Some(r) = records.iter().find(|r| r.status == Status::Rejected) {
        (
            Cause::Rejected,
            format!(
                "Sign-in fails: the only answer, record {} ({}), is rejected — {} {unavailable}; point it at a host inside {domain} or add that domain to trusted_domains.",
                r.index,
                r.name,
                r.detail.trim_end_matches('.')
            ),
        )
    } else if let Some(r) = records
        .iter()
        .find(|r| r.status == Status::Missing && r.kind == RowKind::Srv && !r.targets.is_empty())
    {
        (
            Cause::Dangling,
            format!(
                "Sign-in fails: record {} ({}) exists but leads nowhere — {} {unavailable}; give its target an A record or fix the SRV record.",
                r.index,
                r.name,
                r.detail.trim_end_matches('.')
            ),
        )
    } else {
        (
            Cause::NothingPublished,
            format!(
                "Sign-in fails: none of the {} records exist for {domain} {unavailable}; publish _sipinternaltls._tcp.{domain} (SRV to your pool on port 5061).",
                records.len()
            ),
        )
    };
    Verdict {
        signin: Signin::Fail,
        summary,
        cause,
        ..Verdict::default()
    }
}

#[cfg(test)]
mod tests;
