#!/usr/bin/env bash
# Batch throughput of `mentionmap map --jsonl` on 1 and 2 threads.
#
# Not run in CI. Builds the release binary, writes N (default 10,000) documents to a
# JSONL file — the dev corpora's real texts (../shared/eval/dev/*.jsonl) plus
# synthetic documents made by concatenating paragraphs of randomly drawn real texts
# (seeded, reproducible) — and maps them with --threads 1 and --threads 2, output to
# a GeoJSON text sequence on /dev/null. Prints mentionmap's own summary line
# (documents, places, errors, seconds of mapping, MB/s), wall time and peak RSS per
# run, and the speed-up.
#
#   benches/batch.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-10000}"
DEV=../shared/eval/dev
WORK="${TMPDIR:-/tmp}/mentionmap-batch-bench"
mkdir -p "$WORK"
DOCS="$WORK/docs-$N.jsonl"

cargo build --release --quiet
BIN=./target/release/mentionmap

python3 - "$N" "$DOCS" "$DEV"/*.jsonl <<'PY'
import json, random, sys
n, out, files = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
texts = []
for f in files:
    for line in open(f, encoding="utf-8"):
        line = line.strip()
        if line:
            d = json.loads(line)
            if d.get("text"):
                texts.append((d.get("id", f"{f}:{len(texts)}"), d["text"]))
rng = random.Random(20240501)
with open(out, "w", encoding="utf-8") as w:
    for i in range(n):
        if i < len(texts):
            doc_id, text = texts[i]
        else:
            parts = []
            for _ in range(rng.randint(2, 4)):
                paras = [p for p in rng.choice(texts)[1].split("\n") if p.strip()] or [""]
                k = rng.randint(1, len(paras))
                s = rng.randint(0, len(paras) - k)
                parts.extend(paras[s:s + k])
            doc_id, text = f"synthetic-{i}", "\n\n".join(parts)
        w.write(json.dumps({"id": doc_id, "text": text}) + "\n")
print(f"{n} documents ({min(n, len(texts))} real, {max(0, n - len(texts))} synthetic), "
      f"{sum(1 for _ in open(out))} lines", file=sys.stderr)
PY
echo "input: $DOCS ($(du -h "$DOCS" | cut -f1)); cores: $(nproc)"

declare -A SECS
for t in 1 2; do
  start=$(date +%s.%N)
  /usr/bin/time -f "peak RSS %M KB" "$BIN" map --jsonl "$DOCS" --threads "$t" --format geojsonseq \
      > /dev/null 2> "$WORK/stderr-$t.txt" || true
  end=$(date +%s.%N)
  summary=$(grep '^mentionmap: .* documents' "$WORK/stderr-$t.txt" | tail -1)
  rss=$(grep 'peak RSS' "$WORK/stderr-$t.txt")
  SECS[$t]=$(echo "$summary" | sed -E 's/.* ([0-9.]+) s,.*/\1/')
  docs=$(echo "$summary" | sed -E 's/^mentionmap: ([0-9]+) documents.*/\1/')
  printf 'threads %s: %s | wall %.2f s | %s | %.0f docs/s\n' "$t" "$summary" \
      "$(echo "$end - $start" | bc)" "$rss" "$(echo "$docs / ${SECS[$t]}" | bc -l)"
done
printf 'speed-up 1 -> 2 threads: %.2fx (mapping seconds, gazetteer load excluded)\n' \
    "$(echo "${SECS[1]} / ${SECS[2]}" | bc -l)"
