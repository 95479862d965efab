"""Which sections and questions an owner sees, and where each button leads."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .model import Questionnaire, Section
from .scoring import hidden_questions


def shown_sections(questionnaire: Questionnaire, hidden: set[str]) -> list[int]:
    """Return the indexes of the sections that have a question to show."""
    return [i for i, s in enumerate(questionnaire.sections) if any(q.id not in hidden for q in s.questions)]


def shown_questions(section: Section, hidden: set[str]) -> set[str]:
    """Return the ids of a section's questions to show, and the keys of the grid rows to show.

    A question (or a grid's row) whose condition depends on an answer on the same page is shown
    even while its condition is false, so that the page works without JavaScript; its answer is
    cleared on saving if the condition stays false.
    """
    same_page = {key for q in section.questions for key in q.answer_keys()}
    shown = {
        q.id
        for q in section.questions
        if q.id not in hidden or (q.relevant is not None and q.relevant.names & same_page)
    }
    for question in section.questions:
        # A grid whose rows are all hidden is hidden too; its own condition, if any, still holds then.
        grid_may_show = question.id in shown or question.relevant is None
        for row in question.rows:
            if row.key not in hidden and question.id in shown:
                shown.add(row.key)
            elif grid_may_show and row.relevant is not None and row.relevant.names & same_page:
                shown.update((row.key, question.id))
            elif question.id in shown and question.relevant is not None and question.relevant.names & same_page:
                shown.add(row.key)
    return shown


def position(questionnaire: Questionnaire, index: int, hidden: set[str]) -> tuple[int, int]:
    """Return the section's place among the sections shown, counted from 1, and how many are shown."""
    shown = shown_sections(questionnaire, hidden)
    return (shown.index(index) + 1 if index in shown else index + 1), len(shown)


def next_section(questionnaire: Questionnaire, index: int, answers: Mapping[str, Any], going_back: bool) -> int | None:
    """Return the index of the section a button leads to, or None past either end."""
    shown = shown_sections(questionnaire, hidden_questions(questionnaire, answers))
    if going_back:
        return max([i for i in shown if i < index], default=None)
    return min([i for i in shown if i > index], default=None)
