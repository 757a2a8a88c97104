//! The knowledge graph: the only module that touches petgraph. Nodes are indexed by
//! (type, folded name) so every stage and every document lands on the same node.

use crate::fold::{fold, slug};
use crate::model::{EdgeDoc, GraphDoc, GraphMeta, NodeDoc, Span};
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Entity types, in the order the JSON contract names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Person,
    Company,
    Project,
    Talk,
    Event,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Person,
        Kind::Company,
        Kind::Project,
        Kind::Talk,
        Kind::Event,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Person => "person",
            Kind::Company => "company",
            Kind::Project => "project",
            Kind::Talk => "talk",
            Kind::Event => "event",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Relation types with their fixed direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Relation {
    WorksAt,
    Presents,
    Mentions,
    PartOf,
    Develops,
}

impl Relation {
    pub const ALL: [Relation; 5] = [
        Relation::WorksAt,
        Relation::Presents,
        Relation::Mentions,
        Relation::PartOf,
        Relation::Develops,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Relation::WorksAt => "works_at",
            Relation::Presents => "presents",
            Relation::Mentions => "mentions",
            Relation::PartOf => "part_of",
            Relation::Develops => "develops",
        }
    }

    pub fn parse(s: &str) -> Option<Relation> {
        Relation::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Whether `from -> to` is a well-typed instance of this relation.
    pub fn accepts(self, from: Kind, to: Kind) -> bool {
        match self {
            Relation::WorksAt => from == Kind::Person && to == Kind::Company,
            Relation::Presents => from == Kind::Person && to == Kind::Talk,
            Relation::Mentions => from == Kind::Talk && matches!(to, Kind::Project | Kind::Company),
            Relation::PartOf => from == Kind::Talk && to == Kind::Event,
            Relation::Develops => from == Kind::Company && to == Kind::Project,
        }
    }
}

impl fmt::Display for Relation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A node's payload.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: Kind,
    pub label: String,
    pub aliases: BTreeSet<String>,
    pub attributes: BTreeMap<String, String>,
    pub mentions: BTreeSet<Span>,
}

impl Node {
    /// `type:slug`, stable across runs and documents.
    pub fn id(&self) -> String {
        format!("{}:{}", self.kind, slug(&self.label))
    }
}

/// An edge's payload. One edge per (source, relation, target); the strongest rule wins.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    pub relation: Relation,
    pub rule: String,
    pub confidence: f64,
    pub evidence: BTreeSet<Span>,
}

/// The graph plus its indexes.
///
/// Two ways to add to it. [`KnowledgeGraph::add_node`] and [`KnowledgeGraph::add_alias`]
/// resolve names through aliases in arrival order; they build one document's graph, whose
/// facts come in a fixed order. [`KnowledgeGraph::merge`] and
/// [`KnowledgeGraph::merge_doc`] join whole graphs as a union keyed by (type, folded
/// label), where every choice (label spelling, attribute values, edge rule and confidence,
/// content hashes) is the smallest or largest of the candidates. So merging is associative
/// and commutative: the merged graph depends on the set of graphs merged, never on their
/// order or grouping, and a corpus split into shards merges to the bytes of one run.
/// Across documents, an alias never pulls another node in: a node named like another
/// node's alias stays a node of its own (both keep their names).
#[derive(Debug, Clone, Default)]
pub struct KnowledgeGraph {
    graph: DiGraph<Node, Edge>,
    by_key: BTreeMap<(Kind, String), NodeIndex>,
    by_alias: BTreeMap<(Kind, String), NodeIndex>,
    edges: BTreeMap<(NodeIndex, Relation, NodeIndex), EdgeIndex>,
    meta: GraphMeta,
    /// Every source document with its content hash (empty when unknown).
    sources: BTreeMap<String, String>,
}

impl KnowledgeGraph {
    pub fn new() -> KnowledgeGraph {
        KnowledgeGraph {
            meta: GraphDoc::empty().graph,
            ..KnowledgeGraph::default()
        }
    }

