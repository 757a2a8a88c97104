//! Rule sets: the gazetteers, word lists and patterns under `rules/`, loaded and compiled
//! once before any input is read. Every problem is collected and reported with its
//! file, line, column and rule id; a bad regex never reaches extraction.

use crate::error::{Error, Result, RuleProblem};
use crate::fold::fold;
use crate::graph::{Kind, Relation};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use once_cell::sync::Lazy;
use regex::Regex;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The files a rule set is made of, in load order.
pub const FILES: [&str; 12] = [
    "companies.txt",
    "projects.txt",
    "events.txt",
    "places.txt",
    "first_names.txt",
    "name_particles.txt",
    "honorifics.txt",
    "not_names.txt",
    "org_words.txt",
    "role_words.txt",
    "section_words.txt",
    "patterns.toml",
];

/// The default rule set, embedded at build time.
const EMBEDDED: [(&str, &str); 12] = [
    ("companies.txt", include_str!("../rules/companies.txt")),
    ("projects.txt", include_str!("../rules/projects.txt")),
    ("events.txt", include_str!("../rules/events.txt")),
    ("places.txt", include_str!("../rules/places.txt")),
    ("first_names.txt", include_str!("../rules/first_names.txt")),
    (
        "name_particles.txt",
        include_str!("../rules/name_particles.txt"),
    ),
    ("honorifics.txt", include_str!("../rules/honorifics.txt")),
    ("not_names.txt", include_str!("../rules/not_names.txt")),
    ("org_words.txt", include_str!("../rules/org_words.txt")),
    ("role_words.txt", include_str!("../rules/role_words.txt")),
    (
        "section_words.txt",
        include_str!("../rules/section_words.txt"),
    ),
    ("patterns.toml", include_str!("../rules/patterns.toml")),
];

/// How an alias's casing must agree with the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseRule {
    /// All lower case in the list: any casing matches (`cert-manager`, `k3s`).
    Any,
    /// An acronym: exact casing (`CNCF`).
    Exact,
    /// Otherwise the first letter's case must agree (`Flux` but not `flux`).
    FirstLetter,
}

/// One gazetteer entry.
#[derive(Debug, Clone)]
pub struct Entry {
    pub kind: Kind,
    pub canonical: String,
    pub aliases: Vec<String>,
}

/// One alias in the automaton.
#[derive(Debug, Clone)]
pub struct AliasInfo {
    pub entry: usize,
    pub text: String,
    pub case: CaseRule,
}

/// The piece of text a pattern rule runs over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Each sentence (the default).
    Sentence,
    /// Each whole line (agenda-style rules anchored with ^…$).
    Line,
    /// Each list item's line only.
    Item,
    /// Each whole paragraph (for cues that point back to an earlier sentence: "Son talk …").
    Paragraph,
}

/// What a pattern rule produces.
#[derive(Debug, Clone)]
pub struct PatternRule {
    pub id: String,
    pub relation: Option<Relation>,
    pub entity: Option<Kind>,
    pub confidence: f64,
    /// What the rule runs over.
    pub scope: Scope,
    /// The pattern, macros expanded.
    pub pattern: String,
    /// The pattern compiled as the regex crate compiles it (see [`regex_of`]), with the
    /// engine's own API: it can search a window of the text (see [`Windows`]).
    pub regex: regex_automata::meta::Regex,
    /// Tests that must pass for `regex` to match (see [`Prefilter`]).
    pub prefilter: Prefilter,
    /// Smaller equivalents of `regex` for short texts (see [`Loose`]), shortest limit first.
    pub loose: Vec<Loose>,
    /// Where in a text `regex` can match; None if it can match the empty string.
    pub windows: Option<Windows>,
    /// The index of each group of [`GROUPS`] in `regex` (and its loose variants).
    pub groups: [Option<usize>; GROUPS.len()],
    pub source: String,
}

/// The named groups rules use, in the order of [`PatternRule::groups`].
pub const GROUPS: [&str; 5] = ["subj", "obj", "talk", "role", "ent"];

/// Cheap tests that must pass wherever a rule's regex can match, so the regex itself only
/// runs on the few sentences where it might.
///
/// 1. Token classes: a pattern such as `⟦[PX]\d+⟧ … ⟦C\d+⟧` cannot match a sentence without a
///    person-or-unknown token and a company token. The classes each match needs are read
///    off the pattern's syntax tree (`needs`) and checked against the sentence's tokens.
/// 2. The pattern with its word-boundary assertions (`\b`, `\B`) dropped and its bounded
///    repetitions unbounded, run with `is_match`. Both only widen what matches, so "no
///    match" here proves "no match" for the rule. It exists because a Unicode `\b` makes the regex crate's lazy
///    DFA give up on any non-ASCII text (and masked text always has `⟦…⟧`), leaving the slow
///    backtracking engines to scan every sentence; without `\b` the DFA scans it quickly.
#[derive(Debug, Clone)]
pub struct Prefilter {
    relaxed: regex_automata::meta::Regex,
    /// Each entry is a set of token letters (bits of [`token_bit`]); a match needs, for every
    /// entry, a token of one of its letters.
    needs: Vec<u8>,
}

/// A rule's regex with its long bounded repetitions unbounded: `x{0,200}` is `x*`.
///
/// When every iteration of `x` consumes at least one character, a text of `max_chars`
/// characters or fewer cannot hold more iterations than that, so on such a text a bound of
/// `max_chars` or more never cuts a path off, and the order in which paths are preferred
/// is the same: `regex` and `loose` give the same matches and the same groups there. The
/// point is size: `x{0,200}` compiles to 200 copies of `x`, and the backtracking engine
/// that captures groups (the lazy DFA gives up on non-ASCII text under a Unicode `\b`)
/// clears a visited set of (NFA states × text length) bits before every search.
#[derive(Debug, Clone)]
pub struct Loose {
    pub max_chars: usize,
    pub regex: regex_automata::meta::Regex,
}

impl PatternRule {
    /// The smallest regex equivalent to `regex` on a text of `chars` characters.
    pub fn loose_for(&self, chars: usize) -> Option<&regex_automata::meta::Regex> {
        self.loose
            .iter()
            .find(|l| chars <= l.max_chars)
            .map(|l| &l.regex)
    }
}

/// The [`Loose`] variants of a pattern: one per distinct bound of 60 or more, each
/// unbounding every repetition with at least that bound.
fn loose_variants(pattern: &str) -> Vec<Loose> {
    use regex_syntax::hir::{Hir, HirKind};
    fn bounds(hir: &Hir, out: &mut Vec<u32>) {
        match hir.kind() {
            HirKind::Repetition(r) => {
                if let Some(m) = r.max.filter(|&m| m >= 60)
                    && r.sub.properties().minimum_len().is_some_and(|n| n >= 1)
                {
                    out.push(m);
                }
                bounds(&r.sub, out);
            }
            HirKind::Capture(c) => bounds(&c.sub, out),
            HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().for_each(|h| bounds(h, out)),
            _ => {}
        }
    }
    fn loosen(hir: &Hir, at_least: u32) -> Hir {
        use regex_syntax::hir::{Capture, Repetition};
        match hir.kind() {
            HirKind::Repetition(r) => {
                let unbound = r.max.is_some_and(|m| m >= at_least)
                    && r.sub.properties().minimum_len().is_some_and(|n| n >= 1);
                Hir::repetition(Repetition {
                    sub: Box::new(loosen(&r.sub, at_least)),
                    max: if unbound { None } else { r.max },
                    ..r.clone()
                })
            }
            HirKind::Capture(c) => Hir::capture(Capture {
                sub: Box::new(loosen(&c.sub, at_least)),
                ..c.clone()
            }),
            HirKind::Concat(v) => Hir::concat(v.iter().map(|h| loosen(h, at_least)).collect()),
            HirKind::Alternation(v) => {
                Hir::alternation(v.iter().map(|h| loosen(h, at_least)).collect())
            }
            _ => hir.clone(),
        }
    }
    let Ok(hir) = regex_syntax::ParserBuilder::new().build().parse(pattern) else {
        return Vec::new();
    };
    let mut limits = Vec::new();
    bounds(&hir, &mut limits);
    limits.sort_unstable();
    limits.dedup();
    limits
        .into_iter()
        .filter_map(|m| {
            // Like `regex_of`: searched in windows only, no lazy DFA.
            let regex = regex_automata::meta::Regex::builder()
                .configure(regex_automata::meta::Config::new().hybrid(false).dfa(false))
                .build_from_hir(&loosen(&hir, m))
                .ok()?;
            Some(Loose {
                max_chars: m as usize,
                regex,
            })
        })
        .collect()
}

/// Where the matches of a regex can be, found on the lazy DFA, so that the slower engines a
/// Unicode `\b` on non-ASCII text leaves (see [`Prefilter`]) only search those windows.
///
/// Every match of a regex is a match of its relaxed form (word boundaries dropped, bounds
/// lifted) over the same bytes. So the leftmost relaxed match start at or after a position
/// is the first place a match can start, and the end of the longest relaxed match from that
/// start bounds the end of every match from there. An anchored search of the real regex
/// over that window finds the match a search of the whole text would find there, if any:
/// its look-arounds still see the text around the window. Searching windows from left to
/// right, after each match or one character past each failed start, gives the matches of
/// `captures_iter` in order. The backtracking engine then clears its visited set (NFA
/// states × window length bits) for a window rather than for the rest of the text, and the
/// last, failing search of an iteration is left to the DFA.
#[derive(Debug, Clone)]
pub struct Windows {
    /// The relaxed regex, leftmost-first: where the next window starts.
    first: regex_automata::meta::Regex,
    /// The relaxed regex reporting all matches: anchored, its search runs to the longest.
    longest: std::sync::Arc<ForwardDfa>,
}

/// A lazy DFA run forward only, with a cache per thread. Where only the end of a match is
/// wanted, it does what a meta regex does without the reverse NFA and the capturing
/// engines a meta regex builds besides (about three quarters of a relaxed regex's memory).
pub struct ForwardDfa {
    dfa: regex_automata::hybrid::dfa::DFA,
    caches: regex_automata::util::pool::Pool<regex_automata::hybrid::dfa::Cache, CacheFn>,
}

type CacheFn = Box<
    dyn Fn() -> regex_automata::hybrid::dfa::Cache
        + Send
        + Sync
        + std::panic::UnwindSafe
        + std::panic::RefUnwindSafe,
>;

impl std::fmt::Debug for ForwardDfa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ForwardDfa")
            .field("dfa", &self.dfa)
            .finish()
    }
}

impl ForwardDfa {
    /// All matches of `hirs` (`MatchKind::All`), within `cache_capacity` bytes of cache per
    /// thread. No minimum clear count: when the cache fills up it is cleared and the search
    /// goes on, where a meta regex would give up and run the PikeVM. The searches can still
    /// fail on a pattern with a Unicode word boundary (relaxed forms have none); callers
    /// fall back on the error.
    fn new(
        hirs: &[regex_syntax::hir::Hir],
        cache_capacity: usize,
    ) -> std::result::Result<ForwardDfa, String> {
        ForwardDfa::with_config(
            hirs,
            regex_automata::hybrid::dfa::Config::new().cache_capacity(cache_capacity),
        )
    }

