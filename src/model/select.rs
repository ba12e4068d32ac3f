//! D5/D7 — which target an SRV row uses, which row the client uses, and the
//! one-sentence verdict.

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
        if r.status.resolved() {
            return Some(r.index);
        }
        if r.status.in_flight() {
            return None;
        }
    }
    None
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Signin {
    Ok,
    Fail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub signin: Signin,
    /// One sentence: what the client does, why it fails, what to fix.
    pub summary: String,
}

/// Rows the client would have preferred but skipped (rejected or DNS error),
/// ranked ahead of `selected` — worth naming even when sign-in works
/// (split-brain: internal clients silently going through the Edge).
fn skipped_clause(records: &[RecordResult], selected: usize, ranking: &[RowClass]) -> String {
    let skipped: Vec<String> = client_rank(records, ranking)
        .into_iter()
        .take_while(|r| r.index != selected)
        .filter(|r| matches!(r.status, Status::Rejected | Status::DnsError))
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
    let fail = |summary: String| Verdict {
        signin: Signin::Fail,
        summary,
    };
    let Some(row) = selected.and_then(|i| records.iter().find(|r| r.index == i)) else {
        return nothing_usable(records, domain);
    };
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
            summary: match row.transport {
                Transport::Tls => format!(
                    "Sign-in works: the client uses {what} and the certificate names {host} and is trusted."
                ),
                Transport::Tcp => format!(
                    "Sign-in works: the client uses {what} and the server accepts the connection (unencrypted TCP)."
                ),
            },
        },
        Status::CertMismatch => fail(format!(
            "Sign-in fails: the client uses {what} and stops there, because the certificate does not name {host} (\"There was a problem verifying the certificate from the server\"); put {host} on the certificate or fix record {}.",
            row.name
        )),
        Status::Untrusted => fail(format!(
            "Sign-in fails: the client uses {what}, but the certificate for {host} is not trusted ({reason}); install a certificate from a CA the clients trust, or fix record {}.",
            row.name
        )),
        Status::Unreachable => fail(format!(
            "Sign-in fails: the client uses {what}, but cannot connect ({reason}); start the server or correct record {}.",
            row.name
        )),
        other => fail(format!(
            "Sign-in is undecided: record {} is still {other}.",
            row.index
        )),
    }
}

