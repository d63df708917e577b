"""mentionmap: find the places a text mentions and put them on a map.

The geoparser's Rust core, as a Python package. A :class:`Mapper` loads a gazetteer
once (the bundled default, built from GeoNames, or a file made by ``mentionmap
gazetteer build``) and then maps texts:

>>> import mentionmap
>>> m = mentionmap.Mapper()
>>> fc = m.map("Shelling hit Aleppo, Syria, on Monday.")
>>> [f["properties"]["name"] for f in fc["features"]]
['Aleppo', 'Syria']

* :meth:`Mapper.map` returns one GeoJSON FeatureCollection (RFC 7946) as a dict,
  the same document ``mentionmap map`` writes; :meth:`Mapper.map_many` maps many
  texts in parallel in Rust with the GIL released.
* :meth:`Mapper.rows` / :meth:`Mapper.to_dataframe` give flat rows, one per
  mention (:data:`COLUMNS`), ready for pandas, Parquet, Spark and Dask
  (:mod:`mentionmap.spark`, :mod:`mentionmap.dask`).
* :meth:`Mapper.resolve` and :meth:`Mapper.near` query the gazetteer by name and
  by distance; :func:`to_geodataframe` turns results into a GeoDataFrame
  (EPSG:4326) when geopandas is installed.

Coordinates are WGS84 degrees; GeoJSON points are ``[lon, lat]``, rows have
``lat`` and ``lon`` columns; mention offsets ``start``/``end`` are code-point
indexes into the Python string. Place data comes from GeoNames
(https://www.geonames.org), licensed CC BY 4.0: credit it where you publish the
results (:data:`GEONAMES_ATTRIBUTION`; every FeatureCollection's ``metadata``
carries it too).
"""

from __future__ import annotations

import threading
from typing import Any, Dict, Iterable, List, Optional, Tuple

from ._mentionmap import COLUMNS, GEONAMES_ATTRIBUTION, MentionmapError, __version__
from ._mentionmap import Mapper as _RustMapper

__all__ = [
    "COLUMNS",
    "DTYPES",
    "FEATURE_PROPERTIES",
    "GEONAMES_ATTRIBUTION",
    "Mapper",
    "MentionmapError",
    "__version__",
    "shared_mapper",
    "to_geodataframe",
]

#: pandas dtypes of the flat row columns (:data:`COLUMNS`: the place columns the
#: CLI's CSV output also has, in the same order, then the mention's). ``geonameid``
#: and ``population`` are nullable integers: places estimated from the text, and the
#: few gazetteer entries GeoNames has no id for, have none.
DTYPES: Dict[str, str] = {
    "doc_id": "object",
    "name": "object",
    "gazetteer_name": "object",
    "geonameid": "Int64",
    "layer": "object",
    "feature_code": "object",
    "country_code": "object",
    "admin1": "object",
    "population": "Int64",
    "lat": "float64",
    "lon": "float64",
    "confidence": "float64",
    "method": "object",
    "uncertainty_km": "float64",
    "anchor": "object",
    "mention": "object",
    "start": "int64",
    "end": "int64",
    "kind": "object",
}
assert tuple(DTYPES) == tuple(COLUMNS), "DTYPES must follow the extension's COLUMNS"

#: The properties of a Feature from :meth:`Mapper.map`, in order: the columns of
#: :func:`to_geodataframe` of a FeatureCollection (then ``doc`` for several
#: collections, ``id`` and ``geometry``), also when it has no features.
FEATURE_PROPERTIES: Tuple[str, ...] = (
    "name",
    "gazetteer_name",
    "geonameid",
    "layer",
    "feature_code",
    "country_code",
    "admin1",
    "population",
    "confidence",
    "method",
    "uncertainty_km",
    "anchor",
    "mention_count",
    "mentions",
)


class Mapper(_RustMapper):
    """Maps texts to the places they mention.

    ``Mapper(gazetteer=None, *, demonyms=True, min_score=None,
    min_confidence=None, boilerplate_filter=True, layers=None)``

    :param gazetteer: path to a gazetteer file (a binary index from ``mentionmap
        gazetteer build``, or a TSV, gzip or plain); ``None`` for the bundled
        default. An unreadable or corrupt file raises :class:`MentionmapError`.
    :param demonyms: count demonyms ("Syrian") as mentions of their country.
    :param min_score: resolution score below which a mention is dropped.
    :param min_confidence: leave out places whose confidence (the calibrated
        probability, 0 to 1, that the place is right within 161 km) is below
        this, in ``map`` and ``map_many`` alike: higher trades recall for
        precision.
    :param boilerplate_filter: drop trailing cookie/consent/subscribe paragraphs
        before mapping, as the CLI does (the kept text is a prefix, so offsets
        still index the original string).
    :param layers: output layers to keep, from ``countries``, ``regions``,
        ``cities``, ``districts`` (default: all).

    Build one per process and share it: loading the gazetteer is the expensive
    part, and the mapper is immutable and safe to use from many threads.
    """

    __slots__ = ()

    def rows(
        self,
        texts: Iterable[str],
        ids: Optional[Iterable[Any]] = None,
        *,
        threads: Optional[int] = None,
    ) -> List[Dict[str, Any]]:
        """Maps ``texts`` to flat rows, one dict per mention, keys :data:`COLUMNS`.

        ``doc_id`` is ``str(ids[i])``, or the text's position when ``ids`` is None.
        """
        cols = self.columns(texts, ids=ids, threads=threads)
        return [dict(zip(COLUMNS, values)) for values in zip(*(cols[c] for c in COLUMNS))]

    def to_dataframe(
        self,
        texts: Iterable[str],
        ids: Optional[Iterable[Any]] = None,
        *,
        threads: Optional[int] = None,
    ):
        """Maps ``texts`` to a pandas DataFrame of flat rows (:data:`COLUMNS`,
        :data:`DTYPES`), one per mention."""
        return _frame(self.columns(texts, ids=ids, threads=threads))

    def to_geodataframe(self, data):
        """:func:`to_geodataframe` of ``data`` (kept on the mapper for convenience)."""
        return to_geodataframe(data)


