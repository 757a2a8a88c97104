//! RDF as Turtle and N-Triples: schema.org terms where they exist (Person, Organization,
//! SoftwareSourceCode, Event; worksFor, performer, mentions, superEvent), the `tg:`
//! vocabulary for the rest, and each edge's provenance as a reified `rdf:Statement`.
//! Both syntaxes serialize the same triple list; literals go through [`escape_literal`],
//! IRIs through [`iri_segment`].

use crate::model::GraphDoc;
use std::fmt::Write as _;
use std::io::{self, Write};

const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const XSD: &str = "http://www.w3.org/2001/XMLSchema#";
const SCHEMA: &str = "https://schema.org/";
/// The project vocabulary: classes and properties schema.org has no term for.
pub(crate) const TG: &str = "urn:talkgraph:vocab:";
/// Entities: `urn:talkgraph:node:` followed by the node id.
pub(crate) const NODE: &str = "urn:talkgraph:node:";
/// Reified edges: `urn:talkgraph:edge:SOURCE/relation/TARGET[/key]`.
pub(crate) const EDGE: &str = "urn:talkgraph:edge:";

const PREFIXES: [(&str, &str); 4] = [("rdf", RDF), ("xsd", XSD), ("schema", SCHEMA), ("tg", TG)];

#[derive(Debug, Clone, PartialEq)]
enum Term {
    Iri(String),
    Blank(String),
    Literal(String, Option<&'static str>),
}

fn iri(ns: &str, local: &str) -> Term {
    Term::Iri(format!("{ns}{local}"))
}

fn string(s: &str) -> Term {
    Term::Literal(s.to_string(), None)
}

fn integer(n: usize) -> Term {
    Term::Literal(n.to_string(), Some("integer"))
}

fn double(x: f64) -> Term {
    Term::Literal(super::graphml::xsd_double(x), Some("double"))
}

/// Percent-encodes text for one segment of our IRIs: ASCII letters, digits and `-._~:`
/// stay, every other byte of the UTF-8 becomes `%XX`. Nothing IRI syntax forbids
/// (spaces, `<>"{}|\^` and backquote, controls) can get through.
pub(crate) fn iri_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn node(id: &str) -> Term {
    Term::Iri(format!("{NODE}{}", iri_segment(id)))
}

/// Escapes a string literal's text for Turtle and N-Triples (between double quotes):
/// `"` and `\` escaped, the usual control characters as `\n \r \t \b \f`, any other
/// control character as `\uXXXX`.
pub(crate) fn escape_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// The schema.org class of an entity type, and our own.
fn classes(kind: &str) -> Vec<Term> {
    let schema = match kind {
        "person" => Some("Person"),
        "company" => Some("Organization"),
        "project" => Some("SoftwareSourceCode"),
        "talk" | "event" => Some("Event"),
        _ => None,
    };
    let mut out: Vec<Term> = schema.map(|c| iri(SCHEMA, c)).into_iter().collect();
    out.push(iri(TG, &class_name(kind)));
    out
}

/// `person` → `Person`, `part_of` → `PartOf`: our class names.
fn class_name(kind: &str) -> String {
    kind.split('_')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect::<String>(),
                None => String::new(),
            }
        })
        .collect::<String>()
}

/// How a relation is stated: the predicate and whether subject and object swap
/// (`presents` is the talk's `schema:performer`).
fn predicate(relation: &str) -> (Term, bool) {
    match relation {
        "works_at" => (iri(SCHEMA, "worksFor"), false),
        "presents" => (iri(SCHEMA, "performer"), true),
        "mentions" => (iri(SCHEMA, "mentions"), false),
        "part_of" => (iri(SCHEMA, "superEvent"), false),
        other => (iri(TG, &iri_segment(other)), false),
    }
}

type Triple = (Term, Term, Term);

