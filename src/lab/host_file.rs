//! The `[[hosts]]` part of a scenario file: a server host, its listeners per
//! nominal port, its certificate, its autodiscover answer (D13) and the pool
//! names it answers for (D14).

use std::collections::BTreeMap;

use hickory_proto::rr::Name;
use serde::Deserialize;

use super::records::parse_name;
use super::records::{RawRecord, ZoneRecord};
use super::scenario::zone_of;
use super::scenario::{CertIssuer, CertSpec, HostSpec, ListenerKind, Purpose, Validity};
use super::web_file::RawWeb;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Host {
    name: String,
    #[serde(default = "default_ttl")]
    ttl: u32,
    #[serde(default = "yes")]
    published: bool,
    #[serde(default)]
    tls: Vec<u16>,
    #[serde(default)]
    tcp: Vec<u16>,
    #[serde(default)]
    silent: Vec<u16>,
    #[serde(default)]
    https: Vec<u16>,
    #[serde(default)]
    http: Vec<u16>,
    #[serde(default)]
    tls10: Vec<u16>,
    #[serde(default)]
    tls12cbc: Vec<u16>,
    /// Pool names that also resolve to this host (D14).
    #[serde(default)]
    also: Vec<String>,
    web: Option<RawWeb>,
    cert: Option<Cert>,
    /// D17: what answers a REGISTER on its `tls` and `tcp` ports.
    #[serde(default)]
    registrar: super::sip_server::Registrar,
}

fn default_ttl() -> u32 {
    3600
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct Cert {
    pub(super) names: Option<Vec<String>>,
    pub(super) cn: Option<String>,
    #[serde(default)]
    pub(super) validity: Validity,
    #[serde(default)]
    pub(super) issuer: CertIssuer,
    #[serde(default)]
    pub(super) purpose: Purpose,
}

impl Host {
    pub(super) fn validate(self, cx: &Context) -> Result<HostSpec, String> {
        let name = parse_name(&self.name, &cx.domain).map_err(|e| format!("host: {e}"))?;
        cx.in_zone("host", &name)?;
        if cx.hosts.iter().any(|o| o.name == name) {
            return Err(format!("host `{name}` is declared twice"));
        }
        let ports = [
            &self.tls,
            &self.tcp,
            &self.silent,
            &self.https,
            &self.http,
            &self.tls10,
            &self.tls12cbc,
        ];
        let listeners = listener_map(&name, ports)?;
        let cert = cert_spec(self.cert.unwrap_or_default(), &name);
        let at = format!("host `{name}` web");
        let web = self.web.map(|w| w.validate(&cx.domain, &at)).transpose()?;
        let also = self
            .also
            .iter()
            .map(|a| {
                let pool =
                    parse_name(a, &cx.domain).map_err(|e| format!("host `{name}` also: {e}"))?;
                cx.in_zone("also", &pool)?;
                Ok(pool)
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(HostSpec {
            registrar: self.registrar,
            name,
            ttl: self.ttl,
            published: self.published,
            listeners,
            cert,
            web,
            also,
        })
    }
}

/// Ports per listener kind, in the order tls, tcp, silent, https, http, tls10, tls12cbc.
pub(super) fn listener_map(
    host: &Name,
    ports: [&Vec<u16>; 7],
) -> Result<BTreeMap<u16, ListenerKind>, String> {
    let mut map = BTreeMap::new();
    let kinds = [
        ListenerKind::Tls,
        ListenerKind::Tcp,
        ListenerKind::Silent,
        ListenerKind::Https,
        ListenerKind::Http,
        ListenerKind::Tls10Only,
        ListenerKind::Tls12CbcOnly,
    ];
    for (ports, kind) in ports.into_iter().zip(kinds) {
        for &port in ports {
            if port == 0 {
                return Err(format!("host `{host}`: port 0 is not a nominal port"));
            }
            if map.insert(port, kind).is_some() {
                return Err(format!("host `{host}`: port {port} has two listeners"));
            }
        }
    }
    Ok(map)
}

pub(super) fn cert_spec(raw: Cert, host: &Name) -> CertSpec {
    let host = host.to_ascii().trim_end_matches('.').to_string();
    CertSpec {
        names: raw.names.unwrap_or_else(|| vec![host]),
        common_name: raw.cn,
        validity: raw.validity,
        issuer: raw.issuer,
        purpose: raw.purpose,
    }
}

pub(super) fn yes() -> bool {
    true
}

/// What later parts of a scenario are checked against.
pub(super) struct Context {
    pub(super) domain: Name,
    pub(super) zones: Vec<Name>,
    pub(super) hosts: Vec<HostSpec>,
}

impl Context {
    pub(super) fn in_zone(&self, what: &str, name: &Name) -> Result<(), String> {
        match zone_of(&self.zones, name) {
            Some(_) => Ok(()),
            None => Err(format!(
                "{what} `{name}` is in none of the scenario's zones"
            )),
        }
    }

    pub(super) fn host_named(&self, raw: &str) -> Result<Name, String> {
        let name = parse_name(raw, &self.domain)?;
        match self.hosts.iter().any(|h| h.name == name) {
            true => Ok(name),
            false => Err(format!("`{raw}` is not a declared host")),
        }
    }

    pub(super) fn records(&self, raw: &[RawRecord], at: &str) -> Result<Vec<ZoneRecord>, String> {
        let mut out = Vec::new();
        for (i, r) in raw.iter().enumerate() {
            let record = r
                .parse(&self.domain)
                .map_err(|e| format!("{at}[{i}] `{}` {}: {e}", r.name, r.rtype))?;
            self.in_zone("record", &record.name)?;
            out.push(record);
        }
        Ok(out)
    }
}
