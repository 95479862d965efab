"""Grid questions: rows sharing one set of options, answered row by row, one question of their theme.

Worked on tests/questionnaires/valid/grid.yaml. The theme it holds practices, a required grid of
weight 2 whose rows are backups (weight 2), passwords and updates (shown unless backups is "not"),
each answered done (2 points), planned (1), not (0) or na (does not apply); then website (yes 2,
partly 1, no 0) and restore (yes/partly/no, shown when practices.backups is done). The theme team
holds staff, a context grid (scored: false), and training (yes/partly/no).
"""

from __future__ import annotations

import csv
import gzip
import json
import sqlite3
from pathlib import Path

import pytest
from helpers import app_serving, csrf_token, send_page, start
from test_accounts import english
from test_owner import soup_of, submit, text_of
from test_portfolio import consultant, key_of, new_client
from test_questionnaire import readme_example

from survey.core.answers import carried_answers, prepare_submission
from survey.core.comparison import changed_dimensions
from survey.core.completion_time import path_time, typical_answers, typical_time
from survey.core.questionnaire import QuestionnaireError, load_questionnaire, load_questionnaire_text
from survey.core.recommendations import action_plan
from survey.core.scoring import HIDDEN, NOT_APPLICABLE, SCORED, UNANSWERED, score_response
from survey.core.synthetic import generate

GRID = Path(__file__).resolve().parent / "questionnaires" / "valid" / "grid.yaml"
QUESTIONNAIRE = load_questionnaire(GRID)
SOURCE = GRID.read_text(encoding="utf-8")


def grid_answers(backups=None, passwords=None, updates=None, **others) -> dict:
    """Return answers by key: the rows of practices given, and any other question's."""
    rows = {"practices.backups": backups, "practices.passwords": passwords, "practices.updates": updates}
    return {key: value for key, value in {**rows, **others}.items() if value is not None}


def practices(answers: dict) -> tuple:
    """Return how practices counted: its status, points and maximum."""
    explained = score_response(QUESTIONNAIRE, answers).question_scores()["practices"]
    return explained.status, round(explained.points, 6), explained.max_points


def theme_it(answers: dict) -> float | None:
    return score_response(QUESTIONNAIRE, answers).dimensions()["it"]


# --------------------------------------------------------------------------- the file


def test_a_grid_loads_with_its_rows_stored_under_their_keys():
    grid = QUESTIONNAIRE.questions["practices"]
    assert (grid.type, grid.weight, grid.max_points, grid.required) == ("grid", 2.0, 2.0, True)
    assert [(r.id, r.key, r.weight) for r in grid.rows] == [
        ("backups", "practices.backups", 2.0),
        ("passwords", "practices.passwords", 1.0),
        ("updates", "practices.updates", 1.0),
    ]
    assert grid.rows[2].relevant.source == "practices.backups != 'not'"
    assert [(r.id, r.row) for r in grid.recommendations] == [("start_backups", "backups"), ("practices_2", "passwords")]
    assert QUESTIONNAIRE.answer_keys == (
        "practices.backups",
        "practices.passwords",
        "practices.updates",
        "website",
        "restore",
        "staff.office",
        "staff.workshop",
        "training",
    )
    # restore's condition names a row of practices: it comes after the grid.
    order = [q.id for q in QUESTIONNAIRE.evaluation_order]
    assert order.index("practices") < order.index("restore")
    staff = QUESTIONNAIRE.questions["staff"]
    assert (staff.scored, staff.max_points, staff.recommendations) == (False, 0.0, ())


def replaced(old: str, new: str) -> str:
    assert SOURCE.count(old) == 1, old
    return SOURCE.replace(old, new)


def problems(text: str) -> list[str]:
    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire_text(text, "grid.yaml")
    return [str(p) for p in caught.value.problems]


