//! Integration tests: run the real `talkgraph` binary on fixtures and temporary files.

mod util;
// query, neighbors, path, show, explain, stats, subgraph over tests/data/query-graph.json
mod query;
