#!/usr/bin/env python3
"""Load test of `mentionmap serve` (issue #16): throughput, latency and memory.

Not run in CI. Standard library only. Starts the release binary's server on a free
127.0.0.1 port and sends bursts of POST /api/map from threads:

  normal      the seed article (../shared/examples/aleppo-2016.txt), text/plain
  deep-html   {"format": "html", "text": <div> nested 100,000 deep around a sentence}
  aleppo-5mib a body of `Aleppo, ` repeated to just under the 5 MiB body cap

each at concurrency 16 and 64. For every burst it prints requests/s (answers of
any status per second of wall time), p50 and p99 latency, the statuses, and the
server's resident memory (VmRSS from /proc/PID/status) before and after, with its
peak (VmHWM). Then, after the server has been idle, RSS against the baseline (RSS
after one warm-up request).

Two more figures on fresh processes:
  * four `aleppo-5mib` requests at once on a fresh server: its peak RSS;
  * `mentionmap map` of a 40 MB text made by repeating the dev corpora's texts
    (../shared/eval/dev/*.jsonl): peak RSS from /usr/bin/time -v and wall time.

    benches/load.py [--bin target/release/mentionmap] [--requests 200]
                    [--levels 16,64] [--skip-cli]
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(ROOT, "..", "shared")
# The server's body cap (src/server.rs MAX_BODY_BYTES).
MAX_BODY_BYTES = 5 * 1024 * 1024
# Deep enough to have aborted the server before the fix (5,000 did).
DEEP_HTML_LEVELS = 100_000
# Idle time before the "after the bursts" RSS: long enough for freed memory to be
# returned, as a real server would be between bursts.
SETTLE_SECONDS = 5
CLI_TEXT_BYTES = 40 * 1000 * 1000


class Server:
    def __init__(self, binary):
        self.proc = subprocess.Popen(
            [binary, "serve", "--addr", "127.0.0.1:0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        line = self.proc.stdout.readline()
        try:
            hostport = line.split("http://", 1)[1].split("/", 1)[0]
        except IndexError:
            self.stop()
            sys.exit(f"load.py: no address in the server's first line: {line!r}")
        host, port = hostport.rsplit(":", 1)
        self.host, self.port = host, int(port)

    def memory_mb(self):
        """(VmRSS, VmHWM) in MB."""
        values = {}
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                key, _, rest = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    values[key] = int(rest.split()[0]) / 1024
        return values["VmRSS"], values["VmHWM"]

    def post(self, body, content_type):
        """One request on its own connection: (status, seconds)."""
        start = time.perf_counter()
        conn = http.client.HTTPConnection(self.host, self.port, timeout=300)
        try:
            conn.request("POST", "/api/map", body=body, headers={"Content-Type": content_type})
            resp = conn.getresponse()
            resp.read()
            status = resp.status
        except (OSError, http.client.HTTPException) as e:
            status = type(e).__name__
        finally:
            conn.close()
        return status, time.perf_counter() - start

    def stop(self):
        self.proc.kill()
        self.proc.wait()


def percentile(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def burst(server, name, body, content_type, concurrency, requests):
    rss_before, _ = server.memory_mb()
    peak = [0.0]
    done = threading.Event()

    def watch():
        while not done.is_set():
            try:
                peak[0] = max(peak[0], server.memory_mb()[0])
            except OSError:
                return
            time.sleep(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(lambda _: server.post(body, content_type), range(requests)))
    wall = time.perf_counter() - start
    done.set()
    watcher.join()
    rss_after, hwm = server.memory_mb()
    latencies = [t for _, t in results]
    statuses = {}
    for s, _ in results:
        statuses[s] = statuses.get(s, 0) + 1
    row = {
        "scenario": name,
        "concurrency": concurrency,
        "requests": requests,
        "req_per_s": requests / wall,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "statuses": " ".join(f"{k}x{v}" for k, v in sorted(statuses.items(), key=str)),
        "rss_before_mb": rss_before,
        "rss_peak_mb": max(peak[0], rss_after),
        "rss_after_mb": rss_after,
        "hwm_mb": hwm,
    }
    print(
        f"| {name} | {concurrency} | {requests} | {row['req_per_s']:.1f} | "
        f"{row['p50_ms']:.0f} | {row['p99_ms']:.0f} | {row['statuses']} | "
        f"{rss_before:.0f} | {row['rss_peak_mb']:.0f} | {rss_after:.0f} |",
        flush=True,
    )
    return row


def deep_html_body():
    html = (
        "<html><body>"
        + "<div>" * DEEP_HTML_LEVELS
        + "<p>Shelling was reported in Aleppo.</p>"
        + "</div>" * DEEP_HTML_LEVELS
        + "</body></html>"
    )
    return json.dumps({"format": "html", "text": html}).encode()


def aleppo_body():
    unit = b"Aleppo, "
    return unit * ((MAX_BODY_BYTES - 1024) // len(unit))


def four_at_once(binary):
    server = Server(binary)
    try:
        body = aleppo_body()
        server.post(b"Aleppo", "text/plain")
        base, _ = server.memory_mb()
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(lambda _: server.post(body, "text/plain"), range(4)))
        wall = time.perf_counter() - start
        _, hwm = server.memory_mb()
        statuses = sorted(str(s) for s, _ in results)
        print(
            f"four aleppo-5mib requests at once on a fresh server: peak RSS {hwm:.0f} MB "
            f"(baseline {base:.0f} MB), {wall:.1f} s, statuses {' '.join(statuses)}"
        )
    finally:
        server.stop()


def cli_40mb(binary):
    texts = []
    dev = os.path.join(SHARED, "eval", "dev")
    for name in sorted(os.listdir(dev)):
        if name.endswith(".jsonl"):
            with open(os.path.join(dev, name), encoding="utf-8") as f:
                for line in f:
                    if line.strip():
                        t = json.loads(line).get("text")
                        if t:
                            texts.append(t)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        path = f.name
        written = 0
        while written < CLI_TEXT_BYTES:
            for t in texts:
                f.write(t + "\n\n")
                written += len(t.encode()) + 2
                if written >= CLI_TEXT_BYTES:
                    break
    try:
        start = time.perf_counter()
        r = subprocess.run(
            ["/usr/bin/time", "-v", binary, "map", path, "-o", os.devnull],
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - start
        peak = next(
            (int(l.split(":")[1]) / 1024 for l in r.stderr.splitlines() if "Maximum resident" in l),
            float("nan"),
        )
        print(
            f"map of a {written / 1e6:.0f} MB text (dev corpora repeated): peak RSS "
            f"{peak:.0f} MB, {wall:.1f} s, exit {r.returncode}"
        )
    finally:
        os.unlink(path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "mentionmap"))
    ap.add_argument("--requests", type=int, default=200, help="requests per normal burst")
    ap.add_argument("--levels", default="16,64", help="concurrency levels")
    ap.add_argument("--skip-cli", action="store_true", help="skip the 40 MB CLI run")
    args = ap.parse_args()
    levels = [int(x) for x in args.levels.split(",")]
    with open(os.path.join(SHARED, "examples", "aleppo-2016.txt"), "rb") as f:
        seed = f.read()

    server = Server(args.bin)
    try:
        server.post(seed, "text/plain")
        baseline, _ = server.memory_mb()
        print(f"server baseline RSS after one warm-up request: {baseline:.0f} MB\n")
        print("| scenario | concurrency | requests | req/s | p50 ms | p99 ms | statuses "
              "| RSS before MB | RSS peak MB | RSS after MB |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        deep, aleppo = deep_html_body(), aleppo_body()
        for c in levels:
            burst(server, "normal", seed, "text/plain", c, args.requests)
        for c in levels:
            # One request per client: each is heavy.
            burst(server, f"deep-html ({DEEP_HTML_LEVELS:,} levels)", deep, "application/json", c, c)
        for c in levels:
            burst(server, "aleppo-5mib", aleppo, "text/plain", c, c)
        time.sleep(SETTLE_SECONDS)
        after, hwm = server.memory_mb()
        print(
            f"\nserver RSS after the bursts and {SETTLE_SECONDS} s idle: {after:.0f} MB vs "
            f"baseline {baseline:.0f} MB ({(after / baseline - 1) * 100:+.0f}%); peak {hwm:.0f} MB"
        )
    finally:
        server.stop()
    four_at_once(args.bin)
    if not args.skip_cli:
        cli_40mb(args.bin)


if __name__ == "__main__":
    main()
