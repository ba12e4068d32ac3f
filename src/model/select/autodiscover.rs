//! D13/D7 — the verdict when the client uses an autodiscover row, and when
//! a profile of autodiscover rows only (mobile) finds nothing.

use crate::model::autodiscover::{WebUrl, is_online_host};
use crate::model::select::{Cause, Signin, Verdict};
use crate::model::{RecordResult, Status};
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
pub fn for_row(row: &RecordResult, skipped: &str) -> Verdict {
    let what = format!(
        "record {} (autodiscover {}, {}){}",
        row.index,
        url_of(row),
        row.transport.label(),
        skipped.trim_end_matches(',')
    );
    let detail = row.detail.trim_end_matches('.');
    let no_fallback = "the client does not fall back to SRV or A records (D13)";
    let fail = |cause: Cause, summary: String| Verdict {
        signin: Signin::Fail,
        summary,
        cause,
        ..Verdict::default()
    };
    match row.status {
        Status::Found => Verdict {
            signin: Signin::Ok,
            cause: Cause::Works,
            summary: match online_host(row) {
                Some(host) => format!(
                    "Sign-in goes online: the client uses {what}, which redirects to the online service ({host}); the user is homed in Skype for Business Online (hybrid) and signs in there."
                ),
                None => format!("Sign-in can proceed: the client uses {what}; {detail}."),
            },
            ..Verdict::default()
        },
        Status::CertMismatch => fail(
            Cause::CertMismatch,
            format!(
                "Sign-in fails: the client uses {what} and stops there — {detail} (\"There was a problem verifying the certificate from the server\"); {no_fallback}. Put {} on the certificate (one SAN per SIP domain), or publish autodiscover over HTTP.",
                cert_host(row)
            ),
        ),
        Status::Untrusted => fail(
            Cause::Untrusted,
            format!(
                "Sign-in fails: the client uses {what} and stops there — {detail}; {no_fallback}. Install a certificate from a CA the clients trust on {}.",
                cert_host(row)
            ),
        ),
        Status::ServiceError => fail(
            Cause::ServiceError,
            format!(
                "Sign-in fails: the client uses {what} and stops there — {detail}; {no_fallback}. Publish the Lync/Skype for Business autodiscover service at {} (check the reverse proxy rule), or remove the {} record so clients fall back.",
                row.name, row.name
            ),
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
                format!(
                    "Sign-in fails: the client uses {what}, but {detail}; {no_fallback}. Fix that host or the link that names it."
                ),
            )
        }
        other => Verdict::in_progress(format!(
            "Sign-in is undecided: record {} is still {other}.",
            row.index
        )),
    }
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
        summary: format!(
            "Sign-in fails: this client asks autodiscover only and none of {} {why}; it never falls back to SRV or A records (D13). Publish {first} (internal) and the external autodiscover name, pointing at the web services of your pool or reverse proxy.",
            names.join(" and ")
        ),
        ..Verdict::default()
    })
}