def test_a_rows_condition_may_name_the_rows_above_it_and_no_other_of_its_grid():
    # updates reads backups, above it: that loads. passwords reading updates, below it, does not.
    below = replaced(
        "                label: {es: Contraseñas seguras, en: Strong passwords}\n",
        (
            "                label: {es: Contraseñas seguras, en: Strong passwords}\n"
            '                relevant: "answered(practices.updates)"\n'
        ),
    )
    assert problems(below) == [
        "grid.yaml:41: question practices, row passwords, relevant: refers to row 'updates' of its own grid: "
        "a row's condition may name only the rows above it"
    ]


def test_a_grids_condition_naming_its_own_row_is_a_circle():
    text = replaced(
        "            required: true\n",
        "            required: true\n            relevant: answered(practices.backups)\n",
    )
    assert problems(text) == [
        "grid.yaml:25: question practices, relevant: conditions form a circle: practices -> practices"
    ]


def test_a_condition_naming_a_row_of_a_question_that_is_no_grid_is_refused():
    text = replaced("relevant: \"practices.backups == 'done'\"", "relevant: \"website.backups == 'done'\"")
    assert problems(text) == [
        "grid.yaml:64: question restore, relevant: refers to 'website.backups', but 'website' is a yesno question, "
        "which has no rows"
    ]


def test_a_grid_with_scored_false_takes_no_scores():
    text = replaced(
        "              - {value: hired, label: {es: Contratados, en: Hired}}",
        ("              - {value: hired, label: {es: Contratados, en: Hired}, score: 1}"),
    )
    assert problems(text) == [
        "grid.yaml:77: question staff: has scored: false, yet options give a 'score' (hired): remove the scores"
    ]


# --------------------------------------------------------------------------- scores


def test_the_grid_scores_the_weighted_mean_of_its_rows():
    # Rows weighted 2, 1, 1 answered 2, 1, 0 of 2 points: (2·1 + 1·0.5 + 1·0) / 4 = 62.5 %, 1.25 of 2 points.
    answers = grid_answers("done", "planned", "not")
    assert practices(answers) == (SCORED, 1.25, 2.0)
    assert theme_it(answers) == 62.5
    # One question of weight 2 in its theme: with website yes (2/2), it = 100 × (2 × 0.625 + 1 × 1) / 3 = 75.
    assert theme_it({**answers, "website": "yes"}) == 75.0


def test_a_row_that_does_not_apply_leaves_the_mean():
    # passwords na: (2·1 + 1·0) / 3 = 66.67 %
    assert practices(grid_answers("done", "na", "not")) == (SCORED, round(4 / 3, 6), 2.0)
    assert theme_it(grid_answers("done", "na", "not")) == 66.6667


def test_a_hidden_row_leaves_the_mean_whatever_it_held():
    # backups not hides updates: (2·0 + 1·1) / 3 = 33.33 %, the stored "done" of updates ignored.
    answers = grid_answers("not", "done", "done")
    assert practices(answers) == (SCORED, round(2 / 3, 6), 2.0)
    assert "practices.updates" in prepare_submission(QUESTIONNAIRE, answers).hidden


def test_an_unanswered_row_leaves_the_mean():
    # Only backups answered: 100 %; the page refuses to save a required grid so, an optional one may.
    assert practices(grid_answers("planned")) == (SCORED, 1.0, 2.0)
    assert theme_it(grid_answers("planned")) == 50.0


def test_a_grid_with_every_row_not_applicable_leaves_its_theme():
    answers = grid_answers("na", "na", "na")
    assert practices(answers)[0] == NOT_APPLICABLE
    assert theme_it(answers) is None
    assert theme_it({**answers, "website": "partly"}) == 50.0  # website alone: 1 of 2
    assert practices({})[0] == UNANSWERED


def test_a_context_grid_counts_in_no_score():
    scores = score_response(QUESTIONNAIRE, {"staff.office": "family", "training": "no"})
    assert "staff" not in scores.question_scores()
    assert scores.dimensions()["team"] == 0.0


# --------------------------------------------------------------------------- conditions


def test_a_condition_reads_a_row():
    shown = grid_answers("done", restore="no")
    assert score_response(QUESTIONNAIRE, shown).question_scores()["restore"].status == SCORED
    hidden = grid_answers("planned", restore="no")
    assert score_response(QUESTIONNAIRE, hidden).question_scores()["restore"].status == HIDDEN


