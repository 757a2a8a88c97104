//! Front matter at the top of a blog post: YAML between `---` lines (Jekyll, Hugo, Gatsby…),
//! TOML between `+++` lines (Hugo) or a JSON object (Hugo). Only what talkgraph uses is read:
//! title, date, tags, author, URL and description; the block itself is never prose.

/// What the front matter says about its document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrontMatter {
    /// Byte offset where the document's body starts (after the closing delimiter's line).
    pub end: usize,
    pub title: Option<String>,
    /// Byte range of the title's value in the source, when it sits on one line unquoted or
    /// in plain quotes: the title is then read like a level-1 heading (an event often hides there).
    pub title_span: Option<(usize, usize)>,
    pub date: Option<String>,
    pub tags: Vec<String>,
    pub author: Option<String>,
    pub url: Option<String>,
    pub description: Option<String>,
    /// Talks a data-driven meetup page lists in its YAML front matter (`talks:` then
    /// `- title: …`, `authors:`, `extract: >`): its only text, often.
    pub talks: Vec<FrontTalk>,
    /// The edition number of a meetup page (`edition: '88'`).
    pub edition: Option<String>,
    /// Byte range of the edition number's value: the mention of the evening it names.
    pub edition_span: Option<(usize, usize)>,
    /// The group a meetup.com link in the front matter names (`Paris-js`).
    pub group: Option<String>,
}

/// A talk listed in front matter: byte ranges of its title's value, of each speaker's
/// value and of each line of its abstract.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrontTalk {
    pub title: (usize, usize),
    pub speakers: Vec<(usize, usize)>,
    pub body: Vec<(usize, usize)>,
}

