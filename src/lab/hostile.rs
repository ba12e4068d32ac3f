//! Hostile servers for timeout tests: a resolver that never answers and a TCP
//! server that accepts but never speaks. Both stop when dropped.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use tokio::net::{TcpListener, UdpSocket};
use tokio::task::JoinHandle;

use super::LabError;
use super::dns::bind_udp_and_tcp;

/// How long an accepted connection is held in silence.
const HOLD: Duration = Duration::from_secs(600);

/// A DNS "server" on 127.0.0.1 (UDP and TCP, same port) that reads queries and
/// never replies: a resolver query against it must end in a timeout (D8 `dns-error`).
#[derive(Debug)]
pub struct SilentDns {
    addr: SocketAddr,
    task: JoinHandle<()>,
}

impl SilentDns {
    /// Bind and start swallowing queries.
    pub async fn start() -> Result<Self, LabError> {
        let (udp, tcp) = bind_udp_and_tcp().await?;
        let addr = udp
            .local_addr()
            .map_err(|e| LabError::io("reading the silent DNS address", e))?;
        let task = tokio::spawn(async move {
            tokio::join!(swallow_udp(udp), hold_tcp(tcp));
        });
        Ok(Self { addr, task })
    }

    /// Where to send queries that will never be answered.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for SilentDns {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A TCP server on 127.0.0.1 that accepts and never sends a byte: "a TLS server
/// that accepts but never speaks" (D8 `unreachable` after the handshake timeout).
#[derive(Debug)]
pub struct SilentTcp {
    addr: SocketAddr,
    task: JoinHandle<()>,
}

impl SilentTcp {
    /// Bind and start accepting.
    pub async fn start() -> Result<Self, LabError> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .map_err(|e| LabError::io("binding the silent TCP listener", e))?;
        let addr = listener
            .local_addr()
            .map_err(|e| LabError::io("reading the silent TCP address", e))?;
        let task = tokio::spawn(hold_tcp(listener));
        Ok(Self { addr, task })
    }

    /// The address to dial.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for SilentTcp {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn swallow_udp(socket: UdpSocket) {
    let mut buf = [0u8; 4096];
    loop {
        if socket.recv_from(&mut buf).await.is_err() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// Accept connections and hold each one, unread, until the hold time or abort.
/// The held connections live in a `JoinSet` owned by this task, so aborting the
/// task closes them all.
async fn hold_tcp(listener: TcpListener) {
    let mut held = tokio::task::JoinSet::new();
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                held.spawn(async move {
                    let _stream = stream;
                    tokio::time::sleep(HOLD).await;
                });
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
        while held.try_join_next().is_some() {}
    }
}

/// How a [`MisbehavingDns`] answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Misbehaviour {
    /// The query's ID, then bytes that are no DNS message.
    Garbage,
    /// A valid empty answer with the truncation flag over UDP, while nothing
    /// listens on TCP: the retry over TCP is refused.
    TruncatedNoTcp,
}

/// A DNS server on 127.0.0.1 (UDP only) that answers, but wrongly: for the
/// sentences a resolver's raw errors must become (issue 11).
#[derive(Debug)]
pub struct MisbehavingDns {
    addr: SocketAddr,
    task: JoinHandle<()>,
}

impl MisbehavingDns {
    pub async fn start(how: Misbehaviour) -> Result<Self, LabError> {
        let udp = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .map_err(|e| LabError::io("binding the misbehaving DNS socket", e))?;
        let addr = udp
            .local_addr()
            .map_err(|e| LabError::io("reading the misbehaving DNS address", e))?;
        let task = tokio::spawn(async move {
            let mut buf = [0u8; 4096];
            loop {
                let Ok((n, from)) = udp.recv_from(&mut buf).await else {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                if n < 12 {
                    continue;
                }
                let reply = match how {
                    Misbehaviour::Garbage => {
                        let mut r = buf[..2].to_vec();
                        r.extend_from_slice(&[0x81, 0x80, 0xff, 0xff, 0xff, 0xff, 0x13, 0x37]);
                        r.extend_from_slice(b"\x07garbage\xc0\xff\xff");
                        r
                    }
                    Misbehaviour::TruncatedNoTcp => {
                        // Header: same ID, QR + TC + RD + RA, NOERROR, the question echoed.
                        let mut r = buf[..n].to_vec();
                        r[2] = 0x80 | 0x02 | (buf[2] & 0x01);
                        r[3] = 0x80;
                        r[6..12].fill(0);
                        r
                    }
                };
                let _ = udp.send_to(&reply, from).await;
            }
        });
        Ok(Self { addr, task })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for MisbehavingDns {
    fn drop(&mut self) {
        self.task.abort();
    }
}
