"""Peer groups from the database, cached in each worker until scores change."""

from __future__ import annotations

import threading
from array import array
from typing import NamedTuple

import sqlite_utils

from .benchmarks import Summary, choose_group, percentile_rank, summarise
from .scoring import Scores

SECTOR_SIZE, SECTOR, ALL = "sector_size", "sector", "all"


class Comparison(NamedTuple):
    """A firm against the peer group shown on its results page."""

    group: str  # SECTOR_SIZE, SECTOR or ALL
    count: int  # peers in the group, the firm itself left out
    summaries: dict[str, Summary]  # by dimension: overall, pillar and theme ids
    ranks: dict[str, float | None]  # percentile rank by dimension


_cache: dict[tuple, tuple[int, dict[str, array]]] = {}
_lock = threading.Lock()


def generation(db: sqlite_utils.Database) -> int:
    """Return the counter that every change of scores raises."""
    return int(db.execute("SELECT value FROM meta WHERE key = 'scores_generation'").fetchone()[0])


def group_scores(db: sqlite_utils.Database, key: tuple, current: int) -> dict[str, array]:
    """Return sorted scores by dimension for the latest assessment of each firm in a group."""
    cached = _cache.get(key)
    if cached is not None and cached[0] == current:
        return cached[1]
    questionnaire_id, version, sector, size = key
    sql = "SELECT dimension, score FROM scores WHERE questionnaire_id = ? AND questionnaire_version = ? AND is_latest = 1"
    params: list = [questionnaire_id, version]
    if sector is not None:
        sql += " AND sector = ?"
        params.append(sector)
    if size is not None:
        sql += " AND size = ?"
        params.append(size)
    by_dimension: dict[str, array] = {}
    for dimension, score in db.execute(sql + " ORDER BY dimension, score", params):
        by_dimension.setdefault(dimension, array("d")).append(score)
    with _lock:
        _cache[key] = (current, by_dimension)
    return by_dimension


def compare(db: sqlite_utils.Database, assessment: dict, scores: Scores, minimum: int) -> Comparison:
    """Compare an assessment with the closest peer group that holds at least `minimum` firms."""
    current = generation(db)
    own = dict(db.execute(
        "SELECT dimension, score FROM scores WHERE firm_id = ? AND is_latest = 1 "
        "AND questionnaire_id = ? AND questionnaire_version = ?",
        [assessment["firm_id"], scores.questionnaire_id, scores.version],
    ).fetchall())
    base = (scores.questionnaire_id, scores.version)
    keys = {
        SECTOR_SIZE: base + (assessment["sector"], assessment["size"]),
        SECTOR: base + (assessment["sector"], None),
        ALL: base + (None, None),
    }
    loaded, sizes = {}, []
    for name, key in keys.items():
        loaded[name] = group_scores(db, key, current)
        members = len(loaded[name].get("overall", ()))
        sizes.append((name, members - ("overall" in own)))
        if sizes[-1][1] >= minimum:
            break
    group, count = choose_group(sizes, minimum)
    values = loaded[group]
    summaries, ranks = {}, {}
    for dimension, score in scores.dimensions().items():
        peers = values.get(dimension, ())
        summaries[dimension] = summarise(peers, own.get(dimension))
        ranks[dimension] = None if score is None else percentile_rank(peers, score, own.get(dimension))
    return Comparison(group, count, summaries, ranks)


def clear_cache() -> None:
    """Forget every cached group (tests, and commands that rewrite scores)."""
    with _lock:
        _cache.clear()
