//! The knowledge graph: the only module that touches petgraph. Nodes are indexed by
//! (type, folded name) so every stage and every document lands on the same node.

use crate::fold::{fold, slug};
use crate::model::{DocumentMeta, EdgeDoc, GraphDoc, GraphMeta, NodeDoc};
use crate::spans::{Owner, SpanIds, SpanRef, SpanStore, Spans};
use hashbrown::HashTable;
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;
use rustc_hash::{FxHashMap, FxHasher};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::hash::Hasher;
use std::sync::{Arc, OnceLock};

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
    pub attributes: Attributes,
}

impl Node {
    /// `type:slug`, stable across runs and documents.
    pub fn id(&self) -> String {
        format!("{}:{}", self.kind, slug(&self.label))
    }
}

/// A node's attributes, sorted by name: a slice, because most nodes have none or one (an
/// ordered map's first allocation is half a kilobyte, and a million nodes are merged in a
/// corpus run), shared between the graphs a node is merged into until one changes it, so
/// that a merged node copies a pointer rather than every string.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Attributes(Option<Arc<[(String, String)]>>);

impl Attributes {
    pub fn get(&self, name: &str) -> Option<&String> {
        self.find(name).ok().map(|i| &self.list()[i].1)
    }

    pub fn is_empty(&self) -> bool {
        self.list().is_empty()
    }

    pub fn len(&self) -> usize {
        self.list().len()
    }

    /// In name order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&String, &String)> + Clone {
        self.list().iter().map(|(k, v)| (k, v))
    }

    fn list(&self) -> &[(String, String)] {
        self.0.as_deref().unwrap_or_default()
    }

    /// Sets `name`, keeping the smaller value when it is already set: merges never depend
    /// on order.
    fn set_min(&mut self, name: &str, value: &str) {
        let list = self.list();
        let (at, skip) = match self.find(name) {
            Ok(i) if list[i].1.as_str() <= value => return,
            Ok(i) => (i, 1),
            Err(i) => (i, 0),
        };
        let set = (name.to_string(), value.to_string());
        let list: Arc<[(String, String)]> = list[..at]
            .iter()
            .cloned()
            .chain(std::iter::once(set))
            .chain(list[at + skip..].iter().cloned())
            .collect();
        self.0 = Some(list);
    }

    fn find(&self, name: &str) -> Result<usize, usize> {
        self.list().binary_search_by(|(k, _)| k.as_str().cmp(name))
    }

    /// Sets each of `other`'s attributes as [`Self::set_min`] does; shares its list when
    /// this one has none.
    fn union(&mut self, other: &Attributes) {
        if self.is_empty() {
            self.0 = other.0.clone();
            return;
        }
        for (k, v) in other {
            self.set_min(k, v);
        }
    }
}

impl<'a> IntoIterator for &'a Attributes {
    type Item = (&'a String, &'a String);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, String)>,
        fn(&'a (String, String)) -> (&'a String, &'a String),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.list().iter().map(|(k, v)| (k, v))
    }
}

impl serde::Serialize for Attributes {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        ser.collect_map(self.iter())
    }
}

/// An edge's payload. One edge per (source, relation, target); the strongest rule wins.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    pub relation: Relation,
    /// Shared by every edge the rule made (a corpus graph has hundreds of thousands).
    pub rule: Arc<str>,
    pub confidence: f64,
}

/// How many mentions a graph keeps per (node, source document), and pieces of evidence per
/// (edge, source), unless told otherwise (`--max-mentions`). A talk page names its speaker a
/// few times; a thousand is far beyond any write-up and still bounds a generated or
/// pathological one.
pub const DEFAULT_MAX_MENTIONS: usize = 1000;

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
    /// Each node's folded label, and by type the node of each one. Only looked up, or
    /// iterated where order cannot reach the output.
    keys: Keys,
    /// By type (`Kind as usize`): folded alias to node.
    by_alias: [FxHashMap<String, NodeIndex>; 5],
    /// Only looked up, never iterated, so hashing cannot leak into output order.
    edges: FxHashMap<(NodeIndex, Relation, NodeIndex), EdgeIndex>,
    /// Nodes of each type, in insertion order (indexed by `Kind as usize`), for queries.
    by_kind: [Vec<NodeIndex>; 5],
    /// Edges of each relation, in insertion order (indexed by `Relation as usize`).
    by_relation: [Vec<EdgeIndex>; 5],
    /// Nodes in (label, type) order, built on first use and dropped when a node is added
    /// or renamed; lets queries sort large results by integers and then read labels
    /// from one buffer in that order.
    label_order: OnceLock<LabelOrder>,
    meta: GraphMeta,
    /// Every source document with its content hash (empty when unknown).
    sources: BTreeMap<String, String>,
    /// What sources say about themselves (only those that say anything).
    documents: BTreeMap<String, DocumentMeta>,
    /// Mentions of nodes and evidence of edges.
    spans: SpanStore,
    rule_names: RuleNames,
    /// What the facts were made with, for `extract --into`.
    rules: Fingerprint,
}

/// The rules and version a graph's facts were extracted with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
enum Fingerprint {
    /// No facts yet: the identity of a union.
    #[default]
    Unset,
    Known(String),
    /// Facts of several rule sets, or of a graph that did not record its own.
    Mixed,
}

impl Fingerprint {
    /// The union's: what every part agrees on, else mixed. Order-free like every merge.
    fn union(&mut self, other: &Fingerprint) {
        match (&*self, other) {
            (_, Fingerprint::Unset) => {}
            (Fingerprint::Unset, o) => *self = o.clone(),
            (Fingerprint::Known(a), Fingerprint::Known(b)) if a == b => {}
            _ => *self = Fingerprint::Mixed,
        }
    }
}

/// What loading a graph JSON left out because a graph of this version cannot hold it.
/// Commands that write the graph back say so, as nothing else would.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadReport {
    /// Nodes of a type this version does not know, by the type as written.
    pub unknown_types: BTreeMap<String, usize>,
    /// Edges whose source or target is not the id of a node that was kept.
    pub missing_ends: usize,
    /// Edges of a relation this version does not know, by the relation as written.
    pub unknown_relations: BTreeMap<String, usize>,
    /// Edges whose ends' types do not fit their relation.
    pub ill_typed: usize,
}

impl LoadReport {
    /// Whether nothing was left out.
    pub fn is_empty(&self) -> bool {
        *self == LoadReport::default()
    }

