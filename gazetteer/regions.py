"""Member-defined regions and name forms for the bundled gazetteer (used by build.py).

* `regions.tsv` (hand-written, next to this file) lists regions defined by their member
  countries: the Middle East, West Africa, the Balkans, the European Union ... Each
  becomes an `area` row at the centroid of its members' land.
* Continents get their English adjectives as demonyms (a fact of the language, not of
  any corpus): "European" names Europe as "Syrian" names Syria.
* Plural demonyms ("Russians", "Palestinians", "Americans") come from a spelling rule
  applied to every demonym the bundle holds.
"""

from __future__ import annotations

import re
from pathlib import Path

SYNTH_REGION_BASE = 9_400_000_000  # + row number in regions.tsv

# English adjectives of the continents, by GeoNames continent code.
CONTINENT_DEMONYMS = {
    "AF": ["African"], "AS": ["Asian"], "EU": ["European"],
    "NA": ["North American"], "SA": ["South American"], "OC": ["Oceanian"],
}

# Demonyms whose plural is the word itself (English adds no -s after a sibilant or
# "-ese": the Swiss, the French, the Chinese).
NO_PLURAL = re.compile(r"(?:s|sh|ch|x|z|ese)$")


def plural(demonym: str) -> str | None:
    """'Russian' -> 'Russians', 'Iraqi' -> 'Iraqis'; None when the plural is the same
    word ('French', 'Chinese', 'Swiss') or the demonym is a phrase with 'or'/'and'."""
    if NO_PLURAL.search(demonym) or re.search(r"\b(?:or|and)\b", demonym) or "," in demonym:
        return None
    return demonym + "s"


def add_plural_demonyms(rows: list[dict], taken: set[str], fold, notes: dict) -> None:
    """Appends the plural of each demonym, unless that spelling already names something."""
    added = 0
    for r in rows:
        extra = []
        for d in r["demonyms"]:
            p = plural(d)
            if p and fold(p) not in taken:
                extra.append(p)
        if extra:
            r["demonyms"] = list(dict.fromkeys(r["demonyms"] + extra))
            added += len(extra)
    notes["plural_demonyms_added"] = added


# A demonym that several countries share is dropped from those with less than this
# share of the most populous holder's population: world-countries gives "American" to
# the Northern Mariana Islands (57,000 people) as to the United States, "Dominican"
# to Dominica as to the Dominican Republic; in text the word means the larger one.
SHARED_DEMONYM_MIN_SHARE = 0.01


def drop_minor_shared_demonyms(countries: list[dict], notes: dict) -> None:
    holders: dict[str, list[dict]] = {}
    for r in countries:
        for d in r["demonyms"]:
            holders.setdefault(d, []).append(r)
    dropped = []
    for d, rs in sorted(holders.items()):
        if len(rs) < 2:
            continue
        top = max(r["population"] for r in rs)
        for r in rs:
            if r["population"] < SHARED_DEMONYM_MIN_SHARE * top:
                r["demonyms"] = [x for x in r["demonyms"] if x != d]
                dropped.append(f"{r['country_code']} {d}")
    notes["shared_demonyms_dropped"] = dropped


def add_abbreviations(path: Path, countries: list[dict], admin1: list[dict], notes: dict) -> None:
    """Adds the abbreviations of `abbreviations.tsv` to the rows its codes name."""
    by_code = {r["country_code"]: r for r in countries}
    by_code.update({f"{r['country_code']}.{r['admin1']}": r for r in admin1})
    n = 0
    for t in read_table(path):
        r = by_code.get(t["code"])
        if r is None:
            raise SystemExit(f"{path}: no country or admin1 row has code {t['code']}")
        extra = [a for a in t["abbreviations"].split("|") if a]
        r["abbreviations"] = list(dict.fromkeys(r["abbreviations"] + extra))
        n += len(extra)
    notes["abbreviations_added"] = n