    pub fn graph(&self) -> &DiGraph<Node, Edge> {
        &self.graph
    }

    pub fn meta(&self) -> &GraphMeta {
        &self.meta
    }

    /// Records a source document and, if known, its content hash. When two graphs disagree
    /// on a hash, the smallest wins (so merging stays order-free).
    pub fn add_source(&mut self, source: &str, hash: Option<&str>) {
        match self.sources.get_mut(source) {
            Some(old) => {
                if let Some(h) = hash
                    && (old.is_empty() || h < old.as_str())
                {
                    *old = h.to_string();
                }
            }
            None => {
                self.sources
                    .insert(source.to_string(), hash.unwrap_or_default().to_string());
            }
        }
    }

    /// Every source document, sorted, with its content hash if known.
    pub fn sources(&self) -> impl Iterator<Item = (&str, Option<&str>)> {
        self.sources
            .iter()
            .map(|(s, h)| (s.as_str(), Some(h.as_str()).filter(|h| !h.is_empty())))
    }

    pub fn node(&self, ix: NodeIndex) -> &Node {
        &self.graph[ix]
    }

    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// The node of this type whose label or alias folds like `name`.
    pub fn lookup(&self, kind: Kind, name: &str) -> Option<NodeIndex> {
        let key = (kind, fold(name));
        self.by_key
            .get(&key)
            .or_else(|| self.by_alias.get(&key))
            .copied()
    }

    /// Every node, of any type, whose label or alias folds like `name`.
    pub fn lookup_any(&self, name: &str) -> Vec<NodeIndex> {
        let mut out: Vec<NodeIndex> = Kind::ALL
            .into_iter()
            .filter_map(|k| self.lookup(k, name))
            .collect();
        out.sort_by_key(|ix| self.graph[*ix].id());
        out
    }

    /// Adds an entity or merges it into the node it already is.
    pub fn add_node(&mut self, kind: Kind, label: &str) -> NodeIndex {
        if let Some(ix) = self.lookup(kind, label) {
            if fold(&self.graph[ix].label) == fold(label) && label < self.graph[ix].label.as_str() {
                // Same entity written with other casing: the smallest spelling is canonical,
                // so the result never depends on which document came first.
                let old = std::mem::replace(&mut self.graph[ix].label, label.to_string());
                self.graph[ix].aliases.insert(old);
                self.graph[ix].aliases.remove(label);
            } else if self.graph[ix].label != label {
                self.graph[ix].aliases.insert(label.to_string());
            }
            return ix;
        }
        let ix = self.graph.add_node(Node {
            kind,
            label: label.to_string(),
            aliases: BTreeSet::new(),
            attributes: BTreeMap::new(),
            mentions: BTreeSet::new(),
        });
        self.by_key.insert((kind, fold(label)), ix);
        ix
    }

    /// Records another name for a node.
    pub fn add_alias(&mut self, ix: NodeIndex, alias: &str) {
        let kind = self.graph[ix].kind;
        let key = (kind, fold(alias));
        if key.1.is_empty() || self.by_key.contains_key(&key) {
            if self.by_key.get(&key) == Some(&ix) && alias != self.graph[ix].label {
                self.graph[ix].aliases.insert(alias.to_string());
            }
            return;
        }
        self.by_alias.entry(key).or_insert(ix);
        if alias != self.graph[ix].label {
            self.graph[ix].aliases.insert(alias.to_string());
        }
    }

    pub fn add_mention(&mut self, ix: NodeIndex, span: Span) {
        self.graph[ix].mentions.insert(span);
    }

    /// Sets an attribute; when two values compete the smaller wins, so order never matters.
    pub fn set_attribute(&mut self, ix: NodeIndex, key: &str, value: &str) {
        let attrs = &mut self.graph[ix].attributes;
        match attrs.get(key) {
            Some(old) if old.as_str() <= value => {}
            _ => {
                attrs.insert(key.to_string(), value.to_string());
            }
        }
    }

