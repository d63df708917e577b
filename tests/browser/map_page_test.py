#!/usr/bin/env python3
"""Browser test of mentionmap's map page, in headless Debian Chromium via Selenium.

    python3 tests/browser/map_page_test.py                 # self-test (below)
    python3 tests/browser/map_page_test.py --url http://127.0.0.1:8080/
    python3 tests/browser/map_page_test.py --file target/map.html
    python3 tests/browser/map_page_test.py --url URL --file PATH

--url URL   a server that serves the page and api/map.  If the page there has
            embedded data it is checked as is; otherwise the test pastes a short
            article (or --article FILE) into the text box, presses Map, and checks
            what api/map sent.
--file PATH a self-contained HTML file (opened via file://): must have embedded
            data that maps Aleppo and Handarat, and must hide the text box.

With neither, the test builds a self-contained page from web/index.html and
web/sample.geojson (tests/browser/make_selfcontained.py), serves web/ on
127.0.0.1 with a stub api/map that answers web/sample.geojson (or a JSON error),
and checks the page three ways: embedded data over http, the Map button against
the stub, and the self-contained file via file://.

Screenshots go to target/browser/ (map.png is the main one).  Needs
tests/browser/setup.sh (chromium, chromium-driver, selenium).  Exits non-zero
with a message per failed check.
"""

import argparse
import contextlib
import http.server
import json
import re
import os
import shutil
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
WEB = os.path.join(REPO, "web")
OUT = os.path.join(REPO, "target", "browser")
CHROMIUM = os.environ.get("MENTIONMAP_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("MENTIONMAP_CHROMEDRIVER", "/usr/bin/chromedriver")

sys.path.insert(0, HERE)
import make_selfcontained  # noqa: E402

ARTICLE = (
    "ALEPPO, Syria — Syrian government forces pressed their attack on Aleppo on Tuesday. "
    "Rebels reported heavy shelling in Handarat, on the northern edge of Aleppo, and officials "
    "in Moscow said the offensive on Aleppo would go on. A statement from Washington called on "
    "Syria to let aid convoys into Aleppo."
)
ERROR_TEXT = "__mentionmap_browser_test_error__"


class Failed(Exception):
    pass


class Results:
    def __init__(self):
        self.passed = 0
        self.failed = []

    def check(self, name, cond, detail=""):
        if cond:
            self.passed += 1
            print(f"  ok    {name}")
        else:
            self.failed.append(f"{name}{': ' + detail if detail else ''}")
            print(f"  FAIL  {name}{': ' + detail if detail else ''}")
        return cond


# ------------------------------------------------------------------ browser

def start_browser(width=1400, height=900):
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        raise SystemExit("selenium is not installed: run tests/browser/setup.sh first")
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.path.exists(path):
            raise SystemExit(f"{path} is missing: run tests/browser/setup.sh first")
    profile = tempfile.mkdtemp(prefix="mm-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--hide-scrollbars", "--force-device-scale-factor=1",
                 f"--window-size={width},{height}", f"--user-data-dir={profile}",
                 "--allow-file-access-from-files"):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=CHROMEDRIVER, log_output=os.devnull)
    driver = webdriver.Chrome(service=service, options=opts)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(20)
    return driver, profile


def wait_for(driver, js, timeout=15, what="condition"):
    end = time.time() + timeout
    last = None
    while time.time() < end:
        try:
            last = driver.execute_script(js)
            if last:
                return last
        except Exception as e:  # page still loading
            last = e
        time.sleep(0.1)
    raise Failed(f"timed out after {timeout}s waiting for {what} (last: {last!r})")


def console_errors(driver):
    try:
        logs = driver.get_log("browser")
    except Exception:
        return []
    return [entry["message"] for entry in logs
            if entry.get("level") == "SEVERE" and "favicon.ico" not in entry.get("message", "")]


def marker_info(driver, name):
    return driver.execute_script("""
        var els = document.querySelectorAll('path.mm-marker');
        for (var i = 0; i < els.length; i++) {
          if (els[i].getAttribute('data-name') === arguments[0]) {
            var r = els[i].getBoundingClientRect();
            return {cls: els[i].getAttribute('class'), layer: els[i].getAttribute('data-layer'),
                    dash: els[i].getAttribute('stroke-dasharray'), w: r.width, h: r.height};
          }
        }
        return null;""", name)


