#!/usr/bin/env python3
"""Loads an exported graph with the real tool it is meant for and compares it with the
graph JSON it came from. Run by tests/it/export.rs; usable by hand:

    check_export.py CHECK GRAPH.json EXPORTED [options]

CHECK is one of: networkx-json, networkx-graphml, dot, rdf, neo4j, html, screenshot,
readability.
GRAPH.json is the canonical graph (`talkgraph convert X --format json`). Exits 1 with a
message on the first difference, 0 when the tool agrees.
"""

import argparse
import collections
import csv
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
import warnings
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import quote

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GRAPH_PATH = None

# A tool's complaint is a failure: "opens without complaint" is the point.
warnings.simplefilter("error")


class Mismatch(Exception):
    pass


def expect(cond, message):
    if not cond:
        raise Mismatch(message)


def same(what, got, want):
    if got != want:
        raise Mismatch(f"{what} differ:\n  got:  {got!r}\n  want: {want!r}")


def load_graph(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


# --- what each format can carry ----------------------------------------------------------

XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_storable(s):
    """GraphML cannot carry NUL and most C0 controls: the exporter writes U+FFFD."""
    return XML_INVALID.sub("\ufffd", s)


def json_in_xml(s):
    """A string inside a JSON list in GraphML: JSON escapes controls, only U+FFFE/U+FFFF go."""
    return re.sub("[\ufffe\uffff]", "\ufffd", s)


def drawable(s):
    """What GraphViz can draw: line breaks unified, tab as space, controls as U+FFFD."""
    s = s.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return "".join("\ufffd" if c != "\n" and unicodedata.category(c) == "Cc" else c for c in s)


def squash(s):
    """Whitespace-insensitive form, for text that a renderer splits into lines."""
    return " ".join(s.split())


def attribute_columns(graph):
    """The exporters' column name for each attribute name (see export::attribute_columns)."""
    taken = {"id", "type", "label", "name", "aliases", "mention_count"}
    out = {}
    for name in sorted({k for n in graph["nodes"] for k in n.get("attributes", {})}):
        column = name
        while column in taken:
            column = "attr_" + column
        taken.add(column)
        out[name] = column
    return out


def evidence_line(span):
    return f"{span['source']}:{span['line']}: {span['text']}"


# --- networkx ------------------------------------------------------------------------------


def check_networkx_json(graph, path):
    from networkx.readwrite import json_graph

    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    g = json_graph.node_link_graph(data, edges="edges")
    expect(g.is_directed() and g.is_multigraph(), "networkx should build a MultiDiGraph")
    same("node count", g.number_of_nodes(), len(graph["nodes"]))
    same("edge count", g.number_of_edges(), len(graph["edges"]))
    for n in graph["nodes"]:
        same(f"label of {n['id']!r}", g.nodes[n["id"]]["label"], n["label"])
    for e in graph["edges"]:
        expect(g.has_edge(e["source"], e["target"], e["key"]), f"edge {e['source']!r} -> {e['target']!r} missing")


def check_networkx_graphml(graph, path):
    import networkx as nx

    g = nx.read_graphml(path)
    expect(g.is_directed(), "GraphML graph should be directed")
    same("node count", g.number_of_nodes(), len(graph["nodes"]))
    same("edge count", g.number_of_edges(), len(graph["edges"]))
    columns = attribute_columns(graph)
    for n in graph["nodes"]:
        nid = xml_storable(n["id"])
        expect(nid in g.nodes, f"node {nid!r} missing")
        got = g.nodes[nid]
        same(f"type of {nid!r}", got.get("type", ""), xml_storable(n["type"]))
        same(f"label of {nid!r}", got.get("label", ""), xml_storable(n["label"]))
        same(f"aliases of {nid!r}", json.loads(got["aliases"]), [json_in_xml(a) for a in n["aliases"]])
        same(f"mention_count of {nid!r}", got["mention_count"], len(n["mentions"]))
        for name, value in n.get("attributes", {}).items():
            same(f"attribute {name!r} of {nid!r}", got.get(xml_storable(columns[name]), ""), xml_storable(value))
    want = collections.Counter(
        (
            xml_storable(e["source"]),
            xml_storable(e["target"]),
            xml_storable(e["relation"]),
            xml_storable(e["rule"]),
            float(e["confidence"]),
            len(e["evidence"]),
            tuple(json_in_xml(evidence_line(s)) for s in e["evidence"]),
        )
        for e in graph["edges"]
    )
    got = collections.Counter(
        (
            u,
            v,
            d.get("relation", ""),
            d.get("rule", ""),
            d["confidence"],
            d["evidence_count"],
            tuple(json.loads(d["evidence"])),
        )
        for u, v, d in g.edges(data=True)
    )
    same("edges (source, target, relation, rule, confidence, evidence count, evidence)", got, want)


# --- GraphViz ------------------------------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"


def check_dot(graph, path, clusters):
    run = subprocess.run(["dot", "-Tsvg", path], capture_output=True)
    same("dot exit code", run.returncode, 0)
    same("dot warnings", run.stderr.decode("utf-8", "replace"), "")
    svg = ET.fromstring(run.stdout)

    def texts(g):
        return squash(" ".join("".join(t.itertext()) for t in g.iter(SVG + "text")))

    groups = {cls: [g for g in svg.iter(SVG + "g") if g.get("class") == cls] for cls in ("node", "edge", "cluster")}
    kinds = sorted({n["type"] for n in graph["nodes"]})
    want_nodes = sorted([squash(drawable(n["label"])) for n in graph["nodes"]] + [squash(k) for k in kinds])
    same("drawn node labels (nodes and legend)", sorted(texts(g) for g in groups["node"]), want_nodes)
    same("drawn edge labels", sorted(texts(g) for g in groups["edge"]), sorted(squash(drawable(e["relation"])) for e in graph["edges"]))
    want_clusters = ["Legend"] if kinds else []
    if clusters:
        sources = {n["mentions"][0]["source"] for n in graph["nodes"] if n["mentions"]}
        want_clusters += [squash(drawable(s)) for s in sources]
    same("cluster labels", sorted(texts(g) for g in groups["cluster"]), sorted(want_clusters))


# --- RDF -----------------------------------------------------------------------------------

PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX schema: <https://schema.org/>
PREFIX tg: <urn:talkgraph:vocab:>
"""

# relation -> (predicate, whether the triple runs target -> source)
PREDICATES = {
    "works_at": ("schema:worksFor", False),
    "presents": ("schema:performer", True),
    "mentions": ("schema:mentions", False),
    "part_of": ("schema:superEvent", False),
    "develops": ("tg:develops", False),
}


_QUERY_ROWS = {}


def talkgraph_query_rows(graph, relation, target_label):
    """The rows the real `talkgraph query GRAPH '?s RELATION ?o' --format json` gives for
    one object label: the subjects' labels, sorted. One query per relation, so no label
    ever has to be quoted on a command line."""
    if relation not in _QUERY_ROWS:
        binary = os.environ.get("TALKGRAPH_BIN") or os.path.join(ROOT, "target", "debug", "talkgraph")
        out = subprocess.run(
            [binary, "query", GRAPH_PATH, f"?s {relation} ?o", "--format", "json"],
            capture_output=True, text=True, encoding="utf-8",
        )
        expect(out.returncode in (0, 1), f"talkgraph query failed: {out.stderr}")
        _QUERY_ROWS[relation] = json.loads(out.stdout) if out.returncode == 0 else []
    return sorted(r["s"] for r in _QUERY_ROWS[relation] if r["o"] == target_label)


def sparql_string(s):
    """A SPARQL string literal: quotes, backslashes and controls escaped, the rest as is."""
    out = []
    for c in s:
        if c in '"\\':
            out.append("\\" + c)
        elif unicodedata.category(c) == "Cc":
            out.append(f"\\u{ord(c):04X}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def sparql_who(relation, target_label):
    pred, swap = PREDICATES[relation]
    pattern = "?t {p} ?s ." if swap else "?s {p} ?t ."
    return PREFIXES + (
        "SELECT ?name WHERE { " + pattern.format(p=pred) + " ?t schema:name ?target . ?s schema:name ?name . "
        "FILTER(?target = " + sparql_string(target_label) + ") }"
    )


def check_rdf(graph, ttl, nt):
    import pyoxigraph as ox
    import rdflib
    from rdflib.compare import isomorphic

    g_ttl = rdflib.Graph().parse(ttl, format="turtle")
    g_nt = rdflib.Graph().parse(nt, format="nt")
    same("triple count (Turtle vs N-Triples)", len(g_ttl), len(g_nt))
    expect(isomorphic(g_ttl, g_nt), "Turtle and N-Triples hold different graphs")

    store = ox.Store()
    store.load(path=ttl, format=ox.RdfFormat.TURTLE)
    same("triple count (pyoxigraph vs rdflib)", len(store), len(g_ttl))

    def rows(query, names):
        return sorted(tuple(sol[n].value for n in names) for sol in store.query(query))

    ids = {n["id"]: n for n in graph["nodes"]}
    same(
        "names",
        rows(PREFIXES + "SELECT ?id ?name WHERE { ?n schema:identifier ?id ; schema:name ?name }", ["id", "name"]),
        sorted((n["id"], n["label"]) for n in graph["nodes"]),
    )
    same(
        "types",
        rows(PREFIXES + "SELECT ?id ?class WHERE { ?n schema:identifier ?id ; a ?class }", ["id", "class"]),
        sorted(
            [(n["id"], "urn:talkgraph:vocab:" + n["type"].title().replace("_", "")) for n in graph["nodes"]]
            + [
                (n["id"], "https://schema.org/" + c)
                for n in graph["nodes"]
                for c in [{"person": "Person", "company": "Organization", "project": "SoftwareSourceCode", "talk": "Event", "event": "Event"}.get(n["type"])]
                if c
            ]
        ),
    )
    for relation, (pred, swap) in PREDICATES.items():
        got = rows(
            PREFIXES + f"SELECT ?a ?b WHERE {{ ?x {pred} ?y . ?x schema:identifier ?a . ?y schema:identifier ?b }}",
            ["a", "b"],
        )
        if swap:
            got = sorted((b, a) for a, b in got)
        want = sorted((e["source"], e["target"]) for e in graph["edges"] if e["relation"] == relation)
        same(f"{relation} pairs", got, want)
    same(
        "edge provenance",
        sorted((rel, rule, float(conf), n) for rel, rule, conf, n in rows(
            PREFIXES
            + """SELECT ?rel ?rule ?conf (STR(COUNT(?ev)) AS ?n) WHERE {
                   ?st a rdf:Statement ; tg:relation ?rel ; tg:rule ?rule ; tg:confidence ?conf .
                   OPTIONAL { ?st tg:evidence ?ev } } GROUP BY ?st ?rel ?rule ?conf""",
            ["rel", "rule", "conf", "n"],
        )),
        sorted((e["relation"], e["rule"], float(e["confidence"]), str(len(e["evidence"]))) for e in graph["edges"]),
    )
    same(
        "evidence texts",
        rows(PREFIXES + "SELECT ?text WHERE { ?st tg:evidence ?ev . ?ev tg:text ?text }", ["text"]),
        sorted((s["text"],) for e in graph["edges"] for s in e["evidence"]),
    )
    # The question `talkgraph query` answers, asked in SPARQL of both stores.
    companies = sorted({ids[e["target"]]["label"] for e in graph["edges"] if e["relation"] == "works_at"})
    for company in companies:
        q = sparql_who("works_at", company)
        want = talkgraph_query_rows(graph, "works_at", company)
        same(f"pyoxigraph: who works at {company!r}", sorted(s["name"].value for s in store.query(q)), want)
        same(f"rdflib: who works at {company!r}", sorted(str(r[0]) for r in g_ttl.query(q)), want)


# --- Neo4j ---------------------------------------------------------------------------------


def check_neo4j(graph, folder):
    with open(os.path.join(folder, "nodes.csv"), encoding="utf-8", newline="") as f:
        nodes = list(csv.reader(f, strict=True))
    with open(os.path.join(folder, "relationships.csv"), encoding="utf-8", newline="") as f:
        rels = list(csv.reader(f, strict=True))
    header = nodes[0]
    same("nodes.csv header start", header[:2], ["id:ID", ":LABEL"])
    same("node rows", len(nodes) - 1, len(graph["nodes"]))
    expect(all(len(r) == len(header) for r in nodes), "a nodes.csv row has the wrong number of fields")
    label_col = header.index("label")
    by_id = {r[0]: r for r in nodes[1:]}
    for n in graph["nodes"]:
        nid = n["id"].replace("\0", "\ufffd")
        expect(nid in by_id, f"node {nid!r} missing from nodes.csv")
        same(f"label of {nid!r}", by_id[nid][label_col], n["label"].replace("\0", "\ufffd"))
        same(f":LABEL of {nid!r}", by_id[nid][1].split(";")[0], "Entity")
    same("relationships.csv header start", rels[0][:3], [":START_ID", ":END_ID", ":TYPE"])
    same("relationship rows", len(rels) - 1, len(graph["edges"]))
    for r in rels[1:]:
        expect(r[0] in by_id and r[1] in by_id, f"relationship {r[:3]} points outside nodes.csv")
    same("relationship types", sorted(r[2] for r in rels[1:]), sorted(e["relation"].upper() for e in graph["edges"]))
    with open(os.path.join(folder, "import.cypher"), encoding="utf-8") as f:
        lines = f.read().split("\n")
    same("import.cypher statements", len(lines), 2 + len(graph["nodes"]) + len(graph["edges"]) + 1)
    expect(all(line.endswith(";") for line in lines[1:-1]), "a Cypher statement does not end with ';'")


# --- HTML in headless Chromium -------------------------------------------------------------


def chromium():
    for name in (os.environ.get("TALKGRAPH_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and shutil.which(name):
            return shutil.which(name)
    raise Mismatch("Chromium not found: run .ci/setup-tools (or set TALKGRAPH_CHROMIUM)")


CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def run_chromium(args, url):
    with tempfile.TemporaryDirectory() as profile:
        cmd = [
            chromium(),
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=5000",
            "--window-size=1200,800",
            *args,
            url,
        ]
        run = subprocess.run(cmd, capture_output=True, timeout=120)
    same("chromium exit code", run.returncode, 0)
    return run.stdout.decode("utf-8"), run.stderr.decode("utf-8", "replace")


class Browser:
    """Headless Chromium driven through the DevTools protocol on a pipe (fds 3 and 4,
    NUL-separated JSON), so the test needs nothing beyond the standard library."""

    def __init__(self, url):
        self.profile = tempfile.TemporaryDirectory()
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()

        def wire():
            os.dup2(to_chrome_r, 3)
            os.dup2(from_chrome_w, 4)

        self.proc = subprocess.Popen(
            [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={self.profile.name}", "--window-size=1200,800", "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(3, 4),
            preexec_fn=wire,
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buffer = b""
        self.next_id = 0
        target = self.call("Target.createTarget", {"url": url})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for _ in range(100):
            if self.eval("document.readyState === 'complete' && document.querySelectorAll('[data-node-id]').length > 0"):
                break
            time.sleep(0.1)

    def call(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.to_chrome, json.dumps(msg).encode() + b"\0")
        deadline = time.time() + 30
        while time.time() < deadline:
            while b"\0" in self.buffer:
                raw, self.buffer = self.buffer.split(b"\0", 1)
                reply = json.loads(raw)
                if reply.get("id") == self.next_id:
                    if "error" in reply:
                        raise Mismatch(f"DevTools {method}: {reply['error']}")
                    return reply["result"]
            ready, _, _ = select.select([self.from_chrome], [], [], max(0.0, deadline - time.time()))
            if not ready:
                break
            chunk = os.read(self.from_chrome, 65536)
            if not chunk:
                break
            self.buffer += chunk
        raise Mismatch(f"DevTools {method}: no answer")

    def eval(self, expression):
        r = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True}, self.session)
        if "exceptionDetails" in r:
            raise Mismatch(f"evaluating {expression!r}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def mouse(self, kind, x, y, **extra):
        self.call("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left", "buttons": 1 if kind != "mouseReleased" else 0, "clickCount": 1, **extra}, self.session)

    def drag(self, x, y, dx, dy):
        self.mouse("mousePressed", x, y)
        for i in range(1, 6):
            self.mouse("mouseMoved", x + dx * i / 5, y + dy * i / 5)
        self.mouse("mouseReleased", x + dx, y + dy)

    def close(self):
        try:
            self.call("Browser.close")
        except Mismatch:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        os.close(self.to_chrome)
        os.close(self.from_chrome)
        self.profile.cleanup()


def check_interactions(graph, path):
    """Clicks, drags, scrolls, types and filters like a person, then reads the page."""
    nodes, edges = graph["nodes"], graph["edges"]
    if not nodes or not edges:
        return
    url = "file://" + quote(os.path.abspath(path))
    b = Browser(url)
    try:
        centre = "(el => { const r = el.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })"
        node_sel = lambda nid: f"document.querySelector('[data-node-id=\"' + CSS.escape({json.dumps(nid)}) + '\"]')"
        heading = "document.querySelector('#details h2')?.textContent"
        # Click a node: its label heads the details, its mentions are listed.
        n = next((n for n in nodes if n["mentions"]), nodes[0])
        x, y = b.eval(f"{centre}({node_sel(n['id'])}.querySelector('circle'))")
        b.mouse("mousePressed", x, y)
        b.mouse("mouseReleased", x, y)
        same("details heading after clicking a node", page_text(b.eval(heading) or ""), page_text(n["label"]))
        same("mention snippets shown", b.eval("document.querySelectorAll('#details .snippet').length"), len(n["mentions"]))
        # Click an edge at its middle: the relation heads the details, with the evidence.
        # In a dense drawing another edge may lie on top of an edge's middle: take the edge
        # with the most evidence among those whose middle is really theirs to click.
        def middle(i):
            return b.eval(f"(l => {{ const k = l.getScreenCTM(); "
                          f"const p = new DOMPoint((+l.getAttribute('x1') + +l.getAttribute('x2')) / 2, (+l.getAttribute('y1') + +l.getAttribute('y2')) / 2).matrixTransform(k); "
                          f"const top = document.elementFromPoint(p.x, p.y); "
                          f"return [p.x, p.y, !!(top && top.closest('[data-edge-index=\"{i}\"]'))]; }})"
                          f"(document.querySelector('[data-edge-index=\"{i}\"] .hit'))")
        e, x, y = None, None, None
        for i in sorted(range(len(edges)), key=lambda i: -len(edges[i]["evidence"])):
            px, py, own = middle(i)
            if own:
                e, x, y = i, px, py
                break
        expect(e is not None, "no edge can be clicked at its middle")
        b.mouse("mousePressed", x, y)
        b.mouse("mouseReleased", x, y)
        same("details heading after clicking an edge", b.eval(heading), edges[e]["relation"])
        same("evidence snippets shown", b.eval("document.querySelectorAll('#details .snippet').length"), len(edges[e]["evidence"]))
        # Drag a node: it moves; drag the background: the view pans; scroll: it zooms.
        transform = lambda sel: b.eval(f"{sel}.getAttribute('transform')")
        before = transform(node_sel(n["id"]))
        x, y = b.eval(f"{centre}({node_sel(n['id'])}.querySelector('circle'))")
        b.drag(x, y, 40, 30)
        expect(transform(node_sel(n["id"])) != before, "dragging a node did not move it")
        view = "document.getElementById('viewport')"
        before = transform(view)
        b.drag(5, b.eval("document.getElementById('canvas').getBoundingClientRect().bottom") - 5, 60, -20)
        expect(transform(view) != before, "dragging the background did not pan")
        before = transform(view)
        b.mouse("mouseWheel", 300, 400, deltaX=0, deltaY=-300)
        expect(transform(view) != before, "scrolling did not zoom")
        # Filters: hiding a type hides its nodes and their edges; hiding a relation its edges.
        kind = n["type"]
        b.eval("[...document.querySelectorAll('#type-filters label')].find(l => l.textContent.trim().startsWith(" + json.dumps(kind + " (") + ")).querySelector('input').click()")
        same(f"visible nodes once '{kind}' is hidden",
             b.eval("[...document.querySelectorAll('[data-node-id]')].filter(g => g.style.display !== 'none').length"),
             sum(1 for m in nodes if m["type"] != kind))
        b.eval("document.querySelectorAll('#type-filters input').forEach(i => { if (!i.checked) i.click(); })")
        rel = edges[0]["relation"]
        b.eval("[...document.querySelectorAll('#relation-filters label')].find(l => l.textContent.trim().startsWith(" + json.dumps(rel + " (") + ")).querySelector('input').click()")
        same(f"visible edges once '{rel}' is hidden",
             b.eval("[...document.querySelectorAll('[data-edge-index]')].filter(g => g.style.display !== 'none').length"),
             sum(1 for d in edges if d["relation"] != rel))
        same("script errors reported in #errors", b.eval("document.getElementById('errors').textContent"), "")
    finally:
        b.close()


class Dom(HTMLParser):
    """Collects what the test needs from the DOM Chromium dumped after the script ran."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.node_ids = []
        self.tags = collections.Counter()
        self.injected = []
        self.stack = []
        self.errors = ""
        self.details_h2 = None
        self.in_details = False
        self.matches = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] += 1
        if "data-node-id" in a:
            self.node_ids.append(a["data-node-id"])
            if "match" in (a.get("class") or "").split():
                self.matches += 1
        if any(k.startswith("on") for k in a) or "data-pwned" in a or "tg-injected" in (a.get("class") or ""):
            self.injected.append((tag, attrs))
        if tag in ("pre", "h2", "aside"):
            self.stack.append((tag, a.get("id")))
            if tag == "aside" and a.get("id") == "details":
                self.in_details = True
            if tag == "h2" and self.in_details and self.details_h2 is None:
                self.details_h2 = ""

    def handle_endtag(self, tag):
        if tag in ("pre", "h2", "aside") and self.stack:
            done = self.stack.pop()
            if done == ("aside", "details"):
                self.in_details = False

    def handle_data(self, data):
        if self.stack and self.stack[-1] == ("pre", "errors"):
            self.errors += data
        if self.stack and self.stack[-1][0] == "h2" and self.in_details and self.details_h2 is not None:
            self.details_h2 += data


