//! Network probes: DNS lookups, TCP connects and TLS handshakes. They return
//! plain data and know nothing of the terminal. Every step has a timeout.

pub mod cert;
pub mod dns;
pub mod tls;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use rustls::pki_types::ServerName;
use tokio::net::TcpStream;

use crate::model::{CertInfo, NameMatch, Status, match_name};
use crate::plan::{Transport, WildcardPolicy};

pub use dns::{AddrAnswer, Dns, DnsFailure, ResolverSpec, SrvAnswer, SrvRecord};
pub use tls::Trust;

/// Redirects for dialling: the lab and the tests serve `127.0.X.Y:443` on a
/// port the OS picked, without root. Real use has none.
pub type DialOverrides = HashMap<SocketAddr, SocketAddr>;

/// Parses `FROM=TO`, e.g. `127.0.3.2:443=127.0.0.1:41234`.
pub fn parse_dial_override(s: &str) -> Result<(SocketAddr, SocketAddr), String> {
    let (from, to) = s.split_once('=').ok_or_else(|| {
        format!("dial override '{s}' is not FROM=TO (e.g. 127.0.3.2:443=127.0.0.1:41234)")
    })?;
    let parse = |x: &str| {
        x.trim()
            .parse::<SocketAddr>()
            .map_err(|_| format!("dial override '{s}': '{x}' is not IP:PORT"))
    };
    Ok((parse(from)?, parse(to)?))
}

/// What the probes need to know, shared by every target of a sweep.
#[derive(Clone)]
pub struct ProbeContext {
    pub trust: Trust,
    pub timeout: Duration,
    pub dial: DialOverrides,
    pub wildcards: WildcardPolicy,
}

/// The result of connecting to one target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeOutcome {
    pub status: Status,
    pub detail: String,
    pub certificate: Option<CertInfo>,
    pub dialed: Option<String>,
    pub connect_ms: Option<u64>,
    pub tls_ms: Option<u64>,
    pub warnings: Vec<String>,
}

impl ProbeOutcome {
    fn new(status: Status, detail: String) -> ProbeOutcome {
        ProbeOutcome {
            status,
            detail,
            certificate: None,
            dialed: None,
            connect_ms: None,
            tls_ms: None,
            warnings: Vec::new(),
        }
    }
}

fn ms(d: Duration) -> u64 {
    d.as_millis().try_into().unwrap_or(u64::MAX)
}

/// Connects to `ip:port` (through a dial override, if any) and, for TLS,
/// handshakes with SNI `expected` and judges the certificate (D9).
pub async fn probe(
    ctx: &ProbeContext,
    ip: IpAddr,
    port: u16,
    transport: Transport,
    expected: &str,
) -> ProbeOutcome {
    let nominal = SocketAddr::new(ip, port);
    let actual = ctx.dial.get(&nominal).copied().unwrap_or(nominal);
    let dialed = (actual != nominal).then(|| actual.to_string());
    let limit = ctx.timeout.as_millis();

    let started = Instant::now();
    let stream = match tokio::time::timeout(ctx.timeout, TcpStream::connect(actual)).await {
        Err(_) => {
            let mut o = ProbeOutcome::new(
                Status::Unreachable,
                format!("no TCP connection to {nominal} within {limit} ms"),
            );
            o.dialed = dialed;
            return o;
        }
        Ok(Err(e)) => {
            let mut o = ProbeOutcome::new(
                Status::Unreachable,
                format!("TCP connection to {nominal} failed: {}", io_phrase(&e)),
            );
            o.dialed = dialed;
            o.connect_ms = Some(ms(started.elapsed()));
            return o;
        }
        Ok(Ok(s)) => s,
    };
    let connect_ms = Some(ms(started.elapsed()));
    let mut out = match transport {
        Transport::Tcp => ProbeOutcome::new(
            Status::Found,
            format!("TCP connection to {nominal} accepted"),
        ),
        Transport::Tls => tls_probe(ctx, stream, nominal, expected).await,
    };
    out.dialed = dialed;
    out.connect_ms = connect_ms;
    out
}

