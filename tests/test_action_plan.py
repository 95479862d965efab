"""The action plan: the most serious gaps first, a practice built before what presupposes it, and why.

Worked examples on a small questionnaire written here, then on the readiness instrument as a
trainer would check it: a workshop without machine guards, a firm without backups.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from survey.core.benchmarks import compare
from survey.core.model import Questionnaire
from survey.core.questionnaire import QuestionnaireError, load_questionnaire, load_questionnaire_text
from survey.core.recommendations import action_plan, start_here
from survey.core.scoring import score_response
from survey.reports.results import build_results

READINESS = load_questionnaire(Path(__file__).resolve().parent.parent / "questionnaires" / "readiness.yaml")

# Four yes/no questions of weight 1 unless said; "no" gives 0 of 2 points, a gap of 1.
SMALL = """
id: small
version: 1
languages: [en]
default_language: en
title: {en: Small}
sources:
  law: {en: "The labour law"}
levels:
  - {id: low, name: {en: Low}, min: 0, max: 50}
  - {id: high, name: {en: High}, min: 50, max: 100}
pillars:
  - id: p
    title: {en: P}
    themes:
      - id: t
        title: {en: T}
        questions:
          - id: records
            type: yesno
            weight: 3
            label: {en: Records?}
            source: "A guide"
            recommendations:
              - {id: rec_records, if_points_at_most: 1, effort: low, source: "A guide", action: {en: Keep records}}
          - id: guards
            type: yesno
            label: {en: Guards?}
            source: law
            recommendations:
              - id: rec_guards
                if_points_at_most: 1
                effort: medium
                severity: critical
                source: law
                action: {en: Fit guards}
          - id: backup
            type: yesno
            label: {en: Backup?}
            source: "A guide"
            recommendations:
              - {id: rec_backup, if_points_at_most: 1, effort: low, source: "A guide", action: {en: Start backups}}
          - id: restore
            type: yesno
            weight: 4
            label: {en: Restore tested?}
            source: "A guide"
            recommendations:
              - {id: rec_restore, if_points_at_most: 1, effort: low, after: [rec_backup], source: "A guide",
                 action: {en: Test a restore}}
