//! A newcomer's first hour: rule folders that extend the embedded rules (`--rules`) or
//! replace them (`--rules-replace`), `rules dump` and `rules init`, shell completions and
//! manual pages, and the examples their `--help` gives.

use crate::util::{TempDir, bin, root, run, stderr, stdout};
use serde_json::Value;
use std::path::Path;

fn p(path: &Path) -> &str {
    path.to_str().expect("UTF-8 temp path")
}

fn graph(args: &[&str], stdin: Option<&str>) -> Value {
    let o = run(args, stdin);
    assert!(o.status.success(), "talkgraph {args:?}: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("stdout is JSON")
}

fn labels(g: &Value, kind: &str) -> Vec<String> {
    g["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter(|n| n["type"] == kind)
        .map(|n| n["label"].as_str().expect("label").to_string())
        .collect()
}

/// The rules of the edges of `relation`.
fn rules_of(g: &Value, relation: &str) -> Vec<String> {
    g["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .filter(|e| e["relation"] == relation)
        .map(|e| e["rule"].as_str().expect("rule").to_string())
        .collect()
}

#[test]
fn a_one_line_companies_file_adds_to_the_embedded_gazetteer() {
    let dir = TempDir::new("extend-one");
    std::fs::write(
        dir.path().join("companies.txt"),
        "Zorblax Industries | Zorblax\n",
    )
    .unwrap();
    let text = "Nina Petrova from Zorblax presented, then Ana Ruiz from Shopify.\n";
    let g = graph(&["extract", "-", "--rules", p(dir.path())], Some(text));
    let companies = labels(&g, "company");
    assert!(
        companies.contains(&"Zorblax Industries".to_string()),
        "{companies:?}"
    );
    // The embedded gazetteer is still there.
    assert!(companies.contains(&"Shopify".to_string()), "{companies:?}");
    let default = graph(&["extract", "-"], Some(text));
    assert!(!labels(&default, "company").contains(&"Zorblax Industries".to_string()));
    // The folder is what `rules check` and `rules test` read too: one company more, and
    // the embedded rules' examples.
    let o = run(&["rules", "check", p(dir.path())], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let embedded = stdout(&run(&["rules", "check"], None));
    let count = |s: &str| -> usize {
        s.split(": ok: ")
            .nth(1)
            .and_then(|t| t.split(' ').next())
            .and_then(|n| n.parse().ok())
            .expect("a company count")
    };
    assert_eq!(count(&stdout(&o)), count(&embedded) + 1, "{}", stdout(&o));
    let o = run(&["rules", "test", p(dir.path())], None);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn a_partial_folder_read_alone_is_one_error() {
    let dir = TempDir::new("replace-partial");
    std::fs::write(dir.path().join("companies.txt"), "Zorblax Industries\n").unwrap();
    let o = run(
        &["extract", "fixtures", "--rules-replace", p(dir.path())],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with(&format!(
            "talkgraph: {}:0:0: 11 of the 12 rule files missing (projects.txt, ",
            p(dir.path())
        )),
        "{err}"
    );
    // A misspelt file is named rather than passed over.
    std::fs::write(dir.path().join("company.txt"), "Qorp\n").unwrap();
    let o = run(&["rules", "check", p(dir.path())], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with(&format!(
            "talkgraph: {}:0:0: not rule files: company.txt; rule files are named companies.txt, ",
            p(dir.path())
        )),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_dump_read_alone_gives_the_bytes_of_the_embedded_rules() {
    let dir = TempDir::new("dump");
    let rules = dir.path().join("full");
    let o = run(&["rules", "dump", p(&rules)], None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 12, "{}", stdout(&o));
    assert!(stdout(&o).starts_with(&format!("wrote {}/companies.txt\n", p(&rules))));
    for file in ["companies.txt", "patterns.toml", "section_words.txt"] {
        assert_eq!(
            std::fs::read(rules.join(file)).unwrap(),
            std::fs::read(root().join("rules").join(file)).unwrap(),
            "{file}"
        );
    }
    let default = run(&["extract", "fixtures"], None);
    let o = run(&["extract", "fixtures", "--rules-replace", p(&rules)], None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        o.stdout == default.stdout,
        "--rules-replace on a dump changes the graph"
    );
    // Added over the embedded rules, a whole dump replaces each entry and rule by itself:
    // the same facts; only the fingerprint, a hash of the files read, differs.
    let o = run(&["extract", "fixtures", "--rules", p(&rules)], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let facts = |bytes: &[u8]| -> Vec<String> {
        String::from_utf8_lossy(bytes)
            .lines()
            .filter(|l| !l.contains("\"rules_fingerprint\""))
            .map(str::to_string)
            .collect()
    };
    assert!(
        facts(&o.stdout) == facts(&default.stdout),
        "--rules on a dump changes the facts"
    );
    // Dumped again: refused, nothing written, unless --force.
    std::fs::write(rules.join("places.txt"), "Atlantis\n").unwrap();
    let o = run(&["rules", "dump", p(&rules)], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("already holds companies.txt, projects.txt")
            && stderr(&o).contains("nothing was written; give --force"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(rules.join("places.txt")).unwrap(),
        "Atlantis\n"
    );
    let o = run(&["rules", "dump", p(&rules), "--force"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_ne!(
        std::fs::read_to_string(rules.join("places.txt")).unwrap(),
        "Atlantis\n"
    );
}

#[test]
fn a_rule_with_an_embedded_id_replaces_that_rule() {
    let dir = TempDir::new("extend-rule");
    std::fs::write(
        dir.path().join("patterns.toml"),
        r#"[[rule]]
id = "fr.works_at.de_chez"
lang = "fr"
relation = "works_at"
pattern = '(?P<subj>{PX})\s+zzqx\s+(?P<obj>{ORG})'
examples = ["⟦P1⟧ zzqx ⟦C2⟧"]
[[rule.test]]
text = "Noé Valette zzqx Zylotech nous a présenté son retour d’expérience."
expect = ["Noé Valette works_at Zylotech"]
"#,
    )
    .unwrap();
    let d = p(dir.path());
    let o = run(&["rules", "check", d], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let patterns = |s: &str| s.trim_end().rsplit(", ").next().unwrap().to_string();
    assert_eq!(
        patterns(&stdout(&o)),
        patterns(&stdout(&run(&["rules", "check"], None))),
        "the rule was added, not replaced"
    );
    let old = "Noé Valette de chez Zylotech nous a présenté son retour d’expérience.\n";
    assert!(
        rules_of(&graph(&["extract", "-"], Some(old)), "works_at")
            .contains(&"fr.works_at.de_chez".to_string())
    );
    assert!(
        !rules_of(
            &graph(&["extract", "-", "--rules", d], Some(old)),
            "works_at"
        )
        .contains(&"fr.works_at.de_chez".to_string())
    );
    let new = "Noé Valette zzqx Zylotech nous a présenté son retour d’expérience.\n";
    assert!(
        rules_of(
            &graph(&["extract", "-", "--rules", d], Some(new)),
            "works_at"
        )
        .contains(&"fr.works_at.de_chez".to_string())
    );
    // `rules test` runs the folder's example of the rule instead of the embedded one.
    let o = run(&["rules", "test", d], None);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn an_extended_set_has_its_own_fingerprint() {
    let dir = TempDir::new("extend-fingerprint");
    let rules = dir.path().join("r");
    let o = run(&["rules", "init", p(&rules)], None);
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::write(
        rules.join("companies.txt"),
        "Zorblax Industries | Zorblax\n",
    )
    .unwrap();
    let g = dir.path().join("g.json");
    let text = dir.path().join("a.md");
    std::fs::write(&text, "Nina Petrova from Zorblax presented.\n").unwrap();
    let o = run(&["extract", p(&text), "--into", p(&g)], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(
        &["extract", p(&text), "--into", p(&g), "--rules", p(&rules)],
        None,
    );
    assert!(
        stderr(&o).contains("made with other rules"),
        "{}",
        stderr(&o)
    );
    assert!(
        std::fs::read_to_string(&g)
            .unwrap()
            .contains("Zorblax Industries")
    );
    let o = run(
        &["extract", p(&text), "--into", p(&g), "--rules", p(&rules)],
        None,
    );
    assert!(stderr(&o).contains("1 unchanged"), "{}", stderr(&o));
}

/// Each example of the new commands' `--help` runs, in a folder of its own.
#[test]
fn help_examples_run() {
    let dir = TempDir::new("packaging-help");
    let mut count = 0;
    // In this order: `rules check`'s examples check the folders the two before wrote.
    for command in [
        &["rules", "dump"][..],
        &["rules", "init"],
        &["rules", "check"],
        &["completions"],
        &["man"],
    ] {
        let mut args = command.to_vec();
        args.push("--help");
        let help = stdout(&run(&args, None));
        let examples = crate::decisions::examples(&help);
        assert!(examples.len() >= 2, "{help}");
        for args in examples {
            // Piped into another program: run the part before the pipe.
            let args: Vec<&String> = args.iter().take_while(|a| *a != "|").collect();
            let o = bin().current_dir(dir.path()).args(&args).output().unwrap();
            assert_eq!(
                o.status.code(),
                Some(0),
                "talkgraph {args:?}: {}",
                stderr(&o)
            );
            assert!(!o.stdout.is_empty(), "talkgraph {args:?} printed nothing");
            count += 1;
        }
    }
    assert!(count >= 10);
    assert!(dir.path().join("man/talkgraph-rules-dump.1").exists());
}

#[test]
fn completions_for_every_shell_and_a_manual_page() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = run(&["completions", shell], None);
        assert!(o.status.success(), "{shell}: {}", stderr(&o));
        assert!(
            stdout(&o).contains("rules-replace"),
            "{shell}: no --rules-replace in the completions"
        );
    }
    let o = run(&["completions", "tcsh"], None);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["man"], None);
    assert!(o.status.success());
    assert!(
        stdout(&o).starts_with(".ie \\n(.g .ds Aq"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains(".TH talkgraph 1"), "{}", stdout(&o));
}
