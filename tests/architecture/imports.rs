//! The import graph of `src/`, read from the text: every `crate::`,
//! `super::`, `self::` and child-module path (brace groups expanded),
//! followed through `pub use` re-exports to the file that defines the item,
//! so a facade `mod.rs` that only re-exports is not a knot in the graph.
//! `scripts/import-cycles.py` computes the same graph for a quick look.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

pub type Module = Vec<String>;

/// Module path of a file: `src/model/select.rs` → ["model", "select"].
pub fn module_of(src: &Path, file: &Path) -> Module {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Module = rel
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

pub fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
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
pub fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests {") {
        Some(at) => &text[..at],
        None => text,
    };
    text.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

pub struct Tree {
    /// Module path → code (test modules left out).
    pub modules: BTreeMap<Module, String>,
    /// File → lines, for the size rule.
    pub lines: BTreeMap<PathBuf, usize>,
}

pub fn tree() -> Tree {
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

fn word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// A tiny cursor over the code of one file.
struct Cur<'a> {
    s: &'a [char],
    i: usize,
}

impl Cur<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_whitespace() {
            self.i += 1;
        }
    }
    fn ident(&mut self) -> Option<String> {
        self.ws();
        let start = self.i;
        while self.i < self.s.len() && word(self.s[self.i]) {
            self.i += 1;
        }
        (self.i > start).then(|| self.s[start..self.i].iter().collect())
    }
    fn eat(&mut self, t: &str) -> bool {
        self.ws();
        let t: Vec<char> = t.chars().collect();
        let ok = self.s[self.i..].starts_with(&t);
        if ok {
            self.i += t.len();
        }
        ok
    }
    /// A use tree after `prefix::`: `a::b`, `{a, b::{c, d}}`, `*`, `x as y`.
    /// Pushes (path, name it is known by) pairs.
    fn tree(&mut self, prefix: Module, out: &mut Vec<(Module, Option<String>)>) {
        if self.eat("{") {
            loop {
                if self.eat("}") {
                    return;
                }
                let at = self.i;
                self.tree(prefix.clone(), out);
                self.eat(",");
                if self.i == at {
                    return;
                }
            }
        }
        if self.eat("*") {
            out.push((prefix, None));
            return;
        }
        let Some(seg) = self.ident() else {
            out.push((prefix, None));
            return;
        };
        if self.eat("::") {
            let mut p = prefix;
            if seg != "self" {
                p.push(seg);
            }
            return self.tree(p, out);
        }
        let mut p = prefix;
        let mut name = seg.clone();
        if seg != "self" {
            p.push(seg);
        } else {
            name = p.last().cloned().unwrap_or_default();
        }
        let save = self.i;
        if self.eat("as ") {
            match self.ident() {
                Some(alias) => name = alias,
                None => self.i = save,
            }
        }
        out.push((p, Some(name)));
    }
}

/// Every path in `text` that names a module of the crate, absolute but not
/// yet resolved, with the name it binds: `crate::a::b`, `super::a`,
/// `self::a`, `child::a`, brace groups expanded.
pub fn paths(
    text: &str,
    module: &[String],
    modules: &BTreeMap<Module, String>,
) -> Vec<(Module, Option<String>)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut c = Cur { s: &chars, i: 0 };
    while c.i < chars.len() {
        let start = c.i;
        let before_ok = start == 0 || !(word(chars[start - 1]) || chars[start - 1] == ':');
        if !before_ok || !word(chars[start]) {
            c.i += 1;
            continue;
        }
        let first = c.ident().unwrap();
        if !chars[c.i..].starts_with(&[':', ':']) {
            continue;
        }
        let mut child = module.to_vec();
        child.push(first.clone());
        let mut base: Module = match first.as_str() {
            "crate" => Vec::new(),
            "super" => module[..module.len().saturating_sub(1)].to_vec(),
            "self" => module.to_vec(),
            _ if modules.contains_key(&child) => child,
            _ => continue,
        };
        c.i += 2;
        while {
            let save = c.i;
            let sup = c.ident().is_some_and(|s| s == "super") && c.eat("::");
            if !sup {
                c.i = save;
            }
            sup
        } {
            base.pop();
        }
        c.tree(base, &mut out);
    }
    out
}

