//! `talkgraph eval` next to the reference scorer: for the same files, `talkgraph eval` and
//! `../shared/eval/score.py` must print the same lines and exit with the same code.

use crate::util::{self, TempDir};
use std::process::{Command, Output};

/// A meetup recap's gold: accents, a non-ASCII letter the scorer drops (Ł), a curly
/// apostrophe, an alias shared with an optional entity, and two presenters' employers.
const MEETUP_GOLD: &str = r#"{
  "document": "meetup.txt",
  "language": "en",
  "entities": [
    {"type": "person", "name": "Zoé Martin", "aliases": ["Zoe Martin"]},
    {"type": "person", "name": "Łukasz Nowak"},
    {"type": "person", "name": "Ravi Iyer"},
    {"type": "company", "name": "Nimbus Labs", "aliases": ["Nimbus"]},
    {"type": "company", "name": "Quarry"},
    {"type": "project", "name": "Vault"},
    {"type": "project", "name": "cert-manager", "aliases": ["certmanager"]},
    {"type": "talk", "name": "Rotating Secrets Without Tears: A Field Guide for Platform Teams"},
    {"type": "talk", "name": "Nimbus’s Road to Zero-Trust"},
    {"type": "event", "name": "Cloud Native Lyon 2024", "aliases": ["CN Lyon 2024"]}
  ],
  "optional_entities": [
    {"type": "person", "name": "Marc"},
    {"type": "project", "name": "Nimbus"},
    {"type": "project", "name": "bash"}
  ],
  "relations": [
    {"source": "Zoé Martin", "relation": "works_at", "target": "Nimbus Labs"},
    {"source": "Łukasz Nowak", "relation": "works_at", "target": "Quarry"},
    {"source": "Zoe Martin", "relation": "presents",
     "target": "Rotating Secrets Without Tears: A Field Guide for Platform Teams"},
    {"source": "Łukasz Nowak", "relation": "presents", "target": "Nimbus's Road to Zero-Trust"},
    {"source": "Ravi Iyer", "relation": "presents", "target": "Nimbus's Road to Zero-Trust"},
    {"source": "Rotating Secrets Without Tears: A Field Guide for Platform Teams",
     "relation": "mentions", "target": "Vault"},
    {"source": "Rotating Secrets Without Tears: A Field Guide for Platform Teams",
     "relation": "mentions", "target": "cert-manager"},
    {"source": "Rotating Secrets Without Tears: A Field Guide for Platform Teams",
     "relation": "part_of", "target": "Cloud Native Lyon 2024"},
    {"source": "Nimbus's Road to Zero-Trust", "relation": "part_of", "target": "CN Lyon 2024"},
    {"source": "Quarry", "relation": "develops", "target": "Vault"}
  ],
  "optional_relations": [
    {"source": "Marc", "relation": "works_at", "target": "Quarry"}
  ]
}
"#;

/// A second, tiny document for the micro-average.
const TALK_GOLD: &str = r#"{
  "document": "talk.txt",
  "entities": [
    {"type": "person", "name": "Ines Duarte"},
    {"type": "company", "name": "Quarry"},
    {"type": "talk", "name": "Vault in Production"}
  ],
  "relations": [
    {"source": "Ines Duarte", "relation": "works_at", "target": "Quarry"},
    {"source": "Ines Duarte", "relation": "presents", "target": "Vault in Production"}
  ]
}
"#;

/// A temporary folder holding one scoring case's files.
struct Case {
    dir: TempDir,
}

impl Case {
    fn new(name: &str) -> Case {
        Case {
            dir: TempDir::new(&format!("eval-{name}")),
        }
    }

    /// Writes a file into the case folder and returns its path.
    fn file(&self, name: &str, contents: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).expect("write case file");
        path.to_str().expect("UTF-8 temp path").to_string()
    }

    /// Scores the (gold, graph) pairs with `talkgraph eval` and with score.py, asserts both
    /// print the same lines and exit the same way, and returns talkgraph's output.
    fn compare(&self, pairs: &[(&str, &str)], flags: &[&str]) -> Output {
        let mut args = vec!["eval"];
        args.extend(flags);
        for (gold, graph) in pairs {
            args.extend(["--gold", gold, graph]);
        }
        let ours = util::run(&args, None);
        let Some(scorer) = util::shared("eval/score.py") else {
            return ours;
        };
        let reference = Command::new("python3")
            .arg(scorer)
            .args(flags)
            .args(pairs.iter().flat_map(|(gold, graph)| [gold, graph]))
            .output()
            .expect("run python3 ../shared/eval/score.py");
        assert_same(&reference, &ours);
        ours
    }
}

