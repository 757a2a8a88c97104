//! Cytoscape.js JSON (`.cyjs`): `{"elements": {"nodes": [{"data": …}], "edges": [{"data": …}]}}`,
//! which Cytoscape desktop imports too. Every edge gets its own id; escaping is serde_json's.

use super::{attribute_columns, evidence_line};
use crate::model::GraphDoc;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

#[derive(Serialize)]
struct CyDoc<'a> {
    format_version: &'static str,
    generated_by: &'a str,
    target_cytoscapejs_version: &'static str,
    data: GraphData<'a>,
    elements: Elements<'a>,
}

#[derive(Serialize)]
struct GraphData<'a> {
    name: &'static str,
    sources: &'a [String],
}

#[derive(Serialize)]
struct Elements<'a> {
    nodes: Vec<Element<NodeData<'a>>>,
    edges: Vec<Element<EdgeData<'a>>>,
}

#[derive(Serialize)]
struct Element<T> {
    data: T,
}

#[derive(Serialize)]
struct NodeData<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    label: &'a str,
    /// Cytoscape desktop shows `name` by default.
    name: &'a str,
    aliases: &'a [String],
    mention_count: usize,
    #[serde(flatten)]
    attributes: BTreeMap<&'a str, &'a str>,
}

#[derive(Serialize)]
struct EdgeData<'a> {
    id: String,
    source: &'a str,
    target: &'a str,
    relation: &'a str,
    /// Cytoscape desktop's name for an edge's type.
    interaction: &'a str,
    rule: &'a str,
    confidence: f64,
    evidence_count: usize,
    evidence: Vec<String>,
}

pub(crate) fn write(doc: &GraphDoc, out: &mut dyn Write) -> io::Result<()> {
    let columns = attribute_columns(doc);
    let nodes = doc
        .nodes
        .iter()
        .map(|n| Element {
            data: NodeData {
                id: &n.id,
                kind: &n.kind,
                label: &n.label,
                name: &n.label,
                aliases: &n.aliases,
                mention_count: n.mention_total(),
                attributes: columns
                    .iter()
                    .filter_map(|(name, column)| {
                        n.attributes
                            .get(name)
                            .map(|v| (column.as_str(), v.as_str()))
                    })
                    .collect(),
            },
        })
        .collect();
    // Node and edge ids share one namespace in Cytoscape.js, so edge ids step around
    // any node id they would repeat.
    let node_ids: BTreeSet<&str> = doc.nodes.iter().map(|n| n.id.as_str()).collect();
    let edges = doc
        .edges
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let mut id = format!("e{i}");
            while node_ids.contains(id.as_str()) {
                id.insert(0, '_');
            }
            Element {
                data: EdgeData {
                    id,
                    source: &e.source,
                    target: &e.target,
                    relation: &e.relation,
                    interaction: &e.relation,
                    rule: &e.rule,
                    confidence: e.confidence,
                    evidence_count: e.evidence.len(),
                    evidence: e.evidence.iter().map(evidence_line).collect(),
                },
            }
        })
        .collect();
    let cy = CyDoc {
        format_version: "1.0",
        generated_by: &doc.graph.generator,
        target_cytoscapejs_version: "~3.0",
        data: GraphData {
            name: "talkgraph",
            sources: &doc.graph.sources,
        },
        elements: Elements { nodes, edges },
    };
    serde_json::to_writer_pretty(&mut *out, &cy)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::testdoc;
    use proptest::prelude::*;
    use serde_json::Value;

    fn export(doc: &GraphDoc) -> Value {
        let mut out = Vec::new();
        write(doc, &mut out).unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn edge_ids_are_unique_even_against_node_ids() {
        let mut doc = testdoc::sample();
        doc.nodes[0].id = "e0".into();
        doc.edges[0].source = "e0".into();
        let v = export(&doc);
        let mut ids = BTreeSet::new();
        for part in ["nodes", "edges"] {
            for el in v["elements"][part].as_array().unwrap() {
                assert!(ids.insert(el["data"]["id"].as_str().unwrap().to_string()));
            }
        }
    }

    proptest! {
        #[test]
        fn labels_survive(labels in testdoc::nasty_labels()) {
            let doc = testdoc::with_labels(&labels);
            let v = export(&doc);
            let nodes = v["elements"]["nodes"].as_array().unwrap();
            prop_assert_eq!(nodes.len(), doc.nodes.len());
            for (n, el) in doc.nodes.iter().zip(nodes) {
                prop_assert_eq!(el["data"]["label"].as_str(), Some(n.label.as_str()));
                prop_assert_eq!(el["data"]["id"].as_str(), Some(n.id.as_str()));
            }
        }
    }
}
