//! Integration tests: run the real `talkgraph` binary on fixtures and temporary files.

mod util;

// `talkgraph eval` agrees line for line with ../shared/eval/score.py.
mod eval;