def page_text(s):
    """Text as an HTML parser hands it back: line breaks unified, NUL dropped."""
    return s.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "").replace("\ufffd", "")


def check_html(graph, path):
    url = "file://" + quote(os.path.abspath(path))
    nodes = graph["nodes"]
    chosen = max(nodes, key=lambda n: (len(n["label"]), n["id"])) if nodes else None
    fragment = f"#node={quote(chosen['id'], safe='')}" if chosen else ""
    dom_text, log = run_chromium(["--dump-dom"], url + fragment)
    dom = Dom()
    dom.feed(dom_text)
    dom.close()
    same("script errors reported in #errors", dom.errors, "")
    console = [line for line in log.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    same("console messages", console, [])
    same("drawn nodes (elements with data-node-id)", sorted(dom.node_ids), sorted(n["id"] for n in nodes))
    same("injected elements or handlers", dom.injected, [])
    same("script elements", dom.tags["script"], 3)
    same("img elements", dom.tags["img"], 0)
    if chosen:
        same("details heading for #node=", page_text(dom.details_h2 or ""), page_text(chosen["label"]))
    # Search deep link: the same matches as a case- and accent-insensitive substring search.
    if nodes:
        word = next((w for n in nodes for w in n["label"].split() if w.isalpha() and len(w) > 2), None)
        if word:
            dom_text, _ = run_chromium(["--dump-dom"], url + "#q=" + quote(word, safe=""))
            dom = Dom()
            dom.feed(dom_text)

            def fold(s):
                return "".join(c for c in unicodedata.normalize("NFD", s) if not "\u0300" <= c <= "\u036f").lower()

            want = sum(1 for n in nodes if any(fold(word) in fold(s) for s in [n["label"], n["id"], *n["aliases"]]))
            same(f"nodes matching a search for {word!r}", dom.matches, want)
    check_interactions(graph, path)


# What "readable" means for the viewer, as measured on the page Chromium draws.
MIN_LABEL_PX = 10.5


def visible_label_boxes(b):
    """The screen boxes and font sizes of the node labels drawn, measured by the browser."""
    return b.eval("""[...document.querySelectorAll('[data-node-id]')]
        .filter(g => g.style.display !== 'none')
        .map(g => g.querySelector('text'))
        .filter(t => getComputedStyle(t).display !== 'none')
        .map(t => { const r = t.getBoundingClientRect();
                    const px = parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a;
                    return [r.left, r.top, r.right, r.bottom, px]; })""")


def check_labels(b, what, within):
    boxes = visible_label_boxes(b)
    expect(boxes, f"{what}: no label is drawn")
    small = min(box[4] for box in boxes)
    expect(small >= MIN_LABEL_PX, f"{what}: a label is drawn {small:.1f} px high (under {MIN_LABEL_PX})")
    state = b.eval("window.__talkgraph_test")
    same(f"{what}: labels the viewer says it shows", state["visibleLabels"], len(boxes))
    # Glyph boxes are a little taller than the viewer's estimate: allow 2 px of contact.
    inside = [x for x in boxes if x[2] > within[0] and x[0] < within[2] and x[3] > within[1] and x[1] < within[3]]
    for i, p in enumerate(inside):
        for q in inside[i + 1:]:
            overlap_x = min(p[2], q[2]) - max(p[0], q[0])
            overlap_y = min(p[3], q[3]) - max(p[1], q[1])
            expect(overlap_x <= 2 or overlap_y <= 2, f"{what}: two labels overlap on screen: {p} and {q}")
    return boxes, state


def check_readability(graph, path):
    """The viewer at 1200x800: labels at the initial fit are few enough not to overlap and
    big enough to read, zooming in shows more, a selected node is centred and zoomed
    into, and nodes without edges sit in a grid rather than a column."""
    nodes, edges = graph["nodes"], graph["edges"]
    if not nodes:
        return
    url = "file://" + quote(os.path.abspath(path))
    b = Browser(url)
    try:
        canvas = b.eval("(r => [r.left, r.top, r.right, r.bottom])(document.getElementById('canvas').getBoundingClientRect())")
        fitted, state = check_labels(b, "at the initial fit", canvas)
        if len(nodes) > 100:
            expect(len(fitted) < len(nodes), "at the initial fit every label is drawn: a crowded graph cannot fit them all")
        # Labels go to the best linked nodes first: the hub has its label.
        degree = collections.Counter()
        for e in edges:
            if e["source"] != e["target"]:
                degree[e["source"]] += 1
                degree[e["target"]] += 1
        if degree:
            hub = max(nodes, key=lambda n: (degree[n["id"]], -nodes.index(n)))
            shown = b.eval(f"getComputedStyle(document.querySelector('[data-node-id=\"' + CSS.escape({json.dumps(hub['id'])}) + '\"] text')).display")
            expect(shown != "none", f"the best linked node {hub['id']!r} has no label at the initial fit")
        # Loose nodes: a grid of several columns beside the rest, not one column.
        loose = [n["id"] for n in nodes if degree[n["id"]] == 0]
        same("loose nodes the viewer counts", state["looseNodes"], len(loose))
        if len(loose) >= 9:
            xs = b.eval("[...document.querySelectorAll('[data-node-id]')].filter(g => " + json.dumps(loose) + ".includes(g.dataset.nodeId)).map(g => g.transform.baseVal.consolidate().matrix.e)")
            columns = len({round(x) for x in xs})
            expect(columns >= 3, f"{len(loose)} nodes without edges are laid out in {columns} column(s)")
        # Zooming in labels a larger share of the nodes on screen, still readable and apart.
        labelled = """(() => { const c = document.getElementById('canvas').getBoundingClientRect();
            const on = [...document.querySelectorAll('[data-node-id]')].filter(g => {
              const r = g.querySelector('circle').getBoundingClientRect();
              const x = r.x + r.width / 2, y = r.y + r.height / 2;
              return g.style.display !== 'none' && x > c.left && x < c.right && y > c.top && y < c.bottom; });
            return [on.filter(g => getComputedStyle(g.querySelector('text')).display !== 'none').length, on.length]; })()"""
        before = b.eval(labelled)
        b.mouse("mouseWheel", (canvas[0] + canvas[2]) / 2, (canvas[1] + canvas[3]) / 2, deltaX=0, deltaY=-600)
        check_labels(b, "zoomed in", canvas)
        after = b.eval(labelled)
        share = lambda p: p[0] / p[1] if p[1] else 1.0
        expect(share(after) >= share(before), f"zooming in labelled fewer of the nodes on screen ({after} after, {before} before)")
        if share(before) < 0.5:
            expect(share(after) > share(before), f"zooming in labelled no more of the nodes on screen ({after} after, {before} before)")
    finally:
        b.close()
    # A deep link selects, centres and zooms into the node (a loose one, if any: the
    # grid is where the view starts farthest from it).
    chosen = max(nodes, key=lambda n: (degree[n["id"]] == 0, n["id"]))
    b = Browser(url + "#node=" + quote(chosen["id"], safe=""))
    try:
        state = b.eval("window.__talkgraph_test")
        same("node selected by #node=", state["selected"], chosen["id"])
        same("selected node centred", state["selectedCentred"], True)
        expect(state["zoom"] >= 1.5, f"selecting a node left the zoom at {state['zoom']}")
        centre = b.eval("(el => { const r = el.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })(document.querySelector('[data-node-id].selected circle'))")
        mid = [(canvas[0] + canvas[2]) / 2, (canvas[1] + canvas[3]) / 2]
        expect(abs(centre[0] - mid[0]) < 3 and abs(centre[1] - mid[1]) < 3, f"the selected node is drawn at {centre}, not at the middle {mid}")
        check_labels(b, "after selecting", canvas)
        # Clicking another node centres that one.
        other = next((n for n in nodes if n["id"] != chosen["id"] and degree[n["id"]]), None)
        if other:
            xy = b.eval(f"(el => {{ const r = el.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})(document.querySelector('[data-node-id=\"' + CSS.escape({json.dumps(other['id'])}) + '\"] circle'))")
            if canvas[0] < xy[0] < canvas[2] and canvas[1] < xy[1] < canvas[3] and b.eval(f"document.elementFromPoint({xy[0]}, {xy[1]})?.closest('[data-node-id]')?.dataset.nodeId") == other["id"]:
                b.mouse("mousePressed", *xy)
                b.mouse("mouseReleased", *xy)
                state = b.eval("window.__talkgraph_test")
                same("node selected by a click", state["selected"], other["id"])
                same("clicked node centred", state["selectedCentred"], True)
        same("script errors reported in #errors", b.eval("document.getElementById('errors').textContent"), "")
    finally:
        b.close()


def screenshot(graph, path, png):
    url = "file://" + quote(os.path.abspath(path))
    run_chromium([f"--screenshot={os.path.abspath(png)}"], url)
    expect(os.path.getsize(png) > 10_000, f"{png}: screenshot looks empty")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("check", choices=["networkx-json", "networkx-graphml", "dot", "rdf", "neo4j", "html", "screenshot", "readability"])
    p.add_argument("graph", help="the canonical graph JSON")
    p.add_argument("exported", help="the exported file or folder")
    p.add_argument("--ntriples", help="rdf: the N-Triples file beside the Turtle one")
    p.add_argument("--clusters", action="store_true", help="dot: exported with --cluster-by source")
    p.add_argument("--png", help="screenshot: where to save the PNG")
    a = p.parse_args()
    global GRAPH_PATH
    GRAPH_PATH = a.graph
    graph = load_graph(a.graph)
    try:
        if a.check == "networkx-json":
            check_networkx_json(graph, a.exported)
        elif a.check == "networkx-graphml":
            check_networkx_graphml(graph, a.exported)
        elif a.check == "dot":
            check_dot(graph, a.exported, a.clusters)
        elif a.check == "rdf":
            check_rdf(graph, a.exported, a.ntriples)
        elif a.check == "neo4j":
            check_neo4j(graph, a.exported)
        elif a.check == "html":
            check_html(graph, a.exported)
        elif a.check == "readability":
            check_readability(graph, a.exported)
        elif a.check == "screenshot":
            screenshot(graph, a.exported, a.png)
    except Mismatch as e:
        print(f"{a.check}: {a.exported}: {e}", file=sys.stderr)
        sys.exit(1)
    print(f"{a.check}: {a.exported}: ok")


if __name__ == "__main__":
    main()
