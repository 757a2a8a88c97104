//! Answers questions by reading the graph, never changing it: basic graph patterns
//! (`?p works_at ?c`), joined with index lookups (name, type, relation, adjacency), most
//! selective pattern first; plus neighbours, paths, `show`, `explain`, `stats`, `subgraph`.

mod names;
mod neighbors;
mod path;
mod pattern;
mod show;
mod stats;
mod table;

pub use neighbors::{
    Direction, NeighborsArgs, SubgraphArgs, run_neighbors, run_subgraph, subgraph_doc,
};
pub use path::{PathArgs, run_path};
pub use show::{ExplainArgs, ShowArgs, run_explain, run_show};
pub use stats::{StatsArgs, run_stats};

use crate::cli::Exit;
use crate::error::{Error, Result};
use crate::graph::{Dir, Kind, KnowledgeGraph, Relation};
use pattern::{RelTerm, Term};
use petgraph::graph::NodeIndex;
use std::borrow::Cow;
use std::cmp::Ordering;
use std::io::Write;
use std::path::{Path, PathBuf};
use table::{EdgeEvidence, Table};

/// How rows are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns under a header.
    Table,
    /// An array of objects keyed by variable name.
    Json,
    /// Comma-separated, RFC 4180 quoting, with a header.
    Csv,
    /// Tab-separated, with a header.
    Tsv,
}

const QUERY_EXAMPLES: &str = "\
Examples:
  talkgraph query output/graph.json '?p works_at Doctolib'
  talkgraph query output/graph.json '?p works_at ?c' '?p presents ?t' '?t mentions Kubernetes'
  talkgraph query output/graph.json '?t:talk mentions ?x:project' --format csv
  talkgraph query output/graph.json 'Zoë Fairweather ?r ?x' --evidence
  talkgraph query output/graph.json '?t mentions GitLab:company'
  talkgraph query fixtures/fr-retours-talks.txt '?p works_at ?c' -o works-at.csv -f csv";

