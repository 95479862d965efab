"""Verified answers: what a consultant found beside what the owner declared, and the scores they give."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from ..core.questionnaire import Questionnaire
from ..core.scoring import Scores, score_response
from .assessments import decode_answer, encode_answer, load_answers, now
from .cohorts import set_verified
from .connection import write


def verified_answers(db: sqlite_utils.Database, assessment_id: int) -> dict[str, dict]:
    """Return the checked answers of an assessment: the value found (None: confirmed) and the evidence."""
    found = {}
    for qid, value, evidence in db.execute(
        "SELECT question_id, value, evidence FROM verifications WHERE assessment_id = ?", [assessment_id]
    ):
        found[qid] = {"value": None if value is None else decode_answer(value), "evidence": evidence}
    return found


def answers_as_verified(declared: dict[str, Any], checked: dict[str, dict]) -> dict[str, Any]:
    """Return the declared answers with every answer found in a check in its place."""
    merged = dict(declared)
    for qid, check in checked.items():
        if check["value"] is not None:
            merged[qid] = check["value"]
    return merged


def save_checks(
    db: sqlite_utils.Database,
    questionnaire: Questionnaire,
    assessment_id: int,
    found: dict[str, Any],
    evidence: dict[str, str],
    user_id: int,
) -> Scores:
    """Record a page of checked answers, each with its own evidence note, and rescore; return the verified scores.

    An answer found equal to the declared one is recorded as confirmed; `evidence` is by question id.
    """
    stamp = now()
    with write(db):
        declared = load_answers(db, assessment_id)
        for qid, value in found.items():
            confirmed = value == declared.get(qid)
            db.execute(
                "INSERT INTO verifications (assessment_id, question_id, value, evidence, verified_by, verified_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (assessment_id, question_id) DO UPDATE SET "
                "value = excluded.value, evidence = excluded.evidence, verified_by = excluded.verified_by, "
                "verified_at = excluded.verified_at",
                [
                    assessment_id,
                    qid,
                    None if confirmed or value is None else encode_answer(value),
                    evidence.get(qid, ""),
                    user_id,
                    stamp,
                ],
            )
        scores = score_response(questionnaire, answers_as_verified(declared, verified_answers(db, assessment_id)))
        db.execute(
            "UPDATE assessments SET verified_scores_json = ? WHERE id = ?",
            [json.dumps(scores.to_dict()), assessment_id],
        )
        set_verified(db, assessment_id, scores)
    return scores
