"""Context questions (`scored: false`): in conditions, the results' answers and exports, never in scores.

Worked on tests/questionnaires/valid/context.yaml: in the theme sales, customers (households or
businesses) and markets (a checklist) are not scored; website (yes 2, partly 1, no 0) and
channels (whatsapp 1, marketplace 1) are; invoices (yes/partly/no) is shown only when customers
is businesses.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from helpers import send_page, start
from test_owner import soup_of, submit, text_of

from survey.core.questionnaire import load_questionnaire
from survey.core.recommendations import action_plan
from survey.core.scoring import score_response
from survey.core.synthetic import generate

CONTEXT = Path(__file__).resolve().parent / "questionnaires" / "valid" / "context.yaml"
QUESTIONNAIRE = load_questionnaire(CONTEXT)
BASE = {"website": "yes", "channels": ("whatsapp",)}


def test_a_context_question_is_loaded_unscored():
    customers, markets = QUESTIONNAIRE.questions["customers"], QUESTIONNAIRE.questions["markets"]
    for question in (customers, markets):
        assert (question.scored, question.max_points, question.recommendations) == (False, 0.0, ())
        assert dict(question.option_points) == {}
    assert [o.score for o in customers.options] == [None, None]


@pytest.mark.parametrize(
    "context",
    [{}, {"customers": "households"}, {"customers": "businesses"}, {"markets": ("local", "abroad")}, {"markets": ()}],
)
def test_a_context_question_changes_no_score(context):
    # website yes: 2 of 2; channels whatsapp: 1 of 2. sales = 100 × (2/2 + 1/2) / 2 = 75, whatever the
    # context says: with customers businesses, invoices is shown but not answered, so it is left out too.
    scores = score_response(QUESTIONNAIRE, {**BASE, **context})
    assert scores.dimensions() == {"overall": 75.0, "market": 75.0, "sales": 75.0, "tools": None}
    assert set(scores.question_scores()) == {"website", "channels", "invoices", "apps"}


def test_a_context_question_drives_a_condition():
    # invoices no (0 of 2) counts only where customers is businesses:
    # businesses: sales = 100 × (2/2 + 1/2 + 0/2) / 3 = 50; households: invoices hidden, 75.
    answers = {**BASE, "invoices": "no"}
    assert score_response(QUESTIONNAIRE, {**answers, "customers": "businesses"}).dimensions()["sales"] == 50.0
    assert score_response(QUESTIONNAIRE, {**answers, "customers": "households"}).dimensions()["sales"] == 75.0


def test_a_context_question_never_calls_for_an_action():
    answers = {"website": "yes", "channels": ("marketplace",), "customers": "businesses", "invoices": "no"}
    plan = action_plan(QUESTIONNAIRE, {**answers, "markets": ()}, score_response(QUESTIONNAIRE, answers))
    assert [a.question.id for a in plan] == ["invoices", "channels"]  # gaps 2/2, then 1/2


def test_demo_data_draws_context_answers_that_score_nothing():
    drawn = list(generate(QUESTIONNAIRE, 40, seed=3))
    assert {d["answers"]["customers"] for d in drawn} == {"households", "businesses"}
    assert {d["answers"].get("channels") for d in drawn} >= {()}  # none of these, now and then
    for item in drawn:
        assert "customers" not in item["scores"].question_scores()
        assert item["scores"] == score_response(QUESTIONNAIRE, item["answers"])


# The owner's pages, the results and the exports.


def answer_and_submit(context_owner, answers: dict) -> str:
    token = start(context_owner)
    assert send_page(context_owner, f"/a/{token}/section/1", answers).status_code == 302
    assert send_page(context_owner, f"/a/{token}/section/2", {}).status_code == 302
    assert submit(context_owner, token).status_code == 302
    return token


def test_the_page_asks_it_and_its_condition_follows_it(context_owner):
    token = start(context_owner)
    page = soup_of(context_owner.get(f"/a/{token}/section/1"))
    assert [i["value"] for i in page.select('input[name="q-customers"]')] == ["households", "businesses"]
    conditions = json.loads(page.select_one("#conditions").string)
    assert conditions["order"] == [["invoices", ["cmp", "==", ["q", "customers"], ["v", "businesses"]]]]
    # Saved with households, invoices is hidden and its answer cleared.
    response = send_page(context_owner, f"/a/{token}/section/1", {**BASE, "customers": "households", "invoices": "no"})
    assert response.status_code == 302
    review = text_of(context_owner.get(f"/a/{token}/review"))
    assert "Who do you mostly sell to? To households" in review
    assert "Do you issue electronic invoices?" not in review


def test_the_results_list_it_as_not_scored(context_owner):
    token = answer_and_submit(
        context_owner, {**BASE, "customers": "businesses", "invoices": "no", "markets": ["local"]}
    )
    results = soup_of(context_owner.get(f"/a/{token}/results"))
    rows = [[cell.get_text(" ", strip=True) for cell in row.select("td")] for row in results.select("table.explain tr")]
    sales = [row for row in rows if row][:5]
    assert sales == [
        ["Who do you mostly sell to?", "To other businesses", "not scored"],
        ["Do you have a website?", "Yes", "2 / 2"],
        ["Where do you take orders?", "WhatsApp", "1 / 2"],
        ["Do you issue electronic invoices?", "No", "0 / 2"],
        ["Where do you sell?", "In its town", "not scored"],
    ]
    # sales = 100 × (2/2 + 1/2 + 0/2) / 3 = 50
    assert "Sales: 50/100" in [summary.get_text(" ", strip=True) for summary in results.select("details summary")]


def test_exports_give_its_answer_and_the_codebook_no_points(context_owner, context_app, tmp_path):
    answer_and_submit(context_owner, {**BASE, "customers": "households", "markets": ["local", "abroad"]})
    path = tmp_path / "out.csv"
    result = context_app.test_cli_runner().invoke(args=["export", "--format", "csv", "--output", str(path)])
    assert result.exit_code == 0, result.output
    (row,) = csv.DictReader(path.read_text(encoding="utf-8").splitlines())
    assert (row["customers"], row["markets"], row["score_sales"]) == ("households", "local;abroad", "75.0")
    codebook = csv.DictReader(path.with_name("out.codebook.csv").read_text(encoding="utf-8").splitlines())
    customers = [(r["type"], r["value"], r["points"], r["weight"]) for r in codebook if r["question_id"] == "customers"]
    assert customers == [("choice", "", "", ""), ("option", "households", "", ""), ("option", "businesses", "", "")]
