"""The scores table (one row per submitted assessment and dimension) and the peer groups counted from it."""

from __future__ import annotations

import sys
from array import array
from collections import Counter, defaultdict

import sqlite_utils

from ..core.benchmarks import BINS, BINS_PER_POINT, BinnedScores, bin_of
from ..core.scoring import Scores
from .cohorts import add_submission

# Bins are stored little-endian whatever the machine, so that a database file moves between machines.
_SWAP = sys.byteorder != "little"


def _unpack(blob: bytes) -> array:
    counts = array("i", blob)
    if _SWAP:
        counts.byteswap()
    return counts


def _pack(counts: array) -> bytes:
    if _SWAP:
        counts = array("i", counts)
        counts.byteswap()
    return counts.tobytes()


def _groups(questionnaire_id: str, version: int, sector: str, size: str) -> tuple[tuple, ...]:
    """The three peer groups a firm's score counts in: its sector and size, its sector, everyone."""
    return (
        (questionnaire_id, version, sector, size),
        (questionnaire_id, version, sector, ""),
        (questionnaire_id, version, "", ""),
    )


_KEY = "questionnaire_id = ? AND questionnaire_version = ? AND sector = ? AND size = ? AND dimension = ?"


def count_in_bins(db: sqlite_utils.Database, changes: list[tuple]) -> None:
    """Apply (questionnaire id, version, sector, size, dimension, score, +1 or -1) to every group it belongs to."""
    deltas: dict[tuple, Counter] = defaultdict(Counter)
    for questionnaire_id, version, sector, size, dimension, score, sign in changes:
        for group in _groups(questionnaire_id, version, sector, size):
            deltas[group + (dimension,)][bin_of(score)] += sign
    for key, delta in deltas.items():
        row = db.execute(f"SELECT counts FROM peer_bins WHERE {_KEY}", key).fetchone()
        counts = _unpack(row[0]) if row else array("i", bytes(4 * BINS))
        for bin_, change in delta.items():
            counts[bin_] += change
        db.execute(
            "INSERT INTO peer_bins (questionnaire_id, questionnaire_version, sector, size, dimension, counts) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET counts = excluded.counts",
            [*key, _pack(counts)],
        )


def rebuild_peer_bins(db: sqlite_utils.Database) -> None:
    """Count every latest score into its peer groups again, from the scores (inside the caller's transaction)."""
    totals: dict[tuple, array] = defaultdict(lambda: array("i", bytes(4 * BINS)))
    # The bin as bin_of() computes it: the nearest tenth, halves up (scores are never negative).
    for questionnaire_id, version, sector, size, dimension, bin_, count in db.execute(
        "SELECT questionnaire_id, questionnaire_version, sector, size, dimension, "
        f"CAST(score * {BINS_PER_POINT} + 0.5 AS INTEGER), count(*) FROM scores WHERE is_latest = 1 "
        "GROUP BY 1, 2, 3, 4, 5, 6"
    ):
        for group in _groups(questionnaire_id, version, sector, size):
            totals[group + (dimension,)][bin_] += count
    db.execute("DELETE FROM peer_bins")
    db.conn.executemany(
        "INSERT INTO peer_bins (questionnaire_id, questionnaire_version, sector, size, dimension, counts) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(*key, _pack(counts)) for key, counts in totals.items()],
    )


def peer_groups_held(db: sqlite_utils.Database) -> tuple[int, int]:
    """Return how many peer groups are counted, and how many firms the widest groups hold in all."""
    groups = db.execute(
        "SELECT count(*) FROM (SELECT DISTINCT questionnaire_id, questionnaire_version, sector, size FROM peer_bins)"
    ).fetchone()[0]
    firms = sum(
        sum(_unpack(counts))
        for (counts,) in db.execute("SELECT counts FROM peer_bins WHERE sector = '' AND dimension = 'overall'")
    )
    return groups, firms


def bins_held(db: sqlite_utils.Database) -> list[tuple]:
    """Return every group's counts as (questionnaire id, version, sector, size, dimension, {bin: count}), sorted."""
    return sorted(
        (*key, {b: n for b, n in enumerate(_unpack(counts)) if n})
        for *key, counts in db.execute(
            "SELECT questionnaire_id, questionnaire_version, sector, size, dimension, counts FROM peer_bins"
        )
    )


def store_scores(db: sqlite_utils.Database, assessment: dict, scores: Scores, period: str, is_demo: int = 0) -> None:
    """Write one row per scored dimension; earlier assessments of the firm stop being its latest.

    The peer groups and the dashboard's rows follow in the same transaction: the firm's earlier
    latest scores leave the groups, the new ones come in.
    """
    leaving = [
        (*row, -1)
        for row in db.execute(
            "SELECT questionnaire_id, questionnaire_version, sector, size, dimension, score FROM scores "
            "WHERE firm_id = ? AND is_latest = 1",
            [assessment["firm_id"]],
        )
    ]
    db.execute("UPDATE scores SET is_latest = 0 WHERE firm_id = ? AND is_latest = 1", [assessment["firm_id"]])
    base = (
        assessment["id"],
        assessment["firm_id"],
        scores.questionnaire_id,
        scores.version,
        assessment["sector"],
        assessment["size"],
        assessment["region"],
        period,
        1,
        is_demo,
    )
    db.conn.executemany(
        "INSERT INTO scores VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [base + (dimension, score) for dimension, score in scores.dimensions().items() if score is not None],
    )
    group = (scores.questionnaire_id, scores.version, assessment["sector"], assessment["size"])
    coming = [(*group, d, score, 1) for d, score in scores.dimensions().items() if score is not None]
    count_in_bins(db, leaving + coming)
    add_submission(db, assessment, scores, period, is_demo)


def firm_scores(db: sqlite_utils.Database, firm_id: int, questionnaire_id: str, version: int) -> dict[str, float]:
    """Return a firm's latest scores on a questionnaire version, by dimension."""
    return dict(
        db.execute(
            "SELECT dimension, score FROM scores WHERE firm_id = ? AND is_latest = 1 "
            "AND questionnaire_id = ? AND questionnaire_version = ?",
            [firm_id, questionnaire_id, version],
        ).fetchall()
    )


def group_scores(
    db: sqlite_utils.Database, questionnaire_id: str, version: int, sector: str | None, size: str | None
) -> dict[str, BinnedScores]:
    """Return the latest scores of a group's firms by dimension, as counts per bin.

    `sector` and `size` None: every sector, every size.
    """
    return {
        dimension: BinnedScores(_unpack(counts))
        for dimension, counts in db.execute(
            "SELECT dimension, counts FROM peer_bins WHERE questionnaire_id = ? AND questionnaire_version = ? "
            "AND sector = ? AND size = ?",
            [questionnaire_id, version, sector or "", size or ""],
        )
    }
