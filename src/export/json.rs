//! The node-link JSON contract of [`crate::model`], pretty-printed with a trailing newline.
//! networkx reads it with `json_graph.node_link_graph(data, edges="edges")`; escaping is
//! serde_json's, so this module adds nothing to the document.

use crate::graph::KnowledgeGraph;
use crate::model::{GraphDoc, GraphMeta};
use crate::spans::Spans;
use petgraph::graph::{EdgeIndex, NodeIndex};
use serde::Serialize;
use std::io::{self, Write};

pub(crate) fn write(doc: &GraphDoc, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, doc)?;
    out.write_all(b"\n")
}

/// Runs `write`, which writes pretty JSON, with the whitespace between tokens taken out on
/// the way to `out`, then ends the line: serde_json's compact form of the same document,
/// streamed, so a compact corpus graph costs no more memory than a pretty one. Pretty JSON
/// has whitespace only between tokens (a string escapes its control characters), so
/// dropping every space, tab and line break outside strings is exact.
pub(crate) fn compact(
    out: &mut dyn Write,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let mut w = Compact {
        out: &mut *out,
        buf: Vec::new(),
        in_string: false,
        escaped: false,
    };
    write(&mut w)?;
    out.write_all(b"\n")
}

/// The writer behind [`compact`]: remembers across writes whether it is inside a string.
struct Compact<'a> {
    out: &'a mut dyn Write,
    buf: Vec<u8>,
    in_string: bool,
    escaped: bool,
}

impl Write for Compact<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buf.clear();
        self.buf.reserve(bytes.len());
        for &b in bytes {
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                } else if b == b'\\' {
                    self.escaped = true;
                } else if b == b'"' {
                    self.in_string = false;
                }
            } else if matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                continue;
            } else if b == b'"' {
                self.in_string = true;
            }
            self.buf.push(b);
        }
        self.out.write_all(&self.buf)?;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
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
    meta.documents = kg.documents().clone();
    meta.rules_fingerprint = kg.rules_fingerprint().unwrap_or_default().to_string();
    let mut head = Sink {
        buf: Vec::new(),
        out: None,
    };
    head.write_all(b"{\n  \"directed\": ")?;
    head.write_all(if empty.directed { b"true" } else { b"false" })?;
    head.write_all(b",\n  \"multigraph\": ")?;
    head.write_all(if empty.multigraph { b"true" } else { b"false" })?;
    head.write_all(b",\n  \"graph\": ")?;
    element(&mut head, 1, &meta)?;
    head.write_all(b",\n  \"nodes\": ")?;
    out.write_all(&head.buf)?;
    let node = |ix: &NodeIndex, buf: &mut Sink<'_>| {
        let n = kg.node(*ix);
        buf.put(b"{\n      \"id\": ");
        string(&mut buf.buf, &order.ids[ix.index()]);
        buf.put(b",\n      \"type\": ");
        string(&mut buf.buf, n.kind.as_str());
        buf.put(b",\n      \"label\": ");
        string(&mut buf.buf, &n.label);
        buf.put(b",\n      \"aliases\": ");
        element(buf, 3, &n.aliases)?;
        buf.put(b",\n      \"attributes\": ");
        element(buf, 3, &n.attributes)?;
        buf.put(b",\n      \"mentions\": ");
        spans(buf, kg.mentions(*ix))?;
        counts(buf, b"mention_counts", &kg.mention_totals(*ix))?;
        buf.write_all(b"\n    }")
    };
    let node_weight = |ix: &NodeIndex| kg.mentions(*ix).len() + 1;
    array(&order.nodes, jobs, node_weight, node, out)?;
    out.write_all(b",\n  \"edges\": ")?;
    let edge = |ex: &EdgeIndex, buf: &mut Sink<'_>| {
        let (from, e, to) = kg.edge(*ex);
        buf.put(b"{\n      \"source\": ");
        string(&mut buf.buf, &order.ids[from.index()]);
        buf.put(b",\n      \"target\": ");
        string(&mut buf.buf, &order.ids[to.index()]);
        buf.put(b",\n      \"key\": 0,\n      \"relation\": ");
        string(&mut buf.buf, e.relation.as_str());
        buf.put(b",\n      \"rule\": ");
        string(&mut buf.buf, &e.rule);
        buf.put(b",\n      \"confidence\": ");
        element(buf, 3, &e.confidence)?;
        buf.put(b",\n      \"evidence\": ");
        spans(buf, kg.evidence(*ex))?;
        counts(buf, b"evidence_counts", &kg.evidence_totals(*ex))?;
        buf.write_all(b"\n    }")
    };
    let edge_weight = |ex: &EdgeIndex| kg.evidence(*ex).len() + 1;
    array(&order.edges, jobs, edge_weight, edge, out)?;
    out.write_all(b"\n}\n")
}

