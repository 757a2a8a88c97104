//! What an empty or suspicious outcome says on stderr (exit codes unchanged), and the flags
//! every command shares: `-f/--format`, `-o/--output`, `--quiet`, `-o /dev/null`, text
//! where a graph is expected.

use crate::util::{TempDir, run, stderr, stdout};
use std::path::Path;

const GRAPH: &str = "tests/data/query-graph.json";

fn p(path: &Path) -> &str {
    path.to_str().expect("utf-8 temp path")
}

/// Runs talkgraph and checks the exit code, the whole stderr, and whether stdout is empty.
fn check(args: &[&str], code: i32, expected_stderr: &str, stdout_empty: bool) -> String {
    let o = run(args, None);
    let (out, err) = (stdout(&o), stderr(&o));
    assert!(
        o.status.code() == Some(code) && err == expected_stderr && out.is_empty() == stdout_empty,
        "talkgraph {}\n--- expected (exit {code}) ---\n{expected_stderr}--- got (exit {:?}) ---\n{err}--- stdout ---\n{out}",
        args.join(" "),
        o.status.code()
    );
    out
}

/// (nodes, edges) of a graph JSON file.
fn counts(path: &Path) -> (usize, usize) {
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("graph written")).unwrap();
    (
        doc["nodes"].as_array().unwrap().len(),
        doc["edges"].as_array().unwrap().len(),
    )
}

#[test]
fn path_between_unconnected_entities_says_so() {
    let said = "talkgraph: no path: Prometheus (project) and Crossplane (project) are not connected: \
                Prometheus (project) has no relation at all, Crossplane (project) is in a group of 25 \
                connected entities; `talkgraph neighbors` shows what each is linked to\n";
    check(&["path", GRAPH, "Prometheus", "Crossplane"], 1, said, true);
    check(
        &["path", GRAPH, "Prometheus", "Crossplane", "--quiet"],
        1,
        "",
        true,
    );
    // Connected: nothing on stderr.
    check(
        &["path", GRAPH, "Ricardo Rocha", "Crossplane"],
        0,
        "",
        false,
    );
}

#[test]
fn neighbors_of_an_isolated_entity_or_with_every_edge_filtered_out_says_so() {
    check(
        &["neighbors", GRAPH, "Prometheus"],
        1,
        "talkgraph: no neighbours: Prometheus (project) has no relation at all\n",
        true,
    );
    check(
        &["neighbors", GRAPH, "Shopify", "--relation", "develops"],
        1,
        "talkgraph: no neighbours: Shopify (company) has 2 relations, none of them followed with \
         --relation and --direction as given\n",
        true,
    );
}

#[test]
fn a_constant_of_the_wrong_type_for_its_relation_is_named_with_what_to_ask_instead() {
    let said = "talkgraph: warning: pattern 1, column 13: `Grafana` is a project, and works_at points \
                at a company, so this pattern matches nothing; did you mean `Grafana Labs` or a relation \
                that points at a project (mentions, develops)?\n  ?p works_at Grafana\n              ^^^^^^^\n";
    check(&["query", GRAPH, "?p works_at Grafana"], 1, said, true);
    check(&["query", GRAPH, "?p works_at Grafana", "-q"], 1, "", true);
    // The subject end too, and explain says it as well.
    let said = "talkgraph: warning: pattern 1, column 1: `Shopify` is a company, and presents starts \
                from a person, so this pattern matches nothing; did you mean a relation that starts \
                from a company (develops)?\n  \"Shopify\" presents ?t\n  ^^^^^^^^^\n";
    let out = check(
        &["explain", GRAPH, "Shopify", "presents", "?t"],
        1,
        said,
        false,
    );
    assert_eq!(out, "no edge matches `\"Shopify\" presents ?t`\n");
    // A constant of the right type that merely has no edge is no warning.
    check(&["query", GRAPH, "Sven Larsen presents ?t"], 1, "", true);
}

