//! GraphML for Gephi, yEd, networkx and igraph: every attribute declared as a typed
//! `<key>`, lists (aliases, evidence) as JSON arrays in a string, every text through [`escape`].

use super::{attribute_columns, evidence_line};
use crate::model::GraphDoc;
use std::io::{self, Write};

/// Escapes text for XML element content and double-quoted attribute values alike.
/// The five markup characters become entities; tab, line feed and carriage return become
/// character references so attribute-value normalisation keeps them; characters XML 1.0
/// cannot carry at all (NUL and the other C0 controls, U+FFFE, U+FFFF) become U+FFFD.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// A list as the JSON array stored in one string attribute.
fn json_list<T: serde::Serialize>(items: &[T]) -> String {
    serde_json::to_string(items).expect("a list of strings serializes")
}

pub(crate) fn write(doc: &GraphDoc, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">"#
    )?;
    let columns = attribute_columns(doc);
    let keys: [(&str, &str, &str, &str); 10] = [
        ("g_generator", "graph", "generator", "string"),
        ("g_sources", "graph", "sources", "string"),
        ("n_type", "node", "type", "string"),
        ("n_label", "node", "label", "string"),
        ("n_aliases", "node", "aliases", "string"),
        ("n_mention_count", "node", "mention_count", "int"),
        ("e_relation", "edge", "relation", "string"),
        ("e_rule", "edge", "rule", "string"),
        ("e_confidence", "edge", "confidence", "double"),
        ("e_evidence_count", "edge", "evidence_count", "int"),
    ];
    for (id, domain, name, ty) in keys {
        writeln!(
            out,
            r#"  <key id="{id}" for="{domain}" attr.name="{name}" attr.type="{ty}"/>"#
        )?;
    }
    writeln!(
        out,
        r#"  <key id="e_evidence" for="edge" attr.name="evidence" attr.type="string"/>"#
    )?;
    for (i, (_, column)) in columns.iter().enumerate() {
        writeln!(
            out,
            r#"  <key id="n_attr{i}" for="node" attr.name="{}" attr.type="string"/>"#,
            escape(column)
        )?;
    }
    writeln!(out, r#"  <graph id="talkgraph" edgedefault="directed">"#)?;
    writeln!(
        out,
        r#"    <data key="g_generator">{}</data>"#,
        escape(&doc.graph.generator)
    )?;
    writeln!(
        out,
        r#"    <data key="g_sources">{}</data>"#,
        escape(&json_list(&doc.graph.sources))
    )?;
    for n in &doc.nodes {
        writeln!(out, r#"    <node id="{}">"#, escape(&n.id))?;
        writeln!(
            out,
            r#"      <data key="n_type">{}</data>"#,
            escape(&n.kind)
        )?;
        writeln!(
            out,
            r#"      <data key="n_label">{}</data>"#,
            escape(&n.label)
        )?;
        writeln!(
            out,
            r#"      <data key="n_aliases">{}</data>"#,
            escape(&json_list(&n.aliases))
        )?;
        writeln!(
            out,
            r#"      <data key="n_mention_count">{}</data>"#,
            n.mention_total()
        )?;
        for (i, (name, _)) in columns.iter().enumerate() {
            if let Some(v) = n.attributes.get(name) {
                writeln!(out, r#"      <data key="n_attr{i}">{}</data>"#, escape(v))?;
            }
        }
        writeln!(out, "    </node>")?;
    }
    for (i, e) in doc.edges.iter().enumerate() {
        writeln!(
            out,
            r#"    <edge id="e{i}" source="{}" target="{}">"#,
            escape(&e.source),
            escape(&e.target)
        )?;
        writeln!(
            out,
            r#"      <data key="e_relation">{}</data>"#,
            escape(&e.relation)
        )?;
        writeln!(
            out,
            r#"      <data key="e_rule">{}</data>"#,
            escape(&e.rule)
        )?;
        writeln!(
            out,
            r#"      <data key="e_confidence">{}</data>"#,
            xsd_double(e.confidence)
        )?;
        writeln!(
            out,
            r#"      <data key="e_evidence_count">{}</data>"#,
            e.evidence.len()
        )?;
        let evidence: Vec<String> = e.evidence.iter().map(evidence_line).collect();
        writeln!(
            out,
            r#"      <data key="e_evidence">{}</data>"#,
            escape(&json_list(&evidence))
        )?;
        writeln!(out, "    </edge>")?;
    }
    writeln!(out, "  </graph>")?;
    writeln!(out, "</graphml>")
}

/// A double as GraphML readers parse it (`INF` and `NaN` as XML Schema spells them).
pub(crate) fn xsd_double(x: f64) -> String {
    if x.is_nan() {
        "NaN".into()
    } else if x.is_infinite() {
        if x > 0.0 { "INF".into() } else { "-INF".into() }
    } else {
        format!("{x:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::testdoc;
    use proptest::prelude::*;

    /// Reads back one escaped text: a tiny XML text/attribute parser that accepts only
    /// the five named entities and decimal character references, and no raw markup.
    fn unescape(s: &str) -> Result<String, String> {
        let mut out = String::new();
        let mut rest = s;
        while let Some(i) = rest.find(['&', '<', '>', '"', '\'']) {
            out.push_str(&rest[..i]);
            if !rest[i..].starts_with('&') {
                return Err(format!("raw markup character in {s:?}"));
            }
            let end = rest[i..].find(';').ok_or("unterminated reference")? + i;
            let name = &rest[i + 1..end];
            out.push(match name {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                _ => name
                    .strip_prefix('#')
                    .and_then(|n| n.parse::<u32>().ok())
                    .and_then(char::from_u32)
                    .ok_or_else(|| format!("bad reference &{name};"))?,
            });
            rest = &rest[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// Checks that `xml` is well-formed in the subset we write: balanced tags, quoted
    /// attributes, no stray markup in text, only allowed characters. Returns every decoded
    /// text and attribute value.
    fn well_formed(xml: &str) -> Vec<String> {
        assert!(!xml.chars().any(|c| matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')));
        let body = xml
            .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
            .unwrap();
        let mut stack: Vec<String> = Vec::new();
        let mut values = Vec::new();
        let mut rest = body;
        while !rest.is_empty() {
            if let Some(tag) = rest.strip_prefix('<') {
                let end = tag.find('>').unwrap();
                let inner = &tag[..end];
                rest = &tag[end + 1..];
                if let Some(name) = inner.strip_prefix('/') {
                    assert_eq!(stack.pop().as_deref(), Some(name));
                    continue;
                }
                let selfclosing = inner.ends_with('/');
                let inner = inner.trim_end_matches('/');
                let (name, mut attrs) = inner.split_once(' ').unwrap_or((inner, ""));
                while !attrs.trim().is_empty() {
                    let (_, after) = attrs.split_once("=\"").unwrap();
                    let close = after.find('"').unwrap();
                    values.push(unescape(&after[..close]).unwrap());
                    attrs = &after[close + 1..];
                }
                if !selfclosing {
                    stack.push(name.to_string());
                }
            } else {
                let end = rest.find('<').unwrap_or(rest.len());
                values.push(unescape(&rest[..end]).unwrap());
                rest = &rest[end..];
            }
        }
        assert!(stack.is_empty());
        values
    }

    fn storable(s: &str) -> String {
        s.chars()
            .map(|c| match c {
                '\t' | '\n' | '\r' => c,
                '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => '\u{fffd}',
                c => c,
            })
            .collect()
    }

    #[test]
    fn escapes_markup_and_controls() {
        assert_eq!(
            escape("a<b>&\"c'\n]]>\0"),
            "a&lt;b&gt;&amp;&quot;c&apos;&#10;]]&gt;\u{fffd}"
        );
    }

    #[test]
    fn sample_is_well_formed() {
        let mut out = Vec::new();
        write(&testdoc::sample(), &mut out).unwrap();
        well_formed(&String::from_utf8(out).unwrap());
    }

    proptest! {
        #[test]
        fn escape_round_trips(s in testdoc::nasty_label()) {
            prop_assert_eq!(unescape(&escape(&s)).unwrap(), storable(&s));
        }

        #[test]
        fn documents_stay_well_formed(labels in testdoc::nasty_labels()) {
            let doc = testdoc::with_labels(&labels);
            let mut out = Vec::new();
            write(&doc, &mut out).unwrap();
            let values = well_formed(&String::from_utf8(out).unwrap());
            for n in &doc.nodes {
                prop_assert!(values.contains(&storable(&n.label)));
                prop_assert!(values.contains(&storable(&n.id)));
            }
        }
    }
}
