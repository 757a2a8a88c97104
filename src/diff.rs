//! `talkgraph diff`: what changed between two graphs — sources, nodes and edges added,
//! removed or changed, with the documents and rules behind them — for the rule author's
//! loop. Reads two graphs and writes a report; never changes a graph.

use crate::cli::Exit;
use crate::error::{Error, Result};
use crate::model::{EdgeDoc, GraphDoc, NodeDoc, Span};
use crate::query::shown;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

const EXAMPLES: &str =
    "What is compared: the list of source documents; nodes by id (type:slug), for their
label, aliases, attributes and number of mentions in each document; edges by (source,
relation, target), for their rule, confidence and number of pieces of evidence in each
document. Where in a document a mention stands is not compared (text moved by an edit
changes nothing), nor how the graph was made (rules fingerprint, hashes, generator). A
node whose type changed (and so its id) is one change, `type OLD -> NEW`, when its name
is not shared with another added or removed node; its edges, with other ids, are added and
removed.

Lines: `+`/`-` source, node or edge added or removed (a node with the documents:lines
that mention it and the rules of its edges, an edge with its rule, confidence and
evidence lines); `~` node or edge
changed, with one indented line per change; then counts, and added/removed/changed edges
per rule.

Exit status: 0 the graphs are equal (nothing printed), 1 they differ, 2 error.

Examples:
  talkgraph diff output/graph.json output/graph.json
  talkgraph diff tests/data/sample-graph.json tests/data/query-graph.json
  talkgraph diff tests/data/sample-graph.json tests/data/query-graph.json --format json";

/// `talkgraph diff`.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct DiffArgs {
    /// The graph before: graph JSON (- for stdin), or text extracted on the fly.
    pub old: PathBuf,
    /// The graph after.
    pub new: PathBuf,
    /// text (for people) or json (for scripts; printed even when the graphs are equal).
    #[arg(short, long, value_enum, default_value = "text")]
    pub format: DiffFormat,
    /// Write the report here instead of stdout (written whole or not at all).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

/// How the report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    Text,
    Json,
}

/// Runs `talkgraph diff`: exit 0 when the graphs are equal, [`Exit::Differ`] when not.
pub fn run(args: &DiffArgs, out: &mut dyn Write) -> Result<Exit> {
    if args.old.as_os_str() == "-" && args.new.as_os_str() == "-" {
        return Err(Error::Usage(
            "diff: stdin can be only one of the two graphs; give the other as a file".into(),
        ));
    }
    if let Some(o) = &args.output {
        crate::export::cli::refuse_overwriting_inputs(
            Some(o),
            &[args.old.clone(), args.new.clone()],
        )?;
    }
    let old = load(&args.old)?;
    let new = load(&args.new)?;
    let report = compare(&old, &new, &name(&args.old), &name(&args.new));
    let write = |w: &mut dyn Write| match args.format {
        DiffFormat::Text => write_text(&report, w),
        DiffFormat::Json => {
            serde_json::to_writer_pretty(&mut *w, &report)?;
            writeln!(w)
        }
    };
    match &args.output {
        Some(path) => crate::export::write_file(path, &|| Ok(()), write)?,
        None => write(out).map_err(|e| Error::io("<stdout>", e))?,
    }
    Ok(if report.equal { Exit::Ok } else { Exit::Differ })
}

fn name(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".into()
    } else {
        path.display().to_string()
    }
}

/// A graph as the other graph-reading commands take it, with what to do when it is not one.
fn load(path: &Path) -> Result<GraphDoc> {
    let hint = "give a graph JSON file written by talkgraph extract, merge or subgraph";
    match crate::cli::load_graph(&[path.to_path_buf()], None) {
        Ok(g) => Ok(g.into_doc()),
        Err(Error::Json {
            path,
            line,
            column,
            message,
        }) => Err(Error::Json {
            path,
            line,
            column,
            message: format!("{message}: not a graph; {hint}"),
        }),
        Err(Error::Io { path, source }) => Err(Error::Invalid {
            path,
            message: format!("cannot read it ({source}); {hint}"),
        }),
        Err(e) => Err(e),
    }
}

