"""Programmes and who works on which firm: the administrator's settings and assignments."""

from __future__ import annotations

from typing import NamedTuple

import sqlite_utils

from .assessments import now
from .connection import write
from .portfolios import leave_programme_if_alone
from .rows import one, rows


class ProgrammeExists(ValueError):
    """A programme with this name exists already."""


def programmes_overview(db: sqlite_utils.Database) -> list[dict]:
    """Return every programme with its setting and how many firms, consultants and managers it has."""
    return rows(
        db,
        """
        SELECT p.id, p.name, p.managers_see_answers,
               (SELECT count(*) FROM firms f WHERE f.programme_id = p.id) AS firms,
               (SELECT count(*) FROM users u WHERE u.programme_id = p.id AND u.role = 'consultant') AS consultants,
               (SELECT count(*) FROM users u WHERE u.programme_id = p.id AND u.role = 'manager') AS managers
          FROM programmes p ORDER BY p.name COLLATE NOCASE
        """,
        [],
    )


def programme_named(db: sqlite_utils.Database, name: str) -> int | None:
    """Return the id of the programme with this name (any letter case), or None."""
    found = one(db, "SELECT id FROM programmes WHERE name = ? COLLATE NOCASE", [name.strip()])
    return found and found["id"]


def get_programme(db: sqlite_utils.Database, programme_id: int) -> dict | None:
    """Return a programme, or None."""
    return one(db, "SELECT id, name, managers_see_answers FROM programmes WHERE id = ?", [programme_id])


def create_programme(db: sqlite_utils.Database, name: str, managers_see_answers: bool) -> int:
    """Store a new programme; raise ProgrammeExists when the name is taken."""
    with write(db):
        if one(db, "SELECT id FROM programmes WHERE name = ? COLLATE NOCASE", [name]) is not None:
            raise ProgrammeExists(name)
        return db.execute(
            "INSERT INTO programmes (name, managers_see_answers, created_at) VALUES (?, ?, ?)",
            [name, int(managers_see_answers), now()],
        ).lastrowid


def update_programme(db: sqlite_utils.Database, programme_id: int, name: str, managers_see_answers: bool) -> None:
    """Rename a programme and set what its managers see; raise ProgrammeExists when the name is another's."""
    with write(db):
        if one(db, "SELECT id FROM programmes WHERE name = ? COLLATE NOCASE AND id != ?", [name, programme_id]):
            raise ProgrammeExists(name)
        db.execute(
            "UPDATE programmes SET name = ?, managers_see_answers = ? WHERE id = ?",
            [name, int(managers_see_answers), programme_id],
        )


def firm_programme(db: sqlite_utils.Database, firm_id: int) -> dict | None:
    """Return the programme a firm belongs to, with what its managers see, or None."""
    return one(
        db,
        "SELECT p.id, p.name, p.managers_see_answers, f.answers_to_programme FROM firms f "
        "JOIN programmes p ON p.id = f.programme_id WHERE f.id = ?",
        [firm_id],
    )


def manager_may_read(db: sqlite_utils.Database, firm_id: int, programme_id: int | None) -> bool:
    """Whether a manager of this programme may read a firm's answers: its programme allows it, its owner too."""
    if programme_id is None:
        return False
    found = db.execute(
        "SELECT 1 FROM firms f JOIN programmes p ON p.id = f.programme_id "
        "WHERE f.id = ? AND p.id = ? AND p.managers_see_answers = 1 AND f.answers_to_programme = 1",
        [firm_id, programme_id],
    )
    return found.fetchone() is not None


def firms_held_back(db: sqlite_utils.Database, programme_id: int) -> int:
    """Return how many firms of a programme have not let its managers read their answers."""
    return db.execute(
        "SELECT count(*) FROM firms WHERE programme_id = ? AND answers_to_programme = 0", [programme_id]
    ).fetchone()[0]


def consultants(db: sqlite_utils.Database) -> list[dict]:
    """Return every consultant account, by name, with its programme's id and whether it may log in."""
    return rows(
        db,
        "SELECT id, name, email, programme_id, is_active FROM users WHERE role = 'consultant' "
        "ORDER BY name COLLATE NOCASE, email",
        [],
    )


FIRMS_PAGE = 50


class FirmPage(NamedTuple):
    """A page of firms, how many match in all, which page it is and how many there are."""

    firms: list[dict]
    total: int
    page: int
    pages: int