def click_marker(driver, name):
    """Click a visible point of the named marker (one where it is the topmost
    element), as a person would; zooms in through the place list if needed."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.actions.action_builder import ActionBuilder

    find_point = """
        var name = arguments[0], el = null;
        var els = document.querySelectorAll('path.mm-marker');
        for (var i = 0; i < els.length; i++) if (els[i].getAttribute('data-name') === name) el = els[i];
        if (!el) return null;
        var r = el.getBoundingClientRect(), cx = r.left + r.width / 2, cy = r.top + r.height / 2;
        var rad = Math.min(r.width, r.height) / 2 - 2;
        var steps = [[0, 0]];
        for (var k = 1; k <= 4; k++) for (var a = 0; a < 16; a++) {
          steps.push([Math.cos(a * Math.PI / 8) * rad * k / 4.5, Math.sin(a * Math.PI / 8) * rad * k / 4.5]);
        }
        for (var s = 0; s < steps.length; s++) {
          var x = cx + steps[s][0], y = cy + steps[s][1];
          if (document.elementFromPoint(x, y) === el) return [Math.round(x), Math.round(y)];
        }
        return null;"""
    pt = driver.execute_script(find_point, name)
    if pt is None:
        # Overlapped at this zoom: zoom to it like a person would, then close the popup.
        driver.execute_script("window.mentionmap.focus(arguments[0]); window.mentionmap.map.closePopup();", name)
        time.sleep(0.8)
        pt = driver.execute_script(find_point, name)
    if pt is None:
        raise Failed(f"no clickable point on the marker of {name!r}")
    driver.execute_script("window.mentionmap.map.closePopup();")
    actions = ActionBuilder(driver)
    actions.pointer_action.move_to_location(pt[0], pt[1]).click()
    actions.perform()
    ActionChains(driver).pause(0.1).perform()
    return pt


def popup_text(driver, expect, timeout=5):
    """The text of the open popup of the place named `expect` (a closing popup
    may still be fading out); the last popup's text, or "", if none in time."""
    js = """
        var ps = document.querySelectorAll('.leaflet-popup-content'), last = '';
        for (var i = 0; i < ps.length; i++) {
          var wrap = ps[i].closest('.leaflet-popup');
          if (wrap && wrap.style.opacity === '0') continue;  // closing
          last = ps[i].innerText;
          var head = ps[i].querySelector('.mm-popup-name');
          if (head ? head.textContent === arguments[0] : last.indexOf(arguments[0]) >= 0) return [true, last];
        }
        return [false, last];"""
    end = time.time() + timeout
    found, text = False, ""
    while time.time() < end:
        found, text = driver.execute_script(js, expect)
        if found:
            break
        time.sleep(0.1)
    return text


def external_requests(driver):
    """Resources the page loaded from anywhere but its own origin, file: or data:."""
    return driver.execute_script("""
        var origin = location.protocol === 'file:' ? 'file:' : location.origin;
        return performance.getEntriesByType('resource').map(function (e) { return e.name; })
          .filter(function (u) {
            return !(u.indexOf(origin) === 0 || u.indexOf('file:') === 0 || u.indexOf('data:') === 0 ||
                     u.indexOf('blob:') === 0);
          });""")


# ------------------------------------------------------------------- checks

def check_embedded(driver, res, url, label, expect_input_hidden, screenshot):
    print(f"[{label}] {url}")
    driver.get(url)
    wait_for(driver, "return document.body && document.body.getAttribute('data-mm-ready') === '1'",
             20, "the page to render")
    time.sleep(0.5)
    res.check(f"{label}: Leaflet and the basemap loaded",
              driver.execute_script("return !!(window.L && window.MENTIONMAP_BASEMAP && "
                                    "document.querySelector('.leaflet-mm-basemap-pane canvas'))"))
    n = int(driver.execute_script("return document.querySelectorAll('path.mm-marker').length"))
    res.check(f"{label}: markers drawn", n >= 2, f"{n} markers")
    aleppo = marker_info(driver, "Aleppo")
    res.check(f"{label}: Aleppo marker (mm-marker mm-layer-cities, data-name)",
              bool(aleppo) and "mm-layer-cities" in aleppo["cls"] and aleppo["w"] > 4, repr(aleppo))
    hand = marker_info(driver, "Handarat")
    res.check(f"{label}: Handarat marker is a dashed relative estimate in districts",
              bool(hand) and "mm-layer-districts" in hand["cls"] and "mm-relative" in hand["cls"]
              and bool(hand["dash"]), repr(hand))
    items = driver.execute_script(
        "return Array.prototype.map.call(document.querySelectorAll('#mm-place-list .mm-place'),"
        " function (li) { return li.getAttribute('data-name'); })")
    res.check(f"{label}: place list has entries, Aleppo among them", len(items) >= 2 and "Aleppo" in items,
              repr(items))
    hidden = driver.execute_script("var e = document.getElementById('mm-input'); "
                                   "return !e || e.hidden || e.offsetParent === null")
    if expect_input_hidden is not None:
        res.check(f"{label}: text box {'hidden' if expect_input_hidden else 'shown'}",
                  bool(hidden) == expect_input_hidden)
    attribution = driver.execute_script(
        "var a = document.querySelector('.leaflet-control-attribution'); return a ? a.innerText : ''")
    res.check(f"{label}: GeoNames attribution on the map", "GeoNames (CC BY 4.0)" in attribution, attribution)
    res.check(f"{label}: legend and layer control",
              driver.execute_script("return !!document.querySelector('.mm-legend') && "
                                    "document.querySelectorAll('.leaflet-control-layers-overlays label').length === 9"))

    # Click Aleppo's marker.
    try:
        click_marker(driver, "Aleppo")
        text = popup_text(driver, "Aleppo")
        res.check(f"{label}: clicking Aleppo's marker opens its popup", "Aleppo" in text and "170063" in text,
                  text[:200])
        # The sample's snippet carries markup ("<b>under siege</b>"): it must show as
        # text. Real output has none, and then no element may appear either.
        markup_shown = "<b>under siege</b>" in text or "under siege" not in text
        res.check(f"{label}: popup shows snippets HTML-escaped",
                  markup_shown and driver.execute_script(
                      "return document.querySelectorAll('.leaflet-popup-content b').length === 0"),
                  text[-300:])
    except Failed as e:
        res.check(f"{label}: clicking Aleppo's marker opens its popup", False, str(e))
    time.sleep(0.4)
    if screenshot:
        save_shot(driver, screenshot)

    # Click a place in the list.
    driver.execute_script("window.mentionmap.map.closePopup();")
    li = driver.execute_script(
        "return document.querySelector('#mm-place-list .mm-place[data-name=\"Handarat\"]')")
    if res.check(f"{label}: Handarat in the place list", li is not None):
        li.click()
        try:
            text = popup_text(driver, "Handarat")
            res.check(f"{label}: clicking Handarat in the list opens its popup with the uncertainty",
                      "Handarat" in text and re.search(r"\d+(\.\d+)? km", text) is not None, text[:200])
            if screenshot:
                time.sleep(0.4)
                save_shot(driver, screenshot.replace(".png", "-handarat.png"))
            res.check(f"{label}: ...and pans to it",
                      driver.execute_script(
                          "var c = window.mentionmap.map.getCenter(); "
                          "return Math.abs(c.lat - 36.24) < 0.5 && Math.abs(c.lng - 37.15) < 0.5"))
        except Failed as e:
            res.check(f"{label}: clicking Handarat in the list opens its popup", False, str(e))
    if expect_input_hidden is not None:
        check_zoom_views(driver, res, label)
    ext = external_requests(driver)
    res.check(f"{label}: nothing loaded from other hosts", not ext, repr(ext[:5]))
    errs = console_errors(driver)
    res.check(f"{label}: no errors in the console", not errs, repr(errs[:5]))


