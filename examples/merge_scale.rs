//! Times merging 100 synthetic graphs of 10,000 nodes (the same shape as the criterion
//! bench), split into merge and compaction: `cargo run --release --example merge_scale`.
use std::time::Instant;
use talkgraph::KnowledgeGraph;
use talkgraph::graph::{Kind, Relation};
use talkgraph::spans::SpanRef;

fn synthetic(seed: usize, nodes: usize) -> KnowledgeGraph {
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

fn main() {
    let parts: Vec<KnowledgeGraph> = (0..100).map(|s| synthetic(s, 10_000)).collect();
    for _ in 0..3 {
        let t = Instant::now();
        let mut all = KnowledgeGraph::new();
        for p in &parts {
            all.merge(p);
        }
        let merged = t.elapsed();
        all.compact();
        println!(
            "merge {:.3} s, compact {:.3} s, {} nodes, {} edges",
            merged.as_secs_f64(),
            (t.elapsed() - merged).as_secs_f64(),
            all.node_count(),
            all.edge_count()
        );
    }
}
