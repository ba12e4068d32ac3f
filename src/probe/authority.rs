//! D11: find the zone that holds the SIP domain's names, its NS servers, and
//! ask each of them directly, without recursion, every question a sweep asks,
//! plus its SOA serial. Evidence only; `model::authority` compares.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use super::DialOverrides;
use super::dns::{Dns, DnsFailure};
use crate::model::authority::{AuthorityEvidence, ServerEvidence, question, srv_line};
use crate::plan::RowKind;

/// At most this many NS servers are asked.
const MAX_SERVERS: usize = 8;

/// The closest enclosing zone of `domain` with NS records, asked through
/// `resolver`: the domain itself, then each parent (never the root).
pub async fn find_zone(resolver: &Dns, domain: &str) -> Result<(String, Vec<String>), String> {
    let mut candidate = domain.trim_end_matches('.').to_string();
    loop {
        match resolver.ns(&candidate).await {
            Ok(ns) if !ns.is_empty() => return Ok((candidate, ns)),
            Ok(_) | Err(DnsFailure::NxDomain | DnsFailure::NoData) => {}
            Err(f) => {
                return Err(format!(
                    "the NS query for {candidate} failed: {}",
                    f.describe()
                ));
            }
        }
        match candidate.split_once('.') {
            Some((_, parent)) if !parent.is_empty() => candidate = parent.to_string(),
            _ => return Err(format!("no zone with NS records holds {domain}")),
        }
    }
}

async fn ask(server: &Dns, kind: RowKind, name: &str) -> Result<Vec<String>, String> {
    let answer = match kind {
        RowKind::Srv => server.srv(name).await.map(|a| {
            a.records
                .iter()
                .map(|r| srv_line(r.priority, r.weight, r.port, &r.target))
                .collect::<Vec<_>>()
        }),
        _ => server
            .addresses(name)
            .await
            .map(|a| a.addresses.iter().map(|ip| ip.to_string()).collect()),
    };
    match answer {
        Ok(mut v) => {
            v.sort();
            Ok(v)
        }
        Err(f) if f.is_missing() => Ok(Vec::new()),
        Err(f) => Err(f.describe()),
    }
}

/// Asks every NS server of the zone holding `domain` the `questions`.
pub async fn look(
    resolver: &Dns,
    domain: &str,
    questions: &[(RowKind, String)],
    dial: &DialOverrides,
    timeout: Duration,
) -> Result<AuthorityEvidence, String> {
    let (zone, names) = find_zone(resolver, domain).await?;
    let mut servers = Vec::new();
    for name in names.into_iter().take(MAX_SERVERS) {
        let mut ev = ServerEvidence {
            name: name.clone(),
            address: String::new(),
            serial: None,
            problem: None,
            answers: BTreeMap::new(),
        };
        let ip = match resolver.addresses(&name).await {
            Ok(a) => a
                .addresses
                .iter()
                .find(|ip| ip.is_ipv4())
                .or(a.addresses.first())
                .copied(),
            Err(f) => {
                ev.problem = Some(format!("its address could not be found: {}", f.describe()));
                None
            }
        };
        if let Some(ip) = ip {
            let nominal = SocketAddr::new(ip, 53);
            ev.address = nominal.to_string();
            let actual = dial.get(&nominal).copied().unwrap_or(nominal);
            match Dns::authoritative(actual, format!("{name} ({nominal})"), timeout) {
                Err(e) => ev.problem = Some(e.to_string()),
                Ok(server) => {
                    match server.soa_serial(&zone).await {
                        Ok(serial) => ev.serial = Some(serial),
                        Err(f) => ev.problem = Some(format!("no SOA: {}", f.describe())),
                    }
                    if ev.problem.is_none() {
                        for (kind, q) in questions {
                            if let std::collections::btree_map::Entry::Vacant(slot) =
                                ev.answers.entry(question(*kind, q))
                            {
                                slot.insert(ask(&server, *kind, q).await);
                            }
                        }
                    }
                }
            }
        }
        servers.push(ev);
    }
    Ok(AuthorityEvidence { zone, servers })
}
