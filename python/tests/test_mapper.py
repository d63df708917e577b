"""The binding against real data: the bundled GeoNames gazetteer, the seed article,
and documents of the shared evaluation set."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import mentionmap
from conftest import REPO, SEED, haversine_km

ALEPPO = 170063  # GeoNames: Aleppo, Syria (PPLA)


def by_name(fc: dict, name: str) -> dict:
    hits = [f for f in fc["features"] if f["properties"]["name"] == name]
    assert hits, f"{name} not among {[f['properties']['name'] for f in fc['features']]}"
    return hits[0]


# --- the seed article -------------------------------------------------------------


def test_seed_article_places(mapper, seed_text):
    fc = mapper.map(seed_text)
    assert fc["type"] == "FeatureCollection"

    aleppo = by_name(fc, "Aleppo")
    lon, lat = aleppo["geometry"]["coordinates"]
    assert haversine_km(lat, lon, 36.20, 37.16) < 5
    assert aleppo["properties"]["geonameid"] == ALEPPO
    assert aleppo["properties"]["layer"] == "cities"

    syria = by_name(fc, "Syria")
    assert syria["geometry"]["coordinates"] == pytest.approx([38.0, 35.0], abs=0.01)
    assert syria["properties"]["layer"] == "countries"

    # Not in the gazetteer: placed from "on the northern edge of Aleppo".
    handarat = by_name(fc, "Handarat")
    lon, lat = handarat["geometry"]["coordinates"]
    assert handarat["properties"]["method"] == "relative"
    assert handarat["properties"]["anchor"] == "Aleppo"
    assert haversine_km(lat, lon, 36.29, 37.16) < 5
    assert lat > 36.20124, "the northern edge lies north of the city's point"

    # "John Kerry" is a person, not Kerry County.
    names = [f["properties"]["name"] for f in fc["features"]]
    gaz_names = [f["properties"]["gazetteer_name"] or "" for f in fc["features"]]
    assert not any("Kerry" in n for n in names + gaz_names), names


def test_seed_offsets_index_the_python_string(mapper, seed_text):
    fc = mapper.map(seed_text)
    n = 0
    for f in fc["features"]:
        for m in f["properties"]["mentions"]:
            assert seed_text[m["start"] : m["end"]] == m["text"]
            assert seed_text.encode()[m["byte_start"] : m["byte_end"]].decode() == m["text"]
            n += 1
    assert n == sum(f["properties"]["mention_count"] for f in fc["features"]) > 10


def test_seed_metadata_credits_geonames(mapper, seed_text):
    meta = mapper.map(seed_text, doc="seed")["metadata"]
    assert meta["attribution"][0] == mentionmap.GEONAMES_ATTRIBUTION
    assert "CC BY 4.0" in meta["attribution"][0]
    assert meta["doc"] == "seed"
    assert meta["layers"] == ["countries", "regions", "cities", "districts", "areas", "physical"]
    assert mapper.attribution[0] == mentionmap.GEONAMES_ATTRIBUTION


def cli_binary() -> Path | None:
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    path = Path(os.environ.get("MENTIONMAP_BIN", target / "release" / "mentionmap"))
    return path if path.is_file() else None


@pytest.mark.skipif(cli_binary() is None, reason="no CLI build (target/release/mentionmap)")
def test_same_features_as_the_cli(mapper, seed_text):
    out = subprocess.run(
        [str(cli_binary()), "map", str(SEED)], check=True, capture_output=True, text=True
    ).stdout
    cli = json.loads(out)
    py = mapper.map(seed_text)
    assert py["features"] == cli["features"]
    # The metadata differs only by where the text came from.
    assert cli["metadata"]["source"] == str(SEED)
    assert py["metadata"]["source"] is None
    for key in ("attribution", "layers", "preprocessing", "gazetteer", "generator"):
        assert py["metadata"][key] == cli["metadata"][key], key


@pytest.mark.skipif(cli_binary() is None, reason="no CLI build (target/release/mentionmap)")
def test_csv_has_the_rows_place_columns_and_values(mapper, seed_text):
    import csv
    import io

    out = subprocess.run(
        [str(cli_binary()), "map", "--format", "csv", str(SEED)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    table = list(csv.reader(io.StringIO(out)))
    place_columns = mentionmap.COLUMNS[:15]
    assert table[0][:15] == place_columns
    # One CSV row per place; the rows repeat a place's values for each mention.
    cell = lambda v: "" if v is None else (f"{v:.6f}" if isinstance(v, float) else str(v))
    per_place = {}
    for r in mapper.rows([seed_text], ids=[""]):
        values = [r[c] for c in place_columns]
        values[9], values[10] = f"{r['lat']:.6f}", f"{r['lon']:.6f}"
        values[11] = f"{r['confidence']:.3f}"
        values[13] = "" if r["uncertainty_km"] is None else f"{r['uncertainty_km']:.1f}"
        per_place[r["name"]] = [cell(v) if not isinstance(v, str) else v for v in values]
    assert {row[1]: row[:15] for row in table[1:]} == per_place


# --- many documents ---------------------------------------------------------------


def test_map_many_equals_map(mapper, corpus):
    texts = [d["text"] for d in corpus]
    ids = [d["id"] for d in corpus]
    many = mapper.map_many(texts, ids=ids)
    assert len(many) == len(texts)
    for d, fc in zip(corpus, many):
        assert fc == mapper.map(d["text"], doc=d["id"])
        assert fc["metadata"]["doc"] == d["id"]
    assert sum(len(fc["features"]) for fc in many) > len(texts), "the corpus names places"


def test_results_are_plain_json_in_sorted_key_order(mapper, corpus):
    # The collections are built straight from the mapped documents: they must still
    # be what json.loads of the same JSON gives (dicts with keys in sorted order, as
    # the binding has always returned them, lists, str, int, float, bool, None).
    def check(v, path="fc"):
        if isinstance(v, dict):
            assert list(v) == sorted(v), f"{path}: keys {list(v)}"
            for k, x in v.items():
                assert type(k) is str
                check(x, f"{path}.{k}")
        elif isinstance(v, list):
            for i, x in enumerate(v):
                check(x, f"{path}[{i}]")
        else:
            assert v is None or type(v) in (str, int, float, bool), f"{path}: {type(v)}"

    many = mapper.map_many([d["text"] for d in corpus], ids=[d["id"] for d in corpus])
    for fc in many:
        check(fc)
        assert json.loads(json.dumps(fc)) == fc
    first = many[0]["features"][0]
    assert type(first["geometry"]["coordinates"][0]) is float
    assert type(first["properties"]["mentions"][0]["start"]) is int


def test_collections_share_no_mutable_objects(mapper, corpus):
    # Strings repeated across documents are shared (they are immutable); lists and
    # dicts never are: changing one document's result leaves the others alone.
    texts = [d["text"] for d in corpus[:4]]
    many = mapper.map_many(texts, threads=2)
    many[0]["metadata"]["attribution"].append("changed")
    many[0]["metadata"]["layers"].clear()
    for f in many[0]["features"]:
        f["properties"]["mentions"].clear()
    again = mapper.map_many(texts, threads=1)
    assert many[1:] == again[1:]
    assert "changed" not in many[1]["metadata"]["attribution"]
    assert many[1]["metadata"]["layers"] == again[1]["metadata"]["layers"] != []


def test_thread_counts_give_identical_results(mapper, corpus):
    texts = [d["text"] for d in corpus]
    one = mapper.map_many(texts, threads=1)
    assert mapper.map_many(texts, threads=2) == one
    assert mapper.map_many(texts, threads=3) == one
    assert mapper.map_many(iter(texts)) == one, "any iterable of str"
    assert mapper.columns(texts, threads=2) == mapper.columns(texts, threads=1)


def test_map_many_releases_the_gil(mapper, corpus):
    # Enough documents that mapping them outlasts the start-up wait below many times
    # over on a fast, idle machine (320 documents took ~60 ms once mapping got faster,
    # which left too few ticks to count).
    texts = [d["text"] for d in corpus] * 40
    done = threading.Event()

    def work():
        mapper.map_many(texts, threads=1)
        done.set()

    t = threading.Thread(target=work)
    t.start()
    # Wait until the worker has entered Rust, then count how often this thread runs
    # while the batch is mapped. Holding the GIL for the batch would leave it ~0.
    time.sleep(0.05)
    ticks = 0
    while not done.is_set():
        ticks += 1
        time.sleep(0.001)
    t.join()
    assert ticks > 20


def test_python_threads_share_one_mapper(mapper, corpus):
    texts = [d["text"] for d in corpus]
    serial = [mapper.map(t) for t in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(mapper.map, texts))
    assert parallel == serial


# --- flat rows --------------------------------------------------------------------


def test_rows_agree_with_the_geojson(mapper, corpus):
    texts = [d["text"] for d in corpus]
    ids = [d["id"] for d in corpus]
    rows = mapper.rows(texts, ids)
    assert rows and set(rows[0]) == set(mentionmap.COLUMNS)
    expected = []
    for doc_id, text, fc in zip(ids, texts, mapper.map_many(texts, ids=ids)):
        for f in fc["features"]:
            p = f["properties"]
            for m in p["mentions"]:
                expected.append(
                    {
                        "doc_id": doc_id,
                        "name": p["name"],
                        "gazetteer_name": p["gazetteer_name"],
                        "geonameid": p["geonameid"],
                        "layer": p["layer"],
                        "feature_code": p["feature_code"],
                        "country_code": p["country_code"],
                        "admin1": p["admin1"],
                        "population": p["population"],
                        "lat": f["geometry"]["coordinates"][1],
                        "lon": f["geometry"]["coordinates"][0],
                        "confidence": p["confidence"],
                        "method": p["method"],
                        "uncertainty_km": p["uncertainty_km"],
                        "anchor": p["anchor"],
                        "mention": m["text"],
                        "start": m["start"],
                        "end": m["end"],
                        "kind": m["kind"],
                    }
                )
                assert text[m["start"] : m["end"]] == m["text"]
    assert rows == expected


def test_one_column_set_with_the_csv(mapper, seed_text):
    """The place columns come first, in the CLI's CSV order; a relative place has its
    anchor's country and the anchor's name, as in the GeoJSON."""
    assert mentionmap.COLUMNS[:15] == [
        "doc_id", "name", "gazetteer_name", "geonameid", "layer", "feature_code",
        "country_code", "admin1", "population", "lat", "lon", "confidence", "method",
        "uncertainty_km", "anchor",
    ]
    assert mentionmap.COLUMNS[15:] == ["mention", "start", "end", "kind"]
    relative = [r for r in mapper.rows([seed_text]) if r["method"] == "relative"]
    assert relative, "the seed article has a place estimated from the text"
    assert all(r["country_code"] == "SY" and r["anchor"] == "Aleppo" for r in relative)
    assert all(r["uncertainty_km"] > 0 for r in relative)


def test_to_dataframe_without_pandas_names_the_extra(mapper, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now fails
    with pytest.raises(ImportError, match=r"mentionmap\[pandas\]"):
        mapper.to_dataframe(["Rain in Lyon."])


def test_rows_default_ids_are_positions(mapper):
    rows = mapper.rows(["Rain in Lyon.", "No places here.", "Snow in Oslo."])
    assert [(r["doc_id"], r["name"]) for r in rows] == [("0", "Lyon"), ("2", "Oslo")]
    rows = mapper.rows(["Rain in Lyon."], ids=[17])
    assert rows[0]["doc_id"] == "17"


def test_to_dataframe_dtypes(mapper, corpus):
    df = mapper.to_dataframe([d["text"] for d in corpus], ids=[d["id"] for d in corpus])
    assert list(df.columns) == list(mentionmap.COLUMNS)
    assert {c: str(t) for c, t in df.dtypes.items()} == mentionmap.DTYPES
    assert len(df) == len(mapper.rows([d["text"] for d in corpus]))
    assert df["lat"].between(-90, 90).all() and df["lon"].between(-180, 180).all()
    empty = mapper.to_dataframe([])
    assert len(empty) == 0 and list(empty.columns) == list(mentionmap.COLUMNS)


# --- options ----------------------------------------------------------------------


def test_layers_and_demonyms(seed_text):
    cities = mentionmap.Mapper(layers=["cities"]).map(seed_text)
    assert {f["properties"]["layer"] for f in cities["features"]} == {"cities"}
    assert cities["metadata"]["layers"] == ["cities"]

    text = "Syrian troops advanced."
    syria = mentionmap.Mapper().map(text)["features"]
    assert [(f["properties"]["gazetteer_name"], f["properties"]["name"]) for f in syria] == [
        ("Syria", "Syrian")
    ]
    assert mentionmap.Mapper(demonyms=False).map(text)["features"] == []


def test_boilerplate_filter_is_optional():
    text = "Talks went on in Geneva.\n\nWe use cookies on this site. Accept cookies from Paris."
    kept = mentionmap.Mapper().map(text)
    assert [f["properties"]["name"] for f in kept["features"]] == ["Geneva"]
    raw = mentionmap.Mapper(boilerplate_filter=False).map(text)
    assert [f["properties"]["name"] for f in raw["features"]] == ["Geneva", "Paris"]


def test_a_gazetteer_file(tmp_path):
    tsv = tmp_path / "tiny.tsv"
    tsv.write_text(
        "id\tname\tkind\tfeature_code\tcountry_code\tadmin1\tpopulation\tlat\tlon\t"
        "names\tabbreviations\tdemonyms\n"
        "170063\tAleppo\tcity\tPPLA\tSY\t09\t1602264\t36.20124\t37.16117\tHalab\t\t\n"
        "163843\tSyria\tcountry\tPCLI\tSY\t\t16906283\t35.0\t38.0\t\tSY\tSyrian\n",
        encoding="utf-8",
    )
    m = mentionmap.Mapper(str(tsv))
    assert len(m) == 2
    assert m.gazetteer == str(tsv)
    fc = m.map("Shelling in Halab, Syria; Geneva talks.")
    assert [f["properties"]["geonameid"] for f in fc["features"]] == [ALEPPO, 163843]
    assert mentionmap.Mapper(tsv).gazetteer == str(tsv), "a pathlib.Path works too"


# --- gazetteer queries ------------------------------------------------------------


def test_resolve_aleppo(mapper):
    hits = mapper.resolve("Aleppo")
    assert hits[0]["geonameid"] == ALEPPO
    assert hits[0]["kind"] == "city" and hits[0]["country_code"] == "SY"
    assert hits[0]["lat"] == pytest.approx(36.2, abs=0.05)
    assert len(hits) <= 10
    priors = [h["prior"] for h in hits]
    assert priors == sorted(priors, reverse=True)
    assert len(mapper.resolve("Springfield", limit=3)) == 3
    assert mapper.resolve("Qwxzzzyq") == []


def test_near_is_within_km_by_haversine(mapper):
    lat, lon, km = 36.2, 37.16, 30.0
    hits = mapper.near(lat, lon, km, limit=1000)
    assert len(hits) > 5
    assert any(h["geonameid"] == ALEPPO for h in hits)
    for h in hits:
        d = haversine_km(lat, lon, h["lat"], h["lon"])
        assert d <= km + 1e-6
        assert h["km"] == pytest.approx(d, abs=0.01)
    dists = [h["km"] for h in hits]
    assert dists == sorted(dists)
    # Compared with a brute-force scan the index must miss nothing: every place
    # resolve() knows by these names near the point is there.
    for name in ("Aleppo", "Halab"):
        for h in mapper.resolve(name, limit=50):
            if haversine_km(lat, lon, h["lat"], h["lon"]) <= km:
                assert h["id"] in {n["id"] for n in hits}
    assert len(mapper.near(lat, lon, km, limit=3)) == 3


# --- errors -----------------------------------------------------------------------


def test_bad_inputs_raise(mapper, tmp_path):
    assert issubclass(mentionmap.MentionmapError, Exception)
    with pytest.raises(mentionmap.MentionmapError, match="cannot read"):
        mentionmap.Mapper(str(tmp_path / "missing.gaz"))
    junk = tmp_path / "junk.tsv"
    junk.write_bytes(b"\x00\x01 not a gazetteer\n")
    with pytest.raises(mentionmap.MentionmapError):
        mentionmap.Mapper(str(junk))
    with pytest.raises(TypeError):
        mentionmap.Mapper(42)
    with pytest.raises(ValueError, match="layer"):
        mentionmap.Mapper(layers=["planets"])

    with pytest.raises(TypeError):
        mapper.map(42)
    with pytest.raises(TypeError):
        mapper.map(b"Aleppo")
    with pytest.raises(TypeError, match="single str"):
        mapper.map_many("Aleppo")
    with pytest.raises(TypeError, match=r"texts\[1\]"):
        mapper.map_many(["Aleppo", None])
    with pytest.raises(ValueError, match="2 ids for 1 texts"):
        mapper.map_many(["Aleppo"], ids=["a", "b"])
    with pytest.raises(ValueError, match="threads"):
        mapper.map_many(["Aleppo"], threads=0)
    with pytest.raises(ValueError):
        mapper.near(95.0, 0.0, 10)
    with pytest.raises(ValueError):
        mapper.near(0.0, 0.0, -1)
    with pytest.raises(ValueError):
        mapper.resolve("  ")


def test_min_confidence_trades_recall_for_precision(seed_text):
    every = mentionmap.Mapper().map(seed_text)["features"]
    sure = mentionmap.Mapper(min_confidence=0.8).map(seed_text)["features"]
    assert 0 < len(sure) < len(every)
    assert all(f["properties"]["confidence"] >= 0.8 for f in sure)
    assert {f["properties"]["name"] for f in sure} <= {f["properties"]["name"] for f in every}
    with pytest.raises(ValueError):
        mentionmap.Mapper(min_confidence=1.5)
