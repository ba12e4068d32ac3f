#!/usr/bin/env python3
"""Lists import circles under src/ (quick analysis aid; tests/architecture.rs
and tests/architecture/imports.rs enforce the same in CI): circles between
sibling modules, circles across folders (strongly connected files in more
than one folder; a module with submodules is its own folder), the layer rules
and who imports cli. Paths are `crate::`, `super::`, `self::` and child-module
paths with brace groups expanded, followed through `pub use` re-exports.
`-v` prints every file's imports."""
import os, re, sys
from collections import defaultdict
args = [a for a in sys.argv[1:] if a != "-v"]
root = args[0] if args else "src"
files = {}
for d, _, fs in os.walk(root):
    for f in fs:
        if f.endswith(".rs"):
            p = os.path.join(d, f)
            rel = tuple(os.path.relpath(p, root)[:-3].split(os.sep))
            if rel[-1] == "mod": rel = rel[:-1]
            if rel in (("lib",), ("main",)): rel = ()
            if "tests" in rel: continue
            text = open(p).read()
            at = text.find("#[cfg(test)]\nmod tests {")
            if at >= 0: text = text[:at]
            files[rel] = re.sub(r"//.*", "", text)
mods = set(files)
TOK = re.compile(r"\s*(::|\{|\}|,|\*|\w+)")

def tree(s, i, prefix, out):
    """A use tree after prefix::; returns the position after it."""
    m = TOK.match(s, i)
    if not m: out.append((prefix, None)); return i
    t = m.group(1)
    if t == "{":
        i = m.end()
        while True:
            m = TOK.match(s, i)
            if not m: return i
            if m.group(1) == "}": return m.end()
            j = tree(s, i, prefix, out)
            m = TOK.match(s, j)
            if m and m.group(1) == ",": j = m.end()
            if j == i: return i
            i = j
    if t == "*": out.append((prefix, None)); return m.end()
    if not re.match(r"\w+$", t): out.append((prefix, None)); return i
    i = m.end()
    n = TOK.match(s, i)
    if n and n.group(1) == "::":
        return tree(s, n.end(), prefix if t == "self" else prefix + (t,), out)
    p, name = (prefix, prefix[-1] if prefix else "") if t == "self" else (prefix + (t,), t)
    a = re.match(r"\s*as\s+(\w+)", s[i:])
    if a: name = a.group(1); i += a.end()
    out.append((p, name))
    return i

def paths(text, m):
    out = []
    for x in re.finditer(r"(?<![\w:])(\w+)::", text):
        first = x.group(1)
        if first == "crate": base = ()
        elif first == "super": base = m[:-1]
        elif first == "self": base = m
        elif m + (first,) in mods: base = m + (first,)
        else: continue
        i = x.end()
        while True:
            y = re.match(r"\s*super\s*::", text[i:])
            if not y: break
            base = base[:-1]; i += y.end()
        tree(text, i, base, out)
    return out

re_ = defaultdict(dict)
for m, text in files.items():
    for stmt in text.split(";"):
        y = re.match(r"\s*pub(?:\((?:crate|super)\))? use (.*)", stmt, re.S)
        if not y: continue
        rest = y.group(1).strip()
        if not re.match(r"(crate|super|self)::", rest): rest = "self::" + rest
        for p, name in paths(rest, m):
            if name: re_[m][name] = p

def resolve(p):
    for _ in range(16):
        k = len(p)
        while k > 0 and p[:k] not in mods: k -= 1
        via = re_.get(p[:k], {}).get(p[k]) if k < len(p) else None
        if via is None or via == p[:k + 1]: return p[:k]
        p = via + p[k + 1:]
    return p

edges = defaultdict(set)
for m, text in files.items():
    for p, _ in paths(text, m):
        t = resolve(p)
        if t != m: edges[m].add(t)
        
def folder(m):
    return m if not m or any(len(k) > len(m) and k[:len(m)] == m for k in mods) else m[:-1]

def sccs(nodes, E):
    sys.setrecursionlimit(10000)
    idx, low, st, on, out = {}, {}, [], set(), []
    def visit(v):
        idx[v] = low[v] = len(idx); st.append(v); on.add(v)
        for w in E.get(v, ()):
            if w not in idx: visit(w); low[v] = min(low[v], low[w])
            elif w in on: low[v] = min(low[v], idx[w])
        if low[v] == idx[v]:
            g = []
            while True:
                w = st.pop(); on.discard(w); g.append(w)
                if w == v: break
            if len(g) > 1: out.append(g)
    for v in sorted(nodes):
        if v not in idx: visit(v)
    return out

name = lambda m: "::".join(m) or "crate"
bad = 0
sib = defaultdict(set)
for m, ts in edges.items():
    for t in ts:
        i = 0
        while i < min(len(m), len(t)) and m[i] == t[i]: i += 1
        if i < len(m) and i < len(t): sib[(m[:i], m[i])].add(t[i])
graph = defaultdict(lambda: defaultdict(set))
for (parent, a), bs in sib.items():
    graph[parent][a] |= bs
for parent, g in sorted(graph.items()):
    for c in sccs(set(g), g):
        print("circle between siblings in", name(parent), ":", " ⇄ ".join(sorted(c))); bad += 1
for c in sccs(mods, edges):
    if len({folder(m) for m in c}) > 1:
        print("circle across folders:", " ⇄ ".join(sorted(map(name, c)))); bad += 1
rules = {"model": ["probe", "sweep", "engine", "report", "tui", "cli", "lab"],
         "probe": ["tui", "cli", "report", "snapshot"]}
for frm, banned in rules.items():
    for b in banned:
        if b in sib.get(((), frm), ()): print("layer rule:", frm, "imports", b); bad += 1
for m, ts in edges.items():
    if m[:1] == ("tui",) and m != ("tui", "demo") and any(t[:1] == ("lab",) for t in ts):
        print("layer rule:", name(m), "imports the lab (only tui::demo may)"); bad += 1
for (parent, a), bs in sib.items():
    if parent == () and "cli" in bs and a != "cli": print("imports cli:", a); bad += 1
if "-v" in sys.argv:
    for m in sorted(edges): print(name(m), "->", ", ".join(sorted(map(name, edges[m]))))
sys.exit(1 if bad else 0)
