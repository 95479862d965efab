"""What an attacker would try on the web pages, and what an owner must be able to trust.

Crafted redirects on the language switch, a translated 500 page that tells nothing, firm names
that try to be chart markup, guessable demo links, a forged Host header, private pages kept in
caches, and the secret key made on first start.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import stat
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from babel.messages.pofile import read_po
from helpers import PROFILE, csrf_token, start
from test_owner import READINESS, answer_all, form_data, query, soup_of, submit, text_of, valid_answers

from survey import create_app
from survey.reports.charts import radar_figure
from survey.store.assessments import hash_token, new_token
from survey.store.connection import connect
from survey.store.demo import store_demo
from survey.store.schema import migrate
from survey.web.database import get_db

ROOT = Path(__file__).resolve().parent.parent
SPANISH_PO = ROOT / "survey" / "translations" / "es" / "LC_MESSAGES" / "messages.po"
YEAR = 365 * 24 * 3600
BASE_URL = "https://encuesta.example.org"
SECRET_DETAIL = "db password hunter2 in /srv/secret/path.py"


def make_app(tmp_path, name: str = "test", **config):
    """An app on its own migrated database; `config` is added to the test settings."""
    settings = {"TESTING": True, "DATABASE": str(tmp_path / f"{name}.sqlite3"), "SECRET_KEY": "test", **config}
    app = create_app(settings)
    with app.app_context():
        migrate(get_db())
    return app


def spanish(msgid: str) -> str:
    """The Spanish the catalog source gives a message (the .po file, not the compiled one)."""
    with SPANISH_PO.open("rb") as handle:
        message = read_po(handle).get(msgid)
    assert message is not None and message.string, f"{msgid!r} has no Spanish in {SPANISH_PO}"
    return message.string


def max_age(header: str | None) -> int:
    match = re.search(r"max-age=(\d+)", header or "")
    return int(match.group(1)) if match else 0


class OnHost:
    """A test client whose every request carries one Host header, as a browser at that address sends."""

    def __init__(self, client, host: str):
        self.client, self.host = client, host

    def get(self, path, **kwargs):
        return self.client.get(path, headers={"Host": self.host, **kwargs.pop("headers", {})}, **kwargs)

    def post(self, path, **kwargs):
        return self.client.post(path, headers={"Host": self.host, **kwargs.pop("headers", {})}, **kwargs)


@pytest.fixture
def quiet_app(tmp_path):
    """An app that answers an unexpected failure with its 500 page, as in production, instead of raising."""
    app = make_app(tmp_path, "quiet", PROPAGATE_EXCEPTIONS=False)
    yield app


# --------------------------------------------------------------------------- the language switch


CRAFTED_NEXT = [
    "//%5Bx",  # "//[x": a host that URL parsers choke on
    "http://%5B::1",  # an unbalanced IPv6 bracket: urlsplit raises ValueError
    "/a%0d%0aSet-Cookie:x=1",  # CR/LF: a header injection
    "//evil.example",
    "https://evil.example",
    "/%5Cevil.example",  # "/\\evil.example": browsers read the backslash as a slash
    "/%09/evil.example",  # a tab, which browsers strip: "//evil.example"
]


def assert_local(location: str) -> None:
    """A redirect target that stays on this site and injects nothing."""
    assert "\r" not in location and "\n" not in location, repr(location)
    assert "\\" not in location, repr(location)
    assert location.startswith("/") and not location.startswith("//"), repr(location)
    assert urlsplit(urljoin("http://localhost/start", location)).netloc == "localhost", repr(location)


@pytest.mark.parametrize("crafted", CRAFTED_NEXT)
def test_a_crafted_next_goes_back_to_the_page_the_visitor_came_from(quiet_app, crafted):
    """A crafted `next` on the language switch redirects to the referring page on this site, never elsewhere."""
    client = quiet_app.test_client()
    response = client.get(f"/language/en?next={crafted}", headers={"Referer": "http://localhost/start"})
    assert response.status_code == 302, (crafted, response.status_code)
    location = response.headers["Location"]
    assert_local(location)
    assert location == "/start", (crafted, location)
    assert [c.split("=")[0] for c in response.headers.getlist("Set-Cookie")] == ["lang"]
    assert client.get_cookie("lang").value == "en"


@pytest.mark.parametrize("crafted", CRAFTED_NEXT)
def test_a_crafted_next_without_a_referer_goes_home(quiet_app, crafted):
    """A crafted `next` with no Referer redirects to the home page of this site."""
    response = quiet_app.test_client().get(f"/language/es?next={crafted}")
    assert response.status_code == 302, (crafted, response.status_code)
    assert response.headers["Location"] == "/", (crafted, response.headers["Location"])
    assert [c.split("=")[0] for c in response.headers.getlist("Set-Cookie")] == ["lang"]


@pytest.mark.parametrize(
    "referer",
    [
        "http://evil.example/start",
        "http://localhost//evil.example",
        "http://localhost/\\evil.example",
        "http://localhost.evil.example/start",
    ],
)
def test_a_crafted_referer_does_not_lead_elsewhere(quiet_app, referer):
    """With no usable `next`, a Referer of another site or a crafted one leads to the home page."""
    response = quiet_app.test_client().get("/language/en", headers={"Referer": referer})
    assert response.status_code == 302, response.status_code
    assert response.headers["Location"] == "/", (referer, response.headers["Location"])


def test_a_good_next_is_kept_over_the_referer(client):
    """A path on this site in `next` is where the switch leads, whatever the Referer."""
    response = client.get("/language/en?next=/start", headers={"Referer": "http://localhost/"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/start"
    response = client.get("/language/es?next=/start%3Fx%3D1", headers={"Referer": "http://localhost/"})
    assert response.headers["Location"] == "/start?x=1"


# --------------------------------------------------------------------------- the 500 page


@pytest.fixture
def failing_app(quiet_app):
    """The app with one page that fails with an unexpected exception."""

    def view_that_raises():
        raise RuntimeError(SECRET_DETAIL)

    quiet_app.add_url_rule("/boom", "boom", view_that_raises)
    return quiet_app


def assert_error_page_in_the_site_look(response) -> None:
    soup = soup_of(response)
    assert soup.select_one("header.site") is not None, response.get_data(as_text=True)[:500]
    assert soup.select_one("header.site a.brand") is not None
    assert soup.select_one("footer.site") is not None
    assert soup.select_one('link[rel="stylesheet"]') is not None
    assert soup.find("a", href="/") is not None  # a way back to the start
    body = response.get_data(as_text=True)
    for leak in (SECRET_DETAIL, "RuntimeError", "Traceback", "view_that_raises", 'File "'):
        assert leak not in body, leak


def test_an_unexpected_failure_shows_a_spanish_500_page_by_default(failing_app):
    """A failing page answers 500 with the site's look and a Spanish apology, and shows nothing of the error."""
    response = failing_app.test_client().get("/boom")
    assert response.status_code == 500
    assert response.mimetype == "text/html"
    assert_error_page_in_the_site_look(response)
    soup = soup_of(response)
    assert soup.html["lang"] == "es"
    assert soup.h1.get_text(strip=True) == spanish("Something went wrong on our side")
    assert spanish("Something went wrong on our side") != "Something went wrong on our side"
    assert "Something went wrong on our side" not in text_of(response)