#[test]
fn a_folder_with_nothing_to_read_says_what_it_passed_over() {
    let dir = TempDir::new("msg-nothing");
    let docs = dir.path().join("docs");
    std::fs::create_dir_all(docs.join("sub")).unwrap();
    for f in ["a.rst", "sub/b.rst", "c.adoc", "Makefile"] {
        std::fs::write(docs.join(f), "Ana Ruiz works at Qorp.\n").unwrap();
    }
    let said = format!(
        "talkgraph: warning: no documents read: {d} holds only 1 file without an extension, 1 .adoc \
         file, 2 .rst files, which talkgraph does not read; it reads .txt, .md, .markdown, .html and \
         .htm (name a file on the command line, with --input-format md|html|text, to read it anyway); \
         the graph is empty\ntalkgraph: read 0 documents, 0 entities, 0 relations → stdout\n",
        d = p(&docs)
    );
    check(&["extract", p(&docs)], 0, &said, false);
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let said = format!(
        "talkgraph: warning: no documents read: {d} holds no files; the graph is empty\n",
        d = p(&empty)
    );
    // --quiet drops the summary, not the warning.
    check(&["extract", p(&empty), "--quiet"], 0, &said, false);
    // Named on the command line, an .rst file is read.
    check(&["extract", p(&docs.join("a.rst")), "-q"], 0, "", false);
}

#[test]
fn extract_ends_with_a_summary_line_unless_quiet() {
    let dir = TempDir::new("msg-summary");
    let g = dir.path().join("g.json");
    let doc = "fixtures/fr-recap-plain.txt";
    let o = run(&["extract", doc, "-o", p(&g)], None);
    let (nodes, edges) = counts(&g);
    assert!(nodes > 10 && edges > 10);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stderr(&o),
        format!(
            "talkgraph: read 1 document, {nodes} entities, {edges} relations → {}\n",
            p(&g)
        )
    );
    check(&["extract", doc, "-o", p(&g), "--quiet"], 0, "", true);
    check(&["extract", doc, "-o", p(&g), "-q"], 0, "", true);
    // A file that is not text is skipped, and counted.
    let folder = dir.path().join("in");
    std::fs::create_dir(&folder).unwrap();
    std::fs::copy(doc, folder.join("a.txt")).unwrap();
    std::fs::write(folder.join("b.txt"), b"\x00\x01binary").unwrap();
    let o = run(&["extract", p(&folder), "-o", p(&g)], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).ends_with(&format!(
            "talkgraph: read 2 documents (1 skipped), {nodes} entities, {edges} relations → {}\n",
            p(&g)
        )),
        "{}",
        stderr(&o)
    );
}

#[test]
fn eval_warns_when_the_gold_is_for_a_document_the_graph_was_not_made_from() {
    let dir = TempDir::new("msg-eval");
    let g = dir.path().join("blog.json");
    check(
        &["extract", "fixtures/en-blog-headings.md", "-o", p(&g), "-q"],
        0,
        "",
        true,
    );
    let gold = "fixtures/fr-recap-plain.gold.json";
    let said = format!(
        "talkgraph: warning: gold {gold} is for document `fr-recap-plain.txt`, which is not among the \
         sources of {g} (fixtures/en-blog-headings.md): its scores will be near 0; give the graph \
         extracted from `fr-recap-plain.txt`, or fix the gold's \"document\" field\n",
        g = p(&g)
    );
    let out = check(&["eval", "--gold", gold, p(&g)], 0, &said, false);
    // The scores are still printed: a warning, not an error.
    assert!(
        out.lines().last().unwrap().starts_with("entity F1 "),
        "{out}"
    );
    check(&["eval", "--gold", gold, p(&g), "--quiet"], 0, "", false);
    // The graph of that document: no warning.
    check(
        &[
            "eval",
            "--gold",
            "fixtures/en-blog-headings.gold.json",
            p(&g),
        ],
        0,
        "",
        false,
    );
}

#[test]
fn eval_and_merge_take_text_as_the_query_commands_do() {
    let dir = TempDir::new("msg-text");
    let (a, b) = (
        "fixtures/fr-recap-plain.txt",
        "fixtures/en-blog-headings.md",
    );
    let (ga, gb) = (dir.path().join("a.json"), dir.path().join("b.json"));
    check(&["extract", a, "-o", p(&ga), "-q"], 0, "", true);
    check(&["extract", b, "-o", p(&gb), "-q"], 0, "", true);
    let gold = "fixtures/fr-recap-plain.gold.json";
    let from_graph = check(&["eval", "--gold", gold, p(&ga)], 0, "", false);
    let from_text = check(&["eval", "--gold", gold, a], 0, "", false);
    assert_eq!(from_graph, from_text);
    let merged_graphs = check(&["merge", p(&ga), p(&gb)], 0, "", false);
    let merged_texts = check(&["merge", a, b], 0, "", false);
    assert!(
        merged_graphs == merged_texts,
        "merging texts is not merging their graphs"
    );
}