/// Fails with both outputs as separate blocks unless stdout and exit code agree.
fn assert_same(reference: &Output, ours: &Output) {
    let (want, got) = (util::stdout(reference), util::stdout(ours));
    assert!(
        reference.stderr.is_empty(),
        "score.py failed:\n{}",
        util::stderr(reference)
    );
    let first_difference = want
        .lines()
        .zip(got.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| want.lines().count().min(got.lines().count()));
    if want != got || reference.status.code() != ours.status.code() {
        panic!(
            "talkgraph eval disagrees with score.py (first difference on line {})\n\
             --- score.py (exit {:?}) ---\n{want}\
             --- talkgraph eval (exit {:?}) ---\n{got}\
             --- talkgraph stderr ---\n{}",
            first_difference + 1,
            reference.status.code(),
            ours.status.code(),
            util::stderr(ours),
        );
    }
    assert!(!got.is_empty(), "no output at all");
}

fn last_line(o: &Output) -> String {
    util::stdout(o)
        .lines()
        .last()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn perfect_graph_scores_one() {
    let case = Case::new("perfect");
    let gold = case.file("meetup.gold.json", MEETUP_GOLD);
    let graph = case.file(
        "meetup.json",
        r#"{"nodes": [
          {"id": "person:zoe", "type": "person", "label": "Zoé Martin"},
          {"id": "person:lukasz", "type": "person", "label": "Łukasz Nowak"},
          {"id": "person:ravi", "type": "person", "label": "Ravi Iyer"},
          {"id": "company:nimbus", "type": "company", "label": "Nimbus"},
          {"id": "company:quarry", "type": "company", "label": "Quarry"},
          {"id": "project:vault", "type": "project", "label": "Vault"},
          {"id": "project:cm", "type": "project", "label": "Cert-Manager"},
          {"id": "talk:rotating", "type": "talk",
           "label": "Rotating Secrets Without Tears: A Field Guide for Platform Teams"},
          {"id": "talk:road", "type": "talk", "label": "Nimbus's road to zero trust"},
          {"id": "event:lyon", "type": "event", "label": "CN Lyon 2024"}
        ], "edges": [
          {"source": "person:zoe", "target": "company:nimbus", "relation": "works_at"},
          {"source": "person:lukasz", "target": "company:quarry", "relation": "works_at"},
          {"source": "person:zoe", "target": "talk:rotating", "relation": "presents"},
          {"source": "person:lukasz", "target": "talk:road", "relation": "presents"},
          {"source": "person:ravi", "target": "talk:road", "relation": "presents"},
          {"source": "talk:rotating", "target": "project:vault", "relation": "mentions"},
          {"source": "talk:rotating", "target": "project:cm", "relation": "mentions"},
          {"source": "talk:rotating", "target": "event:lyon", "relation": "part_of"},
          {"source": "talk:road", "target": "event:lyon", "relation": "part_of"},
          {"source": "company:quarry", "target": "project:vault", "relation": "develops"}
        ]}"#,
    );
    let out = case.compare(&[(&gold, &graph)], &["--explain"]);
    assert!(out.status.success());
    assert_eq!(last_line(&out), "entity F1 1.000  relation F1 1.000");
}

#[test]
fn false_positives_and_false_negatives() {
    let case = Case::new("fp-fn");
    let gold = case.file("meetup.gold.json", MEETUP_GOLD);
    let graph = case.file(
        "meetup.json",
        r#"{"nodes": [
          {"id": "p1", "type": "person", "label": "Zoe Martin"},
          {"id": "p2", "type": "person", "label": "Lukasz Nowak"},
          {"id": "p3", "type": "person", "label": "Zoé’s \"team\" lead"},
          {"id": "p4", "type": "person", "label": null},
          {"id": "p5", "type": "person", "label": "Ines\u00a0Duarte\n"},
          {"id": "c1", "type": "company", "label": "Nimbus Labs"},
          {"id": "x1", "type": "city", "label": "Lyon"},
          {"id": "j1", "type": "project", "label": "Vault"},
          {"id": "j2", "type": "project", "label": "Kubernetes"},
          {"id": "e1", "type": "event", "label": "Cloud Native Lyon"}
        ], "edges": [
          {"source": "p1", "target": "c1", "relation": "works_at"},
          {"source": "p2", "target": "c1", "relation": "works_at"},
          {"source": "p3", "target": "c1", "relation": "works_at"},
          {"source": "c1", "target": "j1", "relation": "develops"},
          {"source": "c1", "target": "j2", "relation": "develops"},
          {"source": "p1", "target": "x1", "relation": "works_at"},
          {"source": "p1", "target": "missing", "relation": "presents"},
          {"target": "e1", "relation": "part_of"},
          {"source": "p1", "target": "c1", "relation": "knows"},
          {"source": "p1", "target": "c1"}
        ]}"#,
    );
    let out = case.compare(&[(&gold, &graph)], &["--explain"]);
    assert!(out.status.success());
}

