//! Writes a synthetic, well-typed graph.json for the query benchmarks.
//! Fixed seed: the same arguments always give the same bytes.
//!
//! Usage: `cargo run --release --example gen_graph -- NODES EDGES OUT.json`

use std::collections::HashSet;
use std::io::{BufWriter, Write};

#[path = "support/rng.rs"]
mod rng;
use rng::Rng;

/// What this generator draws beyond numbers.
impl Rng {
    fn popular(&mut self, n: usize) -> usize {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((u * u * u) * n as f64) as usize % n
    }
}

const FIRST: [&str; 16] = [
    "Ada", "Kim", "Josue", "Ricardo", "Amara", "Li", "Noor", "Sven", "Ines", "Tomas", "Yuki",
    "Olga", "Marek", "Chloe", "Ravi", "Zoe",
];
const LAST: [&str; 16] = [
    "Abreu",
    "Rocha",
    "Schlesinger",
    "Okafor",
    "Nguyen",
    "Larsen",
    "Moreau",
    "Kowalski",
    "Tanaka",
    "Silva",
    "Haddad",
    "Novak",
    "Dubois",
    "Iyer",
    "Fischer",
    "Costa",
];
const WORDS: [&str; 16] = [
    "Cloud", "Mesh", "Flux", "Kube", "Stack", "Forge", "Grid", "Pulse", "Vault", "Trace", "Edge",
    "Hub", "Lake", "Scale", "Core", "Wave",
];
/// Well-known names first so benchmarks can ask about them.
const COMPANIES: [&str; 3] = ["Shopify", "Grafana Labs", "DigitalOcean"];
const PROJECTS: [&str; 3] = ["Kubernetes", "Crossplane", "Prometheus"];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [nodes, edges, out] = args.as_slice() else {
        eprintln!("usage: gen_graph NODES EDGES OUT.json");
        std::process::exit(2);
    };
    let nodes: usize = nodes.parse().expect("NODES is a number");
    let edges: usize = edges.parse().expect("EDGES is a number");
    let file = std::fs::File::create(out).expect("create output");
    let mut w = BufWriter::with_capacity(1 << 20, file);
    let mut rng = Rng(0x7a1c_6ea9);

    // 40% people, 10% companies, 20% projects, 25% talks, 5% events.
    let counts = [
        ("person", nodes * 40 / 100),
        ("company", (nodes * 10 / 100).max(3)),
        ("project", (nodes * 20 / 100).max(3)),
        ("talk", nodes * 25 / 100),
        ("event", (nodes * 5 / 100).max(1)),
    ];
    let mut ids: Vec<Vec<String>> = Vec::new();
    writeln!(
        w,
        r#"{{"directed":true,"multigraph":true,"graph":{{"generator":"gen_graph","sources":[]}},"nodes":["#
    )
    .unwrap();
    let mut first = true;
    for (kind, n) in counts {
        let mut list = Vec::with_capacity(n);
        for i in 0..n {
            let label = match kind {
                "person" => format!("{} {} {i}", FIRST[i % 16], LAST[(i / 16) % 16]),
                "company" if i < COMPANIES.len() => COMPANIES[i].to_string(),
                "project" if i < PROJECTS.len() => PROJECTS[i].to_string(),
                "company" => format!("{} {} Inc {i}", WORDS[i % 16], WORDS[(i / 16) % 16]),
                "project" => format!("{}{} {i}", WORDS[i % 16], WORDS[(i / 16) % 16]),
                "talk" => format!(
                    "Scaling {} with {} part {i}",
                    WORDS[i % 16],
                    WORDS[(i / 16) % 16]
                ),
                _ => format!("{}Con {i}", WORDS[i % 16]),
            };
            let id = format!("{kind}:{}", talkgraph::fold::slug(&label));
            if !first {
                w.write_all(b",\n").unwrap();
            }
            first = false;
            let aliases = if kind == "project" && i == 0 {
                r#"["K8s"]"#
            } else {
                "[]"
            };
            write!(
                w,
                r#"{{"id":"{id}","type":"{kind}","label":"{label}","aliases":{aliases},"attributes":{{}},"mentions":[{{"source":"docs/doc-{}.md","start":{},"end":{},"line":{},"text":"{label}"}}]}}"#,
                rng.below(20_000),
                i % 5000,
                i % 5000 + label.len(),
                i % 300 + 1
            )
            .unwrap();
            list.push(id);
        }
        ids.push(list);
    }
    w.write_all(b"],\n\"edges\":[\n").unwrap();

    // (relation, source kind, target kind, share of edges in percent)
    let shapes = [
        ("works_at", 0, 1, 20),
        ("presents", 0, 3, 20),
        ("mentions", 3, 2, 30),
        ("mentions", 3, 1, 10),
        ("part_of", 3, 4, 10),
        ("develops", 1, 2, 10),
    ];
    let mut seen: HashSet<(u8, u32, u32)> = HashSet::with_capacity(edges);
    let mut first = true;
    let mut written = 0;
    while written < edges {
        let pick = rng.below(100);
        let mut acc = 0;
        let (shape, &(rel, from, to, _)) = shapes
            .iter()
            .enumerate()
            .find(|(_, s)| {
                acc += s.3;
                pick < acc
            })
            .expect("shares add up to 100");
        let s = rng.below(ids[from].len());
        let t = rng.popular(ids[to].len());
        if !seen.insert((shape as u8, s as u32, t as u32)) {
            continue;
        }
        if !first {
            w.write_all(b",\n").unwrap();
        }
        first = false;
        let doc = rng.below(20_000);
        let line = rng.below(300) + 1;
        write!(
            w,
            r#"{{"source":"{}","target":"{}","key":0,"relation":"{rel}","rule":"{rel}.synthetic","confidence":0.8,"evidence":[{{"source":"docs/doc-{doc}.md","start":{},"end":{},"line":{line},"text":"synthetic sentence {written} about {rel}"}}]}}"#,
            ids[from][s],
            ids[to][t],
            line * 40,
            line * 40 + 30
        )
        .unwrap();
        written += 1;
    }
    w.write_all(b"\n]}\n").unwrap();
    w.flush().unwrap();
}
