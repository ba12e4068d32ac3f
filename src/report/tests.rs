//! The published JSON Schema is the one the output types generate.

use super::CheckDocument;

/// The schema of the document (serialisation contract: what sipscope writes).
fn generated() -> String {
    let schema = schemars::generate::SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<CheckDocument>();
    super::json::to_string_pretty(&schema) + "\n"
}

const PUBLISHED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/schema/check.json");

// Issue 17 item 4: docs/schema/check.json cannot drift from the output
// types. After changing them, regenerate it with
// `SIPSCOPE_WRITE_SCHEMA=1 cargo test --lib report::tests` and commit it.
#[test]
fn the_published_schema_is_the_generated_one() {
    let now = generated();
    if std::env::var_os("SIPSCOPE_WRITE_SCHEMA").is_some() {
        std::fs::write(PUBLISHED, &now).expect("write docs/schema/check.json");
    }
    let published = std::fs::read_to_string(PUBLISHED).unwrap_or_default();
    assert!(
        published == now,
        "docs/schema/check.json differs from the output types: regenerate it with \
         SIPSCOPE_WRITE_SCHEMA=1 cargo test --lib report::tests"
    );
}

// The fields docs/json.md promises to be always present are required in
// the schema; the optional-feature ones are not.
#[test]
fn presence_in_the_schema() {
    let schema: serde_json::Value = serde_json::from_str(&generated()).unwrap();
    let required = |def: &str| -> Vec<String> {
        let at = if def.is_empty() {
            &schema
        } else {
            &schema["$defs"][def]
        };
        at["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    let top = required("");
    for f in ["decided_ms", "selected", "clients", "verdict"] {
        assert!(top.contains(&f.to_string()), "{f}: {top:?}");
    }
    assert!(!top.contains(&"authoritative".to_string()));
    assert!(!top.contains(&"vantages".to_string()));
    let record = required("Record");
    for f in ["dns", "used_target", "ttl", "http", "targets"] {
        assert!(record.contains(&f.to_string()), "{f}: {record:?}");
    }
    let probe = required("Probe");
    for f in ["tls", "certificate", "dialed"] {
        assert!(probe.contains(&f.to_string()), "{f}: {probe:?}");
    }
    assert!(required("Target").contains(&"ttl".to_string()));
}

// JSON Lines (the fleet's audit): the compact rendering is one line, holds
// the same document as the pretty one, and escapes like it.
#[test]
fn one_line_for_json_lines() {
    use crate::model::{Status, SweepReport};
    let mut r: SweepReport = serde_json::from_value(serde_json::json!({
        "version": 1, "input": "contoso.com", "domain": "contoso.com",
        "profile": "ocs2007", "resolvers": [], "started_at": "", "elapsed_ms": 0,
        "records": [], "selected": null,
        "verdict": {"signin": "fail", "summary": ""}
    }))
    .unwrap();
    r.records = crate::model::test_support::rows(&[Status::Found, Status::Missing]);
    r.records[0].detail = "two\nlines \u{9b}2J".into();
    r.decide();
    let doc = CheckDocument::from(&r);
    let line = super::to_json_line(&r);
    assert_eq!(line, super::json::to_line(&doc));
    assert!(!line.contains('\n'), "{line}");
    assert!(line.contains(r"two\nlines \u009b2J"), "{line}");
    let pretty = super::json::to_string_pretty(&doc);
    let a: serde_json::Value = serde_json::from_str(&line).unwrap();
    let b: serde_json::Value = serde_json::from_str(&pretty).unwrap();
    assert_eq!(a, b);
    assert_eq!(a["records"][0]["http"], serde_json::Value::Null);
}
