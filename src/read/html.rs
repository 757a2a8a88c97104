//! HTML pages as clean text in place: markup blanked to spaces (same byte length), character
//! references decoded at their own offsets, one block per line, only the main content kept;
//! plus the blocks, links, emphasis and page metadata. Pure: no I/O, never panics on any input.
//!
//! Tokenizing is html5gum's (WHATWG states, byte spans on every tag). Text comes out of it
//! decoded, so a small emitter wrapper watches the reader position at each piece of text to
//! learn which source bytes a decoded reference stood for (see [`Spy`]).

use html5gum::{DefaultEmitter, Emitter, ForwardingEmitter, State, Token, Tokenizer};
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

/// A page's visible text, with markup blanked in place. See [`visible_text`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlText {
    /// Exactly `html.len()` bytes, valid UTF-8. Visible text of the main content stays at its
    /// own byte offsets; every other byte is a space, except `'\n'` written inside the blanked
    /// bytes of tags that open or close blocks (one block = one line; a blank line between
    /// paragraph-level blocks). Table cells read as `| cell | cell |`.
    pub text: String,
    /// Block-level pieces in document order: non-overlapping ranges of `text`, trimmed.
    pub blocks: Vec<HtmlBlock>,
    /// Links with visible text, ordered by start.
    pub links: Vec<HtmlLink>,
    /// Ranges of emphasised visible text (em, strong, i, b, cite, q), ordered by start.
    pub emphasis: Vec<(usize, usize)>,
    /// Page metadata from `<head>` and a few in-page conventions.
    pub meta: HtmlMeta,
}

/// One line of [`HtmlText::text`]: `start..end` trimmed to visible content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HtmlBlock {
    pub start: usize,
    pub end: usize,
    pub kind: HtmlBlockKind,
}

/// What a block is, from the innermost heading, list item or table row around its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HtmlBlockKind {
    /// `h1`..`h6`, with the level.
    Heading(u8),
    ListItem,
    /// Anything else: p, div text, blockquote, dd, dt, figcaption...
    Paragraph,
    TableRow,
}

/// The visible text of a link (`start..end` in [`HtmlText::text`]) and its href, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlLink {
    pub start: usize,
    pub end: usize,
    pub href: String,
}

/// Page metadata; values decoded and whitespace-collapsed, empty ones left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HtmlMeta {
    /// `<title>`, else og:title, else the first visible h1.
    pub title: Option<String>,
    /// article:published_time, else the first `<time datetime>` (main content first), else
    /// meta name=date.
    pub date: Option<String>,
    /// meta name=author, else the text of the first `rel=author` link.
    pub author: Option<String>,
    /// link rel=canonical, else og:url.
    pub url: Option<String>,
    /// meta name=description, else og:description.
    pub description: Option<String>,
    /// meta keywords (split at commas) and article:tag, in order, without repeats.
    pub tags: Vec<String>,
}

/// Whether text that came without an extension looks like HTML: a doctype or `<html` at the
/// start, or at least three block-level tags in its first 4 KiB.
pub fn looks_html(text: &str) -> bool {
    let head = text
        .trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n'])
        .as_bytes();
    let head = &head[..head.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    if lower.starts_with(b"<!doctype html") || lower.starts_with(b"<html") {
        return true;
    }
    const TAGS: [&[u8]; 14] = [
        b"<p>", b"<p ", b"<div", b"<h1", b"<h2", b"<h3", b"<li>", b"<ul", b"<ol", b"<table",
        b"<br", b"<body", b"<head", b"<html",
    ];
    let mut found = 0;
    for (i, &b) in lower.iter().enumerate() {
        if b == b'<' && TAGS.iter().any(|t| lower[i..].starts_with(t)) {
            found += 1;
            if found >= 3 {
                return true;
            }
        }
    }
    false
}

/// The main content's visible text of `html`, blanked in place, with its structure.
///
/// Main content: every `<main>` / `role="main"` element if there is one, else every
/// `<article>`, else `<body>` (or the whole page less `<head>` when there is no body tag).
/// Dropped everywhere: nav, footer, aside, script, style, forms, iframes, svg, comments,
/// hidden elements, and `<header>` outside an article or main element.
pub fn visible_text(html: &str) -> HtmlText {
    let mode = scan_mode(html);
    let fixups = Rc::new(RefCell::new(Fixups::default()));
    let mut inner = DefaultEmitter::<usize>::new_with_span();
    // Without it, `<script>` contents such as "</div>" would be read as tags.
    inner.naively_switch_states(true);
    let spy = Spy {
        inner,
        src: html.as_bytes(),
        pos: 0,
        last: 0,
        fixups: Rc::clone(&fixups),
    };
    let mut w = Walker::new(html, mode);
    for token in Tokenizer::new_with_emitter(html, spy) {
        // The reader of a `&str` cannot fail (its error type is uninhabited).
        let Ok(token) = token;
        match token {
            Token::StartTag(tag) => {
                let (a, b) = clamp_span(tag.span.start, tag.span.end, html.len());
                let attrs = Attrs(
                    tag.attributes
                        .iter()
                        .map(|(k, v)| (k.0.as_slice(), v.value.0.as_slice()))
                        .collect(),
                );
                w.start_tag(&tag.name, &attrs, tag.self_closing, a, b);
            }
            Token::EndTag(tag) => {
                let (a, b) = clamp_span(tag.span.start, tag.span.end, html.len());
                w.end_tag(&tag.name, a, b);
            }
            Token::String(s) => {
                let (a, b) = clamp_span(s.span.start, s.span.end, html.len());
                w.text(a, b, &s.value, &mut fixups.borrow_mut());
            }
            Token::Comment(_) | Token::Doctype(_) | Token::Error(_) => {}
        }
    }
    w.finish()
}

fn clamp_span(a: usize, b: usize, len: usize) -> (usize, usize) {
    let b = b.min(len);
    (a.min(b), b)
}

/// Which elements hold the main content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// `<main>` and `role="main"` elements.
    Main,
    Article,
    /// `<body>`.
    Body,
    /// No body tag: everything outside `<head>`.
    Page,
}