    /// Adds a relation or strengthens the existing one; evidence is merged, never repeated.
    /// Ill-typed relations are refused (returns `None`).
    pub fn add_edge(
        &mut self,
        from: NodeIndex,
        relation: Relation,
        to: NodeIndex,
        rule: &str,
        confidence: f64,
        evidence: impl IntoIterator<Item = Span>,
    ) -> Option<EdgeIndex> {
        if from == to || !relation.accepts(self.graph[from].kind, self.graph[to].kind) {
            return None;
        }
        let ex = match self.edges.get(&(from, relation, to)) {
            Some(&ex) => {
                let e = &mut self.graph[ex];
                if confidence > e.confidence
                    || (confidence == e.confidence && rule < e.rule.as_str())
                {
                    e.confidence = confidence;
                    e.rule = rule.to_string();
                }
                ex
            }
            None => {
                let ex = self.graph.add_edge(
                    from,
                    to,
                    Edge {
                        relation,
                        rule: rule.to_string(),
                        confidence,
                        evidence: BTreeSet::new(),
                    },
                );
                self.edges.insert((from, relation, to), ex);
                ex
            }
        };
        self.graph[ex].evidence.extend(evidence);
        Some(ex)
    }

    /// Edges leaving or entering a node, sorted for output.
    pub fn edges_of(&self, ix: NodeIndex) -> Vec<(NodeIndex, &Edge, NodeIndex)> {
        let mut out: Vec<_> = self
            .graph
            .edges_directed(ix, petgraph::Direction::Outgoing)
            .chain(self.graph.edges_directed(ix, petgraph::Direction::Incoming))
            .map(|e| (e.source(), e.weight(), e.target()))
            .collect();
        out.sort_by(|a, b| {
            (self.graph[a.0].id(), a.1.relation, self.graph[a.2].id()).cmp(&(
                self.graph[b.0].id(),
                b.1.relation,
                self.graph[b.2].id(),
            ))
        });
        out
    }

    /// Adds a node to a union of graphs: the node of the same type and folded label, else
    /// a new one. Of several spellings the smallest is the label and the others are aliases.
    fn union_node(&mut self, kind: Kind, key: String, label: &str) -> NodeIndex {
        if let Some(&ix) = self.by_key.get(&(kind, key.clone())) {
            let node = &mut self.graph[ix];
            if label < node.label.as_str() {
                let old = std::mem::replace(&mut node.label, label.to_string());
                node.aliases.insert(old);
                node.aliases.remove(label);
            } else if node.label != label {
                node.aliases.insert(label.to_string());
            }
            return ix;
        }
        let ix = self.graph.add_node(Node {
            kind,
            label: label.to_string(),
            aliases: BTreeSet::new(),
            attributes: BTreeMap::new(),
            mentions: BTreeSet::new(),
        });
        self.by_key.insert((kind, key), ix);
        ix
    }

    /// Records an alias in a union of graphs: kept as written; for [`Self::lookup`], an alias
    /// shared by several nodes names the one with the smallest key.
    fn union_alias(&mut self, ix: NodeIndex, alias: &str) {
        let node = &mut self.graph[ix];
        if alias == node.label || node.aliases.contains(alias) {
            return;
        }
        node.aliases.insert(alias.to_string());
        let key = (node.kind, fold(alias));
        if key.1.is_empty() || self.by_key.contains_key(&key) {
            return;
        }
        let my_key = fold(&self.graph[ix].label);
        match self.by_alias.get(&key) {
            Some(&other) if fold(&self.graph[other].label) <= my_key => {}
            _ => {
                self.by_alias.insert(key, ix);
            }
        }
    }

