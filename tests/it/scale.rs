//! Corpus scale: the same bytes for any --jobs, file order and sharding (merge is associative
//! and commutative), and incremental updates with --into equal to a fresh extraction.

use crate::util::{TempDir, root, run, stderr};
use std::path::{Path, PathBuf};

/// The fixture documents, as paths relative to the repository root, sorted.
fn fixture_files() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(root().join("fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e == "md" || e == "txt" || e == "html")
        })
        .map(|p| format!("fixtures/{}", p.file_name().unwrap().to_string_lossy()))
        .collect();
    files.sort();
    files
}

/// Runs talkgraph, which must succeed, and returns stderr.
fn ok(args: &[&str]) -> String {
    let o = run(args, None);
    assert!(o.status.success(), "talkgraph {args:?}:\n{}", stderr(&o));
    stderr(&o)
}

fn bytes(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Asserts two graph files are the same bytes, printing both on a mismatch.
fn same(expected: &Path, actual: &Path, what: &str) {
    let (e, a) = (bytes(expected), bytes(actual));
    assert!(
        e == a,
        "{what}: differs\n--- expected ({})\n{e}\n--- actual ({})\n{a}",
        expected.display(),
        actual.display()
    );
}

/// Extracts `files` with `jobs` threads into `out`.
fn extract(files: &[String], jobs: usize, out: &Path) {
    let jobs = jobs.to_string();
    let mut args = vec!["extract", "--jobs", &jobs, "-o", out.to_str().unwrap()];
    args.extend(files.iter().map(String::as_str));
    ok(&args);
}

fn merge(parts: &[&PathBuf], out: &Path) {
    let mut args = vec!["merge", "-o", out.to_str().unwrap()];
    args.extend(parts.iter().map(|p| p.to_str().unwrap()));
    ok(&args);
}

#[test]
fn any_jobs_and_any_file_order_give_the_same_bytes() {
    let dir = TempDir::new("scale-jobs");
    let files = fixture_files();
    let reference = dir.path().join("ref.json");
    extract(&files, 1, &reference);
    same(
        &root().join("output/graph.json"),
        &reference,
        "--jobs 1 against output/graph.json",
    );
    let mut reversed = files.clone();
    reversed.reverse();
    let mut rotated = files.clone();
    rotated.rotate_left(2);
    for (name, order) in [
        ("sorted", &files),
        ("reversed", &reversed),
        ("rotated", &rotated),
    ] {
        for jobs in [1, 2, 4] {
            let out = dir.path().join(format!("{name}-{jobs}.json"));
            extract(order, jobs, &out);
            same(&reference, &out, &format!("{name} order, --jobs {jobs}"));
        }
    }
}

#[test]
fn shards_merge_to_one_run_whatever_the_split_order_and_grouping() {
    let dir = TempDir::new("scale-shards");
    let files = fixture_files();
    let reference = dir.path().join("ref.json");
    extract(&files, 1, &reference);
    // Each split is a list of shards, each shard a list of fixture indices: one and the
    // rest halved, odd and even backwards, each alone, and a rotation cut in two.
    let n = files.len();
    let all: Vec<usize> = (0..n).collect();
    let odd_even: Vec<Vec<usize>> = vec![
        all.iter().copied().filter(|i| i % 2 == 1).rev().collect(),
        all.iter().copied().filter(|i| i % 2 == 0).rev().collect(),
    ];
    let mut rotated = all.clone();
    rotated.rotate_left(3);
    let splits: Vec<Vec<Vec<usize>>> = vec![
        vec![vec![0], all[1..n / 2].to_vec(), all[n / 2..].to_vec()],
        odd_even,
        all.iter().map(|&i| vec![i]).collect(),
        vec![rotated[..n - 2].to_vec(), rotated[n - 2..].to_vec()],
    ];
    for (si, split) in splits.iter().enumerate() {
        let parts: Vec<PathBuf> = split
            .iter()
            .enumerate()
            .map(|(pi, shard)| {
                let part = dir.path().join(format!("split{si}-part{pi}.json"));
                let names: Vec<String> = shard.iter().map(|&i| files[i].clone()).collect();
                extract(&names, 1 + pi % 2, &part);
                part
            })
            .collect();
        // All at once, forwards and backwards.
        let all: Vec<&PathBuf> = parts.iter().collect();
        let out = dir.path().join(format!("split{si}-flat.json"));
        merge(&all, &out);
        same(&reference, &out, &format!("split {si}, merged in order"));
        let back: Vec<&PathBuf> = parts.iter().rev().collect();
        let out = dir.path().join(format!("split{si}-back.json"));
        merge(&back, &out);
        same(&reference, &out, &format!("split {si}, merged backwards"));
        // Grouped: the last two parts first, then the rest onto them.
        if parts.len() >= 3 {
            let n = parts.len();
            let inner = dir.path().join(format!("split{si}-inner.json"));
            merge(&[&parts[n - 1], &parts[n - 2]], &inner);
            let mut outer: Vec<&PathBuf> = vec![&inner];
            outer.extend(parts[..n - 2].iter());
            let out = dir.path().join(format!("split{si}-grouped.json"));
            merge(&outer, &out);
            same(
                &reference,
                &out,
                &format!("split {si}, merged in two steps"),
            );
        }
    }
    // Merging a graph with itself changes nothing.
    let out = dir.path().join("self.json");
    merge(&[&reference, &reference], &out);
    same(&reference, &out, "a graph merged with itself");
}

/// A copy of the fixtures in a temporary folder.
fn corpus_copy(dir: &Path) -> PathBuf {
    let corpus = dir.join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    for f in fixture_files() {
        let name = Path::new(&f).file_name().unwrap();
        std::fs::copy(root().join(&f), corpus.join(name)).unwrap();
    }
    corpus
}

/// Extracts `corpus` afresh into `out`.
fn fresh(corpus: &Path, out: &Path) {
    ok(&[
        "extract",
        corpus.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
}

/// Runs an incremental update and returns its summary (warnings about the documents, such
/// as a Latin-1 fixture's, left out).
fn update(corpus: &Path, graph: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "extract",
        corpus.to_str().unwrap(),
        "--into",
        graph.to_str().unwrap(),
        // Without the closing summary line (tested in `messages`): the update's own line stays.
        "--quiet",
    ];
    args.extend(extra);
    ok(&args)
        .lines()
        .filter(|l| !l.contains(": warning: "))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn into_skips_unchanged_replaces_changed_and_prunes_deleted_documents() {
    let dir = TempDir::new("scale-into");
    let corpus = corpus_copy(dir.path());
    let n = fixture_files().len();
    let graph = dir.path().join("graph.json");
    let expected = dir.path().join("expected.json");

    // A first update of a missing graph builds it.
    let err = update(&corpus, &graph, &[]);
    assert_eq!(
        err,
        format!("talkgraph: {n} documents: {n} added, 0 changed, 0 unchanged, 0 removed\n")
    );
    fresh(&corpus, &expected);
    same(&expected, &graph, "a first --into");

    // Nothing changed: nothing is extracted again, the graph stays the same bytes.
    let err = update(&corpus, &graph, &[]);
    assert_eq!(
        err,
        format!("talkgraph: {n} documents: 0 added, 0 changed, {n} unchanged, 0 removed\n")
    );
    same(&expected, &graph, "an update with no change");

    // One document rewritten: another speaker, another company, a new talk.
    let changed = corpus.join("fr-recap-plain.txt");
    let text = bytes(&changed);
    let first_para_end = text.find("\n\n").expect("a paragraph break");
    let edited = format!(
        "{}\n\nLightning Talks About Queues\nAïcha Benali, Staff Engineer chez Quillbyte, nous a présenté Kafka et Strimzi.{}",
        &text[..first_para_end],
        &text[first_para_end..]
    )
    .replacen("Kubernetes", "Nomad", 1);
    std::fs::write(&changed, edited).unwrap();
    let err = update(&corpus, &graph, &[]);
    assert_eq!(
        err,
        format!(
            "talkgraph: {n} documents: 0 added, 1 changed, {} unchanged, 0 removed\n",
            n - 1
        )
    );
    fresh(&corpus, &expected);
    same(&expected, &graph, "after changing one document");

    // A new document is added.
    std::fs::write(
        corpus.join("new.md"),
        "# Meetup Rust Lyon #3\n\n## Ownership Without Tears\n\nNina Petrova from Quillbyte presented the talk and showed Tokio.\n",
    )
    .unwrap();
    let err = update(&corpus, &graph, &[]);
    assert_eq!(
        err,
        format!(
            "talkgraph: {} documents: 1 added, 0 changed, {n} unchanged, 0 removed\n",
            n + 1
        )
    );
    fresh(&corpus, &expected);
    same(&expected, &graph, "after adding a document");

    // A document is deleted: kept unless --prune.
    std::fs::remove_file(corpus.join("en-prose-roundup.txt")).unwrap();
    let before = bytes(&graph);
    let err = update(&corpus, &graph, &[]);
    assert_eq!(
        err,
        format!("talkgraph: {n} documents: 0 added, 0 changed, {n} unchanged, 0 removed\n")
    );
    assert_eq!(before, bytes(&graph), "without --prune nothing is removed");
    let err = update(&corpus, &graph, &["--prune"]);
    assert_eq!(
        err,
        format!("talkgraph: {n} documents: 0 added, 0 changed, {n} unchanged, 1 removed\n")
    );
    fresh(&corpus, &expected);
    same(&expected, &graph, "after pruning a deleted document");
}

#[test]
fn into_with_another_format_needs_an_output() {
    let dir = TempDir::new("scale-into-format");
    let graph = dir.path().join("g.json");
    let o = run(
        &[
            "extract",
            "fixtures",
            "--into",
            graph.to_str().unwrap(),
            "--format",
            "dot",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with("talkgraph: --into writes JSON back to"),
        "{}",
        stderr(&o)
    );
    assert!(!graph.exists());
}

/// A write-up naming one person `times` times, each time at her company, with `extra`
/// lines of its own after.
fn repetitive(path: &Path, times: usize, extra: &str) {
    let mut text = String::from("# Talks at RustConf 2026\n\n");
    for _ in 0..times {
        text.push_str("Ada Lovelace from Google talked about Kubernetes.\n");
    }
    text.push_str(extra);
    std::fs::write(path, text).unwrap();
}

fn graph_json(p: &Path) -> serde_json::Value {
    serde_json::from_str(&bytes(p)).unwrap()
}

#[test]
fn a_repetitive_document_keeps_a_sample_of_its_mentions_and_counts_them_all() {
    let dir = TempDir::new("scale-cap");
    let (a, b) = (dir.path().join("a.md"), dir.path().join("b.md"));
    repetitive(&a, 5000, "");
    repetitive(&b, 10, "");
    let files = [
        a.to_str().unwrap().to_string(),
        b.to_str().unwrap().to_string(),
    ];
    let one = dir.path().join("one.json");
    extract(&files, 1, &one);
    let g = graph_json(&one);
    let ada = g["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["label"] == "Ada Lovelace")
        .expect("Ada Lovelace");
    let from = |source: &Path| {
        ada["mentions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["source"] == source.to_str().unwrap())
            .count()
    };
    // A sample of a's, all of b's: only a is counted.
    assert_eq!(from(&a), 1000);
    assert_eq!(from(&b), 10);
    assert_eq!(
        ada["mention_counts"],
        serde_json::json!({ a.to_str().unwrap(): 5000 })
    );
    let works_at = g["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["relation"] == "works_at")
        .expect("works_at");
    assert_eq!(works_at["evidence"].as_array().unwrap().len(), 1010);
    assert_eq!(
        works_at["evidence_counts"],
        serde_json::json!({ a.to_str().unwrap(): 5000 })
    );
    // The same bytes for any thread count and input order, and through merge.
    let two = dir.path().join("two.json");
    let reversed: Vec<String> = files.iter().rev().cloned().collect();
    extract(&reversed, 2, &two);
    same(&one, &two, "--jobs 2, inputs reversed");
    let (pa, pb, merged) = (
        dir.path().join("pa.json"),
        dir.path().join("pb.json"),
        dir.path().join("merged.json"),
    );
    extract(&files[..1], 1, &pa);
    extract(&files[1..], 1, &pb);
    merge(&[&pb, &pa], &merged);
    same(&one, &merged, "shards merged");
    // Show says how many are left out; 0 lifts the cap.
    let shown = crate::util::stdout(&run(&["show", one.to_str().unwrap(), "Ada Lovelace"], None));
    assert!(
        shown.contains(&format!("{}: 4000 more not kept", a.display())),
        "{shown}"
    );
    let all = dir.path().join("all.json");
    ok(&[
        "extract",
        "--max-mentions",
        "0",
        "-o",
        all.to_str().unwrap(),
        &files[0],
        &files[1],
    ]);
    let all_bytes = std::fs::metadata(&all).unwrap().len();
    assert!(!bytes(&all).contains("mention_counts"));
    assert!(all_bytes > 4 * std::fs::metadata(&one).unwrap().len());
    // A later merge caps a graph written without a cap as extract would have.
    let recapped = dir.path().join("recapped.json");
    merge(&[&all], &recapped);
    same(
        &one,
        &recapped,
        "uncapped graph merged under the default cap",
    );
}

#[test]
fn into_with_capped_documents_equals_a_fresh_run() {
    let dir = TempDir::new("scale-cap-into");
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    let (a, b) = (corpus.join("a.md"), corpus.join("b.md"));
    repetitive(&a, 300, "");
    repetitive(&b, 250, "Grace Hopper from Google talked about Rust.\n");
    let graph = dir.path().join("graph.json");
    let expected = dir.path().join("expected.json");
    let cap = ["--max-mentions", "100"];
    let fresh_capped = |out: &Path| {
        ok(&[
            "extract",
            cap[0],
            cap[1],
            corpus.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ]);
    };
    fresh_capped(&graph);
    assert!(bytes(&graph).contains("\"mention_counts\""));
    // b changes: its old sample and count go, the new ones come.
    repetitive(&b, 120, "");
    update(&corpus, &graph, &cap);
    fresh_capped(&expected);
    same(&expected, &graph, "--into after a change");
    // a goes: --prune drops its sample and count.
    std::fs::remove_file(&a).unwrap();
    update(&corpus, &graph, &[cap[0], cap[1], "--prune"]);
    fresh_capped(&expected);
    same(&expected, &graph, "--into --prune after a removal");
}