def read_table(path: Path) -> list[dict]:
    rows = []
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines()
             if ln.strip() and not ln.startswith("#")]
    header = lines[0].split("\t")
    for ln in lines[1:]:
        cols = ln.split("\t")
        if len(cols) != len(header):
            raise SystemExit(f"{path}: bad row {ln!r}")
        rows.append(dict(zip(header, cols)))
    return rows


def member_codes(spec: str, continent_of: dict[str, str]) -> list[str]:
    out = []
    for tok in spec.split():
        if tok.startswith("continent:"):
            want = tok.split(":", 1)[1]
            out.extend(sorted(cc for cc, k in continent_of.items() if k == want))
        else:
            out.append(tok)
    return list(dict.fromkeys(out))


# A member's polygon counts towards a region when its centroid lies within this many
# km of the member's largest polygon: nearby islands (Sicily, Crete) count, overseas
# territories (French Guiana for France, the Canaries for Spain) do not, since they
# are not what "the European Union" or "West Africa" points at.
HOME_RADIUS_KM = 1500.0


def land_centroid(codes: list[str], polygons_of, polygon_centroid, distance_km):
    """Area-weighted centroid (lat, lon) of the members' home polygons, and the members
    that have no polygon (skipped)."""
    tot = sx = sy = 0.0
    missing = []
    for cc in codes:
        parts = [polygon_centroid(rings) for rings in polygons_of(cc)]
        parts = [p for p in parts if p[1] is not None]
        if not parts:
            missing.append(cc)
            continue
        _, hlon, hlat = max(parts, key=lambda p: p[0])
        for area, lon, lat in parts:
            if distance_km(hlat, hlon, lat, lon) > HOME_RADIUS_KM:
                continue
            tot += area
            sx += area * lon
            sy += area * lat
    if tot <= 0:
        return None, missing
    return (sy / tot, sx / tot), missing


def region_row(n: int, t: dict, point) -> dict:
    names = [s for s in t["names"].split("|") if s]
    return {
        "id": SYNTH_REGION_BASE + n, "name": t["name"], "kind": "area",
        "feature_code": "RGN", "country_code": "", "admin1": "", "population": 0,
        "lat": point[0], "lon": point[1],
        "names": [s for s in names if s != t["name"]],
        "abbreviations": [], "demonyms": [s for s in t["demonyms"].split("|") if s],
    }


def division_point(codes: list[str], admin1_points: dict) -> tuple[float, float]:
    """Mean point of first-level divisions (Darfur = its five states)."""
    pts = [admin1_points[c] for c in codes]
    return sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts)


def build_regions(path: Path, continent_of, polygons_of, polygon_centroid, distance_km,
                  admin1_points: dict, notes) -> list[dict]:
    rows = []
    for n, t in enumerate(read_table(path), start=1):
        codes = member_codes(t["members"], continent_of)
        if all("." in c for c in codes):
            unknown = [c for c in codes if c not in admin1_points]
            if unknown:
                raise SystemExit(f"{path}: {t['name']}: unknown admin1 codes {unknown}")
            rows.append(region_row(n, t, division_point(codes, admin1_points)))
            continue
        unknown = [c for c in codes if c not in continent_of]
        if unknown:
            raise SystemExit(f"{path}: {t['name']}: unknown country codes {unknown}")
        point, missing = land_centroid(codes, polygons_of, polygon_centroid, distance_km)
        if point is None:
            raise SystemExit(f"{path}: {t['name']}: no member has a polygon")
        if missing:
            notes.setdefault("regions_members_without_polygon", []).append(
                f"{t['name']}: {' '.join(missing)}")
        rows.append(region_row(n, t, point))
    # Abbreviations are told apart from names as everywhere in the bundle.
    for r in rows:
        ab = [s for s in r["names"] if re.fullmatch(r"(?:[A-Z]{2,5}|(?:[A-Z]\.){2,6})", s)]
        r["names"] = [s for s in r["names"] if s not in ab]
        r["abbreviations"] = ab
    return rows
