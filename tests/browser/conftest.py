"""Fixtures for the browser tests: the app on a live server, and Debian's Chromium driven by Playwright.

The server runs in a thread of the test process on 127.0.0.1, on a database seeded with demo
firms so that results pages have peers to compare with. Every browser context blocks and records
requests to any other host: the app must work offline, without anything from the internet.
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from helpers import missing

from survey import create_app
from survey.core.questionnaire import load_questionnaire
from survey.store.demo import store_demo
from survey.store.schema import migrate
from survey.store.users import create_user
from survey.web.database import get_db
from survey.web.passwords import hash_password

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "survey" / "bundles" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOST = "127.0.0.1"
DEMO_FIRMS = 300
# Accounts on the live server, for the pages behind a login.
ADMIN = {"email": "admin@example.org", "password": "clave de prueba larga", "name": "Ana Quispe"}
CONSULTANT = {"email": "rosa@example.org", "password": "otra clave de prueba", "name": "Rosa Huamán"}


@pytest.fixture(scope="session")
def questionnaire():
    """The questionnaire the app serves, to look up questions, options and number ranges."""
    return load_questionnaire(ROOT / "questionnaires" / "readiness.yaml")


DEMO_TOKENS: list[str] = []  # the private links of the live server's demo assessments


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """Serve the app on 127.0.0.1 and a free port, on a fresh database with demo peers; yield its URL."""
    database = tmp_path_factory.mktemp("browser") / "survey.sqlite3"
    # A demonstration site: its demo firms count on the dashboard and in exports.
    app = create_app({"DATABASE": str(database), "SECRET_KEY": "x", "DEMO": True})
    with app.app_context():
        db = get_db()
        migrate(db)
        current = app.extensions["questionnaires"].current[app.config["DEFAULT_QUESTIONNAIRE"]]
        DEMO_TOKENS[:] = store_demo(db, current, DEMO_FIRMS)
        create_user(db, ADMIN["email"], "admin", hash_password(ADMIN["password"]), ADMIN["name"])
        create_user(db, CONSULTANT["email"], "consultant", hash_password(CONSULTANT["password"]), CONSULTANT["name"])
    with serving(app) as url:
        yield url


@contextlib.contextmanager
def serving_only(questionnaire: Path, folder: Path):
    """Serve an app whose one questionnaire is this file, on a fresh database in `folder`; yield its URL."""
    (folder / "questionnaires").mkdir()
    (folder / "questionnaires" / questionnaire.name).write_text(questionnaire.read_text(encoding="utf-8"), "utf-8")
    app = create_app(
        {
            "DATABASE": str(folder / "survey.sqlite3"),
            "SECRET_KEY": "x",
            "QUESTIONNAIRES": str(folder / "questionnaires"),
            "DEFAULT_QUESTIONNAIRE": load_questionnaire(questionnaire).id,
        }
    )
    with app.app_context():
        migrate(get_db())
    with serving(app) as url:
        yield url


@contextlib.contextmanager
def serving(app):
    """Serve an app on 127.0.0.1 and a free port in a thread; yield its URL, and stop it afterwards."""
    from werkzeug.serving import make_server

    # Port 0: the system picks a free port, with no race between choosing and binding it.
    server = make_server(LOCAL_HOST, 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture(scope="session")
def browser():
    """Launch Debian's Chromium headless; fail under CI, else skip, when it is not installed."""
    if not os.path.exists(CHROMIUM):
        message = f"Chromium is not installed at {CHROMIUM}: install it with `apt-get install chromium`."
        missing(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def axe_script() -> str:
    """axe-core as installed by `make` from survey/bundles; a failure under CI when missing."""
    if not AXE.exists():
        message = f"{AXE} is missing: run `make charts` (npm ci in survey/bundles)"
        missing(message)
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def offsite_requests():
    """The URLs of the requests to hosts other than 127.0.0.1 made during a test (all blocked)."""
    return []


@pytest.fixture
def new_context(browser, live_server, offsite_requests):
    """Return a function opening a browser context (a separate device: no shared cookies).

    Requests to any host but 127.0.0.1 are aborted and recorded in `offsite_requests`.
    Every context still open is closed at the end of the test.
    """
    opened = []

    def block_offsite(route):
        url = route.request.url
        if urlsplit(url).hostname == LOCAL_HOST:
            route.continue_()
        else:
            offsite_requests.append(url)
            route.abort()

    def open_context(**options):
        context = browser.new_context(base_url=live_server, **options)
        context.set_default_timeout(10_000)
        context.route("**/*", block_offsite)
        opened.append(context)
        return context

    yield open_context
    for context in opened:
        with contextlib.suppress(Exception):  # already closed by the test, or the browser went away
            context.close()
