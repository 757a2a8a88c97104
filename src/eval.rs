//! `talkgraph eval`: scores graph JSON files against gold annotations and prints exactly what
//! `../shared/eval/score.py` prints (same counts, table, notes and last line). It reads graphs
//! as loose JSON like the scorer, and must not use the extractor's own `fold`, which keeps
//! non-ASCII letters where the scorer drops them.

use crate::cli::Exit;
use crate::error::{Error, Result};
use crate::graph::{Kind, Relation};
use once_cell::sync::Lazy;
use regex::Regex;
use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::canonical_combining_class;

mod by_rule;
pub use by_rule::Format;

const EXAMPLES: &str = "\
Examples:
  talkgraph eval --gold recap.gold.json output/graph.json
  talkgraph eval --explain --gold a.gold.json a.json --gold b.gold.json b.json
  talkgraph eval --min-entity-f1 0.6 --min-relation-f1 0.4 --gold recap.gold.json graph.json
  talkgraph eval --gold fixtures/*.gold.json --by-rule fixtures/
  talkgraph eval --gold fixtures/*.gold.json --by-rule output/graph.json --format json

Prints precision, recall and F1 per entity type and per relation, summed over all pairs
(micro-average); the last line holds the two headline F1 figures.

--by-rule pairs each gold with its document (the gold's \"document\" field, else its own name)
among documents it extracts one by one, or among the sources of one graph, and credits each
true and false positive to a rule: an edge to the rule id it records, a node to the gazetteer
of its type when it lists one of its names (gazetteer:projects.txt), else to unlisted:TYPE.
Rules are listed most false positives first, then lowest precision; with --explain, each
rule's false positives under it. False negatives are credited to no rule: none produced them.

A gold file is JSON: {\"document\", \"language\", \"entities\": [{\"type\", \"name\", \"aliases\"}],
\"relations\": [{\"source\", \"relation\", \"target\"}], \"optional_entities\", \"optional_relations\"}
with types person, company, project, talk, event and relations works_at, presents, mentions,
part_of, develops. Names match after folding accents and case and collapsing punctuation;
talk titles also match at a word-set overlap of 0.8. The README's \"Gold files\" section
has an example; fixtures/*.gold.json are more.";

/// Arguments of `talkgraph eval`, exactly as typed.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct EvalArgs {
    /// A gold file (NAME.gold.json) followed by the graph JSON extracted from that document.
    /// Repeat for several documents: counts are summed before computing the scores. With
    /// --by-rule, gold files only (`--gold fixtures/*.gold.json`).
    #[arg(
        long = "gold",
        num_args = 1..,
        value_names = ["GOLD", "GRAPH"],
        action = clap::ArgAction::Append,
        required = true
    )]
    pub pairs: Vec<PathBuf>,
    /// Also credit each true and false positive to the rule that produced it and list the
    /// rules, most false positives first. Takes the documents the golds describe (files or
    /// folders, extracted on the fly) or one graph JSON made from them (cut per document).
    #[arg(long, num_args = 1.., value_name = "DOCS|GRAPH")]
    pub by_rule: Vec<PathBuf>,
    /// Output format: text (the tables) or json (for scripts).
    #[arg(short, long, value_enum, default_value = "text")]
    pub format: Format,
    /// With --by-rule: the rule folder to extract with and whose gazetteers credit entities
    /// (default: the embedded rules).
    #[arg(long, value_name = "DIR", requires = "by_rule")]
    pub rules: Option<PathBuf>,
    /// Also list every false positive (FP) and false negative (FN), before the last line.
    #[arg(long)]
    pub explain: bool,
    /// Print no warnings (a gold whose document is not among its graph's sources).
    #[arg(short, long)]
    pub quiet: bool,
    /// Exit with code 1 when the overall entity F1 is below X (from 0 to 1).
    #[arg(long, value_name = "X", default_value_t = 0.0, value_parser = floor)]
    pub min_entity_f1: f64,
    /// Exit with code 1 when the overall relation F1 is below Y (from 0 to 1).
    #[arg(long, value_name = "Y", default_value_t = 0.0, value_parser = floor)]
    pub min_relation_f1: f64,
}

/// An F1 floor: a number from 0 to 1 (NaN would make every comparison false and pass).
fn floor(s: &str) -> std::result::Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!("`{s}` is not a number from 0 to 1")),
    }
}

/// Scores every (gold, graph) pair and writes the report to `out`.
///
/// Files are read in the scorer's order (gold, then its graph, pair by pair) and nothing is
/// written unless all of them load, so a bad file leaves `out` empty.
pub fn run(args: &EvalArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<Exit> {
    if !args.by_rule.is_empty() {
        return by_rule::run(args, out);
    }
    if args.pairs.len() % 2 == 1 {
        return Err(Error::Usage(format!(
            "--gold takes a gold file and the graph of its document ({} has no graph after it); \
             give `--gold GOLD GRAPH` for each document, or --by-rule DOCS to extract them",
            args.pairs[args.pairs.len() - 1].display()
        )));
    }
    let mut scorer = Scorer::default();
    for pair in args.pairs.chunks(2) {
        let [gold_path, graph_path] = pair else {
            unreachable!("clap gives --gold exactly two values")
        };
        let gold_text = read(gold_path)?;
        let gold = Gold::parse(gold_path, &gold_text)?;
        let graph = Graph::open(graph_path)?;
        if !args.quiet
            && let Some(w) = graph.mismatch(gold_path, &gold_text)
        {
            let _ = writeln!(err, "talkgraph: warning: {w}");
        }
        scorer.add(&gold, &graph)?;
    }
    let (entity_f1, relation_f1) = match args.format {
        Format::Text => scorer.report(out, args.explain),
        Format::Json => by_rule::write_json(out, &scorer, None),
    }
    .map_err(|e| Error::io("<stdout>", e))?;
    Ok(verdict(args, entity_f1, relation_f1))
}

/// Exit 1 when a headline F1 is under the floor asked for, as score.py does.
fn verdict(args: &EvalArgs, entity_f1: f64, relation_f1: f64) -> Exit {
    if entity_f1 < args.min_entity_f1 || relation_f1 < args.min_relation_f1 {
        Exit::BelowThreshold
    } else {
        Exit::Ok
    }
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| Error::io(path, e))
}

// ---------------------------------------------------------------------------------------------
// Folding, exactly as score.py's `fold` and `tokens`.

/// Python's `\w` for `str` patterns: letters, numbers and `_` (narrower than Rust's `\w`,
/// which also takes marks and every connector punctuation).
static PY_WORD: Lazy<Regex> = Lazy::new(|| Regex::new(r"^[\p{L}\p{N}_]$").expect("valid regex"));

/// Characters Python's `str.isprintable` rejects (other than the ASCII ones `repr` handles
/// first): every "Other" and "Separator" category.
static PY_UNPRINTABLE: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"^[\p{C}\p{Z}]$").expect("valid regex"));

fn char_matches(re: &Regex, c: char) -> bool {
    re.is_match(c.encode_utf8(&mut [0; 4]))
}

/// score.py's `fold`: NFKD, drop characters with a non-zero combining class (not the same set
/// as the "mark" categories), unify curly apostrophes, lower-case, glue `'s` at a word end,
/// then every run of characters outside `[a-z0-9]` (non-ASCII letters included) is one space.
pub(crate) fn score_fold(s: &str) -> String {
    let lowered = s
        .nfkd()
        .filter(|&c| canonical_combining_class(c) == 0)
        .map(|c| match c {
            '\u{2019}' | '\u{2018}' => '\'',
            c => c,
        })
        .collect::<String>()
        .to_lowercase();
    // re.sub(r"'s\b", "s", s): the `\b` holds when the next character is not a word character.
    let chars: Vec<char> = lowered.chars().collect();
    let mut glued = String::with_capacity(lowered.len());
    let mut i = 0;
    while i < chars.len() {
        let at_word_end = || !chars.get(i + 2).is_some_and(|&c| char_matches(&PY_WORD, c));
        if chars[i] == '\'' && chars.get(i + 1) == Some(&'s') && at_word_end() {
            glued.push('s');
            i += 2;
        } else {
            glued.push(chars[i]);
            i += 1;
        }
    }
    glued
        .split(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit()))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn tokens(s: &str) -> BTreeSet<String> {
    score_fold(s)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

fn jaccard(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    let union = a.union(b).count();
    if union == 0 {
        return 0.0;
    }
    a.intersection(b).count() as f64 / union as f64
}

// ---------------------------------------------------------------------------------------------
// Python's view of JSON values: the scorer prints names with `repr` and `str`, tests truth,
// and keys a dict by node id, so these follow Python's rules for the values `json` produces.

/// `repr(s)` for a Python string.
fn py_repr_str(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        let n = c as u32;
        match c {
            '\\' => out.push_str("\\\\"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            _ if n < 0x20 || n == 0x7f => {
                let _ = write!(out, "\\x{n:02x}");
            }
            c if c.is_ascii() || !char_matches(&PY_UNPRINTABLE, c) => out.push(c),
            _ if n <= 0xff => {
                let _ = write!(out, "\\x{n:02x}");
            }
            _ if n <= 0xffff => {
                let _ = write!(out, "\\u{n:04x}");
            }
            _ => {
                let _ = write!(out, "\\U{n:08x}");
            }
        }
    }
    out.push(quote);
    out
}

/// `repr(f)` for a Python float: shortest round-trip digits, positional between 1e-4 and 1e16.
fn py_repr_float(f: f64) -> String {
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').expect("{:e} always has an exponent");
    let exp: i32 = exp.parse().expect("{:e} exponent is an integer");
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits = mantissa.replace('.', "");
    let body = if (-4..16).contains(&exp) {
        let point = exp + 1;
        if point <= 0 {
            format!("0.{}{digits}", "0".repeat(point.unsigned_abs() as usize))
        } else if point as usize >= digits.len() {
            format!("{digits}{}.0", "0".repeat(point as usize - digits.len()))
        } else {
            let (int, frac) = digits.split_at(point as usize);
            format!("{int}.{frac}")
        }
    } else {
        let (first, rest) = digits.split_at(1);
        let dot = if rest.is_empty() { "" } else { "." };
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{first}{dot}{rest}e{esign}{:02}", exp.unsigned_abs())
    };
    format!("{sign}{body}")
}

/// `repr(v)` for what `json.load` returns. Objects list their keys sorted (serde_json's map
/// order), where Python would keep file order.
fn py_repr(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.to_string(),
            (_, Some(u), _) => u.to_string(),
            (_, _, Some(f)) => py_repr_float(f),
            _ => n.to_string(),
        },
        Value::String(s) => py_repr_str(s),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(py_repr).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(map) => {
            let items: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", py_repr_str(k), py_repr(v)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
    }
}

/// `str(v)`: strings as they are, anything else as its `repr`.
fn py_str(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        v => py_repr(v),
    }
}

fn py_truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// `list(v)` as strings: a list's items, a string's characters, an object's keys.
fn py_list(v: &Value) -> Option<Vec<String>> {
    match v {
        Value::Array(items) => Some(items.iter().map(py_str).collect()),
        Value::String(s) => Some(s.chars().map(String::from).collect()),
        Value::Object(map) => Some(map.keys().cloned().collect()),
        _ => None,
    }
}

/// A node id as a Python dict key: `1`, `1.0` and `true` are the same key; `None` is a key
/// too (a node or edge end without an id). Lists and objects cannot be keys.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum PyKey {
    None,
    Num(String),
    Str(String),
}

impl PyKey {
    fn of(v: Option<&Value>) -> Option<PyKey> {
        Some(match v {
            None | Some(Value::Null) => PyKey::None,
            Some(Value::Bool(b)) => PyKey::Num(u8::from(*b).to_string()),
            Some(Value::Number(n)) => PyKey::Num(match (n.as_i64(), n.as_u64(), n.as_f64()) {
                (Some(i), _, _) => i.to_string(),
                (_, Some(u), _) => u.to_string(),
                (_, _, Some(f)) if f.fract() == 0.0 && f.abs() < 1e38 => (f as i128).to_string(),
                _ => n.to_string(),
            }),
            Some(Value::String(s)) => PyKey::Str(s.clone()),
            Some(Value::Array(_) | Value::Object(_)) => return None,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Gold annotations.

/// A gold entity's key: its type and folded canonical name.
type Canon = (String, String);
/// A gold relation: source key, relation name, target key.
type Trip = (Canon, String, Canon);

/// The gold file as written (see GOLD-FORMAT.md); unknown fields such as `document` are ignored.
#[derive(Debug, Deserialize)]
struct GoldFile {
    #[serde(default)]
    entities: Vec<GoldEntity>,
    #[serde(default)]
    optional_entities: Vec<GoldEntity>,
    #[serde(default)]
    relations: Vec<GoldRelation>,
    #[serde(default)]
    optional_relations: Vec<GoldRelation>,
}

#[derive(Debug, Deserialize)]
struct GoldEntity {
    #[serde(rename = "type")]
    kind: String,
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct GoldRelation {
    source: String,
    relation: String,
    target: String,
}

/// Gold annotations compiled for matching, as score.py's `Gold` class.
#[derive(Debug)]
struct Gold {
    /// (type, folded name or alias) → (canonical key, optional?); the first entity to claim
    /// a key keeps it, like `dict.setdefault`.
    keys: BTreeMap<Canon, (Canon, bool)>,
    /// Folded name → the canonical key of the first key (in file order) with that name, of
    /// any type: how relation ends in the gold file are resolved.
    by_name: BTreeMap<String, Canon>,
    /// Every talk name and alias as a token set, in file order.
    talks: Vec<(BTreeSet<String>, Canon, bool)>,
    /// Required entities in file order (a repeated entity is repeated here too).
    entities: Vec<Canon>,
    relations: BTreeSet<Trip>,
    optional_relations: BTreeSet<Trip>,
}

impl Gold {
    fn parse(path: &Path, text: &str) -> Result<Gold> {
        // serde would read `[]` as a struct of defaults: an empty gold that scores anything 0.
        if !text
            .trim_start_matches('\u{feff}')
            .trim_start()
            .starts_with('{')
        {
            return Err(Error::Invalid {
                path: path.to_path_buf(),
                message:
                    "a gold file is a JSON object {\"entities\": [...], \"relations\": [...]}; \
                          see `talkgraph eval --help`"
                        .into(),
            });
        }
        let file: GoldFile = serde_json::from_str(text).map_err(|e| Error::json(path, &e))?;
        let mut gold = Gold {
            keys: BTreeMap::new(),
            by_name: BTreeMap::new(),
            talks: Vec::new(),
            entities: Vec::new(),
            relations: BTreeSet::new(),
            optional_relations: BTreeSet::new(),
        };
        for (optional, group) in [(false, &file.entities), (true, &file.optional_entities)] {
            for e in group {
                gold.add_entity(e, optional);
            }
        }
        for (optional, group, field) in [
            (false, &file.relations, "relations"),
            (true, &file.optional_relations, "optional_relations"),
        ] {
            for (i, r) in group.iter().enumerate() {
                let trip = gold.resolve(r).map_err(|unknown| Error::Invalid {
                    path: path.to_path_buf(),
                    message: format!(
                        "{field}[{i}] ({} {} {}) names an unknown entity: {unknown}",
                        r.source, r.relation, r.target
                    ),
                })?;
                if optional {
                    gold.optional_relations.insert(trip);
                } else {
                    gold.relations.insert(trip);
                }
            }
        }
        gold.add_employer_mentions();
        Ok(gold)
    }

    fn add_entity(&mut self, e: &GoldEntity, optional: bool) {
        let canon: Canon = (e.kind.clone(), score_fold(&e.name));
        if !optional {
            self.entities.push(canon.clone());
        }
        for name in std::iter::once(&e.name).chain(&e.aliases) {
            let key: Canon = (e.kind.clone(), score_fold(name));
            if !self.keys.contains_key(&key) {
                self.by_name
                    .entry(key.1.clone())
                    .or_insert_with(|| canon.clone());
                self.keys.insert(key, (canon.clone(), optional));
            }
            if e.kind == Kind::Talk.as_str() {
                self.talks.push((tokens(name), canon.clone(), optional));
            }
        }
    }

    /// The relation as keys, or the first end that names no gold entity.
    fn resolve(&self, r: &GoldRelation) -> std::result::Result<Trip, String> {
        let end = |name: &str| {
            let canon = self.by_name.get(&score_fold(name)).cloned();
            canon.ok_or_else(|| py_repr_str(name))
        };
        let source = end(&r.source)?;
        let target = end(&r.target)?;
        Ok((source, r.relation.clone(), target))
    }

    /// A talk naming its own presenters' employers is neither rewarded nor penalised.
    fn add_employer_mentions(&mut self) {
        let mut employers: BTreeMap<&Canon, Vec<&Canon>> = BTreeMap::new();
        for (s, rel, o) in &self.relations {
            if rel == Relation::WorksAt.as_str() {
                employers.entry(s).or_default().push(o);
            }
        }
        let mut extra = Vec::new();
        for (s, rel, o) in &self.relations {
            if rel != Relation::Presents.as_str() {
                continue;
            }
            for &company in employers.get(s).into_iter().flatten() {
                let trip = (
                    o.clone(),
                    Relation::Mentions.as_str().to_string(),
                    company.clone(),
                );
                if !self.relations.contains(&trip) {
                    extra.push(trip);
                }
            }
        }
        self.optional_relations.extend(extra);
    }

    /// The gold key a predicted node stands for, and whether it is optional: an exact folded
    /// name or alias of the same type first, then (talks only) the best token overlap.
    fn match_node(&self, kind: &str, names: &[String]) -> Option<(Canon, bool)> {
        for name in names {
            if let Some(hit) = self.keys.get(&(kind.to_string(), score_fold(name))) {
                return Some(hit.clone());
            }
        }
        if kind != Kind::Talk.as_str() {
            return None;
        }
        let mut best: (f64, Option<(Canon, bool)>) = (0.0, None);
        for name in names {
            let toks = tokens(name);
            for (talk, canon, optional) in &self.talks {
                let j = jaccard(&toks, talk);
                // Strictly greater: the first of equally good titles wins.
                if j > best.0 {
                    best = (j, Some((canon.clone(), *optional)));
                }
            }
        }
        if best.0 >= 0.8 { best.1 } else { None }
    }

    /// Whether a canonical key is registered as optional (the `setdefault` winner decides).
    fn is_optional(&self, canon: &Canon) -> bool {
        self.keys.get(canon).is_some_and(|(_, optional)| *optional)
    }
}

// ---------------------------------------------------------------------------------------------
// Graphs.

/// A graph file's nodes and edges, kept as loose JSON like the scorer reads them.
#[derive(Debug)]
struct Graph {
    path: PathBuf,
    nodes: Vec<Value>,
    edges: Vec<Value>,
    /// The documents the graph says it was made from (`graph.sources`, and every span's).
    sources: BTreeSet<String>,
}

impl Graph {
    /// The graph a `--gold GOLD GRAPH` pair names: graph JSON as the scorer reads it, or
    /// a document (or folder) extracted on the fly, as the query commands take them.
    fn open(path: &Path) -> Result<Graph> {
        let is_json = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        if !is_json && !path.is_dir() {
            let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
            if crate::cli::looks_like_graph(&bytes) {
                return Graph::parse(path, &String::from_utf8_lossy(&bytes));
            }
        }
        if is_json {
            return Graph::parse(path, &read(path)?);
        }
        let kg = crate::cli::load_graph(std::slice::from_ref(&path.to_path_buf()), None)?;
        let doc = serde_json::to_value(kg.to_doc()).map_err(|e| Error::json(path, &e))?;
        Graph::from_value(path, &doc)
    }

    fn parse(path: &Path, text: &str) -> Result<Graph> {
        let text = text.trim_start_matches('\u{feff}');
        let g: Value = serde_json::from_str(text).map_err(|e| {
            let mut error = Error::json(path, &e);
            // serde's "expected value" says nothing to someone who gave a recap.
            if let Error::Json { message, .. } = &mut error
                && !text.trim_start().starts_with(['{', '['])
            {
                *message = format!(
                    "{message}: not a graph JSON file; give the JSON written by `talkgraph extract`, or the document itself under another name than .json"
                );
            }
            error
        })?;
        Graph::from_value(path, &g)
    }

    fn from_value(path: &Path, g: &Value) -> Result<Graph> {
        let list = |key: &str| g.get(key).and_then(Value::as_array).cloned();
        // g.get("edges", g.get("links")): a present "edges" wins even when it is not a list.
        let edges = if g.get("edges").is_some() {
            list("edges")
        } else {
            list("links")
        };
        match (list("nodes"), edges) {
            (Some(nodes), Some(edges)) => {
                let spans = |items: &[Value], field: &str| -> Vec<String> {
                    items
                        .iter()
                        .filter_map(|v| v.get(field)?.as_array())
                        .flatten()
                        .filter_map(|s| s.get("source")?.as_str().map(str::to_string))
                        .collect()
                };
                let listed = g
                    .get("graph")
                    .and_then(|m| m.get("sources")?.as_array())
                    .into_iter()
                    .flatten()
                    .filter_map(|s| s.as_str().map(str::to_string));
                let sources = listed
                    .chain(spans(&nodes, "mentions"))
                    .chain(spans(&edges, "evidence"))
                    .collect();
                Ok(Graph {
                    path: path.to_path_buf(),
                    nodes,
                    edges,
                    sources,
                })
            }
            _ => Err(Graph::invalid(
                path,
                "expected a JSON object with 'nodes' and 'edges' lists".into(),
            )),
        }
    }

    /// Why a gold's scores will collapse: its `"document"` is none of the graph's sources.
    /// Nothing is said when the gold names no document or the graph records no source.
    fn mismatch(&self, gold: &Path, gold_text: &str) -> Option<String> {
        let by_rule::Wanted::File(document) = by_rule::Wanted::of(gold, gold_text) else {
            return None;
        };
        if self.sources.is_empty()
            || self
                .sources
                .iter()
                .any(|s| by_rule::Wanted::File(document.clone()).accepts(s))
        {
            return None;
        }
        // Sources are a sorted set: the first three, the same on every run.
        let listed: Vec<&str> = self.sources.iter().take(3).map(String::as_str).collect();
        let more = self.sources.len().saturating_sub(3);
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        Some(format!(
            "gold {} is for document `{document}`, which is not among the sources of {} ({}{more}): its scores will be near 0; give the graph extracted from `{document}`, or fix the gold's \"document\" field",
            gold.display(),
            self.path.display(),
            listed.join(", ")
        ))
    }

    fn invalid(path: &Path, message: String) -> Error {
        Error::Invalid {
            path: path.to_path_buf(),
            message,
        }
    }

    fn object<'a>(
        &self,
        what: &str,
        i: usize,
        v: &'a Value,
    ) -> Result<&'a serde_json::Map<String, Value>> {
        v.as_object()
            .ok_or_else(|| Graph::invalid(&self.path, format!("{what}[{i}] is not a JSON object")))
    }

    fn key(&self, what: &str, i: usize, field: &str, v: Option<&Value>) -> Result<PyKey> {
        PyKey::of(v).ok_or_else(|| {
            Graph::invalid(
                &self.path,
                format!("{what}[{i}]: '{field}' cannot be a list or an object"),
            )
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Scoring and the report.

#[derive(Debug, Clone, Copy)]
enum Outcome {
    Tp = 0,
    Fp = 1,
    Fn = 2,
}

/// Counts per type (or relation) and the notes `--explain` prints, in the order they arose.
#[derive(Debug, Default)]
struct Tally {
    counts: BTreeMap<String, [usize; 3]>,
    notes: Vec<String>,
}

impl Tally {
    fn add(&mut self, key: &str, outcome: Outcome, note: Option<String>) {
        self.counts.entry(key.to_string()).or_default()[outcome as usize] += 1;
        self.notes.extend(note);
    }
}

/// Tallies summed over every pair (micro-average).
#[derive(Debug, Default)]
struct Scorer {
    entities: Tally,
    relations: Tally,
}

/// `f"{s:w}"` for a string: left-aligned, padded to `w` characters.
fn pad(s: &str, width: usize) -> String {
    format!("{s:width$}")
}

/// Which gold entity (if any) each node id stands for; a later node with the same id wins.
type NodeKeys = BTreeMap<PyKey, Option<Canon>>;

/// A node or an edge of a graph file, by its place in the file's list.
#[derive(Debug, Clone, Copy)]
enum Item {
    Node(usize),
    Edge(usize),
}

/// Told of every true and false positive as it is counted, with a false positive's
/// `--explain` note (false negatives have no item).
type Observer<'a> = &'a mut dyn FnMut(Item, Outcome, Option<&str>);

impl Scorer {
    /// score.py's `score_pair`.
    fn add(&mut self, gold: &Gold, graph: &Graph) -> Result<()> {
        self.add_observed(gold, graph, &mut |_, _, _| {})
    }

    /// [`Scorer::add`], telling `seen` which node or edge each true or false positive was.
    fn add_observed(&mut self, gold: &Gold, graph: &Graph, seen: Observer) -> Result<()> {
        let node_key = score_nodes(&mut self.entities, gold, graph, seen)?;
        score_edges(&mut self.relations, gold, graph, &node_key, seen)
    }

    /// Both tables, the notes when asked, and the headline line; returns (entity F1, relation F1).
    fn report(&self, out: &mut dyn Write, explain: bool) -> io::Result<(f64, f64)> {
        let (fe, fr) = self.tables(out, explain)?;
        writeln!(out, "entity F1 {fe:.3}  relation F1 {fr:.3}")?;
        Ok((fe, fr))
    }

    /// The report without its headline line: --by-rule puts its own table before it.
    fn tables(&self, out: &mut dyn Write, explain: bool) -> io::Result<(f64, f64)> {
        let types = Kind::ALL.map(Kind::as_str);
        let relations = Relation::ALL.map(Relation::as_str);
        let fe = table(out, "entities", &self.entities, &types)?;
        let fr = table(out, "relations", &self.relations, &relations)?;
        if explain {
            for note in self.entities.notes.iter().chain(&self.relations.notes) {
                writeln!(out, "  {note}")?;
            }
        }
        Ok((fe, fr))
    }
}

/// The node half of `score_pair`: TP/FP per node, then FN per unseen gold entity.
fn score_nodes(
    ents: &mut Tally,
    gold: &Gold,
    graph: &Graph,
    seen_as: Observer,
) -> Result<NodeKeys> {
    let mut node_key = NodeKeys::new();
    let mut seen: BTreeSet<Canon> = BTreeSet::new();
    for (i, n) in graph.nodes.iter().enumerate() {
        let n = graph.object("nodes", i, n)?;
        let Some(kind) = n
            .get("type")
            .and_then(Value::as_str)
            .filter(|t| Kind::parse(t).is_some())
        else {
            continue;
        };
        let empty = Value::String(String::new());
        let label = n.get("label").or_else(|| n.get("name")).unwrap_or(&empty);
        let mut names = vec![py_str(label)];
        match n.get("aliases") {
            Some(a) if py_truthy(a) => names.extend(py_list(a).ok_or_else(|| {
                Graph::invalid(&graph.path, format!("nodes[{i}]: 'aliases' is not a list"))
            })?),
            _ => {}
        }
        let id = graph.key("nodes", i, "id", n.get("id"))?;
        let Some((canon, optional)) = gold.match_node(kind, &names) else {
            let note = format!("FP {} {}", pad(kind, 8), py_repr(label));
            seen_as(Item::Node(i), Outcome::Fp, Some(&note));
            ents.add(kind, Outcome::Fp, Some(note));
            node_key.insert(id, None);
            continue;
        };
        node_key.insert(id, Some(canon.clone()));
        if optional {
            continue;
        }
        if seen.insert(canon) {
            ents.add(kind, Outcome::Tp, None);
            seen_as(Item::Node(i), Outcome::Tp, None);
        } else {
            let note = format!(
                "FP {} {} (a second node for the same entity)",
                pad(kind, 8),
                py_repr(label)
            );
            seen_as(Item::Node(i), Outcome::Fp, Some(&note));
            ents.add(kind, Outcome::Fp, Some(note));
        }
    }
    for (kind, name) in &gold.entities {
        if !seen.contains(&(kind.clone(), name.clone())) {
            let note = format!("FN {} {}", pad(kind, 8), py_repr_str(name));
            ents.add(kind, Outcome::Fn, Some(note));
        }
    }
    Ok(node_key)
}

/// The edge half of `score_pair`: TP/FP per edge, then FN per unfound gold relation, sorted.
fn score_edges(
    rels: &mut Tally,
    gold: &Gold,
    graph: &Graph,
    node_key: &NodeKeys,
    seen_as: Observer,
) -> Result<()> {
    let mut found: BTreeSet<Trip> = BTreeSet::new();
    for (i, e) in graph.edges.iter().enumerate() {
        let e = graph.object("edges", i, e)?;
        let rel = e
            .get("relation")
            .or_else(|| e.get("type"))
            .or_else(|| e.get("label"));
        let Some(rel) = rel
            .and_then(Value::as_str)
            .filter(|r| Relation::parse(r).is_some())
        else {
            continue;
        };
        let end = |field: &str| -> Result<Option<Canon>> {
            let key = graph.key("edges", i, field, e.get(field))?;
            Ok(node_key.get(&key).cloned().flatten())
        };
        let (s, o) = (end("source")?, end("target")?);
        if let (Some(s), Some(o)) = (&s, &o) {
            let trip: Trip = (s.clone(), rel.to_string(), o.clone());
            if gold.relations.contains(&trip) {
                if found.insert(trip) {
                    rels.add(rel, Outcome::Tp, None);
                    seen_as(Item::Edge(i), Outcome::Tp, None);
                }
                continue;
            }
            if gold.optional_relations.contains(&trip) {
                continue;
            }
            if gold.is_optional(s) || gold.is_optional(o) {
                continue; // touches an optional entity
            }
        }
        let shown = |canon: Option<Canon>, field: &str| match canon {
            Some((_, name)) => name,
            None => format!(
                "<unmatched {}>",
                py_str(e.get(field).unwrap_or(&Value::Null))
            ),
        };
        let note = format!(
            "FP {} {} -> {}",
            pad(rel, 8),
            py_repr_str(&shown(s, "source")),
            py_repr_str(&shown(o, "target"))
        );
        seen_as(Item::Edge(i), Outcome::Fp, Some(&note));
        rels.add(rel, Outcome::Fp, Some(note));
    }
    // Sorted, as score.py's `sorted(gold.relations - found)`.
    for (s, rel, o) in gold.relations.difference(&found) {
        let note = format!(
            "FN {} {} -> {}",
            pad(rel, 8),
            py_repr_str(&s.1),
            py_repr_str(&o.1)
        );
        rels.add(rel, Outcome::Fn, Some(note));
    }
    Ok(())
}

fn prf(tp: usize, fp: usize, fn_: usize) -> (f64, f64, f64) {
    let ratio = |a: usize, b: usize| if b > 0 { a as f64 / b as f64 } else { 0.0 };
    let p = ratio(tp, tp + fp);
    let r = ratio(tp, tp + fn_);
    // Same operations in the same order as score.py, so the last digit rounds the same way.
    let f = if p + r != 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    (p, r, f)
}

/// score.py's `report`: one row per key with any count, then the summed row; returns its F1.
fn table(out: &mut dyn Write, title: &str, tally: &Tally, keys: &[&str]) -> io::Result<f64> {
    writeln!(
        out,
        "{} {:>6} {:>6} {:>6}   tp   fp   fn",
        pad(title, 12),
        "P",
        "R",
        "F1"
    )?;
    let mut total = [0usize; 3];
    for key in keys {
        let counts = tally.counts.get(*key).copied().unwrap_or_default();
        if counts.iter().sum::<usize>() == 0 {
            continue;
        }
        for (t, c) in total.iter_mut().zip(counts) {
            *t += c;
        }
        row(out, key, counts)?;
    }
    row(out, "all", total)
}

/// One table row; returns its F1.
fn row(out: &mut dyn Write, key: &str, [tp, fp, fn_]: [usize; 3]) -> io::Result<f64> {
    let (p, r, f) = prf(tp, fp, fn_);
    writeln!(
        out,
        "  {} {p:6.3} {r:6.3} {f:6.3} {tp:4} {fp:4} {fn_:4}",
        pad(key, 10)
    )?;
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gold(json: &str) -> Gold {
        Gold::parse(Path::new("t.gold.json"), json).expect("valid gold")
    }

    /// The full `--explain` report for one gold/graph pair.
    fn explain(gold_json: &str, graph_json: &str) -> String {
        let gold = gold(gold_json);
        let graph = Graph::parse(Path::new("t.json"), graph_json).expect("valid graph");
        let mut scorer = Scorer::default();
        scorer.add(&gold, &graph).expect("scores");
        let mut out = Vec::new();
        scorer.report(&mut out, true).expect("writes");
        String::from_utf8(out).expect("utf-8")
    }

    /// The `--explain` notes only, without their indentation.
    fn notes(gold_json: &str, graph_json: &str) -> Vec<String> {
        explain(gold_json, graph_json)
            .lines()
            .filter_map(|l| l.strip_prefix("  "))
            .filter(|l| l.starts_with("FP ") || l.starts_with("FN "))
            .map(str::to_string)
            .collect()
    }

    fn last_line(report: &str) -> &str {
        report.lines().last().expect("a last line")
    }

    const ACME: &str = r#"{
      "entities": [
        {"type": "person", "name": "Ann Lee", "aliases": ["Annie Lee"]},
        {"type": "company", "name": "Acme"},
        {"type": "talk", "name": "Scaling Widgets: The Past, Present and Future"}
      ],
      "optional_entities": [{"type": "project", "name": "Bash"}],
      "relations": [
        {"source": "Ann Lee", "relation": "works_at", "target": "Acme"},
        {"source": "Annie Lee", "relation": "presents",
         "target": "Scaling Widgets: The Past, Present and Future"}
      ],
      "optional_relations": []
    }"#;

    #[test]
    fn folds_like_the_scorer() {
        let cases = [
            ("Łukasz Ní Bhriain", "ukasz ni bhriain"),
            ("Securing Shopify’s Software", "securing shopifys software"),
            ("it‘s", "its"),
            ("l'sample", "l sample"),
            ("x's_y", "x s y"),
            ("'s's", "ss"),
            ("José (Josh) Abreu", "jose josh abreu"),
            ("KubeCon\u{a0}Europe 2022", "kubecon europe 2022"),
            // U+034F has combining class 0 though it is a mark: kept, so it splits the word.
            ("Ab\u{34f}c", "ab c"),
            ("ﬁx ²", "fix 2"),
            ("Straße", "stra e"),
            ("İstanbul", "istanbul"),
            ("cert-manager", "cert manager"),
            ("--", ""),
        ];
        for (input, want) in cases {
            assert_eq!(score_fold(input), want, "fold({input:?})");
        }
    }

    #[test]
    fn reprs_like_python() {
        assert_eq!(py_repr_str("a'b"), r#""a'b""#);
        assert_eq!(py_repr_str("a\"b"), r#"'a"b'"#);
        assert_eq!(py_repr_str("a'\"b"), r#"'a\'"b'"#);
        assert_eq!(py_repr_str("\u{a0}\u{202f}\n\t\\"), r"'\xa0\u202f\n\t\\'");
        assert_eq!(py_repr_str("é😀\u{7f}\u{e0001}"), r"'é😀\x7f\U000e0001'");
        let floats = [
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (123.0, "123.0"),
            (-0.0, "-0.0"),
            (1.5e300, "1.5e+300"),
            (2.5, "2.5"),
        ];
        for (f, want) in floats {
            assert_eq!(py_repr_float(f), want);
        }
        assert_eq!(py_str(&serde_json::json!(null)), "None");
        assert_eq!(
            py_repr(&serde_json::json!(["a", 1, true])),
            "['a', 1, True]"
        );
    }

    #[test]
    fn ids_compare_like_python_dict_keys() {
        let of = |v: Value| PyKey::of(Some(&v));
        assert_eq!(of(serde_json::json!(1)), of(serde_json::json!(1.0)));
        assert_eq!(of(serde_json::json!(true)), of(serde_json::json!(1)));
        assert_ne!(of(serde_json::json!("1")), of(serde_json::json!(1)));
        assert_eq!(PyKey::of(None), of(Value::Null));
        assert_eq!(of(serde_json::json!([1])), None);
    }

    #[test]
    fn talks_match_by_token_overlap() {
        let g = gold(ACME);
        let hit = |title: &str| g.match_node("talk", &[title.to_string()]);
        let canon = (
            "talk".to_string(),
            "scaling widgets the past present and future".to_string(),
        );
        // 6 shared tokens of 7: 0.857.
        assert_eq!(
            hit("Scaling widgets: past, present and future"),
            Some((canon, false))
        );
        // 6 shared tokens of 8: 0.75 is not enough.
        assert_eq!(hit("Scaling widgets: past, present and future today"), None);
        assert_eq!(hit("Widgets: past, present, future"), None);
        // Only talks match by overlap.
        assert_eq!(g.match_node("person", &["Ann".into()]), None);
    }

    #[test]
    fn perfect_graph_scores_one() {
        let graph = r#"{"nodes": [
            {"id": "p", "type": "person", "label": "Ann Lee"},
            {"id": "c", "type": "company", "name": "ACME"},
            {"id": "t", "type": "talk", "label": "Scaling Widgets - past, present and future"}
          ], "links": [
            {"source": "p", "target": "c", "relation": "works_at"},
            {"source": "p", "target": "t", "type": "presents"}
          ]}"#;
        let report = explain(ACME, graph);
        assert_eq!(last_line(&report), "entity F1 1.000  relation F1 1.000");
        assert!(report.contains("  person      1.000  1.000  1.000    1    0    0\n"));
    }

    #[test]
    fn optional_items_are_neither_rewarded_nor_penalised() {
        let graph = r#"{"nodes": [
            {"id": "p", "type": "person", "label": "Ann Lee"},
            {"id": "b", "type": "project", "label": "bash"},
            {"id": "c", "type": "company", "label": "Acme"}
          ], "edges": [
            {"source": "c", "target": "b", "relation": "develops"}
          ]}"#;
        assert_eq!(
            notes(ACME, graph),
            [
                "FN talk     'scaling widgets the past present and future'",
                "FN presents 'ann lee' -> 'scaling widgets the past present and future'",
                "FN works_at 'ann lee' -> 'acme'",
            ]
        );
        let report = explain(ACME, graph);
        assert!(!report.contains("  project"), "{report}");
    }

    #[test]
    fn second_node_and_unknown_nodes_are_false_positives() {
        let graph = r#"{"nodes": [
            {"id": 1, "type": "person", "label": "Ann Lee"},
            {"id": 2, "type": "person", "label": "Annie Lee"},
            {"id": 3, "type": "person", "label": "Bob's"},
            {"id": 4, "type": "city", "label": "Paris"}
          ], "edges": [
            {"source": 1.0, "target": 9, "relation": "works_at"},
            {"source": 3, "target": 4, "relation": "works_at"},
            {"source": 1, "target": 3, "relation": "knows"}
          ]}"#;
        assert_eq!(
            notes(ACME, graph),
            [
                "FP person   'Annie Lee' (a second node for the same entity)",
                "FP person   \"Bob's\"",
                "FN company  'acme'",
                "FN talk     'scaling widgets the past present and future'",
                "FP works_at 'ann lee' -> '<unmatched 9>'",
                "FP works_at '<unmatched 3>' -> '<unmatched 4>'",
                "FN presents 'ann lee' -> 'scaling widgets the past present and future'",
                "FN works_at 'ann lee' -> 'acme'",
            ]
        );
    }

    #[test]
    fn employers_of_presenters_are_optional_mentions() {
        let graph = r#"{"nodes": [
            {"id": "t", "type": "talk", "label": "Scaling Widgets: The Past, Present and Future"},
            {"id": "c", "type": "company", "label": "Acme"},
            {"id": "b", "type": "project", "label": "Bash"},
            {"id": "p", "type": "person", "label": "Ann Lee"}
          ], "edges": [
            {"source": "t", "target": "c", "relation": "mentions"},
            {"source": "t", "target": "b", "relation": "mentions"},
            {"source": "c", "target": "p", "relation": "mentions"}
          ]}"#;
        assert_eq!(
            notes(ACME, graph),
            [
                "FP mentions 'acme' -> 'ann lee'",
                "FN presents 'ann lee' -> 'scaling widgets the past present and future'",
                "FN works_at 'ann lee' -> 'acme'",
            ]
        );
        let g = gold(ACME);
        assert_eq!(g.optional_relations.len(), 1);
    }

    #[test]
    fn unknown_entity_in_a_gold_relation_is_an_error() {
        let json = r#"{"entities": [{"type": "person", "name": "Ann"}],
          "relations": [{"source": "Ann", "relation": "works_at", "target": "Acme"}]}"#;
        let err = Gold::parse(Path::new("x.gold.json"), json).unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.gold.json: relations[0] (Ann works_at Acme) names an unknown entity: 'Acme'"
        );
    }

    #[test]
    fn bad_json_names_file_line_and_column() {
        let err = Gold::parse(
            Path::new("x.gold.json"),
            "{\n  \"entities\": [\n    {\"type\": 1}]}",
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("x.gold.json:3:14: invalid type: integer `1`"),
            "{err}"
        );
        let err = Graph::parse(Path::new("g.json"), r#"{"nodes": []}"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "g.json: expected a JSON object with 'nodes' and 'edges' lists"
        );
    }
}
