//! The pipeline end to end: read each document, extract its facts, resolve them into a graph
//! of its own, and merge that into the corpus graph. Documents are independent until the
//! merge, and merging is a union that ignores order, so workers take documents in any order
//! and the corpus graph is the same bytes for any number of them. Streamed: a document's text
//! is dropped once its graph is made, so memory follows the graph, not the corpus.

use crate::error::{Error, Result};
use crate::graph::KnowledgeGraph;
use crate::read::{self, Failure, Warning};
use crate::rules::Rules;
use crate::{extract, resolve};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// The largest input read by default: far above any write-up, well below what would
/// exhaust memory; `--max-file-size` raises it.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 100 << 20;

/// Reads one input (`-` is stdin) into bytes, with the name used for it in output. An
/// input over `max` bytes is refused: a regular file by its size, before reading; a pipe
/// or device (`/dev/zero`) after `max` bytes, never whole.
pub fn read_input(path: &Path, max: u64) -> Result<(String, Vec<u8>)> {
    let source = source_name(path);
    let too_large = || Error::Invalid {
        path: PathBuf::from(&source),
        message: format!(
            "larger than the input size limit ({}); raise it with --max-file-size (e.g. {}), or leave the file out",
            show_size(max),
            show_size(max.saturating_mul(2))
        ),
    };
    let mut buf = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin()
            .lock()
            .take(max.saturating_add(1))
            .read_to_end(&mut buf)
            .map_err(|e| Error::io("<stdin>", e))?;
    } else {
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let meta = file.metadata().map_err(|e| Error::io(path, e))?;
        if meta.is_file() && meta.len() > max {
            return Err(too_large());
        }
        file.take(max.saturating_add(1))
            .read_to_end(&mut buf)
            .map_err(|e| Error::io(path, e))?;
    }
    if buf.len() as u64 > max {
        return Err(too_large());
    }
    Ok((source, buf))
}

/// A byte count as `--max-file-size` takes it back: `100M`, `1G`, `512K`, or bytes.
pub fn show_size(n: u64) -> String {
    for (unit, shift) in [("G", 30), ("M", 20), ("K", 10)] {
        if n >= 1 << shift && n.is_multiple_of(1 << shift) {
            return format!("{}{unit}", n >> shift);
        }
    }
    n.to_string()
}

/// Parses a size: bytes, or a number with `K`, `M` or `G` (powers of 1024; a trailing
/// `B` or `iB` is allowed).
pub fn parse_size(s: &str) -> std::result::Result<u64, String> {
    let t = s.trim();
    let t = t
        .strip_suffix("iB")
        .or_else(|| t.strip_suffix('B'))
        .unwrap_or(t);
    let (digits, shift) = match t.char_indices().last() {
        Some((i, 'K' | 'k')) => (&t[..i], 10),
        Some((i, 'M' | 'm')) => (&t[..i], 20),
        Some((i, 'G' | 'g')) => (&t[..i], 30),
        _ => (t, 0),
    };
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(1 << shift))
        .filter(|n| *n > 0)
        .ok_or_else(|| {
            format!("'{s}' is not a size: write bytes or a number with K, M or G (e.g. 200M)")
        })
}

/// The name a file gets in output: its path as given, with `/` separators and without
/// `.` components (`./a.txt` and `a.txt` are one source across runs of `--into`; `..`
/// stays, as it cannot be removed without reading the file system). A name that is not
/// UTF-8 is made so with U+FFFD, so two files can share a name: [`extract_corpus`]
/// leaves such files out.
pub fn source_name(path: &Path) -> String {
    use std::path::Component;
    if path.as_os_str() == "-" {
        return "<stdin>".to_string();
    }
    let mut name = String::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::RootDir => name.push('/'),
            c => {
                if !name.is_empty() && !name.ends_with('/') {
                    name.push('/');
                }
                name.push_str(&c.as_os_str().to_string_lossy());
            }
        }
    }
    if name.is_empty() {
        name.push('.');
    }
    name.replace('\\', "/")
}

