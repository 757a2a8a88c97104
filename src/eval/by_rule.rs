//! `talkgraph eval --by-rule`: the scores of `eval`, with each true and false positive
//! credited to the rule that produced it, so a rule author sees which rule to fix first.
//! It only watches the scorer count: its tables are `eval`'s, number for number.
//!
//! What a graph records: an edge keeps one rule id (when several rules found it, the one of
//! highest confidence, then smallest id), and it is credited to that rule. A node records
//! no rule, so it is credited to the gazetteer of its type when one of its names is listed
//! there (`gazetteer:companies.txt`), else to `unlisted:TYPE` (found by name shape, document
//! structure or a pattern's capture). So every item counts for exactly one rule, and the
//! rule table's tp and fp add up to the type tables'. False negatives were produced by no
//! rule and are credited to none.

use super::{EvalArgs, Gold, Graph, Item, Outcome, Scorer, Tally, pad, prf, read, verdict};
use crate::cli::Exit;
use crate::error::{Error, Result};
use crate::graph::{Kind, Relation};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// How `eval` prints its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The tables, as the reference scorer prints them.
    Text,
    /// One JSON object: per type, per relation, the headline F1s and (with --by-rule) the
    /// rules.
    Json,
}

/// Per rule id, what it is credited with.
#[derive(Debug, Default)]
pub(super) struct RuleTable(BTreeMap<String, Credited>);

/// A rule's true and false positives, and the `--explain` note of each false positive.
#[derive(Debug, Default)]
struct Credited {
    tp: usize,
    fp: usize,
    notes: Vec<String>,
}

impl RuleTable {
    fn add(&mut self, rule: String, outcome: Outcome, note: Option<&str>) {
        let c = self.0.entry(rule).or_default();
        match outcome {
            Outcome::Tp => c.tp += 1,
            Outcome::Fp => {
                c.fp += 1;
                c.notes.extend(note.map(str::to_string));
            }
            Outcome::Fn => {}
        }
    }

    /// Most harmful first: most false positives, then lowest precision, then by id.
    fn by_harm(&self) -> Vec<(&str, &Credited)> {
        let mut rows: Vec<(&str, &Credited)> =
            self.0.iter().map(|(id, c)| (id.as_str(), c)).collect();
        // Precisions compared as fractions (tp / (tp + fp), never 0/0 here): no float ties.
        rows.sort_by(|(a_id, a), (b_id, b)| {
            b.fp.cmp(&a.fp)
                .then_with(|| (a.tp * (b.tp + b.fp)).cmp(&(b.tp * (a.tp + a.fp))))
                .then_with(|| a_id.cmp(b_id))
        });
        rows
    }
}

/// Scores every gold against its document's graph, crediting rules, and writes the report.
pub(super) fn run(args: &EvalArgs, out: &mut dyn Write) -> Result<Exit> {
    let rules = crate::cli::rules_for(args.rules.as_deref())?;
    let mut golds = Vec::new();
    for path in &args.pairs {
        let text = read(path)?;
        let gold = Gold::parse(path, &text)?;
        golds.push((path, gold, Wanted::of(path, &text)));
    }
    let docs = Documents::open(&args.by_rule)?;
    let credit = Credit::new(rules);
    let mut scorer = Scorer::default();
    let mut table = RuleTable::default();
    for (path, gold, wanted) in &golds {
        let graph = docs.graph_for(path, wanted, rules)?;
        let mut seen = Vec::new();
        scorer.add_observed(gold, &graph, &mut |item, outcome, note| {
            seen.push((item, outcome, note.map(str::to_string)))
        })?;
        for (item, outcome, note) in seen {
            table.add(credit.rule_of(&graph, item), outcome, note.as_deref());
        }
    }
    let (fe, fr) = match args.format {
        Format::Text => write_text(out, &scorer, &table, args.explain),
        Format::Json => write_json(out, &scorer, Some(&table)),
    }
    .map_err(|e| Error::io("<stdout>", e))?;
    Ok(verdict(args, fe, fr))
}

// ---------------------------------------------------------------------------------------------
// Which document a gold describes, and its graph.

/// The document a gold file describes: its `document` field's file name, else the gold's
/// own name without `.gold.json` (then any extension matches).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Wanted {
    File(String),
    Stem(String),
}

