//! The shape of the house, enforced (issue 17 item 6): no import circle
//! between sibling modules, nor one that crosses folders anywhere under
//! `src/` (a module file with submodules counts as its folder); the layers
//! (`model` below the machinery, `probe` below every frontend, the lab
//! reached from the dashboard only through its demo extension); nothing but
//! `src/cli/` (and `main.rs`) imports the command line; and no source file
//! grows past ~400 lines. `scripts/import-cycles.py` prints the same graph.

#[path = "architecture/imports.rs"]
mod imports;

use imports::{Module, Tree, circles, file_edges, folder, rust_files, sibling_edges, tree};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

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

/// Circles that cross folders: strongly connected files lying in more than
/// one folder (a `mod.rs` that keeps types its children use, and re-exports
/// those children, is such a circle).
fn circles_across_folders(t: &Tree) -> Vec<String> {
    circles(&file_edges(t))
        .into_iter()
        .filter(|group| {
            let folders: BTreeSet<Module> = group.iter().map(|m| folder(t, m)).collect();
            folders.len() > 1
        })
        .map(|group| {
            let names: Vec<String> = group.iter().map(|m| m.join("::")).collect();
            names.join(" ⇄ ")
        })
        .collect()
}

#[test]
fn no_import_circle_across_folders_model_included() {
    let circles = circles_across_folders(&tree());
    assert!(
        circles.is_empty(),
        "import circles across folders: {circles:#?}"
    );
}

/// Crate-level folders that `from` imports (lifted edges).
fn top_imports(t: &Tree, from: &str) -> BTreeSet<String> {
    sibling_edges(t)
        .remove(&(vec![], from.to_string()))
        .unwrap_or_default()
}

fn forbidden(t: &Tree, from: &str, banned: &[&str]) -> Vec<String> {
    let tos = top_imports(t, from);
    banned
        .iter()
        .filter(|b| tos.contains(**b))
        .map(|b| format!("{from} imports {b}"))
        .collect()
}

/// The model is pure rules (D4–D9): it imports none of the machinery that
/// gathers evidence nor any frontend.
const MODEL_MUST_NOT: &[&str] = &["probe", "sweep", "engine", "report", "tui", "cli", "lab"];
/// Probes gather evidence; they know no frontend.
const PROBE_MUST_NOT: &[&str] = &["tui", "cli", "report", "snapshot"];

#[test]
fn model_imports_no_machinery_and_no_frontend() {
    let bad = forbidden(&tree(), "model", MODEL_MUST_NOT);
    assert!(bad.is_empty(), "layer rule broken: {bad:?}");
}

#[test]
fn probe_imports_no_frontend() {
    let bad = forbidden(&tree(), "probe", PROBE_MUST_NOT);
    assert!(bad.is_empty(), "layer rule broken: {bad:?}");
}

/// Files under `tui` that import the lab, other than the demo extension.
fn tui_lab_imports(t: &Tree) -> Vec<String> {
    file_edges(t)
        .into_iter()
        .filter(|(m, tos)| {
            m.first().is_some_and(|p| p == "tui")
                && m != &["tui", "demo"]
                && tos.iter().any(|to| to.first().is_some_and(|p| p == "lab"))
        })
        .map(|(m, _)| m.join("::"))
        .collect()
}

#[test]
fn the_dashboard_reaches_the_lab_only_through_the_demo_extension() {
    let bad = tui_lab_imports(&tree());
    assert!(
        bad.is_empty(),
        "import the lab outside tui/demo.rs: {bad:?}"
    );
}

#[test]
fn the_rules_fail_on_a_violation() {
    // Each rule above, given a tree that breaks it, reports it.
    let m = |s: &str| {
        s.split("::")
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect::<Module>()
    };
    let mk = |files: &[(&str, &str)]| Tree {
        modules: files.iter().map(|(p, c)| (m(p), c.to_string())).collect(),
        lines: BTreeMap::new(),
    };
    // A mod.rs that keeps a type its sub-folder child uses and re-exports it.
    let knot = mk(&[
        ("", "pub mod model;"),
        (
            "model",
            "pub mod select;\npub use select::Verdict;\npub fn ms() {}",
        ),
        (
            "model::select",
            "pub mod auto;\npub struct Verdict;\nfn f() { auto::go() }",
        ),
        (
            "model::select::auto",
            "use crate::model::ms;\npub fn go() {}",
        ),
    ]);
    assert_eq!(circles_across_folders(&knot).len(), 1);
    // The same types in their own file, reached through the re-export: no circle.
    let untied = mk(&[
        ("", "pub mod model;"),
        (
            "model",
            "pub mod select;\npub mod timing;\npub use select::Verdict;\npub use timing::ms;",
        ),
        ("model::timing", "pub fn ms() {}"),
        ("model::select", "pub mod auto;\npub struct Verdict;"),
        ("model::select::auto", "use crate::model::{ms, Verdict};"),
    ]);
    assert!(circles_across_folders(&untied).is_empty());
    let layers = mk(&[
        ("", ""),
        ("model", "use crate::report::Doc;"),
        ("report", ""),
        ("probe", "use crate::tui::App;"),
        ("tui", ""),
        ("tui::view", "use crate::lab::Lab;"),
        ("tui::demo", "use crate::lab::Lab;"),
        ("lab", ""),
    ]);
    assert_eq!(
        forbidden(&layers, "model", MODEL_MUST_NOT),
        ["model imports report"]
    );
    assert_eq!(
        forbidden(&layers, "probe", PROBE_MUST_NOT),
        ["probe imports tui"]
    );
    assert_eq!(tui_lab_imports(&layers), ["tui::view"]);
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
