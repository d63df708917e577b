#!/usr/bin/env python3
"""Load time of two map pages compared in one run, as a ratio (a page change's
cost, e.g. before and after a new basemap file), in headless Chromium.

    python3 tests/browser/bench_page.py BEFORE.html AFTER.html [--reps 5]

Each repetition opens both pages in turn (alternating, so a busy machine slows
both alike) and times (1) until `data-mm-ready`, (2) a first zoom to a country
(Syria, zoom 6: labels placed, province lines decoded and drawn). Prints the
medians and the after/before ratios; asserts nothing (a timing is no test).
"""

import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import map_page_test as mpt  # noqa: E402


def median(values):
    return sorted(values)[len(values) // 2]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    pages = {"before": os.path.abspath(args.before), "after": os.path.abspath(args.after)}
    for path in pages.values():
        if not os.path.exists(path):
            raise SystemExit(f"{path}: no such file")
    ready = {k: [] for k in pages}
    zoom = {k: [] for k in pages}
    driver, profile = mpt.start_browser()
    try:
        for _ in range(args.reps):
            for k, path in pages.items():
                driver.get("about:blank")
                t0 = time.time()
                driver.get("file://" + path)
                mpt.wait_for(driver, "return document.body && document.body.getAttribute('data-mm-ready') === '1'",
                             60, "the page to render")
                ready[k].append(time.time() - t0)
                t0 = time.time()
                driver.execute_script("window.mentionmap.map.setView([35, 38.5], 6, {animate: false});")
                driver.execute_script("return new Promise(function (ok) { requestAnimationFrame(function () {"
                                      " requestAnimationFrame(ok); }); })")
                zoom[k].append(time.time() - t0)
    finally:
        driver.quit()
    for k, path in pages.items():
        print(f"{k}: {os.path.getsize(path)} bytes, ready {median(ready[k]):.3f} s, "
              f"first zoom to 6 {median(zoom[k]):.3f} s (medians of {args.reps})")
    print(f"after/before: size {os.path.getsize(pages['after']) / os.path.getsize(pages['before']):.2f}, "
          f"ready {median(ready['after']) / median(ready['before']):.2f}, "
          f"zoom {median(zoom['after']) / median(zoom['before']):.2f}")


if __name__ == "__main__":
    main()
