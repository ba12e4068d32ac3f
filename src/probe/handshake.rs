//! Stage two of the per-address probe: the TLS handshake (for TLS
//! transports), the certificate read even when it would be refused (D9),
//! and the read-only legacy look when the modern handshake is refused for
//! version or cipher reasons (D15).

use std::net::SocketAddr;
use std::time::Instant;

use async_trait::async_trait;
use rustls::pki_types::ServerName;
use tokio::net::TcpStream;

use super::stage::{Address, Connection, Next, Probing, Stage, dialled};
use super::{ProbeContext, cert, legacy, tls};
use crate::model::TlsInfo;
use crate::model::evidence::Handshake;
use crate::model::ms;

/// Handshakes with SNI = the expected name and reads the chain and its trust.
pub struct TlsStage;

#[async_trait]
impl Stage for TlsStage {
    fn name(&self) -> &'static str {
        "tls"
    }

    async fn run(&self, ctx: &ProbeContext, address: &Address<'_>, probing: &mut Probing) -> Next {
        if !address.transport.is_tls() {
            return Next::Continue;
        }
        let Connection::Tcp(stream) = std::mem::replace(&mut probing.connection, Connection::None)
        else {
            return Next::Stop;
        };
        let started = Instant::now();
        let actual = dialled(ctx, address);
        let (handshake, info, tls) = tls_probe(ctx, stream, actual, address.expected).await;
        let e = &mut probing.evidence;
        e.handshake = Some(handshake);
        e.tls = info;
        e.tls_ms = Some(ms(started.elapsed()));
        match tls {
            Some(s) => {
                probing.connection = Connection::Wrapped(Box::new(s));
                Next::Continue
            }
            None => Next::Stop,
        }
    }
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