/// First pass: which content elements the page has. A second tokenizing pass costs time but
/// no memory, where keeping every token for one pass would hold the whole page's tags.
fn scan_mode(html: &str) -> Mode {
    let mut emitter = DefaultEmitter::<()>::default();
    emitter.naively_switch_states(true);
    let (mut article, mut body) = (false, false);
    for token in Tokenizer::new_with_emitter(html, emitter) {
        let Ok(Token::StartTag(tag)) = token else {
            continue;
        };
        let role_main = tag
            .attributes
            .get(b"role".as_slice())
            .is_some_and(|v| v.value.0.eq_ignore_ascii_case(b"main"));
        match tag.name.0.as_slice() {
            b"main" => return Mode::Main,
            _ if role_main => return Mode::Main,
            b"article" => article = true,
            b"body" => body = true,
            _ => {}
        }
    }
    if article {
        Mode::Article
    } else if body {
        Mode::Body
    } else {
        Mode::Page
    }
}

/// Text the tokenizer emitted that is not a plain copy of the source bytes it came from:
/// a decoded character reference, or a normalised carriage return. `from..to` are the
/// source bytes consumed since the previous piece; the emitted bytes are `bytes[at..at + len]`.
struct Fixup {
    from: usize,
    to: usize,
    at: usize,
    len: usize,
}

#[derive(Default)]
struct Fixups {
    list: VecDeque<Fixup>,
    bytes: Vec<u8>,
}

/// Wraps the default emitter to watch the reader position (html5gum's documented hook for
/// spans, `move_position`) at each `emit_string`, so decoded text can be put back in place.
/// Pieces that equal the source bytes just consumed are not recorded.
struct Spy<'a> {
    inner: DefaultEmitter<usize>,
    src: &'a [u8],
    pos: usize,
    /// Reader position after the previous piece of text or token.
    last: usize,
    fixups: Rc<RefCell<Fixups>>,
}

impl ForwardingEmitter for Spy<'_> {
    type Token = Token<usize>;

    fn inner(&mut self) -> &mut impl Emitter<Token = Self::Token> {
        &mut self.inner
    }

    fn move_position(&mut self, offset: isize) {
        self.pos = self.pos.saturating_add_signed(offset);
        Emitter::move_position(&mut self.inner, offset);
    }

    fn emit_string(&mut self, s: &[u8]) {
        let to = self.pos.min(self.src.len());
        let from = self.last.min(to);
        if self.src.get(from..to) != Some(s) {
            let mut f = self.fixups.borrow_mut();
            let at = f.bytes.len();
            f.bytes.extend_from_slice(s);
            f.list.push_back(Fixup {
                from,
                to,
                at,
                len: s.len(),
            });
        }
        self.last = to;
        Emitter::emit_string(&mut self.inner, s);
    }

    fn emit_current_tag(&mut self) -> Option<State> {
        let next = Emitter::emit_current_tag(&mut self.inner);
        self.last = self.pos;
        next
    }

    fn emit_current_comment(&mut self) {
        Emitter::emit_current_comment(&mut self.inner);
        self.last = self.pos;
    }

    fn emit_current_doctype(&mut self) {
        Emitter::emit_current_doctype(&mut self.inner);
        self.last = self.pos;
    }
}

/// A start tag's attributes, names lowercase (the tokenizer's doing).
struct Attrs<'t>(Vec<(&'t [u8], &'t [u8])>);

impl Attrs<'_> {
    fn get(&self, name: &str) -> Option<&[u8]> {
        self.0
            .iter()
            .find(|(k, _)| *k == name.as_bytes())
            .map(|(_, v)| *v)
    }

    fn get_str(&self, name: &str) -> Option<String> {
        self.get(name)
            .map(|v| String::from_utf8_lossy(v).into_owned())
    }

    /// Whether the space-separated list in attribute `name` has `token` (ASCII case-insensitive).
    fn has_token(&self, name: &str, token: &str) -> bool {
        self.get(name).is_some_and(|v| {
            v.split(|b| b.is_ascii_whitespace())
                .any(|t| t.eq_ignore_ascii_case(token.as_bytes()))
        })
    }
}

fn is_void(name: &[u8]) -> bool {
    matches!(
        name,
        b"area"
            | b"base"
            | b"br"
            | b"col"
            | b"embed"
            | b"hr"
            | b"img"
            | b"input"
            | b"link"
            | b"meta"
            | b"param"
            | b"source"
            | b"track"
            | b"wbr"
            | b"keygen"
            | b"frame"
            | b"basefont"
            | b"bgsound"
    )
}

/// Tags that start or end a line of text.
fn is_block(name: &[u8]) -> bool {
    matches!(
        name,
        b"address"
            | b"article"
            | b"aside"
            | b"blockquote"
            | b"body"
            | b"caption"
            | b"center"
            | b"dd"
            | b"details"
            | b"dialog"
            | b"dir"
            | b"div"
            | b"dl"
            | b"dt"
            | b"fieldset"
            | b"figcaption"
            | b"figure"
            | b"footer"
            | b"form"
            | b"h1"
            | b"h2"
            | b"h3"
            | b"h4"
            | b"h5"
            | b"h6"
            | b"head"
            | b"header"
            | b"hgroup"
            | b"hr"
            | b"html"
            | b"legend"
            | b"li"
            | b"main"
            | b"menu"
            | b"nav"
            | b"ol"
            | b"p"
            | b"pre"
            | b"section"
            | b"summary"
            | b"table"
            | b"tbody"
            | b"tfoot"
            | b"thead"
            | b"tr"
            | b"ul"
            | b"plaintext"
            | b"listing"
            | b"xmp"
    )
}

/// Table structure: lines even inside a row (a nested table's rows, the row itself).
fn is_table_part(name: &[u8]) -> bool {
    matches!(
        name,
        b"table" | b"tbody" | b"thead" | b"tfoot" | b"tr" | b"caption"
    )
}

/// Newlines wanted at a boundary made by this tag: one inside lists, tables and at `<br>`,
/// a blank line around everything else.
fn newlines_for(name: &[u8]) -> u8 {
    match name {
        b"li" | b"dt" | b"dd" | b"tr" | b"br" | b"tbody" | b"thead" | b"tfoot" => 1,
        _ => 2,
    }
}

/// Elements whose content is never main text.
fn is_dropped(name: &[u8]) -> bool {
    matches!(
        name,
        b"nav"
            | b"footer"
            | b"aside"
            | b"script"
            | b"style"
            | b"noscript"
            | b"template"
            | b"svg"
            | b"math"
            | b"form"
            | b"button"
            | b"select"
            | b"textarea"
            | b"iframe"
            | b"object"
            | b"canvas"
            | b"audio"
            | b"video"
            | b"head"
            | b"title"
            | b"noframes"
            | b"noembed"
    )
}

