//! Result rows as text: aligned table, CSV (RFC 4180 quoting), TSV, or JSON objects,
//! optionally with the evidence behind each row. Writes to any `io::Write`.

use super::{Format, shown};
use crate::graph::KnowledgeGraph;
use petgraph::graph::EdgeIndex;
use serde::Serialize;
use std::borrow::Cow;
use std::io::{self, Write};

/// One source line behind an edge.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Line {
    pub source: String,
    pub line: usize,
    pub text: String,
}

/// Why an edge exists: its rule, confidence and source lines.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct EdgeEvidence {
    pub subject: String,
    pub relation: String,
    pub object: String,
    pub rule: String,
    pub confidence: f64,
    pub lines: Vec<Line>,
    /// For each source whose lines above are a sample (over `--max-mentions`), how many
    /// pieces of evidence it had in all.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub counts: std::collections::BTreeMap<String, u64>,
}

impl EdgeEvidence {
    pub(crate) fn of(kg: &KnowledgeGraph, ex: EdgeIndex) -> EdgeEvidence {
        let (from, e, to) = kg.edge(ex);
        EdgeEvidence {
            subject: kg.node(from).label.clone(),
            relation: e.relation.to_string(),
            object: kg.node(to).label.clone(),
            rule: e.rule.to_string(),
            confidence: e.confidence,
            lines: kg
                .evidence(ex)
                .map(|s| Line {
                    source: s.source.to_string(),
                    line: s.line,
                    text: s.text.to_string(),
                })
                .collect(),
            counts: kg
                .evidence_totals(ex)
                .into_iter()
                .map(|(s, n)| (s.to_string(), n))
                .collect(),
        }
    }

    /// `source:line: "snippet"` lines, one per span, each after `indent`.
    pub(crate) fn write_lines(&self, indent: &str, out: &mut dyn Write) -> io::Result<()> {
        for l in &self.lines {
            writeln!(out, "{indent}{}:{}: {:?}", shown(&l.source), l.line, l.text)?;
        }
        for (source, total) in &self.counts {
            let listed = self.lines.iter().filter(|l| l.source == *source).count();
            writeln!(
                out,
                "{indent}{}: {} more not kept (over --max-mentions)",
                shown(source),
                more(*total, listed)
            )?;
        }
        Ok(())
    }
}

/// How many of `total` spans a sample of `listed` leaves out.
pub(crate) fn more(total: u64, listed: usize) -> u64 {
    total.saturating_sub(listed as u64)
}

/// Evidence as indented text: the edge with its rule, then its source lines.
pub(crate) fn write_evidence_text(ev: &[EdgeEvidence], out: &mut dyn Write) -> io::Result<()> {
    for e in ev {
        writeln!(
            out,
            "  {} {} {} (rule {}, confidence {})",
            shown(&e.subject),
            e.relation,
            shown(&e.object),
            shown(&e.rule),
            e.confidence
        )?;
        e.write_lines("    ", out)?;
    }
    Ok(())
}

/// Rows ready to print, cells stored flat (`columns.len()` per row), borrowed from the
/// graph where possible so that large results cost no allocation per cell.
#[derive(Debug, Clone, Default)]
pub(crate) struct Table<'a> {
    pub columns: Vec<String>,
    pub cells: Vec<Cow<'a, str>>,
    /// Per row, when asked for.
    pub evidence: Option<Vec<Vec<EdgeEvidence>>>,
}