#[test]
fn optional_entities_and_relations_are_ignored() {
    let case = Case::new("optional");
    let gold = case.file("meetup.gold.json", MEETUP_GOLD);
    let graph = case.file(
        "meetup.json",
        r#"{"nodes": [
          {"id": "marc", "type": "person", "label": "Marc"},
          {"id": "zoe", "type": "person", "label": "Zoe Martin"},
          {"id": "lukasz", "type": "person", "label": "Łukasz Nowak"},
          {"id": "quarry", "type": "company", "label": "Quarry"},
          {"id": "nimbus-co", "type": "company", "label": "Nimbus Labs"},
          {"id": "nimbus-sw", "type": "project", "label": "Nimbus"},
          {"id": "bash", "type": "project", "label": "Bash"},
          {"id": "vault", "type": "project", "label": "Vault"},
          {"id": "rotating", "type": "talk",
           "label": "Rotating Secrets Without Tears: A Field Guide for Platform Teams"},
          {"id": "road", "type": "talk", "label": "Nimbus’s Road to Zero-Trust"}
        ], "edges": [
          {"source": "marc", "target": "quarry", "relation": "works_at"},
          {"source": "marc", "target": "nimbus-co", "relation": "works_at"},
          {"source": "rotating", "target": "bash", "relation": "mentions"},
          {"source": "nimbus-co", "target": "nimbus-sw", "relation": "develops"},
          {"source": "zoe", "target": "nimbus-co", "relation": "works_at"},
          {"source": "zoe", "target": "rotating", "relation": "presents"},
          {"source": "rotating", "target": "nimbus-co", "relation": "mentions"},
          {"source": "lukasz", "target": "road", "relation": "presents"},
          {"source": "road", "target": "quarry", "relation": "mentions"},
          {"source": "road", "target": "nimbus-co", "relation": "mentions"},
          {"source": "rotating", "target": "vault", "relation": "mentions"}
        ]}"#,
    );
    let out = case.compare(&[(&gold, &graph)], &["--explain"]);
    assert!(out.status.success());
}

#[test]
fn second_node_for_the_same_entity_is_a_false_positive() {
    let case = Case::new("duplicates");
    let gold = case.file("meetup.gold.json", MEETUP_GOLD);
    let graph = case.file(
        "meetup.json",
        r#"{"nodes": [
          {"id": "a", "type": "person", "label": "Zoé Martin"},
          {"id": "b", "type": "person", "label": "Zoe Martin"},
          {"id": "c", "type": "person", "label": "zoe", "aliases": ["ZOE MARTIN"]},
          {"id": "d", "type": "project", "label": "Vault"},
          {"id": "d", "type": "project", "label": "certmanager"},
          {"id": "q", "type": "company", "label": "Quarry"},
          {"id": "q2", "type": "company", "label": "quarry"}
        ], "edges": [
          {"source": "q", "target": "d", "relation": "develops"},
          {"source": "q2", "target": "d", "relation": "develops"},
          {"source": "a", "target": "q", "relation": "works_at"},
          {"source": "b", "target": "q2", "relation": "works_at"}
        ]}"#,
    );
    let out = case.compare(&[(&gold, &graph)], &["--explain"]);
    assert!(out.status.success());
}

#[test]
fn talk_titles_match_by_token_overlap() {
    let case = Case::new("jaccard");
    let gold = case.file("meetup.gold.json", MEETUP_GOLD);
    let graph = case.file(
        "meetup.json",
        r#"{"nodes": [
          {"id": 1, "type": "talk",
           "label": "Rotating secrets without tears - a field guide for platform"},
          {"id": 2, "type": "talk", "label": "Road to zero trust",
           "aliases": ["Nimbus road to zero-trust"]},
          {"id": 3, "type": "talk", "label": "Rotating secrets: a field guide"},
          {"id": 4, "type": "person", "label": "Ravi Iyer"},
          {"id": 5, "type": "event", "label": "Cloud Native Lyon 2024"}
        ], "edges": [
          {"source": 4, "target": 2, "relation": "presents"},
          {"source": 4, "target": 3, "relation": "presents"},
          {"source": 1, "target": 5, "relation": "part_of"},
          {"source": 2.0, "target": 5, "relation": "part_of"}
        ]}"#,
    );
    let out = case.compare(&[(&gold, &graph)], &["--explain"]);
    assert!(out.status.success());
}

