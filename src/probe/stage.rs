//! The probe stage seam: the per-address probe is a pipeline of stages,
//! each one interface (blackbox_exporter's probers share one signature).
//! A stage gets the probe context, the address and what the earlier stages
//! found ([`Probing`]: the typed evidence so far and the open connection),
//! adds its own evidence, and says whether the next stage may run.
//!
//! # Adding a stage (e.g. the SIP REGISTER of D17)
//! 1. Its evidence: a typed field on [`ProbeEvidence`] in
//!    `model/evidence.rs` (`None` until the stage ran), filled here only.
//! 2. Its judgement: in `model/judge.rs` (`judge::probe` reads the new
//!    field); nothing in `sweep/` changes, it copies evidence in one place
//!    (`judge::onto_target` / `judge::address_probe`).
//! 3. The stage: one new file in `src/probe/` with a type implementing
//!    [`Stage`]; it reads the connection with [`Probing::stream`] (plain
//!    or TLS, whatever the earlier stages left), and is appended to the
//!    list in [`super::pipeline`] (or a caller passes its own list to
//!    [`run`]). The same pipeline probes SIP rows (`Transport::Tls`/`Tcp`)
//!    and the autodiscover hosts (`Https`/`Http`): a stage reads
//!    [`Address::transport`] to decide whether it applies, as TLS does.

use std::net::{IpAddr, SocketAddr};

use async_trait::async_trait;
use tokio::net::TcpStream;

use super::{ProbeContext, Stream};
use crate::model::evidence::{Connect, ProbeEvidence};
use crate::model::ms;
use crate::plan::Transport;

/// What is being probed: one address of a target, as the client dials it.
#[derive(Debug, Clone)]
pub struct Address<'a> {
    pub ip: IpAddr,
    pub port: u16,
    pub transport: Transport,
    /// The name the client expects on the certificate (D6), sent as SNI.
    pub expected: &'a str,
}

impl Address<'_> {
    pub fn nominal(&self) -> SocketAddr {
        SocketAddr::new(self.ip, self.port)
    }
}

/// The connection the stages pass along.
pub enum Connection {
    /// Nothing open (not yet connected, or a stage failed).
    None,
    Tcp(TcpStream),
    /// Any stream a stage wrapped around the TCP one (TLS).
    Wrapped(Box<dyn Stream>),
}

/// A probe in progress: the evidence so far and the open connection.
pub struct Probing {
    pub evidence: ProbeEvidence,
    pub connection: Connection,
}

impl Probing {
    /// The open connection, plain or TLS, taken out of the pipeline (a
    /// later stage or the caller speaks over it, D13).
    pub fn stream(&mut self) -> Option<Box<dyn Stream>> {
        match std::mem::replace(&mut self.connection, Connection::None) {
            Connection::None => None,
            Connection::Tcp(s) => Some(Box::new(s)),
            Connection::Wrapped(s) => Some(s),
        }
    }
}

/// Whether the pipeline goes on after a stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    Continue,
    Stop,
}

/// One stage of the per-address probe. Gathers evidence, judges nothing;
/// every network step it takes is bounded by `ctx.timeout`.
#[async_trait]
pub trait Stage: Send + Sync {
    /// A short name for logs ("connect", "tls", "sip").
    fn name(&self) -> &'static str;
    async fn run(&self, ctx: &ProbeContext, address: &Address<'_>, probing: &mut Probing) -> Next;
}

/// Runs `stages` in order on `address` until one says stop.
pub async fn run(ctx: &ProbeContext, address: &Address<'_>, stages: &[&dyn Stage]) -> Probing {
    let nominal = address.nominal();
    let actual = ctx.dial.get(&nominal).copied().unwrap_or(nominal);
    let mut probing = Probing {
        evidence: ProbeEvidence {
            nominal,
            dialed: (actual != nominal).then(|| actual.to_string()),
            connect: Connect::Accepted,
            connect_ms: None,
            handshake: None,
            tls_ms: None,
            tls: None,
            limit_ms: ms(ctx.timeout),
        },
        connection: Connection::None,
    };
    for stage in stages {
        if stage.run(ctx, address, &mut probing).await == Next::Stop {
            break;
        }
    }
    probing
}

/// Where the probe really dials (a dial override, or the address itself).
pub fn dialled(ctx: &ProbeContext, address: &Address<'_>) -> SocketAddr {
    let nominal = address.nominal();
    ctx.dial.get(&nominal).copied().unwrap_or(nominal)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::model::evidence::Connect;

    /// A stage as a new one would be written: it runs after the standard
    /// ones and sees the connection they left.
    struct Recorder(AtomicUsize);

    #[async_trait]
    impl Stage for Recorder {
        fn name(&self) -> &'static str {
            "recorder"
        }
        async fn run(&self, _: &ProbeContext, _: &Address<'_>, probing: &mut Probing) -> Next {
            if probing.stream().is_some() {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
            Next::Continue
        }
    }

    fn ctx() -> ProbeContext {
        ProbeContext {
            trust: crate::probe::Trust::load(false, &[]).unwrap(),
            timeout: std::time::Duration::from_secs(2),
            dial: Default::default(),
        }
    }

    // Issue 17.3: a stage appended to the pipeline runs on the connection
    // the earlier stages opened, and not at all after one said stop.
    #[tokio::test]
    async fn an_added_stage_runs_after_connect_and_only_when_it_worked() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let open = listener.local_addr().unwrap();
        let recorder = Recorder(AtomicUsize::new(0));
        let mut stages: Vec<&dyn Stage> = crate::probe::pipeline().to_vec();
        stages.push(&recorder);
        let address = Address {
            ip: open.ip(),
            port: open.port(),
            transport: Transport::Tcp,
            expected: "sip.contoso.com",
        };
        let probing = run(&ctx(), &address, &stages).await;
        assert_eq!(probing.evidence.connect, Connect::Accepted);
        assert_eq!(recorder.0.load(Ordering::SeqCst), 1);

        drop(listener);
        let probing = run(&ctx(), &address, &stages).await;
        assert_ne!(probing.evidence.connect, Connect::Accepted);
        assert_eq!(
            recorder.0.load(Ordering::SeqCst),
            1,
            "ran after a failed connect"
        );
    }
}
