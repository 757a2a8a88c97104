//! `talkgraph convert`: a graph JSON in, any export format out. Only argument handling
//! lives here; the writing is [`super::write`] and [`super::write_to_path`].

use super::{ClusterBy, ExportOptions, Format};
use crate::cli::{Exit, read_graph_report, warn_dropped};
use crate::error::{Error, Result};
use clap::Args;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Arguments of `talkgraph convert`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  talkgraph convert output/graph.json -o graph.graphml          # format from the extension
  talkgraph convert output/graph.json --format dot --cluster-by source | dot -Tsvg > g.svg
  talkgraph convert output/graph.json --format neo4j -o neo4j/  # nodes.csv, relationships.csv, import.cypher
  talkgraph convert output/graph.json -o viewer.html            # offline HTML viewer")]
pub struct ConvertArgs {
    /// The graph to convert, as written by `talkgraph extract` (JSON).
    pub graph: PathBuf,
    /// Output format: json, dot, graphml, cytoscape, neo4j, turtle, ntriples, mermaid or
    /// html. Default: from the extension of -o, else json.
    #[arg(short, long, value_name = "FORMAT")]
    pub format: Option<Format>,
    /// Write here instead of stdout (atomically: a failed run leaves no partial file).
    /// The neo4j format needs it: it writes a folder.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// DOT only: draw one cluster per source document (`source`) or none (`none`).
    #[arg(long, value_name = "MODE", default_value = "none")]
    pub cluster_by: ClusterBy,
    /// HTML only: refuse to write a viewer of more nodes than this, which a browser would
    /// take minutes to open (write GraphML, or cut out a part with `subgraph`).
    #[arg(long, value_name = "N", default_value_t = super::HTML_MAX_NODES)]
    pub html_max_nodes: usize,
    /// JSON only: write it on one line, without indentation (smaller, for programs); the
    /// same document as without it.
    #[arg(long)]
    pub compact: bool,
}

/// What to write, and where, once the arguments are checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvertConfig {
    pub graph: PathBuf,
    pub format: Format,
    pub output: Option<PathBuf>,
    pub options: ExportOptions,
}

impl ConvertArgs {
    /// Settles the format (flag, then the output's extension, then json) and checks
    /// that it can go where it is asked to.
    pub fn config(self) -> Result<ConvertConfig> {
        let (format, output) = choose_format(self.format, self.output)?;
        Ok(ConvertConfig {
            graph: self.graph,
            format,
            output,
            options: ExportOptions {
                cluster_by: self.cluster_by,
                html_max_nodes: self.html_max_nodes,
                compact: self.compact,
            },
        })
    }
}

/// The format an output gets: `--format`, else the output file's extension, else JSON.
/// `-o -` means stdout. A folder format needs `-o DIR`.
pub fn choose_format(
    format: Option<Format>,
    output: Option<PathBuf>,
) -> Result<(Format, Option<PathBuf>)> {
    let output = output.filter(|p| p.as_os_str() != "-");
    let format = match (format, &output) {
        (Some(f), _) => f,
        (None, Some(path)) => match Format::from_extension(path) {
            Some(f) => f,
            // `/dev/null`, a pipe, a terminal: no name to go by, and nothing kept to read
            // back, so the default format is as good as any.
            None if is_special_file(path) => Format::Json,
            None => return Err(unknown_format(path)),
        },
        (None, None) => Format::Json,
    };
    if format.is_folder() && output.is_none() {
        return Err(Error::Usage(format!(
            "the {format} format writes a folder: give one with -o DIR"
        )));
    }
    if let Some(path) = &output {
        // Checked before any work: a run of minutes should not end in "no such folder".
        let folder = path.parent().filter(|p| !p.as_os_str().is_empty());
        if let Some(folder) = folder
            && !folder.is_dir()
        {
            return Err(Error::Usage(format!(
                "{}: cannot write there: the folder '{}' does not exist; create it first (mkdir -p '{}')",
                path.display(),
                folder.display(),
                folder.display()
            )));
        }
    }
    Ok((format, output))
}

