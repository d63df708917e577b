#!/usr/bin/env python3
"""Writes a JSONL corpus of N documents for the corpus-map browser check by
repeating the texts of the annotated dev corpora (../shared/eval/dev/*.jsonl),
each with an id, a title (its first words) and a date (one per day from
2016-01-01, so the time filter has something to filter).

    python3 tests/browser/make_corpus.py 10000 target/browser/corpus-10k.jsonl
"""

import datetime
import glob
import json
import os
import sys

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DEV = os.path.join(REPO, "..", "shared", "eval", "dev")
TITLE_CHARS = 60   # a title-length prefix of the text


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    n, out = int(sys.argv[1]), sys.argv[2]
    texts = []
    for path in sorted(glob.glob(os.path.join(DEV, "*.jsonl"))):
        with open(path, encoding="utf-8") as f:
            texts.extend(json.loads(line)["text"] for line in f if line.strip())
    if not texts:
        raise SystemExit(f"no texts under {DEV}")
    start = datetime.date(2016, 1, 1)
    with open(out, "w", encoding="utf-8") as f:
        for i in range(n):
            text = texts[i % len(texts)]
            day = start + datetime.timedelta(days=i % 366)
            title = " ".join(text[:TITLE_CHARS].split()[:-1]) or text[:TITLE_CHARS]
            f.write(json.dumps({"id": f"doc-{i}", "title": title, "date": day.isoformat(), "text": text}) + "\n")
    print(f"wrote {out}: {n} documents from {len(texts)} texts")


if __name__ == "__main__":
    main()
