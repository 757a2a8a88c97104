//! `rules test`: each pattern rule's end-to-end examples (`[[rule.test]]` in `patterns.toml`)
//! run through the whole extractor, their expected and rejected facts checked. It only
//! calls extraction; compiling rules for a run reads nothing of the examples.
//!
//! An example, right under its rule:
//!
//! ```toml
//! [[rule.test]]
//! text = "Ana Ruiz de chez Zylotech nous a présenté son REX."
//! expect = ["Ana Ruiz works_at Zylotech", "person Ana Ruiz"]
//! reject = ["person Zylotech"]
//! format = "md"          # optional: md, html or text (default: read as a .txt file is)
//! ```
//!
//! A fact is `SUBJECT relation OBJECT` (works_at, presents, mentions, part_of, develops) or
//! `TYPE NAME` (person, company, project, talk, event), the relation written exactly so (a
//! name cannot hold one of those words in lower case); names compare folded (case, accents,
//! punctuation), labels and aliases alike, as the graph looks names up. `expect` facts must
//! be in the example's graph whatever rule made them, `reject` facts must not; and the rule
//! must have made one of its expected facts itself: a relation rule is named by the
//! relation (every rule that found it counts, not only the strongest), an entity rule
//! counts when the entity is gone once the rule is left out.

use crate::error::{Error, Result, RuleProblem};
use crate::extract::Facts;
use crate::graph::{Kind, KnowledgeGraph, Relation};
use crate::rules::{Mode, Rules};
use petgraph::graph::NodeIndex;
use serde::Deserialize;
use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// A fact an example expects or rejects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fact {
    /// `person Ana Ruiz`.
    Entity { kind: Kind, name: String },
    /// `Ana Ruiz works_at Zylotech`.
    Relation {
        subject: String,
        relation: Relation,
        object: String,
    },
}

impl fmt::Display for Fact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fact::Entity { kind, name } => write!(f, "{kind} {name}"),
            Fact::Relation {
                subject,
                relation,
                object,
            } => write!(f, "{subject} {relation} {object}"),
        }
    }
}

const FACT_SYNTAX: &str = "write `SUBJECT relation OBJECT` (relations: works_at, presents, mentions, part_of, develops) or `TYPE NAME` (types: person, company, project, talk, event)";

