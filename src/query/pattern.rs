//! The pattern language: `SUBJECT RELATION OBJECT`, with `?var`, `?var:type`, constants
//! (bare words or quoted, optional `:type`). Parsing only; errors name the column.

use crate::error::{Error, Result};
use crate::graph::{Kind, Relation};

/// A subject or object.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Term {
    /// `?name` or `?name:type`.
    Var {
        name: String,
        kind: Option<Kind>,
        col: usize,
    },
    /// An entity name as written, with an optional `:type`.
    Const {
        name: String,
        kind: Option<Kind>,
        col: usize,
        len: usize,
    },
}

/// The middle of a pattern.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RelTerm {
    Var { name: String, col: usize },
    Const(Relation),
}

/// One parsed triple pattern.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Pattern {
    pub subject: Term,
    pub relation: RelTerm,
    pub object: Term,
}

/// A located parse error: which pattern, which columns (1-based, in characters).
pub(crate) fn located(text: &str, number: usize, col: usize, len: usize, msg: &str) -> Error {
    Error::Query(pointed(text, number, col, len, msg))
}

/// `msg` at a place in pattern `number`: the pattern, and carets under the columns.
pub(crate) fn pointed(text: &str, number: usize, col: usize, len: usize, msg: &str) -> String {
    let caret = format!(
        "{}{}",
        " ".repeat(col.saturating_sub(1)),
        "^".repeat(len.max(1))
    );
    format!("pattern {number}, column {col}: {msg}\n  {text}\n  {caret}")
}

/// What is suspicious, though not wrong, about a query of several patterns: a variable
/// written once in a pattern that no shared variable joins to the first one (its rows then
/// pair with every row of theirs), said as a slip when another variable's name is one
/// letter away. A variable written once in a pattern joined to the rest is only a column
/// to show (`?c` in `?p works_at ?c` `?p presents ?t`), and a single pattern joins nothing:
/// neither warns.
/// Texts that do not parse give no warning; their error comes when the query compiles.
pub(crate) fn lonely_variables(texts: &[String]) -> Vec<String> {
    let Ok(parsed) = texts
        .iter()
        .enumerate()
        .map(|(i, t)| parse(t, i + 1))
        .collect::<Result<Vec<_>>>()
    else {
        return Vec::new();
    };
    if parsed.len() < 2 {
        return Vec::new();
    }
    // Every place a variable is written: (name, pattern index, column).
    let mut uses: Vec<(&str, usize, usize)> = Vec::new();
    for (i, p) in parsed.iter().enumerate() {
        for t in [&p.subject, &p.object] {
            if let Term::Var { name, col, .. } = t {
                uses.push((name, i, *col));
            }
        }
        if let RelTerm::Var { name, col } = &p.relation {
            uses.push((name, i, *col));
        }
    }
    let written = |n: &str| uses.iter().filter(|u| u.0 == n).count();
    // The patterns joined to the first through shared variables; the others make a cross
    // product with them.
    let mut with_first = vec![false; parsed.len()];
    with_first[0] = true;
    let mut grew = true;
    while grew {
        grew = false;
        for &(v, i, _) in &uses {
            if !with_first[i] && uses.iter().any(|&(w, j, _)| w == v && with_first[j]) {
                with_first[i] = true;
                grew = true;
            }
        }
    }
    let mut warnings = Vec::new();
    for &(name, i, col) in &uses {
        if written(name) != 1 {
            continue;
        }
        let joined = with_first[i];
        // One letter added or dropped (`?cc`, `?c`), or changed in a name of three letters
        // or more: `?c` beside `?p` is two names, not a slip.
        let slip = uses
            .iter()
            .map(|u| u.0)
            .filter(|&o| {
                o != name
                    && super::names::levenshtein(o, name) == 1
                    && (o.chars().count() != name.chars().count() || name.chars().count() >= 3)
            })
            .min();
        let msg = match (slip, joined) {
            // Joined to the rest, it only names a column to show, whatever it looks like.
            (_, true) => continue,
            (Some(other), false) => format!(
                "`?{name}` is used only once; did you mean `?{other}`? Patterns join only on a variable written the same in each"
            ),
            (None, false) => format!(
                "`?{name}` is used only once and pattern {} shares no variable with pattern 1 or the patterns joined to it, so each of its rows pairs with every row of theirs; write one of their variables in it to join them",
                i + 1
            ),
        };
        warnings.push(pointed(
            &texts[i],
            i + 1,
            col,
            name.chars().count() + 1,
            &msg,
        ));
    }
    warnings
}