def marker_centres(driver, names):
    return driver.execute_script("""
        var out = {}, want = arguments[0];
        document.querySelectorAll('path.mm-marker').forEach(function (el) {
          var n = el.getAttribute('data-name');
          if (want.indexOf(n) < 0) return;
          var r = el.getBoundingClientRect();
          out[n] = [r.left + r.width / 2, r.top + r.height / 2, r.width / 2];
        });
        return out;""", names)


def label_boxes(driver, kinds):
    """[text, left, top, right, bottom] of the map's name labels of these kinds."""
    return driver.execute_script("""
        var out = [];
        arguments[0].forEach(function (k) {
          document.querySelectorAll('.mm-maplabel-' + k).forEach(function (e) {
            var r = e.getBoundingClientRect();
            out.push([e.textContent, r.left, r.top, r.right, r.bottom, k]);
          });
        });
        return out;""", kinds)


def admin1_paths(driver):
    """Boundary paths drawn inside the map view: [number of path.mm-admin1 with
    a non-empty outline crossing the view, total path length of their 'd']."""
    return driver.execute_script("""
        var m = document.getElementById('mm-map').getBoundingClientRect(), n = 0, len = 0;
        document.querySelectorAll('path.mm-admin1').forEach(function (p) {
          var d = p.getAttribute('d') || '', r = p.getBoundingClientRect();
          if (d.length < 10 || r.right < m.left || r.left > m.right || r.bottom < m.top || r.top > m.bottom) return;
          n++; len += d.length;
        });
        return [n, len];""")


def toggle_overlay(driver, text):
    driver.execute_script("""
        var ls = document.querySelectorAll('.leaflet-control-layers-overlays label');
        for (var i = 0; i < ls.length; i++) {
          if (ls[i].textContent.indexOf(arguments[0]) >= 0) ls[i].querySelector('input').click();
        }
        """, text)
    time.sleep(0.6)


def check_shade(driver, res, label):
    """The "Shade countries" layer fills the countries that hold mapped places,
    Syria (where most of the mentions are) the darkest; off again afterwards."""
    toggle_overlay(driver, "Shade countries")
    shades = driver.execute_script("""
        var out = {};
        document.querySelectorAll('path.mm-shade').forEach(function (p) {
          var m = /mm-shade-([A-Za-z0-9]+)/.exec(p.getAttribute('class') || '');
          if (m) out[m[1]] = Number(p.getAttribute('fill-opacity'));
        });
        return out;""")
    res.check(f"{label}: shading fills the countries with places, Syria darkest",
              len(shades) >= 2 and "SYR" in shades and shades["SYR"] == max(shades.values()), repr(shades))
    key = driver.execute_script(
        "var k = document.querySelector('.mm-legend-shade'); return k && !k.hidden ? k.innerText : ''")
    res.check(f"{label}: the legend explains the shading", "shaded by" in key, repr(key))
    save_shot(driver, f"{label.replace('/', '-')}-shade.png")
    toggle_overlay(driver, "Shade countries")
    left = driver.execute_script("return document.querySelectorAll('path.mm-shade').length")
    res.check(f"{label}: shading off again", left == 0, f"{left} paths")