    /// Everything left out, counted per kind, with what would have been accepted.
    pub fn describe(&self) -> String {
        fn plural(n: usize, what: &str) -> String {
            format!("{n} {what}{}", if n == 1 { "" } else { "s" })
        }
        fn names(m: &BTreeMap<String, usize>) -> String {
            m.iter()
                .map(|(k, n)| format!("{k:?}: {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        }
        let mut parts = Vec::new();
        let types: usize = self.unknown_types.values().sum();
        if types > 0 {
            parts.push(format!(
                "{} of an unknown type ({}; types are person, company, project, talk, event, in lower case)",
                plural(types, "node"),
                names(&self.unknown_types)
            ));
        }
        if self.missing_ends > 0 {
            parts.push(format!(
                "{} whose source or target is no node's id",
                plural(self.missing_ends, "edge")
            ));
        }
        let relations: usize = self.unknown_relations.values().sum();
        if relations > 0 {
            parts.push(format!(
                "{} of an unknown relation ({}; relations are works_at, presents, mentions, part_of, develops)",
                plural(relations, "edge"),
                names(&self.unknown_relations)
            ));
        }
        if self.ill_typed > 0 {
            parts.push(format!(
                "{} whose ends' types do not fit the relation (works_at: person to company, presents: person to talk, mentions: talk to project or company, part_of: talk to event, develops: company to project)",
                plural(self.ill_typed, "edge")
            ));
        }
        parts.join("; ")
    }
}

/// What became of one edge of a document.
enum EdgeOutcome {
    Kept,
    MissingEnd,
    UnknownRelation,
    IllTyped,
}

/// The rule names of a graph's edges, each stored once.
#[derive(Debug, Clone, Default)]
struct RuleNames {
    names: rustc_hash::FxHashSet<Arc<str>>,
    /// The name interned last: edges come in runs of one rule (a merged part's edges
    /// mostly share a handful), so most calls end here without hashing.
    last: Option<Arc<str>>,
}

impl RuleNames {
    fn intern(&mut self, name: &str) -> Arc<str> {
        if let Some(n) = &self.last
            && **n == *name
        {
            return n.clone();
        }
        let n = match self.names.get(name) {
            Some(n) => n.clone(),
            None => {
                let n: Arc<str> = Arc::from(name);
                self.names.insert(n.clone());
                n
            }
        };
        self.last = Some(n.clone());
        n
    }
}

/// Every node's key (its folded label: nodes of one type with one key are one node), end
/// to end in one buffer by node index, and by type a hash table of the nodes. A string of
/// its own per key cost an allocation per node, and growing a table of strings read every
/// string again to re-hash it; here each entry carries its hash.
#[derive(Debug, Clone, Default)]
struct Keys {
    buf: String,
    /// By node index: where its key ends in `buf`.
    ends: Vec<usize>,
    /// By type: (node index, hash of its key).
    tables: [HashTable<(u32, u32)>; 5],
}

impl Keys {
    /// 32 bits of the key's hash, stored with the entry.
    fn hash(key: &str) -> u32 {
        let mut h = FxHasher::default();
        h.write(key.as_bytes());
        (h.finish() >> 32) as u32
    }

    /// The table's 64-bit hash, made of the stored 32 bits only: hashbrown takes the bucket
    /// from the low bits and a tag from the top ones, so both must come from them.
    fn spread(h: u32) -> u64 {
        (u64::from(h) << 32) | u64::from(h)
    }

    /// The key of node `ix`.
    fn get(&self, ix: usize) -> &str {
        &self.buf[if ix == 0 { 0 } else { self.ends[ix - 1] }..self.ends[ix]]
    }

    fn find(&self, kind: Kind, key: &str) -> Option<NodeIndex> {
        self.find_hashed(kind, key, Keys::hash(key))
    }

    /// [`Self::find`] with the key's hash at hand.
    fn find_hashed(&self, kind: Kind, key: &str, h: u32) -> Option<NodeIndex> {
        self.tables[kind as usize]
            .find(Keys::spread(h), |&(ix, eh)| {
                eh == h && self.get(ix as usize) == key
            })
            .map(|&(ix, _)| NodeIndex::new(ix as usize))
    }

    /// Records the key (hashed `h`) of the node just added, `ix`, known not to be in the
    /// table.
    fn push(&mut self, kind: Kind, key: &str, h: u32, ix: NodeIndex) {
        debug_assert_eq!(ix.index(), self.ends.len());
        self.buf.push_str(key);
        self.ends.push(self.buf.len());
        let ix = u32::try_from(ix.index()).expect("fewer than 2^32 nodes");
        self.tables[kind as usize]
            .insert_unique(Keys::spread(h), (ix, h), |&(_, h)| Keys::spread(h));
    }

    /// Room for what another graph's keys may add.
    fn reserve_for(&mut self, other: &Keys) {
        self.buf.reserve(other.buf.len());
        self.ends.reserve(other.ends.len());
        for (t, o) in self.tables.iter_mut().zip(&other.tables) {
            t.reserve(o.len(), |&(_, h)| Keys::spread(h));
        }
    }

    /// Every key of this type with its node; unordered.
    fn of_kind(&self, kind: Kind) -> impl Iterator<Item = (&str, NodeIndex)> + '_ {
        self.tables[kind as usize]
            .iter()
            .map(|&(ix, _)| (self.get(ix as usize), NodeIndex::new(ix as usize)))
    }
}

impl KnowledgeGraph {
    /// An empty graph that keeps at most [`DEFAULT_MAX_MENTIONS`] mentions per (node,
    /// source) and pieces of evidence per (edge, source); see [`Self::set_max_mentions`].
    pub fn new() -> KnowledgeGraph {
        let mut g = KnowledgeGraph {
            meta: GraphDoc::empty().graph,
            ..KnowledgeGraph::default()
        };
        g.set_max_mentions(Some(DEFAULT_MAX_MENTIONS));
        g
    }

    /// Keeps at most `cap` mentions per (node, source) and pieces of evidence per (edge,
    /// source) from the next [`Self::compact`] on, `None` (or 0) keeping all: beyond it, a
    /// deterministic sample (the spans with the smallest hash of their place) and how many
    /// there were. Per source, not per node, so that removing a document (`extract
    /// --into`) leaves what a run without it would have made.
    pub fn set_max_mentions(&mut self, cap: Option<usize>) {
        self.spans.set_cap(cap);
    }

    /// The cap [`Self::set_max_mentions`] set.
    pub fn max_mentions(&self) -> Option<usize> {
        self.spans.cap()
    }

    /// The sources of which a node's mentions are only a sample, each with how many
    /// distinct mentions it had (more than the sample holds), sorted by source.
    pub fn mention_totals(&self, ix: NodeIndex) -> Vec<(&str, u64)> {
        self.spans.totals(Owner::node(ix.index()))
    }

    /// [`Self::mention_totals`] for an edge's evidence.
    pub fn evidence_totals(&self, ex: EdgeIndex) -> Vec<(&str, u64)> {
        self.spans.totals(Owner::edge(ex.index()))
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

    /// Records what a source says about itself. When two graphs disagree, the smallest
    /// wins (so merging stays order-free).
    pub fn set_document(&mut self, source: &str, meta: &DocumentMeta) {
        if meta.is_empty() {
            return;
        }
        match self.documents.get_mut(source) {
            Some(old) if *old <= *meta => {}
            Some(old) => *old = meta.clone(),
            None => {
                self.documents.insert(source.to_string(), meta.clone());
            }
        }
    }

    /// What each source says about itself, by source name.
    pub fn documents(&self) -> &BTreeMap<String, DocumentMeta> {
        &self.documents
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
        self.lookup_folded(kind, &fold(name))
    }

    /// [`Self::lookup`] of a name already folded.
    pub(crate) fn lookup_folded(&self, kind: Kind, key: &str) -> Option<NodeIndex> {
        self.keys
            .find(kind, key)
            .or_else(|| self.by_alias[kind as usize].get(key).copied())
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
        // Folded once: loading a large graph spends much of its time here.
        self.add_node_folded(kind, label, &fold(label))
    }

    /// [`Self::add_node`] with `fold(label)` at hand.
    pub(crate) fn add_node_folded(&mut self, kind: Kind, label: &str, key: &str) -> NodeIndex {
        self.label_order.take();
        if let Some(ix) = self.lookup_folded(kind, key) {
            if self.keys.get(ix.index()) == key && label < self.graph[ix].label.as_str() {
                // Same entity written with other casing (found by its key, not through an
                // alias): the smallest spelling is canonical, so the result never depends
                // on which document came first.
                let old = std::mem::replace(&mut self.graph[ix].label, label.to_string());
                self.graph[ix].aliases.insert(old);
                self.graph[ix].aliases.remove(label);
            } else if self.graph[ix].label != label {
                self.graph[ix].aliases.insert(label.to_string());
            }
            return ix;
        }
        let h = Keys::hash(key);
        self.new_node(kind, key, h, label.to_string(), Attributes::default())
    }

    /// Adds a node known to be new under its key (hashed `h`).
    fn new_node(
        &mut self,
        kind: Kind,
        key: &str,
        h: u32,
        label: String,
        attributes: Attributes,
    ) -> NodeIndex {
        let ix = self.graph.add_node(Node {
            kind,
            label,
            aliases: BTreeSet::new(),
            attributes,
        });
        self.keys.push(kind, key, h, ix);
        self.by_kind[kind as usize].push(ix);
        ix
    }

    /// Records another name for a node.
    pub fn add_alias(&mut self, ix: NodeIndex, alias: &str) {
        let kind = self.graph[ix].kind;
        let k = kind as usize;
        let key = fold(alias);
        let owner = self.keys.find(kind, &key);
        if key.is_empty() || owner.is_some() {
            if owner == Some(ix) && alias != self.graph[ix].label {
                self.graph[ix].aliases.insert(alias.to_string());
            }
            return;
        }
        self.by_alias[k].entry(key).or_insert(ix);
        if alias != self.graph[ix].label {
            self.graph[ix].aliases.insert(alias.to_string());
        }
    }

    pub fn add_mention<'a>(&mut self, ix: NodeIndex, span: impl Into<SpanRef<'a>>) {
        self.spans.push(Owner::node(ix.index()), span.into());
    }

    /// The id of a source name for [`SpanIds`].
    pub(crate) fn span_source_id(&mut self, source: &str) -> u32 {
        self.spans.source_id(source)
    }

    /// The id of a text for [`SpanIds`].
    pub(crate) fn span_text_id(&mut self, text: &str) -> u32 {
        self.spans.text_id(text)
    }

    /// [`Self::add_mention`] of a span already interned.
    pub(crate) fn add_mention_ids(&mut self, ix: NodeIndex, span: SpanIds) {
        self.spans.push_ids(Owner::node(ix.index()), span);
    }

    /// Evidence, already interned, for an edge of this graph.
    pub(crate) fn add_evidence_ids(&mut self, ex: EdgeIndex, span: SpanIds) {
        self.spans.push_ids(Owner::edge(ex.index()), span);
    }

    /// Sorts and indexes mentions and evidence; call it once a graph is built and before
    /// reading them. Cheap when nothing changed since the last call.
    pub fn compact(&mut self) {
        self.spans
            .compact(self.graph.node_count(), self.graph.edge_count());
    }

    /// A node's mentions, sorted.
    pub fn mentions(&self, ix: NodeIndex) -> Spans<'_> {
        self.spans.spans(Owner::node(ix.index()))
    }

    /// An edge's evidence, sorted, nested spans pruned.
    pub fn evidence(&self, ex: EdgeIndex) -> Spans<'_> {
        self.spans.spans(Owner::edge(ex.index()))
    }

