//! Network probes: DNS lookups, TCP connects and TLS handshakes. They return
//! plain data and know nothing of the terminal. Every step has a timeout.

pub mod authority;
pub mod cert;
pub mod connect;
pub mod dns;
pub mod handshake;
pub mod http;
pub mod legacy;
pub mod sip;
pub mod stage;
pub mod tls;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use crate::model::evidence::ProbeEvidence;
use crate::plan::Transport;

pub use dns::{AddrAnswer, Dns, DnsFailure, ResolverSpec, SrvAnswer, SrvRecord};
pub use tls::Trust;

/// Redirects for dialling: the lab and the tests serve `127.0.X.Y:443` on a
/// port the OS picked, without root. Real use has none. Shared: every check
/// of an engine reads the same map (the lab's has a thousand entries and
/// more), so a check clones a pointer, not the map.
pub type DialOverrides = std::sync::Arc<HashMap<SocketAddr, SocketAddr>>;

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
    /// D17: the REGISTER stage's settings; `None` when it is off (`--no-sip`).
    pub sip: Option<sip::SipSettings>,
}

/// The standard per-address pipeline ([`stage`]): TCP connect, then TLS for
/// TLS transports, then the SIP REGISTER on SIP rows whose connection
/// passed (D17).
pub fn pipeline() -> &'static [&'static dyn stage::Stage] {
    &[
        &connect::ConnectStage,
        &handshake::TlsStage,
        &sip::RegisterStage,
    ]
}

/// Connects to `ip:port` (through a dial override, if any) and, for TLS,
/// handshakes with SNI `expected` and reads the certificate and its trust:
/// the standard [`pipeline`]. Returns what it saw;
/// `model::judge::probe` says what it means.
pub async fn probe(
    ctx: &ProbeContext,
    ip: IpAddr,
    port: u16,
    transport: Transport,
    expected: &str,
) -> ProbeEvidence {
    connect(ctx, ip, port, transport, expected).await.0
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
    let address = stage::Address {
        ip,
        port,
        transport,
        expected,
    };
    let mut probing = stage::run(ctx, &address, pipeline()).await;
    let stream = probing.stream();
    (probing.evidence, stream)
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
