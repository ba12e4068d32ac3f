//! DNS lookups for a sweep. Every sweep builds its own resolver with no cache
//! (D11), asks fully qualified names (no search domains), and keeps NXDOMAIN,
//! NODATA, SERVFAIL, REFUSED and timeouts apart (D8).

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use futures::FutureExt;
use hickory_resolver::TokioResolver;
use hickory_resolver::config::{NameServerConfig, ResolverConfig, ResolverOpts};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::{DnsError, NetError};
use hickory_resolver::proto::ProtoError;
use hickory_resolver::proto::op::ResponseCode;
use hickory_resolver::proto::rr::{Name, RData, Record, RecordType};
use thiserror::Error;

pub use crate::model::evidence::{DnsFailure, SrvRecord};

mod join;
mod spec;
pub use spec::ResolverSpec;

#[derive(Debug, Error)]
pub enum DnsSetupError {
    #[error("cannot read the system's DNS configuration ({0}); name a resolver with --resolver IP")]
    SystemConfig(String),
    #[error("no resolver given")]
    NoServers,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SrvAnswer {
    pub ttl: u32,
    pub records: Vec<SrvRecord>,
    /// Addresses the server sent along in the additional section, by target
    /// host: a hint to start probing at once; the sweep still asks afresh.
    pub hints: std::collections::BTreeMap<String, Vec<IpAddr>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddrAnswer {
    /// Smallest TTL along the answer (CNAMEs and addresses): how long a cache may hold it.
    pub ttl: u32,
    pub addresses: Vec<IpAddr>,
    /// CNAME targets followed from the queried name, in order.
    pub cname_chain: Vec<String>,
}

/// D19: at most this many distinct questions of one resolver handle (and
/// of its clones) are in flight at once (in the audit and the exporter,
/// identical ones asked together go out once) unless `--dns-in-flight` says otherwise;
/// more wait their turn (outside their timeout). The user's resolvers see a
/// bounded load however many targets are checked together. 256 is under what
/// Unbound (512 or 1,024 per thread), BIND (`recursive-clients` 1,000) and
/// systemd-resolved take before they drop queries; dnsmasq forwards only 150
/// at once by default (`dns-forward-max`): give it `--dns-in-flight 100`.
/// A resolver that takes more lets an audit or an exporter burst go faster
/// with a higher value. Not by default: 512 or 1,024 questions sent at once
/// overflowed the lab DNS server's UDP receive buffer (the system's default,
/// as most resolvers run), and each lost question cost a retry seconds later
/// (BENCHMARKS.md).
pub const MAX_IN_FLIGHT: usize = 256;
/// The most `--dns-in-flight` may give.
pub const IN_FLIGHT_RANGE: std::ops::RangeInclusive<usize> = 1..=4096;

/// A resolver handle: built once (by the engine, per vantage) and shared by
/// every check through it. No answer cache (D11): sharing it shares only
/// the connections and the in-flight bound ([`MAX_IN_FLIGHT`]).
#[derive(Clone)]
pub struct Dns {
    resolver: TokioResolver,
    label: String,
    servers: Vec<String>,
    timeout: Duration,
    gate: std::sync::Arc<tokio::sync::Semaphore>,
    /// Identical questions in flight, joined (see [`join`]), when asked for.
    joints: Option<join::Joints>,
}

fn plain(name: &Name) -> String {
    name.to_ascii().trim_end_matches('.').to_ascii_lowercase()
}

impl Dns {
    pub fn new(spec: &ResolverSpec, timeout: Duration) -> Result<Dns, DnsSetupError> {
        Dns::build(spec, timeout, true)
    }

    /// D11: one of a zone's own servers, asked directly and without
    /// recursion (`dial` is where to send; `label` names it in reports).
    pub fn authoritative(
        dial: SocketAddr,
        label: String,
        timeout: Duration,
    ) -> Result<Dns, DnsSetupError> {
        let mut dns = Dns::build(&ResolverSpec::Servers(vec![dial]), timeout, false)?;
        dns.label = label.clone();
        dns.servers = vec![label];
        Ok(dns)
    }

    fn build(
        spec: &ResolverSpec,
        timeout: Duration,
        recursion: bool,
    ) -> Result<Dns, DnsSetupError> {
        let provider = TokioRuntimeProvider::default();
        let mut servers_used: Vec<String> = spec.labels();
        let mut builder = match spec {
            ResolverSpec::System => {
                let (config, _) = hickory_resolver::system_conf::read_system_conf()
                    .map_err(|e| DnsSetupError::SystemConfig(e.to_string()))?;
                servers_used.clear();
                for ns in config.name_servers() {
                    let port = ns.connections.first().map_or(53, |c| c.port);
                    let label = SocketAddr::new(ns.ip, port).to_string();
                    if !servers_used.contains(&label) {
                        servers_used.push(label);
                    }
                }
                if servers_used.is_empty() {
                    return Err(DnsSetupError::SystemConfig("it names no DNS server".into()));
                }
                TokioResolver::builder_with_config(config, provider)
            }
            ResolverSpec::Servers(servers) => {
                if servers.is_empty() {
                    return Err(DnsSetupError::NoServers);
                }
                let name_servers = servers
                    .iter()
                    .map(|sa| {
                        let mut ns = NameServerConfig::udp_and_tcp(sa.ip());
                        for c in &mut ns.connections {
                            c.port = sa.port();
                        }
                        ns
                    })
                    .collect();
                let config = ResolverConfig::from_parts(None, vec![], name_servers);
                TokioResolver::builder_with_config(config, provider)
            }
        };
        let opts: &mut ResolverOpts = builder.options_mut();
        // D11: nothing cached, so every sweep sees the zone as it is now.
        opts.cache_size = 0;
        opts.timeout = timeout;
        opts.attempts = 1;
        opts.preserve_intermediates = true;
        opts.use_hosts_file = hickory_resolver::config::ResolveHosts::Never;
        opts.ndots = 0;
        opts.recursion_desired = recursion;
        let resolver = builder
            .build()
            .map_err(|e| DnsSetupError::SystemConfig(e.to_string()))?;
        Ok(Dns {
            resolver,
            label: servers_used.join(", "),
            servers: servers_used,
            timeout,
            gate: std::sync::Arc::new(tokio::sync::Semaphore::new(MAX_IN_FLIGHT)),
            joints: None,
        })
    }

    /// The same handle (connections, in-flight bound) with each query
    /// bounded by `limit` when that is shorter than its own timeout.
    pub fn with_step_limit(&self, limit: Duration) -> Dns {
        let mut dns = self.clone();
        dns.timeout = dns.timeout.min(limit);
        dns
    }

    /// The same resolver with a bound of `limit` queries in flight instead
    /// of [`MAX_IN_FLIGHT`] (`--dns-in-flight`; call it before the handle is
    /// shared).
    pub fn with_in_flight(mut self, limit: usize) -> Dns {
        self.gate = std::sync::Arc::new(tokio::sync::Semaphore::new(limit.max(1)));
        self
    }

    /// Queries that may still start now without waiting (tests, D19).
    pub fn free_slots(&self) -> usize {
        self.gate.available_permits()
    }

    /// The same resolver, joining an identical question already in flight
    /// instead of sending it again (see [`join`]; the audit and the
    /// exporter). Call it before the handle is shared.
    pub fn with_joined_questions(mut self) -> Dns {
        self.joints = Some(join::Joints::default());
        self
    }

    /// Distinct joined questions in flight or waiting for a slot (tests, D19).
    pub fn questions_in_flight(&self) -> usize {
        self.joints.as_ref().map_or(0, join::Joints::len)
    }

    /// Who answered, for error messages ("REFUSED by 127.0.0.1:53").
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The servers asked, as `IP:PORT` (the system's ones when none was named).
    pub fn servers(&self) -> &[String] {
        &self.servers
    }

    async fn query(&self, name: &str, rtype: RecordType) -> Result<Vec<Record>, DnsFailure> {
        self.query_with_additionals(name, rtype)
            .await
            .map(|(a, _)| a)
    }

    async fn query_with_additionals(
        &self,
        name: &str,
        rtype: RecordType,
    ) -> Result<(Vec<Record>, Vec<Record>), DnsFailure> {
        let fqdn = Name::from_ascii(format!("{}.", name.trim_end_matches('.')))
            .map_err(|e| DnsFailure::Network(format!("'{name}' is not a valid DNS name: {e}")))?;
        // The resolver has its own timeout; this bound also covers a pool of
        // servers that each time out, so one step never outlives the limit by much.
        let limit = self.timeout + Duration::from_millis(250);
        let question = fqdn.clone();
        let send = || {
            let this = self.clone();
            async move {
                // D19: wait for a slot first; the semaphore is never closed.
                let _slot = this.gate.acquire().await.ok();
                let lookup = tokio::time::timeout(limit, this.resolver.lookup(question, rtype))
                    .await
                    .map_err(|_| DnsFailure::Timeout(this.label.clone()))?
                    .map_err(|e| this.classify(e))?;
                Ok((lookup.answers().to_vec(), lookup.additionals().to_vec()))
            }
            .boxed()
        };
        match &self.joints {
            Some(joints) => joints.ask(fqdn, rtype, limit, send).await,
            None => send().await,
        }
    }

    /// The NS names of `zone` (empty when it has none).
    pub async fn ns(&self, zone: &str) -> Result<Vec<String>, DnsFailure> {
        let answers = self.query(zone, RecordType::NS).await?;
        let mut names: Vec<String> = answers
            .iter()
            .filter_map(|r| match &r.data {
                RData::NS(ns) => Some(plain(&ns.0)),
                _ => None,
            })
            .collect();
        names.sort();
        names.dedup();
        Ok(names)
    }

    /// The SOA serial of `zone`.
    pub async fn soa_serial(&self, zone: &str) -> Result<u32, DnsFailure> {
        let answers = self.query(zone, RecordType::SOA).await?;
        answers
            .iter()
            .find_map(|r| match &r.data {
                RData::SOA(soa) => Some(soa.serial),
                _ => None,
            })
            .ok_or(DnsFailure::NoData)
    }

    fn classify(&self, e: NetError) -> DnsFailure {
        let by = self.label.clone();
        match e {
            NetError::Dns(DnsError::NoRecordsFound(nr)) => match nr.response_code {
                ResponseCode::NXDomain => DnsFailure::NxDomain,
                ResponseCode::NoError => DnsFailure::NoData,
                ResponseCode::ServFail => DnsFailure::ServFail(by),
                ResponseCode::Refused => DnsFailure::Refused(by),
                code => DnsFailure::OtherCode(code.to_string(), by),
            },
            NetError::Dns(DnsError::ResponseCode(ResponseCode::ServFail)) => {
                DnsFailure::ServFail(by)
            }
            NetError::Dns(DnsError::ResponseCode(ResponseCode::Refused)) => DnsFailure::Refused(by),
            NetError::Dns(DnsError::ResponseCode(code)) => {
                DnsFailure::OtherCode(code.to_string(), by)
            }
            NetError::Timeout => DnsFailure::Timeout(by),
            // Truncated over UDP, and TCP could not carry the retry.
            NetError::Truncated => DnsFailure::TruncatedNoTcp(by),
            NetError::Proto(ProtoError::Decode(_) | ProtoError::FormError { .. }) => {
                DnsFailure::Malformed(by)
            }
            // A timeout is told by the error's kind, not by its wording.
            NetError::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => {
                DnsFailure::Timeout(by)
            }
            other => DnsFailure::Network(format!("{other} (asking {by})")),
        }
    }

    /// The SRV records of `name`.
    pub async fn srv(&self, name: &str) -> Result<SrvAnswer, DnsFailure> {
        let (answers, additionals) = self.query_with_additionals(name, RecordType::SRV).await?;
        let mut hints: std::collections::BTreeMap<String, Vec<IpAddr>> = Default::default();
        for r in &additionals {
            let ip = match &r.data {
                RData::A(a) => IpAddr::V4(a.0),
                RData::AAAA(a) => IpAddr::V6(a.0),
                _ => continue,
            };
            hints
                .entry(plain(&r.name).to_ascii_lowercase())
                .or_default()
                .push(ip);
        }
        let mut ttl = u32::MAX;
        let mut records = Vec::new();
        for r in &answers {
            if let RData::SRV(srv) = &r.data {
                ttl = ttl.min(r.ttl);
                let target = srv.target.to_ascii();
                let target = if target == "." {
                    ".".to_string()
                } else {
                    plain(&srv.target)
                };
                records.push(SrvRecord {
                    priority: srv.priority,
                    weight: srv.weight,
                    port: srv.port,
                    target,
                });
            }
        }
        if records.is_empty() {
            return Err(DnsFailure::NoData);
        }
        Ok(SrvAnswer {
            ttl,
            records,
            hints,
        })
    }

    /// The addresses of `name` (A, then AAAA when there is no A), following CNAMEs.
    pub async fn addresses(&self, name: &str) -> Result<AddrAnswer, DnsFailure> {
        let answer = match self.query(name, RecordType::A).await {
            Ok(records) => address_answer(name, &records),
            Err(e) => Err(e),
        };
        match answer {
            Err(DnsFailure::NoData) => {
                let records = self.query(name, RecordType::AAAA).await?;
                address_answer(name, &records)
            }
            other => other,
        }
    }
}

/// Follows the CNAME chain from `name` and collects the addresses at its end.
fn address_answer(name: &str, records: &[Record]) -> Result<AddrAnswer, DnsFailure> {
    let mut chain = Vec::new();
    let mut current = name.trim_end_matches('.').to_ascii_lowercase();
    let mut ttl = u32::MAX;
    // Bounded: a CNAME loop in a broken zone must not spin forever.
    for _ in 0..16 {
        let next = records.iter().find_map(|r| match &r.data {
            RData::CNAME(c) if plain(&r.name) == current => Some((plain(&c.0), r.ttl)),
            _ => None,
        });
        match next {
            Some((target, t)) => {
                ttl = ttl.min(t);
                chain.push(target.clone());
                current = target;
            }
            None => break,
        }
    }
    let mut addresses = Vec::new();
    for r in records {
        let ip = match &r.data {
            RData::A(a) => IpAddr::V4(a.0),
            RData::AAAA(a) => IpAddr::V6(a.0),
            _ => continue,
        };
        if plain(&r.name) == current {
            ttl = ttl.min(r.ttl);
            addresses.push(ip);
        }
    }
    if addresses.is_empty() {
        return Err(DnsFailure::NoData);
    }
    Ok(AddrAnswer {
        ttl,
        addresses,
        cname_chain: chain,
    })
}

#[cfg(test)]
mod tests;