/// Serializes one value as serde_json's pretty printer would at this nesting depth.
fn element<T: Serialize>(out: &mut Sink<'_>, depth: usize, value: &T) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(
        out,
        Pretty {
            depth,
            has_value: false,
        },
    );
    value.serialize(&mut ser).map_err(io::Error::from)
}

/// The mentions or evidence of one node or edge, a value at depth 3, written by hand: spans
/// are nearly all of a corpus graph's JSON, and serde's generic path spent more on each
/// than the text they carry. The layout is [`Pretty`]'s; tests hold the two to the same
/// bytes.
fn spans(out: &mut Sink<'_>, spans: Spans<'_>) -> io::Result<()> {
    if spans.len() == 0 {
        return out.write_all(b"[]");
    }
    let mut sep: &[u8] = b"[\n        {\n          \"source\": ";
    for s in spans {
        out.put(sep);
        string(&mut out.buf, s.source);
        out.put(b",\n          \"start\": ");
        uint(&mut out.buf, s.start);
        out.put(b",\n          \"end\": ");
        uint(&mut out.buf, s.end);
        out.put(b",\n          \"line\": ");
        uint(&mut out.buf, s.line);
        out.put(b",\n          \"text\": ");
        string(&mut out.buf, s.text);
        out.write_all(b"\n        }")?;
        sep = b",\n        {\n          \"source\": ";
    }
    out.write_all(b"\n      ]")
}

/// A node's `mention_counts` or an edge's `evidence_counts`, a field at depth 3, left out
/// when empty as the document types leave it out: graphs under the cap keep the bytes they
/// had before the field existed.
fn counts(out: &mut Sink<'_>, field: &[u8], totals: &[(&str, u64)]) -> io::Result<()> {
    if totals.is_empty() {
        return Ok(());
    }
    out.put(b",\n      \"");
    out.put(field);
    out.put(b"\": ");
    let map: std::collections::BTreeMap<&str, u64> = totals.iter().copied().collect();
    element(out, 3, &map)
}

/// The bytes serde_json escapes in strings: control characters, `"` and `\`.
static ESCAPE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// `s` as a JSON string, escaped exactly as serde_json escapes it.
fn string(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !ESCAPE[b as usize] {
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            _ => out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[(b >> 4) as usize],
                HEX[(b & 0xf) as usize],
            ]),
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// `n` in decimal.
fn uint(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(crate::decimal(n, &mut [0; 20]).as_bytes());
}

/// About how many spans' worth of JSON one batch holds (a span is ~200 bytes).
const BATCH_WEIGHT: usize = 2048;

