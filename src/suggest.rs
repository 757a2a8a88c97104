//! `talkgraph suggest`: the spans of documents that look like names but that no rule
//! covered, most frequent first, printed as gazetteer lines to append to a rule file. It
//! reads and extracts documents as `extract` does and writes nothing but its report.
//!
//! A span is covered when a gazetteer lists it, when extraction found an entity of that
//! name in its document, or when it overlaps an entity's mention there. Word lists of the
//! rules (not_names, section_words, role_words, honorifics, places, first_names) say which
//! capitalised words are no names.

use crate::cli::Exit;
use crate::error::{Error, Result};
use crate::fold::fold;
use crate::graph::Kind;
use crate::read::{self, Document, LineKind};
use crate::rules::{Rules, match_fold};
use once_cell::sync::Lazy;
use regex::Regex;
use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::path::PathBuf;

const EXAMPLES: &str = "\
Examples:
  talkgraph suggest fixtures/ --top 20
  talkgraph suggest fixtures/en-prose-roundup.txt --type project --format gazetteer
  talkgraph suggest fixtures/ --rules rules/ --type company
  cat fixtures/fr-recap-plain.txt | talkgraph suggest - --top 5

  cp -r rules my-rules
  talkgraph suggest fixtures/ --type project >> my-rules/projects.txt
  talkgraph rules check my-rules/

Each suggestion is a line for a rule file, then a comment: how often the name occurs in
all documents, the type guessed and the file it belongs in, and the first place it occurs
(file:line: the line). Types are guesses: person (two or three capitalised words whose
first is no known first name: the line is that first name, for first_names.txt), company
(after \"chez\", \"at\", \"from\", \"joined\", or ending with an organisation word), else
project?. Read each suggestion before keeping it: a gazetteer line names one entity. The
comments quote the documents, people's names included: append --format gazetteer to a rule
set that is shared.";

/// Arguments of `talkgraph suggest`, exactly as typed.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct SuggestArgs {
    /// Files or folders to read (folders recursively: .txt, .md, .markdown, .html, .htm);
    /// - reads stdin.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Print at most N suggestions (0: all).
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub top: usize,
    /// Only suggestions of this guessed type.
    #[arg(long = "type", value_enum, value_name = "TYPE")]
    pub kind: Option<Guess>,
    /// text: each line with a comment saying why; gazetteer: the lines only.
    #[arg(short, long, value_enum, default_value = "text")]
    pub format: SuggestFormat,
    /// Add the rule files of this folder to the embedded rules (as `extract --rules` does).
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Read every input as md, html or text, whatever its name.
    #[arg(long, value_name = "md|html|text", value_parser = input_format)]
    pub input_format: Option<read::Format>,
}

fn input_format(s: &str) -> std::result::Result<read::Format, String> {
    read::Format::parse(s)
        .ok_or_else(|| format!("unknown input format '{s}': use md, html or text"))
}

/// How suggestions are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SuggestFormat {
    /// Each line followed by a `#` comment (count, type, file:line: context).
    Text,
    /// The lines only.
    Gazetteer,
}

/// The type a suggestion is taken for, and so the rule file its line belongs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Guess {
    /// A person: the line is a first name, for first_names.txt.
    Person,
    /// An organisation, for companies.txt.
    Company,
    /// Anything else: probably a project, for projects.txt.
    Project,
}

impl Guess {
    fn label(self) -> &'static str {
        match self {
            Guess::Person => "person",
            Guess::Company => "company",
            Guess::Project => "project?",
        }
    }

    fn file(self) -> &'static str {
        match self {
            Guess::Person => "first_names.txt",
            Guess::Company => "companies.txt",
            Guess::Project => "projects.txt",
        }
    }
}

