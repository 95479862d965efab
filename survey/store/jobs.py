"""Export jobs: an XLSX too big for a page to wait for, made by a process of its own, and how far it is."""

from __future__ import annotations

import json

import sqlite_utils

from .assessments import now
from .connection import write
from .rows import one


def create_job(db: sqlite_utils.Database, user_id: int, params: dict, total: int) -> int:
    """Record an export to make for an account; return its id."""
    stamp = now()
    with write(db):
        return db.execute(
            "INSERT INTO export_jobs (user_id, params_json, rows_total, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
            [user_id, json.dumps(params), total, stamp, stamp],
        ).lastrowid


def get_job(db: sqlite_utils.Database, job_id: int) -> dict | None:
    """Return a job with its parameters, or None."""
    found = one(db, "SELECT * FROM export_jobs WHERE id = ?", [job_id])
    if found is not None:
        found["params"] = json.loads(found.pop("params_json"))
    return found


def set_progress(db: sqlite_utils.Database, job_id: int, status: str, done: int = 0, **outcome) -> None:
    """Record how far a job is: running with rows done, done with its file's path, failed with why."""
    with write(db):
        db.execute(
            "UPDATE export_jobs SET status = ?, rows_done = ?, path = coalesce(?, path), error = ?, updated_at = ? "
            "WHERE id = ?",
            [status, done, outcome.get("path"), outcome.get("error"), now(), job_id],
        )
