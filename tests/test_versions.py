"""Questionnaire versions: a new version leaves stored assessments, scores and texts untouched.

Each test works on its own questionnaires folder holding a small questionnaire, and builds new
apps on the same database file as an operator restarting the app after editing the file would.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers import csrf_token, start
from test_owner import answer_all, assessment_row, query, soup_of, stored_answers, submit, text_of

from survey import create_app
from survey.core.answers import carried_answers
from survey.core.comparison import changed_dimensions
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
    token = start(english(app), profile)
    complete(app, token, accounts)
    return token


def complete(app, token: str, accounts: str = "spreadsheet") -> None:
    """The owner answers every page of a started assessment and submits it."""
    client = english(app)
    overrides = {"accounts": accounts, "website": "yes", "cloud": "no"}
    answer_all(client, token, load_questionnaire_from(app), overrides=overrides)
    assert submit(client, token).status_code == 302


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


# Version 3 of the small questionnaire: `accounts` loses its spreadsheet option, `website` becomes
# a choice whose options are not yes/no/partly, `staff` is a new number question.
V3 = (
    small(version=3, tag="v3")
    .replace('              - {value: spreadsheet, label: {es: Hoja de cálculo, en: "Spreadsheet v3"}, score: 1}\n', "")
    .replace(
        '            type: yesno\n            label: {es: "¿Tiene web?"',
        "            type: choice\n            options:\n"
        "              - {value: none, label: {es: Ninguna, en: None}, score: 0}\n"
        "              - {value: own_site, label: {es: Propia, en: Own site}, score: 2}\n"
        '            label: {es: "¿Tiene web?"',
    )
)


def start_follow_up(app, token: str) -> str:
    """The owner asks for a follow-up from the results page; returns the new assessment's token."""
    client = english(app)
    page = client.get(f"/a/{token}/results")
    response = client.post(f"/a/{token}/follow-up", data={"csrf_token": csrf_token(page.data)})
    assert response.status_code == 302
    return response.headers["Location"].split("/")[2]


def test_a_follow_up_on_a_new_version_keeps_only_the_answers_that_still_fit(site):
    app1 = site.app()
    kept = take(app1, accounts="software")  # an option version 3 still has
    dropped = take(app1, accounts="spreadsheet")  # an option version 3 removed
    # On the same version, every answer carries over.
    same = take(app1, accounts="spreadsheet")
    assert stored_answers(app1, start_follow_up(app1, same)) == {"accounts": "spreadsheet", "website": "yes"}
    site.write(V3)
    app3 = site.app()
    assert "Spreadsheet v3" not in site.file.read_text() and "own_site" in site.file.read_text()

    follow_up = start_follow_up(app3, kept)
    assert assessment_row(app3, follow_up)["questionnaire_version"] == 3
    # `website` was "yes" on version 1, no option of version 3's choice: the owner answers it again.
    assert stored_answers(app3, follow_up) == {"accounts": "software"}
    page = english(app3).get(f"/a/{follow_up}/section/1")
    assert [i["value"] for i in soup_of(page).select("input[name='q-accounts'][checked]")] == ["software"]
    assert not soup_of(page).select("input[name='q-website'][checked]")

    assert stored_answers(app3, start_follow_up(app3, dropped)) == {}


FITS = """\
id: fits
version: 2
languages: [es]
default_language: es
title: {es: Prueba}
levels: [{id: all, name: {es: Todo}, min: 0, max: 100}]
pillars:
  - id: p
    title: {es: P}
    themes:
      - id: t
        title: {es: T}
        questions:
          - {id: channels, type: checklist, source: "Una prueba", empty_means: none, label: {es: Canales}, recommendations: [],
             options: [{value: shop, label: {es: Tienda}, score: 1}, {value: web, label: {es: Web}, score: 1},
                       {value: nothing, label: {es: Ninguno}, score: 0, exclusive: true}]}
          - {id: labels, type: checklist, source: "Una prueba", label: {es: Sellos}, recommendations: [],
             options: [{value: organic, label: {es: Orgánico}, score: 1}]}
          - {id: staff, type: number, min: 1, max: 50, label: {es: Personas}}
          - {id: backups, type: yesno, source: "Una prueba", label: {es: Copias}, recommendations: []}
          - {id: machines, type: yesno, source: "Una prueba", allow_not_applicable: true, label: {es: Máquinas}, recommendations: []}
          - {id: comment, type: text, label: {es: Comentario}}
"""


