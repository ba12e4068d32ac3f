//! Network probes: DNS lookups, TCP connects and TLS handshakes. They return
//! plain data and know nothing of the terminal. Every step has a timeout.

pub mod authority;
pub mod cert;
pub mod dns;
pub mod http;
pub mod legacy;
pub mod sip;
pub mod tls;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use rustls::pki_types::ServerName;
use tokio::net::TcpStream;

use crate::model::TlsInfo;
use crate::model::evidence::{Connect, Handshake, ProbeEvidence};
use crate::model::ms;
use crate::model::sip::SipStage;
use crate::plan::Transport;

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
    /// D17: who registers, when the REGISTER stage is on (`--no-sip` off).
    pub sip: Option<sip::Register>,
}

/// Connects to `ip:port` (through a dial override, if any) and, for TLS,
/// handshakes with SNI `expected` and reads the certificate and its trust.
/// Returns what it saw; `model::judge::probe` says what it means.
pub async fn probe(
    ctx: &ProbeContext,
    ip: IpAddr,
    port: u16,
    transport: Transport,
    expected: &str,
) -> ProbeEvidence {
    connect(ctx, ip, port, transport, expected).await.0
}

/// [`connect`], then — on a SIP row (TLS or TCP) whose connection `passed`
/// (the model's judgement: connected, certificate fine) — the REGISTER
/// stage over the same connection (D17).
pub async fn probe_sip(
    ctx: &ProbeContext,
    ip: IpAddr,
    port: u16,
    transport: Transport,
    expected: &str,
    passed: impl Fn(&ProbeEvidence) -> bool,
) -> ProbeEvidence {
    let (mut e, stream) = connect(ctx, ip, port, transport, expected).await;
    let sip_row = matches!(transport, Transport::Tls | Transport::Tcp);
    let Some(register) = ctx.sip.as_ref().filter(|_| sip_row) else {
        return e;
    };
    if !passed(&e) {
        return e;
    }
    match stream {
        Some(mut s) => {
            let request = register.request(transport.is_tls());
            let seen = sip::exchange(&mut s, &request, ctx.timeout).await;
            e.sip = SipStage::Sent(seen);
        }
        // D15: a certificate read from the legacy look; nothing to send over.
        None if e.tls.as_ref().is_some_and(|t| t.legacy) => e.sip = SipStage::LegacyNoRequest,
        None => {}
    }
    e
}

/// A connected stream, plain or TLS, kept for a request after the probe.
pub trait Stream: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send {}
impl<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send> Stream for S {}

/// Like [`probe`], but keeps the connection (D13: the autodiscover GET goes
/// over the very stream whose certificate was judged). `None` when the
/// connection or handshake failed.
pub async fn connect(
    ctx: &ProbeContext,
    ip: IpAddr,
    port: u16,
    transport: Transport,
    expected: &str,
) -> (ProbeEvidence, Option<Box<dyn Stream>>) {
    let nominal = SocketAddr::new(ip, port);
    let actual = ctx.dial.get(&nominal).copied().unwrap_or(nominal);
    let mut evidence = ProbeEvidence {
        nominal,
        dialed: (actual != nominal).then(|| actual.to_string()),
        connect: Connect::Accepted,
        connect_ms: None,
        handshake: None,
        tls_ms: None,
        tls: None,
        limit_ms: ms(ctx.timeout),
        sip: Default::default(),
    };
    let started = Instant::now();
    let stream = match tokio::time::timeout(ctx.timeout, TcpStream::connect(actual)).await {
        Err(_) => {
            evidence.connect = Connect::TimedOut;
            return (evidence, None);
        }
        Ok(Err(e)) => {
            evidence.connect = match e.kind() {
                std::io::ErrorKind::ConnectionRefused => Connect::Refused,
                std::io::ErrorKind::ConnectionReset => Connect::Reset,
                _ => Connect::Failed(e.to_string()),
            };
            evidence.connect_ms = Some(ms(started.elapsed()));
            return (evidence, None);
        }
        Ok(Ok(s)) => s,
    };
    evidence.connect_ms = Some(ms(started.elapsed()));
    if !transport.is_tls() {
        return (evidence, Some(Box::new(stream)));
    }
    let started = Instant::now();
    let (handshake, info, tls) = tls_probe(ctx, stream, actual, expected).await;
    evidence.handshake = Some(handshake);
    evidence.tls = info;
    evidence.tls_ms = Some(ms(started.elapsed()));
    (evidence, tls.map(|s| Box::new(s) as Box<dyn Stream>))
}

type TlsStream = tokio_rustls::client::TlsStream<TcpStream>;

async fn tls_probe(
    ctx: &ProbeContext,
    stream: TcpStream,
    actual: SocketAddr,
    expected: &str,
) -> (Handshake, Option<TlsInfo>, Option<TlsStream>) {
    let Ok(server_name) = ServerName::try_from(expected.to_string()) else {
        return (Handshake::BadServerName, None, None);
    };
    let modern = tokio::time::timeout(ctx.timeout, tls::handshake(stream, server_name.clone()));
    let (chain, info, tls) = match modern.await {
        Err(_) => return (Handshake::TimedOut, None, None),
        Ok(Ok(done)) => (done.chain, done.info, Some(done.stream)),
        // D15: refused for version or cipher reasons: read the certificate
        // from a legacy handshake of our own instead of calling it unreachable.
        // There is no connection to send a request over afterwards.
        Ok(Err(e)) if e.legacy_candidate => {
            let look = tokio::time::timeout(ctx.timeout, legacy::inspect(actual, expected));
            match look.await {
                Ok(Ok(old)) => (old.chain, old.info, None),
                Ok(Err(why)) => {
                    let failed = format!("{}; a legacy handshake failed too: {why}", e.message);
                    return (Handshake::Failed(failed), None, None);
                }
                Err(_) => return (Handshake::Failed(e.message), None, None),
            }
        }
        Ok(Err(e)) => return (Handshake::Failed(e.message), None, None),
    };
    match cert::read_facts(&chain) {
        None => (Handshake::Unreadable, Some(info), tls),
        Some(mut facts) => {
            facts.trust = ctx.trust.chain_problem(&chain, &server_name);
            (Handshake::Presented(Box::new(facts)), Some(info), tls)
        }
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
