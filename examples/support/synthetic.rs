//! The synthetic graphs of the merge benchmarks (`benches/throughput.rs`,
//! `examples/merge_scale.rs`): `nodes` nodes, a quarter of the companies shared with the
//! graphs of every other `seed` (so merging has work to do), each node with a mention, and
//! an edge per person.

use talkgraph::KnowledgeGraph;
use talkgraph::graph::{Kind, Relation};
use talkgraph::spans::SpanRef;

pub fn synthetic(seed: usize, nodes: usize) -> KnowledgeGraph {
    let mut g = KnowledgeGraph::new();
    let source = format!("shard-{seed}/doc.md");
    let span = |i: usize| SpanRef {
        source: &source,
        start: i,
        end: i + 8,
        line: 1 + i / 80,
        text: "Some Name",
    };
    let mut companies = Vec::new();
    for i in 0..nodes / 4 {
        let name = if i % 4 == 0 {
            format!("Company {i}")
        } else {
            format!("Company {seed}-{i}")
        };
        let c = g.add_node(Kind::Company, &name);
        g.add_mention(c, span(i));
        companies.push(c);
    }
    for i in 0..nodes - nodes / 4 {
        let p = g.add_node(Kind::Person, &format!("Person {seed} {i}"));
        g.add_mention(p, span(i));
        g.set_attribute(p, "role", "Engineer");
        let c = companies[i % companies.len()];
        g.add_edge(p, Relation::WorksAt, c, "en.works_at.from", 0.85, [span(i)]);
    }
    g.add_source(&source, Some("0123456789abcdef"));
    g.compact();
    g
}
