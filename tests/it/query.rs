//! `query`, `neighbors`, `path`, `show`, `explain`, `stats`, `subgraph` over the
//! hand-made graph in tests/data/query-graph.json: exact stdout and exit codes.

use crate::util::{TempDir, run, stderr, stdout};

const GRAPH: &str = "tests/data/query-graph.json";

/// Runs `talkgraph CMD GRAPH ARGS…` and checks the exit code and the whole stdout.
fn check(cmd: &str, args: &[&str], code: i32, expected: &str) {
    let mut all = vec![cmd, GRAPH];
    all.extend_from_slice(args);
    let out = run(&all, None);
    let got = stdout(&out);
    assert!(
        got == expected && out.status.code() == Some(code),
        "talkgraph {}\n--- expected (exit {code}) ---\n{expected}--- got (exit {:?}) ---\n{got}--- stderr ---\n{}",
        all.join(" "),
        out.status.code(),
        stderr(&out)
    );
}

/// Runs a command expected to fail with exit 2 and checks the whole stderr.
fn check_error(cmd: &str, args: &[&str], expected_stderr: &str) {
    let mut all = vec![cmd, GRAPH];
    all.extend_from_slice(args);
    let out = run(&all, None);
    let got = stderr(&out);
    assert!(
        got == expected_stderr && out.status.code() == Some(2) && out.stdout.is_empty(),
        "talkgraph {}\n--- expected stderr ---\n{expected_stderr}--- got (exit {:?}) ---\n{got}",
        all.join(" "),
        out.status.code()
    );
}

#[test]
fn one_constant_pattern() {
    check(
        "query",
        &["?p works_at Shopify"],
        0,
        "p\nInès Moreau\nJosue Abreu\n",
    );
}

#[test]
fn three_pattern_join() {
    check(
        "query",
        &["?p works_at ?c", "?p presents ?t", "?t mentions Kubernetes"],
        0,
        "\
p                c             t
Josue Abreu      Shopify       Fun with Continuous Compliance
Kim Schlesinger  DigitalOcean  Kubernetes on a Budget
Ricardo Rocha    CERN          Multi-Cluster Control Planes at CERN
",
    );
}

#[test]
fn type_constrained_variables_as_csv() {
    check(
        "query",
        &["?t:talk mentions ?x:project", "--format", "csv"],
        0,
        "\
t,x
Docker Images Without the Bloat,Docker
Fun with Continuous Compliance,Kubernetes
Kubernetes on a Budget,Kubernetes
Multi-Cluster Control Planes at CERN,Crossplane
Multi-Cluster Control Planes at CERN,Kubernetes
Tracing Everything with Tempo,Grafana
Tracing Everything with Tempo,Tempo
",
    );
    // The company DigitalOcean is mentioned too, but is not a project.
    check(
        "query",
        &["Kubernetes on a Budget mentions ?x:company"],
        0,
        "x\nDigitalOcean\n",
    );
}