/// Every triple of the graph, in a fixed order (per node, then per edge), handed to `emit`
/// one at a time: held all at once, a 100k-node graph's triples took 2.7 GB where its JSON
/// takes 0.5 GB.
fn triples(doc: &GraphDoc, emit: &mut dyn FnMut(Triple) -> io::Result<()>) -> io::Result<()> {
    let a = iri(RDF, "type");
    for n in &doc.nodes {
        let s = node(&n.id);
        for class in classes(&n.kind) {
            emit((s.clone(), a.clone(), class))?;
        }
        emit((s.clone(), iri(SCHEMA, "identifier"), string(&n.id)))?;
        emit((s.clone(), iri(SCHEMA, "name"), string(&n.label)))?;
        for alias in &n.aliases {
            emit((s.clone(), iri(SCHEMA, "alternateName"), string(alias)))?;
        }
        for (k, v) in &n.attributes {
            emit((
                s.clone(),
                iri(TG, &format!("attr-{}", iri_segment(k))),
                string(v),
            ))?;
        }
        emit((
            s.clone(),
            iri(TG, "mentionCount"),
            integer(n.mention_total()),
        ))?;
    }
    for (i, e) in doc.edges.iter().enumerate() {
        let (p, swap) = predicate(&e.relation);
        let (from, to) = (node(&e.source), node(&e.target));
        let (s, o) = if swap { (to, from) } else { (from, to) };
        emit((s.clone(), p.clone(), o.clone()))?;
        let mut name = format!(
            "{EDGE}{}/{}/{}",
            iri_segment(&e.source),
            iri_segment(&e.relation),
            iri_segment(&e.target)
        );
        if e.key != 0 {
            let _ = write!(name, "/{}", e.key);
        }
        let st = Term::Iri(name);
        emit((st.clone(), a.clone(), iri(RDF, "Statement")))?;
        emit((st.clone(), iri(RDF, "subject"), s))?;
        emit((st.clone(), iri(RDF, "predicate"), p))?;
        emit((st.clone(), iri(RDF, "object"), o))?;
        emit((st.clone(), iri(TG, "relation"), string(&e.relation)))?;
        emit((st.clone(), iri(TG, "rule"), string(&e.rule)))?;
        emit((st.clone(), iri(TG, "confidence"), double(e.confidence)))?;
        let evidence: Vec<Term> = (0..e.evidence.len())
            .map(|j| Term::Blank(format!("e{i}x{j}")))
            .collect();
        for b in &evidence {
            emit((st.clone(), iri(TG, "evidence"), b.clone()))?;
        }
        for (b, span) in evidence.into_iter().zip(&e.evidence) {
            emit((b.clone(), a.clone(), iri(TG, "Evidence")))?;
            emit((b.clone(), iri(TG, "source"), string(&span.source)))?;
            emit((b.clone(), iri(TG, "line"), integer(span.line)))?;
            emit((b.clone(), iri(TG, "start"), integer(span.start)))?;
            emit((b.clone(), iri(TG, "end"), integer(span.end)))?;
            emit((b, iri(TG, "text"), string(&span.text)))?;
        }
    }
    Ok(())
}

/// A term in N-Triples form (also valid Turtle).
fn ntriples_term(t: &Term) -> String {
    match t {
        Term::Iri(i) => format!("<{i}>"),
        Term::Blank(b) => format!("_:{b}"),
        Term::Literal(v, None) => format!("\"{}\"", escape_literal(v)),
        Term::Literal(v, Some(dt)) => format!("\"{}\"^^<{XSD}{dt}>", escape_literal(v)),
    }
}

/// A term in Turtle: a prefixed name where the local part is a plain word.
fn turtle_term(t: &Term) -> String {
    match t {
        Term::Iri(i) => {
            for (prefix, ns) in PREFIXES {
                if let Some(local) = i.strip_prefix(ns)
                    && local.starts_with(|c: char| c.is_ascii_alphabetic())
                    && local
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                {
                    return format!("{prefix}:{local}");
                }
            }
            format!("<{i}>")
        }
        Term::Literal(v, Some(dt)) => format!("\"{}\"^^xsd:{dt}", escape_literal(v)),
        t => ntriples_term(t),
    }
}

