"""The readiness survey: small firms measure their readiness for Industry 4.0 and the green economy.

Importing the package loads nothing else: the pure core (survey.core) stays free of Flask.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: dict | None = None, instance_path: str | None = None) -> Flask:
    """Build the app: configuration, database, translations, questionnaires, blueprints.

    With `test_config`, only those settings are added to the defaults (instance/config.py and
    SURVEY_ variables are not read); `instance_path` moves the instance folder.
    """
    from . import cli
    from .web.app import build_app

    app = build_app(test_config, instance_path)
    cli.init_app(app)
    return app
