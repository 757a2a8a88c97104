//! Writers for every output format: the only modules that know a file format.
//! Each exporter reads a sorted [`GraphDoc`] and writes bytes; none reads files or the
//! environment, and the same document always gives the same bytes.

pub mod cli;
mod cytoscape;
mod dot;
mod graphml;
mod html;
mod json;
mod mermaid;
mod neo4j;
mod rdf;

use crate::error::{Error, Result};
use crate::graph::KnowledgeGraph;
use crate::model::{GraphDoc, NodeDoc, Span};
use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::Path;
use std::str::FromStr;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// The node-link JSON contract of [`crate::model`] (networkx, D3).
    Json,
    /// GraphViz DOT.
    Dot,
    /// GraphML with typed `<key>` declarations (Gephi, yEd, networkx, igraph).
    Graphml,
    /// Cytoscape.js `elements` JSON (`.cyjs`), also read by Cytoscape desktop.
    Cytoscape,
    /// A folder for Neo4j: `nodes.csv`, `relationships.csv`, `import.cypher`.
    Neo4j,
    /// RDF Turtle with schema.org terms.
    Turtle,
    /// RDF N-Triples: the same triples as Turtle, one per line.
    Ntriples,
    /// A Mermaid `flowchart`.
    Mermaid,
    /// One self-contained HTML page with an interactive viewer.
    Html,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Format; 9] = [
        Format::Json,
        Format::Dot,
        Format::Graphml,
        Format::Cytoscape,
        Format::Neo4j,
        Format::Turtle,
        Format::Ntriples,
        Format::Mermaid,
        Format::Html,
    ];

    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Dot => "dot",
            Format::Graphml => "graphml",
            Format::Cytoscape => "cytoscape",
            Format::Neo4j => "neo4j",
            Format::Turtle => "turtle",
            Format::Ntriples => "ntriples",
            Format::Mermaid => "mermaid",
            Format::Html => "html",
        }
    }

    /// The format a file name asks for, from its extension (case-insensitive):
    /// `.json`, `.dot`/`.gv`, `.graphml`, `.cyjs`/`.cy.json`/`.cytoscape.json`, `.ttl`,
    /// `.nt`, `.mmd`/`.mermaid`, `.html`/`.htm`. Neo4j writes a folder, so no extension
    /// selects it.
    pub fn from_extension(path: &Path) -> Option<Format> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        if name.ends_with(".cy.json") || name.ends_with(".cytoscape.json") {
            return Some(Format::Cytoscape);
        }
        let ext = name.rsplit_once('.')?.1;
        Some(match ext {
            "json" => Format::Json,
            "dot" | "gv" => Format::Dot,
            "graphml" => Format::Graphml,
            "cyjs" => Format::Cytoscape,
            "ttl" => Format::Turtle,
            "nt" => Format::Ntriples,
            "mmd" | "mermaid" => Format::Mermaid,
            "html" | "htm" => Format::Html,
            _ => return None,
        })
    }

    /// Whether the format is a folder of files rather than one stream.
    pub fn is_folder(self) -> bool {
        self == Format::Neo4j
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = String;

    /// Parses a `--format` value; a few common extensions are accepted as synonyms.
    fn from_str(s: &str) -> std::result::Result<Format, String> {
        let lower = s.to_ascii_lowercase();
        let synonym = match lower.as_str() {
            "gv" => Some(Format::Dot),
            "cyjs" => Some(Format::Cytoscape),
            "ttl" => Some(Format::Turtle),
            "nt" => Some(Format::Ntriples),
            "mmd" => Some(Format::Mermaid),
            _ => None,
        };
        synonym
            .or_else(|| Format::ALL.into_iter().find(|f| f.name() == lower))
            .ok_or_else(|| {
                let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
                format!(
                    "unknown format '{s}' (expected one of: {})",
                    names.join(", ")
                )
            })
    }
}

/// How DOT output groups nodes into clusters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ClusterBy {
    /// No clusters.
    #[default]
    None,
    /// One cluster per source document; a node goes to the first source among its mentions.
    Source,
}

impl FromStr for ClusterBy {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<ClusterBy, String> {
        match s {
            "none" => Ok(ClusterBy::None),
            "source" => Ok(ClusterBy::Source),
            _ => Err(format!(
                "unknown cluster mode '{s}' (expected: none, source)"
            )),
        }
    }
}

