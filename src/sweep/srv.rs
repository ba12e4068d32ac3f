//! SRV rows (D5) and the additional-section fast path (issue 12 item 7).
//!
//! When an SRV answer carries a target's addresses in its additional
//! section, the probes start on them at once, beside the fresh address query
//! that every sweep still asks (D11). Once every target has a result, from
//! the hints or fresh, the row is streamed with its final status and marked
//! provisional ([`PROVISIONAL_NOTE`]): the verdict shows after one DNS round
//! trip plus the handshake. The fresh answer decides: when it names the same
//! addresses the result stands (the note goes, the fresh TTL comes in); when
//! it differs, or fails, the fresh addresses are probed, the corrected row is
//! streamed and a log line says the additional section was stale.

use std::net::IpAddr;
use std::time::Instant;

use futures::stream::{FuturesUnordered, StreamExt};

use super::run::{MAX_MEMBERS, Run, fill_addresses, merge_warnings, too_many};
use super::{PROVISIONAL_NOTE, memoised};
use crate::model::eventlog::LogKind;
use crate::model::judge;
use crate::model::ms;
use crate::model::{self, AddressProbe, DnsOutcome, RecordResult, Status, TargetResult};
use crate::plan::{Query, Transport};
use crate::probe::{AddrAnswer, DnsFailure, SrvAnswer};

/// What one step of a target does.
enum Work {
    /// Probe the addresses of the SRV answer's additional section.
    Hints(Vec<IpAddr>),
    /// Ask the target's addresses afresh (D11).
    Fresh,
    /// Probe the fresh addresses (the hints differed, or there were none).
    Probe(Box<TargetResult>),
}

/// What a step brought back.
enum Done {
    Hints(Vec<AddressProbe>, Vec<String>),
    Fresh(Result<AddrAnswer, DnsFailure>, u64),
    Probed(Box<TargetResult>, Vec<String>),
}

/// One SRV target on its way to a result.
struct Slot {
    /// The target as the SRV plan made it.
    base: TargetResult,
    /// The additional section's addresses, sorted, deduplicated.
    hint: Option<Vec<IpAddr>>,
    /// The hints' probes, while the fresh answer is awaited.
    early: Option<(Vec<AddressProbe>, Vec<String>)>,
    /// The target filled from the fresh answer, and its warnings so far.
    fresh: Option<(TargetResult, Vec<String>)>,
    /// What the fresh answer said when it did not confirm the hint.
    stale: Option<String>,
    /// The reconciled result.
    done: Option<(TargetResult, Vec<String>)>,
}

impl Slot {
    fn new(base: &TargetResult, answer: &SrvAnswer) -> Slot {
        let hint = answer
            .hints
            .get(&base.host.to_ascii_lowercase())
            .filter(|h| !h.is_empty())
            .map(|h| sorted(h.clone()));
        // Rejected targets (D4) are never asked or probed.
        let done = (base.status == Status::Rejected).then(|| (base.clone(), Vec::new()));
        Slot {
            base: base.clone(),
            hint,
            early: None,
            fresh: None,
            stale: None,
            done,
        }
    }

    /// Has a result to show: reconciled, or from hints not yet contradicted.
    fn settled(&self) -> bool {
        self.done.is_some() || (self.early.is_some() && self.stale.is_none())
    }

    /// The target as it stands: reconciled, or provisional from the hints.
    fn current(&self) -> Option<(TargetResult, Vec<String>)> {
        if let Some(done) = &self.done {
            return Some(done.clone());
        }
        let (probes, member_warnings) = self.early.clone().filter(|_| self.stale.is_none())?;
        let hint = self.hint.as_deref().unwrap_or_default();
        let mut t = self.base.clone();
        t.addresses = hint.iter().map(IpAddr::to_string).collect();
        Some(with_probes(
            t,
            Vec::new(),
            hint.len(),
            probes,
            member_warnings,
        ))
    }

