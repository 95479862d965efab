"""Owners' accounts: the firms an owner attached with an assessment's private link, and their assessments."""

from __future__ import annotations

import sqlite_utils

from .assessments import hash_token, now
from .connection import write
from .rows import one, rows


def attach(db: sqlite_utils.Database, token: str, user_id: int) -> int | None:
    """Attach the firm of the assessment a private link opens to an owner's account; return it, or None.

    Only the owner's private link attaches: a key made for another account opens nothing here.
    The whole firm comes along, as the link already shows the firm's earlier assessments.
    """
    with write(db):
        found = one(db, "SELECT id, firm_id FROM assessments WHERE token_hash = ?", [hash_token(token)])
        if found is None:
            return None
        db.execute(
            "INSERT OR IGNORE INTO firm_owners (firm_id, user_id, assessment_id, attached_at) VALUES (?, ?, ?, ?)",
            [found["firm_id"], user_id, found["id"], now()],
        )
    return found["firm_id"]


def firm_accounts(db: sqlite_utils.Database, firm_id: int) -> list[dict]:
    """Return the owners' accounts a firm is attached to, with since when."""
    return rows(
        db,
        "SELECT u.id, u.name, u.email, fo.attached_at FROM firm_owners fo JOIN users u ON u.id = fo.user_id "
        "WHERE fo.firm_id = ? ORDER BY fo.attached_at",
        [firm_id],
    )


def is_owner(db: sqlite_utils.Database, firm_id: int, user_id: int) -> bool:
    """Whether a firm is attached to an owner's account."""
    found = db.execute("SELECT 1 FROM firm_owners WHERE firm_id = ? AND user_id = ?", [firm_id, user_id])
    return found.fetchone() is not None


def detach(db: sqlite_utils.Database, firm_id: int, user_id: int) -> bool:
    """Take a firm out of an owner's account (its private links keep working); False when it was not in it."""
    with write(db):
        return bool(
            db.execute("DELETE FROM firm_owners WHERE firm_id = ? AND user_id = ?", [firm_id, user_id]).rowcount
        )


def owner_firms(db: sqlite_utils.Database, user_id: int) -> list[dict]:
    """Return an owner's firms, by name, each with its assessments newest first under "assessments"."""
    firms = rows(
        db,
        "SELECT f.id, f.name, f.sector, f.size, f.region FROM firm_owners fo JOIN firms f ON f.id = fo.firm_id "
        "WHERE fo.user_id = ? ORDER BY f.name, f.id",
        [user_id],
    )
    assessments = rows(
        db,
        "SELECT a.id, a.firm_id, a.status, a.current_section, a.created_at, a.submitted_at, a.overall, "
        "a.questionnaire_id, a.questionnaire_version "
        "FROM firm_owners fo JOIN assessments a ON a.firm_id = fo.firm_id "
        "WHERE fo.user_id = ? ORDER BY a.created_at DESC, a.id DESC",
        [user_id],
    )
    for firm in firms:
        firm["assessments"] = [a for a in assessments if a["firm_id"] == firm["id"]]
    return firms
