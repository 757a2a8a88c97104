#!/usr/bin/env bash
# Throughput on a generated corpus, in one go: reading the files, one Aho-Corasick pass of
# the gazetteer over them (the ceiling), and talkgraph with --jobs 1 and with every core.
# Prints MB/s, peak RSS and the ratios. Usage: bench/throughput.sh [SIZE_MB] (default 100).
# The corpus (fixed seed) is kept in $CARGO_TARGET_DIR/bench-corpus-SIZE for the next run.
# Every pass reads the files from the page cache: an untimed first pass warms it.
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-100}
target=${CARGO_TARGET_DIR:-target}
command -v /usr/bin/time >/dev/null || {
    echo "throughput: needs /usr/bin/time (apt-get install time)" >&2
    exit 2
}
cargo build --release --quiet --bin talkgraph --example gen_corpus --example ceiling
bin=$target/release
corpus=$target/bench-corpus-$size
[ -d "$corpus" ] || "$bin/examples/gen_corpus" "$size" "$corpus"
cores=$(nproc)
bytes=$(find -L "$corpus" -type f \( -name '*.md' -o -name '*.txt' \) -printf '%s\n' | awk '{ s += $1 } END { print s }')
files=$(find -L "$corpus" -type f \( -name '*.md' -o -name '*.txt' \) | wc -l)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$bin/examples/ceiling" read "$corpus" >/dev/null

# run NAME CMD...: wall seconds and peak RSS (KB) of one run, into $out/NAME.time.
run() {
    local name=$1
    shift
    /usr/bin/time -f '%e %M' -o "$out/$name.time" "$@" >/dev/null 2>"$out/$name.err" || {
        cat "$out/$name.err" >&2
        exit 1
    }
}
run read "$bin/examples/ceiling" read "$corpus"
run ac "$bin/examples/ceiling" ac "$corpus"
run jobs1 "$bin/talkgraph" extract "$corpus" --jobs 1 -o "$out/g1.json"
run jobsN "$bin/talkgraph" extract "$corpus" --jobs "$cores" -o "$out/gN.json"
cmp -s "$out/g1.json" "$out/gN.json" || {
    echo "throughput: --jobs 1 and --jobs $cores differ" >&2
    exit 1
}

echo "corpus: $corpus, $files files, $bytes bytes; $cores cores; graph.json $(wc -c <"$out/g1.json") bytes"
printf '%-32s %9s %9s %12s\n' pass seconds MB/s "peak RSS MB"
for name in read ac jobs1 jobsN; do
    read -r secs kb <"$out/$name.time"
    case $name in
    read) label="read the files" ;;
    ac) label="read + Aho-Corasick (ceiling)" ;;
    jobs1) label="talkgraph --jobs 1" ;;
    jobsN) label="talkgraph --jobs $cores" ;;
    esac
    awk -v l="$label" -v s="$secs" -v b="$bytes" -v k="$kb" \
        'BEGIN { printf "%-32s %9.2f %9.2f %12.0f\n", l, s, (s > 0 ? b / 1e6 / s : 0), k / 1024 }'
    printf -v "secs_$name" '%s' "$secs"
done
awk -v one="$secs_jobs1" -v ac="$secs_ac" -v n="$secs_jobsN" -v c="$cores" 'BEGIN {
    printf "talkgraph --jobs 1 speed / ceiling speed: %.4f (target >= 0.33)\n", (one > 0 ? ac / one : 0)
    printf "talkgraph --jobs %d speed / --jobs 1 speed: %.2fx (target >= 1.8 on 2 cores)\n", c, (n > 0 ? one / n : 0)
}'
