//! The model → output type conversions of the JSON document (issue 17
//! item 4): explicit, field by field, so the document's shape is decided
//! here and not by the model's serde attributes.

use super::types::*;
use crate::model::authority::{
    AuthoritativeServer as ModelServer, Authority, RowAuthority as ModelRow,
};
use crate::model::autodiscover::{HopResult, HttpResult};
use crate::model::clients::{ClientVerdict, SelectedRecord as ModelSelected};
use crate::model::vantage::VantageReport;
use crate::model::{self, AddressProbe, CertInfo, RecordResult, SweepReport, TargetResult};

impl From<&model::Verdict> for Verdict {
    fn from(v: &model::Verdict) -> Verdict {
        Verdict {
            signin: v.signin.into(),
            summary: v.summary.clone(),
            cause: v.cause.into(),
            state: v.state.into(),
            degraded: v
                .degraded
                .iter()
                .map(|d| Degraded {
                    code: d.code.into(),
                    sentence: d.sentence.clone(),
                })
                .collect(),
        }
    }
}

impl From<&model::Timings> for Timings {
    fn from(t: &model::Timings) -> Timings {
        Timings {
            dns_ms: t.dns_ms,
            connect_ms: t.connect_ms,
            tls_ms: t.tls_ms,
        }
    }
}

impl From<&model::TlsInfo> for Tls {
    fn from(t: &model::TlsInfo) -> Tls {
        Tls {
            version: t.version.clone(),
            cipher_suite: t.cipher_suite.clone(),
            legacy: t.legacy,
        }
    }
}

impl From<&CertInfo> for Certificate {
    fn from(c: &CertInfo) -> Certificate {
        Certificate {
            subject: c.subject.clone(),
            sans: c.sans.clone(),
            issuer: c.issuer.clone(),
            not_before: c.not_before.clone(),
            not_after: c.not_after.clone(),
            chain_len: c.chain_len,
            expected_name: c.expected_name.clone(),
            name_match: c.name_match.into(),
            trusted: c.trusted,
            trust_error: c.trust_error.clone(),
            chain: c
                .chain
                .iter()
                .map(|e| ChainEntry {
                    subject: e.subject.clone(),
                    issuer: e.issuer.clone(),
                })
                .collect(),
            thumbprint: c.thumbprint.clone(),
            serial: c.serial.clone(),
            key: c.key.clone(),
            ca_issuers: c.ca_issuers.clone(),
        }
    }
}

impl From<&AddressProbe> for Probe {
    fn from(p: &AddressProbe) -> Probe {
        Probe {
            address: p.address.clone(),
            status: p.status.into(),
            reason: p.reason.map(Into::into),
            detail: p.detail.clone(),
            tls: p.tls.as_ref().map(Into::into),
            certificate: p.certificate.as_ref().map(Into::into),
            dialed: p.dialed.clone(),
            timings: (&p.timings).into(),
            sip: p.sip.as_ref().map(Into::into),
        }
    }
}

impl From<&TargetResult> for Target {
    fn from(t: &TargetResult) -> Target {
        Target {
            host: t.host.clone(),
            port: t.port,
            priority: t.priority,
            weight: t.weight,
            addresses: t.addresses.clone(),
            status: t.status.into(),
            reason: t.reason.map(Into::into),
            certificate: t.certificate.as_ref().map(Into::into),
            detail: t.detail.clone(),
            ttl: t.ttl,
            cname_chain: t.cname_chain.clone(),
            dialed: t.dialed.clone(),
            timings: (&t.timings).into(),
            tls: t.tls.as_ref().map(Into::into),
            probes: t.probes.iter().map(Into::into).collect(),
            sip: t.sip.as_ref().map(Into::into),
        }
    }
}

impl From<&HopResult> for Hop {
    fn from(h: &HopResult) -> Hop {
        Hop {
            url: h.url.clone(),
            status_code: h.status_code,
            status: h.status.into(),
            reason: h.reason.map(Into::into),
            detail: h.detail.clone(),
        }
    }
}

impl From<&HttpResult> for Http {
    fn from(h: &HttpResult) -> Http {
        Http {
            url: h.url.clone(),
            status_code: h.status_code,
            content_type: h.content_type.clone(),
            links: h.links.clone(),
            hops: h.hops.iter().map(Into::into).collect(),
        }
    }
}

