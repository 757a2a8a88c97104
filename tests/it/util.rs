//! Shared helpers: run the binary, make temporary folders, locate fixtures.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The built binary under test.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_talkgraph"))
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/REL` when the shared folder sits beside the repository, as in CI; else prints
/// why the check that needs it is skipped and returns `None`, so `cargo test` passes on a
/// clone with nothing beside it.
pub fn shared(rel: &str) -> Option<PathBuf> {
    let path = root().join("../shared").join(rel);
    if path.exists() {
        Some(path)
    } else {
        eprintln!(
            "skipped: {} is absent (.ci/run has ../shared beside the repository)",
            path.display()
        );
        None
    }
}

/// Runs the binary with args (from the repo root) and optional stdin.
pub fn run(args: &[&str], stdin: Option<&str>) -> Output {
    use std::io::Write;
    let mut cmd = bin();
    cmd.current_dir(root())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    let mut child = cmd.spawn().expect("spawn talkgraph");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
    }
    child.wait_with_output().expect("wait for talkgraph")
}

/// A fresh temporary folder, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("talkgraph-it-{}-{}", std::process::id(), name));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// stdout as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A graph JSON of `nodes` people, each mentioned `mentions` times in one source, with a
/// `works_at` edge from each to one company: large enough that writing it takes a while.
pub fn big_graph(nodes: usize, mentions: usize) -> String {
    let mut s = String::from(
        "{\"directed\": true, \"multigraph\": true, \"graph\": {\"generator\": \"test\", \"sources\": [\"big.md\"]},\n\"nodes\": [\n{\"id\": \"company:qorp\", \"type\": \"company\", \"label\": \"Qorp\", \"aliases\": [], \"attributes\": {}, \"mentions\": []}",
    );
    for i in 0..nodes {
        s.push_str(&format!(
            ",\n{{\"id\": \"person:p-{i}\", \"type\": \"person\", \"label\": \"P {i}\", \"aliases\": [], \"attributes\": {{}}, \"mentions\": ["
        ));
        for m in 0..mentions {
            let start = (i * mentions + m) * 10;
            if m > 0 {
                s.push(',');
            }
            s.push_str(&format!(
                "{{\"source\": \"big.md\", \"start\": {start}, \"end\": {}, \"line\": {}, \"text\": \"P {i}\"}}",
                start + 4,
                i + 1
            ));
        }
        s.push_str("]}");
    }
    s.push_str("\n],\n\"edges\": [\n");
    for i in 0..nodes {
        if i > 0 {
            s.push_str(",\n");
        }
        s.push_str(&format!(
            "{{\"source\": \"person:p-{i}\", \"target\": \"company:qorp\", \"key\": 0, \"relation\": \"works_at\", \"rule\": \"r\", \"confidence\": 0.9, \"evidence\": []}}"
        ));
    }
    s.push_str("\n]}\n");
    s
}