def test_an_unexpected_failure_shows_an_english_500_page_to_an_english_visitor(failing_app):
    """A visitor who chose English gets the 500 page in English, in the site's look, with nothing of the error."""
    client = failing_app.test_client()
    client.set_cookie("lang", "en")
    response = client.get("/boom")
    assert response.status_code == 500
    assert_error_page_in_the_site_look(response)
    soup = soup_of(response)
    assert soup.html["lang"] == "en"
    assert soup.h1.get_text(strip=True) == "Something went wrong on our side"
    assert "Your saved answers are safe" in text_of(response)


# --------------------------------------------------------------------------- firm names in the chart

LINK_NAME = '<a href="https://example.org">Pulse aquí</a>'
STYLE_NAME = '<span style="font-size:40px">x</span>'


def strings_in(value):
    """Every string anywhere in a figure's JSON."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


@pytest.mark.parametrize(
    "name, shown",
    [
        (LINK_NAME, '&lt;a href="https://example.org"&gt;Pulse aquí&lt;/a&gt;'),
        (STYLE_NAME, '&lt;span style="font-size:40px"&gt;x&lt;/span&gt;'),
    ],
)
def test_a_firm_name_is_shown_in_the_chart_as_written_not_as_markup(app, en, name, shown):
    """A firm named like plotly markup appears in the chart JSON entity-escaped, and in the page as text."""
    token = start(en, {"name": name})
    answer_all(en, token)
    assert submit(en, token).status_code == 302
    page = en.get(f"/a/{token}/results")
    assert page.status_code == 200
    soup = soup_of(page)
    figure = json.loads(soup.select_one("script[data-chart]").string)
    names = [trace["name"] for trace in figure["data"]]
    assert shown in names, names
    for text in strings_in(figure):
        assert "<a" not in text and "<span" not in text, text
    for trace in figure["data"]:
        for label in trace["theta"]:
            assert "<" not in label.replace("<br>", ""), label
    # In the page itself the name is text, not an element.
    assert soup.h1.get_text(strip=True) == f"Results for {name}"
    assert soup.find("a", href="https://example.org") is None
    assert soup.find("span", style="font-size:40px") is None


AXES = ["<b>x</b>", "Digital tools in everyday operations", "<b>Bold</b> theme with a rather long title", "Data"]
SCORES = [40.0, 55.0, 10.0, 90.0]


def test_radar_axis_labels_are_escaped_but_keep_their_line_breaks():
    """Axis labels that hold markup come out entity-escaped, and the <br> that wraps long labels stays."""
    names = {"firm": "Firm", "median": "Median", "band": "Band"}
    figure = radar_figure(AXES, SCORES, SCORES, SCORES, SCORES, names)
    for trace in figure["data"]:
        labels = trace["theta"]
        assert "&lt;b&gt;x&lt;/b&gt;" in labels, labels
        assert all("<b>" not in label and "</b>" not in label for label in labels), labels
        wrapped = [label for label in labels if "<br>" in label]
        assert wrapped, labels  # the long labels are broken into lines
        readable = {label.replace("<br>", " ").replace("&lt;", "<").replace("&gt;", ">") for label in labels}
        assert readable == set(AXES)


def test_radar_trace_names_are_escaped_ampersand_first():
    """Trace names with < > & are escaped so plotly shows them as typed, an entity included."""
    names = {"firm": "Pérez & Hijos <i>SAC</i>", "median": "&lt;median&gt;", "band": "<br>band"}
    figure = radar_figure(AXES, SCORES, SCORES, SCORES, SCORES, names)
    assert [trace["name"] for trace in figure["data"]] == [
        "&lt;br&gt;band",
        "&amp;lt;median&amp;gt;",
        "Pérez &amp; Hijos &lt;i&gt;SAC&lt;/i&gt;",
    ]


# --------------------------------------------------------------------------- demo links


def seed_into(path: Path, count: int = 20, seed: int = 7) -> list[str]:
    """Seed demo data into a fresh database file; return the tokens store_demo gives back."""
    db = connect(str(path))
    try:
        migrate(db)
        return store_demo(db, READINESS, count, seed)
    finally:
        db.close()


def demo_content(path: Path) -> list[tuple]:
    """Everything about the demo data except its links: firms, assessments, answers, scores."""
    connection = sqlite3.connect(path)
    try:
        return [
            connection.execute(
                "SELECT name, sector, size, region, year_founded, is_demo FROM firms ORDER BY id"
            ).fetchall(),
            connection.execute(
                "SELECT status, period, overall, scores_json, is_demo FROM assessments ORDER BY id"
            ).fetchall(),
            connection.execute("SELECT assessment_id, question_id, value FROM answers ORDER BY 1, 2").fetchall(),
            connection.execute("SELECT * FROM scores ORDER BY assessment_id, dimension").fetchall(),
        ]
    finally:
        connection.close()


def test_demo_links_are_unguessable_and_not_reproducible_from_the_seed(tmp_path):
    """The same seed twice gives the same firms and scores but different, long, random links."""
    first = seed_into(tmp_path / "one.sqlite3")
    second = seed_into(tmp_path / "two.sqlite3")
    assert demo_content(tmp_path / "one.sqlite3") == demo_content(tmp_path / "two.sqlite3")
    assert len(first) == len(second) == 20
    assert not set(first) & set(second), "the same seed gave the same demo links twice"
    real = new_token()
    for token in first + second:
        assert not token.lower().startswith("demo"), token
        assert len(token) >= len(real), token
        assert re.fullmatch(r"[A-Za-z0-9_-]+", token), token
    assert len(set(first)) == len(first)
    # The links returned are the ones that open the stored assessments (only their hashes are kept).
    stored = {row[0] for row in sqlite3.connect(tmp_path / "one.sqlite3").execute("SELECT token_hash FROM assessments")}
    assert stored == {hash_token(token) for token in first}


def test_seed_demo_twice_with_one_seed_gives_different_links(tmp_path):
    """`seed-demo --count 20 --seed 7` in two fresh databases: same data, no link in common."""
    apps = [make_app(tmp_path, name) for name in ("first", "second")]
    for app in apps:
        result = app.test_cli_runner().invoke(args=["seed-demo", "--count", "20", "--seed", "7"])
        assert result.exit_code == 0, (result.output, result.exception)
    first, second = (Path(app.config["DATABASE"]) for app in apps)
    assert demo_content(first) == demo_content(second)
    hashes = [{row[0] for row in query(app, "SELECT token_hash FROM assessments")} for app in apps]
    assert len(hashes[0]) == len(hashes[1]) == 20
    assert not hashes[0] & hashes[1]


def test_a_demo_link_opens_its_results(tmp_path):
    """A token store_demo returns is a working private link to a submitted demo assessment."""
    app = make_app(tmp_path)
    db = connect(app.config["DATABASE"])
    try:
        token = store_demo(db, READINESS, 5, 7)[0]
    finally:
        db.close()
    client = app.test_client()
    response = client.get(f"/a/{token}")
    assert response.status_code == 302 and response.headers["Location"] == f"/a/{token}/results"
    assert client.get(f"/a/{token}/results").status_code == 200


# --------------------------------------------------------------------------- the Host header


def resume_links(page) -> list[str]:
    """The full private links a page shows for copying."""
    return [i["value"] for i in soup_of(page).select("input[readonly]") if i.get("value", "").startswith("http")]


def test_without_base_url_the_link_follows_the_host_for_development(app, client):
    """With no BASE_URL (development) any host is answered and the link is built from the request's host."""
    token = start(client)
    page = client.get(f"/a/{token}/link", headers={"Host": "evil.example"})
    assert page.status_code == 200
    assert soup_of(page).select_one("#resume-link").get_text() == f"http://evil.example/a/{token}"