/// Reads the front matter at the start of `text`, if there is a complete one. An opening
/// delimiter with no closing one is not front matter: the text is read as it stands.
pub fn parse(text: &str) -> Option<FrontMatter> {
    let first = text.lines().next()?.trim_end();
    match first {
        "---" => delimited(text, &["---", "..."], Syntax::Yaml),
        "+++" => delimited(text, &["+++"], Syntax::Toml),
        _ if text.starts_with('{') => json(text),
        _ => None,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Syntax {
    Yaml,
    Toml,
}

/// The block between an opening line and the first closing line, read key by key.
fn delimited(text: &str, closers: &[&str], syntax: Syntax) -> Option<FrontMatter> {
    let mut offset = 0;
    let mut lines = Vec::new();
    let mut end = None;
    for (i, raw) in text.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += raw.len();
        if i == 0 {
            continue;
        }
        let line = raw.trim_end_matches(['\n', '\r']);
        if closers.contains(&line.trim_end()) {
            end = Some(offset);
            break;
        }
        lines.push((start, line));
    }
    let mut out = FrontMatter {
        end: end?,
        ..FrontMatter::default()
    };
    let sep = if syntax == Syntax::Yaml { ':' } else { '=' };
    let mut i = 0;
    while i < lines.len() {
        let (start, line) = lines[i];
        i += 1;
        // Top-level keys only: nested maps (`params:` then indented keys) are not ours.
        if line.starts_with([' ', '\t', '#', '-']) {
            continue;
        }
        let Some((key, rest)) = line.split_once(sep) else {
            continue;
        };
        let key = key.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
        let value_at = start + key_len(line, sep) + (rest.len() - rest.trim_start().len());
        let value = rest.trim();
        // A YAML block scalar (`>`, `|`) or list (`- a` lines) continues on indented lines.
        let mut continued = Vec::new();
        if syntax == Syntax::Yaml
            && (value.is_empty() || value.starts_with(['>', '|']))
            && !value.starts_with("|=")
        {
            while i < lines.len()
                && (lines[i].1.starts_with([' ', '\t', '-']) || lines[i].1.trim().is_empty())
            {
                let item = lines[i].1.trim();
                if !item.is_empty() {
                    continued.push(item.trim_start_matches('-').trim().to_string());
                }
                i += 1;
            }
        }
        let scalar = || -> Option<String> {
            if value.starts_with(['>', '|']) {
                let joined = continued.join(" ");
                return (!joined.is_empty()).then_some(joined);
            }
            let v = unquote(value);
            (!v.is_empty()).then(|| v.to_string())
        };
        match key.as_str() {
            "title" => {
                out.title = scalar();
                if !value.is_empty() && !value.starts_with(['>', '|', '[', '{']) {
                    let inner = unquote(value);
                    let lead = value.find(inner).unwrap_or(0);
                    if !inner.is_empty() {
                        out.title_span = Some((value_at + lead, value_at + lead + inner.len()));
                    }
                }
            }
            "date" | "publishdate" | "pubdate" if out.date.is_none() => out.date = scalar(),
            "author" | "authors" if out.author.is_none() => {
                out.author = list(value, &continued).into_iter().next().or_else(scalar)
            }
            "url" | "permalink" | "canonical" | "canonicalurl" if out.url.is_none() => {
                out.url = scalar()
            }
            "description" | "summary" | "excerpt" if out.description.is_none() => {
                out.description = scalar()
            }
            "tags" | "categories" | "keywords" => out.tags.extend(list(value, &continued)),
            "edition" | "number" | "numero" | "numéro" | "episode"
                if out.edition.is_none()
                    && !unquote(value).is_empty()
                    && unquote(value).chars().all(|c| c.is_ascii_digit()) =>
            {
                out.edition = Some(unquote(value).trim_start_matches('0').to_string());
                out.edition_span = value_range(value_at, value);
            }
            _ => {}
        }
        if out.group.is_none()
            && let Some((_, rest)) = value.split_once("meetup.com/")
        {
            let slug = rest
                .split(['/', '?', '#', '\'', '"'])
                .next()
                .unwrap_or_default();
            if slug.chars().any(char::is_alphabetic)
                && !matches!(
                    slug.to_ascii_lowercase().as_str(),
                    "fr-fr" | "en-us" | "find"
                )
            {
                out.group = Some(slug.to_string());
            }
        }
    }
    if syntax == Syntax::Yaml {
        out.talks = yaml_talks(&lines);
    }
    Some(out)
}

/// Keys whose value lists a page's talks, and the keys of one talk.
const TALK_LISTS: &[&str] = &[
    "talks",
    "sessions",
    "presentations",
    "program",
    "programme",
    "agenda",
    "schedule",
    "conferences",
    "conférences",
    "exposés",
];
const TITLE_KEYS: &[&str] = &["title", "titre", "talk", "subject", "sujet"];
const BODY_KEYS: &[&str] = &[
    "extract",
    "abstract",
    "description",
    "summary",
    "résumé",
    "resume",
    "desc",
    "content",
    "excerpt",
    "pitch",
];
const PEOPLE_KEYS: &[&str] = &[
    "authors",
    "author",
    "speakers",
    "speaker",
    "orateurs",
    "orateur",
    "intervenants",
    "intervenant",
    "presenters",
    "presenter",
];

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// `key: value` in `content`: the key, lower-cased, and the value's byte offset in `content`.
fn yaml_key(content: &str) -> Option<(String, usize)> {
    let (key, rest) = content.split_once(':')?;
    let key = key.trim();
    if key.is_empty()
        || !key
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    {
        return None;
    }
    let at = key.len() + 1 + (rest.len() - rest.trim_start().len());
    Some((key.to_lowercase(), at))
}

/// The byte range of a scalar value starting at `at` (absolute), its quotes left out.
fn value_range(at: usize, value: &str) -> Option<(usize, usize)> {
    let value = value.trim_end();
    let inner = unquote(value);
    if inner.is_empty() || value.starts_with(['>', '|', '[', '{', '&', '*']) {
        return None;
    }
    let lead = value.find(inner).unwrap_or(0);
    Some((at + lead, at + lead + inner.len()))
}

/// The talks listed under top-level keys such as `talks:`, each item a mapping.
fn yaml_talks(lines: &[(usize, &str)]) -> Vec<FrontTalk> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].1;
        i += 1;
        let listed = indent(line) == 0
            && yaml_key(line).is_some_and(|(k, at)| {
                TALK_LISTS.contains(&k.as_str()) && line[at..].trim().is_empty()
            });
        if !listed {
            continue;
        }
        let from = i;
        while i < lines.len()
            && (lines[i].1.trim().is_empty() || lines[i].1.starts_with([' ', '-']))
        {
            i += 1;
        }
        out.extend(talk_items(&lines[from..i]));
    }
    out
}

