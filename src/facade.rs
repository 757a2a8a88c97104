//! The library's front door for programs: [`Extractor`] turns text into a [`Graph`],
//! [`merge`] unions graphs, [`Format::write`] writes one in any format. It adds nothing the
//! command line does not do and never prints, exits or reads the environment.

use crate::error::{Error, Result};
use crate::export::{ExportOptions, Format};
use crate::graph::KnowledgeGraph;
use crate::model::GraphDoc;
use crate::rules::Rules;
use std::io::Write;
use std::path::Path;

/// How a document's text is read: plain text, Markdown or HTML.
pub use crate::read::Format as InputFormat;

/// A compiled rule set, ready to extract any number of documents.
///
/// Compiling the rules is the costly step (the embedded ones are compiled once per
/// process); build one `Extractor` and reuse it. It is `Sync`: share it between threads.
///
/// ```
/// use talkgraph::{Extractor, Format};
///
/// let extractor = Extractor::new()?;
/// let graph = extractor.extract_str(
///     "recap.md",
///     "Priya Raman works at Shopify. At KubeCon Europe 2024, Priya Raman presented \"Scaling Kafka Streams\".",
///     None,
/// );
/// let doc = graph.to_doc();
/// assert!(doc.nodes.iter().any(|n| n.id == "person:priya-raman"));
/// assert!(doc.edges.iter().any(|e| e.relation == "works_at" && e.target == "company:shopify"));
///
/// let mut json = Vec::new();
/// Format::Json.write(&graph, &mut json)?;
/// assert!(json.starts_with(b"{"));
/// # Ok::<(), talkgraph::Error>(())
/// ```
#[derive(Debug)]
pub struct Extractor {
    rules: RuleSet,
}

#[derive(Debug)]
enum RuleSet {
    /// The rules compiled into the binary, compiled once per process and shared.
    Embedded(&'static Rules),
    Loaded(Box<Rules>),
}

impl Extractor {
    /// An extractor with the embedded default rules (the ones `talkgraph extract` uses).
    ///
    /// Fails only if the embedded rules do not compile, which their tests rule out.
    pub fn new() -> Result<Extractor> {
        Ok(Extractor {
            rules: RuleSet::Embedded(crate::rules::default_rules()?),
        })
    }

    /// An extractor with the embedded rules plus those of a folder laid out like `rules/`
    /// (as `talkgraph extract --rules DIR`: each file there extends the embedded file of
    /// its name). Every problem in the folder is reported, each with
    /// its `file:line:col`, in one [`Error`].
    ///
    /// ```
    /// let err = talkgraph::Extractor::with_rules("no/such/folder").unwrap_err();
    /// assert!(err.to_string().starts_with("no/such/folder"));
    /// ```
    pub fn with_rules(dir: impl AsRef<Path>) -> Result<Extractor> {
        Ok(Extractor {
            rules: RuleSet::Loaded(Box::new(crate::rules::load_dir(
                dir.as_ref(),
                crate::rules::Mode::Extend,
            )?)),
        })
    }

    fn rules(&self) -> &Rules {
        match &self.rules {
            RuleSet::Embedded(r) => r,
            RuleSet::Loaded(r) => r,
        }
    }

    /// Extracts one document into a graph of its own. `source_name` is how its mentions
    /// and evidence cite it (e.g. `talks/recap.md`); `format` forces how the text is read,
    /// and with `None` it is told from the name's extension, else from the text (as
    /// `extract` does without `--input-format`).
    ///
    /// Text that looks binary (NUL bytes) gives an empty graph, as `extract` leaves such
    /// a file out.
    pub fn extract_str(&self, source_name: &str, text: &str, format: Option<InputFormat>) -> Graph {
        // Warnings are about decoding bytes (bad UTF-8, binary): a &str has none to give.
        let mut warnings = Vec::new();
        let g = crate::pipeline::extract_bytes_as(
            self.rules(),
            source_name,
            text.as_bytes().to_vec(),
            format,
            &mut warnings,
        );
        Graph(g.unwrap_or_default())
    }
}

/// A knowledge graph: entities (people, companies, projects, talks, events), the relations
/// between them, and for each the places in the sources that say so.
///
/// Its document form, [`GraphDoc`], is the JSON contract of `schema/graph.schema.json`.
///
/// ```
/// let graph = talkgraph::Graph::from_json(r#"{"directed": true, "multigraph": true,
///     "graph": {"generator": "hand", "sources": []},
///     "nodes": [{"id": "person:ada", "type": "person", "label": "Ada"}], "edges": []}"#)?;
/// assert_eq!((graph.node_count(), graph.edge_count()), (1, 0));
/// # Ok::<(), talkgraph::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Graph(KnowledgeGraph);

impl Graph {
    /// An empty graph.
    pub fn new() -> Graph {
        Graph::default()
    }

