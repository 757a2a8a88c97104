//! `talkgraph diff`: equal graphs say nothing (exit 0), different ones list their changes
//! (exit 1), as text or JSON; bad files are errors (exit 2) naming the file.

use crate::util::{TempDir, bin, root, run, stderr, stdout};

fn path(dir: &TempDir, name: &str) -> String {
    dir.path()
        .join(name)
        .to_str()
        .expect("utf-8 temp path")
        .to_string()
}

/// A graph of the fixture table page, without and with a decision rejecting its false
/// company "Shipping" (from the talk title "Ten Years of Shipping on Kubernetes").
fn two_graphs(dir: &TempDir) -> (String, String) {
    let (old, new, decisions) = (
        path(dir, "old.json"),
        path(dir, "new.json"),
        path(dir, "d.toml"),
    );
    std::fs::write(&decisions, "[[decision]]\nreject = \"Shipping\"\n").unwrap();
    let doc = "fixtures/en-conference-notes-table.md";
    let o = run(&["extract", doc, "-o", &old], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(
        &["extract", doc, "--decisions", &decisions, "-o", &new],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    (old, new)
}

#[test]
fn equal_graphs_exit_0_and_print_nothing() {
    let o = run(&["diff", "output/graph.json", "output/graph.json"], None);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "");
    assert_eq!(stderr(&o), "");
    // One of them from stdin, as the other graph-reading commands take it.
    let graph = std::fs::read_to_string(root().join("output/graph.json")).unwrap();
    let o = run(&["diff", "-", "output/graph.json"], Some(&graph));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
}

#[test]
fn different_graphs_exit_1_with_each_change_and_its_rule() {
    let dir = TempDir::new("diff-text");
    let (old, new) = two_graphs(&dir);
    let o = run(&["diff", &old, &new], None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let expected = format!(
        "--- {old}
+++ {new}
- node company:shipping \"Shipping\"  in fixtures/en-conference-notes-table.md:15  edges by en.works_at.from, mentions.title
- edge person:ten-years works_at company:shipping  rule en.works_at.from 0.85  in fixtures/en-conference-notes-table.md:15
- edge talk:ten-years-of-shipping-on-kubernetes mentions company:shipping  rule mentions.title 0.9  in fixtures/en-conference-notes-table.md:15
nodes: 0 added, 1 removed, 0 changed; edges: 0 added, 2 removed, 0 changed
rule en.works_at.from: 0 added, 1 removed, 0 changed
rule mentions.title: 0 added, 1 removed, 0 changed
"
    );
    assert_eq!(
        stdout(&o),
        expected,
        "\n--- expected ---\n{expected}--- got ---\n{}",
        stdout(&o)
    );
    // The other way round, the same changes are additions.
    let back = run(&["diff", &new, &old], None);
    assert_eq!(back.status.code(), Some(1));
    assert!(
        stdout(&back).contains("\n+ node company:shipping \"Shipping\"  in "),
        "{}",
        stdout(&back)
    );
    // Same input, same bytes.
    assert_eq!(run(&["diff", &old, &new], None).stdout, o.stdout);
}

#[test]
fn changed_nodes_and_edges_list_each_field() {
    let dir = TempDir::new("diff-changed");
    let node = |aliases: &str, attrs: &str, mentions: &str| {
        format!(
            "{{\"id\": \"person:ann\", \"type\": \"person\", \"label\": \"Ann\", \"aliases\": [{aliases}], \"attributes\": {{{attrs}}}, \"mentions\": [{mentions}]}}"
        )
    };
    let m = |line: u32| {
        format!(
            "{{\"source\": \"a.md\", \"start\": {line}0, \"end\": {line}3, \"line\": {line}, \"text\": \"Ann\"}}"
        )
    };
    let graph = |node: String, rule: &str, conf: &str| {
        format!(
            "{{\"directed\": true, \"multigraph\": true, \"graph\": {{\"generator\": \"t\", \"sources\": [\"a.md\"]}}, \"nodes\": [{node}, {{\"id\": \"company:acme\", \"type\": \"company\", \"label\": \"Acme\"}}], \"edges\": [{{\"source\": \"person:ann\", \"target\": \"company:acme\", \"relation\": \"works_at\", \"rule\": \"{rule}\", \"confidence\": {conf}, \"evidence\": []}}]}}"
        )
    };
    let old = path(&dir, "old.json");
    let new = path(&dir, "new.json");
    std::fs::write(&old, graph(node("\"A.\"", "", &m(1)), "en.at", "0.8")).unwrap();
    let two = format!("{}, {}", m(1), m(4));
    std::fs::write(
        &new,
        graph(
            node("\"Annie\"", "\"role\": \"SRE\"", &two),
            "fr.chez",
            "0.9",
        ),
    )
    .unwrap();
    let o = run(&["diff", &old, &new], None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        format!(
            "--- {old}
+++ {new}
~ node person:ann \"Ann\"
    alias - \"A.\"
    alias + \"Annie\"
    attribute role (none) -> \"SRE\"
    mentions in a.md 1 -> 2
~ edge person:ann works_at company:acme
    rule en.at 0.8 -> fr.chez 0.9
nodes: 0 added, 0 removed, 1 changed; edges: 0 added, 0 removed, 1 changed
rule en.at: 0 added, 0 removed, 1 changed
rule fr.chez: 0 added, 0 removed, 1 changed
"
        )
    );
}

#[test]
fn json_format_is_one_document_for_scripts() {
    let dir = TempDir::new("diff-json");
    let (old, new) = two_graphs(&dir);
    for flag in ["--format", "-f"] {
        let o = run(&["diff", &old, &new, flag, "json"], None);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
        assert_eq!(v["equal"], false);
        assert_eq!(v["old"], old.as_str());
        assert_eq!(
            v["summary"]["edges"],
            serde_json::json!({"added": 0, "removed": 2, "changed": 0})
        );
        assert_eq!(v["nodes"][0]["change"], "removed");
        assert_eq!(v["nodes"][0]["id"], "company:shipping");
        assert_eq!(
            v["nodes"][0]["places"],
            serde_json::json!([{"source": "fixtures/en-conference-notes-table.md", "line": 15, "count": 1}])
        );
        assert_eq!(v["edges"][1]["rule"], "mentions.title");
        assert_eq!(
            v["nodes"][0]["edge_rules"],
            serde_json::json!(["en.works_at.from", "mentions.title"])
        );
        assert_eq!(v["rules"]["en.works_at.from"]["removed"], 1);
    }
    // Equal graphs: still a document, saying so.
    let o = run(&["diff", &old, &old, "-f", "json"], None);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["equal"], true);
    assert_eq!(v["nodes"], serde_json::json!([]));
}

#[test]
fn output_file_gets_the_report_and_the_exit_code_stays() {
    let dir = TempDir::new("diff-output");
    let (old, new) = two_graphs(&dir);
    let report = path(&dir, "report.txt");
    let o = run(&["diff", &old, &new, "-o", &report], None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(text.contains("- node company:shipping"), "{text}");
    // Never over one of its inputs.
    let o = run(&["diff", &old, &new, "-o", &new], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("would overwrite the input"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn bad_files_are_errors_that_name_the_file_and_say_what_to_do() {
    let dir = TempDir::new("diff-bad");
    let bad = path(&dir, "bad.json");
    std::fs::write(&bad, "{\"nodes\": 3}").unwrap();
    let o = run(&["diff", &bad, "output/graph.json"], None);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!(
            "talkgraph: {bad}:1:11: invalid type: integer `3`, expected a list of nodes: not a graph; give a graph JSON file written by talkgraph extract, merge or subgraph\n"
        )
    );
    let missing = path(&dir, "missing.json");
    let o = run(&["diff", "output/graph.json", &missing], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with(&format!("talkgraph: {missing}: cannot read it (")),
        "{}",
        stderr(&o)
    );
    assert_eq!(stdout(&o), "");
    let o = run(&["diff", "-", "-"], Some("{}"));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("stdin can be only one"),
        "{}",
        stderr(&o)
    );
}

/// Each example of `diff --help` runs from the repository root (0 or 1, never an error).
#[test]
fn help_examples_run() {
    let help = stdout(&run(&["diff", "--help"], None));
    let examples = crate::decisions::examples(&help);
    assert_eq!(examples.len(), 3, "{help}");
    for args in examples {
        let o = bin().current_dir(root()).args(&args).output().unwrap();
        assert!(
            matches!(o.status.code(), Some(0 | 1)) && o.stdout.is_empty() == (args[1] == args[2]),
            "talkgraph {args:?}: {:?}\n{}",
            o.status.code(),
            stderr(&o)
        );
    }
}

#[test]
fn a_retyped_entity_is_one_change_and_its_edges_move() {
    let dir = TempDir::new("diff-retype");
    let (old, new, decisions) = (
        path(&dir, "old.json"),
        path(&dir, "new.json"),
        path(&dir, "d.toml"),
    );
    std::fs::write(
        &decisions,
        "[[decision]]\nretype = [\"GitHub\", \"company\"]\n",
    )
    .unwrap();
    let doc = "fixtures/fr-soiree-jug-paragraphes.md";
    assert_eq!(
        run(&["extract", doc, "-o", &old], None).status.code(),
        Some(0)
    );
    let o = run(
        &["extract", doc, "--decisions", &decisions, "-o", &new],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(&["diff", &old, &new], None);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stdout(&o),
        format!(
            "--- {old}
+++ {new}
~ node company:github \"GitHub\"
    type project -> company (was project:github)
+ edge talk:le-code-review-bienveillant mentions company:github  rule mentions.paragraph 0.6  in {doc}:23
- edge talk:le-code-review-bienveillant mentions project:github  rule mentions.paragraph 0.6  in {doc}:23
nodes: 0 added, 0 removed, 1 changed; edges: 1 added, 1 removed, 0 changed
rule mentions.paragraph: 1 added, 1 removed, 0 changed
"
        )
    );
}
