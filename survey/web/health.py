"""`/healthz`, for the proxy and the monitors: is this worker able to serve owners?

It says only "ok" or which part failed (the database, the questionnaires): no data, no
versions, no paths. The reason a part failed goes to the server's log.
"""

from __future__ import annotations

import sqlite3

from flask import Blueprint, current_app

from ..store.health import touch
from .database import get_db, registry

bp = Blueprint("health", __name__)


@bp.route("/healthz")
def healthz():
    """Answer 200 when the database takes a write and the questionnaires are loaded, else 503."""
    failed = []
    try:
        touch(get_db())
    except sqlite3.Error:
        current_app.logger.exception("health check: the database failed")
        failed.append("database")
    if current_app.config["DEFAULT_QUESTIONNAIRE"] not in registry().current:
        current_app.logger.error("health check: the default questionnaire is not loaded")
        failed.append("questionnaires")
    body = {"status": "unavailable", "failed": failed} if failed else {"status": "ok"}
    return body, (503 if failed else 200), {"Cache-Control": "no-store"}
