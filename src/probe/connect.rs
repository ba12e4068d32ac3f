//! Stage one of the per-address probe: the TCP connect.

use std::time::Instant;

use async_trait::async_trait;
use tokio::net::TcpStream;

use super::ProbeContext;
use super::stage::{Address, Connection, Next, Probing, Stage, dialled};
use crate::model::evidence::Connect;
use crate::model::ms;

/// Connects to the address (through a dial override, if any).
pub struct ConnectStage;

#[async_trait]
impl Stage for ConnectStage {
    fn name(&self) -> &'static str {
        "connect"
    }

    async fn run(&self, ctx: &ProbeContext, address: &Address<'_>, probing: &mut Probing) -> Next {
        let actual = dialled(ctx, address);
        let e = &mut probing.evidence;
        let started = Instant::now();
        let stream = match tokio::time::timeout(ctx.timeout, TcpStream::connect(actual)).await {
            Err(_) => {
                e.connect = Connect::TimedOut;
                return Next::Stop;
            }
            Ok(Err(err)) => {
                e.connect = match err.kind() {
                    std::io::ErrorKind::ConnectionRefused => Connect::Refused,
                    std::io::ErrorKind::ConnectionReset => Connect::Reset,
                    _ => Connect::Failed(err.to_string()),
                };
                e.connect_ms = Some(ms(started.elapsed()));
                return Next::Stop;
            }
            Ok(Ok(s)) => s,
        };
        e.connect = Connect::Accepted;
        e.connect_ms = Some(ms(started.elapsed()));
        probing.connection = Connection::Tcp(stream);
        Next::Continue
    }
}
