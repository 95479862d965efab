"""Scoring and the action plan: worked examples on tests/questionnaires/valid/full.yaml, then properties.

The fixture, in short (points / maximum, weights in brackets):

    ops [2], levels low 0-25, mid 25-75, high 75-100
      tools [1]:  accounts [2] paper 0 | spreadsheet 1 | software 4 | accountant = not applicable
                  website yes/partly/no (+ na)
                  online_sales yes/partly/no, shown if website is yes or partly
                  payments transfer 0 | cards 1 | both 2, shown if online_sales is yes
      skills [3]: training checklist courses 2, mentor 2, online 1, none 0 (exclusive), capped at 3
                  staff_trained number 0-100 (+ na), bands 0 -> 0, 25 -> 1, 50 -> 2, 90 -> 4
    green [1], levels basic 0-50, leading 50-100
      energy [1]: renewable yes/partly/no; meters none 0 | some 1 | all 2
      waste [1]:  recycling yes/partly/no
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey.core.model import NOT_APPLICABLE, Question, Questionnaire
from survey.core.questionnaire import load_questionnaire, load_questionnaire_text
from survey.core.recommendations import action_plan
from survey.core.scoring import (
    HIDDEN,
    SCORED,
    UNANSWERED,
    Scores,
    level_for,
    question_points,
    score_response,
    visible_answers,
)
from survey.core.scoring import (
    NOT_APPLICABLE as NOT_APPLICABLE_STATUS,
)

ROOT = Path(__file__).resolve().parent.parent
FULL = Path(__file__).resolve().parent / "questionnaires" / "valid" / "full.yaml"
READINESS = ROOT / "questionnaires" / "readiness.yaml"

FULL_Q = load_questionnaire(FULL)

# Every scored question at its best answer.
BEST = {
    "accounts": "software",
    "website": "yes",
    "online_sales": "yes",
    "payments": "both",
    "training": ("courses", "mentor"),
    "staff_trained": 95,
    "renewable": "yes",
    "meters": "all",
    "recycling": "yes",
}

# The worked example of test_worked_example.
EXAMPLE = {
    "accounts": "spreadsheet",
    "website": "yes",
    "online_sales": "yes",
    "payments": "cards",
    "tools_notes": "We use a notebook too.",
    "training": ("courses", "online"),
    "staff_trained": 30,
    "renewable": "partly",
    "meters": "all",
    "recycling": "no",
}


def score(answers: Mapping[str, Any], questionnaire: Questionnaire = FULL_Q) -> Scores:
    """Score answers on the full fixture (or another questionnaire)."""
    return score_response(questionnaire, answers)


def dims(answers: Mapping[str, Any]) -> dict[str, float | None]:
    """Return the overall, pillar and theme scores of answers on the full fixture, by id."""
    return score(answers).dimensions()


def statuses(scores: Scores) -> dict[str, tuple[str, float, float]]:
    """Return (status, points, max_points) per scored question."""
    return {qid: (q.status, q.points, q.max_points) for qid, q in scores.question_scores().items()}


def levels(scores: Scores) -> dict[str, str | None]:
    """Return the level id of the overall index and of every pillar."""
    found = {"overall": scores.overall_level_id}
    found.update({p.pillar_id: p.level_id for p in scores.pillars})
    return found


def plan_ids(answers: Mapping[str, Any], questionnaire: Questionnaire = FULL_Q) -> list[str]:
    """Return the ids of the recommended actions, in ranked order."""
    scores = score_response(questionnaire, answers)
    return [a.recommendation.id for a in action_plan(questionnaire, answers, scores)]


# Worked examples.


def test_worked_example() -> None:
    scores = score(EXAMPLE)
    # tools: accounts 2 x 1/4 + website 1 x 2/2 + online_sales 1 x 2/2 + payments 1 x 1/2
    #        = 0.5 + 1 + 1 + 0.5 = 3 out of weights 2 + 1 + 1 + 1 = 5 -> 60
    # skills: training min(2 + 1, 3) / 3 = 1, staff_trained 30 is in band 25 -> 1/4 = 0.25
    #        -> (1 + 0.25) / 2 = 62.5
    # ops = (tools 1 x 60 + skills 3 x 62.5) / (1 + 3) = 247.5 / 4 = 61.875
    # energy: renewable 1/2, meters 2/2 -> (0.5 + 1) / 2 = 75; waste: recycling 0/2 -> 0
    # green = (75 + 0) / 2 = 37.5
    # overall = (ops 2 x 61.875 + green 1 x 37.5) / 3 = 161.25 / 3 = 53.75
    assert scores.dimensions() == {
        "overall": 53.75,
        "ops": 61.875,
        "tools": 60.0,
        "skills": 62.5,
        "green": 37.5,
        "energy": 75.0,
        "waste": 0.0,
    }
    assert levels(scores) == {"overall": "mid", "ops": "mid", "green": "basic"}
    assert statuses(scores) == {
        "accounts": (SCORED, 1.0, 4.0),
        "website": (SCORED, 2.0, 2.0),
        "payments": (SCORED, 1.0, 2.0),
        "online_sales": (SCORED, 2.0, 2.0),
        "training": (SCORED, 3.0, 3.0),
        "staff_trained": (SCORED, 1.0, 4.0),
        "renewable": (SCORED, 1.0, 2.0),
        "meters": (SCORED, 2.0, 2.0),
        "recycling": (SCORED, 0.0, 2.0),
    }


def test_scores_carry_questionnaire_id_and_version() -> None:
    scores = score(EXAMPLE)
    assert (scores.questionnaire_id, scores.version) == ("full", 3)


def test_question_weight_counts() -> None:
    # accounts 2 x 0/4 + website 1 x 2/2 + online_sales 1 x 0/2 = 1 out of 4 -> 25
    assert dims({"accounts": "paper", "website": "yes", "online_sales": "no"})["tools"] == 25.0
    # accounts 2 x 1 + website 1 x 0 = 2 out of 3 -> 66.6667 (rounded to 4 places)
    assert dims({"accounts": "software", "website": "no"})["tools"] == 66.6667


def test_theme_weight_counts() -> None:
    # tools 100 (accounts software), skills 0 (training none): ops = (1 x 100 + 3 x 0) / 4 = 25
    assert dims({"accounts": "software", "training": ("none",)})["ops"] == 25.0
    # tools 0, skills 100: ops = (1 x 0 + 3 x 100) / 4 = 75
    assert dims({"accounts": "paper", "training": ("courses", "online")})["ops"] == 75.0


def test_pillar_weight_counts_in_overall() -> None:
    # ops 100 (weight 2), green 0 (weight 1): overall = (2 x 100 + 0) / 3 = 66.6667
    assert dims({"accounts": "software", "recycling": "no"})["overall"] == 66.6667
    # ops 0, green 100: overall = (0 + 1 x 100) / 3 = 33.3333
    assert dims({"accounts": "paper", "recycling": "yes"})["overall"] == 33.3333


def test_not_applicable_option_leaves_the_denominator() -> None:
    scores = score({"accounts": "accountant", "website": "yes", "online_sales": "no"})
    # Without accounts: website 1 x 2/2 + online_sales 1 x 0/2 = 1 out of 2 -> 50 (not 1 out of 4).
    assert scores.dimensions()["tools"] == 50.0
    assert statuses(scores)["accounts"] == (NOT_APPLICABLE_STATUS, 0.0, 4.0)


@pytest.mark.parametrize(
    "answers, question, theme, expected",
    [
        # accounts 4/4 alone -> 100 (with website as 0 it would be 2 x 1 / 3 = 66.6667)
        ({"website": NOT_APPLICABLE, "accounts": "software"}, "website", "tools", 100.0),
        # training mentor 2/3 alone -> 66.6667 (with staff_trained as 0 it would be 33.3333)
        ({"staff_trained": NOT_APPLICABLE, "training": ("mentor",)}, "staff_trained", "skills", 66.6667),
    ],
)
def test_not_applicable_answer_leaves_the_denominator(
    answers: dict, question: str, theme: str, expected: float
) -> None:
    scores = score(answers)
    assert statuses(scores)[question] == (NOT_APPLICABLE_STATUS, 0.0, FULL_Q.questions[question].max_points)
    assert scores.dimensions()[theme] == expected


def test_all_not_applicable_leaves_no_theme_score() -> None:
    scores = score({"accounts": "accountant", "website": NOT_APPLICABLE, "meters": "some"})
    assert scores.dimensions()["tools"] is None
    # ops has no theme score at all, so overall is green alone: meters 1/2 -> 50.
    assert scores.dimensions()["ops"] is None
    assert scores.overall == 50.0
    assert levels(scores) == {"overall": "mid", "ops": None, "green": "leading"}


def test_hidden_question_counts_in_no_score() -> None:
    # website no hides online_sales, whose answer is ignored: accounts 2 x 4/4 + website 1 x 0 = 2 of 3.
    scores = score({"accounts": "software", "website": "no", "online_sales": "yes"})
    assert scores.dimensions()["tools"] == 66.6667
    assert statuses(scores)["online_sales"] == (HIDDEN, 0.0, 2.0)


def test_hiding_a_question_hides_the_one_that_depends_on_it() -> None:
    # payments depends on online_sales, which depends on website. With website no, online_sales is
    # hidden, so payments is hidden too even though the stale answers say online_sales yes.
    answers = {"accounts": "paper", "website": "no", "online_sales": "yes", "payments": "transfer"}
    scores = score(answers)
    found = statuses(scores)
    assert found["online_sales"][0] == HIDDEN
    assert found["payments"][0] == HIDDEN
    # accounts 2 x 0 + website 1 x 0 = 0 of 3 -> 0; the hidden payments 0/2 would not change that,
    # so check the hidden answers are gone from the visible ones as well.
    assert scores.dimensions()["tools"] == 0.0
    effective, hidden = visible_answers(FULL_Q, answers)
    assert hidden == {"online_sales", "payments"}
    assert effective == {"accounts": "paper", "website": "no"}


def test_chain_shown_step_by_step() -> None:
    # website partly shows online_sales; online_sales no keeps payments hidden.
    found = statuses(score({"website": "partly", "online_sales": "no", "payments": "both"}))
    assert (found["online_sales"][0], found["payments"][0]) == (SCORED, HIDDEN)
    # website yes, online_sales yes shows payments: (1 x 1 + 1 x 1 + 1 x 1/2) / 3 = 83.3333
    scores = score({"website": "yes", "online_sales": "yes", "payments": "cards"})
    assert statuses(scores)["payments"] == (SCORED, 1.0, 2.0)
    assert scores.dimensions()["tools"] == 83.3333


def test_hidden_by_unanswered_question() -> None:
    # An unanswered website compares as false, so online_sales and payments are hidden.
    scores = score({"accounts": "spreadsheet", "online_sales": "yes", "payments": "both"})
    found = statuses(scores)
    assert [found[qid][0] for qid in ("website", "online_sales", "payments")] == [UNANSWERED, HIDDEN, HIDDEN]
    assert scores.dimensions()["tools"] == 25.0  # accounts 1/4 alone


def test_unanswered_optional_leaves_the_denominator() -> None:
    scores = score({"accounts": "software"})
    # accounts 4/4 alone -> 100, not 2 x 1 / (2 + 1) with website counted as 0.
    assert scores.dimensions()["tools"] == 100.0
    assert statuses(scores)["website"] == (UNANSWERED, 0.0, 2.0)


def test_theme_with_nothing_counted_has_no_score_and_leaves_the_pillar_mean() -> None:
    scores = score({"renewable": "yes", "meters": "none"})
    # energy: (2/2 + 0/2) / 2 = 50; waste: nothing -> None; green = 50 (not (50 + 0) / 2 = 25)
    assert scores.dimensions()["waste"] is None
    assert scores.dimensions()["green"] == 50.0
    # ops has nothing either, so overall = green.
    assert scores.dimensions()["ops"] is None
    assert scores.overall == 50.0


def test_nothing_answered() -> None:
    scores = score({})
    assert set(scores.dimensions().values()) == {None}
    assert levels(scores) == {"overall": None, "ops": None, "green": None}
    found = {qid: status for qid, (status, _, _) in statuses(scores).items()}
    # online_sales and payments are hidden: their conditions are false without a website answer.
    assert {qid for qid, status in found.items() if status == HIDDEN} == {"online_sales", "payments"}
    assert {status for qid, status in found.items() if status != HIDDEN} == {UNANSWERED}
    assert action_plan(FULL_Q, {}, scores) == []


@pytest.mark.parametrize(
    "ticked, points",
    [
        (("none",), 0.0),
        (("online",), 1.0),
        (("courses",), 2.0),
        (("courses", "online"), 3.0),
        (("courses", "mentor"), 3.0),  # 4, capped at max_score 3
        (("courses", "mentor", "online"), 3.0),  # 5, capped
    ],
)
def test_checklist_capped_at_max_score(ticked: tuple, points: float) -> None:
    scores = score({"training": ticked})
    assert statuses(scores)["training"] == (SCORED, points, 3.0)
    assert scores.dimensions()["skills"] == round(100 * points / 3, 4)


@pytest.mark.parametrize("ticked", [(), []])
def test_a_checklist_with_nothing_ticked_is_unanswered_by_default(ticked) -> None:
    """training has no `empty_means`: nothing ticked is no answer (tests/test_empty_selection.py has the other rule)."""
    scores = score({"training": ticked})
    assert statuses(scores)["training"] == (UNANSWERED, 0.0, 3.0)
    assert scores.dimensions()["skills"] is None


@pytest.mark.parametrize(
    "value, points",
    [
        (0, 0.0),
        (24.999, 0.0),  # just below the band starting at 25
        (25, 1.0),  # exactly at a band's min
        (49.9, 1.0),
        (50, 2.0),
        (50.0, 2.0),
        (89, 2.0),
        (90, 4.0),
        (100, 4.0),
    ],
)
def test_number_band_edges(value: float, points: float) -> None:
    question = FULL_Q.questions["staff_trained"]
    assert question_points(question, value) == points
    assert statuses(score({"staff_trained": value}))["staff_trained"] == (SCORED, points, 4.0)


@pytest.mark.parametrize("value", [True, "50", None])
def test_number_answer_of_the_wrong_kind_gives_no_points(value: Any) -> None:
    assert question_points(FULL_Q.questions["staff_trained"], value) is None


@pytest.mark.parametrize(
    "value, level",
    [
        (0, "low"),
        (24.9999, "low"),
        (25, "mid"),  # exactly 25 belongs to the level starting at 25
        (74.9999, "mid"),
        (75, "high"),
        (99.9999, "high"),
        (100, "high"),  # 100 belongs to the last level
    ],
)
def test_level_band_edges(value: float, level: str) -> None:
    assert level_for(FULL_Q.levels, value).id == level


def test_level_edges_through_scoring() -> None:
    # accounts spreadsheet alone: 1/4 = 25 -> tools 25, ops 25, overall 25: all "mid", not "low".
    assert levels(score({"accounts": "spreadsheet"})) == {"overall": "mid", "ops": "mid", "green": None}
    # recycling partly alone: waste 50 -> green 50: "leading" (its own levels), overall 50 "mid".
    assert levels(score({"recycling": "partly"})) == {"overall": "mid", "ops": None, "green": "leading"}
    # Everything at its best: 100 belongs to the last levels.
    scores = score(BEST)
    assert scores.overall == 100.0
    assert levels(scores) == {"overall": "high", "ops": "high", "green": "leading"}


def test_level_for_without_a_score() -> None:
    assert level_for(FULL_Q.levels, None) is None
    assert level_for((), 50.0) is None


def test_scores_round_trip_through_json() -> None:
    for answers in (EXAMPLE, {}, {"accounts": "accountant", "website": "no", "online_sales": "yes"}):
        scores = score(answers)
        assert Scores.from_dict(scores.to_dict()) == scores
        assert Scores.from_dict(json.loads(json.dumps(scores.to_dict()))) == scores


def test_scoring_uses_the_version_it_is_given() -> None:
    # Version 4 raises spreadsheet from 1 to 2 points; answers keep the version they were given.
    text = FULL_Q.source_text.replace("version: 3", "version: 4", 1)
    spreadsheet = "label: {en: Spreadsheet, es: Hoja de cálculo}\n                score: "
    text = text.replace(spreadsheet + "1", spreadsheet + "2", 1)
    assert spreadsheet + "2" in text
    version4 = load_questionnaire_text(text, "full.yaml")
    answers = {"accounts": "spreadsheet"}
    old, new = score(answers), score(answers, version4)
    assert (old.questionnaire_id, old.version, old.dimensions()["tools"]) == ("full", 3, 25.0)  # 1/4
    assert (new.questionnaire_id, new.version, new.dimensions()["tools"]) == ("full", 4, 50.0)  # 2/4
    assert Scores.from_dict(old.to_dict()).version == 3


# Recommendations.


def test_action_plan_ranks_by_weight_times_gap() -> None:
    scores = score(EXAMPLE)
    plan = action_plan(FULL_Q, EXAMPLE, scores)
    # staff_trained: question 1 x theme 3 x gap 3/4 = 2.25
    # accounts:      question 2 x theme 1 x gap 3/4 = 1.5 (only if_points_at_most 1 applies)
    # recycling:     question 1 x theme 1 x gap 2/2 = 1.0
    # renewable:     question 1 x theme 1 x gap 1/2 = 0.5
    # payments 1/2 has a gap but its only recommendation is for transfer.
    assert [(a.recommendation.id, a.priority, a.gap) for a in plan] == [
        ("staff_trained_more", 2.25, 0.75),
        ("accounts_software", 1.5, 0.75),
        ("recycling_start", 1.0, 1.0),
        ("renewable_switch", 0.5, 0.5),
    ]
    assert all(a.question.id == a.recommendation.question_id for a in plan)


def test_action_plan_puts_low_effort_first_on_equal_priority() -> None:
    # All three at 0 points with weight 1 x 1: priority 1. renewable (medium) is asked before
    # meters and recycling (low) but comes after them; between equal efforts, page order.
    answers = {"renewable": "no", "meters": "none", "recycling": "no"}
    plan = action_plan(FULL_Q, answers, score(answers))
    assert [(a.recommendation.id, a.priority, a.recommendation.effort) for a in plan] == [
        ("meters_add", 1.0, "low"),
        ("recycling_start", 1.0, "low"),
        ("renewable_switch", 1.0, "medium"),
    ]


def test_same_question_low_effort_first() -> None:
    # accounts paper: 2 x 1 x 4/4 = 2 for both of its recommendations; low before high.
    assert plan_ids({"accounts": "paper"}) == ["accounts_start", "accounts_software"]


def test_no_actions_at_the_maximum() -> None:
    assert plan_ids(BEST) == []
    # mentor + online reaches the cap of 3: if_not_selected courses stays quiet at the maximum.
    assert plan_ids({"training": ("mentor", "online")}) == []


@pytest.mark.parametrize(
    "answers, expected",
    [
        # if_selected: only for the listed options
        ({"accounts": "paper"}, ["accounts_start", "accounts_software"]),
        ({"accounts": "spreadsheet"}, ["accounts_software"]),
        ({"website": "yes", "online_sales": "yes", "payments": "transfer"}, ["payments_cards"]),
        ({"website": "yes", "online_sales": "yes", "payments": "cards"}, []),
        # if_not_selected: when courses is not ticked
        ({"training": ("mentor",)}, ["training_courses"]),
        ({"training": ("courses",)}, []),
        ({"training": ("online",)}, ["training_courses", "training_more"]),
        ({"training": ("none",)}, ["training_courses", "training_more"]),
        # if_points_at_most: at or below the threshold only
        ({"staff_trained": 50}, ["staff_trained_more"]),  # 2 points <= 2
        ({"staff_trained": 0}, ["staff_trained_more"]),
        ({"staff_trained": 90}, []),
        ({"website": "yes", "online_sales": "no"}, ["online_sales_start"]),  # 0 <= 0
        ({"website": "yes", "online_sales": "partly"}, []),  # 1 > 0, though below the maximum
        ({"meters": "some"}, ["meters_add"]),
    ],
)
def test_triggers(answers: dict, expected: list[str]) -> None:
    assert plan_ids(answers) == expected


@pytest.mark.parametrize(
    "answers, expected",
    [
        ({"accounts": "accountant"}, []),
        ({"website": NOT_APPLICABLE, "online_sales": "no", "payments": "transfer"}, []),
        ({"staff_trained": NOT_APPLICABLE}, []),
        # online_sales no and payments transfer would trigger actions, but both are hidden.
        ({"website": "no", "online_sales": "no", "payments": "transfer"}, ["website_build"]),
        ({"online_sales": "no", "payments": "transfer"}, []),
    ],
)
def test_no_actions_for_hidden_or_not_applicable(answers: dict, expected: list[str]) -> None:
    assert plan_ids(answers) == expected


# Properties, on the shipped instrument when it exists.


def property_questionnaire() -> Questionnaire:
    """Return the shipped readiness questionnaire, or the full fixture while it is not written."""
    return load_questionnaire(READINESS) if READINESS.exists() else FULL_Q


PROPERTY_Q = property_questionnaire()
REFERENCED = frozenset(name for q in PROPERTY_Q.questions.values() if q.relevant for name in q.relevant.names)
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def answer_for(question: Question) -> st.SearchStrategy | None:
    """Return a strategy for one valid answer to a question, or None for notes."""
    na = [st.just(NOT_APPLICABLE)] if question.allow_not_applicable else []
    if question.type == "choice":
        return st.sampled_from([o.value for o in question.options])
    if question.type == "checklist":
        plain = [o.value for o in question.options if not o.exclusive]
        exclusive = [o.value for o in question.options if o.exclusive]
        choices = [st.lists(st.sampled_from(plain), unique=True).map(tuple)] if plain else [st.just(())]
        if exclusive:
            choices.append(st.sampled_from(exclusive).map(lambda value: (value,)))
        return st.one_of(*choices, *na)
    if question.type == "yesno":
        return st.one_of(st.sampled_from(["yes", "partly", "no"]), *na)
    if question.type == "number":
        low = question.min if question.min is not None else -1e6
        high = question.max if question.max is not None else low + 1e6
        numbers = st.one_of(
            st.integers(math.ceil(low), math.floor(high)),
            st.floats(low, high, allow_nan=False, allow_infinity=False),
        )
        return st.one_of(numbers, *na)
    if question.type == "text":
        return st.text(max_size=50)
    return None


@st.composite
def answer_sets(draw: st.DrawFn, questionnaire: Questionnaire = PROPERTY_Q) -> dict[str, Any]:
    """Draw a valid answer for every question, leaving some unanswered."""
    answers = {}
    for question in questionnaire.questions.values():
        strategy = answer_for(question)
        # Three in four questions answered; shrinking leaves them unanswered.
        if strategy is not None and draw(st.integers(0, 3)) != 0:
            answers[question.id] = draw(strategy)
    return answers


def all_scores(scores: Scores) -> list[float | None]:
    """Return the overall, pillar and theme scores."""
    return list(scores.dimensions().values())


def free_ladders(questionnaire: Questionnaire) -> list[tuple[str, list[Any]]]:
    """Return (question id, answers from lowest to highest points) for questions no condition names."""
    ladders = []
    for question in questionnaire.questions.values():
        if question.id in REFERENCED or not question.scored:
            continue
        if question.type == "choice":
            ladder = list(question.option_points)
        elif question.type == "yesno":
            ladder = ["no", "partly", "yes"]
        elif question.type == "number" and question.min is not None:
            # One value per band; bands may score less as the number grows (e.g. hours worked).
            ladder = [max(band.min, question.min) for band in question.bands]
            ladder = [v for v in ladder if question.max is None or v <= question.max]
        else:
            continue
        ladders.append((question.id, sorted(ladder, key=lambda value: question_points(question, value))))
    return ladders


LADDERS = free_ladders(PROPERTY_Q)


def test_property_questionnaire_has_free_questions() -> None:
    assert len(LADDERS) >= 3


@PROPERTY_SETTINGS
@given(answer_sets())
def test_scores_stay_within_bounds(answers: dict) -> None:
    scores = score_response(PROPERTY_Q, answers)
    for value in all_scores(scores):
        assert value is None or 0 <= value <= 100
    for result in scores.question_scores().values():
        assert 0 <= result.points <= result.max_points
    action_plan(PROPERTY_Q, answers, scores)


@PROPERTY_SETTINGS
@given(answer_sets(), st.sampled_from(LADDERS), st.data())
def test_a_better_answer_never_lowers_a_score(answers: dict, ladder: tuple, data: st.DataObject) -> None:
    qid, steps = ladder
    lower = data.draw(st.integers(0, len(steps) - 2), label="lower")
    higher = data.draw(st.integers(lower + 1, len(steps) - 1), label="higher")
    before = score_response(PROPERTY_Q, {**answers, qid: steps[lower]}).dimensions()
    after = score_response(PROPERTY_Q, {**answers, qid: steps[higher]}).dimensions()
    question = PROPERTY_Q.questions[qid]
    for dimension in ("overall", question.pillar_id, question.theme_id):
        if before[dimension] is None:
            assert after[dimension] is None
        else:
            assert after[dimension] >= before[dimension], dimension


@PROPERTY_SETTINGS
@given(answer_sets(), st.randoms(use_true_random=False))
def test_answer_order_does_not_change_scores(answers: dict, random: Any) -> None:
    items = list(answers.items())
    random.shuffle(items)
    shuffled = dict(items)
    expected = score_response(PROPERTY_Q, answers)
    assert score_response(PROPERTY_Q, shuffled) == expected
    assert score_response(PROPERTY_Q, dict(reversed(items))) == expected
    assert action_plan(PROPERTY_Q, shuffled, expected) == action_plan(PROPERTY_Q, answers, expected)


def test_the_answer_rules_refuse_a_value_that_is_not_offered():
    """A choice, yes/no or checklist value the question does not offer is refused, whoever posts it."""
    from survey.core.answers import NOT_OFFERED, RawAnswer, read_answer

    for question in load_questionnaire(READINESS).questions.values():
        if question.type not in ("choice", "yesno", "checklist"):
            continue
        value, refusal = read_answer(question, RawAnswer(["made-up"] if question.type == "checklist" else "made-up"))
        assert value is None and refusal.rule == NOT_OFFERED and refusal.detail == "made-up", question.id
        if not question.allow_not_applicable and not any(o.value == "na" for o in question.options):
            assert read_answer(question, RawAnswer("na"))[1].rule == NOT_OFFERED, question.id