    /// Sets an attribute; when two values compete the smaller wins, so order never matters.
    pub fn set_attribute(&mut self, ix: NodeIndex, key: &str, value: &str) {
        self.graph[ix].attributes.set_min(key, value);
    }

    /// Adds a relation or strengthens the existing one; evidence is merged, never repeated,
    /// and of two nested spans from one source only the tightest stays (the same finding
    /// seen by two rules). Ill-typed relations are refused (returns `None`).
    pub fn add_edge<'a>(
        &mut self,
        from: NodeIndex,
        relation: Relation,
        to: NodeIndex,
        rule: &str,
        confidence: f64,
        evidence: impl IntoIterator<Item = SpanRef<'a>>,
    ) -> Option<EdgeIndex> {
        if from == to || !relation.accepts(self.graph[from].kind, self.graph[to].kind) {
            return None;
        }
        let ex = self.union_edge(from, relation, to, rule, confidence);
        for span in evidence {
            self.spans.push(Owner::edge(ex.index()), span);
        }
        Some(ex)
    }

    /// The edge `from -relation-> to`, added or strengthened; the relation is known to
    /// accept the ends.
    fn union_edge(
        &mut self,
        from: NodeIndex,
        relation: Relation,
        to: NodeIndex,
        rule: &str,
        confidence: f64,
    ) -> EdgeIndex {
        use std::collections::hash_map::Entry;
        match self.edges.entry((from, relation, to)) {
            Entry::Occupied(o) => {
                let ex = *o.get();
                let e = &mut self.graph[ex];
                if confidence > e.confidence || (confidence == e.confidence && rule < &*e.rule) {
                    e.confidence = confidence;
                    e.rule = self.rule_names.intern(rule);
                }
                ex
            }
            Entry::Vacant(v) => {
                let edge = Edge {
                    relation,
                    rule: self.rule_names.intern(rule),
                    confidence,
                };
                let ex = *v.insert(self.graph.add_edge(from, to, edge));
                self.by_relation[relation as usize].push(ex);
                ex
            }
        }
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
    fn union_node(&mut self, kind: Kind, key: &str, label: &str) -> NodeIndex {
        self.label_order.take();
        let h = Keys::hash(key);
        match self.keys.find_hashed(kind, key, h) {
            Some(ix) => {
                self.union_label(ix, label);
                ix
            }
            None => self.new_node(kind, key, h, label.to_string(), Attributes::default()),
        }
    }

    /// Another spelling of a node's label in a union: the smallest is the label and the
    /// others are aliases.
    fn union_label(&mut self, ix: NodeIndex, label: &str) {
        let node = &mut self.graph[ix];
        if label < node.label.as_str() {
            let old = std::mem::replace(&mut node.label, label.to_string());
            node.aliases.insert(old);
            node.aliases.remove(label);
        } else if node.label != label {
            node.aliases.insert(label.to_string());
        }
    }

    /// Records an alias in a union of graphs: kept as written; for [`Self::lookup`], an alias
    /// shared by several nodes names the one with the smallest key.
    fn union_alias(&mut self, ix: NodeIndex, alias: &str) {
        let node = &mut self.graph[ix];
        if alias == node.label || node.aliases.contains(alias) {
            return;
        }
        node.aliases.insert(alias.to_string());
        let (kind, key) = (node.kind, fold(alias));
        let k = kind as usize;
        if key.is_empty() || self.keys.find(kind, &key).is_some() {
            return;
        }
        match self.by_alias[k].get(&key) {
            Some(&other) if self.keys.get(other.index()) <= self.keys.get(ix.index()) => {}
            _ => {
                self.by_alias[k].insert(key, ix);
            }
        }
    }

    /// Merges another graph into this one: a union (see the type's docs), so the result is
    /// the same whatever the order and grouping of merges. The part's mentions and
    /// evidence are appended unsorted: call [`Self::compact`] once after the last merge
    /// (readers of a graph left uncompacted sort each node's spans on every read).
    pub fn merge(&mut self, other: &KnowledgeGraph) {
        if !other
            .spans
            .is_compact(other.graph.node_count(), other.graph.edge_count())
        {
            // Its spans are taken run by run, (owner, source) after (owner, source).
            let mut other = other.clone();
            other.compact();
            return self.merge(&other);
        }
        self.union_with(other, |_| true, |_| true, |_| true);
    }

    /// Before another graph's spans join this one's (see [`SpanStore::begin_merge`]).
    fn begin_merge(&mut self) {
        self.spans
            .begin_merge(self.graph.node_count(), self.graph.edge_count());
    }

    /// The union of this graph with the part of `other` that the filters keep: nodes and
    /// edges by index (an edge also needs both ends kept), spans and sources by source
    /// name. [`Self::merge`] keeps everything; [`Self::remove_sources`] rebuilds a graph
    /// from what is left.
    fn union_with(
        &mut self,
        other: &KnowledgeGraph,
        keep_node: impl Fn(usize) -> bool,
        keep_edge: impl Fn(usize) -> bool,
        keep_source: impl Fn(&str) -> bool,
    ) {
        self.label_order.take();
        self.begin_merge();
        let mut map: Vec<Option<NodeIndex>> = vec![None; other.graph.node_count()];
        // Room for the part at once, rather than growing table by table.
        self.graph.reserve_nodes(other.graph.node_count());
        self.graph.reserve_edges(other.graph.edge_count());
        self.edges.reserve(other.graph.edge_count());
        self.keys.reserve_for(&other.keys);
        for (k, v) in self.by_kind.iter_mut().zip(&other.by_kind) {
            k.reserve(v.len());
        }
        for (r, v) in self.by_relation.iter_mut().zip(&other.by_relation) {
            r.reserve(v.len());
        }
        // In the part's node order, so its nodes and keys are read front to back; each
        // key is read from the part, never folded again.
        for (i, n) in other.graph.node_weights().enumerate() {
            if !keep_node(i) {
                continue;
            }
            let key = other.keys.get(i);
            let h = Keys::hash(key);
            let ix = match self.keys.find_hashed(n.kind, key, h) {
                Some(ix) => {
                    self.union_label(ix, &n.label);
                    self.graph[ix].attributes.union(&n.attributes);
                    ix
                }
                None => self.new_node(n.kind, key, h, n.label.clone(), n.attributes.clone()),
            };
            for a in &n.aliases {
                self.union_alias(ix, a);
            }
            map[i] = Some(ix);
        }
        let mut edge_map: Vec<Option<EdgeIndex>> = vec![None; other.graph.edge_count()];
        for e in other.graph.edge_references() {
            let ends = (map[e.source().index()], map[e.target().index()]);
            let (Some(from), Some(to)) = ends else {
                continue;
            };
            if !keep_edge(e.id().index()) {
                continue;
            }
            // Well typed in the part, and nodes keep their type and stay distinct: no
            // need to check again.
            let w = e.weight();
            edge_map[e.id().index()] =
                Some(self.union_edge(from, w.relation, to, &w.rule, w.confidence));
        }
        self.spans.append_filtered(
            &other.spans,
            |owner| match owner.split() {
                (false, i) => map[i].map(|ix| Owner::node(ix.index())),
                (true, i) => edge_map[i].map(|ex| Owner::edge(ex.index())),
            },
            &keep_source,
        );
        for (s, h) in &other.sources {
            if keep_source(s) {
                self.add_source(s, Some(h.as_str()).filter(|h| !h.is_empty()));
            }
        }
        for (s, m) in &other.documents {
            if keep_source(s) {
                self.set_document(s, m);
            }
        }
        self.rules.union(&other.rules);
    }

    fn absorb_node<'a>(
        &mut self,
        ix: NodeIndex,
        aliases: impl Iterator<Item = &'a String>,
        attributes: impl IntoIterator<Item = (&'a String, &'a String)>,
    ) {
        for a in aliases {
            self.union_alias(ix, a);
        }
        for (k, v) in attributes {
            self.set_attribute(ix, k, v);
        }
    }

    /// Merges a JSON document into this graph (the same union as [`Self::merge`]).
    pub fn merge_doc(&mut self, doc: &GraphDoc) {
        self.merge(&KnowledgeGraph::from_doc(doc));
    }

    /// Adds a JSON document's contents to a graph that holds no other graph's spans: its
    /// spans of one (node or edge, source) are all there were unless a count says more,
    /// so compaction counts them exactly (see [`SpanStore::begin_merge`]).
    fn absorb_doc(&mut self, doc: &GraphDoc) {
        let mut ids: FxHashMap<&str, NodeIndex> = FxHashMap::default();
        ids.reserve(doc.nodes.len());
        for n in &doc.nodes {
            let parts = NodeParts {
                kind: &n.kind,
                label: &n.label,
                aliases: &n.aliases,
                attributes: &n.attributes,
            };
            let counts = n.mention_counts.iter().map(|(s, c)| (s.as_str(), *c));
            if let Some(ix) =
                self.merge_node_parts(parts, n.mentions.iter().map(SpanRef::from), counts)
            {
                ids.insert(n.id.as_str(), ix);
            }
        }
        for e in &doc.edges {
            let parts = EdgeParts {
                source: &e.source,
                target: &e.target,
                relation: &e.relation,
                rule: &e.rule,
                confidence: e.confidence,
            };
            self.merge_edge_parts(
                parts,
                |id| ids.get(id).copied(),
                e.evidence.iter().map(SpanRef::from),
                e.evidence_counts.iter().map(|(s, c)| (s.as_str(), *c)),
            );
        }
        self.merge_meta(&doc.graph);
    }

    /// One node of a document; `None` for a type this version does not know.
    fn merge_node_parts<'a, 'c>(
        &mut self,
        n: NodeParts<'_>,
        mentions: impl IntoIterator<Item = SpanRef<'a>>,
        counts: impl IntoIterator<Item = (&'c str, u64)>,
    ) -> Option<NodeIndex> {
        let kind = Kind::parse(n.kind)?;
        let ix = self.union_node(kind, &fold(n.label), n.label);
        self.absorb_node(ix, n.aliases.iter(), n.attributes);
        for m in mentions {
            self.add_mention(ix, m);
        }
        for (source, n) in counts {
            self.spans.add_total(Owner::node(ix.index()), source, n);
        }
        Some(ix)
    }

    /// One edge of a document, its ends looked up by node id; dropped when an end or
    /// the relation is unknown.
    fn merge_edge_parts<'a, 'c>(
        &mut self,
        e: EdgeParts<'_>,
        id: impl Fn(&str) -> Option<NodeIndex>,
        evidence: impl IntoIterator<Item = SpanRef<'a>>,
        counts: impl IntoIterator<Item = (&'c str, u64)>,
    ) -> EdgeOutcome {
        let (Some(from), Some(to)) = (id(e.source), id(e.target)) else {
            return EdgeOutcome::MissingEnd;
        };
        let Some(rel) = Relation::parse(e.relation) else {
            return EdgeOutcome::UnknownRelation;
        };
        match self.add_edge(from, rel, to, e.rule, e.confidence, evidence) {
            Some(ex) => {
                for (source, n) in counts {
                    self.spans.add_total(Owner::edge(ex.index()), source, n);
                }
                EdgeOutcome::Kept
            }
            None => EdgeOutcome::IllTyped,
        }
    }

    fn merge_meta(&mut self, meta: &GraphMeta) {
        self.rules.union(&if meta.rules_fingerprint.is_empty() {
            Fingerprint::Mixed
        } else {
            Fingerprint::Known(meta.rules_fingerprint.clone())
        });
        for s in &meta.sources {
            self.add_source(s, meta.hashes.get(s).map(String::as_str));
        }
        for (s, h) in &meta.hashes {
            self.add_source(s, Some(h));
        }
        for (s, m) in &meta.documents {
            self.set_document(s, m);
        }
    }

    /// Builds a graph straight from graph.json text, one node and one edge at a time,
    /// never holding the whole [`GraphDoc`]: the same graph as
    /// `from_doc(&serde_json::from_str(text)?)`, in less time and memory.
    pub fn from_json_str(text: &str) -> serde_json::Result<KnowledgeGraph> {
        Ok(KnowledgeGraph::from_json_str_report(text)?.0)
    }

    /// [`Self::from_json_str`], saying what was left out (nodes of unknown types, edges
    /// that cannot stand). Values outside what the contract allows (a confidence outside
    /// 0..=1, a span that ends before it starts, a newer `format_version`) are errors.
    pub fn from_json_str_report(text: &str) -> serde_json::Result<(KnowledgeGraph, LoadReport)> {
        use serde::de::DeserializeSeed;
        let mut kg = KnowledgeGraph::new();
        // A graph read is the graph written: the commands that write one set their cap.
        kg.set_max_mentions(None);
        let mut loader = loader::Loader {
            kg,
            ids: FxHashMap::default(),
            report: LoadReport::default(),
            nodes: 0,
            edges: 0,
        };
        let mut de = serde_json::Deserializer::from_str(text);
        let generator = (&mut loader).deserialize(&mut de)?;
        de.end()?;
        loader.kg.meta.generator = generator;
        loader.kg.compact();
        // Built now so that the first query does not pay for it.
        loader.kg.label_order();
        Ok((loader.kg, loader.report))
    }

    /// The fingerprint of the rules every fact of this graph was extracted with, when
    /// they all were extracted with one rule set that said so.
    pub fn rules_fingerprint(&self) -> Option<&str> {
        match &self.rules {
            Fingerprint::Known(f) => Some(f),
            _ => None,
        }
    }

    /// Records the rules this graph's facts were extracted with.
    pub fn set_rules_fingerprint(&mut self, fingerprint: &str) {
        self.rules = Fingerprint::Known(fingerprint.to_string());
    }

    /// Builds a graph from its JSON document. Every span is kept (no cap): a graph read is
    /// the graph written.
    pub fn from_doc(doc: &GraphDoc) -> KnowledgeGraph {
        let mut g = KnowledgeGraph::new();
        g.set_max_mentions(None);
        g.absorb_doc(doc);
        g.meta.generator = doc.graph.generator.clone();
        g.compact();
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
        self.compact();
        let kept = |mut spans: Spans<'_>| spans.any(|s| !gone.contains(s.source));
        let nodes: Vec<bool> = self
            .graph
            .node_indices()
            .map(|ix| kept(self.mentions(ix)))
            .collect();
        // An edge also needs both ends kept; `union_with` checks that.
        let edges: Vec<bool> = self
            .graph
            .edge_indices()
            .map(|ex| kept(self.evidence(ex)))
            .collect();
        // The graph that remains is the union of what is kept, built like any merge.
        let mut out = KnowledgeGraph::new();
        out.set_max_mentions(self.max_mentions());
        out.meta.generator = std::mem::take(&mut self.meta.generator);
        out.union_with(self, |i| nodes[i], |i| edges[i], |s| !gone.contains(s));
        if out.sources.is_empty() {
            // Nothing is left that the old rules found.
            out.rules = Fingerprint::Unset;
        }
        out.compact();
        *self = out;
    }

    /// [`Self::to_doc`], compacting first.
    pub fn into_doc(mut self) -> GraphDoc {
        self.compact();
        self.to_doc()
    }

    /// The sorted JSON document: same graph, same bytes.
    pub fn to_doc(&self) -> GraphDoc {
        if !self
            .spans
            .is_compact(self.graph.node_count(), self.graph.edge_count())
        {
            // Reading every node's spans from an unsorted table would scan it each time.
            let mut copy = self.clone();
            copy.compact();
            return copy.to_doc();
        }
        let mut doc = GraphDoc::empty();
        doc.graph.sources = self.sources.keys().cloned().collect();
        doc.graph.hashes = self
            .sources
            .iter()
            .filter(|(_, h)| !h.is_empty())
            .map(|(s, h)| (s.clone(), h.clone()))
            .collect();
        doc.graph.documents = self.documents.clone();
        doc.graph.rules_fingerprint = self.rules_fingerprint().unwrap_or_default().to_string();
        let order = self.output_order();
        doc.nodes = order.nodes.iter().map(|&ix| self.node_doc(ix)).collect();
        doc.edges = order.edges.iter().map(|&ex| self.edge_doc(ex)).collect();
        doc
    }

    /// Nodes and edges in the order the JSON contract writes them: nodes by id, edges by
    /// (source id, relation, target id). Ties between ids (two labels with one slug) are
    /// broken by label, so the order never depends on insertion order.
    pub(crate) fn output_order(&self) -> OutputOrder {
        let ids: Vec<String> = self.graph.node_weights().map(Node::id).collect();
        let mut nodes: Vec<NodeIndex> = self.graph.node_indices().collect();
        nodes.sort_by(|a, b| {
            (&ids[a.index()], &self.graph[*a].label).cmp(&(&ids[b.index()], &self.graph[*b].label))
        });
        let mut rank = vec![0u32; nodes.len()];
        for (r, ix) in nodes.iter().enumerate() {
            rank[ix.index()] = r as u32;
        }
        let mut edges: Vec<(u32, &str, u32, EdgeIndex)> = self
            .graph
            .edge_references()
            .map(|e| {
                (
                    rank[e.source().index()],
                    e.weight().relation.as_str(),
                    rank[e.target().index()],
                    e.id(),
                )
            })
            .collect();
        edges.sort_unstable();
        OutputOrder {
            ids,
            nodes,
            edges: edges.into_iter().map(|e| e.3).collect(),
        }
    }
}

/// Nodes and edges in output order; see [`KnowledgeGraph::output_order`].
pub(crate) struct OutputOrder {
    /// Each node's id, by node index.
    pub ids: Vec<String>,
    pub nodes: Vec<NodeIndex>,
    pub edges: Vec<EdgeIndex>,
}

/// A document node's fields, whether they come from a [`NodeDoc`] or straight from text.
struct NodeParts<'a> {
    kind: &'a str,
    label: &'a str,
    aliases: &'a [String],
    attributes: &'a BTreeMap<String, String>,
}

