//! Neo4j: `nodes.csv` and `relationships.csv` in the header format of
//! `neo4j-admin database import` (`:ID`, `:LABEL`, `:START_ID`, `:END_ID`, `:TYPE`), and
//! `import.cypher`, MERGE statements for `cypher-shell` on small graphs. CSV fields go
//! through [`csv_field`], Cypher strings through [`cypher_string`], names through [`cypher_name`].

use super::{NODE_COLUMNS, attribute_columns, evidence_line};
use crate::model::GraphDoc;
use std::collections::BTreeSet;
use std::io::{self, Write};

/// A CSV field, always quoted, with `"` doubled; NUL (which the importer cannot read)
/// becomes U+FFFD. Line breaks stay inside the quotes (import with `--multiline-fields=true`).
pub(crate) fn csv_field(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\"\""),
            '\0' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A Cypher string literal in single quotes: quotes and backslashes escaped, line breaks
/// and every other control character written as escapes, so a statement stays on one line.
pub(crate) fn cypher_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A label, relationship type or property key as a backquoted Cypher name.
pub(crate) fn cypher_name(s: &str) -> String {
    format!("`{}`", s.replace('`', "``"))
}

/// A Neo4j property name that also works in a CSV header (where `:` starts a type):
/// letters, digits and `_` only.
fn property_name(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// The node label for an entity type: `person` → `Person`.
fn node_label(kind: &str) -> String {
    let mut chars = kind.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "Unknown".into(),
    }
}

/// The relationship type for a relation: `works_at` → `WORKS_AT`.
fn rel_type(relation: &str) -> String {
    relation.to_uppercase()
}

/// Attribute names turned into distinct property names, clear of the built-in ones.
fn property_columns(doc: &GraphDoc) -> Vec<(String, String)> {
    let mut taken: BTreeSet<String> = NODE_COLUMNS.iter().map(|s| s.to_string()).collect();
    attribute_columns(doc)
        .into_iter()
        .map(|(name, column)| {
            let mut p = property_name(&column);
            while taken.contains(&p) {
                p.push('_');
            }
            taken.insert(p.clone());
            (name, p)
        })
        .collect()
}

/// Array elements are separated by `;` (the importer's default), so one inside an
/// element becomes `,`.
fn csv_array(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|s| s.replace(';', ",")).collect();
    csv_field(&items.join(";"))
}

fn float(x: f64) -> String {
    super::graphml::xsd_double(x).replace("INF", "Infinity")
}

pub(crate) fn write_nodes(doc: &GraphDoc, out: &mut dyn Write) -> io::Result<()> {
    let props = property_columns(doc);
    write!(
        out,
        "id:ID,:LABEL,type,label,aliases:string[],mention_count:int"
    )?;
    for (_, p) in &props {
        write!(out, ",{p}")?;
    }
    writeln!(out)?;
    for n in &doc.nodes {
        write!(
            out,
            "{},{},{},{},{},{}",
            csv_field(&n.id),
            csv_field(&format!("Entity;{}", node_label(&n.kind).replace(';', "_"))),
            csv_field(&n.kind),
            csv_field(&n.label),
            csv_array(&n.aliases),
            n.mention_total()
        )?;
        for (name, _) in &props {
            write!(out, ",")?;
            if let Some(v) = n.attributes.get(name) {
                write!(out, "{}", csv_field(v))?;
            }
        }
        writeln!(out)?;
    }
    Ok(())
}

pub(crate) fn write_relationships(doc: &GraphDoc, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        ":START_ID,:END_ID,:TYPE,relation,rule,confidence:double,evidence_count:int,evidence"
    )?;
    for e in &doc.edges {
        let evidence: Vec<String> = e.evidence.iter().map(evidence_line).collect();
        writeln!(
            out,
            "{},{},{},{},{},{},{},{}",
            csv_field(&e.source),
            csv_field(&e.target),
            csv_field(&rel_type(&e.relation)),
            csv_field(&e.relation),
            csv_field(&e.rule),
            float(e.confidence),
            e.evidence.len(),
            csv_field(&evidence.join("\n"))
        )?;
    }
    Ok(())
}

/// A Cypher list of strings.
fn cypher_list(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|s| cypher_string(s)).collect();
    format!("[{}]", items.join(", "))
}