    fn with_config(
        hirs: &[regex_syntax::hir::Hir],
        config: regex_automata::hybrid::dfa::Config,
    ) -> std::result::Result<ForwardDfa, String> {
        use regex_automata::nfa::thompson::{self, WhichCaptures};
        use regex_automata::{MatchKind, hybrid::dfa::DFA};
        let nfa = thompson::Compiler::new()
            .configure(
                thompson::Config::new()
                    .nfa_size_limit(Some(10 << 20))
                    .which_captures(WhichCaptures::None),
            )
            .build_many_from_hir(hirs)
            .map_err(|e| e.to_string())?;
        let dfa = DFA::builder()
            .configure(
                config
                    .match_kind(MatchKind::All)
                    .skip_cache_capacity_check(true),
            )
            .build_from_nfa(nfa)
            .map_err(|e| e.to_string())?;
        let make = dfa.clone();
        let create: CacheFn = Box::new(move || make.create_cache());
        Ok(ForwardDfa {
            dfa,
            caches: regex_automata::util::pool::Pool::new(create),
        })
    }

    /// The end of the longest match (for an anchored `input`).
    fn search_half(
        &self,
        input: &regex_automata::Input<'_>,
    ) -> std::result::Result<Option<regex_automata::HalfMatch>, regex_automata::MatchError> {
        self.dfa.try_search_fwd(&mut self.caches.get(), input)
    }

    /// Calls `on_match(pattern, end)` for every end of a match in `input`, in the order of
    /// the ends: the last call for a pattern gives the end of its furthest match, what
    /// [`Windows::captures_within`] needs to stop without a failing search.
    fn overlapping_ends(
        &self,
        input: &regex_automata::Input<'_>,
        mut on_match: impl FnMut(usize, usize),
    ) -> std::result::Result<(), regex_automata::MatchError> {
        let mut cache = self.caches.get();
        let mut state = regex_automata::hybrid::dfa::OverlappingState::start();
        loop {
            self.dfa
                .try_search_overlapping_fwd(&mut cache, input, &mut state)?;
            let Some(m) = state.get_match() else {
                return Ok(());
            };
            on_match(m.pattern().as_usize(), m.offset());
        }
    }
}

impl Windows {
    /// The windows of the regex `hir`, whose [`relaxed`] regex is `first`. None where the
    /// regex can match the empty string (windows would need the iterator's rules for
    /// empty matches).
    fn new(hir: &regex_syntax::hir::Hir, first: &regex_automata::meta::Regex) -> Option<Windows> {
        Windows::with_dfa(hir, first, regex_automata::hybrid::dfa::Config::new())
    }

    /// [`Windows::new`] with the lazy DFA of `longest` configured by `config`.
    fn with_dfa(
        hir: &regex_syntax::hir::Hir,
        first: &regex_automata::meta::Regex,
        config: regex_automata::hybrid::dfa::Config,
    ) -> Option<Windows> {
        if hir.properties().minimum_len().is_none_or(|n| n == 0) {
            return None;
        }
        Some(Windows {
            first: first.clone(),
            longest: std::sync::Arc::new(ForwardDfa::with_config(&[widened(hir)], config).ok()?),
        })
    }

    /// The next window at or after `pos`: (start, end).
    fn next(&self, text: &str, pos: usize) -> Option<(usize, usize)> {
        use regex_automata::{Anchored, Input};
        let s = self.first.search(&Input::new(text).range(pos..))?.start();
        let input = Input::new(text).range(s..).anchored(Anchored::Yes);
        let e = match self.longest.search_half(&input) {
            Ok(half) => half?.offset(),
            // A window running to the end of the text is still a window, only a wider one.
            Err(_) => text.len(),
        };
        Some((s, e))
    }

    /// Calls `f` with every match of `re` in `text`, in the order of `re.captures_iter`;
    /// `re` must match what the regex these windows were made from matches on `text`, and
    /// `loose` be its [`Loose`] variants (or none).
    pub fn captures(
        &self,
        re: &regex_automata::meta::Regex,
        loose: &[Loose],
        text: &str,
        caps: &mut regex_automata::util::captures::Captures,
        f: impl FnMut(&regex_automata::util::captures::Captures),
    ) {
        self.captures_within(re, loose, text, text.len(), caps, f)
    }

    /// [`Windows::captures`] knowing that no relaxed match in `text` ends after `limit`
    /// (see [`Rules::relaxed_matches`]). A match starting at or after `pos` is a relaxed
    /// match, not empty, so it starts before `limit`: once `pos` reaches it there is nothing
    /// left, and the search that would have scanned the rest of the text to find nothing
    /// (most pieces hold one match of a rule) is not run.
    ///
    /// Each window is searched with the smallest of `loose` that holds for a text as long
    /// as the window, not the whole text: an anchored search of `s..e` only consumes the
    /// window's characters, so a bound at least that number never cuts a path off. Windows
    /// are mostly shorter than the smallest limit, pieces mostly longer. `caps` serves every
    /// variant: they have the rule's groups, in the same order.
    pub fn captures_within(
        &self,
        re: &regex_automata::meta::Regex,
        loose: &[Loose],
        text: &str,
        limit: usize,
        caps: &mut regex_automata::util::captures::Captures,
        mut f: impl FnMut(&regex_automata::util::captures::Captures),
    ) {
        use regex_automata::{Anchored, Input};
        let mut pos = 0;
        while pos < limit {
            let Some((s, e)) = self.next(text, pos) else {
                break;
            };
            let re = match loose {
                [] => re,
                _ => {
                    let chars = text[s..e].chars().count();
                    loose
                        .iter()
                        .find(|l| chars <= l.max_chars)
                        .map_or(re, |l| &l.regex)
                }
            };
            re.search_captures(&Input::new(text).range(s..e).anchored(Anchored::Yes), caps);
            match caps.get_match() {
                Some(m) => {
                    f(caps);
                    pos = m.end();
                }
                None => pos = next_char(text, s),
            }
        }
    }

    /// Whether `re` (made like these windows) matches `text`.
    pub fn is_match(&self, re: &regex_automata::meta::Regex, text: &str) -> bool {
        use regex_automata::{Anchored, Input};
        let mut pos = 0;
        while let Some((s, e)) = self.next(text, pos) {
            if re.is_match(Input::new(text).range(s..e).anchored(Anchored::Yes)) {
                return true;
            }
            pos = next_char(text, s);
            if pos > text.len() {
                break;
            }
        }
        false
    }
}

/// The char boundary after the one at `i`.
fn next_char(text: &str, i: usize) -> usize {
    let mut j = i + 1;
    while j < text.len() && !text.is_char_boundary(j) {
        j += 1;
    }
    j
}

/// The bit of a mask-token letter (`P`, `C`, `J`, `E`, `T`, `X`), 0 for anything else.
pub fn token_bit(letter: char) -> u8 {
    match letter {
        'P' => 1,
        'C' => 2,
        'J' => 4,
        'E' => 8,
        'T' => 16,
        'X' => 32,
        _ => 0,
    }
}

impl Prefilter {
    /// Builds the prefilter of a pattern that already compiles as a [`Regex`].
    pub fn new(pattern: &str) -> std::result::Result<Prefilter, String> {
        let hir = regex_syntax::ParserBuilder::new()
            .build()
            .parse(pattern)
            .map_err(|e| e.to_string())?;
        Prefilter::of_hir(&hir)
    }

    /// [`Prefilter::new`] for a pattern already parsed.
    fn of_hir(hir: &regex_syntax::hir::Hir) -> std::result::Result<Prefilter, String> {
        let relaxed = relaxed(hir, regex_automata::MatchKind::LeftmostFirst)?;
        let mut needs = token_needs(hir);
        needs.sort_unstable();
        needs.dedup();
        Ok(Prefilter { relaxed, needs })
    }

    /// The token-letter test of [`Prefilter::may_match`] alone.
    pub fn tokens_ok(&self, present: u8, literal_tokens: bool) -> bool {
        literal_tokens || self.needs.iter().all(|n| n & present != 0)
    }

    /// False only where the rule's regex cannot match `text`, whose mask tokens have the
    /// letters `present` (bits of [`token_bit`]). `literal_tokens` says the text had `⟦`
    /// of its own before masking, so token letters prove nothing.
    pub fn may_match(&self, text: &str, present: u8, literal_tokens: bool) -> bool {
        (literal_tokens || self.needs.iter().all(|n| n & present != 0))
            && self.relaxed.is_match(text)
    }
}

/// The relaxed form of the regex `hir` (word boundaries dropped, bounds lifted: see
/// [`Prefilter`]), reporting where it matches (not only whether: see [`Windows`]).
fn relaxed(
    hir: &regex_syntax::hir::Hir,
    kind: regex_automata::MatchKind,
) -> std::result::Result<regex_automata::meta::Regex, String> {
    use regex_automata::{meta, nfa::thompson::WhichCaptures};
    meta::Regex::builder()
        .configure(
            meta::Config::new()
                .match_kind(kind)
                // Not None: that leaves only `is_match` answering.
                .which_captures(WhichCaptures::Implicit),
        )
        .build_from_hir(&widened(hir))
        .map_err(|e| e.to_string())
}

/// The group of rules a piece of text of each [`Scope`] runs: 0 sentences, 1 lines and
/// list items, 2 paragraphs.
pub fn scope_group(piece: Scope) -> usize {
    match piece {
        Scope::Sentence => 0,
        Scope::Line | Scope::Item => 1,
        Scope::Paragraph => 2,
    }
}

/// Whether a rule of scope `rule` runs on a piece of text of scope `piece`.
pub fn runs_on(rule: Scope, piece: Scope) -> bool {
    match rule {
        Scope::Line => matches!(piece, Scope::Line | Scope::Item),
        scope => scope == piece,
    }
}

/// The relaxed regexes (see [`Prefilter`]) of the rules of each scope group as one regex of
/// many patterns, reporting every pattern that matches anywhere (`MatchKind::All`,
/// overlapping search): pattern `j` of group `g` stands for rule `sets[g].0[j]` and is
/// reported exactly when that rule's relaxed regex `is_match`es. None where it cannot be
/// built (then each rule's own relaxed regex is run).
type RelaxedSet = (Vec<usize>, Option<ForwardDfa>);

fn relaxed_sets(patterns: &[PatternRule]) -> Vec<RelaxedSet> {
    let group = |g: usize| -> RelaxedSet {
        let piece = [Scope::Sentence, Scope::Item, Scope::Paragraph][g];
        let ids: Vec<usize> = (0..patterns.len())
            .filter(|&i| runs_on(patterns[i].scope, piece))
            .collect();
        let hirs = ids
            .iter()
            .map(|&i| {
                regex_syntax::ParserBuilder::new()
                    .build()
                    .parse(&patterns[i].pattern)
                    .ok()
                    .map(|h| widened(&h))
            })
            .collect::<Option<Vec<_>>>();
        let re = hirs
            .filter(|h| !h.is_empty())
            .and_then(|hirs| ForwardDfa::new(&hirs, 8 << 20).ok());
        (ids, re)
    };
    (0..3).map(group).collect()
}

