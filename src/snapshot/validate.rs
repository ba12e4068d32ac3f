//! A loaded snapshot is checked for sense before anything uses it: a file
//! is user input (it may be old, hand-edited, truncated or hostile), and the
//! dashboard and the reports index into it.

use std::collections::HashSet;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{FORMAT, Snapshot};
use crate::model::{DOCUMENT_VERSION, SweepReport};

/// Most records one sweep may hold (a profile has about ten).
pub const MAX_RECORDS: usize = 1000;
/// Most targets one record may hold.
pub const MAX_TARGETS: usize = 1000;
/// Most earlier sweeps and change entries a snapshot may hold.
pub const MAX_SWEEPS: usize = 1000;

/// Why `s` makes no sense, in one line; `None` when it is fine.
pub fn problem(s: &Snapshot) -> Option<String> {
    if s.format != FORMAT {
        return Some(format!(
            "snapshot format {} (this sipscope reads {FORMAT})",
            s.format
        ));
    }
    if !is_time(&s.saved_at) {
        return Some(format!(
            "saved_at {:?} is not an RFC 3339 time",
            clip(&s.saved_at)
        ));
    }
    if s.earlier.len() > MAX_SWEEPS || s.changes.len() > MAX_SWEEPS {
        return Some(format!("more than {MAX_SWEEPS} sweeps"));
    }
    if let Some(why) = report_problem(&s.current) {
        return Some(format!("current sweep: {why}"));
    }
    for (i, r) in s.earlier.iter().enumerate() {
        if let Some(why) = report_problem(r) {
            return Some(format!("earlier sweep {}: {why}", i + 1));
        }
    }
    if let Some(why) = vantages_problem(s) {
        return Some(why);
    }
    for c in &s.changes {
        if !is_time(&c.started_at) {
            return Some(format!(
                "change of sweep {}: started_at {:?} is not an RFC 3339 time",
                c.sweep,
                clip(&c.started_at)
            ));
        }
    }
    None
}

/// Vantages a snapshot may hold.
pub const MAX_VANTAGES: usize = 16;

/// Why the vantages of a snapshot make no sense, if they do not.
fn vantages_problem(s: &Snapshot) -> Option<String> {
    if s.vantages.len() > MAX_VANTAGES {
        return Some(format!(
            "{} vantages (at most {MAX_VANTAGES})",
            s.vantages.len()
        ));
    }
    for v in &s.vantages {
        if let Some(why) = report_problem(&v.current) {
            return Some(format!(
                "vantage {}: {why}",
                crate::text::echo_max(&v.label, 40)
            ));
        }
    }
    None
}

/// Why one sweep document makes no sense, in a few words.
pub fn report_problem(r: &SweepReport) -> Option<String> {
    if r.version != DOCUMENT_VERSION {
        return Some(format!(
            "document version {} (this sipscope reads {DOCUMENT_VERSION})",
            r.version
        ));
    }
    if !is_time(&r.started_at) {
        return Some(format!(
            "started_at {:?} is not an RFC 3339 time",
            clip(&r.started_at)
        ));
    }
    let n = r.records.len();
    if n == 0 {
        return Some("no records".into());
    }
    if n > MAX_RECORDS {
        return Some(format!("{n} records (at most {MAX_RECORDS})"));
    }
    let mut seen = HashSet::new();
    for rec in &r.records {
        if rec.index == 0 || rec.index > n {
            return Some(format!("record index {} is outside 1..={n}", rec.index));
        }
        if !seen.insert(rec.index) {
            return Some(format!("record index {} appears twice", rec.index));
        }
        if rec.targets.len() > MAX_TARGETS {
            return Some(format!(
                "record {} has {} targets (at most {MAX_TARGETS})",
                rec.index,
                rec.targets.len()
            ));
        }
        if let Some(u) = rec.used_target
            && u >= rec.targets.len()
        {
            return Some(format!(
                "record {} uses target {u}, but has {}",
                rec.index,
                rec.targets.len()
            ));
        }
    }
    if let Some(sel) = r.selected
        && !seen.contains(&sel)
    {
        return Some(format!("selected record {sel} does not exist"));
    }
    None
}

fn is_time(s: &str) -> bool {
    OffsetDateTime::parse(s, &Rfc3339).is_ok()
}

