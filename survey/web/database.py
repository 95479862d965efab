"""One database connection per request, opened on first use and closed at teardown."""

from __future__ import annotations

import sqlite_utils
from flask import Flask, current_app, g

from ..store.connection import connect, hold_open
from ..store.versions import Registry


def get_db() -> sqlite_utils.Database:
    """Return this request's connection, opening it on first use."""
    if "db" not in g:
        path = current_app.config["DATABASE"]
        hold_open(path)
        g.db = connect(path, current_app.config["DATABASE_TIMEOUT"])
    return g.db


def own_connection() -> sqlite_utils.Database:
    """Return a connection of its own, for a response body written after the request's has closed."""
    return connect(current_app.config["DATABASE"], current_app.config["DATABASE_TIMEOUT"])


def close_db(_error: BaseException | None = None) -> None:
    """Close this request's connection, if one was opened."""
    db = g.pop("db", None)
    if db is not None:
        db.close()


def registry() -> Registry:
    """Return the app's questionnaires: the files in use now and the versions used before."""
    return current_app.extensions["questionnaires"]


def init_app(app: Flask) -> None:
    """Close connections after each request."""
    app.teardown_appcontext(close_db)