fn io_phrase(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::ConnectionRefused => "connection refused".into(),
        std::io::ErrorKind::ConnectionReset => "connection reset".into(),
        _ => e.to_string(),
    }
}

async fn tls_probe(
    ctx: &ProbeContext,
    stream: TcpStream,
    nominal: SocketAddr,
    expected: &str,
) -> ProbeOutcome {
    let started = Instant::now();
    let Ok(server_name) = ServerName::try_from(expected.to_string()) else {
        return ProbeOutcome::new(
            Status::Unreachable,
            format!("'{expected}' cannot be sent as a TLS server name"),
        );
    };
    let result =
        tokio::time::timeout(ctx.timeout, tls::handshake(stream, server_name.clone())).await;
    let tls_ms = Some(ms(started.elapsed()));
    let chain = match result {
        Err(_) => {
            let mut o = ProbeOutcome::new(
                Status::Unreachable,
                format!(
                    "{nominal} accepted TCP but completed no TLS handshake within {} ms",
                    ctx.timeout.as_millis()
                ),
            );
            o.tls_ms = tls_ms;
            return o;
        }
        Ok(Err(e)) => {
            let mut o = ProbeOutcome::new(Status::Unreachable, format!("{e} ({nominal})"));
            o.tls_ms = tls_ms;
            return o;
        }
        Ok(Ok(chain)) => chain,
    };
    let Some(leaf) = cert::read_leaf(chain[0].as_ref()) else {
        let mut o = ProbeOutcome::new(
            Status::Untrusted,
            "the server's certificate cannot be read".into(),
        );
        o.tls_ms = tls_ms;
        return o;
    };
    let name_match = match_name(expected, &leaf.sans, leaf.subject_cn.as_deref());
    let trust_error = ctx.trust.chain_problem(&chain, &server_name);
    let mut warnings = Vec::new();
    let (status, detail) = match (name_match, ctx.wildcards, &trust_error) {
        (NameMatch::None, _, _) => (
            Status::CertMismatch,
            format!(
                "the certificate does not name {expected} (names: {})",
                names_of(&leaf)
            ),
        ),
        (NameMatch::Wildcard, WildcardPolicy::Mismatch, _) => (
            Status::CertMismatch,
            format!(
                "{expected} is covered only by a wildcard ({}), which this client does not accept",
                names_of(&leaf)
            ),
        ),
        (_, _, Some(problem)) => (
            Status::Untrusted,
            format!("certificate for {expected}: {problem}"),
        ),
        (m, _, None) => {
            if m == NameMatch::Wildcard {
                warnings.push(format!(
                    "{expected} is covered only by a wildcard certificate"
                ));
            }
            (
                Status::Found,
                format!(
                    "TLS handshake with {nominal} succeeded; certificate names {expected} and is trusted"
                ),
            )
        }
    };
    ProbeOutcome {
        status,
        detail,
        certificate: Some(cert::cert_info(
            &leaf,
            &chain,
            expected,
            name_match,
            trust_error,
        )),
        dialed: None,
        connect_ms: None,
        tls_ms,
        warnings,
    }
}

fn names_of(leaf: &cert::Leaf) -> String {
    let mut names = leaf.sans.clone();
    if let Some(cn) = &leaf.subject_cn
        && !names.contains(cn)
    {
        names.push(format!("CN={cn}"));
    }
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dial_overrides_parse() {
        let (a, b) = parse_dial_override("127.0.3.2:443=127.0.0.1:41234").unwrap();
        assert_eq!(a, "127.0.3.2:443".parse().unwrap());
        assert_eq!(b, "127.0.0.1:41234".parse().unwrap());
        assert!(
            parse_dial_override("127.0.3.2:443")
                .unwrap_err()
                .contains("FROM=TO")
        );
        assert!(
            parse_dial_override("x=127.0.0.1:1")
                .unwrap_err()
                .contains("'x'")
        );
    }
}
