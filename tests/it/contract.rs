//! The graph JSON contract: every graph JSON the commands write validates against
//! `schema/graph.schema.json`, and `--compact` writes the same document on one line.

use crate::util::{TempDir, root, run, stderr};
use std::path::Path;
use talkgraph::GraphDoc;

const QUERY_GRAPH: &str = "tests/data/query-graph.json";

/// Runs talkgraph and returns its stdout, asserting success.
fn ok(args: &[&str]) -> Vec<u8> {
    let out = run(args, None);
    assert!(
        out.status.success(),
        "talkgraph {args:?}:\n{}",
        stderr(&out)
    );
    out.stdout
}

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("schema/graph.schema.json")).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).expect("the schema is a valid JSON Schema")
}

/// Asserts `json` validates, listing every error with where it is.
fn assert_valid(v: &jsonschema::Validator, what: &str, json: &[u8]) {
    let value: serde_json::Value =
        serde_json::from_slice(json).unwrap_or_else(|e| panic!("{what}: not JSON: {e}"));
    let errors: Vec<String> = v
        .iter_errors(&value)
        .map(|e| format!("  {}: {e}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not follow schema/graph.schema.json:\n{}",
        errors.join("\n")
    );
}

/// Asserts `compact` is `pretty` on one line: one newline, at the end, and pretty-printing
/// it again gives `pretty`'s bytes.
fn assert_compact_of(what: &str, compact: &[u8], pretty: &[u8]) {
    assert!(
        pretty.iter().filter(|&&b| b == b'\n').count() > 1,
        "{what}: not pretty"
    );
    assert_eq!(
        compact.iter().filter(|&&b| b == b'\n').count(),
        1,
        "{what}: --compact is not one line"
    );
    assert!(compact.ends_with(b"\n"));
    let doc: GraphDoc = serde_json::from_slice(compact).unwrap();
    let mut again = serde_json::to_vec_pretty(&doc).unwrap();
    again.push(b'\n');
    assert!(
        again == pretty,
        "{what}: --compact pretty-printed again differs from the pretty output"
    );
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

#[test]
fn every_graph_json_written_follows_the_schema_and_compact_is_the_same_document() {
    let v = validator();
    let dir = TempDir::new("contract");
    // The checked-in graphs.
    for file in [
        "output/graph.json",
        "tests/data/sample-graph.json",
        QUERY_GRAPH,
    ] {
        assert_valid(&v, file, &std::fs::read(root().join(file)).unwrap());
    }
    // extract: pretty and compact, to stdout and to a file.
    let a = dir.path().join("a.json");
    let pretty = ok(&["extract", "fixtures", "-o", path_str(&a)]);
    assert!(pretty.is_empty());
    let pretty = std::fs::read(&a).unwrap();
    assert_valid(&v, "extract fixtures", &pretty);
    let compact = ok(&["extract", "fixtures", "--compact"]);
    assert_valid(&v, "extract --compact", &compact);
    assert_compact_of("extract", &compact, &pretty);
    let c = dir.path().join("c.json");
    ok(&["extract", "fixtures", "--compact", "-o", path_str(&c)]);
    assert_eq!(std::fs::read(&c).unwrap(), compact, "extract --compact -o");
    // merge of two extracts.
    let b = dir.path().join("b.json");
    ok(&[
        "extract",
        "fixtures/en-blog-headings.md",
        "-o",
        path_str(&b),
    ]);
    let merged = ok(&["merge", path_str(&a), path_str(&b)]);
    assert_valid(&v, "merge", &merged);
    let merged_compact = ok(&["merge", path_str(&a), path_str(&b), "--compact"]);
    assert_compact_of("merge", &merged_compact, &merged);
    // subgraph.
    let sub = ok(&["subgraph", QUERY_GRAPH, "Upbound", "--depth", "2"]);
    assert_valid(&v, "subgraph", &sub);
    let sub_compact = ok(&[
        "subgraph",
        QUERY_GRAPH,
        "Upbound",
        "--depth",
        "2",
        "--compact",
    ]);
    assert_compact_of("subgraph", &sub_compact, &sub);
    // convert.
    let conv = ok(&["convert", "tests/data/sample-graph.json"]);
    assert_valid(&v, "convert", &conv);
    let conv_compact = ok(&["convert", "tests/data/sample-graph.json", "--compact"]);
    assert_compact_of("convert", &conv_compact, &conv);
    // --compact changes nothing but JSON.
    let dot = ok(&["convert", QUERY_GRAPH, "--format", "dot"]);
    let dot_compact = ok(&["convert", QUERY_GRAPH, "--format", "dot", "--compact"]);
    assert_eq!(dot, dot_compact);
}

#[test]
fn schema_prints_the_checked_in_schema() {
    let printed = ok(&["schema"]);
    let file = std::fs::read(root().join("schema/graph.schema.json")).unwrap();
    assert!(
        printed == file,
        "schema/graph.schema.json is stale: run `cargo run -- schema > schema/graph.schema.json`"
    );
}

#[test]
fn the_schema_refuses_what_the_contract_forbids() {
    let v = validator();
    let good: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root().join(QUERY_GRAPH)).unwrap()).unwrap();
    assert!(v.is_valid(&good));
    let spoil = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut doc = good.clone();
        f(&mut doc);
        v.is_valid(&doc)
    };
    assert!(!spoil(&|d| d["nodes"][0]["type"] = "planet".into()));
    assert!(!spoil(&|d| d["edges"][0]["confidence"] = 1.5.into()));
    assert!(!spoil(&|d| d["edges"][0]["relation"] = "likes".into()));
    assert!(!spoil(&|d| d["graph"]["format_version"] = 2.into()));
    assert!(!spoil(&|d| {
        d["nodes"][0].as_object_mut().unwrap().remove("label");
    }));
    assert!(!spoil(
        &|d| d["nodes"][0]["mentions"] = serde_json::json!([{"source": "x"}])
    ));
}
