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
    let o = run(&["extract", "--jobs", "1", p(&f)], None);
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
    let a = run(&["extract", "--jobs", "1", p(&one)], None);
    let b = run(&["extract", "--jobs", "1", p(&many)], None);
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
}
