"""GeoDataFrames from the three shapes of results."""

from __future__ import annotations

import pytest

import mentionmap

gpd = pytest.importorskip("geopandas")

TEXTS = ["Rain fell on Lyon and Marseille overnight.", "Talks in Geneva; Syrian envoy in Geneva."]


def test_from_one_collection(mapper):
    fc = mapper.map(TEXTS[0])
    gdf = mentionmap.to_geodataframe(fc)
    assert isinstance(gdf, gpd.GeoDataFrame)
    assert gdf.crs.to_epsg() == 4326
    assert list(gdf["name"]) == ["Lyon", "Marseille"]
    assert (gdf.geometry.geom_type == "Point").all()
    for (x, y), f in zip(zip(gdf.geometry.x, gdf.geometry.y), fc["features"]):
        assert [x, y] == f["geometry"]["coordinates"]
    assert gdf["id"].str.startswith("geonames:").all()
    # Lyon lies north of Marseille and west of it.
    lyon, marseille = gdf.geometry
    assert lyon.y > marseille.y and lyon.x < marseille.x


def test_from_many_collections(mapper):
    fcs = mapper.map_many(TEXTS, ids=["a", "b"])
    gdf = mapper.to_geodataframe(fcs)
    assert gdf.crs.to_epsg() == 4326
    assert list(zip(gdf["doc"], gdf["gazetteer_name"])) == [
        ("a", "Lyon"),
        ("a", "Marseille"),
        ("b", "Genève"),
        ("b", "Syria"),
    ]
    assert gdf.loc[gdf["name"] == "Geneva", "mention_count"].item() == 2
    # Without ids the position names the document.
    assert list(mentionmap.to_geodataframe(mapper.map_many(TEXTS))["doc"].unique()) == ["0", "1"]


def test_from_rows(mapper):
    df = mapper.to_dataframe(TEXTS)
    gdf = mentionmap.to_geodataframe(df)
    assert gdf.crs.to_epsg() == 4326
    assert len(gdf) == len(df) == 5  # one row per mention: Geneva twice
    assert list(gdf.geometry.x) == list(df["lon"]) and list(gdf.geometry.y) == list(df["lat"])
    gdf2 = mentionmap.to_geodataframe(mapper.rows(TEXTS))
    assert list(gdf2["mention"]) == list(gdf["mention"])


def test_empty_results_have_the_same_columns(mapper):
    full = mentionmap.to_geodataframe(mapper.map(TEXTS[0]))
    empty = mentionmap.to_geodataframe(mapper.map(""))
    assert len(empty) == 0 and list(empty.columns) == list(full.columns)
    assert list(full.columns) == list(mentionmap.FEATURE_PROPERTIES) + ["id", "geometry"]
    assert empty.crs.to_epsg() == 4326
    many = mentionmap.to_geodataframe(mapper.map_many(["", "No places here."]))
    assert len(many) == 0
    assert list(many.columns) == list(mentionmap.to_geodataframe(mapper.map_many(TEXTS)).columns)


def test_rejects_other_input():
    with pytest.raises(TypeError):
        mentionmap.to_geodataframe("Lyon")
    with pytest.raises(TypeError):
        mentionmap.to_geodataframe([{"type": "Feature"}])
