//! One sweep in flight: every row of the profile asked, every answer
//! probed, the evidence judged by `model::judge`, updates streamed.

use std::net::IpAddr;
use std::time::Instant;

use futures::future::join_all;
use tokio::sync::mpsc;

use super::{LogLine, Memo, Sweep, SweepEvent, SweepOptions, memoised};
use crate::model::eventlog::LogKind;
use crate::model::judge;
use crate::model::ms;
use crate::model::{self, DnsOutcome, RecordResult, Status, TargetResult};
use crate::plan::{Query, RowKind, Transport};
use crate::probe::{self, AddrAnswer, DnsFailure};

/// D14: at most this many members of one name are probed, all at once.
pub(super) const MAX_MEMBERS: usize = 16;

pub(super) struct Run<'a> {
    pub(super) sweep: &'a Sweep,
    pub(super) memo: Memo,
    pub(super) started: Instant,
    pub(super) events: Option<mpsc::Sender<SweepEvent>>,
    /// Rows with a higher index belong to other generations (the clients
    /// summary): asked, not streamed.
    pub(super) visible: usize,
    /// When the verdict was decided (issue 17 item 4: `decided_ms`).
    pub(super) decision: std::sync::Mutex<model::decision::Decision>,
}

impl Run<'_> {
    /// Sends `event` to the watcher, if any. The channel is bounded: a slow
    /// watcher slows the sweep (back-pressure) instead of piling events up.
    pub(super) async fn emit(&self, event: SweepEvent) {
        if let Some(tx) = &self.events {
            // A closed receiver means nobody watches any more; the sweep still completes.
            let _ = tx.send(event).await;
        }
    }

    /// Whether anyone receives events: without a watcher (the audit, the
    /// exporter) rows, log lines and the finished report are not copied.
    pub(super) fn watched(&self) -> bool {
        self.events.is_some()
    }

    pub(super) async fn update(&self, row: &RecordResult) {
        if row.index <= self.visible {
            let at = ms(self.started.elapsed());
            self.decision
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .see(row, at);
            if self.watched() {
                self.emit(SweepEvent::Row(row.clone())).await;
            }
        }
    }

    pub(super) fn decided_ms(&self, report: &model::SweepReport) -> u64 {
        let d = self.decision.lock().unwrap_or_else(|p| p.into_inner());
        d.decided_ms(report)
    }

    pub(super) async fn log(&self, kind: LogKind, text: String) {
        self.emit(SweepEvent::Log(LogLine {
            elapsed_ms: ms(self.started.elapsed()),
            kind,
            text,
        }))
        .await;
    }

    pub(super) fn options(&self) -> &SweepOptions {
        &self.sweep.settings.options
    }

    pub(super) async fn addresses(&self, name: &str) -> Result<AddrAnswer, DnsFailure> {
        memoised(&self.memo.addr, name, || self.sweep.dns.addresses(name)).await
    }

    pub(super) async fn row(&self, query: &Query) -> RecordResult {
        let mut row = RecordResult::pending(query);
        let options = self.options();
        if let Some(j) = judge::transport_forbidden(
            query.transport,
            options.allow_tcp,
            options.profile.tcp_by_default,
        ) {
            row.judged(&j);
        } else {
            row.status = Status::Querying;
            row.detail = format!(
                "asking {} for {} {}",
                self.sweep.dns.label(),
                query.kind.label(),
                query.name
            );
            self.update(&row).await;
            match query.kind {
                RowKind::Srv => self.srv_row(query, &mut row).await,
                RowKind::A => self.a_row(query, &mut row).await,
                RowKind::Autodiscover => self.autodiscover_row(query, &mut row).await,
            }
        }
        row.elapsed_ms = ms(self.started.elapsed());
        self.update(&row).await;
        if row.index <= self.visible && self.watched() {
            self.log(LogKind::Info, model::eventlog::row_line(&row))
                .await;
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
        self.update(row).await;
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

    pub(super) async fn probe_target(
        &self,
        t: &mut TargetResult,
        transport: Transport,
        expected: &str,
        warnings: &mut Vec<model::Warning>,
    ) {
        // D14: every address of the target is a pool member the client may try.
        let members: Vec<IpAddr> = t.addresses.iter().filter_map(|a| a.parse().ok()).collect();
        if members.is_empty() {
            t.judged(&judge::no_usable_address(&t.host));
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
    pub(super) async fn probe_members(
        &self,
        port: u16,
        transport: Transport,
        expected: &str,
        members: &[IpAddr],
    ) -> (Vec<model::AddressProbe>, Vec<model::Warning>) {
        let results = join_all(members.iter().take(MAX_MEMBERS).map(|ip| async move {
            let (e, j, _) = self.probe_address(*ip, port, transport, expected).await;
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

impl Run<'_> {
    /// One address through the probe pipeline ([`probe::stage`]), judged
    /// (`model::judge`): the evidence, the judgement, and the connection
    /// when the last stage left one open (D13: the autodiscover GET).
    pub(super) async fn probe_address(
        &self,
        ip: IpAddr,
        port: u16,
        transport: Transport,
        expected: &str,
    ) -> (
        crate::model::evidence::ProbeEvidence,
        judge::ProbeJudgement,
        Option<Box<dyn probe::Stream>>,
    ) {
        let (e, stream) = probe::connect(&self.sweep.probe, ip, port, transport, expected).await;
        let j = judge::probe(&e, expected, self.options().profile.wildcards);
        (e, j, stream)
    }
}

pub(super) fn too_many(host: &str, n: usize) -> model::Warning {
    model::Warning::new(
        model::WarningCode::TooManyMembers,
        format!(
            "{host} has {n} addresses; the first {MAX_MEMBERS} in address order were probed (D14)"
        ),
    )
}

/// Adds `more` to `warnings`, each once.
pub(super) fn merge_warnings(warnings: &mut Vec<model::Warning>, more: Vec<model::Warning>) {
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
