//! Reading documents: files, folders and stdin into text with line structure (headings,
//! list items, front matter) and sentences, every piece keeping its byte span.
//! Markdown syntax is blanked in place (same byte length) so spans stay true to the source.

use crate::error::{Error, Result};
use once_cell::sync::Lazy;
use regex::Regex;
use std::path::{Path, PathBuf};

/// A source document, decoded.
#[derive(Debug, Clone)]
pub struct Document {
    /// The name used in output (`-` is shown as `<stdin>`).
    pub source: String,
    /// The text as read (invalid UTF-8 replaced).
    pub text: String,
}

/// Something worth telling the user that does not stop the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning(pub String);

/// Lists the documents named by `inputs`: files as given, folders recursively
/// (`.txt`, `.md`, `.markdown`, sorted), `-` for stdin.
pub fn discover(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for input in inputs {
        if input.as_os_str() == "-" {
            out.push(input.clone());
            continue;
        }
        let meta = std::fs::metadata(input).map_err(|e| Error::io(input, e))?;
        if meta.is_dir() {
            walk(input, &mut out)?;
        } else {
            out.push(input.clone());
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .map(|e| e.map(|e| e.path()).map_err(|e| Error::io(dir, e)))
        .collect::<Result<_>>()?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, out)?;
        } else if is_text_name(&path) {
            out.push(path);
        }
    }
    Ok(())
}

/// Whether a file name is one we read when walking a folder.
pub fn is_text_name(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("txt" | "md" | "markdown")
    )
}

/// Decodes bytes: invalid UTF-8 is replaced and reported once; NUL bytes mean "not text".
pub fn decode(source: &str, bytes: Vec<u8>) -> (Option<Document>, Vec<Warning>) {
    let mut warnings = Vec::new();
    if let Some(pos) = bytes.iter().position(|&b| b == 0) {
        warnings.push(Warning(format!(
            "{source}: skipped: not a text file (NUL byte at offset {pos})"
        )));
        return (None, warnings);
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            warnings.push(Warning(format!(
                "{source}: invalid UTF-8 at byte offset {offset}; invalid bytes were replaced with U+FFFD"
            )));
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    };
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text);
    (
        Some(Document {
            source: source.to_string(),
            text,
        }),
        warnings,
    )
}

/// What a line is, structurally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Blank,
    /// A Markdown heading (`#`..`######`) of this level.
    Heading(u8),
    ListItem,
    Text,
    /// Front matter or fenced code: not prose.
    Skip,
}

/// One line of a document, with markdown syntax blanked out.
#[derive(Debug, Clone)]
pub struct Line {
    /// Byte offset of the line's first byte in the document.
    pub start: usize,
    /// 1-based line number.
    pub number: usize,
    pub kind: LineKind,
    /// The line with Markdown markup replaced by spaces (same byte length as the source line).
    pub clean: String,
}

impl Line {
    pub fn end(&self) -> usize {
        self.start + self.clean.len()
    }

    pub fn trimmed(&self) -> &str {
        self.clean.trim()
    }
}

/// A document's structure.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub lines: Vec<Line>,
    /// The whole text with Markdown markup blanked (same byte length as the source).
    pub clean: String,
    /// Front matter fields (title, date, tags) if any.
    pub title: Option<String>,
    pub date: Option<String>,
    pub tags: Vec<String>,
    pub markdown: bool,
    /// Byte ranges of emphasised text (`*…*`, `_…_`, `**…**`) in paragraphs.
    pub emphasis: Vec<(usize, usize)>,
}

