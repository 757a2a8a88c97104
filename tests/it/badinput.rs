//! Bad input never breaks a run or loses a graph: folders with loops, dangling links and
//! pipes, unreadable files, unsafe writes, huge inputs, damaged graph JSON, hostile labels.

use crate::util::{TempDir, run, stderr, stdout};
use std::path::Path;

fn write(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

fn sources(json: &[u8]) -> Vec<String> {
    let g: serde_json::Value = serde_json::from_slice(json).expect("a graph JSON");
    g["graph"]["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

fn p(path: &Path) -> &str {
    path.to_str().expect("UTF-8 temp path")
}

const ONE: &str = "Meetup Cloud Lyon\n\nAïcha Benali de chez Quillbyte a présenté Kafka.\n";
const TWO: &str = "Kim Schlesinger from DigitalOcean presented Kubernetes.\n";

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let made = std::process::Command::new("mkfifo").arg(path).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo {}", path.display());
}

/// A file every read of which fails, even for root (who reads a mode-000 file anyway):
/// offset 0 of a process's memory is never mapped.
#[cfg(target_os = "linux")]
fn unreadable(path: &Path) {
    std::os::unix::fs::symlink("/proc/self/mem", path).unwrap();
}

#[cfg(unix)]
#[test]
fn folder_walk_reads_each_file_once_and_skips_loops_links_pipes_and_tooling() {
    use std::os::unix::fs::symlink;
    let dir = TempDir::new("bad-walk");
    let c = dir.path().join("c");
    write(&c.join("a.md"), ONE);
    write(&c.join("sub/b.txt"), TWO);
    write(&c.join(".git/x.md"), ONE);
    write(&c.join("node_modules/pkg/y.md"), ONE);
    symlink("..", c.join("sub/loop")).unwrap();
    symlink("sub", c.join("z-link")).unwrap();
    symlink("user@host.1234", c.join(".#post.md")).unwrap();
    mkfifo(&c.join("fifo.md"));
    let o = run(&["extract", p(&c)], None);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let c = p(&c);
    assert_eq!(
        sources(&o.stdout),
        [format!("{c}/a.md"), format!("{c}/sub/b.txt")]
    );
    for want in [
        format!("{c}/.#post.md: skipped: a symbolic link to nothing"),
        format!("{c}/fifo.md: skipped: not a regular file"),
        format!("{c}/sub/loop: skipped: a symbolic link back to {c} (a loop)"),
        format!("{c}/z-link/b.txt: the same file as {c}/sub/b.txt: read once"),
    ] {
        assert!(err.contains(&want), "no `{want}` in:\n{err}");
    }
}

#[test]
fn the_same_file_named_twice_is_read_once() {
    let dir = TempDir::new("bad-twice");
    let a = dir.path().join("a.md");
    write(&a, ONE);
    let again = format!("{}/./a.md", p(dir.path()));
    let o = run(&["extract", p(&a), &again], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(sources(&o.stdout), [p(&a)]);
    assert!(stderr(&o).contains("the same file as"), "{}", stderr(&o));
}

#[cfg(target_os = "linux")]
#[test]
fn an_unreadable_file_is_skipped_and_the_run_exits_3() {
    let dir = TempDir::new("bad-unreadable");
    let c = dir.path().join("c");
    write(&c.join("a.md"), ONE);
    write(&c.join("c.txt"), TWO);
    unreadable(&c.join("b.md"));
    let out = dir.path().join("g.json");
    for jobs in ["1", "2"] {
        let o = run(&["extract", p(&c), "-o", p(&out), "--jobs", jobs], None);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(3), "{err}");
        assert!(
            err.contains(&format!("warning: {}/b.md: ", p(&c))),
            "the bad file is named: {err}"
        );
        assert!(
            err.contains("partial run: 1 of 3 inputs could not be read"),
            "{err}"
        );
        let c = p(&c);
        assert_eq!(
            sources(&std::fs::read(&out).unwrap()),
            [format!("{c}/a.md"), format!("{c}/c.txt")]
        );
    }
    // Alone, it makes no graph at all: an error, and nothing is written.
    std::fs::remove_file(&out).unwrap();
    let o = run(&["extract", p(&c.join("b.md")), "-o", p(&out)], None);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).starts_with(&format!("talkgraph: {}/b.md: ", p(&c))));
    assert!(!out.exists());
}

#[cfg(target_os = "linux")]
#[test]
fn prune_keeps_the_documents_it_could_not_read() {
    let dir = TempDir::new("bad-prune");
    let c = dir.path().join("c");
    write(&c.join("a.md"), ONE);
    write(&c.join("b.md"), TWO);
    let g = dir.path().join("g.json");
    let o = run(&["extract", p(&c), "--into", p(&g)], None);
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::remove_file(c.join("b.md")).unwrap();
    unreadable(&c.join("b.md"));
    let o = run(&["extract", p(&c), "--into", p(&g), "--prune"], None);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let c = p(&c);
    assert_eq!(
        sources(&std::fs::read(&g).unwrap()),
        [format!("{c}/a.md"), format!("{c}/b.md")]
    );
}

