"""Turn a set of answers into theme, pillar and overall scores, with their explanations.

Pure functions: no Flask, no database. Answers map question ids to values: a choice is its
option value, a checklist a tuple of option values, yes/partly/no the strings "yes", "partly"
and "no", a number an int or float, and "na" (or a not-applicable option) means the question
does not apply to the firm. A checklist with nothing ticked, (), is "none of these" (0 points)
when the question says `empty_means: none`, and no answer otherwise. A grid holds no answer
itself: each of its rows is answered like a choice, under the key "<grid id>.<row id>", and the
grid counts in its theme as one question worth the weighted mean of its rows (grid_points).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any, NamedTuple

from .model import YESNO_POINTS, Level, Question, Questionnaire

SCORED = "scored"
NOT_APPLICABLE = "not_applicable"
HIDDEN = "hidden"
UNANSWERED = "unanswered"


class QuestionScore(NamedTuple):
    """The points one answer gave, out of how many, or why it does not count."""

    question_id: str
    status: str
    points: float
    max_points: float


class ThemeScore(NamedTuple):
    theme_id: str
    score: float | None
    questions: tuple[QuestionScore, ...]


class PillarScore(NamedTuple):
    pillar_id: str
    score: float | None
    level_id: str | None
    themes: tuple[ThemeScore, ...]


class Scores(NamedTuple):
    """Every score of one response, on the questionnaire version it was answered on."""

    questionnaire_id: str
    version: int
    overall: float | None
    overall_level_id: str | None
    pillars: tuple[PillarScore, ...]

    def dimensions(self) -> dict[str, float | None]:
        """Return the score of the overall index, every pillar and every theme, by id."""
        found = {"overall": self.overall}
        for pillar in self.pillars:
            found[pillar.pillar_id] = pillar.score
            for theme in pillar.themes:
                found[theme.theme_id] = theme.score
        return found

    def question_scores(self) -> dict[str, QuestionScore]:
        """Return the explanation of every scored question, by id."""
        return {q.question_id: q for p in self.pillars for t in p.themes for q in t.questions}

    def to_dict(self) -> dict[str, Any]:
        """Return the scores as plain data, for storing as JSON."""
        return {
            "questionnaire_id": self.questionnaire_id,
            "version": self.version,
            "overall": self.overall,
            "overall_level_id": self.overall_level_id,
            "pillars": [
                {
                    "pillar_id": p.pillar_id,
                    "score": p.score,
                    "level_id": p.level_id,
                    "themes": [
                        {"theme_id": t.theme_id, "score": t.score, "questions": [list(q) for q in t.questions]}
                        for t in p.themes
                    ],
                }
                for p in self.pillars
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], questions: bool = True) -> Scores:
        """Rebuild scores stored with to_dict; `questions` False leaves out each question's explanation (faster)."""
        pillars = tuple(
            PillarScore(
                p["pillar_id"],
                p["score"],
                p["level_id"],
                tuple(
                    ThemeScore(
                        t["theme_id"], t["score"], tuple(QuestionScore(*q) for q in t["questions"]) if questions else ()
                    )
                    for t in p["themes"]
                ),
            )
            for p in data["pillars"]
        )
        return cls(data["questionnaire_id"], data["version"], data["overall"], data["overall_level_id"], pillars)