/// Leaves out, as failures, the files whose names differ but whose source names are one
/// (names that are not UTF-8): under one name, `--into` would take one for the other
/// and drop the facts of a document that did not change.
fn refuse_shared_names(paths: &mut Vec<PathBuf>, failures: &mut Vec<Failure>) {
    let mut by_name: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, p) in paths.iter().enumerate() {
        if p.as_os_str() != "-" {
            by_name.entry(source_name(p)).or_default().push(i);
        }
    }
    let mut out = vec![false; paths.len()];
    for (name, ix) in by_name.iter().filter(|(_, ix)| ix.len() > 1) {
        let all: Vec<String> = ix.iter().map(|&i| format!("{:?}", paths[i])).collect();
        for &i in ix {
            out[i] = true;
            failures.push(Failure {
                source: name.clone(),
                error: Error::Invalid {
                    path: PathBuf::from(name),
                    message: format!(
                        "{} files are named this way once their names are made UTF-8 ({}); they are left out: rename them with UTF-8 names",
                        ix.len(),
                        all.join(", ")
                    ),
                },
            });
        }
    }
    let mut i = 0;
    paths.retain(|_| {
        i += 1;
        !out[i - 1]
    });
}

/// Extracts one document's bytes into a graph of its own.
pub fn extract_bytes(
    rules: &Rules,
    source: &str,
    bytes: Vec<u8>,
    warnings: &mut Vec<Warning>,
) -> Option<KnowledgeGraph> {
    extract_bytes_as(rules, source, bytes, None, warnings)
}

/// [`extract_bytes`] with the input format forced (`--input-format`) or, with `None`,
/// told by the name and the text.
pub fn extract_bytes_as(
    rules: &Rules,
    source: &str,
    bytes: Vec<u8>,
    format: Option<read::Format>,
    warnings: &mut Vec<Warning>,
) -> Option<KnowledgeGraph> {
    extract_capped(
        rules,
        source,
        bytes,
        format,
        Some(crate::graph::DEFAULT_MAX_MENTIONS),
        warnings,
    )
}

/// [`extract_bytes_as`] keeping at most `max_mentions` spans per (node or edge, source).
fn extract_capped(
    rules: &Rules,
    source: &str,
    bytes: Vec<u8>,
    format: Option<read::Format>,
    max_mentions: Option<usize>,
    warnings: &mut Vec<Warning>,
) -> Option<KnowledgeGraph> {
    let hash = resolve::content_hash(&bytes);
    let (doc, w) = read::decode_as(source, bytes, format);
    warnings.extend(w);
    let doc = doc?;
    let mut facts = extract::extract(rules, &doc);
    if let Some(map) = &doc.offsets {
        facts.map_offsets(|o| map.get(o).map_or(o, |&m| m as usize));
    }
    drop(doc);
    let mut g = KnowledgeGraph::new();
    g.set_max_mentions(max_mentions);
    resolve::add_facts(&mut g, &facts);
    g.add_source(&facts.source, Some(&hash));
    g.set_rules_fingerprint(&rules.fingerprint);
    g.set_document(&facts.source, &facts.document);
    // On the worker: the merging thread then appends records already sorted, without
    // repeats and capped, and sorts the corpus's once at the end; so the corpus graph
    // never holds more than the cap of any document's mentions of one thing.
    g.compact();
    Some(g)
}

/// What became of one document in an incremental run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Not in the graph before.
    Added,
    /// In the graph with another content hash: its old contributions are replaced.
    Changed,
    /// Same content hash as in the graph: not extracted again.
    Unchanged,
}

/// How to run over a corpus.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    /// Worker threads (1 runs everything on the calling thread).
    pub jobs: usize,
    /// Content hashes of the graph being updated: documents whose hash is there unchanged
    /// are skipped.
    pub known: Option<&'a BTreeMap<String, String>>,
    /// Read every input as this format instead of telling it by name and content.
    pub format: Option<read::Format>,
    /// Where the result will be written: an input that is this file stops the run before
    /// any document is read.
    pub output: Option<&'a Path>,
    /// Inputs larger than this are refused ([`read_input`]).
    pub max_bytes: u64,
    /// Mentions kept per (node, source) and evidence per (edge, source); `None` keeps
    /// all ([`KnowledgeGraph::set_max_mentions`]).
    pub max_mentions: Option<usize>,
}