@pytest.fixture
def base_url_app(tmp_path):
    """An app told its address in BASE_URL; TRUSTED_HOSTS is left to its default."""
    app = make_app(tmp_path, "base", BASE_URL=BASE_URL, PROPAGATE_EXCEPTIONS=False)
    yield app


def test_with_base_url_the_host_of_base_url_is_trusted_by_default(base_url_app):
    """Setting BASE_URL makes its host the one trusted host."""
    assert base_url_app.config["TRUSTED_HOSTS"] == ["encuesta.example.org"]


@pytest.mark.parametrize("scheme", ["https", "http"])
def test_with_base_url_the_link_pages_show_the_base_url(base_url_app, scheme):
    """At the site's own host, the link page and a section page show BASE_URL's address, even over http."""
    client = base_url_app.test_client()
    owner = OnHost(client, "encuesta.example.org")
    token = start(owner)
    expected = f"{BASE_URL}/a/{token}"
    link = client.get(f"/a/{token}/link", base_url=f"{scheme}://encuesta.example.org")
    assert link.status_code == 200
    assert soup_of(link).select_one("#resume-link").get_text() == expected
    assert soup_of(link).find("a", class_="primary")["href"] == expected
    section = client.get(f"/a/{token}/section/1", base_url=f"{scheme}://encuesta.example.org")
    assert section.status_code == 200
    assert resume_links(section) == [expected]


