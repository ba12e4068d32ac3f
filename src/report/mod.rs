//! Headless renderings of a sweep: the `check` table and the JSON document.

pub mod authority;
pub mod text;

use crate::model::SweepReport;

/// The JSON document, version 1 (see docs/json.md).
pub fn to_json(report: &SweepReport) -> String {
    // Serialising plain data structures cannot fail.
    serde_json::to_string_pretty(report).unwrap_or_default()
}
