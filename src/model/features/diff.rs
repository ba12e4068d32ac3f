//! What changed between two sweeps. Pure, so the dashboard (change markers),
//! snapshots (history) and `snapshots diff` share one definition.
//!
//! Rows are matched by what they ask — kind, name, transport and port — not by
//! position, so two sweeps with different profiles still line up where they
//! ask the same thing.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::{CertInfo, RecordResult, Status, SweepReport, TargetResult};
use crate::plan::{RowKind, Transport};

/// What identifies a row across sweeps.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RowKey {
    pub kind: RowKind,
    pub name: String,
    pub transport: Transport,
    pub port: Option<u16>,
}

impl RowKey {
    pub fn of(r: &RecordResult) -> RowKey {
        RowKey {
            kind: r.kind,
            name: r.name.clone(),
            transport: r.transport,
            port: r.port,
        }
    }
}

impl fmt::Display for RowKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {}",
            self.kind.label(),
            self.name,
            self.transport.label()
        )?;
        if let Some(p) = self.port {
            write!(f, ":{p}")?;
        }
        Ok(())
    }
}

/// A row whose status differs between two sweeps (`missing → found`).
/// `from`/`to` is `None` when the row exists in only one of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowStatusChange {
    /// The row's number in the later sweep (the earlier one's when it is gone).
    pub index: usize,
    pub row: RowKey,
    pub from: Option<Status>,
    pub to: Option<Status>,
}

impl fmt::Display for RowStatusChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = |st: Option<Status>| st.map_or("(absent)", Status::label);
        write!(
            f,
            "#{} {}: {} → {}",
            self.index,
            self.row,
            s(self.from),
            s(self.to)
        )
    }
}

/// Pairs the rows of two sweeps: every row of `after` with its match in
/// `before` (if any), then the rows of `before` that `after` lacks.
fn pair<'a>(
    before: &'a SweepReport,
    after: &'a SweepReport,
) -> Vec<(Option<&'a RecordResult>, Option<&'a RecordResult>)> {
    let mut used = vec![false; before.records.len()];
    let mut pairs = Vec::new();
    for b in &after.records {
        let key = RowKey::of(b);
        let found = before
            .records
            .iter()
            .enumerate()
            .find(|(i, a)| !used[*i] && RowKey::of(a) == key);
        match found {
            Some((i, a)) => {
                used[i] = true;
                pairs.push((Some(a), Some(b)));
            }
            None => pairs.push((None, Some(b))),
        }
    }
    for (i, a) in before.records.iter().enumerate() {
        if !used[i] {
            pairs.push((Some(a), None));
        }
    }
    pairs
}

/// Rows whose status changed from `before` to `after`, in `after`'s order.
pub fn status_changes(before: &SweepReport, after: &SweepReport) -> Vec<RowStatusChange> {
    pair(before, after)
        .into_iter()
        .filter_map(|(a, b)| {
            let (from, to) = (a.map(|r| r.status), b.map(|r| r.status));
            if from == to {
                return None;
            }
            let row = b.or(a)?;
            Some(RowStatusChange {
                index: row.index,
                row: RowKey::of(row),
                from,
                to,
            })
        })
        .collect()
}

/// Which part of a sweep a [`Change`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Aspect {
    Domain,
    Profile,
    Resolvers,
    /// The row exists in only one sweep.
    Row,
    Status,
    Targets,
    Addresses,
    Certificate,
    Ttl,
    Selected,
    Verdict,
    /// A setting recorded beside the sweep (trust, CA files, …).
    Setting,
    /// A vantage only one snapshot has (D12).
    Vantage,
    /// The zone's own servers: a serial, or a record's agreement (D11).
    Zone,
    /// D17: what answered the REGISTER.
    Sip,
}

impl Aspect {
    pub fn label(self) -> &'static str {
        match self {
            Aspect::Domain => "domain",
            Aspect::Profile => "profile",
            Aspect::Resolvers => "resolvers",
            Aspect::Row => "row",
            Aspect::Status => "status",
            Aspect::Targets => "targets",
            Aspect::Addresses => "addresses",
            Aspect::Certificate => "certificate",
            Aspect::Ttl => "TTL",
            Aspect::Selected => "selected row",
            Aspect::Verdict => "verdict",
            Aspect::Setting => "setting",
            Aspect::Vantage => "vantage",
            Aspect::Zone => "zone",
            Aspect::Sip => "sip",
        }
    }
}

/// One difference between two sweeps, ready to print.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// The row (`#3 SRV _sip._tls.contoso.com TLS`), or `None` for the sweep as a whole.
    pub row: Option<String>,
    pub aspect: Aspect,
    pub before: String,
    pub after: String,
}

impl Change {
    pub fn new(
        row: Option<String>,
        aspect: Aspect,
        before: impl Into<String>,
        after: impl Into<String>,
    ) -> Change {
        Change {
            row,
            aspect,
            before: before.into(),
            after: after.into(),
        }
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(row) = &self.row {
            write!(f, "{row}  ")?;
        }
        write!(
            f,
            "{}: {} → {}",
            self.aspect.label(),
            self.before,
            self.after
        )
    }
}