/// The differences between two graphs; the JSON format is this struct.
#[derive(Debug, Serialize)]
pub struct Report {
    pub old: String,
    pub new: String,
    pub equal: bool,
    pub summary: Summary,
    pub sources: SourceChanges,
    pub nodes: Vec<NodeChange>,
    pub edges: Vec<EdgeChange>,
    /// Added, removed and changed edges by rule id (a changed edge counts for its new
    /// rule, and for its old one when the rule changed).
    pub rules: BTreeMap<String, Counts>,
}

#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub nodes: Counts,
    pub edges: Counts,
}

#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
}

#[derive(Debug, Default, Serialize)]
pub struct SourceChanges {
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

/// One value before and after.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change<T> {
    pub old: T,
    pub new: T,
}

/// Where a node is mentioned or an edge has evidence: the first line in each document
/// and how many there are there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Place {
    pub source: String,
    pub line: usize,
    pub count: u64,
}

#[derive(Debug, Serialize)]
pub struct NodeChange {
    /// `added`, `removed` or `changed`.
    pub change: &'static str,
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// The label in the new graph (the old one's for a removed node).
    pub label: String,
    /// Added or removed: where the node is mentioned.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub places: Vec<Place>,
    /// Added or removed: the rules of its edges in its graph. A node records no rule of its
    /// own; these are the rules that tie it to the rest.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub edge_rules: Vec<String>,
    /// The id and type in the old graph, when the type changed (the id with it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_label: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases_added: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases_removed: Vec<String>,
    /// Attributes that changed; `null` where one side has none.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, Change<Option<String>>>,
    /// Documents where the number of mentions changed.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub mentions: BTreeMap<String, Change<u64>>,
}

#[derive(Debug, Serialize)]
pub struct EdgeChange {
    /// `added`, `removed` or `changed`.
    pub change: &'static str,
    pub source: String,
    pub relation: String,
    pub target: String,
    /// The rule and confidence in the new graph (the old one's for a removed edge).
    pub rule: String,
    pub confidence: f64,
    /// Added or removed: where its evidence is.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub places: Vec<Place>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_rule: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_confidence: Option<f64>,
    /// Documents where the number of pieces of evidence changed.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub evidence: BTreeMap<String, Change<u64>>,
}

/// Per document: how many spans, and the first line. Counts include what a sample
/// (`--max-mentions`) left out.
fn places(spans: &[Span], counts: &BTreeMap<String, u64>) -> BTreeMap<String, (u64, usize)> {
    let mut out: BTreeMap<String, (u64, usize)> = BTreeMap::new();
    for s in spans {
        let e = out.entry(s.source.clone()).or_insert((0, s.line));
        e.0 += 1;
        e.1 = e.1.min(s.line);
    }
    for (source, &n) in counts {
        let e = out.entry(source.clone()).or_insert((0, 0));
        e.0 = e.0.max(n);
    }
    out
}

fn place_list(p: &BTreeMap<String, (u64, usize)>) -> Vec<Place> {
    p.iter()
        .map(|(source, &(count, line))| Place {
            source: source.clone(),
            line,
            count,
        })
        .collect()
}

/// Per document, the counts that differ (0 where a side has none).
fn count_changes(
    old: &BTreeMap<String, (u64, usize)>,
    new: &BTreeMap<String, (u64, usize)>,
) -> BTreeMap<String, Change<u64>> {
    let sources: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    sources
        .into_iter()
        .filter_map(|s| {
            let o = old.get(s).map_or(0, |p| p.0);
            let n = new.get(s).map_or(0, |p| p.0);
            (o != n).then(|| (s.clone(), Change { old: o, new: n }))
        })
        .collect()
}