def test_a_required_grid_is_missing_until_every_row_shown_is_answered():
    missing = prepare_submission(QUESTIONNAIRE, grid_answers("done", "done")).missing
    assert missing == {"practices", "practices.updates"}
    # backups "not" hides updates: nothing is missing then.
    assert prepare_submission(QUESTIONNAIRE, grid_answers("not", "done")).missing == frozenset()


# --------------------------------------------------------------------------- the action plan


def test_an_action_looks_at_its_row():
    answers = grid_answers("planned", "not", "done")
    plan = action_plan(QUESTIONNAIRE, answers, score_response(QUESTIONNAIRE, answers))
    assert [(a.recommendation.id, a.row.id, a.answer) for a in plan] == [
        ("practices_2", "passwords", "not"),  # severity high comes first
        ("start_backups", "backups", "planned"),
    ]
    # backups carries 2 of the 4 weight of the rows counted, half its points missing: 2 × 1 × 2/4 × 1/2.
    assert plan[1].priority == 0.5 and plan[1].gap == 0.5


def test_a_row_that_does_not_apply_or_is_at_full_points_calls_for_nothing():
    answers = grid_answers("na", "done", "done")
    assert action_plan(QUESTIONNAIRE, answers, score_response(QUESTIONNAIRE, answers)) == []


# --------------------------------------------------------------------------- time and demo data


def test_the_time_counts_the_options_once_and_each_row_shown():
    # Page 1 in English: "IT" 1; the grid's label 7 and hint 4; its options once 3 + 1 + 1 + 3;
    # its rows 1 + 2 + 3 (updates shown: backups is planned); website 5. Page 2: "Team" 1; staff
    # 5, its options 1 + 1, its rows 1 + 1; training 5. 46 words; 3 + 1 + 2 + 1 = 7 answers.
    assert tuple(typical_time(QUESTIONNAIRE, "en")) == (46, 7)
    # backups "not" hides updates, its row's 3 words and its answer.
    answers = {**typical_answers(QUESTIONNAIRE), "practices.backups": "not"}
    assert tuple(path_time(QUESTIONNAIRE, "en", answers)) == (43, 6)


def test_demo_data_answers_every_row():
    for drawn in generate(QUESTIONNAIRE, 20, seed=5):
        assert {"practices.backups", "practices.passwords", "staff.office"} <= drawn["answers"].keys()
        assert "practices" not in drawn["answers"]
        assert drawn["scores"] == score_response(QUESTIONNAIRE, drawn["answers"])


# --------------------------------------------------------------------------- the owner's pages


@pytest.fixture
def grid_app(tmp_path):
    return app_serving(tmp_path, GRID)


@pytest.fixture
def owner(grid_app):
    return english(grid_app)


def stored(app) -> dict:
    with sqlite3.connect(app.config["DATABASE"]) as db:
        return {key: json.loads(value) for key, value in db.execute("SELECT question_id, value FROM answers")}


def test_the_page_shows_one_fieldset_with_a_table_of_rows(owner):
    token = start(owner)
    page = soup_of(owner.get(f"/a/{token}/section/1"))
    grid = page.select_one("fieldset#question-practices")
    assert grid.legend.get_text(" ", strip=True) == "Which of these practices do you follow? (required)"
    table = grid.select_one("table.grid")
    assert [th.get_text(strip=True) for th in table.select("thead th[scope=col]")] == [
        "We do it",
        "Planned",
        "No",
        "Does not apply",
    ]
    assert [th.get_text(strip=True) for th in table.select("tbody th[scope=row]")] == [
        "Backups",
        "Strong passwords",
        "Updates kept current",
    ]
    radios = table.select('input[type=radio][name="q-practices.backups"]')
    assert [r["value"] for r in radios] == ["done", "planned", "not", "na"]
    # Each radio's label names its row and its option.
    label = page.select_one(f'label[for="{radios[1]["id"]}"]')
    assert label.get_text(strip=True) == "Backups:Planned"


