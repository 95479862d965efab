"""Progress: a follow-up against the baseline, theme by theme, across questionnaire versions."""

from __future__ import annotations

import re
import textwrap

from bs4 import BeautifulSoup
from helpers import PROFILE, csrf_token, start
from test_owner import READINESS, answer_all, seeded, submit  # noqa: F401 (seeded is a fixture)

from survey.core.questionnaire import load_questionnaire_text
from survey.core.scoring import score_response
from survey.reports.labels import words
from survey.reports.progress import build_progress


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def follow_up(client, token: str, overrides: dict) -> str:
    page = client.get(f"/a/{token}/results")
    response = client.post(f"/a/{token}/follow-up", data={"csrf_token": csrf_token(page.data)})
    new = re.fullmatch(r"/a/([^/]+)/link", response.headers["Location"]).group(1)
    answer_all(client, new, overrides=overrides)
    submit(client, new)
    return new


def test_a_follow_up_shows_the_change_of_every_theme_against_the_baseline(seeded, en, app):  # noqa: F811
    baseline = start(en)
    # Every security measure ticked: the theme's scores are whole numbers (33, then 100), so the
    # change shown is the difference of the scores shown.
    every_measure = tuple(o.value for o in READINESS.questions["dig_security"].options if not o.exclusive)
    answer_all(en, baseline, overrides={"dig_backup": "none", "dig_security": every_measure})
    submit(en, baseline)
    later = follow_up(en, baseline, {"dig_backup": "tested", "dig_security": every_measure})
    results = soup_of(en.get(f"/a/{later}/results"))
    link = results.find("a", href=f"/a/{later}/progress")
    assert link is not None
    history_links = results.select("table.history a")
    assert len(history_links) == 1 and "progress?with=" in history_links[0]["href"]
    page = soup_of(en.get(link["href"]))
    rows = {
        tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr.select("td")]
        for tr in page.select("table.progress tbody tr")
    }
    expected = ["Overall"] + [
        title
        for p in READINESS.pillars
        for title in [READINESS.text(p.title, "en")] + [READINESS.text(t.title, "en") for t in p.themes]
    ]
    assert list(rows) == expected
    data = rows["Data and cybersecurity"]
    before, after = int(data[0]), int(data[1])
    assert after > before and data[2] == f"{after - before:+d}"
    assert rows["Digital strategy and people"][2] == "0"  # the same answers, no change
    assert len(page.select(".radars .chart")) == len(READINESS.pillars)


def test_only_the_firms_own_assessments_can_be_compared(seeded, en, app):  # noqa: F811
    mine = start(en)
    answer_all(en, mine)
    submit(en, mine)
    other = app.test_client()
    theirs = start(other, {**PROFILE, "name": "Otra"})
    answer_all(other, theirs)
    submit(other, theirs)
    import sqlite3

    with sqlite3.connect(app.config["DATABASE"]) as db:
        their_id = db.execute(
            "SELECT a.id FROM assessments a JOIN firms f ON f.id = a.firm_id WHERE f.name = 'Otra'"
        ).fetchone()[0]
    response = en.get(f"/a/{mine}/progress?with={their_id}")
    assert response.status_code == 404 and "Otra" not in response.get_data(as_text=True)
    # With no earlier assessment, the page says so.
    assert "no earlier assessment" in soup_of(en.get(f"/a/{mine}/progress")).get_text()


V1 = """
id: small
version: 1
languages: [en]
default_language: en
title: {en: Small}
levels:
  - {id: low, name: {en: Low}, min: 0, max: 50}
  - {id: high, name: {en: High}, min: 50, max: 100}
pillars:
  - id: p
    title: {en: Area}
    themes:
      - id: kept
        title: {en: Kept theme}
        questions:
          - {id: a, type: yesno, label: {en: A?}, source: "A guide", recommendations: [{if_points_at_most: 1, effort: low, source: "A guide", action: {en: Do a}}]}
      - id: OTHER
        title: {en: OTHER theme}
        questions:
          - {id: b, type: yesno, label: {en: B?}, source: "A guide", recommendations: [{if_points_at_most: 1, effort: low, source: "A guide", action: {en: Do b}}]}
"""


def test_themes_compare_across_versions_by_id_and_the_others_are_named():
    before_q = load_questionnaire_text(textwrap.dedent(V1.replace("OTHER", "dropped")), "v1")
    after_q = load_questionnaire_text(
        textwrap.dedent(V1.replace("version: 1", "version: 2").replace("OTHER", "added")), "v2"
    )
    before = score_response(before_q, {"a": "no", "b": "yes"})
    after = score_response(after_q, {"a": "yes", "b": "no"})
    report = build_progress(before_q, before, after_q, after, ("Then", "Now"), words("en"), "en")
    rows = {row["title"]: row for row in report["rows"]}
    assert (rows["Kept theme"]["before"], rows["Kept theme"]["after"], rows["Kept theme"]["change"]) == (0, 100, 100)
    assert not rows["added theme"]["comparable"] and rows["added theme"]["change"] is None
    assert report["dropped"] == ["dropped theme"]
    # The chart draws both, by name, and leaves the new theme's earlier point empty.
    names = {trace["name"]: trace for trace in report["charts"][0]["figure"]["data"]}
    assert set(names) == {"Then", "Now"}
    assert names["Then"]["r"][:2] == [0, None]
