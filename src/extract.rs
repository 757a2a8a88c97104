//! Finding entities and relation facts in one document: gazetteers, name shapes, document
//! structure and the pattern rules, run over a "masked" copy of each sentence where every
//! entity is a token like `⟦P3⟧`. Pure: compiled rules and text in, facts out; no I/O.

use crate::fold::fold;
use crate::graph::{Kind, Relation};
use crate::read::{self, Document, Layout, LineKind};
use crate::rules::{CaseRule, Rules, Scope};
use once_cell::sync::Lazy;
use regex::Regex;
use regex_automata::PatternID;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use words::elision_len;

mod words;

/// Lower-cases and strips accents of `s` into `out`, recording for every output byte the
/// input byte it came from (`map`), so automaton hits on folded text map back to the source.
pub fn fold_into(s: &str, out: &mut String, map: &mut Vec<u32>) {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Most text is runs of ASCII: copied and lower-cased in bulk, mapped as a range.
        let run = bytes[i..].iter().take_while(|b| b.is_ascii()).count();
        if run > 0 {
            let at = out.len();
            out.push_str(&s[i..i + run]);
            out[at..].make_ascii_lowercase();
            map.extend(i as u32..(i + run) as u32);
            i += run;
            continue;
        }
        let c = s[i..].chars().next().expect("on a char boundary");
        let at = out.len();
        crate::fold::gazetteer_fold_char(c, out);
        map.extend(std::iter::repeat_n(i as u32, out.len() - at));
        i += c.len_utf8();
    }
}

/// Where something was seen in a document: a [`crate::model::Span`] without its source,
/// which is the [`Facts`]' own. The text is shared: every fact on a line may quote the
/// same line, and a copy of it (and of the source name) per fact was much of what making
/// and dropping facts cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactSpan {
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub text: Arc<str>,
}

/// An entity as found in a document.
#[derive(Debug, Clone)]
pub struct EntityFact {
    pub kind: Kind,
    pub label: String,
    pub aliases: Vec<String>,
    pub attributes: Vec<(String, String)>,
    pub mentions: Vec<FactSpan>,
}

/// A relation as found in a document.
#[derive(Debug, Clone)]
pub struct RelationFact {
    pub from: (Kind, String),
    pub relation: Relation,
    pub to: (Kind, String),
    /// Most rule ids are constants of the extractor, borrowed rather than copied per fact.
    pub rule: Cow<'static, str>,
    pub confidence: f64,
    pub evidence: FactSpan,
}

/// Everything one document yields.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub source: String,
    /// What the document says about itself (front matter, an HTML page's head).
    pub document: crate::model::DocumentMeta,
    pub entities: Vec<EntityFact>,
    pub relations: Vec<RelationFact>,
}

impl Facts {
    /// Moves every span through `f` (decoded text offsets to file offsets).
    pub fn map_offsets(&mut self, f: impl Fn(usize) -> usize) {
        let spans = self
            .entities
            .iter_mut()
            .flat_map(|e| e.mentions.iter_mut())
            .chain(self.relations.iter_mut().map(|r| &mut r.evidence));
        for s in spans {
            s.start = f(s.start);
            s.end = f(s.end);
        }
    }
}

/// Token classes in masked text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Person,
    Company,
    Project,
    Event,
    Talk,
    /// A capitalised run nobody has claimed yet; rules may promote it.
    Unknown,
}

impl Class {
    fn letter(self) -> char {
        match self {
            Class::Person => 'P',
            Class::Company => 'C',
            Class::Project => 'J',
            Class::Event => 'E',
            Class::Talk => 'T',
            Class::Unknown => 'X',
        }
    }

    fn kind(self) -> Option<Kind> {
        match self {
            Class::Person => Some(Kind::Person),
            Class::Company => Some(Kind::Company),
            Class::Project => Some(Kind::Project),
            Class::Event => Some(Kind::Event),
            Class::Talk => Some(Kind::Talk),
            Class::Unknown => None,
        }
    }
}

/// One entity occurrence.
#[derive(Debug, Clone)]
struct Tok {
    class: Class,
    start: usize,
    end: usize,
    line: usize,
    /// Canonical label (gazetteer canonical, person full name, title…).
    label: String,
    aliases: Vec<String>,
    /// Unknown runs only: the run has the shape of a person's name.
    person_shape: bool,
    /// Whether this token is inside a talk title (then it is not masked on its own).
    nested: bool,
}

impl Tok {
    /// A person, or a capitalised run with a name's shape that a rule may make one.
    fn may_be_person(&self) -> bool {
        self.class == Class::Person || self.class == Class::Unknown && self.person_shape
    }
}

static GITHUB: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?:https?://)?(?:www\.)?github\.com/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+[A-Za-z0-9_-])",
    )
    .expect("github regex")
});
static NICKNAME: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(\p{Lu}[\p{Ll}\p{M}]+(?:-\p{Lu}[\p{Ll}\p{M}]+)?)\s+[(“\x22]\s*(\p{Lu}[\p{Ll}\p{M}]+)\s*[)”\x22]\s+(\p{Lu}[\p{L}\p{M}'’-]+(?:\s+\p{Lu}[\p{L}\p{M}'’-]+)?)")
        .expect("nickname regex")
});
static YEAR: Lazy<Regex> = Lazy::new(|| Regex::new(r"^(?:19|20)\d\d$").expect("year regex"));
static QUOTED: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r#"[“"«]\s*([^“”"«»\n]{3,200}?(?:\n[^“”"«»\n]{1,200}?)?)\s*[”"»]|(?:^|[\s(])['‘]([^'‘’\n]{3,200}?(?:\n[^'‘’\n]{1,200}?)?)['’](?:[\s,.;:)!?]|$)"#)
        .expect("quote regex")
});
/// What joins a quoted title to its presenter: `» par le duo`, `", presented by`.
static BY_PRESENTER: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r#"^\s*[”"»’']?\s*,?\s*(?i:(?:presented|given|delivered|présentée?|donnée?|animée?|proposée?)\s+)?(?i:by|par)\s+(?i:(?:le|la|les|the|our|notre|nos)\s+(?:duo|trio|binôme|speakers?|speakeuses?|intervenant(?:e|s|es)?|team|équipe)\s+)?"#)
        .expect("presenter regex")
});
static MASK_TOKEN: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"⟦([PCJETX])(\d+)⟧").expect("mask regex"));

/// Whether a capitalised run is a job title ("Responsable Devops", "Mobile Tech Lead"):
/// every word a role word, or a title's head word at either end. Such a run in an
/// organisation's place (`Ana (Mobile Tech Lead)`) says what the person does, not where.
fn is_job_title(label: &str, role_words: &rustc_hash::FxHashSet<String>) -> bool {
    // Called for every candidate organisation: no list of words is built.
    let mut words = words::words(label).map(|w| fold(w.as_str()));
    let Some(first) = words.next() else {
        return false;
    };
    if is_title_head(&first) {
        return true;
    }
    let mut all_roles = role_words.contains(&first);
    let mut last = None;
    for w in words {
        all_roles &= role_words.contains(&w);
        last = Some(w);
    }
    all_roles || last.is_some_and(|w| is_title_head(&w))
}

/// Folded words a job title is named after ("Tech Lead", "Senior Architect").
fn is_title_head(w: &str) -> bool {
    const HEADS: &[&str] = &[
        "lead",
        "engineer",
        "manager",
        "developer",
        "developpeur",
        "developpeuse",
        "architect",
        "architecte",
        "director",
        "directeur",
        "directrice",
        "officer",
        "cto",
        "ceo",
        "cio",
        "vp",
        "consultant",
        "consultante",
        "advocate",
        "evangelist",
        "designer",
        "ingenieur",
        "ingenieure",
        "responsable",
        "chef",
        "head",
        "founder",
        "fondateur",
        "fondatrice",
    ];
    HEADS.contains(&w)
}

/// Titles that stand alone before an organisation's name ("CTO Qorp"); others need a
/// qualifier first ("Tech Lead Qorp", not "Lead Dev London").
const STRONG_TITLES: &[&str] = &[
    "cto",
    "ceo",
    "cio",
    "vp",
    "engineer",
    "architect",
    "architecte",
    "developer",
    "consultant",
    "consultante",
    "manager",
    "ingenieur",
    "ingenieure",
    "developpeur",
    "developpeuse",
];

/// Words that qualify a job title ("Senior", "Tech", "Mobile").
const TITLE_ADJECTIVES: &[&str] = &[
    "tech",
    "technical",
    "senior",
    "staff",
    "principal",
    "lead",
    "software",
    "mobile",
    "backend",
    "frontend",
    "fullstack",
    "cloud",
    "data",
    "platform",
    "solutions",
    "solution",
    "product",
    "engineering",
    "security",
    "devops",
    "qa",
    "test",
    "web",
    "android",
    "ios",
    "java",
];

/// Small closed-class words of English and French titles: neither capitalised nor content.
const FUNCTION_WORDS: &[&str] = &[
    "a", "an", "the", "of", "to", "and", "or", "for", "with", "in", "on", "at", "by", "from", "vs",
    "via", "as", "into", "is", "are", "be", "your", "our", "my", "its", "their", "not", "no", "it",
    "we", "you", "de", "du", "des", "la", "le", "les", "et", "a", "au", "aux", "en", "pour", "sur",
    "avec", "dans", "par", "un", "une", "d", "l", "ou", "sans", "chez", "vers", "entre", "que",
    "qui", "est", "son", "sa", "ses", "nos", "vos",
];

/// French words that end an English title run ("… How to Get Started, mais …").
const FRENCH_STOPS: &[&str] = &[
    "mais", "et", "ou", "car", "donc", "puis", "je", "j", "nous", "vous", "il", "elle", "ils",
    "elles", "on", "qui", "que", "dont", "où", "est", "était", "sont", "avec", "pour", "dans",
    "sur", "par", "chez", "le", "la", "les", "un", "une", "des", "du", "ce", "cette", "ces", "sa",
    "son", "ses", "qu", "si", "pas", "plus", "très", "après", "avant", "en",
];

fn is_function_word(w: &str) -> bool {
    FUNCTION_WORDS.contains(&w.to_lowercase().as_str())
}

/// Whether a line or quoted string reads like a title: mostly capitalised content words,
/// no sentence punctuation inside, none of the symbols code or formulas use.
pub fn title_like(s: &str, min_words: usize) -> bool {
    let t = s.trim();
    if t.is_empty() || t.len() > 160 {
        return false;
    }
    if t.ends_with(['.', ',', ';', ':', '…'])
        || t.contains(". ")
        || t.contains("! ")
        || t.contains("? ")
    {
        return false;
    }
    if t.chars().any(|c| {
        matches!(
            c,
            '=' | '|' | '{' | '}' | '<' | '>' | '#' | '*' | '$' | '\\' | '[' | ']' | '@'
        )
    }) {
        return false;
    }
    let words: Vec<&str> = words::words(t).map(|m| m.as_str()).collect();
    if words.len() < min_words || words.len() > 20 {
        return false;
    }
    let (mut caps, mut lower) = (0usize, 0usize);
    for (i, w) in words.iter().enumerate() {
        let w = &w[elision_len(w)..];
        let first = w.chars().next().unwrap_or(' ');
        if i > 0 && is_function_word(w) {
            continue;
        }
        if first.is_uppercase() || first.is_ascii_digit() {
            caps += 1;
        } else {
            lower += 1;
        }
    }
    let content = caps + lower;
    content > 0
        && caps * 10 >= content * 6
        && lower <= 2.max(content / 4)
        && words[0].chars().next().is_some_and(|c| !c.is_lowercase())
}

/// A heading or a talk-introducing line, with the talk title it proposes (if any).
#[derive(Debug, Clone)]
struct Heading {
    line_index: usize,
    /// Lines covered (a title can wrap onto a second line).
    last_line_index: usize,
    start: usize,
    end: usize,
    text: String,
    level: u8,
    /// The title this heading proposes as a talk, if it can be one.
    talk: Option<String>,
    /// Set by a `Talk N:` style line: a talk without needing confirmation.
    certain: bool,
    /// Index of the unit the heading is.
    unit: usize,
    /// A heading that only names the speakers of the talk heading just above it
    /// ("## Title" then "### Ana Ruiz and Li Wei"): it carries that talk on.
    speakers: bool,
    /// The speakers a heading opens with ("## Ana Ruiz (Qorp) - Title").
    lead: Option<Speakers>,
}

/// A date with its day and year: "September 18 2019", "12 mars 2024", "2024-03-12".
static FULL_DATE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{2}\b|\b\d{1,2}(?:st|nd|rd|th|er)?\s+(?:janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre|january|february|march|april|may|june|july|august|september|october|november|december)\s+(?:19|20)\d{2}\b|\b(?:19|20)\d{2}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/(?:19|20)\d{2}\b")
        .expect("date regex")
});

/// "#6 - Tuesday, November 22nd", "Meetup #12", "N° 3 – 12 mars": a heading that numbers an
/// edition of a series. The number is the first group; what follows the match is the rest.
static EDITION_HEAD: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)^\s*\\?(?:(?:meetup|édition|edition|session|soirée|episode|épisode)\s*)?(?:#|n°|no\.)\s*(\d{1,4})(?:\s*[-–—:,|]\s*|\s*$)")
        .expect("edition heading regex")
});

/// "2019 – Google Cloud Platform On Board": a heading that opens with a year and a dash.
static YEAR_LED: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"^\s*((?:19|20)\d{2})\s*[-–—:]\s*(\S.*?)\s*$").expect("year-led heading regex")
});

/// Whether a title holds nothing but a date: "Tuesday, November 22nd", "mardi 12 mars".
fn date_only(s: &str) -> bool {
    let mut any = false;
    for w in words::words(s) {
        let w = w.as_str().to_lowercase();
        let number = w.trim_end_matches(|c: char| c.is_alphabetic());
        let ordinal = !number.is_empty()
            && number.chars().all(|c| c.is_ascii_digit())
            && matches!(
                &w[number.len()..],
                "" | "st" | "nd" | "rd" | "th" | "er" | "e"
            );
        let named = matches!(
            w.trim_end_matches('.'),
            "monday"
                | "tuesday"
                | "wednesday"
                | "thursday"
                | "friday"
                | "saturday"
                | "sunday"
                | "mon"
                | "tue"
                | "tues"
                | "wed"
                | "thu"
                | "thurs"
                | "fri"
                | "sat"
                | "sun"
                | "lundi"
                | "mardi"
                | "mercredi"
                | "jeudi"
                | "vendredi"
                | "samedi"
                | "dimanche"
                | "january"
                | "february"
                | "march"
                | "april"
                | "may"
                | "june"
                | "july"
                | "august"
                | "september"
                | "october"
                | "november"
                | "december"
                | "jan"
                | "feb"
                | "mar"
                | "apr"
                | "jun"
                | "jul"
                | "aug"
                | "sep"
                | "sept"
                | "oct"
                | "nov"
                | "dec"
                | "janvier"
                | "février"
                | "fevrier"
                | "mars"
                | "avril"
                | "mai"
                | "juin"
                | "juillet"
                | "août"
                | "aout"
                | "septembre"
                | "octobre"
                | "novembre"
                | "décembre"
                | "decembre"
                | "the"
                | "of"
                | "le"
        );
        if !(ordinal || named) {
            return false;
        }
        any |= ordinal || !matches!(w.as_str(), "the" | "of" | "le");
    }
    any
}

/// How a heading of a page of several editions names its edition.
#[derive(Debug, Clone, PartialEq, Eq)]
enum EditionHead {
    /// "#6 - Tuesday, November 22nd": a number and at most a date.
    Numbered(String),
    /// "2019 – Google Cloud Platform On Board": the name's byte range in the heading's text.
    YearLed { year: String, name: (usize, usize) },
    /// "2019 – Meetups": a year and a word for what the part lists, no name.
    YearOnly,
}

fn edition_head(text: &str) -> Option<EditionHead> {
    if let Some(c) = EDITION_HEAD.captures(text) {
        let rest = &text[c.get(0).map_or(0, |m| m.end())..];
        let rest = FULL_DATE.replace(rest, "");
        if rest.trim().is_empty() || date_only(&rest) {
            return Some(EditionHead::Numbered(c[1].to_string()));
        }
        return None;
    }
    let c = YEAR_LED.captures(text)?;
    let name = c.get(2)?;
    // "Cloud Nord (Remote)": the bracket says how, not who.
    let bare = name
        .as_str()
        .split(" (")
        .next()
        .unwrap_or_default()
        .trim_end();
    let first = words::words(bare).next()?.as_str().to_lowercase();
    let generic = matches!(
        first.as_str(),
        "meetups"
            | "conférences"
            | "conferences"
            | "talks"
            | "notes"
            | "events"
            | "évènements"
            | "événements"
            | "evenements"
            | "rencontres"
            | "soirées"
            | "sessions"
            | "ateliers"
            | "workshops"
            | "divers"
            | "misc"
            | "autres"
            | "other"
            | "others"
    );
    if generic {
        return Some(EditionHead::YearOnly);
    }
    if !title_like(bare, 1) || words::words(bare).count() > 8 {
        return None;
    }
    Some(EditionHead::YearLed {
        year: c[1].to_string(),
        name: (name.start(), name.start() + bare.len()),
    })
}

/// A tag before a post's title: "[Rétro] Meetup du 6 novembre".
static TITLE_TAG: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"^\s*\[[^\]]{1,20}\]\s*").expect("tag regex"));

/// What stands between a heading's title and its speaker: "Title — Ana Ruiz", "Title by
/// Ana Ruiz", "Title (Ana Ruiz)".
static SPEAKER_SEP: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?:\s+(?:[-–—|]|by|par|with|avec)\s+|\s*\(\s*)$").expect("separator regex")
});

/// An agenda time before a title: "18:30 - ", "19h00 à 19h20 : ", "9.00-9.45 | ".
static LEADING_TIME: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"^\d{1,2}\s*[:hH.]\s*\d{0,2}\s*(?:(?:[-–—]|à|to|until)\s*\d{1,2}\s*[:hH.]\s*\d{0,2}\s*)?(?:[-–—:|,]\s*)?")
        .expect("leading time regex")
});

/// A line that starts by saying it names speakers.
static SPEAKER_LABEL: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)^\s*(?:(?:talk|conférence|session|atelier|workshop|keynote)\s+(?:animée?|présentée?|donnée?|given|presented|hosted|led)\s+(?:par|by)|(?:an?\s+|the\s+)?(?:talk|keynote|session|presentation)\s+by|par|by|with|avec|présentée?\s+par|(?:presented|shared|given|delivered|told)\s+by|speakers?|intervenante?s?|intervenant\(e\)s?|orat(?:eur|rice)s?)\b\s*:?")
        .expect("speaker label regex")
});

/// Whether a heading covers the line. `headings` are in line order and do not overlap, as
/// `find_headings` makes them: only the last one starting at or before the line can cover
/// it (a scan of every heading for every line was quadratic on 200,000 headings).
fn headings_contain(headings: &[Heading], line_index: usize) -> bool {
    let n = headings.partition_point(|h| h.line_index <= line_index);
    n > 0 && line_index <= headings[n - 1].last_line_index
}

/// Spans sorted by start with the running maximum of their ends, so that asking whether any
/// of them overlaps or holds a range is one binary search. Scanning every token of a unit
/// for each of its words was quadratic on a unit of a megabyte (one long line, or
/// thousands of hard-wrapped lines joined).
#[derive(Default)]
struct Spans {
    starts: Vec<usize>,
    max_end: Vec<usize>,
}

impl Spans {
    fn new(spans: impl Iterator<Item = (usize, usize)>) -> Spans {
        let mut all: Vec<(usize, usize)> = spans.collect();
        all.sort_unstable();
        let mut max = 0;
        let max_end = all
            .iter()
            .map(|&(_, e)| {
                max = max.max(e);
                max
            })
            .collect();
        Spans {
            starts: all.into_iter().map(|(s, _)| s).collect(),
            max_end,
        }
    }

    /// Whether one of the spans overlaps `s..e`: starts before `e` and ends after `s`.
    fn overlap(&self, s: usize, e: usize) -> bool {
        let n = self.starts.partition_point(|&t| t < e);
        n > 0 && self.max_end[n - 1] > s
    }

    /// Whether one of the spans holds `s..e`: starts at or before `s`, ends at or after `e`.
    fn hold(&self, s: usize, e: usize) -> bool {
        let n = self.starts.partition_point(|&t| t <= s);
        n > 0 && self.max_end[n - 1] >= e
    }
}

/// The text a reader sees, laid over the document's own bytes (the same length, markup
/// blanked), with its layout; the view's offsets lead back to the source when character
/// references were closed up. Extraction and `suggest` read documents through it.
pub(crate) fn view(doc: &Document) -> (Document, read::Layout) {
    if doc.format == read::Format::Html {
        read::html_view(doc)
    } else {
        // Character references (posts exported from HTML editors) are decoded before the
        // Markdown parser reads the text; the view's offsets lead back to the source.
        let decoded = read::decode_references(&doc.text).map(|(text, map)| {
            let decoded = Document {
                source: doc.source.clone(),
                text,
                format: doc.format,
                offsets: None,
            };
            (decoded, map)
        });
        let layout = read::layout(decoded.as_ref().map_or(doc, |(d, _)| d));
        let view = Document {
            source: doc.source.clone(),
            text: layout.clean.clone(),
            format: doc.format,
            offsets: decoded.map(|(_, map)| map),
        };
        (view, layout)
    }
}

/// Runs extraction over one document.
pub fn extract(rules: &Rules, doc: &Document) -> Facts {
    extract_with(rules, doc, false).0
}

/// Runs extraction over one document and says which candidate names lost where two
/// overlapped, in the order of the text.
pub fn explain_overlaps(rules: &Rules, doc: &Document) -> Vec<OverlapNote> {
    let mut notes = extract_with(rules, doc, true).1;
    notes.sort();
    notes.dedup();
    notes
}

fn extract_with(rules: &Rules, doc: &Document, explain: bool) -> (Facts, Vec<OverlapNote>) {
    // The extractor reads the text a reader sees, laid over the document's own bytes (the
    // same length, markup blanked): labels, titles and snippets never carry link syntax,
    // emphasis marks or tags, and every span is still a span of the source.
    let (view, layout) = view(doc);
    let mut x = Extractor::with_layout(rules, &view, layout);
    x.explain = explain;
    let (mut facts, notes) = x.run();
    // A view that closes up character references maps its spans back to the source's bytes.
    if let Some(map) = &view.offsets {
        facts.map_offsets(|o| map.get(o).map_or(o, |&m| m as usize));
    }
    (facts, notes)
}

/// The cues the extractor uses, looked up once per document: a lookup hashes the name, and
/// a cloned cue would start with cold regex caches.
struct Cues<'a> {
    talk_word: &'a crate::rules::Cue,
    scope_break: &'a crate::rules::Cue,
    titled: Option<&'a crate::rules::Cue>,
    see_title: Option<&'a crate::rules::Cue>,
    talk_line: Option<&'a crate::rules::Cue>,
    label_line: Option<&'a crate::rules::Cue>,
    event_word: Option<&'a crate::rules::Cue>,
    keynote: Option<&'a crate::rules::Cue>,
    workshop: Option<&'a crate::rules::Cue>,
}

impl<'a> Cues<'a> {
    fn new(rules: &'a Rules) -> Cues<'a> {
        Cues {
            talk_word: rules.cue("talk_word").expect("required cue"),
            scope_break: rules.cue("scope_break").expect("required cue"),
            titled: rules.cue("titled"),
            see_title: rules.cue("see_title"),
            talk_line: rules.cue("talk_line"),
            label_line: rules.cue("label_line"),
            event_word: rules.cue("event_word"),
            keynote: rules.cue("keynote"),
            workshop: rules.cue("workshop"),
        }
    }
}

struct Extractor<'a> {
    rules: &'a Rules,
    cues: Cues<'a>,
    doc: &'a Document,
    layout: Layout,
    /// Where the document's title line starts: its first heading (or front matter title).
    title_line: Option<usize>,
    toks: Vec<Tok>,
    /// Units of reading: paragraphs (wrapped lines joined), list items, headings, each
    /// as a pseudo-line spanning its lines; with the physical lines each covers.
    units: Vec<read::Line>,
    unit_lines: Vec<(usize, usize)>,
    /// Per unit: indices into `toks` of top-level tokens, sorted by start.
    line_toks: Vec<Vec<usize>>,
    facts: Facts,
    /// Promotions of unknown runs: folded text -> kind.
    promoted: BTreeMap<String, Kind>,
    /// Roles found by works_at rules: person label -> role.
    roles: BTreeMap<String, String>,
    /// Talk attributes: talk label -> kind.
    talk_kind: BTreeMap<String, String>,
    /// Talk title spans (for mentions in titles) and scopes.
    talk_titles: Vec<(String, usize, usize)>,
    talk_scopes: Vec<(String, usize, usize)>,
    /// Talks confirmed (label -> first line).
    talks: BTreeMap<String, FactSpan>,
    /// Byte ranges (agenda lines) whose entities belong to the talk they name only.
    claimed: Vec<(usize, usize)>,
    /// Talks named by agenda lines, with where they are.
    agenda: Vec<(usize, String)>,
    /// A talk named inline in prose owns the rest of its paragraph (up to the next title).
    inline_scopes: Vec<(String, usize, usize)>,
    /// Per unit: whether the scope-break cue matches it (set by `apply_rules`).
    unit_breaks: Vec<bool>,
    /// Whether to record the candidates that lose where two overlap, in `notes`.
    explain: bool,
    notes: std::cell::RefCell<Vec<OverlapNote>>,
}

/// A candidate name that lost to another where the two overlapped, and why
/// (`extract --explain-overlaps`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct OverlapNote {
    /// Line of the candidate that lost (the page's line for HTML).
    pub line: usize,
    /// Byte offset of the candidate that lost, in the text the extractor reads.
    pub start: usize,
    /// `"Helm" (project, projects.txt)`.
    pub loser: String,
    /// `"Matt Helm" (person, name shape)`.
    pub winner: String,
    pub reason: String,
}

/// Moves the event keyed by the fold `from` into the one keyed by `into`: its names become
/// aliases, its mentions and attributes join. Returns (old label, new label) for the
/// relations that name it.
fn absorb_event(
    ents: &mut BTreeMap<(Kind, String), EntityFact>,
    from: &str,
    into: &str,
) -> Option<(String, String)> {
    let e = ents.remove(&(Kind::Event, from.to_string()))?;
    let Some(t) = ents.get_mut(&(Kind::Event, into.to_string())) else {
        // Nothing to merge into: the event stays as it was.
        ents.insert((Kind::Event, from.to_string()), e);
        return None;
    };
    let renamed = (e.label.clone(), t.label.clone());
    for a in std::iter::once(e.label).chain(e.aliases) {
        if a != t.label && !t.aliases.contains(&a) {
            t.aliases.push(a);
        }
    }
    t.mentions.extend(e.mentions);
    t.attributes.extend(e.attributes);
    t.attributes.sort();
    t.attributes.dedup();
    Some(renamed)
}

/// Where a gazetteer candidate comes from, for the notes.
fn listed_in(kind: Kind) -> &'static str {
    match kind {
        Kind::Company => "companies.txt",
        Kind::Event => "events.txt",
        _ => "projects.txt",
    }
}

/// A relation found by a rule, before promotion: (subject, relation, object, rule id,
/// confidence, evidence start, evidence end, line).
/// The rule id is borrowed from the rules: most pending relations are dropped.
/// The people of a speaker line: each person token with its organisation token.
type Speakers = Vec<(usize, Option<usize>)>;

type Pending<'r> = (End, Relation, End, &'r str, f64, usize, usize, usize);

/// A relation fact before resolution: token indices, a context talk, or a talk title a
/// rule captured (created only if the relation holds).
#[derive(Debug, Clone)]
enum End {
    Tok(usize),
    Talk(String),
    NewTalk(String, usize, usize, usize),
}

