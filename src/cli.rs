//! Command-line interface: clap definitions turned into calls into the library.
//! The only module that knows about argv; it never touches petgraph directly.

use crate::error::{Error, Result};
use crate::graph::{KnowledgeGraph, LoadReport};
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
    /// Wrote its output, but some inputs could not be read and were left out (exit 3).
    Partial,
    /// The graphs compared differ (exit 1, like diff).
    Differ,
    /// Ran fine but some checks failed: rule examples (`rules test`), exit 1.
    Failed,
}

/// The exit codes, for `--help` (the README lists the same).
const EXIT_CODES: &str = "Exit status:
  0  success
  1  no result (query, neighbors, path, show, explain, suggest), a score below its
     minimum (eval), graphs that differ (diff), or a failing rule example (rules test)
  2  error: nothing was written
  3  partial: the output was written, but some inputs could not be read and were left out
     (each is named on stderr)
  130  interrupted (Ctrl-C): each output is left as it was (or whole, when the interrupt
     came as it was renamed into place); no temporary file is left";

/// talkgraph: turn tech write-ups into a knowledge graph and ask it questions.
#[derive(Debug, Parser)]
#[command(name = "talkgraph", version, about, long_about = None, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Extract a knowledge graph from write-ups (.txt/.md/.html files, folders, or - for stdin).
    #[command(after_help = "Examples:
  talkgraph extract fixtures/ -o output/graph.json
  talkgraph extract recap.md --format dot | dot -Tsvg > recap.svg
  cat notes.txt | talkgraph extract - --format json
  curl -s https://example.org/recap | talkgraph extract - --input-format html
  talkgraph extract recap.md --rules my-rules/
  talkgraph extract fixtures/ --explain-overlaps -o graph.json
  talkgraph extract recap.md --rules-replace my-full-rules/
  talkgraph extract ~/blog/content -o blog.json --jobs 8
  talkgraph extract new-posts/ --into blog.json
  talkgraph extract ~/blog/content --into blog.json --prune
  talkgraph extract fixtures/ --decisions decisions.toml -o graph.json")]
    Extract(ExtractArgs),
    /// Merge graph JSON files into one: the same bytes whatever the order or grouping of
    /// the parts (a corpus extracted in shards merges to the graph of one run).
    #[command(after_help = "Examples:
  talkgraph extract shard-1/ -o part1.json; talkgraph extract shard-2/ -o part2.json
  talkgraph merge part1.json part2.json -o all.json
  talkgraph merge parts/*.json -o all.graphml
  talkgraph merge parts/*.json --decisions decisions.toml -o all.json")]
    Merge(MergeArgs),
    /// Work with rule sets.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Score graph JSON files against gold annotations (precision, recall, F1 per type).
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
    /// Cut out the neighbourhood of some entities as graph.json or any export format.
    Subgraph(crate::query::SubgraphArgs),
    /// Compare two graphs: sources, nodes and edges added, removed or changed, with the
    /// documents and rules behind them. Exit 0 when equal, 1 when they differ.
    Diff(crate::diff::DiffArgs),
    /// Add a correction (same, not-same, reject, retype) to a decisions file, which
    /// `extract --decisions FILE` applies after every extraction.
    Decide(crate::decisions::DecideArgs),
    /// List names no rule covered (capitalised runs, CamelCase, acronyms, handles, …), most
    /// frequent first, as lines to append to a gazetteer.
    Suggest(crate::suggest::SuggestArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) on stdout.
    #[command(after_help = crate::manual::COMPLETIONS_HELP)]
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) on stdout, or write one page per command into a folder.
    #[command(after_help = "Examples:
  talkgraph man | man -l -
  talkgraph man --output man/")]
    Man {
        /// Write talkgraph.1 and one talkgraph-COMMAND.1 per command into this folder
        /// (created if missing) instead of printing talkgraph.1.
        #[arg(long, value_name = "DIR")]
        output: Option<PathBuf>,
    },
    /// Print the JSON Schema (draft 2020-12) of the graph JSON that extract, merge, subgraph
    /// and convert write.
    #[command(after_help = "Example:\n  talkgraph schema > graph.schema.json")]
    Schema,
}

/// Where and how a command writes the graph it makes.
#[derive(Debug, clap::Args)]
pub struct GraphOutput {
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
    /// HTML only: refuse to write a viewer of more nodes than this, which a browser would
    /// take minutes to open (write GraphML, or cut out a part with `subgraph`).
    #[arg(long, value_name = "N", default_value_t = crate::export::HTML_MAX_NODES)]
    pub html_max_nodes: usize,
    /// JSON only: write it on one line, without indentation (smaller, for programs); the
    /// same document as without it.
    #[arg(long)]
    pub compact: bool,
}

/// `talkgraph extract`.
#[derive(Debug, clap::Args)]
pub struct ExtractArgs {
    /// Files or folders to read (folders recursively: .txt, .md, .markdown, .html, .htm);
    /// - reads stdin.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Read every input as md, html or text, whatever its name (default: told by the
    /// extension, else by the content: a doctype or <html> tag, Markdown headings).
    #[arg(long, value_name = "md|html|text", value_parser = parse_input_format)]
    pub input_format: Option<crate::read::Format>,
    #[command(flatten)]
    pub out: GraphOutput,
    /// Add the rule files of this folder to the embedded rules: a one-line companies.txt
    /// adds one company (see `talkgraph rules init --help`).
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Use this rule folder alone, instead of the embedded rules: it must hold every rule
    /// file (`talkgraph rules dump DIR` writes them).
    #[arg(long, value_name = "DIR", conflicts_with = "rules")]
    pub rules_replace: Option<PathBuf>,
    /// Documents processed at once (default: the number of cores). The output is the same
    /// for any number.
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Update this graph (JSON) instead of starting afresh: documents whose content hash it
    /// already has are skipped, changed ones replace their old contributions, new ones are
    /// added. Written back to the same file unless -o says otherwise; created if missing.
    #[arg(long, value_name = "GRAPH.json")]
    pub into: Option<PathBuf>,
    /// Apply the corrections of this decisions file (see `talkgraph decide --help`) after
    /// entity resolution; a decision that matches nothing is a warning naming its line.
    #[arg(long, value_name = "FILE")]
    pub decisions: Option<PathBuf>,
    /// With --into: also remove the documents the graph has that the inputs no longer do.
    #[arg(long, requires = "into")]
    pub prune: bool,
    /// With --into: write the graph back even when reading it left something out (nodes
    /// of an unknown type, edges that cannot stand); without it such a graph is refused.
    #[arg(long, requires = "into")]
    pub force: bool,
    /// Refuse input files larger than this (bytes, or with K, M, G); a larger file is named
    /// and left out.
    #[arg(long, value_name = "SIZE", default_value = "100M", value_parser = crate::pipeline::parse_size)]
    pub max_file_size: u64,
    /// Also list, on stderr, every candidate name that lost where two overlapped, to
    /// which name and by which policy (`[overlaps]` in patterns.toml).
    #[arg(long)]
    pub explain_overlaps: bool,
    #[command(flatten)]
    pub cap: MentionCap,
    /// Print no summary line at the end (what was read and written); warnings and errors
    /// are still printed.
    #[arg(short, long)]
    pub quiet: bool,
}

/// The cap on mentions and evidence kept per document, shared by `extract` and `merge`.
#[derive(Debug, clap::Args)]
pub struct MentionCap {
    /// Keep at most N mentions of a node, and N pieces of evidence of an edge, from each
    /// source document (0: keep all). Beyond it a sample is kept, the same on every run,
    /// and the graph records how many there were (`mention_counts`, `evidence_counts`).
    #[arg(long, value_name = "N", default_value_t = crate::graph::DEFAULT_MAX_MENTIONS)]
    pub max_mentions: usize,
}

impl MentionCap {
    /// As [`KnowledgeGraph::set_max_mentions`] takes it.
    fn get(&self) -> Option<usize> {
        Some(self.max_mentions).filter(|&n| n > 0)
    }
}

fn parse_input_format(s: &str) -> std::result::Result<crate::read::Format, String> {
    crate::read::Format::parse(s)
        .ok_or_else(|| format!("unknown input format '{s}': use md, html or text"))
}

/// `talkgraph merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// Graph JSON files, as written by `talkgraph extract` or `merge`; text files and
    /// folders are extracted on the fly (with the embedded rules).
    #[arg(required = true)]
    pub graphs: Vec<PathBuf>,
    #[command(flatten)]
    pub out: GraphOutput,
    #[command(flatten)]
    pub cap: MentionCap,
    /// Apply the corrections of this decisions file to the merged graph: shards extracted
    /// without it, merged with it, give the graph of one run with it.
    #[arg(long, value_name = "FILE")]
    pub decisions: Option<PathBuf>,
}

/// `talkgraph rules …`.
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Check a rule folder (its rules and how their examples are written): every problem is
    /// listed as file:line:col; exits 2 if any.
    #[command(
        after_help = "Examples:\n  talkgraph rules check\n  talkgraph rules check my-rules/\n  talkgraph rules check --replace my-full-rules/"
    )]
    Check {
        /// The rule folder, added to the embedded rules as `--rules` adds it (default: the
        /// embedded rules alone).
        dir: Option<PathBuf>,
        /// Check the folder alone, as `--rules-replace` reads it (every file required).
        #[arg(long, requires = "dir")]
        replace: bool,
    },
    /// Run every rule's end-to-end examples (`[[rule.test]]` in patterns.toml) through the
    /// whole extractor and report each failure as file:line:col; exits 1 if any fails, 2
    /// if the rules or their examples are malformed.
    #[command(
        after_help = "Examples:\n  talkgraph rules test\n  talkgraph rules test my-rules/ --format json"
    )]
    Test {
        /// The rule folder, added to the embedded rules as `--rules` adds it (default: the
        /// embedded rules alone); a rule it replaces brings its own examples.
        dir: Option<PathBuf>,
        /// Test the folder alone, as `--rules-replace` reads it (every file required).
        #[arg(long, requires = "dir")]
        replace: bool,
        /// How to print the report.
        #[arg(short, long, value_enum, default_value = "text")]
        format: crate::ruletest::OutputFormat,
    },
    /// Write the embedded rule set (all twelve files) into a folder, to read or to edit and
    /// use with `--rules-replace`.
    #[command(after_help = "Examples:
  talkgraph rules dump my-full-rules/
  talkgraph rules check --replace my-full-rules/")]
    Dump {
        /// The folder (created if missing).
        dir: PathBuf,
        /// Overwrite rule files already there (otherwise nothing is written).
        #[arg(long)]
        force: bool,
    },
    /// Start a folder that extends the embedded rules: every rule file, empty but for
    /// comments saying what a line adds. Use it with `--rules DIR`.
    #[command(after_help = "Examples:
  talkgraph rules init my-rules/
  talkgraph rules check my-rules/")]
    Init {
        /// The folder (created if missing).
        dir: PathBuf,
        /// Overwrite rule files already there (otherwise nothing is written).
        #[arg(long)]
        force: bool,
    },
}

/// Compiles the rule set a command asked for with `--rules`: the folder's files added to
/// the embedded ones. Rules live as long as the process, like the embedded ones.
pub fn rules_for(dir: Option<&Path>) -> Result<&'static crate::rules::Rules> {
    rules_in(dir, crate::rules::Mode::Extend)
}

/// [`rules_for`], the folder read as `mode` says (`--rules-replace`: alone).
pub fn rules_in(
    dir: Option<&Path>,
    mode: crate::rules::Mode,
) -> Result<&'static crate::rules::Rules> {
    match dir {
        Some(d) => Ok(Box::leak(Box::new(crate::rules::load_dir(d, mode)?))),
        None => crate::rules::default_rules(),
    }
}

fn rule_mode(replace: bool) -> crate::rules::Mode {
    if replace {
        crate::rules::Mode::Replace
    } else {
        crate::rules::Mode::Extend
    }
}

/// Whether a path is named like a graph JSON file (`.json` in any case).
fn json_name(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

/// Whether bytes are a graph JSON document: a JSON object with one of the contract's
/// top-level keys. Only the keys before the first such key are read, so a large graph is
/// told at once; Markdown with JSON front matter (`{"title": …}` then prose) is not one.
pub fn looks_like_graph(bytes: &[u8]) -> bool {
    use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
    // serde has no way to stop a map half-read but an error; this one means "found".
    const FOUND: &str = "\u{0}a graph key";
    struct Keys;
    impl<'de> Visitor<'de> for Keys {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
            while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                if matches!(&*key, "nodes" | "edges" | "directed" | "multigraph") {
                    return Err(de::Error::custom(FOUND));
                }
                map.next_value::<IgnoredAny>()?;
            }
            Ok(())
        }
    }
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return false;
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    matches!(de.deserialize_map(Keys), Err(e) if e.to_string().starts_with(FOUND))
}

/// Where a graph is expected: a graph JSON file, or text inputs (files, folders, `-`)
/// that are extracted on the fly. A single input is a graph when it is named `.json` or,
/// whatever its name (stdin, `<(…)`), when its content is one.
pub fn load_graph(inputs: &[PathBuf], rules: Option<&Path>) -> Result<KnowledgeGraph> {
    match inputs {
        [one] if json_name(one) && !one.is_dir() => read_graph(one),
        [one] if one.as_os_str() == "-" || !one.is_dir() => {
            let (source, bytes) =
                crate::pipeline::read_input(one, crate::pipeline::DEFAULT_MAX_FILE_SIZE)?;
            if looks_like_graph(&bytes) {
                return Ok(graph_from_bytes(one, &bytes)?.0);
            }
            let rules = rules_for(rules)?;
            let g = crate::pipeline::extract_bytes(rules, &source, bytes, &mut Vec::new());
            // Not text (a binary file): an empty graph, as extract would make.
            match g {
                Some(g) => Ok(g),
                None => Ok(KnowledgeGraph::new()),
            }
        }
        _ => {
            // Text is extracted with the same rules as `extract`; its warnings (bad UTF-8,
            // binary files) are not errors and are left to `extract` to report.
            let rules = rules_for(rules)?;
            crate::pipeline::extract_paths(rules, inputs, &mut Vec::new())
        }
    }
}

/// Reads a graph JSON file (`-` is stdin).
pub fn read_graph(path: &Path) -> Result<KnowledgeGraph> {
    Ok(read_graph_report(path)?.0)
}

/// [`read_graph`], with what the file held that the graph could not (see [`LoadReport`]).
pub fn read_graph_report(path: &Path) -> Result<(KnowledgeGraph, LoadReport)> {
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes)
            .map_err(|e| Error::io("<stdin>", e))?;
    } else {
        bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    }
    graph_from_bytes(path, &bytes)
}

/// A graph from the bytes of a graph JSON file read from `path`.
fn graph_from_bytes(path: &Path, bytes: &[u8]) -> Result<(KnowledgeGraph, LoadReport)> {
    let path = if path.as_os_str() == "-" {
        Path::new("<stdin>")
    } else {
        path
    };
    let text = std::str::from_utf8(bytes).map_err(|e| Error::Invalid {
        path: path.to_path_buf(),
        message: format!(
            "byte {} is not UTF-8: a graph JSON file is UTF-8; give the JSON written by extract, merge or subgraph",
            e.valid_up_to()
        ),
    })?;
    // Editors on Windows save UTF-8 with a byte order mark, which JSON parsers refuse.
    let json = text.strip_prefix('\u{feff}').unwrap_or(text);
    KnowledgeGraph::from_json_str_report(json).map_err(|e| {
        let mut error = Error::json(path, &e);
        // serde's "expected value" at 1:1 says nothing to someone who gave a recap.
        if let Error::Json { message, .. } = &mut error
            && !json.trim_start().starts_with(['{', '['])
        {
            *message = format!(
                "{message}: not a graph JSON file but text; give the JSON written by extract, merge or subgraph (`talkgraph extract {} -o graph.json` makes one)",
                path.display()
            );
        }
        error
    })
}

/// Says on `err` what reading a graph left out, for a command that goes on without it.
pub fn warn_dropped(path: &Path, report: &LoadReport, err: &mut dyn Write) {
    if !report.is_empty() {
        let _ = writeln!(
            err,
            "talkgraph: warning: {}: left out {}",
            path.display(),
            report.describe()
        );
    }
}

/// Runs one parsed command, writing results to `out` and warnings to `err`.
pub fn run(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> Result<Exit> {
    run_with(cli, out, err, false)
}

/// [`run`], told whether `err` is a terminal (then long runs show a progress bar there).
pub fn run_with(
    cli: Cli,
    out: &mut dyn Write,
    err: &mut dyn Write,
    err_is_terminal: bool,
) -> Result<Exit> {
    match cli.command {
        Command::Extract(args) => extract(&args, out, err, err_is_terminal),
        Command::Merge(args) => merge(&args, out, err),
        Command::Eval(args) => crate::eval::run(&args, out, err),
        Command::Convert(args) => crate::export::cli::run(args, out, err),
        Command::Query(args) => crate::query::run_query(args, out, err),
        Command::Neighbors(args) => crate::query::run_neighbors(args, out, err),
        Command::Path(args) => crate::query::run_path(args, out, err),
        Command::Show(args) => crate::query::run_show(args, out),
        Command::Explain(args) => crate::query::run_explain(args, out, err),
        Command::Stats(args) => crate::query::run_stats(args, out),
        Command::Subgraph(args) => crate::query::run_subgraph(args, out),
        Command::Diff(args) => crate::diff::run(&args, out),
        Command::Decide(args) => crate::decisions::run_decide(&args, out, err),
        Command::Suggest(args) => crate::suggest::run(&args, out, err),
        Command::Schema => {
            out.write_all(crate::graph_schema().as_bytes())
                .map_err(|e| Error::io("<stdout>", e))?;
            Ok(Exit::Ok)
        }
        Command::Rules(RulesCommand::Check { dir, replace }) => {
            let summary = crate::ruletest::check(dir.as_deref(), rule_mode(replace))?;
            writeln!(out, "{summary}").map_err(|e| Error::io("<stdout>", e))?;
            Ok(Exit::Ok)
        }
        Command::Rules(RulesCommand::Test {
            dir,
            replace,
            format,
        }) => crate::ruletest::run_command(dir.as_deref(), rule_mode(replace), format, out),
        Command::Rules(RulesCommand::Dump { dir, force }) => {
            crate::manual::wrote(&crate::rules::dump(&dir, force)?, out)
        }
        Command::Rules(RulesCommand::Init { dir, force }) => {
            crate::manual::wrote(&crate::rules::init(&dir, force)?, out)
        }
        Command::Completions { shell } => crate::manual::completions(shell, out),
        Command::Man { output } => crate::manual::man(output.as_deref(), out),
    }
}

fn extract(
    args: &ExtractArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
    err_is_terminal: bool,
) -> Result<Exit> {
    // Settle the output before reading anything, so a bad -o fails fast. An update goes
    // back into the graph it updates unless -o says otherwise.
    let wanted = args.out.output.clone().or_else(|| args.into.clone());
    let (format, output) = crate::export::cli::choose_format(args.out.format, wanted)?;
    if let Some(into) = &args.into
        && args.out.output.is_none()
        && format != crate::export::Format::Json
    {
        return Err(Error::Usage(format!(
            "--into writes JSON back to '{}'; give -o for another format",
            into.display()
        )));
    }
    let rules = match &args.rules_replace {
        Some(d) => rules_in(Some(d), crate::rules::Mode::Replace)?,
        None => rules_for(args.rules.as_deref())?,
    };
    if args.explain_overlaps {
        crate::overlaps::report(
            rules,
            &args.inputs,
            args.input_format,
            args.max_file_size,
            err,
        )?;
    }
    let decisions = match &args.decisions {
        Some(p) => Some(crate::decisions::load(p)?),
        None => None,
    };
    // What a graph made by this run records: the rules, and the decisions when given.
    let fingerprint = decisions.as_ref().map_or_else(
        || rules.fingerprint.clone(),
        |d| d.fingerprint(&rules.fingerprint),
    );
    // Held until the graph is written back: a second run waits, then reads what this one
    // wrote, instead of writing over it from the graph as it was before.
    let lock = match &args.into {
        Some(p) => Some(crate::lock::UpdateLock::acquire(p, err)?),
        None => None,
    };
    let mut base = match &args.into {
        Some(p) if p.exists() => {
            let (g, report) = read_graph_report(p)?;
            if !report.is_empty() && !args.force {
                // Written back, the graph would lose them for good.
                return Err(Error::Invalid {
                    path: p.clone(),
                    message: format!(
                        "not updated: writing it back would lose {}; fix the file, or give --force to write it without them",
                        report.describe()
                    ),
                });
            }
            warn_dropped(p, &report, err);
            Some(g)
        }
        Some(_) => Some(KnowledgeGraph::new()),
        None => None,
    };
    // Facts found by other rules (or another version) are stale even where the text is
    // not: every document given is then extracted again, as a changed one.
    let stale = base.as_ref().is_some_and(|g| {
        g.sources().next().is_some() && g.rules_fingerprint() != Some(fingerprint.as_str())
    });
    let known: Option<std::collections::BTreeMap<String, String>> = base.as_ref().map(|g| {
        g.sources()
            .map(|(s, h)| {
                let h = if stale { "" } else { h.unwrap_or_default() };
                (s.to_string(), h.to_string())
            })
            .collect()
    });
    if stale && let Some(into) = &args.into {
        let why = crate::decisions::stale_reason(
            base.as_ref().and_then(|g| g.rules_fingerprint()),
            &fingerprint,
        );
        let _ = writeln!(
            err,
            "talkgraph: {}: {why}: every document given is extracted again",
            into.display()
        );
    }
    let jobs = args.jobs.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    if jobs == 0 {
        return Err(Error::Usage("--jobs needs at least 1".into()));
    }
    let mut bar = crate::progress::Bar::new(err_is_terminal);
    let mut corpus = crate::pipeline::extract_corpus(
        rules,
        &args.inputs,
        crate::pipeline::Options {
            jobs,
            known: known.as_ref(),
            format: args.input_format,
            output: output.as_deref(),
            max_bytes: args.max_file_size,
            max_mentions: args.cap.get(),
        },
        &mut |p| bar.update(p, err),
    )?;
    bar.finish(err);
    for w in &corpus.warnings {
        let _ = writeln!(err, "talkgraph: warning: {}", w.0);
    }
    if corpus.status.is_empty() && !corpus.failures.is_empty() {
        // Nothing could be read: an empty graph written over the output would lose it.
        return Err(corpus.failures.swap_remove(0).error);
    }
    for f in &corpus.failures {
        let _ = writeln!(err, "talkgraph: warning: {}: skipped", f.error);
    }
    if corpus.status.is_empty() && corpus.failures.is_empty() {
        // An empty graph with exit 0 and no word would look like a graph of nothing found.
        let _ = writeln!(
            err,
            "talkgraph: warning: {}",
            nothing_read(&args.inputs, &corpus.passed_over)
        );
    }
    // Every input reported as skipped on stderr, unreadable or not text, for the summary.
    let skipped = corpus.failures.len()
        + corpus
            .warnings
            .iter()
            .filter(|w| w.0.contains(": skipped"))
            .count();
    let documents = corpus.status.len();
    // Documents of the graph kept as they were: decisions already corrected them.
    let reused = !stale
        && corpus
            .status
            .values()
            .any(|s| *s == crate::pipeline::Status::Unchanged);
    let graph = match base.take() {
        None => corpus.graph,
        Some(mut base) => {
            use crate::pipeline::Status;
            let count = |s: Status| corpus.status.values().filter(|v| **v == s).count();
            let mut gone: std::collections::BTreeSet<String> = corpus
                .status
                .iter()
                .filter(|(_, s)| **s == Status::Changed)
                .map(|(k, _)| k.clone())
                .collect();
            let mut removed = 0;
            if args.prune {
                for (s, _) in base.sources() {
                    if !corpus.status.contains_key(s) && !corpus.failed_under(s) {
                        gone.insert(s.to_string());
                        removed += 1;
                    }
                }
            }
            let kept_stale = if stale {
                base.sources()
                    .filter(|(s, _)| !corpus.status.contains_key(*s) && !gone.contains(*s))
                    .count()
            } else {
                0
            };
            // Capped as a fresh run would be, old documents' spans included.
            base.set_max_mentions(args.cap.get());
            base.remove_sources(&gone);
            if let Some(d) = &decisions {
                d.unmark(&mut base, &rules.fingerprint);
            }
            base.merge(&corpus.graph);
            if kept_stale > 0 {
                let _ = writeln!(
                    err,
                    "talkgraph: warning: {kept_stale} documents of the graph were not among the inputs and keep what the old rules found; give them too (or --prune to drop them)"
                );
            }
            let _ = writeln!(
                err,
                "talkgraph: {} documents: {} added, {} changed, {} unchanged, {} removed",
                corpus.status.len(),
                count(Status::Added),
                count(Status::Changed),
                count(Status::Unchanged),
                removed
            );
            base
        }
    };
    let graph = match &decisions {
        Some(d) => d.apply(graph, &rules.fingerprint, args.cap.get(), reused, err),
        None => graph,
    };
    let writes_back = match (&args.into, output.as_deref()) {
        (Some(into), Some(o)) => o == into || same_path(o, into),
        _ => false,
    };
    let guard = || match &lock {
        Some(lock) if writes_back => lock.unchanged(),
        _ => Ok(()),
    };
    let summary = format!(
        "talkgraph: read {}{}, {} entities, {} relations → {}",
        plural(documents, "document"),
        if skipped > 0 {
            format!(" ({skipped} skipped)")
        } else {
            String::new()
        },
        graph.node_count(),
        graph.edge_count(),
        output
            .as_deref()
            .map_or_else(|| "stdout".to_string(), |p| p.display().to_string())
    );
    write_graph(
        graph,
        format,
        &args.out,
        jobs,
        output.as_deref(),
        out,
        &guard,
    )?;
    drop(lock);
    if !args.quiet {
        let _ = writeln!(err, "{summary}");
    }
    if corpus.failures.is_empty() {
        return Ok(Exit::Ok);
    }
    let _ = writeln!(
        err,
        "talkgraph: partial run: {} of {} inputs could not be read and were left out (exit 3); fix or remove them and run again",
        corpus.failures.len(),
        corpus.failures.len() + corpus.status.len()
    );
    Ok(Exit::Partial)
}

/// `1 document`, `2 documents`.
fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Why a run read no document: the folders were empty, or held only files of types
/// talkgraph does not read (named with their counts, and how to read one anyway).
fn nothing_read(
    inputs: &[PathBuf],
    passed_over: &std::collections::BTreeMap<String, usize>,
) -> String {
    let given: Vec<String> = inputs.iter().map(|p| p.display().to_string()).collect();
    let given = given.join(", ");
    if passed_over.is_empty() {
        return format!("no documents read: {given} holds no files; the graph is empty");
    }
    let types: Vec<String> = passed_over
        .iter()
        .map(|(ext, n)| match ext.as_str() {
            "" => plural(*n, "file") + " without an extension",
            ext => plural(*n, &format!("{ext} file")),
        })
        .collect();
    format!(
        "no documents read: {given} holds only {}, which talkgraph does not read; it reads .txt, .md, .markdown, .html and .htm (name a file on the command line, with --input-format md|html|text, to read it anyway); the graph is empty",
        types.join(", ")
    )
}

fn write_graph(
    mut graph: KnowledgeGraph,
    format: crate::export::Format,
    how: &GraphOutput,
    jobs: usize,
    output: Option<&Path>,
    out: &mut dyn Write,
    guard: &dyn Fn() -> Result<()>,
) -> Result<Exit> {
    let options = crate::export::ExportOptions {
        cluster_by: how.cluster_by,
        html_max_nodes: how.html_max_nodes,
        compact: how.compact,
    };
    crate::export::write_graph_guarded(&mut graph, format, &options, jobs, output, out, guard)?;
    Ok(Exit::Ok)
}

/// Whether two paths lead to one existing file (`g.json` and `./g.json`).
fn same_path(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn merge(args: &MergeArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<Exit> {
    let (format, output) =
        crate::export::cli::choose_format(args.out.format, args.out.output.clone())?;
    crate::export::cli::refuse_overwriting_inputs(output.as_deref(), &args.graphs)?;
    let decisions = match &args.decisions {
        Some(p) => Some(crate::decisions::load(p)?),
        None => None,
    };
    let mut graph = KnowledgeGraph::new();
    graph.set_max_mentions(args.cap.get());
    for path in &args.graphs {
        // One part in memory at a time, besides the merged graph. Text parts (files,
        // folders) are extracted on the fly, as the query commands take them.
        let part = if json_name(path) || path.as_os_str() == "-" {
            let (part, report) = read_graph_report(path)?;
            warn_dropped(path, &report, err);
            part
        } else {
            load_graph(std::slice::from_ref(path), None)?
        };
        graph.merge(&part);
    }
    if let Some(d) = &decisions {
        graph = d.apply_merged(graph, args.cap.get(), err);
    }
    let jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    write_graph(
        graph,
        format,
        &args.out,
        jobs,
        output.as_deref(),
        out,
        &|| Ok(()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn the_size_limit_flag_defaults_to_the_pipeline_default() {
        let cli = Cli::try_parse_from(["talkgraph", "extract", "x.md"]).unwrap();
        let Command::Extract(args) = cli.command else {
            panic!("not extract")
        };
        assert_eq!(args.max_file_size, crate::pipeline::DEFAULT_MAX_FILE_SIZE);
    }
}