/// Nodes by id; a second node with an id already seen (two labels with one slug) is
/// keyed by id and label.
fn nodes_by_id(doc: &GraphDoc) -> BTreeMap<String, &NodeDoc> {
    let mut out = BTreeMap::new();
    for n in &doc.nodes {
        if out.contains_key(&n.id) {
            out.insert(format!("{} {}", n.id, n.label), n);
        } else {
            out.insert(n.id.clone(), n);
        }
    }
    out
}

type EdgeKey<'a> = (&'a str, &'a str, &'a str);

fn edges_by_key(doc: &GraphDoc) -> BTreeMap<EdgeKey<'_>, &EdgeDoc> {
    doc.edges
        .iter()
        .map(|e| {
            (
                (e.source.as_str(), e.relation.as_str(), e.target.as_str()),
                e,
            )
        })
        .collect()
}

/// Compares two graph documents; `old_name` and `new_name` are how the report names them.
pub fn compare(old: &GraphDoc, new: &GraphDoc, old_name: &str, new_name: &str) -> Report {
    let mut report = Report {
        old: old_name.to_string(),
        new: new_name.to_string(),
        equal: true,
        summary: Summary::default(),
        sources: SourceChanges::default(),
        nodes: Vec::new(),
        edges: Vec::new(),
        rules: BTreeMap::new(),
    };
    let (os, ns): (BTreeSet<&String>, BTreeSet<&String>) = (
        old.graph.sources.iter().collect(),
        new.graph.sources.iter().collect(),
    );
    report.sources.added = ns.difference(&os).map(|s| s.to_string()).collect();
    report.sources.removed = os.difference(&ns).map(|s| s.to_string()).collect();

    let (on, nn) = (nodes_by_id(old), nodes_by_id(new));
    let retyped = retyped(&on, &nn);
    let (old_rules, new_rules) = (rules_by_node(old), rules_by_node(new));
    let was: BTreeMap<&str, &str> = retyped.iter().map(|(o, n)| (*n, *o)).collect();
    let ids: BTreeSet<&String> = on.keys().chain(nn.keys()).collect();
    for id in ids {
        let change = match (on.get(id), nn.get(id)) {
            // Shown once, where the new id sorts.
            (Some(_), None) if retyped.contains_key(id.as_str()) => continue,
            (None, Some(n)) => match was.get(id.as_str()) {
                Some(old_id) => {
                    let o = on[*old_id];
                    let mut c = changed_node(o, n).unwrap_or_else(|| unchanged_node(n));
                    c.old_id = Some(o.id.clone());
                    c.old_type = Some(o.kind.clone());
                    c
                }
                None => with_rules(added_node("added", n), &new_rules),
            },
            (Some(o), None) => with_rules(added_node("removed", o), &old_rules),
            (Some(o), Some(n)) => match changed_node(o, n) {
                Some(c) => c,
                None => continue,
            },
            (None, None) => unreachable!("an id of one of the two graphs"),
        };
        report.nodes.push(change);
    }

    let (oe, ne) = (edges_by_key(old), edges_by_key(new));
    let keys: BTreeSet<&EdgeKey> = oe.keys().chain(ne.keys()).collect();
    for key in keys {
        let change = match (oe.get(key), ne.get(key)) {
            (None, Some(n)) => added_edge("added", n),
            (Some(o), None) => added_edge("removed", o),
            (Some(o), Some(n)) => match changed_edge(o, n) {
                Some(c) => c,
                None => continue,
            },
            (None, None) => unreachable!("an edge of one of the two graphs"),
        };
        report.edges.push(change);
    }

    for n in &report.nodes {
        bump(&mut report.summary.nodes, n.change);
    }
    for e in &report.edges {
        bump(&mut report.summary.edges, e.change);
        bump(report.rules.entry(e.rule.clone()).or_default(), e.change);
        if let Some(old_rule) = &e.old_rule {
            bump(report.rules.entry(old_rule.clone()).or_default(), e.change);
        }
    }
    report.equal = report.sources.added.is_empty()
        && report.sources.removed.is_empty()
        && report.nodes.is_empty()
        && report.edges.is_empty();
    report
}

