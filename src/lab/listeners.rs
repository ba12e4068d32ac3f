//! Listeners per (host address, nominal port), reached through dial overrides.
//!
//! The client dials fixed ports (443, 5060) that tests cannot bind without root, so
//! every nominal address `127.0.X.Y:port` gets its own socket on `127.0.0.1:0`, and
//! the engine dials that socket instead. A "down" port is a socket that is bound
//! but not listening: the address stays reserved for the lab's lifetime and a
//! connection is refused at once (D8 `unreachable`). A fix can bring it up by
//! starting to listen on the same socket, so the dial overrides never change.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

use super::LabError;
use super::certs::HostCert;
use super::scenario::ListenerKind;
use super::sip_server::{Registrar, serve as sip_serve};
use super::web::{SharedAnswer, serve as web_serve};

/// How long a handshake may take before the lab gives up on a client.
const HANDSHAKE_LIMIT: Duration = Duration::from_secs(10);
/// How long a silent listener holds a connection without a word.
const SILENT_HOLD: Duration = Duration::from_secs(600);

enum SlotState {
    /// Bound, not listening: connections are refused.
    Down(TcpSocket),
    /// Listening; the kind is read per accepted connection, so a fix can change it.
    Up(Arc<RwLock<ListenerKind>>),
    /// Transient while switching from down to up.
    Switching,
}

/// What a host's listeners serve: its TLS acceptor, its certificate for the
/// legacy responders (D15), which write their handshake by hand, and its
/// autodiscover answer and name (HTTP/HTTPS listeners, D13).
#[derive(Clone)]
pub struct Serving {
    pub acceptor: TlsAcceptor,
    pub cert: Arc<HostCert>,
    pub web: (SharedAnswer, String),
    /// D17: what answers a REGISTER on the `tls` and `tcp` ports.
    pub registrar: Registrar,
}

struct Slot {
    actual: SocketAddr,
    serving: Serving,
    state: Mutex<SlotState>,
}

/// Every listener slot of the lab and the tasks serving them. Dropping this aborts
/// every accept loop, and with it every connection task (each loop owns its
/// connections' `JoinSet`).
#[derive(Default)]
pub struct Listeners {
    slots: BTreeMap<SocketAddr, Slot>,
    tasks: Mutex<JoinSet<()>>,
}

impl Listeners {
    /// Reserve a socket for `nominal`; it starts down.
    pub fn reserve(&mut self, nominal: SocketAddr, serving: Serving) -> Result<(), LabError> {
        let socket =
            TcpSocket::new_v4().map_err(|e| LabError::io("creating a listener socket", e))?;
        socket
            .bind((Ipv4Addr::LOCALHOST, 0).into())
            .map_err(|e| LabError::io("binding a listener socket", e))?;
        let actual = socket
            .local_addr()
            .map_err(|e| LabError::io("reading a listener address", e))?;
        let slot = Slot {
            actual,
            serving,
            state: Mutex::new(SlotState::Down(socket)),
        };
        self.slots.insert(nominal, slot);
        Ok(())
    }

    /// Set what listens at `nominal`: starts listening if it was down.
    pub fn set_kind(&self, nominal: SocketAddr, kind: ListenerKind) -> Result<(), LabError> {
        let slot = self
            .slots
            .get(&nominal)
            .ok_or_else(|| LabError::Setup(format!("no listener slot for {nominal}")))?;
        let mut state = slot.state.lock().unwrap_or_else(|e| e.into_inner());
        match std::mem::replace(&mut *state, SlotState::Switching) {
            SlotState::Up(cell) => {
                *cell.write().unwrap_or_else(|e| e.into_inner()) = kind;
                *state = SlotState::Up(cell);
            }
            SlotState::Down(socket) => {
                let listener = match socket.listen(1024) {
                    Ok(l) => l,
                    Err(e) => return Err(LabError::io("starting to listen", e)),
                };
                let cell = Arc::new(RwLock::new(kind));
                let mut tasks = self.tasks.lock().unwrap_or_else(|e| e.into_inner());
                tasks.spawn(accept_loop(listener, cell.clone(), slot.serving.clone()));
                *state = SlotState::Up(cell);
            }
            SlotState::Switching => {
                return Err(LabError::Setup(format!(
                    "listener {nominal} is in a broken state"
                )));
            }
        }
        Ok(())
    }

    /// `(nominal, actual)` for every slot: the engine dials `actual` for `nominal`.
    pub fn overrides(&self) -> Vec<(SocketAddr, SocketAddr)> {
        self.slots.iter().map(|(n, s)| (*n, s.actual)).collect()
    }

    /// The socket standing in for `nominal`, if the lab has one.
    pub fn actual(&self, nominal: SocketAddr) -> Option<SocketAddr> {
        self.slots.get(&nominal).map(|s| s.actual)
    }

    /// Stop every listener and connection and wait for the tasks to end.
    pub async fn shutdown(self) {
        let mut tasks = self.tasks.into_inner().unwrap_or_else(|e| e.into_inner());
        tasks.shutdown().await;
    }
}

async fn accept_loop(listener: TcpListener, kind: Arc<RwLock<ListenerKind>>, serving: Serving) {
    let mut connections = JoinSet::new();
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of descriptors or similar: back off instead of spinning.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let kind = *kind.read().unwrap_or_else(|e| e.into_inner());
        connections.spawn(serve(stream, kind, serving.clone()));
        while connections.try_join_next().is_some() {}
    }
}

async fn serve(stream: TcpStream, kind: ListenerKind, serving: Serving) {
    let Serving {
        acceptor,
        cert,
        web: (answer, host),
        registrar,
    } = serving;
    match kind {
        ListenerKind::Silent => {
            // Accept, read nothing, say nothing, close much later.
            let _held = stream;
            tokio::time::sleep(SILENT_HOLD).await;
        }
        ListenerKind::Tcp => sip_serve(stream, registrar, &host).await,
        ListenerKind::Tls => {
            if let Ok(Ok(tls)) =
                tokio::time::timeout(HANDSHAKE_LIMIT, acceptor.accept(stream)).await
            {
                sip_serve(tls, registrar, &host).await;
            }
        }
        ListenerKind::Tls10Only | ListenerKind::Tls12CbcOnly => {
            let chain: Vec<Vec<u8>> = cert
                .current()
                .cert
                .iter()
                .map(|c| c.as_ref().to_vec())
                .collect();
            let _ = tokio::time::timeout(
                HANDSHAKE_LIMIT,
                super::legacy_server::serve(stream, kind, chain),
            )
            .await;
        }
        ListenerKind::Http => web_serve(stream, answer, host).await,
        ListenerKind::Https => {
            if let Ok(Ok(tls)) =
                tokio::time::timeout(HANDSHAKE_LIMIT, acceptor.accept(stream)).await
            {
                web_serve(tls, answer, host).await;
            }
        }
    }
}
