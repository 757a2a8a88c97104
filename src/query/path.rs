//! `path`: the shortest chains between two entities over the graph taken as undirected
//! (petgraph's Dijkstra, in `graph.rs`), each hop printed with its relation and direction.

use super::load;
use super::neighbors::{Direction, entity, reach};
use crate::cli::Exit;
use crate::error::{Error, Result};
use crate::graph::{Dir, KnowledgeGraph};
use petgraph::graph::NodeIndex;
use std::io::Write;
use std::path::PathBuf;

const PATH_EXAMPLES: &str = "\
Examples:
  talkgraph path output/graph.json \"Zoë Fairweather\" Kubernetes
  talkgraph path output/graph.json \"Noémie Kerbrat\" \"Let's Encrypt\" --all-shortest";

/// Show the shortest chain of relations between two entities, edges taken both ways.
#[derive(Debug, Clone, clap::Args)]
#[command(after_help = PATH_EXAMPLES)]
pub struct PathArgs {
    /// A graph JSON file, or text inputs (file, folder, `-`) extracted on the fly.
    pub graph: PathBuf,
    /// Where the path starts (`Name` or `Name:type`).
    pub from: String,
    /// Where it ends.
    pub to: String,
    /// List every shortest path, not just one.
    #[arg(long)]
    pub all_shortest: bool,
    /// With --all-shortest, stop after N paths. `--limit 0` prints no path and only says,
    /// by the exit status, whether the two are connected (0) or not (1).
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub limit: usize,
    /// Rules folder used when the inputs are text to extract.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Say nothing on stderr when the two are not connected (the exit status still does).
    #[arg(short, long)]
    pub quiet: bool,
}

fn name(kg: &KnowledgeGraph, ix: NodeIndex) -> String {
    format!(
        "{} ({})",
        super::shown(&kg.node(ix).label),
        kg.node(ix).kind
    )
}

/// One path: the start, then a line per hop, `--rel-->` when the edge points forward
/// and `<--rel--` when it points back.
fn write_path(kg: &KnowledgeGraph, path: &[NodeIndex], out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "{}", name(kg, path[0]))?;
    for w in path.windows(2) {
        let (a, b) = (w[0], w[1]);
        let forward = kg.adjacent(a, Dir::Out).find(|(_, _, o)| *o == b);
        let hop = match forward {
            Some((_, e, _)) => format!("--{}-->", e.relation),
            None => {
                let (_, e, _) = kg
                    .adjacent(a, Dir::In)
                    .find(|(_, _, o)| *o == b)
                    .expect("consecutive path nodes share an edge");
                format!("<--{}--", e.relation)
            }
        };
        writeln!(out, "  {hop} {}", name(kg, b))?;
    }
    Ok(())
}

/// `talkgraph path`.
pub fn run_path(args: PathArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<Exit> {
    let kg = load(&args.graph, args.rules.as_deref())?;
    let from = entity(&kg, &args.from)?;
    let to = entity(&kg, &args.to)?;
    let mut paths = kg.shortest_paths(from, to, args.all_shortest, args.limit.max(1));
    // Order by the labels along the way, so equal graphs print equal output.
    paths.sort_by_cached_key(|p| {
        p.iter()
            .map(|&n| (kg.node(n).label.clone(), kg.node(n).kind))
            .collect::<Vec<_>>()
    });
    let io = |e| Error::io("<stdout>", e);
    let shown = if args.limit == 0 { 0 } else { paths.len() };
    for (i, p) in paths[..shown].iter().enumerate() {
        if i > 0 {
            writeln!(out).map_err(io)?;
        }
        write_path(&kg, p, out).map_err(io)?;
    }
    if paths.is_empty() {
        if !args.quiet {
            // An empty stdout alone reads like a crash; the sizes say which side is cut off.
            let group =
                |n: NodeIndex| match reach(&kg, &[n], usize::MAX, &[], Direction::Both).len() {
                    1 => format!("{} has no relation at all", name(&kg, n)),
                    size => format!(
                        "{} is in a group of {size} connected entities",
                        name(&kg, n)
                    ),
                };
            let _ = writeln!(
                err,
                "talkgraph: no path: {} and {} are not connected: {}, {}; `talkgraph neighbors` shows what each is linked to",
                name(&kg, from),
                name(&kg, to),
                group(from),
                group(to)
            );
        }
        return Ok(Exit::NoMatch);
    }
    Ok(Exit::Ok)
}
