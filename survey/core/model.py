"""The immutable objects a questionnaire file is loaded into."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType

from .expressions import Condition
from .yaml_source import Problem

NOT_APPLICABLE = "na"
# How exports write a checklist answered with nothing ticked when that means "none of these".
EMPTY_SELECTION = "none_ticked"
QUESTION_TYPES = ("choice", "checklist", "yesno", "number", "grid", "text", "note")
SCORED_TYPES = ("choice", "checklist", "yesno", "number", "grid")
YESNO_POINTS = MappingProxyType({"yes": 2.0, "partly": 1.0, "no": 0.0})
EFFORTS = ("low", "medium", "high")
# How serious the gap an action closes is, most serious first: a legal duty or a risk to people's
# health and safety not met; a serious risk to the business; an improvement.
SEVERITIES = ("critical", "high", "normal")
# What a checklist with nothing ticked means: no answer (left out of scores), or "none of these"
# (an answer worth 0 points). The first is the default.
EMPTY_MEANINGS = ("unanswered", "none")

Text = Mapping[str, str]


@dataclass(frozen=True)
class Option:
    value: str
    label: Text
    description: Text | None
    score: float | None
    not_applicable: bool
    exclusive: bool


@dataclass(frozen=True)
class Band:
    min: float
    score: float


@dataclass(frozen=True)
class Level:
    id: str
    name: Text
    description: Text | None
    min: float
    max: float


@dataclass(frozen=True)
class Recommendation:
    """An action a question's answer, or a theme's or pillar's score, calls for."""

    id: str
    question_id: str | None  # None for a theme's or a pillar's recommendation
    trigger: str  # "points_at_most", "selected" or "not_selected"; "score_below" for a theme or pillar
    points: float | None
    values: frozenset[str]
    action: Text
    effort: str
    source: Text
    severity: str = "normal"
    after: tuple[str, ...] = ()  # recommendations that build the practice this one presupposes
    theme_id: str | None = None  # the theme it belongs to (a question's theme); None for a pillar's
    pillar_id: str = ""  # the pillar it belongs to
    score_below: float | None = None  # the threshold of a theme's or pillar's recommendation, 0-100
    row: str | None = None  # in a grid, the id of the row whose answer it looks at

    @property
    def attached_to(self) -> str:
        """Name what the recommendation is written under, as the format reference does: "theme energy"."""
        if self.question_id is not None:
            return f"question {self.question_id}"
        return f"theme {self.theme_id}" if self.theme_id is not None else f"pillar {self.pillar_id}"


@dataclass(frozen=True)
class GridRow:
    """One row of a grid question, answered like a choice among the grid's options."""

    id: str
    key: str  # "<grid id>.<row id>": the row's answer is stored, and named in conditions, under it
    label: Text
    weight: float
    relevant: Condition | None


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    label: Text
    hint: Text | None
    required: bool
    required_message: Text | None
    relevant: Condition | None
    source: Text | None
    weight: float
    options: tuple[Option, ...]
    option_points: Mapping[str, float]  # value -> points, for the options that score
    not_applicable_values: frozenset[str]  # answers that take the question out of the score
    allow_not_applicable: bool
    min: float | None
    max: float | None
    bounds_message: Text | None
    unit: str | None
    bands: tuple[Band, ...]
    max_score: float | None  # the cap of a checklist's points as written
    max_points: float  # the most points an answer can give; 0 when not scored
    recommendations: tuple[Recommendation, ...]
    theme_id: str
    pillar_id: str
    empty_means: str = EMPTY_MEANINGS[0]  # what a checklist with nothing ticked means
    rows: tuple[GridRow, ...] = ()  # a grid's rows; each holds an answer, the grid itself none

    @property
    def scored(self) -> bool:
        """Whether answers to this question count in scores."""
        return self.max_points > 0

    @property
    def empty_is_none(self) -> bool:
        """Whether a checklist sent with nothing ticked is answered "none of these"."""
        return self.empty_means == "none"

    def row(self, row_id: str) -> GridRow | None:
        """Return the grid row with this id, if any."""
        for row in self.rows:
            if row.id == row_id:
                return row
        return None

    def answer_keys(self) -> tuple[str, ...]:
        """Return the keys the answers to this question are stored under: a grid's row keys, else its id."""
        return tuple(row.key for row in self.rows) if self.type == "grid" else (self.id,)

    def option(self, value: str) -> Option | None:
        """Return the option with this value, if any."""
        for option in self.options:
            if option.value == value:
                return option
        return None