def test_with_base_url_a_forged_host_that_passes_the_host_check_still_gets_base_url_links(tmp_path):
    """Even when TRUSTED_HOSTS lets Host: evil.example through, the pages show BASE_URL's address."""
    app = make_app(tmp_path, "lenient", BASE_URL=BASE_URL, TRUSTED_HOSTS=["encuesta.example.org", "evil.example"])
    client = app.test_client()
    token = start(OnHost(client, "encuesta.example.org"))
    forged = OnHost(client, "evil.example")
    link = forged.get(f"/a/{token}/link")
    assert link.status_code == 200
    assert soup_of(link).select_one("#resume-link").get_text() == f"{BASE_URL}/a/{token}"
    section = forged.get(f"/a/{token}/section/1")
    assert resume_links(section) == [f"{BASE_URL}/a/{token}"]
    assert "evil.example" not in link.get_data(as_text=True)
    assert "evil.example" not in section.get_data(as_text=True)


def test_with_base_url_a_forged_host_is_refused_with_400(base_url_app):
    """With BASE_URL set and TRUSTED_HOSTS left to its default, a request with Host: evil.example gets 400."""
    client = base_url_app.test_client()
    token = start(OnHost(client, "encuesta.example.org"))
    for path in ("/", "/start", f"/a/{token}/link", f"/a/{token}/section/1"):
        response = client.get(path, headers={"Host": "evil.example"})
        assert response.status_code == 400, (path, response.status_code, response.get_data(as_text=True)[:200])
        assert "evil.example" not in response.get_data(as_text=True)
        assert "Algo falló en la solicitud" in response.get_data(as_text=True)  # said in the visitor's words