    fn hints_back(&mut self, probes: Vec<AddressProbe>, warnings: Vec<String>) {
        if self.done.is_some() || self.stale.is_some() {
            return;
        }
        match self.fresh.take() {
            // The fresh answer already agreed: these probes are the result.
            Some((t, fresh_warnings)) => {
                let n = t.addresses.len();
                self.done = Some(with_probes(t, fresh_warnings, n, probes, warnings));
            }
            None => self.early = Some((probes, warnings)),
        }
    }

    /// Takes the fresh answer; returns the target to probe when the hints
    /// cannot stand for it.
    fn fresh_back(
        &mut self,
        answer: Result<AddrAnswer, DnsFailure>,
        dns_ms: u64,
    ) -> Option<TargetResult> {
        let mut t = self.base.clone();
        t.timings.dns_ms = Some(dns_ms);
        let a = match answer {
            Err(f) => {
                t.judged(&judge::target_dns_failure(&t.host, f));
                if self.hint.is_some() {
                    self.stale = Some(format!("the fresh query got: {}", t.detail));
                }
                self.done = Some((t, Vec::new()));
                return None;
            }
            Ok(a) => a,
        };
        fill_addresses(&mut t, &a);
        let warnings: Vec<String> = judge::cname_warning(&t.host, &a.cname_chain)
            .into_iter()
            .collect();
        let fresh = sorted(a.addresses);
        if self.hint.as_ref() == Some(&fresh) {
            match self.early.take() {
                Some((probes, member_warnings)) => {
                    let n = fresh.len();
                    self.done = Some(with_probes(t, warnings, n, probes, member_warnings));
                }
                None => self.fresh = Some((t, warnings)),
            }
            return None;
        }
        if self.hint.is_some() {
            self.stale = Some(format!("the fresh answer names {}", list(&fresh)));
        }
        self.fresh = Some((t.clone(), warnings));
        Some(t)
    }

    fn probed(&mut self, t: TargetResult, warnings: Vec<String>) {
        let mut all = self.fresh.take().map(|(_, w)| w).unwrap_or_default();
        merge_warnings(&mut all, warnings);
        self.done = Some((t, all));
    }

    /// The reconciled target; a slot left without one (never expected: each
    /// has a step in flight until it is done) keeps the plan's target.
    fn into_done(self) -> (TargetResult, Vec<String>) {
        self.done.unwrap_or((self.base, Vec::new()))
    }
}

/// `t` with the result of its members' probes (D14).
fn with_probes(
    mut t: TargetResult,
    mut warnings: Vec<String>,
    members: usize,
    probes: Vec<AddressProbe>,
    member_warnings: Vec<String>,
) -> (TargetResult, Vec<String>) {
    if members > MAX_MEMBERS {
        warnings.push(too_many(&t.host, members));
    }
    merge_warnings(&mut warnings, member_warnings);
    warnings.extend(t.take_members(probes));
    (t, warnings)
}

fn sorted(mut ips: Vec<IpAddr>) -> Vec<IpAddr> {
    ips.sort();
    ips.dedup();
    ips
}

