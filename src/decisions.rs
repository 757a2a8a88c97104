//! Merge decisions: the user's corrections to entity resolution (`same_as`, `not_same_as`,
//! `reject`, `retype`), kept in a small TOML file and applied after every extraction so that
//! they survive re-extraction. Works on the graph's JSON document; never reads the texts.

use crate::error::{Error, Result, RuleProblem};
use crate::fold::{fold, slug};
use crate::graph::{Kind, KnowledgeGraph, Relation};
use crate::model::{EdgeDoc, GraphDoc, NodeDoc, Span};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// What `decide --help` shows; the README has the same file.
const DECIDE_HELP: &str = "The decisions file (TOML, one [[decision]] table per correction):
  [[decision]]
  same_as = [\"Josue Abreu\", \"Josh Abreu\"]    # the second's names, mentions, edges move to the first
  [[decision]]
  not_same_as = [\"Flux CD\", \"Flux\"]          # two entities, though resolution made them one
  [[decision]]
  reject = \"Thanks\"                          # no entity: dropped with its edges
  [[decision]]
  retype = [\"Docker\", \"company\"]             # person, company, project, talk or event
  note = \"the company here, not the tool\"    # optional, on any decision

Apply it with `talkgraph extract DOCS --decisions decisions.toml -o graph.json` (also with --into).

Examples:
  talkgraph decide same \"Josue Abreu\" \"Josh Abreu\"
  talkgraph decide not-same \"Flux CD\" \"Flux\" --file my-decisions.toml
  talkgraph decide reject \"Thanks\" --note \"a heading, not a company\"
  talkgraph decide retype \"Docker\" company";

/// `talkgraph decide`.
#[derive(Debug, clap::Args)]
#[command(after_help = DECIDE_HELP)]
pub struct DecideArgs {
    #[command(subcommand)]
    pub decision: DecideCommand,
    /// The decisions file to add to (created when missing).
    #[arg(
        long,
        value_name = "FILE",
        default_value = "decisions.toml",
        global = true
    )]
    pub file: PathBuf,
    /// Why: kept with the decision as `note = "…"`.
    #[arg(long, value_name = "TEXT", global = true)]
    pub note: Option<String>,
}

/// The decisions `decide` can add.
#[derive(Debug, clap::Subcommand)]
pub enum DecideCommand {
    /// NAME and OTHER are one entity: OTHER's names, mentions and edges move to NAME.
    Same { name: String, other: String },
    /// NAME and OTHER are two entities, though resolution made them one.
    NotSame { name: String, other: String },
    /// NAME is no entity: drop it and its edges.
    Reject { name: String },
    /// NAME is of another type: person, company, project, talk or event.
    Retype {
        name: String,
        #[arg(value_name = "TYPE")]
        kind: String,
    },
}

/// One correction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    SameAs(String, String),
    NotSameAs(String, String),
    Reject(String),
    Retype(String, Kind),
}

impl Action {
    /// Decisions apply kind by kind in this order (file order within a kind): splits
    /// before merges so a merge sees the entities the user wants; retypes before merges so
    /// that two entities can be given one type and then merged; rejects last.
    fn rank(&self) -> u8 {
        match self {
            Action::NotSameAs(..) => 0,
            Action::Retype(..) => 1,
            Action::SameAs(..) => 2,
            Action::Reject(..) => 3,
        }
    }

    /// The TOML table body of this decision.
    fn to_toml(&self) -> String {
        let s = |v: &str| toml::Value::String(v.to_string()).to_string();
        match self {
            Action::SameAs(a, b) => format!("same_as = [{}, {}]", s(a), s(b)),
            Action::NotSameAs(a, b) => format!("not_same_as = [{}, {}]", s(a), s(b)),
            Action::Reject(a) => format!("reject = {}", s(a)),
            Action::Retype(a, k) => format!("retype = [{}, {}]", s(a), s(k.as_str())),
        }
    }

    /// Whether `other` says the same thing (names compared folded; `not_same_as` either
    /// way round) or says the opposite about the same names.
    fn clashes_with(&self, other: &Action) -> Option<&'static str> {
        let pair = |a: &str, b: &str| (fold(a), fold(b));
        let either = |(a, b): (String, String), (c, d): (String, String)| {
            (a == c && b == d) || (a == d && b == c)
        };
        match (self, other) {
            (Action::SameAs(a, b), Action::SameAs(c, d)) if pair(a, b) == pair(c, d) => {
                Some("is already there")
            }
            (Action::SameAs(a, b), Action::SameAs(c, d)) if either(pair(a, b), pair(c, d)) => {
                Some("is already there the other way round (it decides which name stays)")
            }
            (Action::NotSameAs(a, b), Action::NotSameAs(c, d))
                if either(pair(a, b), pair(c, d)) =>
            {
                Some("is already there")
            }
            (Action::SameAs(a, b), Action::NotSameAs(c, d))
            | (Action::NotSameAs(a, b), Action::SameAs(c, d))
                if either(pair(a, b), pair(c, d)) =>
            {
                Some("contradicts a decision already there")
            }
            (Action::Reject(a), Action::Reject(b)) if fold(a) == fold(b) => {
                Some("is already there")
            }
            (Action::Retype(a, k), Action::Retype(b, l)) if fold(a) == fold(b) => Some(if k == l {
                "is already there"
            } else {
                "contradicts a decision already there"
            }),
            _ => None,
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::SameAs(a, b) => write!(f, "same_as {a:?} {b:?}"),
            Action::NotSameAs(a, b) => write!(f, "not_same_as {a:?} {b:?}"),
            Action::Reject(a) => write!(f, "reject {a:?}"),
            Action::Retype(a, k) => write!(f, "retype {a:?} {:?}", k.as_str()),
        }
    }
}

/// A correction and the line of the decisions file it stands on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub action: Action,
    pub line: usize,
}