/// Module → (name → path) of its `pub use` / `pub(crate) use` re-exports.
fn reexports(modules: &BTreeMap<Module, String>) -> BTreeMap<Module, BTreeMap<String, Module>> {
    let mut out: BTreeMap<Module, BTreeMap<String, Module>> = BTreeMap::new();
    for (m, text) in modules {
        for stmt in text.split(';') {
            let s = stmt.trim_start();
            let rest = ["pub use ", "pub(crate) use ", "pub(super) use "]
                .iter()
                .find_map(|p| s.strip_prefix(p));
            let Some(rest) = rest else { continue };
            let rest = rest.trim();
            let rest = if rest.starts_with("crate::")
                || rest.starts_with("super::")
                || rest.starts_with("self::")
            {
                rest.to_string()
            } else {
                format!("self::{rest}")
            };
            for (path, name) in paths(&rest, m, modules) {
                if let Some(name) = name {
                    out.entry(m.clone()).or_default().insert(name, path);
                }
            }
        }
    }
    out
}

/// The file that defines what `path` names: the longest module prefix,
/// followed through re-exports.
fn resolve(
    mut path: Module,
    modules: &BTreeMap<Module, String>,
    re: &BTreeMap<Module, BTreeMap<String, Module>>,
) -> Module {
    for _ in 0..16 {
        let mut k = path.len();
        while k > 0 && !modules.contains_key(&path[..k]) {
            k -= 1;
        }
        let via = path.get(k).and_then(|name| re.get(&path[..k])?.get(name));
        match via {
            Some(target) if *target != path[..=k] => {
                let mut next = target.clone();
                next.extend_from_slice(&path[k + 1..]);
                path = next;
            }
            _ => return path[..k].to_vec(),
        }
    }
    path
}

/// File → the files it imports from.
pub fn file_edges(t: &Tree) -> BTreeMap<Module, BTreeSet<Module>> {
    let re = reexports(&t.modules);
    let mut edges: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (m, text) in &t.modules {
        let e = edges.entry(m.clone()).or_default();
        for (path, _) in paths(text, m, &t.modules) {
            let target = resolve(path, &t.modules, &re);
            if &target != m {
                e.insert(target);
            }
        }
    }
    edges
}

/// (parent, from-sibling) → to-siblings: every file edge lifted to the
/// level where the two paths part.
pub fn sibling_edges(t: &Tree) -> BTreeMap<(Module, String), BTreeSet<String>> {
    let mut edges: BTreeMap<(Module, String), BTreeSet<String>> = BTreeMap::new();
    for (m, targets) in file_edges(t) {
        for target in targets {
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

/// The folder a file lies in: a module with submodules is its own folder
/// (`x/mod.rs`, or `x.rs` beside `x/`); any other file lies in its parent's.
pub fn folder(t: &Tree, m: &[String]) -> Module {
    let has_children = t
        .modules
        .keys()
        .any(|k| k.len() > m.len() && k.starts_with(m));
    if has_children || m.is_empty() {
        m.to_vec()
    } else {
        m[..m.len() - 1].to_vec()
    }
}

/// Strongly connected groups of more than one file (Tarjan).
pub fn circles(edges: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
    struct S<'a> {
        e: &'a BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<&'a Module, usize>,
        low: BTreeMap<&'a Module, usize>,
        stack: Vec<&'a Module>,
        out: Vec<Vec<Module>>,
    }
    fn visit<'a>(s: &mut S<'a>, v: &'a Module) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        for w in s.e.get(v).into_iter().flatten() {
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if s.stack.contains(&w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut group = Vec::new();
            while let Some(w) = s.stack.pop() {
                group.push(w.clone());
                if w == v {
                    break;
                }
            }
            if group.len() > 1 {
                s.out.push(group);
            }
        }
    }
    let mut s = S {
        e: edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !s.index.contains_key(v) {
            visit(&mut s, v);
        }
    }
    s.out
}