/// Reads every document, collects what no rule covered and prints the most frequent.
pub fn run(args: &SuggestArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<Exit> {
    let rules = crate::cli::rules_for(args.rules.as_deref())?;
    let found = read::discover(&args.inputs)?;
    for w in &found.warnings {
        let _ = writeln!(err, "talkgraph: warning: {}", w.0);
    }
    if let Some(f) = found.failures.into_iter().next() {
        return Err(f.error);
    }
    let lists = Lists::new(rules);
    let mut corpus = Corpus::default();
    for path in &found.paths {
        let (source, bytes) =
            crate::pipeline::read_input(path, crate::pipeline::DEFAULT_MAX_FILE_SIZE)?;
        let (doc, warnings) = read::decode_as(&source, bytes, args.input_format);
        for w in warnings {
            let _ = writeln!(err, "talkgraph: warning: {}", w.0);
        }
        if let Some(doc) = doc {
            corpus.add(rules, &lists, &doc);
        }
    }
    let mut suggestions = corpus.suggestions(&lists);
    if let Some(kind) = args.kind {
        suggestions.retain(|s| s.guess == kind);
    }
    if args.top > 0 {
        suggestions.truncate(args.top);
    }
    let write = |out: &mut dyn Write| -> std::io::Result<()> {
        for s in &suggestions {
            writeln!(out, "{}", s.line)?;
            if args.format == SuggestFormat::Text {
                writeln!(out, "{}", s.comment())?;
            }
        }
        Ok(())
    };
    write(out).map_err(|e| Error::io("<stdout>", e))?;
    Ok(if suggestions.is_empty() {
        Exit::NoMatch
    } else {
        Exit::Ok
    })
}

// ---------------------------------------------------------------------------------------------
// What counts as known.

/// The rules' names and word lists, folded once.
struct Lists {
    /// Every gazetteer name and alias, as the gazetteer automaton folds them.
    listed: HashSet<String>,
    /// Capitalised words that are no names: not_names, section, role and honorific words.
    stop: HashSet<String>,
    places: HashSet<String>,
    first_names: HashSet<String>,
    org_words: HashSet<String>,
    particles: HashSet<String>,
}

impl Lists {
    fn new(rules: &Rules) -> Lists {
        let listed = rules
            .entries
            .iter()
            .flat_map(|e| std::iter::once(&e.canonical).chain(&e.aliases))
            .map(|n| match_fold(n))
            .collect();
        let stop = rules
            .not_names
            .iter()
            .chain(&rules.role_words)
            .chain(&rules.honorifics)
            .chain(&rules.section_words)
            .cloned()
            .collect();
        Lists {
            listed,
            stop,
            places: rules.places.iter().cloned().collect(),
            first_names: rules.first_names.iter().cloned().collect(),
            org_words: rules.org_words.iter().cloned().collect(),
            particles: rules.particles.iter().cloned().collect(),
        }
    }

    /// Whether a capitalised word can be part of a name.
    fn may_name(&self, word: &str) -> bool {
        let f = fold(word);
        !self.stop.contains(&f)
    }
}

// ---------------------------------------------------------------------------------------------
// Finding candidates.

/// A word as `extract` splits them: letters and digits, joined by `'’.-+&/`.
static WORD: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"[\p{L}\p{N}][\p{L}\p{N}\p{M}]*(?:['’.\-+&/][\p{L}\p{N}][\p{L}\p{N}\p{M}]*)*")
        .expect("word regex")
});
/// `@handle`, not inside an e-mail address.
static HANDLE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?:^|[\s(\[,;:])@([A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_])?)")
        .expect("handle regex")
});
/// A GitHub repository path, in the text or in a link target.
static GITHUB: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"github\.com/([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)/([A-Za-z0-9_.\-]*[A-Za-z0-9_])",
    )
    .expect("github regex")
});

/// What a candidate looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Shape {
    /// Capitalised words (`Northwind Traders`).
    Run,
    CamelCase,
    /// Lower-case words joined by `-` or `.` (`cert-manager`, `node.js`).
    Joined,
    Acronym,
    Handle,
    GitHub,
}

/// One place a candidate occurs.
#[derive(Debug, Clone)]
struct Occurrence {
    /// The words of the name (one for every shape but runs).
    words: Vec<String>,
    shape: Shape,
    /// Its first word opens a sentence (or a heading), where any word is capitalised.
    initial: bool,
    /// The word before it, folded: what says "company" (`chez`, `at`).
    before: String,
    /// Where: index of the document, byte offset, and the `file:line: snippet` context.
    doc: usize,
    at: usize,
    context: String,
}

/// Everything collected from the documents, before counting.
#[derive(Debug, Default)]
struct Corpus {
    found: Vec<Occurrence>,
    /// Folded words seen capitalised away from a sentence start: not common words.
    capitalised_inside: HashSet<String>,
    /// Folded words seen written in lower case on their own.
    lower: HashSet<String>,
    /// Each document's source name, by index: the first place of a name is the first in
    /// source-name order, whatever the order the inputs were given in.
    sources: Vec<String>,
}