/// A decisions file, read and checked.
#[derive(Debug, Clone)]
pub struct Decisions {
    /// As given on the command line: warnings name it.
    pub path: PathBuf,
    /// In file order.
    pub list: Vec<Decision>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSpec {
    #[serde(default)]
    decision: Vec<Spanned<EntrySpec>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntrySpec {
    same_as: Option<Spanned<Vec<String>>>,
    not_same_as: Option<Spanned<Vec<String>>>,
    reject: Option<Spanned<String>>,
    retype: Option<Spanned<Vec<String>>>,
    /// For the people who read the file; talkgraph keeps it and does nothing with it.
    #[serde(rename = "note")]
    _note: Option<String>,
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut at = offset.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Reads a decisions file; a missing file is an error (a misspelt `--decisions` would
/// otherwise undo every correction without a word).
pub fn load(path: &Path) -> Result<Decisions> {
    let bytes = std::fs::read(path).map_err(|e| Error::Invalid {
        path: path.to_path_buf(),
        message: format!(
            "cannot read the decisions file ({e}); fix the path, or create the file with `talkgraph decide`"
        ),
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let (line, column) = line_col(
            &String::from_utf8_lossy(e.as_bytes()),
            e.utf8_error().valid_up_to(),
        );
        Error::Json {
            path: path.to_path_buf(),
            line,
            column,
            message: "not UTF-8: a decisions file is UTF-8 text; save it as UTF-8".into(),
        }
    })?;
    parse(path, &text)
}

/// Parses the text of a decisions file; every problem is listed as `file:line:col`.
pub fn parse(path: &Path, text: &str) -> Result<Decisions> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let problem = |offset: usize, message: String| {
        let (line, column) = line_col(text, offset);
        RuleProblem {
            path: path.to_path_buf(),
            line,
            column,
            rule: None,
            message,
        }
    };
    let spec: FileSpec = toml::from_str(text).map_err(|e| {
        let at = e.span().map_or(0, |s| s.start);
        Error::Rules(vec![problem(
            at,
            format!(
                "{}; a decisions file is [[decision]] tables such as `same_as = [\"A\", \"B\"]` (see `talkgraph decide --help`)",
                e.message().trim_end()
            ),
        )])
    })?;
    let mut problems = Vec::new();
    let mut list = Vec::new();
    for entry in &spec.decision {
        let e = entry.get_ref();
        let mut found: Vec<(usize, std::result::Result<Action, String>)> = Vec::new();
        let pair = |v: &Spanned<Vec<String>>, name: &str| match v.get_ref().as_slice() {
            [a, b] if !a.trim().is_empty() && !b.trim().is_empty() => Ok((a.clone(), b.clone())),
            _ => Err(format!(
                "{name} takes two non-empty names: {name} = [\"Josue Abreu\", \"Josh Abreu\"]"
            )),
        };
        if let Some(v) = &e.same_as {
            let a = pair(v, "same_as").and_then(|(a, b)| {
                if fold(&a) == fold(&b) {
                    Err(format!(
                        "{a:?} and {b:?} are one name to talkgraph already (case, accents and punctuation are ignored); remove the decision"
                    ))
                } else {
                    Ok(Action::SameAs(a, b))
                }
            });
            found.push((v.span().start, a));
        }
        if let Some(v) = &e.not_same_as {
            let a = pair(v, "not_same_as").and_then(|(a, b)| {
                if fold(&a) == fold(&b) {
                    Err(format!(
                        "{a:?} and {b:?} are one name to talkgraph (case, accents and punctuation are ignored), so they cannot be kept apart; remove the decision"
                    ))
                } else {
                    Ok(Action::NotSameAs(a, b))
                }
            });
            found.push((v.span().start, a));
        }
        if let Some(v) = &e.reject {
            let a = if v.get_ref().trim().is_empty() {
                Err("reject takes a non-empty name: reject = \"Thanks\"".to_string())
            } else {
                Ok(Action::Reject(v.get_ref().clone()))
            };
            found.push((v.span().start, a));
        }
        if let Some(v) = &e.retype {
            let a = match v.get_ref().as_slice() {
                [name, kind] if !name.trim().is_empty() => match Kind::parse(kind) {
                    Some(k) => Ok(Action::Retype(name.clone(), k)),
                    None => Err(format!(
                        "unknown type {kind:?}: use person, company, project, talk or event"
                    )),
                },
                _ => {
                    Err("retype takes a name and a type: retype = [\"Docker\", \"company\"]".into())
                }
            };
            found.push((v.span().start, a));
        }
        match found.len() {
            1 => {
                let (at, action) = found.swap_remove(0);
                match action {
                    Ok(action) => list.push(Decision {
                        action,
                        line: line_col(text, at).0,
                    }),
                    Err(m) => problems.push(problem(at, m)),
                }
            }
            0 => problems.push(problem(
                entry.span().start,
                "a [[decision]] needs one of same_as, not_same_as, reject or retype".into(),
            )),
            _ => problems.push(problem(
                found[1].0,
                "one decision per [[decision]] table: start another [[decision]] for this one"
                    .into(),
            )),
        }
    }
    if problems.is_empty() {
        Ok(Decisions {
            path: path.to_path_buf(),
            list,
        })
    } else {
        Err(Error::Rules(problems))
    }
}

/// What applying decisions had to say, by decisions-file line.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Decisions that matched nothing or could not be applied: the file needs an edit.
    pub warnings: Vec<(usize, String)>,
    /// What a decision did beyond what it says (edges a retyped entity cannot have).
    pub notes: Vec<(usize, String)>,
}

impl Decisions {
    /// The fingerprint a graph carries once these decisions corrected it: the rules' own
    /// and a hash of the decisions in the order they apply (notes, comments and layout
    /// left out, so editing those re-extracts nothing). A file without decisions leaves
    /// the rules' fingerprint as it is: it corrects nothing.
    pub fn fingerprint(&self, rules: &str) -> String {
        if self.list.is_empty() {
            return rules.to_string();
        }
        let mut canonical = String::new();
        for d in self.in_order() {
            canonical.push_str(&d.action.to_string());
            canonical.push('\n');
        }
        format!(
            "{rules} decisions {}",
            crate::resolve::content_hash(canonical.as_bytes())
        )
    }

    fn in_order(&self) -> Vec<&Decision> {
        let mut v: Vec<&Decision> = self.list.iter().collect();
        v.sort_by_key(|d| d.action.rank());
        v
    }

    /// Applies the decisions to a graph whose facts `rules` (a fingerprint) made, and says
    /// on `err` which decisions matched nothing. `reused`: the graph keeps documents of an
    /// earlier run these decisions already corrected (`extract --into`), whose rejected
    /// entities are gone, so a `reject` matching nothing is not reported. The graph comes
    /// back with the fingerprint of rules and decisions, and mentions capped at `cap`.
    pub fn apply(
        &self,
        graph: KnowledgeGraph,
        rules: &str,
        cap: Option<usize>,
        reused: bool,
        err: &mut dyn Write,
    ) -> KnowledgeGraph {
        if self.list.is_empty() {
            return graph;
        }
        let mut graph = graph;
        let made_by_rules = graph.rules_fingerprint() == Some(rules);
        graph.compact();
        let mut doc = graph.to_doc();
        let (outcome, changed) = apply_to(&mut doc, &self.list, reused);
        let path = self.path.display();
        for (line, m) in &outcome.warnings {
            let _ = writeln!(err, "talkgraph: warning: {path}:{line}: {m}");
        }
        for (line, m) in &outcome.notes {
            let _ = writeln!(err, "talkgraph: note: {path}:{line}: {m}");
        }
        if !changed {
            // Every decision already in effect (or matching nothing): the rebuild, which
            // costs as much as reading the graph, would give the same graph.
            if made_by_rules {
                graph.set_rules_fingerprint(&self.fingerprint(rules));
            }
            return graph;
        }
        drop(graph);
        // Rebuilt as a merge is, so edges that now join the same two nodes become one
        // (strongest rule, evidence of both) and an edge from a node to itself goes.
        let mut g = KnowledgeGraph::new();
        g.set_max_mentions(cap);
        g.merge_doc(&doc);
        g.compact();
        if made_by_rules {
            g.set_rules_fingerprint(&self.fingerprint(rules));
        }
        g
    }

    /// [`Self::apply`] for `merge`, which knows the rules only from the graph's fingerprint.
    pub fn apply_merged(
        &self,
        graph: KnowledgeGraph,
        cap: Option<usize>,
        err: &mut dyn Write,
    ) -> KnowledgeGraph {
        let rules = graph
            .rules_fingerprint()
            .map(|f| rules_part(f).to_string())
            .unwrap_or_default();
        self.apply(graph, &rules, cap, false, err)
    }

    /// Before `extract --into` merges newly extracted documents into a graph these
    /// decisions corrected: the graph takes back its rules' fingerprint, so that the union
    /// with the new part (made by the same rules) keeps it.
    pub fn unmark(&self, graph: &mut KnowledgeGraph, rules: &str) {
        if graph.rules_fingerprint() == Some(self.fingerprint(rules).as_str()) {
            graph.set_rules_fingerprint(rules);
        }
    }
}

/// The rules' part of a fingerprint that may record decisions.
fn rules_part(fingerprint: &str) -> &str {
    fingerprint
        .split_once(" decisions ")
        .map_or(fingerprint, |(rules, _)| rules)
}

/// Why `extract --into` extracts every document again, for a graph whose fingerprint
/// `old` is not `new` (the run's: rules, plus decisions when given).
pub fn stale_reason(old: Option<&str>, new: &str) -> &'static str {
    let decided = |f: Option<&str>| f.is_some_and(|f| f.contains(" decisions "));
    let base = rules_part;
    match old {
        Some(o) if base(o) == base(new) && decided(old) && !decided(Some(new)) => {
            "was corrected by decisions this run does not apply (give --decisions FILE to keep them)"
        }
        Some(o) if base(o) == base(new) => "was corrected by other decisions than this run's",
        _ => "was made with other rules or another talkgraph version",
    }
}

/// Applies decisions to a graph document: kind by kind (see [`Action::rank`]), file order
/// within a kind. Edges left without an end, and edges from a node to itself, are dropped;
/// edges that came to join the same nodes are left for the caller's rebuild to unite.
pub fn apply_doc(doc: &mut GraphDoc, list: &[Decision], reused: bool) -> Outcome {
    apply_to(doc, list, reused).0
}

/// [`apply_doc`], also saying whether the document changed.
fn apply_to(doc: &mut GraphDoc, list: &[Decision], reused: bool) -> (Outcome, bool) {
    let mut w = Work::new(
        std::mem::take(&mut doc.nodes),
        std::mem::take(&mut doc.edges),
    );
    let mut outcome = Outcome::default();
    let mut ordered: Vec<&Decision> = list.iter().collect();
    ordered.sort_by_key(|d| d.action.rank());
    for d in ordered {
        let said = match &d.action {
            Action::SameAs(a, b) => w.same_as(a, b),
            Action::NotSameAs(a, b) => w.not_same_as(a, b),
            Action::Retype(x, k) => w.retype(x, *k, &mut |m| outcome.notes.push((d.line, m))),
            Action::Reject(x) => w.reject(x, reused),
        };
        if let Some(m) = said {
            outcome
                .warnings
                .push((d.line, format!("{}: {m}", d.action)));
        }
    }
    let changed = w.changed;
    let (nodes, edges) = w.finish();
    doc.nodes = nodes;
    doc.edges = edges;
    (outcome, changed)
}

/// The kind written in a node id (`type:slug`); ids come from `KnowledgeGraph::to_doc`.
fn kind_of_id(id: &str) -> Option<Kind> {
    Kind::parse(id.split(':').next()?)
}

fn no_entity(name: &str) -> String {
    format!("no entity named {name:?} in this graph; remove the decision or fix the name")
}

/// Whether `outer` (evidence) holds the span `inner` (a mention).
fn holds(outer: &Span, inner: &Span) -> bool {
    outer.source == inner.source && outer.start <= inner.start && inner.end <= outer.end
}

/// Nodes (`None` once merged away or rejected) with their folded names, and edges.
struct Work {
    nodes: Vec<Option<NodeDoc>>,
    /// Folded label, folded aliases.
    keys: Vec<(String, Vec<String>)>,
    edges: Vec<Option<EdgeDoc>>,
    /// Whether any decision changed anything.
    changed: bool,
}

impl Work {
    fn new(nodes: Vec<NodeDoc>, edges: Vec<EdgeDoc>) -> Work {
        let keys = nodes
            .iter()
            .map(|n| (fold(&n.label), n.aliases.iter().map(|a| fold(a)).collect()))
            .collect();
        Work {
            nodes: nodes.into_iter().map(Some).collect(),
            keys,
            edges: edges.into_iter().map(Some).collect(),
            changed: false,
        }
    }

