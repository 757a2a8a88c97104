//! The JSON contract: the node-link document every exporter, query and merge reads.
//! Plain serde structs whose field order is the output order; no logic beyond sorting.
//! Its JSON Schema (`schema/graph.schema.json`, `talkgraph schema`) is derived from them.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A whole graph as written to `graph.json`; networkx loads it with
/// `json_graph.node_link_graph(data, edges="edges")`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct GraphDoc {
    /// Always true: every relation goes from a subject to an object.
    pub directed: bool,
    /// Always true (networkx's node-link form); each edge has `key` 0.
    pub multigraph: bool,
    pub graph: GraphMeta,
    /// The entities, sorted by id.
    pub nodes: Vec<NodeDoc>,
    /// The relations, sorted by source, relation and target.
    pub edges: Vec<EdgeDoc>,
}

/// Graph-level metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct GraphMeta {
    /// The version of this contract the file follows; absent in files written before the
    /// field existed, which are version 1. A reader refuses a version newer than its own
    /// rather than guess at fields it does not know.
    #[serde(default = "format_version_absent")]
    #[schemars(range(min = 1, max = FORMAT_VERSION))]
    pub format_version: u32,
    /// What wrote the file, e.g. `talkgraph 0.1.0`.
    pub generator: String,
    /// Every source document, sorted.
    pub sources: Vec<String>,
    /// Content hash of each source (hex FNV-1a 64), for incremental runs.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub hashes: BTreeMap<String, String>,
    /// What each source says about itself (front matter, an HTML page's head), for the
    /// sources that say anything.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub documents: BTreeMap<String, DocumentMeta>,
    /// What made the facts: talkgraph's version and a hash of the compiled rule set.
    /// `extract --into` extracts every document again when it differs. Absent when the
    /// graph's documents were extracted with different rules (a merge of such graphs) or
    /// by a version that did not record it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub rules_fingerprint: String,
}

// By hand: a derived default would write format_version 0.
impl Default for GraphMeta {
    fn default() -> GraphMeta {
        GraphMeta {
            format_version: FORMAT_VERSION,
            generator: String::new(),
            sources: Vec::new(),
            hashes: BTreeMap::new(),
            documents: BTreeMap::new(),
            rules_fingerprint: String::new(),
        }
    }
}

/// The version of the graph JSON contract this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

fn format_version_absent() -> u32 {
    1
}

/// A document's own metadata: its front matter, or an HTML page's head.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub struct DocumentMeta {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

impl DocumentMeta {
    /// Whether it says nothing.
    pub fn is_empty(&self) -> bool {
        *self == DocumentMeta::default()
    }
}

/// One entity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NodeDoc {
    /// `type:slug`, e.g. `person:josue-abreu`.
    pub id: String,
    /// The entity type.
    #[serde(rename = "type")]
    #[schemars(extend("enum" = ["person", "company", "project", "talk", "event"]))]
    pub kind: String,
    /// The name shown for it.
    pub label: String,
    /// Other names it goes by in the sources, sorted.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Facts about it by name (e.g. a talk's `room`), sorted by name.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    /// Where the sources name it, sorted.
    #[serde(default)]
    pub mentions: Vec<Span>,
    /// For each source whose mentions here are a sample (over `--max-mentions`), how
    /// many distinct mentions it had. Absent when every mention is listed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub mention_counts: BTreeMap<String, u64>,
}

impl NodeDoc {
    /// How many mentions the node had: those listed, plus those a sampled source left out.
    pub fn mention_total(&self) -> usize {
        let left_out: u64 = self
            .mention_counts
            .iter()
            .map(|(source, &n)| {
                let listed = self.mentions.iter().filter(|m| m.source == *source).count();
                n.saturating_sub(listed as u64)
            })
            .sum();
        self.mentions
            .len()
            .saturating_add(usize::try_from(left_out).unwrap_or(usize::MAX))
    }
}

/// One relation between two entities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EdgeDoc {
    /// The subject's node id.
    pub source: String,
    /// The object's node id.
    pub target: String,
    /// networkx's multigraph key; always 0.
    #[serde(default)]
    pub key: u32,
    /// The relation, read from source to target.
    #[schemars(extend("enum" = ["works_at", "presents", "mentions", "part_of", "develops"]))]
    pub relation: String,
    /// The id of the rule that found it.
    pub rule: String,
    /// How sure the rule is, from 0 to 1.
    #[schemars(range(min = 0.0, max = 1.0))]
    pub confidence: f64,
    /// The sentences that say so, sorted.
    #[serde(default)]
    pub evidence: Vec<Span>,
    /// For each source whose evidence here is a sample, how many pieces it had (as
    /// `NodeDoc::mention_counts`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub evidence_counts: BTreeMap<String, u64>,
}

/// A place in a source document: byte offsets, 1-based line, and the text as written.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub struct Span {
    /// The source document, as listed in `graph.sources`.
    pub source: String,
    /// Byte offset where the text starts in the source.
    pub start: usize,
    /// Byte offset just past its end.
    pub end: usize,
    /// The 1-based line it starts on.
    pub line: usize,
    /// The text as written there.
    pub text: String,
}

impl GraphDoc {
    /// An empty graph carrying this crate's generator string.
    pub fn empty() -> GraphDoc {
        GraphDoc {
            directed: true,
            multigraph: true,
            graph: GraphMeta {
                format_version: FORMAT_VERSION,
                generator: format!("talkgraph {}", env!("CARGO_PKG_VERSION")),
                ..GraphMeta::default()
            },
            nodes: Vec::new(),
            edges: Vec::new(),
        }
    }
}