/// Strips a French elision (`l’`, `d'`) and an English possessive (`'s`).
fn bare(word: &str) -> (usize, &str) {
    let mut start = 0;
    let mut w = word;
    let mut chars = w.char_indices();
    if let (Some((_, c)), Some((i, q))) = (chars.next(), chars.next())
        && matches!(
            c.to_ascii_lowercase(),
            'l' | 'd' | 'j' | 'm' | 'n' | 's' | 't' | 'c'
        )
        && matches!(q, '\'' | '’')
    {
        start = i + q.len_utf8();
        w = &w[start..];
    }
    for tail in ["'s", "’s"] {
        if let Some(s) = w.strip_suffix(tail) {
            w = s;
        }
    }
    (start, w)
}

fn is_capitalised(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

fn is_acronym(w: &str) -> bool {
    let upper = w.chars().filter(|c| c.is_uppercase()).count();
    upper >= 2
        && w.chars().count() <= 10
        && w.chars().all(|c| c.is_uppercase() || c.is_ascii_digit())
        && !w
            .chars()
            .all(|c| matches!(c, 'I' | 'V' | 'X' | 'L' | 'C' | 'D' | 'M'))
}

fn is_camel(w: &str) -> bool {
    let chars: Vec<char> = w.chars().collect();
    !is_acronym(w)
        && chars.iter().any(|c| c.is_lowercase())
        && chars
            .windows(2)
            .any(|p| p[0].is_lowercase() && p[1].is_uppercase())
}

/// A capitalised word and nothing more: `Word`, `Jean-Pierre`.
fn is_plain(w: &str) -> bool {
    let chars: Vec<char> = w.chars().collect();
    chars.first().is_some_and(|c| c.is_uppercase())
        && chars.iter().enumerate().skip(1).all(|(i, &c)| {
            c.is_lowercase()
                || matches!(c, '-' | '\'' | '’')
                || c.is_uppercase() && chars[i - 1] == '-'
        })
}

/// Words after which a name is an organisation's: "chez Quarbex", "joined Zylo".
const COMPANY_CUES: [&str; 5] = ["chez", "at", "from", "joined", "rejoint"];

/// Lower-case words joined by `-` or `.` with a letter: `cert-manager`, `node.js`.
fn is_joined(w: &str) -> bool {
    w.contains(['-', '.'])
        && !w.contains(['/', '&', '+', '\'', '’'])
        && w.chars().next().is_some_and(char::is_alphabetic)
        && !w.chars().any(char::is_uppercase)
        && w.chars().filter(|c| c.is_alphabetic()).count() >= 3
        && w.split('.').all(|p| p.chars().count() >= 2)
}

impl Corpus {
    fn add(&mut self, rules: &Rules, lists: &Lists, doc: &Document) {
        let facts = crate::extract::extract(rules, doc);
        let mut names: HashSet<String> = HashSet::new();
        let mut spans: Vec<(usize, usize)> = Vec::new();
        let mut titles: Vec<(usize, usize)> = Vec::new();
        for e in &facts.entities {
            for n in std::iter::once(&e.label).chain(&e.aliases) {
                names.insert(match_fold(n));
            }
            // A talk's mention is its whole title, which may name what no rule knows.
            let list = if e.kind == Kind::Talk {
                &mut titles
            } else {
                &mut spans
            };
            list.extend(e.mentions.iter().map(|m| (m.start, m.end)));
        }
        spans.sort_unstable();
        titles.sort_unstable();
        let known = |name: &str| {
            let f = match_fold(name);
            lists.listed.contains(&f) || names.contains(&f)
        };
        let (view, layout) = crate::extract::view(doc);
        let to_doc = |o: usize| match &view.offsets {
            Some(map) => map.get(o).map_or(o, |&m| m as usize),
            None => o,
        };
        // Per sorted span, the largest end so far: one binary search tells an overlap, where
        // a scan would cost a document's every mention for each of its words.
        let reach = |list: &[(usize, usize)]| -> Vec<usize> {
            list.iter()
                .scan(0, |max, &(_, end)| {
                    *max = end.max(*max);
                    Some(*max)
                })
                .collect()
        };
        let (span_reach, title_reach) = (reach(&spans), reach(&titles));
        let overlaps = |list: &[(usize, usize)], reach: &[usize], s: usize, e: usize| {
            let (s, e) = (to_doc(s), to_doc(e));
            let n = list.partition_point(|&(start, _)| start < e);
            n > 0 && reach[n - 1] > s
        };
        let covered = |s: usize, e: usize| overlaps(&spans, &span_reach, s, e);
        let in_talk = |s: usize, e: usize| overlaps(&titles, &title_reach, s, e);
        let index = self.sources.len();
        self.sources.push(doc.source.clone());
        let mut open = false;
        for (i, line) in layout.lines.iter().enumerate() {
            if matches!(line.kind, LineKind::Skip | LineKind::Blank) {
                open = false;
                continue;
            }
            let number = layout
                .page_lines
                .as_ref()
                .and_then(|p| p.get(i).copied())
                .unwrap_or(line.number);
            let ctx = |at: usize| context(&doc.source, number, &line.clean, at - line.start);
            // A table's header row names its columns.
            let header = layout.lines.get(i + 1).is_some_and(|next| {
                let t = next.clean.trim();
                t.matches('-').count() >= 3 && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
            });
            let heading = header || matches!(line.kind, LineKind::Heading(_));
            // A hard-wrapped sentence goes on: the next line's first word opens nothing.
            let goes_on = open && line.kind == LineKind::Text;
            let how = LineHow {
                heading,
                goes_on,
                doc: index,
            };
            let seen = Seen {
                covered: &covered,
                in_talk: &in_talk,
                known: &known,
            };
            self.scan_line(lists, line, how, seen, &ctx);
            open = line.kind == LineKind::Text
                && line
                    .clean
                    .trim_end()
                    .chars()
                    .last()
                    .is_some_and(|c| c.is_alphanumeric() || c == ',');
        }
        // Link targets are blanked in the view, so repositories are read from the source.
        for c in GITHUB.captures_iter(&doc.text) {
            let (owner, repo) = (&c[1], c[2].trim_end_matches(".git"));
            let at = c.get(0).map_or(0, |m| m.start());
            if repo.is_empty() || known(repo) || known(&format!("{owner}/{repo}")) {
                continue;
            }
            let number = doc.text[..at].matches('\n').count() + 1;
            let line_start = doc.text[..at].rfind('\n').map_or(0, |i| i + 1);
            let line_end = doc.text[at..].find('\n').map_or(doc.text.len(), |i| at + i);
            let text = &doc.text[line_start..line_end];
            self.found.push(Occurrence {
                words: vec![repo.to_string()],
                shape: Shape::GitHub,
                initial: false,
                before: String::new(),
                doc: index,
                at,
                context: context(&doc.source, number, text, at - line_start),
            });
        }
    }

    fn scan_line(
        &mut self,
        lists: &Lists,
        line: &read::Line,
        how: LineHow,
        seen: Seen,
        ctx: &dyn Fn(usize) -> String,
    ) {
        let LineHow {
            heading,
            goes_on,
            doc,
        } = how;
        let Seen {
            covered,
            in_talk,
            known,
        } = seen;
        let text = &line.clean;
        // A line in capitals shouts: its words are no acronyms.
        let shouting = text.chars().filter(|c| c.is_alphabetic()).count() > 12
            && !text.chars().any(char::is_lowercase);
        let titled = titled_segments(text);
        let mut run: Vec<(usize, usize, String)> = Vec::new();
        let mut run_initial = false;
        let mut before = String::new();
        let mut prev_end = 0;
        let mut prev_word = String::new();
        let flush = |this: &mut Corpus,
                     run: &mut Vec<(usize, usize, String)>,
                     initial: bool,
                     before: &str| {
            if run.is_empty() {
                return;
            }
            let words: Vec<String> = run.iter().map(|w| w.2.clone()).collect();
            let at = run[0].0;
            let shape = match words.as_slice() {
                [one] if is_camel(one) => Shape::CamelCase,
                [one] if is_acronym(one) => Shape::Acronym,
                _ => Shape::Run,
            };
            let name = words.join(" ");
            let acronym_shouted = shape == Shape::Acronym && shouting;
            if !known(&name) && !acronym_shouted {
                this.found.push(Occurrence {
                    words,
                    shape,
                    initial,
                    before: before.to_string(),
                    doc,
                    at: line.start + at,
                    context: ctx(line.start + at),
                });
            }
            run.clear();
        };
        for m in WORD.find_iter(text) {
            let gap = &text[prev_end..m.start()];
            let in_title = heading
                || titled
                    .get(titled.partition_point(|&(_, end)| end <= m.start()))
                    .is_some_and(|&(start, _)| start <= m.start())
                || in_talk(line.start + m.start(), line.start + m.end());
            // A sentence opens at the line's start or after end punctuation, a colon, a
            // bullet or a quote: anything but a word, a comma or a hyphen before it.
            let initial = in_title
                || prev_word.is_empty() && !goes_on
                || gap
                    .trim()
                    .chars()
                    .last()
                    .is_some_and(|c| !matches!(c, ',' | '-' | '(' | ')' | '&'));
            let only_spaces = gap.chars().all(|c| c == ' ') && !gap.is_empty();
            let (skip, w) = bare(m.as_str());
            let (s, e) = (m.start() + skip, m.start() + skip + w.len());
            prev_end = m.end();
            let f = fold(w);
            let in_run_gap = only_spaces && !run.is_empty();
            if w.is_empty() || covered(line.start + s, line.start + e) {
                flush_trailing_particles(&mut run, lists);
                flush(self, &mut run, run_initial, &before);
                prev_word = f;
                continue;
            }
            if !w.chars().any(char::is_uppercase) {
                if !w.contains(['-', '.']) {
                    self.lower.insert(f.clone());
                }
                // Particles join the capitalised words around them (`Ursula von der Leyen`).
                if in_run_gap && lists.particles.contains(&w.to_lowercase()) {
                    run.push((s, e, w.to_string()));
                    prev_word = f;
                    continue;
                }
                flush_trailing_particles(&mut run, lists);
                flush(self, &mut run, run_initial, &before);
                if is_joined(w) && !known(w) {
                    self.found.push(Occurrence {
                        words: vec![w.to_string()],
                        shape: Shape::Joined,
                        initial: false,
                        before: prev_word.clone(),
                        doc,
                        at: line.start + s,
                        context: ctx(line.start + s),
                    });
                }
                prev_word = f;
                continue;
            }
            if !is_capitalised(w) && !is_camel(w) {
                flush_trailing_particles(&mut run, lists);
                flush(self, &mut run, run_initial, &before);
                prev_word = f;
                continue;
            }
            if in_title {
                // In a title every word is capitalised: each stands alone, as if it opened
                // a sentence, so only names seen elsewhere (or shaped as names) are kept.
                flush_trailing_particles(&mut run, lists);
                flush(self, &mut run, run_initial, &before);
                if lists.may_name(w) {
                    run.push((s, e, w.to_string()));
                    // "Retour d'expérience chez Quarbex": the cue says a name follows.
                    let initial = !COMPANY_CUES.contains(&prev_word.as_str());
                    flush(self, &mut run, initial, &prev_word);
                }
                prev_word = f;
                continue;
            }
            if !initial && is_plain(w) {
                self.capitalised_inside.insert(f.clone());
            }
            let stop = !lists.may_name(w) || lists.places.contains(&f) && run.is_empty();
            if stop || !in_run_gap {
                flush_trailing_particles(&mut run, lists);
                flush(self, &mut run, run_initial, &before);
            }
            if !stop {
                if run.is_empty() {
                    run_initial = initial;
                    before = prev_word.clone();
                }
                run.push((s, e, w.to_string()));
            }
            prev_word = f;
        }
        flush_trailing_particles(&mut run, lists);
        flush(self, &mut run, run_initial, &before);
        for c in HANDLE.captures_iter(text) {
            let Some(h) = c.get(1) else { continue };
            if covered(line.start + h.start(), line.start + h.end()) || known(h.as_str()) {
                continue;
            }
            self.found.push(Occurrence {
                words: vec![h.as_str().to_string()],
                shape: Shape::Handle,
                initial: false,
                before: String::new(),
                doc,
                at: line.start + h.start(),
                context: ctx(line.start + h.start()),
            });
        }
    }

    /// Counts what was found into suggestions, most frequent first.
    fn suggestions(mut self, lists: &Lists) -> Vec<Suggestion> {
        let mut groups: BTreeMap<(Guess, String), Group> = BTreeMap::new();
        let sources = std::mem::take(&mut self.sources);
        self.found
            .sort_by(|a, b| (&sources[a.doc], a.at).cmp(&(&sources[b.doc], b.at)));
        for o in &self.found {
            let Some((line, guess, whole)) = self.settle(lists, o) else {
                continue;
            };
            let key = match guess {
                Guess::Person => (Guess::Person, fold(&line)),
                // One gazetteer line whatever the type guessed: companies and projects vote.
                _ => (Guess::Project, match_fold(&line)),
            };
            let g = groups.entry(key).or_insert_with(|| Group {
                first: o.context.clone(),
                example: whole.clone(),
                ..Group::default()
            });
            g.count += 1;
            *g.spellings.entry(line).or_default() += 1;
            if guess == Guess::Company {
                g.company += 1;
            }
        }
        // A lone given name (`Carys`) is the person a fuller mention of it suggests.
        let people: Vec<String> = groups
            .keys()
            .filter(|(k, _)| *k == Guess::Person)
            .map(|(_, f)| f.clone())
            .collect();
        for f in people {
            if let Some(lone) = groups.remove(&(Guess::Project, f.clone()))
                && let Some(g) = groups.get_mut(&(Guess::Person, f))
            {
                g.count += lone.count;
            }
        }
        let mut out: Vec<Suggestion> = groups
            .into_iter()
            .map(|((kind, _), g)| {
                // The most frequent spelling, the smallest of equals.
                let line = g
                    .spellings
                    .iter()
                    .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
                    .map(|(s, _)| s.clone())
                    .unwrap_or_default();
                let guess = match kind {
                    Guess::Person => Guess::Person,
                    _ if g.company > 0 => Guess::Company,
                    _ => Guess::Project,
                };
                Suggestion {
                    example: (guess == Guess::Person).then_some(g.example),
                    line,
                    guess,
                    count: g.count,
                    context: g.first,
                }
            })
            .collect();
        out.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| match_fold(&a.line).cmp(&match_fold(&b.line)))
                .then_with(|| a.line.cmp(&b.line))
                .then_with(|| a.guess.cmp(&b.guess))
        });
        out
    }

    /// The line an occurrence suggests, its guessed type and the whole name it stands for;
    /// `None` when it turns out to be no name (a common word opening a sentence).
    fn settle(&self, lists: &Lists, o: &Occurrence) -> Option<(String, Guess, String)> {
        let mut words: &[String] = &o.words;
        if o.shape == Shape::Run && o.initial {
            let first = fold(&words[0]);
            if is_plain(&words[0]) && !self.capitalised_inside.contains(&first) {
                words = &words[1..];
            }
        }
        // Particles never start a name.
        while words
            .first()
            .is_some_and(|w| lists.particles.contains(&w.to_lowercase()))
        {
            words = &words[1..];
        }
        let [first, ..] = words else { return None };
        let folded: Vec<String> = words.iter().map(|w| fold(w)).collect();
        if o.shape == Shape::Joined && !tech_shaped(first, &self.lower) {
            return None;
        }
        if words.len() == 1 && o.shape == Shape::Run {
            let f = &folded[0];
            if lists.first_names.contains(f) || lists.places.contains(f) {
                return None;
            }
            if lists.org_words.contains(f) || first.chars().count() < 3 {
                return None;
            }
        }
        let whole = words.join(" ");
        let plain_words = words.iter().all(|w| is_plain(w));
        let person = plain_words
            && (2..=3).contains(&words.len())
            && !lists.first_names.contains(&folded[0])
            && !folded
                .iter()
                .any(|f| lists.org_words.contains(f) || lists.places.contains(f));
        let cue = COMPANY_CUES.contains(&o.before.as_str());
        if person && !cue {
            return Some((first.clone(), Guess::Person, whole));
        }
        let company = cue || folded.last().is_some_and(|f| lists.org_words.contains(f));
        let guess = if company {
            Guess::Company
        } else {
            Guess::Project
        };
        Some((whole.clone(), guess, whole))
    }
}

