//! Extraction quality: every fixture (and the seed document, when `../shared` is beside the
//! repository) is extracted by the real binary and scored by `talkgraph eval` against its gold.

use crate::util::{TempDir, run, shared, stderr, stdout};

/// Extracts `doc` and scores it against `gold`; returns (entity F1, relation F1).
fn score(doc: &str, gold: &str) -> (f64, f64) {
    let dir = TempDir::new(&format!("quality-{}", doc.replace(['/', '.'], "-")));
    let graph = dir.path().join("g.json");
    let o = run(&["extract", doc, "-o", graph.to_str().unwrap()], None);
    assert!(o.status.success(), "extract {doc}: {}", stderr(&o));
    let o = run(
        &["eval", "--explain", "--gold", gold, graph.to_str().unwrap()],
        None,
    );
    assert!(o.status.success(), "eval {gold}: {}", stderr(&o));
    let out = stdout(&o);
    let last = out.lines().last().expect("eval prints a summary line");
    let nums: Vec<f64> = last
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    assert_eq!(nums.len(), 2, "unexpected summary line: {last}");
    eprintln!("{doc}:\n{out}");
    (nums[0], nums[1])
}

/// Floors sit a little under today's figures, so a regression fails while small
/// trade-offs between documents stay possible.
fn check(name: &str, ext: &str, entity_floor: f64, relation_floor: f64) {
    let (e, r) = score(
        &format!("fixtures/{name}.{ext}"),
        &format!("fixtures/{name}.gold.json"),
    );
    assert!(
        e >= entity_floor,
        "{name}: entity F1 {e:.3} < floor {entity_floor}"
    );
    assert!(
        r >= relation_floor,
        "{name}: relation F1 {r:.3} < floor {relation_floor}"
    );
}

#[test]
fn en_blog_headings() {
    check("en-blog-headings", "md", 0.93, 0.83);
}

#[test]
fn en_liveblog_timestamps() {
    check("en-liveblog-timestamps", "md", 0.92, 0.78);
}

/// A recap by theme: each section names one talk in its prose (a link), and every talk is
/// listed again at the end with its speakers.
#[test]
fn fr_recap_themes_liste() {
    check("fr-recap-themes-liste", "md", 0.95, 0.92);
}

#[test]
fn fr_linkedin_post() {
    check("fr-linkedin-post", "txt", 0.94, 0.74);
}

#[test]
fn en_prose_roundup() {
    check("en-prose-roundup", "txt", 0.90, 0.82);
}

#[test]
fn fr_meetup_agenda() {
    check("fr-meetup-agenda", "md", 0.89, 0.72);
}

#[test]
fn fr_recap_plain() {
    check("fr-recap-plain", "txt", 0.93, 0.92);
}

#[test]
fn fr_retours_talks() {
    check("fr-retours-talks", "txt", 0.94, 0.91);
}

#[test]
fn en_meetup_page_html() {
    check("en-meetup-page", "html", 0.78, 0.66);
}

#[test]
fn fr_programme_table_html() {
    check("fr-programme-table", "html", 0.93, 0.95);
}

#[test]
fn en_recap_speaker_subheadings() {
    check("en-recap-speaker-subheadings", "md", 0.84, 0.83);
}

#[test]
fn fr_hugo_toml_links() {
    check("fr-hugo-toml-links", "md", 0.86, 0.80);
}

#[test]
fn en_agenda_nested_speakers() {
    check("en-agenda-nested-speakers", "md", 0.95, 0.95);
}

#[test]
fn fr_latin1_recap() {
    check("fr-latin1-recap", "txt", 0.79, 0.37);
}

#[test]
fn en_meetup_archive() {
    check("en-meetup-archive", "md", 0.86, 0.67);
}

#[test]
fn fr_soiree_meetup_emphase() {
    check("fr-soiree-meetup-emphase", "md", 0.84, 0.76);
}

#[test]
fn en_conference_notes_table() {
    check("en-conference-notes-table", "md", 0.92, 0.87);
}

#[test]
fn en_conference_minutes() {
    check("en-conference-minutes", "md", 0.93, 0.92);
}

