"""Helpers the tests share: reading a form's CSRF token, filling in the firm profile."""

from __future__ import annotations

import os
import re

import pytest


def csrf_token(html: str | bytes) -> str:
    """Return the CSRF token of the first form in a page."""
    text = html.decode() if isinstance(html, bytes) else html
    match = re.search(r'<input[^>]*name="(?:q-)?csrf_token"[^>]*value="([^"]+)"', text)
    assert match, "the page has no CSRF token"
    return match.group(1)


PROFILE = {
    "name": "Muebles Arequipa",
    "sector": "wood_furniture",
    "size": "micro",
    "region": "Arequipa",
    "year_founded": "2008",
}


def start(client, profile: dict | None = None) -> str:
    """Fill in the firm profile as an owner would; return the new assessment's resume token."""
    page = client.get("/start")
    response = client.post("/start", data={**PROFILE, **(profile or {}), "csrf_token": csrf_token(page.data)})
    assert response.status_code == 302, response.data
    return response.headers["Location"].split("/")[2]


def missing(message: str) -> None:
    """Stop a test whose tool or build is missing: a failure under CI (make installs it), else a skip."""
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)
