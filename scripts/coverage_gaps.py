#!/usr/bin/env python3
"""Sort the gold toponyms the gazetteer does not cover into classes.

Reads the JSONL that `mentionmap eval --coverage-gaps FILE` writes (one line per gold
toponym with no entry of its name within 161 km) and prints, per class, how many
toponyms and which names are most frequent:

  absent                 no entry has the name at all (a data gap: a missing place,
                         name form or alternate name);
  far:<kind>:<code>      entries of the name exist, the nearest is farther than 161 km;
                         grouped by that entry's kind and feature code, so that
                         "far:country:PCLI" (a country whose point differs from the
                         corpus's convention) stands apart from "far:city:PPL" (a
                         namesake elsewhere: the right town is missing).

Usage:
  target/release/mentionmap eval ../shared/eval/dev/*.jsonl --coverage-gaps /tmp/gaps.jsonl
  scripts/coverage_gaps.py /tmp/gaps.jsonl [--top N] [--corpus NAME]

Standard library only.
"""

import argparse
import collections
import json
import sys


def gap_class(row):
    """The class of one gap row: `absent` or `far:<kind>:<feature code>`."""
    if row.get("covered") == "absent":
        return "absent"
    return "far:%s:%s" % (row.get("nearest_kind") or "?", row.get("nearest_feature_code") or "?")


def summarise(rows, top):
    """Lines of the report: classes by size, each with its most frequent names."""
    by_class = collections.defaultdict(collections.Counter)
    km = collections.defaultdict(list)
    for r in rows:
        c = gap_class(r)
        by_class[c][r["name"]] += 1
        if r.get("nearest_km") is not None:
            km[c].append(r["nearest_km"])
    out = ["%d gold toponyms not covered" % len(rows)]
    for c, names in sorted(by_class.items(), key=lambda kv: -sum(kv[1].values())):
        n = sum(names.values())
        dist = ""
        if km[c]:
            ds = sorted(km[c])
            dist = ", nearest entry median %.0f km" % ds[len(ds) // 2]
        out.append("%-28s %5d  (%d names%s)" % (c, n, len(names), dist))
        common = ", ".join("%s %d" % (name, k) for name, k in names.most_common(top))
        out.append("    " + common)
    return out


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gaps", help="the file `mentionmap eval --coverage-gaps` wrote")
    ap.add_argument("--top", type=int, default=12, help="names listed per class (default 12)")
    ap.add_argument("--corpus", help="only this corpus (its file stem)")
    args = ap.parse_args(argv)
    try:
        with open(args.gaps, encoding="utf-8") as f:
            rows = [json.loads(line) for line in f if line.strip()]
    except (OSError, ValueError) as e:
        print("coverage_gaps.py: cannot read %s: %s" % (args.gaps, e), file=sys.stderr)
        return 2
    if args.corpus:
        rows = [r for r in rows if r.get("corpus") == args.corpus]
    print("\n".join(summarise(rows, args.top)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
