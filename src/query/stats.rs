//! `stats`: counts per type and relation, the most connected entities, and the weakly
//! connected components.

use super::load;
use crate::cli::Exit;
use crate::error::{Error, Result};
use crate::graph::{Kind, Relation};
use std::io::Write;
use std::path::PathBuf;

const STATS_EXAMPLES: &str = "\
Examples:
  talkgraph stats output/graph.json
  talkgraph stats output/graph.json --top 20";

/// Summarise a graph: entities per type, edges per relation, hubs, components.
#[derive(Debug, Clone, clap::Args)]
#[command(after_help = STATS_EXAMPLES)]
pub struct StatsArgs {
    /// A graph JSON file, or text inputs (file, folder, `-`) extracted on the fly.
    pub graph: PathBuf,
    /// How many of the most connected entities to list.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub top: usize,
    /// Rules folder used when the inputs are text to extract.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
}

/// `talkgraph stats`.
pub fn run_stats(args: StatsArgs, out: &mut dyn Write) -> Result<Exit> {
    let kg = load(&args.graph, args.rules.as_deref())?;
    let io = |e| Error::io("<stdout>", e);
    let mut w = |s: String| writeln!(out, "{s}").map_err(io);
    w(format!("nodes  {}", kg.node_count()))?;
    for k in Kind::ALL {
        w(format!("  {:<10}{}", k.as_str(), kg.nodes_of_kind(k).len()))?;
    }
    w(format!("edges  {}", kg.edge_count()))?;
    for r in Relation::ALL {
        w(format!(
            "  {:<10}{}",
            r.as_str(),
            kg.edges_of_relation(r).len()
        ))?;
    }
    w(format!("sources  {}", kg.sources().count()))?;
    let sizes = kg.component_sizes();
    let singletons = sizes.iter().filter(|&&s| s == 1).count();
    w(format!(
        "components  {} (largest {} nodes, {} isolated)",
        sizes.len(),
        sizes.first().copied().unwrap_or(0),
        singletons
    ))?;
    let mut hubs: Vec<(usize, &str, Kind)> = kg
        .graph()
        .node_indices()
        .map(|ix| (kg.degree(ix), kg.node(ix).label.as_str(), kg.node(ix).kind))
        .filter(|h| h.0 > 0)
        .collect();
    hubs.sort_by(|a, b| b.0.cmp(&a.0).then((a.1, a.2).cmp(&(b.1, b.2))));
    hubs.truncate(args.top);
    if !hubs.is_empty() {
        w("most connected".into())?;
        let width = hubs[0].0.to_string().len();
        for (d, label, kind) in hubs {
            w(format!("  {d:>width$}  {} ({kind})", super::shown(label)))?;
        }
    }
    Ok(Exit::Ok)
}
