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
#[derive(Debug, Clone, Default)]
pub struct KnowledgeGraph {
    graph: DiGraph<Node, Edge>,
    by_key: BTreeMap<(Kind, String), NodeIndex>,
    by_alias: BTreeMap<(Kind, String), NodeIndex>,
    edges: BTreeMap<(NodeIndex, Relation, NodeIndex), EdgeIndex>,
    /// Nodes of each type, in insertion order (indexed by `Kind as usize`), for queries.
    by_kind: [Vec<NodeIndex>; 5],
    /// Edges of each relation, in insertion order (indexed by `Relation as usize`).
    by_relation: [Vec<EdgeIndex>; 5],
    meta: GraphMeta,
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

    pub fn meta_mut(&mut self) -> &mut GraphMeta {
        &mut self.meta
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
        self.by_kind[kind as usize].push(ix);
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
                self.by_relation[relation as usize].push(ex);
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

    /// Merges another graph into this one (same result whatever the order).
    pub fn merge(&mut self, other: &KnowledgeGraph) {
        self.merge_doc(&other.to_doc());
    }

    /// Merges a JSON document into this graph.
    pub fn merge_doc(&mut self, doc: &GraphDoc) {
        let mut ids: BTreeMap<&str, NodeIndex> = BTreeMap::new();
        for n in &doc.nodes {
            let Some(kind) = Kind::parse(&n.kind) else {
                continue;
            };
            let ix = self.add_node(kind, &n.label);
            for a in &n.aliases {
                self.add_alias(ix, a);
            }
            for (k, v) in &n.attributes {
                self.set_attribute(ix, k, v);
            }
            for m in &n.mentions {
                self.add_mention(ix, m.clone());
            }
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
        let sources: BTreeSet<String> = self
            .meta
            .sources
            .iter()
            .chain(doc.graph.sources.iter())
            .cloned()
            .collect();
        self.meta.sources = sources.into_iter().collect();
        for (k, v) in &doc.graph.hashes {
            self.meta.hashes.insert(k.clone(), v.clone());
        }
    }

    /// Builds a graph from its JSON document.
    pub fn from_doc(doc: &GraphDoc) -> KnowledgeGraph {
        let mut g = KnowledgeGraph::new();
        g.merge_doc(doc);
        g.meta.generator = doc.graph.generator.clone();
        g
    }

    /// The sorted JSON document: same graph, same bytes.
    pub fn to_doc(&self) -> GraphDoc {
        let mut doc = GraphDoc::empty();
        doc.graph.sources = self.meta.sources.clone();
        doc.graph.hashes = self.meta.hashes.clone();
        let mut nodes: Vec<NodeDoc> = self
            .graph
            .node_indices()
            .map(|ix| self.node_doc(ix))
            .collect();
        nodes.sort_by(|a, b| a.id.cmp(&b.id));
        let mut edges: Vec<EdgeDoc> = self
            .graph
            .edge_indices()
            .map(|ex| self.edge_doc(ex))
            .collect();
        edges.sort_by(|a, b| {
            (&a.source, &a.relation, &a.target).cmp(&(&b.source, &b.relation, &b.target))
        });
        doc.nodes = nodes;
        doc.edges = edges;
        doc
    }
}

/// Which way an edge is followed from the node at hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dir {
    /// The node is the edge's source.
    Out,
    /// The node is the edge's target.
    In,
}

/// Read access for queries: indexes by type and relation, adjacency, and the few
/// petgraph algorithms the query commands need, so that no other module calls petgraph.
impl KnowledgeGraph {
    /// Every node of this type, in insertion order.
    pub fn nodes_of_kind(&self, kind: Kind) -> &[NodeIndex] {
        &self.by_kind[kind as usize]
    }

    /// Every edge of this relation, in insertion order.
    pub fn edges_of_relation(&self, relation: Relation) -> &[EdgeIndex] {
        &self.by_relation[relation as usize]
    }

    /// The edge `from -relation-> to`, if the graph has it.
    pub fn edge_between(
        &self,
        from: NodeIndex,
        relation: Relation,
        to: NodeIndex,
    ) -> Option<EdgeIndex> {
        self.edges.get(&(from, relation, to)).copied()
    }

    /// An edge with its endpoints.
    pub fn edge(&self, ex: EdgeIndex) -> (NodeIndex, &Edge, NodeIndex) {
        let (from, to) = self
            .graph
            .edge_endpoints(ex)
            .expect("edge indexes come from this graph");
        (from, &self.graph[ex], to)
    }

