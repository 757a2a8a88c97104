/*!
Criterion benches on the generated corpus (examples/gen_corpus.rs, fixed seed): the gazetteer
pass alone, full extraction per MB, merging graphs, JSON export and load. These measure the
pieces; bench/throughput.sh measures the whole binary against the ceiling.

    cargo bench --bench throughput
*/

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use talkgraph::KnowledgeGraph;
use talkgraph::export::{ExportOptions, Format};
use talkgraph::model::GraphDoc;

#[path = "../examples/support/synthetic.rs"]
mod synthetic;
use synthetic::synthetic;

#[path = "../examples/gen_corpus.rs"]
#[allow(dead_code)]
mod gen_corpus;

/// One MB of generated recaps.
fn corpus() -> Vec<(String, String)> {
    gen_corpus::corpus(1.0, gen_corpus::SEED)
}

fn bytes(docs: &[(String, String)]) -> u64 {
    docs.iter().map(|(_, t)| t.len() as u64).sum()
}

fn gazetteer(c: &mut Criterion) {
    let rules = talkgraph::rules::default_rules().expect("rules");
    let docs = corpus();
    let mut g = c.benchmark_group("gazetteer");
    g.throughput(Throughput::Bytes(bytes(&docs)));
    // What the extractor does: fold (lower case, no accents, with a map back to the
    // source offsets), then one overlapping pass of the folded-alias automaton.
    g.bench_function("fold+automaton", |b| {
        let (mut folded, mut map) = (String::new(), Vec::new());
        b.iter(|| {
            let mut n = 0;
            for (_, t) in &docs {
                folded.clear();
                map.clear();
                talkgraph::extract::fold_into(t, &mut folded, &mut map);
                n += rules.automaton.find_overlapping_iter(&folded).count();
            }
            black_box(n)
        })
    });
    g.finish();
}

fn extraction(c: &mut Criterion) {
    let rules = talkgraph::rules::default_rules().expect("rules");
    let docs = corpus();
    let mut g = c.benchmark_group("extract");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(bytes(&docs)));
    g.bench_function("documents to one graph (1 thread)", |b| {
        b.iter(|| {
            let mut graph = KnowledgeGraph::new();
            let mut warnings = Vec::new();
            for (name, text) in &docs {
                let doc = talkgraph::pipeline::extract_bytes(
                    rules,
                    name,
                    text.clone().into_bytes(),
                    &mut warnings,
                );
                if let Some(d) = doc {
                    graph.merge(&d);
                }
            }
            black_box(graph.node_count())
        })
    });
    g.finish();
}

fn merging(c: &mut Criterion) {
    let parts: Vec<KnowledgeGraph> = (0..100).map(|s| synthetic(s, 10_000)).collect();
    let docs: Vec<GraphDoc> = parts.iter().map(KnowledgeGraph::to_doc).collect();
    let mut g = c.benchmark_group("merge");
    g.sample_size(10);
    g.bench_function("100 graphs of 10,000 nodes", |b| {
        // The merged graph is dropped outside the timing: freeing a million nodes is not
        // merging (and a process that writes its result and exits need not do it).
        b.iter_with_large_drop(|| {
            let mut all = KnowledgeGraph::new();
            for p in &parts {
                all.merge(p);
            }
            all.compact();
            all
        })
    });
    g.bench_function("100 JSON documents of 10,000 nodes", |b| {
        b.iter_with_large_drop(|| {
            let mut all = KnowledgeGraph::new();
            for d in &docs {
                all.merge_doc(d);
            }
            all.compact();
            all
        })
    });
    g.finish();
}

fn json(c: &mut Criterion) {
    let rules = talkgraph::rules::default_rules().expect("rules");
    let mut graph = KnowledgeGraph::new();
    for (name, text) in corpus() {
        if let Some(d) =
            talkgraph::pipeline::extract_bytes(rules, &name, text.into_bytes(), &mut Vec::new())
        {
            graph.merge(&d);
        }
    }
    graph.compact();
    let write = |graph: &mut KnowledgeGraph, out: &mut Vec<u8>| {
        talkgraph::export::write_graph(graph, Format::Json, &ExportOptions::default(), 1, None, out)
            .expect("serialize")
    };
    let mut text = Vec::new();
    write(&mut graph, &mut text);
    let mut g = c.benchmark_group("json");
    g.sample_size(20);
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("export (streamed from the graph)", |b| {
        b.iter_batched(
            || Vec::with_capacity(text.len()),
            |mut out| {
                write(&mut graph, &mut out);
                out
            },
            BatchSize::LargeInput,
        )
    });
    g.bench_function("load (from_json_str)", |b| {
        let text = std::str::from_utf8(&text).expect("utf-8");
        b.iter(|| {
            black_box(
                KnowledgeGraph::from_json_str(text)
                    .expect("parse")
                    .node_count(),
            )
        })
    });
    g.finish();
}

criterion_group!(benches, gazetteer, extraction, merging, json);
criterion_main!(benches);