/// Parses a fact as written in `expect` and `reject`; the error says what to write.
pub fn parse_fact(s: &str) -> std::result::Result<Fact, String> {
    let words: Vec<&str> = s.split_whitespace().collect();
    let relations: Vec<(usize, Relation)> = words
        .iter()
        .enumerate()
        .filter_map(|(i, w)| Relation::parse(w).map(|r| (i, r)))
        .collect();
    match relations.as_slice() {
        [] => {}
        [(i, relation)] => {
            if *i == 0 {
                return Err(format!(
                    "no subject before `{relation}`: write `SUBJECT {relation} OBJECT`"
                ));
            }
            if *i + 1 == words.len() {
                return Err(format!(
                    "no object after `{relation}`: write `SUBJECT {relation} OBJECT`"
                ));
            }
            return Ok(Fact::Relation {
                subject: words[..*i].join(" "),
                relation: *relation,
                object: words[*i + 1..].join(" "),
            });
        }
        [(_, a), (_, b), ..] => {
            return Err(format!(
                "names two relations (`{a}` and `{b}`): write one fact per string"
            ));
        }
    }
    if let Some(kind) = words.first().and_then(|w| Kind::parse(w)) {
        if words.len() == 1 {
            return Err(format!("no name after `{kind}`: write `{kind} NAME`"));
        }
        return Ok(Fact::Entity {
            kind,
            name: words[1..].join(" "),
        });
    }
    if let Some(w) = words[1.min(words.len())..words.len().saturating_sub(1)]
        .iter()
        .find(|w| w.contains('_') && w.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
    {
        return Err(format!("unknown relation `{w}`: {FACT_SYNTAX}"));
    }
    if s.trim().is_empty() {
        return Err(format!("empty fact: {FACT_SYNTAX}"));
    }
    Err(format!("`{s}` is not a fact: {FACT_SYNTAX}"))
}

#[derive(Deserialize)]
struct FileSpec {
    #[serde(default)]
    rule: Vec<RuleSpec>,
}

#[derive(Deserialize)]
struct RuleSpec {
    id: Spanned<String>,
    #[serde(default)]
    test: Vec<TestSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TestSpec {
    text: Spanned<String>,
    #[serde(default)]
    expect: Vec<Spanned<String>>,
    #[serde(default)]
    reject: Vec<Spanned<String>>,
    #[serde(default)]
    format: Option<Spanned<String>>,
}

/// A fact of an example with where it is written.
#[derive(Debug, Clone)]
pub struct Expectation {
    pub fact: Fact,
    pub line: usize,
    pub column: usize,
}

/// One `[[rule.test]]` table.
#[derive(Debug, Clone)]
pub struct Example {
    /// The id of the rule it stands under.
    pub rule: String,
    /// Where its `text` is.
    pub line: usize,
    pub column: usize,
    pub text: String,
    /// None: read as a `.txt` file is (Markdown when it looks like it).
    pub format: Option<crate::read::Format>,
    pub expect: Vec<Expectation>,
    pub reject: Vec<Expectation>,
}

/// The examples of a rule file.
#[derive(Debug, Clone)]
pub struct Suite {
    pub path: PathBuf,
    /// Each rule's id with the line of its id (and column 1).
    pub rules: Vec<(String, usize, usize)>,
    pub examples: Vec<Example>,
}

/// Reads the examples of the rule file `text`, named `path` in messages; every problem
/// (an unknown key, a malformed fact, an empty text) with its line and column.
pub fn parse(path: &Path, text: &str) -> std::result::Result<Suite, Vec<RuleProblem>> {
    let problem = |offset: usize, rule: Option<&str>, message: String| {
        let (line, column) = crate::rules::line_col(text, offset);
        RuleProblem {
            path: path.to_path_buf(),
            line,
            column,
            rule: rule.map(str::to_string),
            message,
        }
    };
    let file: FileSpec = toml::from_str(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        vec![problem(offset, None, e.message().to_string())]
    })?;
    let mut problems = Vec::new();
    let mut suite = Suite {
        path: path.to_path_buf(),
        rules: Vec::new(),
        examples: Vec::new(),
    };
    for rule in file.rule {
        let id = rule.id.get_ref().clone();
        // Column 1, as `rules check` points at a rule.
        let (line, _) = crate::rules::line_col(text, rule.id.span().start);
        suite.rules.push((id.clone(), line, 1));
        for t in rule.test {
            let at = t.text.span().start;
            if t.text.get_ref().trim().is_empty() {
                problems.push(problem(
                    at,
                    Some(&id),
                    "empty example text: give a sentence the rule must read".into(),
                ));
            }
            if t.expect.is_empty() && t.reject.is_empty() {
                problems.push(problem(
                    at,
                    Some(&id),
                    "an example needs `expect` or `reject` (a list of facts)".into(),
                ));
            }
            let format = match &t.format {
                None => None,
                Some(f) => match f.get_ref().as_str() {
                    "md" | "markdown" => Some(crate::read::Format::Markdown),
                    "html" => Some(crate::read::Format::Html),
                    "text" | "txt" => Some(crate::read::Format::Text),
                    other => {
                        problems.push(problem(
                            f.span().start,
                            Some(&id),
                            format!("unknown format `{other}`: write md, html or text"),
                        ));
                        None
                    }
                },
            };
            let mut facts = |list: &[Spanned<String>]| -> Vec<Expectation> {
                let mut out = Vec::new();
                for s in list {
                    match parse_fact(s.get_ref()) {
                        Ok(fact) => {
                            let (line, column) = crate::rules::line_col(text, s.span().start);
                            out.push(Expectation { fact, line, column });
                        }
                        Err(m) => problems.push(problem(s.span().start, Some(&id), m)),
                    }
                }
                out
            };
            let expect = facts(&t.expect);
            let reject = facts(&t.reject);
            let (line, column) = crate::rules::line_col(text, at);
            suite.examples.push(Example {
                rule: id.clone(),
                line,
                column,
                text: t.text.into_inner(),
                format,
                expect,
                reject,
            });
        }
    }
    if problems.is_empty() {
        Ok(suite)
    } else {
        problems.sort();
        Err(problems)
    }
}

/// What running a suite found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub rules: usize,
    pub examples: usize,
    /// Every failure, by file, line and column.
    pub failures: Vec<RuleProblem>,
}

