//! Markdown read by a CommonMark/GFM parser (pulldown-cmark's offset iterator): which bytes a
//! reader sees as text, where headings, list items, links, emphasis and code are. Markup,
//! link targets, images, HTML and code blocks become spaces in a copy of the same byte length,
//! so every span found later is still a span of the source.

use once_cell::sync::Lazy;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use regex::Regex;

/// A link's visible text and where it points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// Byte range of the link text in the source.
    pub start: usize,
    pub end: usize,
    pub url: String,
}

/// What the parser saw, in source offsets.
#[derive(Debug, Default)]
pub struct Parsed {
    /// The text with everything but visible text blanked (same byte length; line ends kept).
    pub clean: String,
    /// (offset where a heading starts, level).
    pub headings: Vec<(usize, u8)>,
    /// Offsets where list items start.
    pub items: Vec<usize>,
    /// Byte ranges that are not prose at all (code blocks, HTML blocks).
    pub skip: Vec<(usize, usize)>,
    /// Byte ranges of table rows: their cell separators stay visible.
    pub rows: Vec<(usize, usize)>,
    /// Emphasised text (`*…*`, `**…**`, `_…_`), as byte ranges of its visible text.
    pub emphasis: Vec<(usize, usize)>,
    pub links: Vec<Link>,
}

/// Parses `text[from..]` (what follows the front matter); offsets are of `text`.
pub fn parse(text: &str, from: usize) -> Parsed {
    // Line ends survive so lines keep their numbers; everything else starts blank.
    let mut clean: Vec<u8> = text
        .bytes()
        .map(|b| if b == b'\n' || b == b'\r' { b } else { b' ' })
        .collect();
    let mut out = Parsed::default();
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let body = &text[from..];
    // Depth of what is never prose (images: alt text is not the author's running text).
    let mut hidden = 0usize;
    // Open links and emphasis: (first, last) visible byte seen inside, then its target.
    let mut links: Vec<(usize, usize, String)> = Vec::new();
    let mut emphasis: Vec<(usize, usize)> = Vec::new();
    let visible = |clean: &mut Vec<u8>, s: usize, e: usize, shown: &str| {
        let src = &text[s..e];
        // The parser's text differs from the source for escapes and entity references:
        // written in place when it fits, so the byte length never changes. A source that
        // spans lines (a code span across a line break, shown with a space) is kept as
        // it is: written over, its line ends would move and lines would cut characters.
        let bytes = if shown == src
            || shown.len() > src.len()
            || shown.contains(['\n', '\r'])
            || src.contains(['\n', '\r'])
        {
            src
        } else {
            shown
        };
        // An escape (`\*`) shows its last byte where it stands; a reference its first.
        let at = if bytes != src && src.ends_with(bytes) {
            e - bytes.len()
        } else {
            s
        };
        clean[at..at + bytes.len()].copy_from_slice(bytes.as_bytes());
    };
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        let (s, e) = (from + range.start, from + range.end);
        match event {
            Event::Text(t) | Event::Code(t) if hidden == 0 => {
                // Inline code shows its content, not its backticks.
                let (s, e) = match text[s..e].find(t.as_ref()) {
                    Some(at) if text[s..e].starts_with('`') => (s + at, s + at + t.len()),
                    _ => (s, e),
                };
                visible(&mut clean, s, e, &t);
                for (ls, le, _) in &mut links {
                    *ls = (*ls).min(s);
                    *le = (*le).max(e);
                }
                for (es, ee) in &mut emphasis {
                    *es = (*es).min(s);
                    *ee = (*ee).max(e);
                }
            }
            Event::Start(Tag::Image { .. }) => hidden += 1,
            Event::End(TagEnd::Image) => hidden = hidden.saturating_sub(1),
            Event::Start(Tag::Heading { level, .. }) => out.headings.push((s, level as u8)),
            Event::Start(Tag::Item) => out.items.push(s),
            Event::Start(Tag::CodeBlock(_)) | Event::Start(Tag::HtmlBlock) => {
                out.skip.push((s, e));
            }
            Event::Start(Tag::TableHead) | Event::Start(Tag::TableRow) => {
                out.rows.push((s, e));
                for (i, b) in text[s..e].bytes().enumerate() {
                    if b == b'|' {
                        clean[s + i] = b'|';
                    }
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                // The target is blanked; an autolink's text is its URL, which stays visible.
                links.push((usize::MAX, 0, dest_url.to_string()));
            }
            Event::End(TagEnd::Link) => {
                if let Some((ls, le, url)) = links.pop() {
                    if ls < le {
                        out.links.push(Link {
                            start: ls,
                            end: le,
                            url,
                        });
                    }
                    // An outer link (rare) spans its inner one.
                    if let Some(outer) = links.last_mut() {
                        outer.0 = outer.0.min(ls);
                        outer.1 = outer.1.max(le);
                    }
                }
            }
            Event::Start(Tag::Emphasis) | Event::Start(Tag::Strong) => {
                emphasis.push((usize::MAX, 0));
            }
            Event::End(TagEnd::Emphasis) | Event::End(TagEnd::Strong) => {
                if let Some((es, ee)) = emphasis.pop()
                    && es < ee
                {
                    out.emphasis.push((es, ee));
                }
            }
            _ => {}
        }
    }
    // Template and attribute syntax of static site generators is not text either:
    // kramdown's `{: width="150"}`, Hugo's `{{< youtube x >}}`, Liquid's `{% include x %}`.
    static TEMPLATE: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"\{:[^}\n]*\}|\{\{[<%][^\n]*?[%>]\}\}|\{%[^\n]*?%\}|\{\{[^\n]*?\}\}")
            .expect("template regex")
    });
    let shown = std::str::from_utf8(&clean).expect("whole characters copied over ASCII spaces");
    let templates: Vec<(usize, usize)> = if shown.contains('{') {
        TEMPLATE
            .find_iter(shown)
            .map(|m| (m.start(), m.end()))
            .collect()
    } else {
        Vec::new()
    };
    for (s, e) in templates {
        for b in &mut clean[s..e] {
            if !matches!(*b, b'\n' | b'\r') {
                *b = b' ';
            }
        }
    }
    out.emphasis.sort_unstable();
    out.emphasis.dedup();
    out.links.sort_by_key(|l| (l.start, l.end));
    out.clean = String::from_utf8(clean).expect("whole characters copied over ASCII spaces");
    out
}