/// The most nodes an HTML viewer is written with unless asked for more: a 100,000-node
/// page weighs 165 MB and keeps a browser busy for minutes, and its drawing is unreadable
/// long before that. 20,000 nodes (about 30 MB) still opens in seconds.
pub const HTML_MAX_NODES: usize = 20_000;

/// Options shared by the exporters; each format reads only what applies to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportOptions {
    /// DOT only: group nodes into clusters.
    pub cluster_by: ClusterBy,
    /// HTML only: refuse a graph of more nodes than this (`--html-max-nodes`).
    pub html_max_nodes: usize,
    /// JSON only: one line without indentation (`--compact`), else pretty-printed. The
    /// same document either way: pretty-printing the compact form gives the other's bytes.
    pub compact: bool,
}

impl Default for ExportOptions {
    fn default() -> ExportOptions {
        ExportOptions {
            cluster_by: ClusterBy::default(),
            html_max_nodes: HTML_MAX_NODES,
            compact: false,
        }
    }
}

/// Refuses, before anything is written, an HTML viewer of more nodes than a browser opens
/// in reasonable time, saying what to write instead.
fn check_size(nodes: usize, format: Format, opts: &ExportOptions, to: Option<&Path>) -> Result<()> {
    if format != Format::Html || nodes <= opts.html_max_nodes {
        return Ok(());
    }
    let to = to.map_or("<stdout>".into(), |p| p.display().to_string());
    Err(Error::Usage(format!(
        "{to}: not written: an HTML viewer of {nodes} nodes (over --html-max-nodes {}) would take a browser minutes to open; cut out the part to look at with `talkgraph subgraph GRAPH NAME --depth 2 -o part.html`, write GraphML for Gephi or yEd (-o graph.graphml), or give --html-max-nodes {nodes} to write it anyway",
        opts.html_max_nodes
    )))
}

/// Writes `doc` in `format` to `out`. Neo4j is a folder and needs [`write_to_path`].
pub fn write(
    doc: &GraphDoc,
    format: Format,
    opts: &ExportOptions,
    out: &mut dyn Write,
) -> Result<()> {
    if format.is_folder() {
        return Err(Error::Usage(format!(
            "the {format} format writes a folder: give an output folder with -o DIR"
        )));
    }
    check_size(doc.nodes.len(), format, opts, None)?;
    write_stream(doc, format, opts, out).map_err(|e| Error::io("<output>", e))
}

fn write_stream(
    doc: &GraphDoc,
    format: Format,
    opts: &ExportOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Json if opts.compact => json::compact(out, |w| json::write(doc, w)),
        Format::Json => json::write(doc, out),
        Format::Dot => dot::write(doc, opts, out),
        Format::Graphml => graphml::write(doc, out),
        Format::Cytoscape => cytoscape::write(doc, out),
        Format::Turtle => rdf::write_turtle(doc, out),
        Format::Ntriples => rdf::write_ntriples(doc, out),
        Format::Mermaid => mermaid::write(doc, out),
        Format::Html => html::write(doc, out),
        Format::Neo4j => unreachable!("folder formats are refused by the caller"),
    }
}

/// Writes a whole graph to `output` (or `out` when there is none). JSON is written
/// straight from the graph, formatted on `jobs` threads; the other formats go through its
/// document.
pub fn write_graph(
    kg: &mut KnowledgeGraph,
    format: Format,
    opts: &ExportOptions,
    jobs: usize,
    output: Option<&Path>,
    out: &mut dyn Write,
) -> Result<()> {
    write_graph_guarded(kg, format, opts, jobs, output, out, &|| Ok(()))
}