def test_the_page_stays_under_30_kb_gzipped(owner):
    token = start(owner)
    page = owner.get(f"/a/{token}/section/1")
    assert len(gzip.compress(page.data)) < 30_000
    # The grid is plain HTML: it needs no script.
    assert "<script" not in str(soup_of(page).select_one("fieldset#question-practices"))


def test_row_conditions_reach_the_pages_script(owner):
    token = start(owner)
    page = soup_of(owner.get(f"/a/{token}/section/1"))
    conditions = json.loads(page.select_one("#conditions").string)
    assert conditions["order"] == [
        ["practices.updates", ["cmp", "!=", ["q", "practices.backups"], ["v", "not"]]],
        ["restore", ["cmp", "==", ["q", "practices.backups"], ["v", "done"]]],
    ]
    assert conditions["types"]["practices.backups"] == "choice"


def test_a_page_stores_each_row_under_its_key_and_shows_it_again(grid_app, owner):
    token = start(owner)
    answers = {"practices.backups": "done", "practices.passwords": "planned", "practices.updates": "not"}
    assert send_page(owner, f"/a/{token}/section/1", answers).status_code == 302
    assert stored(grid_app) == answers
    page = soup_of(owner.get(f"/a/{token}/section/1"))
    checked = {i["name"]: i["value"] for i in page.select("table.grid input[checked]")}
    assert checked == {f"q-{key}": value for key, value in answers.items()}
    review = text_of(owner.get(f"/a/{token}/review"))
    assert "Backups: We do it Strong passwords: Planned Updates kept current: No" in review


def test_a_value_that_is_no_option_of_the_row_is_refused_and_nothing_stored(grid_app, owner):
    token = start(owner)
    answers = {"practices.backups": "done", "practices.passwords": "always", "practices.updates": "not"}
    response = send_page(owner, f"/a/{token}/section/1", answers)
    assert response.status_code == 400
    row = soup_of(response).select_one('tr[id="question-practices.passwords"]')
    assert row.select_one("ul.errors").get_text(strip=True) == "Please choose one of the answers offered."
    assert "invalid" in row["class"]
    assert stored(grid_app) == {}


def test_a_required_grid_names_the_rows_left_unanswered(grid_app, owner):
    token = start(owner)
    response = send_page(owner, f"/a/{token}/section/1", {"practices.backups": "done"})
    assert response.status_code == 400
    error = soup_of(response).select_one("#question-practices > ul.errors").get_text(strip=True)
    assert error == "Please answer every row. Not answered yet: Strong passwords; Updates kept current."
    assert stored(grid_app) == {}
    # backups "not" hides updates: passwords is then the one row wanted.
    response = send_page(owner, f"/a/{token}/section/1", {"practices.backups": "not", "practices.updates": "done"})
    error = soup_of(response).select_one("#question-practices > ul.errors").get_text(strip=True)
    assert error == "Please answer every row. Not answered yet: Strong passwords."


def test_spanish_pages_name_the_rows_in_spanish(owner):
    owner.set_cookie("lang", "es")
    token = start(owner)
    response = send_page(owner, f"/a/{token}/section/1", {"practices.backups": "done"})
    error = soup_of(response).select_one("#question-practices > ul.errors").get_text(strip=True)
    assert error == "Responda cada fila, por favor. Aún sin respuesta: Contraseñas seguras; Actualizaciones al día."


def answer_and_submit(owner, page_one: dict, page_two: dict | None = None) -> str:
    token = start(owner)
    assert send_page(owner, f"/a/{token}/section/1", page_one).status_code == 302
    assert send_page(owner, f"/a/{token}/section/2", page_two or {}).status_code == 302
    assert submit(owner, token).status_code == 302
    return token


