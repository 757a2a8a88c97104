//! Measures loading a graph.json against a plain `serde_json::Value` parse of the same
//! text, then the latency of one-constant patterns on the loaded graph.
//!
//! Usage: `cargo run --release --example query_scale -- GRAPH.json [--from-doc]`
//! (`bench/query-scale.sh` generates the graph and runs this.)

use std::time::{Duration, Instant};
use talkgraph::KnowledgeGraph;
use talkgraph::query::{Format, QueryArgs, run_query_graph};

/// One-constant patterns over the generator's well-known names (the most connected
/// entities of their type), plus a few anchored on ordinary ones.
const PATTERNS: [&str; 10] = [
    "?p works_at Shopify",
    "?t mentions Kubernetes",
    "?t mentions K8s",
    "?t:talk mentions Grafana Labs",
    "?t part_of CloudCon 0",
    "Shopify develops ?p",
    "Ada Abreu 0 presents ?t",
    "Shopify ?r ?x",
    "?x ?r Kubernetes",
    "?p works_at Stack Grid Inc 100",
];

fn peak_rss_mb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// Runs one baseline in a child process and returns (seconds, peak RSS in MB): the
/// baselines allocate gigabytes whose release would otherwise slow this process's
/// queries, which the CLI (one load, one query) never sees.
fn child(mode: &str, path: &str) -> (f64, u64) {
    let exe = std::env::current_exe().expect("own path");
    let out = std::process::Command::new(exe)
        .args([mode, path])
        .output()
        .expect("run baseline");
    assert!(out.status.success(), "{mode} failed");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut it = text.split_whitespace();
    let secs = it.next().and_then(|s| s.parse().ok()).expect("seconds");
    let rss = it.next().and_then(|s| s.parse().ok()).expect("rss");
    (secs, rss)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [mode, path] if mode == "--child-value" || mode == "--child-from-doc" => {
            let text = std::fs::read_to_string(path).expect("read graph");
            let t = Instant::now();
            if mode == "--child-value" {
                let v: serde_json::Value = serde_json::from_str(&text).expect("parse");
                let d = t.elapsed();
                println!("{} {}", d.as_secs_f64(), peak_rss_mb());
                std::mem::forget(v);
            } else {
                let doc: talkgraph::GraphDoc = serde_json::from_str(&text).expect("parse");
                let kg = KnowledgeGraph::from_doc(&doc);
                let d = t.elapsed();
                println!("{} {}", d.as_secs_f64(), peak_rss_mb());
                std::mem::forget((doc, kg));
            }
            return;
        }
        _ => {}
    }
    let path = args
        .first()
        .expect("usage: query_scale GRAPH.json [--from-doc]")
        .clone();
    let from_doc = args.get(1).map(String::as_str) == Some("--from-doc");

    let (value_secs, value_rss) = child("--child-value", &path);
    let value_time = Duration::from_secs_f64(value_secs);
    println!(
        "serde_json::Value parse:       {} (peak RSS {value_rss} MB)",
        ms(value_time)
    );
    if from_doc {
        let (secs, rss) = child("--child-from-doc", &path);
        println!(
            "GraphDoc parse + from_doc:     {} ({:.2}x the Value parse, peak RSS {rss} MB)",
            ms(Duration::from_secs_f64(secs)),
            secs / value_secs
        );
    }

    let t = Instant::now();
    let text = std::fs::read_to_string(&path).expect("read graph");
    println!(
        "file: {} MB, read in {}",
        text.len() / 1_000_000,
        ms(t.elapsed())
    );

    let t = Instant::now();
    let kg = KnowledgeGraph::from_json_str(&text).expect("load");
    let load_time = t.elapsed();
    drop(text);
    println!(
        "KnowledgeGraph::from_json_str: {} ({:.2}x the Value parse), {} nodes, {} edges",
        ms(load_time),
        load_time.as_secs_f64() / value_time.as_secs_f64(),
        kg.node_count(),
        kg.edge_count()
    );

    println!("query latency after load (best / median / worst of 5 runs, output to memory):");
    let mut worst_overall = Duration::ZERO;
    for p in PATTERNS {
        let args = QueryArgs {
            graph: path.clone().into(),
            patterns: vec![p.to_string()],
            format: Format::Table,
            limit: None,
            evidence: false,
            rules: None,
            output: None,
            quiet: false,
        };
        let mut times = Vec::new();
        let mut rows = 0;
        for _ in 0..5 {
            let mut out = Vec::new();
            let t = Instant::now();
            run_query_graph(&kg, &args, &mut out).expect("query runs");
            times.push(t.elapsed());
            rows = out
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                .saturating_sub(1);
        }
        times.sort();
        worst_overall = worst_overall.max(times[2]);
        println!(
            "  {:<34} {:>6} rows  {:>8} / {:>8} / {:>8}",
            format!("'{p}'"),
            rows,
            ms(times[0]),
            ms(times[2]),
            ms(times[4])
        );
    }
    println!("slowest one-constant query (median): {}", ms(worst_overall));

    let args = QueryArgs {
        graph: path.into(),
        patterns: vec!["?p works_at Shopfy Inc".into()],
        format: Format::Table,
        limit: None,
        evidence: false,
        rules: None,
        output: None,
        quiet: false,
    };
    let t = Instant::now();
    let e = run_query_graph(&kg, &args, &mut Vec::new()).expect_err("a miss");
    println!(
        "miss with suggestions: {} ({})",
        ms(t.elapsed()),
        e.to_string().lines().next().unwrap_or("")
    );
    println!("peak RSS (text, graph, queries): {} MB", peak_rss_mb());
    // Freeing millions of small allocations takes seconds and measures nothing.
    std::mem::forget(kg);
}