/// [`write_graph`], with `guard` asked just before a file written to `output` replaces
/// what is there: an error leaves `output` untouched (`extract --into` refuses to undo
/// another program's write).
pub fn write_graph_guarded(
    kg: &mut KnowledgeGraph,
    format: Format,
    opts: &ExportOptions,
    jobs: usize,
    output: Option<&Path>,
    out: &mut dyn Write,
    guard: &dyn Fn() -> Result<()>,
) -> Result<()> {
    check_size(kg.node_count(), format, opts, output)?;
    kg.compact();
    if format != Format::Json {
        let doc = kg.to_doc();
        return match output {
            Some(path) if format.is_folder() => write_folder(&doc, path),
            Some(path) => atomically(path, guard, |w| write_stream(&doc, format, opts, w)),
            None => write(&doc, format, opts, out),
        };
    }
    let write = |w: &mut dyn Write| match opts.compact {
        true => json::compact(w, |w| json::write_graph(kg, jobs, w)),
        false => json::write_graph(kg, jobs, w),
    };
    match output {
        Some(path) => atomically(path, guard, write),
        None => write(out).map_err(|e| Error::io("<output>", e)),
    }
}

/// Writes `doc` to `path` so that a failure never leaves a half-written result: the
/// bytes go to a temporary file (or folder, for Neo4j) beside `path`, which is then
/// renamed over it.
pub fn write_to_path(
    doc: &GraphDoc,
    format: Format,
    opts: &ExportOptions,
    path: &Path,
) -> Result<()> {
    if format.is_folder() {
        return write_folder(doc, path);
    }
    check_size(doc.nodes.len(), format, opts, Some(path))?;
    atomically(path, &|| Ok(()), |w| write_stream(doc, format, opts, w))
}

/// Writes a file that is no graph (a decisions file, a diff) the way every output is
/// written: whole or not at all (see [`atomically`]), `guard` asked just before the rename.
pub(crate) fn write_file(
    path: &Path,
    guard: &dyn Fn() -> Result<()>,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    atomically(path, guard, write)
}

/// Runs `write` into a temporary file beside `path`, then renames it over `path`; on
/// failure the temporary file is removed and `path` is untouched. A symbolic link is
/// followed, so the file it points to is replaced, not the link. What is not a regular
/// file (`/dev/null`, a named pipe, a terminal) is written straight to: renaming over it
/// would replace the device with a file.
///
/// The temporary file gets a random name, created exclusively (a link planted at a
/// guessable name would make us write through it), and the mode of the file it replaces
/// (a private graph stays private). The file and then its folder are synced, so after a
/// crash the name holds the old bytes or the new ones.
fn atomically(
    path: &Path,
    guard: &dyn Fn() -> Result<()>,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    if fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        guard()?;
        let result = (|| -> io::Result<()> {
            let mut w = io::BufWriter::new(fs::OpenOptions::new().write(true).open(path)?);
            write(&mut w)?;
            w.flush()
        })();
        return result.map_err(|e| Error::io(path, e));
    }
    // A dangling link cannot be followed: it is replaced, as a missing file is created.
    let linked = fs::symlink_metadata(path)
        .is_ok_and(|m| m.file_type().is_symlink())
        .then(|| fs::canonicalize(path).ok())
        .flatten();
    let path = linked.as_deref().unwrap_or(path);
    let old_mode = fs::metadata(path).ok().map(|m| m.permissions());
    let io_error = |e: io::Error| Error::io(path, e);
    let (written, _tracked) = (|| -> io::Result<_> {
        let (tmp, tracked) = crate::interrupt::track(
            || temp_builder(&temp_prefix(path), false).tempfile_in(folder_of(path)),
            |t| t.path(),
        )?;
        if let Some(mode) = old_mode {
            tmp.as_file().set_permissions(mode)?;
        }
        let mut w = io::BufWriter::new(tmp);
        write(&mut w)?;
        let tmp = w.into_inner().map_err(|e| e.into_error())?;
        tmp.as_file().sync_all()?;
        Ok((tmp, tracked))
    })()
    .map_err(io_error)?;
    // Dropped on any error below, the temporary file is removed.
    guard()?;
    crate::interrupt::uninterrupted(|| written.persist(path)).map_err(|e| io_error(e.error))?;
    sync_folder(folder_of(path)).map_err(io_error)
}

/// The folder a path lives in (`.` for a bare name).
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// The start of a temporary name beside `path`: hidden and recognisable; tempfile adds
/// the random part.
fn temp_prefix(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "talkgraph".into());
    format!(".{name}.")
}

