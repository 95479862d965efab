"""Peer groups read from the scores, cached in each worker until scores change."""

from __future__ import annotations

import threading
from array import array
from collections.abc import Iterator

import sqlite_utils

from ..core.benchmarks import ALL, SECTOR, SECTOR_SIZE, Comparison, compare
from ..core.scoring import Scores
from .scores import firm_scores, generation, group_scores

_cache: dict[tuple, tuple[int, dict[str, array]]] = {}
_lock = threading.Lock()


def cached_group(db: sqlite_utils.Database, key: tuple, current: int) -> dict[str, array]:
    """Return a group's sorted scores by dimension, from this worker's cache while still current."""
    cached = _cache.get(key)
    if cached is not None and cached[0] == current:
        return cached[1]
    by_dimension = group_scores(db, *key)
    with _lock:
        _cache[key] = (current, by_dimension)
    return by_dimension


def peer_comparison(db: sqlite_utils.Database, assessment: dict, scores: Scores, minimum: int) -> Comparison:
    """Compare an assessment with the closest peer group that holds at least `minimum` firms."""
    current = generation(db)
    base = (scores.questionnaire_id, scores.version)
    keys = {
        SECTOR_SIZE: base + (assessment["sector"], assessment["size"]),
        SECTOR: base + (assessment["sector"], None),
        ALL: base + (None, None),
    }

    def groups() -> Iterator[tuple[str, dict[str, array]]]:
        for name, key in keys.items():
            yield name, cached_group(db, key, current)

    own = firm_scores(db, assessment["firm_id"], scores.questionnaire_id, scores.version)
    return compare(scores.dimensions(), own, groups(), minimum)


def clear_cache() -> None:
    """Forget every cached group (tests, and commands that rewrite scores)."""
    with _lock:
        _cache.clear()