def test_explicit_trusted_hosts_refuse_another_host_with_400(tmp_path):
    """With TRUSTED_HOSTS=["survey.example"], a request with Host: evil.example gets 400; survey.example works."""
    app = make_app(tmp_path, "trusted", TRUSTED_HOSTS=["survey.example"], PROPAGATE_EXCEPTIONS=False)
    client = app.test_client()
    assert client.get("/", headers={"Host": "survey.example"}).status_code == 200
    response = client.get("/", headers={"Host": "evil.example"})
    assert response.status_code == 400, (response.status_code, response.get_data(as_text=True)[:200])


def test_explicit_trusted_hosts_never_answer_a_page_to_another_host(tmp_path):
    """With TRUSTED_HOSTS=["survey.example"], Host: evil.example gets no page and no link, only an error."""
    app = make_app(tmp_path, "trusted", TRUSTED_HOSTS=["survey.example"], PROPAGATE_EXCEPTIONS=False)
    client = app.test_client()
    token = start(OnHost(client, "survey.example"))
    for path in ("/", f"/a/{token}/link"):
        response = client.get(path, headers={"Host": "evil.example"})
        assert response.status_code == 400, (path, response.status_code)
        assert response.mimetype == "text/plain"
        assert token not in response.get_data(as_text=True)
        assert "evil.example" not in response.get_data(as_text=True)


# --------------------------------------------------------------------------- caching


