"""The dashboard's rows: each submitted assessment's scores packed small, with what a view filters on.

A view of a programme's firms reads one narrow row per firm (its latest assessment, or its last
in a period) instead of a score row per dimension: a hundred thousand firms in one pass.
Each submission and each consultant's check keeps the rows in its own transaction;
rebuild_cohorts() makes them again from the assessments.
"""

from __future__ import annotations

import json
import math
import sys
from array import array

import sqlite_utils

from ..core.cohorts import CohortPairs, CohortRows
from ..core.scoring import Scores
from .selection import ExportFilter

TENTHS = 10  # scores are kept to a tenth of a point
NO_SCORE = -1
_SWAP = sys.byteorder != "little"  # packed little-endian whatever the machine: the file moves


def pack(scores: Scores, dimensions: list[str]) -> bytes:
    """Return a response's scores as tenths of a point in the layout's order."""
    found = scores.dimensions()
    # Rounded down, so that a firm's level on the dashboard is the level its results page gives
    # (49.96 is "basic" there, and 49.9 here); the millionth absorbs float error (57.3 * 10 = 572.99…).
    values = array(
        "h", (NO_SCORE if found.get(d) is None else math.floor(found[d] * TENTHS + 1e-6) for d in dimensions)
    )
    if _SWAP:
        values.byteswap()
    return values.tobytes()


def layout(db: sqlite_utils.Database, questionnaire_id: str, version: int, scores: Scores | None = None) -> list[str]:
    """Return the order of a version's dimensions in its packed rows; record it from `scores` the first time."""
    row = db.execute(
        "SELECT dimensions FROM cohort_layouts WHERE questionnaire_id = ? AND questionnaire_version = ?",
        [questionnaire_id, version],
    ).fetchone()
    if row:
        return json.loads(row[0])
    if scores is None:
        return []
    dimensions = list(scores.dimensions())
    db.execute(
        "INSERT INTO cohort_layouts (questionnaire_id, questionnaire_version, dimensions) VALUES (?, ?, ?)",
        [questionnaire_id, version, json.dumps(dimensions)],
    )
    return dimensions


COLUMNS = (
    "assessment_id", "firm_id", "questionnaire_id", "questionnaire_version", "sector", "size", "region", "period",
    "is_demo", "is_latest", "last_of_period", "baseline_id", "declared", "verified",
)  # fmt: skip
INSERT = f"INSERT INTO cohort_scores ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"


def unscored(scores: Scores) -> bool:
    """Whether nothing was scored: no view counts such a submission (nor do the peer groups)."""
    return all(value is None for value in scores.dimensions().values())


def add_submission(db: sqlite_utils.Database, assessment: dict, scores: Scores, period: str, is_demo: int) -> None:
    """Add a submission as its firm's latest and as the last of its period (inside the caller's transaction)."""
    if unscored(scores):
        return
    key = [assessment["firm_id"], scores.questionnaire_id]
    earlier = db.execute(
        "SELECT baseline_id FROM cohort_scores WHERE firm_id = ? AND questionnaire_id = ? LIMIT 1", key
    ).fetchone()
    db.execute("UPDATE cohort_scores SET is_latest = 0 WHERE firm_id = ? AND questionnaire_id = ? AND is_latest", key)
    db.execute(
        "UPDATE cohort_scores SET last_of_period = 0 "
        "WHERE firm_id = ? AND questionnaire_id = ? AND period = ? AND last_of_period",
        [*key, period],
    )
    dimensions = layout(db, scores.questionnaire_id, scores.version, scores)
    row = _row(assessment, scores, period, is_demo, earlier[0] if earlier else assessment["id"], dimensions)
    db.execute(INSERT, row)


def _row(assessment: dict, scores: Scores, period: str, is_demo: int, baseline_id: int, dimensions: list[str]):
    """The row of a new submission: its firm's latest, and the last of its period."""
    return [
        assessment["id"], assessment["firm_id"], scores.questionnaire_id, scores.version, assessment["sector"],
        assessment["size"], assessment["region"], period, is_demo, 1, 1, baseline_id, pack(scores, dimensions), None,
    ]  # fmt: skip


