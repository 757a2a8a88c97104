//! The node-link JSON contract of [`crate::model`], pretty-printed with a trailing newline.
//! networkx reads it with `json_graph.node_link_graph(data, edges="edges")`; escaping is
//! serde_json's, so this module adds nothing to the document.

use crate::model::GraphDoc;
use std::io::{self, Write};

pub(crate) fn write(doc: &GraphDoc, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, doc)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::testdoc;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_labels_round_trip(labels in testdoc::nasty_labels()) {
            let doc = testdoc::with_labels(&labels);
            let mut out = Vec::new();
            write(&doc, &mut out).unwrap();
            let back: GraphDoc = serde_json::from_slice(&out).unwrap();
            prop_assert_eq!(back, doc);
        }
    }
}
