"""The answer rules: what a posted section means, and whether a response can be submitted.

The web layer reads the raw values of a form (strings, lists of strings, a "does not apply"
box) and hands them here; this module decides what is stored and what is refused: options not
offered, exclusive options ticked with others, numbers that are not numbers or out of bounds,
missing required answers, answers that a condition hides, and what a checklist sent with nothing
ticked means. A grid's rows are read one by one, each like a choice among the grid's options and
under its own key ("practices.backups"); a required grid wants every row it shows answered.
Refusals are returned as `Refusal` values naming the question and the rule, for the caller to put
in words. Limits on the size of what a form may send (text length) are the form's.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, NamedTuple

from .model import NOT_APPLICABLE, YESNO_POINTS, Question, Questionnaire, Section
from .scoring import Scores, hidden_questions, score_response, visible_answers

# Why an answer is refused.
NOT_OFFERED = "not_offered"  # a value that is none of the question's options; `detail` is that value
EXCLUSIVE = "exclusive"  # an exclusive option was ticked with others; `detail` is that option's value
NOT_A_NUMBER = "not_a_number"
OUT_OF_BOUNDS = "out_of_bounds"
REQUIRED = "required"


class Refusal(NamedTuple):
    """One answer that cannot be stored, and why.

    `question_id` is a grid row's key when the row's answer is refused; a required grid missing
    rows is refused under the grid's id, `detail` then the keys of the rows without an answer.
    """

    question_id: str
    rule: str
    detail: str | tuple[str, ...] | None = None


class RawAnswer(NamedTuple):
    """What a form sent for one question: its value, a number's "does not apply" box, and whether it was shown.

    A checklist with nothing ticked sends nothing, like one that was not on the page at all; the
    page sends a mark with each checklist whose empty selection means "none of these" (`shown`).
    """

    value: Any  # a string, a list of strings (checklists), or None when nothing was sent
    not_applicable: bool = False
    shown: bool = False  # the page the form came from showed this question


class Submission(NamedTuple):
    """What submitting a response would lock: its scores, hidden questions and missing answers."""

    scores: Scores
    hidden: frozenset[str]
    missing: frozenset[str]


def parse_number(raw: str) -> float | None:
    """Read a number typed with a decimal point or a decimal comma."""
    cleaned = raw.strip().replace(" ", "")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def is_offered(question: Question, value: str) -> bool:
    """Whether an owner may choose this value for a choice, yes/no or checklist question."""
    if value == NOT_APPLICABLE and question.allow_not_applicable:
        return True
    if question.type == "yesno":
        return value in YESNO_POINTS
    return question.option(value) is not None


def read_answer(question: Question, raw: RawAnswer) -> tuple[Any, Refusal | None]:
    """Return the value to store for one question (None: no answer), or why it is refused."""
    value = raw.value or None
    if question.type in ("choice", "yesno", "checklist") and value:
        ticked = [value] if isinstance(value, str) else list(value)
        unknown = next((v for v in ticked if not is_offered(question, v)), None)
        if unknown is not None:
            return None, Refusal(question.id, NOT_OFFERED, str(unknown))
    if question.type == "checklist" and not value:
        # Nothing ticked on a page that showed the checklist: "none of these", when it says so.
        return (() if raw.shown and question.empty_is_none else None), None
    if question.type == "checklist":
        exclusive = [v for v in ticked if v == NOT_APPLICABLE or (question.option(v) and question.option(v).exclusive)]
        refusal = Refusal(question.id, EXCLUSIVE, exclusive[0]) if exclusive and len(ticked) > 1 else None
        # Stored in the questionnaire's order, whatever order the browser sent.
        chosen = tuple(o.value for o in question.options if o.value in ticked)
        if not chosen:
            return (NOT_APPLICABLE if NOT_APPLICABLE in ticked else None), refusal
        return chosen, refusal
    if question.type == "number":
        if question.allow_not_applicable and raw.not_applicable:
            return NOT_APPLICABLE, None
        if value is None:
            return None, None
        number = parse_number(str(value))
        if number is None:
            return None, Refusal(question.id, NOT_A_NUMBER)
        low, high = question.min, question.max
        if (low is not None and number < low) or (high is not None and number > high):
            return None, Refusal(question.id, OUT_OF_BOUNDS)
        return (int(number) if number.is_integer() else number), None
    if question.type == "text" and value is not None:
        return (str(value).strip() or None), None
    return value, None


def read_row(question: Question, key: str, raw: RawAnswer) -> tuple[Any, Refusal | None]:
    """Return the value to store for the row of a grid under `key` (None: no answer), or why it is refused."""
    value = raw.value or None
    if value is not None and (not isinstance(value, str) or question.option(value) is None):
        return None, Refusal(key, NOT_OFFERED, str(value))
    return value, None


def read_section(
    questionnaire: Questionnaire,
    section: Section,
    raw: Mapping[str, RawAnswer],
    stored: Mapping[str, Any],
    require: bool = True,
) -> tuple[dict[str, Any], list[Refusal]]:
    """Return a section's answers to store (None clears one) and the refusals, if any.

    Answers to questions that the new answers hide are cleared. With require=False (the owner
    going back a page), required answers may still be missing.
    """
    posted: dict[str, Any] = {}
    refusals: list[Refusal] = []
    for question in section.questions:
        if question.type == "note":
            continue
        for key in question.answer_keys():
            answer = raw.get(key, RawAnswer(None))
            value, refusal = read_row(question, key, answer) if question.rows else read_answer(question, answer)
            posted[key] = value
            if refusal is not None:
                refusals.append(refusal)
    refused = {r.question_id for r in refusals}
    hidden = hidden_questions(questionnaire, {**stored, **posted})
    for question in section.questions:
        if question.rows:
            for key in question.answer_keys():
                if key in hidden:
                    posted[key] = None
            missing = tuple(k for k in question.answer_keys() if k not in hidden | refused and posted[k] is None)
            if require and question.required and question.id not in hidden and missing:
                refusals.append(Refusal(question.id, REQUIRED, missing))
        elif question.id in hidden:
            posted[question.id] = None
        elif require and question.required and posted.get(question.id) is None and question.id not in refused:
            refusals.append(Refusal(question.id, REQUIRED))
    return posted, refusals


def prepare_submission(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> Submission:
    """Score a response and name the required questions, shown, that still have no answer."""
    effective, hidden = visible_answers(questionnaire, answers)
    missing = {
        key
        for q in questionnaire.questions.values()
        if q.required and q.id not in hidden and q.type != "note"
        for key in q.answer_keys()
        if key not in hidden and effective.get(key) is None
    }
    # A grid with a row missing is missing too: the review names it, and the row.
    missing |= {questionnaire.grid_rows[key][0].id for key in missing if key in questionnaire.grid_rows}
    return Submission(score_response(questionnaire, answers), frozenset(hidden), frozenset(missing))


def still_fits(question: Question, value: Any) -> bool:
    """Whether an answer given on another version of the questionnaire is a valid answer to this question.

    A follow-up starts from the previous answers, and a new version may have changed a question
    kept under its id: an option removed, a bound moved, a type changed. An answer that no longer
    fits is left for the owner to give again rather than stored half right.
    """
    if question.type == "note":
        return False
    if value == NOT_APPLICABLE:
        return question.allow_not_applicable or (question.type in ("choice", "grid") and is_offered(question, value))
    if question.type in ("choice", "yesno", "grid"):  # a grid's answer is one of its rows'
        return isinstance(value, str) and is_offered(question, value)
    if question.type == "checklist":
        if not isinstance(value, tuple) or not all(isinstance(v, str) for v in value):
            return False
        if not value:
            return question.empty_is_none
        exclusive = [v for v in value if question.option(v) is not None and question.option(v).exclusive]
        return all(question.option(v) is not None for v in value) and (not exclusive or len(value) == 1)
    if question.type == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        return not (question.min is not None and value < question.min) and not (
            question.max is not None and value > question.max
        )
    return question.type == "text" and isinstance(value, str)


def carried_answers(questionnaire: Questionnaire, previous: Mapping[str, Any]) -> dict[str, Any]:
    """Return the answers of an earlier assessment that a follow-up on this questionnaire starts from.

    Kept: the answers to questions this version still has under the same id (a grid's rows under
    the same key), where the answer still fits the question (see `still_fits`). Answers to
    questions hidden by a condition are kept too; the pages clear them as usual if they stay hidden.
    """
    return {
        qid: value
        for qid, value in previous.items()
        if (question := _question_of(questionnaire, qid)) is not None and still_fits(question, value)
    }


def _question_of(questionnaire: Questionnaire, key: str) -> Question | None:
    """Return the question an answer is stored for: by its id, or a grid by the key of one of its rows."""
    if key in questionnaire.grid_rows:
        return questionnaire.grid_rows[key][0]
    question = questionnaire.questions.get(key)
    return None if question is None or question.rows else question
