//! Fuzzes the graph JSON loader (query, convert, merge, `--into`): any bytes load or fail
//! with a position; a graph that loads exports to JSON that loads back to the same bytes,
//! and to every other format without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use talkgraph::KnowledgeGraph;
use talkgraph::export::{self, ExportOptions, Format};

fn json(kg: &mut KnowledgeGraph) -> Vec<u8> {
    let mut out = Vec::new();
    export::write_graph(
        kg,
        Format::Json,
        &ExportOptions::default(),
        1,
        None,
        &mut out,
    )
    .expect("writing to memory cannot fail");
    out
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok((mut kg, _report)) = KnowledgeGraph::from_json_str_report(text) else {
        return;
    };
    let first = json(&mut kg);
    let mut again = KnowledgeGraph::from_json_str(std::str::from_utf8(&first).unwrap())
        .unwrap_or_else(|e| panic!("talkgraph's own JSON does not load: {e}"));
    let second = json(&mut again);
    assert!(
        first == second,
        "export -> load -> export changed the bytes"
    );
    let doc = kg.to_doc();
    for format in [
        Format::Dot,
        Format::Graphml,
        Format::Cytoscape,
        Format::Turtle,
        Format::Ntriples,
        Format::Mermaid,
    ] {
        export::write(
            &doc,
            format,
            &ExportOptions::default(),
            &mut std::io::sink(),
        )
        .expect("writing to a sink cannot fail");
    }
});