#[derive(Debug, Clone, PartialEq)]
enum TokKind {
    Word,
    Quoted,
}

#[derive(Debug, Clone)]
struct Tok {
    kind: TokKind,
    /// The text without quotes (and without a trailing `:type` after a closing quote).
    text: String,
    /// 1-based column of the first character, and width in characters.
    col: usize,
    len: usize,
    /// `:type` written right after a closing quote, with its column.
    suffix: Option<(String, usize)>,
}

fn tokenize(text: &str, number: usize) -> Result<Vec<Tok>> {
    let chars: Vec<char> = text.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c == '"' || c == '\'' {
            let start = i;
            let Some(close) = (i + 1..chars.len()).find(|&j| chars[j] == c) else {
                return Err(located(text, number, start + 1, 1, "unterminated quote"));
            };
            let inner: String = chars[i + 1..close].iter().collect();
            i = close + 1;
            let mut suffix = None;
            if i < chars.len() && chars[i] == ':' {
                let s = i + 1;
                let mut j = s;
                while j < chars.len() && !chars[j].is_whitespace() {
                    j += 1;
                }
                suffix = Some((chars[s..j].iter().collect(), s + 1));
                i = j;
            }
            toks.push(Tok {
                kind: TokKind::Quoted,
                text: inner,
                col: start + 1,
                len: i - start,
                suffix,
            });
            continue;
        }
        let start = i;
        while i < chars.len() && !chars[i].is_whitespace() {
            i += 1;
        }
        toks.push(Tok {
            kind: TokKind::Word,
            text: chars[start..i].iter().collect(),
            col: start + 1,
            len: i - start,
            suffix: None,
        });
    }
    Ok(toks)
}

fn is_var(t: &Tok) -> bool {
    t.kind == TokKind::Word && t.text.starts_with('?')
}

/// A relation name as users may type it: `works_at`, `WORKS_AT`, `works-at`.
fn relation_name(t: &Tok) -> Option<Relation> {
    if t.kind != TokKind::Word {
        return None;
    }
    Relation::parse(&t.text.to_lowercase().replace('-', "_"))
}

fn type_list() -> String {
    Kind::ALL.map(Kind::as_str).join(", ")
}

fn parse_kind(s: &str, text: &str, number: usize, col: usize) -> Result<Kind> {
    Kind::parse(&s.to_lowercase()).ok_or_else(|| {
        let msg = if s.is_empty() {
            format!("expected a type after `:` ({})", type_list())
        } else {
            format!("unknown type `{s}` (types are {})", type_list())
        };
        located(text, number, col, s.chars().count(), &msg)
    })
}

/// `?name` or `?name:type` starting at `t`.
fn parse_var(t: &Tok, text: &str, number: usize) -> Result<(String, Option<Kind>)> {
    let body = &t.text[1..];
    let (name, kind) = match body.split_once(':') {
        Some((n, k)) => (n, Some(k)),
        None => (body, None),
    };
    let ok = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !ok {
        let msg = if name.is_empty() {
            "expected a variable name after `?`".to_string()
        } else {
            format!("bad variable name `?{name}` (use letters, digits and `_`)")
        };
        return Err(located(text, number, t.col, name.chars().count() + 1, &msg));
    }
    let kind = match kind {
        Some(k) => Some(parse_kind(
            k,
            text,
            number,
            t.col + name.chars().count() + 2,
        )?),
        None => None,
    };
    Ok((name.to_string(), kind))
}

/// A constant: strips a trailing `:type` (a bare word that is a type name; a colon
/// followed by a space, as in a talk title, is part of the name).
fn parse_const(toks: &[Tok], text: &str, number: usize) -> Result<Term> {
    let first = &toks[0];
    let last = &toks[toks.len() - 1];
    let col = first.col;
    let len = last.col + last.len - first.col;
    if first.kind == TokKind::Quoted {
        let kind = match &first.suffix {
            Some((s, c)) => Some(parse_kind(s, text, number, *c)?),
            None => None,
        };
        return Ok(Term::Const {
            name: first.text.clone(),
            kind,
            col,
            len,
        });
    }
    let raw: String = text
        .chars()
        .skip(col - 1)
        .take(len)
        .collect::<String>()
        .trim()
        .to_string();
    if let Some((name, suffix)) = raw.rsplit_once(':')
        && !name.is_empty()
        && !name.ends_with(char::is_whitespace)
        && !suffix.is_empty()
        && suffix.chars().all(|c| c.is_ascii_alphabetic())
    {
        let suffix_col = col + name.chars().count() + 1;
        let kind = parse_kind(suffix, text, number, suffix_col)?;
        return Ok(Term::Const {
            name: name.to_string(),
            kind: Some(kind),
            col,
            len,
        });
    }
    Ok(Term::Const {
        name: raw,
        kind: None,
        col,
        len,
    })
}