fn list(ips: &[IpAddr]) -> String {
    if ips.is_empty() {
        return "no address".into();
    }
    ips.iter()
        .map(IpAddr::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `base` (the row while probing) with `targets`: the used target chosen
/// (D5) and followed.
fn assemble(base: &RecordResult, targets: Vec<(TargetResult, Vec<String>)>) -> RecordResult {
    let mut row = base.clone();
    row.targets = Vec::with_capacity(targets.len());
    for (t, warnings) in targets {
        row.warnings.extend(warnings);
        row.targets.push(t);
    }
    row.used_target = model::select::used_target(&row.targets);
    row.follow_used_target();
    row
}

impl Run<'_> {
    async fn srv(&self, name: &str) -> Result<SrvAnswer, DnsFailure> {
        memoised(&self.memo.srv, name, || self.sweep.dns.srv(name)).await
    }

    pub(super) async fn srv_row(&self, query: &Query, row: &mut RecordResult) {
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
        self.update(row).await;
        let transport = query.transport;
        let mut slots: Vec<Slot> = row.targets.iter().map(|t| Slot::new(t, &answer)).collect();
        let mut work = FuturesUnordered::new();
        for (i, s) in slots.iter().enumerate().filter(|(_, s)| s.done.is_none()) {
            let (host, port) = (&s.base.host, s.base.port);
            work.push(self.step(i, host.clone(), port, transport, Work::Fresh));
            if let Some(h) = &s.hint {
                let hints = Work::Hints(h.clone());
                work.push(self.step(i, host.clone(), port, transport, hints));
            }
        }
        let probing = row.clone();
        let mut shown = false;
        while slots.iter().any(|s| s.done.is_none()) {
            // Every step ends within its own timeout, so this loop ends too.
            let Some((i, done)) = work.next().await else {
                break;
            };
            match done {
                Done::Hints(probes, warnings) => slots[i].hints_back(probes, warnings),
                Done::Fresh(answer, dns_ms) => {
                    if let Some(t) = slots[i].fresh_back(answer, dns_ms) {
                        if shown && slots[i].stale.is_some() {
                            self.update(&reprobing(&probing, &t.host)).await;
                        }
                        let (host, port) = (t.host.clone(), t.port);
                        work.push(self.step(i, host, port, transport, Work::Probe(Box::new(t))));
                    }
                }
                Done::Probed(t, warnings) => slots[i].probed(*t, warnings),
            }
            let open = slots.iter().any(|s| s.done.is_none());
            if !shown && open && slots.iter().all(Slot::settled) {
                shown = true;
                self.provisional(&probing, &slots).await;
            }
        }
        // Probes of stale hints still running are dropped here.
        drop(work);
        let notes: Vec<(String, String, String)> = slots
            .iter()
            .filter_map(|s| {
                let stale = s.stale.clone()?;
                let hint = list(s.hint.as_deref().unwrap_or_default());
                Some((s.base.host.clone(), hint, stale))
            })
            .collect();
        *row = assemble(&probing, slots.into_iter().map(Slot::into_done).collect());
        for (host, hint, stale) in notes {
            let then = if shown {
                "the row shown from it was reconciled"
            } else {
                "the row was judged on the fresh answer"
            };
            self.log(
                LogKind::Info,
                format!(
                    "#{} SRV {}: the additional section's addresses for {host} ({hint}) were stale — {stale}; {then}: {} (D11: the fresh answer decides)",
                    row.index, row.name, row.status
                ),
            )
            .await;
        }
    }

    /// Streams the row from the targets as they stand, marked provisional:
    /// some of them rest on the additional section only.
    async fn provisional(&self, probing: &RecordResult, slots: &[Slot]) {
        let mut row = assemble(probing, slots.iter().filter_map(Slot::current).collect());
        row.warnings.push(PROVISIONAL_NOTE.to_string());
        row.elapsed_ms = ms(self.started.elapsed());
        self.update(&row).await;
    }

    async fn step(
        &self,
        i: usize,
        host: String,
        port: u16,
        transport: Transport,
        work: Work,
    ) -> (usize, Done) {
        let done = match work {
            // D9: the client expects the SRV target's name on the certificate.
            Work::Hints(ips) => {
                let (probes, warnings) = self.probe_members(port, transport, &host, &ips).await;
                Done::Hints(probes, warnings)
            }
            Work::Fresh => {
                let started = Instant::now();
                let answer = self.addresses(&host).await;
                Done::Fresh(answer, ms(started.elapsed()))
            }
            Work::Probe(mut t) => {
                let mut warnings = Vec::new();
                self.probe_target(&mut t, transport, &host, &mut warnings)
                    .await;
                Done::Probed(t, warnings)
            }
        };
        (i, done)
    }
}

/// The row while the fresh addresses of `host` are probed, after a
/// provisional row from stale hints was shown.
fn reprobing(probing: &RecordResult, host: &str) -> RecordResult {
    let mut row = probing.clone();
    row.detail = format!(
        "{host}: the fresh answer differs from the SRV answer's additional section; probing the fresh addresses (D11)"
    );
    row
}
