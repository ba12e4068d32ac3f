//! The shape of the house, enforced: no import circle between sibling
//! modules anywhere under `src/`, nothing but `src/cli/` (and `main.rs`)
//! imports the command line, and no source file grows past ~400 lines.
//! `scripts/import-cycles.py` prints the same graph for a quick look.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Module path of a file: `src/model/select.rs` → ["model", "select"].
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    if parts == ["lib"] || parts == ["main"] {
        parts.clear();
    }
    parts
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without comments and without its test module.
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests {") {
        Some(at) => &text[..at],
        None => text,
    };
    text.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `crate::a::b` / `super::a` path in `text`, resolved against `module`.
fn paths(text: &str, module: &[String]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let bytes: Vec<char> = text.chars().collect();
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let mut i = 0;
    while i < bytes.len() {
        let start_ok = i == 0 || !word(bytes[i - 1]);
        let rest: String = bytes[i..bytes.len().min(i + 7)].iter().collect();
        let (kind, skip) = if start_ok && rest.starts_with("crate::") {
            ("crate", 7)
        } else if start_ok && rest.starts_with("super::") {
            ("super", 7)
        } else {
            i += 1;
            continue;
        };
        let mut j = i + skip;
        let mut segs = Vec::new();
        loop {
            let s = j;
            while j < bytes.len() && word(bytes[j]) {
                j += 1;
            }
            if j == s {
                break;
            }
            segs.push(bytes[s..j].iter().collect::<String>());
            if j + 1 < bytes.len() && bytes[j] == ':' && bytes[j + 1] == ':' {
                j += 2;
            } else {
                break;
            }
        }
        let mut base: Vec<String> = if kind == "crate" {
            Vec::new()
        } else {
            module[..module.len().saturating_sub(1)].to_vec()
        };
        while segs.first().is_some_and(|s| s == "super") {
            base.pop();
            segs.remove(0);
        }
        base.extend(segs);
        out.push(base);
        i = j;
    }
    out
}

struct Tree {
    /// Module path → code.
    modules: BTreeMap<Vec<String>, String>,
    /// Module path → lines, for the size rule.
    lines: BTreeMap<PathBuf, usize>,
}

fn tree() -> Tree {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut modules = BTreeMap::new();
    let mut lines = BTreeMap::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        lines.insert(f.clone(), text.lines().count());
        let m = module_of(&src, &f);
        if m.iter().any(|p| p == "tests") {
            continue;
        }
        modules.insert(m, code(&text));
    }
    Tree { modules, lines }
}

/// (parent, from-sibling) → to-siblings.
fn sibling_edges(t: &Tree) -> BTreeMap<(Vec<String>, String), BTreeSet<String>> {
    let mut edges: BTreeMap<(Vec<String>, String), BTreeSet<String>> = BTreeMap::new();
    for (m, text) in &t.modules {
        for mut target in paths(text, m) {
            while !target.is_empty() && !t.modules.contains_key(&target) {
                target.pop();
            }
            let common = m.iter().zip(&target).take_while(|(a, b)| a == b).count();
            if common < m.len() && common < target.len() {
                edges
                    .entry((m[..common].to_vec(), m[common].clone()))
                    .or_default()
                    .insert(target[common].clone());
            }
        }
    }
    edges
}

#[test]
fn no_import_circle_between_sibling_modules() {
    let t = tree();
    let edges = sibling_edges(&t);
    let mut cycles = Vec::new();
    for ((parent, from), tos) in &edges {
        // A cycle through `from`: can `from` be reached again from its targets?
        let mut seen = BTreeSet::new();
        let mut stack: Vec<String> = tos.iter().cloned().collect();
        while let Some(n) = stack.pop() {
            if &n == from {
                cycles.push(format!("{}: {from}", parent.join("::")));
                break;
            }
            if seen.insert(n.clone())
                && let Some(next) = edges.get(&(parent.clone(), n))
            {
                stack.extend(next.iter().cloned());
            }
        }
    }
    assert!(cycles.is_empty(), "modules in an import circle: {cycles:?}");
}

#[test]
fn nothing_outside_cli_imports_the_command_line() {
    let t = tree();
    let offenders: Vec<String> = sibling_edges(&t)
        .into_iter()
        .filter(|((parent, from), tos)| parent.is_empty() && from != "cli" && tos.contains("cli"))
        .map(|((_, from), _)| from)
        .collect();
    assert!(
        offenders.is_empty(),
        "import the command line: {offenders:?}"
    );
}

#[test]
fn the_checker_sees_a_circle_when_there_is_one() {
    // The checker itself must be able to fail.
    let mut t = Tree {
        modules: BTreeMap::new(),
        lines: BTreeMap::new(),
    };
    let m = |s: &str| s.split("::").map(str::to_string).collect::<Vec<_>>();
    t.modules.insert(vec![], String::new());
    t.modules.insert(m("a"), "use crate::b::X;".into());
    t.modules.insert(m("b"), "use super::a::Y;".into());
    let edges = sibling_edges(&t);
    assert!(edges[&(vec![], "a".to_string())].contains("b"));
    assert!(edges[&(vec![], "b".to_string())].contains("a"));
}

#[test]
fn no_source_file_over_about_400_lines() {
    let t = tree();
    let big: Vec<String> = t
        .lines
        .iter()
        .filter(|(_, n)| **n > 420)
        .map(|(p, n)| format!("{} ({n})", p.display()))
        .collect();
    assert!(big.is_empty(), "split these files: {big:?}");
}

/// Issue #13 item 20: every Unix-only call (`std::os::unix`,
/// `tokio::signal::unix`, `mkfifo`) sits behind `#[cfg(unix)]` — on the item
/// itself, an enclosing item up to a dozen lines above, or the whole file
/// (`#![cfg(unix)]`) — so the crate and its tests build on Windows.
#[test]
fn unix_only_calls_are_behind_cfg_unix() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    rust_files(&root.join("tests"), &mut files);
    let mut bad = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        if text.contains("#![cfg(unix)]") {
            continue;
        }
        let lines: Vec<&str> = text.lines().collect();
        for (n, line) in lines.iter().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            let unix_only = ["std::os::unix", "signal::unix", "\"mkfifo\""]
                .iter()
                .any(|needle| code.contains(needle));
            if !unix_only || file.ends_with("architecture.rs") {
                continue;
            }
            let guarded = lines[n.saturating_sub(12)..n]
                .iter()
                .any(|l| l.contains("#[cfg(unix)]"));
            if !guarded {
                bad.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "Unix-only calls without #[cfg(unix)]:\n{}",
        bad.join("\n")
    );
}

/// Issue #13 item 19: Cargo.toml declares MIT OR Apache-2.0, so both texts
/// ship; the release binary is stripped.
#[test]
fn both_licence_texts_ship_and_the_release_binary_is_stripped() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("license = \"MIT OR Apache-2.0\""));
    let mit = std::fs::read_to_string(root.join("LICENSE-MIT")).unwrap();
    assert!(mit.contains("Copyright (c) sipscope developers"));
    assert!(mit.contains("Permission is hereby granted"));
    let apache = std::fs::read_to_string(root.join("LICENSE-APACHE")).unwrap();
    assert!(apache.contains("Apache License") && apache.contains("Version 2.0"));
    let release = manifest.split("[profile.release]").nth(1).unwrap_or("");
    assert!(release.contains("strip = true"), "{release}");
}
