"""Load questionnaire YAML files and check them into immutable objects.

Validation reports every problem of a file at once, each naming the file, the line and the
place in the file, and loads nothing of a file that has any problem. The format is described
in questionnaires/README.md.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

from .completion_time import typical_time
from .model import (
    EFFORTS,
    NOT_APPLICABLE,
    QUESTION_TYPES,
    SCORED_TYPES,
    YESNO_POINTS,
    Band,
    Level,
    Option,
    Pillar,
    Question,
    Questionnaire,
    Recommendation,
    Section,
    Text,
    Theme,
)
from .validation import build_questionnaire
from .yaml_source import ERRORS_FOR_FILE, Problem, parse_yaml, read_yaml

# The objects a questionnaire loads into are imported from here by the rest of the app.
__all__ = [
    "EFFORTS",
    "NOT_APPLICABLE",
    "QUESTION_TYPES",
    "SCORED_TYPES",
    "YESNO_POINTS",
    "Band",
    "Level",
    "Option",
    "Pillar",
    "Question",
    "Questionnaire",
    "QuestionnaireError",
    "Recommendation",
    "Section",
    "Text",
    "Theme",
    "load_folder",
    "load_questionnaire",
    "load_questionnaire_text",
]


class QuestionnaireError(Exception):
    """A questionnaire file that cannot be loaded, with every problem found in it."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Load and check one questionnaire file; raise QuestionnaireError listing every problem."""
    path = Path(path)
    text, data, problems = read_yaml(path)
    if data is not None and not problems:
        questionnaire, problems = build_questionnaire(data, path.name)
        if not problems:
            return _finished(questionnaire, text)
    raise QuestionnaireError(problems or [Problem(path.name, None, "", ERRORS_FOR_FILE)])


def load_questionnaire_text(text: str, name: str = "<text>") -> Questionnaire:
    """Load a questionnaire from its YAML source, as stored for a published version."""
    data, problems = parse_yaml(text, name)
    if not problems:
        questionnaire, problems = build_questionnaire(data, name)
        if not problems:
            return _finished(questionnaire, text)
    raise QuestionnaireError(problems)


def load_folder(folder: str | Path) -> dict[str, Questionnaire]:
    """Load every questionnaire in a folder by id; raise QuestionnaireError for any problem."""
    loaded: dict[str, Questionnaire] = {}
    problems: list[Problem] = []
    for path in sorted(Path(folder).glob("*.yaml")):
        try:
            questionnaire = load_questionnaire(path)
        except QuestionnaireError as error:
            problems.extend(error.problems)
            continue
        if questionnaire.id in loaded:
            problems.append(Problem(path.name, None, "id", f"id '{questionnaire.id}' is used by another file too"))
            continue
        loaded[questionnaire.id] = questionnaire
    if problems:
        raise QuestionnaireError(problems)
    return loaded


def load_archived(folder: str | Path, current: Questionnaire) -> Questionnaire | None:
    """Return the newest earlier version of a questionnaire kept in the folder's `archive/`, if any.

    The archive holds the files of versions published before, exactly as they were: the demo
    data answers them (baselines on an older version, follow-ups on the current one).
    """
    earlier = [load_questionnaire(path) for path in sorted((Path(folder) / "archive").glob("*.yaml"))]
    earlier = [q for q in earlier if q.id == current.id and q.version < current.version]
    return max(earlier, key=lambda q: q.version, default=None)


def _finished(questionnaire: Questionnaire, text: str) -> Questionnaire:
    """Attach the source text, its digest and the time an owner takes in each language."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    minutes = {language: typical_time(questionnaire, language).minutes for language in questionnaire.languages}
    return replace(questionnaire, source_text=text, digest=digest, estimated_minutes=MappingProxyType(minutes))
