"""GeoNames' own points for countries and first-level divisions, where a registry
package ships GeoNames country dumps (`XX.txt`, the `export/dump/` format).

Annotated corpora that link toponyms to GeoNames (LGL, TR-News, GeoWebNews) put a
country or a first-level division at GeoNames' point for that record, not at a
centroid: Australia -25,135 and Queensland -20,145 in GeoNames, against -27,133
(world-countries) and -23.0,145.8 (Natural Earth label). We cite GeoNames as our
gazetteer, so a GeoNames record gets GeoNames' own point when we have it.

The only registry package found that ships such records is npm `geonames` (0.2.1,
Damon Oehlman): the 2014 dumps of Australia, Antarctica and Bouvet Island. No
package carries the records of other countries (see README, "Which point each kind
gets and why"), so every other row keeps its previous point.
"""
import csv
from pathlib import Path

# GeoNames dump columns (export/dump/readme.txt): 0 geonameid, 4 latitude,
# 5 longitude, 6 feature class, 7 feature code.
COL_ID, COL_LAT, COL_LON, COL_CLASS, COL_CODE = 0, 4, 5, 6, 7
# Feature codes whose points replace ours: independent and dependent political
# entities (our `country` rows) and first-order divisions (our `admin1` rows).
COUNTRY_CODES = {"PCLI", "PCLD", "PCLF", "PCLS", "PCLIX", "PCL", "TERR"}
ADMIN1_CODES = {"ADM1"}


def load(dump_dir: Path) -> dict[int, tuple[float, float, str]]:
    """{geonameid: (lat, lon, feature code)} of the country and ADM1 records in
    every `XX.txt` dump under dump_dir (two-letter file names only, so the
    package's readme.txt is skipped)."""
    points = {}
    for path in sorted(dump_dir.glob("*.txt")):
        if len(path.stem) != 2 or not path.stem.isupper():
            continue
        with open(path, encoding="utf-8", newline="") as f:
            for row in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
                if len(row) <= COL_CODE or row[COL_CLASS] != "A":
                    continue
                code = row[COL_CODE]
                if code in COUNTRY_CODES or code in ADMIN1_CODES:
                    points[int(row[COL_ID])] = (float(row[COL_LAT]), float(row[COL_LON]), code)
    return points


def apply(rows, points, haversine_km, notes) -> list[tuple]:
    """Moves each `country` and `admin1` row whose id is a GeoNames record in
    `points` to GeoNames' point. Returns (id, kind, name, old lat, old lon, new lat,
    new lon, km) for every row moved."""
    moved = []
    for r in rows:
        if r["kind"] not in ("country", "admin1"):
            continue
        p = points.get(r["id"])
        if p is None:
            continue
        lat, lon, code = p
        want = COUNTRY_CODES if r["kind"] == "country" else ADMIN1_CODES
        if code not in want:
            continue
        d = haversine_km(r["lat"], r["lon"], lat, lon)
        moved.append((r["id"], r["kind"], r["name"], r["lat"], r["lon"], lat, lon, d))
        r["lat"], r["lon"] = lat, lon
    notes["points_from_geonames_dumps"] = [f"{m[2]} {m[7]:.0f} km" for m in moved]
    return moved