/// A document edge's fields, wherever they come from.
struct EdgeParts<'a> {
    source: &'a str,
    target: &'a str,
    relation: &'a str,
    rule: &'a str,
    confidence: f64,
}

/// Every label, concatenated in (label, type) order, with each node's rank.
#[derive(Debug, Clone, Default)]
struct LabelOrder {
    /// By node index: the position in label order.
    rank: Vec<u32>,
    text: String,
    /// By rank: where the label ends in `text`.
    ends: Vec<usize>,
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

    fn label_order(&self) -> &LabelOrder {
        self.label_order.get_or_init(|| {
            let mut order: Vec<(&str, Kind, u32)> = self
                .graph
                .node_indices()
                .map(|ix| {
                    let n = &self.graph[ix];
                    (n.label.as_str(), n.kind, ix.index() as u32)
                })
                .collect();
            order.sort_unstable();
            let mut rank = vec![0; order.len()];
            let mut text = String::with_capacity(order.iter().map(|o| o.0.len()).sum());
            let mut ends = Vec::with_capacity(order.len());
            for (r, (label, _, ix)) in order.into_iter().enumerate() {
                rank[ix as usize] = r as u32;
                text.push_str(label);
                ends.push(text.len());
            }
            LabelOrder { rank, text, ends }
        })
    }