static LINK: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"!?\[([^\]\n]*)\]\(([^)\s]*)\)").expect("link regex"));
static EMPHASIS_SPAN: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"\*\*([^*\n]{3,200}?)\*\*|__([^_\n]{3,200}?)__|(?:^|[\s(])\*([^*\s][^*\n]{1,200}?[^*\s])\*(?:[\s).,;:!?]|$)|(?:^|[\s(])_([^_\s][^_\n]{1,200}?[^_\s])_(?:[\s).,;:!?]|$)")
        .expect("emphasis span regex")
});
static EMPHASIS: Lazy<Regex> = Lazy::new(|| Regex::new(r"\*\*|__|`+|~~").expect("emphasis regex"));
static SINGLE_EMPHASIS: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(^|[\s(])[*_]([^\s*_])|([^\s*_])[*_]([\s).,;:!?]|$)").expect("emphasis regex")
});
static LIST: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"^(\s*)([-*+•]|\d{1,3}[.)])\s+").expect("list regex"));
static HEADING: Lazy<Regex> = Lazy::new(|| Regex::new(r"^(#{1,6})\s+").expect("heading regex"));

fn blank(s: &mut String, range: std::ops::Range<usize>) {
    // Only ASCII markup is blanked, so byte lengths never change.
    let replaced: String = s[range.clone()]
        .chars()
        .map(|c| if c.is_ascii() { ' ' } else { c })
        .collect();
    s.replace_range(range, &replaced);
}

/// Splits a document into lines and recognises its Markdown structure.
pub fn layout(doc: &Document) -> Layout {
    let markdown = doc.source.ends_with(".md")
        || doc.source.ends_with(".markdown")
        || looks_markdown(&doc.text);
    let mut out = Layout {
        markdown,
        ..Layout::default()
    };
    let mut offset = 0;
    let mut in_front = false;
    let mut in_fence = false;
    for (i, raw) in doc.text.split_inclusive('\n').enumerate() {
        let content = raw.trim_end_matches(['\n', '\r']);
        let start = offset;
        offset += raw.len();
        let number = i + 1;
        let mut clean = content.to_string();
        let t = content.trim();
        let kind = if i == 0 && t == "---" && markdown {
            in_front = true;
            LineKind::Skip
        } else if in_front && front_title(content).is_some() {
            // The front matter's title is read like a level-1 heading (an event often
            // hides there); the key and the quotes are blanked.
            let (s, e) = front_title(content).expect("checked");
            out.title = Some(content[s..e].to_string());
            blank(&mut clean, 0..s);
            blank(&mut clean, e..content.len());
            LineKind::Heading(1)
        } else if in_front {
            if t == "---" || t == "..." {
                in_front = false;
            } else if let Some((k, v)) = t.split_once(':') {
                let v = v.trim().trim_matches(['"', '\'']).to_string();
                match k.trim() {
                    "title" => out.title = Some(v),
                    "date" => out.date = Some(v),
                    "tags" | "categories" => out.tags.extend(
                        v.trim_matches(['[', ']'])
                            .split(',')
                            .map(|s| s.trim().trim_matches(['"', '\'']).to_string())
                            .filter(|s| !s.is_empty()),
                    ),
                    _ => {}
                }
            }
            LineKind::Skip
        } else if markdown && (t.starts_with("```") || t.starts_with("~~~")) {
            in_fence = !in_fence;
            LineKind::Skip
        } else if in_fence {
            LineKind::Skip
        } else if t.is_empty() {
            LineKind::Blank
        } else if let Some((level, r)) = HEADING
            .find(&clean)
            .filter(|_| markdown)
            .map(|m| (m.as_str().trim().len() as u8, m.range()))
        {
            blank(&mut clean, r);
            // Closing hashes: "## Title ##"
            let trimmed_len = clean.trim_end().len();
            let tail = clean[..trimmed_len].trim_end_matches('#').len();
            if tail < trimmed_len && clean[..tail].ends_with(' ') {
                blank(&mut clean, tail..trimmed_len);
            }
            LineKind::Heading(level)
        } else if let Some(r) = LIST.find(&clean).map(|m| m.range()) {
            blank(&mut clean, r);
            LineKind::ListItem
        } else {
            LineKind::Text
        };
        if markdown
            && matches!(
                kind,
                LineKind::Heading(_) | LineKind::ListItem | LineKind::Text
            )
        {
            if kind == LineKind::Text {
                // Emphasis in prose often marks a title ("I loved *Scaling Kafka* by …").
                for c in EMPHASIS_SPAN.captures_iter(&clean) {
                    if let Some(g) = (1..=4).find_map(|i| c.get(i)) {
                        out.emphasis.push((start + g.start(), start + g.end()));
                    }
                }
            }
            strip_inline_markdown(&mut clean);
        }
        if kind == LineKind::Skip {
            clean = " ".repeat(clean.len());
        }
        out.clean.push_str(&clean);
        out.clean.push_str(&raw[content.len()..]);
        out.lines.push(Line {
            start,
            number,
            kind,
            clean,
        });
    }
    out
}

