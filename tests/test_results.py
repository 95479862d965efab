"""Results as plain data: built from a stored assessment with no request, and shown as built."""

from __future__ import annotations

import json

import flask
import pytest
from helpers import start
from test_owner import READINESS, answer_all, soup_of, submit

from survey.reports.results import build_results
from survey.store.assessments import find_assessment, load_answers, stored_scores
from survey.store.connection import connect
from survey.store.peers import peer_comparison


def results_outside_any_request(app, token: str, language: str) -> dict:
    """Build an assessment's results the way an export or a printed report would: no app, no request."""
    assert not flask.has_app_context() and not flask.has_request_context()
    db = connect(app.config["DATABASE"])
    try:
        assessment = find_assessment(db, token)
        scores = stored_scores(assessment)
        comparison = peer_comparison(db, assessment, scores, app.config["PEER_GROUP_MINIMUM"])
        return build_results(READINESS, scores, load_answers(db, assessment["id"]), comparison, assessment, language)
    finally:
        db.close()


@pytest.fixture
def owner_token(app, client):
    """An assessment answered and submitted by an owner, among 120 demo assessments."""
    result = app.test_cli_runner().invoke(args=["seed-demo", "--count", "120"])
    assert result.exit_code == 0, result.output
    token = start(client)
    answer_all(client, token)
    assert submit(client, token).status_code == 302
    return token


def words(element) -> str:
    return " ".join(element.get_text().split())


@pytest.mark.parametrize("language", ["es", "en"])
def test_results_built_without_a_request_are_what_the_page_shows(app, client, owner_token, language):
    """The results page renders the same data that build_results returns for its language."""
    data = results_outside_any_request(app, owner_token, language)
    json.dumps(data)  # plain data: numbers, strings, lists and dicts only
    assert data["title"] == READINESS.text(READINESS.title, language)
    assert [p["title"] for p in data["pillars"]] == [READINESS.text(p.title, language) for p in READINESS.pillars]
    assert data["group_count"] > 0 and data["overall"] is not None

    client.set_cookie("lang", language)
    page = soup_of(client.get(f"/a/{owner_token}/results"))
    assert page.html["lang"] == language
    assert words(page.select_one(".big-score")).startswith(f"{data['overall']:.0f}/100")
    for block, pillar in zip(page.select(".pillar"), data["pillars"], strict=True):
        assert words(block.h3).startswith(f"{pillar['title']} {pillar['score']:.0f}/100")
    assert data["group"] in words(page.select_one(".peer-group"))
    assert str(data["group_count"]) in words(page.select_one(".peer-group"))
    shown_actions = [words(item.select_one(".what")) for item in page.select("ol.actions li")]
    assert shown_actions == [action["text"] for action in data["top_actions"]]
    charts = page.select(".radar")
    assert [chart["pillar_id"] for chart in data["charts"]] == [p["id"] for p in data["pillars"]]
    for block, chart in zip(charts, data["charts"], strict=True):
        assert words(block.h3) == chart["title"]
        assert json.loads(block.select_one("script[data-chart]").string) == chart["figure"]
        assert block.select_one(".chart")["aria-label"] == chart["label"]
        assert chart["title"] in chart["label"]
    legend = [words(item) for item in page.select("ul.chart-legend li")]
    assert legend == [entry["name"] for entry in data["chart_legend"]]
    assert [entry["kind"] for entry in data["chart_legend"]] == ["firm", "median", "band"]


def test_results_in_spanish_and_english_differ_only_in_words(app, owner_token):
    """The same assessment gives the same figures in both languages, in each language's words."""
    spanish = results_outside_any_request(app, owner_token, "es")
    english = results_outside_any_request(app, owner_token, "en")
    assert spanish["overall"] == english["overall"]
    assert [p["score"] for p in spanish["pillars"]] == [p["score"] for p in english["pillars"]]
    figures = {
        language: [c["figure"] for c in report["charts"]] for language, report in (("es", spanish), ("en", english))
    }
    assert [[t["r"] for t in f["data"]] for f in figures["es"]] == [[t["r"] for t in f["data"]] for f in figures["en"]]
    assert spanish["group"] != english["group"]
    assert [c["label"] for c in spanish["charts"]] != [c["label"] for c in english["charts"]]
