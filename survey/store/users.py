"""Accounts: users and their roles, programmes, invitations, and the login attempts counted against them."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

import sqlite_utils

from .assessments import hash_token, new_token, now
from .connection import write
from .rows import one, rows

ROLES = ("admin", "manager", "consultant", "owner")


class EmailTaken(ValueError):
    """An account with this e-mail address exists already."""


class InvitationUnusable(LookupError):
    """An invitation link that is unknown, already used or expired."""


def create_user(
    db: sqlite_utils.Database,
    email: str,
    role: str,
    password_hash: str,
    name: str = "",
    programme_id: int | None = None,
) -> int:
    """Store a new account; raise EmailTaken when the address has one."""
    if role not in ROLES:
        raise ValueError(f"role {role!r} is not one of {', '.join(ROLES)}")
    with write(db):
        if one(db, "SELECT id FROM users WHERE email = ?", [email]) is not None:
            raise EmailTaken(email)
        cursor = db.execute(
            "INSERT INTO users (email, name, role, programme_id, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            [email.strip(), name.strip(), role, programme_id, password_hash, now()],
        )
        return cursor.lastrowid


def invitation_pending(db: sqlite_utils.Database, email: str) -> bool:
    """Whether an invitation to this address can still be accepted."""
    found = db.execute(
        "SELECT 1 FROM invitations WHERE email = ? AND used_at IS NULL AND expires_at > ?",
        [email.strip(), datetime.now(UTC).isoformat(timespec="seconds")],
    )
    return found.fetchone() is not None


def user_by_email(db: sqlite_utils.Database, email: str) -> dict | None:
    """Return the account with this address (any letter case), if any."""
    return one(db, "SELECT * FROM users WHERE email = ?", [email.strip()])


def user_by_id(db: sqlite_utils.Database, user_id: int) -> dict | None:
    """Return an account by its id, if any."""
    return one(db, "SELECT * FROM users WHERE id = ?", [user_id])


def list_users(db: sqlite_utils.Database) -> list[dict]:
    """Return every account, by role then e-mail, with its programme's name."""
    return rows(
        db,
        "SELECT users.*, programmes.name AS programme FROM users LEFT JOIN programmes ON programmes.id = programme_id "
        "ORDER BY role, email",
        [],
    )


def update_user(db: sqlite_utils.Database, user_id: int, programme_id: int | None, active: bool) -> None:
    """Set an account's programme and whether it may log in; a deactivated account's sessions end."""
    with write(db):
        db.execute(
            "UPDATE users SET programme_id = ?, is_active = ?, "
            "session_version = session_version + CASE WHEN is_active = 1 AND ? = 0 THEN 1 ELSE 0 END WHERE id = ?",
            [programme_id, int(active), int(active), user_id],
        )


def set_password(db: sqlite_utils.Database, user_id: int, password_hash: str) -> None:
    """Replace an account's password and end the sessions opened with the old one."""
    with write(db):
        db.execute(
            "UPDATE users SET password_hash = ?, session_version = session_version + 1 WHERE id = ?",
            [password_hash, user_id],
        )


def end_sessions(db: sqlite_utils.Database, user_id: int) -> None:
    """End every session of an account (a logout: a copied session cookie stops working too)."""
    with write(db):
        db.execute("UPDATE users SET session_version = session_version + 1 WHERE id = ?", [user_id])


def record_login(db: sqlite_utils.Database, user_id: int) -> None:
    """Note when an account last logged in."""
    with write(db):
        db.execute("UPDATE users SET last_login_at = ? WHERE id = ?", [now(), user_id])


def ensure_programme(db: sqlite_utils.Database, name: str) -> int:
    """Return the id of the programme with this name, creating it if needed."""
    with write(db):
        row = one(db, "SELECT id FROM programmes WHERE name = ?", [name])
        if row is not None:
            return row["id"]
        return db.execute("INSERT INTO programmes (name, created_at) VALUES (?, ?)", [name, now()]).lastrowid


