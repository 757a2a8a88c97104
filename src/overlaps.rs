//! `extract --explain-overlaps`: which candidate names lost where two overlapped, to
//! which, and by which policy of `[overlaps]` in patterns.toml. Reads the inputs again
//! with notes turned on; the graph the run writes is made without them.

use crate::error::{Error, Result};
use crate::read;
use crate::rules::Rules;
use std::io::Write;
use std::path::PathBuf;

/// Writes one line per lost candidate, in input order then text order:
/// `talk.md:12: "Helm" (project, projects.txt) lost to "Matt Helm" (person, name shape):
/// person = "longest": the longer name wins`. Returns how many there were.
pub fn report(
    rules: &Rules,
    inputs: &[PathBuf],
    format: Option<read::Format>,
    max_file_size: u64,
    out: &mut dyn Write,
) -> Result<usize> {
    if inputs.iter().any(|p| p.as_os_str() == "-") {
        return Err(Error::Usage(
            "--explain-overlaps reads its inputs a second time, which stdin cannot do: save the text to a file and give its name".into(),
        ));
    }
    let found = read::discover(inputs)?;
    if let Some(f) = found.failures.into_iter().next() {
        return Err(f.error);
    }
    let mut n = 0;
    for path in &found.paths {
        let (source, bytes) = crate::pipeline::read_input(path, max_file_size)?;
        let (doc, _) = read::decode_as(&source, bytes, format);
        let Some(doc) = doc else { continue };
        for note in crate::extract::explain_overlaps(rules, &doc) {
            n += 1;
            writeln!(
                out,
                "{}:{}: {} lost to {}: {}",
                doc.source, note.line, note.loser, note.winner, note.reason
            )
            .map_err(|e| Error::io("<stderr>", e))?;
        }
    }
    Ok(n)
}
