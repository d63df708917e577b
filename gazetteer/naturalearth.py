"""Natural Earth rows for the bundled gazetteer (used by build.py).

Reads `naturalearth/ne-10m-named-points.geojson.gz` (Natural Earth 1:10m named points,
public domain; see naturalearth/README.md) and turns it into gazetteer rows:

* physical features (kind `physical`): oceans, seas, gulfs, bays, straits, rivers,
  lakes, islands, ranges, mountains, deserts, plateaus, peninsulas, capes ...;
* informal regions (kind `area`): Natural Earth's "Geoarea" polygons (Jutland, Siberia,
  Anatolia, Darfur ...);
* first-level label points: each division is matched by country and name against the
  bundled admin1 rows.  A match gives that row a second candidate point (build.py
  decides which point it keeps); a division with no match becomes an `admin2` row
  (UK counties and unitary authorities, Philippine provinces, the former Kenyan
  provinces ...), placed in the admin1 region of its nearest cities500 places.

Names are normalised by rules, never by lists of names: all-caps names are written in
title case ("ARCTIC OCEAN" -> "Arctic Ocean"), Natural Earth's map abbreviations are
spelled out ("Unimak I." -> "Unimak Island", the abbreviated form is kept as an
alternate), "Aleppo (Halab)" gives the name and an alternate, a river "Neches" is
named "Neches River" with the bare name as an alternate, and an ocean that Natural
Earth splits into North and South parts also gets one row for the whole.
"""

from __future__ import annotations

import collections
import gzip
import json
import math
import re
import unicodedata
from pathlib import Path

# Synthetic id ranges (GeoNames ids stay below 9e9; build.py documents every range).
SYNTH_NE_FEATURE_BASE = 9_300_000_000   # + running number over physical/area rows
SYNTH_NE_DIVISION_BASE = 9_200_000_000  # + running number over new admin2 rows

# Natural Earth kind (featurecla, per source layer) -> (our kind, GeoNames feature code).
# Kinds not listed are left out: "Lake Centerline" repeats a river inside a lake,
# "Continent" is already in the bundle (GeoNames), "Dragons-be-here" is a joke label.
PHYSICAL_CODES = {
    "ocean": "OCN", "sea": "SEA", "gulf": "GULF", "bay": "BAY", "strait": "STRT",
    "channel": "CHN", "sound": "SD", "fjord": "FJD", "lagoon": "LGN", "inlet": "INLT",
    "reef": "RF", "river": "STM", "River": "STM",
    "Lake": "LK", "Alkaline Lake": "LKN", "Reservoir": "RSV",
    "Island": "ISL", "island": "ISL", "Island group": "ISLS", "island group": "ISLS",
    "Range/mtn": "MTS", "mountain": "MT", "pass": "PASS", "Desert": "DSRT",
    "Plateau": "PLAT", "plateau": "PLAT", "Plain": "PLN", "plain": "PLN",
    "Peninsula": "PEN", "Pen/cape": "PEN", "cape": "CAPE", "Basin": "BSN",
    "Delta": "DLTA", "Valley": "VAL", "Gorge": "GRGE", "Isthmus": "ISTH",
    "Lowland": "LWLD", "Tundra": "TUND", "Wetlands": "WTLD", "Depression": "DPR",
    "depression": "DPR", "Foothills": "HLLS", "Coast": "CST", "waterfall": "FLLS",
}
AREA_CODES = {"Geoarea": "RGN"}

# Natural Earth scaleranks run from 0 (shown on the smallest-scale map) to about 10;
# rivers ranked up to 7 keep their bare name as an alternate.
BARE_RIVER_MAX_RANK = 7

