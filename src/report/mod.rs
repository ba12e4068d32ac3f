//! Headless renderings of a sweep: the `check` table and the JSON document.
//!
//! The JSON is built from the model by explicit conversions ([`convert`])
//! into output types of its own ([`types`], labels in [`labels`]), and
//! written by the one escaping writer ([`json`]: pretty, or one line for
//! JSON Lines).

pub mod authority;
mod convert;
pub mod json;
pub mod labels;
pub mod sip;
pub mod text;
pub mod types;
pub mod vantages;

use crate::model::SweepReport;
use crate::model::authority::Authority;
use crate::model::vantage::VantageReport;
pub use types::CheckDocument;

/// The JSON document, version 1 (see docs/json.md).
pub fn to_json(report: &SweepReport) -> String {
    json::to_string_pretty(&CheckDocument::from(report))
}

/// The same document on one line, for JSON Lines (one sweep per line).
pub fn to_json_line(report: &SweepReport) -> String {
    json::to_line(&CheckDocument::from(report))
}

/// The document with `authoritative` at the top and on each record (D11).
pub fn to_json_with_authority(report: &SweepReport, a: &Authority) -> String {
    json::to_string_pretty(&CheckDocument::from(report).with_authority(Some(a)))
}

/// `check --json`: the document, with the authoritative view when it was
/// asked (D11).
pub fn check_json(report: &SweepReport, a: Option<&Authority>) -> String {
    match a {
        Some(a) => to_json_with_authority(report, a),
        None => to_json(report),
    }
}

/// `check`'s text: the table (coloured when `styled`), then the
/// authoritative view when it was asked (D11).
pub fn check_text(report: &SweepReport, a: Option<&Authority>, styled: bool) -> String {
    let mut out = text::render_styled(report, styled);
    if let Some(a) = a {
        out.push_str(&authority::text(report, a));
    }
    out
}

/// The `check --json` document as output types: the first vantage's
/// version-1 document (so version-1 readers keep working); with `each`,
/// every vantage under `vantages` (D12); with `authority` (one per vantage),
/// `authoritative` at the top (the first vantage's), on each vantage and on
/// every record (D11).
pub fn document(
    first: &SweepReport,
    each: Option<&[VantageReport]>,
    authority: Option<&[Option<Authority>]>,
) -> CheckDocument {
    let mut doc = CheckDocument::from(first);
    if let Some(all) = authority {
        doc = doc.with_authority(all.first().and_then(Option::as_ref));
    }
    match each {
        Some(each) => doc.with_vantages(each, authority),
        None => doc,
    }
}

/// [`document`] with every vantage, pretty (`check --vantage --json`).
pub fn to_json_with_vantages(
    first: &SweepReport,
    each: &[VantageReport],
    authority: Option<&[Option<Authority>]>,
) -> String {
    json::to_string_pretty(&document(first, Some(each), authority))
}

#[cfg(test)]
mod tests;
