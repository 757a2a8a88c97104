//! talkgraph turns tech write-ups (conference recaps, meetup notes, blog posts; French and
//! English) into a knowledge graph of people, organisations, projects, talks and events.
//!
//! Pipeline: [`read`] (documents, sections, sentences) → [`extract`] (entities and relation
//! facts, driven by compiled [`rules`]) → [`resolve`] (one node per real entity) →
//! [`graph`] (petgraph, indexed) → export / query.

pub mod cli;
pub mod decisions;
pub mod diff;
pub mod error;
pub mod eval;
pub mod export;
pub mod extract;
pub mod fold;
pub mod graph;
pub mod interrupt;
pub mod lock;
pub mod model;
pub mod pipeline;
pub mod progress;
pub mod query;
pub mod read;
pub mod resolve;
pub mod rules;
pub mod ruletest;
mod schema;
pub mod spans;
pub mod suggest;

pub use error::{Error, Result};
pub use graph::{Kind, KnowledgeGraph, Relation};
pub use model::GraphDoc;
pub use schema::graph_schema;

/// The decimal digits of `n`, as `n.to_string()` writes them, in `buf`: for the hot
/// paths that write many numbers (span offsets in JSON, token numbers when masking).
pub(crate) fn decimal(mut n: usize, buf: &mut [u8; 20]) -> &str {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    std::str::from_utf8(&buf[i..]).expect("ASCII digits")
}
