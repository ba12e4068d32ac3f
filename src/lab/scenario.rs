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

use super::LabError;
use super::records::{RecordData, RecordMatch, ZoneRecord, parse_name};

/// Number of rows in the default profile (D2).
pub const ROW_COUNT: usize = 10;

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
}

/// A row status, named as in D8.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RowStatus {
    /// Resolved, in domain, connected; for TLS the certificate is right and trusted.
    Found,
    /// NXDOMAIN/NODATA, SRV target `.` or without address.
    Missing,
    /// SRV target outside the SIP domain (D4).
    Rejected,
    /// The certificate does not cover the expected name (D6, D9).
    CertMismatch,
    /// Names fine, chain not trusted (expired, unknown CA).
    Untrusted,
    /// Resolved but no connection or no handshake.
    Unreachable,
    /// SERVFAIL, REFUSED, timeout: never reported as missing.
    DnsError,
}

impl RowStatus {
    /// The status name used in scenario files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Found => "found",
            Self::Missing => "missing",
            Self::Rejected => "rejected",
            Self::CertMismatch => "cert-mismatch",
            Self::Untrusted => "untrusted",
            Self::Unreachable => "unreachable",
            Self::DnsError => "dns-error",
        }
    }
}

/// Whether sign-in succeeds (D7 verdict).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Signin {
    /// The selected row is `found`.
    Ok,
    /// It is not, or nothing was selected.
    Fail,
}

/// What the real sweep must show in the default profile (D2 order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expectation {
    /// Status of rows 1..=10.
    pub rows: [RowStatus; ROW_COUNT],
    /// Selected row (1-based), `None` when no row is usable (D7).
    pub selected: Option<usize>,
    /// Verdict.
    pub signin: Signin,
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
    pub(crate) before: Expectation,
    pub(crate) after: Option<Expectation>,
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
        (&self.before, self.after.as_ref())
    }

    /// Parse and validate a scenario file; `source` names it in errors.
    pub fn from_toml(source: &str, text: &str) -> Result<Scenario, LabError> {
        let raw: raw::Scenario = toml::from_str(text).map_err(|e| LabError::Scenario {
            source_name: source.to_string(),
            detail: e.to_string(),
        })?;
        raw.validate().map_err(|detail| LabError::Scenario {
            source_name: source.to_string(),
            detail,
        })
    }

    /// The host spec of an absolute host name.
    pub fn host(&self, name: &Name) -> Option<&HostSpec> {
        self.hosts.iter().find(|h| &h.name == name)
    }

    /// The served zone holding `name` (longest matching origin).
    pub(crate) fn zone_of(&self, name: &Name) -> Option<&Name> {
        zone_of(&self.zones, name)
    }

    /// Every SRV port used before or after the fix: listeners are reserved on them.
    pub(crate) fn srv_ports(&self) -> impl Iterator<Item = u16> + '_ {
        let fixed = self.fix.iter().flat_map(|f| f.add_records.iter());
        self.records
            .iter()
            .chain(fixed)
            .filter_map(|r| match r.data {
                RecordData::Srv { port, .. } => Some(port),
                _ => None,
            })
    }
}

fn zone_of<'z>(zones: &'z [Name], name: &Name) -> Option<&'z Name> {
    zones
        .iter()
        .filter(|z| z.zone_of(name))
        .max_by_key(|z| z.num_labels())
}

/// Raw (serde) form of a scenario file and its validation.
mod raw {
    use super::*;
    use crate::lab::records::RawRecord;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct Scenario {
        name: String,
        title: String,
        lesson: String,
        sip_address: String,
        rules: Vec<String>,
        #[serde(default = "yes")]
        demo: bool,
        #[serde(default)]
        extra_zones: Vec<String>,
        #[serde(default)]
        records: Vec<RawRecord>,
        #[serde(default)]
        hosts: Vec<Host>,
        #[serde(default)]
        dns_failures: Vec<DnsFailure>,
        fix: Option<Fix>,
        expect: Expect,
    }

