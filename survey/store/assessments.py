"""Firms, assessments and answers: every query the owner pages need."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from ..core.answers import Submission, carried_answers, prepare_submission
from ..core.profile import period_of
from ..core.questionnaire import Questionnaire
from ..core.scoring import Scores
from .connection import write
from .rows import one as _one
from .rows import rows as _rows
from .scores import store_scores
from .versions import ensure_published


class AssessmentLocked(Exception):
    """The assessment was submitted: its answers can no longer change."""


def now() -> str:
    """Return the current UTC time as an ISO timestamp."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def hash_token(token: str) -> str:
    """Return the stored form of a resume token: a leaked database reveals no working link."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    """Return an unguessable resume token (144 random bits)."""
    return secrets.token_urlsafe(18)


def encode_answer(value: Any) -> str:
    """Return an answer as stored: JSON, with a checklist's tuple as a list."""
    return json.dumps(list(value) if isinstance(value, tuple) else value, ensure_ascii=False)


def decode_answer(text: str) -> Any:
    """Return a stored answer, with a checklist as a tuple."""
    value = json.loads(text)
    return tuple(value) if isinstance(value, list) else value


def insert_firm(db: sqlite_utils.Database, profile: dict, created_at: str, is_demo: int = 0) -> int:
    """Store a firm's profile; return its id."""
    columns = ("name", "sector", "size", "region", "year_founded")
    row = {name: profile.get(name) for name in columns}
    return db["firms"].insert({**row, "is_demo": is_demo, "created_at": created_at}).last_pk


def insert_assessment(
    db: sqlite_utils.Database, firm_id: int, token: str, questionnaire: Questionnaire, created_at: str, **fields: Any
) -> int:
    """Store a new assessment of a firm (a draft unless `fields` say otherwise); return its id."""
    row = {
        "firm_id": firm_id,
        "token_hash": hash_token(token),
        "questionnaire_id": questionnaire.id,
        "questionnaire_version": questionnaire.version,
        "status": "draft",
        "current_section": 0,
        "created_at": created_at,
        "updated_at": created_at,
        **fields,
    }
    return db["assessments"].insert(row).last_pk


def insert_answers(db: sqlite_utils.Database, assessment_id: int, answers: dict[str, Any]) -> None:
    """Store the answers of a new assessment."""
    db.conn.executemany(
        "INSERT INTO answers (assessment_id, question_id, value) VALUES (?, ?, ?)",
        [(assessment_id, qid, encode_answer(value)) for qid, value in answers.items()],
    )


def start_assessment(
    db: sqlite_utils.Database,
    questionnaire: Questionnaire,
    profile: dict,
    firm_id: int | None = None,
    previous: dict | None = None,
    entered_by: int | None = None,
) -> str:
    """Create a firm (unless given) and a draft assessment; return its resume token.

    `entered_by`: the account filling it in on the firm's behalf, if not the owner.
    """
    token = new_token()
    stamp = now()
    with write(db):
        # In the same transaction: no assessment can point at a version that is not stored.
        ensure_published(db, questionnaire)
        if firm_id is None:
            firm_id = insert_firm(db, profile, stamp)
        assessment_id = insert_assessment(
            db, firm_id, token, questionnaire, stamp, previous_id=previous and previous["id"], entered_by=entered_by
        )
        if previous is not None:
            # A follow-up starts from the previous answers that still fit: the owner updates what changed.
            # A grid's rows carry over under their keys ("practices.backups").
            insert_answers(db, assessment_id, carried_answers(questionnaire, load_answers(db, previous["id"])))
    return token


_WITH_FIRM = (
    "SELECT a.*, f.name AS firm_name, f.sector, f.size, f.region, f.year_founded "
    "FROM assessments a JOIN firms f ON f.id = a.firm_id "
)


def find_assessment(db: sqlite_utils.Database, token: str) -> dict | None:
    """Return the assessment a token opens, with its firm, or None.

    The owner's private link, or a key made for one account (`key_user_id` says whose; None
    for the owner's link). The owner's link is looked up first: owners' pages pay for no more.
    """
    digest = hash_token(token)
    found = _one(db, _WITH_FIRM + "WHERE a.token_hash = ?", [digest])
    if found is not None:
        return found | {"key_user_id": None}
    return _one(
        db,
        "SELECT a.*, f.name AS firm_name, f.sector, f.size, f.region, f.year_founded, k.user_id AS key_user_id "
        "FROM assessment_keys k JOIN assessments a ON a.id = k.assessment_id JOIN firms f ON f.id = a.firm_id "
        "WHERE k.token_hash = ?",
        [digest],
    )


def get_assessment(db: sqlite_utils.Database, assessment_id: int) -> dict | None:
    """Return an assessment with its firm, by id, or None."""
    return _one(db, _WITH_FIRM + "WHERE a.id = ?", [assessment_id])


def stored_scores(assessment: dict) -> Scores:
    """Return the scores a submitted assessment was locked with."""
    return Scores.from_dict(json.loads(assessment["scores_json"]))


def verified_scores(assessment: dict) -> Scores | None:
    """Return the scores of an assessment's answers as a consultant checked them, or None before a check."""
    stored = assessment["verified_scores_json"]
    return Scores.from_dict(json.loads(stored)) if stored else None


def load_answers(db: sqlite_utils.Database, assessment_id: int) -> dict[str, Any]:
    """Return every stored answer of an assessment, by question id."""
    rows = db.execute("SELECT question_id, value FROM answers WHERE assessment_id = ?", [assessment_id])
    return {qid: decode_answer(value) for qid, value in rows}


def save_answers(db: sqlite_utils.Database, assessment_id: int, answers: dict[str, Any], current_section: int) -> None:
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


def submit_assessment(db: sqlite_utils.Database, assessment_id: int, questionnaire: Questionnaire) -> Submission:
    """Score the stored answers and lock them with their scores, unless required answers are missing.

    Reading, scoring and locking happen in one write transaction: a page of answers saved at
    the same moment lands either before (and is scored) or after (and is refused as locked).
    Returns what was scored; nothing changes when `missing` is not empty.
    """
    stamp = now()
    with write(db):
        assessment = get_assessment(db, assessment_id)
        if assessment is None or assessment["status"] != "draft":
            raise AssessmentLocked()
        submission = prepare_submission(questionnaire, load_answers(db, assessment_id))
        if submission.missing:
            return submission
        scores = submission.scores
        db.execute(
            "UPDATE assessments SET status = 'submitted', submitted_at = ?, updated_at = ?, period = ?, "
            "scores_json = ?, overall = ? WHERE id = ?",
            [stamp, stamp, period_of(stamp), json.dumps(scores.to_dict()), scores.overall, assessment_id],
        )
        if submission.hidden:
            # Answers a condition hides count nowhere: they are cleared for good on submission.
            db.execute(
                f"DELETE FROM answers WHERE assessment_id = ? AND question_id IN "
                f"({', '.join('?' * len(submission.hidden))})",
                [assessment_id, *sorted(submission.hidden)],
            )
        store_scores(db, assessment, scores, period_of(stamp), assessment["is_demo"])
    return submission


def firm_history(db: sqlite_utils.Database, firm_id: int) -> list[dict]:
    """Return a firm's submitted assessments, oldest first, with their overall scores."""
    return _rows(
        db,
        "SELECT id, submitted_at, overall, questionnaire_version FROM assessments "
        "WHERE firm_id = ? AND status = 'submitted' ORDER BY submitted_at, id",
        [firm_id],
    )
