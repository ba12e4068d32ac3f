//! D11 in the lab: an honest caching resolver in front of the primary. It
//! forwards a question the first time, keeps the answer for its TTL and
//! answers from the cache meanwhile, each record's TTL counting down with the
//! seconds it has spent there. After a fix the primary has the new records,
//! but the cache hands out the old answer until it expires — the "my edit
//! reached the primary, not the resolver" case.
//!
//! Hostile-input standards: every read has a size limit, every upstream query
//! a timeout, the number of queries in flight and of cached answers is
//! bounded, and a malformed message is dropped or answered FORMERR, never a
//! panic.

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hickory_proto::op::{Edns, Message, MessageType, ResponseCode};
use hickory_proto::rr::{DNSClass, LowerName, RData, RecordType};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::timeout;

use super::LabError;
use super::clock::LabClock;
use super::dns::bind_udp_and_tcp;

/// The largest query read from a client (UDP datagram or TCP message).
const MAX_QUERY: usize = 4096;
/// The largest answer read from the upstream server over UDP.
const MAX_UDP_ANSWER: u16 = 4096;
/// How long one upstream query may take, connection included.
const UPSTREAM_TIMEOUT: Duration = Duration::from_secs(2);
/// How long a client's TCP connection may sit idle or take to send a query.
const TCP_IDLE: Duration = Duration::from_secs(10);
/// Queries (UDP) and connections (TCP) handled at once; more are dropped.
const MAX_IN_FLIGHT: usize = 64;
/// Cached answers kept at most; expired ones go first, then all.
const MAX_ENTRIES: usize = 4096;
/// The longest time an answer is kept, whatever its TTL says (one day).
const MAX_LIFETIME: u32 = 86_400;
/// A client without EDNS takes at most this much over UDP (RFC 1035).
const CLASSIC_UDP: usize = 512;

type Key = (LowerName, RecordType, DNSClass);

struct Entry {
    answer: Message,
    stored: Instant,
    lifetime: u32,
}

/// The cache and where it forwards misses.
struct Cache {
    upstream: SocketAddr,
    entries: Mutex<HashMap<Key, Entry>>,
    /// How old an entry is (the wall clock, or a test's hand-moved one).
    clock: LabClock,
}

/// A running caching resolver on 127.0.0.1 (UDP and TCP, same port). Stops
/// when dropped.
pub(crate) struct CachingResolver {
    addr: SocketAddr,
    task: JoinHandle<()>,
}

impl CachingResolver {
    /// Bind and start forwarding to `upstream`; entries age by `clock`.
    pub(crate) async fn start(upstream: SocketAddr, clock: LabClock) -> Result<Self, LabError> {
        let (udp, tcp) = bind_udp_and_tcp().await?;
        let addr = udp
            .local_addr()
            .map_err(|e| LabError::io("reading the caching resolver's address", e))?;
        let cache = Arc::new(Cache {
            upstream,
            entries: Mutex::new(HashMap::new()),
            clock,
        });
        let task = tokio::spawn(async move {
            tokio::join!(serve_udp(udp, cache.clone()), serve_tcp(tcp, cache));
        });
        Ok(Self { addr, task })
    }

