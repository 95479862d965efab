"""Recommendations of a theme or a pillar (`if_score_below`): when they apply, where they rank, how they read.

Worked on tests/questionnaires/valid/levels.yaml: the theme strategy scores 0, 25, 40 or 100 from
one choice (plan: none, notes, draft, written); its recommendation rec_strategy_workshop applies
below 40, strategy_2 below 10. The pillar digital is the mean of strategy and tools (website,
yes/partly/no); rec_digital_adviser applies below 50. In the pillar green, the theme energy
(meters, yes/partly/no) calls for rec_energy_audit below 100 (severity high) and the pillar for
rec_green_plan below 60, after the audit.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import app_serving, csrf_token, send_page, start
from test_owner import submit
from test_portfolio import consultant, key_of, new_client
from test_questionnaire import readme_example

from survey.core.benchmarks import compare
from survey.core.questionnaire import QuestionnaireError, load_questionnaire, load_questionnaire_text
from survey.core.recommendations import action_plan
from survey.core.scoring import score_response
from survey.reports.results import build_results, score_below

LEVELS = Path(__file__).resolve().parent / "questionnaires" / "valid" / "levels.yaml"
TEXT = LEVELS.read_text(encoding="utf-8")
QUESTIONNAIRE = load_questionnaire(LEVELS)


def plan_of(answers: dict) -> list[str]:
    return [a.recommendation.id for a in action_plan(QUESTIONNAIRE, answers, score_response(QUESTIONNAIRE, answers))]


def actions_of(answers: dict) -> dict:
    return {a.recommendation.id: a for a in action_plan(QUESTIONNAIRE, answers, score_response(QUESTIONNAIRE, answers))}


# --------------------------------------------------------------------------- loading


def test_themes_and_pillars_carry_their_recommendations() -> None:
    digital, green = QUESTIONNAIRE.pillars
    assert [(r.id, r.trigger, r.score_below) for r in digital.recommendations] == [
        ("rec_digital_adviser", "score_below", 50.0)
    ]
    strategy = digital.themes[0]
    # An id left out is made up as a question's is: the theme's id and the recommendation's number.
    assert [(r.id, r.score_below) for r in strategy.recommendations] == [
        ("rec_strategy_workshop", 40.0),
        ("strategy_2", 10.0),
    ]
    workshop = strategy.recommendations[0]
    assert (workshop.question_id, workshop.theme_id, workshop.pillar_id) == (None, "strategy", "digital")
    assert workshop.attached_to == "theme strategy" and digital.recommendations[0].attached_to == "pillar digital"
    website = QUESTIONNAIRE.questions["website"].recommendations[0]
    assert (website.question_id, website.theme_id, website.pillar_id, website.after) == (
        "website",
        "tools",
        "digital",
        ("rec_strategy_workshop",),
    )
    assert [r.id for r in QUESTIONNAIRE.recommendations] == [
        "rec_digital_adviser",
        "rec_strategy_workshop",
        "strategy_2",
        "rec_website",
        "rec_green_plan",
        "rec_energy_audit",
    ]
    assert green.recommendations[0].after == ("rec_energy_audit",)
    assert QUESTIONNAIRE.warnings == ()  # a theme or pillar without recommendations is not warned about


def test_a_theme_without_recommendations_is_not_warned_about() -> None:
    start = TEXT.index("        recommendations:\n          - id: rec_strategy_workshop")
    end = TEXT.index("        questions:\n          - id: plan")
    text = (TEXT[:start] + TEXT[end:]).replace("                after: [rec_strategy_workshop]\n", "")
    questionnaire = load_questionnaire_text(text, "levels.yaml")
    assert questionnaire.themes[0].recommendations == () and questionnaire.warnings == ()


# --------------------------------------------------------------------------- worked scoring examples


def test_a_theme_below_its_threshold_calls_for_its_action_and_one_at_it_does_not() -> None:
    # plan notes: 5 of 20 points, strategy 25 < 40; plan draft: 8 of 20, strategy 40, not below 40.
    notes = actions_of({"plan": "notes", "website": "yes"})
    assert score_response(QUESTIONNAIRE, {"plan": "notes"}).dimensions()["strategy"] == 25.0
    assert "rec_strategy_workshop" in notes and notes["rec_strategy_workshop"].score == 25.0
    assert notes["rec_strategy_workshop"].question is None and notes["rec_strategy_workshop"].answer is None
    assert "strategy_2" not in notes  # 25 is not below 10
    assert score_response(QUESTIONNAIRE, {"plan": "draft"}).dimensions()["strategy"] == 40.0
    assert plan_of({"plan": "draft", "website": "yes"}) == []  # strategy 40, digital (40 + 100) / 2 = 70
    assert "strategy_2" in plan_of({"plan": "none", "website": "yes"})  # 0 is below 10


def test_a_pillar_below_its_threshold_calls_for_its_action() -> None:
    # strategy 40, tools 0 (website no): digital 20, below 50; with website partly, 45; yes, 70.
    assert plan_of({"plan": "draft", "website": "no"}) == ["rec_website", "rec_digital_adviser"]
    assert actions_of({"plan": "draft", "website": "no"})["rec_digital_adviser"].score == 20.0
    assert "rec_digital_adviser" in plan_of({"plan": "draft", "website": "partly"})
    assert "rec_digital_adviser" not in plan_of({"plan": "draft", "website": "yes"})


def test_a_theme_or_pillar_without_a_score_calls_for_nothing() -> None:
    # Nothing answered in green: energy and green have no score, though any score would be below 100.
    scores = score_response(QUESTIONNAIRE, {"plan": "written", "website": "yes"})
    assert (scores.dimensions()["energy"], scores.dimensions()["green"]) == (None, None)
    assert plan_of({"plan": "written", "website": "yes"}) == []
    # Only website answered: strategy has no score, digital is tools' alone (0, below 50).
    assert plan_of({"website": "no"}) == ["rec_website", "rec_digital_adviser"]
    assert plan_of({"plan": "written", "website": "yes", "meters": "yes"}) == []  # energy 100 is not below 100


def test_a_level_action_ranks_by_weight_times_its_distance_below_the_threshold() -> None:
    # strategy 25 below 40: gap 0.15, theme weight 1; digital 12.5 below 50: gap 0.375; website no: gap 1.
    actions = actions_of({"plan": "notes", "website": "no"})
    assert (actions["rec_strategy_workshop"].gap, actions["rec_strategy_workshop"].priority) == (0.15, 0.15)
    assert (actions["rec_digital_adviser"].gap, actions["rec_digital_adviser"].priority) == (0.375, 0.375)
    assert actions["rec_website"].priority == 1.0
    heavy = load_questionnaire_text(TEXT.replace("  - id: digital\n", "  - id: digital\n    weight: 4\n"), "l.yaml")
    answers = {"plan": "notes", "website": "no"}
    adviser = next(a for a in action_plan(heavy, answers, score_response(heavy, answers)) if a.score == 12.5)
    assert adviser.priority == 1.5  # the pillar's weight, 4, times 0.375


def test_after_orders_actions_across_questions_themes_and_pillars() -> None:
    # By weight x gap: website (1), the adviser (0.375), the workshop (0.15); website is `after` the
    # workshop, which is brought forward to just before it.
    actions = action_plan(
        QUESTIONNAIRE,
        {"plan": "notes", "website": "no"},
        score_response(QUESTIONNAIRE, {"plan": "notes", "website": "no"}),
    )
    assert [a.recommendation.id for a in actions] == ["rec_strategy_workshop", "rec_website", "rec_digital_adviser"]
    assert actions[1].waits_for == ("rec_strategy_workshop",)
    # Severity first: the energy audit (high) leads; the green plan (green 50, below 60: 0.1) waits for it.
    answers = {"plan": "none", "website": "no", "meters": "partly"}
    assert plan_of(answers) == [
        "rec_energy_audit",
        "rec_strategy_workshop",
        "rec_website",
        "rec_digital_adviser",
        "strategy_2",
        "rec_green_plan",
    ]


def test_without_after_the_workshop_ranks_by_its_own_gap() -> None:
    text = TEXT.replace("                after: [rec_strategy_workshop]\n", "")
    questionnaire = load_questionnaire_text(text, "levels.yaml")
    answers = {"plan": "notes", "website": "no"}
    plan = [a.recommendation.id for a in action_plan(questionnaire, answers, score_response(questionnaire, answers))]
    assert plan == ["rec_website", "rec_digital_adviser", "rec_strategy_workshop"]


def test_the_format_references_example_calls_for_its_theme_action_below_40() -> None:
    """questionnaires/README.md: accounts in a spreadsheet (2 of 4), no website (0 of 2): digital_tools 25."""
    example = load_questionnaire_text(readme_example(), "README.md")
    low = {"accounts": "spreadsheet", "website": "no"}
    scores = score_response(example, low)
    assert scores.dimensions()["digital_tools"] == 25.0
    assert [a.score for a in action_plan(example, low, scores) if a.recommendation.id == "rec_digital_plan"] == [25.0]
    better = {"accounts": "software", "website": "no"}  # (4/4 + 0/2) / 2: 50
    assert "rec_digital_plan" not in [
        a.recommendation.id for a in action_plan(example, better, score_response(example, better))
    ]
    assert action_plan(example, {}, score_response(example, {})) == []  # nothing answered, no score


# --------------------------------------------------------------------------- the format


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "if_score_below: 40",
            "if_score_below: 0",
            "theme strategy, recommendations[0]: if_score_below 0 must be above 0: no score is below it",
        ),
        (
            "if_score_below: 40",
            "if_score_below: 120",
            "theme strategy, recommendations[0]: if_score_below 120 must be at most 100, the highest score",
        ),
        (
            "if_score_below: 40",
            "if_score_below: forty",
            "theme strategy, recommendations[0]: if_score_below must be a number above 0 and at most 100, not 'forty'",
        ),
        (
            "if_score_below: 40",
            "if_points_at_most: 1",
            "theme strategy, recommendations[0]: if_points_at_most is for a question's recommendations: "
            "a theme's takes if_score_below, the theme's score (0-100) below which the action applies",
        ),
        (
            "if_score_below: 40",
            "if_score_below: 40\n            if_selected: [none]",
            "theme strategy, recommendations[0]: if_selected is for a question's recommendations",
        ),
        (
            "if_score_below: 40",
            "severity: normal",
            "theme strategy, recommendations[0]: needs if_score_below, the theme's score (0-100) below which it applies",
        ),
        (
            "if_score_below: 50",
            "if_score_below: -5",
            "pillar digital, recommendations[0]: if_score_below -5 must be above 0",
        ),
        (
            "if_score_below: 50",
            "if_not_selected: [none]",
            "pillar digital, recommendations[0]: if_not_selected is for a question's recommendations: a pillar's takes",
        ),
        (
            "          - if_score_below: 10\n",
            "          - id: rec_digital_adviser\n            if_score_below: 10\n",
            "theme strategy: recommendation id 'rec_digital_adviser' is also used in pillar digital",
        ),
        (
            "id: rec_website",
            "id: strategy_2",
            "question website: recommendation id 'strategy_2' is also used in theme strategy",
        ),
        (
            "after: [rec_strategy_workshop]",
            "after: [strategy_2]",
            "question website, recommendation rec_website: 'after' names 'strategy_2', an id made up by the loader",
        ),
        (
            "after: [rec_energy_audit]",
            "after: [rec_energy_audti]",
            "pillar green, recommendation rec_green_plan: 'after' names 'rec_energy_audti', which is no "
            "recommendation's id (did you mean 'rec_energy_audit'?)",
        ),
        (
            "            if_score_below: 100\n",
            "            if_score_below: 100\n            after: [rec_green_plan]\n",
            "pillar green, recommendation rec_green_plan: 'after' forms a circle: "
            "rec_green_plan -> rec_energy_audit -> rec_green_plan",
        ),
        (
            "                if_points_at_most: 1\n",
            "                if_score_below: 40\n",
            "question website, recommendations[0]: if_score_below is for a theme's or a pillar's recommendations: "
            "a question's needs exactly one of if_points_at_most, if_selected, if_not_selected",
        ),
    ],
)
def test_a_theme_or_pillar_recommendation_is_checked_one_message_per_mistake(old: str, new: str, message: str) -> None:
    assert old in TEXT, old
    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire_text(TEXT.replace(old, new, 1), "levels.yaml")
    problems = [str(p) for p in caught.value.problems]
    assert len(problems) == 1, problems
    assert message in problems[0], problems


def test_the_threshold_may_be_100_and_need_not_be_whole() -> None:
    questionnaire = load_questionnaire_text(TEXT.replace("if_score_below: 40", "if_score_below: 37.5"), "l.yaml")
    assert questionnaire.themes[0].recommendations[0].score_below == 37.5
    assert questionnaire.themes[2].recommendations[0].score_below == 100.0


# --------------------------------------------------------------------------- the results


def results(answers: dict, language: str) -> dict:
    scores = score_response(QUESTIONNAIRE, answers)
    firm = {"firm_name": "Taller", "sector": "wood_furniture", "size": "micro"}
    return build_results(QUESTIONNAIRE, scores, answers, compare({}, {}, [("all", {})], 5), firm, language)


@pytest.mark.parametrize(
    ("language", "workshop", "adviser"),
    [
        ("en", "Digital strategy scored 25 (below 40)", "Digitalisation scored 12 (below 50)"),
        (
            "es",
            "Estrategia digital obtuvo un puntaje de 25 (por debajo de 40)",
            "Digitalización obtuvo un puntaje de 12 (por debajo de 50)",
        ),
    ],
)
def test_the_results_say_which_score_called_for_a_level_action(language: str, workshop: str, adviser: str) -> None:
    report = results({"plan": "notes", "website": "no"}, language)
    actions = {a["id"]: a for a in report["actions"]}
    assert actions["rec_strategy_workshop"]["why"] == workshop
    assert actions["rec_digital_adviser"]["why"] == adviser
    assert (actions["rec_strategy_workshop"]["kind"], actions["rec_strategy_workshop"]["question"]) == ("theme", "")
    assert (actions["rec_digital_adviser"]["kind"], actions["rec_digital_adviser"]["theme_id"]) == ("pillar", None)
    assert actions["rec_website"]["kind"] == "question" and actions["rec_website"]["question"]
    assert actions["rec_website"]["after"] == [{"id": "rec_strategy_workshop", "rank": 1}]


def test_the_grouped_list_puts_a_pillar_action_under_its_pillar_and_a_theme_action_first_in_its_theme() -> None:
    tools = "      - id: tools\n        title: {es: Herramientas, en: Tools}\n"
    review = (
        "        recommendations:\n"
        "          - {id: rec_tools_review, if_score_below: 60, effort: low, source: Fixture source,"
        " action: {es: Revise sus herramientas., en: Review your tools.}}\n"
    )
    text = TEXT.replace("                after: [rec_strategy_workshop]\n", "").replace(tools, tools + review)
    questionnaire = load_questionnaire_text(text, "levels.yaml")
    answers = {"plan": "notes", "website": "no"}
    scores = score_response(questionnaire, answers)
    firm = {"firm_name": "Taller", "sector": "wood_furniture", "size": "micro"}
    report = build_results(questionnaire, scores, answers, compare({}, {}, [("all", {})], 5), firm, "en")
    # In plan order: website (gap 1), the tools review (0 below 60: 0.6), the adviser (0.375), the workshop (0.15).
    ranks = {a["id"]: a["rank"] for a in report["actions"]}
    assert ranks == {"rec_website": 1, "rec_tools_review": 2, "rec_digital_adviser": 3, "rec_strategy_workshop": 4}
    (digital,) = report["action_groups"]
    assert [a["id"] for a in digital["actions"]] == ["rec_digital_adviser"]
    assert [(t["id"], [a["id"] for a in t["actions"]]) for t in digital["themes"]] == [
        ("strategy", ["rec_strategy_workshop"]),
        ("tools", ["rec_tools_review", "rec_website"]),
    ]


def test_a_score_is_shown_as_the_results_show_it_unless_that_reads_as_not_below() -> None:
    assert score_below(25.0, 40) == "25"
    assert score_below(33.3333, 40) == "33"
    assert score_below(39.6, 40) == "39.6"  # not "40 (below 40)"
    assert score_below(39.96, 40) == "39.9"


# --------------------------------------------------------------------------- the pages


@pytest.fixture
def levels_app(tmp_path):
    return app_serving(tmp_path, LEVELS)


def answer_and_submit(client, token: str, answers: dict) -> None:
    """Answer the three pages (strategy, tools, energy) and submit."""
    for number, theme in enumerate(("plan", "website", "meters"), start=1):
        page = {theme: answers[theme]} if theme in answers else {}
        assert send_page(client, f"/a/{token}/section/{number}", page).status_code == 302
    assert submit(client, token).status_code == 302


def words(page) -> str:
    return " ".join(BeautifulSoup(page.data, "html.parser").get_text(" ").split())


@pytest.mark.parametrize(
    ("language", "trigger", "pillar", "action"),
    [
        (
            "en",
            "Digital strategy scored 25 (below 40)",
            "Digitalisation scored 12 (below 50)",
            "Hire a digital adviser.",
        ),
        (
            "es",
            "Estrategia digital obtuvo un puntaje de 25 (por debajo de 40)",
            "Digitalización obtuvo un puntaje de 12 (por debajo de 50)",
            "Contrate una asesoría digital.",
        ),
    ],
)
def test_the_results_and_actions_pages_show_a_level_action_and_its_trigger(
    levels_app, language, trigger, pillar, action
) -> None:
    client = levels_app.test_client()
    client.set_cookie("lang", language)
    token = start(client)
    answer_and_submit(client, token, {"plan": "notes", "website": "no"})
    page = client.get(f"/a/{token}/results")
    assert page.status_code == 200
    text = words(page)
    assert trigger in text and pillar in text and action in text
    assert "()" not in text  # no question to name in brackets
    listing = BeautifulSoup(client.get(f"/a/{token}/actions").data, "html.parser")
    section = listing.find("section", attrs={"aria-labelledby": "actions-digital"})
    own = section.find("ol", recursive=False)  # the pillar's own actions, before its themes
    assert own is not None and action in own.get_text()
    assert [li["id"] for li in section.select("ol.actions li")] == [
        "action-rec_digital_adviser",
        "action-rec_strategy_workshop",
        "action-rec_website",
    ]


def add_to_plan(client, token: str, recommendation: str):
    page = client.get(f"/a/{token}/plan")
    offered = BeautifulSoup(page.data, "html.parser").select("ol.actions input[name=recommendation]")
    assert recommendation in [i["value"] for i in offered]
    return client.post(
        f"/a/{token}/plan/add", data={"recommendation": recommendation, "csrf_token": csrf_token(page.data)}
    )


def test_an_owner_puts_a_theme_and_a_pillar_action_in_the_plan(levels_app) -> None:
    client = levels_app.test_client()
    client.set_cookie("lang", "es")
    token = start(client)
    answer_and_submit(client, token, {"plan": "notes", "website": "no"})
    for recommendation in ("rec_strategy_workshop", "rec_digital_adviser"):
        assert add_to_plan(client, token, recommendation).status_code == 302
    plan = BeautifulSoup(client.get(f"/a/{token}/plan").data, "html.parser")
    assert [p.get_text() for p in plan.select("ol.plan li .what")] == [
        "Asista a un taller de estrategia digital.",
        "Contrate una asesoría digital.",
    ]


def test_a_consultant_puts_a_level_action_in_a_clients_plan_and_reads_it_once_no_longer_recommended(
    levels_app,
) -> None:
    rosa = consultant(levels_app, "rosa@example.org")
    key = key_of(new_client(rosa, "Carpintería Flores"))
    answer_and_submit(rosa, key, {"plan": "notes", "website": "yes"})
    assert add_to_plan(rosa, key, "rec_strategy_workshop").status_code == 302
    page = rosa.get(f"/a/{key}/plan")
    assert [li.get_text() for li in BeautifulSoup(page.data, "html.parser").select("ol.plan li .what")] == [
        "Attend a digital strategy workshop."
    ]
    # A follow-up with a written plan: strategy 100, nothing recommended; the chosen action still reads as itself.
    follow = rosa.post(f"/a/{key}/follow-up", data={"csrf_token": csrf_token(rosa.get(f"/a/{key}/results").data)})
    new = follow.headers["Location"].split("/")[2]
    answer_and_submit(rosa, new, {"plan": "written", "website": "yes", "meters": "yes"})
    plan = BeautifulSoup(rosa.get(f"/a/{new}/plan").data, "html.parser")
    assert [li.get_text() for li in plan.select("ol.plan li .what")] == ["Attend a digital strategy workshop."]
    assert plan.select("ol.actions li") == []
