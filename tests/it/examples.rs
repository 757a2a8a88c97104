//! Every example of every `--help` and every `talkgraph` command of the README runs, as
//! pasted, against the files it names: exit 0 (or a documented 1 or 2) and some output.
//!
//! Examples run in a temporary folder laid out like the repository (`fixtures/`, `rules/`,
//! `tests/` linked, `output/graph.json` copied, so nothing writes to the real `output/`),
//! where the reader's own files that examples name (`recap.md`, `my-rules/`, `parts/*.json`,
//! `~/blog/content`) are stand-ins copied from the fixtures: see [`World::new`]. A README
//! code block preceded by `<!-- examples: not run: REASON -->` is skipped; so is an example
//! that needs the network (`curl`). What a pipe feeds into (`| dot -Tsvg > x.svg`) is cut
//! off and the talkgraph part's stdout is checked instead, so GraphViz is not needed.

use crate::util::{TempDir, bin, root, run, stdout};
use std::path::{Path, PathBuf};
use std::process::Stdio;

/// The marker, on the line before a README code fence, that keeps its commands from running.
const NOT_RUN: &str = "<!-- examples: not run:";

/// A folder where the examples find every file they name.
struct World {
    dir: TempDir,
}

fn copy(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            copy(&e.path(), &to.join(e.file_name()));
        }
    } else {
        if let Some(p) = to.parent() {
            std::fs::create_dir_all(p).unwrap();
        }
        std::fs::copy(from, to).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
    }
}

impl World {
    fn new(name: &str) -> World {
        let dir = TempDir::new(name);
        let d = dir.path();
        let r = root();
        for linked in ["fixtures", "rules", "tests"] {
            #[cfg(unix)]
            std::os::unix::fs::symlink(r.join(linked), d.join(linked)).unwrap();
            #[cfg(not(unix))]
            copy(&r.join(linked), &d.join(linked));
        }
        copy(&r.join("output/graph.json"), &d.join("output/graph.json"));
        // The reader's own files, as the examples name them.
        let fixture = |f: &str| r.join("fixtures").join(f);
        let stand_ins: &[(&str, PathBuf)] = &[
            ("recap.md", fixture("en-blog-headings.md")),
            ("saved-agenda.html", fixture("en-meetup-page.html")),
            ("notes.txt", fixture("fr-recap-plain.txt")),
            ("recap.gold.json", fixture("en-blog-headings.gold.json")),
            ("a.gold.json", fixture("en-blog-headings.gold.json")),
            ("b.gold.json", fixture("fr-recap-plain.gold.json")),
            ("a.json", r.join("output/graph.json")),
            ("b.json", r.join("output/graph.json")),
            ("graph.json", r.join("output/graph.json")),
            ("before.json", r.join("tests/data/sample-graph.json")),
            ("after.json", r.join("tests/data/query-graph.json")),
            ("part1.json", r.join("tests/data/sample-graph.json")),
            ("part2.json", r.join("tests/data/query-graph.json")),
            ("parts/1.json", r.join("tests/data/sample-graph.json")),
            ("parts/2.json", r.join("tests/data/query-graph.json")),
            ("my-rules", r.join("rules")),
            ("my-full-rules", r.join("rules")),
            ("talk.txt", fixture("en-prose-roundup.txt")),
            (
                "en-conference-notes-table.md",
                fixture("en-conference-notes-table.md"),
            ),
            (
                "en-conference-notes-table.gold.json",
                fixture("en-conference-notes-table.gold.json"),
            ),
            ("home/blog/content/a.md", fixture("en-blog-headings.md")),
            ("home/blog/content/b.txt", fixture("fr-recap-plain.txt")),
            ("new-posts/c.md", fixture("fr-meetup-agenda.md")),
            ("shard-1/a.md", fixture("en-blog-headings.md")),
            ("shard-2/b.txt", fixture("fr-recap-plain.txt")),
            ("docs/a.md", fixture("en-conference-notes-table.md")),
        ];
        for (to, from) in stand_ins {
            copy(from, &d.join(to));
        }
        std::fs::write(
            d.join("decisions.toml"),
            "[[decision]]\nreject = \"Shipping\"\n",
        )
        .unwrap();
        World { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `fixtures/*.gold.json`: every name of the folder that the pattern matches, sorted.
    fn glob(&self, word: &str) -> Vec<String> {
        let Some((folder, pattern)) = word.rsplit_once('/') else {
            return vec![word.to_string()];
        };
        let Some((before, after)) = pattern.split_once('*') else {
            return vec![word.to_string()];
        };
        let mut names: Vec<String> = std::fs::read_dir(self.path().join(folder))
            .unwrap_or_else(|e| panic!("{word}: {e}"))
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(before) && n.ends_with(after))
            .map(|n| format!("{folder}/{n}"))
            .collect();
        names.sort();
        assert!(!names.is_empty(), "{word} matches nothing");
        names
    }
}

/// Shell words: `'…'` and `"…"` quoting, `|`, `;`, `>` and `>>` as words of their own, a
/// `#` that starts a word starts a comment.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let (mut any, mut quote) = (false, None::<char>);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                any = true;
            }
            (None, '#') if !any => break,
            (None, ' ' | '\t') => {
                if any {
                    out.push(std::mem::take(&mut word));
                }
                any = false;
            }
            (None, '|' | ';' | '>') => {
                if any {
                    out.push(std::mem::take(&mut word));
                }
                any = false;
                if c == '>' && chars.peek() == Some(&'>') {
                    chars.next();
                    out.push(">>".into());
                } else {
                    out.push(c.to_string());
                }
            }
            (None, c) => {
                word.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(word);
    }
    out
}