impl Wanted {
    pub(super) fn of(gold: &Path, text: &str) -> Wanted {
        let field = serde_json::from_str::<Value>(text.trim_start_matches('\u{feff}'))
            .ok()
            .and_then(|v| v.get("document")?.as_str().map(str::to_string));
        match field.as_deref().map(file_name).filter(|n| !n.is_empty()) {
            Some(name) => Wanted::File(name.to_string()),
            None => {
                let name = gold.file_name().map(|n| n.to_string_lossy().into_owned());
                let name = name.unwrap_or_default();
                let stem = name.strip_suffix(".gold.json").unwrap_or(&name);
                Wanted::Stem(stem.to_string())
            }
        }
    }

    pub(super) fn accepts(&self, source: &str) -> bool {
        let name = file_name(source);
        match self {
            Wanted::File(f) => name == f,
            Wanted::Stem(s) => name.rsplit_once('.').map_or(name, |(stem, _)| stem) == s,
        }
    }

    fn describe(&self) -> String {
        match self {
            Wanted::File(f) => format!("document `{f}` (its \"document\" field)"),
            Wanted::Stem(s) => format!("a document named `{s}.*` (it has no \"document\" field)"),
        }
    }
}

/// The last component of a source name (`/` or `\` separated).
fn file_name(source: &str) -> &str {
    source.rsplit(['/', '\\']).next().unwrap_or(source)
}

/// What `--by-rule` was given.
enum Documents {
    /// One graph JSON, cut per source document.
    Graph {
        path: PathBuf,
        nodes: Vec<Value>,
        edges: Vec<Value>,
        sources: BTreeSet<String>,
    },
    /// Documents, each extracted on its own as `talkgraph extract DOC` would.
    Texts(BTreeMap<String, PathBuf>),
}

impl Documents {
    fn open(inputs: &[PathBuf]) -> Result<Documents> {
        if let [one] = inputs
            && !one.is_dir()
        {
            let (_, bytes) =
                crate::pipeline::read_input(one, crate::pipeline::DEFAULT_MAX_FILE_SIZE)?;
            if crate::cli::looks_like_graph(&bytes) {
                return Documents::graph(one, &bytes);
            }
        }
        // A document is paired with its gold by name: stdin has none, and a graph given
        // among documents would be read as text.
        if let Some(bad) = inputs.iter().find(|p| {
            p.as_os_str() == "-"
                || p.extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        }) {
            return Err(Error::Usage(format!(
                "--by-rule {}: give the documents the golds describe (files or folders, paired \
                 with golds by name) or one graph JSON made from them",
                bad.display()
            )));
        }
        let found = crate::read::discover(inputs)?;
        if let Some(f) = found.failures.into_iter().next() {
            return Err(f.error);
        }
        let texts = found
            .paths
            .into_iter()
            .map(|p| (crate::pipeline::source_name(&p), p))
            .collect();
        Ok(Documents::Texts(texts))
    }

    fn graph(path: &Path, bytes: &[u8]) -> Result<Documents> {
        let text = String::from_utf8_lossy(bytes);
        let graph = Graph::parse(path, text.trim_start_matches('\u{feff}'))?;
        let mut sources = BTreeSet::new();
        let spans = |v: &Value, field: &str| -> Vec<String> {
            let list = v.get(field).and_then(Value::as_array);
            list.into_iter()
                .flatten()
                .filter_map(|s| s.get("source")?.as_str().map(str::to_string))
                .collect()
        };
        // A document in which nothing was found is still one the graph was made from.
        let meta: Option<Value> = serde_json::from_str(text.trim_start_matches('\u{feff}')).ok();
        let listed = meta
            .as_ref()
            .and_then(|m| m.get("graph")?.get("sources")?.as_array().cloned());
        sources.extend(
            listed
                .into_iter()
                .flatten()
                .filter_map(|s| s.as_str().map(str::to_string)),
        );
        for n in &graph.nodes {
            sources.extend(spans(n, "mentions"));
        }
        for e in &graph.edges {
            sources.extend(spans(e, "evidence"));
        }
        Ok(Documents::Graph {
            path: path.to_path_buf(),
            nodes: graph.nodes,
            edges: graph.edges,
            sources,
        })
    }

