//! A minimal JSON Schema check for the tests: the keywords the generated
//! schema (docs/schema/check.json) uses — `type`, `properties`, `required`,
//! `additionalProperties: false`, `items`, `enum`, `const`, `$ref` into
//! `$defs`, `anyOf`/`oneOf`/`allOf`, `minimum`/`maximum`. Annotations
//! (`description`, `format`, `title`, `$schema`) are ignored. The full
//! validators pull in dozens of crates; this is what the document needs.

use serde_json::Value;

/// Every way `value` breaks `schema`, as `path: problem` lines (empty: valid).
pub fn problems(schema: &Value, value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    check(schema, schema, value, "$", &mut out);
    out
}

fn type_ok(name: &str, v: &Value) -> bool {
    match name {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "number" => v.is_number(),
        "integer" => v.is_i64() || v.is_u64(),
        _ => false,
    }
}

fn resolve<'a>(root: &'a Value, reference: &str) -> Option<&'a Value> {
    root.pointer(reference.strip_prefix('#')?)
}

fn check(root: &Value, schema: &Value, v: &Value, path: &str, out: &mut Vec<String>) {
    let Some(s) = schema.as_object() else {
        if schema == &Value::Bool(false) {
            out.push(format!("{path}: not allowed"));
        }
        return;
    };
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        match resolve(root, r) {
            Some(target) => check(root, target, v, path, out),
            None => out.push(format!("{path}: unknown $ref {r}")),
        }
    }
    if let Some(t) = s.get("type") {
        let names: Vec<&str> = match t {
            Value::String(one) => vec![one.as_str()],
            Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if !names.iter().any(|n| type_ok(n, v)) {
            out.push(format!("{path}: expected {names:?}, got {v}"));
            return;
        }
    }
    if let Some(allowed) = s.get("enum").and_then(Value::as_array)
        && !allowed.contains(v)
    {
        out.push(format!("{path}: {v} is not one of {allowed:?}"));
    }
    if let Some(c) = s.get("const")
        && c != v
    {
        out.push(format!("{path}: {v} is not {c}"));
    }
    if let Some(n) = v.as_f64() {
        if let Some(min) = s.get("minimum").and_then(Value::as_f64)
            && n < min
        {
            out.push(format!("{path}: {n} < {min}"));
        }
        if let Some(max) = s.get("maximum").and_then(Value::as_f64)
            && n > max
        {
            out.push(format!("{path}: {n} > {max}"));
        }
    }
    for (key, pass) in [("anyOf", 1usize), ("oneOf", 1)] {
        if let Some(options) = s.get(key).and_then(Value::as_array) {
            let fits = options
                .iter()
                .filter(|o| problems_under(root, o, v, path).is_empty())
                .count();
            let ok = if key == "oneOf" {
                fits == pass
            } else {
                fits >= pass
            };
            if !ok {
                out.push(format!("{path}: {fits} of the {key} options fit"));
            }
        }
    }
    if let Some(all) = s.get("allOf").and_then(Value::as_array) {
        for o in all {
            check(root, o, v, path, out);
        }
    }
    if let Some(obj) = v.as_object() {
        let props = s.get("properties").and_then(Value::as_object);
        for name in s
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(name) = name.as_str()
                && !obj.contains_key(name)
            {
                out.push(format!("{path}: `{name}` is missing"));
            }
        }
        for (k, item) in obj {
            let sub = format!("{path}.{k}");
            match props.and_then(|p| p.get(k)) {
                Some(ps) => check(root, ps, item, &sub, out),
                None => {
                    if let Some(extra) = s.get("additionalProperties") {
                        check(root, extra, item, &sub, out);
                    }
                }
            }
        }
    }
    if let (Some(items), Some(list)) = (s.get("items"), v.as_array()) {
        for (i, item) in list.iter().enumerate() {
            check(root, items, item, &format!("{path}[{i}]"), out);
        }
    }
}

fn problems_under(root: &Value, schema: &Value, v: &Value, path: &str) -> Vec<String> {
    let mut out = Vec::new();
    check(root, schema, v, path, &mut out);
    out
}

/// The schema published in the repository.
pub fn published() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/schema/check.json");
    let text = std::fs::read_to_string(path).expect("docs/schema/check.json");
    serde_json::from_str(&text).expect("the schema is JSON")
}
