//! D2/D3 — which queries a client generation asks, in which order, and how it
//! connects to each answer. The order is data (`assets/profiles/*.toml`),
//! compiled in; adding a generation adds a file, not a code path.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The built-in profiles, default first.
const PROFILE_SOURCES: &[(&str, &str)] = &[
    (
        "ocs2007",
        include_str!("../../assets/profiles/ocs2007.toml"),
    ),
    (
        "ocs2007r2",
        include_str!("../../assets/profiles/ocs2007r2.toml"),
    ),
    (
        "ocs2007r2-field",
        include_str!("../../assets/profiles/ocs2007r2-field.toml"),
    ),
    (
        "lync2010",
        include_str!("../../assets/profiles/lync2010.toml"),
    ),
    (
        "phone-r2",
        include_str!("../../assets/profiles/phone-r2.toml"),
    ),
    ("sfb", include_str!("../../assets/profiles/sfb.toml")),
    ("mobile", include_str!("../../assets/profiles/mobile.toml")),
];

/// The profile used when none is named (D2).
pub const DEFAULT_PROFILE: &str = "ocs2007";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    Tls,
    Tcp,
    /// HTTP over TLS: the autodiscover web service (D13).
    Https,
    /// Plain HTTP: autodiscover published on port 80 (D13).
    Http,
}

impl Transport {
    pub fn label(self) -> &'static str {
        match self {
            Transport::Tls => "TLS",
            Transport::Tcp => "TCP",
            Transport::Https => "HTTPS",
            Transport::Http => "HTTP",
        }
    }

    /// Whether the connection is wrapped in TLS (certificate judged, D9).
    pub fn is_tls(self) -> bool {
        matches!(self, Transport::Tls | Transport::Https)
    }

    /// Whether this is a web transport (autodiscover rows only).
    pub fn is_web(self) -> bool {
        matches!(self, Transport::Https | Transport::Http)
    }
}

/// The kind of query a row makes. New kinds (autodiscover, …) become new variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RowKind {
    /// An SRV query; host and port come from the answer.
    Srv,
    /// An address query for a fixed name; the port is fixed by the profile.
    A,
    /// The autodiscover web service (D13): a name, then an HTTP(S) GET.
    Autodiscover,
}

impl RowKind {
    pub fn label(self) -> &'static str {
        match self {
            RowKind::Srv => "SRV",
            RowKind::A => "A",
            RowKind::Autodiscover => "AUTO",
        }
    }
}

/// How a profile treats a certificate that covers the expected name only by a wildcard (D9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WildcardPolicy {
    /// Wildcards are not supported: the row is a cert-mismatch.
    Mismatch,
    /// The name matches, with a warning on the row.
    Warn,
}

/// One row of a profile, relative to the SIP domain. Each kind carries
/// exactly what it needs, so a row's shape is checked when the profile is
/// read; new kinds (autodiscover, …) become new variants.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum PlanRow {
    /// An SRV query; host and port come from the answer.
    Srv {
        /// Labels prepended to the SIP domain, e.g. `_sipinternaltls._tcp`.
        name: String,
        transport: Transport,
        /// Ports usually seen in this SRV record; others draw a warning (D5).
        #[serde(default)]
        typical_ports: Vec<u16>,
    },
    /// An address query for a fixed host name, connected on a fixed port.
    A {
        /// Label(s) prepended to the SIP domain, e.g. `sipinternal`.
        name: String,
        transport: Transport,
        port: u16,
    },
    /// The autodiscover web service (D13): an address query for a fixed
    /// name, then `GET /?sipuri=…` over HTTPS (443) or HTTP (80).
    Autodiscover {
        /// Label(s) prepended to the SIP domain, e.g. `lyncdiscoverinternal`.
        name: String,
        /// `https` or `http`.
        transport: Transport,
        port: u16,
    },
}

impl PlanRow {
    pub fn kind(&self) -> RowKind {
        match self {
            PlanRow::Srv { .. } => RowKind::Srv,
            PlanRow::A { .. } => RowKind::A,
            PlanRow::Autodiscover { .. } => RowKind::Autodiscover,
        }
    }

    /// The labels prepended to the SIP domain.
    pub fn name(&self) -> &str {
        match self {
            PlanRow::Srv { name, .. }
            | PlanRow::A { name, .. }
            | PlanRow::Autodiscover { name, .. } => name,
        }
    }

    pub fn transport(&self) -> Transport {
        match self {
            PlanRow::Srv { transport, .. }
            | PlanRow::A { transport, .. }
            | PlanRow::Autodiscover { transport, .. } => *transport,
        }
    }

    /// The fixed port, for rows that have one.
    pub fn port(&self) -> Option<u16> {
        match self {
            PlanRow::A { port, .. } | PlanRow::Autodiscover { port, .. } => Some(*port),
            PlanRow::Srv { .. } => None,
        }
    }

    /// The class the profile's ranking orders rows by (D7).
    pub fn class(&self) -> RowClass {
        RowClass::of(self.kind(), self.transport())
    }
}

/// The classes of rows a client ranks (D7): the profile lists them in the
/// order the client prefers; rows of one class keep the profile's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RowClass {
    SrvTls,
    SrvTcp,
    A,
    /// Autodiscover rows (D13): ranked first by the Lync 2013 / Skype for
    /// Business generations, the only class of the mobile clients.
    Autodiscover,
}

impl RowClass {
    pub fn of(kind: RowKind, transport: Transport) -> RowClass {
        match (kind, transport) {
            (RowKind::Srv, t) if t.is_tls() => RowClass::SrvTls,
            (RowKind::Srv, _) => RowClass::SrvTcp,
            (RowKind::A, _) => RowClass::A,
            (RowKind::Autodiscover, _) => RowClass::Autodiscover,
        }
    }
}

