//! A Mermaid `flowchart` for Markdown on code forges: one shape and colour class per
//! entity type, nodes named `n0, n1, …` so ids need no escaping, every label through [`escape`].

use super::kind_colour;
use crate::model::GraphDoc;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

/// Opening and closing brackets of the node shape for an entity type.
fn shape(kind: &str) -> (&'static str, &'static str) {
    match kind {
        "person" => ("([", "])"),
        "company" => ("[", "]"),
        "project" => ("[[", "]]"),
        "talk" => ("(", ")"),
        "event" => ("{{", "}}"),
        _ => ("[/", "/]"),
    }
}

/// Escapes text for a double-quoted Mermaid label. Characters that end or reinterpret a
/// label (`"`, `#`, `;`, backquote, `<`, `>`, `&`, and `\`, since Mermaid turns a written
/// `\n` into a line break) become Mermaid entity codes (`#34;`), which are shown as
/// literal text; line breaks become `<br>`, other control characters U+FFFD.
/// Checked by hand against Mermaid 11: labels show as written and never become markup.
/// Mermaid decodes entities twice, so its own placeholders (`ﬂ°°`, `¶ß`) written in a
/// label, or a written `\n` in a label that also has a line break, still show altered.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' | '#' | ';' | '`' | '<' | '>' | '&' | '\\' => {
                let _ = write!(out, "#{};", c as u32);
            }
            '\n' => out.push_str("<br>"),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str("<br>");
                }
            }
            '\t' => out.push(' '),
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// A class name Mermaid accepts: ASCII letters, digits and `_`.
fn class_name(kind: &str) -> String {
    let name: String = kind
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("k_{name}")
}

pub(crate) fn write(doc: &GraphDoc, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "flowchart LR")?;
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut classes: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (i, n) in doc.nodes.iter().enumerate() {
        index.insert(&n.id, i);
        let (open, close) = shape(&n.kind);
        writeln!(out, "    n{i}{open}\"{}\"{close}", escape(&n.label))?;
        classes.entry(&n.kind).or_default().push(format!("n{i}"));
    }
    for e in &doc.edges {
        let (Some(s), Some(t)) = (index.get(e.source.as_str()), index.get(e.target.as_str()))
        else {
            continue;
        };
        writeln!(out, "    n{s} -->|\"{}\"| n{t}", escape(&e.relation))?;
    }
    for (kind, members) in &classes {
        let class = class_name(kind);
        writeln!(
            out,
            "    classDef {class} fill:{},stroke:#555555,color:#111111",
            kind_colour(kind)
        )?;
        writeln!(out, "    class {} {class}", members.join(","))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::testdoc;
    use proptest::prelude::*;

    /// What Mermaid shows for an escaped label: entity codes decoded, `<br>` a line break.
    fn unescape(s: &str) -> String {
        let mut out = String::new();
        let mut rest = s;
        loop {
            let next = rest.find(['#', '<']);
            let Some(i) = next else {
                out.push_str(rest);
                break;
            };
            out.push_str(&rest[..i]);
            rest = &rest[i..];
            if let Some(after) = rest.strip_prefix("<br>") {
                out.push('\n');
                rest = after;
            } else {
                let end = rest.find(';').expect("entity code closes");
                let code: u32 = rest[1..end].parse().expect("decimal code");
                out.push(char::from_u32(code).unwrap());
                rest = &rest[end + 1..];
            }
        }
        out
    }

    fn drawable(s: &str) -> String {
        s.replace("\r\n", "\n")
            .chars()
            .map(|c| match c {
                '\r' | '\n' => '\n',
                '\t' => ' ',
                c if c.is_control() => '\u{fffd}',
                c => c,
            })
            .collect()
    }

    #[test]
    fn escapes_label_breakers() {
        assert_eq!(
            escape("a \"b\" #1;\n<x>"),
            "a #34;b#34; #35;1#59;<br>#60;x#62;"
        );
    }

    #[test]
    fn sample_is_one_flowchart() {
        let doc = testdoc::sample();
        let mut out = Vec::new();
        write(&doc, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("flowchart LR\n"));
        assert_eq!(text.matches("-->").count(), doc.edges.len());
    }

    proptest! {
        #[test]
        fn escape_round_trips(s in testdoc::nasty_label()) {
            let e = escape(&s);
            prop_assert!(!e.contains('"') && !e.chars().any(|c| c.is_control()));
            prop_assert_eq!(unescape(&e), drawable(&s));
        }

        #[test]
        fn one_statement_per_line(labels in testdoc::nasty_labels()) {
            let doc = testdoc::with_labels(&labels);
            let mut out = Vec::new();
            write(&doc, &mut out).unwrap();
            let text = String::from_utf8(out).unwrap();
            let classes: std::collections::BTreeSet<&str> =
                doc.nodes.iter().map(|n| n.kind.as_str()).collect();
            prop_assert_eq!(
                text.lines().count(),
                1 + doc.nodes.len() + doc.edges.len() + 2 * classes.len()
            );
            for line in text.lines().skip(1).take(doc.nodes.len()) {
                prop_assert_eq!(line.matches('"').count(), 2);
            }
        }
    }
}