    /// The graph of the one document `wanted` names.
    fn graph_for(
        &self,
        gold: &Path,
        wanted: &Wanted,
        rules: &crate::rules::Rules,
    ) -> Result<Graph> {
        let names: Vec<&String> = match self {
            Documents::Graph { sources, .. } => sources.iter().collect(),
            Documents::Texts(texts) => texts.keys().collect(),
        };
        let source = pick(gold, wanted, &names)?;
        match self {
            Documents::Graph {
                path, nodes, edges, ..
            } => Ok(Graph {
                path: path.clone(),
                nodes: of_source(nodes, "mentions", source),
                edges: of_source(edges, "evidence", source),
                sources: BTreeSet::new(),
            }),
            Documents::Texts(texts) => {
                let path = &texts[source];
                let (name, bytes) =
                    crate::pipeline::read_input(path, crate::pipeline::DEFAULT_MAX_FILE_SIZE)?;
                // Not text (a binary file): an empty graph, as `extract` would write.
                let graph = crate::pipeline::extract_bytes(rules, &name, bytes, &mut Vec::new())
                    .unwrap_or_default();
                let doc =
                    serde_json::to_value(graph.to_doc()).map_err(|e| Error::json(path, &e))?;
                let list = |key: &str| doc.get(key).and_then(Value::as_array).cloned();
                Ok(Graph {
                    path: path.clone(),
                    nodes: list("nodes").unwrap_or_default(),
                    edges: list("edges").unwrap_or_default(),
                    sources: BTreeSet::new(),
                })
            }
        }
    }
}

/// The one source `wanted` names; beside the gold file when several share its name.
fn pick<'a>(gold: &Path, wanted: &Wanted, names: &[&'a String]) -> Result<&'a str> {
    let hits: Vec<&str> = names
        .iter()
        .filter(|n| wanted.accepts(n))
        .map(|n| n.as_str())
        .collect();
    let beside = |n: &&str| {
        let folder = gold.parent().map(crate::pipeline::source_name);
        let folder = folder.filter(|f| f != ".").unwrap_or_default();
        let dir = n.rsplit_once('/').map_or("", |(d, _)| d);
        dir == folder
    };
    let invalid = |message: String| Error::Invalid {
        path: gold.to_path_buf(),
        message,
    };
    match hits.as_slice() {
        [one] => Ok(one),
        [] => Err(invalid(format!(
            "describes {}, which is not among the {} documents --by-rule was given; give the \
             folder or graph that holds it, or fix the \"document\" field",
            wanted.describe(),
            names.len()
        ))),
        several => match several.iter().copied().filter(beside).collect::<Vec<_>>()[..] {
            [one] => Ok(one),
            _ => Err(invalid(format!(
                "describes {}, and several documents have that name ({}); give --by-rule only \
                 the folder that holds the right one",
                wanted.describe(),
                several.join(", ")
            ))),
        },
    }
}

