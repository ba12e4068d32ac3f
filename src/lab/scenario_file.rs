//! The scenario file format: raw serde structs (`deny_unknown_fields`) and their
//! validation into [`super::scenario::Scenario`]. Every error says which field is wrong and why, and
//! the caller prefixes the file name. Format reference: `assets/scenarios/README.md`.

use hickory_proto::rr::Name;
use serde::Deserialize;

use super::LabError;
use super::expect_file::expectations;
use super::host_file::{Cert, Context, Host, cert_spec, listener_map, yes};
use super::records::{RawRecord, RecordMatch, parse_name};
use super::scenario::{
    CertIssuer, ForcedAnswer, LabResolver, OutsideView, Purpose, Scenario, Validity,
};
use super::web_file::RawWeb;
use crate::model::Signin;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawScenario {
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
    /// D12: the outside view (records that differ for outside clients).
    outside: Option<RawOutside>,
    /// Which lab server the client asks: primary | caching | secondary.
    #[serde(default)]
    resolver: LabResolver,
    /// D11: start the lagging secondary with the lab.
    #[serde(default)]
    secondary: bool,
    /// D11: compare with the zone's own servers.
    #[serde(default)]
    authoritative: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOutside {
    #[serde(default)]
    remove_records: Vec<RawMatch>,
    #[serde(default)]
    add_records: Vec<RawRecord>,
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
    #[serde(default)]
    web: Vec<RawWeb>,
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
    #[serde(default)]
    purpose: Purpose,
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
    #[serde(default)]
    https: Vec<u16>,
    #[serde(default)]
    http: Vec<u16>,
    #[serde(default)]
    tls10: Vec<u16>,
    #[serde(default)]
    tls12cbc: Vec<u16>,
}

/// `[expect.before]` (one profile) or `[[expect.before]]` (one per profile).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    before: toml::Value,
    after: Option<toml::Value>,
}

impl Scenario {
    /// Parse and validate a scenario file; `source` names it in errors.
    pub fn from_toml(source: &str, text: &str) -> Result<Scenario, LabError> {
        let raw: RawScenario = toml::from_str(text).map_err(|e| LabError::Scenario {
            source_name: source.to_string(),
            detail: toml_detail(text, &e),
        })?;
        raw.validate().map_err(|detail| LabError::Scenario {
            source_name: source.to_string(),
            detail,
        })
    }
}

/// A TOML error in one line: `line N: what`, escaped (a user's file may be
/// anything).
fn toml_detail(text: &str, e: &toml::de::Error) -> String {
    let message = e.message().trim().replace('\n', " ");
    let message = crate::text::clean(&message);
    match e.span() {
        Some(span) => format!(
            "line {}: {message}",
            crate::text::position(text, span.start).0
        ),
        None => message.into_owned(),
    }
}

impl RawScenario {
    pub(super) fn validate(self) -> Result<super::scenario::Scenario, String> {
        check_ident(&self.name)?;
        for rule in &self.rules {
            let digits = rule.strip_prefix('D').unwrap_or("");
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("rule id `{rule}` is not of the form D<number>"));
            }
        }
        let domain = sip_domain(&self.sip_address)?;
        let mut cx = Context {
            zones: vec![domain.clone()],
            domain,
            hosts: Vec::new(),
        };
        for z in &self.extra_zones {
            let zone = parse_name(z, &Name::root()).map_err(|e| format!("extra_zones: {e}"))?;
            if cx.zones.contains(&zone) {
                return Err(format!("zone `{z}` is listed twice"));
            }
            cx.zones.push(zone);
        }
        let records = cx.records(&self.records, "records")?;
        for h in self.hosts {
            let host = h.validate(&cx)?;
            cx.hosts.push(host);
        }
        let mut dns_failures = Vec::new();
        for f in &self.dns_failures {
            let name = parse_name(&f.name, &cx.domain).map_err(|e| format!("dns_failures: {e}"))?;
            cx.in_zone("dns failure", &name)?;
            dns_failures.push((name, f.answer));
        }
        let fix = self.fix.map(|f| f.validate(&cx)).transpose()?;
        let outside = self.outside.map(|o| o.validate(&cx)).transpose()?;
        match self.resolver {
            LabResolver::Outside => {
                return Err("resolver = \"outside\": the outside view is a vantage of its own; the client's resolver is primary, caching or secondary".into());
            }
            LabResolver::Secondary if !self.secondary => {
                return Err("resolver = \"secondary\" needs secondary = true".into());
            }
            _ => {}
        }
        let before = expectations(self.expect.before).map_err(|e| format!("expect.before: {e}"))?;
        let after = match (self.expect.after, &fix) {
            (Some(a), Some(_)) => {
                let a = expectations(a).map_err(|e| format!("expect.after: {e}"))?;
                if a.iter().any(|a| a.signin != Signin::Ok) {
                    return Err("expect.after: a fix must lead to signin = \"ok\"".into());
                }
                a
            }
            (None, Some(_)) => return Err("a scenario with a fix needs [expect.after]".into()),
            (Some(_), None) => return Err("[expect.after] needs a [fix]".into()),
            (None, None) => Vec::new(),
        };
        Ok(super::scenario::Scenario {
            name: self.name,
            title: one_line("title", self.title)?,
            lesson: one_line("lesson", self.lesson)?,
            sip_address: self.sip_address,
            domain: cx.domain,
            rules: self.rules,
            demo: self.demo,
            zones: cx.zones,
            records,
            hosts: cx.hosts,
            dns_failures,
            fix,
            before,
            after,
            outside,
            resolver: self.resolver,
            secondary: self.secondary,
            authoritative: self.authoritative,
        })
    }
}

