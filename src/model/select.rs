//! D5/D7 — which target an SRV row uses, which row the client uses, and the
//! one-sentence verdict.

mod autodiscover;
mod doc;

use serde::{Deserialize, Serialize};

use super::sentence::Sentence;
pub use super::signin::Signin;
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
    /// D13 addendum: autodiscover redirects to the retired Skype for
    /// Business Online (`*.online.lync.com`): the user is homed online,
    /// where only Teams serves them; this client cannot sign in.
    HomedOnline,
    /// D17: the selected record connects, but no SIP registrar answers.
    NotSip,
    /// A row that decides is still being asked.
    #[default]
    InProgress,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(from = "doc::VerdictDoc")]
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

/// Rows the client would have preferred but passed over (rejected or DNS error),
/// ranked ahead of `selected` — worth naming even when sign-in works
/// (split-brain: internal clients silently going through the Edge). Rows
/// of status `skipped` were never asked and are never named (D8). The
/// clause without punctuation, or empty; the sentence builder places it.
fn skipped_clause(records: &[RecordResult], selected: usize, ranking: &[RowClass]) -> String {
    let skipped: Vec<String> = client_rank(records, ranking)
        .into_iter()
        .take_while(|r| r.index != selected)
        .filter(|r| r.status != Status::Skipped)
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
        format!("after passing over {}", skipped.join(" and "))
    }
}

/// `<lead>: the client uses <what>, after passing over …,` — the start every
/// verdict on a selected row shares.
pub(crate) fn uses(lead: &str, what: String, skipped: String) -> Sentence {
    Sentence::new(lead)
        .colon(format!("the client uses {what}"))
        .aside(skipped)
}

/// ` (text)`, or nothing when `text` is empty.
pub(crate) fn paren(text: &str) -> String {
    let text = text.trim().trim_end_matches('.');
    if text.is_empty() {
        String::new()
    } else {
        format!(" ({text})")
    }
}

/// Whether a profile is of the generations that run where TLS 1.0/1.1 are
/// disabled (D15): the ones that ask autodiscover first (Lync 2013, Skype
/// for Business, mobile).
fn modern(ranking: &[RowClass]) -> bool {
    ranking.contains(&RowClass::Autodiscover)
}

/// D7: the verdict for a finished sweep.
pub fn verdict(
    records: &[RecordResult],
    selected: Option<usize>,
    domain: &str,
    ranking: &[RowClass],
) -> Verdict {
    let fail = |cause: Cause, summary: Sentence| Verdict {
        signin: Signin::Fail,
        summary: summary.render(),
        cause,
        ..Verdict::default()
    };
    let Some(row) = selected.and_then(|i| records.iter().find(|r| r.index == i)) else {
        return autodiscover::nothing_usable(records, ranking)
            .unwrap_or_else(|| nothing_usable(records, domain));
    };
    let skipped = skipped_clause(records, row.index, ranking);
    if row.kind == RowKind::Autodiscover {
        return autodiscover::for_row(row, skipped);
    }
    let via = match row.used() {
        Some(t) if row.kind == RowKind::Srv => format!(" → {}:{}", t.host, t.port),
        _ => String::new(),
    };
    let what = format!(
        "record {} ({} {}{via}, {})",
        row.index,
        row.kind.label(),
        row.name,
        row.transport.label(),
    );
    let host = row.used().map(|t| t.host.as_str()).unwrap_or(&row.name);
    let reason = row
        .used()
        .map(|t| t.detail.trim_end_matches('.').to_string())
        .unwrap_or_default();
    let legacy = row.used().and_then(|t| t.tls.as_ref()).filter(|t| t.legacy);
    match row.status {
        // D15 (issue 20): a legacy-only server under a modern profile works
        // only where legacy TLS is still enabled: the sentence leads with that.
        Status::Found if modern(ranking) && legacy.is_some() => {
            let (version, suite) = legacy
                .map(|t| (t.version.clone(), t.cipher_suite.clone()))
                .unwrap_or_default();
            // TLS 1.2 with old CBC suites only: the fix is the suites.
            let fix = if version.contains("1.2") {
                format!("Enable TLS 1.2 with AES-GCM cipher suites on {host} (D15)")
            } else {
                format!("Enable TLS 1.2 on {host} (D15)")
            };
            Verdict {
                signin: Signin::Ok,
                cause: Cause::Works,
                summary: Sentence::new("Sign-in at risk")
                    .colon(format!("{host} speaks only {version}{}", paren(&suite)))
                    .dash("clients with TLS 1.0/1.1 or CBC suites disabled (current Windows, Skype for Business) cannot connect")
                    .semicolon(format!("where legacy TLS is still enabled, the client uses {what}"))
                    .aside(skipped)
                    .word(format!("and the certificate names {host} and is trusted"))
                    .stop(fix)
                    .render(),
                ..Verdict::default()
            }
        }
        Status::Found => Verdict {
            signin: Signin::Ok,
            cause: Cause::Works,
            summary: match row.transport {
                Transport::Tls | Transport::Https => uses("Sign-in works", what, skipped)
                    .word(format!("and the certificate names {host} and is trusted")),
                Transport::Tcp | Transport::Http => uses("Sign-in works", what, skipped)
                    .word("and the server accepts the connection (unencrypted TCP)"),
            }
            .render(),
            ..Verdict::default()
        },
        Status::CertMismatch => fail(
            Cause::CertMismatch,
            uses("Sign-in fails", what, skipped)
                .word(format!(
                    "and stops there, because the certificate does not name {host} (\"There was a problem verifying the certificate from the server\")"
                ))
                .semicolon(format!(
                    "put {host} on the certificate or fix record {}",
                    row.name
                )),
        ),
        Status::Untrusted => fail(
            Cause::Untrusted,
            uses("Sign-in fails", what, skipped)
                .comma(format!(
                    "but the certificate for {host} is not trusted{}",
                    paren(&reason)
                ))
                .semicolon(format!(
                    "install a certificate from a CA the clients trust, or fix record {}",
                    row.name
                )),
        ),
        Status::Unreachable => fail(
            Cause::Unreachable,
            uses("Sign-in fails", what, skipped)
                .comma(format!("but cannot connect{}", paren(&reason)))
                .semicolon(format!("start the server or correct record {}", row.name)),
        ),
        Status::NotSip => fail(Cause::NotSip, not_sip(row, what, skipped)),
        other => Verdict::in_progress(format!(
            "Sign-in is undecided: record {} is still {other}.",
            row.index
        )),
    }
}