/// A certificate in one line: subject, names, issuer, expiry, name match and trust.
pub fn describe_certificate(c: &CertInfo) -> String {
    let sans = if c.sans.is_empty() {
        "no SAN".to_string()
    } else {
        format!("SAN {}", c.sans.join(" "))
    };
    let trust = if c.trusted {
        "trusted".to_string()
    } else {
        match &c.trust_error {
            Some(why) => format!("untrusted ({why})"),
            None => "untrusted".to_string(),
        }
    };
    format!(
        "{}; {sans}; issuer {}; valid until {}; {} name match for {}; {trust}",
        c.subject,
        c.issuer,
        c.not_after,
        format!("{:?}", c.name_match).to_lowercase(),
        c.expected_name
    )
}

fn or_dash(parts: Vec<String>) -> String {
    if parts.is_empty() {
        "-".into()
    } else {
        parts.join("; ")
    }
}

fn targets(r: &RecordResult) -> String {
    or_dash(
        r.targets
            .iter()
            .map(|t| format!("{}:{} {}", t.host, t.port, t.status))
            .collect(),
    )
}

fn addresses(r: &RecordResult) -> String {
    or_dash(
        r.targets
            .iter()
            .filter(|t| !t.addresses.is_empty())
            .map(|t| format!("{} {}", t.host, t.addresses.join(" ")))
            .collect(),
    )
}

fn certificates(r: &RecordResult) -> String {
    let one = |t: &TargetResult| {
        t.certificate
            .as_ref()
            .map(|c| format!("{}: {}", t.host, describe_certificate(c)))
    };
    or_dash(r.targets.iter().filter_map(one).collect())
}

/// D17: `401 RTC/6.0` or `not-sip` per target that was asked (the host
/// named when the row has several).
fn sip(r: &RecordResult) -> String {
    let several = r.targets.len() > 1;
    let one = |t: &TargetResult| {
        let brief = t.sip.as_ref()?.brief();
        Some(if several {
            format!("{} {brief}", t.host)
        } else {
            brief
        })
    };
    or_dash(r.targets.iter().filter_map(one).collect())
}

fn ttl(r: &RecordResult) -> String {
    r.ttl.map_or_else(|| "-".into(), |t| t.to_string())
}

/// How one aspect of a row is shown (and compared).
type Show = fn(&RecordResult) -> String;

fn label(r: &RecordResult) -> String {
    format!("#{} {}", r.index, RowKey::of(r))
}

/// Every difference between two sweeps that matters to sign-in: domain,
/// profile, resolvers, each row's status, targets, addresses, certificates and
/// TTL, the selected row and the verdict. Timings and start times are ignored,
/// so two sweeps of an unchanged deployment compare equal.
pub fn changes(before: &SweepReport, after: &SweepReport) -> Vec<Change> {
    let mut out = Vec::new();
    let mut whole = |aspect, a: String, b: String| {
        if a != b {
            out.push(Change::new(None, aspect, a, b));
        }
    };
    whole(Aspect::Domain, before.domain.clone(), after.domain.clone());
    whole(
        Aspect::Profile,
        before.profile.clone(),
        after.profile.clone(),
    );
    whole(
        Aspect::Resolvers,
        before.resolvers.join(", "),
        after.resolvers.join(", "),
    );
    for (a, b) in pair(before, after) {
        match (a, b) {
            (Some(a), Some(b)) => {
                let row = label(b);
                let aspects: [(Aspect, Show); 6] = [
                    (Aspect::Status, |r| r.status.to_string()),
                    (Aspect::Targets, targets),
                    (Aspect::Addresses, addresses),
                    (Aspect::Certificate, certificates),
                    (Aspect::Sip, sip),
                    (Aspect::Ttl, ttl),
                ];
                for (aspect, show) in aspects {
                    let (x, y) = (show(a), show(b));
                    if x != y {
                        out.push(Change::new(Some(row.clone()), aspect, x, y));
                    }
                }
            }
            (Some(a), None) => {
                out.push(Change::new(Some(label(a)), Aspect::Row, "asked", "absent"))
            }
            (None, Some(b)) => {
                out.push(Change::new(Some(label(b)), Aspect::Row, "absent", "asked"))
            }
            (None, None) => {}
        }
    }
    let selected = |r: &SweepReport| {
        r.selected
            .and_then(|i| r.record(i))
            .map_or_else(|| "none".to_string(), label)
    };
    let (sa, sb) = (selected(before), selected(after));
    if sa != sb {
        out.push(Change::new(None, Aspect::Selected, sa, sb));
    }
    if before.verdict != after.verdict {
        let v = |r: &SweepReport| {
            // D18: the state (ok, degraded, fail) is part of the verdict.
            let word = r.verdict.state.label();
            format!("{word}: {}", r.verdict.summary)
        };
        out.push(Change::new(None, Aspect::Verdict, v(before), v(after)));
    }
    out
}

#[cfg(test)]
mod tests;