/// Whether `path` exists and is not a regular file or folder (`/dev/null`, a named pipe).
fn is_special_file(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// No format goes by this output's name: an image gets the way to draw one with GraphViz,
/// anything else the list of formats.
fn unknown_format(path: &Path) -> Error {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if matches!(ext.as_str(), "svg" | "png" | "pdf" | "jpg" | "jpeg") {
        let shown = path.display();
        return Error::Usage(format!(
            "cannot write '{shown}': talkgraph writes no images; write DOT and let GraphViz draw it: `--format dot | dot -T{ext} > '{shown}'` (or `-o graph.dot`, then `dot -T{ext} graph.dot > '{shown}'`)"
        ));
    }
    Error::Usage(format!(
        "cannot tell the format from '{}'; use --format (one of: {})",
        path.display(),
        Format::ALL.map(|f| f.name()).join(", ")
    ))
}

/// Refuses an output that is one of the run's inputs: the input would be lost if the run
/// went wrong, and a graph written over its own source is rarely what was meant.
pub fn refuse_overwriting_inputs(output: Option<&Path>, inputs: &[PathBuf]) -> Result<()> {
    let Some(output) = output else { return Ok(()) };
    match inputs.iter().find(|i| crate::read::is_same_file(i, output)) {
        Some(input) => Err(Error::overwrites_input(output, input)),
        None => Ok(()),
    }
}

pub fn run(args: ConvertArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<Exit> {
    let config = args.config()?;
    refuse_overwriting_inputs(
        config.output.as_deref(),
        std::slice::from_ref(&config.graph),
    )?;
    // Always a graph, whatever its name: converting prose would answer with a graph
    // extracted on the fly, which is not what was asked.
    let (graph, report) = read_graph_report(&config.graph)?;
    warn_dropped(&config.graph, &report, err);
    let doc = graph.to_doc();
    match &config.output {
        Some(path) => super::write_to_path(&doc, config.format, &config.options, path)?,
        None => super::write(&doc, config.format, &config.options, out)?,
    }
    Ok(Exit::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(format: Option<Format>, output: Option<&str>) -> ConvertArgs {
        ConvertArgs {
            graph: "g.json".into(),
            format,
            output: output.map(PathBuf::from),
            cluster_by: ClusterBy::None,
            html_max_nodes: super::super::HTML_MAX_NODES,
            compact: false,
        }
    }

    #[test]
    fn format_comes_from_flag_then_extension_then_json() {
        let f = |a: ConvertArgs| a.config().map(|c| c.format);
        assert_eq!(
            f(args(Some(Format::Dot), Some("x.json"))).unwrap(),
            Format::Dot
        );
        assert_eq!(f(args(None, Some("x.ttl"))).unwrap(), Format::Turtle);
        assert_eq!(f(args(None, None)).unwrap(), Format::Json);
        assert_eq!(f(args(None, Some("-"))).unwrap(), Format::Json);
        assert!(matches!(f(args(None, Some("x.xyz"))), Err(Error::Usage(_))));
        assert!(matches!(
            f(args(Some(Format::Neo4j), None)),
            Err(Error::Usage(_))
        ));
        assert_eq!(
            f(args(Some(Format::Neo4j), Some("db"))).unwrap(),
            Format::Neo4j
        );
        // A device has no extension to go by: the default format.
        #[cfg(unix)]
        assert_eq!(f(args(None, Some("/dev/null"))).unwrap(), Format::Json);
        // An image is no format of ours: the message says how to draw one.
        let e = f(args(None, Some("x.SVG"))).unwrap_err().to_string();
        assert!(e.contains("`--format dot | dot -Tsvg > 'x.SVG'`"), "{e}");
    }
}
