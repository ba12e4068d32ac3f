//! The lab's authoritative DNS server: every scenario's zones in one hickory-server
//! `Catalog`, behind a request handler that can delay answers, force SERVFAIL or
//! REFUSED for a name, or stay silent (D8: these are `dns-error`, never `missing`).
//!
//! The zones are real authoritative zones (SOA at the apex), so NXDOMAIN and NODATA
//! come out as a real server gives them.

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use hickory_proto::op::{Header, HeaderCounts, Metadata, ResponseCode};
use hickory_proto::rr::rdata::{A, NS, SOA};
use hickory_proto::rr::{LowerName, Name, RData, Record, RecordSet, RecordType, RrKey};
use hickory_server::Server;
use hickory_server::net::runtime::Time;
use hickory_server::server::{Request, RequestHandler, ResponseHandler, ResponseInfo};
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{
    AxfrPolicy, Catalog, MessageResponseBuilder, ZoneHandler, ZoneType,
};
use tokio::net::{TcpListener, UdpSocket};

use super::LabError;
use super::records::{RecordMatch, ZoneRecord};
use super::scenario::ForcedAnswer;

/// Where every lab zone says its own server is (`ns.<zone>`); the lab maps
/// this address's port 53 to its DNS server through a dial override.
pub const PRIMARY_NS_IP: Ipv4Addr = Ipv4Addr::new(127, 0, 255, 1);
/// Where `ns2.<zone>` is, once a lagging secondary runs.
pub const SECONDARY_NS_IP: Ipv4Addr = Ipv4Addr::new(127, 0, 255, 2);

/// TTL of the SOA record; its minimum field is the negative-caching TTL.
const SOA_TTL: u32 = 3600;
/// How long an idle TCP DNS connection is kept.
const TCP_IDLE: Duration = Duration::from_secs(10);

/// Run-time knobs shared by the request handler and the `Lab`.
#[derive(Debug, Default)]
pub struct DnsControl {
    delay_micros: AtomicU64,
    forced: RwLock<HashMap<LowerName, ForcedAnswer>>,
}

impl DnsControl {
    /// Delay every answer by `delay` (benchmarks: "every answer 100 ms late").
    pub fn set_delay(&self, delay: Duration) {
        let micros = u64::try_from(delay.as_micros()).unwrap_or(u64::MAX);
        self.delay_micros.store(micros, Ordering::Relaxed);
    }

    /// The current per-answer delay.
    pub fn delay(&self) -> Duration {
        Duration::from_micros(self.delay_micros.load(Ordering::Relaxed))
    }

    /// Force an answer for every query of `name`.
    pub fn force(&self, name: &Name, answer: ForcedAnswer) {
        let mut forced = self.forced.write().unwrap_or_else(|e| e.into_inner());
        forced.insert(LowerName::new(name), answer);
    }

    /// Stop forcing answers for `name`.
    pub fn unforce(&self, name: &Name) {
        let mut forced = self.forced.write().unwrap_or_else(|e| e.into_inner());
        forced.remove(&LowerName::new(name));
    }

    fn forced(&self, name: &LowerName) -> Option<ForcedAnswer> {
        let forced = self.forced.read().unwrap_or_else(|e| e.into_inner());
        forced.get(name).copied()
    }
}

/// The running lab DNS server.
pub(crate) type DnsServer = Server<LabDnsHandler>;

/// A `Catalog` wrapped with delays and forced answers.
pub(crate) struct LabDnsHandler {
    catalog: Catalog,
    control: Arc<DnsControl>,
}

