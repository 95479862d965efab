"""The shipped instrument, questionnaires/readiness.yaml, as a SCORE trainer would check it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import extreme_value as best_value

from survey.core.completion_time import typical_answers
from survey.core.model import Question, Questionnaire
from survey.core.questionnaire import load_questionnaire, load_questionnaire_text
from survey.core.scoring import HIDDEN, score_response

FILE = Path(__file__).parent.parent / "questionnaires" / "readiness.yaml"
READINESS = load_questionnaire(FILE)
SOLE_OWNER = {"wrk_workers": 1}


def about_workers(question: Question) -> bool:
    """Whether a question is shown only to firms with people besides the owner."""
    return question.relevant is not None and "wrk_workers" in question.relevant.names


def without_questions_about_workers() -> Questionnaire:
    """The instrument as a sole owner's own would be: the questions about workers left out."""
    data = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    for pillar in data["pillars"]:
        for theme in pillar["themes"]:
            theme["questions"] = [
                q for q in theme["questions"] if "wrk_workers" not in q.get("relevant", "") or q["id"] == "wrk_workers"
            ]
        pillar["themes"] = [t for t in pillar["themes"] if any("options" in q or "bands" in q for q in t["questions"])]
    kept = {t["id"] for p in data["pillars"] for t in p["themes"]}
    for section in data["sections"]:
        section["themes"] = [t for t in section["themes"] if t in kept]
    data["sections"] = [s for s in data["sections"] if s["themes"]]
    return load_questionnaire_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "sole-owner.yaml")


# --------------------------------------------------------------------------- length


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_typical_path_takes_at_most_15_minutes(language):
    assert READINESS.estimated_minutes[language] <= 15


def test_it_asks_36_to_48_questions():
    asked = [q for q in READINESS.questions.values() if q.type != "note"]
    assert 36 <= len(asked) <= 48


def test_the_checker_has_no_warning():
    assert READINESS.warnings == ()


# --------------------------------------------------------------------------- a sole owner


def test_a_sole_owner_at_their_best_gets_100_on_every_theme_shown():
    answers = {q.id: best_value(q) for q in READINESS.questions.values()} | SOLE_OWNER
    scores = score_response(READINESS, answers)
    explained = scores.question_scores()
    assert {qid for qid, q in explained.items() if q.status == HIDDEN} >= {
        q.id for q in READINESS.questions.values() if about_workers(q) and q.scored
    }
    shown = {theme: score for theme, score in scores.dimensions().items() if score is not None}
    assert shown and set(shown.values()) == {100}
    # Cooperation, and hours and pay, are about workers only: no score, not a zero. Equality keeps
    # the question on children, who may help a sole owner too.
    assert scores.dimensions()["work_cooperation"] is None and scores.dimensions()["work_time_pay"] is None
    assert scores.dimensions()["work_equality"] == 100
    assert scores.dimensions()["work"] == 100


def test_a_careful_sole_owner_scores_as_if_only_their_questions_were_asked():
    answers = typical_answers(READINESS) | SOLE_OWNER
    own = without_questions_about_workers()
    assert not [q for q in own.questions.values() if about_workers(q)]
    assert len(own.questions) < len(READINESS.questions)
    asked = score_response(READINESS, answers).dimensions()
    theirs = score_response(own, answers).dimensions()
    assert {key: asked[key] for key in theirs} == theirs  # overall, every pillar, every theme they have
    assert {key: score for key, score in asked.items() if key not in theirs} == {
        "work_cooperation": None,
        "work_time_pay": None,
    }


# Questions that speak of staff yet are asked of everyone: the count itself and the closing free
# text on obstacles.
FOR_EVERYONE = {"wrk_workers", "wrk_obstacle"}


def test_every_question_that_speaks_of_staff_is_shown_only_to_firms_with_workers():
    about_staff = {
        q.id
        for q in READINESS.questions.values()
        if re.search(
            r"\b(staff|workers?|employees?)\b", f"{READINESS.text(q.label, 'en')} {READINESS.text(q.hint, 'en')}"
        )
    }
    assert about_staff - FOR_EVERYONE
    assert {qid for qid in about_staff - FOR_EVERYONE if not about_workers(READINESS.questions[qid])} == set()


def test_a_firm_with_workers_is_asked_about_them():
    scores = score_response(READINESS, typical_answers(READINESS) | {"wrk_workers": 2})
    assert scores.dimensions()["work_cooperation"] is not None and scores.dimensions()["work_equality"] is not None


# --------------------------------------------------------------------------- energy in Peru


def test_an_all_electric_shop_scores_higher_on_energy_than_a_firewood_bakery_with_the_same_practices():
    practices = typical_answers(READINESS)
    bakery = score_response(READINESS, practices | {"grn_fuels": "firewood"}).dimensions()
    shop = score_response(READINESS, practices | {"grn_fuels": "electricity"}).dimensions()
    assert shop["green_energy"] > bakery["green_energy"]
    # At their best in every other energy practice, the bakery still falls short.
    best = {q.id: best_value(q) for q in READINESS.questions.values()}
    assert score_response(READINESS, best | {"grn_fuels": "firewood"}).dimensions()["green_energy"] < 100


def test_firewood_never_earns_renewable_points():
    fuels = READINESS.questions["grn_fuels"]
    assert fuels.option_points["firewood"] == 0
    renewables = READINESS.questions["grn_own_renewables"]
    labels = " ".join(READINESS.text(o.label, lang).lower() for o in renewables.options for lang in ("es", "en"))
    assert not any(word in labels for word in ("leña", "firewood", "carbón", "charcoal", "biomas"))


def test_water_used_only_for_toilets_leaves_the_water_theme_unscored():
    scores = score_response(READINESS, typical_answers(READINESS) | {"grn_water_use": "minimal"})
    assert scores.dimensions()["green_water"] is None
    assert scores.dimensions()["green"] is not None


# --------------------------------------------------------------------------- the wording of answers


@pytest.mark.parametrize("question_id", ["dig_ai_use", "wrk_osh_supervisor", "wrk_harassment_rules"])
def test_factual_questions_have_anchored_answers_not_partly(question_id):
    question = READINESS.questions[question_id]
    assert question.type == "choice" and len(question.option_points) >= 3


def test_informal_pay_scores_nothing():
    pay = READINESS.questions["wrk_payroll"]
    assert pay.option_points["informal"] == 0 and pay.option_points["payroll"] == pay.max_points


# --------------------------------------------------------------------------- sources


def test_every_source_is_cited_and_every_key_cited_is_a_source():
    data = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    cited: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("source"), str):
                cited.add(node["source"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data["pillars"])
    assert set(data["sources"]) == cited
