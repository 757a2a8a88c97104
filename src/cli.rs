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
    /// Ran fine but a score is below the minimum asked for (exit 1, like score.py).
    BelowThreshold,
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
    /// Extract a knowledge graph from write-ups (.txt/.md files, folders, or - for stdin).
    #[command(after_help = "Examples:
  talkgraph extract fixtures/ -o output/graph.json
  talkgraph extract recap.md --format dot | dot -Tsvg > recap.svg
  cat notes.txt | talkgraph extract - --format json
  talkgraph extract recap.md --rules my-rules/")]
    Extract(ExtractArgs),
    /// Work with rule sets.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Score graph JSON files against gold annotations, exactly as ../shared/eval/score.py does.
    Eval(crate::eval::EvalArgs),
    /// Convert a graph JSON file to another format (dot, graphml, cytoscape, neo4j,
    /// turtle, ntriples, mermaid, html).
    Convert(crate::export::cli::ConvertArgs),
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

/// `talkgraph extract`.
#[derive(Debug, clap::Args)]
pub struct ExtractArgs {
    /// Files or folders to read (folders recursively: .txt, .md, .markdown); - reads stdin.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Write the graph here instead of stdout (written whole or not at all).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Output format (json, dot, graphml, cytoscape, neo4j, turtle, ntriples, mermaid, html);
    /// default: from the output file's extension, else json.
    #[arg(short, long, value_name = "FORMAT")]
    pub format: Option<crate::export::Format>,
    /// DOT only: one cluster per source document.
    #[arg(long, value_name = "MODE", default_value = "none")]
    pub cluster_by: crate::export::ClusterBy,
    /// Use this rule folder instead of the embedded rules.
    #[arg(long)]
    pub rules: Option<PathBuf>,
}

/// `talkgraph rules …`.
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Check a rule folder: every problem is listed as file:line:col; exits 2 if any.
    #[command(after_help = "Example:\n  talkgraph rules check my-rules/")]
    Check {
        /// The rule folder (default: the embedded rules).
        dir: Option<PathBuf>,
    },
}

/// Compiles the rule set a command asked for.
/// Rules live as long as the process, like the embedded ones.
pub fn rules_for(dir: Option<&Path>) -> Result<&'static crate::rules::Rules> {
    match dir {
        Some(d) => Ok(Box::leak(Box::new(crate::rules::load_dir(d)?))),
        None => crate::rules::default_rules(),
    }
}

/// Where a graph is expected: a graph JSON file, or text inputs (files, folders, `-`)
/// that are extracted on the fly.
pub fn load_graph(inputs: &[PathBuf], rules: Option<&Path>) -> Result<KnowledgeGraph> {
    match inputs {
        [one] if one.extension().is_some_and(|e| e == "json") => {
            let text = std::fs::read_to_string(one).map_err(|e| Error::io(one, e))?;
            KnowledgeGraph::from_json_str(&text).map_err(|e| Error::json(one, &e))
        }
        _ => {
            // Text is extracted with the same rules as `extract`; its warnings (bad UTF-8,
            // binary files) are not errors and are left to `extract` to report.
            let rules = rules_for(rules)?;
            crate::pipeline::extract_paths(rules, inputs, &mut Vec::new())
        }
    }
}

/// Runs one parsed command, writing results to `out` and warnings to `err`.
pub fn run(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> Result<Exit> {
    match cli.command {
        Command::Extract(args) => extract(&args, out, err),
        Command::Eval(args) => crate::eval::run(&args, out),
        Command::Convert(args) => crate::export::cli::run(args, out),
        Command::Query(args) => crate::query::run_query(args, out),
        Command::Neighbors(args) => crate::query::run_neighbors(args, out),
        Command::Path(args) => crate::query::run_path(args, out),
        Command::Show(args) => crate::query::run_show(args, out),
        Command::Explain(args) => crate::query::run_explain(args, out),
        Command::Stats(args) => crate::query::run_stats(args, out),
        Command::Subgraph(args) => crate::query::run_subgraph(args, out),
        Command::Rules(RulesCommand::Check { dir }) => {
            let rules = rules_for(dir.as_deref())?;
            writeln!(out, "{}", rules.summary()).map_err(|e| Error::io("<stdout>", e))?;
            Ok(Exit::Ok)
        }
    }
}

fn extract(args: &ExtractArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<Exit> {
    // Settle the output before reading anything, so a bad -o fails fast.
    let (format, output) = crate::export::cli::choose_format(args.format, args.output.clone())?;
    let rules = rules_for(args.rules.as_deref())?;
    let mut warnings = Vec::new();
    let graph = crate::pipeline::extract_paths(rules, &args.inputs, &mut warnings)?;
    for w in &warnings {
        let _ = writeln!(err, "talkgraph: warning: {}", w.0);
    }
    let doc = graph.to_doc();
    let options = crate::export::ExportOptions {
        cluster_by: args.cluster_by,
    };
    match &output {
        Some(path) => crate::export::write_to_path(&doc, format, &options, path)?,
        None => crate::export::write(&doc, format, &options, out)?,
    }
    Ok(Exit::Ok)
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
