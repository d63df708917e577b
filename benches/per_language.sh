#!/usr/bin/env bash
# Cost per byte of mapping each language against English (issue #18: "non-English
# within 2x of English per byte"), in instructions counted by valgrind's callgrind, so
# the figures do not swing with the machine's load as wall-clock time does.
#
# Not run in CI (callgrind runs the binary ~50x slower: about a minute per language).
# The texts are built reproducibly, ~60 KB each, under $WORK:
#   * en: the GeoVirus dev documents (../shared/eval/dev/GeoVirus.jsonl) joined by blank
#     lines, cut at 60,000 bytes;
#   * ar de es fr ru zh: the evaluation documents of tests/data/multilingual/<lang>.jsonl
#     joined by blank lines and repeated to 60,000 bytes (cut on a character boundary);
#   * en-dense: benches/data/en-dense.txt (English news sentences written for this
#     bench, as dense in place names as the evaluation sentences) repeated likewise, a
#     control: news text holds about a sixth of their place names per KB, and
#     resolution and output cost per mention, not per byte;
#   * empty: "x\n", whose count is the start-up (index open, tables) subtracted from
#     every other count.
# The repeated texts name the same places again and again, and the resolver measures a
# name's candidates once per document: per-mention figures here are below those of
# texts that repeat less (compare with a dev batch under callgrind).
# Each text is mapped as one document by `mentionmap map FILE -o OUT.geojson`.
#
# Printed per text: instructions per byte (start-up subtracted) and its ratio to English
# news (en) and to the dense English control (en-dense); place mentions per KB of text
# (from the output); instructions per mention; and instructions per byte in the spotter
# alone (Spotter::spot, inclusive), where the language paths are, with its ratio to
# English news's.
#
#   benches/per_language.sh [--no-build] [--bin PATH] [LANG ...]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=./target/release/mentionmap
BUILD=1
LANGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) BUILD=0 ;;
    --bin) BIN="$2"; BUILD=0; shift ;;
    -h|--help) sed -n '2,29p' "$0"; exit 0 ;;
    -*) echo "per_language.sh: unknown option $1" >&2; exit 2 ;;
    *) LANGS+=("$1") ;;
  esac
  shift
done
[ ${#LANGS[@]} -eq 0 ] && LANGS=(ar de es fr ru zh)
WORK="${TMPDIR:-/tmp}/mentionmap-per-language"
mkdir -p "$WORK"
command -v valgrind >/dev/null || { echo "per_language.sh: valgrind is not installed" >&2; exit 1; }
[ "$BUILD" = 1 ] && cargo build --release --quiet </dev/null
[ -x "$BIN" ] || { echo "per_language.sh: no binary at $BIN" >&2; exit 1; }

# The texts, byte for byte the same on every run.
python3 - "$WORK" ../shared/eval/dev/GeoVirus.jsonl tests/data/multilingual benches/data/en-dense.txt "${LANGS[@]}" <<'PY'
import json, sys
work, english, multi, dense, langs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
SIZE = 60_000

def texts(path):
    return [json.loads(l)["text"] for l in open(path, encoding="utf-8") if l.strip()]

def cut(data: bytes) -> bytes:
    data = data[:SIZE]
    # Drop a partly cut character (continuation bytes are 0b10xxxxxx).
    while data and data.decode("utf-8", "ignore").encode() != data:
        data = data[:-1]
    return data

def write(name, data):
    with open(f"{work}/{name}.txt", "wb") as f:
        f.write(data)

write("empty", b"x\n")
write("en", cut("\n\n".join(texts(english)).encode()))

def repeated(unit: bytes) -> bytes:
    return cut(unit * (SIZE // len(unit) + 1))

write("en-dense", repeated(open(dense, "rb").read().rstrip(b"\n") + b"\n\n"))
for lang in langs:
    write(lang, repeated(("\n\n".join(texts(f"{multi}/{lang}.jsonl")) + "\n\n").encode()))
PY

# callgrind's total for one text; the spotter's inclusive count goes to $WORK/<name>.spot.
count() {
  local name="$1"
  local out="$WORK/$name.cg"
  local rc=0
  nice valgrind --tool=callgrind --callgrind-out-file="$out" \
    "$BIN" map "$WORK/$name.txt" -o "$WORK/$name.out.geojson" >/dev/null 2>"$WORK/$name.log" || rc=$?
  # 6 is map's "no place found", the start-up text's expected outcome.
  if [ "$rc" != 0 ] && ! { [ "$name" = empty ] && [ "$rc" = 6 ]; }; then
    echo "per_language.sh: $name failed (exit $rc), see $WORK/$name.log" >&2
    exit 1
  fi
  callgrind_annotate --inclusive=yes "$out" 2>/dev/null \
    | awk '/mentionmap::spot::Spotter::spot /{gsub(",","",$1); print $1; exit}' >"$WORK/$name.spot"
  sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$WORK/$name.log"
}

EMPTY=$(count empty)
{
  echo "empty $EMPTY 2 0"
  for l in en en-dense "${LANGS[@]}"; do
    total=$(count "$l")
    bytes=$(wc -c <"$WORK/$l.txt")
    mentions=$(python3 -c 'import json,sys; print(sum(f["properties"]["mention_count"] for f in json.load(open(sys.argv[1]))["features"]))' "$WORK/$l.out.geojson")
    echo "$l $total $bytes $mentions $(cat "$WORK/$l.spot")"
  done
} >"$WORK/rows.txt"
python3 - "$WORK/rows.txt" <<'PY'
import sys
rows = [line.split() for line in open(sys.argv[1])]
empty = int(rows[0][1])
print(f"start-up (empty text): {empty:,} instructions")
print("%-8s %7s %10s %6s %8s %11s %15s %15s %6s" % ("text", "bytes", "instr/byte", "x en", "x dense", "mentions/KB", "K instr/mention", "spot instr/byte", "x en"))
per_byte, spot, per_mention, density, sizes = {}, {}, {}, {}, {}
for name, total, size, mentions, *spotted in rows[1:]:
    total, size, mentions = int(total), int(size), int(mentions)
    sizes[name] = size
    per_byte[name] = (total - empty) / size
    spot[name] = int(spotted[0]) / size if spotted else float("nan")
    per_mention[name] = (total - empty) / mentions / 1000 if mentions else float("nan")
    density[name] = mentions / size * 1000
en, dense = per_byte["en"], per_byte["en-dense"]
for name in per_byte:
    print(f"{name:<8} {sizes[name]:>7} {per_byte[name]:>10.0f} {per_byte[name] / en:>5.2f}x"
          f" {per_byte[name] / dense:>7.2f}x {density[name]:>11.1f} {per_mention[name]:>15.0f}"
          f" {spot[name]:>15.0f} {spot[name] / spot['en']:>5.2f}x")
PY
