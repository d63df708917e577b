#!/usr/bin/env python3
"""Builds tests/data/multilingual/<lang>.jsonl from the hand-written sources in
tests/data/multilingual/src/<lang>.txt.

Source format: one document per paragraph (blank-line separated, lines starting with
'#' are comments); a toponym is written [surface|Key], where Key names a row of
tests/data/multilingual/places.tsv (English key, GeoNames id, lat, lon). Offsets in the
JSONL are Unicode code points, as in ../shared/eval.

`places.tsv` itself is made once with `--places`: every key is looked up with
`mentionmap resolve` in the bundled gazetteer (GeoNames points), taking the first
country or populated place, or the first-level region / country code named in
PLACE_RULES below; review the file by hand after regenerating it.
"""
import csv
import json
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "multilingual"
MARK = re.compile(r"\[([^\]|]+)\|([^\]]+)\]")

# key -> (query, wanted feature-code prefix, wanted country code or None)
PLACE_RULES = {
    "Bavaria": ("Bavaria", "ADM1", "DE"),
    "Saxony": ("Saxony", "ADM1", "DE"),
    "Galicia": ("Galicia", "ADM1", "ES"),
    "Asturias": ("Asturias", "ADM1", "ES"),
    "Sichuan": ("Sichuan", "ADM1", "CN"),
    "Liaoning": ("Liaoning", "ADM1", "CN"),
    "Fujian": ("Fujian", "ADM1", "CN"),
    "Zhejiang": ("Zhejiang", "ADM1", "CN"),
    "Xinjiang": ("Xinjiang", "ADM1", "CN"),
    "Tibet": ("Tibet", "ADM1", "CN"),
    "Hatay": ("Hatay", "ADM1", "TR"),
    "Oaxaca": ("Oaxaca", "ADM1", "MX"),
    "West Bank": ("West Bank", "ADM1", "PS"),
    "Tripoli, Lebanon": ("Tripoli", "PPL", "LB"),
    "Tripoli": ("Tripoli", "PPL", "LY"),
    "Valencia": ("Valencia", "PPL", "ES"),
    "Hanover": ("Hanover", "PPL", "DE"),
    "Cartagena": ("Cartagena", "PPL", "CO"),
    "Gaza": ("Gaza", "PPL", "PS"),
    "Gao": ("Gao", "PPL", "ML"),
    "Kuwait": ("Kuwait", "PCL", "KW"),
    "Hong Kong": ("Hong Kong", "PCL", "HK"),
    "New Delhi": ("New Delhi", "PPLC", "IN"),
    "Santiago": ("Santiago", "PPLC", "CL"),
    "Hodeidah": ("Al Hudaydah", "PPL", "YE"),
}


def parse(path):
    docs = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        lines = [l for l in block.splitlines() if not l.startswith("#")]
        raw = "\n".join(lines).strip()
        if not raw:
            continue
        text, tops, pos = "", [], 0
        for m in MARK.finditer(raw):
            text += raw[pos : m.start()]
            start = len(text)
            text += m.group(1)
            tops.append((start, len(text), m.group(1), m.group(2)))
            pos = m.end()
        text += raw[pos:]
        docs.append((text, tops))
    return docs


def load_places():
    with open(DATA / "places.tsv", encoding="utf-8") as f:
        return {r["key"]: r for r in csv.DictReader(f, delimiter="\t")}


def build_places(binary):
    keys = set()
    for src in sorted((DATA / "src").glob("*.txt")):
        for _, tops in parse(src):
            keys.update(t[3] for t in tops)
    rows = []
    for key in sorted(keys):
        query, code, cc = PLACE_RULES.get(key, (key, None, None))
        out = subprocess.run(
            [binary, "resolve", query, "--limit", "30", "--json"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        pick = None
        for c in json.loads(out):
            fcode, ccode = c["feature_code"], c["country_code"]
            if code is None:
                ok = fcode.startswith("PCL") or fcode.startswith("PPL")
            else:
                ok = fcode.startswith(code) and ccode == cc
            if ok and c.get("geonameid"):
                pick = (str(c["geonameid"]), str(c["lat"]), str(c["lon"]), fcode, ccode)
                break
        if pick is None:
            sys.exit(f"no gazetteer point for {key}")
        rows.append((key,) + pick)
    with open(DATA / "places.tsv", "w", encoding="utf-8") as f:
        f.write("key\tgeonameid\tlat\tlon\tfeature_code\tcountry_code\n")
        for r in rows:
            f.write("\t".join(r) + "\n")


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--places":
        build_places(sys.argv[2])
        return
    places = load_places()
    for src in sorted((DATA / "src").glob("*.txt")):
        lang = src.stem
        with open(DATA / f"{lang}.jsonl", "w", encoding="utf-8") as out:
            for i, (text, tops) in enumerate(parse(src), 1):
                toponyms = []
                for start, end, name, key in tops:
                    p = places[key]
                    assert text[start:end] == name
                    toponyms.append(
                        {
                            "start": start,
                            "end": end,
                            "name": name,
                            "lat": float(p["lat"]),
                            "lon": float(p["lon"]),
                            "geonameid": int(p["geonameid"]),
                        }
                    )
                doc = {"id": f"{lang}-{i}", "corpus": lang, "text": text, "toponyms": toponyms}
                out.write(json.dumps(doc, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