fn clip(s: &str) -> String {
    crate::text::echo_max(s, 40)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use proptest::prelude::*;
    use serde_json::{Value, json};

    use crate::snapshot::{Session, SettingsSummary, Snapshot, parse, parse_bytes};
    use crate::sweep::{SweepSettings, initial_report};

    fn good() -> Value {
        let settings = SweepSettings::new(
            crate::input::parse_target("contoso.com").unwrap(),
            crate::sweep::SweepOptions::new(
                crate::plan::profile("ocs2007").unwrap(),
                crate::probe::ResolverSpec::System,
            ),
        );
        let mut r = initial_report(&settings);
        r.decide();
        let mut s = Session::new();
        s.push(r);
        let snap = Snapshot::of(&s, &SettingsSummary::from_settings(&settings)).unwrap();
        serde_json::to_value(&snap).unwrap()
    }

    fn err_of(v: &Value) -> String {
        parse(&v.to_string(), Path::new("s.json"))
            .expect_err("refused")
            .to_string()
    }

    #[test]
    fn nonsense_is_refused_with_one_line() {
        let ok = good();
        assert!(parse(&ok.to_string(), Path::new("s.json")).is_ok());
        // A byte order mark is fine.
        let bom = format!("\u{feff}{ok}");
        assert!(parse_bytes(bom.as_bytes(), Path::new("s.json")).is_ok());
        type Mutation = Box<dyn Fn(&mut Value)>;
        let cases: Vec<(&str, Mutation)> = vec![
            ("format 0", Box::new(|v| v["format"] = json!(0))),
            (
                "version",
                Box::new(|v| v["current"]["version"] = json!(999)),
            ),
            (
                "no records",
                Box::new(|v| v["current"]["records"] = json!([])),
            ),
            (
                "outside",
                Box::new(|v| v["current"]["records"][0]["index"] = json!(4_000_000_000u64)),
            ),
            (
                "outside",
                Box::new(|v| v["current"]["records"][0]["index"] = json!(0)),
            ),
            (
                "twice",
                Box::new(|v| v["current"]["records"][1]["index"] = json!(1)),
            ),
            (
                "saved_at",
                Box::new(|v| v["saved_at"] = json!("yesterday\u{1b}[2J")),
            ),
            (
                "started_at",
                Box::new(|v| v["current"]["started_at"] = json!("soon")),
            ),
            (
                "selected",
                Box::new(|v| v["current"]["selected"] = json!(77)),
            ),
            (
                "records (at most",
                Box::new(|v| {
                    let rec = v["current"]["records"][0].clone();
                    let many: Vec<Value> = (1..=1001)
                        .map(|i| {
                            let mut r = rec.clone();
                            r["index"] = json!(i);
                            r
                        })
                        .collect();
                    v["current"]["records"] = json!(many);
                }),
            ),
        ];
        for (needle, mutate) in cases {
            let mut v = good();
            mutate(&mut v);
            let e = err_of(&v);
            assert!(e.contains(needle), "{needle}: {e}");
            assert!(!e.chars().any(crate::text::is_unsafe), "{e:?}");
        }
    }

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<u64>().prop_map(|n| json!(n)),
            any::<String>().prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
                prop::collection::btree_map(
                    prop_oneof![
                        Just("format".to_string()),
                        Just("tool".to_string()),
                        Just("current".to_string()),
                        Just("records".to_string()),
                        Just("index".to_string()),
                        any::<String>()
                    ],
                    inner,
                    0..8
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    fn one_clean_line(
        r: Result<Snapshot, crate::snapshot::SnapshotError>,
    ) -> Result<(), TestCaseError> {
        if let Err(e) = r {
            let msg = e.to_string();
            prop_assert!(!msg.chars().any(crate::text::is_unsafe), "{:?}", msg);
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
            one_clean_line(parse_bytes(&bytes, Path::new("x\n.json")))?;
        }

        #[test]
        fn arbitrary_json_never_panics(v in arb_json()) {
            one_clean_line(parse(&v.to_string(), Path::new("x.json")))?;
        }

        #[test]
        fn a_good_snapshot_with_a_field_replaced_never_panics(
            path in prop_oneof![
                Just(vec!["format"]), Just(vec!["saved_at"]), Just(vec!["current", "records"]),
                Just(vec!["current", "selected"]), Just(vec!["current", "version"]),
                Just(vec!["changes"]), Just(vec!["earlier"]),
            ],
            value in arb_json(),
        ) {
            let mut v = good();
            let mut at = &mut v;
            for k in &path {
                at = &mut at[*k];
            }
            *at = value;
            one_clean_line(parse(&v.to_string(), Path::new("x.json")))?;
        }
    }
}
