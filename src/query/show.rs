//! `show` (one entity: names, attributes, every edge with its evidence) and `explain`
//! (why an edge exists: rule, confidence, `document:line` and snippet).

use super::neighbors::entity;
use super::table::EdgeEvidence;
use super::{Query, load, shown};
use crate::cli::Exit;
use crate::error::{Error, Result};
use crate::graph::{Dir, KnowledgeGraph};
use std::borrow::Cow;
use std::io::Write;
use std::path::PathBuf;

const SHOW_EXAMPLES: &str = "\
Examples:
  talkgraph show output/graph.json \"Zoë Fairweather\"
  talkgraph show output/graph.json GitLab:company";

/// Print one entity: type, id, aliases, attributes, every edge with its evidence, mentions.
#[derive(Debug, Clone, clap::Args)]
#[command(after_help = SHOW_EXAMPLES)]
pub struct ShowArgs {
    /// A graph JSON file, or text inputs (file, folder, `-`) extracted on the fly.
    pub graph: PathBuf,
    /// The entity: a name or alias, `Name:type` to pick among homonyms.
    pub name: String,
    /// Rules folder used when the inputs are text to extract.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
}

/// `talkgraph show`.
pub fn run_show(args: ShowArgs, out: &mut dyn Write) -> Result<Exit> {
    let kg = load(&args.graph, args.rules.as_deref())?;
    let ix = entity(&kg, &args.name)?;
    write_show(&kg, ix, out).map_err(|e| Error::io("<stdout>", e))?;
    Ok(Exit::Ok)
}

fn write_show(
    kg: &KnowledgeGraph,
    ix: petgraph::graph::NodeIndex,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let n = kg.node(ix);
    writeln!(out, "{} ({})", shown(&n.label), n.kind)?;
    writeln!(out, "id: {}", n.id())?;
    if !n.aliases.is_empty() {
        let aliases: Vec<Cow<'_, str>> = n.aliases.iter().map(|a| shown(a)).collect();
        writeln!(out, "aliases: {}", aliases.join(", "))?;
    }
    if !n.attributes.is_empty() {
        writeln!(out, "attributes:")?;
        for (k, v) in &n.attributes {
            writeln!(out, "  {}: {}", shown(k), shown(v))?;
        }
    }
    let mut edges: Vec<(Dir, String, String, petgraph::graph::EdgeIndex)> = [Dir::Out, Dir::In]
        .into_iter()
        .flat_map(|d| {
            kg.adjacent(ix, d).map(move |(ex, e, other)| {
                let arrow = match d {
                    Dir::Out => format!("--{}-->", e.relation),
                    Dir::In => format!("<--{}--", e.relation),
                };
                let o = kg.node(other);
                (d, arrow, format!("{} ({})", shown(&o.label), o.kind), ex)
            })
        })
        .collect();
    edges.sort();
    if !edges.is_empty() {
        writeln!(out, "edges:")?;
    }
    for (_, arrow, other, ex) in &edges {
        let ev = EdgeEvidence::of(kg, *ex);
        writeln!(
            out,
            "  {arrow} {other}  (rule {}, confidence {})",
            shown(&ev.rule),
            ev.confidence
        )?;
        ev.write_lines("    ", out)?;
    }
    let mentions = kg.mentions(ix);
    if mentions.len() > 0 {
        writeln!(out, "mentions:")?;
        for m in mentions.clone() {
            writeln!(out, "  {}:{}: {:?}", shown(m.source), m.line, m.text)?;
        }
    }
    for (source, total) in kg.mention_totals(ix) {
        let listed = mentions.clone().filter(|m| m.source == source).count();
        writeln!(
            out,
            "  {}: {} more not kept (over --max-mentions)",
            shown(source),
            super::table::more(total, listed)
        )?;
    }
    Ok(())
}

const EXPLAIN_EXAMPLES: &str = "\
Examples:
  talkgraph explain output/graph.json \"Łukasz Wroński\" works_at Jetstack
  talkgraph explain output/graph.json \"Zoë Fairweather\" presents ?t
  talkgraph explain output/graph.json ?t mentions GitLab:company";

/// Say why the graph holds an edge: the rule that made it, its confidence, and each
/// `document:line` with the sentence. Either end may be a `?variable`.
#[derive(Debug, Clone, clap::Args)]
#[command(after_help = EXPLAIN_EXAMPLES)]
pub struct ExplainArgs {
    /// A graph JSON file, or text inputs (file, folder, `-`) extracted on the fly.
    pub graph: PathBuf,
    /// The subject: a name (`Name:type` for homonyms) or a `?variable`.
    pub subject: String,
    /// The relation (works_at, presents, mentions, part_of, develops) or `?r`.
    pub relation: String,
    /// The object: a name or a `?variable`.
    pub object: String,
    /// Rules folder used when the inputs are text to extract.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
}

/// One command-line argument as a pattern term: variables as they are, names quoted so
/// that spaces and relation words stay inside them, `:type` kept outside the quotes.
fn quote_term(s: &str) -> String {
    if s.starts_with('?') {
        return s.to_string();
    }
    let (name, suffix) = match s.rsplit_once(':') {
        Some((n, k)) if crate::graph::Kind::parse(&k.to_lowercase()).is_some() && !n.is_empty() => {
            (n, format!(":{k}"))
        }
        _ => (s, String::new()),
    };
    let q = if name.contains('"') { '\'' } else { '"' };
    format!("{q}{name}{q}{suffix}")
}

/// `talkgraph explain`.
pub fn run_explain(args: ExplainArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<Exit> {
    let kg = load(&args.graph, args.rules.as_deref())?;
    let text = format!(
        "{} {} {}",
        quote_term(&args.subject),
        args.relation,
        quote_term(&args.object)
    );
    let query = Query::compile(&kg, std::slice::from_ref(&text))?;
    for w in &query.warnings {
        let _ = writeln!(err, "talkgraph: warning: {w}");
    }
    let rows = query.solve(&kg)?;
    let io = |e| Error::io("<stdout>", e);
    if rows.is_empty() {
        writeln!(out, "no edge matches `{text}`").map_err(io)?;
        return Ok(Exit::NoMatch);
    }
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            writeln!(out).map_err(io)?;
        }
        for ev in query.evidence(&kg, row) {
            let (s, o) = (shown(&ev.subject), shown(&ev.object));
            writeln!(out, "{s} {} {o}", ev.relation).map_err(io)?;
            writeln!(
                out,
                "  rule: {} (confidence {})",
                shown(&ev.rule),
                ev.confidence
            )
            .map_err(io)?;
            if ev.lines.is_empty() {
                writeln!(out, "  no source lines recorded").map_err(io)?;
            }
            ev.write_lines("  ", out).map_err(io)?;
        }
    }
    Ok(Exit::Ok)
}
