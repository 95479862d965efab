"""Questionnaire versions: a new version leaves stored assessments, scores and texts untouched.

Each test works on its own questionnaires folder holding a small questionnaire, and builds new
apps on the same database file as an operator restarting the app after editing the file would.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers import start
from test_owner import answer_all, assessment_row, query, soup_of, submit, text_of

from survey import create_app
from survey.core.questionnaire import QuestionnaireError, load_questionnaire_text
from survey.store.schema import migrate
from survey.web.database import get_db

BROKEN = Path(__file__).resolve().parent / "questionnaires" / "broken"

SMALL = """\
id: small
version: {version}
languages: [es, en]
default_language: es
title: {{es: Diagnóstico breve, en: "Short check {tag}"}}
levels:
  - {{id: low, name: {{es: Bajo, en: "Low {tag}"}}, min: 0, max: 50}}
  - {{id: high, name: {{es: Alto, en: "High {tag}"}}, min: 50, max: 100}}
pillars:
  - id: digital
    title: {{es: Digital, en: "Digital {tag}"}}
    themes:
      - id: tools
        title: {{es: Herramientas, en: "Tools {tag}"}}
        questions:
          - id: accounts
            type: choice
            required: true
            label: {{es: "¿Cómo lleva sus cuentas?", en: "How do you keep your accounts? {tag}"}}
            source: Test source
            options:
              - {{value: paper, label: {{es: En papel, en: "On paper {tag}"}}, score: 0}}
              - {{value: spreadsheet, label: {{es: Hoja de cálculo, en: "Spreadsheet {tag}"}}, score: {spreadsheet}}}
              - {{value: software, label: {{es: Programa, en: "Software {tag}"}}, score: {software}}}
            recommendations:
              - {{if_points_at_most: 1, effort: low, source: Test source, action: {{es: Use un programa., en: "Use software {tag}."}}}}
          - id: website
            type: yesno
            label: {{es: "¿Tiene web?", en: "Do you have a website? {tag}"}}
            source: Test source
            recommendations:
              - {{if_points_at_most: 1, effort: low, source: Test source, action: {{es: Haga una web., en: "Build a website {tag}."}}}}
{extra}
"""

EXTRA_V2 = """\
          - id: cloud
            type: yesno
            label: {es: "¿Usa la nube?", en: "Do you use the cloud? v2"}
            source: Test source
            recommendations:
              - {if_points_at_most: 1, effort: low, source: Test source, action: {es: Use la nube., en: Use the cloud.}}