fn heading_level(name: &[u8]) -> Option<u8> {
    match name {
        [b'h', d @ b'1'..=b'6'] => Some(d - b'0'),
        _ => None,
    }
}

fn is_emphasis(name: &[u8]) -> bool {
    matches!(name, b"em" | b"strong" | b"i" | b"b" | b"cite" | b"q")
}

/// How far down the open elements the implied-end-tag rules look: browsers bound nesting
/// too, and an unbounded look on every tag would be quadratic on deep tag soup.
const SCOPE_LOOKUP: usize = 64;

/// Text kept per metadata capture; a runaway `<title>` must not hold the page twice.
const CAPTURE_MAX: usize = 4096;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Capture {
    Title,
    H1,
    Author,
}

#[derive(Debug)]
enum Inline {
    Link(String),
    Emphasis,
}

/// One open element.
#[derive(Debug)]
struct Open {
    name: Vec<u8>,
    dropped: bool,
    region: bool,
    /// Pushed a kind onto `Walker::kinds`.
    kind: bool,
    inline: Option<Inline>,
    capture: Option<Capture>,
    /// End of its start tag: where its content begins.
    opened_at: usize,
}

/// A block being filled: `start..end` covers visible content so far.
struct Current {
    start: usize,
    end: usize,
    kind: HtmlBlockKind,
}

/// Second pass: an element stack (a simplified tree builder) deciding what is visible,
/// writing text, newlines and pipes into `out`.
struct Walker<'a> {
    src: &'a [u8],
    out: Vec<u8>,
    mode: Mode,
    stack: Vec<Open>,
    /// Open elements by name, so a stray end tag costs no look down the stack.
    counts: FxHashMap<Vec<u8>, usize>,
    /// Open dropped elements.
    skip: usize,
    /// Open main-content elements.
    region: usize,
    /// Heading and list-item kinds of the open elements, innermost last.
    kinds: Vec<HtmlBlockKind>,
    current: Option<Current>,
    /// Newlines written since the last visible content (2 at the start: no leading lines).
    newlines: u8,
    /// Cells seen in the current table row.
    cells: usize,
    /// Visible text runs, `(first, end)` of non-space bytes, in order: inline ranges are
    /// looked up here by binary search.
    runs: Vec<(usize, usize)>,
    blocks: Vec<HtmlBlock>,
    links: Vec<HtmlLink>,
    emphasis: Vec<(usize, usize)>,
    captures: [Option<String>; 3],
    found: Found,
}

/// Metadata candidates, resolved by priority in `finish`.
#[derive(Default)]
struct Found {
    title: Option<String>,
    og_title: Option<String>,
    h1: Option<String>,
    published: Option<String>,
    time_main: Option<String>,
    time_any: Option<String>,
    meta_date: Option<String>,
    author: Option<String>,
    rel_author: Option<String>,
    canonical: Option<String>,
    og_url: Option<String>,
    description: Option<String>,
    og_description: Option<String>,
    tags: Vec<String>,
}

fn collapse(s: &str) -> Option<String> {
    let v = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!v.is_empty()).then_some(v)
}

fn set_once(slot: &mut Option<String>, value: &str) {
    if slot.is_none() {
        *slot = collapse(value);
    }
}

impl<'a> Walker<'a> {
    fn new(html: &'a str, mode: Mode) -> Self {
        Walker {
            src: html.as_bytes(),
            out: vec![b' '; html.len()],
            mode,
            stack: Vec::new(),
            counts: FxHashMap::default(),
            skip: 0,
            region: usize::from(mode == Mode::Page),
            kinds: Vec::new(),
            current: None,
            newlines: 2,
            cells: 0,
            runs: Vec::new(),
            blocks: Vec::new(),
            links: Vec::new(),
            emphasis: Vec::new(),
            captures: [None, None, None],
            found: Found::default(),
        }
    }

    fn visible(&self) -> bool {
        self.region > 0 && self.skip == 0
    }

    fn count(&self, name: &[u8]) -> usize {
        self.counts.get(name).copied().unwrap_or(0)
    }

    fn in_row(&self) -> bool {
        self.count(b"tr") > 0
    }

    fn start_tag(&mut self, name: &[u8], attrs: &Attrs, self_closing: bool, a: usize, b: usize) {
        match name {
            b"meta" => self.meta_tag(attrs),
            b"link" if attrs.has_token("rel", "canonical") => {
                if let Some(href) = attrs.get_str("href") {
                    set_once(&mut self.found.canonical, &href);
                }
            }
            b"time" => {
                if let Some(dt) = attrs.get_str("datetime") {
                    set_once(&mut self.found.time_any, &dt);
                    if self.visible() {
                        set_once(&mut self.found.time_main, &dt);
                    }
                }
            }
            _ => {}
        }
        if name == b"br" {
            self.line_break(a, b);
            return;
        }
        self.implied_ends(name, a);
        if is_block(name) && (!self.in_row() || is_table_part(name)) {
            self.boundary(a, b, newlines_for(name));
        }
        if matches!(name, b"td" | b"th") {
            self.cell(a, b);
        }
        if is_void(name) || self_closing {
            return;
        }
        self.push(name, attrs, b);
    }

    fn end_tag(&mut self, name: &[u8], a: usize, b: usize) {
        if name == b"br" {
            // Browsers read `</br>` as `<br>`.
            self.line_break(a, b);
            return;
        }
        if is_block(name) && (!self.in_row() || is_table_part(name)) {
            self.boundary(a, b, newlines_for(name));
        }
        // The body stays open to the end, as in browsers (text after `</body>` is body text).
        if matches!(name, b"body" | b"html") || self.count(name) == 0 {
            return;
        }
        while let Some(open) = self.stack.pop() {
            let done = open.name == name;
            self.close(open, a);
            if done {
                break;
            }
        }
    }