    fn live(&self) -> impl Iterator<Item = (usize, &NodeDoc)> {
        self.nodes
            .iter()
            .enumerate()
            .filter_map(|(i, n)| n.as_ref().map(|n| (i, n)))
    }

    fn node(&self, i: usize) -> &NodeDoc {
        self.nodes[i].as_ref().expect("a live node")
    }

    /// Nodes whose id is `name`, else those whose label folds like it.
    fn by_label(&self, name: &str) -> Vec<usize> {
        let ids: Vec<usize> = self
            .live()
            .filter(|(_, n)| n.id == name)
            .map(|(i, _)| i)
            .collect();
        if !ids.is_empty() {
            return ids;
        }
        let key = fold(name);
        self.live()
            .filter(|(i, _)| !key.is_empty() && self.keys[*i].0 == key)
            .map(|(i, _)| i)
            .collect()
    }

    /// Nodes with an alias that folds like `name`.
    fn by_alias(&self, name: &str) -> Vec<usize> {
        let key = fold(name);
        self.live()
            .filter(|(i, _)| !key.is_empty() && self.keys[*i].1.contains(&key))
            .map(|(i, _)| i)
            .collect()
    }

    /// [`Self::by_label`], else [`Self::by_alias`].
    fn find(&self, name: &str) -> Vec<usize> {
        let v = self.by_label(name);
        if v.is_empty() { self.by_alias(name) } else { v }
    }