/// The ranking of the Communicator generations (D7): TLS SRV rows, then TCP
/// SRV rows, then the A rows in profile order.
pub const CLASSIC_RANKING: [RowClass; 3] = [RowClass::SrvTls, RowClass::SrvTcp, RowClass::A];

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub name: String,
    pub title: String,
    /// One line for `sipscope profiles`.
    pub description: String,
    pub wildcards: WildcardPolicy,
    /// Whether TCP rows are asked unless the user says otherwise (D3: the
    /// Skype for Business profile asks `_sipinternal._tcp` only when TCP is
    /// allowed, off by default).
    #[serde(default = "tcp_by_default")]
    pub tcp_by_default: bool,
    /// The order in which the client prefers classes of rows (D7).
    pub ranking: Vec<RowClass>,
    #[serde(rename = "row")]
    pub rows: Vec<PlanRow>,
}

fn tcp_by_default() -> bool {
    true
}

/// A query the sweep will make: a profile row applied to a domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// 1-based position in the client's order.
    pub index: usize,
    pub kind: RowKind,
    /// Fully spelled name without the trailing dot.
    pub name: String,
    pub transport: Transport,
    pub port: Option<u16>,
    pub typical_ports: Vec<u16>,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum PlanError {
    #[error("unknown profile '{}'; `sipscope profiles` lists the known ones ({})", crate::text::echo(.0), .1)]
    UnknownProfile(String, String),
    #[error("built-in profile {0} is broken: {1}")]
    Broken(String, String),
}

impl Profile {
    /// Parses and checks one profile document.
    pub fn parse(origin: &str, text: &str) -> Result<Profile, PlanError> {
        let profile: Profile =
            toml::from_str(text).map_err(|e| PlanError::Broken(origin.into(), e.to_string()))?;
        if profile.rows.is_empty() {
            return Err(PlanError::Broken(origin.into(), "it has no rows".into()));
        }
        if let Some(row) = profile
            .rows
            .iter()
            .find(|r| !profile.ranking.contains(&r.class()))
        {
            return Err(PlanError::Broken(
                origin.into(),
                format!("row {} is of a class the ranking does not list", row.name()),
            ));
        }
        // A row's transport must fit its kind: web transports for autodiscover only.
        if let Some(row) = profile
            .rows
            .iter()
            .find(|r| r.transport().is_web() != (r.kind() == RowKind::Autodiscover))
        {
            return Err(PlanError::Broken(
                origin.into(),
                format!(
                    "row {} of kind {} cannot use transport {}",
                    row.name(),
                    row.kind().label(),
                    row.transport().label()
                ),
            ));
        }
        Ok(profile)
    }

    /// The profile's rows applied to `domain`, in the client's order.
    pub fn queries(&self, domain: &str) -> Vec<Query> {
        self.rows
            .iter()
            .enumerate()
            .map(|(i, row)| Query {
                index: i + 1,
                kind: row.kind(),
                name: format!("{}.{domain}", row.name()),
                transport: row.transport(),
                port: row.port(),
                typical_ports: match row {
                    PlanRow::Srv { typical_ports, .. } => typical_ports.clone(),
                    PlanRow::A { .. } | PlanRow::Autodiscover { .. } => Vec::new(),
                },
            })
            .collect()
    }
}

/// The built-in profiles, parsed once per process: every verdict ranks its
/// rows by its profile (`SweepReport::decide`), and an audit decides
/// thousands of times.
fn builtin() -> &'static [(&'static str, Profile)] {
    type Parsed = Vec<(&'static str, Profile)>;
    static PARSED: std::sync::OnceLock<Parsed> = std::sync::OnceLock::new();
    PARSED.get_or_init(|| {
        PROFILE_SOURCES
            .iter()
            // The assets are checked by a unit test; a broken one cannot ship.
            .filter_map(|(name, text)| Profile::parse(name, text).ok().map(|p| (*name, p)))
            .collect()
    })
}

/// Every built-in profile, default first.
pub fn profiles() -> Vec<Profile> {
    builtin().iter().map(|(_, p)| p.clone()).collect()
}

/// How the built-in profile `name` ranks its rows (D7); `None` for a name
/// this build does not know.
pub fn ranking(name: &str) -> Option<&'static [RowClass]> {
    let wanted = name.trim().to_ascii_lowercase();
    builtin()
        .iter()
        .find(|(n, _)| *n == wanted)
        .map(|(_, p)| p.ranking.as_slice())
}

pub fn profile_names() -> Vec<&'static str> {
    PROFILE_SOURCES.iter().map(|(name, _)| *name).collect()
}

/// Looks a profile up by name (case-insensitive).
pub fn profile(name: &str) -> Result<Profile, PlanError> {
    let wanted = name.trim().to_ascii_lowercase();
    let (origin, text) = PROFILE_SOURCES
        .iter()
        .find(|(n, _)| *n == wanted)
        .ok_or_else(|| PlanError::UnknownProfile(name.into(), profile_names().join(", ")))?;
    match builtin().iter().find(|(n, _)| *n == wanted) {
        Some((_, p)) => Ok(p.clone()),
        // Only a broken asset is missing from the parsed list: say why.
        None => Profile::parse(origin, text),
    }
}

/// The profile after `name` in the built-in list, wrapping around.
pub fn next_profile_name(name: &str) -> &'static str {
    let names = profile_names();
    let at = names.iter().position(|n| *n == name).unwrap_or(0);
    names[(at + 1) % names.len()]
}

#[cfg(test)]
mod tests;
