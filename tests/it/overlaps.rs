//! `[overlaps]` in patterns.toml and `extract --explain-overlaps`.

use crate::extract::copy_rules;
use crate::util::{TempDir, run, stderr, stdout};

const TEXT: &str = "Matt Helm presented the new charts.\nThe team at Redis Labs helped.\n";

/// The labels of one type in a graph printed as JSON.
fn labels(json: &str, kind: &str) -> Vec<String> {
    let g: serde_json::Value = serde_json::from_str(json).unwrap();
    let mut v: Vec<String> = g["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["type"] == kind)
        .map(|n| n["label"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

#[test]
fn by_default_the_longer_name_wins_and_each_loser_is_explained() {
    let dir = TempDir::new("overlaps-default");
    let doc = dir.path().join("talk.txt");
    std::fs::write(&doc, TEXT).unwrap();
    let o = run(
        &[
            "extract",
            doc.to_str().unwrap(),
            "--explain-overlaps",
            "--quiet",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let g = stdout(&o);
    assert_eq!(labels(&g, "person"), ["Matt Helm"]);
    assert_eq!(labels(&g, "company"), ["Redis Labs"]);
    assert!(!labels(&g, "project").contains(&"Helm".to_string()), "{g}");
    let src = doc.display();
    assert_eq!(
        stderr(&o),
        format!(
            "{src}:1: \"Helm\" (project, projects.txt) lost to \"Matt Helm\" (person, name shape): person = \"longest\": the longer name wins\n\
             {src}:2: \"Redis\" (project, projects.txt) lost to \"Redis Labs\" (company, organisation words): company = \"longest\": the longer name wins\n"
        )
    );
}

#[test]
fn a_gazetteer_policy_keeps_the_listed_names() {
    let dir = TempDir::new("overlaps-gazetteer");
    let rules = dir.path().join("rules");
    copy_rules(&rules);
    let p = rules.join("patterns.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    let text = text
        .replace("person = \"longest\"", "person = \"gazetteer\"")
        .replace("company = \"longest\"", "company = \"gazetteer\"");
    std::fs::write(&p, text).unwrap();
    let doc = dir.path().join("talk.txt");
    std::fs::write(&doc, TEXT).unwrap();
    let o = run(
        &[
            "extract",
            doc.to_str().unwrap(),
            "--rules",
            rules.to_str().unwrap(),
            "--explain-overlaps",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let g = stdout(&o);
    assert!(labels(&g, "person").is_empty(), "{g}");
    assert!(labels(&g, "company").is_empty(), "{g}");
    assert_eq!(labels(&g, "project"), ["Helm", "Redis"]);
    let err = stderr(&o);
    assert!(
        err.contains("\"Matt Helm\" (person, name shape) lost to \"Helm\" (project, projects.txt): person = \"gazetteer\": a gazetteer name wins over a name found by its shape"),
        "{err}"
    );
}

#[test]
fn an_unknown_type_in_priority_is_reported_at_its_line() {
    let dir = TempDir::new("overlaps-bad");
    copy_rules(dir.path());
    let p = dir.path().join("patterns.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    let line = text
        .lines()
        .position(|l| l.starts_with("priority = "))
        .unwrap()
        + 1;
    std::fs::write(
        &p,
        text.replace("\"person\", \"company\"", "\"persons\", \"company\""),
    )
    .unwrap();
    let o = run(&["rules", "check", dir.path().to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(&format!(
            "patterns.toml:{line}:1: rule overlaps.priority: unknown entity type `persons` in priority: write person, company, project or event"
        )),
        "{}",
        stderr(&o)
    );
    // A policy that is not one of the three is a TOML error with its column.
    std::fs::write(
        &p,
        text.replace("event = \"longest\"", "event = \"shortest\""),
    )
    .unwrap();
    let o = run(&["rules", "check", dir.path().to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown variant `shortest`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn explaining_overlaps_needs_files_it_can_read_again() {
    let o = run(
        &["extract", "-", "--explain-overlaps"],
        Some("Matt Helm spoke.\n"),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("stdin cannot do"), "{}", stderr(&o));
}
