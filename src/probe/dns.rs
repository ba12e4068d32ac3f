//! DNS lookups for a sweep. Every sweep builds its own resolver with no cache
//! (D11), asks fully qualified names (no search domains), and keeps NXDOMAIN,
//! NODATA, SERVFAIL, REFUSED and timeouts apart (D8).

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use hickory_resolver::TokioResolver;
use hickory_resolver::config::{NameServerConfig, ResolverConfig, ResolverOpts};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::{DnsError, NetError};
use hickory_resolver::proto::ProtoError;
use hickory_resolver::proto::op::ResponseCode;
use hickory_resolver::proto::rr::{Name, RData, Record, RecordType};
use thiserror::Error;

pub use crate::model::evidence::{DnsFailure, SrvRecord};

/// Which resolver(s) a sweep asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolverSpec {
    /// The system's configuration (`/etc/resolv.conf`, the registry on Windows).
    System,
    /// These servers, as one pool tried the way the system would.
    Servers(Vec<SocketAddr>),
}

impl ResolverSpec {
    /// Labels for reports: `["system"]` or `["127.0.0.1:53", …]`.
    pub fn labels(&self) -> Vec<String> {
        match self {
            ResolverSpec::System => vec!["system".into()],
            ResolverSpec::Servers(s) => s.iter().map(|a| a.to_string()).collect(),
        }
    }

    /// Parses `IP` or `IP:PORT` (IPv6 as `[::1]:53`); port 53 when omitted.
    pub fn parse_server(s: &str) -> Result<SocketAddr, String> {
        let s = s.trim();
        if let Ok(sa) = s.parse::<SocketAddr>() {
            return Ok(sa);
        }
        let ip = s.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = ip.parse::<IpAddr>() {
            return Ok(SocketAddr::new(ip, 53));
        }
        resolve_server_name(s)
    }

    /// `dns.contoso.com` or `dns.contoso.com:5353` when `s` names a resolver
    /// by host name (whose address the system resolver gives), else `None`.
    pub fn server_name(s: &str) -> Option<(&str, u16)> {
        let s = s.trim();
        let (host, port) = match s.rsplit_once(':') {
            Some((h, p)) => (h, p.parse().ok()?),
            None => (s, 53),
        };
        let name_like = !host.is_empty()
            && host.len() <= 253
            && host.parse::<IpAddr>().is_err()
            && host.contains(|c: char| c.is_ascii_alphabetic())
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
        name_like.then_some((host, port))
    }
}

/// A resolver named by host name: looked up once with the system resolver
/// (IPv4 first, as most DNS servers of a site are reached that way).
fn resolve_server_name(s: &str) -> Result<SocketAddr, String> {
    let bad = || {
        format!(
            "resolver '{}' is not an IP address or IP:PORT (e.g. 10.0.0.53 or [::1]:5353), nor a host name",
            crate::text::echo_max(s, 80)
        )
    };
    let (host, port) = ResolverSpec::server_name(s).ok_or_else(bad)?;
    use std::net::ToSocketAddrs;
    let found: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|e| format!("resolver '{host}': the system resolver found no address ({e})"))?
        .collect();
    found
        .iter()
        .find(|a| a.is_ipv4())
        .or(found.first())
        .copied()
        .ok_or_else(|| format!("resolver '{host}': the system resolver found no address"))
}

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

/// A resolver for one sweep.
#[derive(Clone)]
pub struct Dns {
    resolver: TokioResolver,
    label: String,
    servers: Vec<String>,
    timeout: Duration,
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
        })
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
        let lookup = tokio::time::timeout(limit, self.resolver.lookup(fqdn, rtype))
            .await
            .map_err(|_| DnsFailure::Timeout(self.label.clone()))?
            .map_err(|e| self.classify(e))?;
        Ok((lookup.answers().to_vec(), lookup.additionals().to_vec()))
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
