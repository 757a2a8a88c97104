//! GraphViz DOT, from our own small emitter in the manner of petgraph's `Dot` (whose
//! output may change, so it is not used for compared files). Every id and label goes
//! through [`escape`]; one shape and colour per entity type, edges labelled by relation.

use super::{ClusterBy, ExportOptions, first_source, kind_colour};
use crate::model::GraphDoc;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

/// The GraphViz shape for an entity type.
fn shape(kind: &str) -> &'static str {
    match kind {
        "person" => "ellipse",
        "company" => "box",
        "project" => "component",
        "talk" => "note",
        "event" => "hexagon",
        _ => "octagon",
    }
}

/// Escapes text for the inside of a DOT double-quoted string, used for ids and labels
/// alike: `"` and `\` get a backslash (so no GraphViz escape such as `\N` is formed by
/// accident), a line break becomes `\n`, `&` becomes `&amp;` (GraphViz decodes HTML
/// entities in labels), and control characters, which GraphViz cannot draw, become
/// U+FFFD. Everything else, `<>`, emoji and right-to-left text included, passes as UTF-8.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '&' => out.push_str("&amp;"),
            '\n' => out.push_str("\\n"),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str("\\n");
                }
            }
            '\t' => out.push(' '),
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Writes `s` as a quoted DOT string.
fn quoted(out: &mut dyn Write, s: &str) -> io::Result<()> {
    write!(out, "\"{}\"", escape(s))
}