def check_zoom_views(driver, res, label):
    """The offline page is readable at world, country and city zoom: country
    names and spread, named markers with no basemap name under them at world
    zoom; province lines from country zoom on; town names and the places' own
    names around Aleppo at city zoom."""
    driver.execute_script("window.mentionmap.map.closePopup(); "
                          "window.mentionmap.map.setView([30, 30], 2, {animate: false});")
    time.sleep(0.8)
    countries = [b[0] for b in label_boxes(driver, ["country"])]
    res.check(f"{label}: country names at world zoom", len(countries) >= 10, f"{len(countries)}: {countries[:8]}")
    names = ["Syria", "Aleppo", "Handarat"]
    c = marker_centres(driver, names)
    apart = len(c) == 3 and all(
        ((c[a][0] - c[b][0]) ** 2 + (c[a][1] - c[b][1]) ** 2) ** 0.5 >= 0.8 * max(c[a][2], c[b][2])
        for i, a in enumerate(names) for b in names[i + 1:])
    res.check(f"{label}: Syria, Aleppo and Handarat spread apart at world zoom", apart, repr(c))
    leaders = driver.execute_script("return document.querySelectorAll('path.mm-leader').length")
    res.check(f"{label}: spread markers have leader lines", leaders >= 1, f"{leaders}")
    shown = [b[0] for b in label_boxes(driver, ["place"])]
    res.check(f"{label}: the spread markers are named at world zoom",
              sum(n in shown for n in names) >= 2, repr(shown))
    # No country, region or town name runs under a marker (shrunk by 2 px: the
    # label box estimate is not pixel-exact).
    discs = marker_centres(driver, names + ["Moscow", "Washington", "Russia", "United States"])
    under = [(b[0], n) for b in label_boxes(driver, ["country", "admin1", "city"]) for n, (x, y, r) in discs.items()
             if b[1] + 2 < x + r and b[3] - 2 > x - r and b[2] + 2 < y + r and b[4] - 2 > y - r]
    res.check(f"{label}: no basemap name under a marker at world zoom", not under, repr(under[:5]))
    n, _ = admin1_paths(driver)
    res.check(f"{label}: no province lines at world zoom", n == 0, f"{n} paths")
    save_shot(driver, f"{label.replace('/', '-')}-world.png")
    check_shade(driver, res, label)

    driver.execute_script("window.mentionmap.map.setView([35, 38.5], 6, {animate: false});")
    try:
        wait_for(driver, "return document.querySelectorAll('path.mm-admin1').length > 0", 10, "province lines")
    except Failed:
        pass
    time.sleep(0.5)
    n, size = admin1_paths(driver)
    res.check(f"{label}: province lines at country zoom", n >= 1 and size > 2000, f"{n} paths, d {size} chars")
    save_shot(driver, f"{label.replace('/', '-')}-country.png")

    driver.execute_script("window.mentionmap.map.setView([36.2, 37.16], 10, {animate: false});")
    time.sleep(0.8)
    cities = [b[0] for b in label_boxes(driver, ["city"])]
    here = [b[0] for b in label_boxes(driver, ["place"])]
    res.check(f"{label}: town names at city zoom", len(cities) >= 3, repr(cities[:10]))
    res.check(f"{label}: Aleppo and Handarat named beside their markers at city zoom",
              "Aleppo" in here and "Handarat" in here, repr(here))
    n, _ = admin1_paths(driver)
    res.check(f"{label}: a province line at city zoom (Aleppo/Idlib)", n >= 1, f"{n} paths")
    save_shot(driver, f"{label.replace('/', '-')}-city.png")
    attribution = driver.execute_script(
        "var a = document.querySelector('.leaflet-control-attribution'); return a ? a.innerText : ''")
    res.check(f"{label}: Natural Earth credited", "Made with Natural Earth" in attribution, attribution)


def check_tiles(driver, res, base, label):
    """?tiles=URL puts that tile layer under the markers instead of the offline
    outlines, names and province lines (which stay available as toggles)."""
    template = base + "tile/{z}/{x}/{y}.png"
    url = base + "sample.html?tiles=" + urllib.parse.quote(template, safe="")
    print(f"[{label}] {url}")
    driver.get(url)
    wait_for(driver, "return document.body && document.body.getAttribute('data-mm-ready') === '1'",
             20, "the page to render")
    time.sleep(1.0)
    tiles = driver.execute_script(
        "var from = arguments[0]; return Array.prototype.filter.call(document.querySelectorAll('img.leaflet-tile'),"
        " function (i) { return i.src.indexOf(from) === 0; }).length", base + "tile/")
    res.check(f"{label}: tiles from the ?tiles= server", tiles >= 1, f"{tiles} tiles")
    offline = driver.execute_script(
        "return [!!document.querySelector('.leaflet-mm-basemap-pane canvas'),"
        " document.querySelectorAll('.mm-maplabel').length]")
    res.check(f"{label}: no offline outlines or names over the tiles", offline == [False, 0], repr(offline))
    driver.execute_script("window.mentionmap.map.setView([35, 38.5], 6, {animate: false});")
    time.sleep(0.8)
    res.check(f"{label}: no province lines over the tiles unless asked",
              driver.execute_script("return document.querySelectorAll('path.mm-admin1').length") == 0)
    toggle_overlay(driver, "Province lines")
    try:
        wait_for(driver, "return document.querySelectorAll('path.mm-admin1').length", 15, "province lines")
        res.check(f"{label}: province lines switched on over the tiles", admin1_paths(driver)[0] >= 1)
    except Failed as e:
        res.check(f"{label}: province lines switched on over the tiles", False, str(e))
    res.check(f"{label}: markers drawn over the tiles",
              driver.execute_script("return document.querySelectorAll('path.mm-marker').length") >= 2)
    save_shot(driver, "map-tiles.png")
    errs = console_errors(driver)
    res.check(f"{label}: no errors in the console", not errs, repr(errs[:5]))