impl Report {
    /// `49 rules, 50 examples, 0 failures`.
    pub fn summary(&self) -> String {
        let n = |count: usize, what: &str| {
            format!("{count} {what}{}", if count == 1 { "" } else { "s" })
        };
        format!(
            "{}, {}, {}",
            n(self.rules, "rule"),
            n(self.examples, "example"),
            n(self.failures.len(), "failure")
        )
    }
}

/// An example's text extracted as `extract` would, with the facts behind the graph.
struct Outcome {
    graph: KnowledgeGraph,
    facts: Facts,
}

fn extract(rules: &Rules, ex: &Example) -> Outcome {
    let source = match ex.format {
        Some(crate::read::Format::Markdown) => "example.md",
        Some(crate::read::Format::Html) => "example.html",
        _ => "example.txt",
    };
    let (doc, _warnings) = crate::read::decode_as(source, ex.text.as_bytes().to_vec(), ex.format);
    let facts = doc.map_or_else(Facts::default, |doc| crate::extract::extract(rules, &doc));
    let mut graph = KnowledgeGraph::new();
    crate::resolve::add_facts(&mut graph, &facts);
    Outcome { graph, facts }
}

impl Outcome {
    /// The edges that are `fact` (a relation), each with every rule that found it.
    fn relation(&self, fact: &Fact) -> Vec<BTreeSet<String>> {
        let Fact::Relation {
            subject,
            relation,
            object,
        } = fact
        else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for from in Kind::ALL {
            for to in Kind::ALL {
                if !relation.accepts(from, to) {
                    continue;
                }
                let (Some(a), Some(b)) = (
                    self.graph.lookup(from, subject),
                    self.graph.lookup(to, object),
                ) else {
                    continue;
                };
                if self.graph.edge_between(a, *relation, b).is_some() {
                    out.push(self.rules_of(a, *relation, b));
                }
            }
        }
        out
    }

    /// Every rule whose facts make the edge `a relation b`.
    fn rules_of(&self, a: NodeIndex, relation: Relation, b: NodeIndex) -> BTreeSet<String> {
        self.facts
            .relations
            .iter()
            .filter(|r| {
                r.relation == relation
                    && self.graph.lookup(r.from.0, &r.from.1) == Some(a)
                    && self.graph.lookup(r.to.0, &r.to.1) == Some(b)
            })
            .map(|r| r.rule.to_string())
            .collect()
    }

    /// Whether `fact` is in the graph, and the rules that made it (none for an entity).
    fn find(&self, fact: &Fact) -> Option<BTreeSet<String>> {
        match fact {
            Fact::Entity { kind, name } => self.graph.lookup(*kind, name).map(|_| BTreeSet::new()),
            Fact::Relation { .. } => {
                let found = self.relation(fact);
                (!found.is_empty()).then(|| found.into_iter().flatten().collect())
            }
        }
    }