/// The items with a span (mention or evidence) in `source`, in file order.
fn of_source(items: &[Value], field: &str, source: &str) -> Vec<Value> {
    items
        .iter()
        .filter(|v| {
            let spans = v.get(field).and_then(Value::as_array);
            spans
                .into_iter()
                .flatten()
                .any(|s| s.get("source").and_then(Value::as_str) == Some(source))
        })
        .cloned()
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Which rule an item is credited to.

/// The gazetteers' names, folded as the extractor folds them, with the types they list.
struct Credit {
    listed: HashMap<String, BTreeSet<Kind>>,
}

impl Credit {
    fn new(rules: &crate::rules::Rules) -> Credit {
        let mut listed: HashMap<String, BTreeSet<Kind>> = HashMap::new();
        for e in &rules.entries {
            for name in std::iter::once(&e.canonical).chain(&e.aliases) {
                listed
                    .entry(crate::rules::match_fold(name))
                    .or_default()
                    .insert(e.kind);
            }
        }
        Credit { listed }
    }

    fn rule_of(&self, graph: &Graph, item: Item) -> String {
        match item {
            Item::Edge(i) => graph.edges[i]
                .get("rule")
                .and_then(Value::as_str)
                .filter(|r| !r.is_empty())
                .unwrap_or("(no rule)")
                .to_string(),
            Item::Node(i) => {
                let n = &graph.nodes[i];
                let kind = n.get("type").and_then(Value::as_str).unwrap_or_default();
                let label = n.get("label").or_else(|| n.get("name"));
                let aliases = n.get("aliases").and_then(Value::as_array);
                let names = label.into_iter().chain(aliases.into_iter().flatten());
                let listed = Kind::parse(kind).is_some_and(|k| {
                    names.filter_map(Value::as_str).any(|name| {
                        let kinds = self.listed.get(&crate::rules::match_fold(name));
                        kinds.is_some_and(|ks| ks.contains(&k))
                    })
                });
                match gazetteer_file(kind) {
                    Some(file) if listed => format!("gazetteer:{file}"),
                    _ => format!("unlisted:{kind}"),
                }
            }
        }
    }
}

/// The rule file that lists entities of a type, for the types that have one.
fn gazetteer_file(kind: &str) -> Option<&'static str> {
    match Kind::parse(kind)? {
        Kind::Company => Some("companies.txt"),
        Kind::Project => Some("projects.txt"),
        Kind::Event => Some("events.txt"),
        Kind::Person | Kind::Talk => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Reports.

/// False negatives (entities, relations): what no rule produced.
fn missed(scorer: &Scorer) -> (usize, usize) {
    let fns = |t: &Tally| t.counts.values().map(|c| c[2]).sum::<usize>();
    (fns(&scorer.entities), fns(&scorer.relations))
}

fn write_text(
    out: &mut dyn Write,
    scorer: &Scorer,
    table: &RuleTable,
    explain: bool,
) -> io::Result<(f64, f64)> {
    let (fe, fr) = scorer.tables(out, explain)?;
    let rows = table.by_harm();
    let width = rows
        .iter()
        .map(|r| r.0.chars().count())
        .max()
        .unwrap_or(0)
        .max(10);
    writeln!(
        out,
        "{} {:>4} {:>4} {:>6}",
        pad("by rule", width + 2),
        "tp",
        "fp",
        "P"
    )?;
    for (id, c) in &rows {
        let (p, _, _) = prf(c.tp, c.fp, 0);
        writeln!(out, "  {} {:4} {:4} {p:6.3}", pad(id, width), c.tp, c.fp)?;
        if explain {
            for note in &c.notes {
                writeln!(out, "    {note}")?;
            }
        }
    }
    let (fe_n, fr_n) = missed(scorer);
    writeln!(
        out,
        "  false negatives ({fe_n} entities, {fr_n} relations) are credited to no rule: no rule produced them"
    )?;
    writeln!(out, "entity F1 {fe:.3}  relation F1 {fr:.3}")?;
    Ok((fe, fr))
}

/// One row of a table in the JSON report.
#[derive(Serialize)]
struct Row<'a> {
    name: &'a str,
    tp: usize,
    fp: usize,
    #[serde(rename = "fn")]
    fn_: usize,
    precision: f64,
    recall: f64,
    f1: f64,
}

#[derive(Serialize)]
struct RuleRow<'a> {
    rule: &'a str,
    tp: usize,
    fp: usize,
    precision: f64,
    /// What each false positive was, as `--explain` shows it.
    false_positives: &'a [String],
}

#[derive(Serialize)]
struct Unattributed {
    entities: usize,
    relations: usize,
}

/// The JSON report: `eval`'s tables (rows with any count, then `all`), the headline F1s,
/// and with --by-rule the rules by harm and the false negatives no rule is credited with.
#[derive(Serialize)]
struct Report<'a> {
    entities: Vec<Row<'a>>,
    relations: Vec<Row<'a>>,
    entity_f1: f64,
    relation_f1: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    rules: Option<Vec<RuleRow<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    unattributed_false_negatives: Option<Unattributed>,
}