def check_api(driver, res, url, label, screenshot, error_text=None, local_files=False, article=ARTICLE):
    from selenium.webdriver.common.by import By
    print(f"[{label}] {url}")
    driver.get(url)
    wait_for(driver, "return document.body && document.body.getAttribute('data-mm-ready') === '1'",
             20, "the page to render")
    box = driver.find_element(By.ID, "mm-text")
    res.check(f"{label}: text box shown", box.is_displayed())
    # A served page fetches the province lines only once zoomed in that far.
    res.check(f"{label}: province lines not loaded at world zoom",
              driver.execute_script("return window.MENTIONMAP_ADMIN1 === undefined && "
                                    "!document.querySelector('script[src$=\"admin1.js\"]')"))
    if error_text:
        box.clear()
        box.send_keys(error_text)
        driver.find_element(By.ID, "mm-map-btn").click()
        try:
            msg = wait_for(driver, "var s = document.getElementById('mm-status'); "
                           "return s.classList.contains('mm-status-error') ? s.innerText : null", 15,
                           "an error message")
            res.check(f"{label}: a JSON error from api/map is shown", "test error" in msg, msg)
        except Failed as e:
            res.check(f"{label}: a JSON error from api/map is shown", False, str(e))
    if local_files:
        # Opening a .geojson file shows it as it is; a .txt file fills the text box.
        tmp = tempfile.mkdtemp(prefix="mm-files-")
        try:
            txt = os.path.join(tmp, "article.txt")
            with open(txt, "w", encoding="utf-8") as f:
                f.write(ARTICLE)
            driver.find_element(By.ID, "mm-file").send_keys(os.path.join(WEB, "sample.geojson"))
            try:
                wait_for(driver, "return document.querySelector('path.mm-marker[data-name=\"Handarat\"]')", 10,
                         "markers from the opened .geojson")
                res.check(f"{label}: opening a .geojson file shows it", True)
            except Failed as e:
                res.check(f"{label}: opening a .geojson file shows it", False, str(e))
            driver.find_element(By.ID, "mm-file").send_keys(txt)
            try:
                ok = wait_for(driver, "return document.getElementById('mm-text').value.indexOf('Handarat') >= 0",
                              10, "the .txt file in the text box")
                res.check(f"{label}: opening a .txt file fills the text box", ok)
            except Failed as e:
                res.check(f"{label}: opening a .txt file fills the text box", False, str(e))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    # Start from an empty map so that nothing shown before can pass for the answer.
    driver.execute_script("window.mentionmap.render({type: 'FeatureCollection', features: []});")
    driver.execute_script("var t = document.getElementById('mm-text'); t.value = arguments[0];"
                          "t.dispatchEvent(new Event('input'));", article)

    def press_map(what):
        driver.find_element(By.ID, "mm-map-btn").click()
        wait_for(driver, "var b = document.getElementById('mm-map-btn'), s = document.getElementById('mm-status');"
                 "return !b.disabled && !s.classList.contains('mm-status-busy')", 120, what)
        return driver.execute_script("var s = document.getElementById('mm-status');"
                                     "return [s.className, s.innerText]")

    try:
        cls, status = press_map("the answer of api/map")
        if res.check(f"{label}: Map button maps the text", "mm-status-error" not in cls and "Found" in status,
                     status):
            res.check(f"{label}: Aleppo marker after Map", bool(marker_info(driver, "Aleppo")))
            res.check(f"{label}: Handarat marker after Map", bool(marker_info(driver, "Handarat")))
            n = driver.execute_script("return document.querySelectorAll('#mm-place-list .mm-place').length")
            res.check(f"{label}: place list filled after Map", n >= 2, f"{n} entries")
            # A second run replaces the data rather than adding to it.
            before = driver.execute_script("return document.querySelectorAll('path.mm-marker').length")
            press_map("the second answer of api/map")
            after = driver.execute_script("return document.querySelectorAll('path.mm-marker').length")
            res.check(f"{label}: mapping again replaces the markers", before == after, f"{before} then {after}")
            click_marker(driver, "Aleppo")
            text = popup_text(driver, "Aleppo")
            res.check(f"{label}: Aleppo popup after Map", "Aleppo" in text, text[:200])
    except Failed as e:
        res.check(f"{label}: Map button maps the text", False, str(e))
    if screenshot:
        save_shot(driver, screenshot)
    driver.execute_script("window.mentionmap.map.closePopup(); "
                          "window.mentionmap.map.setView([35, 38.5], 6, {animate: false});")
    try:
        wait_for(driver, "return window.MENTIONMAP_ADMIN1 && document.querySelectorAll('path.mm-admin1').length",
                 15, "basemap/admin1.js")
        res.check(f"{label}: province lines loaded when zoomed in", admin1_paths(driver)[0] >= 1)
    except Failed as e:
        res.check(f"{label}: province lines loaded when zoomed in", False, str(e))
    ext = external_requests(driver)
    res.check(f"{label}: nothing loaded from other hosts", not ext, repr(ext[:5]))
    errs = [e for e in console_errors(driver) if "api/map" not in e]  # the 4xx of the error check
    res.check(f"{label}: no errors in the console", not errs, repr(errs[:5]))


XSS = '<img src=x onerror="window.__mmXss=(window.__mmXss||0)+1">'
XSS_SCRIPT = '<script>window.__mmXss=(window.__mmXss||0)+1</script>'


def hostile_collection():
    """A FeatureCollection whose every string (and a count) is markup that runs
    script if it reaches the DOM unescaped (issue #16 item 5)."""
    def props(name, layer):
        return {"name": name, "gazetteer_name": XSS, "geonameid": XSS, "layer": layer,
                "feature_code": XSS, "country_code": XSS, "admin1": XSS_SCRIPT, "population": XSS,
                "confidence": XSS, "method": "relative", "uncertainty_km": XSS, "anchor": XSS,
                "mention_count": XSS, "doc_count": XSS, "docs": [{"id": XSS, "title": XSS, "date": XSS,
                                                                  "snippet": XSS}],
                "mentions": [{"text": XSS, "kind": XSS, "snippet": "before " + XSS + " after"}]}
    return {"type": "FeatureCollection",
            "metadata": {"title": XSS, "generator": XSS, "attribution": [XSS, XSS_SCRIPT], "source": XSS},
            "features": [
                {"type": "Feature", "id": XSS, "geometry": {"type": "Point", "coordinates": [37.16, 36.2]},
                 "properties": props("Hostile " + XSS, XSS)},
                {"type": "Feature", "id": 2, "geometry": {"type": "Point", "coordinates": [38.0, 35.0]},
                 "properties": props(XSS_SCRIPT, "cities")}]}


