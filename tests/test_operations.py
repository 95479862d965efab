"""What an operator relies on: /healthz for the proxy and monitors, and a request log with no secrets."""

from __future__ import annotations

import logging
import sqlite3

import pytest
from helpers import start
from test_owner import READINESS, answer_all

from survey import create_app
from survey.store.schema import migrate
from survey.web.database import get_db
from survey.web.request_log import logger as request_logger


@pytest.fixture
def lines(app):
    """The request log's lines while the test runs."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    request_logger.addHandler(handler)
    yield lambda: [record.getMessage() for record in records]
    request_logger.removeHandler(handler)


def test_healthz_says_ok_and_nothing_else(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_fails_when_the_database_cannot_be_written(app, client, caplog):
    # Another connection holds the write lock past the app's timeout: the check must say so, not hang.
    app.config["DATABASE_TIMEOUT"] = 0.2
    holder = sqlite3.connect(app.config["DATABASE"], isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        response = client.get("/healthz")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "failed": ["database"]}
    assert "database is locked" in caplog.text  # the reason, in the server's log only
    assert "locked" not in response.get_data(as_text=True)
    assert client.get("/healthz").status_code == 200  # and recovers once the lock is gone


def test_healthz_fails_without_the_default_questionnaire(app, client):
    app.extensions["questionnaires"].current.pop(app.config["DEFAULT_QUESTIONNAIRE"])
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["failed"] == ["questionnaires"]


def test_every_request_gets_one_line_with_its_status_and_time(client, lines):
    client.get("/")
    client.get("/no-such-page")
    assert len(lines()) == 2
    method, path, status, took, unit, address = lines()[0].split()
    assert (method, path, status, unit, address) == ("GET", "/", "200", "ms", "127.0.0.1")
    assert float(took) > 0
    assert lines()[1].startswith("GET /no-such-page 404 ")


def test_the_log_never_holds_a_resume_token_a_query_or_an_answer(app, en, lines):
    token = start(en)
    answer_all(en, token, READINESS, overrides={})
    en.get(f"/a/{token}/results")
    en.get(f"/login?next=/a/{token}/results")
    en.get(f"/a/{token}x/nothing-here")  # matches no rule
    en.get(f"/invitation/{token}")
    logged = "\n".join(lines())
    assert token not in logged
    assert "next=" not in logged
    assert "GET /a/***/section/1 200" in logged
    assert "POST /a/***/section/1 302" in logged
    assert "GET /a/***/nothing-here 404" in logged
    assert "GET /invitation/*** " in logged
    # What the owner answered travels in the bodies, which are never logged.
    assert "dig_strategy_plan" not in logged


def test_a_healthy_check_is_not_logged_but_a_failed_one_is(app, client, lines):
    client.get("/healthz")
    assert lines() == []
    app.extensions["questionnaires"].current.pop(app.config["DEFAULT_QUESTIONNAIRE"])
    client.get("/healthz")
    assert lines()[0].startswith("GET /healthz 503 ")


def test_an_error_is_logged_with_its_traceback_and_the_visitor_sees_none(app, client, caplog, lines):
    @app.route("/boom")
    def boom():
        raise RuntimeError("a secret detail")

    app.testing = False  # let the error reach the error page, as in production
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/boom")
    assert response.status_code == 500
    assert "a secret detail" not in response.get_data(as_text=True)
    assert "Traceback" in caplog.text and "RuntimeError: a secret detail" in caplog.text
    assert lines()[-1].startswith("GET /boom 500 ")


def test_an_error_on_a_private_link_is_logged_without_its_token(app, caplog, lines):
    @app.route("/a/<token>/fails")
    def fails(token):
        raise RuntimeError("broken on a private page")

    app.testing = False
    app.config["PROPAGATE_EXCEPTIONS"] = False
    token = "W1kmCzb7v3XwQBshAPmHX0aE"
    assert app.test_client().get(f"/a/{token}/fails").status_code == 500
    assert "Exception on /a/***/fails [GET]" in caplog.text
    assert "RuntimeError: broken on a private page" in caplog.text
    assert token not in caplog.text and token not in "\n".join(lines())


def test_a_token_behind_a_double_slash_is_masked_too(app, en, lines):
    token = start(en)
    en.get(f"/a//{token}/results")  # Werkzeug redirects it to /a/<token>/results before any rule matches
    en.get(f"/s//{token}")
    logged = "\n".join(lines())
    assert token not in logged
    assert "GET /a/***/results 308" in logged


def test_a_path_cannot_write_a_line_of_its_own(client, lines):
    client.get("/no-such%0A[2026-01-01 00:00:00,000] [1] request GET /admin 200 1.0 ms 127.0.0.1")
    assert len(lines()) == 1
    assert "\n" not in lines()[0] and "/no-such\\x0a[2026" in lines()[0]


def test_the_request_log_can_be_turned_off(tmp_path, lines):
    quiet = create_app(
        {"TESTING": True, "DATABASE": str(tmp_path / "q.sqlite3"), "SECRET_KEY": "t", "REQUEST_LOG": False}
    )
    quiet.test_client().get("/")
    assert lines() == []


def test_rotating_the_secret_key_with_the_old_one_as_fallback_keeps_people_logged_in(tmp_path):
    """The operator's guide: a new SECRET_KEY, the old one in SECRET_KEY_FALLBACKS for a while."""
    from test_accounts import add_user, english, log_in

    def site(**keys):
        return create_app({"TESTING": True, "DATABASE": str(tmp_path / "r.sqlite3"), **keys})

    before = site(SECRET_KEY="old key")
    with before.app_context():
        migrate(get_db())
    add_user(before)
    visitor = english(before)
    assert log_in(visitor).status_code == 302
    cookie = visitor.get_cookie("session").value

    def account_page(app) -> int:
        client = english(app)
        client.set_cookie("session", cookie)
        return client.get("/account").status_code

    assert account_page(before) == 200
    assert account_page(site(SECRET_KEY="new key", SECRET_KEY_FALLBACKS=["old key"])) == 200
    assert account_page(site(SECRET_KEY="new key")) == 302  # without the fallback: logged out
