//! `talkgraph rules test`: the default rules pass their end-to-end examples; a wrong example,
//! a rule without one and a malformed fact are each reported at their file:line:col.

use crate::util::{TempDir, root, run, stderr, stdout};
use std::path::Path;

fn p(path: &Path) -> &str {
    path.to_str().expect("UTF-8 temp path")
}

/// 1-based line and column (in characters) where `needle` first occurs in `text`.
fn line_col(text: &str, needle: &str) -> (usize, usize) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("no {needle:?} in the file"));
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap().chars().count() + 1;
    (line, col)
}

/// A copy of the default rules in a temporary folder, with `edit` applied to patterns.toml.
fn rules_with(name: &str, edit: impl FnOnce(String) -> String) -> (TempDir, String) {
    let dir = TempDir::new(name);
    crate::extract::copy_rules(dir.path());
    let pt = dir.path().join("patterns.toml");
    let text = edit(std::fs::read_to_string(&pt).unwrap());
    std::fs::write(&pt, &text).unwrap();
    (dir, text)
}

/// The `[[rule]]` tables of the default patterns.toml.
fn default_rule_count() -> usize {
    std::fs::read_to_string(root().join("rules/patterns.toml"))
        .unwrap()
        .lines()
        .filter(|l| l.trim() == "[[rule]]")
        .count()
}

/// (rules, examples, failures) of a summary line `N rules, M examples, K failures`.
fn summary(out: &str) -> (usize, usize, usize) {
    let last = out.lines().last().unwrap_or_default();
    let n: Vec<usize> = last
        .split(", ")
        .map(|part| {
            part.split(' ')
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("not a summary: {last:?}"))
        })
        .collect();
    assert_eq!(n.len(), 3, "not a summary: {last:?}");
    (n[0], n[1], n[2])
}

#[test]
fn the_default_rules_pass_their_examples() {
    let rules = default_rule_count();
    assert!(rules >= 49, "{rules} rules");
    // The embedded set and the folder it is built from.
    for args in [&["rules", "test"][..], &["rules", "test", "rules"]] {
        let o = run(args, None);
        let out = stdout(&o);
        assert_eq!(o.status.code(), Some(0), "{args:?}:\n{out}{}", stderr(&o));
        let (r, examples, failures) = summary(&out);
        assert_eq!((r, failures), (rules, 0), "{out}");
        assert!(examples >= rules, "{out}");
        assert_eq!(out.lines().count(), 1, "{out}");
    }
}

#[test]
fn the_json_report_counts_the_same() {
    let o = run(&["rules", "test", "--format", "json"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["rules"], default_rule_count());
    assert!(v["examples"].as_u64().unwrap() >= v["rules"].as_u64().unwrap());
    assert_eq!(v["failures"], serde_json::json!([]));
}

#[test]
fn a_wrong_example_is_reported_at_its_line_with_its_rule() {
    let (dir, text) = rules_with("ruletest-wrong", |text| {
        // A wrong object, a rejected fact that is there, and a rule without an example.
        let text = text.replacen(
            "expect = [\"Priya Vennalor works_at Zylotech\"]",
            "expect = [\"Priya Vennalor works_at Quarkle\"]\nreject = [\"person Priya Vennalor\"]",
            1,
        );
        format!(
            "{text}\n[[rule]]\nid = \"x.untested\"\nlang = \"en\"\nentity = \"company\"\npattern = '\\bat\\s+(?P<ent>⟦X\\d+⟧)'\n"
        )
    });
    let o = run(&["rules", "test", p(dir.path())], None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let d = p(dir.path());
    let (l1, c1) = line_col(&text, "\"Priya Vennalor works_at Quarkle\"");
    let (l2, c2) = line_col(&text, "\"person Priya Vennalor\"");
    let (l3, _) = line_col(&text, "id = \"x.untested\"");
    let rules = default_rule_count() + 1;
    assert_eq!(
        stdout(&o),
        format!(
            "{d}/patterns.toml:{l1}:{c1}: rule en.works_at.from: expected \"Priya Vennalor works_at Quarkle\", got: Priya Vennalor works_at Zylotech (by en.works_at.from)\n\
             {d}/patterns.toml:{l2}:{c2}: rule en.works_at.from: rejected \"person Priya Vennalor\" was found\n\
             {d}/patterns.toml:{l3}:1: rule x.untested: no end-to-end example: add a [[rule.test]] table under the rule with a text it must read and the facts it must give\n\
             {rules} rules, {} examples, 3 failures\n",
            summary(&stdout(&run(&["rules", "test"], None))).1
        )
    );
    assert_eq!(stderr(&o), "");
}

#[test]
fn an_example_its_rule_does_not_make_fails() {
    // A French sentence under an English rule: the fact is there, made by another rule.
    let (dir, text) = rules_with("ruletest-not-fired", |text| {
        text.replacen(
            "text = \"Priya Vennalor from Zylotech opened the day.\"\nexpect = [\"Priya Vennalor works_at Zylotech\"]",
            "text = \"Priya Vennalor de chez Zylotech a ouvert la journée.\"\nexpect = [\"Priya Vennalor works_at Zylotech\"]",
            1,
        )
    });
    let o = run(&["rules", "test", p(dir.path())], None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let (l, c) = line_col(&text, "\"Priya Vennalor de chez");
    let want = format!(
        "{}/patterns.toml:{l}:{c}: rule en.works_at.from: did not fire on its own example: its expected relations came from other rules: \"Priya Vennalor works_at Zylotech\" by fr.works_at.de_chez\n",
        p(dir.path())
    );
    assert!(stdout(&o).starts_with(&want), "{}", stdout(&o));
    assert_eq!(summary(&stdout(&o)).2, 1, "{}", stdout(&o));
}

#[test]
fn a_malformed_fact_or_key_stops_check_and_test_where_it_is() {
    let (dir, text) = rules_with("ruletest-malformed", |text| {
        text.replacen(
            "expect = [\"Priya Vennalor works_at Zylotech\"]",
            "expect = [\"Priya Vennalor works_at Zylotech\", \"Priya Vennalor works_for Zylotech\"]",
            1,
        )
    });
    let d = p(dir.path());
    let (l, c) = line_col(&text, "\"Priya Vennalor works_for");
    let want = format!(
        "talkgraph: {d}/patterns.toml:{l}:{c}: rule en.works_at.from: unknown relation `works_for`: write `SUBJECT relation OBJECT` (relations: works_at, presents, mentions, part_of, develops) or `TYPE NAME` (types: person, company, project, talk, event)\n"
    );
    for cmd in ["check", "test"] {
        let o = run(&["rules", cmd, d], None);
        assert_eq!(o.status.code(), Some(2), "rules {cmd}: {}", stdout(&o));
        assert_eq!(stderr(&o), want, "rules {cmd}");
        assert_eq!(stdout(&o), "", "rules {cmd}");
    }
    // A misspelt key is a problem of the file too, where the key is.
    let (dir, text) = rules_with("ruletest-key", |text| {
        text.replacen(
            "expect = [\"Priya Vennalor works_at Zylotech\"]",
            "expects = [\"Priya Vennalor works_at Zylotech\"]",
            1,
        )
    });
    let (l, c) = line_col(&text, "expects = ");
    let o = run(&["rules", "test", p(dir.path())], None);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    let at = format!("talkgraph: {}/patterns.toml:{l}:{c}: ", p(dir.path()));
    assert!(
        err.starts_with(&at) && err.contains("unknown field `expects`"),
        "{err}"
    );
}