    /// Says that `name` names no entity but is an alias, or names nothing at all.
    fn missing(&self, name: &str, what: &str) -> String {
        match self.by_alias(name).first() {
            Some(&i) => {
                let n = self.node(i);
                format!(
                    "{name:?} is only another name of {} {:?}; {what} it by that name, or split it off first with not_same_as [{:?}, {name:?}]",
                    n.kind, n.label, n.label
                )
            }
            None => no_entity(name),
        }
    }

    fn rename_edges(&mut self, from: &str, to: &str) {
        for e in self.edges.iter_mut().flatten() {
            if e.source == from {
                e.source = to.to_string();
            }
            if e.target == from {
                e.target = to.to_string();
            }
        }
    }

    /// Moves node `from` into node `into`: its names become aliases, its attributes fill
    /// the gaps, its mentions and edges move.
    fn merge(&mut self, into: usize, from: usize) {
        let Some(b) = self.nodes[from].take() else {
            return;
        };
        self.changed = true;
        let (b_keys_label, b_keys_aliases) = std::mem::take(&mut self.keys[from]);
        let a = self.nodes[into].as_mut().expect("a live node");
        let mut aliases: BTreeSet<String> = a.aliases.drain(..).collect();
        aliases.insert(b.label.clone());
        aliases.extend(b.aliases.iter().cloned());
        aliases.remove(&a.label);
        a.aliases = aliases.into_iter().collect();
        for (k, v) in &b.attributes {
            a.attributes.entry(k.clone()).or_insert_with(|| v.clone());
        }
        // Sampled sources (`--max-mentions`): the total is both nodes' totals.
        let total = |n: &NodeDoc, s: &str| {
            let listed = n.mentions.iter().filter(|m| m.source == s).count() as u64;
            n.mention_counts.get(s).copied().unwrap_or(0).max(listed)
        };
        let sampled: BTreeSet<String> = a
            .mention_counts
            .keys()
            .chain(b.mention_counts.keys())
            .cloned()
            .collect();
        let totals: Vec<(String, u64)> = sampled
            .into_iter()
            .map(|s| {
                let t = total(a, &s) + total(&b, &s);
                (s, t)
            })
            .collect();
        a.mentions.extend(b.mentions);
        a.mentions.sort();
        a.mentions.dedup();
        a.mention_counts = totals
            .into_iter()
            .filter(|(s, t)| *t > a.mentions.iter().filter(|m| m.source == *s).count() as u64)
            .collect();
        let a_id = a.id.clone();
        self.keys[into].1.push(b_keys_label);
        self.keys[into].1.extend(b_keys_aliases);
        self.rename_edges(&b.id, &a_id);
    }

    fn same_as(&mut self, a: &str, b: &str) -> Option<String> {
        let na = self.find(a);
        if na.is_empty() {
            return Some(no_entity(a));
        }
        let nb_label = self.by_label(b);
        let nb = if nb_label.is_empty() {
            // Only another name: fine when it already names the first entity.
            let alias = self.by_alias(b);
            if alias.iter().any(|i| na.contains(i)) {
                return None;
            }
            if alias.is_empty() {
                return Some(no_entity(b));
            }
            return Some(self.missing(b, "merge"));
        } else {
            nb_label
        };
        let mut paired = false;
        for &x in &na {
            for &y in &nb {
                let (Some(nx), Some(ny)) = (&self.nodes[x], &self.nodes[y]) else {
                    continue;
                };
                if nx.kind == ny.kind {
                    paired = true;
                    if x != y {
                        self.merge(x, y);
                    }
                }
            }
        }
        if paired {
            return None;
        }
        let kinds = |v: &[usize]| {
            let k: BTreeSet<&str> = v.iter().map(|&i| self.node(i).kind.as_str()).collect();
            k.into_iter().collect::<Vec<_>>().join(" and ")
        };
        Some(format!(
            "{a:?} is a {} and {b:?} a {}: only entities of one type merge; add a retype decision for one of them first",
            kinds(&na),
            kinds(&nb)
        ))
    }

    fn not_same_as(&mut self, a: &str, b: &str) -> Option<String> {
        let (fa, fb) = (fold(a), fold(b));
        if fa == fb {
            return Some(format!(
                "{a:?} and {b:?} are one name to talkgraph (case, accents and punctuation are ignored), so they cannot be kept apart; remove the decision"
            ));
        }
        let has =
            |keys: &(String, Vec<String>), k: &str| keys.0 == k || keys.1.iter().any(|x| x == k);
        let both: Vec<usize> = self
            .live()
            .filter(|(i, _)| has(&self.keys[*i], &fa) && has(&self.keys[*i], &fb))
            .map(|(i, _)| i)
            .collect();
        if both.is_empty() {
            // Already apart, or one of them is gone.
            for name in [a, b] {
                if self.find(name).is_empty() {
                    return Some(no_entity(name));
                }
            }
            return None;
        }
        for n in both {
            // The name the node is labelled with keeps it; the other is split off.
            if self.keys[n].0 == fb {
                self.split(n, &fa, a);
            } else {
                self.split(n, &fb, b);
            }
        }
        None
    }

