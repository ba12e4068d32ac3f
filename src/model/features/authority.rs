//! D11: what the zone's own servers publish, against what the client's
//! resolver says. Sign-in is judged on the resolver (that is what clients
//! see); the authoritative view says whether an edit has reached DNS at all,
//! every server of the zone, and how long a resolver may keep the old answer.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{DnsOutcome, RecordResult, SweepReport};

mod state;
use crate::plan::RowKind;
pub use state::ServerState;

/// What one of the zone's servers said, asked directly without recursion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerEvidence {
    pub name: String,
    pub address: String,
    pub serial: Option<u32>,
    /// Why the server could not be asked at all, if so.
    pub problem: Option<String>,
    /// Question key ([`question`]) → the answer as sorted strings, or why none.
    pub answers: BTreeMap<String, Result<Vec<String>, String>>,
}

/// The zone that holds the SIP domain's names, and its servers' answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorityEvidence {
    pub zone: String,
    pub servers: Vec<ServerEvidence>,
}

impl AuthorityEvidence {
    /// D11, issue 21.7: the comparison could not run at all (the zone or its
    /// servers could not be found through `asked`). A finding, not an error:
    /// the view names the server that failed and how; no record is compared.
    pub fn unavailable(domain: &str, asked: &[String], why: &str) -> AuthorityEvidence {
        AuthorityEvidence {
            zone: domain.trim_end_matches('.').to_string(),
            servers: vec![ServerEvidence {
                name: "the resolver (finding the zone)".into(),
                address: asked.join(", "),
                serial: None,
                problem: Some(why.to_string()),
                answers: BTreeMap::new(),
            }],
        }
    }
}

/// The key a row's question is asked and compared under.
pub fn question(kind: RowKind, name: &str) -> String {
    let t = if kind == RowKind::Srv { "SRV" } else { "A" };
    format!("{t} {}", name.trim_end_matches('.').to_ascii_lowercase())
}

/// An SRV answer as compared: `priority weight port target`.
pub fn srv_line(priority: u16, weight: u16, port: u16, target: &str) -> String {
    format!(
        "{priority} {weight} {port} {}",
        target.trim_end_matches('.').to_ascii_lowercase()
    )
}

/// One server of the zone in the JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthoritativeServer {
    pub name: String,
    pub address: String,
    pub serial: Option<u32>,
    /// Current, lagging (an older serial than another server), or why it
    /// could not be asked.
    pub status: ServerState,
}

/// The `authoritative` object at the top of the JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthoritativeView {
    pub zone: String,
    pub servers: Vec<AuthoritativeServer>,
}

/// A record's `authoritative` object: does the resolver agree with the zone?
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowAuthority {
    pub agrees: bool,
    /// What the zone publishes now (empty: no such record).
    pub answer: Vec<String>,
    pub detail: String,
}

/// The judged comparison: the zone's servers, and each record's agreement
/// (by row index). Saved in snapshots as `{ zone, servers, records }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Authority {
    #[serde(flatten)]
    pub view: AuthoritativeView,
    #[serde(default)]
    pub records: BTreeMap<usize, RowAuthority>,
}

impl Authority {
    /// [`judge`] as one value.
    pub fn of(report: &SweepReport, ev: &AuthorityEvidence) -> Authority {
        let (view, records) = judge(report, ev);
        Authority { view, records }
    }

    /// The rows where the resolver differs from the zone.
    pub fn disagreeing(&self) -> impl Iterator<Item = (usize, &RowAuthority)> {
        self.records
            .iter()
            .filter(|(_, r)| !r.agrees)
            .map(|(i, r)| (*i, r))
    }

    /// Whether the zone's servers differ among themselves (replication pending).
    pub fn servers_lag(&self) -> bool {
        self.view.servers.iter().any(|s| s.status.is_lagging())
    }
}

/// The resolver's answer to a row's question, in the same form.
fn resolver_answer(r: &RecordResult) -> Option<Vec<String>> {
    match r.dns {
        Some(DnsOutcome::Answer) => {}
        Some(DnsOutcome::NxDomain | DnsOutcome::NoData) => return Some(Vec::new()),
        // SERVFAIL, REFUSED, timeouts: the resolver said nothing to compare.
        _ => return None,
    }
    let mut out: Vec<String> = match r.kind {
        RowKind::Srv => r
            .targets
            .iter()
            .map(|t| {
                srv_line(
                    t.priority.unwrap_or_default(),
                    t.weight.unwrap_or_default(),
                    t.port,
                    &t.host,
                )
            })
            .collect(),
        _ => r
            .targets
            .first()
            .map(|t| t.addresses.clone())
            .unwrap_or_default(),
    };
    out.sort();
    Some(out)
}

fn shown(v: &[String]) -> String {
    if v.is_empty() {
        "no record".into()
    } else {
        v.join(", ")
    }
}

