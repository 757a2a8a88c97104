//! Integration tests: run the real `talkgraph` binary on fixtures and temporary files.

// Extraction: inputs, errors, determinism, rule sets.
mod extract;
// `[overlaps]` policies and `extract --explain-overlaps`.
mod overlaps;
// Extraction quality: F1 floors on the fixtures and the seed.
mod quality;
mod util;

// `rules test`: the default rules' end-to-end examples pass; failures are reported where they are.
mod ruletest;

// Bad input: hostile folders, unreadable files, safe writes, limits, damaged graphs.
mod badinput;
// Runs stopped by Ctrl-C or kill -9: old outputs intact, no temporary files, exit 130.
mod signals;
// Input shapes that were once quadratic finish under a watchdog (not a timing assertion).
mod linear;

// `talkgraph eval` agrees line for line with ../shared/eval/score.py.
mod eval;
// `eval --by-rule`: eval's tables, each true and false positive credited to one rule.
mod by_rule;
// `suggest`: names no rule covered, as gazetteer lines that then pass `rules check`.
mod suggest;
// Every export format loaded by the tool it is meant for.
mod export;
// The graph JSON contract: outputs validate against schema/graph.schema.json; --compact.
mod contract;
// query, neighbors, path, show, explain, stats, subgraph over tests/data/query-graph.json
mod query;
// Corpus scale: determinism across --jobs, order and shards; incremental --into.
mod scale;
// diff: equal and different graphs, text and JSON reports, bad files.
mod diff;
// Decisions: extract --decisions on the fixtures, decide, --into.
mod decisions;
// Rule folders that extend or replace the embedded rules, rules dump/init, completions, man.
mod packaging;
// Every --help example and README command runs against the files it names.
mod examples;
// What an empty or suspicious outcome says on stderr; the same flags on every command.
mod messages;