impl<'a> Extractor<'a> {
    fn with_layout(rules: &'a Rules, doc: &'a Document, layout: Layout) -> Extractor<'a> {
        Extractor {
            rules,
            cues: Cues::new(rules),
            doc,
            title_line: layout
                .lines
                .iter()
                .find(|l| matches!(l.kind, LineKind::Heading(_)))
                .map(|l| l.start),
            layout,
            toks: Vec::new(),
            units: Vec::new(),
            unit_lines: Vec::new(),
            line_toks: Vec::new(),
            facts: Facts {
                source: doc.source.clone(),
                ..Facts::default()
            },
            promoted: BTreeMap::new(),
            roles: BTreeMap::new(),
            talk_kind: BTreeMap::new(),
            talk_titles: Vec::new(),
            talk_scopes: Vec::new(),
            talks: BTreeMap::new(),
            claimed: Vec::new(),
            agenda: Vec::new(),
            inline_scopes: Vec::new(),
            unit_breaks: Vec::new(),
            explain: false,
            notes: Default::default(),
        }
    }

    /// Records that the candidate at `lose` (with its type and where it came from) lost to
    /// the one at `win`, when notes are asked for. `reason` is only called then.
    fn note(
        &self,
        lose: (usize, usize, Kind, &str),
        win: (usize, usize, Kind, &str),
        reason: impl FnOnce() -> String,
    ) {
        if !self.explain {
            return;
        }
        let text = &self.doc.text;
        let show = |(s, e, k, from): (usize, usize, Kind, &str)| {
            format!("\"{}\" ({k}, {from})", collapse_ws(&text[s..e]))
        };
        let line = self.layout.line_of(lose.0);
        let line = self
            .layout
            .page_lines
            .as_ref()
            .and_then(|p| p.get(line.wrapping_sub(1)).copied())
            .unwrap_or(line);
        self.notes.borrow_mut().push(OverlapNote {
            line,
            start: lose.0,
            loser: show(lose),
            winner: show(win),
            reason: reason(),
        });
    }

    /// Every span of the document is made here.
    fn span_with_text(&self, start: usize, end: usize, line: usize, text: &str) -> FactSpan {
        FactSpan {
            start,
            end,
            line,
            text: Arc::from(text),
        }
    }

    /// A span whose text is the source's with white space collapsed.
    fn span(&self, start: usize, end: usize, line: usize) -> FactSpan {
        self.span_with_text(start, end, line, &collapse_ws(&self.doc.text[start..end]))
    }

    fn run(mut self) -> (Facts, Vec<OverlapNote>) {
        let mut headings = self.find_headings();
        self.build_units(&mut headings);
        self.find_entities();
        self.classify_headings(&mut headings);
        self.apply_rules(&headings);
        self.finish(&headings);
        let l = &self.layout;
        self.facts.document = crate::model::DocumentMeta {
            title: l.title.clone(),
            date: l.date.clone(),
            author: l.author.clone(),
            url: l.url.clone(),
            tags: l.tags.clone(),
        };
        // An HTML page's lines are its blocks: spans say the page's own line numbers.
        if let Some(page) = &self.layout.page_lines {
            let spans = self
                .facts
                .entities
                .iter_mut()
                .flat_map(|e| e.mentions.iter_mut())
                .chain(self.facts.relations.iter_mut().map(|r| &mut r.evidence));
            for s in spans {
                s.line = page.get(s.line.wrapping_sub(1)).copied().unwrap_or(s.line);
            }
        }
        (self.facts, self.notes.into_inner())
    }

    // ---- entities -------------------------------------------------------------------

    fn gazetteer_hits(&self) -> Vec<(usize, usize, usize)> {
        let text = &self.doc.text;
        let mut folded = String::with_capacity(text.len());
        let mut map = Vec::with_capacity(text.len());
        fold_into(text, &mut folded, &mut map);
        let orig = |i: usize| {
            if i < map.len() {
                map[i] as usize
            } else {
                text.len()
            }
        };
        let mut hits = Vec::new();
        for m in self.rules.automaton.find_overlapping_iter(&folded) {
            let (s, e) = (orig(m.start()), orig(m.end()));
            let before = text[..s].chars().next_back();
            let after = text[e..].chars().next();
            let glued = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
            // A dot or hyphen glued to letters continues a name ("cert-manager-x", "node.js").
            let glued_punct = |c: Option<char>, next: Option<char>| {
                matches!(c, Some('-' | '.' | '/' | '@'))
                    && next.is_some_and(|n| n.is_alphanumeric())
            };
            if glued(before) || glued(after) {
                continue;
            }
            if glued_punct(after, text[e..].chars().nth(1))
                || glued_punct(before, text[..s].chars().rev().nth(1))
            {
                continue;
            }
            let alias = &self.rules.aliases[m.pattern().as_usize()];
            let written = &text[s..e];
            let ok = match alias.case {
                CaseRule::Any => true,
                CaseRule::Exact => written == alias.text,
                CaseRule::FirstLetter => {
                    let a = alias.text.chars().next().unwrap_or(' ');
                    let w = written.chars().next().unwrap_or(' ');
                    a.is_uppercase() == w.is_uppercase()
                }
            };
            if ok {
                hits.push((s, e, m.pattern().as_usize()));
            }
        }
        // Leftmost first; where two overlap, the longer unless `[overlaps]` says otherwise.
        hits.sort_by_key(|&(s, e, p)| (s, std::cmp::Reverse(e), p));
        let kind = |p: usize| self.rules.entries[self.rules.aliases[p].entry].kind;
        let entry = |p: usize| self.rules.aliases[p].entry;
        let mut out: Vec<(usize, usize, usize)> = Vec::new();
        for h in hits {
            let Some(&l) = out.last().filter(|l| h.0 < l.1) else {
                out.push(h);
                continue;
            };
            // Two spellings of one entry ("Ippon Technologies", "Ippon") are no contest.
            if entry(l.2) == entry(h.2) {
                continue;
            }
            let (long, short) = if h.1 - h.0 > l.1 - l.0 {
                (h, l)
            } else {
                (l, h)
            };
            let ov = &self.rules.overlaps;
            let (win, lose) = if ov.wins(kind(long.2), true, kind(short.2)) {
                (long, short)
            } else {
                (short, long)
            };
            if win == h {
                out.pop();
                out.push(h);
            }
            self.note(
                (lose.0, lose.1, kind(lose.2), listed_in(kind(lose.2))),
                (win.0, win.1, kind(win.2), listed_in(kind(win.2))),
                || ov.reason(kind(long.2), true, kind(short.2)),
            );
        }
        out
    }

    fn find_entities(&mut self) {
        let gaz = self.gazetteer_hits();
        let mut gi = 0;
        let nlines = self.units.len();
        self.line_toks = vec![Vec::new(); nlines];
        // Out of `self` while the loop needs `&mut self`, instead of a copy of each unit.
        let units = std::mem::take(&mut self.units);
        // Buffers reused for every unit.
        let mut toks: Vec<Tok> = Vec::new();
        let mut words = Vec::new();
        for (li, line) in units.iter().enumerate() {
            if matches!(line.kind, LineKind::Blank | LineKind::Skip) {
                while gi < gaz.len() && gaz[gi].0 < line.end() {
                    gi += 1;
                }
                continue;
            }
            let mk = |class, start, end, label: String, aliases| Tok {
                class,
                start,
                end,
                line: line.number,
                label,
                aliases,
                person_shape: false,
                nested: false,
            };
            // github.com/org/repo names a project.
            // Each of these regexes needs bytes most lines lack: check for them first (a
            // search, even of nothing, takes a capture buffer from the regex's pool).
            let github = line.clean.contains("github.com");
            for c in github
                .then(|| GITHUB.captures_iter(&line.clean))
                .into_iter()
                .flatten()
            {
                let m = c.get(0).expect("match");
                let (org, repo) = (&c[1], c[2].trim_end_matches(".git"));
                toks.push(mk(
                    Class::Project,
                    line.start + m.start(),
                    line.start + m.end(),
                    repo.to_string(),
                    vec![format!("{org}/{repo}"), format!("github.com/{org}/{repo}")],
                ));
            }
            // A link to a repository names a project where its text says the repository's
            // name: "[the dry-validation gem](https://github.com/dry-rb/dry-validation)".
            let text = &self.doc.text;
            let first = self.layout.links.partition_point(|l| l.start < line.start);
            for link in self.layout.links[first..]
                .iter()
                .take_while(|l| l.start < line.end())
            {
                let Some(c) = GITHUB.captures(&link.url) else {
                    continue;
                };
                let (org, repo) = (&c[1], c[2].trim_end_matches(".git"));
                let shown = &text[link.start..link.end.min(line.end())];
                let Some(at) = shown.to_lowercase().find(&repo.to_lowercase()) else {
                    continue;
                };
                // Only where the lower-casing kept byte offsets (ASCII before the name).
                if !shown.is_char_boundary(at) || !shown[..at].is_ascii() {
                    continue;
                }
                let (s, e) = (link.start + at, link.start + at + repo.len());
                if e <= line.end() && text.is_char_boundary(e) {
                    toks.push(mk(
                        Class::Project,
                        s,
                        e,
                        text[s..e].to_string(),
                        vec![format!("{org}/{repo}"), format!("github.com/{org}/{repo}")],
                    ));
                }
            }
            // "Josue (Josh) Abreu": a person with a nickname.
            let nick = line.clean.contains(['(', '“', '"']);
            for c in nick
                .then(|| NICKNAME.captures_iter(&line.clean))
                .into_iter()
                .flatten()
            {
                let m = c.get(0).expect("match");
                let (first, nick, last) = (&c[1], &c[2], &c[3]);
                if !(self.is_first_name(first) || self.is_first_name(nick))
                    || self.rules.not_names.contains(&fold(last))
                {
                    continue;
                }
                toks.push(mk(
                    Class::Person,
                    line.start + m.start(),
                    line.start + m.end(),
                    format!("{first} {last}"),
                    vec![format!("{nick} {last}")],
                ));
            }
            // Gazetteer hits never overlap one another: only the tokens found above can
            // stand in a hit's way.
            let found = Spans::new(toks.iter().map(|t| (t.start, t.end)));
            while gi < gaz.len() && gaz[gi].0 < line.end() {
                let (s, e, p) = gaz[gi];
                gi += 1;
                let alias = &self.rules.aliases[p];
                let entry = &self.rules.entries[alias.entry];
                if s < line.start {
                    continue;
                }
                if found.overlap(s, e) {
                    if let Some(t) = toks.iter().find(|t| t.start < e && s < t.end) {
                        let k = t.class.kind().unwrap_or(Kind::Project);
                        self.note(
                            (s, e, entry.kind, listed_in(entry.kind)),
                            (t.start, t.end, k, "GitHub link or nickname"),
                            || {
                                "names read from a link or a nickname come before the gazetteers"
                                    .into()
                            },
                        );
                    }
                    continue;
                }
                let class = match entry.kind {
                    Kind::Company => Class::Company,
                    Kind::Project => Class::Project,
                    _ => Class::Event,
                };
                toks.push(mk(class, s, e, entry.canonical.clone(), Vec::new()));
            }
            toks.sort_by_key(|t| t.start);
            self.capitalised_runs(line, &mut toks, &mut words);
            toks.sort_by_key(|t| t.start);
            self.extend_events_and_orgs(line, &mut toks);
            self.inline_titles(line, &mut toks);
            for t in toks.drain(..) {
                let ix = self.toks.len();
                if !t.nested {
                    self.line_toks[li].push(ix);
                }
                self.toks.push(t);
            }
        }
        self.units = units;
        for k in 0..self.toks.len() {
            self.toks[k].line = self.layout.line_of(self.toks[k].start);
        }
        self.resolve_first_names();
    }

    /// Groups physical lines into units: each heading alone, each list item with its
    /// indented continuation lines, each paragraph of consecutive text lines.
    fn build_units(&mut self, headings: &mut [Heading]) {
        debug_assert!(headings.is_sorted_by_key(|h| h.line_index));
        let lines = &self.layout.lines;
        // Hard-wrapped prose has most lines ending mid-sentence; one-paragraph-per-line prose
        // has most lines ending with punctuation, and then each line is its own paragraph.
        let text_lines: Vec<&str> = lines
            .iter()
            .filter(|l| l.kind == LineKind::Text)
            .map(|l| l.trimmed())
            .collect();
        let finished = text_lines
            .iter()
            .filter(|t| {
                t.chars()
                    .next_back()
                    .is_some_and(|c| !c.is_alphanumeric() && c != ',')
            })
            .count();
        let wrapped = finished * 10 < text_lines.len() * 6;
        let mut i = 0;
        let mut units = Vec::new();
        let mut spans = Vec::new();
        while i < lines.len() {
            let l = &lines[i];
            if matches!(l.kind, LineKind::Blank | LineKind::Skip) {
                i += 1;
                continue;
            }
            let mut last = i;
            // Headings are in line order (`find_headings`): the first at this line, if any.
            let at = headings.partition_point(|h| h.line_index < i);
            if let Some(h) = headings.get_mut(at).filter(|h| h.line_index == i) {
                last = h.last_line_index;
                h.unit = units.len();
            } else {
                let is_heading = |j: usize| headings_contain(headings, j);
                while last + 1 < lines.len() {
                    let n = &lines[last + 1];
                    let continues = match l.kind {
                        LineKind::ListItem => {
                            n.kind == LineKind::Text && n.clean.starts_with([' ', '\t'])
                        }
                        LineKind::Text => wrapped && n.kind == LineKind::Text,
                        _ => false,
                    };
                    if !continues || is_heading(last + 1) {
                        break;
                    }
                    last += 1;
                }
            }
            let end = lines[last].end();
            units.push(read::Line {
                start: l.start,
                number: l.number,
                kind: l.kind,
                clean: self.layout.clean[l.start..end].to_string(),
            });
            spans.push((i, last));
            i = last + 1;
        }
        self.units = units;
        self.unit_lines = spans;
    }

    fn sentences_of(&self, u: &read::Line) -> Vec<read::Sentence> {
        read::block_sentences(
            &self.layout,
            &read::Block {
                start: u.start,
                end: u.end(),
                first_line: 0,
                last_line: 0,
            },
        )
    }

    fn is_first_name(&self, w: &str) -> bool {
        let f = fold(w);
        self.rules.first_names.contains(&f)
            || w.split('-')
                .next()
                .is_some_and(|p| p.len() < w.len() && self.rules.first_names.contains(&fold(p)))
    }

    fn is_name_word(w: &str) -> bool {
        let mut chars = w.chars();
        let Some(first) = chars.next() else {
            return false;
        };
        first.is_uppercase()
            && w.chars().any(|c| c.is_lowercase())
            && !w.chars().any(|c| c.is_ascii_digit())
    }

    /// Groups capitalised words into runs and classifies each: a person by name shape,
    /// else an unknown run that a rule may later promote.
    fn capitalised_runs(
        &self,
        line: &read::Line,
        toks: &mut Vec<Tok>,
        words: &mut Vec<(usize, usize)>,
    ) {
        words.clear();
        words.extend(
            words::words(&line.clean)
                .map(|m| {
                    let w = m.as_str();
                    let s = elision_len(w);
                    // "Quillbyte's" is Quillbyte.
                    let e = if w.ends_with("'s") || w.ends_with("’s") {
                        w.len() - if w.ends_with("'s") { 2 } else { 4 }
                    } else {
                        w.len()
                    };
                    (
                        line.start + m.start() + s,
                        line.start + m.start() + e.max(s),
                    )
                })
                .filter(|(s, e)| s < e),
        );
        let words = &words[..];
        let text = &self.doc.text;
        // Made once: later a surname a gazetteer took is removed from `toks` (its place
        // stays taken, by the run that absorbs it), and the runs found are added at the end.
        let spans = Spans::new(toks.iter().map(|t| (t.start, t.end)));
        let taken = |s: usize, e: usize| spans.overlap(s, e);
        // Where "meet" is written in the unit (any case), for `event_run`: looking through
        // everything before each run was quadratic on a long unit.
        let meets: Vec<usize> = text.as_bytes()[line.start..line.end()]
            .windows(4)
            .enumerate()
            .filter(|(_, w)| w.eq_ignore_ascii_case(b"meet"))
            .map(|(i, _)| line.start + i)
            .collect();
        let mut i = 0;
        let mut found = Vec::new();
        while i < words.len() {
            let (s, e) = words[i];
            let w = &text[s..e];
            if !w.chars().next().is_some_and(|c| c.is_uppercase()) || taken(s, e) {
                i += 1;
                continue;
            }
            // Extend over single spaces, through lower-case particles followed by a capital.
            // Always a contiguous stretch of `words`.
            let mut run = i..i + 1;
            let mut j = i + 1;
            while j < words.len() {
                let gap = &text[words[j - 1].1..words[j].0];
                // "Iris V. Naudin": a middle initial after a known first name.
                let initial = gap == ". "
                    && run.len() == 2
                    && words[j - 1].1 - words[j - 1].0 == 1
                    && text.as_bytes()[words[j - 1].0].is_ascii_uppercase()
                    && self.is_first_name(&text[words[run.start].0..words[run.start].1]);
                if (gap != " " && !initial) || taken(words[j].0, words[j].1) {
                    break;
                }
                let wj = &text[words[j].0..words[j].1];
                if wj.chars().next().is_some_and(|c| c.is_uppercase()) {
                    run.end = j + 1;
                    j += 1;
                } else if self.rules.particles.contains(wj)
                    && (!matches!(wj, "de" | "du" | "des" | "la" | "le" | "d") || run.len() == 1)
                {
                    // One or more particles ("van den", "de la") then a capitalised word.
                    let mut k = j;
                    while k < words.len()
                        && self.rules.particles.contains(&text[words[k].0..words[k].1])
                        && &text[words[k].1..words.get(k + 1).map_or(words[k].1, |w| w.0)] == " "
                    {
                        k += 1;
                    }
                    let capital = k < words.len()
                        && k > j
                        && text[words[k].0..]
                            .chars()
                            .next()
                            .is_some_and(|c| c.is_uppercase())
                        && !taken(words[k].0, words[k].1);
                    if !capital {
                        break;
                    }
                    run.end = k + 1;
                    j = k + 1;
                } else {
                    break;
                }
            }
            // "Brandon Philips", "Matt Helm": a known first name, then one word a gazetteer
            // took for an organisation or a project, ending the name: a surname.
            if run.len() == 1
                && j < words.len()
                && &text[words[j - 1].1..words[j].0] == " "
                && self.is_first_name(&text[s..e])
                && Self::is_name_word(&text[words[j].0..words[j].1])
                && !words.get(j + 1).is_some_and(|n| {
                    &text[words[j].1..n.0] == " "
                        && text[n.0..].chars().next().is_some_and(char::is_uppercase)
                })
                && let Some(k) = toks.iter().position(|t| {
                    t.start == words[j].0
                        && t.end == words[j].1
                        && matches!(t.class, Class::Company | Class::Project)
                })
            {
                let listed = toks[k].class.kind().unwrap_or(Kind::Project);
                let ov = &self.rules.overlaps;
                let wins = ov.wins(Kind::Person, false, listed);
                let (name, word) = ((s, words[j].1), (words[j].0, words[j].1));
                let (lose, win) = if wins {
                    (
                        (word.0, word.1, listed, listed_in(listed)),
                        (name.0, name.1, Kind::Person, "name shape"),
                    )
                } else {
                    (
                        (name.0, name.1, Kind::Person, "name shape"),
                        (word.0, word.1, listed, listed_in(listed)),
                    )
                };
                self.note(lose, win, || ov.reason(Kind::Person, false, listed));
                if wins {
                    toks.remove(k);
                    run.end = j + 1;
                    j += 1;
                }
            }
            i = j;
            if run.is_empty() {
                continue;
            }
            let full = run.clone();
            // Events named by their shape: "Cloud Native Nantes #12", "Paris Rust Meetup",
            // "le meetup Cloud Native Nantes".
            if let Some(ev) = self.event_run(line, words, full.clone(), &meets) {
                found.push(ev);
                continue;
            }
            let word = |k: usize| &text[words[k].0..words[k].1];
            // Leading words that never begin a name ("Merci Henry", "Encore Kubernetes").
            while !run.is_empty() {
                let f = fold(word(run.start));
                if self.rules.not_names.contains(&f) || self.rules.honorifics.contains(&f) {
                    run.start += 1;
                } else {
                    break;
                }
            }
            while !run.is_empty() && self.rules.particles.contains(word(run.end - 1)) {
                run.end -= 1;
            }
            if run.is_empty() {
                continue;
            }
            let stripped_person =
                self.person_shape(text, &words[run.clone()]) && self.is_first_name(word(run.start));
            // Keep the whole run unless dropping its lead words leaves a name.
            if !(stripped_person || run.len() == 1) {
                run = full;
            }
            // "Tech Lead Maplr", "Senior Architect Qorp": a job title run into the name of
            // where it is held.
            if let Some(n) = (1..=3.min(run.len().saturating_sub(1))).rev().find(|&n| {
                let head = fold(word(run.start + n - 1));
                let lead: Vec<String> = (run.start..run.start + n).map(|k| fold(word(k))).collect();
                let next = fold(word(run.start + n));
                is_title_head(&head)
                    && (n >= 2 || STRONG_TITLES.contains(&head.as_str()))
                    && (lead.iter().all(|w| self.rules.role_words.contains(w))
                        || self.rules.role_words.contains(&lead.join(" "))
                        || n >= 2 && TITLE_ADJECTIVES.contains(&lead[0].as_str()))
                    && !self.rules.role_words.contains(&next)
                    && !is_title_head(&next)
            }) {
                run.start += n;
            }
            let (rs, re) = (words[run.start].0, words[run.end - 1].1);
            let shape = self.person_shape(text, &words[run.clone()]);
            let label = collapse_ws(&text[rs..re]);
            // "Paris JUG", "Lyon LUG", "GDG Nantes": user groups are organisations that host
            // the meetups, not the meetups themselves.
            let group = run.len() >= 2
                && (matches!(
                    word(run.end - 1),
                    "JUG" | "UG" | "LUG" | "GUG" | "PUG" | "RUG"
                ) || matches!(word(run.start), "GDG" | "GUG" | "JUG"));
            let class = if group {
                Class::Company
            } else if shape && self.is_first_name(word(run.start)) {
                Class::Person
            } else {
                Class::Unknown
            };
            found.push(Tok {
                class,
                start: rs,
                end: re,
                line: line.number,
                label,
                aliases: Vec::new(),
                person_shape: shape,
                nested: false,
            });
        }
        toks.extend(found);
    }

    /// A capitalised run that names an event by its shape: followed by an edition number
    /// (`#12`), ending in an event word (`Meetup`, `Summit`), or introduced by "meetup".
    fn event_run(
        &self,
        line: &read::Line,
        words: &[(usize, usize)],
        run: std::ops::Range<usize>,
        meets: &[usize],
    ) -> Option<Tok> {
        static EDITION: Lazy<Regex> =
            Lazy::new(|| Regex::new(r"^[ \t]*#[ \t]?(\d{1,4})\b").expect("edition regex"));
        static LEAD: Lazy<Regex> = Lazy::new(|| {
            Regex::new(r"(?i)\b(?:meetup|meet-up)\s+(?:du\s+|de\s+|of\s+)?$").expect("lead regex")
        });
        let text = &self.doc.text;
        // "Le Lakeport Meetup #9 a eu lieu…": a sentence's article is not the event's name.
        let mut run = run;
        if run.len() > 2
            && matches!(
                &text[words[run.start].0..words[run.start].1],
                "Le" | "La" | "Les" | "The"
            )
        {
            run.start += 1;
        }
        let last = run.end.checked_sub(1).filter(|&l| l >= run.start)?;
        let (rs, re) = (words[run.start].0, words[last].1);
        // Most runs are no event: the label is made only for those that are.
        let label = || collapse_ws(&text[rs..re]);
        let after = &text[re..line.end()];
        let last = &text[words[last].0..re];
        // Cheap tests of what each regex needs before the regex itself: EDITION a `#` after
        // spaces, LEAD a "meet" (no letter of it has a case variant outside ASCII). LEAD,
        // with a Unicode `\b`, would otherwise scan the whole line before every run.
        let edition = after.trim_start_matches([' ', '\t']).starts_with('#');
        // The last "meet" wholly before the run. A LEAD match can only start there (nothing
        // it may hold after "meet" spells "meet"), so LEAD reads from the character before
        // it (for `\b`) instead of from the start of the unit.
        let last_meet = meets[..meets.partition_point(|&m| m + 4 <= rs)]
            .last()
            .copied();
        let meet = last_meet.is_some();
        let lead_from = last_meet.map_or(rs, |m| {
            text[line.start..m]
                .char_indices()
                .next_back()
                .map_or(m, |(i, _)| line.start + i)
        });
        let (label, end) = if let Some(c) = edition.then(|| EDITION.captures(after)).flatten() {
            (format!("{} #{}", label(), &c[1]), re + c.get(0)?.end())
        } else if run.len() >= 2 && self.cues.event_word.is_some_and(|r| r.is_match(last)) {
            match words::words(after)
                .next()
                .filter(|m| after[..m.start()].trim().is_empty() && YEAR.is_match(m.as_str()))
            {
                Some(m) => (format!("{} {}", label(), m.as_str()), re + m.end()),
                None => (label(), re),
            }
        } else if run.len() >= 2
            && (meet && LEAD.is_match(&text[lead_from..rs]) || {
                // "Meetup Rust Paris": a run that starts with the word names the meetup.
                let first = &text[words[run.start].0..words[run.start].1];
                first.eq_ignore_ascii_case("meetup") || first.eq_ignore_ascii_case("meet-up")
            })
        {
            (label(), re)
        } else if let Some((first, year)) = self.titled_edition(line, words, run.clone(), after) {
            let rs = words[first].0;
            let label = format!("{} {}", collapse_ws(&text[rs..re]), year.as_str());
            return Some(Tok {
                class: Class::Event,
                start: rs,
                end: re + year.end(),
                line: 0,
                label,
                aliases: Vec::new(),
                person_shape: false,
                nested: false,
            });
        } else {
            return None;
        };
        Some(Tok {
            class: Class::Event,
            start: rs,
            end,
            line: 0,
            label,
            aliases: Vec::new(),
            person_shape: false,
            nested: false,
        })
    }

    /// The document's title names its event by a name and a year ("EuRuKo 2019 Unofficial
    /// Notes", "Retour sur AndroidMakers 2025"), even one no gazetteer lists: the run's
    /// first name word and the year after it, when the run is on the title line.
    fn titled_edition<'t>(
        &self,
        line: &read::Line,
        words: &[(usize, usize)],
        run: std::ops::Range<usize>,
        after: &'t str,
    ) -> Option<(usize, words::Word<'t>)> {
        if self.title_line != Some(line.start) {
            return None;
        }
        // Right after another name ("KubeCon North America 2023") the run only extends it,
        // which the gazetteer's events already do.
        let before = self.doc.text[line.start..words[run.start].0].trim_end();
        if before
            .split_whitespace()
            .next_back()
            .is_some_and(|w| w.chars().next().is_some_and(char::is_uppercase))
        {
            return None;
        }
        let year = words::words(after)
            .next()
            .filter(|m| after[..m.start()].trim().is_empty() && YEAR.is_match(m.as_str()))?;
        let text = &self.doc.text;
        let is_name = |k: usize| {
            let f = fold(&text[words[k].0..words[k].1]);
            !self.rules.not_names.contains(&f)
                && !self.rules.section_words.contains(&f)
                && !self.rules.places.contains(&f)
        };
        // "My Notes From EuRuKo 2019": the name follows the last function word; a leading
        // section word ("Recap", "Notes") is no part of it.
        let after_fn = run
            .clone()
            .rev()
            .find(|&k| is_function_word(&text[words[k].0..words[k].1]))
            .map_or(run.start, |k| k + 1);
        let first = (after_fn..run.end).find(|&k| {
            !self
                .rules
                .section_words
                .contains(&fold(&text[words[k].0..words[k].1]))
        })?;
        // "March 2019", "Paris 2024": a date or a place is no event; "Rencontres DevOps
        // Rennes 2024" is, a series before its place.
        let last = &text[words[run.end - 1].0..words[run.end - 1].1];
        let place = self.rules.places.contains(&fold(last));
        ((is_name(run.end - 1) || place && run.end - 1 > first) && run.end - first <= 4)
            .then_some((first, year))
    }

    /// Whether capitalised words (byte ranges of `text`) have the shape of a person's full
    /// name.
    fn person_shape(&self, text: &str, parts: &[(usize, usize)]) -> bool {
        // Particles, lower-case anywhere or capitalised inside ("Gwenaël Le Goff"), are not
        // name words of their own.
        let is_name = |i: usize, p: &str| {
            // A middle initial ("Iris V. Naudin") is no name word of its own either.
            let initial = i > 0
                && i + 1 < parts.len()
                && p.len() == 1
                && p.as_bytes()[0].is_ascii_uppercase();
            !(initial
                || self.rules.particles.contains(p)
                || (i > 0 && i + 1 < parts.len() && {
                    // Lower-casing changes nothing in ASCII without capitals, and `p` itself
                    // was just looked up.
                    let unchanged = p.is_ascii() && !p.bytes().any(|b| b.is_ascii_uppercase());
                    !unchanged && self.rules.particles.contains(&p.to_lowercase())
                }))
        };
        let mut names = [""; 4];
        let mut count = 0;
        for (i, &(s, e)) in parts.iter().enumerate() {
            let p = &text[s..e];
            if is_name(i, p) {
                if count == names.len() {
                    return false;
                }
                names[count] = p;
                count += 1;
            }
        }
        if count < 2 {
            return false;
        }
        // "Managing Groups", "Scaling Teams": a title's gerund, unless a known first name.
        if names[0].len() >= 6 && names[0].ends_with("ing") && !self.is_first_name(names[0]) {
            return false;
        }
        names[..count].iter().all(|p| {
            let f = fold(p);
            Self::is_name_word(p)
                && !self.rules.not_names.contains(&f)
                && !self.rules.org_words.contains(&f)
                && !self.rules.places.contains(&f)
                && !self.rules.role_words.contains(&f)
        })
    }

    /// Event series + region + year become one event; a company followed by
    /// organisation words ("… Tech Innovation") becomes a longer company name.
    fn extend_events_and_orgs(&self, line: &read::Line, toks: &mut Vec<Tok>) {
        let text = &self.doc.text;
        let mut remove = Vec::new();
        // The first unknown run starting at `at`: `toks` is sorted by start and the loop
        // below changes no start, so a binary search finds what a scan of every token did.
        fn unknown_at(toks: &[Tok], at: usize) -> Option<(usize, &Tok)> {
            let first = toks.partition_point(|n| n.start < at);
            toks[first..]
                .iter()
                .take_while(|n| n.start == at)
                .position(|n| n.class == Class::Unknown)
                .map(|k| (first + k, &toks[first + k]))
        }
        debug_assert!(toks.is_sorted_by_key(|t| t.start));
        for i in 0..toks.len() {
            let t = &toks[i];
            match t.class {
                Class::Event => {
                    let mut end = t.end;
                    let mut label = t.label.clone();
                    let mut absorbed = Vec::new();
                    // Region words may have been grouped into an unknown run right after.
                    if let Some((k, n)) = unknown_at(toks, end + 1)
                        && (self.rules.places.contains(&fold(&n.label))
                            || n.label
                                .split(' ')
                                .all(|w| self.rules.places.contains(&fold(w))))
                        && &text[end..n.start] == " "
                    {
                        label.push(' ');
                        label.push_str(&n.label);
                        end = n.end;
                        absorbed.push(k);
                    }
                    for m in words::words(&text[end..line.end()]).take(2) {
                        let w = m.as_str();
                        if text[end..end + m.start()].trim().is_empty() && m.start() <= 2 {
                            if YEAR.is_match(w) {
                                label.push(' ');
                                label.push_str(w);
                                end += m.end();
                                break;
                            } else if self.rules.places.contains(&fold(w)) && !absorbed.is_empty() {
                                break;
                            } else if self.rules.places.contains(&fold(w)) {
                                label.push(' ');
                                label.push_str(w);
                                end += m.end();
                                continue;
                            }
                        }
                        break;
                    }
                    let t = &mut toks[i];
                    t.end = end;
                    t.label = label;
                    remove.extend(absorbed);
                }
                Class::Company | Class::Unknown | Class::Project => {
                    if let Some((k, n)) = unknown_at(toks, t.end + 1) {
                        let all_org = n
                            .label
                            .split(' ')
                            .all(|w| self.rules.org_words.contains(&fold(w)));
                        // "Redis Labs", "Puppet Labs": a project's name and organisation
                        // words name the firm behind it, if `[overlaps]` lets the longer
                        // name win.
                        let firm = t.class == Class::Project
                            && all_org
                            && &text[t.end..n.start] == " "
                            && {
                                let ov = &self.rules.overlaps;
                                let wins = ov.wins(Kind::Company, false, Kind::Project);
                                let (p, c) = (
                                    (t.start, t.end, Kind::Project, "projects.txt"),
                                    (t.start, n.end, Kind::Company, "organisation words"),
                                );
                                let (lose, win) = if wins { (p, c) } else { (c, p) };
                                self.note(lose, win, || {
                                    ov.reason(Kind::Company, false, Kind::Project)
                                });
                                wins
                            };
                        if firm {
                            let label = text[t.start..n.end].to_string();
                            let end = n.end;
                            remove.push(k);
                            let t = &mut toks[i];
                            t.end = end;
                            t.label = label;
                            t.class = Class::Company;
                        } else if all_org
                            && &text[t.end..n.start] == " "
                            && t.class == Class::Company
                        {
                            let label = text[t.start..n.end].to_string();
                            let end = n.end;
                            remove.push(k);
                            let t = &mut toks[i];
                            t.end = end;
                            t.label = label;
                        }
                    }
                }
                _ => {}
            }
        }
        remove.sort_unstable();
        remove.dedup();
        // One pass instead of a `remove` (a shift of everything after) per token.
        let mut k = 0;
        let mut next = remove.iter().peekable();
        toks.retain(|_| {
            let gone = next.next_if_eq(&&k).is_some();
            k += 1;
            !gone
        });
        // "Paris Kubernetes Meetup #42": capitalised runs and gazetteer names side by side
        // that end in an event word or an edition number are one event.
        static EDITION: Lazy<Regex> =
            Lazy::new(|| Regex::new(r"^[ \t]*#[ \t]?(\d{1,4})\b").expect("edition regex"));
        // Chains are replaced by their event as the tokens are moved down: `w` tokens are
        // done, those from `i` on are as they came. A splice per chain shifted the rest of
        // the unit each time; a chain only ever reads tokens not yet passed.
        let mut w = 0;
        let mut i = 0;
        while i < toks.len() {
            let mut j = i;
            while j + 1 < toks.len()
                && toks[j].class != Class::Event
                && toks[j + 1].start >= toks[j].end
                && matches!(&text[toks[j].end..toks[j + 1].start], " " | " & " | " + ")
                && matches!(
                    toks[j + 1].class,
                    Class::Unknown | Class::Project | Class::Company | Class::Event
                )
            {
                j += 1;
            }
            let chain_ok = j > i
                && matches!(
                    toks[i].class,
                    Class::Unknown | Class::Project | Class::Company
                )
                && !toks[i].nested;
            let mut merged = None;
            if chain_ok && toks[j].class == Class::Event {
                // "Paris Kubernetes" + "Meetup #42" (already an event by shape).
                let (s, last) = (toks[i].start, toks[j].clone());
                let label = format!("{}{}", &text[s..last.start], last.label);
                merged = Some(Tok {
                    start: s,
                    label,
                    ..last
                });
            } else if chain_ok {
                let (s, e) = (toks[i].start, toks[j].end);
                let last = text[s..e].rsplit(' ').next().unwrap_or("");
                let edition = EDITION.captures(&text[e..line.end()]);
                let ends_in_event = self.cues.event_word.is_some_and(|r| r.is_match(last));
                if ends_in_event || edition.is_some() {
                    let mut label = text[s..e].to_string();
                    let mut end = e;
                    if let Some(c) = edition {
                        label = format!("{label} #{}", &c[1]);
                        end = e + c.get(0).expect("match").end();
                    }
                    merged = Some(Tok {
                        class: Class::Event,
                        start: s,
                        end,
                        line: 0,
                        label,
                        aliases: Vec::new(),
                        person_shape: false,
                        nested: false,
                    });
                }
            }
            // "Paris Kubernetes Meetup": the event takes the names inside it if
            // `[overlaps]` lets the longer name win.
            if let Some(ev) = &merged {
                let ov = &self.rules.overlaps;
                let mut all_win = true;
                for t in &toks[i..=j] {
                    let k = match t.class {
                        Class::Project => Kind::Project,
                        Class::Company => Kind::Company,
                        _ => continue,
                    };
                    let wins = ov.wins(Kind::Event, false, k);
                    let (named, shaped) = (
                        (t.start, t.end, k, listed_in(k)),
                        (ev.start, ev.end, Kind::Event, "event shape"),
                    );
                    let (lose, win) = if wins {
                        (named, shaped)
                    } else {
                        (shaped, named)
                    };
                    self.note(lose, win, || ov.reason(Kind::Event, false, k));
                    all_win &= wins;
                }
                if !all_win {
                    merged = None;
                }
            }
            match merged {
                Some(ev) => {
                    toks[w] = ev;
                    i = j + 1;
                }
                None => {
                    toks.swap(w, i);
                    i += 1;
                }
            }
            w += 1;
        }
        toks.truncate(w);
        // Drop tokens a longer event now covers.
        let events = Spans::new(
            toks.iter()
                .filter(|t| t.class == Class::Event)
                .map(|t| (t.start, t.end)),
        );
        toks.retain(|t| t.class == Class::Event || !events.hold(t.start, t.end));
    }

    /// Titles quoted after a talk cue, or an English title run after "voir"/"see".
    fn inline_titles(&self, line: &read::Line, toks: &mut Vec<Tok>) {
        let text = &self.doc.text;
        let clean = &line.clean;
        let talk_word = self.cues.talk_word;
        let mut titles: Vec<(usize, usize, String)> = Vec::new();
        for sentence in self.sentences_of(line) {
            let (ss, se) = (sentence.start - line.start, sentence.end - line.start);
            let stext = &clean[ss..se];
            // Only sentences with a candidate title need it: most have none.
            let has_cue = std::cell::OnceCell::new();
            let has_cue = || *has_cue.get_or_init(|| talk_word.is_match(stext));
            // Quoted strings, and emphasised ones in Markdown prose, are candidate titles:
            // (start, end) within the sentence, and where the candidate's context begins.
            // QUOTED needs an opening quote.
            let quoted = stext.contains(['“', '"', '«', '\'', '‘']);
            let mut candidates: Vec<(usize, usize, usize)> = quoted
                .then(|| QUOTED.captures_iter(stext))
                .into_iter()
                .flatten()
                .map(|c| {
                    let g = c.get(1).or_else(|| c.get(2)).expect("one branch matches");
                    (g.start(), g.end(), c.get(0).expect("m").start())
                })
                .collect();
            // The layout's emphasis is sorted by start: only the sentence's own stretch of it
            // is read (all of it for every sentence was quadratic in the document).
            let (abs_s, abs_e) = (line.start + ss, line.start + se);
            let emphasis = &self.layout.emphasis;
            let from = emphasis.partition_point(|&(es, _)| es < abs_s);
            let to = from + emphasis[from..].partition_point(|&(es, _)| es <= abs_e);
            for &(es, ee) in &emphasis[from..to] {
                if es >= abs_s && ee <= abs_e {
                    let (s0, e0) = (es - abs_s, ee - abs_s);
                    candidates.push((s0, e0, s0.saturating_sub(1)));
                }
            }
            for (gs, ge, ctx) in candidates {
                let raw = &stext[gs..ge];
                let lead = raw.len() - raw.trim_start().len();
                let g = (gs + lead, gs + lead + raw.trim().len());
                let title = raw.trim();
                // "**Speaker: Ana Ruiz**", "*Slides: …*": a label, not a title.
                if self.cues.label_line.is_some_and(|r| r.is_match(title))
                    || SPEAKER_LABEL.is_match(title)
                {
                    continue;
                }
                let before = &stext[..ctx];
                let titled = self.cues.titled.is_some_and(|r| r.is_match(before));
                // Right after "son talk", "keynote,", "session :" a quoted sentence-case title
                // ("Cilium en prod : adieu kube-proxy") is a title too.
                let near: String = before
                    .chars()
                    .rev()
                    .take(48)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                let close_cue = talk_word.find_iter(&near).last().is_some_and(|m| {
                    near[m.end()..]
                        .chars()
                        .filter(|c| c.is_alphanumeric())
                        .count()
                        <= 12
                });
                let words = words::words(title).count();
                // Or a quoted phrase in a sentence that has a talk cue and names a person.
                let abs = (line.start + ss, line.start + se);
                let person_here = toks
                    .iter()
                    .any(|t| t.start >= abs.0 && t.end <= abs.1 && t.may_be_person());
                // "« Title » par le duo Ana Ruiz et …": a presenter right after the quote.
                let by_person = BY_PRESENTER.find(&stext[ge..]).is_some_and(|m| {
                    let at = line.start + ss + ge + m.end();
                    toks.iter().any(|t| t.start == at && t.may_be_person())
                });
                // "Jon Bodner's "Go Says WAT?"": a person's possessive right before it.
                let possessive = {
                    let b = before.trim_end();
                    let stem = b.strip_suffix("'s").or_else(|| b.strip_suffix("’s"));
                    stem.is_some_and(|stem| {
                        let at = line.start + ss + stem.len();
                        toks.iter().any(|t| t.end == at && t.may_be_person())
                    })
                };
                // A question or exclamation is a title when something ties it to a talk or
                // its presenter; quoted speech usually has neither.
                let tied = close_cue || by_person || possessive;
                let sentence_case = (tied || (has_cue() && person_here))
                    && title
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
                    && (3..=20).contains(&words)
                    && !title.ends_with('.')
                    && (tied || !title.ends_with(['!', '?']));
                if ((has_cue() || titled) && title_like(title, 3)) || sentence_case {
                    titles.push((
                        line.start + ss + g.0,
                        line.start + ss + g.1,
                        title.to_string(),
                    ));
                }
            }
            if let Some(see) = self.cues.see_title {
                for m in see.find_iter(stext) {
                    if let Some((s, e)) = self.title_run(line.start + ss + m.end(), line.start + se)
                    {
                        titles.push((s, e, text[s..e].to_string()));
                    }
                }
            }
        }
        for (s, e, title) in titles {
            if toks
                .iter()
                .any(|t| t.class == Class::Talk && s < t.end && t.start < e)
            {
                continue;
            }
            for t in toks.iter_mut() {
                if t.start >= s && t.end <= e {
                    t.nested = true;
                }
            }
            // A token straddling the title's edge is cut off by it.
            toks.retain(|t| t.nested || t.end <= s || t.start >= e);
            toks.push(Tok {
                class: Class::Talk,
                start: s,
                end: e,
                line: line.number,
                label: clean_title(&title),
                aliases: Vec::new(),
                person_shape: false,
                nested: false,
            });
        }
        toks.sort_by_key(|t| (t.start, t.nested));
    }

    /// An English title right after `start`: capitalised words and title function words,
    /// ending before a French word or sentence punctuation.
    fn title_run(&self, start: usize, end: usize) -> Option<(usize, usize)> {
        let text = &self.doc.text;
        let rest = &text[start..end];
        let lead = rest.len() - rest.trim_start().len();
        if !rest[lead..]
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase())
        {
            return None;
        }
        let mut last_good = None;
        let mut words = 0;
        let mut prev_end = start + lead;
        for m in words::words(&rest[lead..]) {
            let (ws, we) = (start + lead + m.start(), start + lead + m.end());
            let gap = &text[prev_end..ws];
            if gap
                .chars()
                .any(|c| matches!(c, '.' | ';' | '!' | '?' | '(' | ')' | '"' | '“' | '”' | '…'))
            {
                break;
            }
            let w = m.as_str();
            let lw = w.to_lowercase();
            if FRENCH_STOPS.contains(&lw.as_str())
                && !w.chars().next().is_some_and(|c| c.is_uppercase())
            {
                break;
            }
            let cap = w
                .chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
            if !cap && !is_function_word(w) {
                break;
            }
            words += 1;
            if cap {
                last_good = Some(we);
            }
            prev_end = we;
        }
        let e = last_good?;
        let s = start + lead;
        (words >= 3 && title_like(&text[s..e], 3)).then_some((s, e))
    }

    /// A lone first name ("Shane") is the person of that first name named in full elsewhere
    /// in the document, when there is exactly one.
    fn resolve_first_names(&mut self) {
        let mut by_first: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for t in &self.toks {
            if t.class == Class::Person {
                if let Some(first) = t.label.split(' ').next() {
                    by_first
                        .entry(fold(first))
                        .or_default()
                        .insert(t.label.clone());
                }
                for a in &t.aliases {
                    if let Some(first) = a.split(' ').next() {
                        by_first
                            .entry(fold(first))
                            .or_default()
                            .insert(t.label.clone());
                    }
                }
            }
        }
        for t in &mut self.toks {
            if t.class == Class::Unknown
                && !t.label.contains(' ')
                && let Some(full) = by_first.get(&fold(&t.label)).filter(|s| s.len() == 1)
            {
                t.class = Class::Person;
                t.label = full.iter().next().expect("one").clone();
            }
        }
    }

    // ---- structure --------------------------------------------------------------------

    fn find_headings(&mut self) -> Vec<Heading> {
        let lines = &self.layout.lines;
        let markdown = self.layout.markdown;
        let mut out: Vec<Heading> = Vec::new();
        let talk_line = self.cues.talk_line;
        let mut i = 0;
        while i < lines.len() {
            let l = &lines[i];
            let t = l.trimmed();
            if let Some(m) = talk_line
                .and_then(|r| r.captures(t))
                .filter(|_| l.kind != LineKind::Skip)
                && let Some(title) = m.name("title")
            {
                let title = clean_title(title.as_str());
                if !title.is_empty() {
                    out.push(Heading {
                        line_index: i,
                        last_line_index: i,
                        start: l.start,
                        end: l.end(),
                        text: t.to_string(),
                        level: 9,
                        talk: Some(title),
                        certain: true,
                        unit: 0,
                        speakers: false,
                        lead: None,
                    });
                    i += 1;
                    continue;
                }
            }
            match l.kind {
                LineKind::Heading(level) => {
                    out.push(Heading {
                        line_index: i,
                        last_line_index: i,
                        start: l.start,
                        end: l.end(),
                        text: t.to_string(),
                        level,
                        talk: None,
                        certain: false,
                        unit: 0,
                        speakers: false,
                        lead: None,
                    });
                }
                LineKind::Text if !markdown => {
                    let next = lines.get(i + 1);
                    let wraps = (i == 0
                        || lines[i - 1].kind != LineKind::Text
                        || lines[i - 1]
                            .trimmed()
                            .ends_with(['.', '!', '?', ':', ')', '…']))
                        && next.is_some_and(|n| {
                            n.kind == LineKind::Text
                                && n.trimmed().chars().next().is_some_and(|c| c.is_lowercase())
                                && words::words(t).count() <= 8
                                && !t.ends_with(['.', ',', ';', '!', '?', '…'])
                                && title_like(&format!("{t} {}", n.trimmed()), 3)
                        });
                    if wraps {
                        let n = &lines[i + 1];
                        out.push(Heading {
                            line_index: i,
                            last_line_index: i + 1,
                            start: l.start,
                            end: n.end(),
                            text: format!("{t} {}", n.trimmed()),
                            level: 2,
                            talk: None,
                            certain: false,
                            unit: 0,
                            speakers: false,
                            lead: None,
                        });
                        i += 2;
                        continue;
                    }
                    // In hard-wrapped prose a short line can look like a title; a heading
                    // follows a finished paragraph (or a list, a heading, a blank line).
                    let after_break = i == 0
                        || lines[i - 1].kind != LineKind::Text
                        || headings_contain(&out, i - 1)
                        || lines[i - 1].trimmed().chars().next_back().is_some_and(|c| {
                            !c.is_alphanumeric() && !matches!(c, ',' | '-' | '\'' | '’')
                        });
                    let label = self.cues.label_line.is_some_and(|r| r.is_match(t));
                    if after_break && !label && title_like(t, 1) && !t.ends_with(['!', '?']) {
                        out.push(Heading {
                            line_index: i,
                            last_line_index: i,
                            start: l.start,
                            end: l.end(),
                            text: t.to_string(),
                            level: 2,
                            talk: None,
                            certain: false,
                            unit: 0,
                            speakers: false,
                            lead: None,
                        });
                    }
                }
                _ => {}
            }
            i += 1;
        }
        out
    }

    fn classify_headings(&mut self, out: &mut [Heading]) {
        // Which headings could be talk titles.
        let has_deeper = out.iter().any(|h| h.level >= 2 && h.level < 9);
        let out_first = out.first().map(|h| h.start);
        let talk_word = self.cues.talk_word;
        // "## Ana Ruiz (Qorp) - Title": headings that open with their speakers. One could
        // be a sentence; two or more make the document's layout.
        let leads: Vec<Option<(Speakers, usize, usize)>> = out
            .iter()
            .map(|h| {
                (!h.certain && h.level < 9)
                    .then(|| self.speaker_first(h.unit, (h.start, h.end)))
                    .flatten()
            })
            .collect();
        let led = leads.iter().filter(|l| l.is_some()).count() >= 2;
        // A page of several editions, one heading each ("#6 - Tuesday, November 22nd",
        // "2019 – Agile Tour Lille"): those headings name events, not talks.
        let editions = out
            .iter()
            .filter(|h| h.level < 9 && edition_head(&h.text).is_some())
            .count()
            >= 2;
        // Talks a meetup page lists in its front matter: certain, with their speakers. Most
        // documents list none, and then no token is gathered.
        let mut people_at: Vec<(usize, usize)> = Vec::new();
        if !self.layout.front_talks.is_empty() {
            people_at.extend(
                self.toks
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| t.may_be_person() && !t.nested)
                    .map(|(k, t)| (t.start, k)),
            );
            people_at.sort_unstable();
        }
        for (h, lead) in out.iter_mut().zip(leads) {
            if let Some(talk) = self
                .layout
                .front_talks
                .iter()
                .find(|t| t.title.0 >= h.start && t.title.1 <= h.end)
            {
                let title = clean_title(&self.doc.text[talk.title.0..talk.title.1]);
                if !title.is_empty() {
                    let mut people: Speakers = Vec::new();
                    for &(s, e) in &talk.speakers {
                        let from = people_at.partition_point(|p| p.0 < s);
                        for &(at, k) in &people_at[from..] {
                            if at >= e {
                                break;
                            }
                            if self.toks[k].end <= e {
                                people.push((k, None));
                            }
                        }
                    }
                    h.talk = Some(title);
                    h.certain = true;
                    h.lead = (!people.is_empty()).then_some(people);
                    continue;
                }
            }
            if led && let Some((people, s, e)) = lead {
                let title = clean_title(&self.doc.text[s..e]);
                if !title.is_empty() {
                    h.talk = Some(title);
                    h.certain = true;
                    h.lead = Some(people);
                    continue;
                }
            }
            if editions && !h.certain && h.level < 9 && edition_head(&h.text).is_some() {
                continue;
            }
            // "### [Title](https://youtu.be/…)": a heading that is only a link to a recording
            // or slides is a talk's title.
            if !h.certain && h.level < 9 {
                let links = &self.layout.links;
                let from = links.partition_point(|l| l.end <= h.start);
                let recorded = links[from..]
                    .iter()
                    .take_while(|l| l.start < h.end)
                    .find(|l| link_kind(&l.url) != "url")
                    .map(|l| clean_title(&self.doc.text[l.start..l.end]))
                    .filter(|t| !t.is_empty() && *t == clean_title(&h.text));
                if let Some(title) = recorded {
                    h.talk = Some(title);
                    h.certain = true;
                    continue;
                }
            }
            // "Title — Speaker (Company)": the title stops before the speaker.
            let speaker = self
                .separated_speaker(h)
                .or_else(|| {
                    self.line_toks[h.unit]
                        .iter()
                        .copied()
                        .find(|&k| self.toks[k].may_be_person())
                })
                .map(|k| &self.toks[k]);
            // "Title by Lily Mara": a heading that ends with "by" and a name's words.
            // The words after "by" must start with a known first name ("Surrounded by
            // Small Services" keeps its title).
            static BY_NAME: Lazy<Regex> = Lazy::new(|| {
                Regex::new(r"^(.{8,}?)\s+(?:by|par)\s+(\p{Lu}[\p{L}\x27’-]+)(?:\s+\p{Lu}[\p{L}\x27’-]+){1,2}\s*$")
                    .expect("by-name regex")
            });
            let by_name = BY_NAME
                .captures(&h.text)
                .filter(|c| self.is_first_name(&c[2]))
                .and_then(|c| c.get(1))
                .map(|m| m.as_str().to_string());
            let text = match speaker {
                None if by_name.is_some() => by_name.unwrap_or_default(),
                Some(t) if t.start > h.start => {
                    let before = &self.layout.clean[h.start..t.start];
                    // "19:00 – Logical Replication": what stands before a name-shaped run
                    // must still be a title for the run to be its speaker.
                    match SPEAKER_SEP.find(before) {
                        Some(m)
                            if words::words(&clean_title(&before[..m.start()])).count() >= 2 =>
                        {
                            before[..m.start()].to_string()
                        }
                        _ => h.text.clone(),
                    }
                }
                _ => h.text.clone(),
            };
            let title = clean_title(&text);
            if h.certain {
                if text != h.text && !title.is_empty() {
                    h.talk = Some(title);
                }
                continue;
            }
            let f = fold(&title);
            let words = words::words(&title).count();
            let is_section = self.rules.section_words.iter().any(|w| {
                f.strip_prefix(w.as_str())
                    .is_some_and(|r| r.is_empty() || r.starts_with(' '))
            });
            let li = h.unit;
            let only_event_or_person = self.line_toks[li].iter().any(|&k| {
                let t = &self.toks[k];
                (t.class == Class::Event || t.class == Class::Person)
                    && t.end - t.start + 2 >= title.len()
            });
            let has_event = self.line_toks[li]
                .iter()
                .any(|&k| self.toks[k].class == Class::Event);
            // "Retour sur le Lyon JUG de mars 2024": a heading dated with a year is the
            // document's (or a day's) title, not a talk.
            let dated = words::words(&title).any(|w| YEAR.is_match(w.as_str()));
            let first = out_first == Some(h.start);
            let doc_title = (h.level == 1 && has_deeper) || (dated && first);
            // "La keynote d'ouverture", "The opening keynote": a description, not a title.
            // "Les conférences sur l'IA", "Nos autres conférences coup de coeur", "The talks",
            // "Other talks I liked": a talk noun right after a determiner heads a section
            // about talks, whatever follows.
            let described = {
                let lower: Vec<String> = words::words(&title)
                    .take(4)
                    .map(|m| m.as_str().to_lowercase())
                    .collect();
                let determiner = |w: &str| {
                    matches!(
                        w,
                        "la" | "le"
                            | "les"
                            | "l"
                            | "the"
                            | "a"
                            | "an"
                            | "un"
                            | "une"
                            | "our"
                            | "notre"
                            | "nos"
                            | "mes"
                            | "my"
                            | "other"
                            | "autres"
                            | "more"
                            | "some"
                            | "quelques"
                            | "d"
                            | "des"
                    )
                };
                let talk_noun = |w: &str| {
                    matches!(
                        w,
                        "talk"
                            | "talks"
                            | "conférence"
                            | "conférences"
                            | "conference"
                            | "session"
                            | "sessions"
                            | "keynote"
                            | "keynotes"
                            | "présentations"
                            | "presentations"
                            | "lightning"
                            | "ateliers"
                            | "workshops"
                    )
                };
                let lead = lower.iter().take_while(|w| determiner(w)).count();
                let noun_after_determiner =
                    lead > 0 && lower.get(lead).is_some_and(|w| talk_noun(w));
                // "Présentations éclairs", "Lightning talks", "Talks": a plural talk noun
                // first heads the list of talks.
                let plural_first = lower.first().is_some_and(|w| {
                    matches!(
                        w.as_str(),
                        "talks"
                            | "présentations"
                            | "presentations"
                            | "sessions"
                            | "conférences"
                            | "keynotes"
                            | "ateliers"
                            | "workshops"
                    )
                }) || lower.first().is_some_and(|w| w == "lightning")
                    && lower.get(1).is_some_and(|w| w == "talks");
                noun_after_determiner
                    || plural_first
                    || matches!(
                        lower.first().map(String::as_str),
                        Some(
                            "la" | "le"
                                | "les"
                                | "l"
                                | "the"
                                | "a"
                                | "an"
                                | "un"
                                | "une"
                                | "our"
                                | "notre"
                        )
                    ) && talk_word.is_match(&title)
                        && words::words(&title).count() <= 5
            };
            // "September 18 2019 - Qorp", "12 mars 2024 chez Zylo": a meetup's date and
            // host, not a talk.
            let date_and_host = FULL_DATE.find(&h.text).is_some_and(|m| {
                let rest = format!("{} {}", &h.text[..m.start()], &h.text[m.end()..]);
                let named: Vec<String> = self.line_toks[li]
                    .iter()
                    .map(|&k| &self.toks[k])
                    .filter(|t| !matches!(t.class, Class::Person | Class::Talk))
                    .flat_map(|t| words::words(&t.label).map(|w| fold(w.as_str())))
                    .collect();
                let rest: Vec<String> = words::words(&rest)
                    .map(|w| fold(w.as_str()))
                    .filter(|w| !matches!(w.as_str(), "at" | "chez" | "a" | "au" | "hosted" | "by"))
                    .collect();
                rest.len() <= 4
                    && rest
                        .iter()
                        .all(|w| named.contains(w) || self.rules.places.contains(w))
            });
            if !is_section
                && !date_and_host
                && !date_only(&title)
                && !described
                && !only_event_or_person
                && !has_event
                && !doc_title
                && words >= 2
                && !title.is_empty()
            {
                h.talk = Some(title);
            }
        }
        // "## Title" then "### Ana Ruiz & Li Wei": the second heading names the speakers of
        // the first and carries its talk on.
        for i in 1..out.len() {
            let (before, rest) = out.split_at_mut(i);
            let (p, h) = (&before[i - 1], &mut rest[0]);
            if p.talk.is_some()
                && !p.speakers
                && h.unit == p.unit + 1
                && (h.level > p.level || h.level == p.level && p.level >= 3)
                && self.speaker_line(h.unit, h.start).is_some()
            {
                h.talk = p.talk.clone();
                h.speakers = true;
            }
        }
        // Tokens inside a heading that is a talk candidate belong to the title, not the prose.
        for h in out.iter().filter(|h| !h.speakers) {
            if h.talk.is_some() {
                for &k in &self.line_toks[h.unit] {
                    self.toks[k].nested = true;
                }
            }
        }
    }

    // ---- rules ------------------------------------------------------------------------

    /// Builds the masked form of `start..end`: entity tokens replaced by `⟦Kn⟧`.
    /// Writes into `buf` the masked text and, per masked byte, the source byte it stands for.
    /// Returns the letters of the tokens masked (bits of [`crate::rules::token_bit`])
    /// and whether the text itself held a `⟦`.
    /// The unit's top-level tokens that start from `start` to `end` (both included), in
    /// order: `line_toks` is sorted by start, so this is what filtering all of them by
    /// their start gives, without reading the rest of a long unit.
    fn unit_toks_from(
        &self,
        u: usize,
        start: usize,
        end: usize,
    ) -> impl Iterator<Item = usize> + '_ {
        let all = &self.line_toks[u];
        let from = all.partition_point(|&k| self.toks[k].start < start);
        let to = from + all[from..].partition_point(|&k| self.toks[k].start <= end);
        all[from..to].iter().copied()
    }

    /// `by_start`: the tokens that are not talks, by start (then index).
    fn mask(
        &self,
        li: usize,
        (start, end): (usize, usize),
        nested_ok: Option<&[usize]>,
        buf: &mut MaskBuf,
    ) -> (u8, bool) {
        let clean = &self.layout.clean;
        let MaskBuf { out, map, ids } = buf;
        out.clear();
        map.clear();
        ids.clear();
        let mut pos = start;
        let mut letters = 0u8;
        let mut literal = false;
        let inside = |k: &usize| self.toks[*k].start >= start && self.toks[*k].end <= end;
        if let Some(by_start) = nested_ok {
            // Inside a talk heading, the words of the title are ordinary text for rules.
            // Only the tokens starting in the piece can be inside it; taken in index order
            // for equal starts, as a scan of every token (for every piece) took them.
            let from = by_start.partition_point(|&k| self.toks[k].start < start);
            let to = from + by_start[from..].partition_point(|&k| self.toks[k].start <= end);
            ids.extend(by_start[from..to].iter().copied().filter(inside));
        } else {
            // A unit's tokens are sorted by start: a piece (one line of thousands in a
            // paragraph) reads only its own stretch of them.
            ids.extend(self.unit_toks_from(li, start, end).filter(inside));
        }
        ids.sort_by_key(|&k| (self.toks[k].start, std::cmp::Reverse(self.toks[k].end)));
        for &k in ids.iter() {
            let t = &self.toks[k];
            if t.start < pos {
                continue;
            }
            let seg = &clean[pos..t.start];
            literal |= seg.contains('⟦');
            out.push_str(seg);
            map.extend(pos..t.start);
            // `⟦{letter}{k}⟧`
            let before = out.len();
            out.push('⟦');
            out.push(t.class.letter());
            out.push_str(crate::decimal(k, &mut [0; 20]));
            out.push('⟧');
            map.extend(std::iter::repeat_n(t.start, out.len() - before));
            pos = t.end;
            letters |= crate::rules::token_bit(t.class.letter());
        }
        literal |= clean[pos..end].contains('⟦');
        out.push_str(&clean[pos..end]);
        map.extend(pos..end);
        map.push(end);
        (letters, literal)
    }

    fn apply_rules(&mut self, headings: &[Heading]) {
        let mut pending: Vec<Pending> = Vec::new();
        let mut entity_hits: Vec<(usize, Kind)> = Vec::new();
        let mut new_talks: Vec<(String, usize, usize, usize)> = Vec::new();
        let scope_break = self.cues.scope_break;
        // The talk in force for each line: the heading above it, until a scope break.
        let mut context: Vec<Option<&str>> = vec![None; self.units.len()];
        // Per unit, the first heading that is it: looked up once instead of a scan of the
        // headings for every unit.
        let mut heading_of: Vec<Option<&Heading>> = vec![None; self.units.len()];
        for h in headings.iter().rev() {
            if let Some(slot) = heading_of.get_mut(h.unit) {
                *slot = Some(h);
            }
        }
        self.unit_breaks = self
            .units
            .iter()
            .map(|u| scope_break.is_match(u.trimmed()))
            .collect();
        {
            let mut current: Option<&str> = None;
            let mut hi = 0;
            for (li, (context, &breaks)) in context.iter_mut().zip(&self.unit_breaks).enumerate() {
                while hi < headings.len() && headings[hi].unit == li {
                    current = headings[hi].talk.as_deref();
                    hi += 1;
                }
                if breaks && heading_of[li].is_none() {
                    current = None;
                }
                *context = current;
            }
        }
        // The distinct texts of a unit's pieces, each masked once: a line that is one
        // sentence and its own paragraph is three pieces of one text. Buffers reused for
        // every unit.
        let mut texts: Vec<PieceText> = Vec::new();
        let mut relaxed = regex_automata::PatternSet::new(self.rules.patterns.len());
        let mut relaxed_ends = vec![0; self.rules.patterns.len()];
        // Each rule's captures, made on its first search and reused after.
        let mut rule_caps: Vec<Option<regex_automata::util::captures::Captures>> =
            vec![None; self.rules.patterns.len()];
        // A rule's matches on a piece, reused for every rule.
        type Groups = [Option<(usize, usize)>; crate::rules::GROUPS.len()];
        let mut found: Vec<(Option<(usize, usize)>, Groups)> = Vec::new();
        let has_talk_rules = self
            .rules
            .patterns
            .iter()
            .any(|r| r.entity == Some(Kind::Talk));
        // A unit's pieces, reused for every unit.
        let mut units: Vec<(Scope, usize, usize)> = Vec::new();
        // Which of the unit's texts (an index into `texts`) has each range: a unit of
        // thousands of lines has thousands of pieces, too many to compare each with all.
        let mut seen: rustc_hash::FxHashMap<(usize, usize), usize> = Default::default();
        // The tokens a talk heading's pieces may hold (`mask`), by start.
        let mut by_start: Vec<usize> = (0..self.toks.len())
            .filter(|&k| self.toks[k].class != Class::Talk)
            .collect();
        by_start.sort_by_key(|&k| self.toks[k].start);
        for (li, line) in self.units.iter().enumerate() {
            let heading = heading_of[li];
            let in_talk_heading =
                heading.is_some_and(|h| h.talk.is_some() && !h.certain && !h.speakers);
            let (first, last) = self.unit_lines[li];
            // (what the piece is: Line, Item, Sentence or Paragraph; start; end)
            units.clear();
            units.extend(self.layout.lines[first..=last].iter().map(|l| {
                let kind = if l.kind == LineKind::ListItem {
                    Scope::Item
                } else {
                    Scope::Line
                };
                (kind, l.start, l.end())
            }));
            // A talk title is a title: relation cues inside it ("… at Doctolib") are not facts.
            if !in_talk_heading {
                for s in self.sentences_of(line) {
                    units.push((Scope::Sentence, s.start, s.end));
                }
                units.push((Scope::Paragraph, line.start, line.end()));
            }
            let mut used = 0;
            seen.clear();
            for (piece, us, ue) in units.drain(..) {
                let j = match seen.get(&(us, ue)) {
                    Some(&j) => j,
                    None => {
                        seen.insert((us, ue), used);
                        if used == texts.len() {
                            texts.push(PieceText {
                                range: (0, 0),
                                buf: MaskBuf::default(),
                                letters: 0,
                                literal: false,
                                chars: 0,
                            });
                        }
                        let t = &mut texts[used];
                        let nested_ok = in_talk_heading.then_some(&by_start[..]);
                        (t.letters, t.literal) = self.mask(li, (us, ue), nested_ok, &mut t.buf);
                        t.range = (us, ue);
                        t.chars = t.buf.out.chars().count();
                        used += 1;
                        used - 1
                    }
                };
                let (letters, literal) = (texts[j].letters, texts[j].literal);
                // Relation and entity rules act on the tokens their groups hold: with none in
                // the text, only rules that capture raw talk titles can do anything.
                let no_tokens = letters == 0 && !literal;
                if no_tokens && !has_talk_rules {
                    continue;
                }
                let candidate = |r: &crate::rules::PatternRule| {
                    crate::rules::runs_on(r.scope, piece)
                        && (!no_tokens || r.entity == Some(Kind::Talk))
                        && r.prefilter.tokens_ok(letters, literal)
                };
                // One pass of all relaxed regexes at once, only if some rule is left to test.
                if !self.rules.patterns.iter().any(candidate) {
                    continue;
                }
                let t = &texts[j];
                let (masked, map) = (t.buf.out.as_str(), t.buf.map.as_slice());
                self.rules.relaxed_matches(
                    crate::rules::scope_group(piece),
                    masked,
                    &mut relaxed,
                    &mut relaxed_ends,
                );
                for (i, rule) in self
                    .rules
                    .patterns
                    .iter()
                    .enumerate()
                    .filter(|&(i, r)| candidate(r) && relaxed.contains(PatternID::must(i)))
                {
                    // Every match: the whole match, then the byte range of each of GROUPS.
                    found.clear();
                    let caps = rule_caps[i].get_or_insert_with(|| rule.regex.create_captures());
                    let mut keep = |c: &regex_automata::util::captures::Captures| {
                        let span = |i: Option<usize>| {
                            i.and_then(|i| c.get_group(i)).map(|g| (g.start, g.end))
                        };
                        found.push((span(Some(0)), rule.groups.map(span)));
                    };
                    match &rule.windows {
                        Some(w) => w.captures_within(
                            &rule.regex,
                            &rule.loose,
                            masked,
                            relaxed_ends[i],
                            caps,
                            keep,
                        ),
                        None => rule
                            .loose_for(t.chars)
                            .unwrap_or(&rule.regex)
                            .captures_iter(masked)
                            .for_each(|c| keep(&c)),
                    }
                    for &(whole, ref groups) in &found {
                        let group = |name: &str| -> Option<(usize, usize)> {
                            let i = crate::rules::GROUPS.iter().position(|g| *g == name)?;
                            groups[i]
                        };
                        let whole = whole.expect("match");
                        let (es, ee) = (map[whole.0], map[whole.1.min(map.len() - 1)]);
                        let (es, ee) = trim_span(&self.doc.text, es, ee.max(es));
                        let toks_in = |name: &str| -> Vec<usize> {
                            group(name)
                                .map(|(s, e)| mask_token_ids(&masked[s..e]))
                                .unwrap_or_default()
                        };
                        let orig = |name: &str| -> Option<(usize, usize)> {
                            group(name).map(|(s, e)| (map[s], map[e.min(map.len() - 1)]))
                        };
                        if let Some(kind) = rule.entity {
                            if kind == Kind::Talk {
                                if let Some((s, e)) = orig("ent") {
                                    let title = clean_title(&self.doc.text[s..e]);
                                    if !title.is_empty() {
                                        new_talks.push((title, s, e, self.layout.line_of(s)));
                                    }
                                }
                            } else {
                                for k in toks_in("ent") {
                                    entity_hits.push((k, kind));
                                }
                            }
                            continue;
                        }
                        let relation = rule.relation.expect("rule has relation or entity");
                        let subjects = toks_in("subj");
                        let mut objects: Vec<End> =
                            toks_in("obj").into_iter().map(End::Tok).collect();
                        if let Some((s, e)) = orig("talk") {
                            let (s, e) = trim_span(&self.doc.text, s, e);
                            let (s, e) = self.title_without_host(li, s, e);
                            let title = clean_title(&self.doc.text[s..e]);
                            // "Ana Ruiz - Zylo" read as "Title - Speaker": a name is no title.
                            let a_name = self.line_toks[li].iter().any(|&k| {
                                let t = &self.toks[k];
                                t.start <= s && t.end >= e && t.may_be_person()
                            });
                            if !title.is_empty() && !a_name {
                                objects.push(End::NewTalk(title, s, e, self.layout.line_of(s)));
                            }
                        }
                        if relation == Relation::Presents && objects.is_empty() {
                            let in_sentence: Vec<usize> = self.line_toks[li]
                                .iter()
                                .copied()
                                .filter(|&k| {
                                    self.toks[k].class == Class::Talk
                                        && self.toks[k].start >= us
                                        && self.toks[k].end <= ue
                                })
                                .collect();
                            match (in_sentence.as_slice(), &context[li]) {
                                ([k], _) => objects.push(End::Tok(*k)),
                                (_, Some(t)) => objects.push(End::Talk(t.to_string())),
                                _ => {}
                            }
                        }
                        if let Some((rs, re)) = orig("role") {
                            let role = self.doc.text[rs..re]
                                .trim()
                                .trim_matches(|c: char| c == ',' || c.is_whitespace());
                            let meaningful =
                                words::words(role).any(|w| !is_function_word(w.as_str()));
                            if meaningful && role.len() >= 3 && role.len() < 80 {
                                for &k in &subjects {
                                    self.roles
                                        .entry(self.toks[k].label.clone())
                                        .or_insert_with(|| role.to_string());
                                }
                            }
                        }
                        for &s in &subjects {
                            for o in &objects {
                                pending.push((
                                    End::Tok(s),
                                    relation,
                                    o.clone(),
                                    rule.id.as_str(),
                                    rule.confidence,
                                    es,
                                    ee,
                                    self.layout.line_of(es),
                                ));
                            }
                        }
                    }
                }
            }
        }
        self.speaker_lines(headings, &mut pending);
        self.bio_affiliations(headings, &mut pending);
        // A name inside a title the structure found ("Ana Ruiz - Managing Groups of
        // Workers") is what the talk is about, not where its speaker works.
        let titles: Vec<(usize, usize)> = pending
            .iter()
            .filter_map(|p| match &p.2 {
                End::NewTalk(_, s, e, _) if p.3 == "structure.speaker_first" => Some((*s, *e)),
                _ => None,
            })
            .collect();
        pending.retain(|p| match (&p.1, &p.2) {
            (Relation::WorksAt, End::Tok(o)) => {
                let t = &self.toks[*o];
                !titles.iter().any(|&(s, e)| t.start >= s && t.end <= e)
            }
            _ => true,
        });
        // Promotions: an unknown run in a typed position becomes that type.
        let promotable = |k: usize, kind: Kind, this: &Self| -> bool {
            let t = &this.toks[k];
            if t.class != Class::Unknown {
                return t.class.kind() == Some(kind);
            }
            let f = fold(&t.label);
            match kind {
                Kind::Person => t.person_shape,
                Kind::Company | Kind::Project => {
                    let letters = t.label.chars().filter(|c| c.is_alphabetic()).count();
                    let digits = t.label.chars().filter(|c| c.is_ascii_digit()).count();
                    let first = t.label.split(' ').next().map(fold).unwrap_or_default();
                    letters >= 2
                        && digits * 3 < letters
                        && !this.rules.not_names.contains(&first)
                        && !this.rules.not_names.contains(&f)
                        && !this.rules.places.contains(&f)
                        && !this.rules.role_words.contains(&f)
                        && !is_job_title(&t.label, &this.rules.role_words)
                        // "Ana Ruiz (@AnaRuiz)": a person's handle, not where they work.
                        && !this.doc.text[..t.start].trim_end().ends_with("(@")
                        // "at Ferncastle Grocers" has a name's shape; a known first name
                        // ("at Jane Smith") does not make an organisation.
                        && !(t.person_shape && this.is_first_name(&first))
                        && !this.is_first_name(&t.label)
                }
                _ => false,
            }
        };
        for (k, kind) in entity_hits {
            if promotable(k, kind, self) && self.toks[k].class == Class::Unknown {
                self.promoted
                    .entry(fold(&self.toks[k].label))
                    .or_insert(kind);
            }
        }
        // A relation promotes its unknown ends only when both ends can take their types.
        let mut viable = Vec::new();
        for p in pending {
            let (from, to) = match p.1 {
                Relation::WorksAt => (Kind::Person, Kind::Company),
                Relation::Presents => (Kind::Person, Kind::Talk),
                Relation::Develops => (Kind::Company, Kind::Project),
                Relation::Mentions => (Kind::Talk, Kind::Project),
                Relation::PartOf => (Kind::Talk, Kind::Event),
            };
            // "- Talk by Ana Ruiz": "Talk" names no talk.
            let bare = |t: &str| {
                matches!(
                    fold(t).as_str(),
                    "talk"
                        | "a talk"
                        | "the talk"
                        | "keynote"
                        | "session"
                        | "presentation"
                        | "conference"
                        | "conférence"
                        | "lightning talk"
                        | "workshop"
                        | "atelier"
                        | "le talk"
                        | "la conférence"
                        | "la conference"
                )
            };
            let ok = |e: &End, kind: Kind| match e {
                End::Tok(k) => promotable(*k, kind, self),
                End::Talk(_) => kind == Kind::Talk,
                End::NewTalk(t, ..) => kind == Kind::Talk && !bare(t),
            };
            if ok(&p.0, from) && ok(&p.2, to) {
                for (e, kind) in [(&p.0, from), (&p.2, to)] {
                    if let End::Tok(k) = e
                        && self.toks[*k].class == Class::Unknown
                    {
                        self.promoted
                            .entry(fold(&self.toks[*k].label))
                            .or_insert(kind);
                    }
                    if let End::NewTalk(title, s, e, line) = e {
                        new_talks.push((title.clone(), *s, *e, *line));
                        // An agenda line belongs to its own talk, not to the section around it.
                        self.claimed.push((p.5, p.6));
                        self.agenda.push((*s, title.clone()));
                    }
                }
                viable.push(p);
            }
        }
        let pending = viable;
        let promoted = self.promoted.clone();
        for t in &mut self.toks {
            if t.class == Class::Unknown {
                match promoted.get(&fold(&t.label)) {
                    Some(Kind::Person) => t.class = Class::Person,
                    Some(Kind::Company) => t.class = Class::Company,
                    Some(Kind::Project) => t.class = Class::Project,
                    _ => {}
                }
            }
        }
        for (title, s, e, line) in new_talks {
            if !self.talks.contains_key(&title) {
                let span = self.span(s, e, line);
                self.talks.insert(title.clone(), span);
            }
            self.talk_titles.push((title, s, e));
        }
        for (s, rel, o, rule, conf, es, ee, line) in pending {
            let end_key = |e: &End, this: &Self| -> Option<(Kind, String)> {
                match e {
                    End::Tok(k) => this.toks[*k]
                        .class
                        .kind()
                        .map(|kind| (kind, this.toks[*k].label.clone())),
                    End::Talk(t) | End::NewTalk(t, ..) => Some((Kind::Talk, t.clone())),
                }
            };
            let (Some(from), Some(to)) = (end_key(&s, self), end_key(&o, self)) else {
                continue;
            };
            if !rel.accepts(from.0, to.0) {
                continue;
            }
            if to.0 == Kind::Talk {
                if let End::Tok(k) = &o {
                    let t = &self.toks[*k];
                    if !self.talks.contains_key(&t.label) {
                        let span = self.span(t.start, t.end, t.line);
                        self.talks.insert(t.label.clone(), span);
                    }
                } else if !self.talks.contains_key(&to.1)
                    && let Some(h) = headings.iter().find(|h| h.talk.as_ref() == Some(&to.1))
                {
                    let span = self.span(h.start, h.end, self.layout.lines[h.line_index].number);
                    self.talks.insert(to.1.clone(), span);
                }
            }
            let evidence = self.span(es, ee, line);
            self.facts.relations.push(RelationFact {
                from,
                relation: rel,
                to,
                rule: Cow::Owned(rule.to_string()),
                confidence: conf,
                evidence,
            });
        }
    }

    /// An agenda line's title without the organisation or event hosting it in front:
    /// "BBL Acme – Domain Driven Design", "Meetup X - Title" give the title alone.
    fn title_without_host(&self, li: usize, mut s: usize, e: usize) -> (usize, usize) {
        // A date or time first, then "Host –" segments: up to four capitalised words that
        // hold an organisation or an event, before a dash.
        static LEAD: Lazy<Regex> = Lazy::new(|| {
            Regex::new(r"^\s*(?:\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}\s*[:hH]\s*\d{2})\s*[–—:|-]?\s*")
                .expect("agenda date regex")
        });
        static SEGMENT: Lazy<Regex> = Lazy::new(|| {
            Regex::new(r"^((?:\p{Lu}[\p{L}\p{N}’\x27&.]*\s*){1,4}?)\s*[–—-]\s+")
                .expect("host segment regex")
        });
        let text = &self.doc.text;
        if let Some(m) = LEAD.find(&text[s..e]) {
            s += m.end();
        }
        while let Some(c) = SEGMENT.captures(&text[s..e]) {
            let (hs, he) = (s, s + c.get(1).expect("group").end());
            let next = s + c.get(0).expect("match").end();
            let hosts = self.line_toks[li].iter().map(|&k| &self.toks[k]).any(|t| {
                t.start >= hs
                    && t.end <= he
                    && matches!(t.class, Class::Company | Class::Event | Class::Unknown)
                    && !t.person_shape
            });
            if !hosts || words::words(&text[next..e]).count() < 2 {
                break;
            }
            s = next;
        }
        (s, e)
    }

    // ---- speakers by structure -------------------------------------------------------

    /// Reads unit `u` from byte `from` on as a line that only names people, each perhaps
    /// with an organisation: "Ana Ruiz", "Ana Ruiz & Li Wei, Zylo", "Ana Ruiz (Zylo) and Li
    /// Wei, Principal Engineer, Qorp", "[Ana Ruiz](…) [@ana](…):". Returns each person
    /// token with its organisation token, or `None` when anything else is said.
    fn speaker_line(&self, u: usize, from: usize) -> Option<Speakers> {
        let unit = &self.units[u];
        let text = &self.layout.clean[unit.start..unit.end()];
        let mut toks: Vec<usize> = self.line_toks[u]
            .iter()
            .copied()
            .filter(|&k| self.toks[k].start >= from)
            .collect();
        toks.sort_by_key(|&k| (self.toks[k].start, std::cmp::Reverse(self.toks[k].end)));
        let mut out: Speakers = Vec::new();
        let mut pos = from.max(unit.start) - unit.start;
        // Where the last person's name ends: a description after it is theirs.
        let mut after_person = pos;
        // Whether the text since the last person ties what follows to them as an affiliation.
        let mut affiliation = false;
        for k in toks {
            let t = &self.toks[k];
            if t.start - unit.start < pos {
                continue;
            }
            let gap = &text[pos..t.start - unit.start];
            let (ok, ties) = self.speaker_gap(gap);
            if !ok {
                // "Ana Ruiz, Développeuse mobile indépendante", "Li Wei, Android Developer
                // at Qorp": after a person and a comma or dash, a short tail says who they
                // are; its organisation, if any, is its last one.
                return self.speaker_tail(u, out, &text[after_person..], unit.start + after_person);
            }
            affiliation |= ties;
            pos = t.end - unit.start;
            let person = t.may_be_person();
            if person {
                out.push((k, None));
                after_person = pos;
                affiliation = false;
                continue;
            }
            let role = t.class == Class::Unknown
                && words::words(&t.label).all(|w| {
                    let f = fold(w.as_str());
                    self.rules.role_words.contains(&f) || self.rules.org_words.contains(&f)
                });
            if role {
                continue;
            }
            match (out.last_mut(), t.class) {
                (Some(last), Class::Company | Class::Unknown | Class::Project) if affiliation => {
                    last.1.get_or_insert(k);
                }
                _ => return None,
            }
        }
        let (ok, _) = self.speaker_gap(&text[pos..]);
        if !ok {
            return self.speaker_tail(u, out, &text[after_person..], unit.start + after_person);
        }
        (!out.is_empty() && out.len() <= 8).then_some(out)
    }

    /// The end of a speaker line from byte `at` (`tail` is its text) read as the last
    /// person's description: it must follow a comma, dash or bracket, be short and hold no
    /// sentence; its last organisation after "at", "chez", "@", "de" or a comma is theirs.
    fn speaker_tail(&self, u: usize, mut out: Speakers, tail: &str, at: usize) -> Option<Speakers> {
        let lead = tail.trim_start();
        let ends_sentence = lead
            .trim_end()
            .trim_end_matches([')', ':', '*'])
            .contains(['.', '!', '?', ';']);
        if out.is_empty()
            || !lead.starts_with([',', '-', '–', '—', '(', '|', '/'])
            || ends_sentence
            || words::words(lead).count() > 8
            || out.len() > 8
        {
            return None;
        }
        static TIE: Lazy<Regex> = Lazy::new(|| {
            Regex::new(r"(?i)(?:\b(?:at|chez|de|d|from|for|pour|of)\b|@|,)\s*[\x27’]?\s*$")
                .expect("tie regex")
        });
        let end = at + tail.len();
        let org = self.line_toks[u]
            .iter()
            .map(|&k| (k, &self.toks[k]))
            .filter(|(_, t)| t.start >= at && t.end <= end)
            .filter(|(_, t)| {
                t.class == Class::Company || t.class == Class::Unknown && !self.known_person(t)
            })
            // "Développeur Fullstack" is what they do, not where.
            .filter(|(_, t)| {
                t.class == Class::Company
                    || !words::words(&t.label)
                        .next()
                        .is_some_and(|w| self.rules.role_words.contains(&fold(w.as_str())))
            })
            .filter(|(_, t)| {
                let gap = &self.doc.text[at..t.start];
                // "/ Tech Lead Qorp": after the person's job title, where it is held.
                let title = gap.trim_matches(|c: char| {
                    c.is_whitespace() || matches!(c, '/' | ',' | '-' | '–' | '—' | '|' | '(')
                });
                TIE.is_match(gap)
                    || !title.is_empty()
                        && !title.contains(['/', ',', '(', '|'])
                        && is_job_title(title, &self.rules.role_words)
            })
            .map(|(k, _)| k)
            .next_back();
        if let (Some(o), Some(last)) = (org, out.last_mut()) {
            last.1.get_or_insert(o);
        }
        Some(out)
    }

    /// Whether text between names on a speaker line says nothing but how they are listed,
    /// and whether it ties what follows to the person before (",", "(", "-", "from", "chez").
    fn speaker_gap(&self, gap: &str) -> (bool, bool) {
        static HANDLE: Lazy<Regex> =
            Lazy::new(|| Regex::new(r"@[\w.-]+|https?://\S+").expect("handle regex"));
        let gap = HANDLE.replace_all(gap, " ");
        let mut ties = gap.contains([',', '(', '-', '–', '—', '|', '/', '@']);
        for w in words::words(&gap) {
            let w = w.as_str();
            let f = fold(w);
            match f.as_str() {
                "and" | "et" | "&" | "with" | "avec" | "feat" | "ft" | "x" | "speaker"
                | "speakers" | "intervenant" | "intervenante" | "intervenants"
                | "intervenantes" | "par" | "by" | "presented" | "presente" | "presentee"
                | "moderator" | "moderated" | "moderateur" | "moderatrice" | "host" | "hosted"
                | "animateur" | "animatrice" | "anime" | "animee" | "panelists" | "panelistes"
                | "talk" | "conference" | "session" | "keynote" | "atelier" | "workshop"
                | "donne" | "donnee" | "given" | "led" | "shared" | "delivered" => {}
                "from" | "at" | "of" | "de" | "d" | "du" | "chez" | "for" | "pour" => ties = true,
                _ if self.rules.honorifics.contains(&f)
                    || self.rules.role_words.contains(&f)
                    || is_function_word(w) => {}
                _ => return (false, false),
            }
        }
        (true, ties)
    }

    /// Speakers named by a document's structure rather than by a sentence: the line or the
    /// heading right under a talk heading that only names people, and the people a heading
    /// names after its title ("Title — Ana Ruiz (Zylo)").
    fn speaker_lines<'r>(&self, headings: &[Heading], pending: &mut Vec<Pending<'r>>) {
        let heading_units: Vec<usize> = headings.iter().map(|h| h.unit).collect();
        let is_heading = |u: usize| heading_units.binary_search(&u).is_ok();
        // Units read as a talk heading's facets and speakers: not titles of their own.
        let mut consumed: BTreeSet<usize> = BTreeSet::new();
        for (hi, h) in headings.iter().enumerate() {
            let Some(title) = h.talk.as_ref().filter(|_| !h.speakers) else {
                continue;
            };
            let mut found: Vec<(usize, Speakers)> = Vec::new();
            if let Some(people) = &h.lead {
                found.push((h.unit, people.clone()));
            }
            // The heading's own tail, when its title stopped before a speaker.
            if h.lead.is_none()
                && clean_title(&h.text) != *title
                && let Some(k) = self.separated_speaker(h).or_else(|| {
                    self.line_toks[h.unit].iter().copied().find(|&k| {
                        let t = &self.toks[k];
                        t.start > h.start && t.may_be_person()
                    })
                })
                && let Some(people) = self.speaker_line(h.unit, self.toks[k].start)
            {
                found.push((h.unit, people));
            }
            let mut u = h.unit + 1;
            let mut next = hi + 1;
            while headings
                .get(next)
                .is_some_and(|n| n.speakers && n.unit == u)
            {
                if let Some(people) = self.speaker_line(u, 0) {
                    found.push((u, people));
                }
                u += 1;
                next += 1;
            }
            // A programme page lists facets first ("Intermediate", "Conference", "45 min"),
            // then its speakers one per line, each perhaps followed by a line that holds
            // only their organisation.
            let mut v = u;
            while v < self.units.len() && v < u + 4 && !is_heading(v) && self.facet_line(v) {
                v += 1;
            }
            let mut listed = false;
            while v < self.units.len() && !is_heading(v) {
                // Right after a person without one, a name that is no known person's is
                // their organisation ("Fanny Demey" then "Smart Macadam").
                let org = self.org_line(v).filter(|_| listed).filter(|_| {
                    found
                        .last()
                        .and_then(|(_, people)| people.last())
                        .is_some_and(|p| p.1.is_none())
                });
                if let Some(org) = org {
                    if let Some(last) = found.last_mut().and_then(|(_, p)| p.last_mut())
                        && self.toks[org].class != Class::Project
                    {
                        last.1 = Some(org);
                    }
                } else if let Some(people) = self.speaker_line(v, 0) {
                    found.push((v, people));
                    listed = true;
                } else {
                    break;
                }
                consumed.extend(u..=v);
                v += 1;
                // In prose, one line of names under the heading is all there is.
                if self.units[v - 1].kind != LineKind::ListItem
                    && words::words(&self.units[v - 1].clean).count() > 4
                {
                    break;
                }
            }
            if listed {
                u = v;
            }
            // Further down the section, a line that says it names speakers ("Par Ana Ruiz",
            // "Speakers: …") wherever it stands.
            while u < self.units.len() && !is_heading(u) {
                // A title in bold below the heading starts a talk of its own.
                if self.units[u].kind == LineKind::Text && self.all_emphasised(&self.units[u]) {
                    break;
                }
                if SPEAKER_LABEL.is_match(&self.units[u].clean)
                    && let Some(people) = self.speaker_line(u, 0)
                {
                    found.push((u, people));
                }
                u += 1;
            }
            self.push_speakers(
                &End::Talk(title.clone()),
                ("structure.speaker_line", 0.8),
                found,
                pending,
            );
        }
        // "- Title : description" then "- Ana Ruiz - Zylo", "- Li Wei - Qorp" items: the
        // items that only name people present the item above them.
        let mut u = 0;
        while u + 1 < self.units.len() {
            let item = &self.units[u];
            let mut v = u + 1;
            let mut found = Vec::new();
            // A title in bold on a line of its own, then "* Speaker: Ana Ruiz / Lead @Qorp".
            let bold = item.kind == LineKind::Text && self.all_emphasised(item);
            while v < self.units.len()
                && (self.units[v].kind == LineKind::ListItem
                    || bold && SPEAKER_LABEL.is_match(&self.units[v].clean))
                && !is_heading(v)
                // "- Ana Ruiz - [Calm Queues](…)" is a talk of its own, not a speaker of the
                // item above.
                && self
                    .speaker_first(v, (self.units[v].start, self.units[v].end()))
                    .is_none()
                && let Some(people) = self.speaker_line(v, 0)
            {
                found.push((v, people));
                v += 1;
            }
            let breaks = |t: &str| {
                self.cues.scope_break.is_match(t)
                    || self.cues.label_line.is_some_and(|r| r.is_match(t))
            };
            let title = (!found.is_empty()
                && (item.kind == LineKind::ListItem || bold)
                && !is_heading(u)
                && !consumed.contains(&u)
                && !breaks(item.trimmed())
                && self.speaker_line(u, 0).is_none())
            .then(|| item_title(item.trimmed()))
            .flatten();
            if let Some((s, e)) = title {
                let lead = item.clean.len() - item.clean.trim_start().len();
                let (s, e) = (item.start + lead + s, item.start + lead + e);
                let title = clean_title(&self.doc.text[s..e]);
                let line = self.layout.line_of(s);
                self.push_speakers(
                    &End::NewTalk(title, s, e, line),
                    ("structure.speaker_items", 0.75),
                    found,
                    pending,
                );
            }
            u = v.max(u + 1);
        }
        // "**Pipelines de données** (Romain Clement)", "*Calm Queues* - Li Wei, Qorp": a
        // paragraph that opens with an emphasised title and then only names its speakers.
        let mut emphasis = self.layout.emphasis.clone();
        emphasis.sort_unstable();
        let mut titled = 0;
        let mut led: Vec<(usize, usize, String, usize, usize)> = Vec::new();
        for u in 0..self.units.len() {
            let unit = &self.units[u];
            if is_heading(u)
                || consumed.contains(&u)
                || !matches!(unit.kind, LineKind::Text | LineKind::ListItem)
            {
                continue;
            }
            let text = &self.doc.text[unit.start..unit.end()];
            let Some(lead) = text.find(|c: char| c.is_alphanumeric()) else {
                continue;
            };
            let at = emphasis.partition_point(|&(es, _)| es < unit.start + lead);
            let Some(&(es, ee)) = emphasis.get(at).filter(|&&(es, _)| es == unit.start + lead)
            else {
                continue;
            };
            if ee >= unit.end() {
                continue;
            }
            let rest = self.doc.text[ee..unit.end()].trim();
            if rest.is_empty() {
                continue;
            }
            // "**Ana Ruiz** (Qorp)" names a person, not a title.
            let names_person = self.line_toks[u].iter().any(|&k| {
                let t = &self.toks[k];
                t.start <= es + 1 && t.end + 1 >= ee && t.may_be_person()
            });
            if names_person {
                continue;
            }
            let title = clean_title(&self.doc.text[es..ee]);
            let n = words::words(&title).count();
            let opens = opens_as_name(&title) || title.starts_with(|c: char| c.is_ascii_digit());
            if !opens || !(2..=20).contains(&n) || title.ends_with(['.', ':']) {
                continue;
            }
            let short = !rest.contains('\n') && words::words(rest).count() <= 12;
            if let Some(people) = self.speaker_line(u, ee).filter(|_| short) {
                let line = self.layout.line_of(es);
                self.push_speakers(
                    &End::NewTalk(title, es, ee, line),
                    ("structure.emphasised_title", 0.75),
                    vec![(u, people)],
                    pending,
                );
                titled += 1;
            } else if let Some(k) = self.lead_presenter(u, ee) {
                led.push((u, k, title, es, ee));
            }
        }
        // "**Title**, Ana Ruiz passe en revue…", "**Title** par Ana Ruiz. Notes…": a
        // paragraph that opens with an emphasised title and then its presenter. One could
        // be emphasis in prose; two or more make a programme.
        if titled + led.len() >= 2 {
            for (u, k, title, es, ee) in led {
                let line = self.layout.line_of(es);
                self.push_speakers(
                    &End::NewTalk(title, es, ee, line),
                    ("structure.emphasised_lead", 0.7),
                    vec![(u, vec![(k, None)])],
                    pending,
                );
            }
        }
        self.table_programme(pending);
        // Lines that open with their speakers: one such line could be a sentence, a run of
        // them in a document is a programme.
        let firsts: Vec<(usize, Speakers, usize, usize)> = (0..self.units.len())
            .filter(|&u| !is_heading(u) && !consumed.contains(&u))
            .flat_map(|u| {
                let unit = &self.units[u];
                let mut at = unit.start;
                self.doc.text[unit.start..unit.end()]
                    .split_inclusive('\n')
                    .filter_map(move |l| {
                        let span = (at, at + l.trim_end_matches(['\n', '\r']).len());
                        at += l.len();
                        self.speaker_first(u, span).map(|(p, s, e)| (u, p, s, e))
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        if firsts.len() >= 2 {
            for (u, people, s, e) in firsts {
                let title = clean_title(&self.doc.text[s..e]);
                let line = self.layout.line_of(s);
                self.push_speakers(
                    &End::NewTalk(title, s, e, line),
                    ("structure.speaker_first", 0.75),
                    vec![(u, people)],
                    pending,
                );
            }
        }
    }

    /// The speaker a heading names after its title: the first name-shaped run that a dash,
    /// "by" or a bracket separates from the text before it. "Calm Queues" in "## Calm Queues
    /// for Busy People - Ana Ruiz" has a name's shape too, but nothing separates it from "## ".
    fn separated_speaker(&self, h: &Heading) -> Option<usize> {
        self.line_toks[h.unit].iter().copied().find(|&k| {
            let t = &self.toks[k];
            t.start > h.start
                && t.may_be_person()
                && SPEAKER_SEP
                    .find(&self.layout.clean[h.start..t.start])
                    .is_some()
        })
    }

    /// The person who opens what follows an emphasised title at `at` in unit `u`:
    /// "**Title**, Ana Ruiz passe en revue…", "**Title** par [Ana Ruiz](…). …",
    /// "**Title** by Ana Ruiz, who…". Only links, brackets, a comma, a dash or "par"/"by"
    /// may stand between the title and the name.
    fn lead_presenter(&self, u: usize, at: usize) -> Option<usize> {
        let mut toks: Vec<usize> = self.line_toks[u]
            .iter()
            .copied()
            .filter(|&k| self.toks[k].start >= at && !self.toks[k].nested)
            .collect();
        toks.sort_by_key(|&k| self.toks[k].start);
        let &k = toks.first()?;
        let t = &self.toks[k];
        let between = self.layout.clean[at..t.start]
            .trim_matches(|c: char| c.is_whitespace() || matches!(c, '*' | '_' | '[' | '(' | '"'))
            .to_lowercase();
        let tie = matches!(
            between.as_str(),
            "," | "-" | "–" | "—" | ":" | "par" | "by" | ", par" | ", by" | "- par" | "- by"
        );
        (tie && t.may_be_person()).then_some(k)
    }

    /// A table whose header names its columns ("Talk Title | Speaker | Company",
    /// "Sujet | Intervenant"): each row below is a talk, its speakers and their organisation.
    fn table_programme<'r>(&self, pending: &mut Vec<Pending<'r>>) {
        #[derive(PartialEq)]
        enum Col {
            Title,
            Speaker,
            Org,
            Other,
        }
        let column = |cell: &str| -> Col {
            let words: Vec<String> = words::words(cell).map(|w| fold(w.as_str())).collect();
            let has = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
            if words.is_empty() || words.len() > 3 {
                Col::Other
            } else if has(&[
                "speaker",
                "speakers",
                "intervenant",
                "intervenants",
                "intervenante",
                "intervenantes",
                "orateur",
                "oratrice",
                "orateurs",
                "presenter",
                "presenters",
                "presentateur",
                "who",
                "qui",
                "conferencier",
                "conferenciere",
                "auteur",
                "author",
            ]) {
                Col::Speaker
            } else if has(&[
                "title",
                "titre",
                "sujet",
                "subject",
                "topic",
                "talk",
                "talks",
                "session",
                "conference",
                "presentation",
            ]) {
                Col::Title
            } else if has(&[
                "company",
                "entreprise",
                "societe",
                "organisation",
                "organization",
                "affiliation",
                "employer",
                "org",
            ]) {
                Col::Org
            } else {
                Col::Other
            }
        };
        // A row's cells as byte ranges of the document.
        let cells = |line: &read::Line| -> Vec<(usize, usize)> {
            let text = &self.doc.text[line.start..line.end()];
            let text = text.trim_end_matches(['\n', '\r']);
            let mut out = Vec::new();
            let mut from = 0;
            for (i, c) in text.char_indices() {
                if c == '|' {
                    out.push((line.start + from, line.start + i));
                    from = i + 1;
                }
            }
            out.push((line.start + from, line.start + text.len()));
            // A leading or trailing pipe leaves an empty cell at an end.
            let blank = |&(s, e): &(usize, usize)| self.doc.text[s..e].trim().is_empty();
            if out.first().is_some_and(blank) {
                out.remove(0);
            }
            if out.last().is_some_and(blank) {
                out.pop();
            }
            out
        };
        let lines = &self.layout.lines;
        let has_pipe = |l: &read::Line| self.doc.text[l.start..l.end()].contains('|');
        // Tokens by start, to find a cell's without scanning them all.
        let mut by_start: Vec<(usize, usize)> = Vec::new();
        let mut li = 0;
        while li < lines.len() {
            if !has_pipe(&lines[li]) {
                li += 1;
                continue;
            }
            let head: Vec<Col> = cells(&lines[li])
                .iter()
                .map(|&(s, e)| column(&self.doc.text[s..e]))
                .collect();
            let (Some(ti), Some(si)) = (
                head.iter().position(|c| *c == Col::Title),
                head.iter().position(|c| *c == Col::Speaker),
            ) else {
                li += 1;
                continue;
            };
            if by_start.is_empty() {
                by_start = (0..self.toks.len())
                    .filter(|&k| !self.toks[k].nested)
                    .map(|k| (self.toks[k].start, k))
                    .collect();
                by_start.sort_unstable();
            }
            let in_cell = |(s, e): (usize, usize)| -> Vec<usize> {
                let from = by_start.partition_point(|&(st, _)| st < s);
                by_start[from..]
                    .iter()
                    .take_while(|&&(st, _)| st < e)
                    .map(|&(_, k)| k)
                    .filter(|&k| self.toks[k].end <= e)
                    .collect()
            };
            let oi = head.iter().position(|c| *c == Col::Org);
            let mut v = li + 1;
            // The delimiter row is blanked by the reader.
            while v < lines.len()
                && (lines[v].kind == LineKind::Blank && v == li + 1 || has_pipe(&lines[v]))
            {
                let line = &lines[v];
                v += 1;
                let row = cells(line);
                if row.len() != head.len() {
                    continue;
                }
                let (ts, te) = trim_span(&self.doc.text, row[ti].0, row[ti].1);
                let title = clean_title(&self.doc.text[ts..te]);
                if title.is_empty() || words::words(&title).count() > 25 {
                    continue;
                }
                let org = oi.and_then(|oi| {
                    in_cell(row[oi])
                        .into_iter()
                        .find(|&k| matches!(self.toks[k].class, Class::Company | Class::Unknown))
                });
                let people: Vec<usize> = in_cell(row[si])
                    .into_iter()
                    .filter(|&k| self.toks[k].may_be_person())
                    .collect();
                if people.is_empty() {
                    continue;
                }
                let (es, ee) = trim_span(&self.doc.text, line.start, line.end());
                let talk = End::NewTalk(title, ts, te, line.number);
                for p in people {
                    pending.push((
                        End::Tok(p),
                        Relation::Presents,
                        talk.clone(),
                        "structure.table_columns",
                        0.8,
                        es,
                        ee,
                        line.number,
                    ));
                    if let Some(o) = org {
                        pending.push((
                            End::Tok(p),
                            Relation::WorksAt,
                            End::Tok(o),
                            "structure.table_columns",
                            0.8,
                            es,
                            ee,
                            line.number,
                        ));
                    }
                }
            }
            li = v.max(li + 1);
        }
    }

    /// "🗣 Ana Ruiz - Managing Groups of Goroutines", "Li Wei & Bo Chen (Qorp): Calm
    /// Queues": a line that opens with its speakers, then a dash or a colon and the title.
    /// Returns the speakers and the title's byte range.
    fn speaker_first(
        &self,
        u: usize,
        (from, to): (usize, usize),
    ) -> Option<(Speakers, usize, usize)> {
        static SEP: Lazy<Regex> =
            Lazy::new(|| Regex::new(r"^(?:\s+[-–—|]|\s*:)\s+").expect("separator regex"));
        static AND: Lazy<Regex> =
            Lazy::new(|| Regex::new(r"^\s*(?:,|&|\+|\band\b|\bet\b)\s*").expect("and regex"));
        static PAREN: Lazy<Regex> =
            Lazy::new(|| Regex::new(r"^\s*\(([^()\n]{1,60})\)").expect("paren regex"));
        let unit = &self.units[u];
        if !matches!(
            unit.kind,
            LineKind::ListItem | LineKind::Text | LineKind::Heading(_)
        ) {
            return None;
        }
        // One line of the unit: a hard-wrapped paragraph may hold several.
        let base = from;
        let body = self.doc.text[from..to].trim_end();
        let lead = body.find(|c: char| c.is_alphanumeric())?;
        // Most lines do not open with a name: decided before anything is gathered.
        if !self
            .unit_toks_from(u, base + lead, base + lead)
            .any(|k| self.toks[k].may_be_person())
        {
            return None;
        }
        let mut toks: Vec<usize> = self
            .unit_toks_from(u, from, to)
            .filter(|&k| {
                let t = &self.toks[k];
                !t.nested && t.start >= from && t.end <= to
            })
            .collect();
        toks.sort_by_key(|&k| self.toks[k].start);
        let tok_at = |at: usize| toks.iter().copied().find(|&k| self.toks[k].start == at);
        let mut people: Speakers = Vec::new();
        let mut pos = lead;
        loop {
            let k = tok_at(base + pos).filter(|&k| self.toks[k].may_be_person())?;
            pos = self.toks[k].end - base;
            let mut org = None;
            if let Some(c) = PAREN.captures(&body[pos..]) {
                let inner = c.get(1).expect("group");
                let (s, e) = (base + pos + inner.start(), base + pos + inner.end());
                org = toks.iter().copied().find(|&k| {
                    let t = &self.toks[k];
                    t.start >= s
                        && t.end <= e
                        && (t.class == Class::Company
                            || t.class == Class::Unknown && !t.may_be_person())
                });
                pos += c.get(0).expect("match").end();
            }
            people.push((k, org));
            match AND.find(&body[pos..]) {
                Some(m) if tok_at(base + pos + m.end()).is_some() => pos += m.end(),
                _ => break,
            }
        }
        let sep = SEP.find(&body[pos..])?;
        let from = pos + sep.end();
        let title = body[from..].trim();
        let first = words::words(title).next()?;
        let opens = opens_as_name(title) || title.starts_with(|c: char| c.is_ascii_digit());
        let n = words::words(title).count();
        // "Ana Ruiz - Staff Engineer at Qorp" describes the person, not a talk.
        static WHERE: Lazy<Regex> =
            Lazy::new(|| Regex::new(r"(?i)\b(?:at|chez|from|@)\s").expect("where regex"));
        let is_bio = self.rules.role_words.contains(&fold(first.as_str()))
            || is_job_title(title, &self.rules.role_words)
            || WHERE.is_match(title) && n <= 6;
        let (s, e) = (base + from, base + from + title.len());
        // "Luke Kanies - Puppet Labs", "Jay Lyman - The 451 Group": where they work. Not
        // when the organisation came in brackets ("Ana Ruiz (Qorp) - Bazel"), nor when the
        // rest is a known project.
        let org_given = people.iter().any(|p| p.1.is_some());
        let org_word_last = words::words(title)
            .last()
            .is_some_and(|w| self.rules.org_words.contains(&fold(w.as_str())));
        let only_org = !org_given
            && (toks.iter().any(|&k| {
                let t = &self.toks[k];
                t.start >= s
                    && t.end == e
                    && (t.class == Class::Company || t.class == Class::Unknown)
                    && matches!(
                        self.doc.text[s..t.start].trim(),
                        "" | "The" | "the" | "La" | "Le" | "Les" | "L'"
                    )
            }) || org_word_last && n <= 4);
        // A heading may be titled by one word ("Ana Ruiz (Qorp) - Bazel").
        let least = if matches!(unit.kind, LineKind::Heading(_)) {
            1
        } else {
            2
        };
        (opens && (least..=20).contains(&n) && !title.ends_with('.') && !is_bio && !only_org)
            .then_some((people, s, e))
    }

    /// A talk's section often holds its speaker's bio: "Avik is a data scientist; he leads
    /// AIOps at Intuit", "Elle travaille chez Qorp". A sentence whose subject is a presenter's
    /// first name, or a pronoun when the talk has one presenter, and which says where they
    /// work ("at", "chez", "for" before an organisation, with a job word) gives works_at.
    fn bio_affiliations<'r>(&self, headings: &[Heading], pending: &mut Vec<Pending<'r>>) {
        static WORK: Lazy<Regex> = Lazy::new(|| {
            Regex::new(r"(?i)\b(?:works?|worked|working|leads?|led|is|was|joined|est|était|travaille|dirige|a rejoint|engineer|developer|manager|architect|scientist|advocate|founder|cto|ceo|ingénieure?|développeu(?:r|se)|architecte|team|équipe)\b")
                .expect("work cue regex")
        });
        static TIE: Lazy<Regex> = Lazy::new(|| {
            Regex::new(r"(?i)(?:\b(?:at|chez|for|pour|with)|@)\s*$").expect("bio tie regex")
        });
        let heading_units: Vec<usize> = headings.iter().map(|h| h.unit).collect();
        for (hi, h) in headings.iter().enumerate() {
            let Some(title) = h.talk.as_ref().filter(|_| !h.speakers) else {
                continue;
            };
            let mut presenters: Vec<usize> = pending
                .iter()
                .filter(|p| p.1 == Relation::Presents && matches!(&p.2, End::Talk(t) if t == title))
                .filter_map(|p| match p.0 {
                    End::Tok(k) => Some(k),
                    _ => None,
                })
                .collect();
            // People only, each once under their fullest name ("Adaeze" is Adaeze Whitcombe).
            presenters.retain(|&k| {
                let t = &self.toks[k];
                t.may_be_person()
            });
            presenters.sort_by_key(|&k| std::cmp::Reverse(self.toks[k].label.len()));
            let mut seen: Vec<String> = Vec::new();
            presenters.retain(|&k| {
                let f = fold(&self.toks[k].label);
                let dup = seen
                    .iter()
                    .any(|s| *s == f || s.split(' ').next() == Some(f.as_str()));
                seen.push(f);
                !dup
            });
            if presenters.is_empty() {
                continue;
            }
            let end = headings[hi + 1..]
                .iter()
                .find(|n| !n.speakers)
                .map_or(self.units.len(), |n| n.unit);
            let mut found: Vec<(usize, usize, usize, usize, usize)> = Vec::new();
            for u in h.unit + 1..end {
                if heading_units.binary_search(&u).is_ok() {
                    continue;
                }
                for sent in self.sentences_of(&self.units[u]) {
                    let text = &self.doc.text[sent.start..sent.end];
                    let Some(first) = words::words(text).next() else {
                        continue;
                    };
                    let f = fold(first.as_str());
                    // "He leads…", "Currently she works…", "Aujourd'hui il dirige…", and
                    // "Her team at Qorp…", "Son équipe chez Qorp…".
                    let pronoun = words::words(text).take(3).any(|w| {
                        matches!(
                            fold(w.as_str()).as_str(),
                            "he" | "she" | "il" | "elle" | "his" | "her" | "son" | "sa"
                        )
                    });
                    let who: Vec<usize> = presenters
                        .iter()
                        .copied()
                        .filter(|&k| {
                            let label = &self.toks[k].label;
                            label.split(' ').next().is_some_and(|n| fold(n) == f)
                                || text.starts_with(label.as_str())
                        })
                        .collect();
                    let person = match (who.as_slice(), pronoun, presenters.as_slice()) {
                        ([k], _, _) => *k,
                        ([], true, [k]) => *k,
                        _ => continue,
                    };
                    if !WORK.is_match(text) {
                        continue;
                    }
                    let org = self.line_toks[u]
                        .iter()
                        .copied()
                        .filter(|&k| {
                            let t = &self.toks[k];
                            t.start >= sent.start
                                && t.end <= sent.end
                                && (t.class == Class::Company
                                    || t.class == Class::Unknown && !self.known_person(t))
                                && TIE.is_match(&self.doc.text[sent.start..t.start])
                        })
                        .min_by_key(|&k| self.toks[k].start);
                    if let Some(o) = org {
                        found.push((person, o, sent.start, sent.end, sent.line));
                        break;
                    }
                }
            }
            for (p, o, s, e, line) in found {
                pending.push((
                    End::Tok(p),
                    Relation::WorksAt,
                    End::Tok(o),
                    "structure.speaker_bio",
                    0.7,
                    s,
                    e,
                    line,
                ));
            }
        }
    }

    /// Whether an unclaimed run is a person's name rather than an organisation's: it has a
    /// name's shape and starts with a known first name ("at Jane Smith", not "at Corvid
    /// Freight").
    /// Whether a unit is one of a programme entry's facets: a level, a format, a length,
    /// a language or a room ("Intermediate", "Conference", "45 min", "EN", "Salle 2"),
    /// with no name in it.
    fn facet_line(&self, u: usize) -> bool {
        static FACET: Lazy<Regex> = Lazy::new(|| {
            Regex::new(r"(?i)^(?:beginners?|intermediate|advanced|expert|all levels|d[ée]butant|interm[ée]diaire|avanc[ée]|confirm[ée]|tous niveaux|(?:niveau|level|format|type|langue|language|durée|duration|room|salle|track)\b.*|\d+\s*(?:min|mn|minutes|h|hours?|heures?)|fr|en|french|english|fran[çc]ais|anglais|room\s+\S+|salle\s+\S+|amphi\S*(?:\s+\S+)?)$")
                .expect("facet regex")
        });
        let text = self.units[u].clean.trim();
        let text = text.trim_start_matches(['-', '*', '+', '•', ' ']).trim();
        !text.is_empty()
            && words::words(text).count() <= 4
            && !self.line_toks[u].iter().any(|&k| {
                let t = &self.toks[k];
                t.may_be_person()
            })
            && (FACET.is_match(text) || self.cues.talk_word.is_match(text))
    }

    /// The organisation a unit holds and nothing else ("Saagie", "- Smart Macadam").
    fn org_line(&self, u: usize) -> Option<usize> {
        let unit = &self.units[u];
        let text = unit
            .clean
            .trim()
            .trim_start_matches(['-', '*', '+', '•', ' ']);
        let mut toks = self.line_toks[u].iter().filter(|&&k| !self.toks[k].nested);
        let (Some(&k), None) = (toks.next(), toks.next()) else {
            return None;
        };
        let t = &self.toks[k];
        // A project's name standing there is an organisation's ("Project Reactor"): the
        // line is read, but only an organisation is tied to the person.
        let org = matches!(t.class, Class::Company | Class::Project)
            || t.class == Class::Unknown && !self.known_person(t) && !self.is_first_name(&t.label);
        (org && t.end - t.start == text.trim_end().len()).then_some(k)
    }

    fn known_person(&self, t: &Tok) -> bool {
        t.person_shape
            && t.label
                .split(' ')
                .next()
                .is_some_and(|w| self.is_first_name(w))
    }

    /// Whether a unit's text is all emphasised ("**Title**" on a line of its own).
    fn all_emphasised(&self, unit: &read::Line) -> bool {
        let text = unit.clean.trim();
        if text.is_empty() {
            return false;
        }
        let lead = unit.clean.len() - unit.clean.trim_start().len();
        let (s, e) = (unit.start + lead, unit.start + lead + text.len());
        let at = self.layout.emphasis.partition_point(|&(es, _)| es <= s);
        self.layout.emphasis[..at]
            .iter()
            .rev()
            .take(4)
            .any(|&(es, ee)| es <= s && ee >= e)
    }

    /// Presents (and works_at, where the line names an organisation) for the people of
    /// each speaker line found for `talk`, by rule `rule`.
    fn push_speakers<'r>(
        &self,
        talk: &End,
        (rule, confidence): (&'static str, f64),
        found: Vec<(usize, Speakers)>,
        pending: &mut Vec<Pending<'r>>,
    ) {
        for (u, people) in found {
            let unit = &self.units[u];
            let (es, ee) = trim_span(&self.doc.text, unit.start, unit.end());
            let line = unit.number;
            for (p, org) in people {
                pending.push((
                    End::Tok(p),
                    Relation::Presents,
                    talk.clone(),
                    rule,
                    confidence,
                    es,
                    ee,
                    line,
                ));
                if let Some(o) = org {
                    pending.push((
                        End::Tok(p),
                        Relation::WorksAt,
                        End::Tok(o),
                        "structure.speaker_org",
                        0.8,
                        es,
                        ee,
                        line,
                    ));
                }
            }
        }
    }

    // ---- assembling facts -------------------------------------------------------------

    /// A page of past meetups, one dated heading each ("### September 18 2019 - Qorp",
    /// "## Soirée du 12 mars 2024"), numbered ("#### #6 - Tuesday, November 22nd") or led by
    /// its year ("## 2019 – Agile Tour Lille"), with its talks under it: each heading names an
    /// edition, the event its talks belong to. One such heading alone is the post's own date.
    fn dated_heading_events(&mut self, headings: &[Heading]) {
        let talk_starts: Vec<usize> = self.talks.values().map(|s| s.start).collect();
        let series = self.series_name(headings);
        // (start, end, line, label, event tokens the name widens)
        let mut found: Vec<(usize, usize, usize, String, Vec<usize>)> = Vec::new();
        for (i, h) in headings.iter().enumerate() {
            let is_talk = h.talk.as_ref().is_some_and(|t| self.talks.contains_key(t));
            if h.level >= 9 || is_talk || h.speakers {
                continue;
            }
            let events_here: Vec<usize> = self.line_toks[h.unit]
                .iter()
                .copied()
                .filter(|&k| self.toks[k].class == Class::Event)
                .collect();
            let line_clean = &self.layout.clean[h.start..h.end];
            let text_at = h.start + (line_clean.len() - line_clean.trim_start().len());
            let whole = || {
                let raw = &self.doc.text[h.start..h.end];
                let keep = |c: char| c.is_alphanumeric() || matches!(c, ')' | '\'' | '’');
                let a = raw.find(keep)?;
                let (b, c) = raw.char_indices().rfind(|&(_, c)| keep(c))?;
                let b = b + c.len_utf8();
                Some((h.start + a, h.start + b, collapse_ws(&raw[a..b])))
            };
            let (start, end, label, widen) = match edition_head(&h.text) {
                Some(EditionHead::YearLed { year, name: (a, b) }) => {
                    let (s, e) = (text_at + a, text_at + b);
                    // A known event that covers the whole name is the edition already.
                    if events_here
                        .iter()
                        .any(|&k| self.toks[k].start <= s && self.toks[k].end >= e)
                    {
                        continue;
                    }
                    let name = collapse_ws(&self.layout.clean[s..e]);
                    let label = if words::words(&name).any(|w| YEAR.is_match(w.as_str())) {
                        name
                    } else {
                        format!("{name} {year}")
                    };
                    (s, e, label, events_here)
                }
                Some(EditionHead::Numbered(n)) if events_here.is_empty() => {
                    let Some((s, e, text)) = whole() else {
                        continue;
                    };
                    let label = series
                        .as_ref()
                        .map_or(text, |series| format!("{series} #{n}"));
                    (s, e, label, Vec::new())
                }
                None if events_here.is_empty() && FULL_DATE.is_match(&h.text) => {
                    let Some((s, e, text)) = whole() else {
                        continue;
                    };
                    (s, e, text, Vec::new())
                }
                _ => continue,
            };
            // Its part runs to the next heading of its level or above.
            let part_end = headings[i + 1..]
                .iter()
                .find(|n| n.level <= h.level)
                .map_or(self.doc.text.len(), |n| n.start);
            if !talk_starts.iter().any(|&s| s >= h.end && s < part_end) {
                continue;
            }
            let line = self.layout.lines[h.line_index].number;
            found.push((start, end, line, label, widen));
        }
        if found.len() < 2 {
            return;
        }
        // "2019 - Microsoft Ignite the Tour Paris": the gazetteer's "Microsoft Ignite" was
        // the start of the edition's name, here and wherever the page repeats it.
        let mut renamed: BTreeMap<String, String> = BTreeMap::new();
        for (start, end, line, label, widen) in found {
            for k in widen {
                renamed.insert(fold(&self.toks[k].label), label.clone());
                self.toks[k].class = Class::Unknown;
            }
            self.toks.push(Tok {
                class: Class::Event,
                start,
                end,
                line,
                label,
                aliases: Vec::new(),
                person_shape: false,
                nested: false,
            });
        }
        for t in self.toks.iter_mut().filter(|t| t.class == Class::Event) {
            if let Some(label) = renamed.get(&fold(&t.label)) {
                t.label = label.clone();
            }
        }
    }

    /// The series a page of editions belongs to: its level-1 heading or its title, when
    /// that is a short name ("Vienna.html"), not a sentence.
    fn series_name(&self, headings: &[Heading]) -> Option<String> {
        headings
            .iter()
            .filter(|h| h.level == 1)
            .map(|h| clean_title(&h.text))
            .take(1)
            .chain(self.layout.title.as_deref().map(clean_title))
            .find(|t| {
                let n = words::words(t).count();
                (1..=3).contains(&n)
                    && title_like(t, 1)
                    && !words::words(t).any(|w| YEAR.is_match(w.as_str()))
            })
    }

    /// One organisation or project written with and without its spaces or hyphens
    /// ("Voyage Privé" and "VoyagePrivé" in one post) is one entity, named by its spaced
    /// form; the other spelling stays as its alias.
    fn join_spellings(&mut self) {
        // Distinct labels first: a post names the same few organisations many times.
        let labels: BTreeSet<(Kind, &str)> = self
            .toks
            .iter()
            .filter_map(|t| match t.class.kind() {
                Some(kind @ (Kind::Company | Kind::Project)) => Some((kind, t.label.as_str())),
                _ => None,
            })
            .collect();
        let mut groups: BTreeMap<(Kind, String), Vec<&str>> = BTreeMap::new();
        for &(kind, label) in &labels {
            let key: String = fold(label)
                .chars()
                .filter(|c| c.is_alphanumeric())
                .collect();
            if key.chars().count() >= 4 {
                groups.entry((kind, key)).or_default().push(label);
            }
        }
        let mut rename: BTreeMap<(Kind, String), String> = BTreeMap::new();
        for ((kind, _), spellings) in &groups {
            if spellings.len() < 2 {
                continue;
            }
            let name = spellings
                .iter()
                .find(|l| l.contains(' '))
                .unwrap_or(&spellings[0]);
            for l in spellings {
                if fold(l) != fold(name) {
                    rename.insert((*kind, l.to_string()), name.to_string());
                }
            }
        }
        if rename.is_empty() {
            return;
        }
        for t in &mut self.toks {
            if let Some(kind) = t.class.kind()
                && let Some(name) = rename.get(&(kind, t.label.clone()))
            {
                t.label = name.clone();
            }
        }
        for r in &mut self.facts.relations {
            for end in [&mut r.from, &mut r.to] {
                if let Some(name) = rename.get(&(end.0, end.1.clone())) {
                    end.1 = name.clone();
                }
            }
        }
    }

    /// Where a talk already known (from a heading, a list, a quote) is named again, whole,
    /// in a paragraph or a list item of its own: as (title, start, end). Only titles of
    /// three words or more, so a short title that is also a phrase ("Getting started") is
    /// not seen everywhere.
    fn repeated_titles(&self) -> Vec<(String, usize, usize)> {
        let titles: Vec<&String> = self
            .talks
            .keys()
            .filter(|t| t.len() >= 15 && t.split_whitespace().count() >= 3)
            .collect();
        if titles.is_empty() {
            return Vec::new();
        }
        let Ok(ac) = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(&titles)
        else {
            return Vec::new();
        };
        let text = &self.doc.text;
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
        // Every title is found at its own place too: where titles already are is one
        // binary search, not a scan per match (a page of 100,000 headings has as many).
        let taken = Spans::new(
            self.talk_titles
                .iter()
                .map(|(_, a, b)| (*a, *b))
                .chain(self.claimed.iter().copied())
                .chain(
                    self.toks
                        .iter()
                        .filter(|t| t.class == Class::Talk)
                        .map(|t| (t.start, t.end)),
                ),
        );
        let mut out = Vec::new();
        for m in ac.find_iter(text.as_str()) {
            let (s, e) = (m.start(), m.end());
            if word(text[..s].chars().next_back()) || word(text[e..].chars().next()) {
                continue;
            }
            let line = &self.layout.lines[self.layout.line_of(s) - 1];
            if !matches!(line.kind, LineKind::Text | LineKind::ListItem) || taken.overlap(s, e) {
                continue;
            }
            out.push((titles[m.pattern().as_usize()].clone(), s, e));
        }
        out
    }

    /// "Sunny Tech Montpellier 2026" in the title and "Sunny Tech 2026" in the text are one
    /// event: names equal but for the places they add are merged, under the name without
    /// them, the other kept as an alias. Only names that keep a word besides the places and
    /// the year, and whose year (if any) is in both: "DevFest Lille" and "DevFest Nantes" stay
    /// two events, and so do two places of a series with nothing in common.
    fn merge_events_by_place(
        &self,
        ents: &mut BTreeMap<(Kind, String), EntityFact>,
    ) -> Vec<(String, String)> {
        let mut renamed = Vec::new();
        let places = &self.rules.places;
        let bare = |f: &str| -> String {
            f.split(' ')
                .filter(|w| !places.contains(*w))
                .collect::<Vec<_>>()
                .join(" ")
        };
        // "StrangeLoop 2023" and "Strange Loop 2023": names equal but for their spaces, with
        // the same places, are one event, under the name written most often.
        let mut by_squashed: BTreeMap<(String, Vec<&str>), Vec<String>> = BTreeMap::new();
        for (kind, f) in ents.keys() {
            if *kind == Kind::Event {
                let mut at: Vec<&str> = f.split(' ').filter(|w| places.contains(*w)).collect();
                at.sort_unstable();
                by_squashed
                    .entry((bare(f).replace(' ', ""), at))
                    .or_default()
                    .push(f.clone());
            }
        }
        let groups: Vec<Vec<String>> = by_squashed.into_values().filter(|g| g.len() > 1).collect();
        for group in groups {
            let Some(target) = group
                .iter()
                .max_by_key(|k| {
                    let n = ents[&(Kind::Event, (*k).clone())].mentions.len();
                    (
                        n,
                        std::cmp::Reverse(k.len()),
                        std::cmp::Reverse((*k).clone()),
                    )
                })
                .cloned()
            else {
                continue;
            };
            for k in group.iter().filter(|k| **k != target) {
                renamed.extend(absorb_event(ents, k, &target));
            }
        }
        let mut by_bare: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (kind, f) in ents.keys() {
            if *kind != Kind::Event {
                continue;
            }
            let b = bare(f);
            if b.split(' ').any(|w| !w.is_empty() && !YEAR.is_match(w)) {
                by_bare.entry(b).or_default().push(f.clone());
            }
        }
        for (b, keys) in by_bare {
            // Merge only a name that adds places into the name that has none of them: two
            // names with different places are two events.
            let Some(plain) = keys.iter().find(|k| **k == b) else {
                continue;
            };
            for k in keys.iter().filter(|k| *k != plain) {
                renamed.extend(absorb_event(ents, k, plain));
            }
        }
        renamed
    }

    fn finish(&mut self, headings: &[Heading]) {
        let talk_word = self.cues.talk_word;
        let scope_break = self.cues.scope_break;
        // In notes that open with an agenda, "Talk 2 — short name" headings stand for the
        // agenda's second talk: the section is about it, under its real title.
        let mut agenda: Vec<(usize, String)> = self.agenda.clone();
        agenda.sort();
        agenda.dedup_by(|a, b| fold(&a.1) == fold(&b.1));
        let mut rename: BTreeMap<String, String> = BTreeMap::new();
        if agenda.len() >= 2 {
            static NUMBER: Lazy<Regex> = Lazy::new(|| Regex::new(r"\d+").expect("number regex"));
            for h in headings
                .iter()
                .filter(|h| h.certain && h.start > agenda[0].0)
            {
                let (Some(title), Some(n)) = (&h.talk, NUMBER.find(&h.text)) else {
                    continue;
                };
                let Ok(n) = n.as_str().parse::<usize>() else {
                    continue;
                };
                if let Some((_, real)) = agenda.get(n.wrapping_sub(1))
                    && fold(real) != fold(title)
                {
                    rename.insert(title.clone(), real.clone());
                }
            }
        }
        // "## A very concrete talk about access" over prose that names, whole, one talk the
        // document lists elsewhere: the heading says what the section is about, and the
        // section is that talk's. A heading that is itself a listed title stays a talk.
        let mut listed = self.repeated_titles();
        listed.sort_by_key(|l| l.1);
        // Where each title is written, by its fold: looked up once per heading.
        let mut title_at: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        if !listed.is_empty() {
            for (t, s, _) in &self.talk_titles {
                title_at.entry(fold(t)).or_default().push(*s);
            }
        }
        for (hi, h) in headings.iter().enumerate() {
            let Some(title) = &h.talk else { continue };
            if listed.is_empty() {
                break;
            }
            if h.certain
                || h.speakers
                || rename.contains_key(title)
                || title_at
                    .get(&fold(title))
                    .is_some_and(|at| at.iter().any(|&s| s < h.start || s >= h.end))
            {
                continue;
            }
            let next = headings[hi + 1..]
                .iter()
                .find(|n| !n.speakers)
                .map_or(self.doc.text.len(), |n| n.start);
            let from = listed.partition_point(|l| l.1 <= h.end);
            let to = listed.partition_point(|l| l.1 < next);
            let mut named: Vec<&String> =
                listed[from..to.max(from)].iter().map(|(t, ..)| t).collect();
            named.sort_unstable();
            named.dedup();
            if let [real] = named[..] {
                rename.insert(title.clone(), real.clone());
            }
        }
        for (old, new) in &rename {
            if let Some(span) = self.talks.remove(old) {
                self.talks.entry(new.clone()).or_insert(span);
            }
            for r in &mut self.facts.relations {
                for end in [&mut r.from, &mut r.to] {
                    if end.0 == Kind::Talk && &end.1 == old {
                        end.1 = new.clone();
                    }
                }
            }
        }
        // The unit of each line (usize::MAX for blank lines, which none has).
        let mut line_unit = vec![usize::MAX; self.layout.lines.len()];
        for (u, &(first, last)) in self.unit_lines.iter().enumerate() {
            line_unit[first..=last].fill(u);
        }
        // Confirm heading talks: certain ones, those someone presents, and those whose
        // opening lines speak of a talk.
        for (hi, h) in headings.iter().enumerate() {
            let Some(title) = &h.talk else { continue };
            if h.speakers {
                continue;
            }
            let renamed = rename.get(title);
            let title = renamed.unwrap_or(title);
            // The talk's part runs to the next heading that is not one of its speakers'.
            let next = headings[hi + 1..]
                .iter()
                .find(|n| !n.speakers)
                .map_or(self.layout.lines.len(), |n| n.line_index);
            let body: Vec<(usize, &read::Line)> = self.layout.lines[h.last_line_index + 1..next]
                .iter()
                .enumerate()
                .filter(|(_, l)| matches!(l.kind, LineKind::Text | LineKind::ListItem))
                .map(|(i, l)| (h.last_line_index + 1 + i, l))
                .collect();
            let opening: String = body
                .iter()
                .take(2)
                .map(|(_, l)| l.trimmed())
                .collect::<Vec<_>>()
                .join(" ");
            let presented = self
                .facts
                .relations
                .iter()
                .any(|r| r.relation == Relation::Presents && &r.to.1 == title);
            // A talk word alone does not make a heading a talk ("Highlights of the day",
            // then "the talks I liked were…"): someone must be named near it too.
            let opening_end = body.get(1).or(body.first()).map_or(h.end, |(_, l)| l.end());
            let someone = || {
                self.toks
                    .iter()
                    .any(|t| t.start >= h.start && t.end <= opening_end && t.may_be_person())
            };
            let cue_in_opening =
                || (talk_word.is_match(&opening) || talk_word.is_match(&h.text)) && someone();
            if h.certain || presented || cue_in_opening() {
                if !self.talks.contains_key(title) {
                    let span = self.span(h.start, h.end, self.layout.lines[h.line_index].number);
                    self.talks.insert(title.clone(), span);
                }
                if renamed.is_none() {
                    self.talk_titles.push((title.clone(), h.start, h.end));
                }
                let mut end = self
                    .layout
                    .lines
                    .get(next)
                    .map_or(self.doc.text.len(), |l| l.start);
                for &(i, l) in &body {
                    // A line the cue matches is in a unit it matches (see `Cue::is_local`).
                    let unit_breaks = !scope_break.is_local()
                        || line_unit.get(i).is_none_or(|&u| self.unit_breaks[u]);
                    if unit_breaks && scope_break.is_match(l.trimmed()) {
                        end = l.start;
                        break;
                    }
                }
                self.talk_scopes.push((title.clone(), h.end, end));
                let kind_text = format!("{} {}", h.text, opening);
                let kind = if self.cues.workshop.is_some_and(|r| r.is_match(&kind_text)) {
                    "workshop"
                } else if self.cues.keynote.is_some_and(|r| r.is_match(&kind_text)) {
                    "keynote"
                } else {
                    "talk"
                };
                self.talk_kind
                    .entry(title.clone())
                    .or_insert_with(|| kind.to_string());
            }
        }
        // A talk given by a list item owns the paragraphs nested under the item: notes
        // written as "1. Ana Ruiz: Title" then indented paragraphs about it.
        let mut starts: Vec<usize> = self.agenda.iter().map(|(s, _)| *s).collect();
        starts.sort_unstable();
        for (s, title) in &self.agenda {
            let li = self.layout.line_of(*s) - 1;
            // "**Title** (Ana Ruiz)" then paragraphs about it: they run to the next such
            // title, the next heading or a line that ends a talk's part.
            if self
                .layout
                .lines
                .get(li)
                .is_some_and(|l| l.kind == LineKind::Text)
                && self.layout.emphasis.iter().any(|&(es, _)| es == *s)
            {
                let next = starts[starts.partition_point(|&x| x <= *s)..]
                    .first()
                    .copied()
                    .unwrap_or(self.doc.text.len());
                let from = self.layout.lines[li].end();
                let mut end = from;
                for l in &self.layout.lines[li + 1..] {
                    // The next title's line ends this part, even if its emphasis marks
                    // put the title a few bytes after the line's start.
                    if l.end() > next
                        || matches!(l.kind, LineKind::Heading(_))
                        || scope_break.is_match(l.trimmed())
                        || self.cues.label_line.is_some_and(|r| {
                            r.is_match(
                                l.trimmed()
                                    .trim_start_matches(|c: char| !c.is_alphanumeric()),
                            )
                        })
                    {
                        break;
                    }
                    if l.kind == LineKind::Text || l.kind == LineKind::ListItem {
                        end = l.end();
                    }
                }
                if end > from {
                    self.inline_scopes.push((title.clone(), from, end));
                }
                continue;
            }
            let Some(item) = self
                .layout
                .lines
                .get(li)
                .filter(|l| l.kind == LineKind::ListItem)
            else {
                continue;
            };
            let indent = |l: &read::Line| {
                let raw = &self.doc.text[l.start..l.end()];
                raw.len() - raw.trim_start().len()
            };
            let base = indent(item);
            let mut end = item.end();
            for l in &self.layout.lines[li + 1..] {
                match l.kind {
                    LineKind::Blank | LineKind::Skip => continue,
                    // The view blanks the item's marker: its text and the paragraphs
                    // nested under it start in the same column.
                    LineKind::Text if base > 0 && indent(l) >= base => end = l.end(),
                    _ => break,
                }
            }
            // Read like an inline title's paragraph: the item's unit is claimed by its own
            // line, which keeps section talks out of it.
            if end > item.end() {
                self.inline_scopes.push((title.clone(), item.end(), end));
            }
        }
        // An inline title owns the rest of its paragraph, up to the next inline title. A
        // talk listed in one place and discussed in another ("the talks I saw" at the end,
        // "Ana explained in [Title](…)" above) is named in the prose by its whole title.
        let mut repeats = self.repeated_titles();
        repeats.sort_by_key(|r| r.1);
        for (ui, unit) in self.units.iter().enumerate() {
            let mut titles: Vec<(&str, usize, usize)> = self.line_toks[ui]
                .iter()
                .map(|&k| &self.toks[k])
                .filter(|t| t.class == Class::Talk)
                .map(|t| (t.label.as_str(), t.start, t.end))
                .collect();
            let from = repeats.partition_point(|r| r.1 < unit.start);
            let to = repeats.partition_point(|r| r.1 < unit.end());
            titles.extend(
                repeats[from..to.max(from)]
                    .iter()
                    .filter(|(_, _, e)| *e <= unit.end())
                    .map(|(title, s, e)| (title.as_str(), *s, *e)),
            );
            titles.sort_by_key(|t| t.1);
            for (i, &(title, _, e)) in titles.iter().enumerate() {
                let end = titles.get(i + 1).map_or(unit.end(), |n| n.1);
                self.inline_scopes.push((title.to_string(), e, end));
            }
        }
        // A section whose heading is no talk ("The talk that made me think") but whose
        // text names one talk, and one only, is about that talk: what it mentions before
        // or after the paragraph naming it belongs to it.
        // Sections follow one another: each lookup below is a range of a sorted list.
        let mut scope_starts: Vec<usize> = self.talk_scopes.iter().map(|(_, s, _)| *s).collect();
        scope_starts.sort_unstable();
        let mut claimed_starts: Vec<usize> = self.claimed.iter().map(|&(s, _)| s).collect();
        claimed_starts.sort_unstable();
        let mut talk_toks: Vec<(usize, &str)> = self
            .toks
            .iter()
            .filter(|t| t.class == Class::Talk)
            .map(|t| (t.start, t.label.as_str()))
            .collect();
        talk_toks.sort_unstable();
        // Strictly inside h.end..end, as (from, to) indices of a sorted list.
        fn inside<T>(v: &[T], key: impl Fn(&T) -> usize, a: usize, b: usize) -> &[T] {
            let from = v.partition_point(|x| key(x) <= a);
            let to = v.partition_point(|x| key(x) < b);
            &v[from..to.max(from)]
        }
        let mut owned = Vec::new();
        for (hi, h) in headings.iter().enumerate() {
            if scope_starts.binary_search(&h.end).is_ok() {
                continue;
            }
            let end = headings
                .get(hi + 1)
                .map_or(self.doc.text.len(), |n| n.start);
            if !inside(&claimed_starts, |&s| s, h.end, end).is_empty()
                || !inside(&scope_starts, |&s| s, h.end, end).is_empty()
            {
                continue;
            }
            let mut named: Vec<&str> = inside(&talk_toks, |t| t.0, h.end, end)
                .iter()
                .map(|t| t.1)
                .chain(
                    inside(&repeats, |r| r.1, h.end, end)
                        .iter()
                        .map(|(t, ..)| t.as_str()),
                )
                .collect();
            named.sort_unstable();
            named.dedup();
            if let [title] = named[..] {
                owned.push((title.to_string(), h.end, end));
            }
        }
        self.talk_scopes.extend(owned);
        self.talk_titles.extend(repeats);
        // Inline talks (quoted, "voir …") are talks by themselves.
        for t in self.toks.iter().filter(|t| t.class == Class::Talk) {
            if !self.talks.contains_key(&t.label) {
                let span =
                    self.span_with_text(t.start, t.end, t.line, &self.doc.text[t.start..t.end]);
                self.talks.insert(t.label.clone(), span);
            }
            self.talk_titles.push((t.label.clone(), t.start, t.end));
        }
        self.join_spellings();
        self.dated_heading_events(headings);
        // Entities.
        let mut ents: BTreeMap<(Kind, String), EntityFact> = BTreeMap::new();
        for t in &self.toks {
            let Some(kind) = t.class.kind() else { continue };
            if kind == Kind::Talk {
                continue;
            }
            let f = fold(&t.label);
            let written = &self.doc.text[t.start..t.end];
            // The entry's key is the fold of its label: compare folds once, and not at all
            // when the text is the label.
            let other_spelling = written != t.label && fold(written) != f;
            let e = ents.entry((kind, f)).or_insert_with(|| EntityFact {
                kind,
                label: t.label.clone(),
                aliases: Vec::new(),
                attributes: Vec::new(),
                mentions: Vec::new(),
            });
            for a in &t.aliases {
                if !e.aliases.contains(a) {
                    e.aliases.push(a.clone());
                }
            }
            if other_spelling && kind != Kind::Person && !e.aliases.iter().any(|a| a == written) {
                e.aliases.push(written.to_string());
            }
            e.mentions
                .push(self.span_with_text(t.start, t.end, t.line, written));
        }
        for (title, span) in &self.talks {
            let e = ents
                .entry((Kind::Talk, fold(title)))
                .or_insert_with(|| EntityFact {
                    kind: Kind::Talk,
                    label: title.clone(),
                    aliases: Vec::new(),
                    attributes: Vec::new(),
                    mentions: Vec::new(),
                });
            e.mentions.push(span.clone());
            if let Some(k) = self.talk_kind.get(title) {
                e.attributes.push(("kind".into(), k.clone()));
            }
            // "[Title](https://youtu.be/…)": the link's target is the talk's recording,
            // slides or page.
            let links = &self.layout.links;
            let from = links.partition_point(|l| l.end <= span.start);
            for l in links[from..].iter().take_while(|l| l.start < span.end) {
                let attr = (link_kind(&l.url).to_string(), l.url.trim().to_string());
                if l.end > span.start && !l.url.trim().is_empty() && !e.attributes.contains(&attr) {
                    e.attributes.push(attr);
                }
            }
        }
        for ((kind, _), e) in ents.iter_mut() {
            if *kind == Kind::Person
                && let Some(role) = self.roles.get(&e.label)
            {
                e.attributes.push(("role".into(), role.clone()));
            }
        }
        // Events: the document's main event is the one with a year mentioned most; bare
        // series names and talks point to it.
        // "[Rétro] Meetup du 6 novembre 2018 chez Qorp": a post titled by its meetup, with
        // a date or an edition number, is about that meetup.
        if !self.talks.is_empty()
            && let Some(name) = self.title_meetup()
            && !ents.contains_key(&(Kind::Event, fold(&name)))
        {
            self.add_metadata_event(&mut ents, &name);
        }
        let mut main_event = self.main_event(&ents);
        // No event with a year in the text, and the page's title names its evening: the
        // talks belong to that evening, not to the group's name plus the post's year.
        // An event the text names with a year or an edition ("Meetup Rust Bordeaux #9")
        // is a better name than the title.
        let named_in_text = ents.iter().any(|((k, f), e)| {
            *k == Kind::Event && (f.split(' ').any(|w| YEAR.is_match(w)) || e.label.contains('#'))
        });
        if !self.talks.is_empty()
            && !named_in_text
            && let Some(name) = self.title_edition()
        {
            self.add_metadata_event(&mut ents, &name);
            main_event = Some(name);
        }
        // Nothing in the text names a dated event, but the post's metadata does ("Accepted
        // talks for PyTexas 2024"): that is the event its talks belong to.
        if main_event.is_none()
            && !self.talks.is_empty()
            && let Some(name) = self.metadata_event().or_else(|| {
                // "edition: '88'" and a link to the group's meetup.com page.
                let n = self.layout.edition.as_ref()?;
                let series = self
                    .series_name(headings)
                    .or_else(|| self.layout.group.clone())?;
                Some(format!("{series} #{n}"))
            })
        {
            self.add_metadata_event(&mut ents, &name);
            main_event = Some(name);
        }
        if let Some(main) = &main_event {
            let series: Vec<(Kind, String)> = ents
                .keys()
                .filter(|(k, f)| {
                    *k == Kind::Event
                        && !f.split(' ').any(|w| YEAR.is_match(w))
                        && f.as_str() != fold(main)
                        && fold(main).starts_with(f.as_str())
                })
                .cloned()
                .collect();
            for key in series {
                if let Some(e) = ents.remove(&key) {
                    // The main event may exist only as its series plus the document's date.
                    let target =
                        ents.entry((Kind::Event, fold(main)))
                            .or_insert_with(|| EntityFact {
                                kind: Kind::Event,
                                label: main.clone(),
                                aliases: Vec::new(),
                                attributes: Vec::new(),
                                mentions: Vec::new(),
                            });
                    if !target.aliases.contains(&e.label) {
                        target.aliases.push(e.label.clone());
                    }
                    target.mentions.extend(e.mentions);
                }
            }
            if let Some(e) = ents.get_mut(&(Kind::Event, fold(main)))
                && let Some(y) = main.split(' ').find(|w| YEAR.is_match(w))
            {
                e.attributes.push(("year".into(), y.to_string()));
            }
        }
        for (old, new) in self.merge_events_by_place(&mut ents) {
            if main_event.as_ref() == Some(&old) {
                main_event = Some(new.clone());
            }
            for r in &mut self.facts.relations {
                for end in [&mut r.from, &mut r.to] {
                    if end.0 == Kind::Event && end.1 == old {
                        end.1 = new.clone();
                    }
                }
            }
        }
        // Mentions: projects and organisations in a talk's title or its part of the text.
        self.inline_scopes
            .sort_unstable_by(|a, b| (a.1, a.2, &a.0).cmp(&(b.1, b.2, &b.0)));
        let longest_inline = self
            .inline_scopes
            .iter()
            .map(|(_, s, e)| e - s)
            .max()
            .unwrap_or(0);
        let mut mentions: Vec<RelationFact> = Vec::new();
        // Many mentions share a line: each line's span is made once.
        let mut line_spans: Vec<Option<FactSpan>> = vec![None; self.layout.lines.len() + 1];
        for t in &self.toks {
            let Some(kind @ (Kind::Project | Kind::Company)) = t.class.kind() else {
                continue;
            };
            let in_title: Vec<&String> = self
                .talk_titles
                .iter()
                .filter(|(_, s, e)| t.start >= *s && t.end <= *e)
                .map(|(title, ..)| title)
                .collect();
            let inline: Vec<&String> = {
                // Only scopes that start at most the longest scope's length before the token
                // can hold it: a search, not a scan of every scope for every token.
                let upto = self
                    .inline_scopes
                    .partition_point(|(_, s, _)| *s <= t.start);
                let from = self.inline_scopes[..upto]
                    .partition_point(|(_, s, _)| *s + longest_inline < t.start);
                self.inline_scopes[from..upto]
                    .iter()
                    .filter(|(_, s, e)| t.start >= *s && t.end <= *e)
                    .map(|(title, ..)| title)
                    .collect()
            };
            let (talks, rule, conf): (Vec<&String>, &'static str, f64) = if !in_title.is_empty() {
                (in_title, "mentions.title", 0.9)
            } else if !inline.is_empty() {
                (inline, "mentions.paragraph", 0.6)
            } else {
                let in_scope: Vec<&String> = self
                    .talk_scopes
                    .iter()
                    .filter(|(_, s, e)| t.start >= *s && t.end <= *e)
                    .filter(|_| {
                        !self
                            .claimed
                            .iter()
                            .any(|&(s, e)| t.start >= s && t.end <= e)
                    })
                    .map(|(title, ..)| title)
                    .collect();
                (in_scope, "mentions.section", 0.6)
            };
            for title in talks {
                let evidence = line_spans[t.line]
                    .get_or_insert_with(|| self.line_span(t.line))
                    .clone();
                mentions.push(RelationFact {
                    from: (Kind::Talk, title.clone()),
                    relation: Relation::Mentions,
                    to: (kind, t.label.clone()),
                    rule: Cow::Borrowed(rule),
                    confidence: conf,
                    evidence,
                });
            }
        }
        self.facts.relations.extend(mentions);
        if let Some(main) = &main_event {
            let mut events: Vec<&Tok> = self
                .toks
                .iter()
                .filter(|t| t.class == Class::Event)
                .collect();
            events.sort_by_key(|t| (t.start, t.end));
            let sections: Vec<Option<String>> = self
                .talks
                .values()
                .map(|span| self.section_event(span.start, headings, (&events, &ents), main))
                .collect();
            // A page of several editions, each with its talks: a talk outside them all
            // belongs to none that the page names, not to the first or largest one.
            let several = sections.iter().flatten().collect::<BTreeSet<_>>().len() >= 2;
            for ((title, span), section) in self.talks.iter().zip(sections) {
                let (event, rule) = match section {
                    Some(e) if e != *main => (e, "part_of.section_event"),
                    Some(e) => (e, "part_of.document_event"),
                    None if several => continue,
                    None => (main.clone(), "part_of.document_event"),
                };
                self.facts.relations.push(RelationFact {
                    from: (Kind::Talk, title.clone()),
                    relation: Relation::PartOf,
                    to: (Kind::Event, event),
                    rule: Cow::Borrowed(rule),
                    confidence: 0.7,
                    evidence: span.clone(),
                });
            }
        }
        self.type_products(&mut ents);
        // Events that were renamed to the main event: fix relation ends.
        self.facts.entities = ents.into_values().collect();
    }

    /// An organisation named after its product (Docker, GitHub) is the organisation where
    /// the document ties a person to it or says what it develops; elsewhere ("Docker
    /// images", "tools like Docker") the text speaks of the product.
    fn type_products(&mut self, ents: &mut BTreeMap<(Kind, String), EntityFact>) {
        if self.rules.products.is_empty() {
            return;
        }
        let organisations: BTreeSet<String> = self
            .facts
            .relations
            .iter()
            .filter_map(|r| match r.relation {
                Relation::WorksAt => Some(fold(&r.to.1)),
                Relation::Develops => Some(fold(&r.from.1)),
                _ => None,
            })
            .collect();
        // "Rails at GitHub", "chez Docker": a place of work, even with nobody named.
        let text = &self.doc.text;
        let at_work = |e: &EntityFact| {
            e.mentions.iter().any(|m| {
                let before = text[..m.start].trim_end();
                let word = before
                    .rsplit(|c: char| !c.is_alphanumeric() && c != '@')
                    .next()
                    .unwrap_or_default();
                matches!(word.to_lowercase().as_str(), "at" | "chez" | "from" | "@")
                    || before.ends_with('@')
            })
        };
        let products: Vec<(Kind, String)> = ents
            .iter()
            .filter(|((k, f), e)| {
                *k == Kind::Company
                    && self.rules.products.contains(f)
                    && !organisations.contains(f)
                    && !at_work(e)
            })
            .map(|(key, _)| key.clone())
            .collect();
        for key in products {
            let Some(mut e) = ents.remove(&key) else {
                continue;
            };
            e.kind = Kind::Project;
            for r in &mut self.facts.relations {
                for end in [&mut r.from, &mut r.to] {
                    if end.0 == Kind::Company && fold(&end.1) == key.1 {
                        end.0 = Kind::Project;
                    }
                }
            }
            match ents.entry((Kind::Project, key.1)) {
                std::collections::btree_map::Entry::Occupied(mut p) => {
                    p.get_mut().mentions.extend(e.mentions)
                }
                std::collections::btree_map::Entry::Vacant(v) => {
                    v.insert(e);
                }
            }
        }
    }

    /// The event a talk at byte `at` belongs to when its document covers several: one named
    /// on the talk's own line ("12/09 – Meetup X – Title (Ana)"), else one named by the
    /// nearest heading above it ("## Meetup X, 2019"). Series names the main event took
    /// over answer the main event.
    fn section_event(
        &self,
        at: usize,
        headings: &[Heading],
        (events, ents): (&[&Tok], &BTreeMap<(Kind, String), EntityFact>),
        main: &str,
    ) -> Option<String> {
        let label_of = |t: &Tok| -> Option<String> {
            let f = fold(&t.label);
            match ents.get(&(Kind::Event, f.clone())) {
                Some(e) => Some(e.label.clone()),
                None if fold(main).starts_with(&f) => Some(main.to_string()),
                None => None,
            }
        };
        // Event tokens sorted by start: those within `s..e`.
        let events_in = |s: usize, e: usize| {
            let from = events.partition_point(|t| t.start < s);
            let to = events.partition_point(|t| t.start < e);
            events[from..to.max(from)]
                .iter()
                .copied()
                .filter(move |t| t.end <= e)
        };
        let line = self
            .layout
            .lines
            .get(self.layout.line_of(at).wrapping_sub(1))?;
        if let Some(e) = events_in(line.start, line.end())
            .filter(|t| t.end <= at)
            .filter_map(label_of)
            .next_back()
        {
            return Some(e);
        }
        // The headings above, innermost first: each level's latest one before `at`.
        let mut stack: Vec<&Heading> = Vec::new();
        for h in headings.iter().take_while(|h| h.start < at) {
            if h.start <= at && at < h.end {
                break;
            }
            while stack.last().is_some_and(|p| p.level >= h.level) {
                stack.pop();
            }
            stack.push(h);
        }
        stack
            .iter()
            .rev()
            .find_map(|h| events_in(h.start, h.end).filter_map(label_of).next_back())
    }

    /// An event the document's metadata names, unless the text already has it. Its mention
    /// is the front matter's title or edition number, else the document's first line, where the metadata
    /// starts: every node keeps a mention in its source, which incremental runs rely on,
    /// and a mention's text is what its span holds, not the name made from it.
    fn add_metadata_event(&self, ents: &mut BTreeMap<(Kind, String), EntityFact>, name: &str) {
        ents.entry((Kind::Event, fold(name))).or_insert_with(|| {
            let first = self.layout.lines.first().map_or(0, |l| l.end());
            let (start, end) = self
                .layout
                .title_span
                .or(self.layout.edition_span)
                .unwrap_or((0, first));
            EntityFact {
                kind: Kind::Event,
                label: name.to_string(),
                aliases: Vec::new(),
                attributes: vec![("source".into(), "metadata".into())],
                mentions: vec![self.span(start, end, self.layout.line_of(start))],
            }
        });
    }

    /// The meetup a post's title names: it opens with "Meetup", "Soirée" or "Rencontre"
    /// (after a "[Rétro]" tag) and holds a year or an edition number.
    fn title_meetup(&self) -> Option<String> {
        static EDITION: Lazy<Regex> = Lazy::new(|| {
            Regex::new(r"(?i)\b(?:19|20)\d{2}\b|\bno\.?\s*\d+|#\s*\d+").expect("edition regex")
        });
        let title = self.layout.title.as_deref()?;
        let title = TITLE_TAG.replace(title, "");
        let title = title.trim().trim_end_matches(['.', '!', ':']).trim();
        // "Meetup Lyon Rust de mars 2025 : le programme": the subtitle is not the name.
        static SUBTITLE: Lazy<Regex> =
            Lazy::new(|| Regex::new(r"\s+[:|–—-]\s+").expect("subtitle regex"));
        let title = SUBTITLE
            .find(title)
            .map(|m| &title[..m.start()])
            .filter(|head| EDITION.is_match(head))
            .unwrap_or(title);
        let first = words::words(title).next()?;
        let opens = first.start() == 0
            && matches!(
                fold(first.as_str()).as_str(),
                "meetup" | "meet-up" | "soiree" | "rencontre"
            );
        (opens && EDITION.is_match(title) && words::words(title).count() <= 14)
            .then(|| collapse_ws(title))
    }

    /// The evening a meetup page's title names, for pages whose text names no dated event:
    /// "February 2019 Meeting", "Soirée Virtuelle : Young Blood IX - Paris Java User Group"
    /// (the site's name after the last dash or bar cut), "Présentations éclairs / Lightning
    /// Talks", "La Rentrée des Speakers 2020". A title needs a meetup word, an edition
    /// number, or a year after capitalised words to be read as a name; "My favourite talks
    /// of 2023" is not one.
    fn title_edition(&self) -> Option<String> {
        static SITE: Lazy<Regex> =
            Lazy::new(|| Regex::new(r"\s+[|–—-]\s+").expect("site separator regex"));
        static CUE: Lazy<Regex> = Lazy::new(|| {
            Regex::new(r"(?i)\b(?:meetups?|meet-ups?|meetings?|soirée|soiree|rencontres?|lightning\s+talks?|présentations?\s+éclairs?|presentations?\s+eclairs?|talks?\s+éclairs?|apéro|afterwork)\b")
                .expect("meetup cue regex")
        });
        static EDITION: Lazy<Regex> = Lazy::new(|| {
            Regex::new(r"(?i)\bno\.?\s*\d+\b|#\s*\d+\b|\b(?:\d+(?:st|nd|rd|th|e|ème|eme)\s+(?:edition|édition))\b|\s(?-i:[IVX]{2,5}|[IVX])$")
                .expect("edition regex")
        });
        let title = self.layout.title.as_deref()?;
        let title = TITLE_TAG.replace(title, "");
        let title = title.trim();
        let qualifies = |part: &str| -> Option<String> {
            let name = collapse_ws(part.trim().trim_end_matches(['.', '!', ':']).trim());
            let words: Vec<&str> = name.split(' ').collect();
            if name.is_empty()
                || words.len() > 12
                || self.talks.keys().any(|t| fold(t) == fold(&name))
            {
                return None;
            }
            let year = words.iter().any(|w| YEAR.is_match(w));
            let named = words
                .iter()
                .filter(|w| !YEAR.is_match(w) && !is_function_word(w) && w.chars().count() > 2)
                .all(|w| w.chars().next().is_some_and(char::is_uppercase));
            // The meetup word opens the name ("Soirée …", "Les présentations éclairs …",
            // "February 2019 Meeting"); further on, the title is a sentence about the
            // meetup ("Les vidéos du Meetup Rust Bordeaux … sont en ligne").
            let cue_early = CUE
                .find(&name)
                .is_some_and(|m| name[..m.start()].split_whitespace().count() <= 2);
            (cue_early || EDITION.is_match(&name) || (year && named && words.len() > 2))
                .then_some(name)
        };
        // "Name - Site", "Name | Site": the part before the last separator names the
        // evening when it can; otherwise the whole title may.
        SITE.find_iter(title)
            .last()
            .and_then(|m| qualifies(&title[..m.start()]))
            .or_else(|| qualifies(title))
    }

    /// An event named with a year in the document's metadata (title, description, tags).
    fn metadata_event(&self) -> Option<String> {
        static NAMED: Lazy<Regex> = Lazy::new(|| {
            Regex::new(r"(\p{Lu}[\p{L}\p{N}!.+&-]*(?:\s+\p{Lu}[\p{L}\p{N}!.+&-]*){0,3})\s+(?:in\s+|en\s+)?((?:19|20)\d{2})\b")
                .expect("metadata event regex")
        });
        let l = &self.layout;
        let texts = l.title.iter().chain(&l.description).chain(&l.tags);
        for t in texts {
            for c in NAMED.captures_iter(t) {
                let mut words: Vec<&str> = c[1].split_whitespace().collect();
                // "YOW! Brisbane Conference in 2017": the event is "YOW! Brisbane 2017".
                while words.len() > 1
                    && words.last().is_some_and(|w| {
                        matches!(fold(w).as_str(), "conference" | "conf" | "conférence")
                    })
                {
                    words.pop();
                }
                let keep = |w: &&str| {
                    let f = fold(w);
                    !self.rules.not_names.contains(&f)
                        && !self.rules.section_words.contains(&f)
                        && !self.rules.places.contains(&f)
                };
                let after_fn = words
                    .iter()
                    .rposition(|w| is_function_word(w))
                    .map_or(0, |i| i + 1);
                let Some(first) = (after_fn..words.len())
                    .find(|&i| !self.rules.section_words.contains(&fold(words[i])))
                else {
                    continue;
                };
                // "March 2019", "Paris 2024" are dates and places, "YOW! Brisbane 2017" an
                // event: a series name before a place.
                let place = |w: &&str| self.rules.places.contains(&fold(w));
                if words.last().is_some_and(|w| !keep(w) && !place(w))
                    || words[first..].iter().all(place)
                {
                    continue;
                }
                return Some(format!("{} {}", words[first..].join(" "), &c[2]));
            }
        }
        None
    }

    fn line_span(&self, number: usize) -> FactSpan {
        let l = &self.layout.lines[number - 1];
        let (s, e) = trim_span(&self.doc.text, l.start, l.end());
        self.span(s, e, number)
    }

    fn main_event(&self, ents: &BTreeMap<(Kind, String), EntityFact>) -> Option<String> {
        let mut best: Option<(usize, usize, String)> = None;
        for ((kind, f), e) in ents {
            let dated = f.split(' ').any(|w| YEAR.is_match(w)) || e.label.contains('#');
            if *kind != Kind::Event || !dated {
                continue;
            }
            let first = e
                .mentions
                .iter()
                .map(|m| m.start)
                .min()
                .unwrap_or(usize::MAX);
            let cand = (e.mentions.len(), usize::MAX - first, e.label.clone());
            if best.as_ref().is_none_or(|b| (cand.0, cand.1) > (b.0, b.1)) {
                best = Some(cand);
            }
        }
        if let Some(b) = best {
            return Some(b.2);
        }
        // A series without a year: take the year from the front matter date; without a
        // date, a document naming one event only is about that event.
        let events: Vec<&EntityFact> = ents
            .iter()
            .filter(|((k, _), _)| *k == Kind::Event)
            .map(|(_, e)| e)
            .collect();
        if self.layout.date.is_none() && events.len() == 1 {
            return Some(events[0].label.clone());
        }
        let year = self
            .layout
            .date
            .as_deref()
            .and_then(|d| d.get(..4))
            .filter(|y| YEAR.is_match(y))?;
        let series = ents
            .iter()
            .filter(|((k, _), _)| *k == Kind::Event)
            .max_by_key(|(_, e)| e.mentions.len())?;
        // A year the metadata gives with the series' name beats the post's own date
        // (written the year after the conference).
        let first_word = |s: &str| fold(s).split(' ').next().map(str::to_string);
        if let Some(named) = self.metadata_event()
            && first_word(&named) == first_word(&series.1.label)
        {
            return Some(named);
        }
        Some(format!("{} {year}", series.1.label))
    }
}

/// `s` with every run of white space made one space and none at either end: what
/// `split_whitespace().collect::<Vec<_>>().join(" ")` gives.
///
/// Evidence lines made here were tens of instructions per input byte: `split_whitespace`
/// decodes every character and joining copies word by word. Here ASCII bytes are
/// classified by a table, only other characters are decoded, and each stretch of words
/// joined by single spaces (most lines are one) is copied at once.
fn collapse_ws(s: &str) -> String {
    /// ASCII bytes that are not white space (`char::is_whitespace` on ASCII: tab, line
    /// feed, vertical tab, form feed, carriage return, space).
    const WORD: [bool; 256] = {
        let mut t = [false; 256];
        let mut i = 0;
        while i < 0x80 {
            t[i] = !matches!(i, 0x09..=0x0D | 0x20);
            i += 1;
        }
        t
    };
    let b = s.as_bytes();
    /// The width of the character at `i`: `Ok` for white space, `Err` for anything else.
    #[inline(always)]
    fn at(s: &str, i: usize) -> Result<usize, usize> {
        let b = s.as_bytes()[i];
        if b < 0x80 {
            return if WORD[b as usize] { Err(1) } else { Ok(1) };
        }
        let c = s[i..].chars().next().expect("on a char boundary");
        if c.is_whitespace() {
            Ok(c.len_utf8())
        } else {
            Err(c.len_utf8())
        }
    }
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    loop {
        while i < b.len()
            && let Ok(w) = at(s, i)
        {
            i += w;
        }
        if i == b.len() {
            return out;
        }
        let start = i;
        loop {
            while i < b.len() {
                if WORD[b[i] as usize] {
                    i += 1;
                } else if b[i] == b' ' && b.get(i + 1).is_some_and(|&c| WORD[c as usize]) {
                    i += 2;
                } else {
                    match at(s, i) {
                        Err(w) => i += w,
                        Ok(_) => break,
                    }
                }
            }
            // One plain space before another word: the stretch goes on.
            if i + 1 < b.len() && b[i] == b' ' && at(s, i + 1).is_err() {
                i += 1;
                continue;
            }
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&s[start..i]);
    }
}

/// A distinct text among a unit's pieces: its range, masked form (see [`Extractor::mask`])
/// and length in characters.
struct PieceText {
    range: (usize, usize),
    buf: MaskBuf,
    letters: u8,
    literal: bool,
    chars: usize,
}

/// The masked text of a piece, per masked byte the source byte it stands for, and the
/// token indices masked: buffers [`Extractor::mask`] refills for every piece.
#[derive(Default)]
struct MaskBuf {
    out: String,
    map: Vec<usize>,
    ids: Vec<usize>,
}

/// The token indices of the `⟦Kn⟧` tokens in `s`, as `MASK_TOKEN` reads them (a number
/// that does not parse is skipped). Masking writes ASCII digits, which are read here by
/// hand; anything else that may be a token (`\d` is Unicode) goes to the regex.
fn mask_token_ids(s: &str) -> Vec<usize> {
    const OPEN: &[u8] = "⟦".as_bytes();
    const CLOSE: &[u8] = "⟧".as_bytes();
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(p) = b[i..].windows(OPEN.len()).position(|w| w == OPEN) {
        let letter = i + p + OPEN.len();
        i = letter;
        if !b.get(letter).is_some_and(|c| b"PCJETX".contains(c)) {
            continue;
        }
        let digits = letter + 1;
        let mut k = digits;
        while b.get(k).is_some_and(u8::is_ascii_digit) {
            k += 1;
        }
        if b[k..].starts_with(CLOSE) {
            if k > digits {
                out.extend(s[digits..k].parse::<usize>().ok());
                i = k + CLOSE.len();
            }
        } else if b.get(k).is_some_and(|c| !c.is_ascii()) {
            return MASK_TOKEN
                .captures_iter(s)
                .filter_map(|t| t[2].parse().ok())
                .collect();
        }
    }
    out
}

/// Trims surrounding white space off a span.
fn trim_span(text: &str, s: usize, e: usize) -> (usize, usize) {
    let piece = &text[s..e];
    let lead = piece.len() - piece.trim_start().len();
    let trail = piece.len() - piece.trim_end().len();
    if lead + trail >= piece.len() {
        return (s, s);
    }
    (s + lead, e - trail)
}

/// A title as a label: quotes, emoji, trailing punctuation and "Keynote:" prefixes removed,
/// white space (including a line break inside a wrapped title) collapsed.
/// The title of a list item that speakers' items follow: the part before " : " or " – "
/// when a description follows, else the whole item when it is short. Byte range within
/// `item`.
/// Whether a title opens as a title does: with a capital, or with a name that has an inner
/// capital ("gRPC : une autre manière…", "eBPF in practice").
fn opens_as_name(title: &str) -> bool {
    title.chars().next().is_some_and(char::is_uppercase)
        || words::words(title)
            .next()
            .is_some_and(|w| w.start() == 0 && w.as_str().chars().skip(1).any(char::is_uppercase))
}

fn item_title(item: &str) -> Option<(usize, usize)> {
    static SPLIT: Lazy<Regex> =
        // "Title : description", "Title – description"; "Title: subtitle" is one title.
        Lazy::new(|| Regex::new(r"\s+[:–—-]\s+").expect("item title regex"));
    let from = LEADING_TIME.find(item).map_or(0, |m| m.end());
    let end = from
        + SPLIT
            .find(&item[from..])
            .map_or(item.len() - from, |m| m.start());
    let title = &item[from..end];
    let words = words::words(title).count();
    (opens_as_name(title) && (2..=16).contains(&words) && !title.ends_with(['.', ':', ',']))
        .then_some((from, end))
}

/// What a link is to the talk it labels: its recording, its slides, or a page about it.
fn link_kind(url: &str) -> &'static str {
    let u = url.trim().to_ascii_lowercase();
    let rest = u.split_once("://").map_or(u.as_str(), |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.strip_prefix("www.").unwrap_or(host);
    let host = host.strip_prefix("m.").unwrap_or(host);
    let path_ends = |ext: &str| {
        rest.split(['?', '#'])
            .next()
            .is_some_and(|p| p.ends_with(ext))
    };
    if matches!(
        host,
        "youtube.com"
            | "youtu.be"
            | "vimeo.com"
            | "player.vimeo.com"
            | "dailymotion.com"
            | "media.ccc.de"
            | "video.fosdem.org"
            | "twitch.tv"
            | "peertube.fr"
    ) || rest.contains("infoq.com/presentations")
        || host.ends_with("skillsmatter.com") && rest.contains("skillscasts")
        || path_ends(".mp4")
        || path_ends(".webm")
    {
        "video"
    } else if matches!(host, "speakerdeck.com" | "slideshare.net" | "slides.com")
        || rest.starts_with("docs.google.com/presentation")
        || path_ends(".pdf")
    {
        "slides"
    } else {
        "url"
    }
}

pub fn clean_title(s: &str) -> String {
    static PREFIX: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"(?i)^(?:(?:opening|closing)\s+keynote|keynote\s+d[\x27’](?:ouverture|introduction)|keynote\s+de\s+(?:clôture|fin)|keynote|talk|session|workshop|atelier|conférence|lightning talk|quickie|tools[- ]in[- ]action|university|hands[- ]on lab)\s*(?:n°\s*|#\s*)?\d*\s*[:\-–—]\s+").expect("prefix regex")
    });
    let s: String = s.chars().filter(|c| !is_decoration(*c)).collect();
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");

    // "22/10/2019 – ", "2019-10-22 - ": an agenda line's date.
    static DATE: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"^(?:\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|\d{4}-\d{2}-\d{2})\s*[-–—:|,]?\s*")
            .expect("date regex")
    });
    let s = DATE.replace(&s, "");
    // "4-) Title", "3. Title", "#2 – Title": an item's number.
    static NUMBERED: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"^(?:#\s*)?\d{1,2}\s*(?:-\)|[.)]|\s[-–—:])\s+").expect("numbered regex")
    });
    let s = NUMBERED.replace(&s, "");
    // "Saturday 10:30 Title", "Sam. 14h00 - Titre", "Day 2 09:30 Title": the day before an
    // agenda time.
    static DAY: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"(?i)^(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|rsday|urday)?|lun|mar|mer|jeu|ven|sam|dim|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|day\s*\d|jour\s*\d)\.?,?\s+(\d{1,2}\s*[:hH.]\s*\d{2})")
            .expect("day regex")
    });
    let s = match DAY.captures(&s).and_then(|c| c.get(1)) {
        Some(time) => Cow::Owned(s[time.start()..].to_string()),
        None => s,
    };
    let s = LEADING_TIME.replace(&s, "");
    let s = PREFIX.replace(&s, "");
    // "Title (video)", "Titre [slides]", "Title (EN)": what the link gives, not the title.
    static MEDIA: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"(?i)(?:\s*[(\[](?:video|vidéo|videos|vidéos|slides|recording|replay|youtube|pdf|en|fr|english|français)[)\]])+\s*$")
            .expect("media suffix regex")
    });
    let s = MEDIA.replace(&s, "");
    s.trim_matches(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '"' | '“' | '”' | '«' | '»' | '\'' | '‘' | '’' | ',' | ';' | '-' | '–' | '—'
            )
    })
    .to_string()
}