/// Parses one pattern; `number` is its 1-based position on the command line.
pub(crate) fn parse(text: &str, number: usize) -> Result<Pattern> {
    let toks = tokenize(text, number)?;
    let end_col = text.chars().count() + 1;
    if toks.is_empty() {
        return Err(located(
            text,
            number,
            1,
            1,
            "empty pattern; write SUBJECT RELATION OBJECT, e.g. `?p works_at Shopify`",
        ));
    }
    if relation_name(&toks[0]).is_some() {
        return Err(located(
            text,
            number,
            toks[0].col,
            toks[0].len,
            "expected a subject before the relation",
        ));
    }
    // Subject: one variable or quoted name, or bare words up to the relation.
    let subject_end = if is_var(&toks[0]) || toks[0].kind == TokKind::Quoted {
        1
    } else {
        toks.iter()
            .position(|t| is_var(t) || t.kind == TokKind::Quoted || relation_name(t).is_some())
            .unwrap_or(toks.len())
    };
    let subject_end = subject_end.max(1);
    let subject = term(&toks[..subject_end], text, number)?;
    let Some(rel_tok) = toks.get(subject_end) else {
        return Err(located(
            text,
            number,
            end_col,
            1,
            &format!(
                "expected a relation after the subject ({})",
                relation_list()
            ),
        ));
    };
    let relation = if is_var(rel_tok) {
        let (name, kind) = parse_var(rel_tok, text, number)?;
        if kind.is_some() {
            return Err(located(
                text,
                number,
                rel_tok.col,
                rel_tok.len,
                "a relation variable takes no type",
            ));
        }
        RelTerm::Var {
            name,
            col: rel_tok.col,
        }
    } else if let Some(r) = relation_name(rel_tok) {
        RelTerm::Const(r)
    } else {
        let shown = if rel_tok.kind == TokKind::Quoted {
            format!("\"{}\"", rel_tok.text)
        } else {
            rel_tok.text.clone()
        };
        let hint = closest_relation(&rel_tok.text)
            .map(|r| format!("; did you mean `{r}`?"))
            .unwrap_or_else(|| format!(" (relations are {})", relation_list()));
        return Err(located(
            text,
            number,
            rel_tok.col,
            rel_tok.len,
            &format!("unknown relation `{shown}`{hint}"),
        ));
    };
    let rest = &toks[subject_end + 1..];
    if rest.is_empty() {
        return Err(located(
            text,
            number,
            end_col,
            1,
            "expected an object after the relation",
        ));
    }
    let single = is_var(&rest[0]) || rest[0].kind == TokKind::Quoted;
    let stray = if single {
        rest.get(1)
    } else {
        rest.iter().find(|t| is_var(t) || t.kind == TokKind::Quoted)
    };
    if let Some(t) = stray {
        return Err(located(
            text,
            number,
            t.col,
            t.len,
            "unexpected text after the object; quote names that contain spaces or relation words",
        ));
    }
    let object = term(rest, text, number)?;
    Ok(Pattern {
        subject,
        relation,
        object,
    })
}

fn term(toks: &[Tok], text: &str, number: usize) -> Result<Term> {
    if is_var(&toks[0]) {
        let (name, kind) = parse_var(&toks[0], text, number)?;
        return Ok(Term::Var {
            name,
            kind,
            col: toks[0].col,
        });
    }
    parse_const(toks, text, number)
}

fn relation_list() -> String {
    Relation::ALL.map(Relation::as_str).join(", ")
}

