//! `neighbors` and `subgraph`: breadth-first reach from named entities, printed as rows
//! or cut out as a smaller graph document (JSON, or DOT through `write_subgraph`).

use super::names::resolve;
use super::table::Table;
use super::{Format, load};
use crate::cli::Exit;
use crate::error::{Error, Result};
use crate::graph::{Dir, Kind, KnowledgeGraph, Relation};
use crate::model::GraphDoc;
use petgraph::graph::{EdgeIndex, NodeIndex};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::PathBuf;

/// Which edges to follow from a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Direction {
    /// Edges pointing at the node.
    In,
    /// Edges leaving the node.
    Out,
    /// Both.
    Both,
}

impl Direction {
    fn dirs(self) -> &'static [Dir] {
        match self {
            Direction::In => &[Dir::In],
            Direction::Out => &[Dir::Out],
            Direction::Both => &[Dir::Out, Dir::In],
        }
    }
}

fn parse_relation(s: &str) -> std::result::Result<Relation, String> {
    Relation::parse(&s.to_lowercase().replace('-', "_")).ok_or_else(|| {
        format!(
            "unknown relation (relations are {})",
            Relation::ALL.map(Relation::as_str).join(", ")
        )
    })
}

const NEIGHBORS_EXAMPLES: &str = "\
Examples:
  talkgraph neighbors output/graph.json \"Red Hat\"
  talkgraph neighbors output/graph.json Kubernetes --depth 2 --relation mentions --relation presents --direction in
  talkgraph neighbors output/graph.json GitLab:company --format json";

/// List the entities within N hops of one entity, each with the edge that reaches it.
#[derive(Debug, Clone, clap::Args)]
#[command(after_help = NEIGHBORS_EXAMPLES)]
pub struct NeighborsArgs {
    /// A graph JSON file, or text inputs (file, folder, `-`) extracted on the fly.
    pub graph: PathBuf,
    /// The entity: a name or alias, `Name:type` to pick among homonyms.
    pub name: String,
    /// How many hops to go.
    #[arg(long, default_value_t = 1)]
    pub depth: usize,
    /// Follow only these relations (repeat the flag for several).
    #[arg(long, value_parser = parse_relation)]
    pub relation: Vec<Relation>,
    /// Follow edges pointing in, out, or both ways.
    #[arg(long, value_enum, default_value_t = Direction::Both)]
    pub direction: Direction,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the rows here instead of stdout (written whole or not at all).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Rules folder used when the inputs are text to extract.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
}

/// Resolves a command-line entity name (`Name` or `Name:type`).
pub(crate) fn entity(kg: &KnowledgeGraph, name: &str) -> Result<NodeIndex> {
    let kind_of = |k: &str| Kind::parse(&k.to_lowercase());
    let (name, kind) = match name.rsplit_once(':') {
        Some((n, k)) if !n.is_empty() && !n.ends_with(' ') && kind_of(k).is_some() => {
            (n, kind_of(k))
        }
        _ => (name, None),
    };
    resolve(kg, name, kind, &Kind::ALL)
}

/// A node reached by the walk: its depth and the edge that first reached it.
pub(crate) struct Reached {
    pub node: NodeIndex,
    pub depth: usize,
    pub via: Option<EdgeIndex>,
}