"""


def small(version: int = 1, tag: str = "v1", spreadsheet: int = 1, software: int = 2, extra: str = "") -> str:
    return SMALL.format(version=version, tag=tag, spreadsheet=spreadsheet, software=software, extra=extra)


V1 = small()
V2 = small(version=2, tag="v2", spreadsheet=3, software=4, extra=EXTRA_V2)


class Site:
    """A questionnaires folder and a database file, and apps built on them."""

    def __init__(self, tmp_path: Path):
        self.folder = tmp_path / "questionnaires"
        self.folder.mkdir()
        self.database = str(tmp_path / "versions.sqlite3")
        self.file = self.folder / "small.yaml"

    def write(self, text: str) -> None:
        self.file.write_text(text, encoding="utf-8")

    def app(self):
        app = create_app(
            {
                "TESTING": True,
                "DATABASE": self.database,
                "SECRET_KEY": "test",
                "QUESTIONNAIRES": str(self.folder),
                "DEFAULT_QUESTIONNAIRE": "small",
            }
        )
        with app.app_context():
            migrate(get_db())
        return app


@pytest.fixture
def site(tmp_path):
    site = Site(tmp_path)
    site.write(V1)
    yield site


def english(app):
    client = app.test_client()
    client.set_cookie("lang", "en")
    return client


def take(app, profile: dict | None = None, accounts: str = "spreadsheet") -> str:
    """An owner answers and submits; returns the token."""
    client = english(app)
    token = start(client, profile)
    answer_all(
        client, token, load_questionnaire_from(app), overrides={"accounts": accounts, "website": "yes", "cloud": "no"}
    )
    assert submit(client, token).status_code == 302
    return token


def load_questionnaire_from(app):
    return app.extensions["questionnaires"].current["small"]


def results(app, token: str):
    response = english(app).get(f"/a/{token}/results")
    assert response.status_code == 200
    return response


def test_both_versions_of_the_small_questionnaire_load():
    first, second = load_questionnaire_text(V1, "small.yaml"), load_questionnaire_text(V2, "small.yaml")
    assert (first.id, first.version, second.id, second.version) == ("small", 1, "small", 2)
    assert first.questions["accounts"].option_points["spreadsheet"] == 1
    assert second.questions["accounts"].option_points["spreadsheet"] == 3


def test_a_new_version_leaves_old_results_untouched(site):
    app1 = site.app()
    token = take(app1)
    old_row = assessment_row(app1, token)
    assert old_row["questionnaire_version"] == 1
    assert json.loads(old_row["scores_json"])["overall"] == 75.0  # (1/2 + 2/2) / 2
    before = soup_of(results(app1, token))

    site.write(V2)
    app2 = site.app()
    assert load_questionnaire_from(app2).version == 2
    assert assessment_row(app2, token) == old_row
    after_response = results(app2, token)
    after = soup_of(after_response)
    assert after.select_one(".big-score").get_text(strip=True).startswith("75/100")
    assert after.select_one(".big-score").get_text(strip=True) == before.select_one(".big-score").get_text(strip=True)
    assert after.select_one("table.scores").get_text() == before.select_one("table.scores").get_text()
    # The texts are those of version 1, answers included.
    text = text_of(after_response)
    assert "Spreadsheet v1" in text and "Tools v1" in text and "High v1" in text
    assert "v2" not in text
    assert "Do you use the cloud?" not in text
    # Reviewing the old assessment's explanation gives version 1's points.
    explain = after.select_one("table.explain").get_text(" ", strip=True)
    assert "1 / 2" in explain


def test_new_assessments_use_the_new_version(site):
    app1 = site.app()
    take(app1)
    site.write(V2)
    app2 = site.app()
    client = english(app2)
    token = start(client)
    row = assessment_row(app2, token)
    assert row["questionnaire_version"] == 2
    page = client.get(f"/a/{token}/section/1")
    assert "Do you use the cloud? v2" in text_of(page)
    assert "Spreadsheet v2" in text_of(page)
    answer_all(
        client,
        token,
        load_questionnaire_from(app2),
        overrides={"accounts": "spreadsheet", "website": "yes", "cloud": "no"},
    )
    assert submit(client, token).status_code == 302
    scores = json.loads(assessment_row(app2, token)["scores_json"])
    assert scores["version"] == 2
    assert scores["overall"] == pytest.approx(100 * (3 / 4 + 1 + 0) / 3, abs=1e-3)
    assert query(app2, "SELECT DISTINCT questionnaire_version FROM scores WHERE assessment_id = ?", (row["id"],)) == [
        (2,)
    ]
    # Both versions are stored, with their source.
    stored = dict(
        query(app2, "SELECT version, source_text FROM questionnaire_versions WHERE questionnaire_id = 'small'")
    )
    assert stored == {1: V1, 2: V2}


def test_benchmarks_compare_only_assessments_of_the_same_version(site):
    app1 = site.app()
    old = [take(app1, {"name": f"Antigua {i}"}) for i in range(3)]
    site.write(V2)
    app2 = site.app()
    new = [take(app2, {"name": f"Nueva {i}"}) for i in range(2)]
    # Version 2: one other firm, all on version 2.
    group = " ".join(soup_of(results(app2, new[0])).select_one(".peer-group").get_text().split())
    assert group.endswith(": 1 firm.")
    # Version 1: the two other firms of version 1, not the newer ones.
    group = " ".join(soup_of(results(app2, old[0])).select_one(".peer-group").get_text().split())
    assert group.endswith(": 2 firms.")
    # Medians too: every version-1 peer scored 75, every version-2 peer 100*(3/4+1+0)/3.
    table = soup_of(results(app2, old[0])).select_one("table.scores")
    tools = [tr for tr in table.select("tbody tr") if tr.th.get_text(strip=True) == "Tools v1"][0]
    assert tools.select("td")[1].get_text(" ", strip=True) == "75 (75–75)"


def test_changing_a_used_version_without_raising_it_stops_the_app(site):
    app1 = site.app()
    take(app1)
    site.write(V1.replace("Spreadsheet v1", "A spreadsheet v1"))
    with pytest.raises(QuestionnaireError) as caught:
        site.app()
    message = str(caught.value)
    assert "small.yaml" in message
    assert "raise version to 2" in message
    # Raising the version starts the app again.
    site.write(small(version=2, tag="v1").replace("Spreadsheet v1", "A spreadsheet v1"))
    assert site.app() is not None


def test_changing_a_version_no_assessment_uses_is_allowed(site):
    app1 = site.app()
    english(app1).get("/")  # nothing started: version 1 is not in use
    site.write(V1.replace("Spreadsheet v1", "A spreadsheet v1"))
    app2 = site.app()
    token = take(app2)
    assert "A spreadsheet v1" in text_of(results(app2, token))


def test_lowering_the_version_stops_the_app(site):
    app1 = site.app()
    take(app1)
    site.write(V2)
    app2 = site.app()
    take(app2)  # version 2 is now in use
    site.write(V1)
    with pytest.raises(QuestionnaireError) as caught:
        site.app()
    message = str(caught.value)
    assert "small.yaml" in message
    assert "version 1 is older than version 2" in message


@pytest.mark.parametrize("broken", ["yaml_syntax.yaml", "missing_translation.yaml", "condition_cycle.yaml"])
def test_a_broken_questionnaire_file_stops_the_app(site, broken):
    shutil.copy(BROKEN / broken, site.folder / broken)
    with pytest.raises(QuestionnaireError) as caught:
        site.app()
    assert broken in str(caught.value)


def test_a_broken_edit_of_the_served_questionnaire_stops_the_app(site):
    site.app()
    site.write(V1.replace("type: yesno", "type: yes_or_no"))
    with pytest.raises(QuestionnaireError) as caught:
        site.app()
    assert "small.yaml" in str(caught.value)