/// How one example ended.
enum Ran {
    /// Exit code, stdout, stderr; and whether a file named after -o, --into or --file
    /// holds something.
    Done(Option<i32>, Vec<u8>, String, bool),
    Skipped(&'static str),
}

/// Runs one example line (several commands when `;` separates them) in `world`.
fn run_line(world: &World, line: &str) -> Ran {
    let all = words(line);
    let mut last = Ran::Skipped("no talkgraph command");
    for command in all.split(|w| w == ";").filter(|c| !c.is_empty()) {
        // The stages of a pipe; a redirection ends the command.
        let command: Vec<&String> = command
            .iter()
            .take_while(|w| *w != ">" && *w != ">>")
            .collect();
        let stages: Vec<Vec<&String>> = command
            .split(|w| *w == "|")
            .map(<[&String]>::to_vec)
            .collect();
        let Some(at) = stages.iter().position(|s| s[0] == "talkgraph") else {
            continue;
        };
        let mut stdin = None;
        if at > 0 {
            match stages[at - 1].as_slice() {
                [cat, file] if *cat == "cat" => {
                    stdin = Some(std::fs::read(world.path().join(file)).unwrap());
                }
                [curl, ..] if *curl == "curl" => return Ran::Skipped("needs the network"),
                other => panic!("`{line}`: cannot feed a pipe from {other:?}"),
            }
        }
        // `dot -Tsvg` and the like after the talkgraph stage are left out.
        let home = world.path().join("home");
        let mut args: Vec<String> = Vec::new();
        for w in &stages[at][1..] {
            if w.contains('*') {
                args.extend(world.glob(w));
            } else if let Some(rest) = w.strip_prefix("~/") {
                args.push(home.join(rest).to_string_lossy().into_owned());
            } else {
                args.push(w.to_string());
            }
        }
        // `rules dump DIR` and `rules init DIR` make DIR: a stand-in of that name (which
        // later examples use) would make them refuse to write over it.
        if let [first, second, dir, ..] = &args[..]
            && first == "rules"
            && (second == "dump" || second == "init")
        {
            let _ = std::fs::remove_dir_all(world.path().join(dir));
        }
        let mut child = bin()
            .current_dir(world.path())
            .env("HOME", &home)
            .args(&args)
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        if let Some(bytes) = stdin {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(&bytes).unwrap();
        }
        let o = child.wait_with_output().unwrap();
        let written = args.windows(2).any(|w| {
            matches!(w[0].as_str(), "-o" | "--output" | "--into" | "--file") && {
                let p = world.path().join(&w[1]);
                p.is_file() && p.metadata().unwrap().len() > 0
                    || p.is_dir() && std::fs::read_dir(&p).unwrap().next().is_some()
            }
        });
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        let failed = o.status.code() != Some(0);
        last = Ran::Done(o.status.code(), o.stdout, err, written);
        if failed {
            // The commands after it would run on what it did not make: report this one.
            break;
        }
    }
    last
}

/// Asserts one example ran as documented: exit 0 with output (on stdout or in the file it
/// writes), exit 1 with a report (a `no`, a diff, scores under a floor), or exit 2 when
/// the documentation shows the error that follows.
fn check(world: &World, place: &str, line: &str, error_shown: bool) -> bool {
    match run_line(world, line) {
        Ran::Skipped(why) => {
            eprintln!("{place}: skipped ({why}): {line}");
            false
        }
        Ran::Done(code, out, err, written) => {
            let output = !out.is_empty() || written;
            // `diff` of equal graphs prints nothing and exits 0, as diff(1) does: documented.
            let equal_diff = line.starts_with("talkgraph diff ");
            let ok = match code {
                Some(0) => output || equal_diff,
                Some(1) => !out.is_empty(),
                Some(2) => error_shown,
                _ => false,
            };
            assert!(
                ok,
                "{place}: `{line}` exited {code:?} with {} bytes of stdout{}\n--- stderr ---\n{err}",
                out.len(),
                if written { " and its file written" } else { "" }
            );
            true
        }
    }
}

/// The `talkgraph` lines under `Examples:` in a help text (also those fed by a pipe).
fn help_examples(help: &str) -> Vec<String> {
    let Some((_, tail)) = help.split_once("Examples:\n") else {
        return Vec::new();
    };
    tail.lines()
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .filter(|l| l.starts_with("talkgraph ") || l.contains("| talkgraph "))
        .map(str::to_string)
        .collect()
}

/// Subcommand names listed under `Commands:` of a help text.
fn subcommands(help: &str) -> Vec<String> {
    let Some((_, tail)) = help.split_once("Commands:\n") else {
        return Vec::new();
    };
    tail.lines()
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect()
}

#[test]
fn every_help_example_runs_against_the_files_it_names() {
    let mut commands: Vec<Vec<String>> = Vec::new();
    for c in subcommands(&stdout(&run(&["--help"], None))) {
        // `rules check`, `decide same`: their help too (`decide` itself has examples).
        let nested = subcommands(&stdout(&run(&[&c, "--help"], None)));
        commands.extend(nested.into_iter().map(|n| vec![c.clone(), n]));
        commands.push(vec![c]);
    }
    assert!(commands.len() >= 15, "{commands:?}");
    let (mut ran, mut with_examples) = (0, Vec::new());
    for c in &commands {
        let mut args: Vec<&str> = c.iter().map(String::as_str).collect();
        args.push("--help");
        let examples = help_examples(&stdout(&run(&args, None)));
        if examples.is_empty() {
            continue;
        }
        with_examples.push(c.join(" "));
        // A fresh folder per command: one command's outputs are not another's inputs.
        let world = World::new(&format!("examples-{}", c.join("-")));
        for line in &examples {
            ran += usize::from(check(
                &world,
                &format!("{} --help", c.join(" ")),
                line,
                false,
            ));
        }
    }
    let missing: Vec<&str> = [
        "extract",
        "merge",
        "eval",
        "convert",
        "query",
        "neighbors",
        "path",
        "show",
        "explain",
        "stats",
        "subgraph",
        "diff",
        "decide",
        "suggest",
        "rules check",
        "rules test",
    ]
    .into_iter()
    .filter(|c| !with_examples.iter().any(|w| w == c))
    .collect();
    assert!(
        missing.is_empty(),
        "no examples found in the help of {missing:?}"
    );
    assert!(ran >= 50, "only {ran} examples ran");
}

/// The README's code blocks that hold `talkgraph` commands, in order: (line number of the
/// fence, commands with whether the documented output after each is an error).
fn readme_commands(readme: &str) -> Vec<(usize, Vec<(String, bool)>)> {
    let lines: Vec<&str> = readme.lines().collect();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(lang) = lines[i].strip_prefix("```") else {
            i += 1;
            continue;
        };
        let skipped = i > 0 && lines[i - 1].starts_with(NOT_RUN);
        let fence = i + 1;
        let shell = lang == "sh";
        let mut commands = Vec::new();
        i += 1;
        while i < lines.len() && !lines[i].starts_with("```") {
            let l = lines[i];
            let command = match l.strip_prefix("$ ") {
                Some(c) => Some(c),
                None if shell && (l.starts_with("talkgraph ") || l.contains("| talkgraph ")) => {
                    Some(l)
                }
                None => None,
            };
            if let Some(c) = command {
                let next = lines.get(i + 1).copied().unwrap_or_default();
                commands.push((c.to_string(), next.starts_with("talkgraph: ")));
            }
            i += 1;
        }
        i += 1;
        if !skipped && commands.iter().any(|(c, _)| c.contains("talkgraph ")) {
            blocks.push((fence, commands));
        }
    }
    blocks
}

