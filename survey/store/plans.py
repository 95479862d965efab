"""Action plans: the recommendations a firm chose to act on, who does each, by when, and how far it is."""

from __future__ import annotations

import sqlite_utils

from .assessments import now
from .connection import write
from .rows import rows

STATUSES = ("not_started", "in_progress", "done", "dropped")
OPEN = ("not_started", "in_progress")


class PlanFull(ValueError):
    """The plan already holds as many open actions as a firm should take on at once."""


def firm_plan(db: sqlite_utils.Database, firm_id: int) -> list[dict]:
    """Return a firm's chosen actions, open ones first, by due date."""
    return rows(
        db,
        "SELECT * FROM plan_actions WHERE firm_id = ? "
        "ORDER BY status IN ('done', 'dropped'), due_date IS NULL, due_date, id",
        [firm_id],
    )


def choose(db: sqlite_utils.Database, firm_id: int, assessment_id: int, recommendation_id: str, limit: int) -> None:
    """Add a recommended action to a firm's plan; raise PlanFull when `limit` actions are open already."""
    stamp = now()
    with write(db):
        opened = db.execute(
            "SELECT count(*) FROM plan_actions WHERE firm_id = ? AND status IN ('not_started', 'in_progress')",
            [firm_id],
        ).fetchone()[0]
        if opened >= limit:
            raise PlanFull(limit)
        db.execute(
            "INSERT INTO plan_actions (firm_id, assessment_id, recommendation_id, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (firm_id, recommendation_id) DO UPDATE SET "
            "status = 'not_started', updated_at = excluded.updated_at WHERE status = 'dropped'",
            [firm_id, assessment_id, recommendation_id, stamp, stamp],
        )


def update(
    db: sqlite_utils.Database,
    firm_id: int,
    action_id: int,
    responsible: str,
    due_date: str | None,
    status: str,
    notes: str,
) -> bool:
    """Change who does an action of this firm, by when, its status and notes; False when it has no such action."""
    if status not in STATUSES:
        raise ValueError(f"status {status!r} is not one of {', '.join(STATUSES)}")
    with write(db):
        return bool(
            db.execute(
                "UPDATE plan_actions SET responsible = ?, due_date = ?, status = ?, notes = ?, updated_at = ? "
                "WHERE id = ? AND firm_id = ?",
                [responsible, due_date, status, notes, now(), action_id, firm_id],
            ).rowcount
        )


def plan_summary(db: sqlite_utils.Database, firm_id: int) -> dict:
    """Count a firm's chosen actions under way, overdue and done."""
    row = db.execute(
        "SELECT sum(status IN ('not_started', 'in_progress')), "
        "sum(status IN ('not_started', 'in_progress') AND due_date < date('now')), sum(status = 'done') "
        "FROM plan_actions WHERE firm_id = ?",
        [firm_id],
    ).fetchone()
    return {"open": row[0] or 0, "overdue": row[1] or 0, "done": row[2] or 0}