pub(crate) fn write_ntriples(doc: &GraphDoc, out: &mut dyn Write) -> io::Result<()> {
    triples(doc, &mut |(s, p, o)| {
        writeln!(
            out,
            "{} {} {} .",
            ntriples_term(&s),
            ntriples_term(&p),
            ntriples_term(&o)
        )
    })
}

pub(crate) fn write_turtle(doc: &GraphDoc, out: &mut dyn Write) -> io::Result<()> {
    for (prefix, ns) in PREFIXES {
        writeln!(out, "@prefix {prefix}: <{ns}> .")?;
    }
    let rdf_type = iri(RDF, "type");
    let verb = |p: &Term| {
        if *p == rdf_type {
            "a".to_string()
        } else {
            turtle_term(p)
        }
    };
    let mut current: Option<Term> = None;
    triples(doc, &mut |(s, p, o)| {
        if current.as_ref() == Some(&s) {
            write!(out, " ;\n    {} {}", verb(&p), turtle_term(&o))?;
        } else {
            if current.is_some() {
                writeln!(out, " .")?;
            }
            write!(
                out,
                "\n{}\n    {} {}",
                turtle_term(&s),
                verb(&p),
                turtle_term(&o)
            )?;
            current = Some(s);
        }
        Ok(())
    })?;
    if current.is_some() {
        writeln!(out, " .")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::testdoc;
    use proptest::prelude::*;

    /// Reads a literal's escaped text back, rejecting anything Turtle forbids raw inside
    /// a `"…"` string.
    fn unescape(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next().unwrap() {
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    'b' => out.push('\u{8}'),
                    'f' => out.push('\u{c}'),
                    'u' => {
                        let hex: String = chars.by_ref().take(4).collect();
                        out.push(char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap());
                    }
                    c @ ('"' | '\\') => out.push(c),
                    c => panic!("bad escape \\{c}"),
                },
                '"' | '\n' | '\r' => panic!("raw {c:?} in a literal"),
                c => out.push(c),
            }
        }
        out
    }

    #[test]
    fn escapes_literals_and_iris() {
        assert_eq!(
            escape_literal("\"\"\"a\\b\nc\0"),
            "\\\"\\\"\\\"a\\\\b\\nc\\u0000"
        );
        assert_eq!(
            iri_segment("person:zoë o'b<>"),
            "person:zo%C3%AB%20o%27b%3C%3E"
        );
    }

    #[test]
    fn presents_is_the_talks_performer() {
        let doc = testdoc::sample();
        let mut out = Vec::new();
        write_turtle(&doc, &mut out).unwrap();
        let ttl = String::from_utf8(out).unwrap();
        assert!(ttl.contains("schema:performer"));
        assert!(ttl.contains("schema:superEvent"));
        assert!(ttl.contains("tg:develops"));
    }

    proptest! {
        #[test]
        fn literals_round_trip(s in testdoc::nasty_label()) {
            prop_assert_eq!(unescape(&escape_literal(&s)), s);
        }

        #[test]
        fn iris_hold_only_safe_characters(s in testdoc::nasty_label()) {
            let seg = iri_segment(&s);
            prop_assert!(seg.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~:%".contains(&b)));
        }

        #[test]
        fn ntriples_lines_are_single_triples(labels in testdoc::nasty_labels()) {
            let doc = testdoc::with_labels(&labels);
            let mut out = Vec::new();
            write_ntriples(&doc, &mut out).unwrap();
            let text = String::from_utf8(out).unwrap();
            let mut count = 0;
            triples(&doc, &mut |_| {
                count += 1;
                Ok(())
            })
            .unwrap();
            prop_assert_eq!(text.lines().count(), count);
            for line in text.lines() {
                prop_assert!(line.ends_with(" ."));
            }
        }
    }
}
