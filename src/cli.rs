//! Command-line interface: clap definitions turned into calls into the library.
//! The only module that knows about argv; it never touches petgraph directly.

use crate::error::{Error, Result};
use crate::graph::KnowledgeGraph;
use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::{Path, PathBuf};

/// How the process should end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Success (grep's 0).
    Ok,
    /// Ran fine but found nothing (grep's 1).
    NoMatch,
}

/// talkgraph: turn tech write-ups into a knowledge graph and ask it questions.
#[derive(Debug, Parser)]
#[command(name = "talkgraph", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Ask the graph with triple patterns such as `?p works_at Shopify`.
    Query(crate::query::QueryArgs),
    /// List the entities within N hops of one entity.
    Neighbors(crate::query::NeighborsArgs),
    /// Show the shortest chain of relations between two entities.
    Path(crate::query::PathArgs),
    /// Print one entity with its aliases, attributes, edges and evidence.
    Show(crate::query::ShowArgs),
    /// Say why an edge exists: rule, document:line and snippet.
    Explain(crate::query::ExplainArgs),
    /// Count entities and relations; list hubs and components.
    Stats(crate::query::StatsArgs),
    /// Cut out the neighbourhood of some entities as graph.json or DOT.
    Subgraph(crate::query::SubgraphArgs),
}

/// Where a graph is expected: a graph JSON file, or text inputs (files, folders, `-`)
/// that are extracted on the fly.
pub fn load_graph(inputs: &[PathBuf], rules: Option<&Path>) -> Result<KnowledgeGraph> {
    let _ = rules;
    match inputs {
        [one] if one.extension().is_some_and(|e| e == "json") => {
            let text = std::fs::read_to_string(one).map_err(|e| Error::io(one, e))?;
            let doc: crate::model::GraphDoc =
                serde_json::from_str(&text).map_err(|e| Error::json(one, &e))?;
            Ok(KnowledgeGraph::from_doc(&doc))
        }
        _ => Err(Error::Usage("text inputs are not supported yet".into())),
    }
}

/// Runs one parsed command, writing results to `out`.
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<Exit> {
    match cli.command {
        Command::Query(args) => crate::query::run_query(args, out),
        Command::Neighbors(args) => crate::query::run_neighbors(args, out),
        Command::Path(args) => crate::query::run_path(args, out),
        Command::Show(args) => crate::query::run_show(args, out),
        Command::Explain(args) => crate::query::run_explain(args, out),
        Command::Stats(args) => crate::query::run_stats(args, out),
        Command::Subgraph(args) => crate::query::run_subgraph(args, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