fn is_decoration(c: char) -> bool {
    matches!(c as u32, 0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0xFE0F | 0x200D)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_keeps_a_map_back_to_source_offsets() {
        let mut out = String::new();
        let mut map = Vec::new();
        fold_into("Élodie ’s K8s", &mut out, &mut map);
        assert_eq!(out, "elodie 's k8s");
        assert_eq!(out.len(), map.len());
        let k = out.find("k8s").expect("k8s");
        assert_eq!(&"Élodie ’s K8s"[map[k] as usize..], "K8s");
    }

    /// `fold_into` as it was before its ASCII runs and character table.
    fn fold_into_reference(s: &str, out: &mut String, map: &mut Vec<u32>) {
        use unicode_normalization::UnicodeNormalization;
        use unicode_normalization::char::is_combining_mark;
        let mut buf = [0u8; 4];
        for (i, c) in s.char_indices() {
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
                map.push(i as u32);
                continue;
            }
            let c = match c {
                '\u{2019}' | '\u{2018}' | '\u{02bc}' => '\'',
                c => c,
            };
            for d in c
                .nfkd()
                .filter(|d| !is_combining_mark(*d))
                .flat_map(char::to_lowercase)
            {
                let enc = d.encode_utf8(&mut buf);
                out.push_str(enc);
                map.extend(std::iter::repeat_n(i as u32, enc.len()));
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn collapse_ws_joins_words_like_split_whitespace(
            s in r"(?:\PC|[ a\t\n\r\x0b\x0c]|\u{85}|\u{a0}|\u{1680}|\u{2000}|\u{200a}|\u{200b}|\u{2028}|\u{202f}|\u{205f}|\u{3000}|\u{feff}|é){0,40}",
        ) {
            let want = s.split_whitespace().collect::<Vec<_>>().join(" ");
            proptest::prop_assert_eq!(collapse_ws(&s), want);
        }
    }

    proptest::proptest! {
        #[test]
        fn fold_into_folds_and_maps_like_the_reference(
            s in r"(?:\PC|[a-zA-Z '’ʼ]|é|É|ß|ŉ|ﬁ|İ|Σ|ς|Ａ|…|\u{a0}|\u{301}|ǅ|½){0,40}",
            prefix in "[a-z]{0,3}",
        ) {
            let (mut out, mut map) = (prefix.clone(), vec![7; prefix.len()]);
            let (mut out_ref, mut map_ref) = (prefix.clone(), vec![7; prefix.len()]);
            fold_into(&s, &mut out, &mut map);
            fold_into_reference(&s, &mut out_ref, &mut map_ref);
            proptest::prop_assert_eq!(out, out_ref);
            proptest::prop_assert_eq!(map, map_ref);
        }
    }

    #[test]
    fn mask_tokens_are_read_like_the_regex_reads_them() {
        for s in [
            "⟦P1⟧ et ⟦C23⟧, ⟦X456⟧",
            "⟦P⟧ ⟦Q1⟧ ⟦P1 ⟦J7⟧ ⟦T١⟧ ⟦E12١⟧ ⟦E3⟧",
            "⟦P99999999999999999999999⟧ ⟦P2⟧⟦C3⟧",
            "⟦⟦P4⟧⟧ ⟦P5",
            "",
        ] {
            let by_regex: Vec<usize> = MASK_TOKEN
                .captures_iter(s)
                .filter_map(|t| t[2].parse().ok())
                .collect();
            assert_eq!(mask_token_ids(s), by_regex, "{s:?}");
        }
    }

    #[test]
    fn the_letters_of_meet_have_only_ascii_case_variants() {
        use regex_syntax::hir::{Class, HirKind};
        for letter in ["m", "e", "t"] {
            let hir = regex_syntax::Parser::new()
                .parse(&format!("(?i){letter}"))
                .expect("parses");
            let HirKind::Class(Class::Unicode(class)) = hir.kind() else {
                panic!("{letter}: a class");
            };
            assert!(
                class.ranges().iter().all(|r| r.end().is_ascii()),
                "{letter}"
            );
        }
    }

    #[test]
    fn titles_are_told_from_sentences() {
        assert!(title_like(
            "How to Migrate 700 Kubernetes Clusters to Cluster API with Zero Downtime",
            3
        ));
        assert!(title_like("Scaling Postgres at Doctolib", 3));
        assert!(!title_like("Talks que j'aurais aimé voir", 1));
        assert!(!title_like("Compliance != Fun || Compliance == Fun", 1));
        assert!(!title_like("Le workshop est disponible ici.", 1));
        assert!(title_like("Sponsors", 1));
    }

    fn facts(text: &str, source: &str) -> Facts {
        let rules = crate::rules::default_rules().expect("embedded rules compile");
        extract(rules, &Document::new(source, text))
    }

    fn labels(f: &Facts, kind: Kind) -> Vec<&str> {
        f.entities
            .iter()
            .filter(|e| e.kind == kind)
            .map(|e| e.label.as_str())
            .collect()
    }

    /// (from, relation, to) of every relation, by label, sorted.
    fn triples(f: &Facts, relation: Relation) -> Vec<(&str, &str)> {
        let mut out: Vec<(&str, &str)> = f
            .relations
            .iter()
            .filter(|r| r.relation == relation)
            .map(|r| (r.from.1.as_str(), r.to.1.as_str()))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    #[test]
    fn the_line_or_sub_heading_under_a_talk_heading_names_its_speakers() {
        let f = facts(
            "# Notes\n\n## Taming Flaky Integration Tests\n\n[Ana Ruiz](https://twitter.com/ana):\n\n> A look at retries and waits.\n\n## Scaling Search Clusters Calmly\n\n### [Li Wei](https://x.com/li) and Bo Chen\n\nThey showed their dashboards.\n\n## Ten Years of Plain Text\n\nSome words here.\n\nPar Zoé Martin, Qorp\n",
            "a.md",
        );
        assert_eq!(
            triples(&f, Relation::Presents),
            [
                ("Ana Ruiz", "Taming Flaky Integration Tests"),
                ("Bo Chen", "Scaling Search Clusters Calmly"),
                ("Li Wei", "Scaling Search Clusters Calmly"),
                ("Zoé Martin", "Ten Years of Plain Text"),
            ]
        );
        assert_eq!(triples(&f, Relation::WorksAt), [("Zoé Martin", "Qorp")]);
        // The speakers' heading is no talk of its own.
        assert!(!labels(&f, Kind::Talk).iter().any(|t| t.contains("Li Wei")));
    }

    #[test]
    fn items_that_only_name_people_present_the_item_above() {
        let f = facts(
            "- Infrastructure as code : automation everywhere, and why it matters.\n  - Ana Ruiz - Zylo\n  - Li Wei - kaChing\n  - moderator: Bo Chen\n- Changing culture : people first.\n  - Zoé Martin, Principal Engineer at Qorp\n",
            "a.md",
        );
        assert_eq!(
            triples(&f, Relation::Presents),
            [
                ("Ana Ruiz", "Infrastructure as code"),
                ("Bo Chen", "Infrastructure as code"),
                ("Li Wei", "Infrastructure as code"),
                ("Zoé Martin", "Changing culture"),
            ]
        );
        assert_eq!(
            triples(&f, Relation::WorksAt),
            [("Ana Ruiz", "Zylo"), ("Zoé Martin", "Qorp")]
        );
    }

    #[test]
    fn agenda_titles_lose_their_date_and_host() {
        let f = facts(
            "- 12/09/2019 – Google – Domain Driven Design Explained (Ana Ruiz)\n\n## 4-) Building Calm Pipelines for Everyone\n\nLi Wei\n",
            "a.md",
        );
        assert_eq!(
            labels(&f, Kind::Talk),
            [
                "Building Calm Pipelines for Everyone",
                "Domain Driven Design Explained"
            ]
        );
    }

    #[test]
    fn talks_belong_to_the_event_their_section_names() {
        let f = facts(
            "# Notes from my year\n\n## Cloud Native Nantes #12\n\n- Gérer ses certificats sans peine (Ana Ruiz)\n\n## Devoxx France 2024\n\n- Un cluster à la maison (Li Wei)\n- Devoxx France 2024 – Encore un talk ici (Bo Chen)\n",
            "a.md",
        );
        let part_of = triples(&f, Relation::PartOf);
        assert!(
            part_of.contains(&(
                "Gérer ses certificats sans peine",
                "Cloud Native Nantes #12"
            )),
            "{part_of:?}"
        );
        assert!(
            part_of.contains(&("Un cluster à la maison", "Devoxx France 2024")),
            "{part_of:?}"
        );
    }

    #[test]
    fn the_title_or_the_metadata_names_an_event_no_gazetteer_lists() {
        let f = facts(
            "# EuRuKo 2019 Unofficial Notes\n\n## Surrounded by Small Services\n\nSpeaker: Ana Ruiz\n",
            "a.md",
        );
        assert_eq!(labels(&f, Kind::Event), ["EuRuKo 2019"]);
        assert_eq!(
            triples(&f, Relation::PartOf),
            [("Surrounded by Small Services", "EuRuKo 2019")]
        );
        let f = facts(
            "---\ntitle: Accepted Talks\ndescription: Accepted talks for PyTexas 2024.\n---\n\n## Building Efficient Containers\n\nA talk about images.\n\n**Speaker: Ana Ruiz**\n",
            "b.md",
        );
        assert_eq!(labels(&f, Kind::Event), ["PyTexas 2024"]);
        assert_eq!(
            triples(&f, Relation::Presents),
            [("Ana Ruiz", "Building Efficient Containers")]
        );
    }

    #[test]
    fn ordinal_talk_lines_and_meetup_headings() {
        let f = facts(
            "# Meetup Oxyde Lyon\n\nPremier talk : « Les files d'attente sans larmes »\n\nAna Ruiz de chez Qorp nous a présenté Kafka.\n\nDeuxième talk : Un cluster à la maison\n\nLi Wei nous a présenté k3s.\n",
            "a.txt",
        );
        assert_eq!(labels(&f, Kind::Event), ["Meetup Oxyde Lyon"]);
        assert_eq!(
            triples(&f, Relation::Presents),
            [
                ("Ana Ruiz", "Les files d'attente sans larmes"),
                ("Li Wei", "Un cluster à la maison"),
            ]
        );
    }

    #[test]
    fn a_talk_listed_at_the_end_owns_the_themed_section_that_names_it() {
        let text = "# Bilan\n\n## Ce qui m'a le plus plu\n\nDoctolib vend des rendez-vous en ligne.\nAna Ruiz nous a raconté dans [Trois caches de trop pour un site](https://x.example/1) leur migration.\n\nIls utilisent Redis et Varnish.\n\n## Une présentation très concrète sur les droits\n\nLi Wei nous a montré [Des droits fins avec OpenFGA](https://x.example/2).\nSon équipe chez Zylo Labs déploie sur Kubernetes.\n\n# Tout ce que j'ai vu\n\n* [Trois caches de trop pour un site](https://x.example/1) par Ana Ruiz\n* [Des droits fins avec OpenFGA](https://x.example/2) par Li Wei\n";
        let f = facts(text, "a.md");
        // The section's heading is no talk: the talk named in its text is.
        assert_eq!(
            labels(&f, Kind::Talk),
            [
                "Des droits fins avec OpenFGA",
                "Trois caches de trop pour un site"
            ]
        );
        let mentions = triples(&f, Relation::Mentions);
        for (talk, what) in [
            ("Trois caches de trop pour un site", "Doctolib"),
            ("Trois caches de trop pour un site", "Redis"),
            ("Trois caches de trop pour un site", "Varnish"),
            ("Des droits fins avec OpenFGA", "Kubernetes"),
        ] {
            assert!(
                mentions.contains(&(talk, what)),
                "{talk} -> {what}: {mentions:?}"
            );
        }
        assert!(!mentions.contains(&("Des droits fins avec OpenFGA", "Redis")));
        // "Son équipe chez …" in the section of a talk with one presenter.
        assert!(triples(&f, Relation::WorksAt).contains(&("Li Wei", "Zylo Labs")));
        assert!(
            triples(&f, Relation::Presents).contains(&("Li Wei", "Des droits fins avec OpenFGA"))
        );
    }

    #[test]
    fn a_middle_initial_is_part_of_the_name() {
        let f = facts(
            "## Burnout in tech - Iris V. Naudin & Cécile Freyd-Foucault\n\nA talk about rest.\n\nSource: Why teams stall\n",
            "a.md",
        );
        assert_eq!(labels(&f, Kind::Talk), ["Burnout in tech"]);
        assert_eq!(
            triples(&f, Relation::Presents),
            [
                ("Cécile Freyd-Foucault", "Burnout in tech"),
                ("Iris V. Naudin", "Burnout in tech")
            ]
        );
    }

    #[test]
    fn an_event_named_with_and_without_its_city_is_one_event() {
        let f = facts(
            "---\ntitle: \"Sunny Tech Montpellier 2026 : mon bilan\"\n---\n\nDeux jours à la conférence Sunny Tech 2026.\n\n## Des caches partout\n\nAna Ruiz a présenté le talk \"Trois caches de trop\" sur Redis.\n",
            "a.md",
        );
        assert_eq!(labels(&f, Kind::Event), ["Sunny Tech 2026"]);
        // Two cities of one series stay two events.
        let g = facts(
            "Après DevFest Lille 2025 et DevFest Nantes 2025, retour sur les talks.\n",
            "b.md",
        );
        assert_eq!(
            labels(&g, Kind::Event),
            ["DevFest Lille 2025", "DevFest Nantes 2025"]
        );
        // Spaced and unspaced spellings are one event, under the one written most.
        let h = facts(
            "# StrangeLoop 2023 recap\n\nI went to Strange Loop 2023. At StrangeLoop 2023, Ana Ruiz gave the talk \"Drawing comics at work\".\n",
            "c.md",
        );
        assert_eq!(labels(&h, Kind::Event), ["StrangeLoop 2023"]);
    }

    #[test]
    fn a_name_set_off_as_a_firm_is_a_company() {
        let f = facts(
            "Zylotech, une start-up qui vend des billets, a migré vers Kubernetes.\nBrakwell, a small company that sells boats, too.\n",
            "a.txt",
        );
        assert_eq!(labels(&f, Kind::Company), ["Brakwell", "Zylotech"]);
    }

    #[test]
    fn a_speakers_bio_in_the_talk_section_says_where_they_work() {
        let f = facts(
            "## Lakehouse Without Tears Today\n\n### [Adaeze Whitcombe](https://twitter.com/a)\n\nAdaeze is a principal engineer at Corvid Freight, and she opened the day.\n\n## Queues at Scale For Everyone\n\nBy Li Wei\n\nA talk about queues. Currently he leads the platform team at Qorp Systems.\n",
            "a.md",
        );
        assert_eq!(
            triples(&f, Relation::WorksAt),
            [
                ("Adaeze Whitcombe", "Corvid Freight"),
                ("Li Wei", "Qorp Systems")
            ]
        );
    }

    #[test]
    fn theme_headings_are_not_talks() {
        let f = facts(
            "## Things I noticed this year\n\nThe talks were great and the coffee too.\n\n## Les conférences sur l'IA\n\nAna Ruiz a présenté un talk sur les LLM.\n",
            "a.md",
        );
        assert_eq!(labels(&f, Kind::Talk), Vec::<&str>::new());
    }

    #[test]
    fn html_pages_read_their_visible_text_with_spans_into_the_page() {
        let page = "<html><head><title>x</title></head><body><nav>Menu Alice Martin</nav><article><h1>Rust Night 2024</h1><h3>19:00 &ndash; Zero-Copy Parsing Without Tears</h3><p>Ren&eacute;e Fontaine from Qorp shows parsers.</p><p>By <a href=\"https://twitter.com/r\">Ren&eacute;e Fontaine</a></p></article><footer>Bo Chen</footer></body></html>";
        let f = facts(page, "p.html");
        assert_eq!(labels(&f, Kind::Person), ["Renée Fontaine"]);
        assert_eq!(
            triples(&f, Relation::Presents),
            [("Renée Fontaine", "Zero-Copy Parsing Without Tears")]
        );
        let person = f
            .entities
            .iter()
            .find(|e| e.kind == Kind::Person)
            .expect("person");
        for m in &person.mentions {
            assert_eq!(&page[m.start..m.end], "Ren&eacute;e Fontaine");
            assert_eq!(&*m.text, "Renée Fontaine");
        }
    }

    #[test]
    fn a_series_takes_its_year_from_the_front_matter_date() {
        let f = facts(
            "---\ntitle: Notes\ndate: 2024-04-17\n---\n## Scaling Queues Without Tears\n\nAt KubeCon, Nina Petrova from Quillbyte presented it.\n",
            "a.md",
        );
        let events = labels(&f, Kind::Event);
        assert_eq!(events, ["KubeCon 2024"]);
        assert!(
            f.relations
                .iter()
                .any(|r| r.relation == Relation::PartOf && r.to.1 == "KubeCon 2024")
        );
    }

    #[test]
    fn heading_titles_stop_before_their_speaker() {
        let f = facts(
            "## Keynote: Platforms at Scale — Sarah Chen (Spotify)\n\nSarah opened the day.\n",
            "b.md",
        );
        let talks = labels(&f, Kind::Talk);
        assert_eq!(talks, ["Platforms at Scale"]);
        let f = facts(
            "## Platforms at Scale (Sarah Chen, Spotify)\n\nSarah opened the day.\n",
            "c.md",
        );
        let talks = labels(&f, Kind::Talk);
        assert_eq!(talks, ["Platforms at Scale"]);
    }

    #[test]
    fn descriptive_headings_are_not_titles_but_dated_ones_can_be() {
        let f = facts(
            "# Devoxx France 2025\n\n## La keynote d'ouverture\n\nUne keynote de Claire Dubois.\n\n## Kotlin Multiplatform en 2025\n\nPrésenté par Sean O'Brien, développeur chez JetBrains.\n",
            "d.md",
        );
        assert_eq!(labels(&f, Kind::Talk), ["Kotlin Multiplatform en 2025"]);
        assert!(f.relations.iter().any(|r| r.relation == Relation::Presents
            && r.from.1 == "Sean O'Brien"
            && r.to.1 == "Kotlin Multiplatform en 2025"));
    }

    #[test]
    fn emphasised_titles_in_markdown_prose_are_talks() {
        let f = facts(
            "The best talk was *Async Rust in the Real World* by Priya Nair from Cloudflare.\n\nAfter lunch, Marco Rossi (Ferrous Systems) gave **Embedded Rust Without Fear**, with demos.\n",
            "e.md",
        );
        assert_eq!(
            labels(&f, Kind::Talk),
            ["Async Rust in the Real World", "Embedded Rust Without Fear"]
        );
        let presents = triples(&f, Relation::Presents);
        assert!(
            presents.contains(&("Priya Nair", "Async Rust in the Real World")),
            "{presents:?}"
        );
        assert!(
            presents.contains(&("Marco Rossi", "Embedded Rust Without Fear")),
            "{presents:?}"
        );
    }

    #[test]
    fn markdown_table_rows_give_talks_and_speakers() {
        let f = facts(
            "| Heure | Talk | Intervenant |\n|---|---|---|\n| 19:00 | Kubernetes sans douleur avec Kustomize | Hugo Lefebvre (Decathlon) |\n",
            "t.md",
        );
        assert_eq!(
            labels(&f, Kind::Talk),
            ["Kubernetes sans douleur avec Kustomize"]
        );
        assert!(f.relations.iter().any(|r| r.relation == Relation::Presents
            && r.from.1 == "Hugo Lefebvre"
            && r.to.1 == "Kubernetes sans douleur avec Kustomize"));
    }

    #[test]
    fn clean_title_drops_an_agenda_day_and_time() {
        assert_eq!(clean_title("Saturday 10:30 Calm Queues"), "Calm Queues");
        assert_eq!(
            clean_title("Sam. 14h00 - Typer sans peur"),
            "Typer sans peur"
        );
        assert_eq!(clean_title("Day 2 09:30 Calm Queues"), "Calm Queues");
        assert_eq!(clean_title("Saturday Night Fever"), "Saturday Night Fever");
    }

    #[test]
    fn clean_title_drops_what_a_link_gives() {
        assert_eq!(
            clean_title("Compiler Internals (video)"),
            "Compiler Internals"
        );
        assert_eq!(clean_title("Les Lifetimes [slides] (FR)"), "Les Lifetimes");
        assert_eq!(
            clean_title("Rust for Video (Part 2)"),
            "Rust for Video (Part 2)"
        );
    }

    #[test]
    fn clean_title_strips_decoration_and_prefixes() {
        assert_eq!(clean_title("Keynote: Scaling Things 🎉"), "Scaling Things");
        assert_eq!(
            clean_title("“From docker push\nto Bytes”"),
            "From docker push to Bytes"
        );
    }

    #[test]
    fn character_references_in_markdown_read_as_their_characters_with_source_spans() {
        let text = "# Soirée\n\nLe plat de résistance était &laquo;&nbsp;De l&rsquo;API aux files&nbsp;&raquo; par le duo Ana Ruiz (Responsable Devops) et Li Wei (Mobile Tech Lead) de chez Zylo Systems.\n";
        let f = facts(text, "a.md");
        assert_eq!(labels(&f, Kind::Talk), ["De l’API aux files"]);
        assert_eq!(
            triples(&f, Relation::Presents),
            [
                ("Ana Ruiz", "De l’API aux files"),
                ("Li Wei", "De l’API aux files")
            ]
        );
        // A role in brackets is what they do, not an organisation.
        assert_eq!(
            triples(&f, Relation::WorksAt),
            [("Ana Ruiz", "Zylo Systems"), ("Li Wei", "Zylo Systems")]
        );
        let talk = f
            .entities
            .iter()
            .find(|e| e.kind == Kind::Talk)
            .expect("talk");
        let m = &talk.mentions[0];
        assert_eq!(&text[m.start..m.end], "De l&rsquo;API aux files");
    }

    #[test]
    fn one_organisation_written_with_and_without_its_space_is_one_entity() {
        let f = facts(
            "Ce soir nous étions chez Voyage Privé.\n\nAna Ruiz de chez VoyagePrivé nous a présenté Kafka.\n",
            "a.md",
        );
        assert_eq!(labels(&f, Kind::Company), ["Voyage Privé"]);
        assert_eq!(
            triples(&f, Relation::WorksAt),
            [("Ana Ruiz", "Voyage Privé")]
        );
    }

    #[test]
    fn a_programme_entry_lists_facets_then_speakers_each_with_their_organisation() {
        let f = facts(
            "# Programme\n\n## Queues Without Tears in Production\n\n- intermediate\n- Conference\n- Ana Ruiz\n- Zylo Systems\n- Bo Chen\n- Reactor Project\n\n## Typage dynamique des objets\n\n- advanced\n- Li Wei\n- Qorp Labs\n",
            "a.md",
        );
        assert_eq!(
            triples(&f, Relation::Presents),
            [
                ("Ana Ruiz", "Queues Without Tears in Production"),
                ("Bo Chen", "Queues Without Tears in Production"),
                ("Li Wei", "Typage dynamique des objets"),
            ]
        );
        assert!(triples(&f, Relation::WorksAt).contains(&("Ana Ruiz", "Zylo Systems")));
        assert!(triples(&f, Relation::WorksAt).contains(&("Li Wei", "Qorp Labs")));
        // The organisation lines are no talks and no people of their own.
        assert_eq!(labels(&f, Kind::Talk).len(), 2);
        assert!(!labels(&f, Kind::Person).contains(&"Reactor Project"));
    }

    #[test]
    fn prose_ties_a_title_to_its_presenter_by_for_and_by_a_possessive() {
        let f = facts(
            "I'd give the prize to Kavya Joshi for her talk about the Go scheduler (\"The Scheduler Saga\") and Anthony Starks for \"Go for Information Displays\". There are still sessions, like Jon Bodner's \"Go Says WAT?\" that I have to watch.\n",
            "a.md",
        );
        assert_eq!(
            triples(&f, Relation::Presents),
            [
                ("Anthony Starks", "Go for Information Displays"),
                ("Jon Bodner", "Go Says WAT?"),
                ("Kavya Joshi", "The Scheduler Saga"),
            ]
        );
    }

    #[test]
    fn a_job_title_run_into_an_organisation_name_leaves_the_organisation() {
        let f = facts(
            "## Talks\n\n__gRPC: une autre manière de faire des APIs__\n\n* Speaker: Hugo Marchand / Tech Lead Qorvane\n\n__Déléguez votre recherche__\n\n* Speaker: Ana Ruiz / Senior Architect @Zylo\n",
            "a.md",
        );
        assert_eq!(
            triples(&f, Relation::Presents),
            [
                ("Ana Ruiz", "Déléguez votre recherche"),
                ("Hugo Marchand", "gRPC: une autre manière de faire des APIs"),
            ]
        );
        assert!(triples(&f, Relation::WorksAt).contains(&("Hugo Marchand", "Qorvane")));
        assert!(!labels(&f, Kind::Company).iter().any(|c| c.contains("Lead")));
    }

    #[test]
    fn paragraphs_nested_under_a_talk_item_are_its_part_of_the_text() {
        let f = facts(
            "# Lightning talks\n\n1. Ana Ruiz: Faster Builds for Everyone\n\n   Kubernetes jobs run the builds here.\n\n2. Li Wei: Calm Queues for Everyone\n\n   All about RabbitMQ.\n\nPostgreSQL was discussed over drinks.\n",
            "a.md",
        );
        assert_eq!(
            triples(&f, Relation::Mentions),
            [
                ("Calm Queues for Everyone", "RabbitMQ"),
                ("Faster Builds for Everyone", "Kubernetes"),
            ]
        );
    }

    #[test]
    fn a_run_of_lines_that_open_with_their_speakers_is_a_programme() {
        let text = "## March 2019 at Qorp\n\n🗣 [Ana Ruiz - Managing Groups of Workers](https://example.org/a)\n\n🗣 Li Wei & Bo Chen (Zylo Systems): Calm Queues for Everyone\n\n🗣 Zoé Martin - Staff Engineer at Qorp\n\n🗣 Tom Reyes - Puppet Labs\n";
        let f = facts(text, "a.md");
        assert_eq!(
            triples(&f, Relation::Presents),
            [
                ("Ana Ruiz", "Managing Groups of Workers"),
                ("Bo Chen", "Calm Queues for Everyone"),
                ("Li Wei", "Calm Queues for Everyone"),
            ]
        );
        assert!(triples(&f, Relation::WorksAt).contains(&("Bo Chen", "Zylo Systems")));
        // One such line alone is no programme.
        let one = facts("🗣 Ana Ruiz - Managing Groups of Workers\n", "b.md");
        assert!(triples(&one, Relation::Presents).is_empty());
    }

    #[test]
    fn each_dated_heading_of_a_page_of_meetups_is_the_event_of_its_talks() {
        let text = "## Past meetups\n\n### September 18 2019 - Qorp\n\n🗣 Ana Ruiz - Managing Groups of Workers\n\n🗣 Li Wei - Calm Queues for Everyone\n\n### July 17 2019 - Zylo\n\n🗣 Bo Chen - Faster Builds for Everyone\n";
        let f = facts(text, "a.md");
        assert_eq!(
            triples(&f, Relation::PartOf),
            [
                ("Calm Queues for Everyone", "September 18 2019 - Qorp"),
                ("Faster Builds for Everyone", "July 17 2019 - Zylo"),
                ("Managing Groups of Workers", "September 18 2019 - Qorp"),
            ]
        );
        // A title's gerund is no person, and the title names nobody's employer.
        assert_eq!(labels(&f, Kind::Person), ["Ana Ruiz", "Bo Chen", "Li Wei"]);
        assert!(triples(&f, Relation::WorksAt).is_empty());
        let ev = f
            .entities
            .iter()
            .find(|e| e.label == "July 17 2019 - Zylo")
            .expect("event");
        let m = &ev.mentions[0];
        assert_eq!(&text[m.start..m.end], "July 17 2019 - Zylo");
    }

    #[test]
    fn talks_listed_in_front_matter_are_talks_with_their_speakers() {
        let text = "---\nedition: '14'\nmeetupLink: 'https://www.meetup.com/Lakeport-js/events/1/'\ntalks:\n  - title: \"Calm queues with Kafka\"\n    extract: >\n      We moved from RabbitMQ to Kafka.\n    authors:\n      - name: 'Ana Ruiz'\n        url: 'https://example.org/ana'\n  - title: 'Faster builds for everyone'\n    speakers:\n      - Bo Chen\n    description: Bazel at scale.\n---\n";
        let f = facts(text, "a.md");
        assert_eq!(
            triples(&f, Relation::Presents),
            [
                ("Ana Ruiz", "Calm queues with Kafka"),
                ("Bo Chen", "Faster builds for everyone"),
            ]
        );
        let mentions = triples(&f, Relation::Mentions);
        assert!(mentions.contains(&("Calm queues with Kafka", "RabbitMQ")));
        assert!(mentions.contains(&("Faster builds for everyone", "Bazel")));
        assert!(!mentions.iter().any(|(t, _)| t.contains("example")));
        assert_eq!(
            triples(&f, Relation::PartOf),
            [
                ("Calm queues with Kafka", "Lakeport-js #14"),
                ("Faster builds for everyone", "Lakeport-js #14"),
            ]
        );
        // Every name's mention text is what its span holds, the metadata event's too (a
        // talk's span is its whole line, markup included, as for a heading).
        for e in f.entities.iter().filter(|e| e.kind != Kind::Talk) {
            for m in &e.mentions {
                assert_eq!(&*m.text, &text[m.start..m.end], "{}", e.label);
            }
        }
    }

    #[test]
    fn an_organisation_named_after_its_product_is_typed_by_its_document() {
        let kinds = |f: &Facts, label: &str| -> Vec<Kind> {
            f.entities
                .iter()
                .filter(|e| e.label == label)
                .map(|e| e.kind)
                .collect()
        };
        // Spoken of as a tool: the product, and the talk mentions it.
        let f = facts(
            "## Smaller images\n\nAna Ruiz (Zylo) explique comment construire des images Docker plus petites.\n",
            "a.md",
        );
        assert_eq!(kinds(&f, "Docker"), [Kind::Project]);
        assert!(triples(&f, Relation::Mentions).contains(&("Smaller images", "Docker")));
        // Someone works there: the organisation.
        let f = facts(
            "## Smaller images\n\nAna Ruiz (Docker) explique comment construire des images plus petites.\n",
            "b.md",
        );
        assert_eq!(kinds(&f, "Docker"), [Kind::Company]);
        assert!(triples(&f, Relation::WorksAt).contains(&("Ana Ruiz", "Docker")));
        // "at GitHub": a place of work, even with nobody named.
        let f = facts("## Ten Years of Rails at GitHub\n\nA look back.\n", "c.md");
        assert_eq!(kinds(&f, "GitHub"), [Kind::Company]);
    }

    #[test]
    fn tool_names_in_lower_case_are_found_unless_they_are_words() {
        let f = facts(
            "## Builds sans douleur\n\nAna Ruiz explique comment elle est passée de ansible à webpack sous kubernetes. Ce fut un vrai litmus test, et le gatekeeper du projet a validé.\n",
            "a.md",
        );
        let projects = labels(&f, Kind::Project);
        for name in ["Ansible", "Kubernetes", "webpack"] {
            assert!(projects.contains(&name), "{name} in {projects:?}");
        }
        assert!(
            !projects
                .iter()
                .any(|p| matches!(*p, "Litmus" | "Gatekeeper"))
        );
    }

    #[test]
    fn numbered_and_year_led_headings_of_a_page_of_editions_are_events() {
        // "#2 - Tuesday, June 28th": the series is the page's level-1 heading; the date
        // alone is no talk.
        let text = "# Lakeport.css\n\n### Past meetups\n\n#### #2 - Tuesday, June 28th\n\n🗣 Ana Ruiz - Managing Groups of Workers\n\n#### #1 - Wednesday, May 18th\n\n🗣 Bo Chen - Faster Builds for Everyone\n";
        let f = facts(text, "a.md");
        assert_eq!(
            triples(&f, Relation::PartOf),
            [
                ("Faster Builds for Everyone", "Lakeport.css #1"),
                ("Managing Groups of Workers", "Lakeport.css #2"),
            ]
        );
        assert!(!labels(&f, Kind::Talk).iter().any(|t| t.contains("Tuesday")));
        // "2019 – Qorp Summit Lakeport": a year, a dash and a name; a known event that is
        // only the start of the name ("Microsoft Ignite" in "Microsoft Ignite the Tour
        // Paris") is widened to it. "2019 – Meetups" lists talks of no named event.
        let text = "## 2019 – Meetups\n\n🗣 Li Wei - Calm Queues for Everyone\n\n## 2019 – Qorp Summit Lakeport\n\n🗣 Ana Ruiz - Managing Groups of Workers\n\n## 2018 - Microsoft Ignite the Tour Lakeport\n\n🗣 Bo Chen - Faster Builds for Everyone\n\nLe site du Microsoft Ignite donne le programme.\n";
        let f = facts(text, "b.md");
        assert_eq!(
            triples(&f, Relation::PartOf),
            [
                (
                    "Faster Builds for Everyone",
                    "Microsoft Ignite the Tour Lakeport 2018"
                ),
                ("Managing Groups of Workers", "Qorp Summit Lakeport 2019"),
            ]
        );
        assert_eq!(
            labels(&f, Kind::Event),
            [
                "Microsoft Ignite the Tour Lakeport 2018",
                "Qorp Summit Lakeport 2019"
            ]
        );
        // One such heading alone is a post's own title, not a page of editions.
        let one = facts(
            "## 2019 – Qorp Summit Lakeport\n\n🗣 Ana Ruiz - Managing Groups of Workers\n",
            "c.md",
        );
        assert!(!labels(&one, Kind::Event).contains(&"Qorp Summit Lakeport 2019"));
    }

    #[test]
    fn an_emphasised_title_then_its_speaker_owns_the_paragraphs_below() {
        let text = "## Résumé\n\n**Pipelines de données sans douleur** (Romain Duval)\n\nNous verrons Airflow et Dagster.\n\n**Ana Ruiz** (Qorp)\n\n**Construire des cours avec Jupyter** (Li Wei)\n\nAvec JupyterHub.\n\n📍 Lieu : locaux de Kubernetes Labs\n";
        let f = facts(text, "a.md");
        assert_eq!(
            triples(&f, Relation::Presents),
            [
                ("Li Wei", "Construire des cours avec Jupyter"),
                ("Romain Duval", "Pipelines de données sans douleur"),
            ]
        );
        let mentions = triples(&f, Relation::Mentions);
        assert!(mentions.contains(&("Pipelines de données sans douleur", "Apache Airflow")));
        assert!(mentions.contains(&("Construire des cours avec Jupyter", "JupyterHub")));
        // The venue line ends the last talk's part.
        assert!(!mentions.iter().any(|(_, m)| m.contains("Kubernetes")));
    }

    #[test]
    fn a_quoted_shared_by_line_names_the_speaker_of_the_heading_above() {
        let f = facts(
            "## Qorvane - From MVP to Market Fit\n\n> Shared by: Jeremy Hon\n\nJeremy leads the engineering team.\n",
            "a.md",
        );
        assert_eq!(
            triples(&f, Relation::Presents),
            [("Jeremy Hon", "Qorvane - From MVP to Market Fit")]
        );
    }

    #[test]
    fn a_table_whose_header_names_its_columns_gives_talks_speakers_and_employers() {
        let f = facts(
            "## Day one\n\nTalk Title | Speaker | Company | Notes\n---- | --- | --- | ---\nAccessibility and Forms | [Felipe de Albuquerque](https://x.com/f) | Qorvane | great\nKnitting for Coders | Mariko Kosakawa | | fun\n\n| Mois | Lieu |\n|---|---|\n| Ana Ruiz | Zylo Systems |\n",
            "a.md",
        );
        assert_eq!(
            triples(&f, Relation::Presents),
            [
                ("Felipe de Albuquerque", "Accessibility and Forms"),
                ("Mariko Kosakawa", "Knitting for Coders"),
            ]
        );
        assert_eq!(
            triples(&f, Relation::WorksAt),
            [("Felipe de Albuquerque", "Qorvane")]
        );
    }

    #[test]
    fn a_handle_in_brackets_after_a_person_is_no_employer_and_no_obstacle() {
        let f = facts(
            "Éamonn Corrigan (@EamonnCorrigan), ingénieur logiciel chez Qorvane nous a parlé de Kafka.\n",
            "a.md",
        );
        assert_eq!(
            triples(&f, Relation::WorksAt),
            [("Éamonn Corrigan", "Qorvane")]
        );
        assert!(!labels(&f, Kind::Company).contains(&"EamonnCorrigan"));
    }

    #[test]
    fn a_post_titled_by_its_meetup_and_date_is_about_that_meetup() {
        let f = facts(
            "---\ntitle: '[Rétro] Meetup du 6 novembre 2018 chez Qorvane'\n---\n\nTandis que le plat de résistance était « Des bots pour nos process » par Ana Ruiz et Li Wei de chez Qorvane.\n",
            "a.md",
        );
        assert_eq!(
            triples(&f, Relation::PartOf),
            [(
                "Des bots pour nos process",
                "Meetup du 6 novembre 2018 chez Qorvane"
            )]
        );
        // A title that names no meetup adds no event.
        let g = facts(
            "---\ntitle: 'Notes de lecture 2018'\n---\n\n« Des bots pour nos process » par Ana Ruiz.\n",
            "b.md",
        );
        assert!(labels(&g, Kind::Event).is_empty());
    }

    #[test]
    fn a_meetup_page_titled_by_its_evening_gives_its_talks_that_event() {
        let body = "\n\n## Programme\n\n- « Des bots pour nos process » par Ana Ruiz (Qorvane)\n- « Typer sans peur » par Li Wei (Zylo)\n";
        let page = |title: &str| facts(&format!("---\ntitle: '{title}'\n---{body}"), "a.md");
        for (title, event) in [
            (
                "Soirée Virtuelle : Fresh Voices IV - Lakeport Java User Group",
                "Soirée Virtuelle : Fresh Voices IV",
            ),
            ("March 2021 Meeting", "March 2021 Meeting"),
            (
                "Les présentations éclairs de la communauté",
                "Les présentations éclairs de la communauté",
            ),
            (
                "La Rentrée des Orateurs 2020 | Sessions",
                "La Rentrée des Orateurs 2020",
            ),
        ] {
            let f = page(title);
            assert_eq!(
                triples(&f, Relation::PartOf),
                [
                    ("Des bots pour nos process", event),
                    ("Typer sans peur", event)
                ],
                "{title}"
            );
        }
        // A sentence about a meetup, or a title naming none, is no event's name.
        for title in [
            "Les vidéos de la soirée Qorvane de mars sont en ligne",
            "My favourite talks of 2023",
        ] {
            assert!(labels(&page(title), Kind::Event).is_empty(), "{title}");
        }
        // An event the text names with an edition number is the better name.
        let f = facts(
            "---\ntitle: 'Soirée du groupe'\n---\n\nLe Lakeport Meetup #9 a eu lieu hier.\n\n- « Des bots pour nos process » par Ana Ruiz (Qorvane)\n",
            "b.md",
        );
        assert_eq!(labels(&f, Kind::Event), ["Lakeport Meetup #9"]);
    }

    #[test]
    fn headings_that_open_with_their_speakers_are_talks_with_those_speakers() {
        let f = facts(
            "# Notes from day one\n\n## Ana Ruiz (Qorvane) - Calm Queues: Retries Without Tears\n\n- built on Kubernetes\n\n## Li Wei - Bazel\n\n- hermetic builds\n\n## Bo Chen - Zylo Systems\n\n- a company, not a talk\n",
            "a.md",
        );
        assert_eq!(
            triples(&f, Relation::Presents),
            [
                ("Ana Ruiz", "Calm Queues: Retries Without Tears"),
                ("Li Wei", "Bazel")
            ]
        );
        assert_eq!(triples(&f, Relation::WorksAt), [("Ana Ruiz", "Qorvane")]);
        assert!(
            triples(&f, Relation::Mentions)
                .contains(&("Calm Queues: Retries Without Tears", "Kubernetes"))
        );
        // One such heading alone could be anything.
        let g = facts("## Ana Ruiz - Calm Queues\n\nSome notes.\n", "b.md");
        assert!(triples(&g, Relation::Presents).is_empty());
    }

    #[test]
    fn a_surname_a_gazetteer_knows_as_an_organisation_ends_a_name() {
        let f = facts("Brandon Philips from Qorvane opened the day.\n", "a.md");
        assert_eq!(
            triples(&f, Relation::WorksAt),
            [("Brandon Philips", "Qorvane")]
        );
        assert!(!labels(&f, Kind::Company).contains(&"Philips"));
        // Not when the name goes on, nor without a known first name.
        let g = facts(
            "Philips Hue from Qorvane; the Brandon Philips Lighting team.\n",
            "b.md",
        );
        assert!(!labels(&g, Kind::Person).contains(&"Brandon Philips"));
    }

    #[test]
    fn a_heading_that_links_a_recording_is_a_talk_and_keeps_the_link() {
        let f = facts(
            "# Day one\n\n### [Calm Queues for Busy People](https://www.youtube.com/watch?v=abc)\n\n- Talk by Ana Ruiz\n- built on Kubernetes\n\n### [Our Team Values](https://example.org/values)\n\nSome notes.\n",
            "a.md",
        );
        assert_eq!(
            triples(&f, Relation::Presents),
            [("Ana Ruiz", "Calm Queues for Busy People")]
        );
        let talk = f
            .entities
            .iter()
            .find(|e| e.kind == Kind::Talk)
            .expect("a talk");
        assert!(talk.attributes.contains(&(
            "video".to_string(),
            "https://www.youtube.com/watch?v=abc".to_string()
        )));
        // A heading linking an ordinary page, and "Talk" alone, are no talks.
        assert_eq!(labels(&f, Kind::Talk), ["Calm Queues for Busy People"]);
    }

    #[test]
    fn links_are_told_apart_by_where_they_point() {
        assert_eq!(link_kind("https://youtu.be/x"), "video");
        assert_eq!(link_kind("https://www.youtube.com/watch?v=1"), "video");
        assert_eq!(link_kind("https://speakerdeck.com/a/b"), "slides");
        assert_eq!(link_kind("https://example.org/talk.pdf?dl=1"), "slides");
        assert_eq!(
            link_kind("https://docs.google.com/presentation/d/1"),
            "slides"
        );
        assert_eq!(link_kind("https://example.org/youtube.com"), "url");
    }

    #[test]
    fn paragraphs_that_open_with_an_emphasised_title_then_its_presenter_are_talks() {
        let f = facts(
            "## Les talks de la soirée\n\n**Checkpoint : sécurité des frameworks**, [Ana Ruiz](https://x.com/a) passe en revue les risques\nde ne pas mettre à jour Symfony.\n\n**Calm Queues for Busy People** par [Li Wei](https://x.com/l).\nUn retour sur Kafka en production.\n",
            "a.md",
        );
        assert_eq!(
            triples(&f, Relation::Presents),
            [
                ("Ana Ruiz", "Checkpoint : sécurité des frameworks"),
                ("Li Wei", "Calm Queues for Busy People")
            ]
        );
        assert!(
            triples(&f, Relation::Mentions)
                .contains(&("Calm Queues for Busy People", "Apache Kafka"))
        );
        // One emphasised lead-in in prose is emphasis, not a programme.
        let g = facts(
            "**Un point important**, Ana Ruiz nous a rappelé de tester nos sauvegardes.\n",
            "b.md",
        );
        assert!(triples(&g, Relation::Presents).is_empty());
    }

    #[test]
    fn a_heading_title_with_a_name_shape_still_stops_before_its_speaker() {
        // "Calm Queues" and "Busy People" have a name's shape; only Ana Ruiz follows a dash.
        let f = facts(
            "## Saturday 10:30 Calm Queues for Busy People - Ana Ruiz\n\n- built on RabbitMQ\n\n## Sunday 09:00 The State of Rust Async - Li Wei\n\n- Tokio\n",
            "a.md",
        );
        assert_eq!(
            triples(&f, Relation::Presents),
            [
                ("Ana Ruiz", "Calm Queues for Busy People"),
                ("Li Wei", "The State of Rust Async")
            ]
        );
        assert!(
            triples(&f, Relation::Mentions).contains(&("Calm Queues for Busy People", "RabbitMQ"))
        );
    }

    #[test]
    fn a_user_group_is_an_organisation_not_an_event() {
        let f = facts(
            "Le Lakeport JUG et le GDG Qorvane accueillent Ana Ruiz de chez Lakeport JUG.\n",
            "a.md",
        );
        assert!(labels(&f, Kind::Event).is_empty());
        assert_eq!(
            triples(&f, Relation::WorksAt),
            [("Ana Ruiz", "Lakeport JUG")]
        );
    }
}

#[cfg(test)]
mod never_panics {
    use super::*;
    use proptest::prelude::*;

    fn doc(text: String) -> Document {
        Document::new("p.md", text)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        // Any text, including markup, quotes, masks and odd Unicode, extracts without a panic
        // and every mention span points at the text it claims.
        #[test]
        fn arbitrary_text(text in r"(?s)(?:[#\-*_ \n“”«»'’()\[\]:,.!?⟦⟧0-9]|[A-Z][a-zé]{1,8}|[a-z]{1,6}|Jean-Paul|van der|K8s|solo\.io|&rsquo;|&amp;|&#233;|&laquo;|chez|from|at|Talk 1 :|Intervenant :|\u{1F389}|\u{0301}|ł|Ǆ){0,120}") {
            let rules = crate::rules::default_rules().expect("embedded rules compile");
            let d = doc(text);
            let facts = extract(rules, &d);
            for e in &facts.entities {
                for m in &e.mentions {
                    prop_assert!(m.start <= m.end && m.end <= d.text.len());
                    prop_assert!(d.text.is_char_boundary(m.start) && d.text.is_char_boundary(m.end));
                }
            }
        }
    }
}
