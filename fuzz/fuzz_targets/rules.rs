//! Fuzzes rule compilation from text, as `--rules DIR` and `talkgraph rules check` read a
//! folder: any text must compile or give problems, never panic, hang or take gigabytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use talkgraph::rules::{self, FILES};

fuzz_target!(|data: &[u8]| {
    // Rule files are read as UTF-8 text; anything else is refused before compiling.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // NUL-separated parts: patterns.toml first (the file with the most syntax), then the
    // word lists in FILES order; missing files are empty.
    let mut parts = text.split('\0');
    let patterns = parts.next().unwrap_or("");
    let mut files: Vec<(&str, &str)> = vec![("patterns.toml", patterns)];
    files.extend(
        FILES
            .iter()
            .filter(|n| **n != "patterns.toml")
            .copied()
            .zip(parts),
    );
    if let Err(e) = rules::compile_texts(&files) {
        // Every problem is printable: the message a user reads.
        let _ = e.to_string();
    }
});
