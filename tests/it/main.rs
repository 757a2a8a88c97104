//! Integration tests: run the real `talkgraph` binary on fixtures and temporary files.

mod util;
// Every export format loaded by the tool it is meant for.
mod export;
