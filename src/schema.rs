//! The JSON Schema of the graph contract, derived from the serde types of [`crate::model`]
//! so it cannot drift from what is written. `schema/graph.schema.json` is a checked-in copy
//! that a test keeps equal to it.

use crate::model::GraphDoc;

/// The JSON Schema (draft 2020-12) of the graph JSON that `extract`, `merge`, `subgraph`
/// and `convert` write, pretty-printed with a trailing newline: the text of
/// `schema/graph.schema.json` and of `talkgraph schema`.
///
/// ```
/// let schema: serde_json::Value = serde_json::from_str(&talkgraph::graph_schema()).unwrap();
/// assert_eq!(schema["title"], "GraphDoc");
/// assert!(schema["required"].as_array().unwrap().iter().any(|f| f == "nodes"));
/// ```
pub fn graph_schema() -> String {
    let schema = schemars::schema_for!(GraphDoc);
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema serializes");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{Kind, Relation};

    /// The checked-in copy is what the types derive; regenerate it with
    /// `cargo run -- schema > schema/graph.schema.json`.
    #[test]
    fn the_checked_in_schema_is_the_derived_one() {
        let file = include_str!("../schema/graph.schema.json");
        assert!(
            file == graph_schema(),
            "schema/graph.schema.json is stale: run `cargo run -- schema > schema/graph.schema.json`"
        );
    }

    /// The schema lists the node types and relations by hand (the document keeps them as
    /// strings): they must be the graph's own.
    #[test]
    fn the_schema_names_every_type_and_relation() {
        let schema: serde_json::Value = serde_json::from_str(&graph_schema()).unwrap();
        let defs = &schema["$defs"];
        let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        let relations: Vec<&str> = Relation::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(
            defs["NodeDoc"]["properties"]["type"]["enum"],
            serde_json::json!(kinds)
        );
        assert_eq!(
            defs["EdgeDoc"]["properties"]["relation"]["enum"],
            serde_json::json!(relations)
        );
    }
}