fn rows<'a>(tally: &Tally, keys: &[&'a str]) -> Vec<Row<'a>> {
    let row = |name: &'a str, [tp, fp, fn_]: [usize; 3]| {
        let (precision, recall, f1) = prf(tp, fp, fn_);
        Row {
            name,
            tp,
            fp,
            fn_,
            precision,
            recall,
            f1,
        }
    };
    let mut total = [0usize; 3];
    let mut out = Vec::new();
    for key in keys {
        let counts = tally.counts.get(*key).copied().unwrap_or_default();
        if counts.iter().sum::<usize>() == 0 {
            continue;
        }
        for (t, c) in total.iter_mut().zip(counts) {
            *t += c;
        }
        out.push(row(key, counts));
    }
    out.push(row("all", total));
    out
}

/// Writes the JSON report (one object and a newline); returns (entity F1, relation F1).
pub(super) fn write_json(
    out: &mut dyn Write,
    scorer: &Scorer,
    table: Option<&RuleTable>,
) -> io::Result<(f64, f64)> {
    let types = Kind::ALL.map(Kind::as_str);
    let relations = Relation::ALL.map(Relation::as_str);
    let entities = rows(&scorer.entities, &types);
    let relations = rows(&scorer.relations, &relations);
    let f1 = |rows: &[Row]| rows.last().map_or(0.0, |r| r.f1);
    let (entity_f1, relation_f1) = (f1(&entities), f1(&relations));
    let (fe_n, fr_n) = missed(scorer);
    let rules = table.map(|t| {
        t.by_harm()
            .into_iter()
            .map(|(rule, c)| RuleRow {
                rule,
                tp: c.tp,
                fp: c.fp,
                precision: prf(c.tp, c.fp, 0).0,
                false_positives: &c.notes,
            })
            .collect()
    });
    let report = Report {
        entities,
        relations,
        entity_f1,
        relation_f1,
        rules,
        unattributed_false_negatives: table.map(|_| Unattributed {
            entities: fe_n,
            relations: fr_n,
        }),
    };
    serde_json::to_writer_pretty(&mut *out, &report).map_err(io::Error::other)?;
    writeln!(out)?;
    Ok((entity_f1, relation_f1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[(&str, usize, usize)]) -> RuleTable {
        let mut t = RuleTable::default();
        for (id, tp, fp) in rows {
            for _ in 0..*tp {
                t.add(id.to_string(), Outcome::Tp, None);
            }
            for _ in 0..*fp {
                t.add(id.to_string(), Outcome::Fp, Some("FP"));
            }
        }
        t
    }

    #[test]
    fn rules_are_sorted_by_harm() {
        let t = table(&[
            ("b", 9, 1),
            ("a", 1, 1),
            ("c", 0, 3),
            ("d", 5, 0),
            ("e", 0, 1),
        ]);
        let ids: Vec<&str> = t.by_harm().into_iter().map(|r| r.0).collect();
        // c has most FPs; a (P 0.5) and e (P 0) tie on one FP, e is worse; then b; d last.
        assert_eq!(ids, ["c", "e", "a", "b", "d"]);
    }

    #[test]
    fn a_gold_names_its_document_by_field_or_by_its_own_name() {
        let field = Wanted::of(Path::new("x/a.gold.json"), r#"{"document": "sub/b.md"}"#);
        assert_eq!(field, Wanted::File("b.md".into()));
        assert!(field.accepts("fixtures/b.md"));
        assert!(!field.accepts("fixtures/b.txt"));
        let stem = Wanted::of(Path::new("x/a.gold.json"), r#"{"entities": []}"#);
        assert!(stem.accepts("docs/a.html"));
        assert!(!stem.accepts("docs/ab.html"));
    }

    #[test]
    fn a_document_name_shared_by_two_folders_is_taken_beside_the_gold() {
        let (a, b) = ("one/x.md".to_string(), "two/x.md".to_string());
        let wanted = Wanted::File("x.md".into());
        let got = pick(Path::new("two/x.gold.json"), &wanted, &[&a, &b]);
        assert_eq!(got.ok(), Some("two/x.md"));
        let err = pick(Path::new("three/x.gold.json"), &wanted, &[&a, &b]).unwrap_err();
        assert!(err.to_string().contains("several documents"), "{err}");
        let err = pick(
            Path::new("y.gold.json"),
            &Wanted::File("y.md".into()),
            &[&a],
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "y.gold.json: describes document `y.md` (its \"document\" field), which is not among \
             the 1 documents --by-rule was given; give the folder or graph that holds it, or fix \
             the \"document\" field"
        );
    }
}