    /// The node's position when all nodes are sorted by (label, type); compares like
    /// `(&label, kind)`. Built on first use, so meant for a graph no longer changing.
    pub fn label_rank(&self, ix: NodeIndex) -> u32 {
        self.label_order().rank[ix.index()]
    }

    /// The node's label, read from the rank-ordered buffer: results sorted by
    /// [`label_rank`](Self::label_rank) read it almost sequentially instead of touching
    /// every node. Same text as `node(ix).label`; for a graph no longer changing.
    pub fn label(&self, ix: NodeIndex) -> &str {
        let order = self.label_order();
        let r = order.rank[ix.index()] as usize;
        let start = if r == 0 { 0 } else { order.ends[r - 1] };
        &order.text[start..order.ends[r]]
    }

    /// Number of edges at a node, both directions.
    pub fn degree(&self, ix: NodeIndex) -> usize {
        self.adjacent(ix, Dir::Out).count() + self.adjacent(ix, Dir::In).count()
    }

    /// Every folded name (labels, then aliases) with its type and node; unordered.
    pub fn names(&self) -> impl Iterator<Item = (&str, Kind, NodeIndex)> + '_ {
        let labels = Kind::ALL.into_iter().flat_map(|kind| {
            self.keys
                .of_kind(kind)
                .map(move |(key, ix)| (key, kind, ix))
        });
        let aliases = Kind::ALL
            .into_iter()
            .zip(self.by_alias.iter())
            .flat_map(|(kind, map)| map.iter().map(move |(name, ix)| (name.as_str(), kind, *ix)));
        labels.chain(aliases)
    }

    /// One node as its JSON document.
    pub fn node_doc(&self, ix: NodeIndex) -> NodeDoc {
        let n = &self.graph[ix];
        NodeDoc {
            id: n.id(),
            kind: n.kind.to_string(),
            label: n.label.clone(),
            aliases: n.aliases.iter().cloned().collect(),
            attributes: n
                .attributes
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            mentions: self.mentions(ix).map(SpanRef::to_span).collect(),
            mention_counts: self
                .mention_totals(ix)
                .into_iter()
                .map(|(s, n)| (s.to_string(), n))
                .collect(),
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
            rule: w.rule.to_string(),
            confidence: w.confidence,
            evidence: self.evidence(ex).map(SpanRef::to_span).collect(),
            evidence_counts: self
                .evidence_totals(ex)
                .into_iter()
                .map(|(s, n)| (s.to_string(), n))
                .collect(),
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

/// The streaming reader behind [`KnowledgeGraph::from_json_str`]: serde visitors that
/// feed each node and edge into the graph as soon as it is parsed. Names, ids and rules
/// are borrowed from the text when they hold no escapes, so a large graph costs few
/// short-lived allocations.
mod loader {
    use super::{EdgeOutcome, EdgeParts, KnowledgeGraph, LoadReport, NodeIndex, NodeParts};
    use crate::model::{FORMAT_VERSION, GraphMeta};
    use crate::spans::SpanRef;
    use rustc_hash::FxHashMap;
    use serde::Deserialize;
    use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
    use std::borrow::Cow;
    use std::collections::BTreeMap;
    use std::fmt;

    /// Ids are borrowed from the text too: freeing a million small strings at the end
    /// of loading would leave the allocator a backlog that the first query pays for.
    pub(super) struct Loader<'de> {
        pub kg: KnowledgeGraph,
        pub ids: FxHashMap<Cow<'de, str>, NodeIndex>,
        pub report: LoadReport,
        /// Nodes and edges read so far: the index of the next one, for messages.
        pub nodes: usize,
        pub edges: usize,
    }

    /// `NodeDoc` with borrowed strings: same fields, same defaults.
    #[derive(Deserialize)]
    struct NodeIn<'a> {
        #[serde(borrow)]
        id: Cow<'a, str>,
        #[serde(rename = "type", borrow)]
        kind: Cow<'a, str>,
        #[serde(borrow)]
        label: Cow<'a, str>,
        #[serde(default)]
        aliases: Vec<String>,
        #[serde(default)]
        attributes: BTreeMap<String, String>,
        #[serde(default, borrow)]
        mentions: Vec<SpanIn<'a>>,
        #[serde(default, borrow)]
        mention_counts: BTreeMap<Cow<'a, str>, u64>,
    }

    /// `Span` with borrowed strings.
    #[derive(Deserialize)]
    struct SpanIn<'a> {
        #[serde(borrow)]
        source: Cow<'a, str>,
        start: usize,
        end: usize,
        line: usize,
        #[serde(borrow)]
        text: Cow<'a, str>,
    }

    impl<'a> SpanIn<'a> {
        fn as_ref(&'a self) -> SpanRef<'a> {
            SpanRef {
                source: &self.source,
                start: self.start,
                end: self.end,
                line: self.line,
                text: &self.text,
            }
        }
    }

    /// `EdgeDoc` with borrowed strings: same fields, same defaults.
    #[derive(Deserialize)]
    struct EdgeIn<'a> {
        #[serde(borrow)]
        source: Cow<'a, str>,
        #[serde(borrow)]
        target: Cow<'a, str>,
        #[serde(default, rename = "key")]
        _key: u32,
        #[serde(borrow)]
        relation: Cow<'a, str>,
        #[serde(borrow)]
        rule: Cow<'a, str>,
        confidence: f64,
        #[serde(default, borrow)]
        evidence: Vec<SpanIn<'a>>,
        #[serde(default, borrow)]
        evidence_counts: BTreeMap<Cow<'a, str>, u64>,
    }

    #[derive(Deserialize)]
    #[serde(field_identifier, rename_all = "lowercase")]
    enum Field {
        Directed,
        Multigraph,
        Graph,
        Nodes,
        Edges,
        #[serde(other)]
        Other,
    }

    /// The top-level object; yields the generator string.
    impl<'de> DeserializeSeed<'de> for &mut Loader<'de> {
        type Value = String;

        fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
            d.deserialize_map(self)
        }
    }

    impl<'de> Visitor<'de> for &mut Loader<'de> {
        type Value = String;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a graph document")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<String, A::Error> {
            let (mut directed, mut multigraph, mut nodes) = (false, false, false);
            let mut meta: Option<GraphMeta> = None;
            // Edges written before nodes wait until the ids are known.
            let mut early_edges: Option<Vec<EdgeIn<'de>>> = None;
            let mut edges = false;
            while let Some(key) = map.next_key::<Field>()? {
                match key {
                    Field::Directed => {
                        map.next_value::<bool>()?;
                        directed = true;
                    }
                    Field::Multigraph => {
                        map.next_value::<bool>()?;
                        multigraph = true;
                    }
                    Field::Graph => {
                        let m: GraphMeta = map.next_value()?;
                        if m.format_version == 0 {
                            return Err(de::Error::custom(
                                "graph.format_version is 0, which no talkgraph writes (versions start at 1): give 1, or leave the field out",
                            ));
                        }
                        if m.format_version > FORMAT_VERSION {
                            return Err(de::Error::custom(format_args!(
                                "graph.format_version is {}, newer than this talkgraph {} reads (up to {FORMAT_VERSION}): the graph was written by a later talkgraph; upgrade talkgraph to read it",
                                m.format_version,
                                env!("CARGO_PKG_VERSION")
                            )));
                        }
                        meta = Some(m);
                    }
                    Field::Nodes => {
                        map.next_value_seed(Nodes(&mut *self))?;
                        nodes = true;
                    }
                    Field::Edges if nodes => {
                        map.next_value_seed(Edges(&mut *self))?;
                        edges = true;
                    }
                    Field::Edges => {
                        early_edges = Some(map.next_value()?);
                        edges = true;
                    }
                    Field::Other => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
            for (present, name) in [
                (directed, "directed"),
                (multigraph, "multigraph"),
                (meta.is_some(), "graph"),
                (nodes, "nodes"),
                (edges, "edges"),
            ] {
                if !present {
                    return Err(de::Error::missing_field(name));
                }
            }
            for e in early_edges.into_iter().flatten() {
                self.edge(e).map_err(de::Error::custom)?;
            }
            let meta = meta.expect("checked above");
            self.kg.merge_meta(&meta);
            Ok(meta.generator)
        }
    }

    /// Spans whose start is after their end: no reader can take them back to the source.
    fn check_spans(spans: &[SpanIn<'_>], at: &str) -> Result<(), String> {
        match spans.iter().position(|s| s.start > s.end) {
            None => Ok(()),
            Some(j) => Err(format!(
                "{at}[{j}] starts at byte {} after its end at {}: a span's start is at most its end",
                spans[j].start, spans[j].end
            )),
        }
    }

    impl<'de> Loader<'de> {
        /// Adds one node, or says why its values cannot stand.
        fn node(&mut self, n: NodeIn<'de>) -> Result<(), String> {
            let i = self.nodes;
            self.nodes += 1;
            check_spans(&n.mentions, &format!("nodes[{i}].mentions"))?;
            let parts = NodeParts {
                kind: &n.kind,
                label: &n.label,
                aliases: &n.aliases,
                attributes: &n.attributes,
            };
            let counts = n.mention_counts.iter().map(|(s, c)| (&**s, *c));
            if let Some(ix) =
                self.kg
                    .merge_node_parts(parts, n.mentions.iter().map(SpanIn::as_ref), counts)
            {
                // The same node written twice merges; two nodes under one id would leave
                // every edge to that id pointing at whichever came last.
                if let Some(&other) = self.ids.get(&n.id)
                    && other != ix
                {
                    return Err(format!(
                        "nodes[{i}].id {:?} is already the id of another node: an edge could not tell them apart; give each node an id of its own",
                        n.id
                    ));
                }
                self.ids.insert(n.id, ix);
            } else {
                *self
                    .report
                    .unknown_types
                    .entry(n.kind.into_owned())
                    .or_default() += 1;
            }
            Ok(())
        }

        /// Adds one edge, or says why its values cannot stand.
        fn edge(&mut self, e: EdgeIn<'_>) -> Result<(), String> {
            let i = self.edges;
            self.edges += 1;
            // Written as JSON, a confidence is finite; NaN cannot be written at all.
            if !(0.0..=1.0).contains(&e.confidence) {
                return Err(format!(
                    "edges[{i}].confidence is {:?}: a confidence is a number from 0 to 1",
                    e.confidence
                ));
            }
            check_spans(&e.evidence, &format!("edges[{i}].evidence"))?;
            let parts = EdgeParts {
                source: &e.source,
                target: &e.target,
                relation: &e.relation,
                rule: &e.rule,
                confidence: e.confidence,
            };
            let ids = &self.ids;
            match self.kg.merge_edge_parts(
                parts,
                |id| ids.get(id).copied(),
                e.evidence.iter().map(SpanIn::as_ref),
                e.evidence_counts.iter().map(|(s, c)| (&**s, *c)),
            ) {
                EdgeOutcome::Kept => {}
                EdgeOutcome::MissingEnd => self.report.missing_ends += 1,
                EdgeOutcome::UnknownRelation => {
                    *self
                        .report
                        .unknown_relations
                        .entry(e.relation.into_owned())
                        .or_default() += 1;
                }
                EdgeOutcome::IllTyped => self.report.ill_typed += 1,
            }
            Ok(())
        }
    }

    struct Nodes<'a, 'de>(&'a mut Loader<'de>);
    struct Edges<'a, 'de>(&'a mut Loader<'de>);

    impl<'de> DeserializeSeed<'de> for Nodes<'_, 'de> {
        type Value = ();

        fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_seq(self)
        }
    }

    impl<'de> Visitor<'de> for Nodes<'_, 'de> {
        type Value = ();

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a list of nodes")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            while let Some(n) = seq.next_element::<NodeIn<'de>>()? {
                self.0.node(n).map_err(de::Error::custom)?;
            }
            Ok(())
        }
    }

    impl<'de> DeserializeSeed<'de> for Edges<'_, 'de> {
        type Value = ();

        fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_seq(self)
        }
    }

    impl<'de> Visitor<'de> for Edges<'_, 'de> {
        type Value = ();

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a list of edges")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            while let Some(e) = seq.next_element::<EdgeIn<'de>>()? {
                self.0.edge(e).map_err(de::Error::custom)?;
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streaming_load_matches_from_doc() {
        let text = include_str!("../tests/data/query-graph.json");
        let doc: GraphDoc = serde_json::from_str(text).unwrap();
        let fast = KnowledgeGraph::from_json_str(text).unwrap();
        assert_eq!(fast.to_doc(), KnowledgeGraph::from_doc(&doc).to_doc());
        assert_eq!(fast.meta().generator, doc.graph.generator);

        // Edges written before nodes, a node of an unknown type, an unknown field.
        let mut v: serde_json::Value = serde_json::from_str(text).unwrap();
        let edges = v["edges"].take();
        let obj = v.as_object_mut().unwrap();
        obj.remove("edges");
        let mut reordered = serde_json::Map::new();
        reordered.insert("edges".into(), edges);
        reordered.insert("extra".into(), serde_json::json!({"x": [1, 2]}));
        reordered.extend(obj.clone());
        reordered["nodes"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({"id": "venue:x", "type": "venue", "label": "X"}));
        let text = serde_json::to_string(&reordered).unwrap();
        let doc: GraphDoc = serde_json::from_str(&text).unwrap();
        let fast = KnowledgeGraph::from_json_str(&text).unwrap();
        assert_eq!(fast.to_doc(), KnowledgeGraph::from_doc(&doc).to_doc());
    }

    #[test]
    fn streaming_load_unescapes_names() {
        let text = r#"{"directed": true, "multigraph": true, "graph": {"generator": "g", "sources": []},
            "nodes": [{"id": "person:ines", "type": "person", "label": "In\u00e8s \"Ina\" Moreau"},
                      {"id": "company:s\u0068op", "type": "company", "label": "Shop"}],
            "edges": [{"source": "person:ines", "target": "company:shop", "relation": "works_at",
                       "rule": "r\/1", "confidence": 1.0}]}"#;
        let doc: GraphDoc = serde_json::from_str(text).unwrap();
        let fast = KnowledgeGraph::from_json_str(text).unwrap();
        assert_eq!(fast.to_doc(), KnowledgeGraph::from_doc(&doc).to_doc());
        assert_eq!(fast.edge_count(), 1);
        assert_eq!(fast.lookup_any("ines ina moreau").len(), 1);
    }

    #[test]
    fn label_order_follows_labels_and_resets_on_change() {
        let mut kg = KnowledgeGraph::new();
        let b = kg.add_node(Kind::Company, "Beta");
        let a = kg.add_node(Kind::Project, "Alpha");
        let a2 = kg.add_node(Kind::Company, "Alpha");
        assert_eq!(
            [kg.label_rank(a2), kg.label_rank(a), kg.label_rank(b)],
            [0, 1, 2]
        );
        assert_eq!([kg.label(a), kg.label(b)], ["Alpha", "Beta"]);
        let c = kg.add_node(Kind::Person, "Aaron");
        assert_eq!((kg.label_rank(c), kg.label(b)), (0, "Beta"));
    }

    #[test]
    fn streaming_load_reports_shape_errors() {
        let e = KnowledgeGraph::from_json_str(r#"{"directed": true, "nodes": []}"#).unwrap_err();
        assert!(
            e.to_string().starts_with("missing field `multigraph`"),
            "{e}"
        );
        let e = KnowledgeGraph::from_json_str("{\"nodes\": [{\"id\": 3}]}").unwrap_err();
        assert_eq!((e.line(), e.column()), (1, 19));
    }
}

