//! `sipscope check --authoritative` (D11): the zone's own servers beside the
//! resolver's answers, in text and in the JSON.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::error::Failure;
use crate::model::SweepReport;
use crate::model::authority::{AuthoritativeView, RowAuthority, judge};
use crate::probe::Dns;
use crate::sweep::SweepOptions;
use crate::text::clean;

/// The judged view: the servers, and each record's agreement.
pub struct Authority {
    pub view: AuthoritativeView,
    pub rows: BTreeMap<usize, RowAuthority>,
}

/// Finds the zone and asks its servers every question of `report`.
pub async fn look(report: &SweepReport, options: &SweepOptions) -> Result<Authority, Failure> {
    let resolver =
        Dns::new(&options.resolvers, options.timeout).map_err(|e| Failure::usage(e.to_string()))?;
    let questions: Vec<_> = report
        .records
        .iter()
        .map(|r| (r.kind, r.name.clone()))
        .collect();
    let evidence = crate::probe::authority::look(
        &resolver,
        &report.domain,
        &questions,
        &options.dial,
        options.timeout,
    )
    .await
    .map_err(|e| Failure::runtime(format!("the authoritative check could not run: {e}")))?;
    let (view, rows) = judge(report, &evidence);
    Ok(Authority { view, rows })
}

/// The servers, their serials, and the records where the resolver differs.
pub fn text(report: &SweepReport, a: &Authority) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\nAuthoritative servers of zone {} (asked directly, D11):",
        clean(&a.view.zone)
    );
    for s in &a.view.servers {
        let serial = s.serial.map_or("-".to_string(), |n| n.to_string());
        let _ = writeln!(
            out,
            "  {}  {}  serial {serial}  {}",
            clean(&s.name),
            clean(&s.address),
            clean(&s.status)
        );
    }
    let differ: Vec<String> = report
        .records
        .iter()
        .filter_map(|r| {
            a.rows
                .get(&r.index)
                .filter(|x| !x.agrees)
                .map(|x| format!("  #{} {}: {}", r.index, clean(&r.name), clean(&x.detail)))
        })
        .collect();
    if differ.is_empty() {
        let _ = writeln!(out, "The resolver agrees with what the zone publishes.");
    } else {
        let _ = writeln!(out, "The resolver differs from the zone:");
        for d in differ {
            let _ = writeln!(out, "{d}");
        }
        let _ = writeln!(
            out,
            "Sign-in is judged on the resolver's answers: that is what clients see until it expires."
        );
    }
    out
}

/// The version-1 document with `authoritative` at the top and on each record.
pub fn to_json(report: &SweepReport, a: &Authority) -> String {
    let mut doc = serde_json::to_value(report).unwrap_or_default();
    if let Some(records) = doc.get_mut("records").and_then(|r| r.as_array_mut()) {
        for (value, r) in records.iter_mut().zip(&report.records) {
            if let Some(obj) = value.as_object_mut() {
                let row = a
                    .rows
                    .get(&r.index)
                    .and_then(|x| serde_json::to_value(x).ok())
                    .unwrap_or(serde_json::Value::Null);
                obj.insert("authoritative".into(), row);
            }
        }
    }
    if let Some(obj) = doc.as_object_mut() {
        obj.insert(
            "authoritative".into(),
            serde_json::to_value(&a.view).unwrap_or_default(),
        );
    }
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}
