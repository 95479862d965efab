"""What an export holds, column by column: the codebook of a questionnaire version and its answer cells.

Pure functions: the data layer gives the rows, the writers (reports/export.py) lay them out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .model import EMPTY_SELECTION, NOT_APPLICABLE, Question, Questionnaire

# The firm and assessment columns that come before the answers, in order.
PROFILE_COLUMNS = (
    "assessment_id",
    "firm_id",
    "firm",
    "sector",
    "size",
    "region",
    "programme",
    "period",
    "questionnaire",
    "version",
    "started",
    "submitted",
    "entered_on_behalf",
)


def answered_questions(questionnaire: Questionnaire) -> list[Question]:
    """Return the questions that take an answer (not notes), in the questionnaire's order."""
    return [q for section in questionnaire.sections for q in section.questions if q.type != "note"]


def answer_columns(questionnaire: Questionnaire) -> list[tuple[Question, str]]:
    """Return each answer column with its question: a question's id, or one column per grid row ("grid.row")."""
    return [(q, key) for q in answered_questions(questionnaire) for key in q.answer_keys()]


def score_columns(questionnaire: Questionnaire) -> list[str]:
    """Return the score and level columns: overall, then each pillar and its themes; declared, then verified."""
    dimensions = ["overall"]
    for pillar in questionnaire.pillars:
        dimensions += [pillar.id] + [theme.id for theme in pillar.themes]
    levels = ["level_overall"] + [f"level_{pillar.id}" for pillar in questionnaire.pillars]
    return [f"score_{d}" for d in dimensions] + levels + [f"verified_{d}" for d in dimensions]


def columns(questionnaire: Questionnaire) -> list[str]:
    """Return every column of an export of assessments on this questionnaire version."""
    return [*PROFILE_COLUMNS, *(key for _, key in answer_columns(questionnaire)), *score_columns(questionnaire)]


def answer_cell(question: Question, value: Any) -> str | float | None:
    """Return an answer as a cell: an option's value (a grid row's too), a checklist's values joined by ';', a
    number, or 'na'.

    A checklist with nothing ticked is 'none_ticked' where that means "none of these", else no answer.
    """
    if value is None:
        return None
    if value == NOT_APPLICABLE:
        return NOT_APPLICABLE
    if isinstance(value, (tuple, list)):
        if not value:
            return EMPTY_SELECTION if question.empty_is_none else None
        return ";".join(value)
    return value


def codebook(questionnaire: Questionnaire, empty_selection: Callable[[str], str]) -> list[dict[str, Any]]:
    """Return one row per question and one per option: ids, texts in every language, points, weights.

    A checklist whose empty selection means "none of these" has one more row, for 'none_ticked',
    described in each language by `empty_selection(language)`. Unscored questions have no points
    and no weight. A grid has a row of its own (its weight in the theme), then each of its rows,
    named as its column ("grid.row"), with its weight in the grid's mean and the grid's options.
    """
    found = []
    languages = questionnaire.languages
    for question in answered_questions(questionnaire):
        label = {lang: questionnaire.text(question.label, lang) for lang in languages}
        weight = question.weight if question.scored else None
        found.append(_row(question, question.type, "", label, question.max_points or None, weight))
        for key, texts, row_weight in _answer_rows(questionnaire, question):
            if key != question.id:
                found.append(_row(question, "row", "", texts, question.max_points or None, row_weight, key))
            for option in question.options:
                label = {lang: questionnaire.text(option.label, lang) for lang in languages}
                points = question.option_points.get(option.value)
                found.append(_row(question, "option", option.value, label, points, key=key))
        if question.empty_is_none:
            label = {lang: empty_selection(lang) for lang in languages}
            found.append(_row(question, "option", EMPTY_SELECTION, label, 0.0 if question.scored else None))
    return found


def _answer_rows(questionnaire: Questionnaire, question: Question) -> list[tuple[str, dict[str, str], float | None]]:
    """Return the columns of a question's answers: its own id, or each grid row's key with its label and weight."""
    if not question.rows:
        return [(question.id, {}, None)]
    return [
        (
            row.key,
            {lang: questionnaire.text(row.label, lang) for lang in questionnaire.languages},
            row.weight if question.scored else None,
        )
        for row in question.rows
    ]


def _row(
    question: Question,
    kind: str,
    value: str,
    texts: dict[str, str],
    points: float | None,
    weight: float | None = None,
    key: str | None = None,
) -> dict[str, Any]:
    """Return one codebook row: a question (kind is its type), a grid's row (kind "row", `key` its column)
    or one of their answers (kind "option")."""
    return {
        "question_id": key or question.id,
        "pillar": question.pillar_id,
        "theme": question.theme_id,
        "type": kind,
        "value": value,
        **{f"text_{lang}": text for lang, text in texts.items()},
        "points": points,
        "weight": weight,
    }


def codebook_columns(questionnaire: Questionnaire) -> list[str]:
    """Return the codebook's columns, one text column per language."""
    texts = [f"text_{lang}" for lang in questionnaire.languages]
    return ["question_id", "pillar", "theme", "type", "value", *texts, "points", "weight"]


def export_row(questionnaire: Questionnaire, record: dict[str, Any]) -> list[Any]:
    """Return one assessment as a row of `columns(questionnaire)`.

    `record` holds the profile columns, "answers" by question id, and "scores" and "verified"
    (Scores.to_dict() form, verified None when not checked).
    """
    answers = record["answers"]
    row = [record[name] for name in PROFILE_COLUMNS]
    row += [answer_cell(q, answers.get(key)) for q, key in answer_columns(questionnaire)]
    declared, verified = _dimensions(record["scores"]), _dimensions(record["verified"])
    names = score_columns(questionnaire)
    for name in names:
        kind, _, key = name.partition("_")
        if kind == "score":
            row.append(declared.get(key))
        elif kind == "level":
            row.append(_level(record["scores"], key))
        else:
            row.append(verified.get(key))
    return row


def _dimensions(scores: dict | None) -> dict[str, float | None]:
    if not scores:
        return {}
    found = {"overall": scores["overall"]}
    for pillar in scores["pillars"]:
        found[pillar["pillar_id"]] = pillar["score"]
        for theme in pillar["themes"]:
            found[theme["theme_id"]] = theme["score"]
    return found


def _level(scores: dict | None, key: str) -> str | None:
    if not scores:
        return None
    if key == "overall":
        return scores["overall_level_id"]
    return next((p["level_id"] for p in scores["pillars"] if p["pillar_id"] == key), None)
