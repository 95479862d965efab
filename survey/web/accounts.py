"""Who is logged in: the account behind a session, sessions that end, and the role a page needs."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, abort, current_app, session
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, UserMixin, current_user, logout_user

from ..store import users as store
from .database import get_db
from .passwords import hash_password, password_matches

login_manager = LoginManager()


class Account(UserMixin):
    """A logged-in user: their row, and the id their session carries."""

    def __init__(self, row: dict):
        self.row = row
        self.id = row["id"]
        self.email = row["email"]
        self.name = row["name"] or row["email"]
        self.role = row["role"]
        self.programme_id = row["programme_id"]

    def get_id(self) -> str:
        # The session keeps the password's version too: changing the password ends other sessions.
        return f"{self.id}:{self.row['session_version']}"

    @property
    def is_active(self) -> bool:
        return bool(self.row["is_active"])


def load_account(session_id: str) -> Account | None:
    """Return the account of a session, unless its password changed since the session began."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    row = store.user_by_id(get_db(), int(user_id))
    if row is None or row["session_version"] != int(version) or not row["is_active"]:
        return None
    return Account(row)


def check_login(email: str, password: str) -> Account | None:
    """Return the account these credentials open, or None, taking as long either way."""
    row = store.user_by_email(get_db(), email)
    if not password_matches(row["password_hash"] if row else None, password) or not row["is_active"]:
        return None
    return Account(row)


def requires(*roles: str) -> Callable:
    """Let a view be used only by a logged-in account of one of these roles; others get 403."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def checked(*args: Any, **kwargs: Any):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return checked

    return decorate


def end_idle_sessions() -> None:
    """Log out a session left unused for SESSION_IDLE_MINUTES, or older than PERMANENT_SESSION_LIFETIME."""
    if "_user_id" not in session:
        return
    now = time.time()
    idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
    lifetime = current_app.permanent_session_lifetime.total_seconds()
    # A session without these stamps was not made by a login of this version: end it too.
    if now - session.get("seen", 0) > idle or now - session.get("started", 0) > lifetime:
        logout_user()
        session.clear()
        session["expired"] = True
        return
    session["seen"] = now


def init_app(app: Flask) -> None:
    """Bind Flask-Login to the app: accounts loaded per request, idle sessions ended."""
    login_manager.init_app(app)
    login_manager.user_loader(load_account)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    app.before_request(end_idle_sessions)
    app.extensions["password_hasher"] = hash_password  # for the commands, which do not import the web layer
