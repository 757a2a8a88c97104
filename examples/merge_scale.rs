//! Times merging 100 synthetic graphs of 10,000 nodes (the same shape as the criterion
//! bench), split into merge and compaction: `cargo run --release --example merge_scale`.
use std::time::Instant;
use talkgraph::KnowledgeGraph;

#[path = "support/synthetic.rs"]
mod support;
use support::synthetic;

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