/// D17: what answered instead of a registrar, and what to fix.
fn not_sip(row: &RecordResult, what: String, skipped: String) -> Sentence {
    let used = row.used();
    let at = used
        .map(|t| format!("{}:{}", t.host, t.port))
        .unwrap_or_else(|| row.name.clone());
    let instead = used
        .and_then(|t| t.sip.as_ref())
        .map(|s| s.instead())
        .unwrap_or_else(|| "something that is not SIP".into());
    // Inside names lead to the pool; the others to the Access Edge (D3).
    let fix = if row.name.contains("internal") {
        "point it at the pool (front end or Director)"
    } else {
        "point it at the Access Edge"
    };
    uses("Sign-in fails", what, skipped)
        .comma(format!("but {at} answers {instead}, not SIP"))
        .colon(format!("{fix}, or remove it"))
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
    // D8: a skipped row was never asked; it is not one of the queries.
    let asked = records
        .iter()
        .filter(|r| r.status != Status::Skipped)
        .count();
    let fails = Sentence::new("Sign-in fails");
    let detail = |r: &RecordResult| r.detail.trim_end_matches('.').to_string();
    let (cause, summary) = if let Some(r) = records.iter().find(|r| r.status == Status::DnsError) {
        let n = records
            .iter()
            .filter(|r| r.status == Status::DnsError)
            .count();
        let first = match detail(r) {
            d if d.is_empty() => r.name.clone(),
            d => format!("{} — {d}", r.name),
        };
        (
            Cause::DnsErrors,
            fails
                .colon(format!(
                    "no record resolved and {n} of {asked} queries got DNS errors (first: {first})"
                ))
                .word(unavailable)
                .semicolon("fix the resolver or the zone's servers, then re-run"),
        )
    } else if let Some(r) = records.iter().find(|r| r.status == Status::Rejected) {
        (
            Cause::Rejected,
            fails
                .colon(format!(
                    "the only answer, record {} ({}), is rejected",
                    r.index, r.name
                ))
                .dash(detail(r))
                .word(unavailable)
                .semicolon(format!(
                    "point it at a host inside {domain} or add that domain to trusted_domains"
                )),
        )
    } else if let Some(r) = records
        .iter()
        .find(|r| r.status == Status::Missing && r.kind == RowKind::Srv && !r.targets.is_empty())
    {
        (
            Cause::Dangling,
            fails
                .colon(format!(
                    "record {} ({}) exists but leads nowhere",
                    r.index, r.name
                ))
                .dash(detail(r))
                .word(unavailable)
                .semicolon("give its target an A record or fix the SRV record"),
        )
    } else {
        (
            Cause::NothingPublished,
            fails
                .colon(format!("none of the {asked} records exist for {domain}"))
                .word(unavailable)
                .semicolon(format!(
                    "publish _sipinternaltls._tcp.{domain} (SRV to your pool on port 5061)"
                )),
        )
    };
    Verdict {
        signin: Signin::Fail,
        summary: summary.render(),
        cause,
        ..Verdict::default()
    }
}

#[cfg(test)]
mod tests;