/// Ask the graph with triple patterns `SUBJECT RELATION OBJECT`, joined on shared
/// `?variables`. Exit 0 with results, 1 without, 2 on an error.
#[derive(Debug, Clone, clap::Args)]
#[command(after_help = QUERY_EXAMPLES)]
pub struct QueryArgs {
    /// A graph JSON file, or text inputs (file, folder, `-`) extracted on the fly.
    pub graph: PathBuf,
    /// Patterns such as `?p works_at ?c`. A constant is a name or alias (any case or
    /// accents), `Name:type` picks among homonyms; `?x:type` constrains a variable;
    /// `?r` in the middle binds the relation.
    #[arg(required = true, value_name = "PATTERN")]
    pub patterns: Vec<String>,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the rows here instead of stdout (written whole or not at all).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Print no warnings (a variable used once, a name of the wrong type for its
    /// relation); errors are still printed.
    #[arg(short, long)]
    pub quiet: bool,
    /// Print at most N rows (after sorting). The exit status still says whether anything
    /// matched: `--limit 0` prints no rows and exits 0 when there are matches, 1 when not.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Show, for each row, the rule and the source lines behind every matched edge.
    #[arg(long)]
    pub evidence: bool,
    /// Rules folder used when the inputs are text to extract.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
}

/// A label, name or path as a terminal may print it: control characters (an escape
/// sequence that retitles the terminal, a CR or LF that fakes a row) and bidirectional
/// formatting characters (U+202E shows the rest of a line reversed, so one name can pass
/// for another) written visibly as `\n`, `\r`, `\t` or `\u{1b}`, the way `{:?}` writes them
/// in evidence lines. A backslash is written `\\`, so that a name that holds the text
/// `\u{1b}` is told from one that holds the character.
pub(crate) fn shown(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c == '\\' || needs_escape(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Characters a terminal would act on rather than show: controls, and the bidirectional
/// marks, embeddings, overrides and isolates.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Loads the graph named on the command line: graph JSON (by name or by content)
/// through the streaming loader, text extracted on the fly.
pub(crate) fn load(graph: &Path, rules: Option<&Path>) -> Result<KnowledgeGraph> {
    crate::cli::load_graph(std::slice::from_ref(&graph.to_path_buf()), rules)
}

/// `talkgraph query`; warnings about the patterns go to `err`.
pub fn run_query(args: QueryArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<Exit> {
    crate::export::cli::refuse_overwriting_inputs(
        args.output.as_deref(),
        std::slice::from_ref(&args.graph),
    )?;
    let mut warn = |w: &str| {
        if !args.quiet {
            let _ = writeln!(err, "talkgraph: warning: {w}");
        }
    };
    for w in pattern::lonely_variables(&args.patterns) {
        warn(&w);
    }
    let kg = load(&args.graph, args.rules.as_deref())?;
    let query = Query::compile(&kg, &args.patterns)?;
    for w in &query.warnings {
        warn(w);
    }
    match &args.output {
        // Rows are found before the file is touched: a failed query leaves it as it was.
        Some(path) => {
            let mut rows = Vec::new();
            let exit = answer(&kg, &query, &args, &mut rows)?;
            crate::export::write_file(path, &|| Ok(()), |w| w.write_all(&rows))?;
            Ok(exit)
        }
        None => answer(&kg, &query, &args, out),
    }
}

/// `talkgraph query` over a graph already loaded (benchmarks call this directly).
pub fn run_query_graph(kg: &KnowledgeGraph, args: &QueryArgs, out: &mut dyn Write) -> Result<Exit> {
    let query = Query::compile(kg, &args.patterns)?;
    answer(kg, &query, args, out)
}

/// Solves a compiled query and prints its rows (or yes/no) to `out`.
fn answer(
    kg: &KnowledgeGraph,
    query: &Query,
    args: &QueryArgs,
    out: &mut dyn Write,
) -> Result<Exit> {
    if args.evidence
        && query.vars.iter().any(|v| v.name == "evidence")
        && args.format == Format::Json
    {
        return Err(Error::Usage(
            "`?evidence` clashes with the JSON `evidence` field; rename the variable".into(),
        ));
    }
    let mut rows = query.solve(kg)?;
    // Whether anything matched, whatever --limit prints: `--limit 0` asks only that.
    let found = !rows.is_empty();
    if let Some(n) = args.limit {
        rows.truncate(n);
    }
    let evidence = args
        .evidence
        .then(|| rows.iter().map(|r| query.evidence(kg, r)).collect());
    let io = |e| Error::io("<stdout>", e);
    if query.vars.is_empty() {
        // A question without variables is a yes/no question.
        let answer = match (args.format, found) {
            (Format::Json, true) => "true",
            (Format::Json, false) => "false",
            (_, true) => "yes",
            (_, false) => "no",
        };
        writeln!(out, "{answer}").map_err(io)?;
        if let Some(ev) = evidence
            .as_ref()
            .and_then(|e: &Vec<Vec<EdgeEvidence>>| e.first())
            && args.format != Format::Json
        {
            table::write_evidence_text(ev, out).map_err(io)?;
        }
    } else {
        let t = Table {
            columns: query.vars.iter().map(|v| v.name.clone()).collect(),
            cells: rows
                .iter()
                .flat_map(|r| (0..r.len()).map(|i| Cow::Borrowed(query.cell(kg, r, i))))
                .collect(),
            evidence,
        };
        t.write(args.format, out).map_err(io)?;
    }
    Ok(if found { Exit::Ok } else { Exit::NoMatch })
}

/// A variable and what it may bind.
#[derive(Debug, Clone)]
pub(crate) struct Var {
    pub name: String,
    /// Bound to a relation (middle position) rather than an entity.
    pub rel: bool,
    pub kind: Option<Kind>,
}

/// A subject or object after name resolution.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Slot {
    Var(usize),
    Node(NodeIndex),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum RelSlot {
    Var(usize),
    Rel(Relation),
}

#[derive(Debug, Clone)]
struct Compiled {
    s: Slot,
    r: RelSlot,
    o: Slot,
    /// Exact number of candidate edges when the subject (or object) is a constant.
    s_fanout: Option<usize>,
    o_fanout: Option<usize>,
}

impl Compiled {
    /// The variables the pattern binds.
    fn vars(&self) -> impl Iterator<Item = usize> + '_ {
        let node = |s: Slot| match s {
            Slot::Var(v) => Some(v),
            Slot::Node(_) => None,
        };
        let rel = match self.r {
            RelSlot::Var(v) => Some(v),
            RelSlot::Rel(_) => None,
        };
        node(self.s).into_iter().chain(rel).chain(node(self.o))
    }
}

/// Value of an unbound variable in a row.
const UNBOUND: u32 = u32::MAX;

/// Bindings stored flat, one fixed-width slice per row: a variable's node index, or
/// its relation's position in `Relation::ALL`. Width 0 (a yes/no question) still counts.
#[derive(Debug, Clone)]
pub(crate) struct Rows {
    width: usize,
    len: usize,
    data: Vec<u32>,
}

impl Rows {
    fn new(width: usize) -> Rows {
        Rows {
            width,
            len: 0,
            data: Vec::new(),
        }
    }

    fn push(&mut self, row: &[u32]) {
        self.data.extend_from_slice(row);
        self.len += 1;
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub(crate) fn get(&self, i: usize) -> &[u32] {
        &self.data[i * self.width..(i + 1) * self.width]
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &[u32]> + '_ {
        (0..self.len).map(|i| self.get(i))
    }

    pub(crate) fn truncate(&mut self, n: usize) {
        self.len = self.len.min(n);
        self.data.truncate(self.len * self.width);
    }
}

/// A compiled query: variables in order of first appearance, patterns with resolved
/// constants.
#[derive(Debug, Clone)]
pub(crate) struct Query {
    pub vars: Vec<Var>,
    patterns: Vec<Compiled>,
    /// Each pattern as written, for messages.
    texts: Vec<String>,
    /// What makes a pattern unable to match though it compiled (a constant of a type its
    /// relation never reaches), said before the empty answer so it is not silent.
    pub warnings: Vec<String>,
}

/// The most rows a query may hold at any step of its join. Patterns that share no
/// variable multiply: four of them on a 221-node graph asked for 3 GB and aborted.
/// 5 million rows of four variables take some 200 MB with the sorting keys.
pub const MAX_ROWS: usize = 5_000_000;

/// A relation's position in name order (rows sort by what they show).
fn relation_rank(r: Relation) -> u32 {
    Relation::ALL
        .iter()
        .filter(|o| o.as_str() < r.as_str())
        .count() as u32
}

/// Types that may stand at one end of a relation (all types for a relation variable).
fn ends(rel: Option<Relation>, dir: Dir) -> Vec<Kind> {
    Kind::ALL
        .into_iter()
        .filter(|&k| {
            Kind::ALL.iter().any(|&other| {
                let fits = |r: Relation| match dir {
                    Dir::Out => r.accepts(k, other),
                    Dir::In => r.accepts(other, k),
                };
                rel.map_or_else(|| Relation::ALL.into_iter().any(fits), fits)
            })
        })
        .collect()
}

/// `a project`, `an event`.
fn a(kind: Kind) -> String {
    let article = if kind == Kind::Event { "an" } else { "a" };
    format!("{article} {kind}")
}

/// Why a constant can match nothing: `ix` is of a type relation `rel` never has at that
/// end (`?p works_at Grafana` where Grafana is the project). Names of the right type and
/// relations that do reach the constant's type are suggested.
fn wrong_type(
    kg: &KnowledgeGraph,
    text: &str,
    number: usize,
    term: &Term,
    ix: NodeIndex,
    rel: Option<Relation>,
    dir: Dir,
) -> Option<String> {
    let (Term::Const { name, col, len, .. }, Some(rel)) = (term, rel) else {
        return None;
    };
    let kind = kg.node(ix).kind;
    let allowed = ends(Some(rel), dir);
    if allowed.contains(&kind) {
        return None;
    }
    let wanted: Vec<String> = allowed.iter().map(|&k| a(k)).collect();
    let verb = match dir {
        Dir::Out => "starts from",
        Dir::In => "points at",
    };
    let mut hints = names::suggestions(kg, name, &allowed, 3);
    let others: Vec<&str> = Relation::ALL
        .into_iter()
        .filter(|&r| ends(Some(r), dir).contains(&kind))
        .map(Relation::as_str)
        .collect();
    if !others.is_empty() {
        hints.push(format!(
            "a relation that {verb} {} ({})",
            a(kind),
            others.join(", ")
        ));
    }
    let hint = match hints.as_slice() {
        [] => String::new(),
        [one] => format!("; did you mean {one}?"),
        [init @ .., last] => format!("; did you mean {} or {last}?", init.join(", ")),
    };
    let msg = format!(
        "`{}` is {}, and {rel} {verb} {}, so this pattern matches nothing{hint}",
        name.trim(),
        a(kind),
        wanted.join(" or ")
    );
    Some(pattern::pointed(text, number, *col, *len, &msg))
}

impl Query {
    /// Parses, checks variables and resolves constants.
    pub(crate) fn compile(kg: &KnowledgeGraph, texts: &[String]) -> Result<Query> {
        let parsed: Vec<pattern::Pattern> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| pattern::parse(t, i + 1))
            .collect::<Result<_>>()?;
        Query::from_patterns(kg, texts, &parsed)
    }

    fn from_patterns(
        kg: &KnowledgeGraph,
        texts: &[String],
        parsed: &[pattern::Pattern],
    ) -> Result<Query> {
        let mut vars: Vec<Var> = Vec::new();
        let mut patterns = Vec::new();
        let mut warnings = Vec::new();
        for (i, (p, text)) in parsed.iter().zip(texts).enumerate() {
            let number = i + 1;
            let mut var = |name: &str,
                           rel: bool,
                           kind: Option<Kind>,
                           col: usize|
             -> Result<usize> {
                let len = name.chars().count() + 1;
                if let Some(v) = vars.iter().position(|v| v.name == name) {
                    let known = &mut vars[v];
                    if known.rel != rel {
                        let msg = format!(
                            "`?{name}` is used both as a relation and as an entity; use two variables"
                        );
                        return Err(pattern::located(text, number, col, len, &msg));
                    }
                    match (known.kind, kind) {
                        (Some(a), Some(b)) if a != b => {
                            let msg =
                                format!("`?{name}` is already a {a}, it cannot also be a {b}");
                            return Err(pattern::located(text, number, col, len, &msg));
                        }
                        (None, Some(b)) => known.kind = Some(b),
                        _ => {}
                    }
                    return Ok(v);
                }
                vars.push(Var {
                    name: name.to_string(),
                    rel,
                    kind,
                });
                Ok(vars.len() - 1)
            };
            let rel = match &p.relation {
                RelTerm::Const(r) => Some(*r),
                RelTerm::Var { .. } => None,
            };
            let constant = |t: &Term, dir: Dir| -> Result<NodeIndex> {
                let Term::Const {
                    name,
                    kind,
                    col,
                    len,
                } = t
                else {
                    unreachable!("only constants are resolved")
                };
                names::resolve(kg, name, *kind, &ends(rel, dir)).map_err(|e| match e {
                    Error::Query(m) => pattern::located(text, number, *col, *len, &m),
                    e => e,
                })
            };
            // Variables are numbered in order of first appearance: subject, relation, object.
            let s = match &p.subject {
                Term::Var { name, kind, col } => Slot::Var(var(name, false, *kind, *col)?),
                t => {
                    let ix = constant(t, Dir::Out)?;
                    warnings.extend(wrong_type(kg, text, number, t, ix, rel, Dir::Out));
                    Slot::Node(ix)
                }
            };
            let r = match &p.relation {
                RelTerm::Var { name, col } => RelSlot::Var(var(name, true, None, *col)?),
                RelTerm::Const(r) => RelSlot::Rel(*r),
            };
            let o = match &p.object {
                Term::Var { name, kind, col } => Slot::Var(var(name, false, *kind, *col)?),
                t => {
                    let ix = constant(t, Dir::In)?;
                    warnings.extend(wrong_type(kg, text, number, t, ix, rel, Dir::In));
                    Slot::Node(ix)
                }
            };
            // Only the planner needs fan-outs, and a single pattern needs no plan.
            let fanout = |slot: Slot, dir: Dir| match slot {
                Slot::Node(n) if parsed.len() > 1 => Some(
                    kg.adjacent(n, dir)
                        .filter(|(_, e, _)| rel.is_none_or(|r| r == e.relation))
                        .count(),
                ),
                _ => None,
            };
            patterns.push(Compiled {
                s_fanout: fanout(s, Dir::Out),
                o_fanout: fanout(o, Dir::In),
                s,
                r,
                o,
            });
        }
        Ok(Query {
            vars,
            patterns,
            texts: texts.to_vec(),
            warnings,
        })
    }

    /// Estimated matches per input row, given which variables are already bound.
    fn cost(&self, kg: &KnowledgeGraph, p: &Compiled, bound: &[bool]) -> f64 {
        let known = |s: Slot| match s {
            Slot::Node(_) => true,
            Slot::Var(v) => bound[v],
        };
        let rel = match p.r {
            RelSlot::Rel(r) => Some(r),
            RelSlot::Var(_) => None,
        };
        let rel_edges = rel.map_or(kg.edge_count(), |r| kg.edges_of_relation(r).len()) as f64;
        let average = |dir: Dir| {
            let nodes: usize = ends(rel, dir)
                .into_iter()
                .map(|k| kg.nodes_of_kind(k).len())
                .sum();
            rel_edges / nodes.max(1) as f64
        };
        match (known(p.s), known(p.o)) {
            (true, true) => 0.5,
            (true, false) => p.s_fanout.map_or_else(|| average(Dir::Out), |n| n as f64),
            (false, true) => p.o_fanout.map_or_else(|| average(Dir::In), |n| n as f64),
            (false, false) => rel_edges,
        }
    }

    /// The order patterns are joined in: greedily the cheapest given what is bound.
    fn plan(&self, kg: &KnowledgeGraph) -> Vec<usize> {
        let mut bound = vec![false; self.vars.len()];
        let mut left: Vec<usize> = (0..self.patterns.len()).collect();
        let mut order = Vec::new();
        while !left.is_empty() {
            let (at, &best) = left
                .iter()
                .enumerate()
                .min_by(|a, b| {
                    let ca = self.cost(kg, &self.patterns[*a.1], &bound);
                    let cb = self.cost(kg, &self.patterns[*b.1], &bound);
                    ca.partial_cmp(&cb).unwrap_or(Ordering::Equal)
                })
                .expect("left is not empty");
            left.remove(at);
            let p = &self.patterns[best];
            for v in [p.s, p.o].iter().filter_map(|s| match s {
                Slot::Var(v) => Some(*v),
                Slot::Node(_) => None,
            }) {
                bound[v] = true;
            }
            if let RelSlot::Var(v) = p.r {
                bound[v] = true;
            }
            order.push(best);
        }
        order
    }

    /// Every distinct binding, sorted by the labels it shows; an error, before memory
    /// runs out, when a step of the join would hold more than [`MAX_ROWS`] rows.
    pub(crate) fn solve(&self, kg: &KnowledgeGraph) -> Result<Rows> {
        let width = self.vars.len();
        let mut rows = Rows::new(width);
        rows.push(&vec![UNBOUND; width]);
        let mut bound = vec![false; width];
        for pi in self.plan(kg) {
            let p = &self.patterns[pi];
            let mut next = Rows::new(width);
            for row in rows.iter() {
                self.extend(kg, p, row, &mut next);
                if next.len() > MAX_ROWS {
                    return Err(self.too_many_rows(pi, &bound));
                }
            }
            for v in p.vars() {
                bound[v] = true;
            }
            rows = next;
            if rows.is_empty() {
                break;
            }
        }
        Ok(self.sorted(kg, rows))
    }

    /// Why pattern `pi`, joined after the patterns that bound `bound`, went over the budget.
    fn too_many_rows(&self, pi: usize, bound: &[bool]) -> Error {
        let p = &self.patterns[pi];
        let why = if bound.iter().any(|b| *b) && !p.vars().any(|v| bound[v]) {
            " shares no variable with the patterns before it, so each of their rows pairs with each of its matches"
        } else {
            " matches too many edges for the rows before it"
        };
        Error::Query(format!(
            "the query matches more than {MAX_ROWS} rows: pattern {} `{}`{why}; narrow it: join the patterns through a shared variable, name an entity instead of a variable, or give a variable a type (`?x:person`)",
            pi + 1,
            self.texts[pi]
        ))
    }

    /// Rows in label order, duplicates dropped. Each cell becomes an integer rank
    /// (the graph's label order, or the relation name's order), gathered once and flat,
    /// so sorting large results compares no strings and allocates nothing per row.
    fn sorted(&self, kg: &KnowledgeGraph, rows: Rows) -> Rows {
        let width = rows.width;
        let keys: Vec<u32> = rows
            .iter()
            .flat_map(|row| {
                self.vars.iter().zip(row).map(|(v, &x)| {
                    if v.rel {
                        relation_rank(Relation::ALL[x as usize])
                    } else {
                        kg.label_rank(NodeIndex::new(x as usize))
                    }
                })
            })
            .collect();
        let mut order: Vec<usize> = (0..rows.len()).collect();
        order.sort_unstable_by(|&a, &b| {
            keys[a * width..(a + 1) * width].cmp(&keys[b * width..(b + 1) * width])
        });
        let mut out = Rows::new(width);
        let mut last: Option<usize> = None;
        for i in order {
            if last.is_some_and(|l| rows.get(l) == rows.get(i)) {
                continue;
            }
            out.push(rows.get(i));
            last = Some(i);
        }
        out
    }

    /// Adds to `out` every extension of `row` that matches pattern `p`, walking the
    /// adjacency of a bound end, or the relation index when neither end is bound.
    fn extend(&self, kg: &KnowledgeGraph, p: &Compiled, row: &[u32], out: &mut Rows) {
        let node = |s: Slot| match s {
            Slot::Node(n) => Some(n),
            Slot::Var(v) if row[v] != UNBOUND => Some(NodeIndex::new(row[v] as usize)),
            Slot::Var(_) => None,
        };
        let rel = match p.r {
            RelSlot::Rel(r) => Some(r),
            RelSlot::Var(v) if row[v] != UNBOUND => Some(Relation::ALL[row[v] as usize]),
            RelSlot::Var(_) => None,
        };
        let mut new = row.to_vec();
        let mut emit = |from: NodeIndex, r: Relation, to: NodeIndex| {
            new.copy_from_slice(row);
            for (slot, n) in [(p.s, from), (p.o, to)] {
                if let Slot::Var(v) = slot {
                    if new[v] == UNBOUND {
                        if self.vars[v].kind.is_some_and(|k| k != kg.node(n).kind) {
                            return;
                        }
                        new[v] = n.index() as u32;
                    } else if new[v] != n.index() as u32 {
                        return;
                    }
                }
            }
            if let RelSlot::Var(v) = p.r {
                new[v] = r as u32;
            }
            out.push(&new);
        };
        match (node(p.s), node(p.o), rel) {
            (Some(s), Some(o), Some(r)) => {
                if kg.edge_between(s, r, o).is_some() {
                    emit(s, r, o);
                }
            }
            (Some(s), o, _) => {
                for (_, e, other) in kg.adjacent(s, Dir::Out) {
                    if rel.is_none_or(|r| r == e.relation) && o.is_none_or(|o| o == other) {
                        emit(s, e.relation, other);
                    }
                }
            }
            (None, Some(o), _) => {
                for (_, e, other) in kg.adjacent(o, Dir::In) {
                    if rel.is_none_or(|r| r == e.relation) {
                        emit(other, e.relation, o);
                    }
                }
            }
            (None, None, _) => {
                let rels: &[Relation] = match &rel {
                    Some(r) => std::slice::from_ref(r),
                    None => &Relation::ALL,
                };
                for &r in rels {
                    for &ex in kg.edges_of_relation(r) {
                        let (from, _, to) = kg.edge(ex);
                        emit(from, r, to);
                    }
                }
            }
        }
    }

    /// The label a row shows in column `i`.
    pub(crate) fn cell<'g>(&self, kg: &'g KnowledgeGraph, row: &[u32], i: usize) -> &'g str {
        if self.vars[i].rel {
            Relation::ALL[row[i] as usize].as_str()
        } else {
            kg.label(NodeIndex::new(row[i] as usize))
        }
    }

    /// The edges a row matched, one per pattern in command-line order.
    pub(crate) fn edges(&self, row: &[u32]) -> Vec<(NodeIndex, Relation, NodeIndex)> {
        let node = |s: Slot| match s {
            Slot::Node(n) => n,
            Slot::Var(v) => NodeIndex::new(row[v] as usize),
        };
        self.patterns
            .iter()
            .map(|p| {
                let r = match p.r {
                    RelSlot::Rel(r) => r,
                    RelSlot::Var(v) => Relation::ALL[row[v] as usize],
                };
                (node(p.s), r, node(p.o))
            })
            .collect()
    }

    /// Where each matched edge of a row was found.
    fn evidence(&self, kg: &KnowledgeGraph, row: &[u32]) -> Vec<EdgeEvidence> {
        self.edges(row)
            .into_iter()
            .filter_map(|(s, r, o)| kg.edge_between(s, r, o))
            .map(|ex| EdgeEvidence::of(kg, ex))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph() -> KnowledgeGraph {
        let mut kg = KnowledgeGraph::new();
        let shop = kg.add_node(Kind::Company, "Shopify");
        let k8s = kg.add_node(Kind::Project, "Kubernetes");
        for i in 0..20 {
            let p = kg.add_node(Kind::Person, &format!("Person {i:02}"));
            kg.add_edge(p, Relation::WorksAt, shop, "r", 1.0, []);
            let t = kg.add_node(Kind::Talk, &format!("Talk {i:02}"));
            kg.add_edge(p, Relation::Presents, t, "r", 1.0, []);
            if i == 3 {
                kg.add_edge(t, Relation::Mentions, k8s, "r", 1.0, []);
            }
        }
        kg
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn most_selective_pattern_goes_first() {
        let kg = graph();
        let q = Query::compile(
            &kg,
            &strings(&["?p works_at ?c", "?p presents ?t", "?t mentions Kubernetes"]),
        )
        .unwrap();
        assert_eq!(q.plan(&kg), vec![2, 1, 0]);
        let rows = q.solve(&kg).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(q.cell(&kg, rows.get(0), 0), "Person 03");
    }

    #[test]
    fn shared_variable_with_two_types_is_an_error() {
        let kg = graph();
        let e = Query::compile(&kg, &strings(&["?p:person works_at ?c", "?p:talk ?r ?x"]))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with(
                "pattern 2, column 1: `?p` is already a person, it cannot also be a talk"
            ),
            "{e}"
        );
    }
}