def set_verified(db: sqlite_utils.Database, assessment_id: int, scores: Scores) -> None:
    """Record the scores a consultant's check gives an assessment (inside the caller's transaction)."""
    dimensions = layout(db, scores.questionnaire_id, scores.version, scores)
    db.execute(
        "UPDATE cohort_scores SET verified = ? WHERE assessment_id = ?", [pack(scores, dimensions), assessment_id]
    )


def rebuild_cohorts(db: sqlite_utils.Database) -> None:
    """Make every row again from the submitted assessments and their scores (inside the caller's transaction).

    In one pass over the submissions, firm by firm in the order they were submitted (the scores
    table's rows are written at submission), with one insert for all: a hundred thousand
    assessments in seconds, well inside the time a waiting writer allows.
    """
    db.execute("DELETE FROM cohort_scores")
    # The profile as the scores table holds it: the firm's when it submitted.
    found = db.execute(
        """
        SELECT a.id, a.firm_id, s.sector, s.size, s.region, s.period, s.is_demo, a.scores_json,
               a.verified_scores_json
          FROM assessments a
          JOIN (SELECT assessment_id, min(rowid) AS submitted, sector, size, region, period, is_demo
                  FROM scores GROUP BY assessment_id) s ON s.assessment_id = a.id
         WHERE a.status = 'submitted'
         ORDER BY a.firm_id, s.submitted
        """
    ).fetchall()
    rows: list[list] = []
    layouts: dict[tuple, list[str]] = {}
    latest: dict[tuple, list] = {}  # (firm, questionnaire) -> its newest row so far
    last_in_period: dict[tuple, list] = {}  # (firm, questionnaire, period) -> its newest row there
    baselines: dict[tuple, int] = {}
    latest_column, period_column = COLUMNS.index("is_latest"), COLUMNS.index("last_of_period")
    for assessment_id, firm_id, sector, size, region, period, is_demo, declared, verified in found:
        scores = Scores.from_dict(json.loads(declared), questions=False)
        if unscored(scores):
            continue
        version = (scores.questionnaire_id, scores.version)
        if version not in layouts:
            layouts[version] = layout(db, *version, scores)
        key = (firm_id, scores.questionnaire_id)
        profile = {"id": assessment_id, "firm_id": firm_id, "sector": sector, "size": size, "region": region}
        row = _row(profile, scores, period, is_demo, baselines.setdefault(key, assessment_id), layouts[version])
        if verified:
            row[-1] = pack(Scores.from_dict(json.loads(verified), questions=False), layouts[version])
        if key in latest:
            latest[key][latest_column] = 0
        latest[key] = row
        if (*key, period) in last_in_period:
            last_in_period[(*key, period)][period_column] = 0
        last_in_period[(*key, period)] = row
        rows.append(row)
    db.conn.executemany(INSERT, rows)


def rows_held(db: sqlite_utils.Database) -> list[tuple]:
    """Return every row as stored, sorted: for comparing rows kept by submissions with rebuilt ones."""
    return db.execute(
        "SELECT assessment_id, firm_id, questionnaire_id, questionnaire_version, sector, size, region, period, "
        "is_demo, is_latest, last_of_period, baseline_id, declared, verified FROM cohort_scores ORDER BY 1"
    ).fetchall()


def _where(questionnaire_id: str, version: int, filters: ExportFilter) -> tuple[str, list]:
    if filters.period is None:
        where = ["c.is_latest = 1"]
        params: list = []
    else:
        where = ["c.period = ?", "c.last_of_period = 1"]
        params = [filters.period]
    where += ["c.questionnaire_id = ?", "c.questionnaire_version = ?"]
    params += [questionnaire_id, version]
    for column, value in (("sector", filters.sector), ("size", filters.size), ("region", filters.region)):
        if value is not None:
            where.append(f"c.{column} = ?")
            params.append(value)
    held, held_params = _held(filters)
    return " AND ".join(where) + held, params + held_params