    /// Edges at a node in one direction: (edge, payload, the node at the other end).
    /// Order is petgraph's adjacency order; sort before output.
    pub fn adjacent(
        &self,
        ix: NodeIndex,
        dir: Dir,
    ) -> impl Iterator<Item = (EdgeIndex, &Edge, NodeIndex)> + '_ {
        let pdir = match dir {
            Dir::Out => petgraph::Direction::Outgoing,
            Dir::In => petgraph::Direction::Incoming,
        };
        self.graph.edges_directed(ix, pdir).map(move |e| {
            let other = if dir == Dir::Out {
                e.target()
            } else {
                e.source()
            };
            (e.id(), e.weight(), other)
        })
    }

    /// Number of edges at a node, both directions.
    pub fn degree(&self, ix: NodeIndex) -> usize {
        self.adjacent(ix, Dir::Out).count() + self.adjacent(ix, Dir::In).count()
    }

    /// Every folded name (labels, then aliases) with its type and node; unordered.
    pub fn names(&self) -> impl Iterator<Item = (&str, Kind, NodeIndex)> + '_ {
        self.by_key
            .iter()
            .chain(self.by_alias.iter())
            .map(|((kind, name), ix)| (name.as_str(), *kind, *ix))
    }

    /// One node as its JSON document.
    pub fn node_doc(&self, ix: NodeIndex) -> NodeDoc {
        let n = &self.graph[ix];
        NodeDoc {
            id: n.id(),
            kind: n.kind.to_string(),
            label: n.label.clone(),
            aliases: n.aliases.iter().cloned().collect(),
            attributes: n.attributes.clone(),
            mentions: n.mentions.iter().cloned().collect(),
        }
    }

    /// One edge as its JSON document.
    pub fn edge_doc(&self, ex: EdgeIndex) -> EdgeDoc {
        let (from, w, to) = self.edge(ex);
        EdgeDoc {
            source: self.graph[from].id(),
            target: self.graph[to].id(),
            key: 0,
            relation: w.relation.to_string(),
            rule: w.rule.clone(),
            confidence: w.confidence,
            evidence: w.evidence.iter().cloned().collect(),
        }
    }

    /// Shortest paths between two nodes over the graph taken as undirected, each as the
    /// list of its nodes (both ends included). With `all`, every shortest path up to
    /// `limit`; otherwise at most one. Empty when the nodes are not connected.
    pub fn shortest_paths(
        &self,
        from: NodeIndex,
        to: NodeIndex,
        all: bool,
        limit: usize,
    ) -> Vec<Vec<NodeIndex>> {
        use petgraph::algo::dijkstra;
        use petgraph::visit::UndirectedAdaptor;
        let g = UndirectedAdaptor(&self.graph);
        // Dijkstra stops once `to` is settled, so every node closer than the goal has its
        // exact distance; a node on a shortest path is closer than the goal from both ends.
        let ds = dijkstra(g, from, Some(to), |_| 1usize);
        let Some(&total) = ds.get(&to) else {
            return Vec::new();
        };
        let dt = dijkstra(g, to, Some(from), |_| 1usize);
        let on_path =
            |n: NodeIndex, k: usize| ds.get(&n) == Some(&k) && dt.get(&n) == Some(&(total - k));
        // Depth-first over the layered shortest-path DAG; neighbours in node order
        // so the same graph always lists the same paths first.
        let mut out = Vec::new();
        let mut stack = vec![vec![from]];
        let want = if all { limit } else { 1 };
        while let Some(path) = stack.pop() {
            if out.len() >= want {
                break;
            }
            let last = *path.last().expect("paths are never empty");
            if last == to {
                out.push(path);
                continue;
            }
            let k = path.len();
            let mut next: Vec<NodeIndex> = self
                .graph
                .neighbors_undirected(last)
                .filter(|&n| on_path(n, k))
                .collect();
            next.sort();
            next.dedup();
            for n in next.into_iter().rev() {
                let mut p = path.clone();
                p.push(n);
                stack.push(p);
            }
        }
        out
    }

    /// Sizes of the weakly connected components, largest first.
    pub fn component_sizes(&self) -> Vec<usize> {
        let mut uf = petgraph::unionfind::UnionFind::<usize>::new(self.graph.node_count());
        for e in self.graph.edge_references() {
            uf.union(e.source().index(), e.target().index());
        }
        let mut sizes: BTreeMap<usize, usize> = BTreeMap::new();
        for ix in 0..self.graph.node_count() {
            *sizes.entry(uf.find_mut(ix)).or_default() += 1;
        }
        let mut out: Vec<usize> = sizes.into_values().collect();
        out.sort_unstable_by(|a, b| b.cmp(a));
        out
    }
}