    /// Where clients send their questions.
    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for CachingResolver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve_udp(socket: UdpSocket, cache: Arc<Cache>) {
    let socket = Arc::new(socket);
    let mut busy = JoinSet::new();
    let mut buf = vec![0u8; MAX_QUERY];
    loop {
        let Ok((n, from)) = socket.recv_from(&mut buf).await else {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        while busy.try_join_next().is_some() {}
        if busy.len() >= MAX_IN_FLIGHT {
            continue; // overloaded: the client retries or times out
        }
        let query = buf[..n].to_vec();
        let (socket, cache) = (socket.clone(), cache.clone());
        busy.spawn(async move {
            if let Some(reply) = cache.answer(&query, false).await {
                let _ = socket.send_to(&reply, from).await;
            }
        });
    }
}

async fn serve_tcp(listener: TcpListener, cache: Arc<Cache>) {
    let mut busy = JoinSet::new();
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        while busy.try_join_next().is_some() {}
        if busy.len() >= MAX_IN_FLIGHT {
            continue; // dropping the stream closes it
        }
        busy.spawn(serve_connection(stream, cache.clone()));
    }
}

/// Length-prefixed queries on one connection until it is idle or closed.
async fn serve_connection(mut stream: TcpStream, cache: Arc<Cache>) {
    loop {
        let Ok(Some(query)) = timeout(TCP_IDLE, read_framed(&mut stream, MAX_QUERY)).await else {
            return;
        };
        let Some(reply) = cache.answer(&query, true).await else {
            return;
        };
        if timeout(TCP_IDLE, write_framed(&mut stream, &reply))
            .await
            .map_or(true, |r| r.is_err())
        {
            return;
        }
    }
}

/// One length-prefixed DNS message, `None` when closed, too long or broken.
async fn read_framed(stream: &mut TcpStream, limit: usize) -> Option<Vec<u8>> {
    let mut len = [0u8; 2];
    stream.read_exact(&mut len).await.ok()?;
    let len = usize::from(u16::from_be_bytes(len));
    if len == 0 || len > limit {
        return None;
    }
    let mut body = vec![0u8; len];
    stream.read_exact(&mut body).await.ok()?;
    Some(body)
}

async fn write_framed(stream: &mut TcpStream, message: &[u8]) -> std::io::Result<()> {
    let len = u16::try_from(message.len()).map_err(std::io::Error::other)?;
    let mut framed = Vec::with_capacity(message.len() + 2);
    framed.extend_from_slice(&len.to_be_bytes());
    framed.extend_from_slice(message);
    stream.write_all(&framed).await
}

impl Cache {
    /// The reply to one query, from the cache or from upstream; `None` when
    /// the query is not even a DNS header (dropped, as servers do).
    async fn answer(&self, raw: &[u8], tcp: bool) -> Option<Vec<u8>> {
        let query = match Message::from_vec(raw) {
            Ok(q) => q,
            Err(_) if raw.len() >= 12 => {
                let id = u16::from_be_bytes([raw[0], raw[1]]);
                let mut m = Message::response(id, hickory_proto::op::OpCode::Query);
                m.metadata.response_code = ResponseCode::FormErr;
                return m.to_vec().ok();
            }
            Err(_) => return None,
        };
        if query.metadata.message_type != MessageType::Query || query.queries.len() != 1 {
            return error_reply(&query, ResponseCode::FormErr);
        }
        let q = &query.queries[0];
        let key = (LowerName::new(&q.name), q.query_type, q.query_class);
        if let Some((answer, age)) = self.cached(&key) {
            return reply(answer, age, &query, tcp);
        }
        let Some(answer) = self.forward(raw, &query, tcp).await else {
            return error_reply(&query, ResponseCode::ServFail);
        };
        if let Some(lifetime) = lifetime(&answer) {
            self.store(key, answer.clone(), lifetime);
        }
        reply(answer, 0, &query, tcp)
    }

    /// A live cached answer and its age in whole seconds; an expired one goes.
    fn cached(&self, key: &Key) -> Option<(Message, u32)> {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let entry = entries.get(key)?;
        let age = u32::try_from(self.clock.since(entry.stored).as_secs()).unwrap_or(u32::MAX);
        if age >= entry.lifetime {
            entries.remove(key);
            return None;
        }
        Some((entry.answer.clone(), age))
    }

    fn store(&self, key: Key, answer: Message, lifetime: u32) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            let clock = &self.clock;
            entries.retain(|_, e| clock.since(e.stored).as_secs() < u64::from(e.lifetime));
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        let stored = self.clock.now();
        entries.insert(
            key,
            Entry {
                answer,
                stored,
                lifetime,
            },
        );
    }

    /// Ask upstream over the client's transport, within the timeout; the
    /// answer must match the question's ID and question.
    async fn forward(&self, raw: &[u8], query: &Message, tcp: bool) -> Option<Message> {
        let bytes = timeout(UPSTREAM_TIMEOUT, async {
            if tcp {
                let mut stream = TcpStream::connect(self.upstream).await.ok()?;
                write_framed(&mut stream, raw).await.ok()?;
                read_framed(&mut stream, usize::from(u16::MAX)).await
            } else {
                let socket = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).await.ok()?;
                socket.connect(self.upstream).await.ok()?;
                socket.send(raw).await.ok()?;
                let mut buf = vec![0u8; usize::from(MAX_UDP_ANSWER)];
                let n = socket.recv(&mut buf).await.ok()?;
                buf.truncate(n);
                Some(buf)
            }
        })
        .await
        .ok()??;
        let answer = Message::from_vec(&bytes).ok()?;
        let same = answer.metadata.id == query.metadata.id
            && answer.metadata.message_type == MessageType::Response
            && answer.queries == query.queries;
        same.then_some(answer)
    }
}

/// How long an answer may be kept: its smallest TTL, or for "no such name"
/// and "no such record" the SOA's negative-caching time (RFC 2308). Errors
/// and truncated answers are not kept.
fn lifetime(answer: &Message) -> Option<u32> {
    if answer.metadata.truncation {
        return None;
    }
    let ttl = match answer.metadata.response_code {
        ResponseCode::NoError if !answer.answers.is_empty() => {
            answer.answers.iter().map(|r| r.ttl).min()
        }
        ResponseCode::NoError | ResponseCode::NXDomain => {
            answer.authorities.iter().find_map(|r| match &r.data {
                RData::SOA(soa) => Some(r.ttl.min(soa.minimum)),
                _ => None,
            })
        }
        _ => None,
    }?;
    (ttl > 0).then_some(ttl.min(MAX_LIFETIME))
}