impl Layout {
    /// The 1-based line number of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.lines.partition_point(|l| l.start <= offset).max(1)
    }
}

/// A run of lines read as one unit: a paragraph (hard-wrapped lines joined), a list item
/// with its continuation lines, or a heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block {
    pub start: usize,
    pub end: usize,
    /// Indices into `Layout::lines`, inclusive.
    pub first_line: usize,
    pub last_line: usize,
}

/// Splits the text of a block into sentences (on `.`, `!`, `?` followed by a capital), never
/// inside dotted names like `solo.io` or `Node.js`. Line breaks count as spaces.
pub fn block_sentences(layout: &Layout, block: &Block) -> Vec<Sentence> {
    let text = &layout.clean[block.start..block.end];
    let mut out = Vec::new();
    let mut begin = 0;
    let mut push = |b: usize, e: usize| {
        let piece = &text[b..e];
        let lead = piece.len() - piece.trim_start().len();
        let trail = piece.len() - piece.trim_end().len();
        if lead + trail < piece.len() {
            let start = block.start + b + lead;
            out.push(Sentence {
                start,
                end: block.start + e - trail,
                line: layout.line_of(start),
            });
        }
    };
    for m in SENTENCE_END.find_iter(text) {
        let punct_end = m
            .as_str()
            .char_indices()
            .find(|(_, c)| c.is_whitespace())
            .map_or(m.end(), |(i, _)| m.start() + i);
        let before = &text[begin..m.start()];
        let last_word = before
            .rsplit(|c: char| c.is_whitespace())
            .next()
            .unwrap_or("");
        if last_word.chars().count() <= 2
            && last_word.chars().next().is_some_and(|c| c.is_uppercase())
            || matches!(
                last_word,
                "e.g" | "i.e" | "vs" | "cf" | "etc" | "Mr" | "Mrs" | "Dr" | "Prof"
            )
        {
            continue;
        }
        push(begin, punct_end);
        begin = m.end() - m.as_str().chars().last().map_or(0, |c| c.len_utf8());
    }
    push(begin, text.len());
    out
}

/// The byte range of the value of a front matter `title:` line, without quotes.
fn front_title(line: &str) -> Option<(usize, usize)> {
    let rest = line.strip_prefix("title:")?;
    let value = rest.trim();
    if value.is_empty() {
        return None;
    }
    let start = line.len() - rest.len() + (rest.len() - rest.trim_start().len());
    let mut s = start;
    let mut e = start + value.len();
    if value.len() >= 2
        && (value.starts_with('"') && value.ends_with('"')
            || value.starts_with('\'') && value.ends_with('\''))
    {
        s += 1;
        e -= 1;
    }
    Some((s, e))
}

fn looks_markdown(text: &str) -> bool {
    text.lines().take(200).any(|l| HEADING.is_match(l)) || text.starts_with("---\n")
}

