//! Resolution: one document's facts into the graph, one node per real-world entity.
//! Names fold together (case, accents, apostrophes); aliases point at their node; the
//! same entity in several documents is one node with mentions from each.

use crate::extract::{FactSpan, Facts};
use crate::graph::{Kind, KnowledgeGraph};
use crate::spans::SpanIds;
use petgraph::graph::NodeIndex;
use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;

/// A name as the graph keeps it: without control characters. A crafted heading can put an
/// escape sequence or a line break in a name, which a terminal would run or a table would
/// show as a row of its own; line breaks and tabs become spaces, the others go.
pub fn without_controls(s: &str) -> Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if !c.is_control() {
            out.push(c);
        } else if c.is_whitespace() && !out.ends_with(' ') {
            out.push(' ');
        }
    }
    Cow::Owned(out.trim().to_string())
}

/// Adds one document's facts to the graph.
pub fn add_facts<'a>(graph: &mut KnowledgeGraph, facts: &'a Facts) {
    let source = graph.span_source_id(&facts.source);
    // Facts on one line quote one shared text: interned once per run of them, by address.
    let mut last_text: Option<(*const u8, u32)> = None;
    let mut span = |graph: &mut KnowledgeGraph, s: &FactSpan| {
        let at = s.text.as_ptr();
        let text = match last_text {
            Some((p, id)) if p == at => id,
            _ => {
                let id = graph.span_text_id(&s.text);
                last_text = Some((at, id));
                id
            }
        };
        SpanIds {
            source,
            text,
            start: s.start,
            end: s.end,
            line: s.line,
        }
    };
    // Relation ends, by type and label as written, with the node each resolves to. Most
    // ends are written as an entity's label: those are known without folding. The graph
    // answers the others: adding entities never changes what a name already resolved to
    // resolves to (a new node's key was not found before; an alias never takes a name
    // that is already a key or an alias), and adding edges changes no node index.
    let mut ends: HashMap<(Kind, &str), Option<NodeIndex>> = HashMap::default();
    ends.reserve(facts.entities.len());
    for e in &facts.entities {
        // A name already known under another node as an alias lands on that node.
        let label = without_controls(&e.label);
        let key = crate::fold::fold(&label);
        let ix = graph
            .lookup_folded(e.kind, &key)
            .unwrap_or_else(|| graph.add_node_folded(e.kind, &label, &key));
        if graph.node(ix).label != label {
            graph.add_alias(ix, &label);
        }
        for a in &e.aliases {
            graph.add_alias(ix, &without_controls(a));
        }
        for (k, v) in &e.attributes {
            graph.set_attribute(ix, k, &without_controls(v));
        }
        for m in &e.mentions {
            let ids = span(graph, m);
            graph.add_mention_ids(ix, ids);
        }
        ends.insert((e.kind, e.label.as_str()), Some(ix));
    }
    for r in &facts.relations {
        let mut node = |(kind, label): &'a (Kind, String), graph: &KnowledgeGraph| {
            *ends
                .entry((*kind, label.as_str()))
                .or_insert_with(|| graph.lookup(*kind, &without_controls(label)))
        };
        let (Some(from), Some(to)) = (node(&r.from, graph), node(&r.to, graph)) else {
            continue;
        };
        if let Some(ex) = graph.add_edge(from, r.relation, to, &r.rule, r.confidence, []) {
            let ids = span(graph, &r.evidence);
            graph.add_evidence_ids(ex, ids);
        }
    }
    graph.add_source(&facts.source, None);
}

/// FNV-1a 64 of a document's bytes, written as hex: cheap, stable, no dependency.
pub fn content_hash(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("{h:016x}")
}
