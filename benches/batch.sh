#!/usr/bin/env bash
# Batch throughput of `mentionmap map --jsonl` on 1 and 2 threads.
#
# Not run in CI. Builds the release binary, writes N (default 10,000) documents to a
# JSONL file — the dev corpora's real texts (../shared/eval/dev/*.jsonl) plus
# synthetic documents made by concatenating paragraphs of randomly drawn real texts
# (seeded, reproducible) — and maps them with --threads 1 and --threads 2, output to
# a GeoJSON text sequence on /dev/null, REPS times (default 3), the two thread counts
# interleaved so that both see the same background load. For each it prints the
# best run's wall time, CPU time (user + sys) and peak RSS, and then:
#
# * the speed-up, best 1-thread wall / best 2-thread wall: what the batch gains from a
#   second core when it has one;
# * the CPU ratio, best 2-thread CPU / best 1-thread CPU: the cost of running on two
#   threads (lock contention, cache-line sharing, duplicated set-up would show here as
#   a ratio above 1). It holds however loaded the machine is, when wall times do not.
#
# On a machine shared with other work the wall speed-up measures the others as much as
# mentionmap. Run as root, the runs go in their own scheduler group (autogroup, a new
# session) with nice -15, so that they get the cores they ask for while the other
# work waits; elsewhere they run as usual. The load average is printed beside each run.
#
#   benches/batch.sh [N] [REPS]
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-10000}"
REPS="${2:-3}"
DEV=../shared/eval/dev
WORK="${TMPDIR:-/tmp}/mentionmap-batch-bench"
mkdir -p "$WORK"
DOCS="$WORK/docs-$N.jsonl"

cargo build --release --quiet </dev/null
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
echo "input: $DOCS ($(du -h "$DOCS" | cut -f1)); cores: $(nproc); best of $REPS runs each"

# A run in its own session whose scheduler group gets nice -15 (root only).
PRIO="$WORK/prio.sh"
cat > "$PRIO" <<'SH'
#!/bin/sh
echo -15 > /proc/self/autogroup 2>/dev/null || true
exec "$@"
SH
chmod +x "$PRIO"
if [ "$(id -u)" -eq 0 ] && [ -w /proc/self/autogroup ]; then
  RUN=(setsid -w "$PRIO")
  echo "runs in their own scheduler group at nice -15"
else
  RUN=()
fi

declare -A WALL CPU RSS
for rep in $(seq "$REPS"); do
  for t in 1 2; do
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    "${RUN[@]}" /usr/bin/time -f "%e %U %S %M" -o "$WORK/time-$t.txt" \
        "$BIN" map --jsonl "$DOCS" --threads "$t" --format geojsonseq \
        > /dev/null 2> "$WORK/stderr-$t.txt" || true
    read -r wall user sys rss < "$WORK/time-$t.txt"
    cpu=$(echo "$user + $sys" | bc)
    summary=$(grep '^mentionmap: .* documents' "$WORK/stderr-$t.txt" | tail -1)
    printf 'run %s, threads %s: wall %5.2f s  cpu %5.2f s  peak RSS %6d KB  load %s | %s\n' \
        "$rep" "$t" "$wall" "$cpu" "$rss" "$load" "$summary"
    if [ -z "${WALL[$t]:-}" ] || (( $(echo "$wall < ${WALL[$t]}" | bc) )); then WALL[$t]=$wall; fi
    if [ -z "${CPU[$t]:-}" ] || (( $(echo "$cpu < ${CPU[$t]}" | bc) )); then CPU[$t]=$cpu; fi
    if [ -z "${RSS[$t]:-}" ] || (( rss > ${RSS[$t]} )); then RSS[$t]=$rss; fi
  done
done
docs=$(echo "$summary" | sed -E 's/^mentionmap: ([0-9]+) documents.*/\1/')
for t in 1 2; do
  printf 'threads %s: best wall %.2f s (%.0f docs/s), best cpu %.2f s, peak RSS %d KB\n' \
      "$t" "${WALL[$t]}" "$(echo "$docs / ${WALL[$t]}" | bc -l)" "${CPU[$t]}" "${RSS[$t]}"
done
printf 'speed-up 1 -> 2 threads: %.2fx (whole process, wall)\n' \
    "$(echo "${WALL[1]} / ${WALL[2]}" | bc -l)"
printf 'CPU ratio 2 / 1 threads: %.2f (1.00 = no cost for the second thread)\n' \
    "$(echo "${CPU[2]} / ${CPU[1]}" | bc -l)"
printf 'load average at the end: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
