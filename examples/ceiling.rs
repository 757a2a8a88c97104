/*!
The two speeds talkgraph is measured against, over the same files (see bench/throughput.sh):

    ceiling read DIR   reads every .txt/.md file (one at a time) and counts the bytes
    ceiling ac DIR     also runs one case-insensitive Aho-Corasick pass of the gazetteer
                       (every name and alias of rules/companies.txt, projects.txt and
                       events.txt: about 2,600 patterns)

Prints `BYTES FILES MATCHES` on stdout; time it from outside.
*/

use aho_corasick::{AhoCorasick, MatchKind};
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read folder")
        .map(|e| e.expect("folder entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, out);
        } else if talkgraph::read::is_text_name(&p) {
            out.push(p);
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(mode), Some(dir)) = (args.first(), args.get(1)) else {
        eprintln!("usage: ceiling read|ac DIR");
        std::process::exit(2);
    };
    // The gazetteer files as they are, without compiling the rest of the rules.
    let aliases: Vec<&str> = [
        include_str!("../rules/companies.txt"),
        include_str!("../rules/projects.txt"),
        include_str!("../rules/events.txt"),
    ]
    .iter()
    .flat_map(|f| f.lines())
    .map(str::trim)
    .filter(|l| !l.is_empty() && !l.starts_with('#'))
    .flat_map(|l| l.split('|').map(str::trim))
    .collect();
    let ac = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(&aliases)
        .expect("gazetteer automaton");
    let mut paths = Vec::new();
    files(Path::new(dir), &mut paths);
    let (mut bytes, mut matches) = (0usize, 0usize);
    for p in &paths {
        let text = std::fs::read(p).expect("read file");
        bytes += text.len();
        if mode == "ac" {
            matches += ac.find_iter(&text).count();
        }
    }
    println!("{bytes} {} {matches}", paths.len());
}
