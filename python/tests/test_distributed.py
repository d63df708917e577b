"""The Spark and Dask recipes on a small real corpus: rows written as Parquet and read
back must equal what the plain Python API gives for the same documents."""

from __future__ import annotations

import math
import os
import sys

import pytest

import mentionmap

pd = pytest.importorskip("pandas")


def normalised(df) -> list[dict]:
    """Rows as plain values in (doc_id, start) order, missing values as None, so that
    frames read back from Parquet (other string and null types) compare equal."""
    records = []
    for r in df.to_dict("records"):
        row = {}
        for c in mentionmap.COLUMNS:
            v = r[c]
            if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
                v = None
            elif hasattr(v, "item"):  # numpy scalars
                v = v.item()
            row[c] = v
        records.append(row)
    return sorted(records, key=lambda r: (r["doc_id"], r["start"], r["end"]))


@pytest.fixture(scope="module")
def expected(mapper, corpus):
    df = mapper.to_dataframe([d["text"] for d in corpus], ids=[d["id"] for d in corpus])
    rows = normalised(df)
    assert len({r["doc_id"] for r in rows}) > len(corpus) // 2, "most documents name places"
    return rows


def test_shared_mapper_is_one_per_arguments():
    a = mentionmap.shared_mapper()
    assert mentionmap.shared_mapper() is a
    b = mentionmap.shared_mapper(layers=["cities"])
    assert b is not a and mentionmap.shared_mapper(layers=["cities"]) is b
    assert b.map("Rain in Lyon, France.")["metadata"]["layers"] == ["cities"]


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark")
    from pyspark.sql import SparkSession

    # Python workers must import mentionmap: run them on this interpreter.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("mentionmap-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.memory", "1g")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_spark_rows_to_parquet(spark, corpus, expected, tmp_path):
    from mentionmap.spark import map_spark, spark_schema

    docs = spark.createDataFrame(pd.DataFrame(corpus)).repartition(4)
    # A null text is a document without places, not an error.
    docs = docs.unionByName(spark.createDataFrame([("empty", None)], "id string, text string"))
    places = map_spark(docs, text_col="text", id_col="id")
    assert places.schema == spark_schema()
    out = tmp_path / "places.parquet"
    places.write.parquet(str(out))

    back = pd.read_parquet(out)
    assert list(back.columns) == list(mentionmap.COLUMNS)
    assert normalised(back) == expected

    # GeoParquet of the same rows, through geopandas.
    gpd = pytest.importorskip("geopandas")
    gdf = mentionmap.to_geodataframe(back)
    geo = tmp_path / "places.geoparquet"
    gdf.to_parquet(geo)
    again = gpd.read_parquet(geo)
    assert again.crs.to_epsg() == 4326
    assert len(again) == len(expected)
    assert list(again.geometry.y) == list(back["lat"])


def test_spark_options_reach_the_executors(spark, corpus):
    from mentionmap.spark import map_spark

    docs = spark.createDataFrame(pd.DataFrame(corpus))
    layers = {r["layer"] for r in map_spark(docs, layers=["cities"]).select("layer").collect()}
    assert layers == {"cities"}


def test_dask_rows_to_parquet(corpus, expected, tmp_path):
    dd = pytest.importorskip("dask.dataframe")
    import dask

    from mentionmap.dask import map_dask

    docs = dd.from_pandas(pd.DataFrame(corpus), npartitions=4)
    places = map_dask(docs, text_col="text", id_col="id")
    assert list(places.columns) == list(mentionmap.COLUMNS)
    out = tmp_path / "places"
    # Threads share the process's one mapper; processes would each build their own.
    with dask.config.set(scheduler="threads", num_workers=2):
        places.to_parquet(str(out), write_index=False)
        back = dd.read_parquet(str(out)).compute()
    assert normalised(back) == expected