fn talk_items(block: &[(usize, &str)]) -> Vec<FrontTalk> {
    let is_item = |l: &str| l.trim_start().starts_with("- ");
    let Some(item_indent) = block
        .iter()
        .filter(|l| is_item(l.1))
        .map(|l| indent(l.1))
        .min()
    else {
        return Vec::new();
    };
    // Each line as (absolute start of its content, content, the content's column): the
    // first line of an item is read after its dash.
    let mut items: Vec<Vec<(usize, &str, usize)>> = Vec::new();
    for &(start, line) in block {
        let col = indent(line);
        if col == item_indent && is_item(line) {
            let after = line[col + 1..].len() - line[col + 1..].trim_start().len();
            let at = col + 1 + after;
            items.push(vec![(start + at, &line[at..], at)]);
        } else if let Some(item) = items.last_mut() {
            item.push((start + col, &line[col..], col));
        }
    }
    let mut out = Vec::new();
    for item in items {
        let key_col = item[0].2;
        let mut talk = FrontTalk::default();
        let mut title = None;
        let mut j = 0;
        while j < item.len() {
            let (at, content, col) = item[j];
            j += 1;
            let Some((key, vat)) = yaml_key(content).filter(|_| col == key_col) else {
                continue;
            };
            let value = &content[vat..];
            // The lines under the key: deeper than it, or blank.
            let from = j;
            while j < item.len() && (item[j].2 > key_col || item[j].1.trim().is_empty()) {
                j += 1;
            }
            let under = &item[from..j];
            if TITLE_KEYS.contains(&key.as_str()) {
                title = title.or_else(|| value_range(at + vat, value));
            } else if BODY_KEYS.contains(&key.as_str()) {
                if value.starts_with(['>', '|']) {
                    talk.body.extend(
                        under
                            .iter()
                            .filter(|l| !l.1.trim().is_empty())
                            .map(|l| (l.0, l.0 + l.1.trim_end().len())),
                    );
                } else if let Some(r) = value_range(at + vat, value) {
                    talk.body.push(r);
                }
            } else if PEOPLE_KEYS.contains(&key.as_str()) {
                if let Some(r) = value_range(at + vat, value) {
                    talk.speakers.push(r);
                }
                for &(lat, lcontent, _) in under {
                    let (lat, lcontent) = match lcontent.strip_prefix("- ") {
                        Some(rest) => {
                            let skip = lcontent.len() - rest.trim_start().len();
                            (lat + skip, &lcontent[skip..])
                        }
                        None => (lat, lcontent),
                    };
                    match yaml_key(lcontent) {
                        Some((k, v)) if k == "name" || k == "nom" => {
                            talk.speakers.extend(value_range(lat + v, &lcontent[v..]))
                        }
                        Some(_) => {}
                        None => talk.speakers.extend(value_range(lat, lcontent)),
                    }
                }
            }
        }
        if let Some(t) = title {
            talk.title = t;
            out.push(talk);
        }
    }
    out
}

/// The byte length of `key` and its separator in `key: value` / `key = value`.
fn key_len(line: &str, sep: char) -> usize {
    line.find(sep).map_or(0, |i| i + sep.len_utf8())
}

fn unquote(v: &str) -> &str {
    let v = v.trim();
    if v.len() >= 2
        && (v.starts_with('"') && v.ends_with('"') || v.starts_with('\'') && v.ends_with('\''))
    {
        &v[1..v.len() - 1]
    } else {
        v
    }
}

/// A list value: `[a, "b"]` on the line, or the `- a` lines under the key, or a lone scalar.
fn list(value: &str, continued: &[String]) -> Vec<String> {
    let items: Vec<String> = if value.starts_with('[') {
        value
            .trim_matches(['[', ']'])
            .split(',')
            .map(|s| unquote(s).to_string())
            .collect()
    } else if value.is_empty() {
        continued.iter().map(|s| unquote(s).to_string()).collect()
    } else {
        vec![unquote(value).to_string()]
    };
    items.into_iter().filter(|s| !s.is_empty()).collect()
}

