"""Consultants' portfolios: the firms assigned to each, assessments started on a firm's behalf, keys to open them."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import sqlite_utils

from ..core.questionnaire import Questionnaire
from .assessments import hash_token, insert_assessment, insert_firm, new_token, now
from .connection import write
from .rows import one, rows
from .versions import ensure_published


def is_assigned(db: sqlite_utils.Database, firm_id: int, user_id: int) -> bool:
    """Whether a firm is in a consultant's portfolio."""
    found = db.execute("SELECT 1 FROM firm_consultants WHERE firm_id = ? AND user_id = ?", [firm_id, user_id])
    return found.fetchone() is not None


def start_for_client(
    db: sqlite_utils.Database, questionnaire: Questionnaire, profile: dict, consultant_id: int
) -> tuple[int, int]:
    """Create a client firm in a consultant's portfolio with a draft assessment entered on its behalf.

    Returns (firm id, assessment id). The owner's private link is made too but not kept: the
    consultant can make a new one for the owner from the portfolio.
    """
    stamp = now()
    with write(db):
        ensure_published(db, questionnaire)
        firm_id = insert_firm(db, profile, stamp)
        db.execute(
            "INSERT INTO firm_consultants (firm_id, user_id, assigned_at) VALUES (?, ?, ?)",
            [firm_id, consultant_id, stamp],
        )
        join_programme(db, firm_id, consultant_id)
        assessment_id = insert_assessment(db, firm_id, new_token(), questionnaire, stamp, entered_by=consultant_id)
    return firm_id, assessment_id


def assessment_firm(db: sqlite_utils.Database, assessment_id: int) -> int | None:
    """Return the firm an assessment belongs to, or None when there is no such assessment."""
    found = one(db, "SELECT firm_id FROM assessments WHERE id = ?", [assessment_id])
    return found and found["firm_id"]


KEYS_KEPT = 5  # an account's newest keys to one assessment that keep working (a tab, a bookmark)


def make_key(db: sqlite_utils.Database, assessment_id: int, user_id: int) -> str:
    """Return a new key that opens an assessment's pages for one account.

    Each "open" makes one: only the newest KEYS_KEPT of an account's keys to an assessment are
    kept, so that they do not pile up.
    """
    token = new_token()
    with write(db):
        db.execute(
            "INSERT INTO assessment_keys (token_hash, assessment_id, user_id, created_at) VALUES (?, ?, ?, ?)",
            [hash_token(token), assessment_id, user_id, now()],
        )
        db.execute(
            "DELETE FROM assessment_keys WHERE assessment_id = ? AND user_id = ? AND rowid NOT IN "
            "(SELECT rowid FROM assessment_keys WHERE assessment_id = ? AND user_id = ? ORDER BY rowid DESC LIMIT ?)",
            [assessment_id, user_id, assessment_id, user_id, KEYS_KEPT],
        )
    return token


def new_private_link(db: sqlite_utils.Database, assessment_id: int) -> str | None:
    """Replace the private link of a draft entered on the firm's behalf, to give its owner; return it.

    The old link stops working. None when the assessment is not such a draft: an owner's own
    link is never taken from them (and a draft has no read-only links to outlive it).
    """
    token = new_token()
    with write(db):
        changed = db.execute(
            "UPDATE assessments SET token_hash = ? WHERE id = ? AND status = 'draft' AND entered_by IS NOT NULL",
            [hash_token(token), assessment_id],
        ).rowcount
        if changed:  # whoever kept the old link in an account loses the firm with it
            db.execute("DELETE FROM firm_owners WHERE assessment_id = ?", [assessment_id])
    return token if changed else None


def portfolio(db: sqlite_utils.Database, user_id: int) -> list[dict]:
    """Return a consultant's firms, each with its latest assessment and its last two submitted ones."""
    return rows(
        db,
        """
        SELECT f.id, f.name, f.sector, f.size, f.region,
               latest.id AS assessment_id, latest.status, latest.current_section, latest.entered_by,
               latest.questionnaire_id, latest.questionnaire_version,
               latest.updated_at AS last_activity,
               done.id AS submitted_id, done.submitted_at, done.overall, done.scores_json,
               json_extract(done.verified_scores_json, '$.overall') AS verified_overall,
               done.questionnaire_version AS submitted_version,
               (SELECT p.overall FROM assessments p
                 WHERE p.firm_id = f.id AND p.status = 'submitted' AND p.id != done.id
                   AND (p.submitted_at < done.submitted_at OR (p.submitted_at = done.submitted_at AND p.id < done.id))
                 ORDER BY p.submitted_at DESC, p.id DESC LIMIT 1) AS previous_overall,
               (SELECT count(*) FROM plan_actions pa WHERE pa.firm_id = f.id
                   AND pa.status IN ('not_started', 'in_progress')) AS plan_open,
               (SELECT count(*) FROM plan_actions pa WHERE pa.firm_id = f.id
                   AND pa.status IN ('not_started', 'in_progress') AND pa.due_date < date('now')) AS plan_overdue
          FROM firm_consultants fc
          JOIN firms f ON f.id = fc.firm_id
          LEFT JOIN assessments latest ON latest.id =
               (SELECT x.id FROM assessments x WHERE x.firm_id = f.id ORDER BY x.created_at DESC, x.id DESC LIMIT 1)
          LEFT JOIN assessments done ON done.id =
               (SELECT y.id FROM assessments y WHERE y.firm_id = f.id AND y.status = 'submitted'
                 ORDER BY y.submitted_at DESC, y.id DESC LIMIT 1)
         WHERE fc.user_id = ?
         ORDER BY f.name
        """,
        [user_id],
    )