/// Byte ranges of a line's pieces written in Title Case (most words of four letters or
/// more capitalised): talk titles in agendas and tables. Pieces are cut at `|`, `:`,
/// dashes and brackets.
fn titled_segments(line: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut cut = |start: usize, end: usize| {
        let (mut cap, mut low, mut words) = (0, 0, 0);
        for m in WORD.find_iter(&line[start..end]) {
            let w = bare(m.as_str()).1;
            words += 1;
            if w.chars().count() < 4 {
                continue;
            }
            if is_capitalised(w) {
                cap += 1;
            } else {
                low += 1;
            }
        }
        // Two or three capitalised words alone are a name (`Kwame Asante`), not a title.
        if cap >= 3 && low * 3 <= cap || cap >= 2 && low == 0 && words >= 4 {
            out.push((start, end));
        }
    };
    for (i, c) in line.char_indices() {
        let dash = matches!(c, '–' | '—')
            || c == '-' && line[..i].ends_with(' ') && line[i + 1..].starts_with(' ');
        if matches!(c, '|' | ':' | '(' | ')' | '[' | ']') || dash {
            cut(start, i);
            start = i + c.len_utf8();
        }
    }
    cut(start, line.len());
    out
}

/// Whether a lower-case joined word looks like a tool's name rather than a compound word:
/// no part of one or two letters (`ad-hoc`, `ci-dessous`), no participle at its end
/// (`open-sourced`, `customer-facing`, `auto-hébergée`), and one part never seen alone.
fn tech_shaped(word: &str, lower: &HashSet<String>) -> bool {
    let parts: Vec<&str> = word.split(['-', '.']).collect();
    let short = |p: &&str| p.chars().count() <= 2 && !p.chars().any(|c| c.is_ascii_digit());
    let last = parts.last().copied().unwrap_or_default();
    let participle = !word.contains('.')
        && ["ed", "ing", "é", "ée", "és", "ées"]
            .iter()
            .any(|end| last.ends_with(end));
    !short(&parts[0]) && !participle && !parts.iter().all(|p| lower.contains(&fold(p)))
}

