//! Runs stopped from outside (Ctrl-C, kill -9): the previous output keeps its bytes and
//! still loads; Ctrl-C also removes the temporary files and exits 130.
#![cfg(unix)]

use crate::util::{TempDir, big_graph, bin, root, run, stderr};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// Starts the binary with `args` from the repository root, output discarded.
fn spawn(args: &[&str]) -> Child {
    bin()
        .current_dir(root())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn talkgraph")
}

fn signal(child: &Child, name: &str) {
    let ok = std::process::Command::new("kill")
        .args([name, &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(ok.success(), "kill {name} failed");
}

/// The names in `dir` other than `keep`: the temporary files a write left behind.
fn strays(dir: &Path, keep: &[&str]) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !keep.contains(&n.as_str()))
        .collect()
}

/// Waits for `child` to end, killing it and failing after `secs` seconds.
fn wait_within(child: &mut Child, secs: u64) -> std::process::Output {
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed().as_secs() >= secs {
            let _ = child.kill();
            panic!("still running {secs} s after it was told to stop");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut err = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
    std::process::Output {
        status: child.wait().unwrap(),
        stdout: Vec::new(),
        stderr: err.into_bytes(),
    }
}

/// Polls `dir` until a temporary file of the write to `name` appears (the write phase has
/// begun) or the child ends; says which.
fn wait_for_temporary(child: &mut Child, dir: &Path, name: &str, secs: u64) -> bool {
    let prefix = format!(".{name}.");
    let start = Instant::now();
    while start.elapsed().as_secs() < secs {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "{name}: the run failed");
            return false;
        }
        if strays(dir, &[]).iter().any(|n| n.starts_with(&prefix)) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let _ = child.kill();
    panic!("no temporary file for {name} after {secs} s");
}

/// A folder holding the big graph and an old output, with the old output's bytes.
fn setup(dir: &TempDir, out_name: &str) -> (PathBuf, PathBuf, Vec<u8>) {
    let graph = dir.path().join("big.json");
    std::fs::write(&graph, big_graph(20_000, 12)).unwrap();
    let out = dir.path().join(out_name);
    // An earlier, small graph: it must still be there, byte for byte, after each stop.
    let o = run(
        &[
            "extract",
            "fixtures/fr-recap-plain.txt",
            "-o",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let old = std::fs::read(&out).unwrap();
    (graph, out, old)
}

fn assert_old_graph_intact(out: &Path, old: &[u8]) {
    assert!(
        std::fs::read(out).unwrap() == old,
        "the previous output changed"
    );
    let o = run(&["stats", out.to_str().unwrap()], None);
    assert!(
        o.status.success(),
        "the previous output no longer loads: {}",
        stderr(&o)
    );
}

/// Extracts a long text made of `line` (`--jobs 1`, writing `out` by `flag`), sends
/// Ctrl-C after 400 ms and waits for the run to end. With `busy`, the run must still be
/// going when interrupted.
fn interrupt_long_extraction(
    dir: &TempDir,
    line: &str,
    flag: &str,
    out: &Path,
    busy: bool,
) -> std::process::Output {
    // Enough text to keep even a release build busy for seconds.
    let text = dir.path().join("long.txt");
    std::fs::write(&text, line.repeat(150_000)).unwrap();
    let mut child = spawn(&[
        "extract",
        "--jobs",
        "1",
        text.to_str().unwrap(),
        flag,
        out.to_str().unwrap(),
    ]);
    std::thread::sleep(Duration::from_millis(400));
    if busy {
        assert!(
            child.try_wait().unwrap().is_none(),
            "extraction ended before it could be interrupted"
        );
    }
    signal(&child, "-INT");
    wait_within(&mut child, 10)
}

#[test]
fn ctrl_c_during_extraction_exits_130_and_leaves_the_old_output_alone() {
    let dir = TempDir::new("sigint-extract");
    let (_, out, old) = setup(&dir, "out.json");
    let line = "Ana Ruiz from Qorp talked about Rust and Kafka at KubeCon Europe 2024.\n";
    let o = interrupt_long_extraction(&dir, line, "-o", &out, true);
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    assert!(stderr(&o).contains("interrupted"), "{}", stderr(&o));
    assert_old_graph_intact(&out, &old);
    assert_eq!(
        strays(dir.path(), &["big.json", "out.json", "long.txt"]),
        Vec::<String>::new()
    );
}

#[test]
fn ctrl_c_while_the_output_is_written_removes_the_temporary_file() {
    // Each command that writes a file, stopped once its temporary file exists.
    for (out_name, args) in [
        ("out.json", vec!["convert", "GRAPH", "-o", "OUT"]),
        ("out.json", vec!["merge", "GRAPH", "-o", "OUT"]),
        ("out.graphml", vec!["convert", "GRAPH", "-o", "OUT"]),
    ] {
        let dir = TempDir::new(&format!("sigint-write-{}", args[0]));
        let (graph, out, old) = setup(&dir, out_name);
        let args: Vec<&str> = args
            .iter()
            .map(|a| match *a {
                "GRAPH" => graph.to_str().unwrap(),
                "OUT" => out.to_str().unwrap(),
                a => a,
            })
            .collect();
        let mut child = spawn(&args);
        assert!(
            wait_for_temporary(&mut child, dir.path(), out_name, 120),
            "{args:?} ended before its temporary file was seen"
        );
        signal(&child, "-INT");
        let o = wait_within(&mut child, 10);
        assert_eq!(o.status.code(), Some(130), "{args:?}: {}", stderr(&o));
        assert_old_graph_intact(&out, &old);
        assert_eq!(
            strays(dir.path(), &["big.json", out_name]),
            Vec::<String>::new(),
            "{args:?}"
        );
    }
}

#[test]
fn ctrl_c_during_an_into_update_leaves_the_graph_as_it_was() {
    let dir = TempDir::new("sigint-into");
    let (_, out, old) = setup(&dir, "g.json");
    let line = "Li Wei from Zylo presented Calm Queues at RustConf 2024.\n";
    let o = interrupt_long_extraction(&dir, line, "--into", &out, false);
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    assert_old_graph_intact(&out, &old);
    assert_eq!(
        strays(dir.path(), &["big.json", "g.json", "long.txt"]),
        Vec::<String>::new()
    );
}

#[test]
fn kill_9_while_a_large_graph_is_written_leaves_the_old_file_whole() {
    let dir = TempDir::new("kill9-write");
    let (graph, out, old) = setup(&dir, "out.json");
    let args = [
        "convert",
        graph.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ];
    // The kill is meant to land while the new file is written; a run that finishes first
    // (a fast machine) is tried again, and the old file must be whole after every kill.
    let mut during_write = 0;
    for _ in 0..5 {
        let mut child = spawn(&args);
        if wait_for_temporary(&mut child, dir.path(), "out.json", 120) {
            child.kill().unwrap();
            let status = child.wait().unwrap();
            assert_eq!(
                std::os::unix::process::ExitStatusExt::signal(&status),
                Some(9)
            );
            assert_old_graph_intact(&out, &old);
            during_write += 1;
            break;
        }
        // It finished: put the old file back for the next try.
        std::fs::write(&out, &old).unwrap();
    }
    assert_eq!(
        during_write, 1,
        "no kill landed while the output was written"
    );
}
