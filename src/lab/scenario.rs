//! Scenarios as data: one TOML file per broken (or healthy) deployment.
//!
//! A scenario is parsed from its raw TOML form (`raw` structs, `deny_unknown_fields`)
//! into validated, typed values: every name is absolute, every record's data is
//! parsed, every host and fix refers to something that exists, and the expectations
//! are internally consistent (D7: sign-in can only succeed on a `found` selected row).
//! See `assets/scenarios/README.md` for the file format.

use std::collections::BTreeMap;

use hickory_proto::rr::Name;
use serde::Deserialize;

use super::records::{RecordData, RecordMatch, ZoneRecord};
use crate::model::{Signin, Status};
use crate::plan::Transport;

/// What a listener at one (host, nominal port) does. A port with no listener is
/// "down": the lab reserves it, so a connection is refused at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ListenerKind {
    /// Completes a TLS handshake with the host's certificate and chain (any SNI).
    Tls,
    /// Accepts plain TCP.
    Tcp,
    /// Accepts TCP and never sends a byte (a TLS server that never speaks).
    Silent,
    /// HTTPS: the host's autodiscover answer behind its certificate (D13).
    Https,
    /// Plain HTTP: the host's autodiscover answer (D13).
    Http,
    /// D15: an OCS 2007 / Lync 2010 era server that speaks only TLS 1.0
    /// (answers any ClientHello with a TLS 1.0 ServerHello, RSA/CBC suite).
    Tls10Only,
    /// D15: a TLS 1.2 server offering only CBC suites: it refuses a client
    /// that offers none of them with a handshake_failure alert.
    Tls12CbcOnly,
}

impl ListenerKind {
    /// What a listener of this kind does, in words for the fix log.
    pub(crate) fn doing(self) -> &'static str {
        match self {
            ListenerKind::Tls => "serves TLS",
            ListenerKind::Tcp => "accepts TCP",
            ListenerKind::Silent => "accepts and stays silent",
            ListenerKind::Https => "serves autodiscover over HTTPS",
            ListenerKind::Http => "serves autodiscover over HTTP",
            ListenerKind::Tls10Only => "speaks only TLS 1.0",
            ListenerKind::Tls12CbcOnly => "speaks TLS 1.2 with CBC suites only",
        }
    }
}

/// Whether a certificate's validity period covers "now".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Validity {
    /// Valid from yesterday for a year.
    #[default]
    Valid,
    /// `not_after` in the past.
    Expired,
    /// `not_before` in the future.
    NotYetValid,
}

/// Which CA signs a leaf certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CertIssuer {
    /// The lab CA, whose PEM is exposed by [`crate::lab::Lab::ca_pem`].
    #[default]
    Lab,
    /// A second CA that no client trusts.
    Untrusted,
    /// The lab's intermediate CA (under the lab CA), served with the full
    /// chain, as a well-kept server does (D16).
    Intermediate,
    /// The lab's intermediate CA, but the server sends only its leaf (D16):
    /// the most common "untrusted" cause in the field.
    IntermediateLeafOnly,
}

/// How a host's leaf certificate is issued (D9).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertSpec {
    /// Subject alternative DNS names, exactly as written in the certificate.
    pub names: Vec<String>,
    /// Subject common name; `None` means the first SAN (or the host name).
    pub common_name: Option<String>,
    /// Validity period relative to now.
    pub validity: Validity,
    /// Signing CA.
    pub issuer: CertIssuer,
    /// What the leaf may be used for (extended key usage, D16).
    pub purpose: Purpose,
}

/// The extended key usage of a leaf.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Purpose {
    #[default]
    ServerAuth,
    /// Client authentication only: clients refuse it as a server certificate.
    ClientAuthOnly,
}

/// A server host: gets a lab-allocated loopback address (`127.0.X.Y`), an A record
/// when published, listeners per nominal port, and a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostSpec {
    /// Absolute host name.
    pub name: Name,
    /// TTL of its A record.
    pub ttl: u32,
    /// Whether the A record exists before the fix (D5: an unpublished SRV target is "missing").
    pub published: bool,
    /// Listener per nominal port; any other port is down.
    pub listeners: BTreeMap<u16, ListenerKind>,
    /// Certificate served by its TLS listeners.
    pub cert: CertSpec,
    /// What its HTTP/HTTPS listeners answer (D13); `None` answers a 404 page.
    pub web: Option<super::web::WebAnswer>,
    /// Further names whose A record holds this host's address too (a pool
    /// name behind several front ends, D14).
    pub also: Vec<Name>,
    /// D17: what answers a REGISTER on its `tls` and `tcp` ports.
    pub registrar: super::sip_server::Registrar,
}