/// Old id to new id of the nodes whose type changed: a node only in the old graph and one
/// only in the new with the same slug and another type, when neither has another such match.
fn retyped<'a>(
    on: &'a BTreeMap<String, &NodeDoc>,
    nn: &'a BTreeMap<String, &NodeDoc>,
) -> BTreeMap<&'a str, &'a str> {
    let slug_of = |id: &'a str| id.split_once(':').map_or(id, |(_, s)| s);
    let by_slug = |from: &'a BTreeMap<String, &NodeDoc>, other: &BTreeMap<String, &NodeDoc>| {
        let mut m: BTreeMap<&'a str, Vec<&'a str>> = BTreeMap::new();
        for id in from.keys().filter(|id| !other.contains_key(*id)) {
            m.entry(slug_of(id)).or_default().push(id.as_str());
        }
        m
    };
    let (gone, came) = (by_slug(on, nn), by_slug(nn, on));
    gone.iter()
        .filter_map(
            |(slug, olds)| match (olds.as_slice(), came.get(slug).map(Vec::as_slice)) {
                ([o], Some([n])) => Some((*o, *n)),
                _ => None,
            },
        )
        .collect()
}

/// The rules of each node's edges, by node id.
fn rules_by_node(doc: &GraphDoc) -> BTreeMap<&str, BTreeSet<&str>> {
    let mut out: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for e in &doc.edges {
        for end in [&e.source, &e.target] {
            out.entry(end.as_str()).or_default().insert(e.rule.as_str());
        }
    }
    out
}

fn with_rules(mut c: NodeChange, rules: &BTreeMap<&str, BTreeSet<&str>>) -> NodeChange {
    c.edge_rules = rules
        .get(c.id.as_str())
        .map(|r| r.iter().map(|r| r.to_string()).collect())
        .unwrap_or_default();
    c
}

fn bump(c: &mut Counts, change: &str) {
    match change {
        "added" => c.added += 1,
        "removed" => c.removed += 1,
        _ => c.changed += 1,
    }
}

fn added_node(change: &'static str, n: &NodeDoc) -> NodeChange {
    NodeChange {
        change,
        id: n.id.clone(),
        kind: n.kind.clone(),
        label: n.label.clone(),
        places: place_list(&places(&n.mentions, &n.mention_counts)),
        edge_rules: Vec::new(),
        old_id: None,
        old_type: None,
        old_label: None,
        aliases_added: Vec::new(),
        aliases_removed: Vec::new(),
        attributes: BTreeMap::new(),
        mentions: BTreeMap::new(),
    }
}

fn changed_node(o: &NodeDoc, n: &NodeDoc) -> Option<NodeChange> {
    let (oa, na): (BTreeSet<&String>, BTreeSet<&String>) =
        (o.aliases.iter().collect(), n.aliases.iter().collect());
    let keys: BTreeSet<&String> = o.attributes.keys().chain(n.attributes.keys()).collect();
    let attributes: BTreeMap<String, Change<Option<String>>> = keys
        .into_iter()
        .filter_map(|k| {
            let (ov, nv) = (o.attributes.get(k), n.attributes.get(k));
            (ov != nv).then(|| {
                (
                    k.clone(),
                    Change {
                        old: ov.cloned(),
                        new: nv.cloned(),
                    },
                )
            })
        })
        .collect();
    let c = NodeChange {
        change: "changed",
        id: n.id.clone(),
        kind: n.kind.clone(),
        label: n.label.clone(),
        places: Vec::new(),
        edge_rules: Vec::new(),
        old_id: None,
        old_type: None,
        old_label: (o.label != n.label).then(|| o.label.clone()),
        aliases_added: na.difference(&oa).map(|s| s.to_string()).collect(),
        aliases_removed: oa.difference(&na).map(|s| s.to_string()).collect(),
        attributes,
        mentions: count_changes(
            &places(&o.mentions, &o.mention_counts),
            &places(&n.mentions, &n.mention_counts),
        ),
    };
    let same = c.old_label.is_none()
        && c.aliases_added.is_empty()
        && c.aliases_removed.is_empty()
        && c.attributes.is_empty()
        && c.mentions.is_empty();
    (!same).then_some(c)
}