#[test]
fn help_documents_every_exit_code() {
    let o = run(&["--help"], None);
    let help = stdout(&o);
    for code in [
        "  0  success",
        "  1  no result",
        "  2  error",
        "  3  partial",
        "  130  interrupted",
    ] {
        assert!(help.contains(code), "no `{code}` in --help:\n{help}");
    }
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

#[cfg(unix)]
#[test]
fn a_rewritten_graph_keeps_its_mode_and_a_new_one_gets_the_usual_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("bad-mode");
    let a = dir.path().join("a.md");
    write(&a, ONE);
    let g = dir.path().join("g.json");
    let o = run(&["extract", p(&a), "-o", p(&g)], None);
    assert!(o.status.success(), "{}", stderr(&o));
    // What any program creating a file gets under the test's umask.
    let reference = dir.path().join("reference");
    write(&reference, "");
    assert_eq!(mode(&g), mode(&reference));
    std::fs::set_permissions(&g, std::fs::Permissions::from_mode(0o600)).unwrap();
    write(&a, TWO);
    let o = run(&["extract", p(&a), "--into", p(&g)], None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(mode(&g), 0o600, "--into kept the graph private");
    let merged = dir.path().join("m.json");
    write(&merged, "");
    std::fs::set_permissions(&merged, std::fs::Permissions::from_mode(0o640)).unwrap();
    let o = run(&["merge", p(&g), "-o", p(&merged)], None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(mode(&merged), 0o640);
    // Nothing is left beside the outputs.
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["a.md", "g.json", "m.json", "reference"]);
}

#[cfg(unix)]
#[test]
fn dev_null_stays_a_device() {
    use std::os::unix::fs::FileTypeExt;
    let o = run(
        &["extract", "fixtures", "-o", "/dev/null", "--format", "json"],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let meta = std::fs::symlink_metadata("/dev/null").unwrap();
    assert!(meta.file_type().is_char_device());
}

#[test]
fn a_missing_output_folder_is_reported_before_any_work() {
    let dir = TempDir::new("bad-nofolder");
    let out = dir.path().join("no/such/folder/g.json");
    // The rule folder is missing too: the output is checked first, before rules or text.
    let o = run(
        &[
            "extract",
            "fixtures",
            "--rules",
            "no/such/rules",
            "-o",
            p(&out),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!(
            "talkgraph: {}: cannot write there: the folder '{}' does not exist; create it first (mkdir -p '{}')\n",
            p(&out),
            p(out.parent().unwrap()),
            p(out.parent().unwrap())
        )
    );
    for args in [
        vec!["convert", "output/graph.json", "-o", p(&out)],
        vec!["merge", "output/graph.json", "-o", p(&out)],
    ] {
        let o = run(&args, None);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains("does not exist; create it first"));
    }
}

#[test]
fn output_never_overwrites_an_input() {
    let dir = TempDir::new("bad-overwrite");
    let c = dir.path().join("c");
    let a = c.join("a.md");
    write(&a, ONE);
    let g = dir.path().join("g.json");
    let o = run(&["extract", p(&a), "-o", p(&g)], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let graph = std::fs::read(&g).unwrap();
    let cases: [(Vec<&str>, &Path, &Path); 4] = [
        (
            vec!["extract", p(&c), "-o", p(&a), "--format", "json"],
            &a,
            &a,
        ),
        (vec!["merge", p(&g), "-o", p(&g)], &g, &g),
        (vec!["convert", p(&g), "-o", p(&g)], &g, &g),
        (vec!["subgraph", p(&g), "Aïcha Benali", "-o", p(&g)], &g, &g),
    ];
    for (args, output, input) in cases {
        let before = std::fs::read(input).unwrap();
        let o = run(&args, None);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        let want = format!("-o '{}' would overwrite the input", p(output));
        assert!(stderr(&o).contains(&want), "{args:?}: {}", stderr(&o));
        assert_eq!(std::fs::read(input).unwrap(), before, "{args:?}");
    }
    assert_eq!(std::fs::read(&g).unwrap(), graph);
}

#[cfg(unix)]
#[test]
fn an_endless_device_is_refused_not_read_whole() {
    let o = run(&["extract", "/dev/zero"], None);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "talkgraph: /dev/zero: larger than the input size limit (100M); raise it with --max-file-size (e.g. 200M), or leave the file out\n"
    );
}

#[test]
fn a_huge_file_in_a_folder_is_left_out_by_its_size() {
    let dir = TempDir::new("bad-huge");
    let c = dir.path().join("c");
    write(&c.join("a.md"), ONE);
    // Sparse: 3 GB that take no disk, and would take 3 GB of memory if read.
    let huge = std::fs::File::create(c.join("huge.md")).unwrap();
    huge.set_len(3 << 30).unwrap();
    let o = run(&["extract", p(&c)], None);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(
        err.contains(&format!(
            "warning: {}/huge.md: larger than the input size limit (100M)",
            p(&c)
        )),
        "{err}"
    );
    assert_eq!(sources(&o.stdout), [format!("{}/a.md", p(&c))]);
}

#[test]
fn max_file_size_lowers_and_raises_the_limit() {
    let dir = TempDir::new("bad-limit");
    let a = dir.path().join("a.md");
    write(&a, &ONE.repeat(40)); // about 2.5 KB
    let o = run(&["extract", p(&a), "--max-file-size", "1K"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("(1K); raise it with --max-file-size (e.g. 2K)"),
        "{}",
        stderr(&o)
    );
    let o = run(&["extract", p(&a), "--max-file-size", "4KiB"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(&["extract", "-", "--max-file-size", "10"], Some(ONE));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with("talkgraph: <stdin>: larger than"));
    let o = run(&["extract", p(&a), "--max-file-size", "lots"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("'lots' is not a size: write bytes or a number with K, M or G"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_graph_saved_with_a_byte_order_mark_is_read() {
    let dir = TempDir::new("bad-bom");
    let g = dir.path().join("g.json");
    let mut bytes = b"\xef\xbb\xbf".to_vec();
    bytes.extend(std::fs::read(crate::util::root().join("output/graph.json")).unwrap());
    std::fs::write(&g, bytes).unwrap();
    let o = run(&["stats", p(&g)], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(&["merge", p(&g)], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        o.stdout,
        std::fs::read(crate::util::root().join("output/graph.json")).unwrap()
    );
}

/// An edge: (source, relation, target) with the (start, line) of each piece of evidence.
type Edge = (String, String, String, Vec<(u64, u64)>);

/// The edges of a graph JSON.
fn edges(json: &[u8]) -> Vec<Edge> {
    let doc: serde_json::Value = serde_json::from_slice(json).expect("graph JSON");
    doc["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| {
            let s = |k: &str| e[k].as_str().expect("string").to_string();
            let ev = e["evidence"].as_array().expect("evidence");
            let ev = ev
                .iter()
                .map(|v| (v["start"].as_u64().unwrap(), v["line"].as_u64().unwrap()))
                .collect();
            (s("source"), s("relation"), s("target"), ev)
        })
        .collect()
}

#[test]
fn identical_lines_make_one_edge_with_one_piece_of_evidence_per_line() {
    // Issue: 200k copies of one line (98 s when evidence was compared pairwise).
    let dir = TempDir::new("bad-identical");
    let f = dir.path().join("same.txt");
    let line = "Ana Ruiz works at Qorp.\n";
    write(&f, &line.repeat(5_000));
    // Every piece kept (the default cap would keep a sample of 1,000).
    let o = run(
        &["extract", "--jobs", "1", "--max-mentions", "0", p(&f)],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let edges = edges(&o.stdout);
    assert_eq!(edges.len(), 1);
    let (from, relation, to, evidence) = &edges[0];
    assert_eq!(
        (from.as_str(), relation.as_str(), to.as_str()),
        ("person:ana-ruiz", "works_at", "company:qorp")
    );
    // No line's evidence holds another's: every line keeps its own, once.
    let want: Vec<(u64, u64)> = (0..5_000u64)
        .map(|i| (i * line.len() as u64, i + 1))
        .collect();
    assert_eq!(evidence, &want);
}

#[test]
fn one_long_line_of_sentences_finds_what_the_same_sentences_on_their_own_lines_find() {
    // Issue: one line of a megabyte (every unit-wide scan ran over the whole document).
    // A space or a newline after each full stop: the same bytes apart from the breaks.
    let dir = TempDir::new("bad-one-line");
    let sentence = "Ana Ruiz from Qorp talked about Rust at KubeCon. Li Wei works at Zylo.";
    let one = dir.path().join("one.txt");
    let many = dir.path().join("many.txt");
    write(&one, &format!("{sentence} ").repeat(2_000));
    write(&many, &format!("{sentence}\n").repeat(2_000));
    // Every piece kept: the two files' samples would differ, each drawn by its own name.
    let all = ["extract", "--jobs", "1", "--max-mentions", "0"];
    let a = run(&[&all[..], &[p(&one)]].concat(), None);
    let b = run(&[&all[..], &[p(&many)]].concat(), None);
    assert!(a.status.success() && b.status.success());
    let strip_lines = |e: Vec<Edge>| {
        e.into_iter()
            .map(|(f, r, t, ev)| (f, r, t, ev.into_iter().map(|(s, _)| s).collect::<Vec<_>>()))
            .collect::<Vec<_>>()
    };
    let (ea, eb) = (strip_lines(edges(&a.stdout)), strip_lines(edges(&b.stdout)));
    assert!(!ea.is_empty());
    assert_eq!(ea, eb);
    let ids = |json: &[u8]| {
        let doc: serde_json::Value = serde_json::from_slice(json).unwrap();
        doc["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&a.stdout), ids(&b.stdout));
}

#[test]
fn a_graph_with_nested_evidence_on_one_edge_keeps_only_the_tightest_per_source() {
    // Issue: a crafted graph with 100k spans on one edge cost every command seconds.
    let dir = TempDir::new("bad-nested");
    let doc = dir.path().join("a.txt");
    write(&doc, "Ana Ruiz works at Qorp.\n");
    let o = run(&["extract", p(&doc)], None);
    let mut graph: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let span = |source: &str, start: u64, end: u64, line: u64| serde_json::json!({"source": source, "start": start, "end": end, "line": line, "text": "t"});
    let mut evidence: Vec<serde_json::Value> = (0..2_000)
        .map(|i| span("a.txt", i, 10_000 - i, 1))
        .collect();
    evidence.push(span("a.txt", 20_000, 20_010, 3));
    evidence.push(span("b.txt", 0, 10_000, 1));
    graph["edges"][0]["evidence"] = evidence.into();
    let g = dir.path().join("g.json");
    write(&g, &graph.to_string());
    let o = run(&["merge", p(&g)], None);
    assert!(o.status.success(), "{}", stderr(&o));
    // Each a.txt span holds the next one in: only the innermost is kept; b.txt's own.
    assert_eq!(edges(&o.stdout)[0].3, [(1_999, 1), (20_000, 3), (0, 1)]);
    // Nested pieces are not pieces beyond the cap: nothing was left out.
    assert!(!stdout(&o).contains("evidence_counts"), "{}", stdout(&o));
}

/// The graph the query tests use, as text.
fn query_graph() -> String {
    std::fs::read_to_string(crate::util::root().join("tests/data/query-graph.json")).unwrap()
}

/// `query_graph()` changed by `f`.
fn edited(f: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut g: serde_json::Value = serde_json::from_str(&query_graph()).unwrap();
    f(&mut g);
    serde_json::to_string_pretty(&g).unwrap()
}

#[test]
fn a_graph_is_told_by_its_content_not_only_by_a_lowercase_json_name() {
    let dir = TempDir::new("bad-sniff");
    let graph = query_graph();
    let by_name = run(
        &["query", "tests/data/query-graph.json", "?p works_at ?c"],
        None,
    );
    assert_eq!(by_name.status.code(), Some(0), "{}", stderr(&by_name));
    let upper = dir.path().join("G.JSON");
    write(&upper, &graph);
    let plain = dir.path().join("graph.txt");
    write(&plain, &graph);
    // /dev/stdin is what `<(…)` hands over: a pipe with no extension.
    for (input, stdin) in [
        ("-", Some(graph.as_str())),
        ("/dev/stdin", Some(graph.as_str())),
        (p(&upper), None),
        (p(&plain), None),
    ] {
        let o = run(&["query", input, "?p works_at ?c"], stdin);
        assert_eq!(o.status.code(), Some(0), "{input}: {}", stderr(&o));
        assert_eq!(stdout(&o), stdout(&by_name), "{input}");
        let o = run(&["stats", input], stdin);
        assert!(
            stdout(&o).starts_with("nodes  26\n"),
            "{input}: {}",
            stdout(&o)
        );
    }
    // convert and merge read graphs whatever the name.
    let want = run(&["merge", "tests/data/query-graph.json"], None).stdout;
    for args in [
        vec!["convert", p(&plain), "--format", "json"],
        vec!["merge", p(&plain)],
    ] {
        let o = run(&args, None);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert_eq!(o.stdout, want, "{args:?}");
    }
    let o = run(&["convert", "-", "--format", "json"], Some(&graph));
    assert_eq!(o.stdout, want);
    // Prose with JSON front matter stays prose.
    let md = dir.path().join("post");
    write(&md, &format!("{{\"title\": \"Notes\"}}\n\n{TWO}"));
    let o = run(&["query", p(&md), "?p works_at ?c"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("Kim Schlesinger"), "{}", stdout(&o));
    // Not a graph, though named as one: said so, not extracted.
    let o = run(&["convert", p(&md), "--format", "json"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with(&format!("talkgraph: {}:1:", p(&md))),
        "{}",
        stderr(&o)
    );
}

/// query-graph.json with one node of each kind of loss: a capitalised type, an edge to
/// that node (so to no kept id), an unknown relation, an edge whose ends do not fit.
fn lossy_graph() -> String {
    edited(|g| {
        g["nodes"].as_array_mut().unwrap().push(serde_json::json!(
            {"id": "person:bob", "type": "Person", "label": "Bob"}));
        g["edges"].as_array_mut().unwrap().extend([
            serde_json::json!({"source": "person:bob", "target": "company:cern",
                "relation": "works_at", "rule": "r", "confidence": 0.5}),
            serde_json::json!({"source": "company:cern", "target": "company:digitalocean",
                "relation": "knows", "rule": "r", "confidence": 0.5}),
            serde_json::json!({"source": "company:cern", "target": "company:digitalocean",
                "relation": "works_at", "rule": "r", "confidence": 0.5}),
        ]);
    })
}

#[test]
fn data_a_graph_cannot_hold_is_reported_and_into_refuses_to_lose_it() {
    let dir = TempDir::new("bad-dropped");
    let g = dir.path().join("g.json");
    write(&g, &lossy_graph());
    let said = |err: &str| {
        for want in [
            &format!(
                "talkgraph: warning: {}: left out 1 node of an unknown type (\"Person\": 1; types are person, company, project, talk, event, in lower case)",
                p(&g)
            ),
            "1 edge whose source or target is no node's id",
            "1 edge of an unknown relation (\"knows\": 1;",
            "1 edge whose ends' types do not fit the relation (works_at: person to company",
        ] {
            assert!(err.contains(want), "no `{want}` in:\n{err}");
        }
    };
    for args in [
        vec!["merge", p(&g)],
        vec!["convert", p(&g), "--format", "dot"],
    ] {
        let o = run(&args, None);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        said(&stderr(&o));
    }
    let a = dir.path().join("a.md");
    write(&a, ONE);
    let before = std::fs::read(&g).unwrap();
    let o = run(&["extract", p(&a), "--into", p(&g)], None);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.starts_with(&format!(
            "talkgraph: {}: not updated: writing it back would lose 1 node of an unknown type",
            p(&g)
        )),
        "{err}"
    );
    assert!(
        err.contains("; fix the file, or give --force to write it without them"),
        "{err}"
    );
    assert_eq!(std::fs::read(&g).unwrap(), before, "the graph is untouched");
    let o = run(&["extract", p(&a), "--into", p(&g), "--force"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    said(&stderr(&o));
    let after: serde_json::Value = serde_json::from_slice(&std::fs::read(&g).unwrap()).unwrap();
    assert!(
        after["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["type"] != "Person")
    );
}

#[test]
fn every_graph_writer_writes_format_version_and_a_newer_one_is_refused() {
    let dir = TempDir::new("bad-version");
    let a = dir.path().join("a.md");
    write(&a, ONE);
    let g = dir.path().join("g.json");
    let o = run(&["extract", p(&a), "-o", p(&g)], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let version = |bytes: &[u8]| {
        let v: serde_json::Value = serde_json::from_slice(bytes).expect("graph JSON");
        v["graph"]["format_version"].clone()
    };
    assert_eq!(version(&std::fs::read(&g).unwrap()), 1);
    // query-graph.json has no format_version: it is read as the current one.
    for args in [
        vec!["merge", "tests/data/query-graph.json"],
        vec!["convert", "tests/data/query-graph.json", "--format", "json"],
        vec!["subgraph", "tests/data/query-graph.json", "CERN"],
        vec!["extract", p(&a), "--format", "json"],
    ] {
        let o = run(&args, None);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        assert_eq!(version(&o.stdout), 1, "{args:?}");
    }
    let newer = dir.path().join("newer.json");
    write(&newer, &edited(|g| g["graph"]["format_version"] = 2.into()));
    for args in [
        vec!["stats", p(&newer)],
        vec!["merge", p(&newer)],
        vec!["extract", p(&a), "--into", p(&newer)],
    ] {
        let before = std::fs::read(&newer).unwrap();
        let o = run(&args, None);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert!(
            err.starts_with(&format!("talkgraph: {}:", p(&newer))),
            "{err}"
        );
        assert!(
            err.contains("graph.format_version is 2, newer than this talkgraph")
                && err.contains("upgrade talkgraph to read it"),
            "{err}"
        );
        assert_eq!(std::fs::read(&newer).unwrap(), before);
    }
}

#[test]
fn values_outside_the_contract_are_refused_with_their_json_path() {
    let dir = TempDir::new("bad-values");
    let cases = [
        (
            edited(|g| g["edges"][0]["confidence"] = (-5).into()),
            "edges[0].confidence is -5.0: a confidence is a number from 0 to 1",
        ),
        (
            edited(|g| g["edges"][2]["confidence"] = 1e308.into()),
            "edges[2].confidence is 1e308: a confidence is a number from 0 to 1",
        ),
        (
            edited(|g| {
                g["nodes"][1]["mentions"][0]["start"] = 500.into();
            }),
            "nodes[1].mentions[0] starts at byte 500 after its end at 193: a span's start is at most its end",
        ),
        (
            edited(|g| {
                g["edges"][1]["evidence"][0]["end"] = 0.into();
            }),
            "edges[1].evidence[0] starts at byte",
        ),
        (
            edited(|g| g["graph"]["format_version"] = 0.into()),
            "graph.format_version is 0, which no talkgraph writes (versions start at 1): give 1, or leave the field out",
        ),
        (
            // Two nodes under one id: every edge to it would go to whichever came last.
            edited(|g| {
                let mut twin = g["nodes"][0].clone();
                twin["label"] = "Someone Else".into();
                twin["aliases"] = serde_json::json!([]);
                twin["mentions"] = serde_json::json!([]);
                g["nodes"].as_array_mut().unwrap().push(twin);
            }),
            "nodes[26].id \"company:cern\" is already the id of another node: an edge could not tell them apart; give each node an id of its own",
        ),
    ];
    for (i, (text, want)) in cases.iter().enumerate() {
        let g = dir.path().join(format!("g{i}.json"));
        write(&g, text);
        for cmd in ["stats", "merge"] {
            let o = run(&[cmd, p(&g)], None);
            assert_eq!(o.status.code(), Some(2), "{want}");
            let err = stderr(&o);
            // file:line:column: path: what is allowed
            let head = format!("talkgraph: {}:", p(&g));
            assert!(err.starts_with(&head), "{err}");
            let rest = &err[head.len()..];
            let mut parts = rest.splitn(3, ':');
            assert!(
                parts.next().unwrap().parse::<usize>().is_ok(),
                "line in {err}"
            );
            assert!(
                parts.next().unwrap().parse::<usize>().is_ok(),
                "column in {err}"
            );
            assert!(err.contains(want), "no `{want}` in {err}");
        }
    }
}

/// Whether text holds a control character other than the line feeds that end lines and
/// the tabs between TSV fields.
fn has_controls(s: &str) -> bool {
    s.chars().any(|c| c.is_control() && c != '\n' && c != '\t')
}

#[test]
fn control_characters_never_reach_the_terminal_or_the_graph() {
    let dir = TempDir::new("bad-controls");
    // A heading that would retitle the terminal and colour the rest of it.
    let md = dir.path().join("ctl.md");
    write(
        &md,
        "# Meetup Cloud Lyon \x1b]0;pwned\x07\n\n## Scaling Kafka \x1b[31mWithout Tears\n\nKim Schlesinger from DigitalOcean presented it.\n",
    );
    let o = run(&["extract", p(&md)], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let g: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    for n in g["nodes"].as_array().unwrap() {
        let label = n["label"].as_str().unwrap();
        assert!(!has_controls(label), "{label:?}");
        for a in n["aliases"].as_array().unwrap() {
            assert!(!has_controls(a.as_str().unwrap()), "{a}");
        }
    }
    // A graph written by another tool still has them: every command shows them escaped.
    let crafted = dir.path().join("g.json");
    write(
        &crafted,
        &edited(|g| {
            for n in g["nodes"].as_array_mut().unwrap() {
                match n["id"].as_str().unwrap() {
                    "company:digitalocean" => {
                        n["label"] = "Digital\u{1b}]0;pwned\u{7}Ocean".into();
                        n["aliases"] = serde_json::json!(["DigitalOcean"]);
                    }
                    "person:kim-schlesinger" => {
                        n["label"] = "Kim\r\nEve  Mallory".into();
                        n["aliases"] = serde_json::json!(["Kim Schlesinger"]);
                    }
                    _ => {}
                }
            }
        }),
    );
    let g = p(&crafted);
    for args in [
        vec!["query", g, "?p works_at ?c"],
        vec!["query", g, "?p works_at ?c", "--evidence"],
        vec!["query", g, "?p works_at ?c", "--format", "tsv"],
        vec!["show", g, "Kim Schlesinger"],
        vec!["show", g, "DigitalOcean"],
        vec!["explain", g, "Kim Schlesinger", "works_at", "DigitalOcean"],
        vec!["neighbors", g, "DigitalOcean"],
        vec!["path", g, "Kim Schlesinger", "DigitalOcean"],
        vec!["stats", g, "--top", "30"],
    ] {
        let o = run(&args, None);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        let text = stdout(&o);
        assert!(!has_controls(&text), "{args:?}:\n{text:?}");
        assert!(
            text.contains("Digital\\u{1b}]0;pwned\\u{7}Ocean")
                || text.contains("Kim\\r\\nEve  Mallory"),
            "{args:?}: the label is shown escaped:\n{text}"
        );
    }
}

/// Runs the binary with no stdin like `run`, but gives up after `secs` seconds: for
/// inputs that used to make it wait forever.
#[cfg(unix)]
fn run_within(args: &[&str], secs: u64) -> std::process::Output {
    use std::process::Stdio;
    let mut child = crate::util::bin()
        .current_dir(crate::util::root())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn talkgraph");
    let start = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed().as_secs() >= secs {
            child.kill().unwrap();
            panic!("{args:?} still running after {secs} s");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn rule_ids_kinds_and_macro_growth_are_checked() {
    let dir = TempDir::new("bad-rule-shapes");
    crate::extract::copy_rules(dir.path());
    let pt = dir.path().join("patterns.toml");
    let mut text = std::fs::read_to_string(&pt).unwrap();
    // Eight levels of sixteen references: 16^8 copies, 4 GB if expanded.
    let mut bombs = String::from("BOMB0 = 'ab'\n");
    for i in 1..8 {
        bombs.push_str(&format!(
            "BOMB{i} = '{}'\n",
            format!("{{BOMB{}}}", i - 1).repeat(16)
        ));
    }
    text = text.replacen("[macros]\n", &format!("[macros]\n{bombs}"), 1);
    text.push_str("\n[[rule]]\nid = \"\"\nentity = \"person\"\npattern = '(?P<ent>x)'\n");
    text.push_str("\n[[rule]]\nid = \"x.both\"\nrelation = \"works_at\"\nentity = \"person\"\npattern = '(?P<subj>x) (?P<obj>y)'\n");
    text.push_str(
        "\n[[rule]]\nid = \"x.bomb\"\nentity = \"person\"\npattern = '(?P<ent>{BOMB7})'\n",
    );
    write(&pt, &text);
    let lines = text.lines().count();
    let o = run_within(&["rules", "check", p(dir.path())], 60);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    let f = format!("{}/patterns.toml", p(dir.path()));
    for want in [
        format!(
            "{f}:{}:1: empty rule id: give every rule an id of its own",
            lines - 13
        ),
        format!(
            "{f}:{}:1: rule x.both: a rule has `relation` or `entity`, not both",
            lines - 8
        ),
        format!(
            "{f}:{}:1: rule x.bomb: bad pattern: expanding macro {{BOMB",
            lines - 2
        ),
        "makes the pattern longer than 65536 bytes".to_string(),
    ] {
        assert!(err.contains(&want), "no `{want}` in:\n{err}");
    }
}

#[cfg(unix)]
#[test]
fn a_named_pipe_in_a_rule_folder_is_named_not_waited_for() {
    let dir = TempDir::new("bad-rule-fifo");
    crate::extract::copy_rules(dir.path());
    let pt = dir.path().join("patterns.toml");
    std::fs::remove_file(&pt).unwrap();
    mkfifo(&pt);
    for args in [
        vec!["rules", "check", p(dir.path())],
        vec!["rules", "test", p(dir.path())],
        vec!["extract", "fixtures", "--rules", p(dir.path())],
    ] {
        let o = run_within(&args, 20);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert_eq!(
            stderr(&o),
            format!(
                "talkgraph: {}:0:0: skipped: not a regular file (a folder, named pipe or device); a rule file must be a regular file\n",
                p(&pt)
            )
        );
    }
}

#[test]
fn a_query_that_would_not_fit_in_memory_is_refused_with_how_to_narrow_it() {
    // 536 edges: three unrelated patterns make 150 million rows (5 GB) before --limit.
    let o = run_within(
        &[
            "query",
            "output/graph.json",
            "?a ?r ?b",
            "?c ?s ?d",
            "?e ?t ?f",
            "--limit",
            "3",
        ],
        60,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    for want in [
        "talkgraph: the query matches more than 5000000 rows: pattern ",
        "shares no variable with the patterns before it",
        "narrow it: join the patterns through a shared variable, name an entity instead of a variable, or give a variable a type (`?x:person`)",
    ] {
        assert!(err.contains(want), "no `{want}` in {err}");
    }
    // Joined through a variable, the same patterns are fine.
    let o = run(
        &[
            "query",
            "output/graph.json",
            "?a presents ?t",
            "?t part_of ?e",
            "--limit",
            "3",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 4, "a header and 3 rows");
}

#[test]
fn limit_0_prints_no_rows_and_the_exit_status_says_whether_any_matched() {
    let g = "tests/data/query-graph.json";
    let o = run(&["query", g, "?p works_at ?c", "--limit", "0"], None);
    assert_eq!(o.status.code(), Some(0), "rows exist: {}", stderr(&o));
    assert_eq!(stdout(&o), "");
    let o = run(
        &[
            "query",
            g,
            "?p works_at ?c",
            "?p develops ?x",
            "--limit",
            "0",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1), "no row: {}", stderr(&o));
    let o = run(&["query", "--help"], None);
    assert!(
        stdout(&o).contains("--limit 0` prints no rows and exits 0 when there are matches"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_file_named_with_or_without_dot_components_is_one_source() {
    let dir = TempDir::new("bad-dots");
    let a = dir.path().join("a.md");
    write(&a, ONE);
    let g = dir.path().join("g.json");
    let o = run(&["extract", p(&a), "--into", p(&g)], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let dotted = format!("{}/./a.md", p(dir.path()));
    let o = run(&["extract", &dotted, "--into", p(&g)], None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("1 documents: 0 added, 0 changed, 1 unchanged"),
        "{}",
        stderr(&o)
    );
    assert_eq!(sources(&std::fs::read(&g).unwrap()), [p(&a)]);
}

#[cfg(target_os = "linux")]
#[test]
fn files_whose_names_are_one_once_made_utf8_are_left_out_not_confused() {
    use std::os::unix::ffi::OsStrExt;
    let dir = TempDir::new("bad-lossy");
    let c = dir.path().join("c");
    write(&c.join("a.md"), ONE);
    let first = c.join(std::ffi::OsStr::from_bytes(b"x\xff.md"));
    write(&first, TWO);
    let g = dir.path().join("g.json");
    let o = run(&["extract", p(&c), "--into", p(&g)], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let lossy = format!("{}/x\u{fffd}.md", p(&c));
    assert_eq!(
        sources(&std::fs::read(&g).unwrap()),
        [format!("{}/a.md", p(&c)), lossy.clone()]
    );
    // A second file with the same lossy name: neither may stand for the other.
    write(&c.join(std::ffi::OsStr::from_bytes(b"x\xfe.md")), ONE);
    let o = run(&["extract", p(&c), "--into", p(&g), "--prune"], None);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(
        err.contains(&format!(
            "warning: {lossy}: 2 files are named this way once their names are made UTF-8 ("
        )),
        "{err}"
    );
    assert!(
        err.contains("x\\xFE.md") && err.contains("x\\xFF.md"),
        "{err}"
    );
    let after = std::fs::read_to_string(&g).unwrap();
    assert!(
        after.contains("Kim Schlesinger"),
        "the unchanged file's facts are kept"
    );
    assert_eq!(
        sources(after.as_bytes()),
        [format!("{}/a.md", p(&c)), lossy]
    );
}

#[test]
fn into_extracts_everything_again_when_the_rules_change() {
    let dir = TempDir::new("bad-fingerprint");
    let rules = dir.path().join("rules");
    crate::extract::copy_rules(&rules);
    let projects = rules.join("projects.txt");
    let listed = std::fs::read_to_string(&projects).unwrap();
    write(&projects, &format!("{listed}Zorblaxdb\n"));
    let a = dir.path().join("a.md");
    write(
        &a,
        "Meetup Cloud Lyon\n\nKim Schlesinger from DigitalOcean presented Zorblaxdb at the meetup.\n",
    );
    let b = dir.path().join("b.md");
    write(&b, ONE);
    let g = dir.path().join("g.json");
    let fingerprint = |g: &Path| {
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(g).unwrap()).unwrap();
        v["graph"]["rules_fingerprint"].as_str().map(str::to_string)
    };
    let o = run(&["extract", p(&a), p(&b), "--into", p(&g)], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let embedded = fingerprint(&g).expect("a fingerprint");
    assert!(embedded.starts_with("talkgraph "), "{embedded}");
    assert!(
        !std::fs::read_to_string(&g)
            .unwrap()
            .contains("project:zorblaxdb")
    );
    // New rules, same text: a's facts must be the new rules'.
    let o = run(
        &["extract", p(&a), "--into", p(&g), "--rules", p(&rules)],
        None,
    );
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("made with other rules or another talkgraph version: every document given is extracted again"),
        "{err}"
    );
    assert!(
        err.contains("1 documents: 0 added, 1 changed, 0 unchanged"),
        "{err}"
    );
    assert!(
        err.contains("warning: 1 documents of the graph were not among the inputs and keep what the old rules found"),
        "{err}"
    );
    assert!(
        std::fs::read_to_string(&g)
            .unwrap()
            .contains("project:zorblaxdb")
    );
    // b.md still holds the old rules' facts: the graph says no one rule set made it.
    assert_eq!(fingerprint(&g), None);
    let o = run(
        &[
            "extract",
            p(&a),
            p(&b),
            "--into",
            p(&g),
            "--rules",
            p(&rules),
        ],
        None,
    );
    assert!(
        stderr(&o).contains("2 documents: 0 added, 2 changed, 0 unchanged"),
        "{}",
        stderr(&o)
    );
    let custom = fingerprint(&g).expect("one rule set again");
    assert_ne!(custom, embedded);
    let o = run(
        &[
            "extract",
            p(&a),
            p(&b),
            "--into",
            p(&g),
            "--rules",
            p(&rules),
        ],
        None,
    );
    assert!(
        stderr(&o).contains("0 changed, 2 unchanged"),
        "{}",
        stderr(&o)
    );
}

/// `extract - --into graph` started with its stdin held open: it takes the graph's lock,
/// reads the graph, then waits for its text. Returns once the lock is seen held.
#[cfg(unix)]
fn into_run_holding_the_lock(graph: &Path) -> std::process::Child {
    use std::process::Stdio;
    let child = crate::util::bin()
        .current_dir(crate::util::root())
        .args(["extract", "-", "--into", p(graph)])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn talkgraph");
    let start = std::time::Instant::now();
    loop {
        let f = std::fs::File::open(graph).unwrap();
        match f.try_lock() {
            Err(std::fs::TryLockError::WouldBlock) => return child,
            Ok(()) => drop(f),
            Err(std::fs::TryLockError::Error(e)) => panic!("{e}"),
        }
        assert!(
            start.elapsed().as_secs() < 30,
            "extract --into never locked {}",
            graph.display()
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Gives a child waiting on stdin its text and waits for it.
#[cfg(unix)]
fn finish(mut child: std::process::Child, text: &str) -> std::process::Output {
    use std::io::Write;
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(text.as_bytes()).unwrap();
    drop(stdin);
    child.wait_with_output().unwrap()
}

#[cfg(unix)]
#[test]
fn two_into_runs_on_one_graph_keep_both_runs_documents() {
    // Issue: both runs read the graph, both wrote it back; the first one's documents were gone.
    let dir = TempDir::new("bad-concurrent");
    let a = dir.path().join("a.md");
    write(&a, ONE);
    let g = dir.path().join("g.json");
    let o = run(&["extract", p(&a), "-o", p(&g)], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let first = into_run_holding_the_lock(&g);
    let b = dir.path().join("b.md");
    write(&b, TWO);
    let mut second = crate::util::bin()
        .current_dir(crate::util::root())
        .args(["extract", p(&b), "--into", p(&g)])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The second run has all it needs but must wait for the first: the first is let go
    // only once the second says it waits (a fixed sleep raced a slow start on a busy CI).
    let waiting = format!(
        "talkgraph: {}: another talkgraph run is updating it; waiting for it to finish",
        p(&g)
    );
    let (said, heard) = std::sync::mpsc::channel();
    let mut err = second.stderr.take().unwrap();
    let reader = {
        let waiting = waiting.clone();
        std::thread::spawn(move || {
            use std::io::BufRead;
            let mut all = String::new();
            for line in std::io::BufReader::new(&mut err).lines() {
                let line = line.unwrap();
                if line == waiting {
                    let _ = said.send(());
                }
                all.push_str(&line);
                all.push('\n');
            }
            all
        })
    };
    let told = heard.recv_timeout(std::time::Duration::from_secs(60));
    let o = finish(first, "Li Wei works at Zylo.\n");
    assert!(o.status.success(), "{}", stderr(&o));
    let status = second.wait().unwrap();
    let err = reader.join().unwrap();
    assert!(told.is_ok(), "the second run never said it waits: {err}");
    assert!(status.success(), "{err}");
    let mut got = sources(&std::fs::read(&g).unwrap());
    got.sort();
    let mut want = vec!["<stdin>".to_string(), p(&a).to_string(), p(&b).to_string()];
    want.sort();
    assert_eq!(got, want);
}

#[cfg(unix)]
#[test]
fn into_does_not_undo_a_write_made_while_it_ran() {
    let dir = TempDir::new("bad-changed");
    let a = dir.path().join("a.md");
    write(&a, ONE);
    let g = dir.path().join("g.json");
    let o = run(&["extract", p(&a), "-o", p(&g)], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let run = into_run_holding_the_lock(&g);
    // Another program (no lock) writes a graph there meanwhile.
    let other = run_other_graph(dir.path());
    std::fs::rename(&other, &g).unwrap();
    let theirs = std::fs::read(&g).unwrap();
    let o = finish(run, "Li Wei works at Zylo.\n");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).ends_with(&format!(
            "\ntalkgraph: {}: not updated: it was changed by another program while this run was working, and writing this run's graph would undo that; nothing was written: run the update again\n",
            p(&g)
        )),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(&g).unwrap(), theirs);
    // Nothing is left beside it.
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["a.md", "g.json"]);
}

/// A graph of TWO written beside the others, as another program would.
fn run_other_graph(dir: &Path) -> std::path::PathBuf {
    let b = dir.join("other.txt");
    write(&b, TWO);
    let o = run(&["extract", p(&b)], None);
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::remove_file(&b).unwrap();
    let out = dir.join("other.json");
    std::fs::write(&out, &o.stdout).unwrap();
    out
}

#[test]
fn spans_are_byte_offsets_of_the_file_and_lines_count_every_kind_of_line_end() {
    // Issue: off by 3 after a UTF-8 byte order mark, wrong after invalid UTF-8 (they
    // indexed the repaired text), every span on line 1 in a file of lone CRs.
    let dir = TempDir::new("bad-offsets");
    let text =
        |nl: &str| format!("Intro Zo\u{e9}.{nl}{nl}Caf\u{e0} time.{nl}Ana Ruiz works at Qorp.{nl}");
    let utf16 = |s: &str, big: bool| -> Vec<u8> {
        let bom: [u8; 2] = if big { [0xFE, 0xFF] } else { [0xFF, 0xFE] };
        bom.into_iter()
            .chain(s.encode_utf16().flat_map(move |u| {
                if big {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            }))
            .collect()
    };
    let with_bom = [b"\xef\xbb\xbf".as_slice(), text("\n").as_bytes()].concat();
    // An invalid byte where the à was; the é before it says the file is UTF-8.
    let broken: Vec<u8> = text("\n")
        .replace('\u{e0}', "#")
        .bytes()
        .map(|b| if b == b'#' { 0xff } else { b })
        .collect();
    // (name, bytes, line of "Ana Ruiz", how to read a slice of the file as text)
    type Decode = fn(&[u8]) -> String;
    let utf8: Decode = |b| String::from_utf8_lossy(b).into_owned();
    let le: Decode = |b| {
        String::from_utf16(
            &b.chunks(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect::<Vec<_>>(),
        )
        .unwrap()
    };
    let be: Decode = |b| {
        String::from_utf16(
            &b.chunks(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect::<Vec<_>>(),
        )
        .unwrap()
    };
    let cases: [(&str, Vec<u8>, u64, Decode); 7] = [
        ("lf.txt", text("\n").into_bytes(), 4, utf8),
        ("crlf.txt", text("\r\n").into_bytes(), 4, utf8),
        ("cr.txt", text("\r").into_bytes(), 4, utf8),
        ("bom.txt", with_bom, 4, utf8),
        ("broken.txt", broken, 4, utf8),
        ("le.txt", utf16(&text("\n"), false), 4, le),
        ("be.txt", utf16(&text("\r\n"), true), 4, be),
    ];
    for (name, bytes, line, decode) in cases {
        let f = dir.path().join(name);
        std::fs::write(&f, &bytes).unwrap();
        let o = run(&["extract", p(&f)], None);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        if name == "broken.txt" {
            assert!(
                stderr(&o).contains("broken.txt: invalid UTF-8 at byte offset 16;"),
                "{}",
                stderr(&o)
            );
        }
        let g: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let mut seen = 0;
        for n in g["nodes"].as_array().unwrap() {
            for m in n["mentions"].as_array().unwrap() {
                let (s, e) = (
                    m["start"].as_u64().unwrap() as usize,
                    m["end"].as_u64().unwrap() as usize,
                );
                assert_eq!(
                    decode(&bytes[s..e]),
                    n["label"].as_str().unwrap(),
                    "{name}: {m}"
                );
                assert_eq!(m["line"].as_u64(), Some(line), "{name}: {m}");
                seen += 1;
            }
        }
        assert_eq!(seen, 2, "{name}: Ana Ruiz and Qorp in {g}");
        let (from, relation, to, evidence) = &edges(&o.stdout)[0];
        assert_eq!(
            (from.as_str(), relation.as_str(), to.as_str()),
            ("person:ana-ruiz", "works_at", "company:qorp"),
            "{name}"
        );
        assert_eq!(evidence.len(), 1, "{name}");
        assert_eq!(evidence[0].1, line, "{name}");
    }
}

#[test]
fn utf16_without_a_byte_order_mark_is_named_not_called_binary() {
    let dir = TempDir::new("bad-utf16");
    let text = "Ana Ruiz works at Qorp.\n";
    for (name, bytes) in [
        (
            "le.txt",
            text.encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect::<Vec<u8>>(),
        ),
        (
            "be.txt",
            text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
        ),
    ] {
        let f = dir.path().join(name);
        std::fs::write(&f, bytes).unwrap();
        let o = run(&["extract", p(&f)], None);
        let want = format!(
            "talkgraph: warning: {}: skipped: looks like UTF-16{} text without a byte order mark; save it as UTF-8 (or as UTF-16 with a byte order mark)",
            p(&f),
            if name == "le.txt" { "LE" } else { "BE" }
        );
        assert!(stderr(&o).contains(&want), "{}", stderr(&o));
    }
    // An image is still just not text.
    let png = dir.path().join("img.txt");
    std::fs::write(
        &png,
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0\0\0\x01\0\x08\x06",
    )
    .unwrap();
    let o = run(&["extract", p(&png)], None);
    assert!(
        stderr(&o).contains("skipped: not a text file (NUL byte at offset 8)"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_missing_or_incomplete_rule_folder_is_one_line() {
    // Issue: a mistyped --rules gave twelve lines, one per file the folder should hold.
    let dir = TempDir::new("bad-rule-folder");
    let nowhere = dir.path().join("no-such-rules");
    for args in [
        vec!["rules", "check", p(&nowhere)],
        vec!["extract", "fixtures", "--rules", p(&nowhere)],
    ] {
        let o = run(&args, None);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.starts_with(&format!(
                "talkgraph: {}: cannot read the rule folder: No such file or directory",
                p(&nowhere)
            )) && err.contains("--rules takes a folder holding companies.txt, projects.txt"),
            "{err}"
        );
    }
    let file = dir.path().join("rules.toml");
    write(&file, "");
    let o = run(&["rules", "check", p(&file)], None);
    assert!(
        stderr(&o).starts_with(&format!(
            "talkgraph: {}: not a folder: --rules takes a folder",
            p(&file)
        )),
        "{}",
        stderr(&o)
    );
    // A folder with no rule file at all: nothing to add (--rules), or an empty rule set
    // (--rules-replace); each said in one line.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let o = run(&["rules", "check", p(&empty)], None);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!(
            "talkgraph: {}:0:0: holds no rule file: --rules adds the files it holds (companies.txt, projects.txt, events.txt, places.txt, first_names.txt, name_particles.txt, honorifics.txt, not_names.txt, org_words.txt, role_words.txt, section_words.txt, patterns.toml) to the embedded rules; write one, e.g. companies.txt with a line `Name | alias`, or start with `talkgraph rules init DIR`\n",
            p(&empty)
        )
    );
    for args in [
        vec!["rules", "check", "--replace", p(&empty)],
        vec!["extract", "fixtures", "--rules-replace", p(&empty)],
    ] {
        let o = run(&args, None);
        assert_eq!(o.status.code(), Some(2));
        assert_eq!(
            stderr(&o),
            format!(
                "talkgraph: {}:0:0: 12 of the 12 rule files missing (companies.txt, projects.txt, events.txt, places.txt, first_names.txt, name_particles.txt, honorifics.txt, not_names.txt, org_words.txt, role_words.txt, section_words.txt, patterns.toml); --rules-replace needs them all: `talkgraph rules dump DIR` writes them, or give --rules to add the folder's files to the embedded rules\n",
                p(&empty)
            )
        );
    }
    // Every file there but empty, read alone: each missing piece of patterns.toml, all in
    // one run.
    let blank = dir.path().join("blank");
    crate::extract::copy_rules(&blank);
    for e in std::fs::read_dir(&blank).unwrap() {
        std::fs::write(e.unwrap().path(), "").unwrap();
    }
    let o = run(&["rules", "check", "--replace", p(&blank)], None);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    for cue in ["event_word", "keynote", "talk_word", "workshop"] {
        let want = format!(
            "{}/patterns.toml:1:1: missing cue `{cue}` in [cues]",
            p(&blank)
        );
        assert!(err.contains(&want), "no `{want}` in {err}");
    }
}

#[test]
fn rules_check_reports_every_problem_of_a_file_where_it_is() {
    let dir = TempDir::new("bad-rule-all");
    crate::extract::copy_rules(dir.path());
    let pt = dir.path().join("patterns.toml");
    let mut text = std::fs::read_to_string(&pt).unwrap();
    let first = text
        .lines()
        .position(|l| l.trim() == "id = \"en.works_at.from\"")
        .expect("a rule to copy the id of")
        + 1;
    for (id, kind, pattern) in [
        (
            "en.works_at.from",
            "relation = \"works_at\"",
            "(?P<subj>{PX}) zz (?P<obj>{ORG})",
        ),
        ("x.type", "entity = \"robot\"", "(?P<ent>x)"),
        (
            "x.big",
            "entity = \"person\"",
            r"(?P<ent>\w{1000}\w{1000}\w{1000})",
        ),
        ("x.bad", "entity = \"person\"", "(?P<ent>a(b)"),
    ] {
        text.push_str(&format!(
            "\n[[rule]]\nid = \"{id}\"\n{kind}\npattern = '{pattern}'\n"
        ));
    }
    write(&pt, &text);
    let lines = text.lines().count();
    let companies = dir.path().join("companies.txt");
    let listed = std::fs::read_to_string(&companies).unwrap();
    let at = listed.lines().count();
    write(
        &companies,
        &format!("{listed}Zorp Inc | ZP\nZorp Cloud |  ZP | Zorp\n"),
    );
    let o = run(&["rules", "check", p(dir.path())], None);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    let d = p(dir.path());
    for want in [
        format!(
            "{d}/companies.txt:{}:15: alias `ZP` already names the entity at {d}/companies.txt:{}: an alias names one entity; remove it from one of the two lines",
            at + 2,
            at + 1
        ),
        format!(
            "{d}/patterns.toml:{}:1: rule en.works_at.from: duplicate rule id: the rule at line {first} has it too; give every rule an id of its own",
            lines - 17
        ),
        format!(
            "{d}/patterns.toml:{}:1: rule x.type: unknown entity type `robot`",
            lines - 12
        ),
        format!(
            "{d}/patterns.toml:{}:1: rule x.big: bad pattern: compiled, the pattern exceeds the size limit of 10485760 bytes; make it smaller",
            lines - 7
        ),
        format!(
            "{d}/patterns.toml:{}:1: rule x.bad: bad pattern: regex parse error:\n    (?P<ent>a(b)\n    ^\nerror: unclosed group",
            lines - 2
        ),
    ] {
        assert!(err.contains(&want), "no `{want}` in:\n{err}");
    }
}

#[test]
fn bidi_overrides_and_backslashes_are_shown_unambiguously() {
    // U+202E shows the rest of the line reversed; a name holding the text `\u{1b}` must
    // not look like one holding the escape character.
    let dir = TempDir::new("bad-bidi");
    let g = dir.path().join("g.json");
    write(
        &g,
        &edited(|g| {
            for n in g["nodes"].as_array_mut().unwrap() {
                match n["id"].as_str().unwrap() {
                    "company:digitalocean" => {
                        n["label"] = "Digital\u{202e}naecO".into();
                        n["aliases"] = serde_json::json!(["DigitalOcean"]);
                    }
                    "company:cern" => {
                        n["label"] = "CE\\u{1b}RN".into();
                        n["aliases"] = serde_json::json!(["CERN"]);
                    }
                    _ => {}
                }
            }
        }),
    );
    let o = run(&["query", p(&g), "?p works_at ?c"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(!text.contains('\u{202e}'), "{text}");
    assert!(text.contains("Digital\\u{202e}naecO"), "{text}");
    assert!(text.contains("CE\\\\u{1b}RN"), "{text}");
    for args in [
        vec!["show", p(&g), "DigitalOcean"],
        vec!["path", p(&g), "CERN", "DigitalOcean"],
    ] {
        let o = run(&args, None);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert!(!stdout(&o).contains('\u{202e}'), "{args:?}: {}", stdout(&o));
    }
}

#[test]
fn empty_blank_and_unterminated_front_matter_files_are_read_not_refused() {
    let dir = TempDir::new("bad-empty");
    let empty = dir.path().join("empty.md");
    write(&empty, "");
    let blank = dir.path().join("blank.txt");
    write(&blank, " \n\t\n\r\n   ");
    for f in [&empty, &blank] {
        let o = run(&["extract", p(f)], None);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        // Read, not refused: the summary counts it as a document.
        assert_eq!(
            stderr(&o),
            "talkgraph: read 1 document, 0 entities, 0 relations → stdout\n"
        );
        let g: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(g["nodes"], serde_json::json!([]), "{g}");
        assert_eq!(sources(&o.stdout), [p(f)]);
    }
    // Front matter that never closes is not front matter: the text is prose, not skipped.
    let open = dir.path().join("open.md");
    write(
        &open,
        "---\ntitle: Meetup Cloud Lyon\nAna Ruiz works at Qorp.\n",
    );
    let o = run(&["extract", p(&open)], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let e = edges(&o.stdout);
    assert!(
        e.iter()
            .any(|(f, r, t, ev)| (f.as_str(), r.as_str(), t.as_str())
                == ("person:ana-ruiz", "works_at", "company:qorp")
                && ev == &[(29, 3)]),
        "{e:?}"
    );
}

#[cfg(unix)]
#[test]
fn ten_thousand_tiny_files_in_one_folder_are_all_read() {
    let dir = TempDir::new("bad-many");
    let c = dir.path().join("c");
    std::fs::create_dir(&c).unwrap();
    for i in 0..10_000 {
        std::fs::write(c.join(format!("{i:05}.txt")), "Ana Ruiz works at Qorp.\n").unwrap();
    }
    // Written to a file: run_within does not read stdout while it waits.
    let g = dir.path().join("g.json");
    let o = run_within(&["extract", p(&c), "-o", p(&g)], 300);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let graph = std::fs::read(&g).unwrap();
    let names = sources(&graph);
    assert_eq!(names.len(), 10_000);
    assert_eq!(names[9_999], format!("{}/09999.txt", p(&c)));
    let e = edges(&graph);
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].3.len(), 10_000, "one piece of evidence per file");
}

#[cfg(unix)]
#[test]
fn neo4j_into_the_current_folder_is_refused_and_through_a_link_writes_the_linked_folder() {
    let dir = TempDir::new("bad-neo4j-out");
    let g = crate::util::root().join("tests/data/query-graph.json");
    let convert = |cwd: &Path, out: &str| {
        crate::util::bin()
            .current_dir(cwd)
            .args(["convert", p(&g), "--format", "neo4j", "-o", out])
            .output()
            .unwrap()
    };
    // "." (and the folder's own name) would be renamed from under the shell.
    for out in [".".to_string(), p(dir.path()).to_string()] {
        let o = convert(dir.path(), &out);
        assert_eq!(o.status.code(), Some(2), "{out}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("cannot be the folder talkgraph runs in; give a folder inside it"),
            "{}",
            stderr(&o)
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "{out}");
    }
    // A link to a folder: the files land in the folder it names, and the link stays a link.
    let target = dir.path().join("target");
    std::fs::create_dir(&target).unwrap();
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let o = convert(dir.path(), "link");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let mut names: Vec<String> = std::fs::read_dir(&target)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["import.cypher", "nodes.csv", "relationships.csv"]);
}

#[test]
fn cells_a_spreadsheet_would_run_start_with_a_quote_in_query_csv_and_tsv_not_in_neo4j() {
    // OWASP's CSV injection list: these first characters make a spreadsheet run a formula.
    const FIRST: [&str; 6] = ["=", "+", "-", "@", "\t", "\r"];
    let label = |i: usize| format!("{}SUM({i})", FIRST[i % FIRST.len()]);
    let graph = edited(|g| {
        for (i, n) in g["nodes"].as_array_mut().unwrap().iter_mut().enumerate() {
            n["label"] = label(i).into();
            n["aliases"] = serde_json::json!([]);
        }
    });
    let dir = TempDir::new("bad-formulas");
    let f = dir.path().join("g.json");
    write(&f, &graph);
    let nodes = serde_json::from_str::<serde_json::Value>(&graph).unwrap()["nodes"]
        .as_array()
        .unwrap()
        .len();
    for format in ["csv", "tsv"] {
        let o = run(&["query", p(&f), "?a ?r ?b", "--format", format], None);
        assert!(o.status.success(), "{}", stderr(&o));
        let text = stdout(&o);
        let mut seen = std::collections::BTreeSet::new();
        for i in 0..nodes {
            // TSV cannot quote: a tab or CR inside a cell is written as a space.
            let cell = match format {
                "tsv" => label(i).replace(['\t', '\r'], " "),
                _ => label(i),
            };
            for (at, _) in text.match_indices(&cell) {
                assert!(
                    text[..at].ends_with('\''),
                    "{format}: {cell:?} without a leading ': {text:?}"
                );
                seen.insert(FIRST[i % FIRST.len()]);
            }
        }
        assert_eq!(seen.len(), FIRST.len(), "{format}: {text:?}");
    }
    // Neo4j's importer reads a cell as it is and runs nothing: a `'` would become part of
    // every name in the database, so the Neo4j CSV keeps the labels exact (README).
    let neo = dir.path().join("neo");
    let o = run(
        &["convert", p(&f), "--format", "neo4j", "-o", p(&neo)],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = std::fs::read_to_string(neo.join("nodes.csv")).unwrap();
    assert!(csv.contains("\"=SUM(0)\""), "{csv}");
    assert!(!csv.contains("'="), "{csv}");
}

#[test]
fn an_html_viewer_over_the_node_limit_is_refused_with_what_to_write_instead() {
    let dir = TempDir::new("bad-html-size");
    let g = dir.path().join("big.json");
    // 20,001 nodes: one over the default --html-max-nodes.
    write(&g, &crate::util::big_graph(20_000, 0));
    let html = dir.path().join("big.html");
    for args in [
        vec!["convert", p(&g), "-o", p(&html)],
        vec!["convert", p(&g), "--format", "html"],
        vec!["merge", p(&g), "-o", p(&html)],
        vec!["subgraph", p(&g), "Qorp", "-o", p(&html)],
    ] {
        let o = run(&args, None);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        for hint in [
            "20001 nodes",
            "subgraph",
            "graphml",
            "--html-max-nodes 20001",
        ] {
            assert!(err.contains(hint), "{args:?}: no `{hint}` in {err}");
        }
        assert!(o.stdout.is_empty(), "{args:?}");
        assert!(!html.exists(), "{args:?}");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "{args:?}"
        );
    }
    // The way on that the message gives works; GraphML has no limit.
    let o = run(
        &[
            "convert",
            p(&g),
            "-o",
            p(&html),
            "--html-max-nodes",
            "20001",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        std::fs::read_to_string(&html)
            .unwrap()
            .contains("person:p-19999")
    );
    let o = run(
        &["convert", p(&g), "-o", p(&dir.path().join("big.graphml"))],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
}
