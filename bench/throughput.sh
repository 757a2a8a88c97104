#!/usr/bin/env bash
# Throughput on a generated corpus, in one go: reading the files, one Aho-Corasick pass of
# the gazetteer over them (the ceiling), and talkgraph with --jobs 1 and with every core.
# Prints MB/s, peak RSS and the ratios. Usage: bench/throughput.sh [SIZE_MB] (default 100).
# The corpus (fixed seed) is kept in target/bench-corpus-SIZE for the next run. Every pass
# reads the files from the page cache: the first (untimed) pass warms it.
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-100}
target=${CARGO_TARGET_DIR:-target}
cargo build --release --quiet --bin talkgraph --example gen_corpus --example ceiling
bin=$target/release
corpus=$target/bench-corpus-$size
[ -d "$corpus" ] || "$bin/examples/gen_corpus" "$size" "$corpus"
command -v /usr/bin/time >/dev/null || { echo "throughput: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
cores=$(nproc)
bytes=$(find "$corpus" -type f \( -name '*.md' -o -name '*.txt' \) -printf '%s\n' | awk '{s+=$1} END {print s}')
files=$(find "$corpus" -type f \( -name '*.md' -o -name '*.txt' \) | wc -l)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$bin/examples/ceiling" read "$corpus" >/dev/null # warm the page cache

# run NAME CMD...: wall seconds and peak RSS of one run, into $out/NAME.
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
cmp -s "$out/g1.json" "$out/gN.json" || { echo "throughput: --jobs 1 and --jobs $cores differ" >&2; exit 1; }

echo "corpus: $corpus, $files files, $bytes bytes; $cores cores; graph $(wc -c <"$out/g1.json") bytes"
printf '%-34s %9s %9s %12s\n' pass seconds MB/s "peak RSS MB"
rate() { awk -v b="$bytes" -v s="$1" 'BEGIN { printf "%.2f", (s > 0 ? b / 1e6 / s : 0) }'; }
for name in read ac jobs1 jobsN; do
    read -r secs kb <"$out/$name.time"
    case $name in
    read) label="read the files" ;;
    ac) label="read + Aho-Corasick (ceiling)" ;;
    jobs1) label="talkgraph --jobs 1" ;;
    jobsN) label="talkgraph --jobs $cores" ;;
    esac
    printf '%-34s %9s %9s %12s\n' "$label" "$secs" "$(rate "$secs")" "$(awk -v k="$kb" 'BEGIN { printf "%.0f", k / 1024 }')"
    eval "secs_$name=$secs"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", (a > 0 ? b / a : 0) }'; }
echo "talkgraph --jobs 1 / ceiling: $(ratio "$secs_jobs1" "$secs_ac")  (target >= 0.33)"
echo "talkgraph --jobs $cores / --jobs 1: $(ratio "$secs_jobsN" "$secs_jobs1")x  (target >= 1.8 with 2 cores)"