/// A change that lists nothing but what the caller adds (a new type).
fn unchanged_node(n: &NodeDoc) -> NodeChange {
    let mut c = added_node("changed", n);
    c.places.clear();
    c
}

fn added_edge(change: &'static str, e: &EdgeDoc) -> EdgeChange {
    EdgeChange {
        change,
        source: e.source.clone(),
        relation: e.relation.clone(),
        target: e.target.clone(),
        rule: e.rule.clone(),
        confidence: e.confidence,
        places: place_list(&places(&e.evidence, &e.evidence_counts)),
        old_rule: None,
        old_confidence: None,
        evidence: BTreeMap::new(),
    }
}

fn changed_edge(o: &EdgeDoc, n: &EdgeDoc) -> Option<EdgeChange> {
    let c = EdgeChange {
        change: "changed",
        source: n.source.clone(),
        relation: n.relation.clone(),
        target: n.target.clone(),
        rule: n.rule.clone(),
        confidence: n.confidence,
        places: Vec::new(),
        old_rule: (o.rule != n.rule).then(|| o.rule.clone()),
        old_confidence: (o.confidence != n.confidence).then_some(o.confidence),
        evidence: count_changes(
            &places(&o.evidence, &o.evidence_counts),
            &places(&n.evidence, &n.evidence_counts),
        ),
    };
    let same = c.old_rule.is_none() && c.old_confidence.is_none() && c.evidence.is_empty();
    (!same).then_some(c)
}

/// How many documents an added or removed line names before "and N more".
const PLACES_SHOWN: usize = 3;

fn write_places(w: &mut dyn Write, places: &[Place]) -> std::io::Result<()> {
    if places.is_empty() {
        return Ok(());
    }
    write!(w, "  in ")?;
    for (i, p) in places.iter().take(PLACES_SHOWN).enumerate() {
        if i > 0 {
            write!(w, ", ")?;
        }
        if p.line > 0 {
            write!(w, "{}:{}", shown(&p.source), p.line)?;
        } else {
            write!(w, "{}", shown(&p.source))?;
        }
    }
    if places.len() > PLACES_SHOWN {
        write!(w, " and {} more documents", places.len() - PLACES_SHOWN)?;
    }
    Ok(())
}

/// A name between quotes; a quote inside is escaped, so the name's end is not in doubt.
fn quoted(s: &str) -> String {
    format!("\"{}\"", shown(s).replace('"', "\\\""))
}

fn opt_quoted(s: &Option<String>) -> String {
    s.as_deref().map_or_else(|| "(none)".into(), quoted)
}

