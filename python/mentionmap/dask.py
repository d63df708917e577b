"""Mapping a corpus with Dask.

>>> import dask.dataframe as dd
>>> from mentionmap.dask import map_dask
>>> docs = dd.read_json("corpus-*.jsonl", lines=True)   # columns id, text
>>> places = map_dask(docs, text_col="text", id_col="id")
>>> places.to_parquet("places/")

:func:`map_dask` maps each partition with ``DataFrame.map_partitions``. Each worker
process (or the one process of Dask's threaded scheduler, whose threads then share
it) builds one :class:`~mentionmap.Mapper` on first use
(:func:`mentionmap.shared_mapper`); mapping releases the GIL, so threads of one
process map in parallel. The result has one row per mention with the columns
:data:`mentionmap.COLUMNS`.

Place data is GeoNames' (CC BY 4.0): see :data:`mentionmap.GEONAMES_ATTRIBUTION`.
"""

from __future__ import annotations

from typing import Any, Optional, Tuple

import mentionmap

__all__ = ["map_dask", "meta"]


def meta():
    """An empty pandas DataFrame with the rows' columns and dtypes."""
    return mentionmap._frame({c: [] for c in mentionmap.COLUMNS})


def _map_partition(
    pdf,
    text_col: str,
    id_col: str,
    gazetteer: Optional[str],
    threads: Optional[int],
    options: Tuple[Tuple[str, Any], ...],
):
    # Module level, so that distributed schedulers can pickle it by reference.
    mapper = mentionmap.shared_mapper(gazetteer, **dict(options))
    return mentionmap._map_pandas(mapper, pdf, text_col, id_col, threads)


def map_dask(
    ddf,
    text_col: str = "text",
    id_col: str = "id",
    *,
    gazetteer: Optional[str] = None,
    threads: Optional[int] = 1,
    **options: Any,
):
    """Maps the texts of a Dask DataFrame; a Dask DataFrame of rows, one per mention.

    :param ddf: a ``dask.dataframe.DataFrame`` with a text column and an id column.
    :param text_col: the column of texts (missing values map to no rows).
    :param id_col: the column of document ids, written as strings to ``doc_id``.
    :param gazetteer: a gazetteer path every worker can read, or None for the
        bundled one.
    :param threads: Rust threads per partition; Dask already maps partitions in
        parallel, so the default is 1.
    :param options: further :class:`mentionmap.Mapper` options.
    """
    return ddf.map_partitions(
        _map_partition,
        text_col,
        id_col,
        gazetteer,
        threads,
        tuple(sorted(options.items())),
        meta=meta(),
        enforce_metadata=False,
    )