impl RawOutside {
    fn validate(self, cx: &Context) -> Result<OutsideView, String> {
        let remove_records =
            match_list(&self.remove_records, &cx.domain, "outside.remove_records")?;
        for m in &remove_records {
            cx.in_zone("outside.remove_records", &m.name)?;
        }
        let add_records = cx.records(&self.add_records, "outside.add_records")?;
        if remove_records.is_empty() && add_records.is_empty() {
            return Err("[outside] changes nothing: list remove_records or add_records".into());
        }
        Ok(OutsideView {
            remove_records,
            add_records,
        })
    }
}

fn match_list(raw: &[RawMatch], domain: &Name, at: &str) -> Result<Vec<RecordMatch>, String> {
    raw.iter()
        .map(|m| {
            RecordMatch::parse(&m.name, &m.rtype, m.data.as_deref(), domain)
                .map_err(|e| format!("{at} `{}`: {e}", m.name))
        })
        .collect()
}

impl Fix {
    fn validate(self, cx: &Context) -> Result<super::scenario::Fix, String> {
        if self.description.trim().is_empty() || self.description.contains('\n') {
            return Err("fix.description must be one non-empty line".into());
        }
        let remove_records = match_list(&self.remove_records, &cx.domain, "fix.remove_records")?;
        let add_records = cx.records(&self.add_records, "fix.add_records")?;
        let publish_hosts = self
            .publish_hosts
            .iter()
            .map(|h| {
                cx.host_named(h)
                    .map_err(|e| format!("fix.publish_hosts: {e}"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut reissue = Vec::new();
        for r in self.reissue {
            let host = cx
                .host_named(&r.host)
                .map_err(|e| format!("fix.reissue: {e}"))?;
            let raw = Cert {
                names: r.names,
                cn: r.cn,
                validity: r.validity,
                issuer: r.issuer,
                purpose: r.purpose,
            };
            let cert = cert_spec(raw, &host);
            reissue.push((host, cert));
        }
        let mut listeners = Vec::new();
        for l in &self.listeners {
            let host = cx
                .host_named(&l.host)
                .map_err(|e| format!("fix.listeners: {e}"))?;
            let map = listener_map(
                &host,
                [
                    &l.tls,
                    &l.tcp,
                    &l.silent,
                    &l.https,
                    &l.http,
                    &l.tls10,
                    &l.tls12cbc,
                ],
            )?;
            listeners.push((host, map));
        }
        let mut web = Vec::new();
        for w in &self.web {
            let raw = w
                .host
                .as_deref()
                .ok_or("fix.web: each entry needs `host`")?;
            let host = cx.host_named(raw).map_err(|e| format!("fix.web: {e}"))?;
            web.push((host, w.validate(&cx.domain, "fix.web")?));
        }
        Ok(super::scenario::Fix {
            description: self.description.trim().to_string(),
            remove_records,
            add_records,
            publish_hosts,
            clear_dns_failures: self.clear_dns_failures,
            reissue,
            listeners,
            web,
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