/// D11: the servers' state (the newest serial is current; older ones lag)
/// and, per record, whether the resolver agrees with the newest server.
pub fn judge(
    report: &SweepReport,
    ev: &AuthorityEvidence,
) -> (AuthoritativeView, BTreeMap<usize, RowAuthority>) {
    let newest = ev.servers.iter().filter_map(|s| s.serial).max();
    let servers = ev
        .servers
        .iter()
        .map(|s| AuthoritativeServer {
            name: s.name.clone(),
            address: s.address.clone(),
            serial: s.serial,
            status: match (&s.problem, s.serial, newest) {
                (Some(p), _, _) => ServerState::Failed(p.clone()),
                (None, Some(mine), Some(top)) if mine < top => ServerState::Lagging {
                    serial: mine,
                    newest: top,
                },
                (None, Some(_), _) => ServerState::Current,
                (None, None, _) => ServerState::NoSerial,
            },
        })
        .collect();
    // The newest server's answers are what the zone publishes now.
    let mut ordered: Vec<&ServerEvidence> =
        ev.servers.iter().filter(|s| s.problem.is_none()).collect();
    ordered.sort_by_key(|s| std::cmp::Reverse(s.serial));
    let mut rows = BTreeMap::new();
    for r in &report.records {
        // A row the client never asks (TCP forbidden) has nothing to compare.
        if r.dns.is_none() {
            continue;
        }
        let key = question(r.kind, &r.name);
        let Some(published) = ordered
            .iter()
            .find_map(|s| s.answers.get(&key).and_then(|a| a.as_ref().ok()))
        else {
            continue;
        };
        let row = match resolver_answer(r) {
            None => RowAuthority {
                agrees: false,
                answer: published.clone(),
                detail: format!(
                    "the resolver gave no answer ({}); the zone publishes {}",
                    r.status,
                    shown(published)
                ),
            },
            Some(said) if &said == published => RowAuthority {
                agrees: true,
                answer: published.clone(),
                detail: "the resolver agrees with what the zone publishes".into(),
            },
            Some(said) => {
                let ttl = r
                    .ttl
                    .map(|t| format!(" for up to {t} s (its TTL)"))
                    .unwrap_or_else(|| " until its negative-caching time runs out".into());
                RowAuthority {
                    agrees: false,
                    answer: published.clone(),
                    detail: format!(
                        "the resolver still holds the old answer ({}){ttl}; the zone publishes {}",
                        shown(&said),
                        shown(published)
                    ),
                }
            }
        };
        rows.insert(r.index, row);
    }
    (
        AuthoritativeView {
            zone: ev.zone.clone(),
            servers,
        },
        rows,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::model::test_support::rows;

    fn evidence(serials: &[u32], srv: &[&str]) -> AuthorityEvidence {
        let servers = serials
            .iter()
            .enumerate()
            .map(|(i, serial)| ServerEvidence {
                name: format!("ns{}.contoso.com", i + 1),
                address: format!("192.0.2.{}:53", i + 1),
                serial: Some(*serial),
                problem: None,
                answers: BTreeMap::from([(
                    question(RowKind::Srv, "_sipinternaltls._tcp.contoso.com"),
                    Ok(srv.iter().map(|s| s.to_string()).collect()),
                )]),
            })
            .collect();
        AuthorityEvidence {
            zone: "contoso.com".into(),
            servers,
        }
    }

    fn report(statuses: &[Status]) -> SweepReport {
        let records = rows(statuses);
        let mut r: SweepReport = serde_json::from_value(serde_json::json!({
            "version": 1, "input": "contoso.com", "domain": "contoso.com",
            "profile": "ocs2007", "resolvers": [], "started_at": "", "elapsed_ms": 0,
            "records": [], "selected": null,
            "verdict": {"signin": "fail", "summary": ""}
        }))
        .unwrap();
        r.records = records;
        r
    }

    // D11: the newest serial is current, older ones lag; the resolver's
    // answer is compared with what the newest server publishes.
    #[test]
    fn d11_lagging_servers_and_stale_answers() {
        use Status::*;
        let mut rep = report(&[Found, Missing]);
        rep.records[0].dns = Some(DnsOutcome::Answer);
        rep.records[0].ttl = Some(300);
        rep.records[0].targets[0].priority = Some(0);
        rep.records[0].targets[0].weight = Some(0);
        let ev = evidence(&[2, 1], &["0 0 5061 pool2.contoso.com"]);
        let (view, rows) = judge(&rep, &ev);
        assert_eq!(view.servers[0].status, "current");
        // Issue 17 item 5: the state is typed; its sentence is unchanged.
        assert_eq!(
            view.servers[1].status,
            ServerState::Lagging {
                serial: 1,
                newest: 2
            }
        );
        assert!(
            view.servers[1]
                .status
                .to_string()
                .starts_with("lagging: serial 1")
        );
        let row = &rows[&1];
        assert!(!row.agrees);
        assert!(
            row.detail
                .contains("still holds the old answer (0 0 5061 pool.contoso.com) for up to 300 s"),
            "{}",
            row.detail
        );
        // Row 2 was never asked of the zone's servers: nothing to say.
        assert!(!rows.contains_key(&2));
    }

    // D11: a row the client never asks (TCP forbidden) is not compared; a
    // resolver that failed is said to have given no answer.
    #[test]
    fn d11_unasked_rows_are_skipped_and_failures_named() {
        use Status::*;
        let mut rep = report(&[Rejected]);
        rep.records[0].dns = None;
        let ev = evidence(&[1], &["0 0 5061 pool.contoso.com"]);
        assert!(judge(&rep, &ev).1.is_empty());
        rep.records[0].status = DnsError;
        rep.records[0].dns = Some(DnsOutcome::ServFail);
        let rows = judge(&rep, &ev).1;
        assert!(
            rows[&1].detail.contains("gave no answer (dns-error)"),
            "{}",
            rows[&1].detail
        );
    }
}
