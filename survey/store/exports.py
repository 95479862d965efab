"""The submitted assessments an export holds, read in batches: profile, answers and both kinds of scores."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import NamedTuple

import sqlite_utils

from .assessments import decode_answer
from .selection import ExportFilter

BATCH = 500


class Scope(NamedTuple):
    """Whose firms an account may export one by one: every firm, a consultant's, or a programme's agreed ones."""

    consultant_id: int | None = None
    programme_id: int | None = None  # a manager's: only firms whose owners let the managers read them
    everyone: bool = False


def _selection(questionnaire_id: str, version: int, filters: ExportFilter, scope: Scope) -> tuple[str, list] | None:
    """Return the WHERE clause and parameters of an export, or None when the scope lets nothing through."""
    where = ["a.status = 'submitted'", "a.questionnaire_id = ?", "a.questionnaire_version = ?"]
    params: list = [questionnaire_id, version]
    for column, value in (
        ("f.sector", filters.sector),
        ("f.size", filters.size),
        ("f.region", filters.region),
        ("a.period", filters.period),
        ("f.programme_id", filters.programme_id),
    ):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if not filters.include_demo:
        where.append("a.is_demo = 0")
    if not scope.everyone:
        if scope.consultant_id is not None:
            where.append("f.id IN (SELECT firm_id FROM firm_consultants WHERE user_id = ?)")
            params.append(scope.consultant_id)
        elif scope.programme_id is not None:
            where.append(
                "f.programme_id = ? AND f.answers_to_programme = 1 "
                "AND (SELECT managers_see_answers FROM programmes WHERE id = f.programme_id) = 1"
            )
            params.append(scope.programme_id)
        else:
            return None
    return " AND ".join(where), params


def count_records(
    db: sqlite_utils.Database, questionnaire_id: str, version: int, filters: ExportFilter, scope: Scope
) -> int:
    """Return how many assessments an export would hold."""
    selection = _selection(questionnaire_id, version, filters, scope)
    if selection is None:
        return 0
    where, params = selection
    return db.execute(
        f"SELECT count(*) FROM assessments a JOIN firms f ON f.id = a.firm_id WHERE {where}", params
    ).fetchone()[0]


def export_records(
    db: sqlite_utils.Database, questionnaire_id: str, version: int, filters: ExportFilter, scope: Scope
) -> Iterator[dict]:
    """Yield each submitted assessment on this questionnaire version that the scope and filters let through.

    Oldest first. Each record has the profile columns of core.codebook, "answers" by question
    id, and "scores" and "verified" as stored (verified None when not checked).
    """
    selection = _selection(questionnaire_id, version, filters, scope)
    if selection is None:
        return
    where, params = selection
    cursor = db.conn.execute(
        f"""
        SELECT a.id AS assessment_id, f.id AS firm_id, f.name AS firm, f.sector, f.size, f.region,
               p.name AS programme, a.period, a.questionnaire_id AS questionnaire,
               a.questionnaire_version AS version, a.created_at AS started, a.submitted_at AS submitted,
               a.entered_by IS NOT NULL AS entered_on_behalf, a.scores_json, a.verified_scores_json
          FROM assessments a JOIN firms f ON f.id = a.firm_id LEFT JOIN programmes p ON p.id = f.programme_id
         WHERE {where}
         ORDER BY a.id
        """,
        params,
    )
    names = [column[0] for column in cursor.description]
    while batch := cursor.fetchmany(BATCH):
        records = [dict(zip(names, row)) for row in batch]
        answers: dict[int, dict] = {r["assessment_id"]: {} for r in records}
        marks = ", ".join("?" * len(records))
        for assessment_id, question_id, value in db.conn.execute(
            f"SELECT assessment_id, question_id, value FROM answers WHERE assessment_id IN ({marks})", list(answers)
        ):
            answers[assessment_id][question_id] = decode_answer(value)
        for record in records:
            record["answers"] = answers[record["assessment_id"]]
            record["scores"] = json.loads(record.pop("scores_json"))
            verified = record.pop("verified_scores_json")
            record["verified"] = json.loads(verified) if verified else None
            record["entered_on_behalf"] = bool(record["entered_on_behalf"])
            yield record
