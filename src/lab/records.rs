//! Zone records as scenario data: names in zone-file style and typed record data.
//!
//! Names follow zone-file conventions: `@` is the SIP domain, a name ending in `.`
//! is absolute, anything else is relative to the SIP domain. Record data is written
//! as in a zone file (`SRV` = `priority weight port target`).

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use hickory_proto::rr::rdata::{A, AAAA, CNAME, SRV};
use hickory_proto::rr::{Name, RData, Record, RecordType};
use serde::Deserialize;

/// Default TTL of a scenario record when the file gives none.
const DEFAULT_TTL: u32 = 300;

/// The record types scenarios use (D2: SRV and A; D6: CNAME; AAAA for completeness).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    /// IPv4 address.
    A,
    /// IPv6 address.
    Aaaa,
    /// Alias.
    Cname,
    /// Service location (RFC 2782).
    Srv,
}

impl RecordKind {
    fn parse(text: &str) -> Result<Self, String> {
        match text.to_ascii_uppercase().as_str() {
            "A" => Ok(Self::A),
            "AAAA" => Ok(Self::Aaaa),
            "CNAME" => Ok(Self::Cname),
            "SRV" => Ok(Self::Srv),
            other => Err(format!(
                "record type `{other}` is not one of A, AAAA, CNAME, SRV"
            )),
        }
    }

    /// The hickory record type.
    pub fn record_type(self) -> RecordType {
        match self {
            Self::A => RecordType::A,
            Self::Aaaa => RecordType::AAAA,
            Self::Cname => RecordType::CNAME,
            Self::Srv => RecordType::SRV,
        }
    }
}

/// Typed record data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordData {
    /// An IPv4 address.
    A(Ipv4Addr),
    /// An IPv6 address.
    Aaaa(Ipv6Addr),
    /// The canonical name (absolute).
    Cname(Name),
    /// SRV data; `target` is absolute (the root for `.`, D5 "not available").
    Srv {
        /// Lower is preferred.
        priority: u16,
        /// Relative weight among equal priorities.
        weight: u16,
        /// Nominal port.
        port: u16,
        /// Target host.
        target: Name,
    },
}

impl RecordData {
    /// Its record kind.
    pub fn kind(&self) -> RecordKind {
        match self {
            Self::A(_) => RecordKind::A,
            Self::Aaaa(_) => RecordKind::Aaaa,
            Self::Cname(_) => RecordKind::Cname,
            Self::Srv { .. } => RecordKind::Srv,
        }
    }

    fn parse(kind: RecordKind, text: &str, domain: &Name) -> Result<Self, String> {
        let text = text.trim();
        let bad_addr = |e| format!("`{text}` is not an address: {e}");
        Ok(match kind {
            RecordKind::A => Self::A(text.parse().map_err(bad_addr)?),
            RecordKind::Aaaa => Self::Aaaa(text.parse().map_err(bad_addr)?),
            RecordKind::Cname => Self::Cname(parse_name(text, domain)?),
            RecordKind::Srv => {
                let parts: Vec<&str> = text.split_whitespace().collect();
                let [priority, weight, port, target] = parts[..] else {
                    return Err(format!(
                        "SRV data `{text}` must be `priority weight port target`"
                    ));
                };
                let number = |what: &str, v: &str| {
                    v.parse::<u16>()
                        .map_err(|_| format!("SRV {what} `{v}` is not a number 0..=65535"))
                };
                Self::Srv {
                    priority: number("priority", priority)?,
                    weight: number("weight", weight)?,
                    port: number("port", port)?,
                    target: parse_name(target, domain)?,
                }
            }
        })
    }

    /// The hickory record data.
    pub fn to_rdata(&self) -> RData {
        match self {
            Self::A(ip) => RData::A(A(*ip)),
            Self::Aaaa(ip) => RData::AAAA(AAAA(*ip)),
            Self::Cname(name) => RData::CNAME(CNAME(name.clone())),
            Self::Srv {
                priority,
                weight,
                port,
                target,
            } => RData::SRV(SRV::new(*priority, *weight, *port, target.clone())),
        }
    }
}

impl fmt::Display for RecordData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::A(ip) => write!(f, "A {ip}"),
            Self::Aaaa(ip) => write!(f, "AAAA {ip}"),
            Self::Cname(name) => write!(f, "CNAME {name}"),
            Self::Srv {
                priority,
                weight,
                port,
                target,
            } => write!(f, "SRV {priority} {weight} {port} {target}"),
        }
    }
}

