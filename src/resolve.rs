//! Resolution: one document's facts into the graph, one node per real-world entity.
//! Names fold together (case, accents, apostrophes); aliases point at their node; the
//! same entity in several documents is one node with mentions from each.

use crate::extract::Facts;
use crate::graph::{Kind, KnowledgeGraph};
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;

/// Adds one document's facts to the graph.
pub fn add_facts<'a>(graph: &mut KnowledgeGraph, facts: &'a Facts) {
    let mut index: BTreeMap<(Kind, String), petgraph::graph::NodeIndex> = BTreeMap::new();
    for e in &facts.entities {
        // A name already known under another node as an alias lands on that node.
        let ix = graph
            .lookup(e.kind, &e.label)
            .unwrap_or_else(|| graph.add_node(e.kind, &e.label));
        if graph.node(ix).label != e.label {
            graph.add_alias(ix, &e.label);
        }
        for a in &e.aliases {
            graph.add_alias(ix, a);
        }
        for (k, v) in &e.attributes {
            graph.set_attribute(ix, k, v);
        }
        for m in &e.mentions {
            graph.add_mention(ix, m.with_source(&facts.source));
        }
        index.insert((e.kind, crate::fold::fold(&e.label)), ix);
    }
    // Relation ends repeat (a speaker presents several talks, a talk mentions many
    // projects): each (type, label) is folded and looked up once. Adding edges changes no
    // node index, so a remembered answer stays right.
    let mut ends: HashMap<(Kind, &str), Option<petgraph::graph::NodeIndex>> = HashMap::default();
    for r in &facts.relations {
        let mut node = |(kind, label): &'a (Kind, String)| {
            *ends.entry((*kind, label.as_str())).or_insert_with(|| {
                index
                    .get(&(*kind, crate::fold::fold(label)))
                    .copied()
                    .or_else(|| graph.lookup(*kind, label))
            })
        };
        let (from, to) = (node(&r.from), node(&r.to));
        let (Some(from), Some(to)) = (from, to) else {
            continue;
        };
        graph.add_edge(
            from,
            r.relation,
            to,
            &r.rule,
            r.confidence,
            [r.evidence.with_source(&facts.source)],
        );
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
