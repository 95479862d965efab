"""The scores table: one row per submitted assessment and dimension, read by the peer groups."""

from __future__ import annotations

from array import array

import sqlite_utils

from ..core.scoring import Scores


def store_scores(db: sqlite_utils.Database, assessment: dict, scores: Scores, period: str, is_demo: int = 0) -> None:
    """Write one row per scored dimension; earlier assessments of the firm stop being its latest."""
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
    bump_generation(db)


def bump_generation(db: sqlite_utils.Database) -> None:
    """Tell every worker's peer-group cache that scores changed."""
    db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'scores_generation'")


def generation(db: sqlite_utils.Database) -> int:
    """Return the counter that every change of scores raises."""
    return int(db.execute("SELECT value FROM meta WHERE key = 'scores_generation'").fetchone()[0])


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
) -> dict[str, array]:
    """Return sorted scores by dimension for the latest assessment of each firm in a group."""
    sql = (
        "SELECT dimension, score FROM scores WHERE questionnaire_id = ? AND questionnaire_version = ? AND is_latest = 1"
    )
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
    return by_dimension