#[test]
fn every_readme_command_runs_against_the_files_it_names() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let blocks = readme_commands(&readme);
    let world = World::new("examples-readme");
    let mut ran = 0;
    for (fence, commands) in &blocks {
        for (line, error_shown) in commands {
            let place = format!("README.md:{fence}");
            ran += usize::from(check(&world, &place, line, *error_shown));
        }
    }
    assert!(ran >= 30, "only {ran} README commands ran");
}

#[test]
fn the_readme_marks_the_blocks_it_does_not_run() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for (i, l) in readme.lines().enumerate() {
        if l.starts_with(NOT_RUN) {
            let next = readme.lines().nth(i + 1).unwrap_or_default();
            assert!(
                next.starts_with("```")
                    && l.trim_end().ends_with("-->")
                    && l.len() > NOT_RUN.len() + 8,
                "README.md:{}: the marker needs a reason and a code block right after it",
                i + 1
            );
        }
    }
}

#[test]
fn shell_words_keep_quotes_and_split_pipes() {
    assert_eq!(
        words(r#"talkgraph path g.json "Noémie Kerbrat" "Let's Encrypt" | dot -Tsvg > x.svg # c"#),
        [
            "talkgraph",
            "path",
            "g.json",
            "Noémie Kerbrat",
            "Let's Encrypt",
            "|",
            "dot",
            "-Tsvg",
            ">",
            "x.svg"
        ]
    );
    assert_eq!(
        words("talkgraph extract a/ -o p1.json; talkgraph q '?p works_at ?c' >> out"),
        [
            "talkgraph",
            "extract",
            "a/",
            "-o",
            "p1.json",
            ";",
            "talkgraph",
            "q",
            "?p works_at ?c",
            ">>",
            "out"
        ]
    );
}