def test_the_results_show_each_rows_answer_and_points_and_the_row_of_an_action(owner):
    answers = {"practices.backups": "planned", "practices.passwords": "na", "practices.updates": "done"}
    token = answer_and_submit(owner, {**answers, "website": "yes"}, {"staff.office": "hired"})
    results = soup_of(owner.get(f"/a/{token}/results"))
    rows = [[td.get_text(" ", strip=True) for td in tr.select("td")] for tr in results.select("table.explain tr")]
    assert [row for row in rows if row][:5] == [
        # (2·1 + 1·2) / 3 = 1.33333 of 2
        ["Which of these practices do you follow?", "", "1.33333 / 2 (×2)"],
        ["Backups", "Planned", "1 / 2 (×2)"],
        ["Strong passwords", "Does not apply", "does not apply: left out of the score"],
        ["Updates kept current", "We do it", "2 / 2"],
        ["Do you have a website?", "Yes", "2 / 2"],
    ]
    assert ["Who works in each place?", "", "not scored"] in rows
    assert ["Office", "Hired", ""] in rows
    assert "IT: 78/100" in [s.get_text(" ", strip=True) for s in results.select("details summary")]
    actions = text_of(owner.get(f"/a/{token}/actions"))
    assert "Back up your files every week." in actions
    assert "Backups: your answer: Planned (Which of these practices do you follow?)" in actions


def test_exports_give_a_column_per_row_and_the_codebook_its_options(grid_app, owner, tmp_path):
    answers = {"practices.backups": "done", "practices.passwords": "planned", "practices.updates": "not"}
    answer_and_submit(owner, answers, {"staff.office": "family"})
    path = tmp_path / "out.csv"
    result = grid_app.test_cli_runner().invoke(args=["export", "--format", "csv", "--output", str(path)])
    assert result.exit_code == 0, result.output
    (row,) = csv.DictReader(path.read_text(encoding="utf-8").splitlines())
    assert "practices" not in row
    assert [row[f"practices.{r}"] for r in ("backups", "passwords", "updates")] == ["done", "planned", "not"]
    assert (row["staff.office"], row["staff.workshop"], row["score_it"]) == ("family", "", "62.5")
    codebook = list(csv.DictReader(path.with_name("out.codebook.csv").read_text(encoding="utf-8").splitlines()))
    lines = [(r["question_id"], r["type"], r["value"], r["text_en"], r["points"], r["weight"]) for r in codebook]
    assert lines[:7] == [
        ("practices", "grid", "", "Which of these practices do you follow?", "2.0", "2.0"),
        ("practices.backups", "row", "", "Backups", "2.0", "2.0"),
        ("practices.backups", "option", "done", "We do it", "2.0", ""),
        ("practices.backups", "option", "planned", "Planned", "1.0", ""),
        ("practices.backups", "option", "not", "No", "0.0", ""),
        ("practices.backups", "option", "na", "Does not apply", "", ""),
        ("practices.passwords", "row", "", "Strong passwords", "2.0", "1.0"),
    ]
    assert ("staff.office", "row", "", "Office", "", "") in lines


def test_a_follow_up_starts_with_every_rows_answer(grid_app, owner):
    answers = {"practices.backups": "done", "practices.passwords": "na", "practices.updates": "not"}
    token = answer_and_submit(owner, answers)
    page = owner.get(f"/a/{token}/results")
    response = owner.post(f"/a/{token}/follow-up", data={"csrf_token": csrf_token(page.data)})
    assert response.status_code == 302
    with sqlite3.connect(grid_app.config["DATABASE"]) as db:
        follow_up = db.execute("SELECT max(id) FROM assessments").fetchone()[0]
        carried = dict(db.execute("SELECT question_id, value FROM answers WHERE assessment_id = ?", [follow_up]))
    assert {key: json.loads(value) for key, value in carried.items()} == answers