impl Rules {
    /// Fills `set` (indexed like `patterns`) with the rules of scope group `g` (see
    /// [`scope_group`]) whose relaxed regex matches `text`, and `ends` (also indexed like
    /// `patterns`, as long) for those rules with a bound on the end of every relaxed match
    /// in `text` (for [`Windows::captures_within`]).
    pub fn relaxed_matches(
        &self,
        g: usize,
        text: &str,
        set: &mut regex_automata::PatternSet,
        ends: &mut [usize],
    ) {
        set.clear();
        let (ids, re) = &self.relaxed_sets[g];
        let overlapping = re.as_ref().map(|re| {
            re.overlapping_ends(&regex_automata::Input::new(text), |p, end| {
                let i = ids[p];
                set.insert(regex_automata::PatternID::must(i));
                ends[i] = end;
            })
        });
        match overlapping {
            Some(Ok(())) => {}
            _ => {
                set.clear();
                for &i in ids {
                    if self.patterns[i].prefilter.relaxed.is_match(text) {
                        set.insert(regex_automata::PatternID::must(i));
                        ends[i] = text.len();
                    }
                }
            }
        }
    }
}

/// A cue regex with the same kind of guard as [`Prefilter`]: a cue with a Unicode `\b` first
/// runs without it on the lazy DFA, and the real regex (slow on non-ASCII text: the DFA gives
/// up) only where that finds something. Derefs to the regex for everything else.
#[derive(Debug, Clone)]
pub struct Cue {
    regex: Regex,
    relaxed: Option<regex_automata::meta::Regex>,
    /// For `is_match`: the cue as a meta regex and its windows, which [`Windows::is_match`]
    /// searches instead of the whole text.
    windowed: Option<(regex_automata::meta::Regex, Windows)>,
    /// See [`Cue::is_local`].
    local: bool,
}

impl Cue {
    fn new(regex: Regex) -> Cue {
        let parsed = regex_syntax::ParserBuilder::new()
            .build()
            .parse(regex.as_str())
            .ok();
        let local = parsed.as_ref().is_some_and(|hir| {
            use regex_syntax::hir::Look;
            hir.properties().look_set().iter().all(|look| {
                !matches!(
                    look,
                    Look::Start
                        | Look::End
                        | Look::StartLF
                        | Look::EndLF
                        | Look::StartCRLF
                        | Look::EndCRLF
                )
            })
        });
        let hir = parsed.filter(|hir| hir.properties().look_set().contains_word_unicode());
        let relaxed = hir
            .as_ref()
            .and_then(|hir| relaxed(hir, regex_automata::MatchKind::LeftmostFirst).ok());
        let windowed = hir.as_ref().zip(relaxed.as_ref()).and_then(|(hir, first)| {
            Some((regex_of(regex.as_str()).ok()?, Windows::new(hir, first)?))
        });
        Cue {
            regex,
            relaxed,
            windowed,
            local,
        }
    }

    /// Whether the cue's only look-arounds are word boundaries (no `^`, `$`), so that it
    /// matching a text that white space (or the text's edge) borders inside a larger text
    /// means it matches the larger text: a word boundary next to white space is one next
    /// to the edge of a text.
    pub fn is_local(&self) -> bool {
        self.local
    }

    /// False only where the cue cannot match.
    fn may_match(&self, text: &str) -> bool {
        self.relaxed.as_ref().is_none_or(|r| r.is_match(text))
    }

    /// [`Regex::is_match`].
    pub fn is_match(&self, text: &str) -> bool {
        match &self.windowed {
            Some((re, windows)) => windows.is_match(re, text),
            None => self.may_match(text) && self.regex.is_match(text),
        }
    }

    /// [`Regex::find_iter`].
    pub fn find_iter<'r, 'h>(&'r self, text: &'h str) -> regex::Matches<'r, 'h> {
        // Where nothing can match, search nothing (an empty text matches nothing either:
        // a cue matching the empty text would have matched `text` at 0).
        let text = if self.may_match(text) {
            text
        } else {
            &text[..0]
        };
        self.regex.find_iter(text)
    }

    /// [`Regex::captures`].
    pub fn captures<'h>(&self, text: &'h str) -> Option<regex::Captures<'h>> {
        // `is_match` first: it allocates no captures, and most texts do not match.
        if self.may_match(text) && self.regex.is_match(text) {
            self.regex.captures(text)
        } else {
            None
        }
    }
}

impl std::ops::Deref for Cue {
    type Target = Regex;
    fn deref(&self) -> &Regex {
        &self.regex
    }
}

/// The token-letter sets every match of `hir` needs (a conjunction of disjunctions).
fn token_needs(hir: &regex_syntax::hir::Hir) -> Vec<u8> {
    use regex_syntax::hir::{Class, HirKind};
    let letters_of = |bytes: &[u8]| -> u8 {
        std::str::from_utf8(bytes)
            .ok()
            .and_then(|s| s.chars().next())
            .map_or(0, token_bit)
    };
    match hir.kind() {
        HirKind::Capture(c) => token_needs(&c.sub),
        HirKind::Repetition(r) if r.min >= 1 => token_needs(&r.sub),
        HirKind::Concat(subs) => {
            let mut out = Vec::new();
            for (i, sub) in subs.iter().enumerate() {
                out.extend(token_needs(sub));
                let HirKind::Literal(lit) = sub.kind() else {
                    continue;
                };
                let open = "⟦".as_bytes();
                let bytes = &lit.0[..];
                let mut at = 0;
                while let Some(p) = bytes[at..].windows(open.len()).position(|w| w == open) {
                    let after = at + p + open.len();
                    if after < bytes.len() {
                        out.push(letters_of(&bytes[after..]));
                    } else if let Some(HirKind::Class(class)) = subs.get(i + 1).map(|h| h.kind()) {
                        // In masked text a letter always follows `⟦`; only token letters can.
                        let mut set = 0;
                        for c in ['P', 'C', 'J', 'E', 'T', 'X'] {
                            let inside = match class {
                                Class::Unicode(u) => {
                                    u.iter().any(|r| r.start() <= c && c <= r.end())
                                }
                                Class::Bytes(b) => {
                                    b.iter().any(|r| r.start() <= c as u8 && c as u8 <= r.end())
                                }
                            };
                            if inside {
                                set |= token_bit(c);
                            }
                        }
                        out.push(set);
                    }
                    at = after;
                }
            }
            out
        }
        HirKind::Alternation(subs) => {
            // Each branch needs a token of its own letters: together, one of their union.
            let branches: Vec<Vec<u8>> = subs.iter().map(token_needs).collect();
            if branches.iter().all(|b| !b.is_empty()) {
                vec![branches.iter().flatten().fold(0, |a, b| a | b)]
            } else {
                Vec::new()
            }
        }
        _ => Vec::new(),
    }
}

fn widened(hir: &regex_syntax::hir::Hir) -> regex_syntax::hir::Hir {
    use regex_syntax::hir::{Capture, Hir, HirKind, Look, Repetition};
    match hir.kind() {
        HirKind::Look(look) => match look {
            Look::Start
            | Look::End
            | Look::StartLF
            | Look::EndLF
            | Look::StartCRLF
            | Look::EndCRLF => hir.clone(),
            _ => Hir::empty(),
        },
        // `x{0,200}` becomes `x*`: also wider, and a counter no longer multiplies DFA states.
        HirKind::Repetition(r) => Hir::repetition(Repetition {
            sub: Box::new(widened(&r.sub)),
            max: r.max.filter(|&m| m <= 1),
            ..r.clone()
        }),
        HirKind::Capture(c) => Hir::capture(Capture {
            sub: Box::new(widened(&c.sub)),
            ..c.clone()
        }),
        HirKind::Concat(v) => Hir::concat(v.iter().map(widened).collect()),
        HirKind::Alternation(v) => Hir::alternation(v.iter().map(widened).collect()),
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) => hir.clone(),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PatternFile {
    #[serde(default)]
    macros: BTreeMap<String, String>,
    #[serde(default)]
    cues: BTreeMap<String, String>,
    #[serde(default)]
    rule: Vec<PatternSpec>,
    #[serde(default)]
    overlaps: RawOverlaps,
}

/// How two candidate names that overlap are settled (`[overlaps]` in patterns.toml). The
/// policy is that of the longer candidate's type: it says whether that candidate may take
/// the shorter one's place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OverlapPolicy {
    /// The longer candidate wins ("Matt Helm" a person, "Redis Labs" an organisation).
    Longest,
    /// A gazetteer name wins over a name found by its shape, whatever their lengths; two
    /// gazetteer names still go to the longer.
    Gazetteer,
    /// The candidate whose type comes first in `priority` wins; the longer on a tie.
    Priority,
}

impl OverlapPolicy {
    pub fn name(self) -> &'static str {
        match self {
            OverlapPolicy::Longest => "longest",
            OverlapPolicy::Gazetteer => "gazetteer",
            OverlapPolicy::Priority => "priority",
        }
    }
}

/// `[overlaps]` as written: every key may be left out.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverlaps {
    person: Option<OverlapPolicy>,
    company: Option<OverlapPolicy>,
    project: Option<OverlapPolicy>,
    event: Option<OverlapPolicy>,
    priority: Option<Vec<String>>,
}

/// The overlap policy of each entity type, and the type order `priority` uses.
#[derive(Debug, Clone)]
pub struct Overlaps {
    pub person: OverlapPolicy,
    pub company: OverlapPolicy,
    pub project: OverlapPolicy,
    pub event: OverlapPolicy,
    pub priority: Vec<Kind>,
}

fn longest() -> OverlapPolicy {
    OverlapPolicy::Longest
}

fn default_priority() -> Vec<Kind> {
    vec![Kind::Event, Kind::Person, Kind::Company, Kind::Project]
}

impl Default for Overlaps {
    fn default() -> Overlaps {
        Overlaps {
            person: longest(),
            company: longest(),
            project: longest(),
            event: longest(),
            priority: default_priority(),
        }
    }
}

impl Overlaps {
    pub fn policy(&self, kind: Kind) -> OverlapPolicy {
        match kind {
            Kind::Person => self.person,
            Kind::Company => self.company,
            Kind::Event => self.event,
            Kind::Project | Kind::Talk => self.project,
        }
    }

    /// Whether `long`, a candidate that covers `short` (and is longer), takes its place.
    /// `long_listed`: `long` is a gazetteer name.
    pub fn wins(&self, long: Kind, long_listed: bool, short: Kind) -> bool {
        let rank = |k: Kind| {
            self.priority
                .iter()
                .position(|&p| p == k)
                .unwrap_or(usize::MAX)
        };
        match self.policy(long) {
            OverlapPolicy::Longest => true,
            OverlapPolicy::Gazetteer => long_listed,
            OverlapPolicy::Priority => rank(long) <= rank(short),
        }
    }