#[async_trait::async_trait]
impl RequestHandler for LabDnsHandler {
    async fn handle_request<R: ResponseHandler, T: Time>(
        &self,
        request: &Request,
        mut response_handle: R,
    ) -> ResponseInfo {
        let delay = self.control.delay();
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        let forced = match request.request_info() {
            Ok(info) => self.control.forced(info.query.name()),
            Err(_) => None, // malformed: let the catalog answer FORMERR
        };
        let code = match forced {
            None => {
                return self
                    .catalog
                    .handle_request::<R, T>(request, response_handle)
                    .await;
            }
            Some(ForcedAnswer::Silent) => {
                // Never answer; the UDP client times out, the TCP one waits.
                let mut metadata = Metadata::response_from_request(&request.metadata);
                metadata.response_code = ResponseCode::NoError;
                let header = Header {
                    metadata,
                    counts: HeaderCounts::default(),
                };
                return ResponseInfo::from(header);
            }
            Some(ForcedAnswer::Servfail) => ResponseCode::ServFail,
            Some(ForcedAnswer::Refused) => ResponseCode::Refused,
        };
        let response = MessageResponseBuilder::from_message_request(request)
            .error_msg(&request.metadata, code);
        match response_handle.send_response(response).await {
            Ok(info) => info,
            Err(_) => {
                let mut metadata = Metadata::response_from_request(&request.metadata);
                metadata.response_code = ResponseCode::ServFail;
                ResponseInfo::from(Header {
                    metadata,
                    counts: HeaderCounts::default(),
                })
            }
        }
    }
}

/// The zones being served, by origin, so a fix can edit them while running.
#[derive(Default)]
pub struct Zones {
    handlers: HashMap<Name, Arc<InMemoryZoneHandler>>,
}

impl Zones {
    /// Add an authoritative zone with a SOA record at its apex.
    pub fn add_zone(&mut self, origin: &Name) -> Result<(), LabError> {
        if self.handlers.contains_key(origin) {
            return Err(LabError::Setup(format!(
                "zone {origin} is served by two scenarios"
            )));
        }
        let mut zone =
            InMemoryZoneHandler::empty(origin.clone(), ZoneType::Primary, AxfrPolicy::Deny);
        let soa = SOA::new(
            name_in("ns", origin)?,
            name_in("hostmaster", origin)?,
            1,
            3600,
            600,
            86_400,
            60,
        );
        zone.upsert_mut(
            Record::from_rdata(origin.clone(), SOA_TTL, RData::SOA(soa)),
            1,
        );
        // D11: the zone names its own server, so sipscope can ask it directly.
        let ns = name_in("ns", origin)?;
        zone.upsert_mut(
            Record::from_rdata(origin.clone(), SOA_TTL, RData::NS(NS(ns.clone()))),
            1,
        );
        zone.upsert_mut(
            Record::from_rdata(ns, SOA_TTL, RData::A(A(PRIMARY_NS_IP))),
            1,
        );
        self.handlers.insert(origin.clone(), Arc::new(zone));
        Ok(())
    }

    /// D11: names `ns2.<zone>` (at `ip`) as a further server of every zone
    /// in `only`, or of every zone.
    pub async fn add_secondary(&self, ip: Ipv4Addr, only: Option<&[Name]>) -> Result<(), LabError> {
        for (origin, handler) in &self.handlers {
            if only.is_some_and(|o| !o.contains(origin)) {
                continue;
            }
            let ns2 = name_in("ns2", origin)?;
            handler
                .upsert(
                    Record::from_rdata(origin.clone(), SOA_TTL, RData::NS(NS(ns2.clone()))),
                    1,
                )
                .await;
            handler
                .upsert(Record::from_rdata(ns2, SOA_TTL, RData::A(A(ip))), 1)
                .await;
        }
        Ok(())
    }

    /// A copy of every zone as it is now (a secondary that will lag behind).
    pub async fn snapshot(&self) -> Zones {
        let mut copy = Zones::default();
        for (origin, handler) in &self.handlers {
            let mut zone =
                InMemoryZoneHandler::empty(origin.clone(), ZoneType::Primary, AxfrPolicy::Deny);
            for set in handler.records().await.values() {
                for record in set.records_without_rrsigs() {
                    zone.upsert_mut(record.clone(), 1);
                }
            }
            copy.handlers.insert(origin.clone(), Arc::new(zone));
        }
        copy
    }

    /// D11: the zone changed: one more in its SOA serial.
    pub async fn bump_serial(&self, zone: &Name) -> Result<(), LabError> {
        let handler = self.zone(zone)?;
        let key = RrKey::new(LowerName::new(zone), RecordType::SOA);
        let soa = handler.records().await.get(&key).and_then(|set| {
            set.records_without_rrsigs().find_map(|r| match &r.data {
                RData::SOA(soa) => Some(soa.clone()),
                _ => None,
            })
        });
        if let Some(mut soa) = soa {
            soa.serial = soa.serial.wrapping_add(1);
            let serial = soa.serial;
            handler
                .upsert(
                    Record::from_rdata(zone.clone(), SOA_TTL, RData::SOA(soa)),
                    serial,
                )
                .await;
        }
        Ok(())
    }