def test_a_consultant_checks_a_grid_row_by_row(grid_app):
    rosa = consultant(grid_app, "rosa@example.org")
    key = key_of(new_client(rosa, "Carpintería Flores"))
    declared = {"practices.backups": "done", "practices.passwords": "done", "practices.updates": "done"}
    answer_and_submit_as(rosa, key, declared)
    page = rosa.get(f"/a/{key}/verify/1")
    assert page.status_code == 200
    # The owner's answers are shown, each row with its own radios; one note for the grid.
    checked = {i["name"]: i["value"] for i in soup_of(page).select("table.grid input[checked]")}
    assert checked == {f"q-{k}": v for k, v in declared.items()}
    assert soup_of(page).select_one('#question-practices textarea[name="evidence-practices"]') is not None
    found = {**declared, "practices.backups": "planned"}
    data = {f"q-{k}": v for k, v in found.items()} | {
        "q-csrf_token": csrf_token(page.data),
        "evidence-practices": "Copias solo del mes pasado.",
    }
    assert rosa.post(f"/a/{key}/verify/1", data=data).status_code == 302
    with sqlite3.connect(grid_app.config["DATABASE"]) as db:
        checks = {
            k: (v and json.loads(v), e)
            for k, v, e in db.execute("SELECT question_id, value, evidence FROM verifications")
        }
    assert checks == {
        "practices.backups": ("planned", "Copias solo del mes pasado."),
        "practices.passwords": (None, "Copias solo del mes pasado."),  # confirmed
        "practices.updates": (None, "Copias solo del mes pasado."),
        "website": (None, ""),
    }
    # Verified: (2·1 + 1·2 + 1·2) / 4 = 75 %, against 100 declared.
    table = soup_of(rosa.get(f"/a/{key}/results")).select_one("table.verified")
    cells = {
        tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr.select("td")]
        for tr in table.select("tbody tr")
    }
    assert cells["IT"] == ["100", "75", "-25"]


def answer_and_submit_as(client, key: str, page_one: dict) -> None:
    assert send_page(client, f"/a/{key}/section/1", page_one).status_code == 302
    assert send_page(client, f"/a/{key}/section/2", {}).status_code == 302
    assert submit(client, key).status_code == 302


def test_the_format_references_worked_example_scores_as_it_says():
    """questionnaires/README.md, *Grids*: rows weighted 2, 1, 1 answered 2, 1, 0 of 2 give 62.5 %."""
    example = load_questionnaire_text(readme_example(), "README.md")
    rows = {"energy_practices.lights": "done", "energy_practices.machines": "planned"}
    answers = {**rows, "energy_practices.solar_panels": "not", "renewable_share": 60}
    scores = score_response(example, answers)
    assert scores.question_scores()["energy_practices"].points == 1.25
    # Beside renewable_share at its full 3 points: 100 × (2 × 0.625 + 1 × 1) / 3 = 75.
    assert scores.dimensions()["energy"] == 75.0
    # machines "does not apply": (2 × 1 + 1 × 0) / 3 = 66.7 %.
    answers["energy_practices.machines"] = "na"
    assert round(score_response(example, answers).question_scores()["energy_practices"].points / 2, 3) == 0.667
    # No energy used from renewable sources: the solar panels' row is not asked.
    assert "energy_practices.solar_panels" in prepare_submission(example, {**answers, "renewable_share": 0}).hidden
    plan = action_plan(
        example, {**rows, "renewable_share": 60}, score_response(example, {**rows, "renewable_share": 60})
    )
    assert [(a.recommendation.id, a.row.id, a.answer) for a in plan] == [("energy_practices_1", "machines", "planned")]


def test_a_grid_whose_rows_change_between_versions_marks_its_theme():
    later = load_questionnaire_text(replaced("version: 1", "version: 2"), "grid.yaml")
    assert changed_dimensions(QUESTIONNAIRE, later) == frozenset()
    reweighted = replaced("version: 1", "version: 2").replace(
        "                weight: 2\n", "                weight: 3\n"
    )
    assert changed_dimensions(QUESTIONNAIRE, load_questionnaire_text(reweighted, "grid.yaml")) == {
        "it",
        "safety",
        "overall",
    }


def test_a_follow_up_on_a_new_version_keeps_the_rows_that_still_fit():
    later = load_questionnaire_text(
        replaced("              - {value: planned, label: {es: Lo planeamos, en: Planned}, score: 1}\n", ""),
        "grid.yaml",
    )
    previous = {"practices.backups": "planned", "practices.passwords": "done", "practices": "done", "gone.row": "x"}
    assert carried_answers(later, previous) == {"practices.passwords": "done"}