#[test]
fn name_and_links_keys_are_read_like_networkx() {
    let case = Case::new("networkx");
    let gold = case.file("talk.gold.json", TALK_GOLD);
    let graph = case.file(
        "talk.json",
        r#"{"directed": true, "nodes": [
          {"id": 0, "type": "person", "name": "Inês Duarte"},
          {"id": 1, "type": "company", "name": "Quarry", "aliases": null},
          {"id": 2, "type": "talk", "name": "Vault in production", "aliases": []},
          {"type": "company", "name": "Nobody"}
        ], "links": [
          {"source": 0, "target": 1, "type": "works_at"},
          {"source": 0, "target": 2, "label": "presents"},
          {"source": 2, "target": null, "relation": "mentions"}
        ]}"#,
    );
    let out = case.compare(&[(&gold, &graph)], &["--explain"]);
    assert!(out.status.success());
}

#[test]
fn several_pairs_are_micro_averaged() {
    let case = Case::new("pairs");
    let meetup_gold = case.file("meetup.gold.json", MEETUP_GOLD);
    let meetup = case.file(
        "meetup.json",
        r#"{"nodes": [
          {"id": "z", "type": "person", "label": "Zoe Martin"},
          {"id": "n", "type": "company", "label": "Nimbus"},
          {"id": "r", "type": "person", "label": "Ravi"}
        ], "edges": [
          {"source": "z", "target": "n", "relation": "works_at"},
          {"source": "r", "target": "n", "relation": "works_at"}
        ]}"#,
    );
    let talk_gold = case.file("talk.gold.json", TALK_GOLD);
    let talk = case.file(
        "talk.json",
        r#"{"nodes": [
          {"id": "i", "type": "person", "label": "Ines Duarte"},
          {"id": "q", "type": "company", "label": "Quarry"},
          {"id": "t", "type": "talk", "label": "Vault in Production"}
        ], "edges": [
          {"source": "i", "target": "q", "relation": "works_at"},
          {"source": "i", "target": "t", "relation": "presents"},
          {"source": "t", "target": "q", "relation": "mentions"}
        ]}"#,
    );
    let out = case.compare(
        &[(&meetup_gold, &meetup), (&talk_gold, &talk)],
        &["--explain"],
    );
    assert!(out.status.success());
    case.compare(&[(&talk_gold, &talk), (&meetup_gold, &meetup)], &[]);
}

#[test]
fn scores_below_the_minimum_exit_1() {
    let case = Case::new("threshold");
    let gold = case.file("talk.gold.json", TALK_GOLD);
    let graph = case.file(
        "talk.json",
        r#"{"nodes": [
          {"id": "i", "type": "person", "label": "Ines Duarte"},
          {"id": "q", "type": "company", "label": "Quarry"}
        ], "edges": [
          {"source": "i", "target": "q", "relation": "works_at"}
        ]}"#,
    );
    let pair = [(gold.as_str(), graph.as_str())];
    let out = case.compare(&pair, &["--min-entity-f1", "0.9"]);
    assert_eq!(out.status.code(), Some(1));
    let out = case.compare(&pair, &["--min-relation-f1", "0.7", "--explain"]);
    assert_eq!(out.status.code(), Some(1));
    let out = case.compare(
        &pair,
        &["--min-entity-f1", "0.8", "--min-relation-f1", "0.6"],
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(last_line(&out), "entity F1 0.800  relation F1 0.667");
}