#[cfg(test)]
mod union_tests {
    use super::*;

    fn span(source: &'static str, start: usize) -> SpanRef<'static> {
        SpanRef {
            source,
            start,
            end: start + 1,
            line: 1,
            text: "x",
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

    const SOURCES: [&str; 3] = ["a", "b", "c"];

    /// A document's graph from generated facts: (person, source, start) mentions and
    /// (person, company, source, start) works_at evidence, three names of each type.
    fn part(
        mentions: &[(usize, usize, usize)],
        edges: &[(usize, usize, usize, usize)],
        cap: Option<usize>,
    ) -> KnowledgeGraph {
        let mut g = KnowledgeGraph::new();
        g.set_max_mentions(cap);
        for &(p, src, start) in mentions {
            let ix = g.add_node(Kind::Person, &format!("Person {p}"));
            g.add_mention(ix, span(SOURCES[src], start));
            g.add_source(SOURCES[src], None);
        }
        for &(p, c, src, start) in edges {
            let from = g.add_node(Kind::Person, &format!("Person {p}"));
            let to = g.add_node(Kind::Company, &format!("Company {c}"));
            g.add_mention(from, span(SOURCES[src], start));
            g.add_mention(to, span(SOURCES[src], start + 1));
            g.add_edge(
                from,
                Relation::WorksAt,
                to,
                "r",
                0.5,
                [span(SOURCES[src], start)],
            );
            g.add_source(SOURCES[src], None);
        }
        g.compact();
        g
    }

    fn merged(parts: &[&KnowledgeGraph], cap: Option<usize>) -> KnowledgeGraph {
        let mut g = KnowledgeGraph::new();
        g.set_max_mentions(cap);
        for p in parts {
            g.merge(p);
        }
        g.compact();
        g
    }

    type Facts = (
        Vec<(usize, usize, usize)>,
        Vec<(usize, usize, usize, usize)>,
    );

    /// Facts for one part; `source` fixes every fact's source (one document per part).
    fn facts(source: Option<usize>) -> impl proptest::strategy::Strategy<Value = Facts> {
        use proptest::prelude::*;
        let src = match source {
            Some(s) => (s..s + 1).boxed(),
            None => (0..SOURCES.len()).boxed(),
        };
        (
            proptest::collection::vec((0..3usize, src.clone(), 0..30usize), 0..25),
            proptest::collection::vec((0..3usize, 0..3usize, src, 0..30usize), 0..25),
        )
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(32))]

        /// Samples merge by union and totals by max: any order and grouping gives the same
        /// bytes, even when one source has spans in several parts.
        #[test]
        fn capped_merge_is_commutative_and_associative(
            a in facts(None), b in facts(None), c in facts(None), cap in 1..4usize,
        ) {
            let [a, b, c] = [a, b, c].map(|(m, e)| part(&m, &e, Some(cap)));
            let ab = merged(&[&a, &b], Some(cap));
            let bc = merged(&[&b, &c], Some(cap));
            proptest::prop_assert_eq!(json(&ab), json(&merged(&[&b, &a], Some(cap))));
            proptest::prop_assert_eq!(
                json(&merged(&[&ab, &c], Some(cap))),
                json(&merged(&[&a, &bc], Some(cap)))
            );
            // Through JSON too: the counts are read back.
            let mut from_docs = KnowledgeGraph::new();
            from_docs.set_max_mentions(Some(cap));
            from_docs.merge_doc(&b.to_doc());
            from_docs.merge_doc(&a.to_doc());
            from_docs.compact();
            proptest::prop_assert_eq!(json(&from_docs), json(&ab));
        }

        /// One document per part, as extract makes them: capping each part and then the
        /// merge gives what capping the uncapped whole gives, counts exact; and removing a
        /// document leaves what merging the others gives (`extract --into`).
        #[test]
        fn capping_parts_equals_capping_the_whole_and_removal_equals_a_fresh_merge(
            a in facts(Some(0)), b in facts(Some(1)), c in facts(Some(2)), cap in 1..4usize,
        ) {
            let capped = [&a, &b, &c].map(|(m, e)| part(m, e, Some(cap)));
            let whole = merged(&[&capped[0], &capped[1], &capped[2]], Some(cap));
            let full = [&a, &b, &c].map(|(m, e)| part(m, e, None));
            let mut later = merged(&[&full[0], &full[1], &full[2]], None);
            later.set_max_mentions(Some(cap));
            later.compact();
            proptest::prop_assert_eq!(json(&whole), json(&later));
            let mut without_b = whole.clone();
            without_b.remove_sources(&BTreeSet::from(["b".to_string()]));
            let fresh = merged(&[&capped[0], &capped[2]], Some(cap));
            proptest::prop_assert_eq!(json(&without_b), json(&fresh));
        }
    }

    #[test]
    fn a_capped_node_keeps_a_sample_and_counts_the_rest() {
        let mentions: Vec<(usize, usize, usize)> = (0..5000).map(|i| (0, 0, i * 2)).collect();
        let g = part(&mentions, &[], Some(1000));
        let doc = g.to_doc();
        assert_eq!(doc.nodes[0].mentions.len(), 1000);
        assert_eq!(doc.nodes[0].mention_counts["a"], 5000);
        assert_eq!(doc.nodes[0].mention_total(), 5000);
        // The sample is spread over the document, not its first thousand.
        assert!(doc.nodes[0].mentions.iter().any(|m| m.start > 9000));
        // Reversed arrival, same sample; under the cap, no count at all.
        let reversed: Vec<_> = mentions.iter().rev().copied().collect();
        assert_eq!(json(&part(&reversed, &[], Some(1000))), json(&g));
        let under = part(&mentions, &[], Some(5000)).to_doc();
        assert_eq!(under.nodes[0].mentions.len(), 5000);
        assert!(under.nodes[0].mention_counts.is_empty());
        // Loading keeps what was written; a later cap samples the sample.
        let back = KnowledgeGraph::from_json_str(&json(&g)).unwrap();
        assert_eq!(json(&back), json(&g));
        let mut smaller = back.clone();
        smaller.set_max_mentions(Some(10));
        smaller.compact();
        let doc = smaller.to_doc();
        assert_eq!(doc.nodes[0].mentions.len(), 10);
        assert_eq!(doc.nodes[0].mention_counts["a"], 5000);
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

#[cfg(test)]
mod load_properties {
    use super::*;
    use proptest::prelude::*;
    use serde_json::Value;

    /// Keys the loader looks for, so that random objects reach past the first check.
    fn key() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "directed",
            "multigraph",
            "graph",
            "nodes",
            "edges",
            "id",
            "type",
            "label",
            "aliases",
            "attributes",
            "mentions",
            "evidence",
            "source",
            "target",
            "relation",
            "rule",
            "confidence",
            "start",
            "end",
            "line",
            "text",
            "format_version",
            "sources",
            "hashes",
            "x",
        ])
        .prop_map(String::from)
    }

