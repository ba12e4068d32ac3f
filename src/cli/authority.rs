//! `sipscope check --authoritative` (D11): the zone's own servers beside the
//! resolver's answers, in text and in the JSON.

use crate::model::SweepReport;
use crate::model::authority::Authority;

/// The version-1 document with `authoritative` at the top and on each record.
pub fn to_json(report: &SweepReport, a: &Authority) -> String {
    let mut doc = serde_json::to_value(report).unwrap_or_default();
    insert(&mut doc, Some(a));
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

/// Puts `a`'s view at the top of `doc` (a report or a vantage) and each
/// record's agreement on its record (`null` where not asked, or when `a` is
/// `None`: the check could not run for this vantage).
pub fn insert(doc: &mut serde_json::Value, a: Option<&Authority>) {
    if let Some(records) = doc.get_mut("records").and_then(|r| r.as_array_mut()) {
        for value in records.iter_mut() {
            let index = value
                .get("index")
                .and_then(|i| i.as_u64())
                .and_then(|i| usize::try_from(i).ok());
            if let Some(obj) = value.as_object_mut() {
                let row = a
                    .zip(index)
                    .and_then(|(a, i)| a.records.get(&i))
                    .and_then(|x| serde_json::to_value(x).ok())
                    .unwrap_or(serde_json::Value::Null);
                obj.insert("authoritative".into(), row);
            }
        }
    }
    if let Some(obj) = doc.as_object_mut() {
        let view = a
            .and_then(|a| serde_json::to_value(&a.view).ok())
            .unwrap_or(serde_json::Value::Null);
        obj.insert("authoritative".into(), view);
    }
}
