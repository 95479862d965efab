"""The owner's journey through the web pages: language, profile, sections, review, submit, results.

Every test drives the Flask test client as a browser would, and checks what an owner sees or
what the app stored (through its own functions or a query on the database file).

The helpers at the top are imported by the other web tests (test_bad_input, test_charts).
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from babel.messages.mofile import read_mo
from bs4 import BeautifulSoup
from helpers import PROFILE, csrf_token, start

from survey import create_app
from survey.core.model import Question, Questionnaire, Section
from survey.core.questionnaire import load_questionnaire
from survey.core.scoring import visible_answers
from survey.store.assessments import hash_token, load_answers
from survey.store.connection import connect
from survey.store.schema import migrate
from survey.web.database import get_db

ROOT = Path(__file__).resolve().parent.parent
READINESS = load_questionnaire(ROOT / "questionnaires" / "readiness.yaml")
SECTION_COUNT = len(READINESS.sections)
SPANISH_MO = ROOT / "survey" / "translations" / "es" / "LC_MESSAGES" / "messages.mo"

# A bug found by these tests; the marked tests assert the correct behaviour.


# --------------------------------------------------------------------------- helpers


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.data, "html.parser")


def text_of(response) -> str:
    """The page's visible text, whitespace collapsed."""
    return " ".join(soup_of(response).get_text(" ").split())


def section_number(questionnaire: Questionnaire, theme_id: str) -> int:
    """The page number (1-based) of the section holding a theme."""
    for number, section in enumerate(questionnaire.sections, start=1):
        if any(theme.id == theme_id for theme in section.themes):
            return number
    raise LookupError(theme_id)


def number_of_question(questionnaire: Questionnaire, question_id: str) -> int:
    return section_number(questionnaire, questionnaire.questions[question_id].theme_id)