/// Creates a temporary file or folder beside `path`, with the usual mode (0666 or 0777
/// less the umask) rather than tempfile's private 0600/0700: the result is renamed into
/// place and must be readable as a file made the ordinary way would be.
fn temp_builder(prefix: &str, folder: bool) -> tempfile::Builder<'_, 'static> {
    let mut b = tempfile::Builder::new();
    b.prefix(prefix).suffix(".tmp");
    #[cfg(unix)]
    b.permissions(std::os::unix::fs::PermissionsExt::from_mode(if folder {
        0o777
    } else {
        0o666
    }));
    #[cfg(not(unix))]
    let _ = folder;
    b
}

/// Makes a rename in `dir` durable.
fn sync_folder(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// The files of a Neo4j folder; an existing folder is replaced only if it holds nothing else.
const NEO4J_FILES: [&str; 3] = ["nodes.csv", "relationships.csv", "import.cypher"];

/// One file of a folder format, written by its own exporter.
type FileWriter = fn(&GraphDoc, &mut dyn Write) -> io::Result<()>;

fn write_folder(doc: &GraphDoc, path: &Path) -> Result<()> {
    // The folder is replaced as a whole (written beside it, then renamed in): through a link
    // it is the folder the link names that is replaced, the link stays.
    let resolved;
    let path = if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        resolved = fs::canonicalize(path).map_err(|e| Error::io(path, e))?;
        resolved.as_path()
    } else {
        path
    };
    // The folder the command runs in (".", or its own name) cannot be renamed away.
    let here = std::env::current_dir().and_then(fs::canonicalize).ok();
    if path.file_name().is_none()
        || here.is_some_and(|h| fs::canonicalize(path).is_ok_and(|c| c == h))
    {
        return Err(Error::Usage(format!(
            "{}: the neo4j format replaces its output folder as a whole, which cannot be the folder talkgraph runs in; give a folder inside it, e.g. -o neo4j",
            path.display()
        )));
    }
    if path.exists() {
        let entries = fs::read_dir(path).map_err(|e| Error::io(path, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(path, e))?;
            let name = entry.file_name();
            if !NEO4J_FILES.iter().any(|f| name.as_os_str() == *f) {
                return Err(Error::Usage(format!(
                    "{}: the folder holds other files ({}); give a new or empty folder for the neo4j format",
                    path.display(),
                    name.to_string_lossy()
                )));
            }
        }
    }
    let prefix = temp_prefix(path);
    let result = (|| -> io::Result<()> {
        let (tmp, _tracked) = crate::interrupt::track(
            || temp_builder(&prefix, true).tempdir_in(folder_of(path)),
            |t| t.path(),
        )?;
        let writers: [(&str, FileWriter); 3] = [
            (NEO4J_FILES[0], neo4j::write_nodes),
            (NEO4J_FILES[1], neo4j::write_relationships),
            (NEO4J_FILES[2], neo4j::write_cypher),
        ];
        for (name, writer) in writers {
            // create_new: the folder is ours, and nothing may be written through a link.
            let file = fs::File::options()
                .write(true)
                .create_new(true)
                .open(tmp.path().join(name))?;
            let mut w = io::BufWriter::new(file);
            writer(doc, &mut w)?;
            w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        }
        sync_folder(tmp.path())?;
        // The old folder moves onto a fresh empty folder of our own (a rename may replace
        // an empty folder), so that it is there to put back if the new one cannot move in.
        // An interrupt waits for the two renames (between them the output is missing) and
        // for the old folder's removal (else it would be left behind).
        crate::interrupt::uninterrupted(|| -> io::Result<()> {
            let old = match path.exists() {
                true => Some(temp_builder(&prefix, true).tempdir_in(folder_of(path))?),
                false => None,
            };
            if let Some(old) = &old {
                fs::rename(path, old.path())?;
            }
            let new = tmp.keep();
            if let Err(e) = fs::rename(&new, path) {
                let _ = fs::remove_dir_all(&new);
                if let Some(old) = old {
                    let _ = fs::rename(old.keep(), path);
                }
                return Err(e);
            }
            drop(old);
            Ok(())
        })?;
        sync_folder(folder_of(path))
    })();
    result.map_err(|e| Error::io(path, e))
}

/// Fill colour per entity type, shared by DOT, Mermaid and HTML so every view agrees.
pub(crate) fn kind_colour(kind: &str) -> &'static str {
    match kind {
        "person" => "#8ecae6",
        "company" => "#ffb703",
        "project" => "#90be6d",
        "talk" => "#f4a6a6",
        "event" => "#cdb4db",
        _ => "#dddddd",
    }
}