# Natural Earth's map abbreviations, spelled out (word -> full word).
ABBREVIATED_WORDS = {
    "I.": "Island", "Is.": "Islands", "Arch.": "Archipelago", "Mts.": "Mountains",
    "Mt.": "Mount", "Pen.": "Peninsula", "Pk.": "Peak", "C.": "Cape", "St.": "Saint",
    "G.": "Gulf", "L.": "Lake", "R.": "River", "Str.": "Strait", "N.": "North",
    "S.": "South", "E.": "East", "W.": "West",
}
# Lower-case words inside a title-cased name ("Bay of Bengal").
SMALL_WORDS = {"of", "the", "and", "de", "del", "la", "le", "des", "du", "da", "do"}
# Words that already say "river" (a bare river name gets " River" unless it has one).
RIVER_WORDS = {"river", "rio", "río", "rivière", "fleuve", "creek", "nahr", "wadi", "oued"}


def fold(s: str) -> str:
    """Case- and accent-insensitive key, as the Rust name index folds names."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", s.casefold().replace("-", " ")).strip()


# Generic words for a division that one source writes and another leaves out
# ("Gaza Province" / "Gaza", "Berea District" / "Berea"): dropped when matching names.
GENERIC_DIVISION_WORDS = {
    "province", "region", "governorate", "state", "district", "county", "oblast",
    "prefecture", "department", "municipality", "division", "territory", "parish",
    "emirate", "canton", "voivodeship", "krai", "kray", "republic", "of", "the",
    "autonomous", "city", "borough", "council", "area", "island", "islands",
}


def division_key(name: str) -> str:
    """A folded name without generic division words, for matching divisions across
    sources; the full folded name when nothing else would be left."""
    words = fold(name).split()
    kept = [w for w in words if w not in GENERIC_DIVISION_WORDS]
    return " ".join(kept) if kept else " ".join(words)


def title_case(s: str) -> str:
    """'BAY OF BENGAL' -> 'Bay of Bengal'; names with any lower-case letter are kept."""
    if any(c.islower() for c in s):
        return s
    words = s.lower().split(" ")
    return " ".join(w if (i > 0 and w in SMALL_WORDS) else w[:1].upper() + w[1:]
                    for i, w in enumerate(words))


def spell_out(s: str) -> str:
    return " ".join(ABBREVIATED_WORDS.get(w, w) for w in s.split(" "))


def name_forms(raw: str) -> tuple[str, list[str]]:
    """(name, alternates) of one Natural Earth name."""
    s = re.sub(r"\s+", " ", raw.replace("|", " ")).strip()
    alts = []
    m = re.fullmatch(r"(.+?) \((.+)\)", s)
    if m:
        s, inner = m.group(1), m.group(2)
        alts.append(inner)
    s = title_case(s)
    full = spell_out(s)
    if full != s:
        alts.append(s)
    return full, alts


def load(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return json.load(f)["features"]


def ocean_wholes(rows: list[dict]) -> list[dict]:
    """'North Pacific Ocean' + 'South Pacific Ocean' -> 'Pacific Ocean' at the midpoint
    of the two parts' points (the equator between them)."""
    parts = collections.defaultdict(list)
    for r in rows:
        m = re.fullmatch(r"(North|South) (.+ Ocean)", r["name"])
        if m and r["feature_code"] == "OCN":
            parts[m.group(2)].append(r)
    out = []
    for whole, rs in sorted(parts.items()):
        if len(rs) != 2:
            continue
        lat = sum(r["lat"] for r in rs) / 2
        lon = mean_lon([r["lon"] for r in rs])
        out.append({**rs[0], "name": whole, "lat": lat, "lon": lon, "names": []})
    return out


def mean_lon(lons: list[float]) -> float:
    """Mean of longitudes, taken on 0..360 when they straddle the antimeridian."""
    if max(lons) - min(lons) > 180:
        m = sum(x + 360 if x < 0 else x for x in lons) / len(lons)
        return m - 360 if m > 180 else m
    return sum(lons) / len(lons)