    /// [`Overlaps::wins`]'s answer in words, for `extract --explain-overlaps`: made only
    /// when asked.
    pub fn reason(&self, long: Kind, long_listed: bool, short: Kind) -> String {
        let p = self.policy(long);
        let head = format!("{long} = \"{}\"", p.name());
        match (p, self.wins(long, long_listed, short)) {
            (OverlapPolicy::Longest, _) => format!("{head}: the longer name wins"),
            (OverlapPolicy::Gazetteer, true) => {
                format!("{head}: both are gazetteer names, the longer wins")
            }
            (OverlapPolicy::Gazetteer, false) => {
                format!("{head}: a gazetteer name wins over a name found by its shape")
            }
            (OverlapPolicy::Priority, w) => {
                let first = if w { long } else { short };
                format!("{head}: {first} comes first in `priority`")
            }
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PatternSpec {
    id: String,
    #[serde(default)]
    lang: Option<String>,
    #[serde(default)]
    relation: Option<String>,
    #[serde(default)]
    entity: Option<String>,
    pattern: String,
    #[serde(default = "default_confidence")]
    confidence: f64,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    examples: Vec<String>,
    #[serde(default)]
    note: Option<String>,
    /// End-to-end examples (`[[rule.test]]`): read by `rules test` and `rules check`
    /// (`crate::ruletest`), skipped here so that compiling rules for a run builds nothing
    /// from them.
    #[serde(default)]
    #[allow(dead_code)]
    test: serde::de::IgnoredAny,
}

fn default_confidence() -> f64 {
    0.8
}

/// A compiled rule set, shared by all documents.
#[derive(Debug)]
pub struct Rules {
    pub entries: Vec<Entry>,
    pub aliases: Vec<AliasInfo>,
    /// All gazetteer aliases, folded (lower case, no accents), leftmost-longest.
    pub automaton: AhoCorasick,
    pub places: HashSet<String>,
    pub first_names: HashSet<String>,
    pub particles: HashSet<String>,
    pub honorifics: HashSet<String>,
    pub not_names: HashSet<String>,
    pub org_words: HashSet<String>,
    pub role_words: HashSet<String>,
    pub section_words: Vec<String>,
    /// Organisations named after their product (Docker, GitHub): listed in companies.txt
    /// and again, by the same canonical name, in projects.txt. Folded canonical names.
    pub products: HashSet<String>,
    pub patterns: Vec<PatternRule>,
    /// Per scope group, the rules' [`Prefilter`] regexes in one multi-pattern regex: one
    /// pass over a text tells which rules' relaxed regexes match it.
    relaxed_sets: Vec<RelaxedSet>,
    /// Named cue regexes used by the structural code (talk cues, scope breakers…).
    pub cues: HashMap<String, Cue>,
    /// How overlapping candidate names are settled, per entity type (`[overlaps]`).
    pub overlaps: Overlaps,
    /// Where the rules came from (`<embedded>` or a folder).
    pub origin: String,
    /// talkgraph's version and a hash of every rule file: what a graph records so that
    /// `extract --into` knows when its facts were found by other rules.
    pub fingerprint: String,
}

/// [`Rules::fingerprint`] of rule files: their names and texts, in [`FILES`] order, each
/// name's layers in load order (the embedded file, then a folder's that extends it), so
/// that it covers the merged set. The source text, not the compiled automata, is hashed:
/// the same text compiles to the same rules in one version, and the version is part of the
/// fingerprint. A set of one layer hashes as it did before folders could extend.
fn fingerprint(files: &[(PathBuf, String)]) -> String {
    let mut all = Vec::new();
    for name in FILES {
        for (_, text) in files.iter().filter(|(p, _)| p.ends_with(name)) {
            all.extend_from_slice(name.as_bytes());
            all.push(0);
            all.extend_from_slice(text.as_bytes());
            all.push(0);
        }
    }
    format!(
        "talkgraph {} rules {}",
        env!("CARGO_PKG_VERSION"),
        crate::resolve::content_hash(&all)
    )
}

static DEFAULT: Lazy<std::result::Result<Rules, Vec<RuleProblem>>> =
    Lazy::new(|| compile(&embedded_files(), "<embedded>"));

/// The text of an embedded rule file, by its name in [`FILES`].
pub fn embedded_text(name: &str) -> Option<&'static str> {
    EMBEDDED.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// The embedded default rules, compiled once per process.
pub fn default_rules() -> Result<&'static Rules> {
    DEFAULT.as_ref().map_err(|p| Error::Rules(p.clone()))
}

/// How a rule folder is combined with the embedded rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `--rules DIR`: the folder holds any of the [`FILES`], each added to the embedded
    /// file of its name. Word lists are joined; a gazetteer line replaces the embedded line
    /// of the same canonical name; in `patterns.toml` a rule, cue or macro replaces the
    /// embedded one of the same id or name, in place, and new rules run after the others.
    Extend,
    /// `--rules-replace DIR`: the folder is the whole rule set and must hold every file.
    Replace,
}

/// The embedded rule files, named as in the repository (`rules/NAME`): messages about
/// them and the rule sources written on edges say so.
fn embedded_files() -> Vec<(PathBuf, String)> {
    EMBEDDED
        .iter()
        .map(|(n, t)| (PathBuf::from("rules").join(n), t.to_string()))
        .collect()
}

/// Loads and compiles a rule folder: alone (every file of [`FILES`] must be there) or over
/// the embedded rules, as `mode` says.
pub fn load_dir(dir: &Path, mode: Mode) -> Result<Rules> {
    let flag = match mode {
        Mode::Extend => "--rules",
        Mode::Replace => "--rules-replace",
    };
    // One line for a mistyped folder, not one per file it should hold.
    match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => {
            return Err(Error::Invalid {
                path: dir.to_path_buf(),
                message: format!(
                    "not a folder: {flag} takes a folder holding {} (`talkgraph rules dump DIR` writes them all)",
                    FILES.join(", ")
                ),
            });
        }
        Err(e) => {
            return Err(Error::Invalid {
                path: dir.to_path_buf(),
                message: format!(
                    "cannot read the rule folder: {e}; {flag} takes a folder holding {} (`talkgraph rules dump DIR` writes them all)",
                    FILES.join(", ")
                ),
            });
        }
    }
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let mut missing = Vec::new();
    for name in FILES {
        let path = dir.join(name);
        // Opening a named pipe would wait for a writer forever, and a device may never end.
        if let Ok(meta) = std::fs::metadata(&path)
            && !meta.is_file()
        {
            problems.push(RuleProblem {
                path: path.clone(),
                line: 0,
                column: 0,
                rule: None,
                message: "skipped: not a regular file (a folder, named pipe or device); a rule file must be a regular file".into(),
            });
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(t) => files.push((path, t)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => missing.push(name),
            Err(e) => problems.push(RuleProblem {
                path: path.clone(),
                line: 0,
                column: 0,
                rule: None,
                message: format!("cannot read: {e}"),
            }),
        }
    }
    let problem = |message: String| RuleProblem {
        path: dir.to_path_buf(),
        line: 0,
        column: 0,
        rule: None,
        message,
    };
    match mode {
        // Said once, however many files are missing.
        Mode::Replace if !missing.is_empty() => problems.insert(
            0,
            problem(format!(
                "{} of the {} rule files missing ({}); --rules-replace needs them all: `talkgraph rules dump DIR` writes them, or give --rules to add the folder's files to the embedded rules",
                missing.len(),
                FILES.len(),
                missing.join(", ")
            )),
        ),
        Mode::Extend => {
            // A misspelt file name would otherwise be passed over without a word.
            let mut strays: Vec<String> = std::fs::read_dir(dir)
                .map(|entries| {
                    entries
                        .filter_map(|e| e.ok())
                        .map(|e| e.file_name().to_string_lossy().into_owned())
                        .filter(|n| {
                            (n.ends_with(".txt") || n.ends_with(".toml"))
                                && !FILES.contains(&n.as_str())
                        })
                        .collect()
                })
                .unwrap_or_default();
            strays.sort();
            if !strays.is_empty() {
                problems.insert(
                    0,
                    problem(format!(
                        "not rule files: {}; rule files are named {} (rename them, or move them out of the folder)",
                        strays.join(", "),
                        FILES.join(", ")
                    )),
                );
            } else if missing.len() == FILES.len() {
                problems.insert(
                    0,
                    problem(format!(
                        "holds no rule file: --rules adds the files it holds ({}) to the embedded rules; write one, e.g. companies.txt with a line `Name | alias`, or start with `talkgraph rules init DIR`",
                        FILES.join(", ")
                    )),
                );
            }
        }
        Mode::Replace => {}
    }
    if !problems.is_empty() {
        return Err(Error::Rules(problems));
    }
    let all = match mode {
        Mode::Replace => files,
        Mode::Extend => embedded_files().into_iter().chain(files).collect(),
    };
    compile(&all, &dir.display().to_string()).map_err(Error::Rules)
}

/// Writes the embedded rule files into `dir` (created if missing) and returns their paths.
/// Nothing is written if one of them exists, unless `force`.
pub fn dump(dir: &Path, force: bool) -> Result<Vec<PathBuf>> {
    write_files(dir, EMBEDDED.iter().map(|(n, t)| (*n, *t)), force)
}

/// What `rules init` writes: each rule file, empty but for comments that say what a line
/// of it adds to the embedded file of its name.
const INIT: [(&str, &str); 12] = [
    (
        "companies.txt",
        "# Organisations, added to the embedded companies.txt: `Canonical | alias | alias`.\n# A line whose canonical name the embedded list has replaces that entry.\n",
    ),
    (
        "projects.txt",
        "# Software projects, tools, languages, services, added to the embedded projects.txt:\n# `Canonical | alias | alias`. A line whose canonical name the embedded list has replaces that entry.\n",
    ),
    (
        "events.txt",
        "# Conference and meetup series without their year, added to the embedded events.txt:\n# `Canonical | alias`. A line whose canonical name the embedded list has replaces that entry.\n",
    ),
    (
        "places.txt",
        "# Places, one a line, added to the embedded places.txt.\n",
    ),
    (
        "first_names.txt",
        "# Given names (never full names), one a line, added to the embedded first_names.txt.\n",
    ),
    (
        "name_particles.txt",
        "# Lower-case surname particles (de, van…), one a line, added to the embedded list.\n",
    ),
    (
        "honorifics.txt",
        "# Titles before a name (Dr, Mme…), one a line, added to the embedded list.\n",
    ),
    (
        "not_names.txt",
        "# Capitalised words never part of a person's name, one a line, added to the embedded list.\n",
    ),
    (
        "org_words.txt",
        "# Words that mark an organisation (Labs, GmbH…), one a line, added to the embedded list.\n",
    ),
    (
        "role_words.txt",
        "# Job titles and their words, one a line, added to the embedded list.\n",
    ),
    (
        "section_words.txt",
        "# Heading words that end a talk's section, one a line, added to the embedded list.\n",
    ),
    (
        "patterns.toml",
        "# Pattern rules, added to the embedded patterns.toml. A [[rule]] whose id the\n# embedded file has replaces that rule where it stands; a new id runs after the others.\n# [cues] and [macros] entries replace the embedded ones of the same name.\n# `talkgraph rules dump DIR` writes the embedded file to start from. For example:\n#\n# [[rule]]\n# id = \"en.works_at.engineer_at\"\n# lang = \"en\"\n# relation = \"works_at\"\n# pattern = '(?P<subj>{PX}),?\\s+(?:an?\\s+)?engineer\\s+at\\s+(?P<obj>{ORG})'\n# examples = [\"⟦P1⟧, engineer at ⟦C2⟧\"]\n# [[rule.test]]\n# text = \"Noé Valette, engineer at Zylotech, spoke first.\"\n# expect = [\"Noé Valette works_at Zylotech\"]\n",
    ),
];

/// Writes a folder to extend the embedded rules with (see [`INIT`]) and returns the paths.
pub fn init(dir: &Path, force: bool) -> Result<Vec<PathBuf>> {
    write_files(dir, INIT.iter().map(|(n, t)| (*n, *t)), force)
}

/// Writes `files` (name, text) into `dir`, all or none: existing files are all named in
/// one error unless `force`.
fn write_files<'a>(
    dir: &Path,
    files: impl Iterator<Item = (&'a str, &'a str)> + Clone,
    force: bool,
) -> Result<Vec<PathBuf>> {
    if !force {
        let existing: Vec<&str> = files
            .clone()
            .map(|(n, _)| n)
            .filter(|n| std::fs::symlink_metadata(dir.join(n)).is_ok())
            .collect();
        if !existing.is_empty() {
            return Err(Error::Invalid {
                path: dir.to_path_buf(),
                message: format!(
                    "already holds {}: nothing was written; give --force to overwrite them, or another folder",
                    existing.join(", ")
                ),
            });
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut written = Vec::new();
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
        written.push(path);
    }
    Ok(written)
}

/// Compiles rule files given as `(name, text)` pairs, names from [`FILES`], as
/// [`load_dir`] compiles a folder holding them; a file not given is empty. It touches no
/// disk, so a fuzzer can feed it any text.
pub fn compile_texts(texts: &[(&str, &str)]) -> Result<Rules> {
    let files: Vec<(PathBuf, String)> = FILES
        .iter()
        .map(|name| {
            let text = texts.iter().find(|(n, _)| n == name).map_or("", |(_, t)| t);
            (PathBuf::from(name), text.to_string())
        })
        .collect();
    compile(&files, "<texts>").map_err(Error::Rules)
}

fn lines_of(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
}

fn case_rule(alias: &str) -> CaseRule {
    let letters: Vec<char> = alias.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.iter().all(|c| c.is_lowercase()) {
        CaseRule::Any
    } else if letters.len() > 1 && letters.iter().all(|c| c.is_uppercase()) {
        CaseRule::Exact
    } else {
        CaseRule::FirstLetter
    }
}

/// Lower-cases and strips accents, keeping punctuation: the form the automaton sees.
pub fn match_fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    crate::extract::fold_into(s, &mut out, &mut Vec::new());
    out
}