impl From<&RecordResult> for Record {
    fn from(r: &RecordResult) -> Record {
        Record {
            index: r.index,
            kind: r.kind.into(),
            name: r.name.clone(),
            transport: r.transport.into(),
            port: r.port,
            status: r.status.into(),
            reason: r.reason.map(Into::into),
            detail: r.detail.clone(),
            ttl: r.ttl,
            elapsed_ms: r.elapsed_ms,
            warnings: r.warnings.iter().map(|w| w.text.clone()).collect(),
            warning_codes: r.warnings.iter().map(|w| w.code.into()).collect(),
            targets: r.targets.iter().map(Into::into).collect(),
            dns: r.dns.map(Into::into),
            used_target: r.used_target,
            http: r.http.as_deref().map(Into::into),
            authoritative: None,
        }
    }
}

impl From<&ModelSelected> for SelectedRecord {
    fn from(s: &ModelSelected) -> SelectedRecord {
        SelectedRecord {
            index: s.index,
            kind: s.kind.into(),
            name: s.name.clone(),
            transport: s.transport.into(),
            status: s.status.into(),
        }
    }
}

impl From<&ClientVerdict> for Client {
    fn from(c: &ClientVerdict) -> Client {
        Client {
            profile: c.profile.clone(),
            title: c.title.clone(),
            selected: c.selected.as_ref().map(Into::into),
            signin: c.signin.into(),
            summary: c.summary.clone(),
        }
    }
}

impl From<&ModelServer> for AuthoritativeServer {
    fn from(s: &ModelServer) -> AuthoritativeServer {
        AuthoritativeServer {
            name: s.name.clone(),
            address: s.address.clone(),
            serial: s.serial,
            status: s.status.to_string(),
            state: (&s.status).into(),
        }
    }
}

impl From<&ModelRow> for RowAuthority {
    fn from(r: &ModelRow) -> RowAuthority {
        RowAuthority {
            agrees: r.agrees,
            answer: r.answer.clone(),
            detail: r.detail.clone(),
        }
    }
}

impl From<&Authority> for Authoritative {
    fn from(a: &Authority) -> Authoritative {
        Authoritative {
            zone: a.view.zone.clone(),
            servers: a.view.servers.iter().map(Into::into).collect(),
        }
    }
}

impl From<&SweepReport> for CheckDocument {
    fn from(r: &SweepReport) -> CheckDocument {
        CheckDocument {
            version: r.version,
            input: r.input.clone(),
            domain: r.domain.clone(),
            profile: r.profile.clone(),
            resolvers: r.resolvers.clone(),
            started_at: r.started_at.clone(),
            elapsed_ms: r.elapsed_ms,
            decided_ms: r.decided_ms,
            records: r.records.iter().map(Into::into).collect(),
            selected: r.selected,
            verdict: (&r.verdict).into(),
            clients: r.clients.iter().map(Into::into).collect(),
            expiry_warning_days: r.expiry_warning_days,
            authoritative: None,
            vantages: None,
        }
    }
}

impl From<&VantageReport> for Vantage {
    fn from(v: &VantageReport) -> Vantage {
        Vantage {
            label: v.label.clone(),
            resolvers: v.resolvers.clone(),
            records: v.records.iter().map(Into::into).collect(),
            selected: v.selected,
            verdict: (&v.verdict).into(),
            authoritative: None,
        }
    }
}

/// D11 on each record: its agreement with the zone, `null` where the zone
/// gave nothing to compare or could not be asked (`a` is `None`).
fn rows_with(records: &mut [Record], a: Option<&Authority>) {
    for r in records {
        r.authoritative = Some(a.and_then(|a| a.records.get(&r.index)).map(Into::into));
    }
}

impl CheckDocument {
    /// With `--authoritative`: the zone's view at the top and on each record.
    pub fn with_authority(mut self, a: Option<&Authority>) -> CheckDocument {
        self.authoritative = Some(a.map(Into::into));
        rows_with(&mut self.records, a);
        self
    }

    /// With vantages: every vantage, each with its zone's view when asked
    /// (`authority`: one per vantage, in the same order).
    pub fn with_vantages(
        mut self,
        each: &[VantageReport],
        authority: Option<&[Option<Authority>]>,
    ) -> CheckDocument {
        let list = each
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let mut out = Vantage::from(v);
                if let Some(all) = authority {
                    let a = all.get(i).and_then(Option::as_ref);
                    out.authoritative = Some(a.map(Into::into));
                    rows_with(&mut out.records, a);
                }
                out
            })
            .collect();
        self.vantages = Some(list);
        // D18: the top-level verdict is the worst vantage's (fail over
        // degraded over ok; the first of equals); each vantage keeps its own.
        if let Some(worst) = each.iter().rev().max_by_key(|v| v.verdict.state.severity()) {
            self.verdict = (&worst.verdict).into();
        }
        self
    }
}
