#!/usr/bin/env python3
"""Build web/basemap/countries.js, the offline basemap of the map page.

Source: the npm package @geo-maps/countries-land-10km@0.6.0 (country land
outlines derived from OpenStreetMap; data ODbL 1.0, package code MIT).
The package is fetched with `npm pack` (unless --src points at an unpacked
map.geo.json), the outlines are simplified with Douglas-Peucker arc by arc
(shared borders once, so neighbours still meet), tiny islands are dropped,
coordinates are rounded, and the result is written as

    window.MENTIONMAP_BASEMAP = {...GeoJSON FeatureCollection...};

so that the page can load it from file:// with a plain <script> tag.

Standard library only.  Usage:

    python3 web/tools/make_basemap.py                 # npm pack + build
    python3 web/tools/make_basemap.py --src /path/to/map.geo.json
    python3 web/tools/make_basemap.py --tolerance 0.05 --out web/basemap/countries.js
"""

import argparse
import json
import math
import os
import subprocess
import sys
import tarfile
import tempfile

PACKAGE = "@geo-maps/countries-land-10km"
VERSION = "0.6.0"
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.normpath(os.path.join(HERE, "..", "basemap", "countries.js"))


def fetch_package(workdir):
    """npm pack the pinned package into workdir and return the path of map.geo.json."""
    spec = f"{PACKAGE}@{VERSION}"
    out = subprocess.run(
        ["npm", "pack", spec, "--silent", "--pack-destination", workdir],
        check=True, capture_output=True, text=True,
    ).stdout.strip().splitlines()
    tgz = os.path.join(workdir, out[-1].strip())
    with tarfile.open(tgz, "r:gz") as tf:
        member = tf.getmember("package/map.geo.json")
        tf.extract(member, workdir)
    return os.path.join(workdir, "package", "map.geo.json")


def _perp_dist(p, a, b):
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return math.hypot(x - x1, y - y1)
    t = ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)
    t = max(0.0, min(1.0, t))
    return math.hypot(x - (x1 + t * dx), y - (y1 + t * dy))


def douglas_peucker(points, tol):
    """Iterative Douglas-Peucker on an open polyline; keeps both end points."""
    n = len(points)
    if n < 3:
        return list(points)
    keep = [False] * n
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        i, j = stack.pop()
        if j <= i + 1:
            continue
        a, b = points[i], points[j]
        best, idx = -1.0, -1
        for k in range(i + 1, j):
            d = _perp_dist(points[k], a, b)
            if d > best:
                best, idx = d, k
        if best > tol:
            keep[idx] = True
            stack.append((i, idx))
            stack.append((idx, j))
    return [p for p, k in zip(points, keep) if k]


def ring_area(ring):
    """Planar (degree^2) shoelace area, absolute."""
    s = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        s += x1 * y2 - x2 * y1
    return abs(s) / 2.0


def simplify_ring(ring, tol, digits):
    if len(ring) < 4:
        return None
    # Split the closed ring at the point farthest from the start so that
    # Douglas-Peucker has two real end points to anchor.
    start = ring[0]
    far = max(range(len(ring)), key=lambda k: math.hypot(ring[k][0] - start[0], ring[k][1] - start[1]))
    if far == 0:
        return None
    left = douglas_peucker(ring[: far + 1], tol)
    right = douglas_peucker(ring[far:], tol)
    out = left[:-1] + right
    rounded = []
    for x, y in out:
        p = [round(x, digits), round(y, digits)]
        if not rounded or rounded[-1] != p:
            rounded.append(p)
    if rounded[0] != rounded[-1]:
        rounded.append(rounded[0])
    if len(rounded) < 4:
        return None
    return rounded