def read_rows(
    db: sqlite_utils.Database, questionnaire_id: str, version: int, filters: ExportFilter, verified: bool
) -> CohortRows:
    """Return each filtered firm's scores once: its latest assessment, or its last in the chosen period.

    `verified`: the scores a consultant's check gives, for the firms checked; else as declared.
    """
    where, params = _where(questionnaire_id, version, filters)
    column = "verified" if verified else "declared"
    found = db.execute(
        f"SELECT c.sector, c.{column} FROM cohort_scores c WHERE {where} AND c.{column} IS NOT NULL", params
    ).fetchall()
    return CohortRows(
        layout(db, questionnaire_id, version), [row[0] for row in found], b"".join(row[1] for row in found)
    )


def read_pairs(
    db: sqlite_utils.Database, questionnaire_id: str, version: int, filters: ExportFilter, verified: bool
) -> CohortPairs:
    """Return the filtered firms' follow-ups (as read_rows picks them) that have an earlier baseline, with it."""
    where, params = _where(questionnaire_id, version, filters)
    column = "verified" if verified else "declared"
    found = db.execute(
        f"SELECT b.questionnaire_version, c.{column}, b.{column} FROM cohort_scores c "
        f"JOIN cohort_scores b ON b.assessment_id = c.baseline_id "
        f"WHERE {where} AND c.baseline_id != c.assessment_id AND c.{column} IS NOT NULL AND b.{column} IS NOT NULL",
        params,
    ).fetchall()
    follow_ups: dict[int, list[bytes]] = {}
    baselines: dict[int, list[bytes]] = {}
    for baseline_version, follow_up, baseline in found:
        follow_ups.setdefault(baseline_version, []).append(follow_up)
        baselines.setdefault(baseline_version, []).append(baseline)
    return CohortPairs(
        layout(db, questionnaire_id, version),
        {
            v: (layout(db, questionnaire_id, v), b"".join(follow_ups[v]), b"".join(baselines[v]))
            for v in sorted(baselines)
        },
    )


def periods(db: sqlite_utils.Database, questionnaire_id: str, version: int, filters: ExportFilter) -> list[str]:
    """Return the periods the version's submissions of the filter's programme fall in, newest first."""
    where, params = _held(filters)
    # The few periods from the index first, then one look each for a submission of the programme:
    # a scan of every row for its programme took 60 ms at 100,000 assessments.
    return [
        row[0]
        for row in db.execute(
            "SELECT p.period FROM (SELECT DISTINCT period FROM cohort_scores "
            "WHERE questionnaire_id = ? AND questionnaire_version = ?) p "
            "WHERE EXISTS (SELECT 1 FROM cohort_scores c WHERE c.questionnaire_id = ? AND c.questionnaire_version = ? "
            f"AND c.period = p.period{where}) ORDER BY 1 DESC",
            [questionnaire_id, version, questionnaire_id, version, *params],
        )
    ]


def versions(db: sqlite_utils.Database, questionnaire_id: str, filters: ExportFilter) -> list[int]:
    """Return the versions of a questionnaire the filter's programme has submissions on, newest first."""
    where, params = _held(filters)
    return [
        row[0]
        for row in db.execute(
            "SELECT v.version FROM (SELECT DISTINCT questionnaire_version AS version FROM cohort_scores "
            "WHERE questionnaire_id = ?) v WHERE EXISTS (SELECT 1 FROM cohort_scores c "
            f"WHERE c.questionnaire_id = ? AND c.questionnaire_version = v.version{where}) ORDER BY 1 DESC",
            [questionnaire_id, questionnaire_id, *params],
        )
    ]


def _held(filters: ExportFilter) -> tuple[str, list]:
    """The programme and demo clauses of a filter: which periods and versions a view may offer."""
    where, params = "", []
    if filters.programme_id is not None:
        where += " AND c.firm_id IN (SELECT id FROM firms WHERE programme_id = ?)"
        params.append(filters.programme_id)
    if not filters.include_demo:
        where += " AND c.is_demo = 0"
    return where, params
