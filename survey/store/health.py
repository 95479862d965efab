"""What the health check asks of the database: that it takes a write."""

from __future__ import annotations

import sqlite_utils

from .assessments import now
from .connection import write


def touch(db: sqlite_utils.Database) -> None:
    """Rewrite the health row; raise sqlite3.Error if the database cannot take the write."""
    with write(db):
        db.execute(
            "INSERT INTO health (id, checked_at) VALUES (1, ?) "
            "ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at",
            [now()],
        )