/// A top-level array of the document (at depth 1, items at depth 2), laid out as
/// serde_json's pretty printer does: `[]` when empty. Items are grouped into batches of
/// about [`BATCH_WEIGHT`] spans, formatted `jobs` batches at a time into buffers and
/// written in order, so memory stays a few megabytes whatever the graph; an item heavier
/// than a batch (a project mentioned in every document) is written straight to `out`.
fn array<T: Sync>(
    items: &[T],
    jobs: usize,
    weight: impl Fn(&T) -> usize,
    format: impl Fn(&T, &mut Sink<'_>) -> io::Result<()> + Sync,
    out: &mut dyn Write,
) -> io::Result<()> {
    if items.is_empty() {
        return out.write_all(b"[]");
    }
    out.write_all(b"[")?;
    let sep = |i: usize| -> &'static [u8] { if i == 0 { b"\n    " } else { b",\n    " } };
    // Batches of consecutive items, by index range; a heavy item is a batch of its own.
    let mut batches: Vec<(usize, usize, bool)> = Vec::new();
    let (mut start, mut load) = (0, 0);
    for (i, item) in items.iter().enumerate() {
        let w = weight(item);
        if w > BATCH_WEIGHT {
            if start < i {
                batches.push((start, i, false));
            }
            batches.push((i, i + 1, true));
            (start, load) = (i + 1, 0);
            continue;
        }
        load += w;
        if load >= BATCH_WEIGHT {
            batches.push((start, i + 1, false));
            (start, load) = (i + 1, 0);
        }
    }
    if start < items.len() {
        batches.push((start, items.len(), false));
    }
    let run = |&(from, to, _): &(usize, usize, bool)| -> io::Result<Vec<u8>> {
        let mut buf = Sink {
            buf: Vec::new(),
            out: None,
        };
        for (i, item) in items[from..to].iter().enumerate() {
            buf.buf.extend_from_slice(sep(from + i));
            format(item, &mut buf)?;
        }
        Ok(buf.buf)
    };
    let jobs = jobs.max(1);
    let mut rest = &batches[..];
    while let Some(&(from, _, heavy)) = rest.first() {
        if heavy {
            let mut sink = Sink {
                buf: sep(from).to_vec(),
                out: Some(&mut *out),
            };
            format(&items[from], &mut sink)?;
            sink.flush()?;
            rest = &rest[1..];
            continue;
        }
        let n = rest.iter().take(jobs).take_while(|b| !b.2).count();
        let (window, after) = rest.split_at(n);
        let bufs: Vec<io::Result<Vec<u8>>> = if n == 1 {
            vec![run(&window[0])]
        } else {
            std::thread::scope(|scope| {
                let handles: Vec<_> = window
                    .iter()
                    .map(|b| {
                        let run = &run;
                        scope.spawn(move || run(b))
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
        rest = after;
    }
    out.write_all(b"\n  ]")
}

/// Where formatted JSON goes: a buffer, handed over to `out` whenever it grows past a
/// few hundred kilobytes when there is an `out`. A concrete type, so the formatter's many
/// small writes are inlined appends.
struct Sink<'a> {
    buf: Vec<u8>,
    out: Option<&'a mut dyn Write>,
}

impl Sink<'_> {
    /// Appends without the flush check: for the pieces of one span, between the checks
    /// [`Write::write_all`] makes.
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }
}

impl Write for Sink<'_> {
    #[inline]
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.write_all(bytes)?;
        Ok(bytes.len())
    }

    #[inline]
    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() > 1 << 18 && self.out.is_some() {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        if let Some(out) = self.out.as_mut() {
            out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }
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
    fn compact_is_serde_json_compact_and_pretty_prints_back() {
        let mut doc = testdoc::sample();
        // Whitespace and quotes inside strings are kept, escapes and all.
        doc.nodes[0].label = "a \"b\"\\ \n\t c  {} [ ]: ,".into();
        let mut pretty = Vec::new();
        write(&doc, &mut pretty).unwrap();
        // One byte at a time: the state carries over between writes.
        let mut one_line = Vec::new();
        compact(&mut one_line, |w| {
            for b in &pretty {
                w.write_all(std::slice::from_ref(b))?;
            }
            Ok(())
        })
        .unwrap();
        let mut want = serde_json::to_vec(&doc).unwrap();
        want.push(b'\n');
        assert_eq!(
            String::from_utf8_lossy(&one_line),
            String::from_utf8_lossy(&want)
        );
        assert_eq!(one_line.iter().filter(|&&b| b == b'\n').count(), 1);
        let back: GraphDoc = serde_json::from_slice(&one_line).unwrap();
        let mut again = Vec::new();
        write(&back, &mut again).unwrap();
        assert_eq!(again, pretty);
    }

    #[test]
    fn hand_written_spans_escape_every_ascii_byte_as_serde_json_does() {
        // Every ASCII character, control characters included, in every string the
        // hand-written parts write: ids, labels, rules, sources and evidence texts.
        let ascii: String = (0u8..0x80).map(char::from).collect();
        let labels = [ascii.clone(), format!("é{ascii}🎉"), "\u{7f}\u{80}".into()];
        let doc = testdoc::with_labels(&labels);
        let mut kg = KnowledgeGraph::from_doc(&doc);
        kg.compact();
        let mut streamed = Vec::new();
        write_graph(&kg, 1, &mut streamed).unwrap();
        let mut documented = Vec::new();
        write(&kg.to_doc(), &mut documented).unwrap();
        assert!(documented.windows(6).any(|w| w == b"\\u001f"));
        assert_eq!(
            String::from_utf8(streamed).unwrap(),
            String::from_utf8(documented).unwrap()
        );
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
        // One node heavier than a batch: written straight through, between batches.
        let busy = kg.lookup(Kind::Person, "Person 700").unwrap();
        for i in 0..3000 {
            kg.add_mention(busy, span(10_000 + i));
        }
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
        // Counts of sampled sources, their names as nasty as the rest.
        let mut counted = testdoc::sample();
        let source = counted.nodes[0].mentions[0].source.clone();
        counted.nodes[0].mention_counts.insert(source, 5000);
        let source = counted.edges[0].evidence[0].source.clone();
        counted.edges[0].evidence_counts.insert(source, 7);
        for doc in [testdoc::sample(), GraphDoc::empty(), counted] {
            let kg = KnowledgeGraph::from_doc(&doc);
            let mut documented = Vec::new();
            write(&kg.to_doc(), &mut documented).unwrap();
            let wants_counts = doc
                .nodes
                .first()
                .is_some_and(|n| !n.mention_counts.is_empty());
            let text = String::from_utf8_lossy(&documented);
            assert_eq!(text.contains("\"mention_counts\": {"), wants_counts);
            assert_eq!(text.contains("\"evidence_counts\": {"), wants_counts);
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