    /// Splits the name folding to `key` off node `n`: its mentions, and the edges whose
    /// every piece of evidence holds one of them and none of the node's other mentions,
    /// go to a node of that name (an existing one of the same type, else a new one). An
    /// edge with evidence for both is split in two.
    fn split(&mut self, n: usize, key: &str, given: &str) {
        self.changed = true;
        let node = self.nodes[n].as_mut().expect("a live node");
        let spelling = node
            .aliases
            .iter()
            .find(|a| fold(a) == key)
            .cloned()
            .unwrap_or_else(|| given.to_string());
        node.aliases.retain(|a| fold(a) != key);
        self.keys[n].1.retain(|k| k != key);
        let (moved, kept): (Vec<Span>, Vec<Span>) = std::mem::take(&mut node.mentions)
            .into_iter()
            .partition(|m| fold(&m.text) == key);
        node.mentions = kept.clone();
        let kind = node.kind.clone();
        let old_id = node.id.clone();
        let new_id = format!("{kind}:{}", slug(&spelling));
        let mut added = Vec::new();
        for e in self.edges.iter_mut().flatten() {
            if e.source != old_id && e.target != old_id {
                continue;
            }
            let (to_new, to_old): (Vec<Span>, Vec<Span>) =
                std::mem::take(&mut e.evidence).into_iter().partition(|ev| {
                    moved.iter().any(|m| holds(ev, m)) && !kept.iter().any(|m| holds(ev, m))
                });
            e.evidence = to_old;
            if to_new.is_empty() {
                continue;
            }
            let mut copy = e.clone();
            copy.evidence = to_new;
            copy.evidence_counts.clear();
            if copy.source == old_id {
                copy.source = new_id.clone();
            }
            if copy.target == old_id {
                copy.target = new_id.clone();
            }
            if e.evidence.is_empty() {
                *e = copy;
            } else {
                added.push(Some(copy));
            }
        }
        self.edges.extend(added);
        let new = NodeDoc {
            id: new_id,
            kind: kind.clone(),
            label: spelling,
            aliases: Vec::new(),
            attributes: BTreeMap::new(),
            mentions: moved,
            mention_counts: BTreeMap::new(),
        };
        let existing = self
            .live()
            .find(|(i, m)| *i != n && m.kind == kind && self.keys[*i].0 == key)
            .map(|(i, _)| i);
        self.nodes.push(Some(new));
        self.keys.push((key.to_string(), Vec::new()));
        if let Some(m) = existing {
            self.merge(m, self.nodes.len() - 1);
        }
    }

    fn retype(&mut self, name: &str, to: Kind, note: &mut dyn FnMut(String)) -> Option<String> {
        let found = self.by_label(name);
        if found.is_empty() {
            return Some(self.missing(name, "retype"));
        }
        let target = to.as_str();
        for n in found {
            let Some(node) = self.nodes[n].as_mut() else {
                continue;
            };
            if node.kind == target {
                continue;
            }
            self.changed = true;
            let old_id = std::mem::take(&mut node.id);
            node.kind = target.to_string();
            node.id = format!("{target}:{}", slug(&node.label));
            let new_id = node.id.clone();
            self.rename_edges(&old_id, &new_id);
            // Edges the new type cannot have go; say which, as the rebuild would not.
            let mut dropped: BTreeMap<&'static str, usize> = BTreeMap::new();
            for slot in &mut self.edges {
                let Some(e) = slot else { continue };
                if e.source != new_id && e.target != new_id {
                    continue;
                }
                let fits = match (
                    Relation::parse(&e.relation),
                    kind_of_id(&e.source),
                    kind_of_id(&e.target),
                ) {
                    (Some(r), Some(f), Some(t)) => r.accepts(f, t),
                    _ => false,
                };
                if !fits {
                    let r = Relation::parse(&e.relation).map_or("?", Relation::as_str);
                    *dropped.entry(r).or_default() += 1;
                    *slot = None;
                }
            }
            if !dropped.is_empty() {
                let list: Vec<String> = dropped.iter().map(|(r, c)| format!("{c} {r}")).collect();
                note(format!(
                    "retype {name:?} {target:?}: dropped the edges a {target} cannot have ({})",
                    list.join(", ")
                ));
            }
            let key = self.keys[n].0.clone();
            let existing = self
                .live()
                .find(|(i, m)| *i != n && m.kind == target && self.keys[*i].0 == key)
                .map(|(i, _)| i);
            if let Some(m) = existing {
                self.merge(m, n);
            }
        }
        None
    }

    fn reject(&mut self, name: &str, reused: bool) -> Option<String> {
        let found = self.by_label(name);
        if found.is_empty() {
            if reused && self.by_alias(name).is_empty() {
                return None;
            }
            return Some(self.missing(name, "reject"));
        }
        for n in found {
            self.nodes[n] = None;
        }
        self.changed = true;
        None
    }