/// What extraction found in a document: spans of entities (`covered`), of talk titles
/// (`in_talk`), and names (`known`, gazetteers included). Offsets are the view's.
#[derive(Clone, Copy)]
struct Seen<'a> {
    covered: &'a dyn Fn(usize, usize) -> bool,
    in_talk: &'a dyn Fn(usize, usize) -> bool,
    known: &'a dyn Fn(&str) -> bool,
}

/// How a line is read.
#[derive(Debug, Clone, Copy)]
struct LineHow {
    /// A heading or a table's header row: Title Case throughout.
    heading: bool,
    /// The line goes on with a sentence the line before began.
    goes_on: bool,
    /// Which document.
    doc: usize,
}

/// Particles that end a run belong to what follows, not to the name.
fn flush_trailing_particles(run: &mut Vec<(usize, usize, String)>, lists: &Lists) {
    while run
        .last()
        .is_some_and(|w| lists.particles.contains(&w.2.to_lowercase()))
    {
        run.pop();
    }
}

/// `file:line: snippet`, the line's whitespace collapsed and cut to about 100 characters
/// around `at` (a byte offset into `line`).
fn context(source: &str, number: usize, line: &str, at: usize) -> String {
    const WIDTH: usize = 100;
    // Only the bytes near `at` are read: a megabyte line names thousands of things.
    let boundary = |i: usize| {
        (0..=i.min(line.len()))
            .rev()
            .find(|&i| line.is_char_boundary(i))
            .unwrap_or(0)
    };
    let (from, to) = (boundary(at.saturating_sub(400)), boundary(at + 400));
    let line = &line[from..to];
    let at = boundary(at) - from;
    let before: Vec<&str> = line[..at].split_whitespace().collect();
    let after: Vec<&str> = line[at..].split_whitespace().collect();
    let mut left = before.join(" ");
    let mut right = after.join(" ");
    if line[..at].ends_with(char::is_whitespace) && !left.is_empty() {
        left.push(' ');
    }
    let left_len = left.chars().count();
    // Cut at word boundaries, so the snippet holds no half words.
    if left_len > 50 {
        let cut: String = left.chars().skip(left_len - 50).collect();
        let whole = cut.split_once(' ').map_or("", |(_, rest)| rest);
        left = format!("…{whole}");
    }
    let budget = WIDTH.saturating_sub(left.chars().count());
    if right.chars().count() > budget {
        let cut: String = right.chars().take(budget + 1).collect();
        let whole = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
        right = format!("{}…", whole.trim_end());
    }
    let snippet = format!("{left}{right}");
    format!("{source}:{number}: {}", snippet.trim())
}

