//! Fuzzes query patterns: parsing, compiling against a graph (names, types, suggestions)
//! and solving, over the query tests' graph; errors are fine, panics are not.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use talkgraph::KnowledgeGraph;
use talkgraph::query::{self, Format, QueryArgs};

fn graph() -> &'static KnowledgeGraph {
    static GRAPH: OnceLock<KnowledgeGraph> = OnceLock::new();
    GRAPH.get_or_init(|| {
        KnowledgeGraph::from_json_str(include_str!("../../tests/data/query-graph.json"))
            .expect("the query tests' graph loads")
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    // Patterns come from the command line, which is UTF-8 (clap refuses anything else).
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    // Three patterns at most: more unrelated ones multiply the rows (a cross product),
    // which is the query's meaning, not a bug.
    let patterns: Vec<String> = text.split('\n').take(3).map(String::from).collect();
    let format = match pick % 4 {
        0 => Format::Table,
        1 => Format::Json,
        2 => Format::Csv,
        _ => Format::Tsv,
    };
    let args = QueryArgs {
        graph: "fuzz.json".into(),
        patterns,
        format,
        limit: Some(50),
        evidence: pick & 4 != 0,
        rules: None,
        output: None,
        quiet: false,
    };
    if let Err(e) = query::run_query_graph(graph(), &args, &mut std::io::sink()) {
        let _ = e.to_string();
    }
});
