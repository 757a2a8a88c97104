//! The JSON contract: the node-link document every exporter, query and merge reads.
//! Plain serde structs whose field order is the output order; no logic beyond sorting.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A whole graph as written to `graph.json`; networkx loads it with
/// `json_graph.node_link_graph(data, edges="edges")`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphDoc {
    pub directed: bool,
    pub multigraph: bool,
    pub graph: GraphMeta,
    pub nodes: Vec<NodeDoc>,
    pub edges: Vec<EdgeDoc>,
}

/// Graph-level metadata.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GraphMeta {
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
}

/// A document's own metadata: its front matter, or an HTML page's head.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeDoc {
    /// `type:slug`, e.g. `person:josue-abreu`.
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub label: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    #[serde(default)]
    pub mentions: Vec<Span>,
}

/// One relation between two entities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EdgeDoc {
    pub source: String,
    pub target: String,
    #[serde(default)]
    pub key: u32,
    pub relation: String,
    pub rule: String,
    pub confidence: f64,
    #[serde(default)]
    pub evidence: Vec<Span>,
}

/// A place in a source document: byte offsets, 1-based line, and the text as written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    pub source: String,
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub text: String,
}

impl GraphDoc {
    /// An empty graph carrying this crate's generator string.
    pub fn empty() -> GraphDoc {
        GraphDoc {
            directed: true,
            multigraph: true,
            graph: GraphMeta {
                generator: format!("talkgraph {}", env!("CARGO_PKG_VERSION")),
                ..GraphMeta::default()
            },
            nodes: Vec::new(),
            edges: Vec::new(),
        }
    }
}