fn strip_inline_markdown(clean: &mut String) {
    let links: Vec<(usize, usize, usize, usize)> = LINK
        .captures_iter(clean)
        .map(|c| {
            let whole = c.get(0).expect("match");
            let text = c.get(1).expect("link text");
            (whole.start(), text.start(), text.end(), whole.end())
        })
        .collect();
    for (s, ts, te, e) in links.into_iter().rev() {
        // Keep the link text and the URL (a github.com URL names a project); blank the brackets.
        blank(clean, te..te + 2);
        blank(clean, e - 1..e);
        blank(clean, s..ts);
    }
    let marks: Vec<_> = EMPHASIS.find_iter(clean).map(|m| m.range()).collect();
    for r in marks {
        blank(clean, r);
    }
    while let Some(c) = SINGLE_EMPHASIS.captures(clean) {
        let pos = match (c.get(1), c.get(3)) {
            (Some(lead), _) => lead.end(),
            (None, Some(word)) => word.end(),
            _ => break,
        };
        blank(clean, pos..pos + 1);
    }
}

/// A sentence: a byte range of the document, within one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    pub start: usize,
    pub end: usize,
    pub line: usize,
}

static SENTENCE_END: Lazy<Regex> =
    Lazy::new(|| Regex::new(r#"[.!?…]+["”»)]?\s+[\p{Lu}“"«(\d]"#).expect("sentence regex"));

/// Sentences of a single line (a block of one line).
pub fn sentences(layout: &Layout, index: usize) -> Vec<Sentence> {
    let l = &layout.lines[index];
    block_sentences(
        layout,
        &Block {
            start: l.start,
            end: l.end(),
            first_line: index,
            last_line: index,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(source: &str, text: &str) -> Document {
        Document {
            source: source.into(),
            text: text.into(),
        }
    }

    #[test]
    fn markdown_markup_is_blanked_in_place() {
        let d = doc(
            "a.md",
            "---\ntitle: Day 1\n---\n## **Fun** with [Flux](https://fluxcd.io)\n- item _one_\n",
        );
        let l = layout(&d);
        assert_eq!(l.title.as_deref(), Some("Day 1"));
        let h = &l.lines[3];
        assert_eq!(h.kind, LineKind::Heading(2));
        assert_eq!(
            h.clean.len(),
            "## **Fun** with [Flux](https://fluxcd.io)".len()
        );
        assert_eq!(
            h.trimmed().split_whitespace().collect::<Vec<_>>(),
            ["Fun", "with", "Flux", "https://fluxcd.io"]
        );
        assert_eq!(l.lines[4].kind, LineKind::ListItem);
        assert_eq!(
            l.lines[4].trimmed().split_whitespace().collect::<Vec<_>>(),
            ["item", "one"]
        );
    }

    #[test]
    fn sentences_do_not_split_dotted_names() {
        let d = doc(
            "a.txt",
            "On a vu solo.io et env0. Puis M. Dupont a parlé! Fin",
        );
        let l = layout(&d);
        let s: Vec<&str> = sentences(&l, 0)
            .iter()
            .map(|s| &d.text[s.start..s.end])
            .collect();
        assert_eq!(
            s,
            ["On a vu solo.io et env0.", "Puis M. Dupont a parlé!", "Fin"]
        );
        let d = doc("b.txt", "Une phrase qui\ncontinue ici. Et une\nautre.\n");
        let l = layout(&d);
        let b = Block {
            start: 0,
            end: d.text.len(),
            first_line: 0,
            last_line: 1,
        };
        let s: Vec<&str> = block_sentences(&l, &b)
            .iter()
            .map(|s| &d.text[s.start..s.end])
            .collect();
        assert_eq!(s, ["Une phrase qui\ncontinue ici.", "Et une\nautre."]);
    }

    #[test]
    fn nul_bytes_and_bad_utf8_are_reported() {
        let (d, w) = decode("x.txt", b"ab\0c".to_vec());
        assert!(d.is_none());
        assert!(w[0].0.contains("offset 2"), "{w:?}");
        let (d, w) = decode("y.txt", b"caf\xe9 ok".to_vec());
        assert_eq!(d.expect("decoded").text, "caf\u{fffd} ok");
        assert!(w[0].0.contains("byte offset 3"), "{w:?}");
    }
}