    fn leaf() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            (-2.0f64..2.0).prop_map(Value::from),
            prop::sample::select(vec![
                "person",
                "company",
                "talk",
                "works_at",
                "presents",
                "part_of",
                "Person",
                "company:cern",
                "person:ana",
                "",
                "a.txt",
            ])
            .prop_map(Value::from),
            "\\PC{0,6}".prop_map(Value::from),
        ]
    }

    fn json() -> impl Strategy<Value = Value> {
        leaf().prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::from),
                prop::collection::btree_map(key(), inner, 0..8)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// The graph as `convert`, `merge` and `extract` write it.
    fn written(kg: &mut KnowledgeGraph) -> String {
        let mut out = Vec::new();
        crate::export::write_graph(
            kg,
            crate::export::Format::Json,
            &Default::default(),
            1,
            None,
            &mut out,
        )
        .unwrap();
        String::from_utf8(out).unwrap()
    }

    /// A graph's outline with random nodes, edges and metadata in it.
    fn graphish() -> impl Strategy<Value = Value> {
        (
            json(),
            prop::collection::vec(json(), 0..4),
            prop::collection::vec(json(), 0..4),
            any::<bool>(),
        )
            .prop_map(|(graph, nodes, edges, edges_first)| {
                let mut m = serde_json::Map::new();
                m.insert("directed".into(), true.into());
                m.insert("multigraph".into(), true.into());
                m.insert("graph".into(), graph);
                if edges_first {
                    m.insert("edges".into(), edges.into());
                    m.insert("nodes".into(), nodes.into());
                } else {
                    m.insert("nodes".into(), nodes.into());
                    m.insert("edges".into(), edges.into());
                }
                Value::Object(m)
            })
    }

    proptest::proptest! {
        #[test]
        fn any_json_loads_or_fails_at_a_position(v in prop_oneof![json(), graphish()]) {
            let text = serde_json::to_string_pretty(&v).unwrap();
            if let Err(e) = KnowledgeGraph::from_json_str_report(&text) {
                prop_assert!(e.line() >= 1, "{} has no line", e);
            }
        }

        /// What loads writes JSON that loads back to the same bytes: export, load, export
        /// is a fixed point, for graphs of random JSON and of labels that break escapers.
        #[test]
        fn json_export_load_export_is_a_fixed_point(
            v in graphish(),
            labels in crate::export::testdoc::nasty_labels(),
        ) {
            let text = serde_json::to_string(&v).unwrap();
            let loaded = KnowledgeGraph::from_json_str(&text).ok();
            let nasty = KnowledgeGraph::from_doc(&crate::export::testdoc::with_labels(&labels));
            for mut kg in loaded.into_iter().chain([nasty]) {
                let first = written(&mut kg);
                let mut back = KnowledgeGraph::from_json_str(&first)
                    .map_err(|e| TestCaseError::fail(format!("{e} in\n{first}")))?;
                prop_assert_eq!(&written(&mut back), &first);
            }
        }

        #[test]
        fn any_text_loads_or_fails_without_panicking(s in "\\PC{0,80}|\\{[\\PC\\[\\]{}\":,0-9]{0,80}") {
            if let Err(e) = KnowledgeGraph::from_json_str_report(&s) {
                prop_assert!(e.line() >= 1 || s.trim().is_empty(), "{} has no line", e);
            }
        }
    }
}