def bare_ocean_names(r: dict, taken: set[str], common: set[str]) -> list[str]:
    """'Pacific' for 'Pacific Ocean', unless the bare word is already a name, demonym
    or abbreviation in the bundle ('Indian') or a common English word ('Southern')."""
    m = re.fullmatch(r"(.+) Ocean", r["name"])
    if not m or r["feature_code"] != "OCN":
        return []
    bare = m.group(1)
    if fold(bare) in taken or bare.lower() in common or " " in bare:
        return []
    return [bare]


def features(ne: list[dict], taken: set[str], common: set[str], notes: dict) -> list[dict]:
    """Physical and area rows (ids assigned by the caller's order: see assign_ids)."""
    rows = []
    seen = set()
    stats = collections.Counter()
    for f in ne:
        p = f["properties"]
        src, kind = p["source"], p["kind"]
        if src == "ne_10m_admin_1_label_points":
            continue
        if kind in AREA_CODES:
            our, code = "area", AREA_CODES[kind]
        elif kind in PHYSICAL_CODES:
            our, code = "physical", PHYSICAL_CODES[kind]
        else:
            stats[f"skip_kind {kind}"] += 1
            continue
        name, alts = name_forms(p["name"])
        if not name or not any(c.isalpha() for c in name):
            continue
        for a in p.get("alt") or []:
            alts.append(title_case(re.sub(r"\s+", " ", a).strip()))
        if code == "STM" and not (set(fold(name).split()) & RIVER_WORDS):
            # The bare name ("Cauvery") only for the rivers Natural Earth ranks as
            # larger (scalerank <= BARE_RIVER_MAX_RANK) and never when it is a common
            # word ("Red"): a small river's bare name is more often something else
            # (the Ebola river and the disease).
            if p.get("scalerank", 99) <= BARE_RIVER_MAX_RANK and name.lower() not in common:
                alts.insert(0, name)
            name = f"{name} River"
        lon, lat = f["geometry"]["coordinates"][:2]
        key = (fold(name), code)
        if key in seen:
            # The same feature from two layers (an island as polygon and point): keep one.
            stats["skip_repeated"] += 1
            continue
        seen.add(key)
        stats[our] += 1
        rows.append({
            "id": None, "name": name, "kind": our, "feature_code": code,
            "country_code": "", "admin1": "", "population": 0,
            "lat": float(lat), "lon": float(lon),
            "names": [a for a in dict.fromkeys(alts) if a and a != name],
            "abbreviations": [], "demonyms": [],
            "_rank": p.get("scalerank", 9),
        })
    wholes = ocean_wholes(rows)
    rows.extend(wholes)
    for r in rows:
        extra = bare_ocean_names(r, taken, common)
        r["names"] = list(dict.fromkeys(r["names"] + extra))
    notes["naturalearth_feature_stats"] = dict(sorted(stats.items()))
    notes["naturalearth_oceans_joined"] = [r["name"] for r in wholes]
    return rows


def divisions(ne: list[dict]) -> list[dict]:
    """First-level label points, one entry per Natural Earth division code with every
    label point of the division ("points"): a division with islands has one per part
    (British Columbia has dozens, Queensland one on the Torres Strait islands)."""
    out = {}
    for f in ne:
        p = f["properties"]
        if p["source"] != "ne_10m_admin_1_label_points":
            continue
        cc = p.get("iso_a2") or ""
        if not re.fullmatch(r"[A-Z]{2}", cc) or "aggregation" in p["kind"]:
            continue
        code = p.get("adm1_code") or ""
        lon, lat = f["geometry"]["coordinates"][:2]
        if code in out:
            out[code]["points"].append((float(lat), float(lon)))
            continue
        name, alts = name_forms(p["name"])
        out[code] = {"code": code, "cc": cc, "name": name, "alts": alts,
                     "points": [(float(lat), float(lon))]}
    return [out[k] for k in sorted(out)]