/// A forced DNS answer for every query of one name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ForcedAnswer {
    /// Response code SERVFAIL.
    Servfail,
    /// Response code REFUSED.
    Refused,
    /// No answer at all (the client times out).
    Silent,
}

impl ForcedAnswer {
    /// The answer in words for the fix log.
    pub(crate) fn words(self) -> &'static str {
        match self {
            ForcedAnswer::Servfail => "SERVFAIL",
            ForcedAnswer::Refused => "REFUSED",
            ForcedAnswer::Silent => "with silence",
        }
    }
}

/// Which of the lab's DNS servers a client asks (D11, D12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LabResolver {
    /// The primary authoritative server: the inside view, every fix at once.
    #[default]
    Primary,
    /// The server of the outside view (`[outside]`, D12).
    Outside,
    /// The caching resolver in front of the primary: keeps an answer for its
    /// TTL, so a fix reaches it only when the old answer expires (D11).
    Caching,
    /// The lagging secondary (`ns2.<zone>`): the zones as they were at start (D11).
    Secondary,
}

/// D12: how the outside view differs from the inside one (the primary's
/// records): edits made once, at start, to a copy served by a second server.
/// Fixes change the inside view only.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OutsideView {
    /// Records the outside view does not have.
    pub remove_records: Vec<RecordMatch>,
    /// Records only the outside view has.
    pub add_records: Vec<ZoneRecord>,
}

/// The changes that repair a scenario, applied to the running lab by `apply_fix`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// One line for the user: what the administrator changes.
    pub description: String,
    /// Records removed (all of a name and type, or one record when data is given).
    pub remove_records: Vec<RecordMatch>,
    /// Records added.
    pub add_records: Vec<ZoneRecord>,
    /// Hosts whose A record is published.
    pub publish_hosts: Vec<Name>,
    /// Whether every forced DNS failure of the scenario stops.
    pub clear_dns_failures: bool,
    /// Certificates re-issued on running listeners.
    pub reissue: Vec<(Name, CertSpec)>,
    /// Listener kinds set per host and port (a down port can be brought up).
    pub listeners: Vec<(Name, BTreeMap<u16, ListenerKind>)>,
    /// Autodiscover answers replaced per host (D13).
    pub web: Vec<(Name, super::web::WebAnswer)>,
}

/// The status one named row of a profile must end with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedRow {
    /// The queried name relative to the SIP domain, e.g. `_sipinternaltls._tcp`.
    pub name: String,
    pub transport: Transport,
    pub status: Status,
}

/// What the real sweep must show in a profile (the default one unless named).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expectation {
    /// The profile the sweep runs with.
    pub profile: String,
    /// Rows by name and transport, in the profile's order.
    pub rows: Vec<ExpectedRow>,
    /// Selected row (1-based), `None` when no row is usable (D7).
    pub selected: Option<usize>,
    /// Verdict.
    pub signin: Signin,
    /// The verdict's cause, when the scenario names it (`cause = "homed-online"`).
    pub cause: Option<crate::model::Cause>,
}

/// One built-in or custom scenario: a SIP domain with its zones, hosts, failures,
/// optional fix and expectations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    pub(crate) name: String,
    pub(crate) title: String,
    pub(crate) lesson: String,
    pub(crate) sip_address: String,
    pub(crate) domain: Name,
    pub(crate) rules: Vec<String>,
    pub(crate) demo: bool,
    pub(crate) zones: Vec<Name>,
    pub(crate) records: Vec<ZoneRecord>,
    pub(crate) hosts: Vec<HostSpec>,
    pub(crate) dns_failures: Vec<(Name, ForcedAnswer)>,
    pub(crate) fix: Option<Fix>,
    /// Expectations before the fix, one per profile (the first is the main one).
    pub(crate) before: Vec<Expectation>,
    /// Expectations after the fix, one per profile; empty without a fix.
    pub(crate) after: Vec<Expectation>,
    /// D12: the outside view, served by a second DNS server.
    pub(crate) outside: Option<OutsideView>,
    /// Which server the scenario's client asks (default: the primary).
    pub(crate) resolver: LabResolver,
    /// D11: whether the lab starts its lagging secondary with this scenario.
    pub(crate) secondary: bool,
    /// D11: whether the demo compares with the zone's own servers.
    pub(crate) authoritative: bool,
}

