"""Query results as dicts by column name, for every module of the data layer."""

from __future__ import annotations

import sqlite_utils


def rows(db: sqlite_utils.Database, sql: str, params: list) -> list[dict]:
    """Return a query's rows as dicts by column name.

    Not sqlite-utils' db.query(): it wraps every query in a savepoint, two more statements on
    the path of every page.
    """
    cursor = db.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor]


def one(db: sqlite_utils.Database, sql: str, params: list) -> dict | None:
    """Return a query's first row as a dict, or None."""
    found = rows(db, sql, params)
    return found[0] if found else None
