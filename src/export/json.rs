//! The node-link JSON contract of [`crate::model`], pretty-printed with a trailing newline.
//! networkx reads it with `json_graph.node_link_graph(data, edges="edges")`; escaping is
//! serde_json's, so this module adds nothing to the document.

use crate::graph::KnowledgeGraph;
use crate::model::{GraphDoc, GraphMeta};
use crate::spans::SpanRef;
use petgraph::graph::{EdgeIndex, NodeIndex};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

pub(crate) fn write(doc: &GraphDoc, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, doc)?;
    out.write_all(b"\n")
}

/// The same bytes as [`write`] of [`KnowledgeGraph::to_doc`], serialized straight from
/// the graph: a corpus graph is written without first being copied into a document of
/// owned strings, which would double the peak memory of a large run. Nodes and edges are
/// formatted in batches on `jobs` threads into buffers written in order, so writing a
/// gigabyte of JSON is not a long serial tail after a parallel extraction.
pub(crate) fn write_graph(kg: &KnowledgeGraph, jobs: usize, out: &mut dyn Write) -> io::Result<()> {
    let order = kg.output_order();
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
    let mut head = Vec::new();
    head.extend_from_slice(b"{\n  \"directed\": ");
    head.extend_from_slice(if empty.directed { b"true" } else { b"false" });
    head.extend_from_slice(b",\n  \"multigraph\": ");
    head.extend_from_slice(if empty.multigraph { b"true" } else { b"false" });
    head.extend_from_slice(b",\n  \"graph\": ");
    element(&mut head, 1, &meta)?;
    head.extend_from_slice(b",\n  \"nodes\": ");
    out.write_all(&head)?;
    let node = |ix: &NodeIndex, buf: &mut Vec<u8>| {
        let n = kg.node(*ix);
        element(
            buf,
            2,
            &NodeOut {
                id: &order.ids[ix.index()],
                kind: n.kind.as_str(),
                label: &n.label,
                aliases: &n.aliases,
                attributes: &n.attributes,
                mentions: kg.mentions(*ix),
            },
        )
    };
    array(&order.nodes, jobs, node, out)?;
    out.write_all(b",\n  \"edges\": ")?;
    let edge = |ex: &EdgeIndex, buf: &mut Vec<u8>| {
        let (from, e, to) = kg.edge(*ex);
        element(
            buf,
            2,
            &EdgeOut {
                source: &order.ids[from.index()],
                target: &order.ids[to.index()],
                key: 0,
                relation: e.relation.as_str(),
                rule: &e.rule,
                confidence: e.confidence,
                evidence: kg.evidence(*ex),
            },
        )
    };
    array(&order.edges, jobs, edge, out)?;
    out.write_all(b"\n}\n")
}

/// Serializes one value as serde_json's pretty printer would at this nesting depth.
fn element<T: Serialize>(buf: &mut Vec<u8>, depth: usize, value: &T) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(
        buf,
        Pretty {
            depth,
            has_value: false,
        },
    );
    value.serialize(&mut ser).map_err(io::Error::from)
}