#[test]
fn seed_gold_against_a_small_graph() {
    let case = Case::new("seed");
    let Some(gold) = util::shared("seed/kubecon-eu-2022-day2.gold.json") else {
        return;
    };
    let gold = gold.to_str().expect("UTF-8 path");
    let graph = case.file(
        "seed.json",
        r#"{"nodes": [
          {"id": "person:josh", "type": "person", "label": "Josh Abreu"},
          {"id": "person:henry", "type": "person", "label": "Henry"},
          {"id": "person:borat", "type": "person", "label": "Devops"},
          {"id": "company:grafana", "type": "company", "label": "Grafana"},
          {"id": "project:grafana", "type": "project", "label": "Grafana"},
          {"id": "company:ld", "type": "company", "label": "LaunchDarkly"},
          {"id": "project:prom", "type": "project", "label": "Prometheus"},
          {"id": "project:k8s", "type": "project", "label": "Kubernetes"},
          {"id": "project:k8s-2", "type": "project", "label": "K8s"},
          {"id": "talk:alerting", "type": "talk",
           "label": "Alerting in the Prometheus ecosystem: past, present and future"},
          {"id": "talk:shopify", "type": "talk", "label": "Securing Shopify’s Software Supply Chain"},
          {"id": "event:kubecon", "type": "event", "label": "KubeCon + CloudNativeCon Europe 2022"}
        ], "edges": [
          {"source": "person:josh", "target": "company:grafana", "relation": "works_at"},
          {"source": "person:josh", "target": "talk:alerting", "relation": "presents"},
          {"source": "talk:alerting", "target": "project:prom", "relation": "mentions"},
          {"source": "talk:alerting", "target": "company:grafana", "relation": "mentions"},
          {"source": "talk:alerting", "target": "project:grafana", "relation": "mentions"},
          {"source": "talk:alerting", "target": "project:k8s", "relation": "mentions"},
          {"source": "talk:alerting", "target": "event:kubecon", "relation": "part_of"},
          {"source": "talk:shopify", "target": "event:kubecon", "relation": "part_of"},
          {"source": "person:henry", "target": "company:ld", "relation": "works_at"},
          {"source": "person:borat", "target": "company:ld", "relation": "works_at"},
          {"source": "talk:shopify", "target": "project:npm", "relation": "mentions"}
        ]}"#,
    );
    let out = case.compare(&[(gold, &graph)], &["--explain"]);
    assert!(out.status.success());
    case.compare(&[(gold, &graph)], &["--min-relation-f1", "0.5"]);
}

#[test]
fn bad_json_names_file_line_and_column() {
    let case = Case::new("bad-json");
    let gold = case.file("talk.gold.json", TALK_GOLD);
    let graph = case.file(
        "talk.json",
        "{\"nodes\": [\n  {\"id\": 1,}\n], \"edges\": []}\n",
    );
    let out = util::run(&["eval", "--gold", &gold, &graph], None);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(util::stdout(&out), "");
    assert_eq!(
        util::stderr(&out),
        format!("talkgraph: {graph}:2:12: trailing comma\n")
    );
}

#[test]
fn gold_relation_naming_an_unknown_entity_is_an_error() {
    let case = Case::new("unknown-entity");
    let gold = case.file(
        "bad.gold.json",
        r#"{"entities": [{"type": "person", "name": "Ines Duarte"}],
            "relations": [{"source": "Ines Duarte", "relation": "works_at", "target": "Quarry"}]}"#,
    );
    let graph = case.file("g.json", r#"{"nodes": [], "edges": []}"#);
    let out = util::run(&["eval", "--gold", &gold, &graph], None);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        util::stderr(&out),
        format!(
            "talkgraph: {gold}: relations[0] (Ines Duarte works_at Quarry) names an unknown \
             entity: 'Quarry'\n"
        )
    );
}

/// Users have no `../shared`: the help describes the gold format itself.
#[test]
fn eval_help_describes_gold_files_without_pointing_outside_the_product() {
    for args in [&["eval", "--help"][..], &["--help"][..]] {
        let o = util::run(args, None);
        assert!(o.status.success());
        let help = util::stdout(&o);
        assert!(
            !help.contains("../shared"),
            "{args:?} help points at ../shared:\n{help}"
        );
    }
    let help = util::stdout(&util::run(&["eval", "--help"], None));
    for word in ["works_at", "presents", "optional_entities", "aliases"] {
        assert!(help.contains(word), "eval --help does not describe {word}");
    }
}

/// A floor that is no number from 0 to 1 would let every score pass; a gold file that is
/// not an object would score everything against nothing.
#[test]
fn bad_floors_and_non_object_golds_are_refused() {
    let dir = TempDir::new("eval-bad");
    let gold = dir.path().join("g.gold.json");
    std::fs::write(&gold, "[]").expect("write gold");
    let graph = util::root().join("tests/data/sample-graph.json");
    let (gold, graph) = (
        gold.to_str().expect("utf-8"),
        graph.to_str().expect("utf-8"),
    );
    let o = util::run(&["eval", "--gold", gold, graph], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        util::stderr(&o).contains("a gold file is a JSON object"),
        "{}",
        util::stderr(&o)
    );
    for floor in ["NaN", "1.5", "-0.1", "x"] {
        let arg = format!("--min-entity-f1={floor}");
        let o = util::run(&["eval", &arg, "--gold", gold, graph], None);
        assert_eq!(o.status.code(), Some(2), "--min-entity-f1 {floor} accepted");
        assert!(
            util::stderr(&o).contains("not a number from 0 to 1"),
            "{}",
            util::stderr(&o)
        );
    }
}