"""


def changed(text: str, old: str, new: str, count: int = -1) -> str:
    """Replace a part of a questionnaire that must be there: a test must not pass on an unchanged file."""
    assert old in text, old
    return text.replace(old, new, count)


def load(text: str) -> Questionnaire:
    return load_questionnaire_text(textwrap.dedent(text), "small.yaml")


def plan_of(questionnaire: Questionnaire, answers: dict[str, Any]) -> list[str]:
    return [a.recommendation.id for a in action_plan(questionnaire, answers, score_response(questionnaire, answers))]


def test_legal_and_safety_gaps_come_before_larger_score_gains() -> None:
    small = load(SMALL)
    # records has three times the weight of guards, but guards is a legal duty not met.
    plan = plan_of(small, {"records": "no", "guards": "no"})
    assert plan == ["rec_guards", "rec_records"]


def test_a_serious_business_risk_comes_between_duties_and_improvements() -> None:
    small = load(
        changed(SMALL, "id: rec_backup, if_points_at_most: 1,", "id: rec_backup, if_points_at_most: 1, severity: high,")
    )
    plan = plan_of(small, {"records": "no", "guards": "no", "backup": "no"})
    assert plan == ["rec_guards", "rec_backup", "rec_records"]


def test_an_action_never_comes_before_the_one_that_builds_its_practice() -> None:
    small = load(SMALL)
    # Testing a restore (weight 4) would rank first of the improvements, but needs backups first:
    # starting backups is brought forward to just before it.
    answers = {"records": "no", "backup": "no", "restore": "no"}
    assert plan_of(small, answers) == ["rec_backup", "rec_restore", "rec_records"]
    actions = action_plan(small, answers, score_response(small, answers))
    assert actions[1].waits_for == ("rec_backup",)
    # With backups in place, testing them waits for nothing.
    answers = {"records": "no", "backup": "yes", "restore": "no"}
    assert plan_of(small, answers) == ["rec_restore", "rec_records"]
    assert action_plan(small, answers, score_response(small, answers))[0].waits_for == ()


def test_each_action_carries_the_answer_that_triggered_it() -> None:
    actions = action_plan(READINESS, {"wrk_osh_measures": ["fire", "ppe"]}, score_response(READINESS, {}))
    assert actions == []  # scores say nothing was scored: nothing to act on
    answers = {"wrk_osh_measures": ["fire", "first_aid", "ppe"], "dig_backup": "none"}
    actions = {a.recommendation.id: a for a in action_plan(READINESS, answers, score_response(READINESS, answers))}
    assert actions["rec_wrk_osh_guards"].missing == ("guards",)
    assert actions["rec_dig_backup_now"].answer == "none"


def with_duties(text: str, names: list[str]) -> str:
    """Add a yes/no question per name, whose "no" is a legal duty not met, before the others."""
    questions = "".join(
        f"""
          - id: {name}
            type: yesno
            label: {{en: {name}?}}
            source: law
            recommendations:
              - {{id: rec_{name}, if_points_at_most: 1, effort: low, severity: critical, source: law,
                 action: {{en: Do {name}}}}}"""
        for name in names
    )
    return changed(text, "        questions:\n", "        questions:" + questions + "\n", 1)


def test_start_here_is_five_actions_or_up_to_seven_when_duties_follow() -> None:
    duties = [f"d{i}" for i in range(9)]
    many = load(with_duties(SMALL, duties))
    every_no = {name: "no" for name in duties} | {"records": "no"}
    plan = action_plan(many, every_no, score_response(many, every_no))
    assert len(plan) == 10  # nine duties and records
    assert [a.recommendation.severity for a in start_here(plan)] == ["critical"] * 7
    one_duty = {"d0": "no", "records": "no", "backup": "no", "restore": "no", "guards": "yes"}
    plan = action_plan(many, one_duty, score_response(many, one_duty))
    assert [a.recommendation.id for a in start_here(plan)] == ["rec_d0", "rec_backup", "rec_restore", "rec_records"]


def test_start_here_keeps_a_legal_duty_with_the_action_it_needs_first() -> None:
    text = with_duties(SMALL, [f"d{i}" for i in range(5)])
    text = changed(
        text,
        "                severity: critical\n",
        "                severity: critical\n                after: [rec_backup]\n",
    )
    many = load(text)
    answers = {f"d{i}": "no" for i in range(5)} | {"guards": "no", "backup": "no", "records": "yes"}
    plan = action_plan(many, answers, score_response(many, answers))
    # Guards (a duty) needs backups first (an improvement): both open the plan.
    ids = [a.recommendation.id for a in start_here(plan)]
    assert ids == [f"rec_d{i}" for i in range(5)] + ["rec_backup", "rec_guards"]


# --------------------------------------------------------------------------- the readiness instrument


def typical_answers(questionnaire: Questionnaire) -> dict[str, Any]:
    """A firm half-way on everything: the middle option, every box ticked, yes or partly."""
    answers: dict[str, Any] = {}
    for question in questionnaire.questions.values():
        scored = [o for o in question.options if o.score is not None and not o.exclusive]
        if question.type == "choice":
            answers[question.id] = scored[len(scored) // 2].value
        elif question.type == "checklist":
            answers[question.id] = [o.value for o in scored]
        elif question.type == "yesno":
            answers[question.id] = "partly"
        elif question.type == "number" and question.bands:
            answers[question.id] = question.bands[len(question.bands) // 2].min
    return answers


def test_a_workshop_without_machine_guards_starts_with_them() -> None:
    answers = typical_answers(READINESS)
    answers["wrk_osh_measures"] = [v for v in answers["wrk_osh_measures"] if v != "guards"]
    plan = action_plan(READINESS, answers, score_response(READINESS, answers))
    ids = [a.recommendation.id for a in plan]
    assert len(plan) > 20
    assert "rec_wrk_osh_guards" in [a.recommendation.id for a in start_here(plan)]
    # Before any record keeping; only legal or safety duties come first, with what they build on.
    assert ids.index("rec_wrk_osh_guards") < ids.index("rec_dig_records_software")
    ahead = plan[: ids.index("rec_wrk_osh_guards")]
    needed = {name for action in ahead for name in action.waits_for}
    assert all(a.recommendation.severity == "critical" or a.recommendation.id in needed for a in ahead)


def test_a_firm_without_backups_is_told_to_start_them_before_testing_them() -> None:
    answers = typical_answers(READINESS) | {"dig_backup": "none"}
    plan = action_plan(READINESS, answers, score_response(READINESS, answers))
    ids = [a.recommendation.id for a in plan]
    assert ids.index("rec_dig_backup_now") < ids.index("rec_dig_backup_test")
    assert plan[ids.index("rec_dig_backup_test")].waits_for == ("rec_dig_backup_now",)


def test_no_action_of_the_instrument_comes_before_what_it_presupposes() -> None:
    answers = typical_answers(READINESS)
    lowest = {q.id: ([] if q.type == "checklist" else "no") for q in READINESS.questions.values()}
    for question in READINESS.questions.values():
        if question.type == "choice":
            lowest[question.id] = question.options[0].value
    for case in (answers, lowest):
        plan = action_plan(READINESS, case, score_response(READINESS, case))
        position = {a.recommendation.id: i for i, a in enumerate(plan)}
        for action in plan:
            for before in action.recommendation.after:
                assert position.get(before, -1) < position[action.recommendation.id], action.recommendation.id


def test_the_results_group_every_action_by_pillar_and_theme_and_say_why() -> None:
    answers = typical_answers(READINESS)
    answers["wrk_osh_measures"] = [v for v in answers["wrk_osh_measures"] if v != "guards"]
    scores = score_response(READINESS, answers)
    report = build_results(
        READINESS,
        scores,
        answers,
        compare({}, {}, [("all", {})], 5),
        {"firm_name": "Taller", "sector": "wood_furniture", "size": "micro"},
        "es",
    )
    grouped = [a for pillar in report["action_groups"] for theme in pillar["themes"] for a in theme["actions"]]
    assert sorted(a["rank"] for a in grouped) == list(range(1, len(report["actions"]) + 1))
    assert [p["id"] for p in report["action_groups"]] == [p.id for p in READINESS.pillars]
    guards = next(a for a in report["actions"] if a["id"] == "rec_wrk_osh_guards")
    assert guards["start_here"] and guards["severity_label"] == "Seguridad u obligación legal"
    assert guards["why"] == "Sin marcar: Resguardos en máquinas que cortan o atrapan"
    # The source in the page's language.
    assert guards["source"].startswith("Programa WISE de la OIT")
    assert 5 <= len(report["top_actions"]) <= 7


# --------------------------------------------------------------------------- the format


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("after: [rec_backup]", None),
        ("after: [rec_nothing]", "question restore, recommendation rec_restore: 'after' names 'rec_nothing'"),
        ("after: [rec_restore]", "'after' forms a circle: rec_restore -> rec_restore"),
        ("after: rec_backup", "'after' must list recommendation ids"),
        (
            "after: [rec_backpu]",
            "'after' names 'rec_backpu', which is no recommendation's id (did you mean 'rec_backup'?)",
        ),
        ("after: [rec_backup, rec_backup]", "'after' names 'rec_backup' twice"),
        ("after: [guards_1]", "'after' names 'guards_1', which is no recommendation's id"),
    ],
)
def test_after_must_name_recommendations_without_a_circle(change: str, message: str | None) -> None:
    text = changed(SMALL, "after: [rec_backup]", change)
    if message is None:
        assert load(text).questions["restore"].recommendations[0].after == ("rec_backup",)
        return
    with pytest.raises(QuestionnaireError) as error:
        load(text)
    assert message in str(error.value)


def test_a_circle_through_two_actions_is_refused() -> None:
    text = changed(
        SMALL, "id: rec_backup, if_points_at_most: 1,", "id: rec_backup, if_points_at_most: 1, after: [rec_restore],"
    )
    with pytest.raises(QuestionnaireError) as error:
        load(text)
    assert "'after' forms a circle" in str(error.value)


def test_an_after_naming_an_id_the_loader_made_up_is_refused() -> None:
    text = changed(SMALL, "- {id: rec_records, if_points_at_most", "- {if_points_at_most")
    text = changed(text, "after: [rec_backup]", "after: [records_1]")
    with pytest.raises(QuestionnaireError) as error:
        load(text)
    assert "'after' names 'records_1', an id made up by the loader: give it an 'id'" in str(error.value)


def test_recommendation_ids_are_unique_across_questions() -> None:
    with pytest.raises(QuestionnaireError) as error:
        load(changed(SMALL, "{id: rec_records,", "{id: rec_backup,"))
    assert "question backup: recommendation id 'rec_backup' is also used in question records" in str(error.value)
    # An id the loader makes up (question id + number) clashes with a written one as well.
    with pytest.raises(QuestionnaireError) as error:
        load(
            changed(SMALL, "- {id: rec_records, if_points_at_most", "- {if_points_at_most")
            .replace("id: rec_restore,", "id: records_1,")
            .replace("after: [rec_backup]", "after: []")
        )
    assert "recommendation id 'records_1' is also used in question records" in str(error.value)


def test_severity_must_be_known() -> None:
    with pytest.raises(QuestionnaireError) as error:
        load(changed(SMALL, "severity: critical", "severity: urgent"))
    assert "severity 'urgent' must be one of critical, high, normal" in str(error.value)


def test_sources_are_named_by_key_per_language_or_as_one_text() -> None:
    bilingual = (
        changed(SMALL, "languages: [en]", "languages: [en, es]")
        .replace('law: {en: "The labour law"}', 'law: {en: "The labour law", es: "La ley laboral"}')
        .replace("{en: ", "{es: x, en: ")
        .replace('{es: x, en: "The labour law", es: "La ley laboral"}', '{en: "The labour law", es: "La ley laboral"}')
    )
    small = load(bilingual)
    assert dict(small.questions["guards"].source) == {"en": "The labour law", "es": "La ley laboral"}
    assert dict(small.questions["records"].source) == {"en": "A guide", "es": "A guide"}
    with pytest.raises(QuestionnaireError) as error:
        load(changed(SMALL, 'law: {en: "The labour law"}', "law: {en: }"))
    assert "sources.law" in str(error.value)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("lwa", "question guards: 'source' names 'lwa', which is not in the file's `sources` (did you mean 'law'?)"),
        ("~", "question guards: 'source' is empty"),
        ('""', "question guards: 'source' is empty"),
    ],
)
def test_a_source_that_is_no_text_and_no_key_is_refused(source: str, message: str) -> None:
    with pytest.raises(QuestionnaireError) as error:
        load(changed(SMALL, "            source: law\n", f"            source: {source}\n", 1))
    assert message in str(error.value)
    assert len(str(error.value).splitlines()) == 1, str(error.value)  # one cause, one message


def test_every_source_of_the_instrument_is_in_spanish_on_spanish_pages() -> None:
    sources = [q.source for q in READINESS.questions.values() if q.source]
    sources += [r.source for q in READINESS.questions.values() for r in q.recommendations]
    assert sources
    for source in sources:
        assert source["es"] != source["en"], source["en"]
