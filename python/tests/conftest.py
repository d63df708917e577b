"""Shared fixtures: one Mapper for the session, the seed article and a small corpus
from the shared evaluation set (both live in ../shared beside the repository; the
tests that need them are skipped where it is absent)."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest

import mentionmap

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("MENTIONMAP_SHARED", REPO.parent / "shared"))
SEED = SHARED / "examples" / "aleppo-2016.txt"
DEV = SHARED / "eval" / "dev"


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a sphere of radius 6371.0088 km (the mean radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, a)))


def load_corpus(n_per_file: int = 10) -> list[dict]:
    """The first `n_per_file` documents of each dev JSONL file: {"id", "text"}."""
    docs = []
    for path in sorted(DEV.glob("*.jsonl")):
        with path.open(encoding="utf-8") as f:
            for i, line in enumerate(f):
                if i >= n_per_file:
                    break
                d = json.loads(line)
                docs.append({"id": str(d["id"]), "text": d["text"]})
    return docs


@pytest.fixture(scope="session")
def mapper() -> mentionmap.Mapper:
    return mentionmap.Mapper()


@pytest.fixture(scope="session")
def seed_text() -> str:
    if not SEED.is_file():
        pytest.skip(f"seed article not present: {SEED}")
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def corpus() -> list[dict]:
    docs = load_corpus()
    if len(docs) < 20:
        pytest.skip(f"evaluation corpus not present: {DEV}")
    return docs