def firm_assessments(db: sqlite_utils.Database, firm_id: int) -> list[dict]:
    """Return every assessment of a firm, newest first, with who entered it."""
    return rows(
        db,
        "SELECT a.id, a.status, a.current_section, a.created_at, a.submitted_at, a.overall, a.questionnaire_id, "
        "a.questionnaire_version, u.name AS entered_by_name "
        "FROM assessments a LEFT JOIN users u ON u.id = a.entered_by "
        "WHERE a.firm_id = ? ORDER BY a.created_at DESC, a.id DESC",
        [firm_id],
    )


def firm_profile(db: sqlite_utils.Database, firm_id: int) -> dict | None:
    """Return a firm's profile, or None."""
    return one(db, "SELECT id, name, sector, size, region, year_founded FROM firms WHERE id = ?", [firm_id])


def add_note(db: sqlite_utils.Database, firm_id: int, author_id: int, body: str, assessment_id: int | None) -> None:
    """Keep a dated note on a firm, or on one of its assessments (which must be the firm's)."""
    with write(db):
        if assessment_id is not None and assessment_firm(db, assessment_id) != firm_id:
            raise ValueError(f"assessment {assessment_id} is not one of firm {firm_id}'s")
        db.execute(
            "INSERT INTO notes (firm_id, assessment_id, author_id, body, created_at) VALUES (?, ?, ?, ?, ?)",
            [firm_id, assessment_id, author_id, body, now()],
        )


def firm_notes(db: sqlite_utils.Database, firm_id: int) -> list[dict]:
    """Return a firm's notes, newest first, with their authors' names."""
    return rows(
        db,
        "SELECT n.id, n.assessment_id, n.body, n.created_at, u.name AS author, u.email AS author_email "
        "FROM notes n LEFT JOIN users u ON u.id = n.author_id "
        "WHERE n.firm_id = ? ORDER BY n.created_at DESC, n.id DESC",
        [firm_id],
    )


# Consent: an owner's one-time code lets one consultant add the firm to their portfolio.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def normal_code(code: str) -> str:
    """Return a code as stored: upper case, without spaces or dashes."""
    return "".join(c for c in code.upper() if c.isalnum())


def make_consent_code(db: sqlite_utils.Database, firm_id: int, days: int) -> str:
    """Return a new one-time code for a firm, as the owner reads it out (e.g. 'K7QX-M2PA')."""
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    created = datetime.now(UTC)
    with write(db):
        db.execute(
            "INSERT INTO consent_codes (code_hash, firm_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
            [
                hash_token(code),
                firm_id,
                created.isoformat(timespec="seconds"),
                (created + timedelta(days=days)).isoformat(timespec="seconds"),
            ],
        )
    return f"{code[:4]}-{code[4:]}"


def join_with_code(db: sqlite_utils.Database, code: str, consultant_id: int) -> int | None:
    """Spend an owner's code: put the firm in the consultant's portfolio; return it, or None for no usable code."""
    stamp = now()
    with write(db):
        row = one(
            db,
            "SELECT firm_id FROM consent_codes WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?",
            [hash_token(normal_code(code)), datetime.now(UTC).isoformat(timespec="seconds")],
        )
        if row is None:
            return None
        db.execute(
            "UPDATE consent_codes SET used_by = ?, used_at = ? WHERE code_hash = ?",
            [consultant_id, stamp, hash_token(normal_code(code))],
        )
        db.execute(
            "INSERT OR IGNORE INTO firm_consultants (firm_id, user_id, assigned_at) VALUES (?, ?, ?)",
            [row["firm_id"], consultant_id, stamp],
        )
        join_programme(db, row["firm_id"], consultant_id)
    return row["firm_id"]


def join_programme(db: sqlite_utils.Database, firm_id: int, consultant_id: int) -> None:
    """Put a firm without a programme in its consultant's programme, inside the caller's transaction."""
    db.execute(
        "UPDATE firms SET programme_id = (SELECT programme_id FROM users WHERE id = ?) "
        "WHERE id = ? AND programme_id IS NULL",
        [consultant_id, firm_id],
    )


def firm_consultants(db: sqlite_utils.Database, firm_id: int) -> list[dict]:
    """Return the consultants a firm's data is open to, with since when."""
    return rows(
        db,
        "SELECT u.id, u.name, u.email, fc.assigned_at FROM firm_consultants fc JOIN users u ON u.id = fc.user_id "
        "WHERE fc.firm_id = ? ORDER BY fc.assigned_at",
        [firm_id],
    )


def withdraw(db: sqlite_utils.Database, firm_id: int, consultant_id: int) -> bool:
    """Take a firm out of a consultant's portfolio (the owner withdraws consent); False when it was not in it.

    A firm left with no consultant leaves its programme too: it joined through one.
    """
    with write(db):
        taken = db.execute("DELETE FROM firm_consultants WHERE firm_id = ? AND user_id = ?", [firm_id, consultant_id])
        leave_programme_if_alone(db, firm_id)
        return bool(taken.rowcount)


def leave_programme_if_alone(db: sqlite_utils.Database, firm_id: int) -> None:
    """Take a firm no consultant follows out of its programme, inside the caller's transaction."""
    db.execute(
        "UPDATE firms SET programme_id = NULL, answers_to_programme = 0 WHERE id = ? "
        "AND NOT EXISTS (SELECT 1 FROM firm_consultants WHERE firm_id = ?)",
        [firm_id, firm_id],
    )


def share_answers_with_programme(db: sqlite_utils.Database, firm_id: int, allowed: bool) -> None:
    """Record the owner's consent (or its withdrawal) to their programme's managers reading the firm's answers."""
    with write(db):
        db.execute("UPDATE firms SET answers_to_programme = ? WHERE id = ?", [int(allowed), firm_id])
