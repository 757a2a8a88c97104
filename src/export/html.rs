//! One self-contained HTML page that shows the graph offline: the viewer's own script
//! and style (`assets/`) inlined, the graph embedded as JSON that [`script_json`] keeps
//! inert. Labels only ever reach the page as data: the viewer sets them with
//! `textContent`, never as markup.

use super::kind_colour;
use crate::model::GraphDoc;
use std::io::{self, Write};

const VIEWER_JS: &str = include_str!("assets/viewer.js");
const VIEWER_CSS: &str = include_str!("assets/viewer.css");

/// Makes JSON safe inside `<script type="application/json">`: every `<`, `>` and `&`
/// (which only occur inside JSON strings) becomes a `\u` escape, so no `</script>` or
/// `<!--` can form, and U+2028/U+2029 are escaped for old JavaScript parsers. The text
/// still parses to the same value.
pub(crate) fn script_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for HTML element content and double-quoted attributes.
pub(crate) fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\0' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Reports any script error into `#errors`, installed before the viewer runs so even
/// a viewer that fails to parse is caught.
const ERROR_HOOK: &str = r#"window.addEventListener("error", function (e) {
  var el = document.getElementById("errors");
  if (el) { el.hidden = false; el.textContent += (e.message || "error") + "\n"; }
});
window.addEventListener("unhandledrejection", function (e) {
  var el = document.getElementById("errors");
  if (el) { el.hidden = false; el.textContent += "unhandled rejection: " + e.reason + "\n"; }
});"#;

pub(crate) fn write(doc: &GraphDoc, out: &mut dyn Write) -> io::Result<()> {
    let data = script_json(&serde_json::to_string(doc)?);
    let colours: String = crate::graph::Kind::ALL
        .iter()
        .map(|k| format!("--{k}: {};", kind_colour(k.as_str())))
        .collect::<Vec<_>>()
        .join(" ");
    let title = format!(
        "talkgraph: {} nodes, {} edges",
        doc.nodes.len(),
        doc.edges.len()
    );
    write!(
        out,
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'">
<meta name="generator" content="{generator}">
<title>{title}</title>
<script>
{ERROR_HOOK}
</script>
<style>
:root {{ {colours} }}
{VIEWER_CSS}</style>
</head>
<body>
<header>
  <input id="search" type="search" placeholder="Search names and aliases" aria-label="Search">
  <button id="fit-button" type="button">Fit</button>
  <span id="status"></span>
  <fieldset id="type-filters"><legend>Types</legend></fieldset>
  <fieldset id="relation-filters"><legend>Relations</legend></fieldset>
</header>
<main>
  <svg id="canvas" role="img" aria-label="{title}"></svg>
  <aside id="details"><p class="hint">Click a node or an edge to see its evidence. Drag nodes; drag the background to pan; scroll to zoom.</p></aside>
</main>
<pre id="errors" hidden></pre>
<script type="application/json" id="graph-data">{data}</script>
<script>
{VIEWER_JS}</script>
</body>
</html>
"#,
        generator = escape_html(&doc.graph.generator),
        title = escape_html(&title),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::testdoc;
    use proptest::prelude::*;

    #[test]
    fn assets_cannot_close_their_element() {
        for asset in [VIEWER_JS, VIEWER_CSS, ERROR_HOOK] {
            let lower = asset.to_ascii_lowercase();
            assert!(
                !lower.contains("</script")
                    && !lower.contains("</style")
                    && !lower.contains("<!--")
            );
        }
        assert!(
            !VIEWER_JS.contains("innerHTML"),
            "the viewer builds nodes, never markup"
        );
    }

    #[test]
    fn escapes() {
        assert_eq!(
            script_json(r#"{"a":"</script><!--&"}"#),
            r#"{"a":"\u003c/script\u003e\u003c!--\u0026"}"#
        );
        assert_eq!(
            escape_html("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    proptest! {
        #[test]
        fn labels_never_become_markup(labels in testdoc::nasty_labels()) {
            let doc = testdoc::with_labels(&labels);
            let mut out = Vec::new();
            write(&doc, &mut out).unwrap();
            let page = String::from_utf8(out).unwrap();
            // Exactly our three scripts open and close, and the data parses back whole.
            prop_assert_eq!(page.matches("<script").count(), 3);
            prop_assert_eq!(page.to_ascii_lowercase().matches("</script").count(), 3);
            let start = page.find(r#"id="graph-data">"#).unwrap() + r#"id="graph-data">"#.len();
            let end = start + page[start..].find("</script>").unwrap();
            let data = &page[start..end];
            prop_assert!(!data.contains('<') && !data.contains('>') && !data.contains('&'));
            let back: GraphDoc = serde_json::from_str(data).unwrap();
            prop_assert_eq!(back, doc);
        }
    }
}