/// Property names every node carries in the tabular formats (GraphML, Cytoscape, Neo4j).
pub(crate) const NODE_COLUMNS: [&str; 6] =
    ["id", "type", "label", "name", "aliases", "mention_count"];

/// The distinct attribute names over all nodes, sorted, each with the column name it gets:
/// the name itself, or `attr_NAME` when it would clash with a built-in column.
pub(crate) fn attribute_columns(doc: &GraphDoc) -> Vec<(String, String)> {
    let names: std::collections::BTreeSet<&String> =
        doc.nodes.iter().flat_map(|n| n.attributes.keys()).collect();
    let mut taken: std::collections::BTreeSet<String> =
        NODE_COLUMNS.iter().map(|s| s.to_string()).collect();
    let mut out = Vec::new();
    for name in names {
        let mut column = name.clone();
        while taken.contains(&column) {
            column = format!("attr_{column}");
        }
        taken.insert(column.clone());
        out.push((name.clone(), column));
    }
    out
}

/// The source document a node is grouped under: the first among its mentions.
pub(crate) fn first_source(node: &NodeDoc) -> Option<&str> {
    node.mentions.first().map(|m| m.source.as_str())
}

/// One evidence snippet as a single string: `source:line: text`.
pub(crate) fn evidence_line(span: &Span) -> String {
    format!("{}:{}: {}", span.source, span.line, span.text)
}

#[cfg(test)]
pub(crate) mod testdoc;

