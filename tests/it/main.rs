//! Integration tests: run the real `talkgraph` binary on fixtures and temporary files.

mod util;