    fn yes() -> bool {
        true
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Host {
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
        cert: Option<Cert>,
    }

    fn default_ttl() -> u32 {
        3600
    }

    #[derive(Deserialize, Default)]
    #[serde(deny_unknown_fields)]
    struct Cert {
        names: Option<Vec<String>>,
        cn: Option<String>,
        #[serde(default)]
        validity: Validity,
        #[serde(default)]
        issuer: CertIssuer,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct DnsFailure {
        name: String,
        answer: ForcedAnswer,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Fix {
        description: String,
        #[serde(default)]
        remove_records: Vec<RawMatch>,
        #[serde(default)]
        add_records: Vec<RawRecord>,
        #[serde(default)]
        publish_hosts: Vec<String>,
        #[serde(default)]
        clear_dns_failures: bool,
        #[serde(default)]
        reissue: Vec<Reissue>,
        #[serde(default)]
        listeners: Vec<Listeners>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RawMatch {
        name: String,
        #[serde(rename = "type")]
        rtype: String,
        data: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Reissue {
        host: String,
        names: Option<Vec<String>>,
        cn: Option<String>,
        #[serde(default)]
        validity: Validity,
        #[serde(default)]
        issuer: CertIssuer,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Listeners {
        host: String,
        #[serde(default)]
        tls: Vec<u16>,
        #[serde(default)]
        tcp: Vec<u16>,
        #[serde(default)]
        silent: Vec<u16>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Expect {
        before: RawExpectation,
        after: Option<RawExpectation>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RawExpectation {
        rows: Vec<RowStatus>,
        selected: Selected,
        signin: Signin,
    }

    /// `selected = 3` or `selected = "none"`.
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Selected {
        Row(i64),
        Word(String),
    }

    impl Scenario {
        pub(super) fn validate(self) -> Result<super::Scenario, String> {
            check_ident(&self.name)?;
            let domain = sip_domain(&self.sip_address)?;
            for rule in &self.rules {
                let digits = rule.strip_prefix('D').unwrap_or("");
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(format!("rule id `{rule}` is not of the form D<number>"));
                }
            }
            let mut zones = vec![domain.clone()];
            for z in &self.extra_zones {
                let zone = parse_name(z, &Name::root()).map_err(|e| format!("extra_zones: {e}"))?;
                if zones.contains(&zone) {
                    return Err(format!("zone `{z}` is listed twice"));
                }
                zones.push(zone);
            }
            let in_zone = |what: &str, name: &Name| match zone_of(&zones, name) {
                Some(_) => Ok(()),
                None => Err(format!(
                    "{what} `{name}` is in none of the scenario's zones"
                )),
            };
            let records = parse_records(&self.records, &domain, "records")?;
            for r in &records {
                in_zone("record", &r.name)?;
            }
            let mut hosts: Vec<HostSpec> = Vec::new();
            for h in self.hosts {
                let name = parse_name(&h.name, &domain).map_err(|e| format!("host: {e}"))?;
                in_zone("host", &name)?;
                if hosts.iter().any(|o| o.name == name) {
                    return Err(format!("host `{name}` is declared twice"));
                }
                let listeners = listener_map(&name, &h.tls, &h.tcp, &h.silent)?;
                let cert = cert_spec(h.cert.unwrap_or_default(), &name);
                hosts.push(HostSpec {
                    name,
                    ttl: h.ttl,
                    published: h.published,
                    listeners,
                    cert,
                });
            }
            let host_named = |raw: &str| -> Result<Name, String> {
                let name = parse_name(raw, &domain)?;
                match hosts.iter().any(|h| h.name == name) {
                    true => Ok(name),
                    false => Err(format!("`{raw}` is not a declared host")),
                }
            };
            let mut dns_failures = Vec::new();
            for f in &self.dns_failures {
                let name =
                    parse_name(&f.name, &domain).map_err(|e| format!("dns_failures: {e}"))?;
                in_zone("dns failure", &name)?;
                dns_failures.push((name, f.answer));
            }
            let fix = match self.fix {
                None => None,
                Some(f) => {
                    let mut remove_records = Vec::new();
                    for m in &f.remove_records {
                        let at = format!("fix.remove_records `{}`", m.name);
                        remove_records.push(
                            RecordMatch::parse(&m.name, &m.rtype, m.data.as_deref(), &domain)
                                .map_err(|e| format!("{at}: {e}"))?,
                        );
                    }
                    let add_records = parse_records(&f.add_records, &domain, "fix.add_records")?;
                    for r in &add_records {
                        in_zone("fix record", &r.name)?;
                    }
                    let publish_hosts = f
                        .publish_hosts
                        .iter()
                        .map(|h| host_named(h).map_err(|e| format!("fix.publish_hosts: {e}")))
                        .collect::<Result<Vec<_>, _>>()?;
                    let mut reissue = Vec::new();
                    for r in f.reissue {
                        let host = host_named(&r.host).map_err(|e| format!("fix.reissue: {e}"))?;
                        let raw = Cert {
                            names: r.names,
                            cn: r.cn,
                            validity: r.validity,
                            issuer: r.issuer,
                        };
                        let cert = cert_spec(raw, &host);
                        reissue.push((host, cert));
                    }
                    let mut listeners = Vec::new();
                    for l in &f.listeners {
                        let host =
                            host_named(&l.host).map_err(|e| format!("fix.listeners: {e}"))?;
                        let map = listener_map(&host, &l.tls, &l.tcp, &l.silent)?;
                        listeners.push((host, map));
                    }
                    if f.description.trim().is_empty() || f.description.contains('\n') {
                        return Err("fix.description must be one non-empty line".into());
                    }
                    Some(super::Fix {
                        description: f.description.trim().to_string(),
                        remove_records,
                        add_records,
                        publish_hosts,
                        clear_dns_failures: f.clear_dns_failures,
                        reissue,
                        listeners,
                    })
                }
            };
            let before =
                expectation(self.expect.before).map_err(|e| format!("expect.before: {e}"))?;
            let after = match (self.expect.after, &fix) {
                (Some(a), Some(_)) => {
                    let a = expectation(a).map_err(|e| format!("expect.after: {e}"))?;
                    if a.signin != Signin::Ok {
                        return Err("expect.after: a fix must lead to signin = \"ok\"".into());
                    }
                    Some(a)
                }
                (None, Some(_)) => return Err("a scenario with a fix needs [expect.after]".into()),
                (Some(_), None) => return Err("[expect.after] needs a [fix]".into()),
                (None, None) => None,
            };
            Ok(super::Scenario {
                name: self.name,
                title: one_line("title", self.title)?,
                lesson: one_line("lesson", self.lesson)?,
                sip_address: self.sip_address,
                domain,
                rules: self.rules,
                demo: self.demo,
                zones,
                records,
                hosts,
                dns_failures,
                fix,
                before,
                after,
            })
        }
    }

    fn check_ident(name: &str) -> Result<(), String> {
        let ok = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        match ok {
            true => Ok(()),
            false => Err(format!(
                "name `{name}` must be lowercase letters, digits and `-`"
            )),
        }
    }

    fn one_line(field: &str, text: String) -> Result<String, String> {
        let text = text.trim().to_string();
        match text.is_empty() || text.contains('\n') {
            true => Err(format!("{field} must be one non-empty line")),
            false => Ok(text),
        }
    }

    /// The SIP domain of `sip:user@domain` (a simplified D1: the engine does the full job).
    fn sip_domain(address: &str) -> Result<Name, String> {
        let lower = address.trim().to_ascii_lowercase();
        let rest = lower
            .strip_prefix("sip:")
            .or_else(|| lower.strip_prefix("sips:"))
            .unwrap_or(&lower);
        let domain = rest
            .rsplit('@')
            .next()
            .unwrap_or(rest)
            .trim_end_matches('.');
        if domain.is_empty() || !domain.contains('.') {
            return Err(format!("sip_address `{address}` has no usable domain"));
        }
        parse_name(&format!("{domain}."), &Name::root())
            .map_err(|e| format!("sip_address `{address}`: {e}"))
    }

    fn parse_records(
        raw: &[RawRecord],
        domain: &Name,
        at: &str,
    ) -> Result<Vec<ZoneRecord>, String> {
        raw.iter()
            .enumerate()
            .map(|(i, r)| {
                r.parse(domain)
                    .map_err(|e| format!("{at}[{i}] `{}` {}: {e}", r.name, r.rtype))
            })
            .collect()
    }

    fn listener_map(
        host: &Name,
        tls: &[u16],
        tcp: &[u16],
        silent: &[u16],
    ) -> Result<BTreeMap<u16, ListenerKind>, String> {
        let mut map = BTreeMap::new();
        let kinds = [
            (tls, ListenerKind::Tls),
            (tcp, ListenerKind::Tcp),
            (silent, ListenerKind::Silent),
        ];
        for (ports, kind) in kinds {
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

    fn cert_spec(raw: Cert, host: &Name) -> CertSpec {
        let host = host.to_ascii().trim_end_matches('.').to_string();
        CertSpec {
            names: raw.names.unwrap_or_else(|| vec![host]),
            common_name: raw.cn,
            validity: raw.validity,
            issuer: raw.issuer,
        }
    }

    fn expectation(raw: RawExpectation) -> Result<Expectation, String> {
        let count = raw.rows.len();
        let rows: [RowStatus; ROW_COUNT] = raw
            .rows
            .try_into()
            .map_err(|_| format!("rows lists {count} statuses, the profile has {ROW_COUNT}"))?;
        let selected = match raw.selected {
            Selected::Word(w) if w == "none" => None,
            Selected::Word(w) => {
                return Err(format!("selected = \"{w}\": use a row number or \"none\""));
            }
            Selected::Row(n) if (1..=ROW_COUNT as i64).contains(&n) => Some(n as usize),
            Selected::Row(n) => return Err(format!("selected = {n} is not a row 1..={ROW_COUNT}")),
        };
        // D7: sign-in succeeds only when the selected row is found.
        let selected_found = selected.is_some_and(|s| rows[s - 1] == RowStatus::Found);
        if (raw.signin == Signin::Ok) != selected_found {
            return Err(format!(
                "signin = {:?} contradicts D7 (selected row {selected:?} has status {})",
                raw.signin,
                selected.map_or("none", |s| rows[s - 1].as_str())
            ));
        }
        Ok(Expectation {
            rows,
            selected,
            signin: raw.signin,
        })
    }
}
