"""How long an owner takes to fill in a questionnaire: the words read and the answers given on a path.

The pages an owner sees depend on the answers: a question whose condition is false is not shown,
and a section with nothing to show is skipped. So an estimate is for a path, the one a set of
answers takes. On it, the words counted are those the section pages show from the questionnaire:
each section's title, its themes' titles when it holds more than one, and for each question shown
its label, its hint and its options' labels and descriptions (a note's label and hint too); a
grid shows its options once, as the table's header, and the label of each row shown. The
app's own words (buttons, yes/partly/no, "does not apply", "required") are not counted: they are
the same on every page and soon no longer read. Each question answered adds SECONDS_PER_ANSWER, and
so does each row of a grid.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from .model import Option, Question, Questionnaire, Text
from .navigation import shown_sections
from .scoring import visible_answers

# Adults reading aloud read 184 words a minute on average over 17 languages, 218 in Spanish and
# 228 in English (the IReST study, Trauzettel-Klosinski and Dietz 2012: native speakers aged 18 to
# 35, print on paper); a meta-analysis of 190 studies puts silent reading of English non-fiction
# at 238 (Brysbaert 2019), and finds older readers and readers in a second language slower.
# Owners are older than those readers, read on a phone, and weigh each question before they
# answer it: 180 is below every one of those averages.
READING_WORDS_PER_MINUTE = 180
# Once a question is read: a tap on an option, or a number or a few words typed.
SECONDS_PER_ANSWER = 5
# Up to this many minutes the start page gives whole minutes; above it, steps of five.
WHOLE_MINUTES_UP_TO = 15

_WORD = re.compile(r"\w+(?:[-'’.]\w+)*")  # "e-mail", "N.º" and "2.5" are one word each
TYPICAL_TEXT = "…"  # a free-text question's answer on the typical path


class TimeEstimate(NamedTuple):
    """The words an owner reads and the questions they answer on one path."""

    words: int
    answers: int

    @property
    def minutes(self) -> float:
        """Return the minutes it takes to read the words and give the answers."""
        return self.words / READING_WORDS_PER_MINUTE + self.answers * SECONDS_PER_ANSWER / 60


def count_words(text: str) -> int:
    """Return the number of words in a text; numbers count as words, punctuation does not."""
    return len(_WORD.findall(text))


def path_time(questionnaire: Questionnaire, language: str, answers: Mapping[str, Any]) -> TimeEstimate:
    """Estimate the time to read the pages shown on the path these answers take, and to give them."""
    effective, hidden = visible_answers(questionnaire, answers)  # no answer of a hidden question
    asked = set(questionnaire.answer_keys)  # not notes; a grid's rows, each an answer
    given = [key for key, value in effective.items() if key in asked and (value == 0 or value)]
    return _time(questionnaire, language, hidden, len(given))


def typical_answers(questionnaire: Questionnaire) -> dict[str, Any]:
    """Return the answers of the typical path: every question answered in the middle of its scale.

    A choice takes its middle option and a checklist ticks its middle option, in the order written
    and leaving out options that say "does not apply" (and, in a checklist, "none of these"); of
    an even number, the first of the two middle ones. Yes/no questions answer "partly", numbers the
    middle of their bounds (a bound not given counts as the other, or 0 when neither is), texts a
    few words. Each row of a grid takes the grid's middle option, as a choice does.
    """
    answers: dict[str, Any] = {}
    for question in questionnaire.questions.values():
        if question.type == "choice":
            answers[question.id] = _middle(question, lambda o: not o.not_applicable)
        elif question.type == "checklist":
            answers[question.id] = (_middle(question, lambda o: not o.not_applicable and not o.exclusive),)
        elif question.type == "yesno":
            answers[question.id] = "partly"
        elif question.type == "number":
            bounds = [b for b in (question.min, question.max) if b is not None]
            answers[question.id] = sum(bounds) / len(bounds) if bounds else 0.0
        elif question.type == "text":
            answers[question.id] = TYPICAL_TEXT
        elif question.type == "grid":
            middle = _middle(question, lambda o: not o.not_applicable)
            answers.update(dict.fromkeys(question.answer_keys(), middle))
    return answers


def typical_time(questionnaire: Questionnaire, language: str) -> TimeEstimate:
    """Estimate the time on the typical path (see typical_answers)."""
    return path_time(questionnaire, language, typical_answers(questionnaire))


def time_range(questionnaire: Questionnaire, language: str) -> tuple[TimeEstimate, TimeEstimate]:
    """Return the time with no question that has a condition shown, and with every question shown.

    Every question shown is answered. No path on which each question shown is answered is shorter
    than the first or longer than the second, though the conditions may allow neither.
    """
    with_condition = {q.id for q in questionnaire.questions.values() if q.relevant is not None}
    # A grid's rows are hidden with it, and a row with a condition of its own on its own.
    with_condition |= {
        row.key for q in questionnaire.questions.values() for row in q.rows if q.relevant or row.relevant
    }
    asked = set(questionnaire.answer_keys)
    return (
        _time(questionnaire, language, with_condition, len(asked - with_condition)),
        _time(questionnaire, language, set(), len(asked)),
    )


def about_minutes(minutes: float) -> int:
    """Round an estimate for the start page: to the nearest minute up to 15, then to the nearest 5.

    Steps of five above a quarter of an hour, as people say it and as precise as such an estimate
    is: no figure shown is more than 15% off the estimate. A half rounds up.
    """
    minutes = round(minutes, 6)  # 14.500000001 and 14.499999999 are both 14.5
    if minutes < WHOLE_MINUTES_UP_TO + 0.5:
        return max(1, math.floor(minutes + 0.5))
    return 5 * math.floor(minutes / 5 + 0.5)


def _time(questionnaire: Questionnaire, language: str, hidden: set[str], answers: int) -> TimeEstimate:
    """Count the words of the section pages shown with these questions hidden, as owner/section.html lays them out."""

    def words(value: Text | None) -> int:
        return count_words(questionnaire.text(value, language))

    total = 0
    for index in shown_sections(questionnaire, hidden):
        section = questionnaire.sections[index]
        total += words(section.title)
        for theme in section.themes:
            if len(section.themes) > 1:  # a page of one theme shows only the section's title
                total += words(theme.title)
            total += sum(_question_words(q, words, hidden) for q in theme.questions if q.id not in hidden)
    return TimeEstimate(total, answers)


def _question_words(question: Question, words: Callable[[Text | None], int], hidden: set[str]) -> int:
    """Count the words a question shows: label, hint, options and their descriptions, a grid's rows shown."""
    return (
        words(question.label)
        + words(question.hint)
        + sum(words(o.label) + words(o.description) for o in question.options)
        + sum(words(row.label) for row in question.rows if row.key not in hidden)
    )


def _middle(question: Question, counts: Callable[[Option], bool]) -> str:
    """Return the value of the middle option among those counted (all, if none is)."""
    options = [o for o in question.options if counts(o)] or list(question.options)
    return options[(len(options) - 1) // 2].value
