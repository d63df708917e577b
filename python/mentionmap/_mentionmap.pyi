"""Type stubs for the compiled part of mentionmap (PyO3, python/src/lib.rs)."""

import os
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple, Union

__version__: str
#: The credit GeoNames' CC BY 4.0 licence asks for.
GEONAMES_ATTRIBUTION: str
#: Names of the flat row columns, in order (Mapper.columns, Mapper.rows).
COLUMNS: List[str]

FeatureCollection = Dict[str, Any]

class MentionmapError(Exception):
    """An error from mentionmap: an unreadable or corrupt gazetteer, bad input."""

class Mapper:
    """Maps texts to the places they mention, over a gazetteer loaded once.

    Immutable and safe to share between threads; mapping releases the GIL.
    """

    def __new__(
        cls,
        gazetteer: Union[str, "os.PathLike[str]", None] = None,
        *,
        demonyms: bool = True,
        min_score: Optional[float] = None,
        min_confidence: Optional[float] = None,
        boilerplate_filter: bool = True,
        layers: Optional[Sequence[str]] = None,
    ) -> "Mapper":
        """Loads ``gazetteer`` (a path; None for the bundled default).

        Raises MentionmapError when the file cannot be read or is not a gazetteer,
        ValueError for an unknown layer name, a non-finite ``min_score`` or a
        ``min_confidence`` outside 0..1.
        """
    @property
    def gazetteer(self) -> str:
        """Where the gazetteer was read from ("bundled default gazetteer" or a path)."""
    @property
    def attribution(self) -> List[str]:
        """Attribution lines for the gazetteer's data, GeoNames (CC BY 4.0) first."""
    def __len__(self) -> int:
        """Number of places in the gazetteer."""
    def map(self, text: str, *, doc: Optional[str] = None) -> FeatureCollection:
        """Maps one text to a GeoJSON FeatureCollection, as ``mentionmap map`` writes it.

        One Point feature per place ([lon, lat] WGS84 degrees) with flat properties
        (name, gazetteer_name, geonameid, layer, feature_code, country_code, admin1,
        population, confidence, method, uncertainty_km, anchor, mention_count,
        mentions); each mention has code-point ``start``/``end`` into ``text`` (and
        ``byte_start``/``byte_end`` into its UTF-8). ``metadata`` carries ``doc``, the
        gazetteer and the attribution. Raises TypeError when ``text`` is not a str.
        """
    def map_many(
        self,
        texts: Iterable[str],
        *,
        ids: Optional[Iterable[Any]] = None,
        threads: Optional[int] = None,
    ) -> List[FeatureCollection]:
        """Maps many texts in parallel (GIL released); results in input order.

        ``ids`` (str() of each) become ``metadata.doc``. ``threads``: worker threads
        for this call (None: one per core, 1: this thread only). Results do not
        depend on ``threads``.
        """
    def columns(
        self,
        texts: Iterable[str],
        *,
        ids: Optional[Iterable[Any]] = None,
        threads: Optional[int] = None,
    ) -> Dict[str, List[Any]]:
        """Maps many texts to flat rows, one per mention, as equal-length column lists
        keyed by COLUMNS. ``doc_id`` is str(ids[i]), or the text's position."""
    def resolve(self, name: str, limit: int = 10) -> List[Dict[str, Any]]:
        """Gazetteer candidates for ``name``, best-known first (kind, population):
        geonameid, id, name, kind, feature_code, country_code, admin1, population,
        lat, lon, matched_as, prior. Raises ValueError for an empty name."""
    def near(
        self, lat: float, lon: float, km: float = 25.0, limit: int = 50
    ) -> List[Dict[str, Any]]:
        """Gazetteer places within ``km`` kilometres (haversine) of (``lat``, ``lon``)
        degrees, nearest first, each with its distance ``km``. Raises ValueError
        outside lat [-90, 90], lon [-180, 180], km [0, 20100]."""
