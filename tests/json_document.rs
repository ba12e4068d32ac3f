//! The JSON document through the real binary: control and bidi characters
//! from the network are escaped (issue 21 item 2), and every lab scenario's
//! `check --json` output matches the published schema (docs/schema/check.json).

#[path = "support/schema.rs"]
mod schema;

use std::process::Output;

use sipscope::lab::{Lab, LabOptions, builtin_scenarios};

async fn lab_of(names: &[&str]) -> Lab {
    let scenarios = builtin_scenarios()
        .unwrap()
        .into_iter()
        .filter(|s| names.is_empty() || names.contains(&s.name()))
        .collect();
    Lab::start(scenarios, LabOptions::default()).await.unwrap()
}

fn check(lab: &Lab, ca: &std::path::Path, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_sipscope"))
        .arg("check")
        .args(lab.check_flags(ca))
        .args(args)
        .output()
        .expect("run sipscope")
}

/// DEL, C1 (U+0080–U+009F) and the bidi controls: never raw in JSON.
fn dangerous(c: char) -> bool {
    c == '\u{7f}'
        || ('\u{80}'..='\u{9f}').contains(&c)
        || ('\u{202A}'..='\u{202E}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

// Issue 21 item 2 (D9: certificate fields are shown): the hostile-text
// certificate's subject carries ESC, CR/LF, U+202E, U+009B, DEL and U+2066.
// `check --json` writes each as a `\uXXXX` escape, and a JSON reader gets
// the subject back exactly as the server sent it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d9_json_escapes_del_c1_and_bidi_from_the_network() {
    let lab = lab_of(&["hostile-text"]).await;
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("lab-ca.pem");
    std::fs::write(&ca, lab.ca_pem()).unwrap();
    let snaps = dir.path().join("snaps");
    let out = tokio::task::block_in_place(|| {
        check(
            &lab,
            &ca,
            &[
                "--json",
                "--save",
                "--snapshot-dir",
                snaps.to_str().unwrap(),
                "sip:alice@hostile-text.test",
            ],
        )
    });
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let raw: Vec<char> = text.chars().filter(|&c| dangerous(c)).collect();
    assert!(raw.is_empty(), "raw characters in the JSON: {raw:?}");
    for escape in ["\\u009b", "\\u007f", "\\u202e", "\\u2066", "\\u001b"] {
        assert!(text.contains(escape), "{escape} missing");
    }
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let subject = doc["records"][0]["targets"][0]["certificate"]["subject"]
        .as_str()
        .unwrap_or_default();
    assert!(
        subject.contains("\u{202e}\u{9b}2J\u{7f}\u{2066}"),
        "{subject:?}"
    );
    // The snapshot file on disk goes through the same writer.
    let saved: Vec<_> = std::fs::read_dir(&snaps)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    assert_eq!(saved.len(), 1, "{saved:?}");
    let file = std::fs::read_to_string(&saved[0]).unwrap();
    assert!(file.contains("\\u009b"), "the snapshot keeps the subject");
    let raw: Vec<char> = file.chars().filter(|&c| dangerous(c)).collect();
    assert!(raw.is_empty(), "raw characters in the snapshot: {raw:?}");
}

/// Validates `out`'s standard output against the published schema.
fn assert_valid(what: &str, out: &Output) -> serde_json::Value {
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{what}: not JSON ({e}); exit {:?}, stderr {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let problems = schema::problems(&schema::published(), &doc);
    assert!(problems.is_empty(), "{what}: {problems:#?}");
    doc
}

// Issue 17 item 4: every lab scenario's `check --json` output validates
// against docs/schema/check.json (which a unit test proves is generated
// from the output types), and so do the vantage and authoritative forms.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scenario_validates_against_the_published_schema() {
    let lab = lab_of(&[]).await;
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("lab-ca.pem");
    std::fs::write(&ca, lab.ca_pem()).unwrap();
    let addresses: Vec<(String, String)> = lab
        .scenarios()
        .iter()
        .map(|s| (s.name().to_string(), s.sip_address().to_string()))
        .collect();
    assert!(addresses.len() >= 30, "{}", addresses.len());
    for (name, address) in &addresses {
        let out = tokio::task::block_in_place(|| check(&lab, &ca, &["--json", address]));
        let doc = assert_valid(name, &out);
        // Presence is uniform (docs/json.md): always present, null when unknown.
        let mut codes = Vec::new();
        for r in doc["records"].as_array().unwrap() {
            for f in ["dns", "used_target", "ttl", "http", "reason"] {
                assert!(r.get(f).is_some(), "{name}: records[].{f} absent");
            }
            // Issue 17 item 5: one code per warning, in the same order.
            let sentences = r["warnings"].as_array().unwrap();
            let each = r["warning_codes"].as_array().unwrap();
            assert_eq!(sentences.len(), each.len(), "{name}: {r}");
            codes.extend(each.iter().filter_map(|c| c.as_str().map(str::to_string)));
        }
        // D14, D15: the warnings these scenarios are about carry their code.
        let expected = match name.as_str() {
            "pool-member-down" => Some("members-failed"),
            "tls10-server" => Some("legacy-tls"),
            _ => None,
        };
        if let Some(code) = expected {
            assert!(codes.iter().any(|c| c == code), "{name}: {codes:?}");
        }
        // D7: the verdict is decided by the time the sweep ends, never after.
        let decided = doc["decided_ms"].as_u64().expect("decided_ms is set");
        assert!(decided <= doc["elapsed_ms"].as_u64().unwrap(), "{name}");
    }
    // Vantages, each with the zone's view (D11, D12).
    let dns = lab.dns_addr().to_string();
    let (one, two) = (
        format!("--vantage=one={dns}"),
        format!("--vantage=two={dns}"),
    );
    for address in ["sip:alice@healthy.test", "sip:alice@priority.test"] {
        let out = tokio::task::block_in_place(|| {
            check(
                &lab,
                &ca,
                &["--json", "--authoritative", &one, &two, address],
            )
        });
        let doc = assert_valid(address, &out);
        assert_eq!(doc["vantages"].as_array().map(Vec::len), Some(2));
        assert!(
            doc["vantages"][1]["records"][0]
                .get("authoritative")
                .is_some()
        );
        assert!(doc.get("authoritative").is_some(), "{address}");
    }
}

/// A small report through the model, the way `check` builds the document.
fn document(
    input: &str,
    detail: &str,
    ttl: Option<u32>,
    decided: Option<u64>,
) -> serde_json::Value {
    use serde_json::json;
    let probe = json!({"address": "192.0.2.1", "status": "found", "reason": null,
                       "detail": detail, "timings": {}});
    let target = json!({
        "host": "pool.contoso.com", "port": 5061, "priority": 0, "weight": 0,
        "addresses": ["192.0.2.1"], "status": "found", "reason": "tls-trusted",
        "certificate": null, "detail": detail, "ttl": ttl, "probes": [probe]
    });
    let record = json!({
        "index": 1, "kind": "srv", "name": "_sipinternaltls._tcp.contoso.com",
        "transport": "tls", "port": null, "status": "found", "reason": "tls-trusted",
        "detail": detail, "ttl": ttl, "elapsed_ms": 5, "warnings": [detail],
        "targets": [target], "dns": "answer", "used_target": 0
    });
    let mut report: sipscope::SweepReport = serde_json::from_value(json!({
        "version": 1, "input": input, "domain": "contoso.com", "profile": "ocs2007",
        "resolvers": ["127.0.0.1:53"], "started_at": "2026-01-01T00:00:00Z",
        "elapsed_ms": 9, "selected": 1,
        "verdict": {"signin": "ok", "summary": detail, "cause": "works"},
        "records": [record]
    }))
    .unwrap();
    report.decided_ms = decided;
    serde_json::from_str(&sipscope::to_json(&report)).unwrap()
}

mod validator {
    use super::{document, schema};
    use proptest::prelude::*;

    /// Fields the schema requires, and a value of the wrong type or label for each.
    fn breaks() -> Vec<(&'static str, serde_json::Value)> {
        use serde_json::json;
        vec![
            ("/version", json!("1")),
            ("/records/0/status", json!("fine")),
            ("/records/0/reason", json!("because")),
            ("/records/0/index", json!(-1)),
            ("/records/0/port", json!(70000)),
            ("/records/0/targets/0/probes/0/address", json!(7)),
            ("/verdict/signin", json!("maybe")),
            ("/selected", json!("1")),
            ("/decided_ms", json!(1.5)),
            ("/records/0/warning_codes", json!(["nonsense"])),
        ]
    }

    fn remove(doc: &mut serde_json::Value, pointer: &str) {
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        doc.pointer_mut(parent)
            .and_then(|p| p.as_object_mut())
            .and_then(|o| o.remove(key))
            .expect("the field exists");
    }

    proptest! {
        // Issue 17 item 4: the minimal schema check accepts every document
        // the output types write, whatever the text and the optional values.
        #[test]
        fn accepts_what_sipscope_writes(
            input in "\\PC{0,20}",
            detail in "[\\x00-\\x7f\\u{80}-\\u{9f}\\u{202a}-\\u{202e}a-z ]{0,30}",
            ttl in proptest::option::of(any::<u32>()),
            decided in proptest::option::of(any::<u64>()),
        ) {
            let doc = document(&input, &detail, ttl, decided);
            let problems = schema::problems(&schema::published(), &doc);
            prop_assert!(problems.is_empty(), "{:?}", problems);
        }

        // ... and rejects a document with a required field removed or a
        // value of the wrong type or outside its labels.
        #[test]
        fn rejects_broken_documents(which in 0usize..10, drop in any::<bool>(), ttl in any::<u32>()) {
            let (pointer, wrong) = breaks()[which].clone();
            let mut doc = document("alice@contoso.com", "fine", Some(ttl), Some(3));
            if drop && !pointer.ends_with("warning_codes") {
                remove(&mut doc, pointer);
            } else {
                *doc.pointer_mut(pointer).expect("the field exists") = wrong;
            }
            let problems = schema::problems(&schema::published(), &doc);
            prop_assert!(!problems.is_empty(), "{} accepted", pointer);
        }
    }
}

/// Rust files under `dir`, recursively.
fn sources(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

// Issue 21 item 2: JSON is escaped at one boundary. No code outside
// src/report/json.rs writes JSON text itself (tests excepted), so every
// JSON and JSON Lines output goes through the escaping writer.
#[test]
fn json_text_is_written_in_one_place() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let writers = [
        "serde_json::to_string",
        "serde_json::to_vec",
        "serde_json::to_writer",
        "serde_json::Serializer",
    ];
    let mut found = Vec::new();
    for f in files {
        let rel = f
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let test_file = rel.ends_with("tests.rs")
            || rel.contains("/tests/")
            || rel.ends_with("test_support.rs");
        if rel == "report/json.rs" || test_file {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for w in writers {
            if code.contains(w) {
                found.push(format!("{rel}: {w}"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "JSON written outside report::json: {found:?}"
    );
}