@pytest.mark.parametrize(
    ("question_id", "value", "fits"),
    [
        ("channels", ("shop", "web"), True),
        ("channels", ("shop", "fair"), False),  # an option this version no longer has
        ("channels", ("nothing", "shop"), False),  # "none of these" is exclusive now
        ("channels", (), True),  # nothing ticked means "none of these" here...
        ("labels", (), False),  # ...and nothing at all here
        ("channels", "shop", False),  # was a choice
        ("staff", 12, True),
        ("staff", 80, False),  # above the new maximum
        ("staff", "12", False),
        ("backups", "partly", True),
        ("backups", "na", False),  # "does not apply" is no longer offered
        ("machines", "na", True),
        ("comment", "Vendemos por WhatsApp", True),
        ("comment", 3, False),
    ],
)
def test_an_earlier_answer_is_carried_to_a_new_version_only_when_it_fits(question_id, value, fits):
    questionnaire = load_questionnaire_text(FITS, "fits.yaml")
    assert carried_answers(questionnaire, {question_id: value}) == ({question_id: value} if fits else {})


def test_answers_to_questions_a_new_version_removed_are_not_carried():
    questionnaire = load_questionnaire_text(FITS, "fits.yaml")
    assert carried_answers(questionnaire, {"website": "yes", "backups": "yes"}) == {"backups": "yes"}


def test_a_theme_reworded_is_the_same_theme_but_one_with_other_questions_or_points_has_changed():
    v1 = load_questionnaire_text(V1, "small.yaml")
    reworded = load_questionnaire_text(small(version=2, tag="reworded"), "small.yaml")
    assert changed_dimensions(v1, reworded) == frozenset()
    other_points = load_questionnaire_text(small(version=2, software=3), "small.yaml")
    assert changed_dimensions(v1, other_points) == {"tools", "digital", "overall"}
    another_question = load_questionnaire_text(V2, "small.yaml")
    assert changed_dimensions(v1, another_question) == {"tools", "digital", "overall"}
    heavier = load_questionnaire_text(
        small(version=2).replace("type: yesno", "type: yesno\n            weight: 2"), "s"
    )
    assert changed_dimensions(v1, heavier) == {"tools", "digital", "overall"}
    assert changed_dimensions(v1, v1) == frozenset()


def test_progress_across_versions_marks_the_themes_whose_questions_changed(site):
    app1 = site.app()
    baseline = take(app1, accounts="software")
    site.write(V2)
    app2 = site.app()
    follow_up = start_follow_up(app2, baseline)
    complete(app2, follow_up, accounts="software")
    client = english(app2)
    page = soup_of(client.get(f"/a/{follow_up}/progress"))
    rows = {tr.th.get_text(strip=True): tr.get_text(" ", strip=True) for tr in page.select("table.progress tbody tr")}
    # Version 2 asks about the cloud too: the Tools theme is compared, and marked.
    assert "(questions changed*)" in rows["Tools v2"]
    assert "version 1 and version 2" in text_of(client.get(f"/a/{follow_up}/progress"))


def test_progress_on_one_version_has_no_mark(site):
    app1 = site.app()
    baseline = take(app1, accounts="spreadsheet")
    follow_up = start_follow_up(app1, baseline)
    complete(app1, follow_up, accounts="software")
    client = english(app1)
    page = client.get(f"/a/{follow_up}/progress")
    assert "Tools v1" in text_of(page)
    assert "questions changed" not in text_of(page)