/// How far a run is, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
    pub bytes: u64,
}

/// The outcome of a run over a corpus.
#[derive(Debug, Default)]
pub struct Corpus {
    /// The documents extracted (not the skipped ones), merged.
    pub graph: KnowledgeGraph,
    /// What happened to each document, by source name.
    pub status: BTreeMap<String, Status>,
    /// Folder walking's first, then each document's, in input order.
    pub warnings: Vec<Warning>,
    /// Inputs that could not be read, in input order: the graph is made without them.
    pub failures: Vec<Failure>,
    /// Files in the folders given that are not of a type talkgraph reads, by extension.
    pub passed_over: BTreeMap<String, usize>,
}

impl Corpus {
    /// Whether a source of an older graph lies where reading failed, so that `--prune`
    /// must keep it: its file may well be there still.
    pub fn failed_under(&self, source: &str) -> bool {
        self.failures.iter().any(|f| {
            source == f.source
                || source
                    .strip_prefix(f.source.as_str())
                    .is_some_and(|rest| rest.starts_with('/') || f.source.ends_with('/'))
        })
    }
}

/// One document's result, sent from a worker to the merging thread.
struct Done {
    source: String,
    status: Status,
    graph: Option<KnowledgeGraph>,
    warnings: Vec<Warning>,
    bytes: u64,
}

fn process(rules: &Rules, path: &Path, options: Options<'_>) -> Result<Done> {
    let known = options.known;
    let (source, bytes) = read_input(path, options.max_bytes)?;
    let len = bytes.len() as u64;
    let status = match known.and_then(|k| k.get(&source)) {
        None => Status::Added,
        Some(old) if *old == resolve::content_hash(&bytes) => {
            return Ok(Done {
                source,
                status: Status::Unchanged,
                graph: None,
                warnings: Vec::new(),
                bytes: len,
            });
        }
        Some(_) => Status::Changed,
    };
    let mut warnings = Vec::new();
    let graph = extract_capped(
        rules,
        &source,
        bytes,
        options.format,
        options.max_mentions,
        &mut warnings,
    );
    Ok(Done {
        source,
        status,
        graph,
        warnings,
        bytes: len,
    })
}