    /// Reads graph JSON as `extract`, `merge` or `subgraph` write it. Nodes of an unknown
    /// type and edges that cannot stand are left out, as the command line leaves them out
    /// (with a warning there); a malformed document is an error naming its line and column.
    pub fn from_json(text: &str) -> Result<Graph> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let g = KnowledgeGraph::from_json_str(text).map_err(|e| Error::json("<json>", &e))?;
        Ok(Graph::from(g))
    }

    /// The graph as its sorted JSON document: the same graph always gives the same one.
    pub fn to_doc(&self) -> GraphDoc {
        self.0.to_doc()
    }

    /// How many entities.
    pub fn node_count(&self) -> usize {
        self.0.node_count()
    }

    /// How many relations.
    pub fn edge_count(&self) -> usize {
        self.0.edge_count()
    }

    /// The graph the pipeline modules work on, for code that goes beyond this facade.
    /// Those modules are not a stable API.
    #[doc(hidden)]
    pub fn as_knowledge_graph(&self) -> &KnowledgeGraph {
        &self.0
    }
}

impl From<KnowledgeGraph> for Graph {
    fn from(mut g: KnowledgeGraph) -> Graph {
        // Sorted and deduplicated once here, so every read of a Graph is of a compact one.
        g.compact();
        Graph(g)
    }
}

/// Merges graphs into one, as `talkgraph merge` does: a union where one entity is one node
/// and one relation one edge, the same whatever the order or grouping of the parts (graphs
/// of shards of a corpus merge to the graph of one run over it). At most
/// 1000 mentions of a node (and pieces of evidence of an edge) are kept per source, as the
/// command line keeps by default.
///
/// ```
/// use talkgraph::{Extractor, merge};
///
/// let x = Extractor::new()?;
/// let a = x.extract_str("a.txt", "Priya Raman works at Shopify.", None);
/// let b = x.extract_str("b.txt", "Priya Raman presented \"Scaling Kafka Streams\" at KubeCon Europe 2024.", None);
/// let both = merge([&a, &b]);
/// assert_eq!(both.to_doc().graph.sources, ["a.txt", "b.txt"]);
/// assert!(both.node_count() < a.node_count() + b.node_count()); // one Priya Raman
/// # Ok::<(), talkgraph::Error>(())
/// ```
pub fn merge<'a>(graphs: impl IntoIterator<Item = &'a Graph>) -> Graph {
    let mut g = KnowledgeGraph::new();
    g.set_max_mentions(Some(crate::graph::DEFAULT_MAX_MENTIONS));
    for part in graphs {
        g.merge(&part.0);
    }
    Graph::from(g)
}

impl Format {
    /// Writes `graph` in this format to `out`, with the default options (pretty JSON,
    /// no DOT clusters). [`Format::Neo4j`] writes a folder and is refused here: the command
    /// line writes it (`talkgraph convert g.json --format neo4j -o DIR`).
    ///
    /// ```
    /// let graph = talkgraph::Graph::new();
    /// let mut dot = Vec::new();
    /// talkgraph::Format::Dot.write(&graph, &mut dot)?;
    /// assert!(String::from_utf8(dot).unwrap().starts_with("digraph"));
    /// # Ok::<(), talkgraph::Error>(())
    /// ```
    pub fn write(self, graph: &Graph, out: &mut impl Write) -> Result<()> {
        self.write_with(graph, &ExportOptions::default(), out)
    }

    /// [`Format::write`] with options: compact JSON, DOT clusters, the HTML size limit.
    ///
    /// ```
    /// use talkgraph::{ExportOptions, Format, Graph};
    ///
    /// let mut json = Vec::new();
    /// let compact = ExportOptions { compact: true, ..Default::default() };
    /// Format::Json.write_with(&Graph::new(), &compact, &mut json)?;
    /// assert_eq!(json.iter().filter(|&&b| b == b'\n').count(), 1);
    /// # Ok::<(), talkgraph::Error>(())
    /// ```
    pub fn write_with(
        self,
        graph: &Graph,
        options: &ExportOptions,
        out: &mut impl Write,
    ) -> Result<()> {
        crate::export::write(&graph.0.to_doc(), self, options, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neo4j_is_refused_not_half_written() {
        let mut out = Vec::new();
        let err = Format::Neo4j.write(&Graph::new(), &mut out).unwrap_err();
        assert!(matches!(err, Error::Usage(_)));
        assert!(out.is_empty());
    }

    #[test]
    fn a_graph_round_trips_through_json() {
        let x = Extractor::new().unwrap();
        let g = x.extract_str(
            "a.md",
            "# KubeCon Europe 2024\n\nPriya Raman works at Shopify.\n",
            None,
        );
        let mut json = Vec::new();
        Format::Json.write(&g, &mut json).unwrap();
        let back = Graph::from_json(std::str::from_utf8(&json).unwrap()).unwrap();
        assert_eq!(back.to_doc(), g.to_doc());
        let mut again = Vec::new();
        Format::Json.write(&back, &mut again).unwrap();
        assert_eq!(again, json);
    }
}