#[test]
fn relation_variable_as_json() {
    check(
        "query",
        &["Kim Schlesinger ?r ?x", "--format", "json"],
        0,
        "\
[
  {\"r\": \"presents\", \"x\": \"Kubernetes on a Budget\"},
  {\"r\": \"works_at\", \"x\": \"DigitalOcean\"}
]
",
    );
    // Columns follow first appearance: subject before relation.
    check(
        "query",
        &["?p ?r Shopify", "--format", "tsv"],
        0,
        "p\tr\nInès Moreau\tworks_at\nJosue Abreu\tworks_at\n",
    );
}

#[test]
fn alias_and_case_and_accent_insensitive_constants() {
    check(
        "query",
        &["?t mentions K8s"],
        0,
        "t\nFun with Continuous Compliance\nKubernetes on a Budget\nMulti-Cluster Control Planes at CERN\n",
    );
    check(
        "query",
        &["josh abreu presents ?t"],
        0,
        "t\nFun with Continuous Compliance\n",
    );
    check("query", &["INES MOREAU works_at ?c"], 0, "c\nShopify\n");
}

#[test]
fn limit_cuts_after_sorting() {
    check(
        "query",
        &["?p:person works_at ?c", "--limit", "2"],
        0,
        "p             c\nAmara Okafor  Grafana Labs\nInès Moreau   Shopify\n",
    );
}

#[test]
fn evidence_per_row() {
    check(
        "query",
        &["?p works_at Shopify", "--evidence"],
        0,
        "\
p
Inès Moreau
  Inès Moreau works_at Shopify (rule works_at.paren, confidence 0.9)
    recaps/oss-2024.md:12: \"Inès Moreau (Shopify) closed with Docker Images Without the Bloat.\"
Josue Abreu
  Josue Abreu works_at Shopify (rule works_at.paren, confidence 0.9)
    recaps/kubecon-eu-2024.md:3: \"Josh Abreu (Shopify) opened with Fun with Continuous Compliance.\"
",
    );
    check(
        "query",
        &["Josh Abreu works_at ?c", "--evidence", "--format", "json"],
        0,
        "\
[
  {\"c\": \"Shopify\", \"evidence\": [{\"subject\":\"Josue Abreu\",\"relation\":\"works_at\",\"object\":\"Shopify\",\"rule\":\"works_at.paren\",\"confidence\":0.9,\"lines\":[{\"source\":\"recaps/kubecon-eu-2024.md\",\"line\":3,\"text\":\"Josh Abreu (Shopify) opened with Fun with Continuous Compliance.\"}]}]}
]
",
    );
}

#[test]
fn question_without_variables_answers_yes_or_no() {
    check("query", &["Josh Abreu works_at Shopify"], 0, "yes\n");
    check("query", &["Kim Schlesinger works_at Shopify"], 1, "no\n");
}

#[test]
fn no_results_exit_1() {
    check("query", &["Sven Larsen presents ?t"], 1, "");
    check(
        "query",
        &["Sven Larsen presents ?t", "--format", "csv"],
        1,
        "t\n",
    );
    check(
        "query",
        &["Sven Larsen presents ?t", "--format", "json"],
        1,
        "[]\n",
    );
}

#[test]
fn name_type_picks_among_homonyms() {
    check(
        "query",
        &["?t mentions Docker:company"],
        0,
        "t\nDocker Images Without the Bloat\n",
    );
    // Only the company can develop something, so no suffix is needed.
    check("query", &["Docker develops ?p"], 0, "p\nDocker\n");
}

#[test]
fn ambiguous_name_says_how_to_disambiguate() {
    check_error(
        "query",
        &["?t mentions Docker"],
        "\
talkgraph: pattern 1, column 13: `Docker` names 2 entities: Docker (company), Docker (project); write `Docker:company` or `Docker:project`
  ?t mentions Docker
              ^^^^^^
",
    );
}

#[test]
fn unknown_name_suggests_the_closest() {
    check_error(
        "query",
        &["?p works_at Grafana Lab"],
        "\
talkgraph: pattern 1, column 13: no entity named `Grafana Lab`; did you mean `Grafana Labs`?
  ?p works_at Grafana Lab
              ^^^^^^^^^^^
",
    );
    check_error(
        "query",
        &["?t mentions K8"],
        "\
talkgraph: pattern 1, column 13: no entity named `K8`; did you mean `K8s` (alias of Kubernetes)?
  ?t mentions K8
              ^^
",
    );
    check_error(
        "neighbors",
        &["Grafna Labs"],
        "talkgraph: no entity named `Grafna Labs`; did you mean `Grafana Labs` or `Grafana`?\n",
    );
}

#[test]
fn bad_pattern_names_the_column() {
    check_error(
        "query",
        &["?p works_at ?c", "?p work_at Shopify"],
        "\
talkgraph: pattern 2, column 4: unknown relation `work_at`; did you mean `works_at`?
  ?p work_at Shopify
     ^^^^^^^
",
    );
    check_error(
        "query",
        &["?t:tlak mentions ?x"],
        "\
talkgraph: pattern 1, column 4: unknown type `tlak` (types are person, company, project, talk, event)
  ?t:tlak mentions ?x
     ^^^^
",
    );
}

#[test]
fn unreadable_graph_exit_2() {
    let out = run(
        &["query", "tests/data/missing.json", "?p works_at ?c"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("talkgraph: tests/data/missing.json: "),
        "{}",
        stderr(&out)
    );
}

#[test]
fn malformed_graph_names_line_and_column() {
    let dir = TempDir::new("malformed");
    let file = dir.path().join("bad.json");
    std::fs::write(&file, "{\"directed\": true,\n \"nodes\": [{\"id\": 3}]}\n").unwrap();
    let file = file.to_str().expect("utf-8 temp path");
    let out = run(&["query", file, "?p works_at ?c"], None);
    assert_eq!(out.status.code(), Some(2));
    let expected = format!("talkgraph: {file}:2:19: invalid type: integer `3`, expected a string");
    assert!(stderr(&out).starts_with(&expected), "{}", stderr(&out));
}

#[test]
fn neighbors_two_hops() {
    check(
        "neighbors",
        &["Grafana Labs", "--depth", "2"],
        0,
        "\
depth  type     name                           via
1      person   Amara Okafor                   Amara Okafor works_at Grafana Labs
1      person   Sven Larsen                    Sven Larsen works_at Grafana Labs
1      project  Grafana                        Grafana Labs develops Grafana
1      project  Tempo                          Grafana Labs develops Tempo
2      talk     Tracing Everything with Tempo  Amara Okafor presents Tracing Everything with Tempo
",
    );
    check(
        "neighbors",
        &[
            "Grafana Labs",
            "--depth",
            "2",
            "--relation",
            "works_at",
            "--direction",
            "in",
        ],
        0,
        "\
depth  type    name          via
1      person  Amara Okafor  Amara Okafor works_at Grafana Labs
1      person  Sven Larsen   Sven Larsen works_at Grafana Labs
",
    );
    check("neighbors", &["Prometheus"], 1, "");
}

#[test]
fn path_prints_each_hop_with_direction() {
    check(
        "path",
        &["Ricardo Rocha", "Crossplane"],
        0,
        "\
Ricardo Rocha (person)
  --presents--> Multi-Cluster Control Planes at CERN (talk)
  --mentions--> Crossplane (project)
",
    );
    check(
        "path",
        &["Kim Schlesinger", "Ricardo Rocha", "--all-shortest"],
        0,
        "\
Kim Schlesinger (person)
  --presents--> Kubernetes on a Budget (talk)
  --part_of--> KubeCon Europe 2024 (event)
  <--part_of-- Multi-Cluster Control Planes at CERN (talk)
  <--presents-- Ricardo Rocha (person)

Kim Schlesinger (person)
  --presents--> Kubernetes on a Budget (talk)
  --mentions--> Kubernetes (project)
  <--mentions-- Multi-Cluster Control Planes at CERN (talk)
  <--presents-- Ricardo Rocha (person)
",
    );
    check("path", &["Prometheus", "Crossplane"], 1, "");
    // --limit 0 only answers whether they are connected, with or without --all-shortest.
    check(
        "path",
        &["Ricardo Rocha", "Crossplane", "--limit", "0"],
        0,
        "",
    );
    check(
        "path",
        &[
            "Ricardo Rocha",
            "Crossplane",
            "--all-shortest",
            "--limit",
            "0",
        ],
        0,
        "",
    );
    check("path", &["Prometheus", "Crossplane", "--limit", "0"], 1, "");
}

#[test]
fn show_lists_names_attributes_edges_and_evidence() {
    check(
        "show",
        &["Josh Abreu"],
        0,
        "\
Josue Abreu (person)
id: person:josue-abreu
aliases: Josh Abreu
attributes:
  role: Staff Engineer
edges:
  --presents--> Fun with Continuous Compliance (talk)  (rule presents.opened_with, confidence 0.8)
    recaps/kubecon-eu-2024.md:3: \"Josh Abreu (Shopify) opened with Fun with Continuous Compliance.\"
  --works_at--> Shopify (company)  (rule works_at.paren, confidence 0.9)
    recaps/kubecon-eu-2024.md:3: \"Josh Abreu (Shopify) opened with Fun with Continuous Compliance.\"
mentions:
  recaps/kubecon-eu-2024.md:3: \"Josh Abreu\"
",
    );
    check(
        "show",
        &["Docker:Company"],
        0,
        "\
Docker (company)
id: company:docker
aliases: Docker Inc
edges:
  --develops--> Docker (project)  (rule develops.ships, confidence 0.7)
    recaps/oss-2024.md:14: \"Docker, the company, now ships slim base images of Docker.\"
  <--mentions-- Docker Images Without the Bloat (talk)  (rule mentions.section, confidence 0.6)
    recaps/oss-2024.md:14: \"Docker, the company, now ships slim base images of Docker.\"
mentions:
  recaps/oss-2024.md:14: \"Docker\"
",
    );
    check_error(
        "show",
        &["Docker"],
        "talkgraph: `Docker` names 2 entities: Docker (company), Docker (project); write `Docker:company` or `Docker:project`\n",
    );
}

#[test]
fn explain_gives_rule_and_source_line() {
    check(
        "explain",
        &["Kim Schlesinger", "works_at", "DigitalOcean"],
        0,
        "\
Kim Schlesinger works_at DigitalOcean
  rule: works_at.from (confidence 0.8)
  recaps/kubecon-eu-2024.md:7: \"Kim Schlesinger from DigitalOcean and Li Wei showed Kubernetes on a Budget.\"
",
    );
    check(
        "explain",
        &["Kim Schlesinger", "works_at", "Shopify"],
        1,
        "no edge matches `\"Kim Schlesinger\" works_at \"Shopify\"`\n",
    );
}

#[test]
fn stats_counts_and_hubs() {
    check(
        "stats",
        &["--top", "3"],
        0,
        "\
nodes  26
  person    7
  company   6
  project   6
  talk      5
  event     2
edges  30
  works_at  6
  presents  6
  mentions  9
  part_of   5
  develops  4
sources  2
components  2 (largest 25 nodes, 1 isolated)
most connected
  5  Kubernetes on a Budget (talk)
  4  Docker Images Without the Bloat (talk)
  4  Grafana Labs (company)
",
    );
}

#[test]
fn subgraph_as_dot_and_json() {
    check(
        "subgraph",
        &["Shopify", "--format", "dot"],
        0,
        "\
digraph \"talkgraph\" {
    graph [charset=\"UTF-8\", rankdir=\"LR\", fontname=\"Helvetica\", fontsize=\"12\"];
    node [style=\"filled\", fontname=\"Helvetica\", fontsize=\"11\", color=\"#555555\"];
    edge [fontname=\"Helvetica\", fontsize=\"9\", color=\"#666666\"];
    subgraph \"cluster_legend\" {
        graph [label=\"Legend\", style=\"rounded,dashed\", color=\"#999999\"];
        \"legend:person\" [label=\"person\", shape=\"ellipse\", fillcolor=\"#8ecae6\"];
        \"legend:company\" [label=\"company\", shape=\"box\", fillcolor=\"#ffb703\"];
    }
    \"company:shopify\" [label=\"Shopify\", tooltip=\"company:shopify\", shape=\"box\", fillcolor=\"#ffb703\"];
    \"person:ines-moreau\" [label=\"Inès Moreau\", tooltip=\"person:ines-moreau\", shape=\"ellipse\", fillcolor=\"#8ecae6\"];
    \"person:josue-abreu\" [label=\"Josue Abreu\", tooltip=\"person:josue-abreu\", shape=\"ellipse\", fillcolor=\"#8ecae6\"];
    \"person:ines-moreau\" -> \"company:shopify\" [label=\"works_at\", tooltip=\"works_at (rule works_at.paren, confidence 0.9)\"];
    \"person:josue-abreu\" -> \"company:shopify\" [label=\"works_at\", tooltip=\"works_at (rule works_at.paren, confidence 0.9)\"];
}
",
    );
    let out = run(&["subgraph", GRAPH, "Upbound", "--depth", "2"], None);
    assert_eq!(out.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("subgraph is JSON");
    let ids: Vec<&str> = doc["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "company:upbound",
            "project:crossplane",
            "talk:multi-cluster-control-planes-at-cern"
        ]
    );
    assert_eq!(doc["edges"].as_array().unwrap().len(), 2);
    assert_eq!(
        doc["graph"]["sources"],
        serde_json::json!(["recaps/kubecon-eu-2024.md"])
    );
    assert!(stdout(&out).ends_with("}\n"));
}

#[test]
fn every_command_help_shows_an_example() {
    for cmd in [
        "query",
        "neighbors",
        "path",
        "show",
        "explain",
        "stats",
        "subgraph",
        "diff",
        "decide",
    ] {
        let out = run(&[cmd, "--help"], None);
        let text = stdout(&out);
        assert!(
            text.contains("Examples:\n  talkgraph ") && out.status.code() == Some(0),
            "{cmd} --help:\n{text}"
        );
    }
}

#[test]
fn same_query_same_bytes() {
    let args = [
        "query",
        GRAPH,
        "?t mentions ?x",
        "?t part_of ?e",
        "--format",
        "csv",
    ];
    let a = run(&args, None);
    let b = run(&args, None);
    assert_eq!(a.stdout, b.stdout);
    assert_eq!(stdout(&a).lines().count(), 10);
}

#[test]
fn subgraph_output_is_a_graph_to_query() {
    let dir = TempDir::new("subgraph");
    let out = run(&["subgraph", GRAPH, "Grafana Labs"], None);
    let file = dir.path().join("grafana.json");
    std::fs::write(&file, &out.stdout).expect("write subgraph");
    let file = file.to_str().expect("utf-8 temp path");
    let out = run(&["query", file, "?p works_at ?c"], None);
    assert_eq!(
        stdout(&out),
        "p             c\nAmara Okafor  Grafana Labs\nSven Larsen   Grafana Labs\n"
    );
}

/// The same commands over the fixtures' own graph (output/graph.json, kept fresh by the
/// extract tests) and over text extracted on the fly.
mod fixtures_graph {
    use crate::util::{run, stderr, stdout};

    fn check(args: &[&str], expected: &str) {
        let out = run(args, None);
        assert!(
            stdout(&out) == expected && out.status.success(),
            "talkgraph {}\n--- expected ---\n{expected}--- got ({:?}) ---\n{}--- stderr ---\n{}",
            args.join(" "),
            out.status.code(),
            stdout(&out),
            stderr(&out)
        );
    }

    #[test]
    fn who_works_at_a_company() {
        let rows = "p\nHélène Garnier-Lacombe\nJean-Baptiste Okafor\n";
        check(
            &["query", "output/graph.json", "?p works_at Doctolib"],
            rows,
        );
        // Text inputs are extracted on the fly with the same rules.
        check(
            &[
                "query",
                "fixtures/fr-retours-talks.txt",
                "?p works_at Doctolib",
            ],
            rows,
        );
    }

    #[test]
    fn three_pattern_join_over_the_fixtures() {
        check(
            &[
                "query",
                "output/graph.json",
                "?p works_at ?c",
                "?p presents ?t",
                "?t mentions Kubernetes",
                "--format",
                "csv",
            ],
            "p,c,t\n\
             Camille Bouchard-Nguyen,Ouest-France,Rendre Kafka Ennuyeux : Trois Ans d'Exploitation en Production\n\
             Corentin Pasquier,Brumeau,PostgreSQL sur Kubernetes avec CloudNativePG\n\
             Florian Jacquemin,Zenika,Écrire Son Premier Opérateur Kubernetes en Go\n\
             Hana Takeda-Moreau,Zalando,\"Forty Clusters, One Upgrade Calendar\"\n\
             Ingrid Tamura-Wolfe,Qorvane,Ten Years of Shipping on Kubernetes\n\
             Léa Nguyen-Tardieu,Ouestflux,PostgreSQL sur Kubernetes avec CloudNativePG\n\
             Saoirse Delahunt,Tinbridge Payments,Golden Paths on Kubernetes\n\
             Solène Harrouch,Orvalis,Des permissions sans migraine avec OpenFGA\n\
             Solène Marchetti-Duval,Brumeau,\"Dix ans de Kubernetes, et maintenant ?\"\n",
        );
    }

    #[test]
    fn who_develops_what() {
        check(
            &[
                "query",
                "output/graph.json",
                "?c:company develops ?p",
                "--format",
                "tsv",
            ],
            "c\tp\nGrafana Labs\tTempo\nIsovalent\tCilium\nRancher Labs\tk3s\nRed Hat\tKeycloak\nRed Hat\tStrimzi\n\
             Shopify\tPackwerk\nSpotify\tBackstage\nZalando\tPatroni\nenv0\tOpenTofu\n",
        );
    }

    #[test]
    fn explain_and_path_cite_the_fixture_text() {
        check(
            &[
                "explain",
                "output/graph.json",
                "Łukasz Wroński",
                "works_at",
                "Jetstack",
            ],
            "Łukasz Wroński works_at Jetstack\n  rule: en.works_at.from (confidence 0.85)\n  \
             fixtures/en-blog-headings.md:36: \"Łukasz Wroński from Jetstack\"\n",
        );
        check(
            &[
                "path",
                "output/graph.json",
                "Noémie Kerbrat",
                "Let's Encrypt",
            ],
            "Noémie Kerbrat (person)\n  --presents--> Gérer ses certificats avec cert-manager et Let's Encrypt (talk)\n  \
             --mentions--> Let's Encrypt (company)\n",
        );
    }

    fn code(args: &[&str]) -> Option<i32> {
        run(args, None).status.code()
    }

    #[test]
    fn typed_variables_alias_constants_and_relation_variables() {
        check(
            &[
                "query",
                "output/graph.json",
                "?t:talk mentions ?x:company",
                "?t part_of FOSDEM 2024",
            ],
            "t                                       x\n\
             Istio Ambient Mode, One Year Later      Solo.io\n\
             Policy as Code Without Tears            env0\n\
             Ten Thousand Ceph OSDs at DigitalOcean  DigitalOcean\n",
        );
        // "Digital Ocean" is how one fixture spells DigitalOcean: an alias of the node.
        check(
            &["query", "output/graph.json", "?t mentions Digital Ocean"],
            "t\nTen Thousand Ceph OSDs at DigitalOcean\n",
        );
        check(
            &[
                "query",
                "output/graph.json",
                "Zoë Fairweather ?r ?x",
                "--format",
                "tsv",
            ],
            "r\tx\npresents\tShrinking Our Image Pulls: containerd Snapshotters in Practice\nworks_at\tDatadog\n",
        );
    }

    #[test]
    fn exit_codes_and_suggestions_over_the_fixtures() {
        assert_eq!(
            code(&["query", "output/graph.json", "?p works_at Doctolib"]),
            Some(0)
        );
        // Valid names, no binding satisfies all three patterns: grep's 1.
        assert_eq!(
            code(&[
                "query",
                "output/graph.json",
                "?p works_at Datadog",
                "?p presents ?t",
                "?t mentions Kafka"
            ]),
            Some(1)
        );
        let out = run(&["query", "output/graph.json", "?p works_at Datadg"], None);
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(
            stderr(&out),
            "talkgraph: pattern 1, column 13: no entity named `Datadg`; did you mean `Datadog`?\n  ?p works_at Datadg\n              ^^^^^^\n"
        );
    }

    #[test]
    fn neighbors_show_stats_and_subgraph_over_the_fixtures() {
        check(
            &[
                "neighbors",
                "output/graph.json",
                "Isovalent",
                "--relation",
                "develops",
            ],
            "depth  type     name    via\n1      project  Cilium  Isovalent develops Cilium\n",
        );
        let show = stdout(&run(
            &["show", "output/graph.json", "Zoë Fairweather"],
            None,
        ));
        assert!(
            show.starts_with("Zoë Fairweather (person)\nid: person:zoe-fairweather\n"),
            "{show}"
        );
        assert!(show.contains("--works_at--> Datadog (company)"), "{show}");
        let stats = stdout(&run(&["stats", "output/graph.json"], None));
        let doc: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(crate::util::root().join("output/graph.json")).unwrap(),
        )
        .unwrap();
        let nodes = doc["nodes"].as_array().unwrap().len();
        assert!(stats.starts_with(&format!("nodes  {nodes}\n")), "{stats}");
        let sub = run(
            &[
                "subgraph",
                "output/graph.json",
                "Jetstack",
                "--format",
                "dot",
            ],
            None,
        );
        assert!(sub.status.success());
        let dot = String::from_utf8_lossy(&sub.stdout);
        assert!(
            dot.contains("\"company:jetstack\"") && dot.contains("\"person:łukasz-wronski\""),
            "{dot}"
        );
    }
}

#[test]
fn a_variable_written_once_where_it_joins_nothing_is_warned_about_and_the_query_runs() {
    let joined = ["query", GRAPH, "?p works_at ?c", "?p presents ?t"];
    let slip = ["query", GRAPH, "?p works_at ?c", "?pp presents ?t"];
    let a = run(&joined, None);
    let b = run(&slip, None);
    assert!(
        a.status.success() && stderr(&a).is_empty(),
        "{}",
        stderr(&a)
    );
    // Still answered (a cross product), with the column of the variable on stderr.
    assert_eq!(b.status.code(), Some(0), "{}", stderr(&b));
    assert!(stdout(&b).lines().count() > stdout(&a).lines().count());
    assert_eq!(
        stderr(&b),
        "talkgraph: warning: pattern 2, column 1: `?pp` is used only once; did you mean `?p`? Patterns join only on a variable written the same in each\n  ?pp presents ?t\n  ^^^\n\
         talkgraph: warning: pattern 2, column 14: `?t` is used only once and pattern 2 shares no variable with pattern 1 or the patterns joined to it, so each of its rows pairs with every row of theirs; write one of their variables in it to join them\n  ?pp presents ?t\n               ^^\n"
    );
}