impl Scenario {
    /// Short identifier, e.g. `healthy`.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Title for lists.
    pub fn title(&self) -> &str {
        &self.title
    }
    /// One-line lesson.
    pub fn lesson(&self) -> &str {
        &self.lesson
    }
    /// The address the user types, e.g. `sip:alice@healthy.test`.
    pub fn sip_address(&self) -> &str {
        &self.sip_address
    }
    /// The SIP domain without trailing dot, e.g. `healthy.test`.
    pub fn domain(&self) -> String {
        self.domain.to_ascii().trim_end_matches('.').to_string()
    }
    /// Rule ids the scenario shows, e.g. `["D4"]`.
    pub fn rules(&self) -> &[String] {
        &self.rules
    }
    /// Whether `sipscope demo` lists it (hostile scenarios do not).
    pub fn in_demo(&self) -> bool {
        self.demo
    }
    /// Zones served for this scenario (the SIP domain first).
    pub fn zones(&self) -> &[Name] {
        &self.zones
    }
    /// Records before the fix (host A records come from [`Scenario::hosts`]).
    pub fn records(&self) -> &[ZoneRecord] {
        &self.records
    }
    /// Server hosts.
    pub fn hosts(&self) -> &[HostSpec] {
        &self.hosts
    }
    /// Names whose queries are answered with a forced failure.
    pub fn dns_failures(&self) -> &[(Name, ForcedAnswer)] {
        &self.dns_failures
    }
    /// The fix, if the scenario can be fixed.
    pub fn fix(&self) -> Option<&Fix> {
        self.fix.as_ref()
    }
    /// One-line description of the fix.
    pub fn fix_description(&self) -> Option<&str> {
        self.fix.as_ref().map(|f| f.description.as_str())
    }
    /// Expectations before and (when there is a fix) after it.
    pub fn expectations(&self) -> (&Expectation, Option<&Expectation>) {
        (&self.before[0], self.after.first())
    }

    /// Every expectation before and after the fix (one per profile named).
    pub fn all_expectations(&self) -> (&[Expectation], &[Expectation]) {
        (&self.before, &self.after)
    }

    /// D12: the outside view, when the scenario has one.
    pub fn outside(&self) -> Option<&OutsideView> {
        self.outside.as_ref()
    }

    /// The server the scenario's client asks (`resolver = …`, default primary).
    pub fn client_resolver(&self) -> LabResolver {
        self.resolver
    }

    /// D11: whether the lab starts its lagging secondary for this scenario.
    pub fn wants_secondary(&self) -> bool {
        self.secondary
    }

    /// D11: whether to compare with the zone's own servers (`check --authoritative`).
    pub fn authoritative(&self) -> bool {
        self.authoritative
    }

    /// The vantages to sweep, each a label and the lab server it asks (D12):
    /// `inside` (the client's resolver) and `outside` with an outside view;
    /// one vantage named after the server when the client asks anything but
    /// the primary; empty for a plain scenario (one sweep through the primary).
    pub fn vantages(&self) -> Vec<(String, LabResolver)> {
        match (&self.outside, self.resolver) {
            (Some(_), inside) => vec![
                ("inside".into(), inside),
                ("outside".into(), LabResolver::Outside),
            ],
            (None, LabResolver::Primary) => Vec::new(),
            (None, LabResolver::Caching) => vec![("resolver".into(), LabResolver::Caching)],
            (None, LabResolver::Secondary) => vec![("ns2".into(), LabResolver::Secondary)],
            (None, LabResolver::Outside) => vec![("outside".into(), LabResolver::Outside)],
        }
    }

    /// The host spec of an absolute host name.
    pub fn host(&self, name: &Name) -> Option<&HostSpec> {
        self.hosts.iter().find(|h| &h.name == name)
    }

    /// The served zone holding `name` (longest matching origin).
    pub(crate) fn zone_of(&self, name: &Name) -> Option<&Name> {
        zone_of(&self.zones, name)
    }

    /// Every SRV port used before or after the fix, or in the outside view:
    /// listeners are reserved on them.
    pub(crate) fn srv_ports(&self) -> impl Iterator<Item = u16> + '_ {
        let fixed = self.fix.iter().flat_map(|f| f.add_records.iter());
        let outside = self.outside.iter().flat_map(|o| o.add_records.iter());
        self.records
            .iter()
            .chain(fixed)
            .chain(outside)
            .filter_map(|r| match r.data {
                RecordData::Srv { port, .. } => Some(port),
                _ => None,
            })
    }
}

pub(crate) fn zone_of<'z>(zones: &'z [Name], name: &Name) -> Option<&'z Name> {
    zones
        .iter()
        .filter(|z| z.zone_of(name))
        .max_by_key(|z| z.num_labels())
}