/// The verdict when no row resolved.
fn nothing_usable(records: &[RecordResult], domain: &str) -> Verdict {
    let unavailable = "(\"Cannot sign in because the server is temporarily unavailable\")";
    let summary = if let Some(r) = records.iter().find(|r| r.status.in_flight()) {
        format!(
            "Sign-in is undecided: record {} ({}) is still {}.",
            r.index, r.name, r.status
        )
    } else if let Some(r) = records.iter().find(|r| r.status == Status::DnsError) {
        let n = records
            .iter()
            .filter(|r| r.status == Status::DnsError)
            .count();
        format!(
            "Sign-in fails: no record resolved and {n} of {} queries got DNS errors (first: {} — {}) {unavailable}; fix the resolver or the zone's servers, then re-run.",
            records.len(),
            r.name,
            r.detail.trim_end_matches('.')
        )
    } else if let Some(r) = records.iter().find(|r| r.status == Status::Rejected) {
        format!(
            "Sign-in fails: the only answer, record {} ({}), is rejected — {} {unavailable}; point it at a host inside {domain} or add that domain to trusted_domains.",
            r.index,
            r.name,
            r.detail.trim_end_matches('.')
        )
    } else if let Some(r) = records
        .iter()
        .find(|r| r.status == Status::Missing && r.kind == RowKind::Srv && !r.targets.is_empty())
    {
        format!(
            "Sign-in fails: record {} ({}) exists but leads nowhere — {} {unavailable}; give its target an A record or fix the SRV record.",
            r.index,
            r.name,
            r.detail.trim_end_matches('.')
        )
    } else {
        format!(
            "Sign-in fails: none of the {} records exist for {domain} {unavailable}; publish _sipinternaltls._tcp.{domain} (SRV to your pool on port 5061).",
            records.len()
        )
    };
    Verdict {
        signin: Signin::Fail,
        summary,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::plan::{CLASSIC_RANKING, DEFAULT_PROFILE, profile};

    /// The default profile's rows with the given statuses; resolved rows get a target.
    pub(crate) fn rows(statuses: &[Status]) -> Vec<RecordResult> {
        let queries = profile(DEFAULT_PROFILE).unwrap().queries("contoso.com");
        queries
            .iter()
            .zip(statuses)
            .map(|(q, st)| {
                let mut r = RecordResult::pending(q);
                r.status = *st;
                if st.resolved() {
                    let mut t = TargetResult::new(
                        if q.kind == RowKind::Srv {
                            "pool.contoso.com"
                        } else {
                            &q.name
                        },
                        q.port.unwrap_or(5061),
                    );
                    t.status = *st;
                    t.addresses = vec!["192.0.2.1".into()];
                    t.detail = "connection refused".into();
                    r.targets.push(t);
                    r.used_target = Some(0);
                }
                r
            })
            .collect()
    }

    // D7, table-driven: (statuses of rows 1..10, selected row)
    #[test]
    fn d7_selection() {
        use Status::*;
        let m = Missing;
        let cases: [([Status; 10], Option<usize>, &str); 9] = [
            ([Found, m, m, m, m, m, m, m, m, m], Some(1), "first SRV"),
            (
                [m, Found, Found, m, m, m, m, m, m, m],
                Some(3),
                "TLS SRV (3) beats TCP SRV (2)",
            ),
            (
                [m, Found, m, Found, m, m, m, m, m, m],
                Some(2),
                "TCP SRV rows in order",
            ),
            (
                [m, m, m, Found, Found, m, m, m, m, m],
                Some(4),
                "any SRV beats A rows",
            ),
            (
                [m, m, m, m, CertMismatch, Found, Found, m, m, m],
                Some(5),
                "stops at the first resolved name, broken or not",
            ),
            (
                [Rejected, m, Found, m, Found, m, m, m, m, m],
                Some(3),
                "rejected rows are skipped",
            ),
            (
                [DnsError, m, m, m, m, m, Found, m, m, m],
                Some(7),
                "dns-error rows are skipped",
            ),
            ([m, m, m, m, m, m, m, m, m, m], None, "nothing resolves"),
            (
                [Pending, m, Found, m, m, m, m, m, m, m],
                None,
                "undecided while an earlier row is in flight",
            ),
        ];
        for (statuses, want, why) in cases {
            assert_eq!(select(&rows(&statuses), &CLASSIC_RANKING), want, "{why}");
        }
    }

    // D7: a TLS SRV row later in the profile still beats an in-flight TCP row.
    #[test]
    fn d7_tls_decides_before_tcp_finishes() {
        use Status::*;
        let r = rows(&[
            Missing, Querying, Found, Querying, Pending, Pending, Pending, Pending, Pending,
            Pending,
        ]);
        assert_eq!(select(&r, &CLASSIC_RANKING), Some(3));
    }

    // D7: verdict sentences name the record and what to fix.
    #[test]
    fn d7_verdicts() {
        use Status::*;
        let m = Missing;
        let ok = rows(&[Found, m, m, m, m, m, m, m, m, m]);
        let v = verdict(
            &ok,
            select(&ok, &CLASSIC_RANKING),
            "contoso.com",
            &CLASSIC_RANKING,
        );
        assert_eq!(v.signin, Signin::Ok);
        assert!(
            v.summary.contains("record 1") && v.summary.contains("pool.contoso.com:5061"),
            "{}",
            v.summary
        );

        // Split-brain: sign-in works, but the skipped internal record is named.
        let split = rows(&[Rejected, m, Found, m, m, m, m, m, m, m]);
        let v = verdict(
            &split,
            select(&split, &CLASSIC_RANKING),
            "contoso.com",
            &CLASSIC_RANKING,
        );
        assert_eq!(v.signin, Signin::Ok);
        assert!(
            v.summary
                .contains("after skipping record 1 (_sipinternaltls._tcp.contoso.com, rejected)"),
            "{}",
            v.summary
        );
        assert!(
            !verdict(
                &ok,
                select(&ok, &CLASSIC_RANKING),
                "contoso.com",
                &CLASSIC_RANKING
            )
            .summary
            .contains("skipping")
        );

        let bad = rows(&[m, m, m, m, CertMismatch, m, Found, m, m, m]);
        let v = verdict(
            &bad,
            select(&bad, &CLASSIC_RANKING),
            "contoso.com",
            &CLASSIC_RANKING,
        );
        assert_eq!(v.signin, Signin::Fail);
        assert!(
            v.summary.contains("record 5") && v.summary.contains("sipinternal.contoso.com"),
            "{}",
            v.summary
        );
        assert!(
            v.summary.contains("problem verifying the certificate"),
            "{}",
            v.summary
        );

        let down = rows(&[Unreachable, m, m, m, m, m, m, m, m, m]);
        let v = verdict(
            &down,
            select(&down, &CLASSIC_RANKING),
            "contoso.com",
            &CLASSIC_RANKING,
        );
        assert!(
            v.summary.contains("cannot connect (connection refused)"),
            "{}",
            v.summary
        );

        let none = rows(&[m; 10]);
        let v = verdict(&none, None, "contoso.com", &CLASSIC_RANKING);
        assert!(
            v.summary.contains("none of the 10 records")
                && v.summary.contains("temporarily unavailable"),
            "{}",
            v.summary
        );

        let mut dns = rows(&[DnsError, m, m, m, m, m, m, m, m, m]);
        dns[0].detail = "SERVFAIL from 127.0.0.1:53".into();
        let v = verdict(&dns, None, "contoso.com", &CLASSIC_RANKING);
        assert!(
            v.summary.contains("DNS errors") && v.summary.contains("SERVFAIL"),
            "{}",
            v.summary
        );

        let mut rejected = rows(&[Rejected, m, m, m, m, m, m, m, m, m]);
        rejected[0].detail = "target pool.contoso.local is outside the SIP domain".into();
        let v = verdict(&rejected, None, "contoso.com", &CLASSIC_RANKING);
        assert!(
            v.summary.contains("rejected") && v.summary.contains("trusted_domains"),
            "{}",
            v.summary
        );
    }

    // D5: priority ascending, then weight descending.
    #[test]
    fn d5_srv_order() {
        let mk = |host: &str, p, w| {
            let mut t = TargetResult::new(host, 5061);
            t.priority = Some(p);
            t.weight = Some(w);
            t
        };
        let mut ts = vec![
            mk("c", 10, 0),
            mk("a", 0, 10),
            mk("b", 0, 50),
            mk("d", 5, 0),
        ];
        order_srv_targets(&mut ts);
        let hosts: Vec<&str> = ts.iter().map(|t| t.host.as_str()).collect();
        assert_eq!(hosts, ["b", "a", "d", "c"]);
    }

    // D4/D5: the used target skips rejected ones and prefers one with an address.
    #[test]
    fn d5_used_target() {
        let mut rejected = TargetResult::new("pool.evil.test", 5061);
        rejected.status = Status::Rejected;
        rejected.addresses = vec!["192.0.2.9".into()];
        let dangling = TargetResult::new("gone.contoso.com", 5061);
        let mut good = TargetResult::new("pool.contoso.com", 5061);
        good.addresses = vec!["192.0.2.1".into()];
        assert_eq!(
            used_target(&[rejected.clone(), dangling.clone(), good]),
            Some(2)
        );
        assert_eq!(used_target(&[rejected.clone(), dangling]), Some(1));
        assert_eq!(used_target(&[rejected]), None);
    }
}