/// Extracts every document named by `inputs` (files, folders, `-`) into one graph, on
/// `options.jobs` threads; `progress` is called on the calling thread after each document.
pub fn extract_corpus(
    rules: &Rules,
    inputs: &[PathBuf],
    options: Options<'_>,
    progress: &mut dyn FnMut(Progress),
) -> Result<Corpus> {
    let found = read::discover(inputs)?;
    if let Some(out) = options.output
        && let Some(input) = found.paths.iter().find(|p| read::is_same_file(p, out))
    {
        return Err(Error::overwrites_input(out, input));
    }
    let mut paths = found.paths;
    let mut failures_found = found.failures;
    refuse_shared_names(&mut paths, &mut failures_found);
    let total = paths.len();
    let mut corpus = Corpus {
        warnings: found.warnings,
        failures: failures_found,
        passed_over: found.passed_over,
        ..Corpus::default()
    };
    corpus.graph.set_max_mentions(options.max_mentions);
    let mut warnings: Vec<(usize, Vec<Warning>)> = Vec::new();
    let mut failures: Vec<(usize, Failure)> = Vec::new();
    let mut state = Progress {
        done: 0,
        total,
        bytes: 0,
    };
    // A document that cannot be read is left out and the others still make the graph;
    // the caller says the run was partial.
    let mut sink = |i: usize, r: Result<Done>| {
        match r {
            Ok(d) => {
                if let Some(g) = &d.graph {
                    corpus.graph.merge(g);
                }
                corpus.status.insert(d.source, d.status);
                if !d.warnings.is_empty() {
                    warnings.push((i, d.warnings));
                }
                state.bytes += d.bytes;
            }
            Err(error) => failures.push((
                i,
                Failure {
                    source: source_name(&paths[i]),
                    error,
                },
            )),
        }
        state.done += 1;
        progress(state);
    };
    let jobs = options.jobs.clamp(1, total.max(1));
    if jobs == 1 {
        for (i, p) in paths.iter().enumerate() {
            sink(i, process(rules, p, options));
        }
    } else {
        let next = AtomicUsize::new(0);
        // A few documents in flight per worker: enough to keep them busy, never the corpus.
        let (tx, rx) = mpsc::sync_channel::<(usize, Result<Done>)>(jobs * 2);
        std::thread::scope(|scope| {
            for _ in 0..jobs {
                let tx = tx.clone();
                let (next, paths) = (&next, &paths);
                scope.spawn(move || {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(p) = paths.get(i) else { break };
                        if tx.send((i, process(rules, p, options))).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(tx);
            for (i, r) in rx {
                sink(i, r);
            }
        });
    }
    corpus.graph.compact();
    warnings.sort_by_key(|(i, _)| *i);
    corpus
        .warnings
        .extend(warnings.into_iter().flat_map(|(_, w)| w));
    failures.sort_by_key(|(i, _)| *i);
    corpus.failures.extend(failures.into_iter().map(|(_, f)| f));
    Ok(corpus)
}

/// Extracts every document named by `inputs` into one graph, on one thread. Unlike
/// `extract`, an input that cannot be read is an error: a question is answered from the
/// whole corpus or not at all.
pub fn extract_paths(
    rules: &Rules,
    inputs: &[PathBuf],
    warnings: &mut Vec<Warning>,
) -> Result<KnowledgeGraph> {
    let corpus = extract_corpus(
        rules,
        inputs,
        Options {
            jobs: 1,
            known: None,
            format: None,
            output: None,
            max_bytes: DEFAULT_MAX_FILE_SIZE,
            max_mentions: Some(crate::graph::DEFAULT_MAX_MENTIONS),
        },
        &mut |_| {},
    )?;
    if let Some(f) = corpus.failures.into_iter().next() {
        return Err(f.error);
    }
    warnings.extend(corpus.warnings);
    Ok(corpus.graph)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_and_show_back() {
        let ok = [
            ("100", 100),
            ("1K", 1024),
            ("4KiB", 4096),
            ("100M", 100 << 20),
            ("2g", 2 << 30),
            ("5MB", 5 << 20),
        ];
        for (s, n) in ok {
            assert_eq!(parse_size(s), Ok(n), "{s}");
        }
        for bad in ["", "0", "-1", "M", "1.5G", "1T", "99999999999G"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
        assert_eq!(show_size(100 << 20), "100M");
        assert_eq!(show_size(1536), "1536");
        assert_eq!(show_size(3 << 30), "3G");
        assert_eq!(
            parse_size(&show_size(DEFAULT_MAX_FILE_SIZE)),
            Ok(DEFAULT_MAX_FILE_SIZE)
        );
    }
}

#[cfg(test)]
mod properties {
    //! Properties of the whole document path (decode, read, extract, resolve, export) over
    //! generated write-ups: no panic, the same bytes whatever the threads and file order,
    //! spans that show what they claim, and JSON that loads back to the same bytes.

    use super::*;
    use crate::export::{self, ExportOptions, Format};
    use proptest::prelude::*;

    /// Pieces of write-ups in every format the reader knows: structure (headings, lists,
    /// tables, front matter, links, tags, references), names and organisations the rules
    /// know, cue words, quotes, line ends, and Unicode that breaks byte arithmetic.
    #[rustfmt::skip]
    const PIECES: &[&str] = &[
        "# ", "## ", "### ", "\n", "\n\n", "- ", "* ", "1. ", "  - ", "| ", " | ", "|---|---|\n",
        "**", "*", "_", "`", "```\n", "[", "](https://github.com/qorp/kafka)", "![a](i.png)",
        "{: .x}", "{{< tweet >}}", "---\n", "+++\n", "title: ", "{\"title\": \"", "\"}\n",
        "<!DOCTYPE html>", "<html>", "<main>", "</main>", "<article>", "<h2>", "</h2>", "<p>",
        "</p>", "<li>", "<td>", "</td>", "<tr>", "<nav>", "<script>", "</script>", "<!--",
        "-->", "<br>", "<a href=\"x\">", "</a>", "&amp;", "&eacute;", "&#233;", "&#x1F389;",
        "&nbsp;", "&rsquo;", "&lt;", "&", ";", "Talk 1 : ", "Intervenant : ", "Speaker: ",
        "Par ", "By ", "Ana Ruiz", "Jean-Paul Dupont", "Aïcha Benali", "Li", "de chez ",
        "chez ", " at ", " works at ", " presented ", "nous a présenté ", "Qorp", "Google",
        "Kubernetes", "Kafka", "KubeCon Europe 2022", "Meetup Cloud Native Lyon #7", "talk",
        "keynote", "«", "»", "“", "”", "\"", "'", "’", ", ", ". ", "? ", " — ", " - ", "(",
        ")", ":", "\r\n", "\r", "\t", " ", "⟦P1⟧", "\u{feff}", "\u{301}", "\u{200b}",
        "\u{2028}", "\u{a0}", "🎉", "ǅ", "İ", "ß", "ﬁ", "Σ", "😀",
    ];

    fn write_up() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop_oneof![
                6 => prop::sample::select(PIECES).prop_map(String::from),
                1 => any::<char>().prop_map(String::from),
                1 => "[A-Z][a-zé]{1,8}",
            ],
            0..60,
        )
        .prop_map(|p| p.concat())
    }

    /// A write-up's bytes, sometimes behind a byte order mark or holding a byte that is
    /// not UTF-8 (which makes the reader decode Windows-1252).
    fn file_bytes() -> impl Strategy<Value = Vec<u8>> {
        (
            write_up(),
            prop::sample::select(vec![&b""[..], b"\xef\xbb\xbf", b"\xff\xfe"]),
            prop::option::of((any::<prop::sample::Index>(), 0x80u8..=0xff)),
        )
            .prop_map(|(text, bom, byte)| {
                let mut b = bom.to_vec();
                if bom == b"\xff\xfe" {
                    b.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
                } else {
                    b.extend(text.bytes());
                }
                if let Some((at, x)) = byte {
                    let at = at.index(b.len() + 1);
                    b.insert(at, x);
                }
                b
            })
    }

    fn rules() -> &'static Rules {
        crate::rules::default_rules().expect("embedded rules compile")
    }

    fn json(kg: &mut KnowledgeGraph, jobs: usize) -> Vec<u8> {
        let mut out = Vec::new();
        export::write_graph(
            kg,
            Format::Json,
            &ExportOptions::default(),
            jobs,
            None,
            &mut out,
        )
        .expect("writing to memory");
        out
    }

    /// Text with every run of white space read as one space.
    fn words(s: &str) -> String {
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// Every mention and piece of evidence of `kg`, as the JSON writes them.
    fn spans(kg: &KnowledgeGraph) -> Vec<crate::model::Span> {
        let doc = kg.to_doc();
        let nodes = doc.nodes.into_iter().flat_map(|n| n.mentions);
        nodes
            .chain(doc.edges.into_iter().flat_map(|e| e.evidence))
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Any bytes under any name and forced format make a graph (or are refused as
        /// not text) without a panic, and every span lies inside the file, on character
        /// boundaries when the file is UTF-8.
        #[test]
        fn any_write_up_extracts_without_panicking(
            bytes in file_bytes(),
            name in prop::sample::select(vec!["p.txt", "p.md", "p.html", "-"]),
            format in prop::option::of(prop::sample::select(vec![
                read::Format::Text,
                read::Format::Markdown,
                read::Format::Html,
            ])),
        ) {
            let mut warnings = Vec::new();
            let Some(kg) = extract_bytes_as(rules(), name, bytes.clone(), format, &mut warnings)
            else {
                prop_assert!(bytes.contains(&0) || !warnings.is_empty(), "refused without a word");
                return Ok(());
            };
            let text = std::str::from_utf8(&bytes).ok();
            for s in spans(&kg) {
                prop_assert!(s.start <= s.end && s.end <= bytes.len(), "{:?} in {} bytes", s, bytes.len());
                prop_assert!(s.line >= 1);
                if let Some(t) = text {
                    prop_assert!(t.is_char_boundary(s.start) && t.is_char_boundary(s.end), "{:?}", s);
                }
            }
        }

        /// The promise of a span: its bytes are a place of the file whose visible text
        /// (markup blanked, as the reader shows it) is the span's text, white space aside
        /// (a snippet reads a line break as a space; a title keeps its spaces). Text and
        /// Markdown without character references, whose view is the file's own bytes.
        #[test]
        fn spans_show_their_text(
            text in write_up().prop_filter("no character references", |t| !t.contains('&')),
            name in prop::sample::select(vec!["p.txt", "p.md"]),
        ) {
            let mut warnings = Vec::new();
            let Some(kg) = extract_bytes(rules(), name, text.clone().into_bytes(), &mut warnings) else {
                return Ok(());
            };
            // Read as the pipeline reads it (lone CRs as line feeds, a byte order mark
            // dropped: the only bytes that move).
            let doc = read::decode(name, text.clone().into_bytes()).0.expect("read once already");
            let bom = text.len() - doc.text.len();
            let layout = read::layout(&doc);
            for s in spans(&kg) {
                let shown = layout.clean.get(s.start - bom..s.end - bom);
                prop_assert!(shown.is_some(), "{:?} is not a span of {:?}", s, text);
                prop_assert_eq!(words(shown.unwrap()), words(&s.text), "{:?} in {:?}", s, text);
                let before = &text[..s.start];
                let line_ends = before.matches('\n').count() + before.matches('\r').count()
                    - before.matches("\r\n").count();
                prop_assert_eq!(s.line, 1 + line_ends, "{:?} in {:?}", s, text);
            }
        }

        /// The JSON of an extraction loads back into a graph that writes the same bytes.
        #[test]
        fn extracted_json_loads_back_to_the_same_bytes(text in write_up(), name in prop::sample::select(vec!["p.txt", "p.md", "p.html"])) {
            let Some(mut kg) = extract_bytes(rules(), name, text.into_bytes(), &mut Vec::new()) else {
                return Ok(());
            };
            let first = json(&mut kg, 1);
            let mut back = KnowledgeGraph::from_json_str(std::str::from_utf8(&first).unwrap())
                .map_err(|e| TestCaseError::fail(format!("{e}")))?;
            let second = json(&mut back, 1);
            prop_assert!(first == second, "{}\n---\n{}", String::from_utf8_lossy(&first), String::from_utf8_lossy(&second));
        }
    }

    proptest! {
        // Each case extracts a small corpus six times, from files.
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// The same documents give the same bytes on every run, whatever the number of
        /// threads and the order they are named in.
        #[test]
        fn same_documents_give_the_same_bytes_whatever_the_threads_and_order(
            docs in prop::collection::vec(write_up(), 1..5),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let names = ["a.md", "b.txt", "c.html", "d.md", "e.txt"];
            let paths: Vec<PathBuf> = docs
                .iter()
                .zip(names)
                .map(|(text, name)| {
                    let p = dir.path().join(name);
                    std::fs::write(&p, text).unwrap();
                    p
                })
                .collect();
            let run = |paths: &[PathBuf], jobs: usize| {
                let options = Options { jobs, known: None, format: None, output: None, max_bytes: DEFAULT_MAX_FILE_SIZE, max_mentions: Some(crate::graph::DEFAULT_MAX_MENTIONS) };
                let mut c = extract_corpus(rules(), paths, options, &mut |_| {}).unwrap();
                json(&mut c.graph, jobs)
            };
            let reference = run(&paths, 1);
            let mut reversed = paths.clone();
            reversed.reverse();
            let mut rotated = paths.clone();
            rotated.rotate_left(1);
            for (order, jobs) in [(&paths, 1), (&paths, 3), (&reversed, 1), (&reversed, 2), (&rotated, 4)] {
                let out = run(order, jobs);
                prop_assert!(out == reference, "--jobs {} {:?}:\n{}\n--- expected\n{}", jobs, order,
                    String::from_utf8_lossy(&out), String::from_utf8_lossy(&reference));
            }
        }
    }
}
