//! Fuzzes the read stage as `extract` drives it: decoding any bytes, then the layout
//! (Markdown, front matter, plain text, or an HTML page's view) and every line's
//! sentences; checks the spans that later stages slice by.
#![no_main]

use libfuzzer_sys::fuzz_target;
use talkgraph::read::{self, Document, Format};

fuzz_target!(|data: &[u8]| {
    // The first byte picks the format, as `--input-format` or the file name would; the
    // rest is the file.
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let format = match pick % 4 {
        0 => None,
        1 => Some(Format::Text),
        2 => Some(Format::Markdown),
        _ => Some(Format::Html),
    };
    let (doc, _warnings) = read::decode_as("fuzz", bytes.to_vec(), format);
    let Some(doc) = doc else {
        return;
    };
    if let Some(map) = &doc.offsets {
        // One entry per byte of the text and one for its end, never past the file.
        assert_eq!(map.len(), doc.text.len() + 1);
        assert!(map.iter().all(|&o| o as usize <= bytes.len()));
    }
    let (view, layout) = if doc.format == Format::Html {
        read::html_view(&doc)
    } else {
        let view = match read::decode_references(&doc.text) {
            Some((text, map)) => {
                assert_eq!(map.len(), text.len() + 1);
                Document {
                    text,
                    offsets: Some(map),
                    ..doc.clone()
                }
            }
            None => doc.clone(),
        };
        let layout = read::layout(&view);
        (view, layout)
    };
    // The layout blanks markup in place: its clean text is the view's length.
    assert_eq!(layout.clean.len(), view.text.len());
    for (i, line) in layout.lines.iter().enumerate() {
        assert!(layout.clean.get(line.start..line.end()).is_some());
        for s in read::sentences(&layout, i) {
            assert!(s.start <= s.end && layout.clean.get(s.start..s.end).is_some());
        }
    }
    for &(s, e) in &layout.emphasis {
        assert!(s <= e && e <= layout.clean.len());
    }
});