    /// What the graph holds that bears on `fact`: the edges of its relation, or the
    /// entities of its type, else every entity.
    fn relevant(&self, fact: &Fact) -> String {
        let g = &self.graph;
        let entities = |kind: Option<Kind>| -> Vec<String> {
            let mut v: Vec<(Kind, String)> = Kind::ALL
                .into_iter()
                .filter(|k| kind.is_none_or(|want| want == *k))
                .flat_map(|k| g.nodes_of_kind(k).iter().map(move |&ix| (k, ix)))
                .map(|(k, ix)| (k, g.node(ix).label.clone()))
                .collect();
            v.sort();
            v.into_iter().map(|(k, l)| format!("{k} {l}")).collect()
        };
        let all = || {
            let e = entities(None);
            if e.is_empty() {
                "nothing".to_string()
            } else {
                format!("entities: {}", e.join(", "))
            }
        };
        match fact {
            Fact::Entity { kind, .. } => {
                let same = entities(Some(*kind));
                if same.is_empty() {
                    format!("no {kind}; {}", all())
                } else {
                    same.join(", ")
                }
            }
            Fact::Relation { relation, .. } => {
                let mut edges: Vec<String> = g
                    .edges_of_relation(*relation)
                    .iter()
                    .map(|&ex| {
                        let (a, _, b) = g.edge(ex);
                        format!(
                            "{} {relation} {} (by {})",
                            g.node(a).label,
                            g.node(b).label,
                            joined(self.rules_of(a, *relation, b))
                        )
                    })
                    .collect();
                edges.sort();
                if edges.is_empty() {
                    format!("no {relation} relation; {}", all())
                } else {
                    edges.join(", ")
                }
            }
        }
    }
}

fn joined(set: BTreeSet<String>) -> String {
    set.into_iter().collect::<Vec<_>>().join(", ")
}

/// Runs every example of `suite` with `rules` (compiled from the same file).
pub fn run(rules: &Rules, suite: &Suite) -> Report {
    let mut report = Report {
        rules: suite.rules.len(),
        examples: suite.examples.len(),
        failures: Vec::new(),
    };
    let fail = |line: usize, column: usize, rule: &str, message: String| RuleProblem {
        path: suite.path.clone(),
        line,
        column,
        rule: Some(rule.to_string()),
        message,
    };
    for (id, line, column) in &suite.rules {
        let examples: Vec<&Example> = suite.examples.iter().filter(|e| &e.rule == id).collect();
        if examples.is_empty() {
            report.failures.push(fail(
                *line,
                *column,
                id,
                "no end-to-end example: add a [[rule.test]] table under the rule with a text it must read and the facts it must give".into(),
            ));
            continue;
        }
        if examples.iter().all(|e| e.expect.is_empty()) {
            report.failures.push(fail(
                *line,
                *column,
                id,
                "no example expects a fact: give one an `expect` the rule makes (a `reject` alone shows nothing it finds)".into(),
            ));
        }
        let Some(pattern) = rules.patterns.iter().find(|r| &r.id == id) else {
            continue;
        };
        // Built once per entity rule, the first time an example needs it.
        let mut without: Option<Rules> = None;
        for ex in examples {
            let outcome = extract(rules, ex);
            let mut missing = false;
            for e in &ex.expect {
                if outcome.find(&e.fact).is_none() {
                    missing = true;
                    report.failures.push(fail(
                        e.line,
                        e.column,
                        id,
                        format!(
                            "expected \"{}\", got: {}",
                            e.fact,
                            outcome.relevant(&e.fact)
                        ),
                    ));
                }
            }
            for r in &ex.reject {
                if let Some(by) = outcome.find(&r.fact) {
                    let by = if by.is_empty() {
                        String::new()
                    } else {
                        format!(" (by {})", joined(by))
                    };
                    report.failures.push(fail(
                        r.line,
                        r.column,
                        id,
                        format!("rejected \"{}\" was found{by}", r.fact),
                    ));
                }
            }
            // Whether the rule itself made one of the facts, once they are all there.
            if missing || ex.expect.is_empty() {
                continue;
            }
            let fired = match pattern.entity {
                None => ex
                    .expect
                    .iter()
                    .any(|e| outcome.find(&e.fact).is_some_and(|by| by.contains(id))),
                Some(kind) => {
                    let without = without.get_or_insert_with(|| rules.without_pattern(id));
                    let alone = extract(without, ex);
                    ex.expect.iter().any(|e| {
                        matches!(&e.fact, Fact::Entity { kind: k, .. } if *k == kind)
                            && alone.find(&e.fact).is_none()
                    })
                }
            };
            if !fired {
                let why = match pattern.entity {
                    None => {
                        let by: Vec<String> = ex
                            .expect
                            .iter()
                            .filter(|e| matches!(e.fact, Fact::Relation { .. }))
                            .filter_map(|e| {
                                let by = outcome.find(&e.fact)?;
                                Some(format!("\"{}\" by {}", e.fact, joined(by)))
                            })
                            .collect();
                        let made: BTreeSet<String> = outcome
                            .facts
                            .relations
                            .iter()
                            .filter(|r| r.rule == id.as_str())
                            .map(|r| format!("\"{} {} {}\"", r.from.1, r.relation, r.to.1))
                            .collect();
                        let made = if made.is_empty() {
                            String::new()
                        } else {
                            format!("; it made {}", joined(made))
                        };
                        if by.is_empty() {
                            format!("it expects no relation: expect one the rule makes{made}")
                        } else {
                            format!(
                                "its expected relations came from other rules: {}{made}",
                                by.join("; ")
                            )
                        }
                    }
                    Some(kind) => format!(
                        "every expected {kind} is found without the rule too: expect one only this rule finds"
                    ),
                };
                report.failures.push(fail(
                    ex.line,
                    ex.column,
                    id,
                    format!("did not fire on its own example: {why}"),
                ));
            }
        }
    }
    report.failures.sort();
    report
}