/// The text report: nothing at all when the graphs are equal.
pub fn write_text(r: &Report, w: &mut dyn Write) -> std::io::Result<()> {
    if r.equal {
        return Ok(());
    }
    writeln!(w, "--- {}", shown(&r.old))?;
    writeln!(w, "+++ {}", shown(&r.new))?;
    for s in &r.sources.removed {
        writeln!(w, "- source {}", shown(s))?;
    }
    for s in &r.sources.added {
        writeln!(w, "+ source {}", shown(s))?;
    }
    for n in &r.nodes {
        let sign = match n.change {
            "added" => '+',
            "removed" => '-',
            _ => '~',
        };
        write!(w, "{sign} node {} {}", shown(&n.id), quoted(&n.label))?;
        write_places(w, &n.places)?;
        if !n.edge_rules.is_empty() {
            let rules: Vec<_> = n.edge_rules.iter().map(|r| shown(r)).collect();
            write!(w, "  edges by {}", rules.join(", "))?;
        }
        writeln!(w)?;
        if let (Some(id), Some(kind)) = (&n.old_id, &n.old_type) {
            writeln!(
                w,
                "    type {} -> {} (was {})",
                shown(kind),
                shown(&n.kind),
                shown(id)
            )?;
        }
        if let Some(old) = &n.old_label {
            writeln!(w, "    label {} -> {}", quoted(old), quoted(&n.label))?;
        }
        for a in &n.aliases_removed {
            writeln!(w, "    alias - {}", quoted(a))?;
        }
        for a in &n.aliases_added {
            writeln!(w, "    alias + {}", quoted(a))?;
        }
        for (k, c) in &n.attributes {
            writeln!(
                w,
                "    attribute {} {} -> {}",
                shown(k),
                opt_quoted(&c.old),
                opt_quoted(&c.new)
            )?;
        }
        for (s, c) in &n.mentions {
            writeln!(w, "    mentions in {} {} -> {}", shown(s), c.old, c.new)?;
        }
    }
    for e in &r.edges {
        let sign = match e.change {
            "added" => '+',
            "removed" => '-',
            _ => '~',
        };
        write!(
            w,
            "{sign} edge {} {} {}",
            shown(&e.source),
            shown(&e.relation),
            shown(&e.target)
        )?;
        if e.change != "changed" {
            write!(w, "  rule {} {}", shown(&e.rule), e.confidence)?;
        }
        write_places(w, &e.places)?;
        writeln!(w)?;
        if e.old_rule.is_some() || e.old_confidence.is_some() {
            writeln!(
                w,
                "    rule {} {} -> {} {}",
                shown(e.old_rule.as_deref().unwrap_or(&e.rule)),
                e.old_confidence.unwrap_or(e.confidence),
                shown(&e.rule),
                e.confidence
            )?;
        }
        for (s, c) in &e.evidence {
            writeln!(w, "    evidence in {} {} -> {}", shown(s), c.old, c.new)?;
        }
    }
    let counts = |c: &Counts| {
        format!(
            "{} added, {} removed, {} changed",
            c.added, c.removed, c.changed
        )
    };
    writeln!(
        w,
        "nodes: {}; edges: {}",
        counts(&r.summary.nodes),
        counts(&r.summary.edges)
    )?;
    for (rule, c) in &r.rules {
        writeln!(w, "rule {}: {}", shown(rule), counts(c))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(source: &str, line: usize) -> Span {
        Span {
            source: source.into(),
            start: line * 10,
            end: line * 10 + 3,
            line,
            text: "x".into(),
        }
    }

    fn node(id: &str, label: &str, mentions: Vec<Span>) -> NodeDoc {
        NodeDoc {
            id: id.into(),
            kind: id.split(':').next().unwrap().into(),
            label: label.into(),
            aliases: Vec::new(),
            attributes: BTreeMap::new(),
            mentions,
            mention_counts: BTreeMap::new(),
        }
    }

    fn edge(source: &str, relation: &str, target: &str, rule: &str, ev: Vec<Span>) -> EdgeDoc {
        EdgeDoc {
            source: source.into(),
            target: target.into(),
            key: 0,
            relation: relation.into(),
            rule: rule.into(),
            confidence: 0.8,
            evidence: ev,
            evidence_counts: BTreeMap::new(),
        }
    }

    fn graph(sources: &[&str], nodes: Vec<NodeDoc>, edges: Vec<EdgeDoc>) -> GraphDoc {
        let mut d = GraphDoc::empty();
        d.graph.sources = sources.iter().map(|s| s.to_string()).collect();
        d.nodes = nodes;
        d.edges = edges;
        d
    }

    fn text(r: &Report) -> String {
        let mut v = Vec::new();
        write_text(r, &mut v).unwrap();
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn equal_graphs_say_nothing() {
        let g = graph(
            &["a.md"],
            vec![node("person:ann", "Ann", vec![span("a.md", 1)])],
            vec![],
        );
        let r = compare(&g, &g.clone(), "a", "b");
        assert!(r.equal);
        assert_eq!(text(&r), "");
        // Moved text is no change: only counts per document are compared.
        let mut moved = g.clone();
        moved.nodes[0].mentions[0].start += 5;
        moved.nodes[0].mentions[0].line = 2;
        assert!(compare(&g, &moved, "a", "b").equal);
    }

    #[test]
    fn additions_removals_and_changes_are_listed_in_order_with_rules() {
        let old = graph(
            &["a.md", "b.md"],
            vec![
                node("company:acme", "Acme", vec![span("b.md", 4)]),
                node("person:ann", "Ann", vec![span("a.md", 1)]),
            ],
            vec![edge(
                "person:ann",
                "works_at",
                "company:acme",
                "en.at",
                vec![span("b.md", 4)],
            )],
        );
        let mut ann = node("person:ann", "Ann", vec![span("a.md", 1), span("a.md", 7)]);
        ann.aliases.push("A. Smith".into());
        ann.attributes.insert("url".into(), "https://x".into());
        let mut new = graph(
            &["a.md", "c.md"],
            vec![
                ann,
                node(
                    "company:bolt",
                    "Bolt",
                    vec![span("c.md", 2), span("a.md", 7)],
                ),
                node("company:acme", "Acme", vec![span("b.md", 4)]),
            ],
            vec![
                edge(
                    "person:ann",
                    "works_at",
                    "company:bolt",
                    "en.at",
                    vec![span("a.md", 7)],
                ),
                edge(
                    "person:ann",
                    "works_at",
                    "company:acme",
                    "fr.chez",
                    vec![span("b.md", 4)],
                ),
            ],
        );
        new.edges[1].confidence = 0.9;
        let r = compare(&old, &new, "old.json", "new.json");
        assert!(!r.equal);
        assert_eq!(
            text(&r),
            "--- old.json
+++ new.json
- source b.md
+ source c.md
+ node company:bolt \"Bolt\"  in a.md:7, c.md:2  edges by en.at
~ node person:ann \"Ann\"
    alias + \"A. Smith\"
    attribute url (none) -> \"https://x\"
    mentions in a.md 1 -> 2
~ edge person:ann works_at company:acme
    rule en.at 0.8 -> fr.chez 0.9
+ edge person:ann works_at company:bolt  rule en.at 0.8  in a.md:7
nodes: 1 added, 0 removed, 1 changed; edges: 1 added, 0 removed, 1 changed
rule en.at: 1 added, 0 removed, 1 changed
rule fr.chez: 0 added, 0 removed, 1 changed
"
        );
        assert_eq!(
            r.summary.nodes,
            Counts {
                added: 1,
                removed: 0,
                changed: 1
            }
        );
    }

    #[test]
    fn a_node_whose_type_changed_is_one_change() {
        let old = graph(
            &[],
            vec![
                node("project:github", "GitHub", vec![span("a.md", 3)]),
                node("project:flux", "Flux", vec![]),
                node("person:flux", "Flux", vec![]),
            ],
            vec![],
        );
        let new = graph(
            &[],
            vec![
                node("company:github", "GitHub", vec![span("a.md", 3)]),
                node("company:flux", "Flux", vec![]),
            ],
            vec![],
        );
        let r = compare(&old, &new, "o", "n");
        // Flux left two nodes: which one became the company is not known.
        assert_eq!(
            text(&r),
            "--- o
+++ n
+ node company:flux \"Flux\"
~ node company:github \"GitHub\"
    type project -> company (was project:github)
- node person:flux \"Flux\"
- node project:flux \"Flux\"
nodes: 1 added, 2 removed, 1 changed; edges: 0 added, 0 removed, 0 changed
"
        );
        assert_eq!(r.nodes[1].old_type.as_deref(), Some("project"));
    }

    #[test]
    fn labels_are_escaped_and_many_documents_are_cut_short() {
        let mentions = (1..=5).map(|i| span(&format!("d{i}.md"), i)).collect();
        let old = graph(&[], vec![], vec![]);
        let new = graph(&[], vec![node("person:x", "X\u{1b}[31m", mentions)], vec![]);
        let t = text(&compare(&old, &new, "o", "n"));
        assert!(
            t.contains("+ node person:x \"X\\u{1b}[31m\"  in d1.md:1, d2.md:2, d3.md:3 and 2 more documents\n"),
            "{t}"
        );
    }
}