pub(crate) fn write(doc: &GraphDoc, opts: &ExportOptions, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "digraph \"talkgraph\" {{")?;
    // With one cluster per document, edges cross clusters everywhere; GraphViz's classic
    // ranking then fails ("trouble in init_rank") on some graphs, newrank does not.
    let newrank = if opts.cluster_by == super::ClusterBy::Source {
        "newrank=\"true\", "
    } else {
        ""
    };
    writeln!(
        out,
        "    graph [{newrank}charset=\"UTF-8\", rankdir=\"LR\", fontname=\"Helvetica\", fontsize=\"12\"];"
    )?;
    writeln!(
        out,
        "    node [style=\"filled\", fontname=\"Helvetica\", fontsize=\"11\", color=\"#555555\"];"
    )?;
    writeln!(
        out,
        "    edge [fontname=\"Helvetica\", fontsize=\"9\", color=\"#666666\"];"
    )?;

    // Legend: one sample node per entity type present, in a cluster of its own. Its ids
    // are kept apart from the graph's so they can never merge with a real node.
    let ids: BTreeSet<&str> = doc.nodes.iter().map(|n| n.id.as_str()).collect();
    let mut kinds: Vec<&str> = doc.nodes.iter().map(|n| n.kind.as_str()).collect();
    kinds.sort_by_key(|k| {
        (
            crate::graph::Kind::parse(k).map_or(usize::MAX, |k| k as usize),
            *k,
        )
    });
    kinds.dedup();
    if !kinds.is_empty() {
        writeln!(out, "    subgraph \"cluster_legend\" {{")?;
        writeln!(
            out,
            "        graph [label=\"Legend\", style=\"rounded,dashed\", color=\"#999999\"];"
        )?;
        for kind in &kinds {
            let mut id = format!("legend:{kind}");
            while ids.contains(id.as_str()) {
                id.insert(0, '_');
            }
            write!(out, "        ")?;
            quoted(out, &id)?;
            write!(out, " [label=")?;
            quoted(out, kind)?;
            writeln!(
                out,
                ", shape=\"{}\", fillcolor=\"{}\"];",
                shape(kind),
                kind_colour(kind)
            )?;
        }
        writeln!(out, "    }}")?;
    }

    // Nodes, grouped by source document when asked.
    let mut groups: BTreeMap<Option<&str>, Vec<usize>> = BTreeMap::new();
    for (i, n) in doc.nodes.iter().enumerate() {
        let group = match opts.cluster_by {
            ClusterBy::None => None,
            ClusterBy::Source => first_source(n),
        };
        groups.entry(group).or_default().push(i);
    }
    for (ci, (group, members)) in groups.iter().enumerate() {
        let indent = match group {
            None => "    ",
            Some(source) => {
                writeln!(out, "    subgraph \"cluster_source_{ci}\" {{")?;
                write!(out, "        graph [label=")?;
                quoted(out, source)?;
                writeln!(out, ", style=\"rounded\", color=\"#bbbbbb\"];")?;
                "        "
            }
        };
        for &i in members {
            let n = &doc.nodes[i];
            write!(out, "{indent}")?;
            quoted(out, &n.id)?;
            write!(out, " [label=")?;
            quoted(out, &n.label)?;
            write!(out, ", tooltip=")?;
            quoted(out, &n.id)?;
            writeln!(
                out,
                ", shape=\"{}\", fillcolor=\"{}\"];",
                shape(&n.kind),
                kind_colour(&n.kind)
            )?;
        }
        if group.is_some() {
            writeln!(out, "    }}")?;
        }
    }

    for e in &doc.edges {
        write!(out, "    ")?;
        quoted(out, &e.source)?;
        write!(out, " -> ")?;
        quoted(out, &e.target)?;
        write!(out, " [label=")?;
        quoted(out, &e.relation)?;
        write!(out, ", tooltip=")?;
        quoted(
            out,
            &format!(
                "{} (rule {}, confidence {})",
                e.relation, e.rule, e.confidence
            ),
        )?;
        writeln!(out, "];")?;
    }
    writeln!(out, "}}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::testdoc;
    use proptest::prelude::*;

    /// What GraphViz shows for an escaped label: the reverse of [`escape`].
    fn unescape(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some('n') => out.push('\n'),
                    Some(c) => out.push(c),
                    None => panic!("dangling backslash in {s:?}"),
                },
                c => out.push(c),
            }
        }
        out.replace("&amp;", "&")
    }

    /// The text as GraphViz can show it.
    fn drawable(s: &str) -> String {
        s.replace("\r\n", "\n")
            .chars()
            .map(|c| match c {
                '\r' => '\n',
                '\t' => ' ',
                '\n' => '\n',
                c if c.is_control() => '\u{fffd}',
                c => c,
            })
            .collect()
    }

    /// Splits a DOT text into its quoted strings, checking each one closes, that nothing
    /// but ASCII punctuation, words and spaces lies between them, and that braces balance.
    fn quoted_strings(dot: &str) -> Vec<String> {
        let mut strings = Vec::new();
        let mut depth = 0i32;
        let mut chars = dot.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => {
                    let mut s = String::new();
                    loop {
                        match chars.next().expect("unterminated string") {
                            '"' => break,
                            '\\' => {
                                s.push('\\');
                                s.push(chars.next().expect("dangling backslash"));
                            }
                            '\n' | '\r' => panic!("raw line break inside a string"),
                            c => s.push(c),
                        }
                    }
                    strings.push(s);
                }
                '{' => depth += 1,
                '}' => depth -= 1,
                c => assert!(
                    c.is_ascii_alphanumeric() || " \n[]=,;->_".contains(c),
                    "stray {c:?} outside strings"
                ),
            }
            assert!(depth >= 0);
        }
        assert_eq!(depth, 0);
        strings
    }

    #[test]
    fn escapes_quotes_backslashes_breaks_and_entities() {
        assert_eq!(
            escape("say \"hi\" \\N\nA&B <x> 🎉\r\n\0"),
            "say \\\"hi\\\" \\\\N\\nA&amp;B <x> 🎉\\n\u{fffd}"
        );
    }

    #[test]
    fn sample_has_legend_and_clusters() {
        let doc = testdoc::sample();
        let mut out = Vec::new();
        let opts = ExportOptions {
            cluster_by: ClusterBy::Source,
            ..Default::default()
        };
        write(&doc, &opts, &mut out).unwrap();
        let dot = String::from_utf8(out).unwrap();
        assert!(dot.contains("subgraph \"cluster_legend\""));
        let clusters = dot.matches("subgraph \"cluster_source_").count();
        assert_eq!(clusters, doc.graph.sources.len());
        quoted_strings(&dot);
    }

    proptest! {
        #[test]
        fn escape_round_trips(s in testdoc::nasty_label()) {
            let e = escape(&s);
            prop_assert!(!e.chars().any(|c| c.is_control()));
            prop_assert_eq!(unescape(&e), drawable(&s));
        }

        #[test]
        fn every_label_stays_inside_its_string(labels in testdoc::nasty_labels()) {
            let doc = testdoc::with_labels(&labels);
            let mut out = Vec::new();
            let opts = ExportOptions {
                cluster_by: ClusterBy::Source,
                ..Default::default()
            };
            write(&doc, &opts, &mut out).unwrap();
            let dot = String::from_utf8(out).unwrap();
            let strings: BTreeSet<String> =
                quoted_strings(&dot).iter().map(|s| unescape(s)).collect();
            for n in &doc.nodes {
                prop_assert!(strings.contains(&drawable(&n.label)));
                prop_assert!(strings.contains(&drawable(&n.id)));
            }
        }
    }
}