def check_hostile(driver, res, url, label):
    """Markup in any property of a GeoJSON opened on the page stays text: no
    script runs from the list, the tooltips, the popups or the header."""
    from selenium.webdriver.common.by import By
    print(f"[{label}] {url}")
    driver.get(url)
    wait_for(driver, "return document.body && document.body.getAttribute('data-mm-ready') === '1'",
             20, "the page to render")
    tmp = tempfile.mkdtemp(prefix="mm-hostile-")
    try:
        path = os.path.join(tmp, "hostile.geojson")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(hostile_collection(), f)
        driver.find_element(By.ID, "mm-file").send_keys(path)
        try:
            wait_for(driver, "return document.querySelectorAll('#mm-place-list .mm-place').length === 2", 10,
                     "the hostile file's places")
        except Failed as e:
            res.check(f"{label}: the hostile file is shown", False, str(e))
            return
        # Hover and open every marker: tooltips and popups are built lazily.
        driver.execute_script("""
            var ps = window.mentionmap._markers();
            ps.forEach(function (m) { m.openTooltip(); m.openPopup(); m.closePopup(); });
            var ls = document.querySelectorAll('#mm-place-list .mm-place');
            for (var i = 0; i < ls.length; i++) ls[i].click();""")
        time.sleep(1.0)
        fired = driver.execute_script("return window.__mmXss || 0")
        res.check(f"{label}: no script from hostile property values runs", fired == 0, f"{fired} ran")
        injected = driver.execute_script(
            "return document.querySelectorAll('#mm-app img, #mm-app script, .leaflet-popup img, "
            ".leaflet-tooltip img, .leaflet-tooltip script').length")
        res.check(f"{label}: no element made from property values", injected == 0, f"{injected} elements")
        text = driver.execute_script("return document.getElementById('mm-place-list').innerText")
        res.check(f"{label}: hostile names shown as text", "<img src=x" in text and "<script>" in text, text[:200])
        counts = driver.execute_script(
            "return Array.prototype.map.call(document.querySelectorAll('.mm-place-n'), "
            "function (e) { return e.textContent; })")
        res.check(f"{label}: a non-numeric mention_count falls back to the mentions listed",
                  counts == ["1", "1"], repr(counts))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def check_corpus_upload(driver, res, url, label):
    """Against a real server: a .jsonl opened on the page is aggregated by
    api/aggregate and shown as a corpus map."""
    from selenium.webdriver.common.by import By
    print(f"[{label}] {url}")
    driver.get(url)
    wait_for(driver, "return document.body && document.body.getAttribute('data-mm-ready') === '1'",
             20, "the page to render")
    tmp = tempfile.mkdtemp(prefix="mm-corpus-")
    try:
        path = os.path.join(tmp, "docs.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            for i, text in enumerate([ARTICLE, "Talks in Moscow and Geneva.", "Snow in Moscow."]):
                f.write(json.dumps({"id": f"d{i}", "date": f"2016-12-0{i + 1}", "text": text}) + "\n")
            f.write("not json\n")
        driver.find_element(By.ID, "mm-file").send_keys(path)
        try:
            wait_for(driver, "return !document.getElementById('mm-corpus').hidden && "
                     "document.querySelector('path.mm-marker[data-name=\"Moscow\"]')", 60, "the corpus map")
        except Failed as e:
            res.check(f"{label}: an opened .jsonl is mapped as a corpus", False, str(e))
            return
        status = driver.execute_script("return document.getElementById('mm-status').innerText")
        res.check(f"{label}: an opened .jsonl is mapped as a corpus", "3 documents" in status, status)
        res.check(f"{label}: the bad line is reported", "1 bad line" in status and ":4" in status, status)
        moscow = driver.execute_script(
            "var li = document.querySelector('#mm-place-list .mm-place[data-name=\"Moscow\"] .mm-place-n');"
            "return li ? li.textContent : null")
        res.check(f"{label}: Moscow counted in its 3 documents", moscow == "3", repr(moscow))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def badges(driver):
    """[count, left, top, right, bottom] of each "+N" badge, biggest count first."""
    out = driver.execute_script("""
        return Array.prototype.map.call(document.querySelectorAll('.mm-cluster'), function (e) {
          var r = e.getBoundingClientRect();
          return [Number(e.getAttribute('data-count')), r.left, r.top, r.right, r.bottom];
        });""")
    return sorted(out, key=lambda b: -b[0])


def check_clusters(driver, res, label):
    """At world zoom a dense corpus map groups its big stacks behind "+N" badges
    (the hidden markers are the badges' counts, no two badges overlap) instead
    of fanning them into clouds; a badge's click zooms in and splits it."""
    driver.execute_script("window.mentionmap.map.closePopup(); "
                          "window.mentionmap.map.setView([30, 10], 2, {animate: false});")
    time.sleep(1.0)
    bs = badges(driver)
    hidden = driver.execute_script(
        "return [Number(document.body.getAttribute('data-mm-clustered')),"
        " Array.prototype.filter.call(document.querySelectorAll('path.mm-marker.mm-clustered'),"
        " function (e) { return getComputedStyle(e).display === 'none'; }).length,"
        " Number(document.body.getAttribute('data-mm-spread'))]")
    res.check(f"{label}: stacks grouped behind badges at world zoom",
              len(bs) >= 3 and sum(b[0] for b in bs) == hidden[0] == hidden[1] > 0,
              f"{len(bs)} badges for {sum(b[0] for b in bs)} places; hidden {hidden}")
    res.check(f"{label}: few markers fanned out at world zoom", hidden[2] <= 20, f"{hidden[2]} moved")
    clash = [(a[0], b[0]) for i, a in enumerate(bs) for b in bs[i + 1:]
             if a[1] < b[3] and a[3] > b[1] and a[2] < b[4] and a[4] > b[2]]
    res.check(f"{label}: no badge over another", not clash, repr(clash[:5]))
    save_shot(driver, f"{label}-world.png")
    if not bs:
        return
    z0 = driver.execute_script("return window.mentionmap.map.getZoom()")
    el = driver.execute_script(
        "var best = null; document.querySelectorAll('.mm-cluster').forEach(function (e) {"
        " if (!best || Number(e.getAttribute('data-count')) > Number(best.getAttribute('data-count'))) best = e; });"
        " return best;")
    el.click()
    time.sleep(1.5)
    z1 = driver.execute_script("return window.mentionmap.map.getZoom()")
    after = badges(driver)
    res.check(f"{label}: a badge's click zooms in and splits its stack",
              z1 > z0 and (not after or after[0][0] < bs[0][0]),
              f"zoom {z0} -> {z1}, biggest badge {bs[0][0]} -> {after[0][0] if after else None}")


def check_corpus(driver, res, path, label, expect_docs):
    """A corpus map (`map --jsonl docs.jsonl --html`): its size, load time,
    markers sized by documents, a popup listing documents, and the document and
    date filters changing what is shown."""
    from selenium.webdriver.common.by import By
    size = os.path.getsize(path)
    print(f"[{label}] {path} ({size / 1e6:.2f} MB)")
    started = time.time()
    driver.get("file://" + urllib.parse.quote(os.path.abspath(path)))
    wait_for(driver, "return document.body && document.body.getAttribute('data-mm-ready') === '1'",
             60, "the corpus page to render")
    load_s = time.time() - started
    nav = driver.execute_script(
        "var t = performance.timing; return t.domContentLoadedEventEnd - t.navigationStart")
    print(f"  corpus page: {size} bytes, ready after {load_s:.2f} s (DOMContentLoaded {nav} ms)")
    n = int(driver.execute_script("return Number(document.body.getAttribute('data-mm-places'))"))
    res.check(f"{label}: places drawn", n >= 10, f"{n} places")
    res.check(f"{label}: corpus filters shown",
              driver.execute_script("return !document.getElementById('mm-corpus').hidden"))
    total = driver.execute_script("return document.getElementById('mm-doc-count').textContent")
    res.check(f"{label}: document count", total == str(expect_docs), repr(total))
    top = driver.execute_script("""
        var li = document.querySelector('#mm-place-list .mm-place');
        return li ? [li.getAttribute('data-name'), li.querySelector('.mm-place-n').textContent,
                     li.querySelector('.mm-place-n').title] : null;""")
    res.check(f"{label}: the list is ranked by documents", bool(top) and top[2] == "documents" and int(top[1]) > 1,
              repr(top))
    check_clusters(driver, res, label)
    # The first place's popup lists documents with a button to filter to one.
    driver.execute_script("window.mentionmap.focus(arguments[0])", top[0])
    text = popup_text(driver, top[0])
    res.check(f"{label}: popup lists documents", "documents" in text.lower() and "only this document" in text, text[:200])
    save_shot(driver, f"{label}.png")
    btn = driver.execute_script("return document.querySelector('.leaflet-popup-content .mm-doc-only')")
    if res.check(f"{label}: popup has a document button", btn is not None):
        btn.click()
        time.sleep(0.5)
        one = driver.execute_script("return document.getElementById('mm-doc-count').textContent")
        m = int(driver.execute_script("return Number(document.body.getAttribute('data-mm-places'))"))
        res.check(f"{label}: 'only this document' filters to one document", one.startswith("1 of"), one)
        res.check(f"{label}: ...and shows fewer places", 0 < m < n, f"{m} of {n}")
    # Date filter: a window of the corpus's dates shows fewer documents.
    dated = driver.execute_script("return !document.getElementById('mm-dates').hidden")
    res.check(f"{label}: date filter shown for dated documents", dated)
    if dated:
        driver.execute_script("""
            document.getElementById('mm-doc-filter').value = '';
            var f = document.getElementById('mm-date-from'), t = document.getElementById('mm-date-to');
            f.value = f.min; t.value = f.min;
            t.dispatchEvent(new Event('change'));""")
        time.sleep(0.5)
        cnt = driver.execute_script("return document.getElementById('mm-doc-count').textContent")
        m = int(driver.execute_script("return Number(document.body.getAttribute('data-mm-places'))"))
        parts = cnt.split(" of ")
        res.check(f"{label}: a one-day window keeps that day's documents",
                  len(parts) == 2 and 0 < int(parts[0]) < int(parts[1]) and 0 < m <= n, f"{cnt}, {m} places")
        save_shot(driver, f"{label}-one-day.png")
    errs = console_errors(driver)
    res.check(f"{label}: no errors in the console", not errs, repr(errs[:5]))
    return size, load_s


def save_shot(driver, name):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name)
    driver.save_screenshot(path)
    print(f"  screenshot {os.path.relpath(path, REPO)}")


