//! `talkgraph eval --by-rule`: the tables are eval's, every true and false positive is
//! credited to one rule, and the most harmful rule comes first.

use crate::util::{self, TempDir};
use serde_json::Value;

/// Every fixture gold with its document, sorted by gold name.
fn fixture_pairs() -> Vec<(String, String)> {
    let mut golds: Vec<String> = std::fs::read_dir(util::root().join("fixtures"))
        .expect("read fixtures/")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".gold.json"))
        .collect();
    golds.sort();
    golds
        .into_iter()
        .map(|gold| {
            let stem = gold.trim_end_matches(".gold.json");
            let doc = ["md", "txt", "html"]
                .iter()
                .map(|ext| format!("fixtures/{stem}.{ext}"))
                .find(|p| util::root().join(p).exists())
                .unwrap_or_else(|| panic!("no document for {gold}"));
            (format!("fixtures/{gold}"), doc)
        })
        .collect()
}

fn json(o: &std::process::Output) -> Value {
    assert!(o.status.success(), "{}", util::stderr(o));
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON: {e}\n{}", util::stdout(o)))
}

/// Sums of tp and fp over the rules of one side: entities are credited to `gazetteer:` and
/// `unlisted:` rules, relations to the rule ids edges record.
fn rule_sums(report: &Value, entities: bool) -> (u64, u64) {
    let mut sums = (0, 0);
    for r in report["rules"].as_array().expect("rules") {
        let id = r["rule"].as_str().expect("rule id");
        if (id.starts_with("gazetteer:") || id.starts_with("unlisted:")) == entities {
            sums.0 += r["tp"].as_u64().expect("tp");
            sums.1 += r["fp"].as_u64().expect("fp");
        }
    }
    sums
}

fn all_row(report: &Value, table: &str) -> (u64, u64) {
    let all = report[table]
        .as_array()
        .expect("table")
        .last()
        .expect("an all row");
    assert_eq!(all["name"], "all");
    (all["tp"].as_u64().unwrap(), all["fp"].as_u64().unwrap())
}

/// Extracting the fixtures one by one and scoring them with plain `eval` gives exactly the
/// tables --by-rule prints, from the documents and from a corpus graph of them.
#[test]
fn by_rule_tables_are_those_of_plain_eval_on_the_fixtures() {
    let dir = TempDir::new("by-rule-fixtures");
    let pairs = fixture_pairs();
    let mut plain = vec!["eval".to_string()];
    for (gold, doc) in &pairs {
        let graph = dir
            .path()
            .join(format!("{}.json", pairs.len() + plain.len()));
        let graph = graph.to_str().expect("utf-8").to_string();
        let o = util::run(&["extract", doc, "-o", &graph], None);
        assert!(o.status.success(), "{}", util::stderr(&o));
        plain.extend(["--gold".to_string(), gold.clone(), graph]);
    }
    let plain: Vec<&str> = plain.iter().map(String::as_str).collect();
    let want = util::stdout(&util::run(&plain, None));
    let (tables, headline) = want
        .trim_end()
        .rsplit_once('\n')
        .expect("two lines or more");

    let plain_json = json(&util::run(&[&plain[..], &["-f", "json"]].concat(), None));
    let corpus = dir.path().join("corpus.json");
    let corpus = corpus.to_str().expect("utf-8");
    assert!(
        util::run(&["extract", "fixtures", "-o", corpus], None)
            .status
            .success()
    );
    let mut by_rule: Vec<&str> = vec!["eval", "--gold"];
    by_rule.extend(pairs.iter().map(|(g, _)| g.as_str()));
    for input in ["fixtures/", corpus] {
        let mut args = by_rule.clone();
        args.extend(["--by-rule", input]);
        let o = util::run(&args, None);
        assert!(o.status.success(), "{input}: {}", util::stderr(&o));
        let got = util::stdout(&o);
        assert!(
            got.starts_with(&format!("{tables}\nby rule ")),
            "{input}: --by-rule tables differ from eval's\n--- eval ---\n{want}--- by rule ---\n{got}"
        );
        assert_eq!(got.lines().last(), Some(headline), "{input}");

        args.extend(["-f", "json"]);
        let report = json(&util::run(&args, None));
        for table in ["entities", "relations"] {
            assert_eq!(report[table], plain_json[table], "{input}: {table}");
        }
        // Each item is credited to exactly one rule.
        assert_eq!(rule_sums(&report, true), all_row(&report, "entities"));
        assert_eq!(rule_sums(&report, false), all_row(&report, "relations"));
    }
}