#[test]
fn text_where_only_a_graph_will_do_says_what_to_give() {
    let dir = TempDir::new("msg-notgraph");
    let doc = "fixtures/fr-recap-plain.txt";
    check(
        &["convert", doc],
        2,
        &format!(
            "talkgraph: {doc}:1:1: expected value: not a graph JSON file but text; give the JSON \
             written by extract, merge or subgraph (`talkgraph extract {doc} -o graph.json` makes one)\n"
        ),
        true,
    );
    // Named .json, text is still not a graph, for eval and merge alike.
    let fake = dir.path().join("notes.json");
    std::fs::copy(doc, &fake).unwrap();
    check(
        &[
            "eval",
            "--gold",
            "fixtures/fr-recap-plain.gold.json",
            p(&fake),
        ],
        2,
        &format!(
            "talkgraph: {}:1:1: expected value: not a graph JSON file; give the JSON written by \
             `talkgraph extract`, or the document itself under another name than .json\n",
            p(&fake)
        ),
        true,
    );
    check(
        &["merge", p(&fake)],
        2,
        &format!(
            "talkgraph: {f}:1:1: expected value: not a graph JSON file but text; give the JSON \
             written by extract, merge or subgraph (`talkgraph extract {f} -o graph.json` makes one)\n",
            f = p(&fake)
        ),
        true,
    );
}

#[cfg(unix)]
#[test]
fn output_to_dev_null_needs_no_format() {
    for args in [
        &[
            "extract",
            "fixtures/fr-recap-plain.txt",
            "-o",
            "/dev/null",
            "-q",
        ][..],
        &["convert", "output/graph.json", "-o", "/dev/null"],
        &["merge", GRAPH, "-o", "/dev/null"],
        &["subgraph", GRAPH, "Shopify", "-o", "/dev/null"],
        &["query", GRAPH, "?p works_at ?c", "-o", "/dev/null"],
        &["neighbors", GRAPH, "Shopify", "-o", "/dev/null"],
    ] {
        check(args, 0, "", true);
    }
}

#[test]
fn an_image_output_says_how_to_draw_one() {
    check(
        &["subgraph", GRAPH, "Shopify", "-o", "shopify.svg"],
        2,
        "talkgraph: cannot write 'shopify.svg': talkgraph writes no images; write DOT and let \
         GraphViz draw it: `--format dot | dot -Tsvg > 'shopify.svg'` (or `-o graph.dot`, then \
         `dot -Tsvg graph.dot > 'shopify.svg'`)\n",
        true,
    );
    check(
        &["convert", GRAPH, "-o", "g.png"],
        2,
        "talkgraph: cannot write 'g.png': talkgraph writes no images; write DOT and let GraphViz \
         draw it: `--format dot | dot -Tpng > 'g.png'` (or `-o graph.dot`, then `dot -Tpng \
         graph.dot > 'g.png'`)\n",
        true,
    );
    assert!(!Path::new("shopify.svg").exists() && !Path::new("g.png").exists());
}

#[test]
fn query_and_neighbors_take_short_format_and_an_output_file() {
    let dir = TempDir::new("msg-flags");
    let rows = dir.path().join("rows.csv");
    let shown = check(
        &["query", GRAPH, "?p works_at ?c", "--format", "csv"],
        0,
        "",
        false,
    );
    check(
        &[
            "query",
            GRAPH,
            "?p works_at ?c",
            "-f",
            "csv",
            "-o",
            p(&rows),
        ],
        0,
        "",
        true,
    );
    assert_eq!(std::fs::read_to_string(&rows).unwrap(), shown);
    // No rows: exit 1, the header still written.
    check(
        &[
            "query",
            GRAPH,
            "Sven Larsen presents ?t",
            "-f",
            "csv",
            "-o",
            p(&rows),
        ],
        1,
        "",
        true,
    );
    assert_eq!(std::fs::read_to_string(&rows).unwrap(), "t\n");
    let shown = check(
        &["neighbors", GRAPH, "Shopify", "--format", "tsv"],
        0,
        "",
        false,
    );
    check(
        &["neighbors", GRAPH, "Shopify", "-f", "tsv", "-o", p(&rows)],
        0,
        "",
        true,
    );
    assert_eq!(std::fs::read_to_string(&rows).unwrap(), shown);
    // -o never names the graph it reads.
    let o = run(&["query", GRAPH, "?p works_at ?c", "-o", GRAPH], None);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!(
            "talkgraph: -o '{GRAPH}' would overwrite the input '{GRAPH}'; write the output to another file\n"
        )
    );
    let o = run(&["rules", "test", "-f", "json"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).starts_with('{'));
}