impl Table<'_> {
    pub(crate) fn write(&self, format: Format, out: &mut dyn Write) -> io::Result<()> {
        match format {
            Format::Table => self.write_table(out),
            Format::Csv => self.write_separated(out, ",", csv_field),
            Format::Tsv => self.write_separated(out, "\t", tsv_field),
            Format::Json => self.write_json(out),
        }
    }

    fn rows(&self) -> impl Iterator<Item = &[Cow<'_, str>]> + '_ {
        self.cells.chunks(self.columns.len().max(1))
    }

    fn write_table(&self, out: &mut dyn Write) -> io::Result<()> {
        if self.cells.is_empty() {
            return Ok(());
        }
        let n = self.columns.len();
        // Character counts, computed once: they set the widths and then the padding.
        let cells: Vec<Cow<'_, str>> = self.cells.iter().map(|c| shown(c)).collect();
        let counts: Vec<usize> = cells.iter().map(|c| c.chars().count()).collect();
        let mut widths: Vec<usize> = self.columns.iter().map(|c| c.chars().count()).collect();
        for row in counts.chunks(n) {
            for (w, c) in widths.iter_mut().zip(row) {
                *w = (*w).max(*c);
            }
        }
        let line = |cells: &mut dyn Iterator<Item = (&str, usize)>, out: &mut dyn Write| {
            for (i, (c, count)) in cells.enumerate() {
                out.write_all(c.as_bytes())?;
                if i + 1 < n {
                    let pad = widths[i] - count + 2;
                    out.write_all(&b"                                "[..pad.min(32)])?;
                    for _ in 32..pad {
                        out.write_all(b" ")?;
                    }
                }
            }
            out.write_all(b"\n")
        };
        line(
            &mut self.columns.iter().map(|c| (c.as_str(), c.chars().count())),
            out,
        )?;
        for (i, (row, count)) in cells.chunks(n).zip(counts.chunks(n)).enumerate() {
            line(
                &mut row.iter().map(|c| c.as_ref()).zip(count.iter().copied()),
                out,
            )?;
            if let Some(ev) = &self.evidence {
                write_evidence_text(&ev[i], out)?;
            }
        }
        Ok(())
    }

    fn write_separated(
        &self,
        out: &mut dyn Write,
        sep: &str,
        field: fn(&str) -> Cow<'_, str>,
    ) -> io::Result<()> {
        let mut header: Vec<Cow<'_, str>> = self.columns.iter().map(|c| field(c)).collect();
        if self.evidence.is_some() {
            header.push(field("evidence"));
        }
        writeln!(out, "{}", header.join(sep))?;
        for (i, row) in self.rows().enumerate() {
            for (j, c) in row.iter().enumerate() {
                if j > 0 {
                    out.write_all(sep.as_bytes())?;
                }
                out.write_all(field(c).as_bytes())?;
            }
            if let Some(ev) = &self.evidence {
                let joined: Vec<String> = ev[i]
                    .iter()
                    .flat_map(|e| &e.lines)
                    .map(|l| format!("{}:{}: {:?}", shown(&l.source), l.line, l.text))
                    .collect();
                out.write_all(sep.as_bytes())?;
                out.write_all(field(&joined.join(" | ")).as_bytes())?;
            }
            out.write_all(b"\n")?;
        }
        Ok(())
    }

    /// One object per line: `[`, rows, `]`; keys in column order.
    fn write_json(&self, out: &mut dyn Write) -> io::Result<()> {
        if self.cells.is_empty() {
            return writeln!(out, "[]");
        }
        writeln!(out, "[")?;
        let count = self.cells.len() / self.columns.len().max(1);
        for (i, row) in self.rows().enumerate() {
            let mut fields: Vec<String> = self
                .columns
                .iter()
                .zip(row)
                .map(|(k, v)| format!("{}: {}", json_string(k), json_string(v)))
                .collect();
            if let Some(ev) = &self.evidence {
                let v = serde_json::to_string(&ev[i]).map_err(io::Error::other)?;
                fields.push(format!("\"evidence\": {v}"));
            }
            let comma = if i + 1 < count { "," } else { "" };
            writeln!(out, "  {{{}}}{comma}", fields.join(", "))?;
        }
        writeln!(out, "]")
    }
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).expect("strings always serialize")
}

/// RFC 4180: quote a field holding a comma, quote, CR or LF; double inner quotes. A field a
/// spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab or CR first) starts with a `'`.
pub(crate) fn csv_field(s: &str) -> Cow<'_, str> {
    let s = neutralised(s);
    if s.contains([',', '"', '\r', '\n']) {
        Cow::Owned(format!("\"{}\"", s.replace('"', "\"\"")))
    } else {
        s
    }
}

/// TSV cannot quote: tabs and line breaks inside a field become spaces, other control
/// characters are written visibly; formulas are neutralised as in CSV.
pub(crate) fn tsv_field(s: &str) -> Cow<'_, str> {
    let s = neutralised(s);
    if s.contains(['\t', '\r', '\n']) {
        Cow::Owned(shown(&s.replace(['\t', '\r', '\n'], " ")).into_owned())
    } else if s.chars().any(char::is_control) {
        Cow::Owned(shown(&s).into_owned())
    } else {
        s
    }
}

/// A label from a crafted document (`=HYPERLINK(…)`) must not run when the table is opened
/// in a spreadsheet. A leading tab or CR counts too (OWASP's list): some spreadsheets skip
/// it and read the formula behind it.
fn neutralised(s: &str) -> Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_a_spreadsheet_would_run_are_neutralised() {
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(tsv_field("+1\tcell"), "'+1 cell");
        assert_eq!(csv_field("\t=1+1"), "'\t=1+1");
        assert_eq!(csv_field("\r=1+1"), "\"'\r=1+1\"");
        assert_eq!(tsv_field("\t=1+1"), "' =1+1");
        assert_eq!(csv_field("C++"), "C++");
    }

    #[test]
    fn csv_quotes_only_when_needed() {
        assert_eq!(csv_field("Shopify"), "Shopify");
        assert_eq!(csv_field("Hello, world"), "\"Hello, world\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(tsv_field("a\tb\nc"), "a b c");
    }

    #[test]
    fn table_aligns_columns() {
        let t = Table {
            columns: vec!["p".into(), "c".into()],
            cells: ["Kim Schlesinger", "DigitalOcean", "Zoé", "X"]
                .map(Cow::Borrowed)
                .to_vec(),
            evidence: None,
        };
        let mut out = Vec::new();
        t.write(Format::Table, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "p                c\nKim Schlesinger  DigitalOcean\nZoé              X\n"
        );
    }
}
