#!/bin/sh
# Generates a synthetic graph and measures loading and one-constant query latency.
# Usage: bench/query-scale.sh [NODES] [EDGES] [--from-doc]   (defaults: 1000000 5000000)
# The graph is written under ${TMPDIR:-/tmp}; it is about 330 MB per million edges.
set -eu
nodes=${1:-1000000}
edges=${2:-5000000}
extra=${3:-}
out="${TMPDIR:-/tmp}/talkgraph-bench-${nodes}-${edges}.json"
cargo build --release --quiet --example gen_graph --example query_scale
target="${CARGO_TARGET_DIR:-target}/release/examples"
[ -f "$out" ] || "$target/gen_graph" "$nodes" "$edges" "$out"
"$target/query_scale" "$out" $extra