# -------------------------------------------------------------- stub server

def make_handler(web_dir, sample_path, selfcontained_path):
    with open(sample_path, "rb") as f:
        sample = f.read()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw):
            super().__init__(*a, directory=web_dir, **kw)

        def log_message(self, *a):
            pass

        def do_GET(self):
            if urllib.parse.urlsplit(self.path).path.startswith("/tile/"):
                # A stand-in tile server for ?tiles=: any tile is Leaflet's layers icon.
                with open(os.path.join(web_dir, "vendor", "leaflet", "images", "layers.png"), "rb") as f:
                    return self._send(200, "image/png", f.read())
            if urllib.parse.urlsplit(self.path).path == "/sample.html":
                with open(selfcontained_path, "rb") as f:
                    body = f.read()
                return self._send(200, "text/html; charset=utf-8", body)
            return super().do_GET()

        def do_POST(self):
            if urllib.parse.urlsplit(self.path).path != "/api/map":
                return self._send(404, "application/json", b'{"error":"not found"}')
            n = int(self.headers.get("Content-Length") or 0)
            try:
                req = json.loads(self.rfile.read(n) or b"{}")
                text = req["text"]
            except Exception:
                return self._send(400, "application/json", b'{"error":"expected {\\"text\\": ...}"}')
            if ERROR_TEXT in text:
                return self._send(422, "application/json", b'{"error":"test error: <no places>"}')
            return self._send(200, "application/geo+json", sample)

        def _send(self, code, ctype, body):
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

    return Handler