/// The answer as this client gets it: its ID, TTLs less the time spent in
/// the cache, recursion available, not authoritative (it comes from a cache).
fn reply(mut answer: Message, age: u32, query: &Message, tcp: bool) -> Option<Vec<u8>> {
    answer.metadata.id = query.metadata.id;
    answer.metadata.recursion_desired = query.metadata.recursion_desired;
    answer.metadata.recursion_available = true;
    answer.metadata.authoritative = false;
    for record in answer
        .answers
        .iter_mut()
        .chain(answer.authorities.iter_mut())
        .chain(answer.additionals.iter_mut())
    {
        record.ttl = record.ttl.saturating_sub(age);
    }
    answer.edns = query.edns.as_ref().map(|_| {
        let mut edns = Edns::new();
        edns.set_max_payload(MAX_UDP_ANSWER);
        edns
    });
    let bytes = answer.to_vec().ok()?;
    let room = match &query.edns {
        Some(e) => usize::from(e.max_payload()).max(CLASSIC_UDP),
        None => CLASSIC_UDP,
    };
    if tcp || bytes.len() <= room {
        return Some(bytes);
    }
    // Too big for this client's datagrams: it asks again over TCP.
    let mut cut = answer.truncate();
    cut.metadata.truncation = true;
    cut.to_vec().ok()
}

fn error_reply(query: &Message, code: ResponseCode) -> Option<Vec<u8>> {
    let mut m = Message::response(query.metadata.id, query.metadata.op_code);
    m.metadata.recursion_desired = query.metadata.recursion_desired;
    m.metadata.recursion_available = true;
    m.metadata.response_code = code;
    m.queries = query.queries.clone();
    m.to_vec().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::SilentDns;
    use hickory_proto::op::Query;
    use hickory_proto::rr::Name;

    fn srv_query() -> Vec<u8> {
        let mut q = Message::query();
        q.metadata.id = 7;
        q.add_query(Query::query(
            Name::from_ascii("_sip._tls.x.test.").unwrap(),
            RecordType::SRV,
        ));
        q.to_vec().unwrap()
    }

    /// D11 / hostile input: an upstream that never answers costs one
    /// timeout and gives SERVFAIL; nothing is cached.
    #[tokio::test]
    async fn silent_upstream_is_servfail_within_the_timeout() {
        let silent = SilentDns::start().await.unwrap();
        let cache = Cache {
            upstream: silent.addr(),
            entries: Mutex::new(HashMap::new()),
            clock: LabClock::default(),
        };
        let started = Instant::now();
        let reply = cache.answer(&srv_query(), false).await.unwrap();
        assert!(started.elapsed() < UPSTREAM_TIMEOUT + Duration::from_secs(1));
        let reply = Message::from_vec(&reply).unwrap();
        assert_eq!(reply.metadata.response_code, ResponseCode::ServFail);
        assert_eq!(reply.metadata.id, 7);
        assert!(cache.entries.lock().unwrap().is_empty());
    }

    /// Hostile input: a TCP frame longer than the query limit closes the
    /// connection without reading it; a short datagram is dropped.
    #[tokio::test]
    async fn oversized_tcp_query_closes_the_connection() {
        let silent = SilentDns::start().await.unwrap();
        let resolver = CachingResolver::start(silent.addr(), LabClock::default())
            .await
            .unwrap();
        let mut stream = TcpStream::connect(resolver.addr()).await.unwrap();
        let too_long = u16::try_from(MAX_QUERY + 1).unwrap();
        stream.write_all(&too_long.to_be_bytes()).await.unwrap();
        let mut buf = [0u8; 16];
        let n = timeout(Duration::from_secs(3), stream.read(&mut buf))
            .await
            .expect("closed at once")
            .unwrap_or(0);
        assert_eq!(n, 0, "no answer, the connection closed");
        let cache = Cache {
            upstream: silent.addr(),
            entries: Mutex::new(HashMap::new()),
            clock: LabClock::default(),
        };
        assert!(cache.answer(b"\x01\x02", false).await.is_none());
    }

    #[test]
    fn lifetime_is_the_smallest_ttl_and_errors_are_not_kept() {
        let mut m = Message::response(1, hickory_proto::op::OpCode::Query);
        assert_eq!(lifetime(&m), None, "no answer, no SOA");
        let name = Name::from_ascii("a.x.test.").unwrap();
        let a = |ttl| {
            hickory_proto::rr::Record::from_rdata(
                name.clone(),
                ttl,
                RData::A(hickory_proto::rr::rdata::A(Ipv4Addr::LOCALHOST)),
            )
        };
        m.answers = vec![a(300), a(30)];
        assert_eq!(lifetime(&m), Some(30));
        m.metadata.truncation = true;
        assert_eq!(lifetime(&m), None);
        m.metadata.truncation = false;
        m.metadata.response_code = ResponseCode::ServFail;
        assert_eq!(lifetime(&m), None);
    }
}