/// Breadth-first walk from the seeds. Each node reached at depth d gets, as `via`, its
/// smallest (by labels) edge from depth d-1, so the output never depends on edge order.
pub(crate) fn reach(
    kg: &KnowledgeGraph,
    seeds: &[NodeIndex],
    depth: usize,
    relations: &[Relation],
    direction: Direction,
) -> Vec<Reached> {
    let follow = |r: Relation| relations.is_empty() || relations.contains(&r);
    let mut seen: BTreeMap<NodeIndex, usize> = seeds.iter().map(|&s| (s, 0)).collect();
    let mut out: Vec<Reached> = seeds
        .iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(|&s| Reached {
            node: s,
            depth: 0,
            via: None,
        })
        .collect();
    let mut frontier: Vec<NodeIndex> = seeds.to_vec();
    for d in 1..=depth {
        // node -> best (sort key, edge)
        let mut found: BTreeMap<NodeIndex, ((String, String, Relation), EdgeIndex)> =
            BTreeMap::new();
        for &n in &frontier {
            for &dir in direction.dirs() {
                for (ex, e, other) in kg.adjacent(n, dir) {
                    if !follow(e.relation) || seen.contains_key(&other) {
                        continue;
                    }
                    let key = (
                        kg.node(n).label.clone(),
                        kg.node(n).kind.to_string(),
                        e.relation,
                    );
                    match found.get(&other) {
                        Some((k, _)) if *k <= key => {}
                        _ => {
                            found.insert(other, (key, ex));
                        }
                    }
                }
            }
        }
        if found.is_empty() {
            break;
        }
        frontier = found.keys().copied().collect();
        for (n, (_, ex)) in found {
            seen.insert(n, d);
            out.push(Reached {
                node: n,
                depth: d,
                via: Some(ex),
            });
        }
    }
    out
}

