"""Firms, assessments and answers in the database: every query the owner pages need."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import datetime, timezone
from typing import Any

import sqlite_utils

from .db import write
from .profile import period_of
from .questionnaire import Questionnaire
from .scoring import Scores
from .versions import publish


class AssessmentLocked(Exception):
    """The assessment was submitted: its answers can no longer change."""


def now() -> str:
    """Return the current UTC time as an ISO timestamp."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def hash_token(token: str) -> str:
    """Return the stored form of a resume token: a leaked database reveals no working link."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    """Return an unguessable resume token (144 random bits)."""
    return secrets.token_urlsafe(18)


def encode_answer(value: Any) -> str:
    return json.dumps(list(value) if isinstance(value, tuple) else value, ensure_ascii=False)


def decode_answer(text: str) -> Any:
    value = json.loads(text)
    return tuple(value) if isinstance(value, list) else value


def start_assessment(db: sqlite_utils.Database, questionnaire: Questionnaire, profile: dict,
                     firm_id: int | None = None, previous: dict | None = None) -> str:
    """Create a firm (unless given) and a draft assessment; return its resume token."""
    token = new_token()
    stamp = now()
    with write(db):
        publish(db, questionnaire)
        if firm_id is None:
            firm_id = db["firms"].insert({**profile, "is_demo": 0, "created_at": stamp}).last_pk
        assessment_id = db["assessments"].insert({
            "firm_id": firm_id, "token_hash": hash_token(token), "questionnaire_id": questionnaire.id,
            "questionnaire_version": questionnaire.version, "status": "draft", "current_section": 0,
            "previous_id": previous and previous["id"], "created_at": stamp, "updated_at": stamp,
        }).last_pk
        if previous is not None:
            # A follow-up starts from the previous answers that still fit: the owner updates what changed.
            db.execute(
                "INSERT INTO answers (assessment_id, question_id, value) SELECT ?, question_id, value "
                "FROM answers WHERE assessment_id = ?", [assessment_id, previous["id"]],
            )
            db.execute(
                f"DELETE FROM answers WHERE assessment_id = ? AND question_id NOT IN "
                f"({', '.join('?' * len(questionnaire.questions))})",
                [assessment_id, *questionnaire.questions],
            )
    return token


def find_assessment(db: sqlite_utils.Database, token: str) -> dict | None:
    """Return the assessment a resume token opens, with its firm, or None."""
    cursor = db.execute(
        "SELECT a.*, f.name AS firm_name, f.sector, f.size, f.region, f.year_founded "
        "FROM assessments a JOIN firms f ON f.id = a.firm_id WHERE a.token_hash = ?",
        [hash_token(token)],
    )
    row = cursor.fetchone()
    return None if row is None else dict(zip([c[0] for c in cursor.description], row))


def load_answers(db: sqlite_utils.Database, assessment_id: int) -> dict[str, Any]:
    """Return every stored answer of an assessment, by question id."""
    rows = db.execute("SELECT question_id, value FROM answers WHERE assessment_id = ?", [assessment_id])
    return {qid: decode_answer(value) for qid, value in rows}


def save_answers(db: sqlite_utils.Database, assessment_id: int, answers: dict[str, Any],
                 current_section: int) -> None:
    """Store a page of answers (None clears one) and where the owner is; refuse a locked assessment."""
    with write(db):
        changed = db.execute(
            "UPDATE assessments SET current_section = ?, updated_at = ? WHERE id = ? AND status = 'draft'",
            [current_section, now(), assessment_id],
        ).rowcount
        if not changed:
            raise AssessmentLocked()
        for qid, value in answers.items():
            if value is None:
                db.execute("DELETE FROM answers WHERE assessment_id = ? AND question_id = ?", [assessment_id, qid])
            else:
                db.execute(
                    "INSERT INTO answers (assessment_id, question_id, value) VALUES (?, ?, ?) "
                    "ON CONFLICT (assessment_id, question_id) DO UPDATE SET value = excluded.value",
                    [assessment_id, qid, encode_answer(value)],
                )


def submit_assessment(db: sqlite_utils.Database, assessment: dict, scores: Scores,
                      hidden: set[str]) -> None:
    """Lock an assessment with its scores, and make them its firm's latest for benchmarks."""
    stamp = now()
    with write(db):
        changed = db.execute(
            "UPDATE assessments SET status = 'submitted', submitted_at = ?, updated_at = ?, period = ?, "
            "scores_json = ?, overall = ? WHERE id = ? AND status = 'draft'",
            [stamp, stamp, period_of(stamp), json.dumps(scores.to_dict()), scores.overall, assessment["id"]],
        ).rowcount
        if not changed:
            raise AssessmentLocked()
        if hidden:
            # Answers a condition hides count nowhere: they are cleared for good on submission.
            db.execute(
                f"DELETE FROM answers WHERE assessment_id = ? AND question_id IN ({', '.join('?' * len(hidden))})",
                [assessment["id"], *sorted(hidden)],
            )
        store_scores(db, assessment, scores, period_of(stamp))


def store_scores(db: sqlite_utils.Database, assessment: dict, scores: Scores, period: str,
                 is_demo: int = 0) -> None:
    """Write one row per scored dimension; earlier assessments of the firm stop being its latest."""
    db.execute("UPDATE scores SET is_latest = 0 WHERE firm_id = ? AND is_latest = 1", [assessment["firm_id"]])
    base = (assessment["id"], assessment["firm_id"], scores.questionnaire_id, scores.version,
            assessment["sector"], assessment["size"], assessment["region"], period, 1, is_demo)
    db.conn.executemany(
        "INSERT INTO scores VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [base + (dimension, score) for dimension, score in scores.dimensions().items() if score is not None],
    )
    bump_generation(db)


def bump_generation(db: sqlite_utils.Database) -> None:
    """Tell every worker's benchmark cache that scores changed."""
    db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'scores_generation'")


def firm_history(db: sqlite_utils.Database, firm_id: int) -> list[dict]:
    """Return a firm's submitted assessments, oldest first, with their overall scores."""
    rows = db.execute(
        "SELECT id, submitted_at, overall, questionnaire_version FROM assessments "
        "WHERE firm_id = ? AND status = 'submitted' ORDER BY submitted_at, id", [firm_id],
    )
    return [dict(zip(("id", "submitted_at", "overall", "questionnaire_version"), row)) for row in rows]
