"""Fixtures: a fresh app on a temporary database, its client and its CLI runner; an app on a questionnaire
of context questions and empty selections."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import app_serving

from survey import create_app
from survey.store.schema import migrate
from survey.web.database import get_db

ROOT = Path(__file__).resolve().parent.parent
QUESTIONNAIRES = ROOT / "questionnaires"
CONTEXT = Path(__file__).resolve().parent / "questionnaires" / "valid" / "context.yaml"


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


@pytest.fixture
def context_app(tmp_path):
    """Return an app that serves only tests/questionnaires/valid/context.yaml."""
    return app_serving(tmp_path, CONTEXT)


@pytest.fixture
def context_owner(context_app):
    """The client of an owner who chose English, on context_app."""
    client = context_app.test_client()
    client.set_cookie("lang", "en")
    return client