def _pandas():
    try:
        import pandas
    except ImportError as e:
        raise ImportError(
            "to_dataframe needs pandas: pip install 'mentionmap[pandas]' "
            "(or pip install pandas)"
        ) from e
    return pandas


def _frame(cols: Dict[str, list]):
    pd = _pandas()

    return pd.DataFrame({c: pd.Series(cols[c], dtype=DTYPES[c]) for c in COLUMNS})


_SHARED: Dict[Tuple[Any, ...], Mapper] = {}
_SHARED_LOCK = threading.Lock()


def shared_mapper(gazetteer: Optional[str] = None, **options: Any) -> Mapper:
    """The process's one :class:`Mapper` for these arguments, built on first use.

    Distributed workers (Spark executors, Dask workers) call this in every task:
    the gazetteer is loaded once per process, not once per task or partition, and a
    mapper never has to be pickled and shipped.
    """
    # Lists (layers) become tuples so that the options can key the cache.
    key = (None if gazetteer is None else str(gazetteer),) + tuple(
        (k, tuple(v) if isinstance(v, list) else v) for k, v in sorted(options.items())
    )
    with _SHARED_LOCK:
        mapper = _SHARED.get(key)
        if mapper is None:
            mapper = Mapper(gazetteer, **options)
            _SHARED[key] = mapper
        return mapper



def _map_pandas(mapper: Mapper, pdf, text_col: str, id_col: str, threads: Optional[int]):
    """Rows for a pandas batch of documents: the Spark and Dask recipes' one step. A
    missing text maps to nothing, like an empty one; ids are written as strings."""
    texts = pdf[text_col]
    texts = texts.where(texts.notna(), "").tolist()
    ids = pdf[id_col].astype(str).tolist()
    return mapper.to_dataframe(texts, ids=ids, threads=threads)


def _geopandas():
    try:
        import geopandas
    except ImportError as e:  # pragma: no cover - exercised only without geopandas
        raise ImportError(
            "to_geodataframe needs geopandas: pip install 'mentionmap[geo]' "
            "(or pip install geopandas shapely)"
        ) from e
    return geopandas


def to_geodataframe(data):
    """A GeoDataFrame of points (CRS EPSG:4326) from mentionmap results.

    ``data`` is one FeatureCollection from :meth:`Mapper.map`, a list of them from
    :meth:`Mapper.map_many` (one row per place and document, with ``doc`` set to the
    collection's ``metadata.doc`` or its position), or flat rows (a pandas DataFrame
    from :meth:`Mapper.to_dataframe`, or a list of row dicts from
    :meth:`Mapper.rows`), which keep one row per mention.

    Raises ImportError with an install hint when geopandas is missing.
    """
    gpd = _geopandas()
    pd = _pandas()

    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        return _features_frame(gpd, [data], single=True)
    if isinstance(data, pd.DataFrame):
        return _rows_frame(gpd, data)
    if isinstance(data, (list, tuple)):
        if all(isinstance(d, dict) and d.get("type") == "FeatureCollection" for d in data):
            return _features_frame(gpd, list(data), single=False)
        if all(isinstance(d, dict) and "lat" in d and "lon" in d for d in data):
            return _rows_frame(gpd, pd.DataFrame(list(data), columns=list(COLUMNS)))
    raise TypeError(
        "to_geodataframe takes a FeatureCollection dict, a list of them, "
        "or flat rows (a DataFrame or a list of row dicts)"
    )


def _features_frame(gpd, collections: List[dict], single: bool):
    from shapely.geometry import Point

    pd = _pandas()
    records = []
    geometry = []
    for i, fc in enumerate(collections):
        doc = (fc.get("metadata") or {}).get("doc")
        for f in fc["features"]:
            props = dict(f["properties"])
            if not single:
                props["doc"] = doc if doc is not None else str(i)
            props["id"] = f.get("id")
            lon, lat = f["geometry"]["coordinates"]
            records.append(props)
            geometry.append(Point(lon, lat))
    # The same columns in the same order whether there are features or not; any
    # property this version does not know comes last rather than being dropped.
    columns = list(FEATURE_PROPERTIES) + ([] if single else ["doc"]) + ["id"]
    for r in records:
        columns += [k for k in r if k not in columns]
    frame = pd.DataFrame.from_records(records, columns=columns)
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometry), crs="EPSG:4326")


def _rows_frame(gpd, df):
    return gpd.GeoDataFrame(
        df.copy(), geometry=gpd.points_from_xy(df["lon"], df["lat"]), crs="EPSG:4326"
    )
