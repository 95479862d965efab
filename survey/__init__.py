"""The readiness survey: small firms measure their readiness for Industry 4.0 and the green economy."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from . import db
from .profile import REGIONS


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: configuration, database, translations, questionnaires, blueprints."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        SECRET_KEY="dev",
        DATABASE=os.path.join(app.instance_path, "survey.sqlite3"),
        DATABASE_TIMEOUT=10.0,
        QUESTIONNAIRES=str(Path(app.root_path).parent / "questionnaires"),
        DEFAULT_QUESTIONNAIRE="readiness",
        REGIONS=REGIONS,
        LANGUAGES=["es", "en"],
        BABEL_DEFAULT_LOCALE="es",
        PEER_GROUP_MINIMUM=5,
        SECTION_CACHE_SIZE=2048,  # rendered question blocks kept per worker; 0 turns it off
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        MAX_CONTENT_LENGTH=256 * 1024,
        # A slow owner must not lose a page of answers to an expired token: the section view
        # keeps what was typed and asks to save again; the lifetime only bounds replay.
        WTF_CSRF_TIME_LIMIT=8 * 3600,
        COMPRESS_MIMETYPES=["text/html", "text/css", "application/javascript", "application/json"],
        COMPRESS_MIN_SIZE=500,
        COMPRESS_ALGORITHM=["gzip"],
        COMPRESS_ALGORITHM_STREAMING=["gzip"],  # static files are sent as streams
        # Static URLs carry a digest of the file (assets.asset_url), so browsers may keep them.
        SEND_FILE_MAX_AGE_DEFAULT=365 * 24 * 3600,
        COMPRESS_LEVEL=3,  # measured: nearly the size of level 6 on our pages for half the time
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("SURVEY")
    else:
        app.config.from_mapping(test_config)
    os.makedirs(app.instance_path, exist_ok=True)

    from . import assets, cli, errors, i18n, owner, versions
    from .extensions import compress, csrf

    db.init_app(app)
    csrf.init_app(app)
    compress.init_app(app)
    i18n.init_app(app)
    versions.init_app(app)
    assets.init_app(app)
    cli.init_app(app)
    errors.init_app(app)
    app.register_blueprint(owner.bp)
    return app