#[cfg(test)]
mod tests {
    #[test]
    fn only_an_html_viewer_over_the_limit_is_refused() {
        let opts = ExportOptions::default();
        assert!(check_size(HTML_MAX_NODES, Format::Html, &opts, None).is_ok());
        let e = check_size(HTML_MAX_NODES + 1, Format::Html, &opts, None).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("<stdout>: not written: an HTML viewer of 20001 nodes")
        );
        assert!(check_size(HTML_MAX_NODES + 1, Format::Graphml, &opts, None).is_ok());
        let raised = ExportOptions {
            html_max_nodes: HTML_MAX_NODES + 1,
            ..Default::default()
        };
        assert!(check_size(HTML_MAX_NODES + 1, Format::Html, &raised, None).is_ok());
    }

    use super::*;

    #[test]
    fn format_names_round_trip() {
        for f in Format::ALL {
            assert_eq!(f.name().parse::<Format>(), Ok(f));
        }
        assert_eq!("TTL".parse::<Format>(), Ok(Format::Turtle));
        assert_eq!(
            "svg".parse::<Format>(),
            Err("unknown format 'svg' (expected one of: json, dot, graphml, cytoscape, neo4j, turtle, ntriples, mermaid, html)".into())
        );
    }

    #[test]
    fn format_from_extension() {
        let cases = [
            ("out/g.json", Some(Format::Json)),
            ("g.DOT", Some(Format::Dot)),
            ("g.gv", Some(Format::Dot)),
            ("g.graphml", Some(Format::Graphml)),
            ("g.cyjs", Some(Format::Cytoscape)),
            ("g.cy.json", Some(Format::Cytoscape)),
            ("g.cytoscape.json", Some(Format::Cytoscape)),
            ("g.ttl", Some(Format::Turtle)),
            ("g.nt", Some(Format::Ntriples)),
            ("g.mmd", Some(Format::Mermaid)),
            ("g.htm", Some(Format::Html)),
            ("g.html", Some(Format::Html)),
            ("neo4j", None),
            ("g.csv", None),
        ];
        for (path, want) in cases {
            assert_eq!(Format::from_extension(Path::new(path)), want, "{path}");
        }
    }

    #[test]
    fn attribute_columns_avoid_builtin_names() {
        let mut doc = testdoc::sample();
        doc.nodes[0].attributes.insert("label".into(), "x".into());
        doc.nodes[0]
            .attributes
            .insert("attr_label".into(), "y".into());
        let cols = attribute_columns(&doc);
        assert!(cols.contains(&("attr_label".into(), "attr_label".into())));
        assert!(cols.contains(&("label".into(), "attr_attr_label".into())));
    }

    #[cfg(unix)]
    #[test]
    fn a_named_pipe_is_written_to_and_a_link_is_followed_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        let dir =
            std::env::temp_dir().join(format!("talkgraph-export-pipe-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let doc = testdoc::sample();
        let opts = ExportOptions::default();
        let mut want = Vec::new();
        write_stream(&doc, Format::Json, &opts, &mut want).unwrap();
        // A named pipe stands for /dev/null and the like: renaming a file over it would
        // replace it. Its reader gets the whole document and it stays a pipe.
        let pipe = dir.join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&pipe).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");
        let reader = {
            let pipe = pipe.clone();
            std::thread::spawn(move || fs::read(pipe).unwrap())
        };
        write_to_path(&doc, Format::Json, &opts, &pipe).unwrap();
        // Checked before waiting for the reader, which a replaced pipe would leave blocked.
        assert!(fs::symlink_metadata(&pipe).unwrap().file_type().is_fifo());
        assert_eq!(reader.join().unwrap(), want);
        // A link to a file: the file gets the document, the link stays a link.
        let file = dir.join("real.json");
        fs::write(&file, "old").unwrap();
        let link = dir.join("link.json");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        write_to_path(&doc, Format::Json, &opts, &link).unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read(&file).unwrap(), want);
        let _ = fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_planted_at_the_old_temporary_name_is_not_written_through() {
        let dir =
            std::env::temp_dir().join(format!("talkgraph-export-plant-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let victim = dir.join("victim");
        fs::write(&victim, "precious").unwrap();
        // The name the writer once used, `.NAME.tmp-PID`, was guessable from outside.
        let planted = dir.join(format!(".g.json.tmp-{}", std::process::id()));
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        let g = dir.join("g.json");
        write_to_path(
            &testdoc::sample(),
            Format::Json,
            &ExportOptions::default(),
            &g,
        )
        .unwrap();
        assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
        assert!(fs::read_to_string(&g).unwrap().starts_with('{'));
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn write_to_path_replaces_atomically_and_cleans_up_on_failure() {
        let dir =
            std::env::temp_dir().join(format!("talkgraph-export-unit-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let doc = testdoc::sample();
        let opts = ExportOptions::default();
        let file = dir.join("g.json");
        write_to_path(&doc, Format::Json, &opts, &file).unwrap();
        write_to_path(&doc, Format::Json, &opts, &file).unwrap();
        // A folder in the way: the rename fails, the folder stays, no temporary is left.
        let blocked = dir.join("blocked.json");
        fs::create_dir(&blocked).unwrap();
        fs::write(blocked.join("keep"), "x").unwrap();
        assert!(write_to_path(&doc, Format::Json, &opts, &blocked).is_err());
        assert!(blocked.join("keep").exists());
        // Neo4j refuses a folder holding anything but its own files.
        assert!(matches!(
            write_to_path(&doc, Format::Neo4j, &opts, &blocked),
            Err(Error::Usage(_))
        ));
        let neo = dir.join("neo");
        write_to_path(&doc, Format::Neo4j, &opts, &neo).unwrap();
        write_to_path(&doc, Format::Neo4j, &opts, &neo).unwrap();
        let mut names: Vec<String> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["blocked.json", "g.json", "neo"]);
        let mut files: Vec<String> = fs::read_dir(&neo)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        assert_eq!(files, ["import.cypher", "nodes.csv", "relationships.csv"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn stream_write_refuses_neo4j() {
        let mut out = Vec::new();
        let err = write(
            &testdoc::sample(),
            Format::Neo4j,
            &ExportOptions::default(),
            &mut out,
        );
        assert!(matches!(err, Err(Error::Usage(_))));
    }

    #[test]
    fn every_format_is_deterministic() {
        let doc = testdoc::sample();
        for f in Format::ALL.into_iter().filter(|f| !f.is_folder()) {
            let mut a = Vec::new();
            let mut b = Vec::new();
            write(&doc, f, &ExportOptions::default(), &mut a).unwrap();
            write(&doc, f, &ExportOptions::default(), &mut b).unwrap();
            assert_eq!(a, b, "{f}");
            assert!(a.ends_with(b"\n"), "{f} ends with a newline");
        }
    }
}
