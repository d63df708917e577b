#!/usr/bin/env bash
# Speed of mentionmap against the shallow peers, all measured in one run (issue #15).
#
# Not run in CI. Builds the release binary, then prints one table:
#   * mentionmap mapping the dev news corpora (../shared/eval/dev/*.jsonl) and the dense
#     Wikipedia texts of ../shared/eval/resolution/WikToR.jsonl, full resolution, GeoJSON
#     text sequence to /dev/null, at 1 and 2 threads: chars/s of input text, wall, peak RSS;
#   * the seed article (../shared/examples/aleppo-2016.txt) as a whole process (best of
#     5), and once more with an empty HOME and cache directory (a fresh machine: the
#     bundled index is compiled in, so nothing is built or cached): wall and peak RSS;
#   * geotext (regex + dictionary, no resolution) and flashtext (keyword trie over the
#     same city and country names geotext knows) on the same texts, in a virtualenv this
#     script makes in target/speed-venv from PyPI.
# Ratios are taken against geotext's rate in the same run; compare them, not absolute
# figures, across machines.
#
#   benches/speed.sh
#   BIN=/tmp/old/mentionmap LABEL=before benches/speed.sh   # another binary, not built
set -euo pipefail
cd "$(dirname "$0")/.."
DEV=../shared/eval/dev
WIKTOR=../shared/eval/resolution/WikToR.jsonl
SEED=../shared/examples/aleppo-2016.txt
WORK="${TMPDIR:-/tmp}/mentionmap-speed-bench"
VENV=target/speed-venv
mkdir -p "$WORK"

# BIN: a binary to measure instead of this tree's (say, the one before a change, for
# before/after ratios against geotext); LABEL names its rows.
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet
  BIN=./target/release/mentionmap
fi
LABEL=${LABEL:-mentionmap}

if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet geotext==0.4.0 flashtext==2.7
fi

