//! The input shapes that once made a stage quadratic (issues 12 and 16) must finish: each is
//! extracted by the binary under a watchdog of 120 s, at a size where linear work takes
//! seconds even in a debug build and the old quadratic stages took minutes. Not a timing
//! assertion: bench/badinput.sh measures speed. Each also checks the graph is right, with
//! a fact written after the pathological part, so the whole file must have been read.
#![cfg(unix)]

use crate::util::{TempDir, bin, root};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

const BUDGET: Duration = Duration::from_secs(120);

/// Extracts `text` (saved as `name`) with one job under the watchdog; the graph's edges as
/// (source, relation, target).
fn extract_within_budget(name: &str, text: &str) -> Vec<(String, String, String)> {
    let dir = TempDir::new(&format!("linear-{name}"));
    let input = dir.path().join(name);
    std::fs::write(&input, text).unwrap();
    let output = dir.path().join("g.json");
    // Output to files, not pipes: a pipe nobody drains would stop the child.
    let err = std::fs::File::create(dir.path().join("stderr")).unwrap();
    let mut child = bin()
        .current_dir(root())
        .args(["extract", "--jobs", "1"])
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(err)
        .spawn()
        .expect("spawn talkgraph");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > BUDGET {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{name} ({} bytes): still running after {} s; some stage is no longer linear",
                text.len(),
                BUDGET.as_secs()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stderr = std::fs::read_to_string(dir.path().join("stderr")).unwrap();
    assert!(status.success(), "{name}: {stderr}");
    edges(&output)
}

fn edges(path: &Path) -> Vec<(String, String, String)> {
    let g: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    g["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap().to_string();
            (s("source"), s("relation"), s("target"))
        })
        .collect()
}

/// The fact every input ends with.
const FACT: &str = "Li Wei works at Zylo.";

fn has_fact(edges: &[(String, String, String)]) -> bool {
    edges
        .iter()
        .any(|(s, r, t)| s == "person:li-wei" && r == "works_at" && t == "company:zylo")
}

/// `n` words drawn from `words` by a fixed linear congruential sequence (no rand crate).
fn words(words: &[&str], n: usize) -> String {
    let mut x: u64 = 20_261_203;
    let mut out = String::with_capacity(n * 6);
    for i in 0..n {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        if i > 0 {
            out.push(' ');
        }
        out.push_str(words[(x >> 33) as usize % words.len()]);
    }
    out
}

#[test]
fn a_line_of_a_megabyte() {
    // 1 MB on one line took 24 s in a release build when unit-wide scans were quadratic.
    let w = "the Kubernetes talk by Ana Ruiz from Qorp about Rust and Go at KubeCon .";
    let w: Vec<&str> = w.split(' ').collect();
    let text = format!("{}. {FACT}", words(&w, 200_000));
    assert!(text.len() > 900_000 && !text.contains('\n'));
    assert!(has_fact(&extract_within_budget("line.txt", &text)));
}

#[test]
fn a_hundred_thousand_headings() {
    // 200,000 headings ran for more than five minutes (release) before the fix.
    let mut text: String = (0..100_000).map(|i| format!("## Heading {i}\n")).collect();
    text.push_str(&format!("\n{FACT}\n"));
    assert!(has_fact(&extract_within_budget("headings.md", &text)));
}

#[test]
fn forty_thousand_list_items() {
    let text: String = (0..40_000)
        .map(|i| format!("- Item {i} by Ana Ruiz\n"))
        .collect();
    let edges = extract_within_budget("items.md", &text);
    // Every item is a talk the speaker presents, the last one included (`Item 1` to
    // `Item 9` are too short to be titles).
    let presents = |t: &str| {
        edges
            .iter()
            .any(|(s, r, o)| s == "person:ana-ruiz" && r == "presents" && o == t)
    };
    assert!(presents("talk:item-10") && presents("talk:item-39999"));
}

#[test]
fn a_paragraph_of_two_hundred_thousand_capitalised_words() {
    let w = ["Ana", "Ruiz", "Qorp", "Kafka", "Rust", "Lyon", "Strimzi"];
    let text = format!("{}. {FACT}\n", words(&w, 200_000));
    assert!(has_fact(&extract_within_budget("caps.txt", &text)));
}

#[test]
fn ten_thousand_quotes_on_one_line() {
    let mut text: String = (0..10_000)
        .map(|i| format!("Ana said \"Title Number {i}\" and "))
        .collect();
    text.push_str(&format!("left. {FACT}\n"));
    assert!(has_fact(&extract_within_budget("quotes.txt", &text)));
}

#[test]
fn ten_thousand_levels_of_nesting() {
    // Block quotes and list items nested 10,000 deep, and as many nested HTML elements: a
    // recursive reader would overflow its stack, a rescan per level would be quadratic.
    let deep = [
        ("quotes.md", format!("{} {FACT}\n", ">".repeat(10_000))),
        ("list.md", format!("{}{FACT}\n", "- ".repeat(10_000))),
        (
            "divs.html",
            format!(
                "<html><body>{}<p>{FACT}</p>{}</body></html>\n",
                "<div>".repeat(10_000),
                "</div>".repeat(10_000)
            ),
        ),
    ];
    for (name, text) in deep {
        assert!(has_fact(&extract_within_budget(name, &text)), "{name}");
    }
}