/// One zone record with an absolute owner name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneRecord {
    /// Absolute owner name.
    pub name: Name,
    /// Time to live in seconds (D11: shown to the user).
    pub ttl: u32,
    /// Typed data.
    pub data: RecordData,
}

impl ZoneRecord {
    /// The hickory record.
    pub fn to_record(&self) -> Record {
        Record::from_rdata(self.name.clone(), self.ttl, self.data.to_rdata())
    }
}

impl fmt::Display for ZoneRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.name, self.ttl, self.data)
    }
}

/// Records to remove in a fix: every record of a name and type, or only the one
/// with the given data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordMatch {
    /// Absolute owner name.
    pub name: Name,
    /// Record type.
    pub kind: RecordKind,
    /// Only this record when set.
    pub data: Option<RecordData>,
}

impl RecordMatch {
    pub(crate) fn parse(
        name: &str,
        rtype: &str,
        data: Option<&str>,
        domain: &Name,
    ) -> Result<Self, String> {
        let kind = RecordKind::parse(rtype)?;
        Ok(Self {
            name: parse_name(name, domain)?,
            kind,
            data: data
                .map(|d| RecordData::parse(kind, d, domain))
                .transpose()?,
        })
    }

    /// Whether `record` is one this match removes.
    pub fn matches(&self, data: &RData) -> bool {
        match &self.data {
            Some(d) => &d.to_rdata() == data,
            None => data.record_type() == self.kind.record_type(),
        }
    }
}

/// Raw (serde) form of one record: `{ name, type, ttl, data }`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRecord {
    pub(crate) name: String,
    #[serde(rename = "type")]
    pub(crate) rtype: String,
    #[serde(default = "default_ttl")]
    ttl: u32,
    data: String,
}

fn default_ttl() -> u32 {
    DEFAULT_TTL
}

impl RawRecord {
    pub(crate) fn parse(&self, domain: &Name) -> Result<ZoneRecord, String> {
        let kind = RecordKind::parse(&self.rtype)?;
        Ok(ZoneRecord {
            name: parse_name(&self.name, domain)?,
            ttl: self.ttl,
            data: RecordData::parse(kind, &self.data, domain)?,
        })
    }
}

/// Resolve a zone-file style name against the SIP domain; the result is absolute
/// and lowercase.
pub(crate) fn parse_name(raw: &str, domain: &Name) -> Result<Name, String> {
    let raw = raw.trim().to_ascii_lowercase();
    let bad = |e: hickory_proto::ProtoError| format!("`{raw}` is not a DNS name: {e}");
    match raw.as_str() {
        "" => Err("empty name".into()),
        "@" => Ok(domain.clone()),
        "." => Ok(Name::root()),
        _ if raw.contains('\\') => super::zonetext::parse_escaped(&raw).and_then(|n| {
            if n.is_fqdn() {
                Ok(n)
            } else {
                n.append_domain(domain).map_err(|e| e.to_string())
            }
        }),
        _ if raw.ends_with('.') => Name::from_ascii(&raw).map_err(bad),
        _ if raw.contains("..") => Err(format!("`{raw}` has an empty label")),
        _ => Name::from_ascii(&raw)
            .map_err(bad)?
            .append_domain(domain)
            .map_err(bad),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domain() -> Name {
        Name::from_ascii("corp.test.").unwrap()
    }

    #[test]
    fn names_follow_zone_file_rules() {
        let d = domain();
        assert_eq!(parse_name("@", &d).unwrap(), d);
        assert_eq!(
            parse_name("Pool", &d).unwrap().to_ascii(),
            "pool.corp.test."
        );
        assert_eq!(parse_name("x.local.", &d).unwrap().to_ascii(), "x.local.");
        assert!(parse_name("a..b", &d).is_err());
        assert!(parse_name("", &d).is_err());
    }

    #[test]
    fn srv_data_parses_and_rejects() {
        let d = domain();
        let srv = RecordData::parse(RecordKind::Srv, "10 5 5061 pool", &d).unwrap();
        assert_eq!(srv.to_string(), "SRV 10 5 5061 pool.corp.test.");
        let err = RecordData::parse(RecordKind::Srv, "10 5061 pool", &d).unwrap_err();
        assert!(err.contains("priority weight port target"), "{err}");
        assert!(RecordData::parse(RecordKind::Srv, "1 2 70000 pool", &d).is_err());
        assert!(RecordData::parse(RecordKind::A, "pool", &d).is_err());
        assert!(RecordKind::parse("MX").is_err());
    }
}