pub(crate) fn write_cypher(doc: &GraphDoc, out: &mut dyn Write) -> io::Result<()> {
    let props = property_columns(doc);
    writeln!(
        out,
        "// talkgraph graph for Neo4j: cypher-shell -f import.cypher (re-running it changes nothing)."
    )?;
    writeln!(
        out,
        "CREATE CONSTRAINT talkgraph_entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE;"
    )?;
    for n in &doc.nodes {
        write!(
            out,
            "MERGE (n:Entity {{id: {}}}) SET n:{}, n.type = {}, n.label = {}, n.aliases = {}, n.mention_count = {}",
            cypher_string(&n.id),
            cypher_name(&node_label(&n.kind)),
            cypher_string(&n.kind),
            cypher_string(&n.label),
            cypher_list(&n.aliases),
            n.mention_total()
        )?;
        for (name, p) in &props {
            if let Some(v) = n.attributes.get(name) {
                write!(out, ", n.{} = {}", cypher_name(p), cypher_string(v))?;
            }
        }
        writeln!(out, ";")?;
    }
    for e in &doc.edges {
        let evidence: Vec<String> = e.evidence.iter().map(evidence_line).collect();
        let confidence = if e.confidence.is_finite() {
            format!("{:?}", e.confidence)
        } else {
            "null".into()
        };
        writeln!(
            out,
            "MATCH (a:Entity {{id: {}}}), (b:Entity {{id: {}}}) MERGE (a)-[r:{}]->(b) SET r.relation = {}, r.rule = {}, r.confidence = {}, r.evidence_count = {}, r.evidence = {};",
            cypher_string(&e.source),
            cypher_string(&e.target),
            cypher_name(&rel_type(&e.relation)),
            cypher_string(&e.relation),
            cypher_string(&e.rule),
            confidence,
            e.evidence.len(),
            cypher_list(&evidence)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::testdoc;
    use proptest::prelude::*;

    /// Reads one Cypher string literal back, checking it is closed exactly at the end.
    fn read_cypher_string(s: &str) -> String {
        let body = s.strip_prefix('\'').unwrap();
        let mut out = String::new();
        let mut chars = body.chars();
        loop {
            match chars.next().expect("unterminated string") {
                '\'' => break,
                '\\' => match chars.next().unwrap() {
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    'u' => {
                        let hex: String = chars.by_ref().take(4).collect();
                        out.push(char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap());
                    }
                    c @ ('\'' | '"' | '\\') => out.push(c),
                    c => panic!("unknown escape \\{c}"),
                },
                c => {
                    assert!(!c.is_control(), "raw control character");
                    out.push(c)
                }
            }
        }
        assert_eq!(chars.next(), None, "text after the closing quote");
        out
    }

    /// Splits CSV text into records of fields, the way the importer's quoting works.
    fn read_csv(text: &str) -> Vec<Vec<String>> {
        let mut records = vec![];
        let mut record = vec![];
        let mut field = String::new();
        let mut quoted = false;
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                (true, '"') => quoted = false,
                (true, c) => field.push(c),
                (false, '"') => quoted = true,
                (false, ',') => record.push(std::mem::take(&mut field)),
                (false, '\n') => {
                    record.push(std::mem::take(&mut field));
                    records.push(std::mem::take(&mut record));
                }
                (false, c) => field.push(c),
            }
        }
        assert!(!quoted && field.is_empty() && record.is_empty());
        records
    }

    #[test]
    fn escapes() {
        assert_eq!(csv_field("a \"b\"\n\0"), "\"a \"\"b\"\"\n\u{fffd}\"");
        assert_eq!(
            cypher_string("it's \\ \"x\"\n\0"),
            r#"'it\'s \\ \"x\"\n\u0000'"#
        );
        assert_eq!(cypher_name("a`b"), "`a``b`");
        assert_eq!(property_name("1st name:x"), "_1st_name_x");
    }

    #[test]
    fn headers_are_what_neo4j_admin_expects() {
        let doc = testdoc::sample();
        let mut nodes = Vec::new();
        write_nodes(&doc, &mut nodes).unwrap();
        let nodes = read_csv(&String::from_utf8(nodes).unwrap());
        assert_eq!(nodes[0][..2], ["id:ID", ":LABEL"]);
        assert_eq!(nodes.len(), doc.nodes.len() + 1);
        assert!(nodes.iter().all(|r| r.len() == nodes[0].len()));
        let mut rels = Vec::new();
        write_relationships(&doc, &mut rels).unwrap();
        let rels = read_csv(&String::from_utf8(rels).unwrap());
        assert_eq!(rels[0][..3], [":START_ID", ":END_ID", ":TYPE"]);
        assert_eq!(rels.len(), doc.edges.len() + 1);
    }

    proptest! {
        #[test]
        fn cypher_strings_round_trip(s in testdoc::nasty_label()) {
            prop_assert_eq!(read_cypher_string(&cypher_string(&s)), s);
        }

        #[test]
        fn csv_fields_round_trip(labels in testdoc::nasty_labels()) {
            let doc = testdoc::with_labels(&labels);
            let mut out = Vec::new();
            write_nodes(&doc, &mut out).unwrap();
            let records = read_csv(&String::from_utf8(out).unwrap());
            prop_assert_eq!(records.len(), doc.nodes.len() + 1);
            for (n, r) in doc.nodes.iter().zip(&records[1..]) {
                prop_assert_eq!(r.len(), records[0].len());
                prop_assert_eq!(&r[3], &n.label.replace('\0', "\u{fffd}"));
            }
        }

        #[test]
        fn cypher_statements_stay_on_one_line(labels in testdoc::nasty_labels()) {
            let doc = testdoc::with_labels(&labels);
            let mut out = Vec::new();
            write_cypher(&doc, &mut out).unwrap();
            let text = String::from_utf8(out).unwrap();
            prop_assert_eq!(text.lines().count(), 2 + doc.nodes.len() + doc.edges.len());
        }
    }
}