@dataclass(frozen=True)
class Theme:
    id: str
    title: Text
    description: Text | None
    weight: float
    questions: tuple[Question, ...]
    pillar_id: str
    recommendations: tuple[Recommendation, ...] = ()  # called for by the theme's score


@dataclass(frozen=True)
class Pillar:
    id: str
    title: Text
    description: Text | None
    weight: float
    levels: tuple[Level, ...]
    themes: tuple[Theme, ...]
    recommendations: tuple[Recommendation, ...] = ()  # called for by the pillar's score

    def every_recommendation(self) -> list[Recommendation]:
        """Return the pillar's recommendations, then each theme's and its questions', in file order."""
        found = list(self.recommendations)
        for theme in self.themes:
            found += theme.recommendations
            found += [r for question in theme.questions for r in question.recommendations]
        return found


@dataclass(frozen=True)
class Section:
    id: str
    title: Text
    themes: tuple[Theme, ...]

    @cached_property  # read several times a request; worked out once per loaded questionnaire
    def questions(self) -> tuple[Question, ...]:
        """Return the section's questions in page order."""
        return tuple(q for theme in self.themes for q in theme.questions)


@dataclass(frozen=True)
class Questionnaire:
    id: str
    version: int
    title: Text
    description: Text | None
    languages: tuple[str, ...]
    default_language: str
    written_minutes: int | None  # `estimated_minutes` as older files give it; shown nowhere
    levels: tuple[Level, ...]
    pillars: tuple[Pillar, ...]
    sections: tuple[Section, ...]
    questions: Mapping[str, Question]
    evaluation_order: tuple[Question, ...]  # every condition's questions come before it
    source_text: str
    digest: str
    # Minutes an owner takes on the typical path, per language (completion_time.typical_time),
    # worked out once when the file is loaded.
    estimated_minutes: Mapping[str, float]
    warnings: tuple[Problem, ...]  # what the checker advises that does not stop the file loading

    @cached_property  # read on every request that stores or shows answers
    def grid_rows(self) -> Mapping[str, tuple[Question, GridRow]]:
        """Return every grid row by its answer key ("practices.backups"), with its grid."""
        return MappingProxyType({row.key: (q, row) for q in self.questions.values() for row in q.rows})

    @cached_property
    def answer_keys(self) -> tuple[str, ...]:
        """Return every key an answer may be stored under: question ids, and grid rows' keys for grids."""
        return tuple(key for q in self.questions.values() if q.type != "note" for key in q.answer_keys())

    @property
    def themes(self) -> tuple[Theme, ...]:
        """Return every theme, pillar by pillar."""
        return tuple(theme for pillar in self.pillars for theme in pillar.themes)

    @cached_property  # read by every action plan; worked out once per loaded questionnaire
    def recommendations(self) -> tuple[Recommendation, ...]:
        """Return every recommendation, pillar by pillar (see Pillar.every_recommendation)."""
        return tuple(r for pillar in self.pillars for r in pillar.every_recommendation())

    def language_for(self, requested: str) -> str:
        """Return the requested language if this questionnaire is written in it, else its default."""
        return requested if requested in self.languages else self.default_language

    def text(self, value: Text | None, language: str) -> str:
        """Return a text in a language, falling back to the default language."""
        if not value:
            return ""
        return value.get(language) or value[self.default_language]