def test_every_private_page_says_no_store(app, en):
    """Every response under /a/<token>/, redirects and errors included, carries Cache-Control: no-store."""
    token = start(en)
    seen = {
        "link": en.get(f"/a/{token}/link"),
        "resume redirect of a draft": en.get(f"/a/{token}"),
        "section": en.get(f"/a/{token}/section/1"),
        "results of a draft (redirect)": en.get(f"/a/{token}/results"),
    }
    page = seen["section"]
    seen["section refused (400)"] = en.post(
        f"/a/{token}/section/1", data=form_data({"dig_strategy_plan": "bogus"}, csrf_token(page.data))
    )
    seen["section saved (302)"] = en.post(
        f"/a/{token}/section/1", data=form_data(valid_answers(READINESS.sections[0]), csrf_token(page.data))
    )
    seen["section out of range (404)"] = en.get(f"/a/{token}/section/99")
    answer_all(en, token)
    seen["review"] = en.get(f"/a/{token}/review")
    seen["submit (302)"] = submit(en, token)
    seen["results"] = en.get(f"/a/{token}/results")
    seen["actions"] = en.get(f"/a/{token}/actions")
    seen["resume redirect of a submitted one"] = en.get(f"/a/{token}")
    seen["unknown token (404)"] = en.get("/a/nosuchtoken0000000000000/link")
    seen["unknown token results (404)"] = en.get("/a/nosuchtoken0000000000000/results")
    expected = {
        "link": 200,
        "resume redirect of a draft": 302,
        "section": 200,
        "results of a draft (redirect)": 302,
        "section refused (400)": 400,
        "section saved (302)": 302,
        "section out of range (404)": 404,
        "review": 200,
        "submit (302)": 302,
        "results": 200,
        "actions": 200,
        "resume redirect of a submitted one": 302,
        "unknown token (404)": 404,
        "unknown token results (404)": 404,
    }
    assert {name: response.status_code for name, response in seen.items()} == expected
    cached = {
        name: r.headers.get("Cache-Control") for name, r in seen.items() if r.headers.get("Cache-Control") != "no-store"
    }
    assert cached == {}, "private responses without Cache-Control: no-store"


def test_the_landing_page_and_static_assets_may_be_cached(client):
    """The landing page does not say no-store, and a static file with ?v= keeps its year-long max-age."""
    landing = client.get("/")
    assert landing.status_code == 200
    assert "no-store" not in landing.headers.get("Cache-Control", "")
    href = soup_of(landing).select_one('link[rel="stylesheet"]')["href"]
    assert "v=" in urlsplit(href).query
    asset = client.get(href)
    assert asset.status_code == 200
    assert "no-store" not in asset.headers.get("Cache-Control", "")
    assert max_age(asset.headers.get("Cache-Control")) >= YEAR


# --------------------------------------------------------------------------- the secret key


def key_app(tmp_path, folder: str):
    return create_app(
        {"TESTING": True, "DATABASE": str(tmp_path / "key.sqlite3"), "SECRET_KEY": None},
        instance_path=str(tmp_path / folder),
    )


def test_without_a_secret_key_one_is_made_once_and_kept_private(tmp_path):
    """With no SECRET_KEY, a long random key is written to instance/secret_key (mode 600) and reused."""
    first = key_app(tmp_path, "inst")
    key = first.secret_key
    assert isinstance(key, str) and key != "dev" and len(key) >= 32, key
    assert len(set(key)) >= 10, key  # not a repeated character
    kept = tmp_path / "inst" / "secret_key"
    assert kept.is_file(), f"the key was not kept in {kept}"
    assert stat.S_IMODE(os.stat(kept).st_mode) == 0o600, oct(os.stat(kept).st_mode)
    assert kept.read_text(encoding="ascii").strip() == key
    assert key_app(tmp_path, "inst").secret_key == key  # a restart, or another worker
    other = key_app(tmp_path, "elsewhere").secret_key
    assert other != key and len(other) >= 32


def test_a_form_opened_before_a_restart_can_still_be_sent(tmp_path):
    """A form from one worker is accepted by another with the same instance folder, refused by another site."""
    first = key_app(tmp_path, "inst")
    with first.app_context():
        migrate(get_db())
    browser = first.test_client()
    token = csrf_token(browser.get("/start").data)
    session = browser.get_cookie("session").value
    for folder, status in (("inst", 302), ("elsewhere", 400)):
        other = key_app(tmp_path, folder).test_client()
        other.set_cookie("session", session)
        response = other.post("/start", data={**PROFILE, "csrf_token": token})
        assert response.status_code == status, (folder, response.status_code)
        if status == 400:  # refused for its token, not for the profile
            assert "La página había vencido" in text_of(response)
