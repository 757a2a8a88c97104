//! `talkgraph suggest`: names no rule covered, as gazetteer lines that `rules check`
//! accepts and that a new extraction then finds.

use crate::util::{self, TempDir};

/// An unknown CamelCase tool (twice), an unknown company after "chez" in a heading (where no
/// rule looks for one), a gazetteer name (Kubernetes) and a common word opening a sentence
/// (Franchement) that no word list holds.
const NOTES: &str = "# Retour d'expérience chez Quarbex\n\
\n\
Franchement, la soirée était réussie. Nous avons migré vers ZorbleKit et Kubernetes.\n\
ZorbleKit remplace notre ancien outil.\n";

fn notes(dir: &TempDir) -> String {
    let path = dir.path().join("notes.md");
    std::fs::write(&path, NOTES).expect("write notes");
    path.to_str().expect("utf-8").to_string()
}

#[test]
fn suggests_unknown_names_and_not_known_or_common_words() {
    let dir = TempDir::new("suggest-lines");
    let doc = notes(&dir);
    let o = util::run(&["suggest", &doc], None);
    assert!(o.status.success(), "{}", util::stderr(&o));
    assert_eq!(
        util::stdout(&o),
        format!(
            "ZorbleKit\n\
             # 2×, project? (projects.txt), {doc}:3: …la soirée était réussie. Nous avons migré vers ZorbleKit et Kubernetes.\n\
             Quarbex\n\
             # 1×, company (companies.txt), {doc}:1: Retour d'expérience chez Quarbex\n"
        )
    );
    // The same from stdin, lines only, one type.
    let o = util::run(
        &["suggest", "-", "--type", "company", "-f", "gazetteer"],
        Some(NOTES),
    );
    assert_eq!(util::stdout(&o), "Quarbex\n");
    // Output is the same bytes on a second run.
    assert_eq!(
        util::run(&["suggest", &doc], None).stdout,
        util::run(&["suggest", &doc], None).stdout
    );
}

/// Appended to a copy of the rules, the suggestions pass `rules check`, a new extraction
/// finds both names, and nothing is left to suggest.
#[test]
fn appended_suggestions_are_valid_rules_that_extraction_then_finds() {
    let dir = TempDir::new("suggest-append");
    let doc = notes(&dir);
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).expect("mkdir rules");
    for entry in std::fs::read_dir(util::root().join("rules")).expect("read rules/") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), rules.join(entry.file_name())).expect("copy rule file");
    }
    let rules_arg = rules.to_str().expect("utf-8");
    let labels = |extra: &[&str]| -> Vec<(String, String)> {
        let mut args = vec!["extract", doc.as_str()];
        args.extend(extra);
        let o = util::run(&args, None);
        assert!(o.status.success(), "{}", util::stderr(&o));
        let g: serde_json::Value = serde_json::from_slice(&o.stdout).expect("graph JSON");
        let mut found: Vec<(String, String)> = g["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .map(|n| {
                (
                    n["type"].as_str().unwrap().into(),
                    n["label"].as_str().unwrap().into(),
                )
            })
            .collect();
        found.sort();
        found
    };
    assert_eq!(labels(&[]), [("project".into(), "Kubernetes".into())]);
    for (kind, file) in [("company", "companies.txt"), ("project", "projects.txt")] {
        let o = util::run(&["suggest", &doc, "--type", kind], None);
        assert!(o.status.success(), "{}", util::stderr(&o));
        let path = rules.join(file);
        let mut text = std::fs::read_to_string(&path).expect("read gazetteer");
        text.push_str(&util::stdout(&o));
        std::fs::write(&path, text).expect("append");
    }
    let check = util::run(&["rules", "check", rules_arg], None);
    assert!(check.status.success(), "{}", util::stderr(&check));
    assert_eq!(
        labels(&["--rules", rules_arg]),
        [
            ("company".to_string(), "Quarbex".to_string()),
            ("project".into(), "Kubernetes".into()),
            ("project".into(), "ZorbleKit".into()),
        ]
    );
    let again = util::run(&["suggest", &doc, "--rules", rules_arg], None);
    assert_eq!(again.status.code(), Some(1), "{}", util::stdout(&again));
    assert_eq!(util::stdout(&again), "");
}

#[test]
fn a_missing_input_is_named() {
    let o = util::run(&["suggest", "no-such-notes.md"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        util::stderr(&o).starts_with("talkgraph: no-such-notes.md: "),
        "{}",
        util::stderr(&o)
    );
}

/// The examples `--help` gives for `suggest` and `eval` run on the repository's files.
#[test]
fn help_examples_run() {
    for command in ["suggest", "eval"] {
        let help = util::stdout(&util::run(&[command, "--help"], None));
        let examples: Vec<&str> = help
            .lines()
            .filter_map(|l| l.trim().strip_prefix("talkgraph "))
            .filter(|l| l.contains("fixtures/") && !l.contains(['|', '>', '<']))
            .collect();
        assert!(examples.len() >= 2, "{command}: {examples:?}");
        for example in examples {
            let mut args: Vec<String> = Vec::new();
            for word in example.split_whitespace() {
                if word == "fixtures/*.gold.json" {
                    let mut golds: Vec<String> = std::fs::read_dir(util::root().join("fixtures"))
                        .expect("fixtures")
                        .map(|e| format!("fixtures/{}", e.unwrap().file_name().to_string_lossy()))
                        .filter(|n| n.ends_with(".gold.json"))
                        .collect();
                    golds.sort();
                    args.extend(golds);
                } else {
                    args.push(word.to_string());
                }
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let o = util::run(&args, None);
            assert!(
                matches!(o.status.code(), Some(0 | 1)),
                "`talkgraph {example}` failed: {}",
                util::stderr(&o)
            );
            assert!(
                !o.stdout.is_empty(),
                "`talkgraph {example}` printed nothing"
            );
        }
    }
}

/// The fixtures in sorted and in reverse order give the same bytes.
#[test]
fn output_does_not_depend_on_input_order() {
    let mut docs: Vec<String> = std::fs::read_dir(util::root().join("fixtures"))
        .expect("fixtures")
        .map(|e| format!("fixtures/{}", e.unwrap().file_name().to_string_lossy()))
        .filter(|n| !n.ends_with(".json"))
        .collect();
    docs.sort();
    let run = |docs: &[String]| {
        let mut args = vec!["suggest", "--top", "0"];
        args.extend(docs.iter().map(String::as_str));
        let o = util::run(&args, None);
        assert!(o.status.success(), "{}", util::stderr(&o));
        o.stdout
    };
    let forward = run(&docs);
    docs.reverse();
    assert!(
        forward == run(&docs),
        "suggest output depends on the input order"
    );
    assert!(
        forward.len() > 1000,
        "suspiciously few suggestions on the fixtures"
    );
}
