"""Choose and order the actions a firm should take, from its answers and scores.

The order: the most serious gaps first (a legal duty or people's safety before a risk to the
business, before an improvement), then what the score stands to gain (weight x gap), then the
lowest effort. A grid's recommendation looks at one row: its answer and points, and the share of
the grid's weight the row carries. An action that presupposes a practice (its `after`) never comes before an action
that builds that practice: when both apply, the builder is brought forward to just before it.

A theme's or a pillar's recommendation applies when its score is below the threshold; it ranks as
one question of weight 1 in that theme (or pillar) would: its gap is how far the score is below
the threshold, out of 100, times the theme's (or pillar's) weight.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from .model import EFFORTS, SEVERITIES, GridRow, Question, Questionnaire, Recommendation
from .scoring import SCORED, Scores, question_points, visible_answers

EFFORT_RANK = {effort: rank for rank, effort in enumerate(EFFORTS)}
SEVERITY_RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}
START_HERE = 5  # actions that open the plan
START_HERE_MOST = 7  # ... or more when further legal or safety gaps would be cut off


class Action(NamedTuple):
    """One recommended action, with why it is recommended and why it ranks where it does."""

    recommendation: Recommendation
    question: Question | None  # None for a theme's or a pillar's recommendation
    priority: float  # weight x gap: how much the score stands to gain
    gap: float  # share of the question's points not yet reached, or of 100 below a threshold, 0-1
    answer: Any  # the answer that triggered it
    missing: tuple[str, ...] = ()  # for a checklist: the options not ticked that triggered it
    waits_for: tuple[str, ...] = ()  # ids of the actions in the plan that must come first
    score: float | None = None  # for a theme's or a pillar's recommendation: the score below its threshold
    row: GridRow | None = None  # in a grid, the row whose answer triggered it


def applies(recommendation: Recommendation, value: Any, points: float) -> bool:
    """Whether a recommendation fits an answer that gave these points."""
    if recommendation.trigger == "points_at_most":
        return points <= recommendation.points
    if recommendation.trigger == "selected":
        return value in recommendation.values
    return bool(_not_ticked(recommendation, value))


def _not_ticked(recommendation: Recommendation, value: Any) -> tuple[str, ...]:
    ticked = set(value) if isinstance(value, (tuple, list, frozenset)) else set()
    return tuple(sorted(recommendation.values - ticked))


def _ranking(action: Action, order: int) -> tuple:
    recommendation = action.recommendation
    return (SEVERITY_RANK[recommendation.severity], -action.priority, EFFORT_RANK[recommendation.effort], order)


def action_plan(questionnaire: Questionnaire, answers: Mapping[str, Any], scores: Scores) -> list[Action]:
    """Return the actions that apply, in the order the firm should take them (see the module)."""
    actions = [*_level_actions(questionnaire, scores), *_question_actions(questionnaire, answers, scores)]
    # Ties keep the file's order: a pillar's recommendations, then each theme's and its questions'.
    order = {r.id: i for i, r in enumerate(questionnaire.recommendations)}
    found = {a.recommendation.id: (_ranking(a, order[a.recommendation.id]), a) for a in actions}
    plan: list[Action] = []
    placed: set[str] = set()

    def place(rid: str) -> None:
        # The loader refuses circles in `after`, so this recursion ends.
        action = found[rid][1]
        before = sorted((name for name in action.recommendation.after if name in found), key=lambda n: found[n][0])
        for name in before:
            if name not in placed:
                place(name)
        placed.add(rid)
        plan.append(action._replace(waits_for=tuple(before)))

    for rid in sorted(found, key=lambda rid: found[rid][0]):
        if rid not in placed:
            place(rid)
    return plan


def _question_actions(questionnaire: Questionnaire, answers: Mapping[str, Any], scores: Scores) -> list[Action]:
    """Return the actions the answers call for, each with the gap of its question."""
    effective, _ = visible_answers(questionnaire, answers)
    explained = scores.question_scores()
    themes = {theme.id: theme for theme in questionnaire.themes}
    found = []
    for question in questionnaire.questions.values():
        result = explained.get(question.id)
        if result is None or result.status != SCORED:
            continue
        weight = question.weight * themes[question.theme_id].weight
        for recommendation, value, points, share, row in _answers_looked_at(question, effective, result.points):
            # A checklist capped below the sum of its options reaches its full points without every
            # practice: the improvements left out are then noise, but a missing machine guard is not.
            if points >= question.max_points and recommendation.severity != SEVERITIES[0]:
                continue
            if applies(recommendation, value, points):
                gap = (question.max_points - points) / question.max_points
                missing = _not_ticked(recommendation, value) if recommendation.trigger == "not_selected" else ()
                found.append(
                    Action(recommendation, question, round(weight * share * gap, 6), gap, value, missing, row=row)
                )
    return found


def _answers_looked_at(question: Question, effective: Mapping[str, Any], points: float) -> list[tuple]:
    """Return each recommendation of a scored question with the answer it reads, its points, and the share of
    the question's weight they carry: the question's own answer, or in a grid the answer of its row."""
    if not question.rows:
        value = effective.get(question.id)
        return [(recommendation, value, points, 1.0, None) for recommendation in question.recommendations]
    counted = {r.id: r for r in question.rows if question_points(question, effective.get(r.key)) is not None}
    total = sum(r.weight for r in counted.values())
    found = []
    for recommendation in question.recommendations:
        row = counted.get(recommendation.row)
        if row is not None:  # a row hidden, unanswered or not applicable calls for nothing
            value = effective[row.key]
            found.append((recommendation, value, question_points(question, value), row.weight / total, row))
    return found


def _level_actions(questionnaire: Questionnaire, scores: Scores) -> list[Action]:
    """Return the actions of the themes and pillars scoring below their thresholds; no score, no action."""
    scored = scores.dimensions()
    found = []
    for dimension in [*questionnaire.pillars, *questionnaire.themes]:
        score = scored.get(dimension.id)
        if score is None:
            continue
        for recommendation in dimension.recommendations:
            if score < recommendation.score_below:
                gap = (recommendation.score_below - score) / 100
                found.append(Action(recommendation, None, round(dimension.weight * gap, 6), gap, None, score=score))
    return found


def start_here(plan: list[Action]) -> list[Action]:
    """Return the actions that open the plan: the first five, and any legal or safety gap up to seven.

    An action that a legal or safety one waits for counts as one: it comes just before it.
    """
    critical = SEVERITIES[0]
    needed: set[str] = set()
    for action in reversed(plan):
        if action.recommendation.severity == critical or action.recommendation.id in needed:
            needed.update(action.waits_for)
    first = plan[:START_HERE]
    for action in plan[START_HERE:START_HERE_MOST]:
        if action.recommendation.severity != critical and action.recommendation.id not in needed:
            break
        first.append(action)
    return first