fn compile(
    files: &[(PathBuf, String)],
    origin: &str,
) -> std::result::Result<Rules, Vec<RuleProblem>> {
    let mut problems = Vec::new();
    // Every layer of a file, in load order: the embedded one first when a folder extends it.
    let texts = |name: &str| -> Vec<(&Path, &str)> {
        files
            .iter()
            .filter(|(p, _)| p.ends_with(name))
            .map(|(p, t)| (p.as_path(), t.as_str()))
            .collect()
    };
    let mut entries: Vec<Entry> = Vec::new();
    let mut aliases = Vec::new();
    let mut seen: BTreeMap<String, (PathBuf, usize)> = BTreeMap::new();
    // Canonical names of companies.txt, with their entries: projects.txt may list one again
    // to say the organisation is named after its product.
    let mut company_of: BTreeMap<String, usize> = BTreeMap::new();
    let mut products = HashSet::default();
    for (name, kind) in [
        ("companies.txt", Kind::Company),
        ("projects.txt", Kind::Project),
        ("events.txt", Kind::Event),
    ] {
        let layers = texts(name);
        // The canonical names each layer's later layers list: their lines replace its own.
        let replaced: Vec<HashSet<String>> = (0..layers.len())
            .map(|i| {
                layers[i + 1..]
                    .iter()
                    .flat_map(|(_, body)| lines_of(body))
                    .map(|(_, l)| match_fold(l.split('|').next().unwrap_or("").trim()))
                    .collect()
            })
            .collect();
        for (layer, &(path, body)) in layers.iter().enumerate() {
            for (line, l) in lines_of(body) {
                if !replaced[layer].is_empty()
                    && replaced[layer]
                        .contains(&match_fold(l.split('|').next().unwrap_or("").trim()))
                {
                    continue;
                }
                let parts: Vec<&str> = l.split('|').map(str::trim).collect();
                if let Some(col) = parts.iter().position(|p| p.is_empty()) {
                    let column = l.split('|').take(col).map(|p| p.len() + 1).sum::<usize>() + 1;
                    problems.push(RuleProblem {
                        path: path.to_path_buf(),
                        line,
                        column,
                        rule: None,
                        message: "empty name: write `Canonical | alias | alias`".into(),
                    });
                    continue;
                }
                let product_of = (kind == Kind::Project)
                    .then(|| company_of.get(&match_fold(parts[0])).copied())
                    .flatten();
                let entry = product_of.unwrap_or(entries.len());
                for (i, a) in parts.iter().enumerate() {
                    let key = match_fold(a);
                    if i == 0 && product_of.is_some() {
                        products.insert(fold(a));
                        continue;
                    }
                    // A product's line adds spellings to its organisation's entry, listed earlier.
                    let back = if product_of.is_some() {
                        aliases.len()
                    } else {
                        parts.len()
                    };
                    if let Some(same) = aliases
                        .iter_mut()
                        .rev()
                        .take(back)
                        .find(|x: &&mut AliasInfo| x.entry == entry && match_fold(&x.text) == key)
                    {
                        // "Solo.io | solo.io": the lower-case spelling says any casing is fine.
                        if case_rule(a) == CaseRule::Any
                            || (case_rule(a) == CaseRule::FirstLetter
                                && same.case == CaseRule::Exact)
                        {
                            same.case = case_rule(a);
                        }
                        continue;
                    }
                    if let Some((p, l0)) = seen.get(&key) {
                        let message = if i == 0 {
                            format!("`{a}` is already listed at {}:{l0}", p.display())
                        } else {
                            // Kept by the first entity only, it would make the second unreachable
                            // under that name without a word.
                            format!(
                                "alias `{a}` already names the entity at {}:{l0}: an alias names one entity; remove it from one of the two lines",
                                p.display()
                            )
                        };
                        let column = l.split('|').take(i).map(|p| p.len() + 1).sum::<usize>()
                            + l.split('|')
                                .nth(i)
                                .map_or(0, |p| p.len() - p.trim_start().len())
                            + 1;
                        problems.push(RuleProblem {
                            path: path.to_path_buf(),
                            line,
                            column,
                            rule: None,
                            message,
                        });
                        continue;
                    }
                    seen.insert(key, (path.to_path_buf(), line));
                    aliases.push(AliasInfo {
                        entry,
                        text: a.to_string(),
                        case: case_rule(a),
                    });
                }
                if let Some(company) = product_of {
                    // The product's spellings name the organisation's entry: one entity, typed
                    // by each document's context.
                    entries[company]
                        .aliases
                        .extend(parts[1..].iter().map(|s| s.to_string()));
                    continue;
                }
                if kind == Kind::Company {
                    company_of.insert(match_fold(parts[0]), entries.len());
                }
                entries.push(Entry {
                    kind,
                    canonical: parts[0].to_string(),
                    aliases: parts[1..].iter().map(|s| s.to_string()).collect(),
                });
            }
        }
    }
    let patterns_folded: Vec<String> = aliases.iter().map(|a| match_fold(&a.text)).collect();
    let automaton = AhoCorasickBuilder::new()
        .match_kind(MatchKind::Standard)
        .build(&patterns_folded)
        .expect("gazetteer automaton builds from literal strings");
    // Word lists: every layer's lines.
    let lines = |name: &str| -> Vec<&str> {
        texts(name)
            .into_iter()
            .flat_map(|(_, body)| lines_of(body).map(|(_, l)| l))
            .collect()
    };
    let set = |name: &str| -> HashSet<String> { lines(name).into_iter().map(fold).collect() };
    let mut section_words: Vec<String> = Vec::new();
    for w in lines("section_words.txt") {
        let w = fold(w);
        if !section_words.contains(&w) {
            section_words.push(w);
        }
    }
    let (patterns, cues, overlaps) = compile_patterns(&texts("patterns.toml"), &mut problems);
    let relaxed_sets = relaxed_sets(&patterns);
    if !problems.is_empty() {
        problems.sort();
        return Err(problems);
    }
    Ok(Rules {
        entries,
        aliases,
        automaton,
        places: set("places.txt"),
        first_names: set("first_names.txt"),
        particles: lines("name_particles.txt")
            .into_iter()
            .map(str::to_lowercase)
            .collect(),
        honorifics: set("honorifics.txt"),
        not_names: set("not_names.txt"),
        org_words: set("org_words.txt"),
        role_words: set("role_words.txt"),
        section_words,
        products,
        patterns,
        relaxed_sets,
        cues,
        overlaps,
        origin: origin.to_string(),
        fingerprint: fingerprint(files),
    })
}

/// 1-based line and column of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// The line on which a rule's `id = "…"` stands, so regex errors point at the rule.
/// The line of the `nth` (from 0) rule whose id is `id`.
fn rule_line(text: &str, id: &str, nth: usize) -> usize {
    let needle = format!("\"{id}\"");
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.contains("id") && l.contains(&needle))
        .nth(nth)
        .map_or(0, |(i, _)| i + 1)
}

/// The longest a pattern may grow by expanding its macros: the embedded rules' longest is
/// under 500 bytes. Macros that nest or repeat can double a pattern at each level, and a
/// 12 KB file asked for gigabytes.
const MAX_EXPANDED: usize = 64 << 10;

fn expand(pattern: &str, macros: &BTreeMap<String, String>) -> std::result::Result<String, String> {
    static MACRO: Lazy<Regex> =
        Lazy::new(|| Regex::new(r"(\\[pP])?\{([A-Z][A-Z_0-9]*)\}").expect("macro regex"));
    let mut out = pattern.to_string();
    for _ in 0..8 {
        let mut missing = None;
        let mut too_long: Option<String> = None;
        // Counted as it grows, so that the pattern never takes more than the cap.
        let mut len = out.len();
        let next = MACRO
            .replace_all(&out, |c: &regex::Captures| {
                // `\p{L}` is a Unicode class, not a macro.
                if c.get(1).is_some() {
                    return c[0].to_string();
                }
                if too_long.is_some() {
                    return String::new();
                }
                match macros.get(&c[2]) {
                    Some(m) => {
                        len += m.len() + 4;
                        if len > MAX_EXPANDED {
                            too_long = Some(c[2].to_string());
                            return String::new();
                        }
                        format!("(?:{m})")
                    }
                    None => {
                        missing.get_or_insert_with(|| c[2].to_string());
                        c[0].to_string()
                    }
                }
            })
            .into_owned();
        if let Some(m) = too_long {
            return Err(format!(
                "expanding macro {{{m}}} makes the pattern longer than {MAX_EXPANDED} bytes (macros that nest or repeat multiply its length); use fewer or smaller macros"
            ));
        }
        if let Some(m) = missing {
            return Err(format!(
                "unknown macro {{{m}}}; defined: {}",
                macros.keys().cloned().collect::<Vec<_>>().join(", ")
            ));
        }
        if next == out {
            return Ok(out);
        }
        out = next;
    }
    Err("macros nest too deeply (a macro refers to itself?)".into())
}