    /// The end tags HTML leaves out: `<li>` closes the open `li`, `<tr>` the open row, a
    /// block closes an open `p`, and so on (a bounded look at the open elements).
    fn implied_ends(&mut self, name: &[u8], at: usize) {
        let (targets, stops): (&[&[u8]], &[&[u8]]) = match name {
            b"li" => (&[b"li"], &[b"ul", b"ol", b"menu"]),
            b"dt" | b"dd" => (&[b"dt", b"dd"], &[b"dl"]),
            b"tr" => (&[b"tr"], &[b"table"]),
            b"td" | b"th" => (&[b"td", b"th"], &[b"tr", b"table"]),
            b"thead" | b"tbody" | b"tfoot" => (&[b"thead", b"tbody", b"tfoot"], &[b"table"]),
            b"a" => (&[b"a"], &[]),
            _ if heading_level(name).is_some() => {
                if self
                    .stack
                    .last()
                    .is_some_and(|o| heading_level(&o.name).is_some())
                {
                    self.pop_from(self.stack.len() - 1, at);
                }
                (&[b"p"], &[b"button", b"table", b"td", b"th", b"caption"])
            }
            _ if is_block(name) => (&[b"p"], &[b"button", b"table", b"td", b"th", b"caption"]),
            _ => return,
        };
        if targets.iter().all(|t| self.count(t) == 0) {
            return;
        }
        let lowest = self.stack.len().saturating_sub(SCOPE_LOOKUP);
        for i in (lowest..self.stack.len()).rev() {
            let n = self.stack[i].name.as_slice();
            if targets.contains(&n) {
                self.pop_from(i, at);
                return;
            }
            if stops.contains(&n) {
                return;
            }
        }
    }

    fn pop_from(&mut self, index: usize, at: usize) {
        while self.stack.len() > index {
            if let Some(open) = self.stack.pop() {
                self.close(open, at);
            }
        }
    }

    fn push(&mut self, name: &[u8], attrs: &Attrs, b: usize) {
        let role = attrs.get("role").unwrap_or_default();
        let region = match self.mode {
            Mode::Main => name == b"main" || role.eq_ignore_ascii_case(b"main"),
            Mode::Article => name == b"article",
            Mode::Body => name == b"body",
            Mode::Page => false,
        };
        let in_post = self.count(b"article") > 0 || self.count(b"main") > 0;
        let hidden = attrs.get("hidden").is_some()
            || attrs
                .get("aria-hidden")
                .is_some_and(|v| v.eq_ignore_ascii_case(b"true"))
            || attrs.get("style").is_some_and(|v| {
                let v: Vec<u8> = v
                    .iter()
                    .filter(|b| !b.is_ascii_whitespace())
                    .map(u8::to_ascii_lowercase)
                    .collect();
                v.windows(12).any(|w| w == b"display:none")
                    || v.windows(17).any(|w| w == b"visibility:hidden")
            });
        let dropped = is_dropped(name)
            || hidden
            // A page header is navigation; a post's own header holds its title.
            || (name == b"header" && !in_post && !region)
            || [b"navigation".as_slice(), b"complementary", b"contentinfo", b"search"]
                .iter()
                .any(|r| role.eq_ignore_ascii_case(r))
            || attrs.get("id").is_some_and(|v| {
                v.eq_ignore_ascii_case(b"comments") || v.eq_ignore_ascii_case(b"disqus_thread")
            })
            || attrs.has_token("class", "comments");
        let kind = match name {
            b"li" => Some(HtmlBlockKind::ListItem),
            _ => heading_level(name).map(HtmlBlockKind::Heading),
        };
        let inline = if name == b"a" {
            attrs
                .get_str("href")
                .map(|h| Inline::Link(h.trim().to_string()))
        } else if is_emphasis(name) {
            Some(Inline::Emphasis)
        } else {
            None
        };
        if dropped {
            self.skip += 1;
        }
        if region {
            self.region += 1;
        }
        let capture = match name {
            b"title" if self.count(b"svg") == 0 && self.found.title.is_none() => {
                Some(Capture::Title)
            }
            b"h1" if self.visible() && self.found.h1.is_none() => Some(Capture::H1),
            b"a" if attrs.has_token("rel", "author") && self.found.rel_author.is_none() => {
                Some(Capture::Author)
            }
            _ => None,
        }
        .filter(|c| self.captures[*c as usize].is_none());
        if let Some(c) = capture {
            self.captures[c as usize] = Some(String::new());
        }
        if let Some(k) = kind {
            self.kinds.push(k);
        }
        *self.counts.entry(name.to_vec()).or_insert(0) += 1;
        self.stack.push(Open {
            name: name.to_vec(),
            dropped,
            region,
            kind: kind.is_some(),
            inline,
            capture,
            opened_at: b,
        });
    }

    /// An element ends at `at` (its end tag, or the tag that implied its end).
    fn close(&mut self, open: Open, at: usize) {
        if open.dropped {
            self.skip = self.skip.saturating_sub(1);
        }
        if open.region {
            self.region = self.region.saturating_sub(1);
        }
        if open.kind {
            self.kinds.pop();
        }
        if let Some(n) = self.counts.get_mut(&open.name) {
            *n = n.saturating_sub(1);
        }
        if let Some(inline) = open.inline {
            let first = self.runs.partition_point(|r| r.0 < open.opened_at);
            let past = self.runs.partition_point(|r| r.0 < at);
            if first < past {
                let (start, end) = (self.runs[first].0, self.runs[past - 1].1);
                match inline {
                    Inline::Link(href) => self.links.push(HtmlLink { start, end, href }),
                    Inline::Emphasis => self.emphasis.push((start, end)),
                }
            }
        }
        if let Some(c) = open.capture {
            let text = self.captures[c as usize].take().unwrap_or_default();
            let slot = match c {
                Capture::Title => &mut self.found.title,
                Capture::H1 => &mut self.found.h1,
                Capture::Author => &mut self.found.rel_author,
            };
            set_once(slot, &text);
        }
    }

    fn meta_tag(&mut self, attrs: &Attrs) {
        let Some(key) = attrs
            .get_str("property")
            .or_else(|| attrs.get_str("name"))
            .or_else(|| attrs.get_str("itemprop"))
        else {
            return;
        };
        let Some(content) = attrs.get_str("content") else {
            return;
        };
        let f = &mut self.found;
        match key.trim().to_ascii_lowercase().as_str() {
            "og:title" | "twitter:title" => set_once(&mut f.og_title, &content),
            "article:published_time" | "datepublished" => set_once(&mut f.published, &content),
            "date" | "dc.date" | "dc.date.issued" | "dcterms.date" | "dcterms.created" => {
                set_once(&mut f.meta_date, &content)
            }
            "author" | "dc.creator" => set_once(&mut f.author, &content),
            "og:url" => set_once(&mut f.og_url, &content),
            "description" => set_once(&mut f.description, &content),
            "og:description" => set_once(&mut f.og_description, &content),
            "keywords" => {
                for k in content.split(',') {
                    push_tag(&mut f.tags, k);
                }
            }
            "article:tag" => push_tag(&mut f.tags, &content),
            _ => {}
        }
    }