    fn zone(&self, zone: &Name) -> Result<&Arc<InMemoryZoneHandler>, LabError> {
        self.handlers
            .get(zone)
            .ok_or_else(|| LabError::Setup(format!("zone {zone} is not served")))
    }

    /// Insert a record into `zone` (startup, before serving).
    pub async fn insert(&self, zone: &Name, record: &ZoneRecord) -> Result<(), LabError> {
        if self.zone(zone)?.upsert(record.to_record(), 1).await {
            Ok(())
        } else {
            Err(LabError::Setup(format!(
                "record `{record}` conflicts with another record at that name (a CNAME stands alone)"
            )))
        }
    }

    /// Insert a host's A record.
    pub async fn insert_address(
        &self,
        zone: &Name,
        host: &Name,
        ttl: u32,
        ip: Ipv4Addr,
    ) -> Result<(), LabError> {
        let record = ZoneRecord {
            name: host.clone(),
            ttl,
            data: super::records::RecordData::A(ip),
        };
        self.insert(zone, &record).await
    }

    /// Remove what `m` matches from `zone`; returns how many records went.
    pub async fn remove(&self, zone: &Name, m: &RecordMatch) -> Result<usize, LabError> {
        let handler = self.zone(zone)?;
        let mut records = handler.records_mut().await;
        let key = RrKey::new(LowerName::new(&m.name), m.kind.record_type());
        let Some(set) = records.get(&key) else {
            return Ok(0);
        };
        // Rebuild the set without the matched records (RecordSet::remove asserts on names).
        let mut kept = RecordSet::new(set.name().clone(), set.record_type(), 1);
        let mut removed = 0;
        for record in set.records_without_rrsigs() {
            if m.matches(&record.data) {
                removed += 1;
            } else {
                kept.insert(record.clone(), 1);
            }
        }
        if kept.is_empty() {
            records.remove(&key);
        } else {
            records.insert(key, Arc::new(kept));
        }
        Ok(removed)
    }

    /// Start serving every zone on 127.0.0.1, UDP and TCP on the same OS-chosen port.
    pub async fn serve(
        &self,
        control: Arc<DnsControl>,
    ) -> Result<(DnsServer, SocketAddr), LabError> {
        let mut catalog = Catalog::new();
        for (origin, handler) in &self.handlers {
            let handler: Arc<dyn ZoneHandler> = handler.clone();
            catalog.upsert(LowerName::new(origin), vec![handler]);
        }
        let (udp, tcp) = bind_udp_and_tcp().await?;
        let addr = udp
            .local_addr()
            .map_err(|e| LabError::io("reading the DNS address", e))?;
        let mut server = Server::new(LabDnsHandler { catalog, control });
        server.register_socket(udp);
        server.register_listener(tcp, TCP_IDLE, 64 * 1024);
        Ok((server, addr))
    }
}

fn name_in(label: &str, origin: &Name) -> Result<Name, LabError> {
    Name::from_ascii(label)
        .and_then(|n| n.append_domain(origin))
        .map_err(|e| LabError::Setup(format!("bad name {label}.{origin}: {e}")))
}

/// Bind UDP on an OS-chosen port, then TCP on the same port; retry if TCP's is taken.
pub(crate) async fn bind_udp_and_tcp() -> Result<(UdpSocket, TcpListener), LabError> {
    let mut last = None;
    for _ in 0..20 {
        let udp = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .map_err(|e| LabError::io("binding the DNS UDP socket", e))?;
        let addr = udp
            .local_addr()
            .map_err(|e| LabError::io("reading the DNS address", e))?;
        match TcpListener::bind(addr).await {
            Ok(tcp) => return Ok((udp, tcp)),
            Err(e) => last = Some(e),
        }
    }
    Err(LabError::io(
        "binding DNS TCP on the UDP port",
        last.unwrap_or_else(|| std::io::Error::other("no attempt made")),
    ))
}
