//! D13/D7 — the verdict when the client uses an autodiscover row, and when
//! a profile of autodiscover rows only (mobile) finds nothing.

use crate::model::autodiscover::{WebUrl, is_online_host};
use crate::model::select::{Cause, Signin, Verdict, uses};
use crate::model::sentence::Sentence;
use crate::model::{ReasonCode, RecordResult, Status};
use crate::plan::{RowClass, RowKind};

fn url_of(row: &RecordResult) -> String {
    row.http
        .as_ref()
        .and_then(|h| h.hops.first())
        .map(|h| h.url.clone())
        .unwrap_or_else(|| row.name.clone())
}

/// The last host the client reached, when it is the online service (hybrid).
fn online_host(row: &RecordResult) -> Option<String> {
    let http = row.http.as_ref()?;
    let last = WebUrl::parse(&http.hops.last()?.url)?;
    is_online_host(&last.host).then_some(last.host)
}

/// D13/D7: the verdict when the selected row is an autodiscover row. The
/// client does not fall back from it, so a broken one fails sign-in.
/// `skipped` is the clause naming the rows passed over (or empty).
pub fn for_row(row: &RecordResult, skipped: String) -> Verdict {
    let what = format!(
        "record {} (autodiscover {}, {})",
        row.index,
        url_of(row),
        row.transport.label(),
    );
    let detail = row.detail.trim_end_matches('.');
    let no_fallback = "the client does not fall back to SRV or A records (D13)";
    let fail = |cause: Cause, summary: Sentence| Verdict {
        signin: Signin::Fail,
        summary: summary.render(),
        cause,
        ..Verdict::default()
    };
    match row.status {
        // D13 addendum: Skype for Business Online was retired on 31 July
        // 2021; a redirect there means the user is homed online, where only
        // Teams serves them. The row answered correctly and stays found.
        Status::Found => match online_host(row) {
            Some(host) => fail(
                Cause::HomedOnline,
                Sentence::new("Sign-in fails: the user is homed online, where only Teams serves them")
                    .dash(format!(
                        "the client uses {what}, which redirects to the online service ({host})"
                    ))
                    .aside(skipped)
                    .semicolon("Skype for Business Online was retired on 31 July 2021, so this client cannot sign in (D13)")
                    .stop("Sign in with Teams, or move the user back to an on-premises pool"),
            ),
            None => Verdict {
                signin: Signin::Ok,
                cause: Cause::Works,
                summary: uses("Sign-in can proceed", what, skipped)
                    .semicolon(detail)
                    .render(),
                ..Verdict::default()
            },
        },
        Status::CertMismatch => fail(
            Cause::CertMismatch,
            uses("Sign-in fails", what, skipped)
                .word("and stops there")
                .dash(detail)
                .word("(\"There was a problem verifying the certificate from the server\")")
                .semicolon(no_fallback)
                .stop(format!(
                    "Put {} on the certificate (one SAN per SIP domain), or publish autodiscover over HTTP",
                    cert_host(row)
                )),
        ),
        Status::Untrusted => fail(
            Cause::Untrusted,
            uses("Sign-in fails", what, skipped)
                .word("and stops there")
                .dash(detail)
                .semicolon(no_fallback)
                .stop(format!(
                    "Install a certificate from a CA the clients trust on {}",
                    cert_host(row)
                )),
        ),
        Status::ServiceError => fail(
            Cause::ServiceError,
            uses("Sign-in fails", what, skipped)
                .word("and stops there")
                .dash(detail)
                .semicolon(no_fallback)
                .stop(service_fix(row)),
        ),
        st @ (Status::Unreachable | Status::Missing | Status::DnsError | Status::Rejected) => {
            let cause = match st {
                Status::Missing => Cause::Dangling,
                Status::DnsError => Cause::DnsErrors,
                Status::Rejected => Cause::Rejected,
                _ => Cause::Unreachable,
            };
            fail(
                cause,
                uses("Sign-in fails", what, skipped)
                    .comma(format!("but {detail}"))
                    .semicolon(no_fallback)
                    .stop("Fix that host or the link that names it"),
            )
        }
        other => Verdict::in_progress(format!(
            "Sign-in is undecided: record {} is still {other}.",
            row.index
        )),
    }
}

/// What to fix when the autodiscover row is a service error: the web
/// services host the root document's `user` link names (D13 addendum), or
/// the autodiscover publication itself.
fn service_fix(row: &RecordResult) -> String {
    match row.reason {
        Some(ReasonCode::UserLinkFailed) => format!(
            "Fix the web services host the root document's user link names ({}): its DNS record, its TLS listener or its certificate",
            link_host(row)
        ),
        _ => format!(
            "Publish the Lync/Skype for Business autodiscover service at {} (check the reverse proxy rule), or remove the {} record so clients fall back",
            row.name, row.name
        ),
    }
}

/// The host the root document's `user` link names (D13), or the row's name.
fn link_host(row: &RecordResult) -> String {
    row.http
        .as_ref()
        .and_then(|h| h.links.get("user"))
        .and_then(|href| WebUrl::parse(href))
        .map(|u| u.host)
        .unwrap_or_else(|| row.name.clone())
}

/// The host whose certificate is wrong: the one the failing step reached.
fn cert_host(row: &RecordResult) -> String {
    row.targets
        .iter()
        .find(|t| t.status == row.status)
        .map(|t| t.host.clone())
        .unwrap_or_else(|| row.name.clone())
}

/// D13: a profile that asks autodiscover only (mobile) and found nothing
/// usable. `None` for profiles that fall back (the classic sentence fits).
pub fn nothing_usable(records: &[RecordResult], ranking: &[RowClass]) -> Option<Verdict> {
    if ranking != [RowClass::Autodiscover] {
        return None;
    }
    if let Some(r) = records.iter().find(|r| r.status.in_flight()) {
        return Some(Verdict::in_progress(format!(
            "Sign-in is undecided: record {} ({}) is still {}.",
            r.index, r.name, r.status
        )));
    }
    let names: Vec<String> = {
        let mut n: Vec<String> = records
            .iter()
            .filter(|r| r.kind == RowKind::Autodiscover)
            .map(|r| r.name.clone())
            .collect();
        n.dedup();
        n
    };
    let resolved = records.iter().any(|r| r.status.resolved());
    let why = if resolved {
        "resolves, but none answers on HTTPS 443 or HTTP 80"
    } else {
        "resolves"
    };
    let first = names.first().cloned().unwrap_or_default();
    Some(Verdict {
        signin: Signin::Fail,
        cause: Cause::NothingPublished,
        summary: Sentence::new("Sign-in fails")
            .colon(format!(
                "this client asks autodiscover only and none of {} {why}",
                names.join(" and ")
            ))
            .semicolon("it never falls back to SRV or A records (D13)")
            .stop(format!(
                "Publish {first} (internal) and the external autodiscover name, pointing at the web services of your pool or reverse proxy"
            ))
            .render(),
        ..Verdict::default()
    })
}
