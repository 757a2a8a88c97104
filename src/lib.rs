//! talkgraph turns tech write-ups (conference recaps, meetup notes, blog posts; French and
//! English) into a knowledge graph of people, organisations, projects, talks and events.
//!
//! # Library use
//!
//! The API for programs is small:
//!
//! - [`Extractor`]: compiled rules ([`Extractor::new`] for the embedded ones,
//!   [`Extractor::with_rules`] for a folder); [`Extractor::extract_str`] turns one document's
//!   text into a [`Graph`].
//! - [`merge`]: the union of graphs, as `talkgraph merge` makes it.
//! - [`Format`]: every export format; [`Format::write`] writes a [`Graph`] to any
//!   [`std::io::Write`], [`Format::write_with`] with [`ExportOptions`] (e.g. compact JSON).
//! - [`Graph::to_doc`] and [`Graph::from_json`]: the graph as its JSON document,
//!   [`GraphDoc`] (module [`model`]), whose JSON Schema [`graph_schema`] gives and
//!   `schema/graph.schema.json` holds.
//! - [`Error`] and [`Result`]: every failure, saying where (file, line, column, rule).
//!
//! ```
//! use talkgraph::{Extractor, Format, merge};
//!
//! let extractor = Extractor::new()?;
//! let a = extractor.extract_str("a.md", "Priya Raman works at Shopify.", None);
//! let b = extractor.extract_str("b.md", "Priya Raman presented \"Scaling Kafka Streams\".", None);
//! let graph = merge([&a, &b]);
//! let mut dot = Vec::new();
//! Format::Dot.write(&graph, &mut dot)?;
//! assert!(String::from_utf8(dot).unwrap().contains("Priya Raman"));
//! # Ok::<(), talkgraph::Error>(())
//! ```
//!
//! # Internals
//!
//! Pipeline: `read` (documents, sections, sentences) → `extract` (entities and relation
//! facts, driven by compiled `rules`) → `resolve` (one node per real entity) → `graph`
//! (petgraph, indexed) → `export` / `query`. These modules stay `pub` because the binary,
//! the benchmarks, the examples and the fuzz targets use them, but they are hidden from
//! these docs and are not a stable API: use the items above. ARCHITECTURE.md maps them.

mod facade;
pub mod model;
mod schema;

pub use error::{Error, Result};
pub use export::{ExportOptions, Format};
pub use facade::{Extractor, Graph, InputFormat, merge};
pub use model::GraphDoc;
pub use schema::graph_schema;

#[doc(hidden)]
pub mod cli;
#[doc(hidden)]
pub mod decisions;
#[doc(hidden)]
pub mod diff;
pub mod error;
#[doc(hidden)]
pub mod eval;
#[doc(hidden)]
pub mod export;
#[doc(hidden)]
pub mod extract;
#[doc(hidden)]
pub mod fold;
#[doc(hidden)]
pub mod graph;
#[doc(hidden)]
pub mod interrupt;
#[doc(hidden)]
pub mod lock;
#[doc(hidden)]
pub mod manual;
#[doc(hidden)]
pub mod overlaps;
#[doc(hidden)]
pub mod pipeline;
#[doc(hidden)]
pub mod progress;
#[doc(hidden)]
pub mod query;
#[doc(hidden)]
pub mod read;
#[doc(hidden)]
pub mod resolve;
#[doc(hidden)]
pub mod rules;
#[doc(hidden)]
pub mod ruletest;
#[doc(hidden)]
pub mod spans;
#[doc(hidden)]
pub mod suggest;

#[doc(hidden)]
pub use graph::{Kind, KnowledgeGraph, Relation};

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
