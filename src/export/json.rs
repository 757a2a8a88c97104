//! The node-link JSON contract of [`crate::model`], pretty-printed with a trailing newline.
//! networkx reads it with `json_graph.node_link_graph(data, edges="edges")`; escaping is
//! serde_json's, so this module adds nothing to the document.

use crate::graph::{KnowledgeGraph, OutputOrder};
use crate::model::{GraphDoc, GraphMeta};
use crate::spans::SpanRef;
use serde::Serialize;
use serde::ser::{SerializeStruct, Serializer};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

pub(crate) fn write(doc: &GraphDoc, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, doc)?;
    out.write_all(b"\n")
}

/// The same bytes as [`write`] of [`KnowledgeGraph::to_doc`], serialized straight from
/// the graph: a corpus graph is written without first being copied into a document of
/// owned strings, which would double the peak memory of a large run.
pub(crate) fn write_graph(kg: &KnowledgeGraph, out: &mut dyn Write) -> io::Result<()> {
    let view = GraphView {
        kg,
        order: kg.output_order(),
    };
    serde_json::to_writer_pretty(&mut *out, &view)?;
    out.write_all(b"\n")
}

struct GraphView<'a> {
    kg: &'a KnowledgeGraph,
    order: OutputOrder,
}

/// `NodeDoc`, borrowed.
#[derive(Serialize)]
struct NodeOut<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    label: &'a str,
    aliases: &'a BTreeSet<String>,
    attributes: &'a BTreeMap<String, String>,
    mentions: Vec<SpanRef<'a>>,
}

/// `EdgeDoc`, borrowed.
#[derive(Serialize)]
struct EdgeOut<'a> {
    source: &'a str,
    target: &'a str,
    key: u32,
    relation: &'static str,
    rule: &'a str,
    confidence: f64,
    evidence: Vec<SpanRef<'a>>,
}

impl Serialize for GraphView<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let (kg, order) = (self.kg, &self.order);
        let empty = GraphDoc::empty();
        let mut meta = GraphMeta {
            generator: empty.graph.generator,
            ..GraphMeta::default()
        };
        for (source, hash) in kg.sources() {
            meta.sources.push(source.to_string());
            if let Some(h) = hash {
                meta.hashes.insert(source.to_string(), h.to_string());
            }
        }
        let mut st = ser.serialize_struct("GraphDoc", 5)?;
        st.serialize_field("directed", &empty.directed)?;
        st.serialize_field("multigraph", &empty.multigraph)?;
        st.serialize_field("graph", &meta)?;
        st.serialize_field("nodes", &NodesOut { kg, order })?;
        st.serialize_field("edges", &EdgesOut { kg, order })?;
        st.end()
    }
}

struct NodesOut<'a> {
    kg: &'a KnowledgeGraph,
    order: &'a OutputOrder,
}

impl Serialize for NodesOut<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let (kg, order) = (self.kg, self.order);
        ser.collect_seq(order.nodes.iter().map(|&ix| {
            let n = kg.node(ix);
            NodeOut {
                id: &order.ids[ix.index()],
                kind: n.kind.as_str(),
                label: &n.label,
                aliases: &n.aliases,
                attributes: &n.attributes,
                mentions: kg.mentions(ix),
            }
        }))
    }
}

struct EdgesOut<'a> {
    kg: &'a KnowledgeGraph,
    order: &'a OutputOrder,
}

impl Serialize for EdgesOut<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let (kg, order) = (self.kg, self.order);
        ser.collect_seq(order.edges.iter().map(|&ex| {
            let (from, e, to) = kg.edge(ex);
            EdgeOut {
                source: &order.ids[from.index()],
                target: &order.ids[to.index()],
                key: 0,
                relation: e.relation.as_str(),
                rule: &e.rule,
                confidence: e.confidence,
                evidence: kg.evidence(ex),
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::testdoc;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_labels_round_trip(labels in testdoc::nasty_labels()) {
            let doc = testdoc::with_labels(&labels);
            let mut out = Vec::new();
            write(&doc, &mut out).unwrap();
            let back: GraphDoc = serde_json::from_slice(&out).unwrap();
            prop_assert_eq!(&back, &doc);
            // Streamed straight from the graph: the same bytes as the document.
            let mut kg = KnowledgeGraph::from_doc(&doc);
            kg.compact();
            let mut streamed = Vec::new();
            write_graph(&kg, &mut streamed).unwrap();
            let mut documented = Vec::new();
            write(&kg.to_doc(), &mut documented).unwrap();
            prop_assert_eq!(String::from_utf8(streamed).unwrap(), String::from_utf8(documented).unwrap());
        }
    }

    #[test]
    fn streamed_graph_matches_the_document_writer_on_the_sample_and_an_empty_graph() {
        for doc in [testdoc::sample(), GraphDoc::empty()] {
            let kg = KnowledgeGraph::from_doc(&doc);
            let (mut streamed, mut documented) = (Vec::new(), Vec::new());
            write_graph(&kg, &mut streamed).unwrap();
            write(&kg.to_doc(), &mut documented).unwrap();
            assert_eq!(
                String::from_utf8(streamed).unwrap(),
                String::from_utf8(documented).unwrap()
            );
        }
    }
}
