"""Demo data in the database: synthetic assessments stored, counted and removed."""

from __future__ import annotations

import json

import sqlite_utils

from ..core.questionnaire import Questionnaire
from ..core.synthetic import generate
from .assessments import insert_answers, insert_assessment, insert_firm, new_token
from .connection import write
from .scores import bump_generation, store_scores
from .versions import publish


def store_demo(
    db: sqlite_utils.Database, questionnaire: Questionnaire, count: int, seed: int = 2026, batch: int = 2000
) -> list[str]:
    """Insert demo assessments in batches of write transactions; return their resume tokens."""
    tokens: list[str] = []
    pending: list[dict] = []
    firm_ids: dict[int, int] = {}  # a firm's two assessments may fall in different batches

    def flush() -> None:
        with write(db):
            publish(db, questionnaire)
            for item in pending:
                firm = item["firm"]
                firm_id = firm_ids.get(item["firm_number"])
                if firm_id is None:
                    firm_id = firm_ids[item["firm_number"]] = insert_firm(db, firm, firm["created_at"], is_demo=1)
                scores, stamp = item["scores"], item["submitted_at"]
                assessment_id = insert_assessment(
                    db, firm_id, item["token"], questionnaire, stamp, status="submitted", period=item["period"],
                    scores_json=json.dumps(scores.to_dict()), overall=scores.overall, is_demo=1, submitted_at=stamp,
                )  # fmt: skip
                insert_answers(db, assessment_id, item["answers"])
                store_scores(db, {"id": assessment_id, "firm_id": firm_id, **firm}, scores, item["period"], is_demo=1)
        pending.clear()

    for item in generate(questionnaire, count, seed):
        # As unguessable as an owner's link: anyone could otherwise open every demo assessment.
        item["token"] = new_token()
        tokens.append(item["token"])
        pending.append(item)
        if len(pending) >= batch:
            flush()
    if pending:
        flush()
    return tokens


def drop_demo(db: sqlite_utils.Database) -> int:
    """Delete every demo firm with its assessments, answers and scores; return how many firms."""
    with write(db):
        count = db.execute("SELECT count(*) FROM firms WHERE is_demo = 1").fetchone()[0]
        db.execute("DELETE FROM scores WHERE is_demo = 1")
        db.execute("DELETE FROM answers WHERE assessment_id IN (SELECT id FROM assessments WHERE is_demo = 1)")
        db.execute("DELETE FROM assessments WHERE is_demo = 1")
        db.execute("DELETE FROM firms WHERE is_demo = 1")
        bump_generation(db)
    return count


def has_assessments(db: sqlite_utils.Database) -> bool:
    """Whether the database holds any assessment at all."""
    return db.execute("SELECT EXISTS (SELECT 1 FROM assessments)").fetchone()[0] == 1
