"""Fixtures: a fresh app on a temporary database, its client and CLI runner, and helpers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from survey import create_app
from survey.db import get_db, migrate
from survey.peers import clear_cache

ROOT = Path(__file__).resolve().parent.parent
QUESTIONNAIRES = ROOT / "questionnaires"


@pytest.fixture
def app(tmp_path):
    """Return an app on an empty, migrated database in a temporary folder."""
    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "test.sqlite3"), "SECRET_KEY": "test"})
    with app.app_context():
        migrate(get_db())
    clear_cache()
    yield app
    clear_cache()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_token(html: str | bytes) -> str:
    """Return the CSRF token of the first form in a page."""
    text = html.decode() if isinstance(html, bytes) else html
    match = re.search(r'name="(?:q-)?csrf_token" type="hidden" value="([^"]+)"', text)
    assert match, "the page has no CSRF token"
    return match.group(1)


PROFILE = {"name": "Muebles Arequipa", "sector": "wood_furniture", "size": "micro", "region": "Arequipa",
           "year_founded": "2008"}


def start(client, profile: dict | None = None) -> str:
    """Fill in the firm profile as an owner would; return the new assessment's resume token."""
    page = client.get("/start")
    response = client.post("/start", data={**PROFILE, **(profile or {}), "csrf_token": csrf_token(page.data)})
    assert response.status_code == 302, response.data
    return response.headers["Location"].split("/")[2]