    /// `<br>`: ends the line inside a block (the rest goes on as a new block of the same
    /// kind); inside a table row it is only a space, a row being one line.
    fn line_break(&mut self, a: usize, b: usize) {
        if !self.in_row() {
            self.boundary(a, b, 1);
        }
    }

    /// Ends the current block at the tag `a..b` and writes up to `want` newlines into the tag,
    /// counting those written since the last content. A table row gets its closing pipe first.
    fn boundary(&mut self, a: usize, b: usize, want: u8) {
        let mut w = a;
        if let Some(cur) = self.current.take() {
            let mut end = cur.end;
            if cur.kind == HtmlBlockKind::TableRow {
                let pipe: &[u8] = if b - a >= 3 { b" |" } else { b"|" };
                if b - a >= pipe.len() {
                    self.out[a..a + pipe.len()].copy_from_slice(pipe);
                    w = a + pipe.len();
                    end = w;
                }
            }
            self.blocks.push(HtmlBlock {
                start: cur.start,
                end,
                kind: cur.kind,
            });
            self.newlines = 0;
        }
        while self.newlines < want && w < b {
            self.out[w] = b'\n';
            w += 1;
            self.newlines += 1;
        }
    }

    /// `<td>`/`<th>`: the cell separator, so the row reads `| a | b |`.
    fn cell(&mut self, a: usize, b: usize) {
        if !self.visible() || !self.in_row() {
            return;
        }
        let sep: &[u8] = match (self.cells, b - a) {
            (0, 2..) => b"| ",
            (0, _) => b"|",
            (_, 3..) => b" | ",
            _ => b"|",
        };
        self.cells += 1;
        if b - a < sep.len() {
            return;
        }
        self.out[a..a + sep.len()].copy_from_slice(sep);
        let first = a + sep.iter().position(|&c| c == b'|').unwrap_or(0);
        self.content(first, first + 1);
    }

    /// Visible content at `first..end`: grows the current block or starts one.
    fn content(&mut self, first: usize, end: usize) {
        match &mut self.current {
            Some(cur) => cur.end = end,
            None => {
                let kind = if self.in_row() {
                    HtmlBlockKind::TableRow
                } else {
                    self.kinds
                        .last()
                        .copied()
                        .unwrap_or(HtmlBlockKind::Paragraph)
                };
                self.current = Some(Current {
                    start: first,
                    end,
                    kind,
                });
            }
        }
        self.newlines = 0;
    }

    fn text(&mut self, a: usize, b: usize, value: &[u8], fixups: &mut Fixups) {
        if self.captures.iter().any(Option::is_some) && self.count(b"script") == 0 {
            let s = String::from_utf8_lossy(value);
            for buf in self.captures.iter_mut().flatten() {
                if buf.len() < CAPTURE_MAX {
                    buf.push_str(&s);
                }
            }
        }
        let visible = self.visible();
        if visible {
            self.out[a..b].copy_from_slice(&self.src[a..b]);
        }
        while let Some(f) = fixups.list.front() {
            if f.to > b {
                break;
            }
            if visible && f.to > a {
                let bytes = &fixups.bytes[f.at..f.at + f.len];
                place(&mut self.out, self.src, f.from.max(a), f.to, bytes);
            }
            fixups.list.pop_front();
        }
        if fixups.list.is_empty() {
            fixups.bytes.clear();
        }
        if !visible {
            return;
        }
        // One block is one line: source newlines, tabs and control characters are spaces.
        for c in &mut self.out[a..b] {
            if *c < 0x20 || *c == 0x7f {
                *c = b' ';
            }
        }
        let slice = &self.out[a..b];
        if let (Some(i), Some(j)) = (
            slice.iter().position(|&c| c != b' '),
            slice.iter().rposition(|&c| c != b' '),
        ) {
            let (first, end) = (a + i, a + j + 1);
            self.runs.push((first, end));
            self.content(first, end);
        }
    }

    fn finish(mut self) -> HtmlText {
        let len = self.out.len();
        while let Some(open) = self.stack.pop() {
            self.close(open, len);
        }
        self.boundary(len, len, 0);
        self.links.sort_by_key(|l| (l.start, l.end));
        self.emphasis.sort_unstable();
        let f = self.found;
        let meta = HtmlMeta {
            title: f.title.or(f.og_title).or(f.h1),
            date: f.published.or(f.time_main).or(f.time_any).or(f.meta_date),
            author: f.author.or(f.rel_author),
            url: f.canonical.or(f.og_url),
            description: f.description.or(f.og_description),
            tags: f.tags,
        };
        HtmlText {
            text: valid_utf8(self.out),
            blocks: self.blocks,
            links: self.links,
            emphasis: self.emphasis,
            meta,
        }
    }
}

fn push_tag(tags: &mut Vec<String>, raw: &str) {
    if let Some(t) = collapse(raw)
        && !tags.contains(&t)
    {
        tags.push(t);
    }
}

/// Puts emitted `bytes` for the source bytes `from..to` into `out`, blanking the rest:
/// a decoded reference at its `&` (it is never longer than the reference), else a piece that
/// ends the range (after a dropped carriage return) at the end, anything else at the start.
/// `&nbsp;` becomes a plain space.
fn place(out: &mut [u8], src: &[u8], from: usize, to: usize, bytes: &[u8]) {
    let (Some(range), Some(source)) = (out.get_mut(from..to), src.get(from..to)) else {
        return;
    };
    range.fill(b' ');
    let bytes: &[u8] = if bytes == "\u{a0}".as_bytes() {
        b" "
    } else {
        bytes
    };
    let n = bytes.len();
    // The `&` test comes first: "&#59;" decodes to the byte it ends with.
    let at = if let Some(k) = source
        .iter()
        .position(|&c| c == b'&')
        .filter(|k| source.len() - k >= n)
    {
        k
    } else if source.ends_with(bytes) {
        source.len() - n
    } else if source.len() >= n {
        0
    } else {
        return;
    };
    range[at..at + n].copy_from_slice(bytes);
}

