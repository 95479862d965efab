"""Read-only links to an assessment's results, which its owner can revoke."""

from __future__ import annotations

import sqlite_utils

from .assessments import hash_token, new_token, now
from .connection import write
from .rows import one, rows


def create_share(db: sqlite_utils.Database, assessment_id: int) -> str:
    """Make a read-only link to an assessment's results; return its token."""
    token = new_token()
    with write(db):
        db.execute(
            "INSERT INTO share_links (token_hash, assessment_id, created_at) VALUES (?, ?, ?)",
            [hash_token(token), assessment_id, now()],
        )
    return token


def active_shares(db: sqlite_utils.Database, assessment_id: int) -> list[dict]:
    """Return an assessment's read-only links still working, newest first."""
    return rows(
        db,
        "SELECT id, created_at FROM share_links WHERE assessment_id = ? AND revoked_at IS NULL ORDER BY id DESC",
        [assessment_id],
    )


def revoke_share(db: sqlite_utils.Database, assessment_id: int, share_id: int) -> bool:
    """Stop a read-only link of this assessment from working; False when it has no such link."""
    with write(db):
        changed = db.execute(
            "UPDATE share_links SET revoked_at = ? WHERE id = ? AND assessment_id = ? AND revoked_at IS NULL",
            [now(), share_id, assessment_id],
        ).rowcount
    return bool(changed)


def find_shared(db: sqlite_utils.Database, token: str) -> dict | None:
    """Return the submitted assessment a working read-only link shows, with its firm, or None."""
    return one(
        db,
        "SELECT a.*, f.name AS firm_name, f.sector, f.size, f.region, f.year_founded "
        "FROM share_links s JOIN assessments a ON a.id = s.assessment_id JOIN firms f ON f.id = a.firm_id "
        "WHERE s.token_hash = ? AND s.revoked_at IS NULL AND a.status = 'submitted'",
        [hash_token(token)],
    )