def planar_km2(a, b) -> float:
    """Squared equirectangular distance (km^2) between two (lat, lon): enough to rank."""
    dx = (a[1] - b[1]) * math.cos(math.radians((a[0] + b[0]) / 2)) * 111.2
    dy = (a[0] - b[0]) * 111.2
    return dx * dx + dy * dy


def nearest_point(points, to):
    """The label point nearest to a region's other point: for a division with islands,
    the label of its main part lies near the middle of its places, the islands' at
    the edge."""
    return min(points, key=lambda q: planar_km2(q, to))


def medoid(points):
    """The label point with the least summed distance to the others (the main part's,
    when the division has none other to compare with)."""
    return min(points, key=lambda q: sum(planar_km2(q, o) ** 0.5 for o in points))


class NearestCities:
    """Nearest cities500 places to a point, within one country (1-degree grid)."""

    def __init__(self, cities: list[dict]):
        self.grid = collections.defaultdict(list)
        for c in cities:
            if c["admin1"]:
                self.grid[(c["country_code"], math.floor(c["lat"]), math.floor(c["lon"]))].append(c)

    def admin1(self, cc: str, lat: float, lon: float, k: int = 5) -> str:
        """The most common admin1 code among the k nearest places of country cc."""
        for radius in (1, 2, 4):
            near = []
            for dy in range(-radius, radius + 1):
                for dx in range(-radius, radius + 1):
                    near.extend(self.grid.get((cc, math.floor(lat) + dy, math.floor(lon) + dx), []))
            if len(near) >= k:
                break
        if not near:
            return ""
        near.sort(key=lambda c: (c["lat"] - lat) ** 2 + ((c["lon"] - lon) * math.cos(math.radians(lat))) ** 2)
        votes = collections.Counter(c["admin1"] for c in near[:k])
        return max(sorted(votes), key=lambda a: votes[a])


def match_divisions(divs: list[dict], admin1: list[dict], counties: list[dict],
                    cities: list[dict], notes: dict) -> tuple[dict, list[dict]]:
    """Matches label points to bundled admin1 rows by country and folded name.

    Returns ({admin1 row id: (lat, lon) of its label point}, new admin2 rows without
    ids). A division whose name is already an admin1 or US county name in its country
    is never added again."""
    by_name = collections.defaultdict(dict)
    for r in admin1:
        for n in [r["name"], *r["names"]]:
            by_name[(r["country_code"], division_key(n))][r["id"]] = r
    county_names = {("US", division_key(r["name"])) for r in counties}
    nearest = NearestCities(cities)
    points, new = {}, []
    stats = collections.Counter()
    for d in divs:
        keys = [(d["cc"], division_key(n)) for n in [d["name"], *d["alts"]]]
        hits = {rid: r for k in keys for rid, r in by_name.get(k, {}).items()}
        if len(hits) == 1:
            (rid,) = hits
            row = hits[rid]
            points.setdefault(rid, nearest_point(d["points"], (row["lat"], row["lon"])))
            stats["matched_admin1"] += 1
            continue
        if hits:
            stats["ambiguous_admin1_name"] += 1
            continue
        if any(k in county_names for k in keys):
            stats["is_us_county"] += 1
            continue
        stats["new_admin2"] += 1
        lat, lon = medoid(d["points"])
        new.append({
            "id": None, "name": d["name"], "kind": "admin2", "feature_code": "ADM2",
            "country_code": d["cc"], "admin1": nearest.admin1(d["cc"], lat, lon),
            "population": 0, "lat": lat, "lon": lon,
            "names": [a for a in dict.fromkeys(d["alts"]) if a != d["name"]],
            "abbreviations": [], "demonyms": [], "_code": d["code"],
        })
    notes["naturalearth_division_stats"] = dict(sorted(stats.items()))
    return points, new


def assign_ids(rows: list[dict], base: int, key) -> None:
    """Numbers rows from base + 1 in a stable order (key), so rebuilds agree."""
    for i, r in enumerate(sorted(rows, key=key), start=1):
        r["id"] = base + i