def valid_value(question: Question) -> Any:
    """A valid answer that is not the best one, so that actions are recommended."""
    if question.type == "choice":
        options = [o for o in question.options if not o.not_applicable]
        return options[min(1, len(options) - 1)].value
    if question.type == "yesno":
        return "partly"
    if question.type == "checklist":
        return (next(o for o in question.options if not o.exclusive and not o.not_applicable).value,)
    if question.type == "number":
        low = question.min if question.min is not None else 0
        high = question.max if question.max is not None else low + 100
        return int(low + (high - low) // 4)
    if question.type == "text":
        return "Falta de tiempo"
    raise ValueError(question.type)


def valid_answers(section: Section, **overrides: Any) -> dict[str, Any]:
    """Valid answers to every question of a section, built from the questionnaire objects."""
    answers = {q.id: valid_value(q) for q in section.questions if q.type != "note"}
    answers.update(overrides)
    return answers


def form_data(answers: dict[str, Any], token: str | None, nav: str = "next") -> dict:
    """What a browser posts for a section page."""
    data: dict[str, Any] = {"nav": nav}
    if token is not None:
        data["q-csrf_token"] = token
    for qid, value in answers.items():
        if value is None:
            continue
        data[f"q-{qid}"] = [str(v) for v in value] if isinstance(value, (tuple, list)) else str(value)
    return data


def post_section(client, token: str, number: int, answers: dict[str, Any], nav: str = "next", **extra):
    """Open a section page, then post answers with its CSRF token, as the owner would."""
    page = client.get(f"/a/{token}/section/{number}")
    assert page.status_code == 200, page.status_code
    data = form_data(answers, csrf_token(page.data), nav)
    data.update(extra)
    return client.post(f"/a/{token}/section/{number}", data=data)


def answer_all(
    client,
    token: str,
    questionnaire: Questionnaire = READINESS,
    overrides: dict[str, Any] | None = None,
    stop_before: int | None = None,
) -> list[str]:
    """Answer section after section from where the link leads, following the app's redirects.

    Stops at the review page (or before section `stop_before`); returns the progress texts seen.
    """
    overrides = overrides or {}
    progress = []
    location = client.get(f"/a/{token}").headers["Location"]
    while match := re.fullmatch(rf"/a/{re.escape(token)}/section/(\d+)", location):
        number = int(match.group(1))
        if stop_before is not None and number >= stop_before:
            return progress
        page = client.get(location)
        progress.append(soup_of(page).select_one(".progress-label").get_text(strip=True))
        section = questionnaire.sections[number - 1]
        answers = valid_answers(
            section, **{k: v for k, v in overrides.items() if k in {q.id for q in section.questions}}
        )
        response = client.post(location, data=form_data(answers, csrf_token(page.data)))
        assert response.status_code == 302, (location, text_of(response))
        location = response.headers["Location"]
    assert location == f"/a/{token}/review", location
    return progress


def submit(client, token: str):
    """Press the submit button of the review page."""
    page = client.get(f"/a/{token}/review")
    assert page.status_code == 200
    return client.post(f"/a/{token}/submit", data={"csrf_token": csrf_token(page.data)})


def query(app, sql: str, params: tuple = ()) -> list[tuple]:
    """Read the app's database file directly."""
    connection = sqlite3.connect(app.config["DATABASE"])
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def assessment_row(app, token: str) -> dict:
    connection = sqlite3.connect(app.config["DATABASE"])
    connection.row_factory = sqlite3.Row
    try:
        row = connection.execute("SELECT * FROM assessments WHERE token_hash = ?", [hash_token(token)]).fetchone()
        return dict(row) if row else None
    finally:
        connection.close()


def stored_answers(app, token: str) -> dict[str, Any]:
    """The answers the app stored for an assessment, read with the app's own function."""
    db = connect(app.config["DATABASE"])
    try:
        return load_answers(db, assessment_row(app, token)["id"])
    finally:
        db.close()


def run_command(app, *args: str):
    """Run a CLI command with the test runner; fail the test if it fails."""
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def checked_values(page, question_id: str) -> list[str]:
    return [i["value"] for i in soup_of(page).select(f'input[name="q-{question_id}"]') if i.has_attr("checked")]


@pytest.fixture
def seeded(app):
    """300 demo assessments, so that results have a peer group."""
    run_command(app, "seed-demo", "--count", "300")
    return app


@pytest.fixture
def submitted(seeded, en):
    """A real owner's assessment, answered through every page and submitted."""
    token = start(en)
    answer_all(en, token)
    response = submit(en, token)
    assert response.status_code == 302 and response.headers["Location"] == f"/a/{token}/results"
    return token


# --------------------------------------------------------------------------- language


def spanish(msgid: str) -> str | None:
    """The Spanish the app serves for a message, if the compiled catalog translates it."""
    if not SPANISH_MO.exists():
        return None
    with SPANISH_MO.open("rb") as handle:
        message = read_mo(handle).get(msgid)
    return message.string if message is not None and message.string else None


def test_landing_page_is_in_spanish_without_accept_language(client):
    response = client.get("/")
    assert response.status_code == 200
    assert soup_of(response).html["lang"] == "es"
    heading = soup_of(response).h1.get_text(strip=True)
    translated = spanish("How ready is your firm for digital and green markets?")
    if translated:
        assert heading == translated
    # The questionnaire's own texts come in Spanish too.
    assert READINESS.text(READINESS.description, "es") in text_of(response)
    assert soup_of(response).find("a", href="/start")


def test_landing_page_is_in_english_with_accept_language_en(client):
    response = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert response.status_code == 200
    assert soup_of(response).html["lang"] == "en"
    assert soup_of(response).h1.get_text(strip=True) == "How ready is your firm for digital and green markets?"
    assert READINESS.text(READINESS.description, "en") in text_of(response)


@pytest.mark.parametrize("language", ["es", "en"])
def test_landing_page_gives_the_number_of_questions_once_as_counted(client, language):
    response = client.get("/", headers={"Accept-Language": language})
    counts = re.findall(r"(\d+)\s+(?:questions|preguntas)", text_of(response), flags=re.IGNORECASE)
    asked = [q for q in READINESS.questions.values() if q.type != "note"]
    assert counts == [str(len(asked))]


def test_language_switch_sets_the_cookie_and_goes_back(client):
    response = client.get("/language/en?next=/start")
    assert response.status_code == 302
    assert response.headers["Location"] == "/start"
    cookie = client.get_cookie("lang")
    assert cookie is not None and cookie.value == "en"
    set_cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie and "Max-Age=" in set_cookie
    page = client.get("/start", headers={"Accept-Language": "es"})  # the choice beats the browser's
    assert soup_of(page).html["lang"] == "en"
    assert soup_of(page).h1.get_text(strip=True) == "About your firm"
    # And back to Spanish.
    client.get("/language/es?next=/")
    assert soup_of(client.get("/")).html["lang"] == "es"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "//evil.example",
        "http://evil.example/start",
        "evil.example",
        "javascript:alert(1)",
        "///evil.example",
    ],
)
def test_language_switch_refuses_an_open_redirect(client, target):
    response = client.get("/language/en", query_string={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_language_switch_keeps_a_backslash_path_on_this_site(client):
    # Browsers read "/\\evil.example" as "//evil.example"; the redirect must not.
    response = client.get("/language/en", query_string={"next": "/\\evil.example"})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "\\" not in location
    assert urlsplit(urljoin("http://localhost/start", location.replace("\\", "/"))).netloc == "localhost"


def test_language_switch_refuses_an_unknown_language(client):
    assert client.get("/language/xx?next=/").status_code == 404


def test_every_page_offers_the_other_language(en):
    token = start(en)
    page = en.get(f"/a/{token}/section/1")
    switch = soup_of(page).select_one('nav.languages a[hreflang="es"]')
    assert switch["href"] == f"/language/es?next=/a/{token}/section/1"


# --------------------------------------------------------------------------- profile and link


def test_start_page_shows_the_profile_form(en):
    page = en.get("/start")
    assert page.status_code == 200
    soup = soup_of(page)
    assert {"name", "sector", "size", "region", "year_founded"} <= {i.get("name") for i in soup.select("input, select")}


def test_profile_with_missing_fields_gives_messages_and_400(app, en):
    page = en.get("/start")
    response = en.post("/start", data={"csrf_token": csrf_token(page.data), "name": ""})
    assert response.status_code == 400
    text = text_of(response)
    for message in (
        "Please enter the firm's name.",
        "Please choose a sector.",
        "Please choose the size of the firm.",
        "Please choose a region.",
    ):
        assert message in text
    assert soup_of(response).select('[aria-invalid="true"]')
    assert query(app, "SELECT count(*) FROM firms") == [(0,)]
    assert query(app, "SELECT count(*) FROM assessments") == [(0,)]


def test_a_firm_name_of_only_spaces_is_refused(app, en):
    page = en.get("/start")
    response = en.post("/start", data={**PROFILE, "name": "   ", "csrf_token": csrf_token(page.data)})
    assert response.status_code == 400
    assert "Please enter the firm's name." in text_of(response)
    assert query(app, "SELECT count(*) FROM firms") == [(0,)]


def test_profile_with_a_bad_year_and_unknown_sector_is_refused(app, en):
    page = en.get("/start")
    response = en.post(
        "/start", data={**PROFILE, "year_founded": "1492", "sector": "piracy", "csrf_token": csrf_token(page.data)}
    )
    assert response.status_code == 400
    assert "Enter a year between 1800 and" in text_of(response)
    assert query(app, "SELECT count(*) FROM assessments") == [(0,)]


def test_valid_profile_leads_to_the_link_page_with_the_full_resume_url(app, en):
    page = en.get("/start")
    response = en.post("/start", data={**PROFILE, "csrf_token": csrf_token(page.data)})
    assert response.status_code == 302
    match = re.fullmatch(r"/a/([A-Za-z0-9_-]+)/link", response.headers["Location"])
    assert match
    token = match.group(1)
    link = en.get(response.headers["Location"])
    assert link.status_code == 200
    assert soup_of(link).select_one("#resume-link").get_text() == f"http://localhost/a/{token}"
    assert soup_of(link).h1.get_text(strip=True) == "Your private link"
    assert query(app, "SELECT name, sector, size, region, year_founded, is_demo FROM firms") == [
        ("Muebles Arequipa", "wood_furniture", "micro", "Arequipa", 2008, 0)
    ]


def test_the_token_is_long_and_only_its_hash_is_stored(app, client):
    tokens = {start(client) for _ in range(3)}
    assert len(tokens) == 3
    for token in tokens:
        assert re.fullmatch(r"[A-Za-z0-9_-]{22,}", token)  # >= 128 bits, url-safe
    rows = query(app, "SELECT token_hash FROM assessments")
    stored = {row[0] for row in rows}
    assert stored == {hash_token(t) for t in tokens}
    import hashlib

    assert stored == {hashlib.sha256(t.encode()).hexdigest() for t in tokens}
    # The token itself is nowhere in the database file.
    raw = Path(app.config["DATABASE"]).read_bytes()
    for suffix in ("-wal", ""):
        path = Path(app.config["DATABASE"] + suffix)
        if path.exists():
            raw += path.read_bytes()
    for token in tokens:
        assert token.encode() not in raw


# --------------------------------------------------------------------------- the journey


def test_full_journey_shows_progress_on_every_page(app, en):
    token = start(en)
    progress = answer_all(en, token)
    assert progress == [f"Section {n} of {SECTION_COUNT}" for n in range(1, SECTION_COUNT + 1)]
    row = assessment_row(app, token)
    assert row["status"] == "draft"
    given = {}
    for section in READINESS.sections:
        given.update(valid_answers(section))
    expected, hidden = visible_answers(READINESS, given)
    assert stored_answers(app, token) == expected
    assert "grn_hazardous_disposal" in hidden  # its condition is not met by these answers


def test_section_page_shows_the_questions_in_the_owners_language(en):
    token = start(en)
    page = en.get(f"/a/{token}/section/1")
    soup = soup_of(page)
    section = READINESS.sections[0]
    assert soup.h1.get_text(strip=True) == READINESS.text(section.title, "en")
    question = READINESS.questions["dig_strategy_plan"]
    legend = soup.select_one("#question-dig_strategy_plan legend").get_text(" ", strip=True)
    assert READINESS.text(question.label, "en") in legend and "(required)" in legend
    values = [i["value"] for i in soup.select('input[name="q-dig_strategy_plan"]')]
    assert values == [o.value for o in question.options]
    assert soup.select_one("progress")["max"] == str(SECTION_COUNT)
    # No back button on the first page; the last one says "Save and review".
    assert [b["value"] for b in soup.select("button[name=nav]") if not b.find_parent("noscript")] == ["next"]
    last = soup_of(en.get(f"/a/{token}/section/{SECTION_COUNT}"))
    # Forward comes first in the page, so that Enter saves and goes on (Back is shown on the left).
    assert [b.get_text(strip=True) for b in last.select(".nav button[name=nav]")] == ["Save and review", "Back"]


def test_back_saves_the_page_without_requiring_required_answers(app, en):
    token = start(en)
    post_section(en, token, 1, valid_answers(READINESS.sections[0]))
    # Section 2: only an optional answer, then "Back".
    assert not READINESS.questions["dig_data_use"].required and number_of_question(READINESS, "dig_data_use") == 2
    response = post_section(
        en, token, 2, {"dig_data_use": valid_value(READINESS.questions["dig_data_use"])}, nav="back"
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/a/{token}/section/1"
    stored = stored_answers(app, token)
    assert stored["dig_data_use"] == valid_value(READINESS.questions["dig_data_use"])
    assert "dig_records" not in stored


def test_next_requires_the_required_answers_of_the_page(app, en):
    token = start(en)
    post_section(en, token, 1, valid_answers(READINESS.sections[0]))
    before = stored_answers(app, token)
    response = post_section(en, token, 2, {"dig_data_use": valid_value(READINESS.questions["dig_data_use"])})
    assert response.status_code == 400
    soup = soup_of(response)
    for question in READINESS.sections[1].questions:
        if question.required:
            block = soup.select_one(f"#question-{question.id}")
            assert "Please answer this question." in block.get_text(), question.id
    assert "Please check the answers marked below." in text_of(response)
    assert stored_answers(app, token) == before


def test_resuming_opens_the_section_where_the_owner_stopped_with_answers_filled_in(app, en):
    token = start(en)
    for number in range(1, 5):
        assert post_section(en, token, number, valid_answers(READINESS.sections[number - 1])).status_code == 302
    # On page 5 the owner goes back to page 4, then closes the browser.
    assert post_section(en, token, 5, {}, nav="back").headers["Location"] == f"/a/{token}/section/4"
    other_device = app.test_client()
    other_device.set_cookie("lang", "en")
    response = other_device.get(f"/a/{token}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/a/{token}/section/4"
    page = other_device.get(response.headers["Location"])
    assert page.status_code == 200
    section = READINESS.sections[3]
    assert soup_of(page).h1.get_text(strip=True) == READINESS.text(section.title, "en")
    for qid, value in valid_answers(section).items():
        question = READINESS.questions[qid]
        if question.type in ("choice", "yesno"):
            assert checked_values(page, qid) == [value], qid
        elif question.type == "checklist":
            assert checked_values(page, qid) == list(value), qid
    # An earlier page is filled in too, numbers and texts included.
    page = other_device.get(f"/a/{token}/section/1")
    assert checked_values(page, "dig_strategy_plan") == [valid_value(READINESS.questions["dig_strategy_plan"])]
    # The resume link on the page is the full URL.
    assert f"http://localhost/a/{token}" in [i.get("value") for i in soup_of(page).select("input[readonly]")]


def test_number_and_text_answers_come_back_filled_in(app, en):
    token = start(en)
    # Hours are asked of a firm with workers.
    assert post_section(en, token, 1, valid_answers(READINESS.sections[0], wrk_workers="3")).status_code == 302
    number = section_number(READINESS, "work_time_pay")
    answers = valid_answers(READINESS.sections[number - 1], wrk_hours="47,5")
    assert post_section(en, token, number, answers).status_code == 302
    assert stored_answers(app, token)["wrk_hours"] == 47.5
    page = en.get(f"/a/{token}/section/{number}")
    assert soup_of(page).select_one('input[name="q-wrk_hours"]')["value"] == "47.5"
    last = len(READINESS.sections)
    assert (
        post_section(en, token, last, valid_answers(READINESS.sections[-1], wrk_obstacle="  Poco tiempo  ")).status_code
        == 302
    )
    assert stored_answers(app, token)["wrk_obstacle"] == "Poco tiempo"
    page = en.get(f"/a/{token}/section/{last}")
    assert soup_of(page).select_one('textarea[name="q-wrk_obstacle"]').get_text().strip() == "Poco tiempo"


def test_review_lists_the_answers_with_links_to_their_sections(en):
    token = start(en)
    answer_all(en, token)
    page = en.get(f"/a/{token}/review")
    assert page.status_code == 200
    soup = soup_of(page)
    assert soup.h1.get_text(strip=True) == "Review your answers"
    reviews = soup.select("section.review")
    assert len(reviews) == SECTION_COUNT
    for number, (block, section) in enumerate(zip(reviews, READINESS.sections), start=1):
        link = block.select_one("h2 a")
        assert link["href"] == f"/a/{token}/section/{number}"
        terms = [dt.get_text(strip=True) for dt in block.select("dt")]
        assert terms[0] == READINESS.text(
            section.questions[0 if section.questions[0].type != "note" else 1].label, "en"
        )
    # An answer reads as the owner chose it.
    plan = READINESS.questions["dig_strategy_plan"]
    label = READINESS.text(plan.option(valid_value(plan)).label, "en")
    entry = next(
        div
        for div in soup.select("section.review dl > div")
        if div.dt.get_text(strip=True) == READINESS.text(plan.label, "en")
    )
    assert entry.dd.get_text(strip=True) == label
    hours = next(
        div
        for div in soup.select("section.review dl > div")
        if div.dt.get_text(strip=True) == READINESS.text(READINESS.questions["wrk_workers"].label, "en")
    )
    assert hours.dd.get_text(strip=True).startswith(str(valid_value(READINESS.questions["wrk_workers"])))
    assert soup.select_one(f'form[action="/a/{token}/submit"] button')


def test_submit_with_a_missing_required_answer_is_refused_and_marks_it(app, en):
    token = start(en)
    answer_all(en, token, stop_before=SECTION_COUNT)  # the last page is never saved
    response = submit(en, token)
    assert response.status_code == 400
    soup = soup_of(response)
    missing = soup.select("section.review div.missing")
    required_last = [q for q in READINESS.sections[-1].questions if q.required]
    assert [m.dt.get_text(strip=True) for m in missing] == [READINESS.text(q.label, "en") for q in required_last]
    assert all("Required: please answer" in m.dd.get_text() for m in missing)
    assert "Some required questions have no answer yet." in text_of(response)
    row = assessment_row(app, token)
    assert row["status"] == "draft" and row["scores_json"] is None
    assert query(app, "SELECT count(*) FROM scores") == [(0,)]


def test_results_of_a_draft_send_the_owner_back_to_the_questions(en):
    token = start(en)
    for path in ("results", "actions"):
        response = en.get(f"/a/{token}/{path}")
        assert response.status_code == 302 and response.headers["Location"] == f"/a/{token}"


# --------------------------------------------------------------------------- results


def test_results_show_scores_levels_and_the_peer_group(app, en, submitted):
    page = en.get(f"/a/{submitted}/results")
    assert page.status_code == 200
    soup = soup_of(page)
    row = assessment_row(app, submitted)
    assert row["status"] == "submitted"
    scores = json.loads(row["scores_json"])
    assert soup.h1.get_text(strip=True) == f"Results for {PROFILE['name']}"
    assert soup.select_one(".big-score").get_text(strip=True).startswith(f"{scores['overall']:.0f}/100")
    overall_level = next(level for level in READINESS.levels if level.id == scores["overall_level_id"])
    assert READINESS.text(overall_level.name, "en") in soup.select_one("section.overall").get_text()
    # Pillar levels.
    pillars = soup.select(".pillar")
    assert len(pillars) == len(READINESS.pillars)
    for block, pillar, result in zip(pillars, READINESS.pillars, scores["pillars"]):
        shown = " ".join(block.get_text(" ").split())
        assert shown.startswith(READINESS.text(pillar.title, "en"))
        assert f"{result['score']:.0f}/100" in shown
        level = next(level for level in (pillar.levels or READINESS.levels) if level.id == result["level_id"])
        assert READINESS.text(level.name, "en") in shown
        assert re.search(r"Ahead of \d+% of micro firms in wood and furniture\.", block.get_text(" "))
    # The peer group, named and counted without the firm itself: firms whose latest assessment is on
    # the same version (the demo's baselines without a follow-up answer the archived version 2).
    expected = query(
        app,
        "SELECT count(*) FROM scores WHERE dimension = 'overall' AND is_latest = 1 "
        "AND sector = 'wood_furniture' AND size = 'micro' AND firm_id != ? AND questionnaire_version = ?",
        (row["firm_id"], READINESS.version),
    )[0][0]
    assert expected >= 5
    assert " ".join(soup.select_one(".peer-group").get_text().split()) == (
        f"Compared with micro firms in wood and furniture: {expected} firms."
    )
    assert re.search(
        r"Ahead of \d+% of micro firms in wood and furniture\.", soup.select_one("section.overall").get_text(" ")
    )


def test_results_charts_hold_every_theme_one_radar_per_pillar(en, submitted):
    soup = soup_of(en.get(f"/a/{submitted}/results"))
    charts = soup.select("script[data-chart]")
    assert len(charts) == len(READINESS.pillars)
    for data, pillar in zip(charts, READINESS.pillars, strict=True):
        assert data["type"] == "application/json"
        assert soup.find(id=data["data-chart"]) is not None
        figure = json.loads(data.string)
        names = [READINESS.text(t.title, "en") for t in pillar.themes]
        assert len(figure["data"]) == 3  # the band between the quartiles, the median, the firm
        traces = {trace["name"]: trace for trace in figure["data"]}
        firm = traces[PROFILE["name"]]
        assert firm["text"][:-1] == names  # the whole names, for the hover labels
        # Lines break between words, or after a hyphen ("non-<br>discrimination").
        assert [re.sub(r"(?<!-)<br>", " ", label).replace("<br>", "") for label in firm["theta"][:-1]] == names


def test_results_start_with_five_to_seven_actions_and_link_to_all_by_theme(en, submitted):
    soup = soup_of(en.get(f"/a/{submitted}/results"))
    top = soup.select("section[aria-labelledby=actions-heading] li.action")
    assert 5 <= len(top) <= 7
    assert [int(li["value"]) for li in top] == list(range(1, len(top) + 1))
    link = soup.find("a", href=f"/a/{submitted}/actions")
    assert link is not None
    count = int(re.search(r"See all (\d+) actions", link.get_text()).group(1))
    assert count > len(top)
    page = soup_of(en.get(f"/a/{submitted}/actions"))
    every = page.select("li.action")
    assert sorted(int(li["value"]) for li in every) == list(range(1, count + 1))
    # Grouped by area, each action keeps its number: the first ones are those of the results page.
    assert [h2.get_text() for h2 in page.select("section > h2")][1:] == [
        READINESS.text(p.title, "en") for p in READINESS.pillars
    ]
    by_number = {int(li["value"]): li.select_one(".what").get_text() for li in every}
    assert [by_number[int(li["value"])] for li in top] == [li.select_one(".what").get_text() for li in top]
    # Each says why: the answer that triggered it.
    assert all(li.select_one(".why").get_text().startswith(("Your answer:", "Not ticked:")) for li in every)
    assert page.find("a", href=f"/a/{submitted}/results")


def test_an_action_that_needs_another_first_links_to_it(seeded, en):
    token = start(en)
    answer_all(en, token, overrides={"dig_backup": "none"})
    submit(en, token)
    page = soup_of(en.get(f"/a/{token}/actions"))
    build = page.select_one("li#action-rec_dig_backup_now")
    test = page.select_one("li#action-rec_dig_backup_test")
    assert int(build["value"]) < int(test["value"])
    link = test.find("a", href="#action-rec_dig_backup_now")  # earlier on the same page
    assert link is not None and link.get_text() == f"action {build['value']}"
    assert "Do first:" in test.get_text()
    # Under its theme's heading, an action does not repeat the theme; on the results page it does.
    assert "Data and cybersecurity" not in test.select("p.small")[-1].get_text()
    titles = [READINESS.text(t.title, "en") for t in READINESS.themes]
    metas = [li.select("p.small")[-1].get_text() for li in soup_of(en.get(f"/a/{token}/results")).select("li.action")]
    assert metas and all(any(f"· {title} ·" in meta for title in titles) for meta in metas)


def test_results_have_an_accessible_table_of_scores(app, en, submitted):
    soup = soup_of(en.get(f"/a/{submitted}/results"))
    table = soup.select_one("table.scores")
    assert "0 to 100" in table.caption.get_text()
    headers = [th.get_text(strip=True) for th in table.select("thead th[scope=col]")]
    assert headers == ["Theme", "Your firm", "Similar firms: median (middle half)"]
    row_heads = [th.get_text(strip=True) for th in table.select("tbody th[scope=row]")]
    expected = []
    for pillar in READINESS.pillars:
        expected.append(READINESS.text(pillar.title, "en"))
        expected.extend(READINESS.text(t.title, "en") for t in pillar.themes)
    assert row_heads == expected
    scores = json.loads(assessment_row(app, submitted)["scores_json"])
    theme_scores = {t["theme_id"]: t["score"] for p in scores["pillars"] for t in p["themes"]}
    for tr in table.select("tbody tr"):
        title = tr.th.get_text(strip=True)
        theme = next((t for t in READINESS.themes if READINESS.text(t.title, "en") == title), None)
        if theme is not None:
            assert tr.select("td")[0].get_text(strip=True) == f"{theme_scores[theme.id]:.0f}"
            assert re.fullmatch(r"\d+ \(\d+–\d+\)", tr.select("td")[1].get_text(" ", strip=True))  # median (middle)


def test_results_are_in_spanish_for_a_spanish_owner(app, submitted):
    page = app.test_client().get(f"/a/{submitted}/results")
    soup = soup_of(page)
    assert soup.html["lang"] == "es"
    assert READINESS.text(READINESS.pillars[0].title, "es") in soup.select_one(".pillar h3").get_text()


# --------------------------------------------------------------------------- locking and follow-up


def test_a_submitted_assessment_is_locked(app, en, submitted):
    before = stored_answers(app, submitted)
    row_before = assessment_row(app, submitted)
    page = en.get(f"/a/{submitted}/results")
    changed = valid_answers(READINESS.sections[0], dig_strategy_plan="reviewed")
    response = en.post(f"/a/{submitted}/section/1", data=form_data(changed, csrf_token(page.data)))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/a/{submitted}/results"
    assert "can no longer be changed" in text_of(en.get(response.headers["Location"]))
    assert stored_answers(app, submitted) == before
    assert assessment_row(app, submitted) == row_before
    # Every page of the questions leads to the results; submitting again changes nothing.
    assert en.get(f"/a/{submitted}").headers["Location"] == f"/a/{submitted}/results"
    assert en.get(f"/a/{submitted}/section/2").headers["Location"] == f"/a/{submitted}/results"
    assert en.get(f"/a/{submitted}/review").headers["Location"] == f"/a/{submitted}/results"
    response = en.post(f"/a/{submitted}/submit", data={"csrf_token": csrf_token(page.data)})
    assert response.headers["Location"] == f"/a/{submitted}/results"
    assert assessment_row(app, submitted) == row_before


def test_a_follow_up_starts_a_new_assessment_with_the_previous_answers(app, en, submitted):
    previous = assessment_row(app, submitted)
    page = en.get(f"/a/{submitted}/results")
    response = en.post(f"/a/{submitted}/follow-up", data={"csrf_token": csrf_token(page.data)})
    assert response.status_code == 302
    match = re.fullmatch(r"/a/([A-Za-z0-9_-]+)/link", response.headers["Location"])
    assert match
    new = match.group(1)
    assert new != submitted
    link = en.get(response.headers["Location"])
    assert "Your follow-up assessment starts with your previous answers" in text_of(link)
    row = assessment_row(app, new)
    assert row["firm_id"] == previous["firm_id"]
    assert row["previous_id"] == previous["id"]
    assert row["status"] == "draft"
    assert query(app, "SELECT count(*) FROM firms WHERE is_demo = 0") == [(1,)]
    assert stored_answers(app, new) == stored_answers(app, submitted)
    page = en.get(f"/a/{new}/section/1")
    assert checked_values(page, "dig_strategy_plan") == [valid_value(READINESS.questions["dig_strategy_plan"])]
    # The previous assessment is untouched.
    assert assessment_row(app, submitted) == previous


def test_a_follow_up_of_a_draft_is_refused(app, en):
    token = start(en)
    page = en.get(f"/a/{token}/section/1")
    response = en.post(f"/a/{token}/follow-up", data={"csrf_token": csrf_token(page.data)})
    assert response.status_code == 400
    assert query(app, "SELECT count(*) FROM assessments") == [(1,)]


def test_after_a_follow_up_the_results_show_the_history(app, en, submitted):
    page = en.get(f"/a/{submitted}/results")
    new = (
        en.post(f"/a/{submitted}/follow-up", data={"csrf_token": csrf_token(page.data)})
        .headers["Location"]
        .split("/")[2]
    )
    answer_all(en, new, overrides={"dig_strategy_plan": "reviewed"})
    assert submit(en, new).status_code == 302
    soup = soup_of(en.get(f"/a/{new}/results"))
    history = soup.select("table.history tbody tr")
    assert len(history) == 2
    # The firm counts once among everyone's latest scores: the new assessment.
    firm_id = assessment_row(app, new)["firm_id"]
    assert query(
        app,
        "SELECT assessment_id FROM scores WHERE firm_id = ? AND is_latest = 1 AND dimension = 'overall'",
        (firm_id,),
    ) == [(assessment_row(app, new)["id"],)]


# --------------------------------------------------------------------------- conditions


def test_unticking_hazardous_waste_clears_the_answer_on_where_it_goes(app, en):
    token = start(en)
    number = number_of_question(READINESS, "grn_hazardous_disposal")
    assert number == number_of_question(READINESS, "grn_waste_practices")
    section = READINESS.sections[number - 1]
    answer_all(en, token, overrides={"grn_waste_practices": ("separate", "hazardous_apart")})
    disposal = valid_value(READINESS.questions["grn_hazardous_disposal"])
    assert stored_answers(app, token)["grn_hazardous_disposal"] == disposal
    # The owner changes their mind; the browser still sends the answer on where the waste goes.
    response = post_section(en, token, number, valid_answers(section, grn_waste_practices=("separate",)))
    assert response.status_code == 302
    assert "grn_hazardous_disposal" not in stored_answers(app, token)
    assert stored_answers(app, token)["grn_waste_practices"] == ("separate",)
    review = soup_of(en.get(f"/a/{token}/review"))
    terms = [dt.get_text(strip=True) for dt in review.select("dt")]
    assert READINESS.text(READINESS.questions["grn_waste_practices"].label, "en") in terms
    assert READINESS.text(READINESS.questions["grn_hazardous_disposal"].label, "en") not in terms
    assert submit(en, token).status_code == 302
    scores = json.loads(assessment_row(app, token)["scores_json"])
    statuses = {q[0]: q[1] for p in scores["pillars"] for t in p["themes"] for q in t["questions"]}
    assert statuses["grn_hazardous_disposal"] == "hidden"


def test_a_condition_on_an_earlier_page_hides_a_question_on_a_later_one(app, en):
    token = start(en)
    label = READINESS.text(READINESS.questions["wrk_osh_supervisor"].label, "en")
    workers_page = number_of_question(READINESS, "wrk_workers")
    rep_page = number_of_question(READINESS, "wrk_osh_supervisor")
    assert rep_page > workers_page
    answer_all(en, token, overrides={"wrk_workers": 12, "wrk_osh_supervisor": "elected"})
    assert stored_answers(app, token)["wrk_osh_supervisor"] == "elected"
    assert label in text_of(en.get(f"/a/{token}/section/{rep_page}"))
    # Back on the workers page, the owner corrects the number to 1: no health and safety rep.
    answers = valid_answers(READINESS.sections[workers_page - 1], wrk_workers=1)
    assert post_section(en, token, workers_page, answers).status_code == 302
    page = en.get(f"/a/{token}/section/{rep_page}")
    assert label not in text_of(page)
    assert not soup_of(page).select('input[name="q-wrk_osh_supervisor"]')
    review = soup_of(en.get(f"/a/{token}/review"))
    assert label not in [dt.get_text(strip=True) for dt in review.select("dt")]
    assert READINESS.text(READINESS.questions["wrk_equal_pay"].label, "en") not in [
        dt.get_text(strip=True) for dt in review.select("dt")
    ]
    assert submit(en, token).status_code == 302
    stored = stored_answers(app, token)
    assert "wrk_osh_supervisor" not in stored and "wrk_equal_pay" not in stored
    scores = json.loads(assessment_row(app, token)["scores_json"])
    statuses = {q[0]: q[1] for p in scores["pillars"] for t in p["themes"] for q in t["questions"]}
    assert statuses["wrk_osh_supervisor"] == "hidden" and statuses["wrk_equal_pay"] == "hidden"
    explained = text_of(en.get(f"/a/{token}/results"))
    assert "not asked: left out of the score" in explained


SKIPPING = """
id: skipping
version: 1
languages: [es, en]
default_language: es
title: {es: Prueba de saltos, en: Skipping test}
levels:
  - {id: low, name: {es: Bajo, en: Low}, min: 0, max: 50}
  - {id: high, name: {es: Alto, en: High}, min: 50, max: 100}
pillars:
  - id: work
    title: {es: Trabajo, en: Work}
    themes:
      - id: about
        title: {es: Su empresa, en: Your firm}
        questions:
          - id: has_staff
            type: yesno
            required: true
            label: {es: "¿Tiene empleados?", en: "Do you have employees?"}
            source: Test source
            recommendations:
              - {if_points_at_most: 1, effort: low, source: Test source, action: {es: Contrate., en: Hire.}}
      - id: staff
        title: {es: Personal, en: Staff}
        questions:
          - id: contracts
            type: yesno
            required: true
            relevant: "has_staff == 'yes' or has_staff == 'partly'"
            label: {es: "¿Tienen contrato escrito?", en: "Do they have written contracts?"}
            source: Test source
            recommendations:
              - {if_points_at_most: 1, effort: low, source: Test source, action: {es: Escriba contratos., en: Write contracts.}}
          - id: training
            type: yesno
            relevant: "has_staff == 'yes'"
            label: {es: "¿Los capacita?", en: "Do you train them?"}
            source: Test source
            recommendations:
              - {if_points_at_most: 1, effort: low, source: Test source, action: {es: Capacite., en: Train.}}
      - id: owner
        title: {es: Usted, en: You}
        questions:
          - id: hours
            type: number
            required: true
            min: 1
            max: 100
            label: {es: Horas por semana, en: Hours a week}
            source: Test source
            bands:
              - {min: 0, score: 2}
              - {min: 60, score: 0}
            recommendations:
              - {if_points_at_most: 1, effort: low, source: Test source, action: {es: Descanse., en: Rest.}}
sections:
  - {id: first, title: {es: Primero, en: First}, themes: [about]}
  - {id: second, title: {es: Segundo, en: Second}, themes: [staff]}
  - {id: third, title: {es: Tercero, en: Third}, themes: [owner]}
"""


def app_serving(tmp_path, questionnaire_id: str, text: str):
    """Return an app on a fresh database that serves one questionnaire written here."""
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    (folder / f"{questionnaire_id}.yaml").write_text(text, encoding="utf-8")
    app = create_app(
        {
            "TESTING": True,
            "DATABASE": str(tmp_path / f"{questionnaire_id}.sqlite3"),
            "SECRET_KEY": "test",
            "QUESTIONNAIRES": str(folder),
            "DEFAULT_QUESTIONNAIRE": questionnaire_id,
        }
    )
    with app.app_context():
        migrate(get_db())
    return app


@pytest.fixture
def skipping_app(tmp_path):
    yield app_serving(tmp_path, "skipping", SKIPPING)


def test_a_section_whose_questions_are_all_hidden_is_skipped(skipping_app):
    client = skipping_app.test_client()
    client.set_cookie("lang", "en")
    token = start(client)
    page = client.get(f"/a/{token}/section/1")
    # Before the first answer, the staff page is not counted: its questions are all hidden.
    assert soup_of(page).select_one(".progress-label").get_text(strip=True) == "Section 1 of 2"
    response = client.post(f"/a/{token}/section/1", data=form_data({"has_staff": "no"}, csrf_token(page.data)))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/a/{token}/section/3"  # the staff page is skipped
    page = client.get(response.headers["Location"])
    assert soup_of(page).select_one(".progress-label").get_text(strip=True) == "Section 2 of 2"
    assert soup_of(page).h1.get_text(strip=True) == "Third"
    # Back leads to the first page, not to the skipped one.
    response = client.post(f"/a/{token}/section/3", data=form_data({}, csrf_token(page.data), nav="back"))
    assert response.headers["Location"] == f"/a/{token}/section/1"
    response = client.post(f"/a/{token}/section/3", data=form_data({"hours": "40"}, csrf_token(page.data)))
    assert response.headers["Location"] == f"/a/{token}/review"
    review = soup_of(client.get(f"/a/{token}/review"))
    assert [h.contents[0].strip() for h in review.select("section.review h2")] == ["First", "Third"]
    assert submit(client, token).status_code == 302
    results = soup_of(client.get(f"/a/{token}/results"))
    assert "Staff" in results.select_one("table.scores").get_text()  # listed, with no score
    row = [tr for tr in results.select("table.scores tbody tr") if tr.th.get_text(strip=True) == "Staff"][0]
    assert row.td.get_text(strip=True) == "no score"


def test_a_skipped_section_comes_back_when_its_condition_holds(skipping_app):
    client = skipping_app.test_client()
    client.set_cookie("lang", "en")
    token = start(client)
    page = client.get(f"/a/{token}/section/1")
    response = client.post(f"/a/{token}/section/1", data=form_data({"has_staff": "yes"}, csrf_token(page.data)))
    assert response.headers["Location"] == f"/a/{token}/section/2"
    page = client.get(response.headers["Location"])
    assert soup_of(page).select_one(".progress-label").get_text(strip=True) == "Section 2 of 3"
    assert soup_of(page).select_one('input[name="q-contracts"]') is not None
    response = client.post(f"/a/{token}/section/2", data=form_data({"contracts": "yes"}, csrf_token(page.data)))
    assert response.headers["Location"] == f"/a/{token}/section/3"


# --------------------------------------------------------------------------- does not apply

# readiness.yaml offers "does not apply" only as choice options: no number, yes/no or checklist
# question of it has allow_not_applicable, so this small questionnaire has one of each.
NOT_APPLICABLE_YAML = """
id: doesnotapply
version: 1
languages: [es, en]
default_language: es
title: {es: Prueba de no aplica, en: Does-not-apply test}
levels:
  - {id: low, name: {es: Bajo, en: Low}, min: 0, max: 50}
  - {id: high, name: {es: Alto, en: High}, min: 50, max: 100}
pillars:
  - id: ops
    title: {es: Operaciones, en: Operations}
    themes:
      - id: tools
        title: {es: Herramientas, en: Tools}
        questions:
          - id: website
            type: yesno
            required: true
            allow_not_applicable: true
            label: {es: "¿Tiene página web?", en: "Do you have a website?"}
            source: Test source
            recommendations:
              - {if_points_at_most: 1, effort: low, source: Test source, action: {es: Cree una web., en: Build a website.}}
          - id: staff_trained
            type: number
            required: true
            unit: "%"
            min: 0
            max: 100
            allow_not_applicable: true
            label: {es: Parte del personal formado, en: Share of staff trained}
            source: Test source
            bands:
              - {min: 0, score: 0}
              - {min: 50, score: 2}
            recommendations:
              - {if_points_at_most: 1, effort: low, source: Test source, action: {es: Forme al personal., en: Train staff.}}
          - id: certificates
            type: checklist
            required: true
            allow_not_applicable: true
            label: {es: "¿Qué certificados tiene?", en: "Which certificates do you hold?"}
            source: Test source
            options:
              - {value: iso9001, label: {es: ISO 9001, en: ISO 9001}, score: 2}
              - {value: iso14001, label: {es: ISO 14001, en: ISO 14001}, score: 2}
            recommendations:
              - {if_points_at_most: 1, effort: high, source: Test source, action: {es: Certifíquese., en: Get certified.}}
          - id: meters
            type: choice
            required: true
            label: {es: "¿Mide la energía?", en: "Do you meter energy?"}
            source: Test source
            options:
              - {value: none, label: {es: "No", en: "No"}, score: 0}
              - {value: all, label: {es: Todas las máquinas, en: Every machine}, score: 2}
            recommendations:
              - {if_points_at_most: 1, effort: low, source: Test source, action: {es: Añada contadores., en: Add meters.}}
sections:
  - {id: only, title: {es: Única, en: Only}, themes: [tools]}
"""
NOT_APPLICABLE_QUESTIONS = ("website", "staff_trained", "certificates")


@pytest.fixture
def not_applicable_app(tmp_path):
    yield app_serving(tmp_path, "doesnotapply", NOT_APPLICABLE_YAML)


def test_does_not_apply_is_offered_and_stored_for_a_number_a_yes_no_and_a_checklist(not_applicable_app):
    """An owner ticks "does not apply" on a number, a yes/no and a checklist; each is stored as "na"."""
    client = not_applicable_app.test_client()
    client.set_cookie("lang", "en")
    token = start(client)
    page = client.get(f"/a/{token}/section/1")
    soup = soup_of(page)
    # What the owner can tick: the number's box, and a "Does not apply" option of the other two.
    box = soup.select_one('input[type="checkbox"][name="q-staff_trained__na"]')
    assert box is not None and "Does not apply" in soup.find("label", attrs={"for": box["id"]}).get_text()
    for qid, kind in (("website", "radio"), ("certificates", "checkbox")):
        option = soup.select_one(f'input[type="{kind}"][name="q-{qid}"][value="na"]')
        assert option is not None, qid
        assert soup.find("label", attrs={"for": option["id"]}).get_text(strip=True) == "Does not apply"
    data = {
        "q-csrf_token": csrf_token(page.data),
        "nav": "next",
        "q-website": "na",
        "q-staff_trained": "",
        "q-staff_trained__na": box["value"],
        "q-certificates": ["na"],
        "q-meters": "all",
    }
    response = client.post(f"/a/{token}/section/1", data=data)
    assert response.status_code == 302, text_of(response)
    assert response.headers["Location"] == f"/a/{token}/review"
    stored = dict(query(not_applicable_app, "SELECT question_id, value FROM answers"))
    assert {qid: json.loads(stored[qid]) for qid in NOT_APPLICABLE_QUESTIONS} == dict.fromkeys(
        NOT_APPLICABLE_QUESTIONS, "na"
    )
    assert json.loads(stored["meters"]) == "all"
    # Back on the page, the choices are still ticked.
    again = soup_of(client.get(f"/a/{token}/section/1"))
    assert again.select_one('input[name="q-staff_trained__na"]').has_attr("checked")
    assert again.select_one('input[name="q-website"][value="na"]').has_attr("checked")
    assert again.select_one('input[name="q-certificates"][value="na"]').has_attr("checked")


def test_does_not_apply_shows_on_the_review_and_leaves_the_score(not_applicable_app):
    """The review says "Does not apply" for each, and the results explain each as left out of the score."""
    client = not_applicable_app.test_client()
    client.set_cookie("lang", "en")
    token = start(client)
    page = client.get(f"/a/{token}/section/1")
    data = {
        "q-csrf_token": csrf_token(page.data),
        "nav": "next",
        "q-website": "na",
        "q-staff_trained__na": "y",
        "q-certificates": "na",
        "q-meters": "all",
    }
    assert client.post(f"/a/{token}/section/1", data=data).status_code == 302
    questionnaire = not_applicable_app.extensions["questionnaires"].current["doesnotapply"]
    labels = {qid: questionnaire.text(questionnaire.questions[qid].label, "en") for qid in NOT_APPLICABLE_QUESTIONS}
    review = soup_of(client.get(f"/a/{token}/review"))
    shown = {
        div.dt.get_text(strip=True): div.dd.get_text(strip=True) for div in review.select("section.review dl > div")
    }
    assert {labels[qid]: shown.get(labels[qid]) for qid in labels} == dict.fromkeys(labels.values(), "Does not apply")
    assert submit(client, token).status_code == 302
    results = soup_of(client.get(f"/a/{token}/results"))
    rows = {
        cells[0].get_text(strip=True): [c.get_text(strip=True) for c in cells[1:]]
        for cells in (tr.select("td") for tr in results.select("table.explain tbody tr"))
    }
    for label in labels.values():
        assert rows[label] == ["Does not apply", "does not apply: left out of the score"], (label, rows.get(label))
    meters = questionnaire.text(questionnaire.questions["meters"].label, "en")
    assert rows[meters][1] == "2 / 2"
    # Left out, not counted as zero: the one scored answer, full marks, is the theme's whole score.
    assert results.select_one("table.explain").find_parent("details").summary.get_text(strip=True) == "Tools: 100/100"


def test_switching_language_on_a_section_keeps_what_was_typed(app, client):
    """A page posted by the language switch is saved without its required answers and shown again."""
    token = start(client)
    page = client.get(f"/a/{token}/section/1")
    section = READINESS.sections[0]
    first = next(q for q in section.questions if q.type in ("choice", "yesno"))
    partial = {first.id: valid_answers(section)[first.id]}  # one answer: required ones still missing
    response = client.post(f"/a/{token}/section/1", data=form_data(partial, csrf_token(page.data), nav="language:en"))
    assert (response.status_code, response.headers["Location"]) == (302, f"/a/{token}/section/1")
    assert client.get_cookie("lang").value == "en"
    assert stored_answers(app, token)[first.id] == partial[first.id]
    again = client.get(response.headers["Location"])
    assert soup_of(again).html["lang"] == "en"
    assert checked_values(again, first.id) == [partial[first.id]]


def test_without_javascript_a_button_in_the_form_switches_language_after_saving(client):
    token = start(client)
    form = soup_of(client.get(f"/a/{token}/section/1")).select_one("form.questions")
    buttons = [(b["name"], b["value"]) for b in form.find_all("button")]
    # Inside the form, so it posts the answers; after Next, so that Enter still goes forward.
    assert buttons[0] == ("nav", "next")
    assert ("nav", "language:en") in buttons and ("nav", "language:es") not in buttons
    assert form.find("button", value="language:en").find_parent("noscript") is not None


def test_a_language_the_site_does_not_offer_is_an_ordinary_next(app, client):
    """nav=language:fr is not a switch: the page is checked as a press of Next would be."""
    token = start(client)
    page = client.get(f"/a/{token}/section/1")
    response = client.post(f"/a/{token}/section/1", data=form_data({}, csrf_token(page.data), nav="language:fr"))
    assert response.status_code == 400
    assert client.get_cookie("lang") is None