# One corpus file per input set, with only id and text (so every tool reads the same bytes).
python3 - "$WORK" "$WIKTOR" "$DEV"/*.jsonl <<'PY'
import json, sys
work, wiktor, dev = sys.argv[1], sys.argv[2], sys.argv[3:]
def write(name, files):
    n = chars = 0
    with open(f"{work}/{name}.jsonl", "w", encoding="utf-8") as w:
        for f in files:
            for line in open(f, encoding="utf-8"):
                if line.strip():
                    d = json.loads(line)
                    w.write(json.dumps({"id": d["id"], "text": d["text"]}) + "\n")
                    n += 1
                    chars += len(d["text"])
    print(f"{name}: {n} documents, {chars} chars", file=sys.stderr)
write("news", dev)
write("wiktor", [wiktor])
PY

# chars of text per corpus, for rates
chars_of() { python3 -c 'import json,sys; print(sum(len(json.loads(l)["text"]) for l in open(sys.argv[1]) if l.strip()))' "$1"; }

row() { printf '%-44s %12s %9s %10s %8s\n' "$@"; }
declare -A RATE
row "run" "chars/s" "wall s" "RSS MB" "vs geotext"

# Peers first (their rates are the ratios' base).
for corpus in news wiktor; do
  for tool in geotext flashtext; do
    /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$VENV/bin/python" - "$WORK/$corpus.jsonl" "$tool" \
      > "$WORK/peer.txt" <<'PY'
import json, sys, time
path, tool = sys.argv[1], sys.argv[2]
texts = [json.loads(l)["text"] for l in open(path, encoding="utf-8") if l.strip()]
if tool == "geotext":
    from geotext import GeoText
    GeoText("warm up")  # loads its data files once, outside the timed loop
    t = time.perf_counter()
    found = 0
    for x in texts:
        g = GeoText(x)
        found += len(g.cities) + len(g.countries)
    secs = time.perf_counter() - t
else:
    from flashtext import KeywordProcessor
    import geotext, os, csv
    kp = KeywordProcessor(case_sensitive=True)
    data = os.path.join(os.path.dirname(geotext.__file__), "data")
    for fn in os.listdir(data):
        with open(os.path.join(data, fn), encoding="utf-8", errors="replace") as f:
            for line in f:
                for cell in line.rstrip("\n").split("\t")[:3]:
                    if cell and cell[0].isupper():
                        kp.add_keyword(cell)
    t = time.perf_counter()
    found = sum(len(kp.extract_keywords(x)) for x in texts)
    secs = time.perf_counter() - t
print(sum(len(x) for x in texts) / secs, secs, found)
PY
    read -r rate secs _ < "$WORK/peer.txt"
    read -r _wall rss < "$WORK/time.txt"
    RATE[$tool-$corpus]=$rate
    row "$tool, $corpus (in-process loop)" "$(printf '%.0f' "$rate")" "$(printf '%.2f' "$secs")" \
      "$((rss / 1024))" "$(python3 -c "print(f'{$rate/${RATE[geotext-$corpus]}:.2f}')")"
  done
done

for corpus in news wiktor; do
  chars=$(chars_of "$WORK/$corpus.jsonl")
  for t in 1 2; do
    start=$(date +%s.%N)
    /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$BIN" map --jsonl "$WORK/$corpus.jsonl" \
      --threads "$t" --format geojsonseq > /dev/null 2> "$WORK/stderr.txt"
    end=$(date +%s.%N)
    read -r wall rss < "$WORK/time.txt"
    # mentionmap's own summary line gives the mapping seconds (without process start).
    secs=$(grep -o '[0-9.]* s,' "$WORK/stderr.txt" | tail -1 | tr -d ' s,')
    rate=$(python3 -c "print($chars / $secs)")
    row "$LABEL, $corpus, $t thread(s)" "$(printf '%.0f' "$rate")" "$wall" "$((rss / 1024))" \
      "$(python3 -c "print(f'{$rate/${RATE[geotext-$corpus]}:.2f}')")"
  done
done

best_of() {  # best wall and its RSS over 5 whole-process runs of the seed
  local best="" best_rss=""
  for _ in 1 2 3 4 5; do
    /usr/bin/time -f "%e %M" -o "$WORK/time.txt" env "$@" "$BIN" map "$SEED" -o /dev/null 2>/dev/null
    read -r wall rss < "$WORK/time.txt"
    if [ -z "$best" ] || python3 -c "import sys; sys.exit(0 if $wall < $best else 1)"; then
      best=$wall best_rss=$rss
    fi
  done
  echo "$best $best_rss"
}
if [ -f "$SEED" ]; then
  read -r wall rss <<< "$(best_of)"
  row "$LABEL, seed article, whole process" "" "$wall" "$((rss / 1024))" ""
  fresh="$WORK/fresh-home"; rm -rf "$fresh"; mkdir -p "$fresh"
  read -r wall rss <<< "$(best_of HOME="$fresh" MENTIONMAP_CACHE_DIR="$fresh/cache" XDG_CACHE_HOME=)"
  row "$LABEL, seed, whole process, fresh home" "" "$wall" "$((rss / 1024))" ""
  /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$VENV/bin/python" -c \
    'import sys; from geotext import GeoText; g = GeoText(open(sys.argv[1]).read()); print(g.cities, g.countries)' \
    "$SEED" > /dev/null
  read -r wall rss < "$WORK/time.txt"
  row "geotext, seed article, whole process" "" "$wall" "$((rss / 1024))" ""
fi

# --- threads and the Python binding (issue #15; h15d's block) -----------------------
# The binding's documents per second against the CLI's at 1 and 2 threads, when the
# package is installed in target/py-venv (scripts/python-test makes it); the 1 -> 2
# thread speed-up and its CPU cost in detail: benches/batch.sh and benches/batch_sched.py.
if [ -x target/py-venv/bin/python ] && target/py-venv/bin/python -c 'import mentionmap' 2>/dev/null; then
  echo
  MENTIONMAP_BIN="$BIN" target/py-venv/bin/python benches/python_vs_cli.py --no-spark --reps 3
fi
