"""Fixtures: a fresh app on a temporary database, its client and its CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey import create_app
from survey.store.schema import migrate
from survey.web.database import get_db

ROOT = Path(__file__).resolve().parent.parent
QUESTIONNAIRES = ROOT / "questionnaires"


@pytest.fixture
def app(tmp_path):
    """Return an app on an empty, migrated database in a temporary folder."""
    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "test.sqlite3"), "SECRET_KEY": "test"})
    with app.app_context():
        migrate(get_db())
    yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def en(client):
    """The client of an owner who chose English."""
    client.set_cookie("lang", "en")
    return client