/// `pattern` compiled as `regex::Regex::new` compiles it (same configuration and error
/// messages, so the same matches), but without the lazy DFA.
fn regex_of(pattern: &str) -> std::result::Result<regex_automata::meta::Regex, String> {
    use regex_automata::{MatchKind, meta, util::syntax};
    meta::Builder::new()
        .configure(
            meta::Config::new()
                .nfa_size_limit(Some(10 * (1 << 20)))
                .hybrid_cache_capacity(2 * (1 << 20))
                .match_kind(MatchKind::LeftmostFirst)
                .utf8_empty(true)
                // Its searches are anchored searches of windows (see `Windows`), which the
                // capturing engines do alone as well as after a lazy DFA (measured: 1,447
                // against 1,458 instructions per byte). Without the lazy DFA there is no
                // reverse NFA to build and keep: 70 % of the memory of the rules' regexes.
                .hybrid(false)
                .dfa(false),
        )
        .syntax(syntax::Config::default().utf8(true))
        .build(pattern)
        .map_err(|e| match (e.size_limit(), e.syntax_error()) {
            (Some(limit), _) => format!(
                "compiled, the pattern exceeds the size limit of {} bytes; make it smaller (a counted repetition such as `\\w{{1000}}` or a long Unicode class compiles to one copy per count)",
                limit
            ),
            (None, Some(syntax)) => syntax.to_string(),
            (None, None) => e.to_string(),
        })
}

fn compile_patterns(
    layers: &[(&Path, &str)],
    problems: &mut Vec<RuleProblem>,
) -> (Vec<PatternRule>, HashMap<String, Cue>, Overlaps) {
    // Merged by name and id, later layers winning: (pattern, file, line) of each cue, and
    // (spec, file, line) of each rule, in the order rules were first defined.
    let mut macros: BTreeMap<String, String> = BTreeMap::new();
    let mut cue_specs: BTreeMap<String, (String, &Path, usize)> = BTreeMap::new();
    let mut specs: Vec<(PatternSpec, &Path, usize)> = Vec::new();
    let mut unreadable = false;
    // `[overlaps]` key by key, later layers winning; the file that set `priority`, for its
    // errors.
    let mut raw = RawOverlaps::default();
    let mut priority_in: (&Path, &str) = (Path::new("patterns.toml"), "");
    for &(path, body) in layers {
        let file: PatternFile = match toml::from_str(body) {
            Ok(f) => f,
            Err(e) => {
                let (line, column) = e.span().map_or((0, 0), |s| line_col(body, s.start));
                problems.push(RuleProblem {
                    path: path.to_path_buf(),
                    line,
                    column,
                    rule: None,
                    message: e.message().to_string(),
                });
                unreadable = true;
                continue;
            }
        };
        macros.extend(file.macros);
        let o = file.overlaps;
        raw.person = o.person.or(raw.person);
        raw.company = o.company.or(raw.company);
        raw.project = o.project.or(raw.project);
        raw.event = o.event.or(raw.event);
        if o.priority.is_some() {
            raw.priority = o.priority;
            priority_in = (path, body);
        }
        for (name, pattern) in file.cues {
            let line = body
                .lines()
                .position(|l| l.trim_start().starts_with(name.as_str()))
                .map_or(0, |i| i + 1);
            cue_specs.insert(name, (pattern, path, line));
        }
        // Each id with the line of its first rule and how many rules of this file used it.
        let mut ids: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for spec in file.rule {
            let nth = ids.get(&spec.id).map_or(0, |&(_, n)| n);
            let line = rule_line(body, &spec.id, nth);
            if spec.id.trim().is_empty() {
                problems.push(RuleProblem {
                    path: path.to_path_buf(),
                    line,
                    column: 1,
                    rule: None,
                    message:
                        "empty rule id: give every rule an id of its own, such as `en.works_at.at`"
                            .into(),
                });
                continue;
            }
            let (first, uses) = ids.entry(spec.id.clone()).or_insert((line, 0));
            *uses += 1;
            if *uses > 1 {
                let first = *first;
                problems.push(RuleProblem {
                    path: path.to_path_buf(),
                    line,
                    column: 1,
                    rule: Some(spec.id.clone()),
                    message: format!(
                        "duplicate rule id: the rule at line {first} has it too; give every rule an id of its own"
                    ),
                });
                continue;
            }
            // An earlier layer's rule of this id is replaced where it stood.
            match specs.iter().position(|(s, _, _)| s.id == spec.id) {
                Some(i) => specs[i] = (spec, path, line),
                None => specs.push((spec, path, line)),
            }
        }
    }
    if unreadable {
        return (Vec::new(), HashMap::default(), Overlaps::default());
    }
    let last = layers.last().map_or(Path::new("patterns.toml"), |l| l.0);
    let mut cues = HashMap::default();
    for (name, (pattern, path, line)) in &cue_specs {
        match expand(pattern, &macros).and_then(|p| Regex::new(&p).map_err(|e| e.to_string())) {
            Ok(r) => {
                cues.insert(name.clone(), Cue::new(r));
            }
            Err(message) => problems.push(RuleProblem {
                path: path.to_path_buf(),
                line: *line,
                column: 1,
                rule: Some(format!("cues.{name}")),
                message,
            }),
        }
    }
    for required in [
        "talk_word",
        "scope_break",
        "keynote",
        "workshop",
        "see_title",
        "titled",
        "talk_line",
        "event_word",
    ] {
        if !cues.contains_key(required)
            && !problems
                .iter()
                .any(|p| p.rule.as_deref() == Some(&format!("cues.{required}")))
        {
            problems.push(RuleProblem {
                path: last.to_path_buf(),
                line: 1,
                column: 1,
                rule: None,
                message: format!("missing cue `{required}` in [cues]"),
            });
        }
    }
    let mut out = Vec::new();
    for (spec, path, line) in specs {
        let mut fail = |message: String| {
            problems.push(RuleProblem {
                path: path.to_path_buf(),
                line,
                column: 1,
                rule: Some(spec.id.clone()),
                message,
            })
        };
        let _ = (&spec.lang, &spec.note);
        let relation = match spec.relation.as_deref().map(|r| (r, Relation::parse(r))) {
            None => None,
            Some((_, Some(r))) => Some(r),
            Some((r, None)) => {
                fail(format!(
                    "unknown relation `{r}` (works_at, presents, mentions, part_of, develops)"
                ));
                continue;
            }
        };
        let entity = match spec.entity.as_deref().map(|k| (k, Kind::parse(k))) {
            None => None,
            Some((_, Some(k))) => Some(k),
            Some((k, None)) => {
                fail(format!(
                    "unknown entity type `{k}` (person, company, project, talk, event)"
                ));
                continue;
            }
        };
        if relation.is_none() && entity.is_none() {
            fail("a rule needs `relation` or `entity`".into());
            continue;
        }
        if relation.is_some() && entity.is_some() {
            fail("a rule has `relation` or `entity`, not both: a relation rule finds edges, an entity rule nodes; make it two rules".into());
            continue;
        }
        if !(0.0..=1.0).contains(&spec.confidence) {
            fail(format!("confidence {} is not within 0..1", spec.confidence));
            continue;
        }
        let scope = match spec.scope.as_deref() {
            None | Some("sentence") => Scope::Sentence,
            Some("line") => Scope::Line,
            Some("item") => Scope::Item,
            Some("paragraph") => Scope::Paragraph,
            Some(s) => {
                fail(format!(
                    "unknown scope `{s}` (sentence, line, item, paragraph)"
                ));
                continue;
            }
        };
        let compiled = expand(&spec.pattern, &macros).and_then(|p| {
            let regex = regex_of(&p)?;
            let hir = regex_syntax::ParserBuilder::new()
                .build()
                .parse(&p)
                .map_err(|e| e.to_string())?;
            let prefilter = Prefilter::of_hir(&hir)?;
            let windows = Windows::new(&hir, &prefilter.relaxed);
            Ok((p, regex, prefilter, windows))
        });
        let (pattern, regex, prefilter, windows) = match compiled {
            Ok(r) => r,
            Err(e) => {
                fail(format!("bad pattern: {e}"));
                continue;
            }
        };
        let names: Vec<Option<&str>> = regex
            .group_info()
            .pattern_names(regex_automata::PatternID::ZERO)
            .collect();
        let needs: &[&str] = match (relation, entity) {
            (Some(Relation::Presents), _) => &["subj"],
            (Some(_), _) => &["subj", "obj"],
            (None, _) => &["ent"],
        };
        if let Some(missing) = needs.iter().find(|n| {
            !(names.contains(&Some(**n)) || **n == "obj" && names.contains(&Some("talk")))
        }) {
            fail(format!("pattern needs a named group `(?P<{missing}>…)`"));
            continue;
        }
        for ex in &spec.examples {
            if !regex.is_match(ex) {
                fail(format!("example does not match its pattern: {ex:?}"));
            }
        }
        let groups = GROUPS.map(|g| names.iter().position(|n| *n == Some(g)));
        out.push(PatternRule {
            id: spec.id,
            relation,
            entity,
            confidence: spec.confidence,
            scope,
            loose: loose_variants(&pattern),
            windows,
            groups,
            pattern,
            regex,
            prefilter,
            source: path.display().to_string(),
        });
    }
    let overlaps = compile_overlaps(priority_in.0, priority_in.1, raw, problems);
    (out, cues, overlaps)
}

/// `[overlaps]` with its defaults; an unknown type in `priority` is a problem at its line.
fn compile_overlaps(
    path: &Path,
    body: &str,
    raw: RawOverlaps,
    problems: &mut Vec<RuleProblem>,
) -> Overlaps {
    let d = Overlaps::default();
    let priority = match raw.priority {
        None => d.priority,
        Some(names) => {
            let mut kinds = Vec::new();
            for n in names {
                match Kind::parse(&n).filter(|k| *k != Kind::Talk) {
                    Some(k) if !kinds.contains(&k) => kinds.push(k),
                    Some(_) => {}
                    None => {
                        let line = body
                            .lines()
                            .position(|l| l.trim_start().starts_with("priority"))
                            .map_or(0, |i| i + 1);
                        problems.push(RuleProblem {
                            path: path.to_path_buf(),
                            line,
                            column: 1,
                            rule: Some("overlaps.priority".into()),
                            message: format!(
                                "unknown entity type `{n}` in priority: write person, company, project or event"
                            ),
                        });
                    }
                }
            }
            kinds
        }
    };
    Overlaps {
        person: raw.person.unwrap_or(d.person),
        company: raw.company.unwrap_or(d.company),
        project: raw.project.unwrap_or(d.project),
        event: raw.event.unwrap_or(d.event),
        priority,
    }
}

impl Rules {
    /// These rules without the pattern rule `id` (the same rules if there is none): what
    /// `rules test` compares with to tell what an entity rule adds to its example.
    pub fn without_pattern(&self, id: &str) -> Rules {
        let patterns: Vec<PatternRule> = self
            .patterns
            .iter()
            .filter(|r| r.id != id)
            .cloned()
            .collect();
        Rules {
            entries: self.entries.clone(),
            aliases: self.aliases.clone(),
            automaton: self.automaton.clone(),
            places: self.places.clone(),
            first_names: self.first_names.clone(),
            particles: self.particles.clone(),
            honorifics: self.honorifics.clone(),
            not_names: self.not_names.clone(),
            org_words: self.org_words.clone(),
            role_words: self.role_words.clone(),
            section_words: self.section_words.clone(),
            products: self.products.clone(),
            relaxed_sets: relaxed_sets(&patterns),
            patterns,
            cues: self.cues.clone(),
            overlaps: self.overlaps.clone(),
            origin: self.origin.clone(),
            fingerprint: self.fingerprint.clone(),
        }
    }

