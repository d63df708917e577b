#!/usr/bin/env python3
"""Where each thread of a batch run spends its time: running, blocked (waiting on the
batch's own hand-offs: a serial stage, a lock, a full or empty queue) or runnable but
not running (waiting for a core: the machine's load). Not part of CI; needs root for
`perf sched record`.

    benches/batch_sched.py [--bin target/release/mentionmap] [--threads 2] DOCS.jsonl

It runs `mentionmap map --jsonl DOCS --threads N --format geojsonseq -o /dev/null`
under `perf sched record`, reads `perf sched timehist --state`, and prints one line per
thread that ran for at least 1% of the total: run, blocked and runnable milliseconds and
the blocked share of the thread's life from its first to its last run. Wall-clock
speed-ups on a machine shared with other work measure the others as much as
mentionmap; the blocked share of the workers does not: it is the time a worker had no
document to map, which only the batch's own structure causes (the chunk barrier, a
serial read or write, a lock). With no serial stage, a worker is blocked only at the
start and the end of the batch.
"""

from __future__ import annotations

import argparse
import collections
import os
import subprocess
import sys
import tempfile


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("docs")
    ap.add_argument("--bin", default="target/release/mentionmap")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("perf sched record needs root")

    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "sched.data")
        cmd = [args.bin, "map", "--jsonl", args.docs, "--threads", str(args.threads),
               "--format", "geojsonseq", "-o", os.devnull]
        subprocess.run(["perf", "sched", "record", "-q", "-o", data, "--", *cmd],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        out = subprocess.run(["perf", "sched", "timehist", "-i", data, "--state"],
                             check=True, capture_output=True, text=True).stdout

    # Lines: time cpu task wait sch-delay run state; the task's pid is after the '/'.
    # `wait` is the time before this run since the task last left the CPU, in the
    # state the previous line gave; `sch delay` is runnable time after a wake-up.
    pid = None
    stats = collections.defaultdict(lambda: {"run": 0.0, "blocked": 0.0, "ready": 0.0,
                                             "first": None, "last": 0.0, "state": None})
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 7 or not parts[0][0].isdigit() or "[" not in parts[2]:
            continue
        task = " ".join(parts[2:-4])
        ident = task[task.rindex("[") + 1:-1]
        tid, _, proc = ident.partition("/")
        if pid is None and os.path.basename(args.bin)[:15] in task:
            pid = proc or tid
        if pid is None or (proc or tid) != pid:
            continue
        t, wait, delay, run, state = float(parts[0]), *map(float, parts[-4:-1]), parts[-1]
        s = stats[task]
        if s["state"] == "S" or s["state"] == "D":
            s["blocked"] += wait
        else:
            s["ready"] += wait
        s["ready"] += delay
        s["run"] += run
        if s["first"] is None:
            s["first"] = t * 1000 - run
        s["last"] = t * 1000
        s["state"] = state
    if not stats:
        sys.exit("no events of the mentionmap process (is perf sched working here?)")
    total = sum(s["run"] for s in stats.values())
    print(f"{args.bin} --threads {args.threads}: {total:.0f} ms on CPU in all")
    print(f"{'thread':<40} {'run ms':>8} {'blocked ms':>10} {'runnable ms':>11} "
          f"{'blocked share':>13}")
    for task, s in sorted(stats.items(), key=lambda kv: -kv[1]["run"]):
        if s["run"] < 0.01 * total:
            continue
        life = max(s["last"] - s["first"], 1e-9)
        print(f"{task:<40} {s['run']:>8.0f} {s['blocked']:>10.0f} {s['ready']:>11.0f} "
              f"{s['blocked'] / life:>13.1%}")


if __name__ == "__main__":
    main()