#[test]
fn fr_soiree_jug_paragraphes() {
    check("fr-soiree-jug-paragraphes", "md", 0.95, 0.90);
}

#[test]
fn seed_document_meets_the_issue_floor() {
    let (Some(seed), Some(gold)) = (
        shared("seed/kubecon-eu-2022-day2.txt"),
        shared("seed/kubecon-eu-2022-day2.gold.json"),
    ) else {
        return;
    };
    let (e, r) = score(seed.to_str().unwrap(), gold.to_str().unwrap());
    assert!(e >= 0.95, "seed entity F1 {e:.3} < 0.95");
    assert!(r >= 0.90, "seed relation F1 {r:.3} < 0.90");
}

#[test]
fn eval_agrees_with_the_reference_scorer_on_our_seed_graph() {
    let (Some(seed), Some(gold), Some(scorer)) = (
        shared("seed/kubecon-eu-2022-day2.txt"),
        shared("seed/kubecon-eu-2022-day2.gold.json"),
        shared("eval/score.py"),
    ) else {
        return;
    };
    let dir = TempDir::new("quality-eval-agrees");
    let graph = dir.path().join("seed.json");
    let o = run(
        &[
            "extract",
            seed.to_str().unwrap(),
            "-o",
            graph.to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let ours = run(
        &[
            "eval",
            "--explain",
            "--gold",
            gold.to_str().unwrap(),
            graph.to_str().unwrap(),
        ],
        None,
    );
    let theirs = std::process::Command::new("python3")
        .arg(&scorer)
        .arg("--explain")
        .arg(&gold)
        .arg(&graph)
        .output()
        .expect("run score.py");
    assert_eq!(
        stdout(&ours),
        String::from_utf8_lossy(&theirs.stdout),
        "talkgraph eval and score.py disagree on the seed graph"
    );
}

/// The real-document corpus is a manifest and gold files (the texts are not committed): each
/// entry has its gold, each gold names its text and declares every relation end, and the
/// split keeps at least ten documents for testing.
#[test]
fn corpus_manifest_and_golds_are_consistent() {
    let root = crate::util::root().join("corpus");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("manifest.json")).unwrap())
            .expect("manifest.json is JSON");
    let docs = manifest["documents"].as_array().expect("documents");
    let mut tests = 0;
    for d in docs {
        let id = d["id"].as_str().expect("id");
        for key in [
            "repo", "path", "commit", "sha256", "language", "layout", "file",
        ] {
            assert!(
                d[key].as_str().is_some_and(|v| !v.is_empty()),
                "{id}: no {key}"
            );
        }
        assert_eq!(d["commit"].as_str().unwrap().len(), 40, "{id}: commit");
        match d["split"].as_str() {
            Some("test") => tests += 1,
            Some("dev") => {}
            other => panic!("{id}: split {other:?}"),
        }
        let gold: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(root.join("gold").join(format!("{id}.gold.json")))
                .unwrap_or_else(|e| panic!("{id}: gold: {e}")),
        )
        .unwrap_or_else(|e| panic!("{id}: gold is not JSON: {e}"));
        assert_eq!(
            gold["document"], d["file"],
            "{id}: gold names another document"
        );
        let names = |key: &str| -> Vec<String> {
            gold[key]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|e| e["name"].as_str().expect("entity name").to_string())
                        .collect()
                })
                .unwrap_or_default()
        };
        let declared = names("entities");
        let all: Vec<String> = declared
            .iter()
            .cloned()
            .chain(names("optional_entities"))
            .collect();
        for (key, known) in [("relations", &declared), ("optional_relations", &all)] {
            for r in gold[key].as_array().into_iter().flatten() {
                for end in ["source", "target"] {
                    let name = r[end].as_str().expect("relation end");
                    assert!(
                        known.iter().any(|n| n == name),
                        "{id}: {key}: undeclared {name:?}"
                    );
                }
            }
        }
    }
    assert!(
        docs.len() >= 30 && tests >= 10,
        "{} documents, {tests} in test",
        docs.len()
    );
}