    /// A cue regex by name (always present: compile checks the required ones).
    pub fn cue(&self, name: &str) -> Option<&Cue> {
        self.cues.get(name)
    }

    /// A short summary for `rules check`.
    pub fn summary(&self) -> String {
        let count = |k: Kind| self.entries.iter().filter(|e| e.kind == k).count();
        format!(
            "{}: ok: {} companies, {} projects, {} event series, {} aliases, {} first names, {} patterns",
            self.origin,
            count(Kind::Company),
            count(Kind::Project),
            count(Kind::Event),
            self.aliases.len(),
            self.first_names.len(),
            self.patterns.len()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlap_policies_say_when_the_longer_name_wins() {
        use OverlapPolicy::*;
        let mut o = Overlaps::default();
        assert!(o.wins(Kind::Person, false, Kind::Project));
        o.person = Gazetteer;
        assert!(!o.wins(Kind::Person, false, Kind::Project));
        assert!(o.wins(Kind::Person, true, Kind::Project));
        o.company = Priority;
        o.priority = vec![Kind::Project, Kind::Company];
        assert!(!o.wins(Kind::Company, true, Kind::Project));
        assert!(o.wins(Kind::Company, true, Kind::Company));
        assert_eq!(
            o.reason(Kind::Company, true, Kind::Project),
            "company = \"priority\": project comes first in `priority`"
        );
        // A type left out of `priority` comes last.
        assert!(!o.wins(Kind::Company, false, Kind::Project));
        o.priority = vec![Kind::Company];
        assert!(o.wins(Kind::Company, false, Kind::Project));
    }

    #[test]
    fn embedded_rules_compile_with_their_examples() {
        let rules = default_rules().unwrap_or_else(|e| panic!("{e}"));
        assert!(
            rules
                .entries
                .iter()
                .filter(|e| e.kind == Kind::Company)
                .count()
                >= 300
        );
        assert!(
            rules
                .entries
                .iter()
                .filter(|e| e.kind == Kind::Project)
                .count()
                >= 300
        );
        assert!(rules.patterns.len() >= 20);
    }

    #[test]
    fn macros_expand_but_unicode_classes_stay() {
        let macros: BTreeMap<String, String> = [
            ("P".to_string(), "⟦P\\d+⟧".to_string()),
            ("PL".to_string(), "{P}(?:,{P})*".to_string()),
        ]
        .into();
        assert_eq!(
            expand(r"\p{L}{PL}\P{Lu}", &macros).unwrap(),
            r"\p{L}(?:(?:⟦P\d+⟧)(?:,(?:⟦P\d+⟧))*)\P{Lu}"
        );
        assert!(
            expand("{NOPE}", &macros)
                .unwrap_err()
                .contains("unknown macro {NOPE}")
        );
    }

    #[test]
    fn a_company_listed_again_in_projects_is_its_namesake_product() {
        let with = |companies: &str, projects: &str| {
            let files: Vec<(PathBuf, String)> = EMBEDDED
                .iter()
                .map(|(name, text)| {
                    let text = match *name {
                        "companies.txt" => companies,
                        "projects.txt" => projects,
                        _ => text,
                    };
                    (PathBuf::from(name), text.to_string())
                })
                .collect();
            compile(&files, "test")
        };
        let rules = with("Zorp | Zorp Inc\n", "Zorp | zorp\nQuill\n").expect("compiles");
        assert!(rules.products.contains("zorp"));
        // One entity, the organisation's, that the product's spellings also name.
        let zorp: Vec<&Entry> = rules
            .entries
            .iter()
            .filter(|e| e.canonical == "Zorp")
            .collect();
        assert_eq!(zorp.len(), 1);
        assert_eq!(zorp[0].kind, Kind::Company);
        assert!(zorp[0].aliases.iter().any(|a| a == "zorp"));
        // Listed twice in one file, or a project first, is still a mistake.
        assert!(with("Zorp\nZorp\n", "Quill\n").is_err());
        assert!(with("Quill\n", "Zorp\nZorp\n").is_err());
    }

    #[test]
    fn a_later_layer_replaces_entries_and_rules_of_the_same_name() {
        let mut files = embedded_files();
        files.push((
            PathBuf::from("mine/companies.txt"),
            "Shopify | Shoppy\nZorblax Industries\n".into(),
        ));
        files.push((
            PathBuf::from("mine/patterns.toml"),
            "[[rule]]\nid = \"fr.works_at.de_chez\"\nrelation = \"works_at\"\npattern = '(?P<subj>{PX}) zzqx (?P<obj>{ORG})'\n".into(),
        ));
        let rules = compile(&files, "test").unwrap_or_else(|p| panic!("{p:?}"));
        let default = default_rules().unwrap_or_else(|e| panic!("{e}"));
        // Replaced where it stood, not added.
        assert_eq!(rules.patterns.len(), default.patterns.len());
        let i = default
            .patterns
            .iter()
            .position(|r| r.id == "fr.works_at.de_chez")
            .expect("the embedded rule");
        assert_eq!(rules.patterns[i].id, "fr.works_at.de_chez");
        assert!(rules.patterns[i].pattern.contains("zzqx"));
        assert_eq!(rules.patterns[i].source, "mine/patterns.toml");
        let named = |n: &str| -> Vec<&Entry> {
            rules.entries.iter().filter(|e| e.canonical == n).collect()
        };
        assert_eq!(named("Shopify").len(), 1);
        assert_eq!(named("Shopify")[0].aliases, ["Shoppy"]);
        assert_eq!(named("Zorblax Industries").len(), 1);
        assert_eq!(rules.entries.len(), default.entries.len() + 1);
        assert_ne!(rules.fingerprint, default.fingerprint);
    }

    #[test]
    fn texts_compile_as_a_folder_would() {
        let cues = "[cues]\nevent_word = 'Meetup'\nkeynote = 'keynote'\nscope_break = 'lunch'\nsee_title = 'see'\ntalk_line = 'Talk'\ntalk_word = 'talk'\ntitled = 'titled'\nworkshop = 'workshop'\n";
        let rules = compile_texts(&[("companies.txt", "Qorp | QORP\n"), ("patterns.toml", cues)])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(rules.entries.len(), 1);
        assert_eq!(rules.entries[0].canonical, "Qorp");
        assert_eq!(rules.origin, "<texts>");
        // The same mistakes as on disk, named by the file.
        let e = compile_texts(&[("projects.txt", "A |\n"), ("patterns.toml", cues)]).unwrap_err();
        assert!(
            e.to_string().contains("projects.txt:1:4: empty name"),
            "{e}"
        );
    }

    #[test]
    fn alias_casing_rules() {
        assert_eq!(case_rule("cert-manager"), CaseRule::Any);
        assert_eq!(case_rule("CNCF"), CaseRule::Exact);
        assert_eq!(case_rule("OVHcloud"), CaseRule::FirstLetter);
        assert_eq!(case_rule("K"), CaseRule::FirstLetter);
    }
}

#[cfg(test)]
mod prefilter_tests {
    use super::*;

    /// Every group of every match, by index.
    fn groups_exact(re: &Regex, text: &str) -> Vec<Vec<Option<(usize, usize)>>> {
        re.captures_iter(text)
            .map(|c| c.iter().map(|g| g.map(|g| (g.start(), g.end()))).collect())
            .collect()
    }

    fn groups_loose(
        re: &regex_automata::meta::Regex,
        text: &str,
    ) -> Vec<Vec<Option<(usize, usize)>>> {
        re.captures_iter(text)
            .map(|c| {
                (0..c.group_len())
                    .map(|i| c.get_group(i).map(|g| (g.start, g.end)))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn loose_variants_capture_like_the_rule_on_short_texts() {
        let rules = default_rules().unwrap_or_else(|e| panic!("{e}"));
        assert!(rules.patterns.iter().any(|r| !r.loose.is_empty()));
        let texts = [
            "⟦P1⟧, ingénieure plateforme chez ⟦C2⟧",
            "⟦P1⟧ (⟦C2⟧) a présenté ⟦T3⟧ devant une salle comble",
            "⟦P1⟧ from ⟦C2⟧ presented ⟦T3⟧ and then ⟦P4⟧ of ⟦C5⟧ spoke",
            "10:30 - Scaling Things at Home - ⟦P1⟧, ⟦C2⟧",
            "⟦J1⟧, développé par ⟦C2⟧, est un projet ⟦X3⟧",
        ];
        for rule in &rules.patterns {
            for loose in &rule.loose {
                for text in texts {
                    let text = text.chars().take(loose.max_chars).collect::<String>();
                    assert_eq!(
                        groups_loose(&loose.regex, &text),
                        groups_exact(&Regex::new(&rule.pattern).expect("regex"), &text),
                        "{} ({} chars) on {text:?}",
                        rule.id,
                        loose.max_chars
                    );
                }
            }
        }
    }

    #[test]
    fn a_bound_the_text_can_reach_is_kept() {
        let loose = loose_variants(r"a(?P<x>b{0,60})");
        assert_eq!(loose.len(), 1);
        let long = format!("a{}", "b".repeat(70));
        let exact = Regex::new(r"a(?P<x>b{0,60})").expect("regex");
        // Past its limit the loose regex differs: that is why it is only used within it.
        assert_ne!(
            groups_loose(&loose[0].regex, &long),
            groups_exact(&exact, &long)
        );
        let short = format!("a{}", "b".repeat(50));
        assert_eq!(
            groups_loose(&loose[0].regex, &short),
            groups_exact(&exact, &short)
        );
    }

    #[test]
    fn windows_find_the_matches_the_regex_crate_finds() {
        let rules = default_rules().unwrap_or_else(|e| panic!("{e}"));
        assert!(rules.patterns.iter().all(|r| r.windows.is_some()));
        let mut texts: Vec<String> = [
            "⟦P1⟧, ingénieure plateforme chez ⟦C2⟧, et ⟦P3⟧, CTO chez ⟦C4⟧",
            "⟦P1⟧ (⟦C2⟧) a présenté ⟦T3⟧ devant une salle comble",
            "⟦P1⟧ from ⟦C2⟧ presented ⟦T3⟧ and then ⟦P4⟧ of ⟦C5⟧ spoke",
            "10:30 - Scaling Things at Home - ⟦P1⟧, ⟦C2⟧",
            "⟦J1⟧, développé par ⟦C2⟧, est un projet ⟦X3⟧ écrit en ⟦J4⟧",
            "Ensuite, ⟦P1⟧ de chez ⟦X2⟧ nous a montré ⟦J3⟧; ⟦P4⟧ d’⟦C5⟧ aussi",
            "étéet ⟦P1⟧ et ⟦P2⟧ de ⟦C3⟧éet ⟦X4⟧ and ⟦X5⟧ at ⟦X6⟧",
        ]
        .map(String::from)
        .to_vec();
        let file: PatternFile = toml::from_str(EMBEDDED[11].1).expect("patterns.toml");
        texts.extend(file.rule.into_iter().flat_map(|r| r.examples));
        texts.extend(fixture_lines());
        // Matches and windows on either side of the loose variants' limits (60 to 200).
        for n in [8, 11, 12, 13, 20, 29, 30, 31, 38, 39, 40, 41, 50] {
            let words = "mot ".repeat(n);
            texts.push(format!("⟦P1⟧ (⟦C2⟧ {words}) {words}a présenté ⟦T3⟧"));
            texts.push(format!(
                "⟦P1⟧ {words}and ⟦P2⟧ {words}walked us through ⟦T3⟧"
            ));
            texts.push(format!("- ⟦T1⟧ {words}by ⟦P2⟧ (⟦C3⟧ {words})"));
        }
        for rule in &rules.patterns {
            let reference = Regex::new(&rule.pattern).expect("regex");
            let windows = rule.windows.as_ref().expect("windows");
            for text in &texts {
                let exact = groups_exact(&reference, text);
                for loose in [&rule.loose[..], &[]] {
                    let mut caps = rule.regex.create_captures();
                    let mut found = Vec::new();
                    windows.captures(&rule.regex, loose, text, &mut caps, |c| {
                        found.push(
                            (0..c.group_len())
                                .map(|i| c.get_group(i).map(|g| (g.start, g.end)))
                                .collect::<Vec<_>>(),
                        )
                    });
                    assert_eq!(found, exact, "{} on {text:?}", rule.id);
                }
                assert_eq!(
                    windows.is_match(&rule.regex, text),
                    reference.is_match(text),
                    "{} on {text:?}",
                    rule.id
                );
            }
        }
    }

    #[test]
    fn windows_whose_lazy_dfa_gives_up_still_find_every_match() {
        use regex_automata::{Anchored, Input, hybrid::dfa::Config};
        let rules = default_rules().unwrap_or_else(|e| panic!("{e}"));
        let texts = fixture_lines();
        let mut gave_up = 0;
        for rule in &rules.patterns {
            let hir = regex_syntax::ParserBuilder::new()
                .build()
                .parse(&rule.pattern)
                .expect("pattern");
            // The smallest cache, and giving up the first time it fills.
            let config = Config::new()
                .cache_capacity(0)
                .minimum_cache_clear_count(Some(0));
            let windows =
                Windows::with_dfa(&hir, &rule.prefilter.relaxed, config).expect("windows");
            let reference = Regex::new(&rule.pattern).expect("regex");
            for text in &texts {
                let input = Input::new(text).anchored(Anchored::Yes);
                gave_up += usize::from(windows.longest.search_half(&input).is_err());
                let mut caps = rule.regex.create_captures();
                let mut found = Vec::new();
                windows.captures(&rule.regex, &rule.loose, text, &mut caps, |c| {
                    found.push(
                        (0..c.group_len())
                            .map(|i| c.get_group(i).map(|g| (g.start, g.end)))
                            .collect::<Vec<_>>(),
                    )
                });
                assert_eq!(
                    found,
                    groups_exact(&reference, text),
                    "{} on {text:?}",
                    rule.id
                );
            }
        }
        assert!(gave_up > 0, "the fallback was not exercised");
    }

    /// Every line of the fixtures, and each pair of consecutive lines.
    fn fixture_lines() -> Vec<String> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).expect("fixtures") {
            let text = std::fs::read_to_string(entry.expect("entry").path()).unwrap_or_default();
            let lines: Vec<&str> = text.lines().collect();
            out.extend(lines.iter().map(|l| l.to_string()));
            out.extend(lines.windows(2).map(|w| w.join("\n")));
        }
        out
    }

    #[test]
    fn windowed_cues_agree_with_their_regex() {
        let rules = default_rules().unwrap_or_else(|e| panic!("{e}"));
        assert!(rules.cues.values().any(|c| c.windowed.is_some()));
        let mut texts = fixture_lines();
        texts.extend(
            [
                "un talk génial",
                "talking",
                "étalk",
                "talké",
                "le talk",
                "a clôturé",
                "a clôturéx",
                "nous a présentéé",
                "Keynotes",
                "Sponsors: ⟦C1⟧",
            ]
            .map(String::from),
        );
        for (name, cue) in &rules.cues {
            for text in &texts {
                assert_eq!(
                    cue.is_match(text),
                    cue.regex.is_match(text),
                    "{name} on {text:?}"
                );
            }
        }
    }

    #[test]
    fn cues_anchored_to_the_text_edges_are_not_local() {
        let rules = default_rules().unwrap_or_else(|e| panic!("{e}"));
        let cue = |name: &str| rules.cue(name).expect("cue");
        assert!(cue("scope_break").is_local() && cue("talk_word").is_local());
        assert!(!cue("talk_line").is_local() && !cue("event_word").is_local());
    }

    #[test]
    fn token_needs_are_read_off_the_pattern() {
        let needs = |p: &str| Prefilter::new(p).expect("prefilter").needs;
        let (p, c, x, t) = (
            token_bit('P'),
            token_bit('C'),
            token_bit('X'),
            token_bit('T'),
        );
        assert_eq!(
            needs(r"(?P<subj>⟦[PX]\d+⟧)\s+de\s+(?P<obj>⟦[CX]\d+⟧)"),
            [p | x, c | x]
        );
        assert_eq!(needs(r"⟦P\d+⟧|⟦T\d+⟧"), [p | t]);
        assert_eq!(needs(r"(?:⟦P\d+⟧)?chez"), Vec::<u8>::new());
        assert_eq!(needs(r"by\s+(?P<subj>.+)"), Vec::<u8>::new());
    }

    #[test]
    fn dropping_word_boundaries_only_widens() {
        let f = Prefilter::new(r"\bchez\s+⟦C\d+⟧").expect("prefilter");
        let cue = Cue::new(Regex::new(r"(?i)\btalk\b").unwrap());
        assert!(cue.relaxed.is_some());
        assert!(cue.is_match("un talk génial") && !cue.is_match("talking"));
        assert_eq!(cue.find_iter("talks, talk").count(), 1);
        assert_eq!(cue.find_iter("rien").count(), 0);
        assert!(f.may_match("bosse chez ⟦C1⟧", token_bit('C'), false));
        assert!(f.may_match("bossechez ⟦C1⟧", token_bit('C'), false));
        assert!(!f.may_match("bosse chez ⟦P1⟧", token_bit('P'), false));
        assert!(!f.may_match("bosse à ⟦C1⟧", token_bit('C'), false));
    }

    #[test]
    fn relaxed_sets_report_exactly_the_rules_whose_relaxed_regex_matches() {
        let rules = default_rules().unwrap_or_else(|e| panic!("{e}"));
        let texts = [
            "⟦P1⟧, Staff Engineer chez ⟦C2⟧, a introduit ⟦T3⟧",
            "⟦P1⟧ & ⟦P2⟧ de ⟦C3⟧ ont fait un REX sur ⟦J4⟧",
            "Talk by ⟦P1⟧ (⟦C2⟧): ⟦J3⟧ was created by ⟦X4⟧.",
            "  10:30 - Scaling Kafka - ⟦P1⟧, ⟦C2⟧",
            "| Un titre ici | ⟦P1⟧ |",
            "Merci à ⟦X1⟧ pour l'accueil, the ⟦X2⟧ project",
            "rien à voir",
            "",
        ];
        let mut set = regex_automata::PatternSet::new(rules.patterns.len());
        let mut ends = vec![0; rules.patterns.len()];
        for text in texts {
            for piece in [Scope::Sentence, Scope::Line, Scope::Item, Scope::Paragraph] {
                rules.relaxed_matches(scope_group(piece), text, &mut set, &mut ends);
                for (i, r) in rules.patterns.iter().enumerate() {
                    // The group holds the rules of every scope it stands for; the caller
                    // keeps those that run on the piece.
                    if !runs_on(r.scope, piece) {
                        continue;
                    }
                    let expected = r.prefilter.relaxed.is_match(text);
                    assert_eq!(
                        set.contains(regex_automata::PatternID::must(i)),
                        expected,
                        "{} on {text:?}",
                        r.id
                    );
                    if expected {
                        assert!(ends[i] <= text.len());
                        let furthest = furthest_relaxed_end(r, text);
                        assert_eq!(ends[i], furthest, "{} on {text:?}", r.id);
                    }
                }
            }
        }
    }

    /// The end of the furthest match of a rule's relaxed regex in `text`, from any start:
    /// each start's longest match, by the PikeVM (not the lazy DFA the sets run on).
    fn furthest_relaxed_end(rule: &PatternRule, text: &str) -> usize {
        use regex_automata::{Anchored, Input, MatchKind, nfa::thompson::pikevm::PikeVM};
        let hir = regex_syntax::ParserBuilder::new()
            .build()
            .parse(&rule.pattern)
            .expect("pattern");
        let nfa = regex_automata::nfa::thompson::Compiler::new()
            .build_from_hir(&widened(&hir))
            .expect("nfa");
        let vm = PikeVM::builder()
            .configure(PikeVM::config().match_kind(MatchKind::All))
            .build_from_nfa(nfa)
            .expect("pikevm");
        let mut cache = vm.create_cache();
        (0..=text.len())
            .filter_map(|s| {
                let input = Input::new(text).range(s..).anchored(Anchored::Yes);
                vm.find(&mut cache, input).map(|m| m.end())
            })
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn windows_bounded_by_the_relaxed_ends_find_every_match() {
        let rules = default_rules().unwrap_or_else(|e| panic!("{e}"));
        let mut texts = fixture_lines();
        texts.extend(
            [
                "⟦P1⟧, ingénieure plateforme chez ⟦C2⟧, et ⟦P3⟧, CTO chez ⟦C4⟧",
                "⟦P1⟧ from ⟦C2⟧ presented ⟦T3⟧ and then ⟦P4⟧ of ⟦C5⟧ spoke",
                "étéet ⟦P1⟧ et ⟦P2⟧ de ⟦C3⟧éet ⟦X4⟧ and ⟦X5⟧ at ⟦X6⟧",
            ]
            .map(String::from),
        );
        let mut set = regex_automata::PatternSet::new(rules.patterns.len());
        let mut ends = vec![0; rules.patterns.len()];
        let references: Vec<Regex> = rules
            .patterns
            .iter()
            .map(|r| Regex::new(&r.pattern).expect("regex"))
            .collect();
        for text in &texts {
            for piece in [Scope::Sentence, Scope::Line, Scope::Paragraph] {
                rules.relaxed_matches(scope_group(piece), text, &mut set, &mut ends);
                for (i, r) in rules.patterns.iter().enumerate() {
                    if !runs_on(r.scope, piece) {
                        continue;
                    }
                    let exact = groups_exact(&references[i], text);
                    if !set.contains(regex_automata::PatternID::must(i)) {
                        assert!(exact.is_empty(), "{} on {text:?}", r.id);
                        continue;
                    }
                    let mut caps = r.regex.create_captures();
                    let mut found = Vec::new();
                    let windows = r.windows.as_ref().expect("windows");
                    windows.captures_within(&r.regex, &r.loose, text, ends[i], &mut caps, |c| {
                        found.push(
                            (0..c.group_len())
                                .map(|i| c.get_group(i).map(|g| (g.start, g.end)))
                                .collect::<Vec<_>>(),
                        )
                    });
                    assert_eq!(found, exact, "{} on {text:?}", r.id);
                }
            }
        }
    }
}
