//! Name resolution for constants: exact folded match on labels and aliases, `Name:type`
//! to disambiguate, and "did you mean" suggestions (edit distance, substring, words).

use crate::error::{Error, Result};
use crate::fold::fold;
use crate::graph::{Kind, KnowledgeGraph};
use petgraph::graph::NodeIndex;
use std::collections::BTreeSet;

/// Edit distance in characters (insert, delete, substitute).
pub(crate) fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// How a name is shown to users: `Label`, or `Label:type` when the label is shared.
pub(crate) fn qualified(kg: &KnowledgeGraph, ix: NodeIndex) -> String {
    let n = kg.node(ix);
    if kg.lookup_any(&n.label).len() > 1 {
        format!("{}:{}", super::shown(&n.label), n.kind)
    } else {
        super::shown(&n.label).into_owned()
    }
}

/// The node a constant names. `allowed` narrows candidates to the types the relation
/// accepts at that position, so `Docker develops ?p` needs no `:company`.
pub(crate) fn resolve(
    kg: &KnowledgeGraph,
    name: &str,
    kind: Option<Kind>,
    allowed: &[Kind],
) -> Result<NodeIndex> {
    if let Some(kind) = kind {
        return kg
            .lookup(kind, name)
            .ok_or_else(|| miss(kg, name, Some(kind), &[kind]));
    }
    let all = kg.lookup_any(name);
    let fitting: Vec<NodeIndex> = all
        .iter()
        .copied()
        .filter(|ix| allowed.contains(&kg.node(*ix).kind))
        .collect();
    let candidates = if fitting.is_empty() { all } else { fitting };
    match candidates.as_slice() {
        [] => Err(miss(kg, name, None, allowed)),
        [one] => Ok(*one),
        many => Err(ambiguous(kg, name, many)),
    }
}

fn ambiguous(kg: &KnowledgeGraph, name: &str, many: &[NodeIndex]) -> Error {
    let listed: Vec<String> = many
        .iter()
        .map(|ix| {
            format!(
                "{} ({})",
                super::shown(&kg.node(*ix).label),
                kg.node(*ix).kind
            )
        })
        .collect();
    let forms: Vec<String> = many
        .iter()
        .map(|ix| format!("`{}:{}`", name.trim(), kg.node(*ix).kind))
        .collect();
    Error::Query(format!(
        "`{}` names {} entities: {}; write {}",
        name.trim(),
        many.len(),
        listed.join(", "),
        or_list(&forms)
    ))
}

fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

/// "no entity named X; did you mean …?", suggesting names of the `allowed` types first.
pub(crate) fn miss(kg: &KnowledgeGraph, name: &str, kind: Option<Kind>, allowed: &[Kind]) -> Error {
    let what = kind.map_or("entity", Kind::as_str);
    let mut shown = suggestions(kg, name, allowed, 3);
    if shown.is_empty() && allowed.len() < Kind::ALL.len() {
        shown = suggestions(kg, name, &Kind::ALL, 3);
    }
    if shown.is_empty() {
        Error::Query(format!("no {what} named `{}` in the graph", name.trim()))
    } else {
        Error::Query(format!(
            "no {what} named `{}`; did you mean {}?",
            name.trim(),
            or_list(&shown)
        ))
    }
}

/// Up to `max` names close to `name`, quoted for messages, best first: whole-name typos, then names that
/// contain it (or that it contains), then names with a word one typo away.
pub(crate) fn suggestions(
    kg: &KnowledgeGraph,
    name: &str,
    kinds: &[Kind],
    max: usize,
) -> Vec<String> {
    let q = fold(name);
    if q.is_empty() {
        return Vec::new();
    }
    let qlen = q.chars().count();
    let threshold = (qlen / 3).max(2);
    let qwords: Vec<&str> = q.split(' ').filter(|w| w.chars().count() >= 4).collect();
    let mut scored: BTreeSet<(u8, usize, String, NodeIndex)> = BTreeSet::new();
    for (key, k, ix) in kg.names() {
        if !kinds.contains(&k) {
            continue;
        }
        let klen = key.chars().count();
        let score = if klen.abs_diff(qlen) <= threshold
            && let d = levenshtein(&q, key)
            && d <= threshold
        {
            Some((0, d))
        } else if (qlen >= 3 && key.contains(q.as_str())) || (klen >= 4 && q.contains(key)) {
            Some((1, klen.abs_diff(qlen)))
        } else {
            key.split(' ')
                .filter(|w| w.chars().count() >= 4)
                .flat_map(|w| qwords.iter().map(move |qw| levenshtein(qw, w)))
                .filter(|d| *d <= 1)
                .min()
                .map(|d| (2, d))
        };
        if let Some((class, d)) = score {
            scored.insert((class, d, key.to_string(), ix));
            if scored.len() > max * 8 {
                scored.pop_last();
            }
        }
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (_, _, key, ix) in scored {
        if !seen.insert(ix) {
            continue;
        }
        let node = kg.node(ix);
        let shown = if fold(&node.label) == key {
            format!("`{}`", qualified(kg, ix))
        } else {
            let alias = node
                .aliases
                .iter()
                .find(|a| fold(a) == key)
                .unwrap_or(&node.label);
            format!(
                "`{}` (alias of {})",
                super::shown(alias),
                super::shown(&node.label)
            )
        };
        out.push(shown);
        if out.len() == max {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levenshtein_counts_edits() {
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("grafana lab", "grafana labs"), 1);
        assert_eq!(levenshtein("josué", "josue"), 1);
    }
}
