#!/usr/bin/env python3
"""Browser check that the map page maps an Arabic and a Chinese text (issue #18).

    python3 tests/browser/multilingual_test.py [--binary target/release/mentionmap]

Starts the real `mentionmap serve` on 127.0.0.1 (a free port), opens its page in
headless Debian Chromium (helpers from map_page_test.py), pastes each text into the
text box, presses Map, and checks that markers for the places appear under the names
the text writes (حلب, 阿勒颇 ...), and that each marker's popup also gives the
gazetteer's English name. Exits non-zero with a message per failed check.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
import map_page_test as mpt  # noqa: E402

TEXTS = [
    (
        "Arabic",
        "قصفت الطائرات مدينة حلب وريف إدلب، وقالت مصادر في دمشق إن القتال مستمر.",
        [("حلب", "Aleppo"), ("إدلب", "Idlib"), ("دمشق", "Damascus")],
    ),
    (
        "Chinese",
        "俄罗斯空军轰炸了阿勒颇和伊德利卜，大马士革的消息来源称。",
        [("阿勒颇", "Aleppo"), ("伊德利卜", "Idlib"), ("大马士革", "Damascus")],
    ),
]


def start_server(binary):
    proc = subprocess.Popen([binary, "serve", "--addr", "127.0.0.1:0"], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    line = proc.stdout.readline()
    m = re.search(r"http://[0-9.:]+/", line)
    if not m:
        proc.kill()
        raise SystemExit(f"mentionmap serve did not start: {line!r}")
    return proc, m.group(0)


def check_text(driver, res, url, label, text, places):
    from selenium.webdriver.common.by import By
    driver.get(url)
    mpt.wait_for(driver, "return document.body && document.body.getAttribute('data-mm-ready') === '1'",
                 20, "the page to render")
    driver.execute_script("window.mentionmap.render({type: 'FeatureCollection', features: []});")
    driver.execute_script("var t = document.getElementById('mm-text'); t.value = arguments[0];"
                          "t.dispatchEvent(new Event('input'));", text)
    driver.find_element(By.ID, "mm-map-btn").click()
    mpt.wait_for(driver, "var b = document.getElementById('mm-map-btn'), s = document.getElementById('mm-status');"
                 "return !b.disabled && !s.classList.contains('mm-status-busy')", 60, "the answer of api/map")
    status = driver.execute_script("return document.getElementById('mm-status').innerText")
    res.check(f"{label}: Map button maps the text", "Found" in status, status)
    for surface, english in places:
        if not res.check(f"{label}: marker for {surface}", bool(mpt.marker_info(driver, surface))):
            continue
        mpt.click_marker(driver, surface)
        text = mpt.popup_text(driver, surface)
        if english not in text:
            # Aleppo's and Idlib's markers lie close at this zoom and a click can land
            # while the fanned-out markers still move: click once more, as a person would.
            mpt.click_marker(driver, surface)
            text = mpt.popup_text(driver, surface)
        res.check(f"{label}: {surface} popup names {english}", english in text, text[:200])
    mpt.save_shot(driver, f"multilingual-{label.lower()}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    # The same binary scripts/test uses: cargo's target directory may be moved by CARGO_TARGET_DIR
    # (relative to the repository, as cargo reads it from the repository root).
    target = os.path.join(REPO, os.environ.get("CARGO_TARGET_DIR", "target"))
    ap.add_argument("--binary", default=os.path.join(target, "release", "mentionmap"))
    args = ap.parse_args()
    if not os.path.exists(args.binary):
        raise SystemExit(f"{args.binary} is missing: cargo build --release first")
    res = mpt.Results()
    proc, url = start_server(args.binary)
    driver, profile = mpt.start_browser()
    try:
        for label, text, places in TEXTS:
            try:
                check_text(driver, res, url, label, text, places)
            except mpt.Failed as e:
                res.check(f"{label}: page maps the text", False, str(e))
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
        proc.kill()
        proc.wait()
    print(f"multilingual browser test: {res.passed} passed, {len(res.failed)} failed")
    for f in res.failed:
        print(f"  FAIL {f}")
    sys.exit(1 if res.failed else 0)


if __name__ == "__main__":
    main()