/// Hugo's JSON front matter: an object at the very start, the body after it.
fn json(text: &str) -> Option<FrontMatter> {
    let mut stream =
        serde_json::Deserializer::from_str(text).into_iter::<serde_json::Map<String, _>>();
    let map: serde_json::Map<String, serde_json::Value> = stream.next()?.ok()?;
    let mut end = stream.byte_offset();
    // The body starts on the line after the closing brace.
    if let Some(nl) = text[end..].find('\n')
        && text[end..end + nl].trim().is_empty()
    {
        end += nl + 1;
    }
    let get = |k: &str| -> Option<String> {
        map.iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(k))
            .and_then(|(_, v)| match v {
                serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
                serde_json::Value::Array(a) => {
                    a.first().and_then(|v| v.as_str()).map(str::to_string)
                }
                _ => None,
            })
    };
    let mut out = FrontMatter {
        end,
        title: get("title"),
        date: get("date"),
        author: get("author").or_else(|| get("authors")),
        url: get("url"),
        description: get("description"),
        ..FrontMatter::default()
    };
    for key in ["tags", "categories", "keywords"] {
        if let Some(serde_json::Value::Array(a)) = map.get(key) {
            out.tags
                .extend(a.iter().filter_map(|v| v.as_str()).map(str::to_string));
        }
    }
    // The title's value, where it stands in the source as written (no escapes).
    if let Some(t) = &out.title {
        let quoted = format!("\"{t}\"");
        if let Some(at) = text[..end].find(&quoted) {
            out.title_span = Some((at + 1, at + 1 + t.len()));
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_keys_lists_and_folded_scalars() {
        let text = "---\ntitle: \"Day 1 at Conf 2024\"\ndate: 2024-05-02\ntags:\n  - rust\n  - \"talks\"\nauthor: [Jo Doe]\ndescription: >\n  Notes on\n  the first day\nparams:\n  title: nested\n---\nBody\n";
        let f = parse(text).expect("front matter");
        assert_eq!(f.title.as_deref(), Some("Day 1 at Conf 2024"));
        let (s, e) = f.title_span.expect("span");
        assert_eq!(&text[s..e], "Day 1 at Conf 2024");
        assert_eq!(f.date.as_deref(), Some("2024-05-02"));
        assert_eq!(f.tags, ["rust", "talks"]);
        assert_eq!(f.author.as_deref(), Some("Jo Doe"));
        assert_eq!(f.description.as_deref(), Some("Notes on the first day"));
        assert_eq!(&text[f.end..], "Body\n");
    }

    #[test]
    fn yaml_talk_lists_give_titles_speakers_and_abstracts() {
        let text = "---\nedition: '12'\nlink: https://www.meetup.com/Lakeport-Rust/events/1/\ntalks:\n  - title: \"Calm Queues!\"\n    extract: >\n      We tried Kafka.\n\n      Then NATS.\n    authors:\n      - name: 'Ana Ruiz'\n        url: 'https://example.org/ana'\n      - Li Wei\n    videos:\n      - https://youtu.be/x\n  - title: Faster Builds\n    speaker: Bo Chen\n    description: Bazel at scale\n  - videos: []\n---\n";
        let f = parse(text).expect("front matter");
        let at = |r: (usize, usize)| &text[r.0..r.1];
        assert_eq!(f.talks.len(), 2);
        assert_eq!(at(f.talks[0].title), "Calm Queues!");
        let speakers: Vec<&str> = f.talks[0].speakers.iter().map(|&r| at(r)).collect();
        assert_eq!(speakers, ["Ana Ruiz", "Li Wei"]);
        let body: Vec<&str> = f.talks[0].body.iter().map(|&r| at(r)).collect();
        assert_eq!(body, ["We tried Kafka.", "Then NATS."]);
        assert_eq!(at(f.talks[1].title), "Faster Builds");
        assert_eq!(at(f.talks[1].speakers[0]), "Bo Chen");
        assert_eq!(at(f.talks[1].body[0]), "Bazel at scale");
        assert_eq!(f.edition.as_deref(), Some("12"));
        assert_eq!(f.edition_span.map(at), Some("12"));
        assert_eq!(f.group.as_deref(), Some("Lakeport-Rust"));
    }

    #[test]
    fn toml_front_matter_is_read_not_prose() {
        let text = "+++\ntitle = 'Rust Paris #12'\ndate = 2023-01-01T10:00:00Z\ntags = [\"rust\", \"meetup\"]\ndescription = \"Alice from Acme spoke\"\n+++\n# Body\n";
        let f = parse(text).expect("front matter");
        assert_eq!(f.title.as_deref(), Some("Rust Paris #12"));
        assert_eq!(f.date.as_deref(), Some("2023-01-01T10:00:00Z"));
        assert_eq!(f.tags, ["rust", "meetup"]);
        assert_eq!(f.description.as_deref(), Some("Alice from Acme spoke"));
        assert_eq!(&text[f.end..], "# Body\n");
    }

    #[test]
    fn json_front_matter_ends_at_its_closing_brace() {
        let text = "{\n  \"title\": \"Notes\",\n  \"tags\": [\"go\"],\n  \"date\": \"2022-03-04\"\n}\n\nBody {x}\n";
        let f = parse(text).expect("front matter");
        assert_eq!(f.title.as_deref(), Some("Notes"));
        assert_eq!(f.tags, ["go"]);
        assert_eq!(&text[f.end..], "\nBody {x}\n");
        let (s, e) = f.title_span.expect("span");
        assert_eq!(&text[s..e], "Notes");
    }

    #[test]
    fn unterminated_or_absent_front_matter_is_none() {
        assert_eq!(parse("---\ntitle: x\nno end\n"), None);
        assert_eq!(parse("# Title\n"), None);
        assert_eq!(parse("{ not json\n"), None);
        assert_eq!(parse(""), None);
    }
}
