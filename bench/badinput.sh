#!/usr/bin/env bash
# Throughput on the shapes of input that once made a stage quadratic (the bad-input
# issues), next to normal text: each shape is generated (1–5 MB, fixed seed), extracted
# with --jobs 1, and its MB/s printed beside the baseline's; a shape under a third of the
# baseline is flagged. The graph of the identical-lines shape (one edge, 200,000 pieces of
# evidence) is then loaded by `stats` and `query`. Usage: bench/badinput.sh
# Speed targets live here only: the tests check what these inputs give, never how fast.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(scripts/release-bin)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$work" <<'EOF'
import os, random, shutil, sys, glob
work = sys.argv[1]
random.seed(20261203)
words = "the Kubernetes talk by Ana Ruiz from Qorp about Rust and Go at KubeCon .".split()
def put(name, text):
    with open(os.path.join(work, name), "w") as f:
        f.write(text)
# One line of ~1 MB: every unit-wide scan runs over the whole document.
put("one-line.txt", " ".join(random.choice(words) for _ in range(200_000)))
# 200k identical lines: one edge with 200k pieces of evidence from one source.
put("identical-lines.txt", "Ana Ruiz works at Qorp.\n" * 200_000)
# 200k Markdown headings: one unit, one heading and one talk candidate per line.
put("headings.md", "".join(f"## Heading {i}\n" for i in range(200_000)))
# 80k short lines, no blank line, no final punctuation: read as one hard-wrapped paragraph.
short = words[:-1]
put("short-lines.txt", "".join(" ".join(random.choice(short) for _ in range(4)) + "\n" for _ in range(80_000)))
# 1M `_a `: emphasis openers that never close.
put("emphasis.md", "_a " * 1_000_000)
# 100k list items, each a talk with its speaker.
put("list-items.md", "".join(f"- Item {i} by Ana Ruiz\n" for i in range(100_000)))
# One paragraph of 200k capitalised words: one long run of name-shaped tokens.
caps = "Ana Ruiz Qorp Kafka Rust Lyon Strimzi".split()
put("capitalised.txt", " ".join(random.choice(caps) for _ in range(200_000)) + ".\n")
# 10k quoted titles on one line.
put("quotes.txt", "".join(f'Ana said "Title Number {i}" and ' for i in range(10_000)) + "left.\n")
# 10k levels of nesting (block quotes, list items, HTML elements), repeated to about 1 MB
# so that start-up does not dominate.
put("nested-quotes.md", (">" * 10_000 + " Li Wei works at Zylo.\n\n") * 100)
put("nested-list.md", ("- " * 10_000 + "Li Wei works at Zylo.\n\n") * 50)
div = "<div>" * 10_000 + "<p>Li Wei works at Zylo.</p>" + "</div>" * 10_000
put("nested-divs.html", "<html><body>" + div * 10 + "</body></html>\n")
# Normal text: the fixtures and the seed, each copied 8 times as separate documents.
base = os.path.join(work, "baseline")
os.mkdir(base)
inputs = sorted(glob.glob("fixtures/*.md") + glob.glob("fixtures/*.txt") + glob.glob("fixtures/*.html"))
seed = "../shared/seed/kubecon-eu-2022-day2.txt"
if os.path.exists(seed):
    inputs.append(seed)
for i in range(8):
    for p in inputs:
        shutil.copy(p, os.path.join(base, f"{i}-{os.path.basename(p)}"))
EOF

# secs CMD...: wall seconds of one run.
secs() {
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null 2>"$work/err" || {
        cat "$work/err" >&2
        exit 1
    }
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}
size() { find "$1" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }'; }

base_bytes=$(size "$work/baseline")
base_secs=$(secs "$bin" extract --jobs 1 "$work/baseline" -o "$work/baseline.json")
base_mbs=$(awk -v b="$base_bytes" -v s="$base_secs" 'BEGIN { printf "%.2f", b / 1e6 / s }')
printf '%-22s %10s %9s %9s %s\n' shape bytes seconds MB/s "vs baseline"
printf '%-22s %10d %9s %9s\n' "baseline (fixtures)" "$base_bytes" "$base_secs" "$base_mbs"
slow=0
for f in one-line.txt identical-lines.txt headings.md short-lines.txt emphasis.md list-items.md \
    capitalised.txt quotes.txt nested-quotes.md nested-list.md nested-divs.html; do
    bytes=$(size "$work/$f")
    s=$(secs "$bin" extract --jobs 1 "$work/$f" -o "$work/$f.json")
    read -r mbs ratio flag < <(awk -v b="$bytes" -v s="$s" -v m="$base_mbs" 'BEGIN {
        r = b / 1e6 / s; printf "%.2f %.2f %s\n", r, r / m, (r * 3 < m ? "SLOW" : "ok") }')
    [ "$flag" = ok ] || slow=1
    printf '%-22s %10d %9s %9s %5s× %s\n' "${f%.*}" "$bytes" "$s" "$mbs" "$ratio" "$flag"
done
graph=$work/identical-lines.txt.json
echo "graph with one edge of $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["edges"][0]["evidence"]))' "$graph") pieces of evidence ($(size "$graph") bytes):"
printf '  stats %ss, query %ss\n' "$(secs "$bin" stats "$graph")" "$(secs "$bin" query "$graph" '?p works_at ?c')"
[ "$slow" = 0 ] || echo "badinput: some shape runs under a third of the baseline's MB/s" >&2
exit "$slow"