/// How `rules test` prints its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
}

/// The embedded `patterns.toml`, named as in the repository.
fn embedded_patterns() -> (PathBuf, String) {
    (
        PathBuf::from("rules").join("patterns.toml"),
        crate::rules::embedded_text("patterns.toml")
            .expect("patterns.toml is embedded")
            .to_string(),
    )
}

/// The `patterns.toml` of a folder; None when a folder that extends the embedded rules
/// has none.
fn folder_patterns(d: &Path, mode: Mode) -> Result<Option<(PathBuf, String)>> {
    let path = d.join("patterns.toml");
    match std::fs::metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && mode == Mode::Extend => {
            return Ok(None);
        }
        // A named pipe would wait for a writer forever: compiling the folder has said
        // what is wrong with anything but a regular file.
        Ok(m) if m.is_file() => {}
        _ => {
            return Err(Error::Invalid {
                path,
                message: "not a regular file: a rule file must be one".into(),
            });
        }
    }
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    Ok(Some((path, text)))
}

/// The examples of the rules in force: a folder that extends the embedded rules adds its
/// own, and a rule it replaces takes its examples with it.
fn suites(
    dir: Option<&Path>,
    mode: Mode,
) -> Result<std::result::Result<Vec<Suite>, Vec<RuleProblem>>> {
    let folder = match dir {
        None => None,
        Some(d) => folder_patterns(d, mode)?,
    };
    let files: Vec<(PathBuf, String)> = match (folder, mode) {
        (None, _) => vec![embedded_patterns()],
        (Some(f), Mode::Replace) => vec![f],
        (Some(f), Mode::Extend) => vec![embedded_patterns(), f],
    };
    let mut out: Vec<Suite> = Vec::new();
    let mut problems = Vec::new();
    for (path, text) in &files {
        match parse(path, text) {
            Ok(suite) => out.push(suite),
            Err(p) => problems.extend(p),
        }
    }
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    // Rules (and their examples) that a later file defines again are that file's.
    for i in 0..out.len() {
        let later: BTreeSet<String> = out[i + 1..]
            .iter()
            .flat_map(|s| s.rules.iter().map(|r| r.0.clone()))
            .collect();
        out[i].rules.retain(|r| !later.contains(&r.0));
        out[i].examples.retain(|e| !later.contains(&e.rule));
    }
    Ok(Ok(out))
}

