//! `talkgraph extract` and `rules check` end to end: inputs, errors, determinism, output/.

use crate::util::{TempDir, root, run, stderr, stdout};
use std::path::Path;

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn graph_json(args: &[&str], stdin: Option<&str>) -> serde_json::Value {
    let o = run(args, stdin);
    assert!(
        o.status.success(),
        "talkgraph {args:?} failed:\n{}",
        stderr(&o)
    );
    serde_json::from_slice(&o.stdout).expect("stdout is JSON")
}

fn labels(g: &serde_json::Value, kind: &str) -> Vec<String> {
    g["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter(|n| n["type"] == kind)
        .map(|n| n["label"].as_str().expect("label").to_string())
        .collect()
}

fn has_edge(g: &serde_json::Value, source: &str, relation: &str, target: &str) -> bool {
    g["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .any(|e| e["source"] == source && e["relation"] == relation && e["target"] == target)
}

#[test]
fn stdin_text_gives_people_companies_talks_and_relations() {
    let text = "Meetup Cloud Lyon\n\nScaling Queues Without Tears\nAïcha Benali, Staff Engineer chez Quillbyte, nous a présenté Kafka et Strimzi.\n";
    let g = graph_json(&["extract", "-", "--format", "json"], Some(text));
    assert_eq!(labels(&g, "person"), ["Aïcha Benali"]);
    assert_eq!(labels(&g, "talk"), ["Scaling Queues Without Tears"]);
    assert!(
        labels(&g, "company").contains(&"Quillbyte".to_string()),
        "{g}"
    );
    assert!(
        has_edge(&g, "person:aicha-benali", "works_at", "company:quillbyte"),
        "{g}"
    );
    assert!(
        has_edge(
            &g,
            "person:aicha-benali",
            "presents",
            "talk:scaling-queues-without-tears"
        ),
        "{g}"
    );
    assert_eq!(g["graph"]["sources"][0], "<stdin>");
    let person = g["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .find(|n| n["type"] == "person")
        .expect("person");
    assert_eq!(person["attributes"]["role"], "Staff Engineer");
    let m = &person["mentions"][0];
    assert_eq!(
        &text[m["start"].as_u64().unwrap() as usize..m["end"].as_u64().unwrap() as usize],
        "Aïcha Benali"
    );
    assert_eq!(m["line"], 4);
}

#[test]
fn nicknames_and_first_name_mentions_resolve_to_one_person() {
    let text = "Operators at Scale\nMartina (Tina) Kovač from Quillbyte presented the operator. Later Martina showed a demo.\n";
    let g = graph_json(&["extract", "-"], Some(text));
    let people: Vec<&serde_json::Value> = g["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["type"] == "person")
        .collect();
    assert_eq!(people.len(), 1, "{g}");
    assert_eq!(people[0]["label"], "Martina Kovač");
    assert_eq!(people[0]["aliases"], serde_json::json!(["Tina Kovač"]));
    assert_eq!(people[0]["mentions"].as_array().unwrap().len(), 2);
}

#[test]
fn same_input_gives_the_same_bytes_whatever_the_order() {
    let a = run(&["extract", "fixtures"], None);
    let b = run(&["extract", "fixtures"], None);
    assert!(a.status.success(), "{}", stderr(&a));
    assert_eq!(a.stdout, b.stdout);
    let mut files: Vec<String> = std::fs::read_dir(root().join("fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e == "md" || e == "txt" || e == "html")
        })
        .map(|p| format!("fixtures/{}", p.file_name().unwrap().to_string_lossy()))
        .collect();
    files.sort();
    files.reverse();
    let mut args = vec!["extract"];
    args.extend(files.iter().map(String::as_str));
    let c = run(&args, None);
    assert!(c.status.success(), "{}", stderr(&c));
    assert_eq!(
        String::from_utf8_lossy(&a.stdout),
        String::from_utf8_lossy(&c.stdout)
    );
}

#[test]
fn output_folder_is_up_to_date_with_the_fixtures() {
    let dir = TempDir::new("output-fresh");
    for name in ["graph.json", "graph.dot"] {
        let fresh = dir.path().join(name);
        let o = run(
            &["extract", "fixtures", "-o", fresh.to_str().unwrap()],
            None,
        );
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(
            read(&fresh) == read(&root().join("output").join(name)),
            "output/{name} is stale: run scripts/build-output (see README)"
        );
    }
    // Every other text format is made from output/graph.json by `convert`.
    for name in [
        "graph.graphml",
        "graph.cyjs",
        "graph.ttl",
        "graph.nt",
        "graph.mmd",
        "graph.html",
    ] {
        let fresh = dir.path().join(name);
        let o = run(
            &[
                "convert",
                "output/graph.json",
                "-o",
                fresh.to_str().unwrap(),
            ],
            None,
        );
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(
            read(&fresh) == read(&root().join("output").join(name)),
            "output/{name} is stale: run scripts/build-output (see README)"
        );
    }
}

#[test]
fn binary_and_broken_utf8_files_are_reported_not_fatal() {
    let dir = TempDir::new("bad-input");
    std::fs::write(dir.path().join("a.txt"), b"Talk\0binary").unwrap();
    std::fs::write(
        dir.path().join("b.txt"),
        b"Caf\xe9 Kubernetes Operators\nNina Petrova from Quillbyte presented it.\n",
    )
    .unwrap();
    let o = run(&["extract", dir.path().to_str().unwrap()], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("a.txt: skipped: not a text file (NUL byte at offset 4)"),
        "{err}"
    );
    // No valid multi-byte sequence speaks for UTF-8: an older Latin-1 file.
    assert!(
        err.contains("b.txt: not UTF-8; decoded as Windows-1252"),
        "{err}"
    );
    let g: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        labels(&g, "person").contains(&"Nina Petrova".to_string()),
        "{g}"
    );
}

#[test]
fn latin1_names_keep_their_accents_and_spans_point_into_the_file() {
    let dir = TempDir::new("latin1");
    let text = b"Ren\xe9e Lef\xe8vre de chez Quillbyte a parl\xe9 de Kubernetes.\n";
    std::fs::write(dir.path().join("l.txt"), text).unwrap();
    let o = run(
        &["extract", dir.path().join("l.txt").to_str().unwrap()],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let g: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let person = g["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["type"] == "person")
        .unwrap_or_else(|| panic!("no person in {g}"));
    assert_eq!(person["label"], "Renée Lefèvre");
    // The mention's offsets are the file's bytes (one byte per accented letter).
    let m = &person["mentions"][0];
    assert_eq!(
        (m["start"].as_u64(), m["end"].as_u64()),
        (Some(0), Some(13))
    );
}

#[test]
fn a_missing_input_is_an_error_and_writes_nothing() {
    let dir = TempDir::new("missing");
    let out = dir.path().join("g.json");
    let o = run(
        &["extract", "no/such/file.md", "-o", out.to_str().unwrap()],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with("talkgraph: no/such/file.md: "),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists());
}

pub(crate) fn copy_rules(to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(root().join("rules")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
    }
}

#[test]
fn rules_check_accepts_the_default_rules() {
    let o = run(&["rules", "check", "rules"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("rules: ok: "), "{}", stdout(&o));
}

#[test]
fn rules_check_names_file_line_and_rule_of_each_mistake() {
    let dir = TempDir::new("bad-rules");
    copy_rules(dir.path());
    let p = dir.path().join("patterns.toml");
    let mut text = read(&p);
    text.push_str("\n[[rule]]\nid = \"broken.one\"\nrelation = \"works_at\"\npattern = '(?P<subj>{P}) (?P<obj>{ORG}'\n");
    text.push_str("\n[[rule]]\nid = \"broken.two\"\nrelation = \"likes\"\npattern = 'x'\n");
    std::fs::write(&p, &text).unwrap();
    let lines = text.lines().count();
    std::fs::write(dir.path().join("companies.txt"), "Acme | | Acme Corp\n").unwrap();
    let o = run(&["rules", "check", dir.path().to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    let d = dir.path().display();
    assert!(
        err.contains(&format!(
            "{d}/companies.txt:1:7: empty name: write `Canonical | alias | alias`"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{d}/patterns.toml:{}:1: rule broken.one: bad pattern: regex parse error",
            lines - 7
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{d}/patterns.toml:{}:1: rule broken.two: unknown relation `likes`",
            lines - 2
        )),
        "{err}"
    );
    // The same rules are refused by extract too: a bad rule never reaches extraction.
    let o = run(
        &["extract", "-", "--rules", dir.path().to_str().unwrap()],
        Some("text"),
    );
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn rules_check_reports_toml_syntax_with_line_and_column() {
    let dir = TempDir::new("toml-rules");
    copy_rules(dir.path());
    std::fs::write(
        dir.path().join("patterns.toml"),
        "[macros]\nP = 'x'\n[[rule]\n",
    )
    .unwrap();
    let o = run(&["rules", "check", dir.path().to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("patterns.toml:3:"), "{}", stderr(&o));
}

#[test]
fn a_custom_rule_folder_replaces_the_embedded_rules() {
    let dir = TempDir::new("custom-rules");
    copy_rules(dir.path());
    let companies = dir.path().join("companies.txt");
    let mut text = read(&companies);
    text.push_str("\nZorblax Industries | Zorblax\n");
    std::fs::write(&companies, text).unwrap();
    let input = "Nina Petrova from Zorblax presented.\n";
    let custom = graph_json(
        &["extract", "-", "--rules", dir.path().to_str().unwrap()],
        Some(input),
    );
    assert!(
        labels(&custom, "company").contains(&"Zorblax Industries".to_string()),
        "{custom}"
    );
    let default = graph_json(&["extract", "-"], Some(input));
    assert!(
        !labels(&default, "company").contains(&"Zorblax Industries".to_string()),
        "{default}"
    );
}

/// A small agenda page: what a reader sees is in the article; the menu and footer are not.
const PAGE: &str = "<!DOCTYPE html><html><head><title>Rust Night 2024</title></head><body>\n<nav><a href=\"/\">Home</a> Alice Martin</nav>\n<article><h1>Rust Night 2024</h1>\n<h3>19:00 &ndash; Zero-Copy Parsing Without Tears</h3>\n<p>A parser that never copies.</p>\n<p>By <a href=\"https://twitter.com/r\">Ren&eacute;e Fontaine</a>, Qorp</p>\n</article><footer>Bo Chen</footer></body></html>\n";

#[test]
fn html_pages_are_read_by_name_by_flag_and_in_folders() {
    let dir = TempDir::new("html-input");
    std::fs::write(dir.path().join("agenda.html"), PAGE).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "Nothing here.\n").unwrap();
    let check = |g: &serde_json::Value| {
        assert_eq!(labels(g, "person"), ["Renée Fontaine"], "{g}");
        assert!(
            has_edge(
                g,
                "person:renee-fontaine",
                "presents",
                "talk:zero-copy-parsing-without-tears"
            ),
            "{g}"
        );
        assert!(
            has_edge(g, "person:renee-fontaine", "works_at", "company:qorp"),
            "{g}"
        );
    };
    // By extension, in a folder walk.
    let g = graph_json(&["extract", dir.path().to_str().unwrap()], None);
    check(&g);
    // From stdin: told by its doctype, or by the flag.
    check(&graph_json(&["extract", "-"], Some(PAGE)));
    check(&graph_json(
        &["extract", "-", "--input-format", "html"],
        Some(PAGE),
    ));
    // Forced to text, the markup is read as words: no talk is found.
    let g = graph_json(&["extract", "-", "--input-format", "text"], Some(PAGE));
    assert!(labels(&g, "talk").is_empty(), "{g}");
    // A mention points into the page's own bytes.
    let person = g_nodes(&graph_json(&["extract", "-"], Some(PAGE)), "person");
    let m = &person[0]["mentions"][0];
    let (s, e) = (
        m["start"].as_u64().unwrap() as usize,
        m["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&PAGE[s..e], "Ren&eacute;e Fontaine");
}

#[test]
fn an_unknown_input_format_is_a_usage_error() {
    let o = run(&["extract", "-", "--input-format", "docx"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown input format 'docx': use md, html or text"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn front_matter_is_metadata_not_prose() {
    let text = "+++\ntitle = \"Rust Meetup 2024\"\ndescription = \"Ana Ruiz from Zylo spoke about Tokio\"\n+++\n\nWelcome to the notes.\n";
    let g = graph_json(&["extract", "-", "--input-format", "md"], Some(text));
    assert!(labels(&g, "person").is_empty(), "{g}");
    assert!(labels(&g, "company").is_empty(), "{g}");
}

fn g_nodes(g: &serde_json::Value, kind: &str) -> Vec<serde_json::Value> {
    g["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["type"] == kind)
        .cloned()
        .collect()
}

#[test]
fn each_source_keeps_what_it_says_about_itself() {
    let dir = TempDir::new("document-meta");
    let md = dir.path().join("notes.md");
    std::fs::write(
        &md,
        "---\ntitle: \"Notes from Rust Paris 2024\"\ndate: 2024-03-02\ntags: [rust, meetup]\n---\n\n## Fast Builds Without Tears\n\nBy Ana Ruiz\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("page.html"), PAGE).unwrap();
    std::fs::write(dir.path().join("plain.txt"), "Nothing to say.\n").unwrap();
    let graph = dir.path().join("g.json");
    let o = run(
        &[
            "extract",
            dir.path().to_str().unwrap(),
            "-o",
            graph.to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let g: serde_json::Value = serde_json::from_str(&read(&graph)).unwrap();
    let docs = &g["graph"]["documents"];
    let md_meta = &docs[md.to_str().unwrap()];
    assert_eq!(md_meta["title"], "Notes from Rust Paris 2024");
    assert_eq!(md_meta["date"], "2024-03-02");
    assert_eq!(md_meta["tags"], serde_json::json!(["rust", "meetup"]));
    let page = dir.path().join("page.html");
    assert_eq!(docs[page.to_str().unwrap()]["title"], "Rust Night 2024");
    // A source that says nothing has no entry.
    assert_eq!(docs.as_object().unwrap().len(), 2, "{docs}");
    // Loading and writing the graph again keeps it.
    let again = dir.path().join("again.json");
    let o = run(
        &[
            "merge",
            graph.to_str().unwrap(),
            "-o",
            again.to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(read(&graph), read(&again));
}