/// Occurrences of one suggested line.
#[derive(Debug, Default)]
struct Group {
    count: usize,
    company: usize,
    spellings: BTreeMap<String, usize>,
    first: String,
    example: String,
}

/// One line to add to a rule file, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Suggestion {
    line: String,
    guess: Guess,
    count: usize,
    /// For a person: the whole name the first name was taken from.
    example: Option<String>,
    context: String,
}

impl Suggestion {
    fn comment(&self) -> String {
        let what = match &self.example {
            Some(name) => format!("{} \"{name}\"", self.guess.label()),
            None => self.guess.label().to_string(),
        };
        format!(
            "# {}×, {what} ({}), {}",
            self.count,
            self.guess.file(),
            self.context.replace(['\n', '\r'], " ")
        )
    }
}

/// The distinct shapes a set of occurrences has (for tests).
#[cfg(test)]
fn shapes(c: &Corpus) -> std::collections::BTreeSet<(String, Shape)> {
    c.found
        .iter()
        .map(|o| (o.words.join(" "), o.shape))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suggest(text: &str) -> (Corpus, Vec<Suggestion>) {
        let rules = crate::rules::default_rules().expect("embedded rules");
        let lists = Lists::new(rules);
        let mut corpus = Corpus::default();
        corpus.add(rules, &lists, &Document::new("t.txt", text));
        let shown = Corpus {
            found: corpus.found.clone(),
            capitalised_inside: corpus.capitalised_inside.clone(),
            lower: corpus.lower.clone(),
            sources: corpus.sources.clone(),
        };
        (shown, corpus.suggestions(&lists))
    }

    fn lines(s: &[Suggestion]) -> Vec<(&str, Guess, usize)> {
        s.iter()
            .map(|s| (s.line.as_str(), s.guess, s.count))
            .collect()
    }

    #[test]
    fn word_shapes() {
        assert!(is_camel("GitOps") && is_camel("eBPF") && !is_camel("CNCF") && !is_camel("Word"));
        assert!(is_acronym("CNCF") && is_acronym("K8S") && !is_acronym("III") && !is_acronym("A"));
        assert!(is_joined("cert-manager") && is_joined("node.js") && !is_joined("e.g"));
        assert!(!is_joined("Cert-Manager") && !is_joined("a-b"));
        assert!(is_plain("Jean-Pierre") && !is_plain("GitOps"));
        assert_eq!(bare("l’Zorblax"), ("l’".len(), "Zorblax"));
        assert_eq!(bare("Zorblax's"), (0, "Zorblax"));
    }

    #[test]
    fn finds_every_shape_once_and_counts_them() {
        let (c, s) = suggest(
            "We tried Quuxflow and QuuxDB with the flarn-ctl tool, then @zorbocorp and the \
             QRZT team forked github.com/zorbo/blarnify. Quuxflow again.\n",
        );
        let found = shapes(&c);
        for (name, shape) in [
            ("QuuxDB", Shape::CamelCase),
            ("flarn-ctl", Shape::Joined),
            ("zorbocorp", Shape::Handle),
            ("QRZT", Shape::Acronym),
            ("Quuxflow", Shape::Run),
        ] {
            assert!(
                found.contains(&(name.to_string(), shape)),
                "{name}: {found:?}"
            );
        }
        // The extractor reads repository paths itself: this one is covered.
        assert!(!s.iter().any(|s| s.line == "blarnify"), "{s:?}");
        let repo = GITHUB
            .captures("see https://github.com/zorbo/blarnify.git")
            .expect("a path");
        assert_eq!((&repo[1], &repo[2]), ("zorbo", "blarnify.git"));
        assert_eq!(s[0].line, "Quuxflow");
        assert_eq!(s[0].count, 2);
    }

    #[test]
    fn common_words_opening_sentences_are_no_names() {
        let (_, s) = suggest("Yesterday was long. Afterwards we left. Zorbland then Zorbland.\n");
        // "Afterwards" only ever opens a sentence; "Zorbland" is seen inside one too.
        assert_eq!(lines(&s), [("Zorbland", Guess::Project, 2)]);
    }

    #[test]
    fn person_shaped_runs_suggest_their_first_name_and_chez_a_company() {
        let (_, s) = suggest("Le talk de Zbygnor Kwastowicz, ingénieur, était bon.\n");
        assert_eq!(lines(&s), [("Zbygnor", Guess::Person, 1)]);
        assert_eq!(s[0].example.as_deref(), Some("Zbygnor Kwastowicz"));
        // Extraction finds a company after "chez" in prose, but not in a heading.
        let (_, s) = suggest("# Retour d'expérience chez Quarbex\n\nUne soirée.\n");
        assert_eq!(lines(&s), [("Quarbex", Guess::Company, 1)]);
    }

    #[test]
    fn context_is_cut_around_the_name() {
        let long = format!("{} Zorblax {}", "word ".repeat(30), "tail ".repeat(30));
        let at = long.find("Zorblax").unwrap();
        let c = context("a.md", 3, &long, at);
        assert!(c.starts_with("a.md:3: …"), "{c}");
        assert!(c.contains("word Zorblax tail"), "{c}");
        assert!(c.ends_with('…') && c.chars().count() < 120, "{c}");
    }
}