/// The committed fixtures graph: a rule known to fire there shows its true positives.
#[test]
fn by_rule_on_the_fixtures_graph_names_known_rules() {
    let mut args = vec!["eval", "--gold"];
    let pairs = fixture_pairs();
    args.extend(pairs.iter().map(|(g, _)| g.as_str()));
    args.extend(["--by-rule", "output/graph.json", "--format", "json"]);
    let report = json(&util::run(&args, None));
    let rule = |id: &str| {
        report["rules"]
            .as_array()
            .expect("rules")
            .iter()
            .find(|r| r["rule"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("no rule {id} in {report:#}"))
    };
    assert!(rule("any.works_at.paren")["tp"].as_u64().unwrap() > 0);
    assert!(rule("gazetteer:projects.txt")["tp"].as_u64().unwrap() > 0);
    assert_eq!(rule_sums(&report, true), all_row(&report, "entities"));
    assert_eq!(rule_sums(&report, false), all_row(&report, "relations"));
    let missed = &report["unattributed_false_negatives"];
    assert!(missed["entities"].is_u64() && missed["relations"].is_u64());
}

const GOLD: &str = r#"{
  "document": "talk.md",
  "entities": [
    {"type": "person", "name": "Ann Lee"},
    {"type": "company", "name": "Acme"},
    {"type": "project", "name": "Kubernetes"}
  ],
  "relations": [{"source": "Ann Lee", "relation": "works_at", "target": "Acme"}]
}"#;

/// A mention in talk.md, as a node of the graph carries it.
const AT: &str = r#"[{"source": "docs/talk.md", "start": 0, "end": 1, "line": 1, "text": "x"}]"#;

/// A rule that made two wrong edges comes before one that made one wrong node, and before
/// the rules that made no mistake; the table is exact.
#[test]
fn the_rule_with_most_false_positives_comes_first() {
    let dir = TempDir::new("by-rule-harm");
    let gold = dir.path().join("talk.gold.json");
    std::fs::write(&gold, GOLD).expect("write gold");
    let graph = dir.path().join("graph.json");
    let node = |id: &str, kind: &str, label: &str| {
        format!(r#"{{"id": "{id}", "type": "{kind}", "label": "{label}", "mentions": {AT}}}"#)
    };
    let edge = |s: &str, t: &str, rule: &str| {
        format!(
            r#"{{"source": "{s}", "target": "{t}", "relation": "works_at", "rule": "{rule}", "evidence": {AT}}}"#
        )
    };
    let text = format!(
        r#"{{"nodes": [{}, {}, {}, {}, {}], "edges": [{}, {}, {}]}}"#,
        node("p", "person", "Ann Lee"),
        node("c", "company", "Acme"),
        node("k", "project", "Kubernetes"),
        node("b", "company", "Bogus Corp"),
        // Mentioned in another document only: not part of talk.md's graph.
        r#"{"id": "z", "type": "company", "label": "Zed", "mentions": [{"source": "other.md", "start": 0, "end": 1, "line": 1, "text": "x"}]}"#,
        edge("p", "c", "en.works_at.good"),
        edge("p", "b", "en.works_at.bad"),
        edge("k", "b", "en.works_at.bad"),
    );
    std::fs::write(&graph, text).expect("write graph");
    let (gold, graph) = (gold.to_str().unwrap(), graph.to_str().unwrap());
    let o = util::run(&["eval", "--gold", gold, "--by-rule", graph], None);
    assert!(o.status.success(), "{}", util::stderr(&o));
    let out = util::stdout(&o);
    let table: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("by rule"))
        .collect();
    assert_eq!(
        table,
        [
            "by rule                    tp   fp      P",
            "  en.works_at.bad           0    2  0.000",
            "  unlisted:company          1    1  0.500",
            "  en.works_at.good          1    0  1.000",
            "  gazetteer:projects.txt    1    0  1.000",
            "  unlisted:person           1    0  1.000",
            "  false negatives (0 entities, 0 relations) are credited to no rule: no rule produced them",
            "entity F1 0.857  relation F1 0.500",
        ],
        "{out}"
    );
    // --explain lists each rule's false positives under it.
    let o = util::run(
        &["eval", "--gold", gold, "--by-rule", graph, "--explain"],
        None,
    );
    let out = util::stdout(&o);
    let under: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("  en.works_at.bad"))
        .skip(1)
        .take_while(|l| l.starts_with("    "))
        .collect();
    assert_eq!(
        under,
        [
            "    FP works_at 'ann lee' -> '<unmatched b>'",
            "    FP works_at 'kubernetes' -> '<unmatched b>'",
        ],
        "{out}"
    );
}

/// A gold whose document was not given is named, with what to do.
#[test]
fn a_gold_without_its_document_is_an_error_naming_it() {
    let dir = TempDir::new("by-rule-missing");
    let gold = dir.path().join("talk.gold.json");
    std::fs::write(&gold, GOLD).expect("write gold");
    let gold = gold.to_str().unwrap();
    let o = util::run(
        &[
            "eval",
            "--gold",
            gold,
            "--by-rule",
            "fixtures/en-blog-headings.md",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        util::stderr(&o),
        format!(
            "talkgraph: {gold}: describes document `talk.md` (its \"document\" field), which is \
             not among the 1 documents --by-rule was given; give the folder or graph that holds \
             it, or fix the \"document\" field\n"
        )
    );
    // Stdin has no name to pair with a gold, unless it holds a graph.
    let o = util::run(
        &["eval", "--gold", gold, "--by-rule", "-"],
        Some("Some notes.\n"),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        util::stderr(&o).starts_with("talkgraph: --by-rule -: give the documents"),
        "{}",
        util::stderr(&o)
    );
    let o = util::run(&["eval", "--gold", gold], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        util::stderr(&o).contains("has no graph after it"),
        "{}",
        util::stderr(&o)
    );
}
