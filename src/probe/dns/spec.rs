//! Which resolvers a sweep asks, as the user names them.

use std::net::{IpAddr, SocketAddr};

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
