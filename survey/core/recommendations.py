"""Choose and rank the actions a firm should take, from its answers and scores."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from .model import EFFORTS, Question, Questionnaire, Recommendation
from .scoring import SCORED, Scores, visible_answers

EFFORT_RANK = {effort: rank for rank, effort in enumerate(EFFORTS)}


class Action(NamedTuple):
    """One recommended action, with why it ranks where it does."""

    recommendation: Recommendation
    question: Question
    priority: float  # weight x gap: how much the score stands to gain
    gap: float  # share of the question's points not yet reached, 0-1


def applies(recommendation: Recommendation, value: Any, points: float) -> bool:
    """Whether a recommendation fits an answer that gave these points."""
    if recommendation.trigger == "points_at_most":
        return points <= recommendation.points
    if recommendation.trigger == "selected":
        return value in recommendation.values
    ticked = set(value) if isinstance(value, (tuple, list, frozenset)) else set()
    return not recommendation.values <= ticked


def action_plan(questionnaire: Questionnaire, answers: Mapping[str, Any], scores: Scores) -> list[Action]:
    """Return the actions that apply, most valuable first: weight x gap, then lowest effort."""
    effective, _ = visible_answers(questionnaire, answers)
    explained = scores.question_scores()
    themes = {theme.id: theme for theme in questionnaire.themes}
    ranked = []
    for order, question in enumerate(questionnaire.questions.values()):
        result = explained.get(question.id)
        if result is None or result.status != SCORED or result.points >= result.max_points:
            continue
        gap = (result.max_points - result.points) / result.max_points
        priority = question.weight * themes[question.theme_id].weight * gap
        for recommendation in question.recommendations:
            if applies(recommendation, effective.get(question.id), result.points):
                ranked.append((order, Action(recommendation, question, round(priority, 6), gap)))
    ranked.sort(key=lambda item: (-item[1].priority, EFFORT_RANK[item[1].recommendation.effort], item[0]))
    return [action for _, action in ranked]
