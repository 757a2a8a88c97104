//! Decisions: `extract --decisions` merges, splits, rejects and retypes entities of the
//! fixtures, warns about decisions that match nothing, refuses a broken file; `decide`
//! adds decisions and refuses repeats; `--into` applies them again.

use crate::util::{TempDir, bin, root, run, stderr, stdout};
use serde_json::Value;

fn path(dir: &TempDir, name: &str) -> String {
    dir.path()
        .join(name)
        .to_str()
        .expect("utf-8 temp path")
        .to_string()
}

/// The `talkgraph …` lines under `Examples:` of a help text (not those piped into from
/// another command), split as a shell would split
/// them (double quotes only), without the leading `talkgraph`.
pub fn examples(help: &str) -> Vec<Vec<String>> {
    let Some((_, tail)) = help.split_once("Examples:\n") else {
        return Vec::new();
    };
    tail.lines()
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.strip_prefix("  talkgraph "))
        .map(|l| {
            let mut args = Vec::new();
            let (mut arg, mut quoted, mut any) = (String::new(), false, false);
            for c in l.chars() {
                match c {
                    '"' => {
                        quoted = !quoted;
                        any = true;
                    }
                    ' ' if !quoted => {
                        if any {
                            args.push(std::mem::take(&mut arg));
                        }
                        any = false;
                    }
                    c => {
                        arg.push(c);
                        any = true;
                    }
                }
            }
            if any {
                args.push(arg);
            }
            args
        })
        .collect()
}

fn json(path: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("graph written")).expect("JSON")
}

fn node<'a>(g: &'a Value, id: &str) -> Option<&'a Value> {
    g["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == id)
}

