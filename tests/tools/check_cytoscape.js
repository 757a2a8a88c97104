#!/usr/bin/env node
// Parses a Cytoscape.js export with Node's JSON parser and checks it against the graph
// JSON it came from: the `elements` form, unique ids, every edge between known nodes.
// Usage: check_cytoscape.js GRAPH.json EXPORT.cyjs
"use strict";
const fs = require("fs");
const [graphPath, cyPath] = process.argv.slice(2);
const graph = JSON.parse(fs.readFileSync(graphPath, "utf8"));
const cy = JSON.parse(fs.readFileSync(cyPath, "utf8"));

function fail(message) {
  console.error(`cytoscape: ${cyPath}: ${message}`);
  process.exit(1);
}
function same(what, got, want) {
  const g = JSON.stringify(got), w = JSON.stringify(want);
  if (g !== w) fail(`${what} differ:\n  got:  ${g}\n  want: ${w}`);
}

if (!cy.elements || !Array.isArray(cy.elements.nodes) || !Array.isArray(cy.elements.edges)) {
  fail("expected {elements: {nodes: [...], edges: [...]}}");
}
const { nodes, edges } = cy.elements;
same("node count", nodes.length, graph.nodes.length);
same("edge count", edges.length, graph.edges.length);
const ids = new Set();
for (const el of [...nodes, ...edges]) {
  if (!el.data || typeof el.data.id !== "string") fail(`element without data.id: ${JSON.stringify(el)}`);
  if (ids.has(el.data.id)) fail(`duplicate id ${JSON.stringify(el.data.id)}`);
  ids.add(el.data.id);
}
graph.nodes.forEach((n, i) => {
  same(`node ${i} id`, nodes[i].data.id, n.id);
  same(`node ${i} label`, nodes[i].data.label, n.label);
  same(`node ${i} type`, nodes[i].data.type, n.type);
  same(`node ${i} aliases`, nodes[i].data.aliases, n.aliases);
});
const nodeIds = new Set(graph.nodes.map((n) => n.id));
graph.edges.forEach((e, i) => {
  const d = edges[i].data;
  if (!nodeIds.has(d.source) || !nodeIds.has(d.target)) fail(`edge ${d.id} points outside the nodes`);
  same(`edge ${i} ends`, [d.source, d.target], [e.source, e.target]);
  same(`edge ${i} relation`, d.relation, e.relation);
  same(`edge ${i} evidence count`, d.evidence.length, e.evidence.length);
});
console.log(`cytoscape: ${cyPath}: ok`);
