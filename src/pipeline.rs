//! The pipeline end to end: read each document, extract its facts, resolve them into one
//! graph. Documents are independent until the merge, so they can be processed in any order.

use crate::error::{Error, Result};
use crate::graph::KnowledgeGraph;
use crate::read::{self, Warning};
use crate::rules::Rules;
use crate::{extract, resolve};
use std::io::Read;
use std::path::PathBuf;

/// Reads one input (`-` is stdin) into bytes, with the name used for it in output.
pub fn read_input(path: &PathBuf) -> Result<(String, Vec<u8>)> {
    if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| Error::io("<stdin>", e))?;
        return Ok(("<stdin>".to_string(), buf));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    Ok((path.to_string_lossy().replace('\\', "/"), bytes))
}

/// Extracts one document's bytes into a graph of its own.
pub fn extract_bytes(
    rules: &Rules,
    source: &str,
    bytes: Vec<u8>,
    warnings: &mut Vec<Warning>,
) -> Option<KnowledgeGraph> {
    let hash = resolve::content_hash(&bytes);
    let (doc, w) = read::decode(source, bytes);
    warnings.extend(w);
    let doc = doc?;
    let facts = extract::extract(rules, &doc);
    let mut g = KnowledgeGraph::new();
    resolve::add_facts(&mut g, &facts);
    let meta = g.meta_mut();
    if !meta.sources.contains(&doc.source) {
        meta.sources.push(doc.source.clone());
    }
    meta.hashes.insert(doc.source.clone(), hash);
    Some(g)
}

/// Extracts every document named by `inputs` into one graph.
pub fn extract_paths(
    rules: &Rules,
    inputs: &[PathBuf],
    warnings: &mut Vec<Warning>,
) -> Result<KnowledgeGraph> {
    let mut graph = KnowledgeGraph::new();
    for path in read::discover(inputs)? {
        let (source, bytes) = read_input(&path)?;
        if let Some(g) = extract_bytes(rules, &source, bytes, warnings) {
            graph.merge(&g);
        }
    }
    Ok(graph)
}
