#!/usr/bin/env python3
"""Make a self-contained map page: web/index.html with every asset and a
GeoJSON FeatureCollection inlined, following the marker comments documented
in web/README.md.  For the browser test (and as a reference for the Rust side).

    python3 tests/browser/make_selfcontained.py web/sample.geojson out.html
"""

import json
import os
import re
import sys

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
WEB = os.path.join(REPO, "web")

# (block name, how to inline, file under web/)
BLOCKS = [
    ("leaflet-css", "style", "vendor/leaflet/leaflet.css"),
    ("style-css", "style", "style.css"),
    ("leaflet-js", "script", "vendor/leaflet/leaflet.js"),
    ("basemap-js", "script", "basemap/countries.js"),
    ("labels-js", "script", "basemap/labels.js"),
    ("admin1-js", "script", "basemap/admin1.js"),
    ("data", "data", None),
    ("app-js", "script", "app.js"),
]


def script_safe_json(value):
    """JSON that can sit inside <script>...</script>: no '<' (so no '</script>'
    nor '<!--'), and no raw U+2028/U+2029."""
    s = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return s.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def replace_block(html, name, replacement):
    start, end = f"<!-- mentionmap:{name} -->", f"<!-- /mentionmap:{name} -->"
    i = html.find(start)
    j = html.find(end)
    if i < 0 or j < i or html.find(start, i + 1) >= 0:
        raise SystemExit(f"index.html: marker block {name!r} missing or repeated")
    return html[:i] + replacement + html[j + len(end):]


def build(collection, web_dir=WEB):
    with open(os.path.join(web_dir, "index.html"), encoding="utf-8") as f:
        html = f.read()
    for name, kind, path in BLOCKS:
        if kind == "data":
            rep = "<script>window.MENTIONMAP_DATA = " + script_safe_json(collection) + ";</script>"
        else:
            with open(os.path.join(web_dir, path), encoding="utf-8") as f:
                body = f.read()
            closing = "</" + kind
            if re.search(re.escape(closing), body, re.IGNORECASE):
                raise SystemExit(f"{path} contains {closing!r}; cannot inline it")
            rep = f"<{kind}>\n{body}\n</{kind}>"
        html = replace_block(html, name, rep)
    return html


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        fc = json.load(f)
    html = build(fc)
    os.makedirs(os.path.dirname(os.path.abspath(argv[2])), exist_ok=True)
    with open(argv[2], "w", encoding="utf-8") as f:
        f.write(html)
    print(f"wrote {argv[2]} ({len(html.encode())} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