    fn finish(self) -> (Vec<NodeDoc>, Vec<EdgeDoc>) {
        let nodes: Vec<NodeDoc> = self.nodes.into_iter().flatten().collect();
        let ids: BTreeSet<&str> = nodes.iter().map(|n| n.id.as_str()).collect();
        let edges = self
            .edges
            .into_iter()
            .flatten()
            .filter(|e| {
                e.source != e.target
                    && ids.contains(e.source.as_str())
                    && ids.contains(e.target.as_str())
            })
            .collect();
        (nodes, edges)
    }
}

/// `talkgraph decide`: adds one decision to the decisions file, written whole or not at all.
pub fn run_decide(
    args: &DecideArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<crate::cli::Exit> {
    let action = match &args.decision {
        DecideCommand::Same { name, other } => Action::SameAs(name.clone(), other.clone()),
        DecideCommand::NotSame { name, other } => Action::NotSameAs(name.clone(), other.clone()),
        DecideCommand::Reject { name } => Action::Reject(name.clone()),
        DecideCommand::Retype { name, kind } => {
            let k = Kind::parse(kind).ok_or_else(|| {
                Error::Usage(format!(
                    "unknown type {kind:?}: use person, company, project, talk or event"
                ))
            })?;
            Action::Retype(name.clone(), k)
        }
    };
    let path = &args.file;
    // Two `decide` at once (a script, two terminals) would each add to the file as it was
    // and the second write would drop the first's decision: one at a time, as `--into`.
    // A missing file is created empty first, so that there is a file to lock.
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => {
            return Err(Error::Invalid {
                path: path.clone(),
                message: format!(
                    "cannot create the decisions file ({e}); give --file a path in a folder that exists"
                ),
            });
        }
    }
    let lock = crate::lock::UpdateLock::acquire(path, err)?;
    let old = match std::fs::read(path) {
        Ok(b) => Some(String::from_utf8(b).map_err(|_| Error::Invalid {
            path: path.clone(),
            message: "not UTF-8: a decisions file is UTF-8 text; save it as UTF-8".into(),
        })?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io(path, e)),
    };
    let (text, line) = add_decision(path, old.as_deref(), &action, args.note.as_deref())?;
    crate::export::write_file(path, &|| lock.unchanged(), |w| w.write_all(text.as_bytes()))?;
    drop(lock);
    writeln!(out, "{}:{line}: added {action}", path.display())
        .map_err(|e| Error::io("<stdout>", e))?;
    Ok(crate::cli::Exit::Ok)
}

/// The decisions file `old` (`None` or blank: there is none yet) with `action` added at the end,
/// and the line the decision stands on; refused when the file does not parse or already
/// says the same or the opposite.
pub fn add_decision(
    path: &Path,
    old: Option<&str>,
    action: &Action,
    note: Option<&str>,
) -> Result<(String, usize)> {
    let mut text = match old.filter(|t| !t.trim().is_empty()) {
        Some(t) => t.to_string(),
        None => "# Corrections to entity resolution, applied after every extraction:\n\
                 #   talkgraph extract DOCS --decisions decisions.toml -o graph.json\n\
                 # Add to it with `talkgraph decide` (see `talkgraph decide --help`).\n"
            .to_string(),
    };
    let existing = parse(path, &text)?;
    for d in &existing.list {
        if let Some(why) = action.clashes_with(&d.action) {
            let todo = if why == "is already there" {
                ""
            } else {
                ": change or remove that decision in the file if this one is right"
            };
            return Err(Error::Usage(format!(
                "{}:{}: {action} {why} ({}); nothing written{todo}",
                path.display(),
                d.line,
                d.action
            )));
        }
    }
    if let Action::NotSameAs(a, b) | Action::SameAs(a, b) = action
        && fold(a) == fold(b)
    {
        return Err(Error::Usage(format!(
            "{a:?} and {b:?} are one name to talkgraph (case, accents and punctuation are ignored): {}; nothing written",
            if matches!(action, Action::SameAs(..)) {
                "they are one entity already"
            } else {
                "they cannot be kept apart"
            }
        )));
    }
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str("[[decision]]\n");
    text.push_str(&action.to_toml());
    text.push('\n');
    if let Some(n) = note {
        text.push_str(&format!("note = {}\n", toml::Value::String(n.to_string())));
    }
    // What is written must read back as the decision asked for.
    let back = parse(path, &text)?;
    match back.list.last() {
        Some(d) if d.action == *action => Ok((text, d.line)),
        // Not seen; but a file is user input, and a bug here must not cost it.
        _ => Err(Error::Invalid {
            path: path.to_path_buf(),
            message: format!(
                "{action} would not read back from the file; nothing written: add it by hand"
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Vec<Action> {
        parse(Path::new("d.toml"), text)
            .unwrap()
            .list
            .into_iter()
            .map(|d| d.action)
            .collect()
    }

    fn problems(text: &str) -> String {
        parse(Path::new("d.toml"), text).unwrap_err().to_string()
    }

    fn span(source: &str, start: usize, end: usize, text: &str) -> Span {
        Span {
            source: source.into(),
            start,
            end,
            line: 1,
            text: text.into(),
        }
    }

    fn node(kind: &str, label: &str, aliases: &[&str], mentions: Vec<Span>) -> NodeDoc {
        NodeDoc {
            id: format!("{kind}:{}", slug(label)),
            kind: kind.into(),
            label: label.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            attributes: BTreeMap::new(),
            mentions,
            mention_counts: BTreeMap::new(),
        }
    }

    fn edge(source: &str, relation: &str, target: &str, evidence: Vec<Span>) -> EdgeDoc {
        EdgeDoc {
            source: source.into(),
            target: target.into(),
            key: 0,
            relation: relation.into(),
            rule: "r".into(),
            confidence: 0.8,
            evidence,
            evidence_counts: BTreeMap::new(),
        }
    }

    fn doc(nodes: Vec<NodeDoc>, edges: Vec<EdgeDoc>) -> GraphDoc {
        let mut d = GraphDoc::empty();
        d.nodes = nodes;
        d.edges = edges;
        d
    }

    fn decide(d: &mut GraphDoc, text: &str, reused: bool) -> Outcome {
        let list = parse(Path::new("d.toml"), text).unwrap().list;
        apply_doc(d, &list, reused)
    }

    fn ids(d: &GraphDoc) -> Vec<&str> {
        let mut v: Vec<&str> = d.nodes.iter().map(|n| n.id.as_str()).collect();
        v.sort();
        v
    }

    #[test]
    fn every_kind_of_decision_parses_with_its_line() {
        let text = "# c\n[[decision]]\nsame_as = [\"A\", \"B\"]\n\n[[decision]]\nnote = \"x\"\nretype = [\"D\", \"company\"]\n[[decision]]\nreject = \"C\"\n[[decision]]\nnot_same_as = [\"E\", \"F\"]\n";
        let d = parse(Path::new("d.toml"), text).unwrap();
        let lines: Vec<usize> = d.list.iter().map(|d| d.line).collect();
        assert_eq!(lines, [3, 7, 9, 11]);
        assert_eq!(
            parsed(text),
            [
                Action::SameAs("A".into(), "B".into()),
                Action::Retype("D".into(), Kind::Company),
                Action::Reject("C".into()),
                Action::NotSameAs("E".into(), "F".into()),
            ]
        );
        assert!(parsed("").is_empty());
    }

    #[test]
    fn bad_files_are_reported_with_file_line_and_column() {
        assert!(
            problems("[[decision]]\nsame_as = [\"A\"\n").starts_with("d.toml:2:"),
            "{}",
            problems("[[decision]]\nsame_as = [\"A\"\n")
        );
        assert_eq!(
            problems("[[decision]]\nretype = [\"A\", \"firm\"]\n"),
            "d.toml:2:10: unknown type \"firm\": use person, company, project, talk or event"
        );
        assert_eq!(
            problems("[[decision]]\nsame_as = [\"A\"]\n[[decision]]\nreject = \"\"\n"),
            "d.toml:2:11: same_as takes two non-empty names: same_as = [\"Josue Abreu\", \"Josh Abreu\"]\nd.toml:4:10: reject takes a non-empty name: reject = \"Thanks\""
        );
        assert!(
            problems("[[decision]]\nmerge = [\"A\", \"B\"]\n")
                .starts_with("d.toml:2:1: unknown field `merge`")
        );
        assert!(
            problems("[[decision]]\nreject = \"A\"\nsame_as = [\"A\", \"B\"]\n")
                .contains("one decision per [[decision]]")
        );
        assert!(
            problems("[[decision]]\nnot_same_as = [\"José\", \"jose\"]\n")
                .contains("cannot be kept apart")
        );
        assert!(
            problems("[[decision]]\nsame_as = [\"José\", \"jose\"]\n")
                .contains("one name to talkgraph already")
        );
    }

    #[test]
    fn same_as_moves_names_mentions_and_edges_to_the_first() {
        let mut d = doc(
            vec![
                node(
                    "person",
                    "Josue Abreu",
                    &["J. Abreu"],
                    vec![span("a.md", 0, 11, "Josue Abreu")],
                ),
                node(
                    "person",
                    "Josh Abreu",
                    &[],
                    vec![span("b.md", 5, 15, "Josh Abreu")],
                ),
                node("company", "Docker", &[], vec![]),
            ],
            vec![edge(
                "person:josh-abreu",
                "works_at",
                "company:docker",
                vec![],
            )],
        );
        let out = decide(
            &mut d,
            "[[decision]]\nsame_as = [\"Josue Abreu\", \"josh abreu\"]\n",
            false,
        );
        assert_eq!(out, Outcome::default());
        assert_eq!(ids(&d), ["company:docker", "person:josue-abreu"]);
        let n = d
            .nodes
            .iter()
            .find(|n| n.id == "person:josue-abreu")
            .unwrap();
        assert_eq!(n.aliases, ["J. Abreu", "Josh Abreu"]);
        assert_eq!(n.mentions.len(), 2);
        assert_eq!(d.edges[0].source, "person:josue-abreu");
        // Applied again (an incremental run): the second name is an alias now, no warning.
        let again = decide(
            &mut d,
            "[[decision]]\nsame_as = [\"Josue Abreu\", \"Josh Abreu\"]\n",
            false,
        );
        assert_eq!(again, Outcome::default());
        assert_eq!(d.nodes.len(), 2);
    }

    #[test]
    fn same_as_refuses_two_types_and_reports_missing_names() {
        let mut d = doc(
            vec![
                node("company", "Docker", &[], vec![]),
                node("project", "Docker Engine", &[], vec![]),
            ],
            vec![],
        );
        let out = decide(
            &mut d,
            "[[decision]]\nsame_as = [\"Docker\", \"Docker Engine\"]\n[[decision]]\nsame_as = [\"Docker\", \"Moby\"]\n",
            false,
        );
        assert_eq!(
            out.warnings,
            [
                (2, "same_as \"Docker\" \"Docker Engine\": \"Docker\" is a company and \"Docker Engine\" a project: only entities of one type merge; add a retype decision for one of them first".to_string()),
                (4, "same_as \"Docker\" \"Moby\": no entity named \"Moby\" in this graph; remove the decision or fix the name".to_string()),
            ]
        );
        assert_eq!(d.nodes.len(), 2);
    }

    #[test]
    fn not_same_as_splits_a_name_off_with_its_mentions_and_edges() {
        let flux = span("a.md", 10, 14, "Flux");
        let flux_cd = span("a.md", 40, 47, "Flux CD");
        let mut d = doc(
            vec![
                node(
                    "project",
                    "Flux CD",
                    &["Flux"],
                    vec![flux.clone(), flux_cd.clone()],
                ),
                node("talk", "GitOps", &[], vec![]),
            ],
            vec![edge(
                "talk:gitops",
                "mentions",
                "project:flux-cd",
                vec![
                    span("a.md", 0, 20, "… Flux …"),
                    span("a.md", 35, 50, "… Flux CD …"),
                ],
            )],
        );
        let out = decide(
            &mut d,
            "[[decision]]\nnot_same_as = [\"Flux CD\", \"Flux\"]\n",
            false,
        );
        assert_eq!(out, Outcome::default());
        assert_eq!(ids(&d), ["project:flux", "project:flux-cd", "talk:gitops"]);
        let get = |id: &str| d.nodes.iter().find(|n| n.id == id).unwrap();
        assert_eq!(get("project:flux").mentions, [flux]);
        assert_eq!(get("project:flux-cd").mentions, [flux_cd]);
        assert!(get("project:flux-cd").aliases.is_empty());
        // The edge's evidence went with the name it holds: one edge each.
        let mut targets: Vec<(&str, usize)> = d
            .edges
            .iter()
            .map(|e| (e.target.as_str(), e.evidence.len()))
            .collect();
        targets.sort();
        assert_eq!(targets, [("project:flux", 1), ("project:flux-cd", 1)]);
        // Already apart: nothing to say.
        assert_eq!(
            decide(
                &mut d,
                "[[decision]]\nnot_same_as = [\"Flux CD\", \"Flux\"]\n",
                false
            ),
            Outcome::default()
        );
    }

    #[test]
    fn retype_changes_the_id_drops_edges_that_no_longer_fit_and_joins_a_namesake() {
        let mut d = doc(
            vec![
                node("project", "Docker", &[], vec![span("a.md", 0, 6, "Docker")]),
                node("company", "docker", &[], vec![span("b.md", 0, 6, "docker")]),
                node("talk", "T", &[], vec![]),
                node("company", "Acme", &[], vec![]),
            ],
            vec![
                edge("talk:t", "mentions", "project:docker", vec![]),
                edge("company:acme", "develops", "project:docker", vec![]),
            ],
        );
        let out = decide(
            &mut d,
            "[[decision]]\nretype = [\"Docker\", \"company\"]\n",
            false,
        );
        assert_eq!(out.warnings, []);
        assert_eq!(out.notes, [(2, "retype \"Docker\" \"company\": dropped the edges a company cannot have (1 develops)".to_string())]);
        assert_eq!(ids(&d), ["company:acme", "company:docker", "talk:t"]);
        let docker = d.nodes.iter().find(|n| n.id == "company:docker").unwrap();
        assert_eq!(docker.mentions.len(), 2);
        assert_eq!(d.edges.len(), 1);
        assert_eq!(d.edges[0].target, "company:docker");
    }

    #[test]
    fn reject_drops_the_entity_and_its_edges_and_is_quiet_on_reused_graphs() {
        let mut d = doc(
            vec![
                node("company", "Thanks", &[], vec![]),
                node("person", "Ann", &[], vec![]),
                node("project", "Flux CD", &["Flux"], vec![]),
            ],
            vec![edge("person:ann", "works_at", "company:thanks", vec![])],
        );
        let out = decide(&mut d, "[[decision]]\nreject = \"thanks\"\n", false);
        assert_eq!(out, Outcome::default());
        assert_eq!(ids(&d), ["person:ann", "project:flux-cd"]);
        assert!(d.edges.is_empty());
        let stale = "[[decision]]\nreject = \"Thanks\"\n";
        assert_eq!(decide(&mut d, stale, true), Outcome::default());
        assert_eq!(decide(&mut d, stale, false).warnings.len(), 1);
        // An alias is not the entity: the whole project is not dropped for it.
        let alias = decide(&mut d, "[[decision]]\nreject = \"Flux\"\n", false);
        assert!(
            alias.warnings[0]
                .1
                .contains("is only another name of project \"Flux CD\""),
            "{alias:?}"
        );
        assert_eq!(d.nodes.len(), 2);
    }

    #[test]
    fn a_graph_already_corrected_is_kept_as_it_is_with_the_fingerprint() {
        let mut g = KnowledgeGraph::new();
        let ann = g.add_node(Kind::Person, "Ann");
        g.add_alias(ann, "Annie");
        g.add_source("a.md", Some("00"));
        g.set_rules_fingerprint("rules 1");
        let d = parse(
            Path::new("d.toml"),
            "[[decision]]\nsame_as = [\"Ann\", \"Annie\"]\n[[decision]]\nreject = \"Bob\"\n",
        )
        .unwrap();
        let before = g.to_doc();
        let mut err = Vec::new();
        let after = d.apply(g, "rules 1", None, true, &mut err);
        assert!(err.is_empty(), "{}", String::from_utf8_lossy(&err));
        assert_eq!(
            after.rules_fingerprint(),
            Some(d.fingerprint("rules 1").as_str())
        );
        let mut expected = before;
        expected.graph.rules_fingerprint = d.fingerprint("rules 1");
        assert_eq!(after.to_doc(), expected);
    }

    #[test]
    fn the_fingerprint_ignores_notes_and_layout_but_not_decisions() {
        let fp = |t: &str| {
            parse(Path::new("d.toml"), t)
                .unwrap()
                .fingerprint("rules 1")
        };
        let a = fp("[[decision]]\nreject = \"A\"\n");
        assert!(a.starts_with("rules 1 decisions "));
        assert_eq!(
            a,
            fp("# x\n\n[[decision]]\nnote = \"why\"\nreject = \"A\"\n")
        );
        assert_ne!(a, fp("[[decision]]\nreject = \"B\"\n"));
        assert_eq!(fp("# nothing decided yet\n"), "rules 1");
        assert_eq!(
            stale_reason(Some(&a), "rules 1"),
            "was corrected by decisions this run does not apply (give --decisions FILE to keep them)"
        );
        assert_eq!(
            stale_reason(Some("rules 0"), "rules 1"),
            "was made with other rules or another talkgraph version"
        );
    }

    #[test]
    fn adding_a_decision_appends_a_table_and_refuses_repeats() {
        let p = Path::new("d.toml");
        let (first, line) = add_decision(
            p,
            None,
            &Action::SameAs("Josh \"J\" Abreu".into(), "Josue".into()),
            Some("same person"),
        )
        .unwrap();
        assert!(first.starts_with("# Corrections"));
        // The line of the decision itself, as warnings name it, not of its note.
        assert_eq!(line, 6);
        assert!(first.ends_with("\n\n[[decision]]\nsame_as = ['Josh \"J\" Abreu', \"Josue\"]\nnote = \"same person\"\n"), "{first}");
        let (second, _) = add_decision(
            p,
            Some(&first),
            &Action::Retype("X".into(), Kind::Talk),
            None,
        )
        .unwrap();
        assert_eq!(parsed(&second).len(), 2);
        let repeat = add_decision(
            p,
            Some(&second),
            &Action::SameAs("josh \"j\" abreu".into(), "JOSUE".into()),
            None,
        );
        assert_eq!(
            repeat.unwrap_err().to_string(),
            "d.toml:6: same_as \"josh \\\"j\\\" abreu\" \"JOSUE\" is already there (same_as \"Josh \\\"J\\\" Abreu\" \"Josue\"); nothing written"
        );
        let opposite = add_decision(
            p,
            Some(&second),
            &Action::NotSameAs("Josue".into(), "Josh \"J\" Abreu".into()),
            None,
        );
        assert!(opposite.unwrap_err().to_string().contains("contradicts"));
        let broken = add_decision(p, Some("[[decision]\n"), &Action::Reject("A".into()), None);
        assert!(broken.unwrap_err().to_string().starts_with("d.toml:1:"));
    }
}