/// `bytes` as a String of the same length: any byte of an invalid sequence becomes a space.
/// Text is only ever copied whole from the source, so this should find nothing; it is the
/// guarantee that a misplaced piece can never break the length or UTF-8 promise.
fn valid_utf8(mut bytes: Vec<u8>) -> String {
    let mut start = 0;
    loop {
        match std::str::from_utf8(&bytes[start..]) {
            Ok(_) => break,
            Err(e) => {
                let bad = start + e.valid_up_to();
                let n = e.error_len().unwrap_or(bytes.len() - bad);
                bytes[bad..bad + n].fill(b' ');
                start = bad + n;
            }
        }
    }
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The lines of `text` with content, trimmed.
    fn lines(t: &HtmlText) -> Vec<&str> {
        t.text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect()
    }

    fn block_texts(t: &HtmlText) -> Vec<(&str, HtmlBlockKind)> {
        t.blocks
            .iter()
            .map(|b| (&t.text[b.start..b.end], b.kind))
            .collect()
    }

    /// The invariants every result keeps: length, blocks in order on one line, valid ranges.
    fn check_invariants(html: &str, t: &HtmlText) {
        assert_eq!(t.text.len(), html.len());
        let mut last = 0;
        for b in &t.blocks {
            assert!(
                b.start < b.end && b.start >= last && b.end <= t.text.len(),
                "{b:?}"
            );
            assert!(!t.text[b.start..b.end].contains('\n'), "{b:?}");
            last = b.end;
        }
        for l in &t.links {
            assert!(t.text.get(l.start..l.end).is_some(), "{l:?}");
        }
        for &(s, e) in &t.emphasis {
            assert!(t.text.get(s..e).is_some());
        }
    }

    #[test]
    fn length_and_offsets_kept() {
        let html = "<p>Hello <b>world</b></p>";
        let t = visible_text(html);
        check_invariants(html, &t);
        assert_eq!(&t.text[3..8], "Hello");
        assert_eq!(&t.text[12..17], "world");
        assert_eq!(lines(&t), ["Hello    world"]);
        assert_eq!(
            t.blocks,
            [HtmlBlock {
                start: 3,
                end: 17,
                kind: HtmlBlockKind::Paragraph
            }]
        );
    }

    #[test]
    fn references_decoded_in_place() {
        let html = "<p>a &amp; b&eacute;c &#8217;d&#x2019;e&nbsp;f &lt;g&gt; &notin; &not x &#59; &bogus; & z</p>";
        let t = visible_text(html);
        check_invariants(html, &t);
        let at = |needle: &str| html.find(needle).unwrap();
        let shown = |needle: &str| &t.text[at(needle)..at(needle) + needle.len()];
        assert_eq!(shown("&amp;"), "&    ");
        assert_eq!(shown("&eacute;"), "é      ");
        assert_eq!(shown("&#8217;"), "’    ");
        assert_eq!(shown("&#x2019;"), "’     ");
        // &nbsp; is a plain space.
        assert_eq!(shown("&nbsp;"), "      ");
        assert_eq!(shown("&notin;"), "∉    ");
        // Legacy reference without semicolon.
        assert_eq!(shown("&not x"), "¬   x");
        assert_eq!(shown("&#59;"), ";    ");
        // Unknown names and lone ampersands stay as written.
        assert_eq!(shown("&bogus;"), "&bogus;");
        assert_eq!(shown("& z"), "& z");
    }

    #[test]
    fn newlines_in_text_are_spaces_and_crlf_keeps_offsets() {
        let html = "<p>one\r\ntwo\tthree\nfour &#10;five</p><p>x</p>";
        let t = visible_text(html);
        check_invariants(html, &t);
        assert_eq!(lines(&t), ["one  two three four      five", "x"]);
        let two = html.find("two").unwrap();
        assert_eq!(&t.text[two..two + 3], "two");
    }

    #[test]
    fn paragraphs_get_a_blank_line_list_items_one_line() {
        let html = "<body><p>first</p><p>second</p><ul><li>a</li><li>b</ul><p>after</body>";
        let t = visible_text(html);
        check_invariants(html, &t);
        assert!(t.text.contains("first\n\n"), "{:?}", t.text);
        assert_eq!(
            block_texts(&t),
            [
                ("first", HtmlBlockKind::Paragraph),
                ("second", HtmlBlockKind::Paragraph),
                ("a", HtmlBlockKind::ListItem),
                ("b", HtmlBlockKind::ListItem),
                ("after", HtmlBlockKind::Paragraph),
            ]
        );
        let gap = |i: usize| {
            t.text[t.blocks[i].end..t.blocks[i + 1].start]
                .matches('\n')
                .count()
        };
        assert_eq!(gap(0), 2);
        assert_eq!(gap(2), 1, "one newline between two items");
        assert_eq!(gap(3), 2, "a blank line after the list");
        assert!(!t.text[..t.blocks[0].start].contains('\n'));
    }

    #[test]
    fn heading_levels_and_nested_items() {
        let html = "<h1>Title</h1><h3>Sub <em>part</em></h3><ol><li>x<ul><li>y</li></ul></li></ol><div>plain <span>div</span> text</div><blockquote>q</blockquote>";
        let t = visible_text(html);
        check_invariants(html, &t);
        assert_eq!(
            block_texts(&t),
            [
                ("Title", HtmlBlockKind::Heading(1)),
                ("Sub     part", HtmlBlockKind::Heading(3)),
                ("x", HtmlBlockKind::ListItem),
                ("y", HtmlBlockKind::ListItem),
                ("plain       div        text", HtmlBlockKind::Paragraph),
                ("q", HtmlBlockKind::Paragraph),
            ]
        );
    }

    #[test]
    fn br_ends_the_line() {
        let html = "<p>line one<br>line two<br/>three</p>";
        let t = visible_text(html);
        check_invariants(html, &t);
        assert_eq!(lines(&t), ["line one", "line two", "three"]);
        assert_eq!(t.blocks.len(), 3);
    }

    #[test]
    fn table_rows_read_like_markdown() {
        let html = "<table><thead><tr><th>Name</th><th>Year</th></tr></thead>\n<tbody><tr><td>Rust</td><td>2015</td></tr><tr><td>Go<td><b>2012</b></table><p>after</p>";
        let t = visible_text(html);
        check_invariants(html, &t);
        let rows: Vec<String> = lines(&t)
            .iter()
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        assert_eq!(
            rows,
            [
                "| Name | Year |",
                "| Rust | 2015 |",
                "| Go | 2012 |",
                "after"
            ]
        );
        let kinds: Vec<_> = t.blocks.iter().map(|b| b.kind).collect();
        assert_eq!(
            kinds,
            [
                HtmlBlockKind::TableRow,
                HtmlBlockKind::TableRow,
                HtmlBlockKind::TableRow,
                HtmlBlockKind::Paragraph
            ]
        );
        // Rows are on consecutive lines (no blank line between header and body rows).
        let row0 = &t.text[t.blocks[0].start..t.blocks[0].end];
        assert!(row0.starts_with('|') && row0.ends_with('|'), "{row0:?}");
        assert_eq!(
            t.text[t.blocks[0].end..t.blocks[1].start]
                .matches('\n')
                .count(),
            1
        );
        let rust = html.find("Rust").unwrap();
        assert_eq!(&t.text[rust..rust + 4], "Rust");
    }

    #[test]
    fn links_point_at_their_text() {
        let html = r#"<p>See <a href="https://example.org/a?x=1&amp;y=2">the <b>docs</b></a> and <a href=" /rel ">here</a>, <a name="x">anchor</a>, <a href="/empty"><img src=x alt="pic"></a>.</p>"#;
        let t = visible_text(html);
        check_invariants(html, &t);
        assert_eq!(t.links.len(), 2, "{:?}", t.links);
        let l = &t.links[0];
        assert_eq!(l.href, "https://example.org/a?x=1&y=2");
        assert_eq!(&t.text[l.start..l.end], "the    docs");
        assert_eq!(l.start, html.find("the").unwrap());
        assert_eq!(t.links[1].href, "/rel");
        assert_eq!(&t.text[t.links[1].start..t.links[1].end], "here");
        // Alt text is dropped.
        assert!(!t.text.contains("pic"));
    }

    #[test]
    fn emphasis_ranges() {
        let html = "<p>a <em>one</em> b <strong>two <i>three</i></strong> <cite>Book</cite> <q>said</q> <span>no</span></p>";
        let t = visible_text(html);
        check_invariants(html, &t);
        let got: Vec<&str> = t.emphasis.iter().map(|&(s, e)| &t.text[s..e]).collect();
        assert_eq!(got, ["one", "two    three", "three", "Book", "said"]);
        assert_eq!(t.emphasis[0].0, html.find("one").unwrap());
    }

    #[test]
    fn body_without_main_drops_chrome() {
        let html = r#"<!DOCTYPE html><html><head><title>Site</title><style>p{color:red}</style></head>
<body><header><h1>Site name</h1></header><nav><a href="/">Home</a></nav>
<p>Real text.</p><aside>Related</aside><div hidden>secret</div><span aria-hidden="true">icon</span>
<form><button>Send</button></form><section id="comments"><p>Nice post!</p></section>
<footer>(c) 2024</footer><noscript>enable js</noscript><iframe src=x>frame</iframe><template><p>tpl</p></template>
<script>var s = "<p>not text</p>";</script></body></html>"#;
        let t = visible_text(html);
        check_invariants(html, &t);
        assert_eq!(lines(&t), ["Real text."]);
        assert!(t.links.is_empty());
    }

    #[test]
    fn article_kept_with_its_header_and_chrome_dropped() {
        let html = r#"<body><header>Blog</header><nav>Menu</nav>
<article><header><h1>Post title</h1><p class="by">by Ann</p></header><p>Body one.</p><footer>Share</footer></article>
<aside>ads</aside><article><p>Second article.</p></article><p>outside</p><footer>foot</footer></body>"#;
        let t = visible_text(html);
        check_invariants(html, &t);
        assert_eq!(
            lines(&t),
            ["Post title", "by Ann", "Body one.", "Second article."]
        );
        assert_eq!(t.blocks[0].kind, HtmlBlockKind::Heading(1));
        assert_eq!(t.meta.title.as_deref(), Some("Post title"));
    }

    #[test]
    fn main_wins_over_article() {
        let html = "<body><article>teaser</article><div role=\"main\"><p>main one</p></div><MAIN><p>main two</p></MAIN><p>out</p></body>";
        let t = visible_text(html);
        check_invariants(html, &t);
        assert_eq!(lines(&t), ["main one", "main two"]);
    }

    #[test]
    fn no_body_tag_keeps_everything_but_head() {
        let html = "<title>T</title><meta name=author content=Bob><p>text</p>";
        let t = visible_text(html);
        assert_eq!(lines(&t), ["text"]);
        assert_eq!(t.meta.title.as_deref(), Some("T"));
        assert_eq!(t.meta.author.as_deref(), Some("Bob"));
    }

    #[test]
    fn meta_extraction() {
        let html = r#"<html><head>
<title>  Rust &amp;
  Friends | Blog </title>
<meta property="og:title" content="OG title">
<meta property="article:published_time" content="2024-03-05T10:00:00Z">
<meta name="author" content="Jane   Doe">
<link rel="canonical" href="https://blog.example/rust">
<meta property="og:url" content="https://og.example/">
<meta name="description" content="A post about &quot;Rust&quot;.">
<meta name="keywords" content="rust, wasm ,, Rust Conf">
<meta property="article:tag" content="wasm"><meta property="article:tag" content="meetup">
</head><body><time datetime="2023-01-01">then</time><p>x</p></body></html>"#;
        let t = visible_text(html);
        assert_eq!(
            t.meta,
            HtmlMeta {
                title: Some("Rust & Friends | Blog".into()),
                date: Some("2024-03-05T10:00:00Z".into()),
                author: Some("Jane Doe".into()),
                url: Some("https://blog.example/rust".into()),
                description: Some("A post about \"Rust\".".into()),
                tags: vec![
                    "rust".into(),
                    "wasm".into(),
                    "Rust Conf".into(),
                    "meetup".into()
                ],
            }
        );
    }

    #[test]
    fn meta_fallbacks() {
        let html = r#"<head><meta property="og:title" content="From OG"><meta name="date" content="2020-02-02"><meta property="og:url" content="https://x.example/p"></head>
<body><header><a rel="author" href="/me">Ann   Author</a><time datetime="2019-01-01">x</time></header><article><h1>Heading</h1><time datetime="2021-06-07">June</time></article></body>"#;
        let t = visible_text(html);
        assert_eq!(t.meta.title.as_deref(), Some("From OG"));
        // The time in the kept content comes before one in the dropped header.
        assert_eq!(t.meta.date.as_deref(), Some("2021-06-07"));
        assert_eq!(t.meta.author.as_deref(), Some("Ann Author"));
        assert_eq!(t.meta.url.as_deref(), Some("https://x.example/p"));
        let t = visible_text("<body><h2>two</h2><h1>First <b>H1</b></h1><h1>Second</h1></body>");
        assert_eq!(t.meta.title.as_deref(), Some("First H1"));
        let t = visible_text(r#"<meta name="date" content=" 2020-02-02 "><p>x"#);
        assert_eq!(t.meta.date.as_deref(), Some("2020-02-02"));
    }

    #[test]
    fn script_and_style_with_tag_like_text() {
        let html = "<body><p>before</p><script>document.write('</div><p>fake</p>'); if (a < b && c > d) {}</script><style>a > b { content: '</p>' }</style><p>after</p></body>";
        let t = visible_text(html);
        check_invariants(html, &t);
        assert_eq!(lines(&t), ["before", "after"]);
    }

    #[test]
    fn malformed_input() {
        let cases = [
            "",
            "<",
            "a < b and c > d",
            "</p>stray end",
            "<p>unclosed <b>bold <i>both",
            "<!-- unterminated comment <p>hidden",
            "<p class=\"a>b\" title='x>y'>quoted gt</p>",
            "<![CDATA[ data ]]><p>after cdata</p>",
            "<DIV><P>UPPER</P></DIV>",
            "<p>a</div></div></span>b",
            "<<<>>>&&&;;;<//>",
            "<a href='x'>no end",
            "<table><td>cell without row",
            "<ul><li>one<li>two",
            "&#x110000; &#0; &#xD800; &#128; &",
            "<scr<script>ipt>",
            "<p>é</p\u{1F600}>😀<p attr=é>",
            "<svg><title>icon</title><path d='M0'/></svg><p>after svg</p>",
            "<plaintext><p>all text</p>",
            "<textarea></textarea",
        ];
        for html in cases {
            let t = visible_text(html);
            check_invariants(html, &t);
        }
        let shown = |html: &str| {
            lines(&visible_text(html))
                .iter()
                .map(|l| l.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(shown("a < b and c > d"), ["a < b and c > d"]);
        assert_eq!(shown("</p>stray end"), ["stray end"]);
        assert!(shown("<!-- unterminated comment <p>hidden").is_empty());
        assert_eq!(
            shown("<p class=\"a>b\" title='x>y'>quoted gt</p>"),
            ["quoted gt"]
        );
        assert_eq!(
            shown("<![CDATA[ data ]]><p>after cdata</p>"),
            ["after cdata"]
        );
        assert_eq!(shown("<DIV><P>UPPER</P></DIV>"), ["UPPER"]);
        assert_eq!(shown("<ul><li>one<li>two"), ["one", "two"]);
        assert_eq!(shown("&#x110000; &#0; &#128; x"), ["�        �  €    x"]);
        assert_eq!(
            shown("<svg><title>icon</title><path d='M0'/></svg><p>after svg</p>"),
            ["after svg"]
        );
        let t = visible_text("<p>unclosed <b>bold <i>both");
        assert_eq!(t.emphasis.len(), 2);
        assert_eq!(lines(&t), ["unclosed    bold    both"]);
        assert_eq!(
            visible_text("<svg><title>icon</title></svg>").meta.title,
            None
        );
    }

    #[test]
    fn deep_and_long_input_stays_linear() {
        // Many unclosed elements, end tags that match nothing, a long line without newline.
        let mut html = String::new();
        for _ in 0..20_000 {
            html.push_str("<span><li>x");
        }
        for _ in 0..20_000 {
            html.push_str("</em>");
        }
        html.push_str(&"word &amp; ".repeat(100_000));
        let t = visible_text(&html);
        assert_eq!(t.text.len(), html.len());
        assert!(t.text.ends_with("word &     "));
    }

    #[test]
    fn looks_html_cases() {
        assert!(looks_html("<!DOCTYPE html><p>x"));
        assert!(looks_html("\u{feff}\n  <html lang=en>"));
        assert!(looks_html(
            "Some text\n<div>a</div><p>b</p><ul><li>c</li></ul>"
        ));
        assert!(!looks_html("# Title\n\nSome *markdown* with <br> once."));
        assert!(!looks_html("plain text a < b"));
        assert!(!looks_html(""));
    }

    #[test]
    fn deterministic() {
        let html = "<article><h2>x</h2><p><a href=a><em>y</em></a></p></article>";
        assert_eq!(visible_text(html), visible_text(html));
    }

    proptest! {
        #[test]
        fn tag_soup_keeps_length_and_utf8(parts in proptest::collection::vec(prop_oneof![
            Just("<p>"), Just("</p>"), Just("<div class=\"a>b\">"), Just("</div>"), Just("<li>"),
            Just("<ul>"), Just("</ul>"), Just("<tr>"), Just("<td>"), Just("</td>"), Just("<table>"),
            Just("</table>"), Just("<br>"), Just("<a href='&amp;x'>"), Just("</a>"), Just("<em>"),
            Just("</em>"), Just("<script>"), Just("</script>"), Just("<!--"), Just("-->"),
            Just("<nav>"), Just("</nav>"), Just("<article>"), Just("</article>"), Just("<main>"),
            Just("<h2>"), Just("</h2>"), Just("&amp;"), Just("&eacute"), Just("&#8217;"),
            Just("&#x"), Just("&"), Just("<"), Just(">"), Just("\r\n"), Just("\t"), Just("é"),
            Just("😀"), Just("<![CDATA["), Just("]]>"), Just("<title>"), Just("<svg>"),
            Just("<textarea>"), Just("word"), Just(" "), Just("\"'"), Just("<!DOCTYPE html>"),
        ], 0..60), tail in "\\PC{0,20}") {
            let mut html: String = parts.concat();
            html.push_str(&tail);
            let t = visible_text(&html);
            check_invariants(&html, &t);
            // Every ASCII letter or digit shown is the source's own byte at that offset, or
            // the first byte of a decoded reference.
            for (i, c) in t.text.bytes().enumerate() {
                if c.is_ascii_alphanumeric() {
                    let s = html.as_bytes()[i];
                    prop_assert!(s == c || s == b'&', "byte {} of {:?}", i, html);
                }
            }
        }
    }
}