/// The rules of `dir` (the embedded ones by default; see [`Mode`] for how a folder is
/// read) compiled, and the examples of their `patterns.toml` files; a problem of either
/// fails both, every problem listed.
pub fn load(dir: Option<&Path>, mode: Mode) -> Result<(&'static Rules, Vec<Suite>)> {
    let rules = crate::cli::rules_in(dir, mode);
    // A folder whose rules do not compile is still read for its examples' problems.
    let examples = suites(dir, mode);
    match (rules, examples) {
        (Ok(rules), Ok(Ok(suites))) => Ok((rules, suites)),
        (Ok(_), Ok(Err(problems))) => Err(Error::Rules(problems)),
        (Ok(_), Err(e)) => Err(e),
        (Err(Error::Rules(mut problems)), Ok(Err(more))) => {
            // A TOML syntax error is found by both readers.
            for p in more {
                if !problems.contains(&p) {
                    problems.push(p);
                }
            }
            problems.sort();
            Err(Error::Rules(problems))
        }
        (Err(e), _) => Err(e),
    }
}

/// `rules check`: the rule set compiles and its examples are well written; the summary
/// line on success.
pub fn check(dir: Option<&Path>, mode: Mode) -> Result<String> {
    load(dir, mode).map(|(rules, _)| rules.summary())
}