/// `talkgraph neighbors`.
pub fn run_neighbors(
    args: NeighborsArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Exit> {
    crate::export::cli::refuse_overwriting_inputs(
        args.output.as_deref(),
        std::slice::from_ref(&args.graph),
    )?;
    let kg = load(&args.graph, args.rules.as_deref())?;
    let start = entity(&kg, &args.name)?;
    let mut reached: Vec<Reached> =
        reach(&kg, &[start], args.depth, &args.relation, args.direction)
            .into_iter()
            .filter(|r| r.depth > 0)
            .collect();
    reached.sort_by(|a, b| {
        let (na, nb) = (kg.node(a.node), kg.node(b.node));
        (a.depth, na.kind, &na.label).cmp(&(b.depth, nb.kind, &nb.label))
    });
    let via = |ex: Option<EdgeIndex>| {
        ex.map(|ex| {
            let (s, e, o) = kg.edge(ex);
            format!("{} {} {}", kg.node(s).label, e.relation, kg.node(o).label)
        })
        .unwrap_or_default()
    };
    let table = Table {
        columns: ["depth", "type", "name", "via"].map(String::from).to_vec(),
        cells: reached
            .iter()
            .flat_map(|r| {
                [
                    Cow::Owned(r.depth.to_string()),
                    Cow::Borrowed(kg.node(r.node).kind.as_str()),
                    Cow::Borrowed(kg.node(r.node).label.as_str()),
                    Cow::Owned(via(r.via)),
                ]
            })
            .collect(),
        evidence: None,
    };
    match &args.output {
        Some(path) => crate::export::write_file(path, &|| Ok(()), |w| table.write(args.format, w))?,
        None => table
            .write(args.format, out)
            .map_err(|e| Error::io("<stdout>", e))?,
    }
    if reached.is_empty() {
        // Say which: an isolated entity, or filters that left out every edge it has.
        let n = kg.node(start);
        let why = match kg.degree(start) {
            0 => "has no relation at all".to_string(),
            d => format!(
                "has {d} relations, none of them followed with --relation and --direction as given"
            ),
        };
        let _ = writeln!(
            err,
            "talkgraph: no neighbours: {} ({}) {why}",
            super::shown(&n.label),
            n.kind
        );
        return Ok(Exit::NoMatch);
    }
    Ok(Exit::Ok)
}

const SUBGRAPH_EXAMPLES: &str = "\
Examples:
  talkgraph subgraph output/graph.json Isovalent --depth 2 --format dot | dot -Tsvg > isovalent.svg
  talkgraph subgraph output/graph.json \"Red Hat\" Kubernetes --relation develops --relation mentions
  talkgraph subgraph output/graph.json \"Zoë Fairweather\" -o zoe.json";

/// Cut out the part of the graph within N hops of some entities, as graph.json or any export format.
#[derive(Debug, Clone, clap::Args)]
#[command(after_help = SUBGRAPH_EXAMPLES)]
pub struct SubgraphArgs {
    /// A graph JSON file, or text inputs (file, folder, `-`) extracted on the fly.
    pub graph: PathBuf,
    /// The entities to start from (`Name` or `Name:type`).
    #[arg(required = true, value_name = "NAME")]
    pub names: Vec<String>,
    /// How many hops to go.
    #[arg(long, default_value_t = 1)]
    pub depth: usize,
    /// Keep only these relations (repeat the flag for several).
    #[arg(long, value_parser = parse_relation)]
    pub relation: Vec<Relation>,
    /// Follow edges pointing in, out, or both ways.
    #[arg(long, value_enum, default_value_t = Direction::Both)]
    pub direction: Direction,
    /// Output format (json, dot, graphml, cytoscape, neo4j, turtle, ntriples, mermaid, html);
    /// default: from the output file's extension, else json.
    #[arg(short, long, value_name = "FORMAT")]
    pub format: Option<crate::export::Format>,
    /// Write here instead of stdout (written whole or not at all).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Rules folder used when the inputs are text to extract.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// HTML only: refuse to write a viewer of more nodes than this, which a browser would
    /// take minutes to open (write GraphML, or cut out a part with `subgraph`).
    #[arg(long, value_name = "N", default_value_t = crate::export::HTML_MAX_NODES)]
    pub html_max_nodes: usize,
    /// JSON only: write it on one line, without indentation (smaller, for programs); the
    /// same document as without it.
    #[arg(long)]
    pub compact: bool,
}

/// The nodes within `depth` hops of the seeds and every followed-relation edge among
/// them, as a sorted graph document carrying only the sources it cites.
pub fn subgraph_doc(
    kg: &KnowledgeGraph,
    seeds: &[NodeIndex],
    depth: usize,
    relations: &[Relation],
    direction: Direction,
) -> GraphDoc {
    let nodes: BTreeSet<NodeIndex> = reach(kg, seeds, depth, relations, direction)
        .into_iter()
        .map(|r| r.node)
        .collect();
    let mut doc = GraphDoc::empty();
    let mut edges = BTreeSet::new();
    for &n in &nodes {
        for (ex, e, other) in kg.adjacent(n, Dir::Out) {
            if nodes.contains(&other) && (relations.is_empty() || relations.contains(&e.relation)) {
                edges.insert(ex);
            }
        }
    }
    doc.nodes = nodes.iter().map(|&n| kg.node_doc(n)).collect();
    doc.nodes.sort_by(|a, b| a.id.cmp(&b.id));
    doc.edges = edges.into_iter().map(|ex| kg.edge_doc(ex)).collect();
    doc.edges.sort_by(|a, b| {
        (&a.source, &a.relation, &a.target).cmp(&(&b.source, &b.relation, &b.target))
    });
    let cited: BTreeSet<&String> = doc
        .nodes
        .iter()
        .flat_map(|n| &n.mentions)
        .chain(doc.edges.iter().flat_map(|e| &e.evidence))
        .map(|s| &s.source)
        .collect();
    for (source, hash) in kg.sources().filter(|(s, _)| cited.contains(&s.to_string())) {
        doc.graph.sources.push(source.to_string());
        if let Some(h) = hash {
            doc.graph.hashes.insert(source.to_string(), h.to_string());
        }
    }
    doc
}

/// `talkgraph subgraph`.
pub fn run_subgraph(args: SubgraphArgs, out: &mut dyn Write) -> Result<Exit> {
    let (format, output) = crate::export::cli::choose_format(args.format, args.output.clone())?;
    crate::export::cli::refuse_overwriting_inputs(
        output.as_deref(),
        std::slice::from_ref(&args.graph),
    )?;
    let kg = load(&args.graph, args.rules.as_deref())?;
    let seeds: Vec<NodeIndex> = args
        .names
        .iter()
        .map(|n| entity(&kg, n))
        .collect::<Result<_>>()?;
    let doc = subgraph_doc(&kg, &seeds, args.depth, &args.relation, args.direction);
    let options = crate::export::ExportOptions {
        html_max_nodes: args.html_max_nodes,
        compact: args.compact,
        ..Default::default()
    };
    match &output {
        Some(path) => crate::export::write_to_path(&doc, format, &options, path)?,
        None => crate::export::write(&doc, format, &options, out)?,
    }
    Ok(Exit::Ok)
}