@contextlib.contextmanager
def stub_server(selfcontained_path):
    handler = make_handler(WEB, os.path.join(WEB, "sample.geojson"), selfcontained_path)
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}/"
    finally:
        srv.shutdown()
        srv.server_close()


# --------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description="Browser test of the mentionmap map page.")
    ap.add_argument("--url", help="a server serving the page and api/map")
    ap.add_argument("--file", help="a self-contained HTML file with embedded data")
    ap.add_argument("--error-text", help="with --url: a text for which api/map answers a JSON error")
    ap.add_argument("--article", help="with --url: a text file to paste and map (default: a short excerpt)")
    ap.add_argument("--corpus", help="a corpus map (map --jsonl X --html PATH) to check; repeatable as "
                    "PATH:DOCS (the expected document count)", action="append", default=[])
    args = ap.parse_args()

    os.makedirs(OUT, exist_ok=True)
    res = Results()
    driver, profile = start_browser()
    try:
        if args.url or args.file:
            if args.url:
                driver.get(args.url)
                wait_for(driver, "return document.body && document.body.getAttribute('data-mm-ready') === '1'",
                         20, "the page at --url to render")
                has_data = int(driver.execute_script("return Number(document.body.getAttribute('data-mm-places'))"))
                if has_data:
                    check_embedded(driver, res, args.url, "url", None, "map.png")
                else:
                    article = ARTICLE
                    if args.article:
                        with open(args.article, encoding="utf-8") as f:
                            article = f.read()
                    check_api(driver, res, args.url, "url", "map-served.png", args.error_text, local_files=True,
                              article=article)
                    check_corpus_upload(driver, res, args.url, "url-corpus")
            if args.file:
                path = os.path.abspath(args.file)
                if not os.path.exists(path):
                    raise SystemExit(f"--file {args.file}: no such file")
                check_embedded(driver, res, "file://" + urllib.parse.quote(path), "file", True,
                               "map-file.png" if args.url else "map.png")
        else:
            sc = os.path.join(OUT, "sample-map.html")
            with open(os.path.join(WEB, "sample.geojson"), encoding="utf-8") as f:
                html = make_selfcontained.build(json.load(f))
            with open(sc, "w", encoding="utf-8") as f:
                f.write(html)
            print(f"built {os.path.relpath(sc, REPO)} ({len(html.encode())} bytes)")
            with stub_server(sc) as base:
                check_embedded(driver, res, base + "sample.html", "embedded/http", False, "map.png")
                check_api(driver, res, base, "api", "map-api.png", ERROR_TEXT, local_files=True)
                check_hostile(driver, res, base, "hostile")
                check_tiles(driver, res, base, "tiles")
            check_embedded(driver, res, "file://" + urllib.parse.quote(sc), "embedded/file", True,
                           "map-file.png")
        for i, spec in enumerate(args.corpus):
            path, _, docs = spec.rpartition(":")
            check_corpus(driver, res, path, f"corpus{i + 1}", int(docs))
    except Failed as e:
        res.failed.append(str(e))
        print(f"  FAIL  {e}")
    except Exception as e:  # a crash is a failure with its trace
        traceback.print_exc()
        res.failed.append(f"unexpected {type(e).__name__}: {e}")
    finally:
        with contextlib.suppress(Exception):
            driver.quit()
        shutil.rmtree(profile, ignore_errors=True)

    print()
    if res.failed:
        print("map page test FAILED:", file=sys.stderr)
        for f in res.failed:
            print(f"  - {f}", file=sys.stderr)
    print(f"browser: {res.passed} passed, {len(res.failed)} failed")
    return 1 if res.failed else 0


if __name__ == "__main__":
    sys.exit(main())