/// `rules test`: runs the examples and writes the report; exit 1 when some fail.
pub fn run_command(
    dir: Option<&Path>,
    mode: Mode,
    format: OutputFormat,
    out: &mut dyn std::io::Write,
) -> Result<crate::cli::Exit> {
    let (rules, suites) = load(dir, mode)?;
    let mut report = Report {
        rules: 0,
        examples: 0,
        failures: Vec::new(),
    };
    for suite in &suites {
        let one = run(rules, suite);
        report.rules += one.rules;
        report.examples += one.examples;
        report.failures.extend(one.failures);
    }
    report.failures.sort();
    let io = |e| Error::io("<stdout>", e);
    match format {
        OutputFormat::Text => {
            for f in &report.failures {
                writeln!(out, "{f}").map_err(io)?;
            }
            writeln!(out, "{}", report.summary()).map_err(io)?;
        }
        OutputFormat::Json => {
            /// The JSON report: `{"rules": 49, "examples": 50, "failures": [{"file": …,
            /// "line": …, "column": …, "rule": …, "message": …}]}`, in this order.
            #[derive(serde::Serialize)]
            struct Json<'a> {
                rules: usize,
                examples: usize,
                failures: Vec<JsonFailure<'a>>,
            }
            #[derive(serde::Serialize)]
            struct JsonFailure<'a> {
                file: String,
                line: usize,
                column: usize,
                rule: Option<&'a str>,
                message: &'a str,
            }
            let doc = Json {
                rules: report.rules,
                examples: report.examples,
                failures: report
                    .failures
                    .iter()
                    .map(|f| JsonFailure {
                        file: f.path.display().to_string(),
                        line: f.line,
                        column: f.column,
                        rule: f.rule.as_deref(),
                        message: &f.message,
                    })
                    .collect(),
            };
            let json = serde_json::to_string(&doc).expect("strings and numbers serialize");
            writeln!(out, "{json}").map_err(io)?;
        }
    }
    Ok(if report.failures.is_empty() {
        crate::cli::Exit::Ok
    } else {
        crate::cli::Exit::Failed
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(s: &str, r: Relation, o: &str) -> Fact {
        Fact::Relation {
            subject: s.into(),
            relation: r,
            object: o.into(),
        }
    }

    #[test]
    fn facts_parse_as_relations_or_entities() {
        assert_eq!(
            parse_fact("Ana Ruiz works_at Zylotech"),
            Ok(rel("Ana Ruiz", Relation::WorksAt, "Zylotech"))
        );
        assert_eq!(
            parse_fact("  Noé  Valette   presents  Un   titre : long "),
            Ok(rel("Noé Valette", Relation::Presents, "Un titre : long"))
        );
        assert_eq!(
            parse_fact("person Ana Ruiz"),
            Ok(Fact::Entity {
                kind: Kind::Person,
                name: "Ana Ruiz".into()
            })
        );
        // A relation word wins over a leading type word.
        assert_eq!(
            parse_fact("talk Deep Dive part_of Fest"),
            Ok(rel("talk Deep Dive", Relation::PartOf, "Fest"))
        );
        assert_eq!(
            parse_fact("Zylotech develops Quarkle").map(|f| f.to_string()),
            Ok("Zylotech develops Quarkle".to_string())
        );
    }

    #[test]
    fn malformed_facts_say_what_to_write() {
        let err = |s: &str| parse_fact(s).unwrap_err();
        assert_eq!(
            err("works_at Zylotech"),
            "no subject before `works_at`: write `SUBJECT works_at OBJECT`"
        );
        assert_eq!(
            err("Ana works_at"),
            "no object after `works_at`: write `SUBJECT works_at OBJECT`"
        );
        assert_eq!(
            err("Ana works_at Zylo presents X"),
            "names two relations (`works_at` and `presents`): write one fact per string"
        );
        assert_eq!(err("person"), "no name after `person`: write `person NAME`");
        assert!(err("Ana likes_a_lot Zylo").starts_with("unknown relation `likes_a_lot`: write"));
        assert!(
            err("Ana Ruiz")
                .starts_with("`Ana Ruiz` is not a fact: write `SUBJECT relation OBJECT`")
        );
        assert!(err("  ").starts_with("empty fact: "));
    }

    #[test]
    fn a_rule_that_did_not_make_its_examples_facts_is_reported() {
        let rules = crate::rules::default_rules().unwrap_or_else(|e| panic!("{e}"));
        let text = r#"
[[rule]]
id = "en.works_at.from"
[[rule.test]]
text = "Noé Valette de chez Zylotech nous a présenté son REX."
expect = ["Noé Valette works_at Zylotech"]
[[rule.test]]
text = "Priya Vennalor from Zylotech opened the day."
expect = ["Priya Vennalor works_at Zylotech"]
reject = ["person Zylotech"]

[[rule]]
id = "fr.company.chez"
[[rule.test]]
text = "Ana Ruiz, ingénieure chez Zylotech, a ouvert la journée."
expect = ["company Zylotech"]
[[rule.test]]
text = "Elle a rejoint Zylotech l’an dernier."
expect = ["company Zylotech"]

[[rule]]
id = "any.company.thanks"

[[rule]]
id = "en.company.works"
[[rule.test]]
text = "She joined Paris last year."
reject = ["company Paris"]
"#;
        let suite = parse(Path::new("p.toml"), text).expect("parses");
        let report = run(rules, &suite);
        let shown: Vec<String> = report.failures.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            shown,
            [
                "p.toml:5:8: rule en.works_at.from: did not fire on its own example: its expected relations came from other rules: \"Noé Valette works_at Zylotech\" by fr.works_at.de_chez",
                // The company is there without the entity rule: a works_at rule promoted it.
                "p.toml:15:8: rule fr.company.chez: did not fire on its own example: every expected company is found without the rule too: expect one only this rule finds",
                "p.toml:22:1: rule any.company.thanks: no end-to-end example: add a [[rule.test]] table under the rule with a text it must read and the facts it must give",
                "p.toml:25:1: rule en.company.works: no example expects a fact: give one an `expect` the rule makes (a `reject` alone shows nothing it finds)",
            ]
        );
        assert_eq!(report.summary(), "4 rules, 5 examples, 4 failures");
    }

    #[test]
    fn missing_and_rejected_facts_are_reported_with_what_was_found() {
        let rules = crate::rules::default_rules().unwrap_or_else(|e| panic!("{e}"));
        let text = r#"
[[rule]]
id = "en.works_at.from"
[[rule.test]]
text = "Priya Vennalor from Zylotech opened the day."
expect = ["Priya Vennalor works_at Quarkle", "project Zylotech", "PRIYA VENNALOR works_at zylotech"]
reject = ["company Zylotech", "Priya Vennalor works_at Zylotech"]
"#;
        let suite = parse(Path::new("p.toml"), text).expect("parses");
        let shown: Vec<String> = run(rules, &suite)
            .failures
            .iter()
            .map(|p| p.to_string())
            .collect();
        assert_eq!(
            shown,
            [
                "p.toml:6:11: rule en.works_at.from: expected \"Priya Vennalor works_at Quarkle\", got: Priya Vennalor works_at Zylotech (by en.works_at.from)",
                "p.toml:6:46: rule en.works_at.from: expected \"project Zylotech\", got: no project; entities: person Priya Vennalor, company Zylotech",
                "p.toml:7:11: rule en.works_at.from: rejected \"company Zylotech\" was found",
                "p.toml:7:31: rule en.works_at.from: rejected \"Priya Vennalor works_at Zylotech\" was found (by en.works_at.from)",
            ]
        );
    }

    #[test]
    fn examples_are_read_with_their_positions() {
        let text = "[[rule]]\nid = \"a.b\"\npattern = 'x'\n[[rule.test]]\ntext = \"Ana Ruiz de chez Zylo\"\nexpect = [\"Ana Ruiz works_at Zylo\", \"person Ana Ruiz\"]\nreject = [\"company Ana\"]\nformat = \"md\"\n";
        let suite = parse(Path::new("p.toml"), text).expect("parses");
        assert_eq!(suite.rules, vec![("a.b".to_string(), 2, 1)]);
        let ex = &suite.examples[0];
        assert_eq!((ex.line, ex.column), (5, 8));
        assert_eq!(ex.format, Some(crate::read::Format::Markdown));
        assert_eq!(
            ex.expect
                .iter()
                .map(|e| (e.line, e.column))
                .collect::<Vec<_>>(),
            [(6, 11), (6, 37)]
        );
        assert_eq!((ex.reject[0].line, ex.reject[0].column), (7, 11));
    }

    #[test]
    fn every_problem_of_the_examples_is_reported_where_it_is() {
        let text = "[[rule]]\nid = \"a.b\"\npattern = 'x'\n[[rule.test]]\ntext = \" \"\nexpect = [\"Ana likes Zylo\", \"works_at Zylo\"]\nformat = \"pdf\"\n";
        let problems = parse(Path::new("p.toml"), text).unwrap_err();
        let shown: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            shown,
            [
                "p.toml:5:8: rule a.b: empty example text: give a sentence the rule must read",
                &format!("p.toml:6:11: rule a.b: `Ana likes Zylo` is not a fact: {FACT_SYNTAX}"),
                "p.toml:6:29: rule a.b: no subject before `works_at`: write `SUBJECT works_at OBJECT`",
                "p.toml:7:10: rule a.b: unknown format `pdf`: write md, html or text",
            ]
        );
        let unknown = "[[rule]]\nid = \"a.b\"\npattern = 'x'\n[[rule.test]]\ntext = \"x\"\nexpects = [\"person X\"]\n";
        let problems = parse(Path::new("p.toml"), unknown).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!((problems[0].line, problems[0].column), (6, 1));
        assert!(
            problems[0].message.starts_with("unknown field `expects`"),
            "{}",
            problems[0].message
        );
    }
}
