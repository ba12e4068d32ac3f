#!/usr/bin/env python3
"""Lists import circles between sibling modules under src/ (quick analysis aid;
tests/architecture.rs enforces the same in CI)."""
import os, re, sys
from collections import defaultdict
root = sys.argv[1] if len(sys.argv) > 1 else "src"
files = {}
for d, _, fs in os.walk(root):
    for f in fs:
        if f.endswith(".rs"):
            p = os.path.join(d, f)
            rel = os.path.relpath(p, root)[:-3].split(os.sep)
            if rel[-1] == "mod": rel = rel[:-1]
            if rel == ["lib"] or rel == ["main"]: rel = []
            files[tuple(rel)] = open(p).read()
mods = set(files)
def resolve(cur, path):
    # cur: module path tuple of the file; path: list of segments after crate/super
    parts = list(path)
    while parts and tuple(parts) not in mods: parts.pop()
    return tuple(parts)
edges = defaultdict(set)
pat = re.compile(r"\b(crate|super)((?:::\w+)+)")
for m, text in files.items():
    if m and m[-1] == "tests" or "tests" in m: continue
    text = re.sub(r"#\[cfg\(test\)\]\s*mod tests\s*\{.*", "", text, flags=re.S)
    text = re.sub(r"//.*", "", text)  # comments and doc links are not imports
    for kind, rest in pat.findall(text):
        segs = rest.strip(":").split("::")
        if kind == "crate": base = []
        else:
            base = list(m[:-1]); 
            while segs and segs[0] == "super": base = base[:-1]; segs = segs[1:]
        tgt = resolve(m, base + segs)
        # sibling-level edge: common prefix, then next segment on each side
        i = 0
        while i < min(len(m), len(tgt)) and m[i] == tgt[i]: i += 1
        if i < len(m) and i < len(tgt):
            edges[(m[:i], m[i])].add(tgt[i])
graph = defaultdict(lambda: defaultdict(set))
for (parent, a), bs in edges.items():
    for b in bs: graph[parent][a].add(b)
bad = 0
for parent, g in graph.items():
    # find cycles via DFS
    seen, stack = {}, []
    def dfs(u):
        global bad
        seen[u] = 1; stack.append(u)
        for v in g.get(u, ()):
            if seen.get(v) == 1:
                print("cycle in", "::".join(parent) or "crate", ":", " -> ".join(stack[stack.index(v):] + [v])); bad += 1
            elif v not in seen: dfs(v)
        stack.pop(); seen[u] = 2
    for u in list(g): 
        if u not in seen: dfs(u)
for (parent, a), bs in edges.items():
    if parent == () and "cli" in bs and a != "cli": print("imports cli:", a); bad += 1
sys.exit(1 if bad else 0)