def visible_answers(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> tuple[dict, set[str]]:
    """Return the answers that count, without those of hidden questions, and the hidden ids."""
    effective: dict[str, Any] = {}
    hidden: set[str] = set()
    # Conditions see only answers of questions that are shown: a question hidden by a hidden
    # question is hidden too. evaluation_order puts every condition's questions first.
    for question in questionnaire.evaluation_order:
        condition = question.relevant
        if condition is not None and not condition.evaluate(effective):
            hidden.add(question.id)
            hidden.update(row.key for row in question.rows)
            continue
        if question.rows:
            _visible_rows(question, answers, effective, hidden)
            continue
        value = answers.get(question.id)
        if value is None or (not value and value.__class__ in _SELECTIONS and not question.empty_is_none):
            continue
        effective[question.id] = value
    return effective, hidden


def _visible_rows(question: Question, answers: Mapping[str, Any], effective: dict, hidden: set[str]) -> None:
    """Add a shown grid's rows to the answers that count, or to the hidden; a grid with every row hidden is hidden."""
    shown = False
    for row in question.rows:
        # A row's condition may read the rows above it, already in `effective`.
        if row.relevant is not None and not row.relevant.evaluate(effective):
            hidden.add(row.key)
            continue
        shown = True
        value = answers.get(row.key)
        if value is not None:
            effective[row.key] = value
    if not shown:
        hidden.add(question.id)


def grid_points(question: Question, effective: Mapping[str, Any]) -> tuple[str, float]:
    """Return how a grid counts, and its points: the weighted mean of its rows' points, 0 to its max_points.

    Rows hidden, unanswered, or answered with a not-applicable option leave the mean; a grid
    with no row left is not applicable when a row said so, else unanswered.
    """
    total = weights = 0.0
    not_applicable = False
    for row in question.rows:
        value = effective.get(row.key)
        if value is None:
            continue
        if value in question.not_applicable_values:
            not_applicable = True
            continue
        points = question_points(question, value)
        if points is not None:
            total += row.weight * points
            weights += row.weight
    if weights:
        return SCORED, total / weights
    return (NOT_APPLICABLE if not_applicable else UNANSWERED), 0.0


def hidden_questions(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> set[str]:
    """Return the ids of the questions that conditions hide, given the answers."""
    return visible_answers(questionnaire, answers)[1]


def is_not_applicable(question: Question, value: Any) -> bool:
    """Whether an answer says the question does not apply to the firm."""
    if isinstance(value, (tuple, list, frozenset)):
        return any(v in question.not_applicable_values for v in value)
    return isinstance(value, str) and value in question.not_applicable_values


def question_points(question: Question, value: Any) -> float | None:
    """Return the points an applicable answer gives, or None for an answer that gives none.

    A grid's answers are its rows', each given like a choice's.
    """
    kind = question.type
    if kind in ("choice", "grid"):
        return question.option_points.get(value) if isinstance(value, str) else None
    if kind == "yesno":
        return YESNO_POINTS.get(value) if isinstance(value, str) else None
    if kind == "checklist":
        if not isinstance(value, (tuple, list, frozenset)):
            return None
        points = question.option_points
        return min(sum(points.get(v, 0.0) for v in value), question.max_points)
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not question.bands:
            return None
        found = None
        for band in question.bands:
            if value < band.min:
                break
            found = band.score
        return found
    return None


def level_for(levels: tuple[Level, ...], score: float | None) -> Level | None:
    """Return the maturity level a score falls in."""
    if score is None or not levels:
        return None
    for level in levels:
        if level.min <= score < level.max:
            return level
    return levels[-1] if score >= levels[-1].max else levels[0]


def score_response(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> Scores:
    """Score a response: points per question, themes and pillars 0-100, overall index, levels."""
    effective, hidden = visible_answers(questionnaire, answers)
    pillar_scores = []
    pillar_total = pillar_weights = 0.0
    for pillar, themes in _plan(questionnaire):
        theme_scores = []
        theme_total = theme_weights = 0.0
        for theme, questions in themes:
            explained = []
            got = possible = 0.0
            for question, qid, most, weight, not_applicable, lookup in questions:
                if qid in hidden:
                    explained.append(_explain((qid, HIDDEN, 0.0, most)))
                    continue
                value = effective.get(qid)
                if value is None:
                    status, points = grid_points(question, effective) if question.rows else (UNANSWERED, 0.0)
                    explained.append(_explain((qid, status, points, most)))
                    if status == SCORED:
                        got += weight * points / most
                        possible += weight
                    continue
                if value.__class__ is str:
                    if value in not_applicable:
                        explained.append(_explain((qid, NOT_APPLICABLE, 0.0, most)))
                        continue
                    # Choices and yes/no: one look-up; other kinds go through question_points.
                    points = lookup.get(value) if lookup is not None else question_points(question, value)
                elif is_not_applicable(question, value):
                    explained.append(_explain((qid, NOT_APPLICABLE, 0.0, most)))
                    continue
                else:
                    points = question_points(question, value)
                if points is None:
                    explained.append(_explain((qid, UNANSWERED, 0.0, most)))
                    continue
                explained.append(_explain((qid, SCORED, points, most)))
                got += weight * points / most
                possible += weight
            score = round(100.0 * got / possible, 4) if possible else None
            theme_scores.append(ThemeScore(theme.id, score, tuple(explained)))
            if score is not None:
                theme_total += theme.weight * score
                theme_weights += theme.weight
        score = round(theme_total / theme_weights, 4) if theme_weights else None
        level = level_for(pillar.levels, score)
        pillar_scores.append(PillarScore(pillar.id, score, level and level.id, tuple(theme_scores)))
        if score is not None:
            pillar_total += pillar.weight * score
            pillar_weights += pillar.weight
    overall = round(pillar_total / pillar_weights, 4) if pillar_weights else None
    overall_level = level_for(questionnaire.levels, overall)
    return Scores(
        questionnaire.id, questionnaire.version, overall, overall_level and overall_level.id, tuple(pillar_scores)
    )


_SELECTIONS = (tuple, list)  # the kinds of a checklist's answer
_plans: dict[int, tuple[Questionnaire, tuple]] = {}
# Builds a QuestionScore from a tuple without NamedTuple's Python-level __new__: scoring makes
# one per question of every response.
_explain = partial(tuple.__new__, QuestionScore)


def _lookup(question: Question) -> Mapping[str, float] | None:
    """Return the points of each text answer, for the kinds scored by one look-up."""
    if question.type == "choice":
        return question.option_points
    if question.type == "yesno":
        return YESNO_POINTS
    return None


def _plan(questionnaire: Questionnaire) -> tuple:
    """Return the scored questions of each theme as flat tuples, worked out once per questionnaire."""
    # Keyed by id() with the questionnaire kept alongside, so the id cannot be reused by another.
    cached = _plans.get(id(questionnaire))
    if cached is not None and cached[0] is questionnaire:
        return cached[1]
    plan = tuple(
        (
            pillar,
            tuple(
                (
                    theme,
                    tuple(
                        (q, q.id, q.max_points, q.weight, q.not_applicable_values, _lookup(q))
                        for q in theme.questions
                        if q.max_points
                    ),
                )
                for theme in pillar.themes
            ),
        )
        for pillar in questionnaire.pillars
    )
    _plans[id(questionnaire)] = (questionnaire, plan)
    return plan