def list_programmes(db: sqlite_utils.Database) -> list[dict]:
    """Return every programme, by name."""
    return rows(db, "SELECT id, name FROM programmes ORDER BY name COLLATE NOCASE", [])


# Login attempts. Each attempt is counted before the password is checked, in the same write
# transaction as the count: parallel guesses sent to several workers cannot slip past the limit.


def admit_attempt(db: sqlite_utils.Database, limits: dict[str, int], window: float) -> float:
    """Count a login attempt against each key, or refuse it: return 0, or the seconds to wait.

    `limits` maps keys (an account, a client address) to the attempts each may make within
    `window` seconds.
    """
    moment = time.time()
    with write(db):
        db.execute("DELETE FROM login_attempts WHERE at < ?", [moment - window])
        wait = 0.0
        for key, limit in limits.items():
            oldest = db.execute(
                "SELECT at FROM login_attempts WHERE key = ? ORDER BY at DESC LIMIT 1 OFFSET ?", [key, limit - 1]
            ).fetchone()
            if oldest is not None:  # `limit` attempts in the window already: wait for the oldest to leave it
                wait = max(wait, oldest[0] + window - moment)
        if wait > 0:
            return wait
        db.conn.executemany("INSERT INTO login_attempts (key, at) VALUES (?, ?)", [(key, moment) for key in limits])
    return 0.0


def forget_last_attempt(db: sqlite_utils.Database, key: str) -> None:
    """Stop counting the latest attempt against a key (a login that succeeded, from a shared address)."""
    with write(db):
        db.execute(
            "DELETE FROM login_attempts WHERE rowid = (SELECT rowid FROM login_attempts WHERE key = ? "
            "ORDER BY at DESC LIMIT 1)",
            [key],
        )


def forget_attempts(db: sqlite_utils.Database, key: str) -> None:
    """Stop counting the attempts against a key (an account that has just logged in)."""
    with write(db):
        db.execute("DELETE FROM login_attempts WHERE key = ?", [key])


# Invitations: a single-use link, stored hashed, that lets its holder create one account.


class NewInvitation(NamedTuple):
    """The token of a new invitation's link (kept nowhere else), and when the link expires."""

    token: str
    expires_at: str


def create_invitation(
    db: sqlite_utils.Database, email: str, role: str, programme_id: int | None, invited_by: int, days: int
) -> NewInvitation:
    """Store an invitation for an address and role; return the token of its link and its expiry."""
    if role not in ROLES:
        raise ValueError(f"role {role!r} is not one of {', '.join(ROLES)}")
    token = new_token()
    created = datetime.now(UTC)
    expires_at = (created + timedelta(days=days)).isoformat(timespec="seconds")
    with write(db):
        db.execute(
            "INSERT INTO invitations (token_hash, email, role, programme_id, invited_by, created_at, expires_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                hash_token(token),
                email.strip(),
                role,
                programme_id,
                invited_by,
                created.isoformat(timespec="seconds"),
                expires_at,
            ],
        )
    return NewInvitation(token, expires_at)


def open_invitation(db: sqlite_utils.Database, token: str) -> dict:
    """Return an invitation that can still be used; raise InvitationUnusable otherwise."""
    row = one(db, "SELECT * FROM invitations WHERE token_hash = ?", [hash_token(token)])
    if row is None or row["used_at"] is not None or row["expires_at"] <= datetime.now(UTC).isoformat():
        raise InvitationUnusable(token)
    return row


def accept_invitation(db: sqlite_utils.Database, token: str, name: str, password_hash: str) -> int:
    """Create the invited account and spend the invitation, both or neither; return the account's id."""
    with write(db):
        row = open_invitation(db, token)  # checked again inside the write: two tabs cannot both use it
        if one(db, "SELECT id FROM users WHERE email = ?", [row["email"]]) is not None:
            raise EmailTaken(row["email"])
        db.execute("UPDATE invitations SET used_at = ? WHERE token_hash = ?", [now(), row["token_hash"]])
        return db.execute(
            "INSERT INTO users (email, name, role, programme_id, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            [row["email"], name.strip(), row["role"], row["programme_id"], password_hash, now()],
        ).lastrowid
