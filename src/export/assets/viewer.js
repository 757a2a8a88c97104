/* talkgraph viewer: draws the graph embedded in #graph-data as SVG, offline.
   Labels are only ever set through textContent or setAttribute, never parsed as markup. */
(function () {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";
  const doc = JSON.parse(document.getElementById("graph-data").textContent);
  const svg = document.getElementById("canvas");
  const details = document.getElementById("details");
  const search = document.getElementById("search");
  const statusEl = document.getElementById("status");
  const KINDS = ["person", "company", "project", "talk", "event"];
  const RADIUS = 9;
  // Labels are drawn LABEL_FONT graph units high, but never under MIN_FONT_PX on screen:
  // zoomed out they stay readable and fewer of them fit (see placeLabels).
  const LABEL_FONT = 11;
  const MIN_FONT_PX = 11;
  // Edge labels are only drawn once they are this big on screen; smaller they are noise.
  const EDGE_FONT = 8;
  const MIN_EDGE_FONT_PX = 9;
  // Selecting a node zooms in at least this far, where its labels and edges read well.
  const FOCUS_ZOOM = 1.5;
  // The grid of nodes without edges: cell size in graph units, and its gap from the rest.
  const CELL_W = 190, CELL_H = 40, GRID_GAP = 140;

  function make(ns, tag, attrs, parent, text) {
    const el = ns ? document.createElementNS(ns, tag) : document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
    if (text !== undefined) el.textContent = text;
    if (parent) parent.appendChild(el);
    return el;
  }
  const html = (tag, attrs, parent, text) => make(null, tag, attrs, parent, text);
  const svgEl = (tag, attrs, parent, text) => make(SVG, tag, attrs, parent, text);
  const fold = (s) => String(s).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

  // The model: nodes by id, edges whose two ends exist.
  const nodes = doc.nodes.map((data, i) => ({ i, data, x: 0, y: 0, edges: [] }));
  const byId = new Map(nodes.map((n) => [n.data.id, n]));
  const edges = [];
  doc.edges.forEach((data, i) => {
    const s = byId.get(data.source);
    const t = byId.get(data.target);
    if (!s || !t) return;
    const e = { i, data, s, t };
    edges.push(e);
    s.edges.push(e);
    if (t !== s) t.edges.push(e);
  });

  // Nodes with no edge to another node: a force layout only flings them to the rim, one
  // under the other, so they get a grid of their own beside the rest (placeLoose).
  const linked = nodes.filter((n) => n.edges.some((e) => e.s !== e.t));
  const loose = nodes.filter((n) => !n.edges.some((e) => e.s !== e.t));
  function layout() {
    force(linked);
    placeLoose(linked);
  }

  // Fruchterman-Reingold from a fixed spiral, so the same graph always lands the same way.
  function force(nodes) {
    const n = nodes.length;
    if (!n) return;
    const k = 90;
    nodes.forEach((p, i) => {
      const r = k * Math.sqrt(i + 0.5);
      p.x = r * Math.cos(i * 2.399963);
      p.y = r * Math.sin(i * 2.399963);
    });
    const iters = Math.max(30, Math.min(300, Math.floor(3e7 / (n * n))));
    const far2 = (5 * k) * (5 * k);
    for (let it = 0; it < iters; it++) {
      const temp = k * 2 * (1 - it / iters) + 1;
      for (const p of nodes) { p.dx = -p.x * 0.05; p.dy = -p.y * 0.05; }
      for (let a = 0; a < n; a++) {
        const p = nodes[a];
        for (let b = a + 1; b < n; b++) {
          const q = nodes[b];
          let dx = p.x - q.x, dy = p.y - q.y;
          let d2 = dx * dx + dy * dy;
          if (d2 > far2) continue; // beyond reach, so loose nodes are not flung away
          if (d2 < 0.01) { dx = 0.1 * (b - a); dy = 0.1; d2 = dx * dx + dy * dy; }
          const f = (k * k) / d2;
          p.dx += dx * f; p.dy += dy * f; q.dx -= dx * f; q.dy -= dy * f;
        }
      }
      for (const e of edges) {
        const dx = e.s.x - e.t.x, dy = e.s.y - e.t.y;
        const f = Math.sqrt(dx * dx + dy * dy) / k;
        e.s.dx -= dx * f; e.s.dy -= dy * f; e.t.dx += dx * f; e.t.dy += dy * f;
      }
      for (const p of nodes) {
        const len = Math.hypot(p.dx, p.dy);
        if (len > 0) {
          const step = Math.min(len, temp);
          p.x += (p.dx / len) * step;
          p.y += (p.dy / len) * step;
        }
      }
    }
  }

  // The loose nodes in a grid about as tall as wide, to the right of the linked ones and
  // centred on them vertically, grouped by type and then sorted by label so that a
  // reader can scan it and the same graph always gives the same grid.
  function placeLoose(linked) {
    if (!loose.length) return;
    const rank = (t) => { const i = KINDS.indexOf(t); return i < 0 ? KINDS.length : i; };
    const order = loose.slice().sort((a, b) => rank(a.data.type) - rank(b.data.type)
      || (a.data.label < b.data.label ? -1 : a.data.label > b.data.label ? 1 : a.i - b.i));
    const cols = Math.max(1, Math.round(Math.sqrt(order.length * CELL_H / CELL_W)));
    const rows = Math.ceil(order.length / cols);
    let x0 = 0, yMid = 0;
    if (linked.length) {
      x0 = Math.max(...linked.map((p) => p.x)) + GRID_GAP;
      yMid = (Math.min(...linked.map((p) => p.y)) + Math.max(...linked.map((p) => p.y))) / 2;
    }
    const y0 = yMid - ((rows - 1) * CELL_H) / 2;
    order.forEach((p, i) => {
      p.x = x0 + Math.floor(i / rows) * CELL_W;
      p.y = y0 + (i % rows) * CELL_H;
    });
  }

  // Drawing: one <g data-node-id> per node, one <g data-edge-index> per edge.
  const defs = svgEl("defs", {}, svg);
  const marker = svgEl("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5,
    markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, defs);
  svgEl("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "arrow" }, marker);
  const viewport = svgEl("g", { id: "viewport" }, svg);
  const edgeLayer = svgEl("g", { class: "edges" }, viewport);
  const nodeLayer = svgEl("g", { class: "nodes" }, viewport);
  const elementOf = new Map();

  for (const e of edges) {
    e.g = svgEl("g", { class: "edge", "data-edge-index": e.i, "data-relation": e.data.relation }, edgeLayer);
    svgEl("title", {}, e.g, `${e.data.relation} (rule ${e.data.rule}, confidence ${e.data.confidence})`);
    e.hit = svgEl("line", { class: "hit" }, e.g);
    e.line = svgEl("line", { class: "line", "marker-end": "url(#arrow)" }, e.g);
    e.label = svgEl("text", { class: "edge-label", "text-anchor": "middle" }, e.g, e.data.relation);
    elementOf.set(e.g, e);
  }
  for (const n of nodes) {
    n.g = svgEl("g", { class: "node", "data-node-id": n.data.id, "data-type": n.data.type }, nodeLayer);
    svgEl("title", {}, n.g, `${n.data.label} (${n.data.type})`);
    svgEl("circle", { r: RADIUS }, n.g);
    n.text = svgEl("text", { x: RADIUS + 3, dy: "0.35em" }, n.g, n.data.label);
    n.labelOn = true;
    elementOf.set(n.g, n);
  }

  function placeEdge(e) {
    const dx = e.t.x - e.s.x, dy = e.t.y - e.s.y;
    const d = Math.hypot(dx, dy) || 1;
    const ux = dx / d, uy = dy / d;
    const x1 = e.s.x + ux * RADIUS, y1 = e.s.y + uy * RADIUS;
    const x2 = e.t.x - ux * (RADIUS + 2), y2 = e.t.y - uy * (RADIUS + 2);
    for (const line of [e.hit, e.line]) {
      line.setAttribute("x1", x1); line.setAttribute("y1", y1);
      line.setAttribute("x2", x2); line.setAttribute("y2", y2);
    }
    e.label.setAttribute("x", (x1 + x2) / 2);
    e.label.setAttribute("y", (y1 + y2) / 2 - 3);
  }
  function placeNode(n) {
    n.g.setAttribute("transform", `translate(${n.x},${n.y})`);
    n.edges.forEach(placeEdge);
  }

  // Labels by zoom level and degree, as Gephi and Cytoscape do: each node's label is
  // tried in order (the selection, then search matches, then by degree, most linked first)
  // and drawn only if its box on screen overlaps no label drawn before it. Zoomed out,
  // only the hubs' labels fit; zooming in makes room for more.
  const labelOrder = nodes.slice().sort((a, b) => b.edges.length - a.edges.length || a.i - b.i);
  // A label's width per pixel of font size, measured once as drawn (a guess when the
  // browser cannot measure, e.g. a page that is not displayed).
  function measureLabels() {
    for (const n of nodes) {
      let w = 0;
      try { w = n.text.getComputedTextLength() / LABEL_FONT; } catch (_) { w = 0; }
      n.labelWidth = w > 0 ? w : 0.6 * String(n.data.label).length;
    }
  }
  const labelState = { shown: 0, fontPx: LABEL_FONT };
  function placeLabels() {
    const k = view.k;
    const px = Math.max(MIN_FONT_PX, LABEL_FONT * k);
    viewport.style.setProperty("--label-size", `${px / k}px`);
    svg.classList.toggle("edge-labels-off", EDGE_FONT * k < MIN_EDGE_FONT_PX);
    const w = svg.clientWidth || 1000, h = svg.clientHeight || 700;
    // Boxes already drawn, bucketed by screen cell so each test looks at a few neighbours.
    const CELL = 128, cells = new Map();
    const cellsOf = (b, add) => {
      for (let cx = Math.floor(b[0] / CELL); cx <= Math.floor(b[2] / CELL); cx++) {
        for (let cy = Math.floor(b[1] / CELL); cy <= Math.floor(b[3] / CELL); cy++) {
          const key = cx + "," + cy;
          if (add) { if (!cells.has(key)) cells.set(key, []); cells.get(key).push(b); }
          else for (const o of cells.get(key) || []) {
            if (b[0] < o[2] && o[0] < b[2] && b[1] < o[3] && o[1] < b[3]) return true;
          }
        }
      }
      return false;
    };
    const first = [];
    if (selected && selected.data.id !== undefined) first.push(selected);
    for (const n of nodes) if (n !== selected && n.g.classList.contains("match")) first.push(n);
    const seen = new Set();
    let shown = 0;
    for (const n of first.concat(labelOrder)) {
      if (seen.has(n)) continue;
      seen.add(n);
      let on = false;
      if (n.visible) {
        const sx = n.x * k + view.tx, sy = n.y * k + view.ty;
        const x0 = sx + (RADIUS + 3) * k - 2, x1 = sx + (RADIUS + 3) * k + n.labelWidth * px + 2;
        const b = [x0, sy - 0.7 * px, x1, sy + 0.4 * px];
        const onScreen = x1 > 0 && x0 < w && b[3] > 0 && b[1] < h;
        if (onScreen && !cellsOf(b, false)) { cellsOf(b, true); on = true; shown++; }
      }
      if (on !== n.labelOn) { n.text.style.display = on ? "" : "none"; n.labelOn = on; }
    }
    labelState.shown = shown;
    labelState.fontPx = px;
    report();
  }
  // What a test can read without parsing the drawing: exposed on window, changed only
  // by the viewer itself.
  function report() {
    let centred = null;
    if (selected && selected.data.id !== undefined) {
      const r = svg.getBoundingClientRect(), c = selected.g.querySelector("circle").getBoundingClientRect();
      centred = Math.hypot(c.x + c.width / 2 - (r.x + r.width / 2), c.y + c.height / 2 - (r.y + r.height / 2)) < 2;
    }
    window.__talkgraph_test = {
      visibleLabels: labelState.shown,
      minFontPx: labelState.fontPx,
      zoom: view.k,
      selected: selected ? (selected.data.id !== undefined ? selected.data.id : `edge ${selected.i}`) : null,
      selectedCentred: centred,
      looseNodes: loose.length,
    };
  }

  // Pan and zoom.
  const view = { tx: 0, ty: 0, k: 1 };
  function applyView() {
    viewport.setAttribute("transform", `translate(${view.tx},${view.ty}) scale(${view.k})`);
    placeLabels();
  }
  function fit() {
    const w = svg.clientWidth || 1000, h = svg.clientHeight || 700;
    const shown = nodes.filter((n) => n.visible);
    if (!shown.length) { view.tx = w / 2; view.ty = h / 2; view.k = 1; applyView(); return; }
    const xs = shown.map((n) => n.x), ys = shown.map((n) => n.y);
    const x0 = Math.min(...xs) - 40, x1 = Math.max(...xs) + 160;
    const y0 = Math.min(...ys) - 40, y1 = Math.max(...ys) + 40;
    view.k = Math.min(2, w / (x1 - x0), h / (y1 - y0));
    view.tx = (w - (x1 - x0) * view.k) / 2 - x0 * view.k;
    view.ty = (h - (y1 - y0) * view.k) / 2 - y0 * view.k;
    applyView();
  }
  // Centres the view on a node, zooming in to FOCUS_ZOOM if the view is further out.
  function centerOn(n) {
    const w = svg.clientWidth || 1000, h = svg.clientHeight || 700;
    view.k = Math.max(view.k, FOCUS_ZOOM);
    view.tx = w / 2 - n.x * view.k;
    view.ty = h / 2 - n.y * view.k;
    applyView();
  }

  let drag = null;
  svg.addEventListener("pointerdown", (ev) => {
    const g = ev.target.closest("[data-node-id], [data-edge-index]");
    const item = g && elementOf.get(g);
    drag = { item, sx: ev.clientX, sy: ev.clientY, moved: false,
      ox: item ? item.x : view.tx, oy: item ? item.y : view.ty };
    svg.setPointerCapture(ev.pointerId);
  });
  svg.addEventListener("pointermove", (ev) => {
    if (!drag) return;
    const dx = ev.clientX - drag.sx, dy = ev.clientY - drag.sy;
    if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
    if (!drag.moved) return;
    if (drag.item && drag.item.g.dataset.nodeId !== undefined) {
      drag.item.x = drag.ox + dx / view.k;
      drag.item.y = drag.oy + dy / view.k;
      placeNode(drag.item);
    } else if (!drag.item) {
      view.tx = drag.ox + dx;
      view.ty = drag.oy + dy;
      applyView();
    }
  });
  svg.addEventListener("pointerup", () => {
    if (drag && !drag.moved && drag.item) select(drag.item);
    else if (drag && drag.moved && drag.item) placeLabels();
    drag = null;
  });
  svg.addEventListener("wheel", (ev) => {
    ev.preventDefault();
    const rect = svg.getBoundingClientRect();
    const mx = ev.clientX - rect.left, my = ev.clientY - rect.top;
    const f = Math.exp(-ev.deltaY * 0.0015);
    view.tx = mx - (mx - view.tx) * f;
    view.ty = my - (my - view.ty) * f;
    view.k *= f;
    applyView();
  }, { passive: false });

  // Filters by type and relation, built from what the graph holds.
  const hiddenTypes = new Set(), hiddenRelations = new Set();
  function applyFilters() {
    for (const n of nodes) {
      n.visible = !hiddenTypes.has(n.data.type);
      n.g.style.display = n.visible ? "" : "none";
    }
    for (const e of edges) {
      const on = e.s.visible && e.t.visible && !hiddenRelations.has(e.data.relation);
      e.g.style.display = on ? "" : "none";
    }
    placeLabels();
  }
  function filterBox(fieldset, values, hidden, swatch) {
    const counts = new Map();
    values.forEach((v) => counts.set(v, (counts.get(v) || 0) + 1));
    const order = [...counts.keys()].sort((a, b) => {
      const ia = KINDS.indexOf(a), ib = KINDS.indexOf(b);
      return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || (a < b ? -1 : a > b ? 1 : 0);
    });
    for (const v of order) {
      const label = html("label", {}, fieldset);
      const box = html("input", { type: "checkbox" }, label);
      box.checked = true;
      box.addEventListener("change", () => {
        if (box.checked) hidden.delete(v); else hidden.add(v);
        applyFilters();
      });
      if (swatch) html("span", { class: "swatch", "data-type": v }, label);
      label.appendChild(document.createTextNode(` ${v} (${counts.get(v)})`));
    }
  }
  filterBox(document.getElementById("type-filters"), nodes.map((n) => n.data.type), hiddenTypes, true);
  filterBox(document.getElementById("relation-filters"), edges.map((e) => e.data.relation), hiddenRelations, false);

  // Search over labels, aliases and ids, accents and case ignored; Enter jumps to the first hit.
  function matches(q) {
    return nodes.filter((n) => [n.data.label, n.data.id, ...(n.data.aliases || [])].some((s) => fold(s).includes(q)));
  }
  search.addEventListener("input", () => {
    const q = fold(search.value.trim());
    const hits = new Set(q ? matches(q) : []);
    for (const n of nodes) {
      n.g.classList.toggle("match", hits.has(n));
      n.g.classList.toggle("dim", q !== "" && !hits.has(n));
    }
    statusEl.textContent = q ? `${hits.size} match${hits.size === 1 ? "" : "es"}` : summary;
    placeLabels();
  });
  search.addEventListener("keydown", (ev) => {
    if (ev.key !== "Enter") return;
    const q = fold(search.value.trim());
    const hit = q && matches(q).find((n) => n.visible);
    if (hit) select(hit);
  });

  // Details: everything known about the selected node or edge, evidence first-class.
  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }
  function snippets(parent, title, spans) {
    html("h3", {}, parent, `${title} (${spans.length})`);
    for (const s of spans) {
      const q = html("blockquote", { class: "snippet" }, parent);
      html("cite", {}, q, `${s.source}:${s.line}`);
      html("p", { dir: "auto" }, q, s.text);
    }
  }
  function jump(parent, text, target) {
    const b = html("button", { type: "button", class: "jump" }, parent, text);
    b.addEventListener("click", () => select(target));
  }
  let selected = null;
  // Selects a node or an edge and shows its details; a node is also brought to the
  // middle of the view, zoomed in to read (however it was chosen: click, search, link).
  function select(item) {
    if (selected) selected.g.classList.remove("selected");
    selected = item;
    item.g.classList.add("selected");
    clear(details);
    if (item.data.id !== undefined) { showNode(item); centerOn(item); } else { showEdge(item); report(); }
    try {
      const hash = item.data.id !== undefined ? `#node=${encodeURIComponent(item.data.id)}` : `#edge=${item.i}`;
      history.replaceState(null, "", hash);
    } catch (_) { /* some file: URLs refuse; the selection still works */ }
  }
  function showNode(n) {
    const d = n.data;
    html("h2", { dir: "auto" }, details, d.label);
    html("p", { class: "meta" }, details, `${d.type} · ${d.id}`);
    if (d.aliases && d.aliases.length) html("p", { dir: "auto" }, details, `Also: ${d.aliases.join(", ")}`);
    const attrs = Object.entries(d.attributes || {});
    if (attrs.length) {
      const dl = html("dl", {}, details);
      for (const [k, v] of attrs) { html("dt", {}, dl, k); html("dd", { dir: "auto" }, dl, v); }
    }
    if (n.edges.length) {
      html("h3", {}, details, `Relations (${n.edges.length})`);
      for (const e of n.edges) {
        const text = e.s === n ? `${e.data.relation} → ${e.t.data.label}` : `${e.s.data.label} → ${e.data.relation}`;
        jump(details, text, e);
      }
    }
    snippets(details, "Mentions", d.mentions || []);
  }
  function showEdge(e) {
    const d = e.data;
    html("h2", {}, details, d.relation);
    jump(details, `from: ${e.s.data.label}`, e.s);
    jump(details, `to: ${e.t.data.label}`, e.t);
    html("p", { class: "meta" }, details, `rule ${d.rule} · confidence ${d.confidence}`);
    snippets(details, "Evidence", d.evidence || []);
  }

  const summary = `${nodes.length} nodes, ${edges.length} edges`;
  statusEl.textContent = summary;
  layout();
  nodes.forEach(placeNode);
  measureLabels();
  applyFilters();
  fit();
  document.getElementById("fit-button")?.addEventListener("click", fit);

  // Deep links: #node=ID or #edge=INDEX selects on load, #q=TEXT searches.
  const m = /^#(node|edge|q)=(.*)$/.exec(location.hash);
  if (m) {
    const value = decodeURIComponent(m[2]);
    if (m[1] === "q") {
      search.value = value;
      search.dispatchEvent(new Event("input"));
    } else {
      const item = m[1] === "node" ? byId.get(value) : edges.find((e) => String(e.i) === value);
      if (item) select(item);
    }
  }
})();
