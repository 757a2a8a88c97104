//! Test documents for the exporters: the hand-made sample graph and nasty-label graphs
//! built from generated strings.

use crate::model::{EdgeDoc, GraphDoc, NodeDoc, Span};
use proptest::prelude::*;
use std::collections::BTreeMap;

/// The hand-made sample graph: every type and relation, nasty labels included.
pub(crate) fn sample() -> GraphDoc {
    serde_json::from_str(include_str!("../../tests/data/sample-graph.json"))
        .expect("tests/data/sample-graph.json is a graph document")
}

/// Pieces that break naive escapers, mixed with arbitrary characters by [`nasty_label`].
pub(crate) const FRAGMENTS: [&str; 24] = [
    "\"",
    "'",
    "\\",
    "\n",
    "\r\n",
    "\t",
    "\0",
    "<",
    ">",
    "&",
    "&amp;",
    "</script>",
    "<!--",
    "]]>",
    "\"\"\"",
    "${x}",
    "#35;",
    "`",
    "%%",
    "🎉",
    "שלום",
    "\u{202e}",
    "\u{2028}",
    "\\N",
];

/// One label built from fragments and arbitrary characters.
pub(crate) fn nasty_label() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            3 => prop::sample::select(FRAGMENTS.to_vec()).prop_map(String::from),
            2 => any::<char>().prop_map(String::from),
            1 => "[a-zA-Z ]{1,6}",
        ],
        0..8,
    )
    .prop_map(|parts| parts.concat())
}

/// A handful of nasty labels, enough for one of each entity type.
pub(crate) fn nasty_labels() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(nasty_label(), 5..6)
}

/// A graph of five nodes (one per type) and five edges (one per relation) in which every
/// string the exporters write (ids, labels, aliases, attribute names and values, sources,
/// rules, evidence) comes from `labels`.
pub(crate) fn with_labels(labels: &[String]) -> GraphDoc {
    let kinds = ["person", "company", "project", "talk", "event"];
    let at = |i: usize| labels[i % labels.len()].clone();
    let span = |i: usize| Span {
        source: at(i + 1),
        start: i,
        end: i + 3,
        line: i + 1,
        text: at(i + 2),
    };
    let mut doc = GraphDoc::empty();
    doc.graph.sources = vec![at(0), at(1)];
    doc.nodes = kinds
        .iter()
        .enumerate()
        .map(|(i, kind)| NodeDoc {
            id: format!("{kind}:{}{i}", at(i)),
            kind: kind.to_string(),
            label: at(i),
            aliases: vec![at(i + 1), at(i + 2)],
            attributes: BTreeMap::from([(at(i + 3), at(i + 4)), ("role".into(), at(i))]),
            mentions: vec![span(i), span(i + 1)],
            mention_counts: BTreeMap::new(),
        })
        .collect();
    let id = |i: usize| doc.nodes[i].id.clone();
    let rels = [
        (0, "works_at", 1),
        (0, "presents", 3),
        (3, "mentions", 2),
        (3, "part_of", 4),
        (1, "develops", 2),
    ];
    doc.edges = rels
        .iter()
        .enumerate()
        .map(|(i, (s, rel, t))| EdgeDoc {
            source: id(*s),
            target: id(*t),
            key: 0,
            relation: rel.to_string(),
            rule: at(i),
            confidence: 0.5,
            evidence: vec![span(i + 2)],
            evidence_counts: BTreeMap::new(),
        })
        .collect();
    doc
}