/// A top-level array of the document (at depth 1, items at depth 2), laid out as
/// serde_json's pretty printer does: `[]` when empty. Items are formatted in batches,
/// `jobs` batches at a time, and written in order.
fn array<T: Sync>(
    items: &[T],
    jobs: usize,
    format: impl Fn(&T, &mut Vec<u8>) -> io::Result<()> + Sync,
    out: &mut dyn Write,
) -> io::Result<()> {
    if items.is_empty() {
        return out.write_all(b"[]");
    }
    out.write_all(b"[")?;
    const BATCH: usize = 512;
    let batches: Vec<&[T]> = items.chunks(BATCH).collect();
    let run = |batch: &[T], first: bool| -> io::Result<Vec<u8>> {
        let mut buf = Vec::new();
        for (i, item) in batch.iter().enumerate() {
            buf.extend_from_slice(if first && i == 0 {
                b"\n    "
            } else {
                b",\n    "
            });
            format(item, &mut buf)?;
        }
        Ok(buf)
    };
    let jobs = jobs.max(1);
    for (w, window) in batches.chunks(jobs).enumerate() {
        let bufs: Vec<io::Result<Vec<u8>>> = if jobs == 1 {
            window.iter().map(|b| run(b, w == 0)).collect()
        } else {
            std::thread::scope(|scope| {
                let handles: Vec<_> = window
                    .iter()
                    .enumerate()
                    .map(|(i, b)| {
                        let run = &run;
                        scope.spawn(move || run(b, w == 0 && i == 0))
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().expect("a formatting thread does not panic"))
                    .collect()
            })
        };
        for buf in bufs {
            out.write_all(&buf?)?;
        }
    }
    out.write_all(b"\n  ]")
}

/// serde_json's pretty layout (two spaces per level, `": "` after keys, empty containers
/// as `[]` and `{}`), starting at a given depth so that parts of a document can be
/// formatted apart and joined.
struct Pretty {
    depth: usize,
    has_value: bool,
}

impl Pretty {
    fn newline<W: ?Sized + Write>(&self, w: &mut W) -> io::Result<()> {
        w.write_all(b"\n")?;
        for _ in 0..self.depth {
            w.write_all(b"  ")?;
        }
        Ok(())
    }
}

impl serde_json::ser::Formatter for Pretty {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.newline(w)?;
        }
        w.write_all(b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        self.newline(w)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.newline(w)?;
        }
        w.write_all(b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        self.newline(w)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
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
            write_graph(&kg, 1, &mut streamed).unwrap();
            let mut documented = Vec::new();
            write(&kg.to_doc(), &mut documented).unwrap();
            prop_assert_eq!(String::from_utf8(streamed).unwrap(), String::from_utf8(documented).unwrap());
        }
    }

    #[test]
    fn batches_join_into_one_document_whatever_the_thread_count() {
        use crate::graph::{Kind, Relation};
        use crate::spans::SpanRef;
        // Enough nodes and edges for several batches and several windows of batches.
        let mut kg = KnowledgeGraph::new();
        let span = |i: usize| SpanRef {
            source: "doc.md",
            start: i,
            end: i + 3,
            line: i / 10 + 1,
            text: "a \"b\"",
        };
        let mut prev = None;
        for i in 0..1300 {
            let ix = kg.add_node(Kind::Person, &format!("Person {i}"));
            kg.add_mention(ix, span(i));
            if let Some(org) = prev {
                kg.add_edge(ix, Relation::WorksAt, org, "r", 0.5, [span(i)]);
            }
            prev = Some(kg.add_node(Kind::Company, &format!("Org {i}")));
        }
        assert_eq!(kg.edge_count(), 1299);
        kg.add_source("doc.md", None);
        kg.compact();
        let mut documented = Vec::new();
        write(&kg.to_doc(), &mut documented).unwrap();
        for jobs in [1, 2, 5] {
            let mut streamed = Vec::new();
            write_graph(&kg, jobs, &mut streamed).unwrap();
            assert!(streamed == documented, "jobs {jobs}");
        }
    }

    #[test]
    fn streamed_graph_matches_the_document_writer_on_any_number_of_threads() {
        for doc in [testdoc::sample(), GraphDoc::empty()] {
            let kg = KnowledgeGraph::from_doc(&doc);
            let mut documented = Vec::new();
            write(&kg.to_doc(), &mut documented).unwrap();
            for jobs in [1, 3] {
                let mut streamed = Vec::new();
                write_graph(&kg, jobs, &mut streamed).unwrap();
                assert_eq!(
                    String::from_utf8(streamed).unwrap(),
                    String::from_utf8(documented.clone()).unwrap()
                );
            }
        }
    }
}