    /// Merges another graph into this one: a union (see the type's docs), so the result is
    /// the same whatever the order and grouping of merges.
    pub fn merge(&mut self, other: &KnowledgeGraph) {
        let mut map: Vec<NodeIndex> = vec![NodeIndex::end(); other.graph.node_count()];
        for ((kind, key), &oix) in &other.by_key {
            let n = &other.graph[oix];
            let ix = self.union_node(*kind, key.clone(), &n.label);
            self.absorb_node(
                ix,
                n.aliases.iter(),
                &n.attributes,
                n.mentions.iter().cloned(),
            );
            map[oix.index()] = ix;
        }
        for e in other.graph.edge_references() {
            let w = e.weight();
            self.add_edge(
                map[e.source().index()],
                w.relation,
                map[e.target().index()],
                &w.rule,
                w.confidence,
                w.evidence.iter().cloned(),
            );
        }
        for (s, h) in &other.sources {
            self.add_source(s, Some(h.as_str()).filter(|h| !h.is_empty()));
        }
    }

    fn absorb_node<'a>(
        &mut self,
        ix: NodeIndex,
        aliases: impl Iterator<Item = &'a String>,
        attributes: &BTreeMap<String, String>,
        mentions: impl Iterator<Item = Span>,
    ) {
        for a in aliases {
            self.union_alias(ix, a);
        }
        for (k, v) in attributes {
            self.set_attribute(ix, k, v);
        }
        self.graph[ix].mentions.extend(mentions);
    }

    /// Merges a JSON document into this graph (the same union as [`Self::merge`]).
    pub fn merge_doc(&mut self, doc: &GraphDoc) {
        let mut ids: BTreeMap<&str, NodeIndex> = BTreeMap::new();
        for n in &doc.nodes {
            let Some(kind) = Kind::parse(&n.kind) else {
                continue;
            };
            let ix = self.union_node(kind, fold(&n.label), &n.label);
            self.absorb_node(
                ix,
                n.aliases.iter(),
                &n.attributes,
                n.mentions.iter().cloned(),
            );
            ids.insert(n.id.as_str(), ix);
        }
        for e in &doc.edges {
            let (Some(&from), Some(&to), Some(rel)) = (
                ids.get(e.source.as_str()),
                ids.get(e.target.as_str()),
                Relation::parse(&e.relation),
            ) else {
                continue;
            };
            self.add_edge(
                from,
                rel,
                to,
                &e.rule,
                e.confidence,
                e.evidence.iter().cloned(),
            );
        }
        for s in &doc.graph.sources {
            self.add_source(s, doc.graph.hashes.get(s).map(String::as_str));
        }
        for (s, h) in &doc.graph.hashes {
            self.add_source(s, Some(h));
        }
    }

    /// Builds a graph from its JSON document.
    pub fn from_doc(doc: &GraphDoc) -> KnowledgeGraph {
        let mut g = KnowledgeGraph::new();
        g.merge_doc(doc);
        g.meta.generator = doc.graph.generator.clone();
        g
    }

    /// Removes what these sources contributed: their mentions and evidence, the nodes left
    /// without mentions and the edges left without evidence (or without an end), and the
    /// sources themselves. Names, attributes and edge rules that only a removed source gave
    /// stay on the nodes and edges other sources keep.
    pub fn remove_sources(&mut self, gone: &BTreeSet<String>) {
        if gone.is_empty() {
            return;
        }
        let mut doc = self.to_doc();
        let touched = |spans: &[Span]| spans.iter().any(|s| gone.contains(&s.source));
        let mut dropped = BTreeSet::new();
        doc.nodes.retain_mut(|n| {
            if !touched(&n.mentions) {
                return true;
            }
            n.mentions.retain(|m| !gone.contains(&m.source));
            if n.mentions.is_empty() {
                dropped.insert(n.id.clone());
            }
            !n.mentions.is_empty()
        });
        doc.edges.retain_mut(|e| {
            if dropped.contains(&e.source) || dropped.contains(&e.target) {
                return false;
            }
            if !touched(&e.evidence) {
                return true;
            }
            e.evidence.retain(|m| !gone.contains(&m.source));
            !e.evidence.is_empty()
        });
        doc.graph.sources.retain(|s| !gone.contains(s));
        doc.graph.hashes.retain(|s, _| !gone.contains(s));
        let generator = std::mem::take(&mut self.meta.generator);
        *self = KnowledgeGraph::from_doc(&doc);
        self.meta.generator = generator;
    }

    /// [`Self::to_doc`] without copying: the graph's strings move into the document, so
    /// writing a big graph does not hold it twice.
    pub fn into_doc(self) -> GraphDoc {
        let mut doc = GraphDoc::empty();
        doc.graph.hashes = self
            .sources
            .iter()
            .filter(|(_, h)| !h.is_empty())
            .map(|(s, h)| (s.clone(), h.clone()))
            .collect();
        doc.graph.sources = self.sources.into_keys().collect();
        let (nodes, edges) = self.graph.into_nodes_edges();
        let ids: Vec<String> = nodes.iter().map(|n| n.weight.id()).collect();
        let mut edges: Vec<EdgeDoc> = edges
            .into_iter()
            .map(|e| {
                let (from, to) = (e.source().index(), e.target().index());
                let w = e.weight;
                EdgeDoc {
                    source: ids[from].clone(),
                    target: ids[to].clone(),
                    key: 0,
                    relation: w.relation.to_string(),
                    rule: w.rule,
                    confidence: w.confidence,
                    evidence: w.evidence.into_iter().collect(),
                }
            })
            .collect();
        let mut nodes: Vec<NodeDoc> = nodes
            .into_iter()
            .zip(ids)
            .map(|(n, id)| {
                let n = n.weight;
                NodeDoc {
                    id,
                    kind: n.kind.to_string(),
                    label: n.label,
                    aliases: n.aliases.into_iter().collect(),
                    attributes: n.attributes,
                    mentions: n.mentions.into_iter().collect(),
                }
            })
            .collect();
        nodes.sort_by(|a, b| a.id.cmp(&b.id));
        edges.sort_by(|a, b| {
            (&a.source, &a.relation, &a.target).cmp(&(&b.source, &b.relation, &b.target))
        });
        doc.nodes = nodes;
        doc.edges = edges;
        doc
    }

    /// The sorted JSON document: same graph, same bytes.
    pub fn to_doc(&self) -> GraphDoc {
        let mut doc = GraphDoc::empty();
        doc.graph.sources = self.sources.keys().cloned().collect();
        doc.graph.hashes = self
            .sources
            .iter()
            .filter(|(_, h)| !h.is_empty())
            .map(|(s, h)| (s.clone(), h.clone()))
            .collect();
        let ids: Vec<String> = self.graph.node_weights().map(Node::id).collect();
        let mut nodes: Vec<NodeDoc> = self
            .graph
            .node_weights()
            .zip(&ids)
            .map(|(n, id)| NodeDoc {
                id: id.clone(),
                kind: n.kind.to_string(),
                label: n.label.clone(),
                aliases: n.aliases.iter().cloned().collect(),
                attributes: n.attributes.clone(),
                mentions: n.mentions.iter().cloned().collect(),
            })
            .collect();
        nodes.sort_by(|a, b| a.id.cmp(&b.id));
        let mut edges: Vec<EdgeDoc> = self
            .graph
            .edge_references()
            .map(|e| {
                let w = e.weight();
                EdgeDoc {
                    source: ids[e.source().index()].clone(),
                    target: ids[e.target().index()].clone(),
                    key: 0,
                    relation: w.relation.to_string(),
                    rule: w.rule.clone(),
                    confidence: w.confidence,
                    evidence: w.evidence.iter().cloned().collect(),
                }
            })
            .collect();
        edges.sort_by(|a, b| {
            (&a.source, &a.relation, &a.target).cmp(&(&b.source, &b.relation, &b.target))
        });
        doc.nodes = nodes;
        doc.edges = edges;
        doc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(source: &str, start: usize) -> Span {
        Span {
            source: source.into(),
            start,
            end: start + 1,
            line: 1,
            text: "x".into(),
        }
    }

    /// One document's graph: an event with an alias, a person at a company.
    fn doc_a() -> KnowledgeGraph {
        let mut g = KnowledgeGraph::new();
        let ev = g.add_node(Kind::Event, "KubeCon Europe 2022");
        g.add_alias(ev, "KubeCon Europe");
        g.add_mention(ev, span("a", 0));
        let p = g.add_node(Kind::Person, "Jane Doe");
        g.add_mention(p, span("a", 5));
        g.set_attribute(p, "role", "SRE");
        let c = g.add_node(Kind::Company, "Quillbyte");
        g.add_mention(c, span("a", 9));
        g.add_edge(p, Relation::WorksAt, c, "r.b", 0.8, [span("a", 5)]);
        g.add_source("a", Some("0002"));
        g
    }

    /// Another: a node named like doc A's alias, other spellings, rules and values.
    fn doc_b() -> KnowledgeGraph {
        let mut g = KnowledgeGraph::new();
        let ev = g.add_node(Kind::Event, "KubeCon Europe");
        g.add_mention(ev, span("b", 0));
        let p = g.add_node(Kind::Person, "JANE DOE");
        g.add_mention(p, span("b", 5));
        g.set_attribute(p, "role", "CTO");
        let c = g.add_node(Kind::Company, "QuillByte");
        g.add_mention(c, span("b", 9));
        g.add_edge(p, Relation::WorksAt, c, "r.a", 0.8, [span("b", 5)]);
        g.add_source("a", Some("0001"));
        g.add_source("b", Some("0003"));
        g
    }

    fn json(g: &KnowledgeGraph) -> String {
        serde_json::to_string_pretty(&g.to_doc()).unwrap()
    }

    #[test]
    fn merge_is_commutative_and_associative_even_with_alias_clashes() {
        let (a, b) = (doc_a(), doc_b());
        let mut ab = a.clone();
        ab.merge(&b);
        let mut ba = b.clone();
        ba.merge(&a);
        assert_eq!(json(&ab), json(&ba));
        // (a ∪ b) ∪ a == a ∪ (b ∪ a), and merging JSON documents agrees with both.
        let mut left = ab.clone();
        left.merge(&a);
        let mut right = a.clone();
        right.merge(&ba);
        assert_eq!(json(&left), json(&right));
        let mut from_docs = KnowledgeGraph::new();
        from_docs.merge_doc(&b.to_doc());
        from_docs.merge_doc(&a.to_doc());
        assert_eq!(json(&from_docs), json(&ab));
        // Smallest spelling, smallest attribute, strongest then smallest rule, smallest hash.
        let doc = ab.to_doc();
        let jane = doc
            .nodes
            .iter()
            .find(|n| n.id == "person:jane-doe")
            .unwrap();
        assert_eq!(jane.label, "JANE DOE");
        assert_eq!(jane.aliases, ["Jane Doe"]);
        assert_eq!(jane.attributes["role"], "CTO");
        assert_eq!(doc.edges[0].rule, "r.a");
        assert_eq!(doc.graph.hashes["a"], "0001");
        // A node named like another's alias stays a node of its own.
        assert!(doc.nodes.iter().any(|n| n.id == "event:kubecon-europe"));
        let ev = doc
            .nodes
            .iter()
            .find(|n| n.id == "event:kubecon-europe-2022");
        assert_eq!(ev.unwrap().aliases, ["KubeCon Europe"]);
    }

    #[test]
    fn removing_a_source_drops_what_only_it_supported() {
        let mut ab = doc_a();
        ab.merge(&doc_b());
        ab.remove_sources(&BTreeSet::from(["b".to_string()]));
        let doc = ab.to_doc();
        assert_eq!(doc.graph.sources, ["a"]);
        assert!(!doc.nodes.iter().any(|n| n.id == "event:kubecon-europe"));
        assert!(
            doc.nodes
                .iter()
                .flat_map(|n| &n.mentions)
                .all(|m| m.source == "a")
        );
        assert_eq!(doc.edges.len(), 1);
        assert!(doc.edges[0].evidence.iter().all(|m| m.source == "a"));
        // Round trip through JSON keeps every byte, and so does moving into a document.
        assert_eq!(json(&KnowledgeGraph::from_doc(&doc)), json(&ab));
        assert_eq!(ab.clone().into_doc(), doc);
    }
}
