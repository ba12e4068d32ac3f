//! One sweep in flight: every row of the profile asked, every answer
//! probed, the evidence judged by `model::judge`, updates streamed.

use std::net::IpAddr;
use std::time::Instant;

use futures::future::join_all;
use tokio::sync::mpsc;

use super::{LogLine, Memo, Sweep, SweepEvent, SweepOptions, memoised};
use crate::model::eventlog::LogKind;
use crate::model::judge::{self, Judged};
use crate::model::ms;
use crate::model::{self, DnsOutcome, RecordResult, Status, TargetResult};
use crate::plan::{Query, RowKind, Transport};
use crate::probe::{self, AddrAnswer, DnsFailure, SrvAnswer};

/// D14: at most this many members of one name are probed, all at once.
const MAX_MEMBERS: usize = 16;

pub(super) struct Run<'a> {
    pub(super) sweep: &'a Sweep,
    pub(super) memo: Memo,
    pub(super) started: Instant,
    pub(super) events: Option<mpsc::UnboundedSender<SweepEvent>>,
    /// Rows with a higher index belong to other generations (the clients
    /// summary): asked, not streamed.
    pub(super) visible: usize,
}

impl Run<'_> {
    pub(super) fn emit(&self, event: SweepEvent) {
        if let Some(tx) = &self.events {
            // A closed receiver means nobody watches any more; the sweep still completes.
            let _ = tx.send(event);
        }
    }

    pub(super) fn update(&self, row: &RecordResult) {
        if row.index <= self.visible {
            self.emit(SweepEvent::Row(row.clone()));
        }
    }

    pub(super) fn log(&self, kind: LogKind, text: String) {
        self.emit(SweepEvent::Log(LogLine {
            elapsed_ms: ms(self.started.elapsed()),
            kind,
            text,
        }));
    }

    pub(super) fn options(&self) -> &SweepOptions {
        &self.sweep.settings.options
    }

    pub(super) async fn addresses(&self, name: &str) -> Result<AddrAnswer, DnsFailure> {
        memoised(&self.memo.addr, name, || self.sweep.dns.addresses(name)).await
    }

    async fn srv(&self, name: &str) -> Result<SrvAnswer, DnsFailure> {
        memoised(&self.memo.srv, name, || self.sweep.dns.srv(name)).await
    }

    pub(super) async fn row(&self, query: &Query) -> RecordResult {
        let mut row = RecordResult::pending(query);
        if let Some(j) = judge::transport_forbidden(query.transport, self.options().allow_tcp) {
            row.judged(&j);
        } else {
            row.status = Status::Querying;
            row.detail = format!(
                "asking {} for {} {}",
                self.sweep.dns.label(),
                query.kind.label(),
                query.name
            );
            self.update(&row);
            match query.kind {
                RowKind::Srv => self.srv_row(query, &mut row).await,
                RowKind::A => self.a_row(query, &mut row).await,
                RowKind::Autodiscover => self.autodiscover_row(query, &mut row).await,
            }
        }
        row.elapsed_ms = ms(self.started.elapsed());
        self.update(&row);
        if row.index <= self.visible {
            self.log(LogKind::Info, model::eventlog::row_line(&row));
        }
        row
    }

    pub(super) fn dns_failed(row: &mut RecordResult, query: &Query, f: DnsFailure) {
        row.dns = Some(f.outcome());
        row.judged(&judge::dns_failure(query.kind, &query.name, f));
    }

    /// A row that asks one fixed name (A and autodiscover rows): resolves
    /// it into the row's single target on `port`. `false` when the name did
    /// not resolve (the row then says why).
    pub(super) async fn resolve_fixed_name(
        &self,
        query: &Query,
        row: &mut RecordResult,
        port: u16,
    ) -> bool {
        let started = Instant::now();
        let answer = match self.addresses(&query.name).await {
            Err(f) => {
                Self::dns_failed(row, query, f);
                return false;
            }
            Ok(a) => a,
        };
        row.dns = Some(DnsOutcome::Answer);
        row.ttl = Some(answer.ttl);
        let mut target = TargetResult::new(&query.name, port);
        target.timings.dns_ms = Some(ms(started.elapsed()));
        fill_addresses(&mut target, &answer);
        row.targets.push(target);
        row.used_target = Some(0);
        row.status = Status::Probing;
        self.update(row);
        true
    }

    async fn a_row(&self, query: &Query, row: &mut RecordResult) {
        if !self
            .resolve_fixed_name(query, row, query.port.unwrap_or(443))
            .await
        {
            return;
        }
        // D6: the client expects the queried name on the certificate, not the CNAME's target.
        self.probe_target(
            &mut row.targets[0],
            query.transport,
            &query.name,
            &mut row.warnings,
        )
        .await;
        let t = &row.targets[0];
        row.status = t.status;
        row.reason = t.reason;
        row.detail = t.detail.clone();
    }

    async fn srv_row(&self, query: &Query, row: &mut RecordResult) {
        let answer = match self.srv(&query.name).await {
            Err(f) => return Self::dns_failed(row, query, f),
            Ok(a) => a,
        };
        row.dns = Some(DnsOutcome::Answer);
        row.ttl = Some(answer.ttl);
        let plan = judge::srv_plan(
            &query.name,
            &answer.records,
            &self.sweep.settings.target.domain,
            &self.options().trust,
            &query.typical_ports,
        );
        row.targets = plan.targets;
        row.warnings.extend(plan.warnings);
        if let Some(decided) = plan.decided {
            return row.judged(&decided);
        }
        row.status = Status::Probing;
        self.update(row);
        let transport = query.transport;
        let hints = &answer.hints;
        let results = join_all(
            row.targets
                .iter()
                .filter(|t| t.status != Status::Rejected)
                .map(|t| {
                    let hint = hints.get(&t.host.to_ascii_lowercase()).cloned();
                    self.srv_target(t.clone(), transport, hint)
                }),
        )
        .await;
        for (done, warnings) in results {
            row.warnings.extend(warnings);
            if let Some(slot) = row
                .targets
                .iter_mut()
                .find(|t| t.host == done.host && t.port == done.port)
            {
                *slot = done;
            }
        }
        row.used_target = model::select::used_target(&row.targets);
        row.follow_used_target();
    }

    /// An SRV target: its addresses asked afresh (D11), and its members
    /// probed. When the SRV answer carried the target's addresses in its
    /// additional section, the probes start on those at once, beside the
    /// fresh query; they count only if the fresh answer names the same
    /// addresses, otherwise the fresh ones are probed.
    async fn srv_target(
        &self,
        mut t: TargetResult,
        transport: Transport,
        hint: Option<Vec<IpAddr>>,
    ) -> (TargetResult, Vec<String>) {
        let mut warnings = Vec::new();
        let started = Instant::now();
        let hint = hint.filter(|h| !h.is_empty()).map(|mut h| {
            h.sort();
            h.dedup();
            h
        });
        let host = t.host.clone();
        let early = async {
            match &hint {
                Some(h) => Some(self.probe_members(t.port, transport, &host, h).await),
                None => None,
            }
        };
        let fresh = async {
            let answer = self.addresses(&host).await;
            (answer, ms(started.elapsed()))
        };
        let ((answer, dns_ms), early) = futures::join!(fresh, early);
        t.timings.dns_ms = Some(dns_ms);
        match answer {
            Err(f) => {
                let j = judge::target_dns_failure(&t.host, f);
                t.judged(&j);
            }
            Ok(a) => {
                fill_addresses(&mut t, &a);
                warnings.extend(judge::cname_warning(&t.host, &a.cname_chain));
                let mut fresh_set = a.addresses.clone();
                fresh_set.sort();
                fresh_set.dedup();
                match (early, &hint) {
                    (Some((probes, member_warnings)), Some(h)) if *h == fresh_set => {
                        if fresh_set.len() > MAX_MEMBERS {
                            warnings.push(too_many(&host, fresh_set.len()));
                        }
                        merge_warnings(&mut warnings, member_warnings);
                        warnings.extend(t.take_members(probes));
                    }
                    _ => {
                        self.probe_target(&mut t, transport, &host, &mut warnings)
                            .await;
                    }
                }
            }
        }
        (t, warnings)
    }

    async fn probe_target(
        &self,
        t: &mut TargetResult,
        transport: Transport,
        expected: &str,
        warnings: &mut Vec<String>,
    ) {
        // D14: every address of the target is a pool member the client may try.
        let members: Vec<IpAddr> = t.addresses.iter().filter_map(|a| a.parse().ok()).collect();
        if members.is_empty() {
            let host = t.host.clone();
            t.judged(&Judged {
                status: Status::Missing,
                reason: model::Reason::NoUsableAddress { host },
            });
            return;
        }
        if members.len() > MAX_MEMBERS {
            warnings.push(too_many(&t.host, members.len()));
        }
        let mut members = members;
        members.sort();
        let (probes, member_warnings) = self
            .probe_members(t.port, transport, expected, &members)
            .await;
        merge_warnings(warnings, member_warnings);
        warnings.extend(t.take_members(probes));
    }

    /// D14: probes the first [`MAX_MEMBERS`] of `members` (sorted) at once.
    async fn probe_members(
        &self,
        port: u16,
        transport: Transport,
        expected: &str,
        members: &[IpAddr],
    ) -> (Vec<model::AddressProbe>, Vec<String>) {
        let wildcards = self.options().profile.wildcards;
        let results = join_all(members.iter().take(MAX_MEMBERS).map(|ip| async move {
            let e = probe::probe(&self.sweep.probe, *ip, port, transport, expected).await;
            let j = judge::probe(&e, expected, wildcards);
            judge::address_probe(&e, j)
        }))
        .await;
        let mut probes = Vec::new();
        let mut warnings = Vec::new();
        for (p, member_warnings) in results {
            merge_warnings(&mut warnings, member_warnings);
            probes.push(p);
        }
        (probes, warnings)
    }
}

fn too_many(host: &str, n: usize) -> String {
    format!("{host} has {n} addresses; the first {MAX_MEMBERS} in address order were probed (D14)")
}

/// Adds `more` to `warnings`, each once.
fn merge_warnings(warnings: &mut Vec<String>, more: Vec<String>) {
    for w in more {
        if !warnings.contains(&w) {
            warnings.push(w);
        }
    }
}

pub(super) fn fill_addresses(t: &mut TargetResult, a: &AddrAnswer) {
    t.addresses = a.addresses.iter().map(|ip| ip.to_string()).collect();
    t.ttl = Some(a.ttl);
    t.cname_chain = a.cname_chain.clone();
}