class ArcSimplifier:
    """Simplifies rings so that a border two countries share is simplified
    once, the same way for both: rings are cut into arcs at junctions
    (vertices where the set of rings through a vertex changes), each arc is
    simplified with its end points fixed, and shared arcs come from a cache.
    This keeps neighbouring outlines free of slivers and gaps."""

    def __init__(self, rings, tol):
        self.tol = tol
        self.cache = {}
        owners = {}
        for rid, ring in enumerate(rings):
            for p in ring[:-1]:
                owners.setdefault(tuple(p), set()).add(rid)
        self.junctions = set()
        for ring in rings:
            pts = [tuple(p) for p in ring[:-1]]
            n = len(pts)
            for i, p in enumerate(pts):
                o = owners[p]
                if len(o) > 2 or o != owners[pts[i - 1]] or o != owners[pts[(i + 1) % n]]:
                    self.junctions.add(p)

    def _arc(self, arc):
        fwd = tuple(arc)
        rev = fwd[::-1]
        key, flipped = (fwd, False) if fwd <= rev else (rev, True)
        out = self.cache.get(key)
        if out is None:
            out = douglas_peucker(list(key), self.tol)
            self.cache[key] = out
        return out[::-1] if flipped else out

    def ring(self, ring, digits):
        pts = [tuple(p) for p in ring[:-1]]
        cut = [i for i, p in enumerate(pts) if p in self.junctions]
        if not cut:
            return simplify_ring(ring, self.tol, digits)
        out = []
        for k, i in enumerate(cut):
            j = cut[(k + 1) % len(cut)]
            arc = pts[i:j + 1] if j > i else pts[i:] + pts[:j + 1]
            out.extend(self._arc(arc)[:-1])
        rounded = []
        for x, y in out:
            p = [round(x, digits), round(y, digits)]
            if not rounded or rounded[-1] != p:
                rounded.append(p)
        if len(rounded) < 3:
            return None
        rounded.append(rounded[0])
        return rounded


def simplify_polygon(rings, simp, min_area, digits):
    outer = simp.ring(rings[0], digits)
    if outer is None or ring_area(outer) < min_area:
        return None
    holes = []
    for hole in rings[1:]:
        h = simp.ring(hole, digits)
        if h is not None and ring_area(h) >= min_area:
            holes.append(h)
    return [outer] + holes


def polygons_of(feat):
    geom = feat.get("geometry") or {}
    if geom.get("type") == "Polygon":
        return [geom["coordinates"]]
    if geom.get("type") == "MultiPolygon":
        return geom["coordinates"]
    return []


def simplify_feature(feat, simp, min_area, digits):
    polys = polygons_of(feat)
    if not polys:
        return None
    out = []
    for rings in polys:
        p = simplify_polygon(rings, simp, min_area, digits)
        if p is not None:
            out.append(p)
    if not out:
        # Keep at least the largest piece so small countries stay visible.
        largest = max(polys, key=lambda r: ring_area(r[0]))
        p = simplify_polygon(largest, simp, 0.0, digits)
        if p is None:
            return None
        out = [p]
    props = feat.get("properties") or {}
    new_geom = {"type": "Polygon", "coordinates": out[0]} if len(out) == 1 else {
        "type": "MultiPolygon", "coordinates": out}
    return {"type": "Feature", "properties": {"a3": props.get("A3")}, "geometry": new_geom}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--src", help="an unpacked map.geo.json (default: npm pack the pinned package)")
    ap.add_argument("--out", default=DEFAULT_OUT, help="output .js file (default: web/basemap/countries.js)")
    ap.add_argument("--tolerance", type=float, default=0.05, help="Douglas-Peucker tolerance in degrees")
    ap.add_argument("--min-area", type=float, default=0.05, help="drop rings smaller than this (deg^2)")
    ap.add_argument("--digits", type=int, default=2, help="decimal places kept in coordinates")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        src = args.src or fetch_package(tmp)
        with open(src, encoding="utf-8") as f:
            data = json.load(f)

    all_rings = [ring for feat in data["features"] for poly in polygons_of(feat) for ring in poly]
    simp = ArcSimplifier(all_rings, args.tolerance)
    feats = []
    for feat in data["features"]:
        s = simplify_feature(feat, simp, args.min_area, args.digits)
        if s is not None:
            feats.append(s)
    feats.sort(key=lambda f: f["properties"]["a3"] or "")
    fc = {
        "type": "FeatureCollection",
        "metadata": {
            "source": f"npm {PACKAGE}@{VERSION} (simplified by web/tools/make_basemap.py, "
                      f"tolerance {args.tolerance} deg)",
            "attribution": "Country outlines \u00a9 OpenStreetMap contributors (ODbL 1.0), "
                           "via geo-maps by Simone Primarosa",
        },
        "features": feats,
    }
    body = json.dumps(fc, separators=(",", ":"), ensure_ascii=True)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("/* Generated by web/tools/make_basemap.py from npm "
                f"{PACKAGE}@{VERSION}. Data: (c) OpenStreetMap contributors, ODbL 1.0. Do not edit. */\n")
        f.write("window.MENTIONMAP_BASEMAP = ")
        f.write(body)
        f.write(";\n")
    size = os.path.getsize(args.out)
    npts = body.count("],[") + len(feats)
    print(f"wrote {args.out}: {len(feats)} countries, ~{npts} points, {size} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