/// (source, relation, target) of every edge touching `id`, with `id` written as `as_id`.
fn edges_of(g: &Value, id: &str, as_id: &str) -> Vec<(String, String, String)> {
    let name = |v: &Value| {
        let s = v.as_str().unwrap();
        if s == id {
            as_id.to_string()
        } else {
            s.to_string()
        }
    };
    let mut v: Vec<_> = g["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["source"] == id || e["target"] == id)
        .map(|e| {
            (
                name(&e["source"]),
                e["relation"].as_str().unwrap().to_string(),
                name(&e["target"]),
            )
        })
        .collect();
    v.sort();
    v
}

const DECISIONS: &str = "# corrections for the fixtures
[[decision]]
same_as = [\"Tempo\", \"Grafana Tempo\"]
note = \"one project, named two ways\"

[[decision]]
reject = \"Shipping\"

[[decision]]
retype = [\"GitHub\", \"company\"]

[[decision]]
not_same_as = [\"Ippon Technologies\", \"Ippon\"]
";

/// The fixtures extracted without and with [`DECISIONS`].
fn extracted(dir: &TempDir) -> (Value, Value, std::process::Output) {
    let (plain, decided, decisions) = (
        path(dir, "plain.json"),
        path(dir, "decided.json"),
        path(dir, "decisions.toml"),
    );
    std::fs::write(&decisions, DECISIONS).unwrap();
    let o = run(&["extract", "fixtures/", "-o", &plain], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(
        &[
            "extract",
            "fixtures/",
            "--decisions",
            &decisions,
            "-o",
            &decided,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    (json(&plain), json(&decided), o)
}

#[test]
fn decisions_correct_the_fixture_graph() {
    let dir = TempDir::new("decisions-fixtures");
    let (plain, g, o) = extracted(&dir);
    assert!(!stderr(&o).contains("decisions.toml"), "{}", stderr(&o));

    // same_as: Grafana Tempo moved into Tempo with its name, mentions and edges.
    assert!(node(&plain, "project:grafana-tempo").is_some());
    assert!(node(&g, "project:grafana-tempo").is_none());
    let tempo = node(&g, "project:tempo").expect("Tempo kept");
    assert_eq!(tempo["aliases"], serde_json::json!(["Grafana Tempo"]));
    let sources: Vec<&str> = tempo["mentions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["source"].as_str().unwrap())
        .collect();
    assert!(
        sources.contains(&"fixtures/en-liveblog-timestamps.md"),
        "{sources:?}"
    );
    assert!(
        sources.contains(&"fixtures/fr-retours-talks.txt"),
        "{sources:?}"
    );
    let mut both = edges_of(&plain, "project:tempo", "project:tempo");
    both.extend(edges_of(&plain, "project:grafana-tempo", "project:tempo"));
    both.sort();
    assert_eq!(both.len(), 3);
    assert_eq!(edges_of(&g, "project:tempo", "project:tempo"), both);

    // reject: the false company and its edges are gone.
    assert!(node(&plain, "company:shipping").is_some());
    assert!(node(&g, "company:shipping").is_none());
    assert_eq!(edges_of(&g, "company:shipping", ""), []);

    // retype: GitHub the company, its edge kept.
    assert!(node(&g, "project:github").is_none());
    assert_eq!(
        node(&g, "company:github").expect("retyped")["type"],
        "company"
    );
    assert_eq!(
        edges_of(&g, "company:github", "X"),
        edges_of(&plain, "project:github", "X")
    );

    // not_same_as: "Ippon" split off "Ippon Technologies" with its own mentions.
    let ippon = node(&g, "company:ippon").expect("split off");
    assert!(
        ippon["mentions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["text"] == "Ippon")
    );
    let it = node(&g, "company:ippon-technologies").unwrap();
    assert_eq!(it["aliases"], serde_json::json!([]));
    assert_eq!(
        node(&plain, "company:ippon-technologies").unwrap()["aliases"],
        serde_json::json!(["Ippon"])
    );

    // Recorded in the graph, so that --into knows.
    let fp = g["graph"]["rules_fingerprint"].as_str().unwrap();
    assert!(fp.contains(" decisions "), "{fp}");
}

#[test]
fn same_decisions_same_bytes() {
    let dir = TempDir::new("decisions-bytes");
    let decisions = path(&dir, "decisions.toml");
    std::fs::write(&decisions, DECISIONS).unwrap();
    let (a, b) = (path(&dir, "a.json"), path(&dir, "b.json"));
    for out in [&a, &b] {
        let o = run(
            &[
                "extract",
                "fixtures/",
                "--decisions",
                &decisions,
                "-o",
                out,
                "--jobs",
                if out == &a { "1" } else { "3" },
            ],
            None,
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
}

#[test]
fn a_decision_that_matches_nothing_is_a_warning_with_its_line() {
    let dir = TempDir::new("decisions-stale");
    let (decisions, out) = (path(&dir, "decisions.toml"), path(&dir, "g.json"));
    std::fs::write(
        &decisions,
        "[[decision]]\nreject = \"Shipping\"\n\n[[decision]]\nsame_as = [\"Tempo\", \"Josh Abreu\"]\n",
    )
    .unwrap();
    let o = run(
        &[
            "extract",
            "fixtures/fr-retours-talks.txt",
            "fixtures/en-conference-notes-table.md",
            "--decisions",
            &decisions,
            "-o",
            &out,
            // The summary line is dropped; warnings are still said.
            "--quiet",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stderr(&o),
        format!(
            "talkgraph: warning: {decisions}:5: same_as \"Tempo\" \"Josh Abreu\": no entity named \"Josh Abreu\" in this graph; remove the decision or fix the name\n"
        )
    );
    assert!(node(&json(&out), "company:shipping").is_none());
}

#[test]
fn a_broken_decisions_file_stops_the_run_before_anything_is_written() {
    let dir = TempDir::new("decisions-bad");
    let (decisions, out) = (path(&dir, "decisions.toml"), path(&dir, "g.json"));
    std::fs::write(
        &decisions,
        "[[decision]]\nsame_as = [\"A\", \"B\"]\nreject = \n",
    )
    .unwrap();
    let o = run(
        &[
            "extract",
            "fixtures/fr-retours-talks.txt",
            "--decisions",
            &decisions,
            "-o",
            &out,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!(
            "talkgraph: {decisions}:3:10: string values must be quoted, expected literal string; a decisions file is [[decision]] tables such as `same_as = [\"A\", \"B\"]` (see `talkgraph decide --help`)\n"
        )
    );
    assert!(!std::path::Path::new(&out).exists());
    // A well-formed file with a wrong value: every problem, each with its place.
    std::fs::write(
        &decisions,
        "[[decision]]\nretype = [\"X\", \"firm\"]\n[[decision]]\nsame_as = [\"A\"]\n",
    )
    .unwrap();
    let o = run(
        &[
            "extract",
            "fixtures/fr-retours-talks.txt",
            "--decisions",
            &decisions,
            "-o",
            &out,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!(
            "talkgraph: {decisions}:2:10: unknown type \"firm\": use person, company, project, talk or event\n{decisions}:4:11: same_as takes two non-empty names: same_as = [\"Josue Abreu\", \"Josh Abreu\"]\n"
        )
    );
    assert!(!std::path::Path::new(&out).exists());
}

#[test]
fn decide_appends_and_refuses_repeats() {
    let dir = TempDir::new("decide");
    let file = path(&dir, "decisions.toml");
    let o = run(
        &["decide", "same", "Tempo", "Grafana Tempo", "--file", &file],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        format!("{file}:6: added same_as \"Tempo\" \"Grafana Tempo\"\n")
    );
    let mut said = Vec::new();
    for args in [
        &["not-same", "Ippon Technologies", "Ippon"][..],
        &["reject", "Shipping", "--note", "a word of a talk title"][..],
        &["retype", "GitHub", "company"][..],
    ] {
        let mut all = vec!["decide"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--file", &file]);
        let o = run(&all, None);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        said.push(stdout(&o));
    }
    // Each names the line its decision stands on (a note comes after it).
    assert_eq!(said[1], format!("{file}:12: added reject \"Shipping\"\n"));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.ends_with(
            "[[decision]]\nsame_as = [\"Tempo\", \"Grafana Tempo\"]\n\n[[decision]]\nnot_same_as = [\"Ippon Technologies\", \"Ippon\"]\n\n[[decision]]\nreject = \"Shipping\"\nnote = \"a word of a talk title\"\n\n[[decision]]\nretype = [\"GitHub\", \"company\"]\n"
        ),
        "{text}"
    );
    // The same decision again, written otherwise: refused, the file untouched.
    let o = run(
        &["decide", "same", "tempo", "GRAFANA TEMPO", "--file", &file],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!(
            "talkgraph: {file}:6: same_as \"tempo\" \"GRAFANA TEMPO\" is already there (same_as \"Tempo\" \"Grafana Tempo\"); nothing written\n"
        )
    );
    let o = run(
        &[
            "decide",
            "same",
            "Ippon",
            "Ippon Technologies",
            "--file",
            &file,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("contradicts"), "{}", stderr(&o));
    let o = run(
        &["decide", "retype", "GitHub", "firm", "--file", &file],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    let nowhere = path(&dir, "no-such-folder/decisions.toml");
    let o = run(&["decide", "reject", "X", "--file", &nowhere], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with(&format!(
            "talkgraph: {nowhere}: cannot create the decisions file ("
        )),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    // What decide wrote is what extract applies.
    let out = path(&dir, "g.json");
    let o = run(
        &["extract", "fixtures/", "--decisions", &file, "-o", &out],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let g = json(&out);
    assert!(node(&g, "company:shipping").is_none());
    assert!(node(&g, "company:github").is_some());
    assert!(node(&g, "company:ippon").is_some());
}

#[test]
fn into_applies_the_decisions_again_and_matches_a_fresh_run() {
    let dir = TempDir::new("decisions-into");
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    for f in [
        "en-conference-notes-table.md",
        "en-liveblog-timestamps.md",
        "fr-retours-talks.txt",
    ] {
        std::fs::copy(root().join("fixtures").join(f), docs.join(f)).unwrap();
    }
    // Only decisions about these documents: others would be warned about on every run.
    std::fs::write(
        dir.path().join("decisions.toml"),
        "[[decision]]\nsame_as = [\"Tempo\", \"Grafana Tempo\"]\n[[decision]]\nreject = \"Shipping\"\n",
    )
    .unwrap();
    let in_dir = |args: &[&str]| bin().current_dir(dir.path()).args(args).output().unwrap();
    let o = in_dir(&[
        "extract",
        "docs",
        "--decisions",
        "decisions.toml",
        "--into",
        "g.json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // One document changes: only it is extracted again, and the decisions apply to it
    // (Grafana Tempo is in it), with no warning for the entity rejected on the first run.
    let liveblog = docs.join("en-liveblog-timestamps.md");
    let mut text = std::fs::read_to_string(&liveblog).unwrap();
    text.push_str("\nOne more line about Grafana Tempo.\n");
    std::fs::write(&liveblog, text).unwrap();
    let o = in_dir(&[
        "extract",
        "docs",
        "--decisions",
        "decisions.toml",
        "--into",
        "g.json",
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stderr(&o).contains("1 changed, 2 unchanged"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
    let o = in_dir(&[
        "extract",
        "docs",
        "--decisions",
        "decisions.toml",
        "-o",
        "fresh.json",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let o = in_dir(&["diff", "fresh.json", "g.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // Without the decisions, the graph is not the one they made: everything is redone.
    let o = in_dir(&["extract", "docs", "--into", "g.json"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stderr(&o).contains("g.json: was corrected by decisions this run does not apply (give --decisions FILE to keep them): every document given is extracted again"),
        "{}",
        stderr(&o)
    );
    assert!(
        node(
            &json(&dir.path().join("g.json").to_string_lossy()),
            "project:grafana-tempo"
        )
        .is_some()
    );
}

/// The examples of `decide --help` and the decisions example of `extract --help` run, in
/// a folder where `fixtures` is the repository's.
#[test]
fn help_examples_run() {
    let dir = TempDir::new("decide-help");
    #[cfg(unix)]
    std::os::unix::fs::symlink(root().join("fixtures"), dir.path().join("fixtures")).unwrap();
    let decide = examples(&stdout(&run(&["decide", "--help"], None)));
    assert_eq!(decide.len(), 4);
    let extract: Vec<Vec<String>> = examples(&stdout(&run(&["extract", "--help"], None)))
        .into_iter()
        .filter(|a| a.contains(&"--decisions".to_string()))
        .collect();
    assert_eq!(extract.len(), 1);
    for args in decide.iter().chain(&extract) {
        let o = bin().current_dir(dir.path()).args(args).output().unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "talkgraph {args:?}: {}",
            stderr(&o)
        );
    }
    assert!(dir.path().join("my-decisions.toml").exists());
    assert!(dir.path().join("graph.json").exists());
}

#[test]
fn decide_runs_at_once_each_add_their_decision() {
    let dir = TempDir::new("decide-parallel");
    let file = path(&dir, "decisions.toml");
    let children: Vec<_> = (0..8)
        .map(|i| {
            bin()
                .args(["decide", "reject", &format!("Name {i}"), "--file", &file])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let text = std::fs::read_to_string(&file).unwrap();
    for i in 0..8 {
        assert!(text.contains(&format!("reject = \"Name {i}\"\n")), "{text}");
    }
}

#[test]
fn shards_merged_with_the_decisions_give_the_graph_of_one_run() {
    let dir = TempDir::new("decisions-merge");
    let decisions = path(&dir, "decisions.toml");
    std::fs::write(&decisions, DECISIONS).unwrap();
    let (a, b, merged, whole) = (
        path(&dir, "a.json"),
        path(&dir, "b.json"),
        path(&dir, "merged.json"),
        path(&dir, "whole.json"),
    );
    let shard_a = [
        "fixtures/en-liveblog-timestamps.md",
        "fixtures/en-conference-notes-table.md",
    ];
    let shard_b = [
        "fixtures/fr-retours-talks.txt",
        "fixtures/fr-soiree-jug-paragraphes.md",
        "fixtures/fr-meetup-agenda.md",
    ];
    for (shard, out) in [(&shard_a[..], &a), (&shard_b[..], &b)] {
        let mut args = vec!["extract"];
        args.extend_from_slice(shard);
        args.extend_from_slice(&["-o", out]);
        assert_eq!(run(&args, None).status.code(), Some(0));
    }
    let o = run(
        &["merge", &a, &b, "--decisions", &decisions, "-o", &merged],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
    let mut args = vec!["extract"];
    args.extend_from_slice(&shard_a);
    args.extend_from_slice(&shard_b);
    args.extend_from_slice(&["--decisions", &decisions, "-o", &whole]);
    assert_eq!(run(&args, None).status.code(), Some(0));
    assert!(node(&json(&merged), "project:grafana-tempo").is_none());
    assert_eq!(
        std::fs::read(&merged).unwrap(),
        std::fs::read(&whole).unwrap()
    );
}