fn closest_relation(s: &str) -> Option<Relation> {
    let s = s.to_lowercase().replace('-', "_");
    Relation::ALL
        .into_iter()
        .map(|r| (super::names::levenshtein(&s, r.as_str()), r))
        .filter(|(d, _)| *d <= 3)
        .min()
        .map(|(_, r)| r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn var(name: &str, kind: Option<Kind>, col: usize) -> Term {
        Term::Var {
            name: name.into(),
            kind,
            col,
        }
    }

    fn err(text: &str) -> String {
        parse(text, 1).unwrap_err().to_string()
    }

    #[test]
    fn parses_variables_constants_and_types() {
        let p = parse("?p works_at Grafana Labs", 1).unwrap();
        assert_eq!(p.subject, var("p", None, 1));
        assert_eq!(p.relation, RelTerm::Const(Relation::WorksAt));
        assert_eq!(
            p.object,
            Term::Const {
                name: "Grafana Labs".into(),
                kind: None,
                col: 13,
                len: 12
            }
        );
        let p = parse("?t:talk ?r Docker:company", 1).unwrap();
        assert_eq!(p.subject, var("t", Some(Kind::Talk), 1));
        assert_eq!(
            p.relation,
            RelTerm::Var {
                name: "r".into(),
                col: 9
            }
        );
        assert!(
            matches!(p.object, Term::Const { ref name, kind: Some(Kind::Company), .. } if name == "Docker")
        );
        let p = parse("Kim Schlesinger WORKS-AT ?c", 1).unwrap();
        assert!(matches!(p.subject, Term::Const { ref name, .. } if name == "Kim Schlesinger"));
        let p = parse("?t mentions \"Kubernetes: the hard way\":project", 1).unwrap();
        assert!(
            matches!(p.object, Term::Const { ref name, kind: Some(Kind::Project), .. } if name == "Kubernetes: the hard way")
        );
        let p = parse("?t part_of 'KubeCon: Europe'", 1).unwrap();
        assert!(
            matches!(p.object, Term::Const { ref name, kind: None, .. } if name == "KubeCon: Europe")
        );
    }

    #[test]
    fn errors_point_at_the_column() {
        assert_eq!(
            err("?p work_at Shopify"),
            "pattern 1, column 4: unknown relation `work_at`; did you mean `works_at`?\n  ?p work_at Shopify\n     ^^^^^^^"
        );
        assert_eq!(
            err("?p:persn works_at ?c"),
            "pattern 1, column 4: unknown type `persn` (types are person, company, project, talk, event)\n  ?p:persn works_at ?c\n     ^^^^^"
        );
        assert_eq!(
            err("?p works_at"),
            "pattern 1, column 12: expected an object after the relation\n  ?p works_at\n             ^"
        );
        assert!(err("? works_at ?c").starts_with("pattern 1, column 1: expected a variable name"));
        assert!(err("?p works_at ?c ?d").starts_with("pattern 1, column 16: unexpected text"));
        assert!(err("?p works_at \"Shop").starts_with("pattern 1, column 13: unterminated quote"));
        assert!(err("Shopify").starts_with("pattern 1, column 8: expected a relation"));
    }
}

#[cfg(test)]
mod lonely {
    use super::*;

    fn warn(patterns: &[&str]) -> Vec<String> {
        lonely_variables(&patterns.iter().map(|p| p.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn a_variable_written_once_warns_only_where_it_joins_nothing_or_looks_like_a_slip() {
        assert_eq!(
            warn(&["?p works_at ?c", "?q presents ?t"]),
            [
                "pattern 2, column 1: `?q` is used only once and pattern 2 shares no variable with pattern 1 or the patterns joined to it, so each of its rows pairs with every row of theirs; write one of their variables in it to join them\n  ?q presents ?t\n  ^^",
                "pattern 2, column 13: `?t` is used only once and pattern 2 shares no variable with pattern 1 or the patterns joined to it, so each of its rows pairs with every row of theirs; write one of their variables in it to join them\n  ?q presents ?t\n              ^^",
            ]
        );
        let w = warn(&[
            "?p works_at ?c",
            "?p presents ?t",
            "?tt mentions Kubernetes",
        ]);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(
            w[0].starts_with("pattern 3, column 1: `?tt` is used only once; did you mean `?t`?")
        );
        // Columns to show, joined through ?p and ?t: nothing to say.
        assert!(warn(&["?p works_at ?c", "?p presents ?t", "?t mentions Kubernetes"]).is_empty());
        assert!(warn(&["?p works_at ?c"]).is_empty());
        assert!(warn(&["?p works_at ?c", "?p \"unterminated"]).is_empty());
    }
}

#[cfg(test)]
mod properties {
    use super::*;

    proptest::proptest! {
        /// Any text a user may type is a pattern or an error that points into it.
        #[test]
        fn any_text_parses_or_points_at_a_column(
            s in "\\PC{0,40}|(?:\\?[a-z:]{0,6}|\"[^\"]{0,5}\"?|works_at|presents|person|[A-Z][a-z]{0,5}|[ :?\"'])*"
        ) {
            if let Err(e) = parse(&s, 1) {
                let m = e.to_string();
                proptest::prop_assert!(m.starts_with("pattern 1, column "), "{}", m);
            }
        }
    }
}
