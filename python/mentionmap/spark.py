"""Mapping a corpus on Apache Spark (PySpark).

>>> from mentionmap.spark import map_spark
>>> docs = spark.read.json("corpus.jsonl")           # columns id, text
>>> places = map_spark(docs, text_col="text", id_col="id")
>>> places.write.parquet("places.parquet")

:func:`map_spark` runs :meth:`mentionmap.Mapper.to_dataframe` inside
``DataFrame.mapInPandas``: each Python worker process builds one
:class:`~mentionmap.Mapper` on its first batch (:func:`mentionmap.shared_mapper`) and
reuses it for every later batch and task, so the gazetteer is loaded once per
executor process and no mapper is ever pickled. The result has one row per mention
with the columns :data:`mentionmap.COLUMNS` (:func:`spark_schema`).

On a cluster, install the mentionmap wheel on every executor's Python, and give a
gazetteer path every executor can read (a shared file system, or ``SparkContext.
addFile`` and ``SparkFiles.get``), or leave it out for the bundled gazetteer.
Place data is GeoNames' (CC BY 4.0): see :data:`mentionmap.GEONAMES_ATTRIBUTION`.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator, Optional

import mentionmap

__all__ = ["map_spark", "spark_schema"]


def spark_schema():
    """The Spark schema of the rows: :data:`mentionmap.COLUMNS` with Spark types
    (``long`` for offsets and ids, ``double`` for coordinates, ``string`` else)."""
    from pyspark.sql.types import DoubleType, LongType, StringType, StructField, StructType

    spark_type = {
        "object": StringType(),
        "int64": LongType(),
        "Int64": LongType(),
        "float64": DoubleType(),
    }
    return StructType(
        [StructField(c, spark_type[mentionmap.DTYPES[c]], True) for c in mentionmap.COLUMNS]
    )


def _batches_mapper(
    text_col: str,
    id_col: str,
    gazetteer: Optional[str],
    threads: Optional[int],
    options: dict,
) -> Callable[[Iterator[Any]], Iterator[Any]]:
    # Only these plain values travel to the executors inside the closure.
    def map_batches(batches):
        mapper = mentionmap.shared_mapper(gazetteer, **options)
        for pdf in batches:
            yield mentionmap._map_pandas(mapper, pdf, text_col, id_col, threads)

    return map_batches


def map_spark(
    df,
    text_col: str = "text",
    id_col: str = "id",
    *,
    gazetteer: Optional[str] = None,
    threads: Optional[int] = 1,
    **options: Any,
):
    """Maps the texts of a Spark DataFrame; a DataFrame of rows, one per mention.

    :param df: a ``pyspark.sql.DataFrame`` with a text column and an id column.
    :param text_col: the column of texts (null maps to no rows).
    :param id_col: the column of document ids, written as strings to ``doc_id``.
    :param gazetteer: a gazetteer path readable on every executor, or None for the
        bundled one.
    :param threads: Rust threads per task. Spark already runs one task per core,
        so the default is 1; raise it when executors have spare cores.
    :param options: further :class:`mentionmap.Mapper` options (``demonyms``,
        ``min_score``, ``min_confidence``, ``boilerplate_filter``, ``layers``).
    """
    fn = _batches_mapper(text_col, id_col, gazetteer, threads, dict(options))
    return df.select(id_col, text_col).mapInPandas(fn, schema=spark_schema())