def find_firms(
    db: sqlite_utils.Database,
    search: str = "",
    programme_id: int | None = None,
    consultant_id: int | None = None,
    page: int = 1,
    consenting_only: bool = False,
) -> FirmPage:
    """Return a page of firms (by name) matching a search, programme or consultant; past the last page, the last.

    Each firm comes with its programme's name, its consultants' names and its latest submitted
    assessment's id. `consenting_only`: only firms whose owners let managers read their answers.
    """
    where, params = ["1 = 1"], []
    if search:
        where.append("f.name LIKE ? ESCAPE '\\'")
        params.append("%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
    if programme_id is not None:
        where.append("f.programme_id = ?")
        params.append(programme_id)
    if consultant_id is not None:
        where.append("f.id IN (SELECT firm_id FROM firm_consultants WHERE user_id = ?)")
        params.append(consultant_id)
    if consenting_only:  # firms whose owners let the programme's managers read their answers
        where.append("f.answers_to_programme = 1")
    condition = " AND ".join(where)
    total = db.execute(f"SELECT count(*) FROM firms f WHERE {condition}", params).fetchone()[0]
    pages = max(1, -(-total // FIRMS_PAGE))
    page = min(max(page, 1), pages)
    found = rows(
        db,
        f"""
        SELECT f.id, f.name, f.sector, f.size, f.region, f.programme_id, p.name AS programme,
               (SELECT group_concat(coalesce(nullif(u.name, ''), u.email), ', ')
                  FROM firm_consultants fc JOIN users u ON u.id = fc.user_id WHERE fc.firm_id = f.id) AS consultants,
               (SELECT a.id FROM assessments a WHERE a.firm_id = f.id AND a.status = 'submitted'
                 ORDER BY a.submitted_at DESC, a.id DESC LIMIT 1) AS latest_submitted
          FROM firms f LEFT JOIN programmes p ON p.id = f.programme_id
         WHERE {condition}
         ORDER BY f.name COLLATE NOCASE, f.id LIMIT ? OFFSET ?
        """,
        [*params, FIRMS_PAGE, (page - 1) * FIRMS_PAGE],
    )
    return FirmPage(found, total, page, pages)


def firm_with_team(db: sqlite_utils.Database, firm_id: int) -> dict | None:
    """Return a firm's profile with its programme and the ids of its consultants, or None."""
    firm = one(
        db,
        "SELECT f.id, f.name, f.sector, f.size, f.region, f.programme_id FROM firms f WHERE f.id = ?",
        [firm_id],
    )
    if firm is not None:
        firm["consultant_ids"] = [
            r[0] for r in db.execute("SELECT user_id FROM firm_consultants WHERE firm_id = ?", [firm_id])
        ]
    return firm


def assign_firm(db: sqlite_utils.Database, firm_id: int, programme_id: int | None, consultant_ids: list[int]) -> None:
    """Give a firm exactly these consultants (moving it from the others) and this programme (or none).

    A firm taken out of its programme takes back its owner's consent to the managers reading
    its answers: it was given to that programme. A firm left with no consultant leaves it too.
    """
    stamp = now()
    with write(db):
        db.execute(
            "UPDATE firms SET programme_id = ?, answers_to_programme = answers_to_programme * (? IS programme_id) "
            "WHERE id = ?",
            [programme_id, programme_id, firm_id],
        )
        kept = ", ".join("?" * len(consultant_ids))
        db.execute(
            f"DELETE FROM firm_consultants WHERE firm_id = ? AND user_id NOT IN ({kept})", [firm_id, *consultant_ids]
        )
        db.conn.executemany(
            "INSERT OR IGNORE INTO firm_consultants (firm_id, user_id, assigned_at) VALUES (?, ?, ?)",
            [(firm_id, user_id, stamp) for user_id in consultant_ids],
        )
        leave_programme_if_alone(db, firm_id)


def move_clients(db: sqlite_utils.Database, from_id: int, to_id: int) -> int:
    """Move every firm of one consultant to another (who keeps their own); return how many moved."""
    stamp = now()
    with write(db):
        db.execute(
            "INSERT OR IGNORE INTO firm_consultants (firm_id, user_id, assigned_at) "
            "SELECT firm_id, ?, ? FROM firm_consultants WHERE user_id = ?",
            [to_id, stamp, from_id],
        )
        return db.execute("DELETE FROM firm_consultants WHERE user_id = ?", [from_id]).rowcount
