"""Check the data read from a questionnaire file and build the immutable questionnaire.

The checks of single values live in data_reader.py, those of questions in question_checks.py
and of recommendations (a question's, a theme's, a pillar's) in recommendation_checks.py; this
module checks the document around them: languages, levels, pillars, themes, sections, and the
conditions between questions.
Problems stop a file loading; warnings (advice the author may take or leave) are kept in the
loaded questionnaire.
"""

from __future__ import annotations

import difflib
import re
from types import MappingProxyType
from typing import Any

from .model import Level, Pillar, Question, Questionnaire, Section, Theme
from .ordering import dependencies_first
from .question_checks import QuestionChecks
from .yaml_source import Problem

LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")

TOP_KEYS = {"id", "version", "languages", "default_language", "title", "description"}
TOP_KEYS |= {"estimated_minutes", "levels", "pillars", "sections", "sources"}
PILLAR_KEYS = {"id", "title", "description", "weight", "levels", "themes", "recommendations"}
THEME_KEYS = {"id", "title", "description", "weight", "questions", "recommendations"}
SECTION_KEYS = {"id", "title", "themes"}
LEVEL_KEYS = {"id", "name", "description", "min", "max"}


def build_questionnaire(data: dict, name: str) -> tuple[Questionnaire | None, list[Problem]]:
    """Check questionnaire data; return the questionnaire, or None and every problem found."""
    checker = _Checker(name)
    questionnaire = checker.questionnaire(data)
    return (None if checker.problems else questionnaire), checker.problems


class _Checker(QuestionChecks):
    """Walks the data of one file, collecting problems instead of stopping at the first."""

    def questionnaire(self, data: dict) -> Questionnaire | None:
        where = "questionnaire"
        self.mapping(data, where, TOP_KEYS, {"id", "version", "languages", "default_language", "title", "pillars"})
        qid = self.identifier(data, "id", data.get("id"))
        version = data.get("version")
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            self.problem(data, "version", f"must be a whole number of 1 or more, not {version!r}")
            version = 0
        self.languages = self._languages(data)
        default_language = data.get("default_language")
        if default_language not in self.languages:
            self.problem(data, "default_language", f"{default_language!r} is not one of the languages")
        minutes = data.get("estimated_minutes")
        if minutes is not None and (isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 1):
            self.problem(data, "estimated_minutes", "must be a whole number of minutes")
            minutes = None
        title = self.text(data, "title", where, required=True)
        description = self.text(data, "description", where)
        self.sources = self._sources(data)
        levels = self.levels(data, "levels") if "levels" in data else ()
        pillars = tuple(
            self.pillar(node, f"pillars[{i}]", levels) for i, node in enumerate(self.listing(data, "pillars", where))
        )
        pillars = tuple(p for p in pillars if p is not None)
        self._unique_dimension_ids(pillars)
        questions = {q.id: q for p in pillars for t in p.themes for q in t.questions}
        order = self.evaluation_order(questions)
        self.prerequisites(r for pillar in pillars for r in pillar.every_recommendation())
        sections = self.sections(data, pillars)
        if self.problems:
            return None
        return Questionnaire(
            id=qid,
            version=version,
            title=title,
            description=description,
            languages=self.languages,
            default_language=default_language,
            written_minutes=minutes,
            levels=levels,
            pillars=pillars,
            sections=sections,
            questions=MappingProxyType(questions),
            evaluation_order=order,
            source_text="",
            digest="",
            estimated_minutes=MappingProxyType({}),
            warnings=tuple(self.warnings),
        )

    def _sources(self, data: dict) -> dict:
        """Read the `sources` catalogue: a key per cited work, with its name in each language."""
        catalogue = data.get("sources")
        if catalogue is None:
            return {}
        if not isinstance(catalogue, dict) or not catalogue:
            self.problem(data, "sources", "must map keys to texts per language, e.g. iso_14001: {es: ..., en: ...}")
            return {}
        sources = {}
        for key in catalogue:
            if self.identifier(catalogue, "sources", key) == key:
                sources[key] = self.text(catalogue, key, f"sources.{key}", required=True)
        return {key: text for key, text in sources.items() if text}

    def _languages(self, data: dict) -> tuple[str, ...]:
        languages = data.get("languages")
        if not isinstance(languages, list) or not languages:
            self.problem(data, "languages", "must be a list of language codes, e.g. [es, en]")
            return ()
        good = []
        for code in languages:
            if not isinstance(code, str) or not LANGUAGE_PATTERN.match(code):
                self.problem(data, "languages", f"{code!r} is not a language code such as 'es'")
            elif code in good:
                self.problem(data, "languages", f"'{code}' is listed twice")
            else:
                good.append(code)
        return tuple(good)

    def levels(self, node: dict, where: str) -> tuple[Level, ...]:
        levels = []
        for i, item in enumerate(self.listing(node, "levels", where)):
            place = f"{where}[{i}]"
            if not self.mapping(item, place, LEVEL_KEYS, {"id", "name", "min", "max"}):
                continue
            low = self.number(item, "min", place)
            high = self.number(item, "max", place)
            if low is None or high is None:
                continue
            if low >= high:
                self.problem(item, place, f"min {low:g} must be below max {high:g}")
            levels.append(
                Level(
                    id=self.identifier(item, place, item.get("id")),
                    name=self.text(item, "name", place, True),
                    description=self.text(item, "description", place),
                    min=low,
                    max=high,
                )
            )
        if levels:
            if levels[0].min != 0:
                self.problem(node, where, f"the first level must start at 0, not {levels[0].min:g}")
            if levels[-1].max != 100:
                self.problem(node, where, f"the last level must end at 100, not {levels[-1].max:g}")
            for before, after in zip(levels, levels[1:]):
                if after.min < before.max:
                    self.problem(
                        node,
                        where,
                        f"levels '{before.id}' and '{after.id}' overlap "
                        f"({before.min:g}-{before.max:g} and {after.min:g}-{after.max:g})",
                    )
                elif after.min > before.max:
                    self.problem(
                        node,
                        where,
                        f"gap between levels '{before.id}' and '{after.id}' "
                        f"(nothing covers {before.max:g} to {after.min:g})",
                    )
        return tuple(levels)

    def pillar(self, node: Any, where: str, default_levels: tuple[Level, ...]) -> Pillar | None:
        if not self.mapping(node, where, PILLAR_KEYS, {"id", "title", "themes"}):
            return None
        pid = self.identifier(node, where, node.get("id"))
        where = f"pillar {pid}"
        levels = self.levels(node, f"{where}.levels") if "levels" in node else default_levels
        if not levels and "levels" not in node:
            self.problem(node, where, "has no maturity levels: give 'levels' here or at the top")
        themes = tuple(
            self.theme(item, f"{where}.themes[{i}]", pid) for i, item in enumerate(self.listing(node, "themes", where))
        )
        return Pillar(
            id=pid,
            title=self.text(node, "title", where, True),
            description=self.text(node, "description", where),
            weight=self.number(node, "weight", where, 1.0, positive=True),
            levels=levels,
            themes=tuple(t for t in themes if t is not None),
            recommendations=self.level_recommendations(node, where, None, pid),
        )

    def theme(self, node: Any, where: str, pillar_id: str) -> Theme | None:
        if not self.mapping(node, where, THEME_KEYS, {"id", "title", "questions"}):
            return None
        tid = self.identifier(node, where, node.get("id"))
        where = f"theme {tid}"
        reported = len(self.problems)
        questions = tuple(
            self.question(item, f"{where}.questions[{i}]", tid, pillar_id)
            for i, item in enumerate(self.listing(node, "questions", where))
        )
        questions = tuple(q for q in questions if q is not None)
        # Said only when no question of the theme had a problem already: that problem is the cause.
        if questions and not any(q.scored for q in questions) and len(self.problems) == reported:
            self.problem(node, where, "has no scored question, so it cannot be scored")
        return Theme(
            id=tid,
            title=self.text(node, "title", where, True),
            description=self.text(node, "description", where),
            weight=self.number(node, "weight", where, 1.0, positive=True),
            questions=questions,
            pillar_id=pillar_id,
            recommendations=self.level_recommendations(node, where, tid, pillar_id),
        )

    def evaluation_order(self, questions: dict[str, Question]) -> tuple[Question, ...]:
        """Order questions so that each condition's questions come first; report cycles.

        A condition naming a grid's row (practices.backups) depends on the grid. A row's condition
        may name the rows above it in its own grid: rows are evaluated in the order written.
        """
        for key, (condition, where, node) in self.conditions.items():
            for name in sorted(condition.names):
                message = self._reference(name, key, questions)
                if message:
                    self.problem(node, f"{where}, relevant", message)

        def circle(path: list[str]) -> None:
            where, node = self._condition_place(questions[path[0]], path[1])
            self.problem(node, f"{where}, relevant", "conditions form a circle: " + " -> ".join(path))

        def depends_on(qid: str) -> list[str]:
            names = set(self.conditions[qid][0].names) if qid in self.conditions else set()
            for row in questions[qid].rows:
                if row.key in self.conditions:
                    # The rows above a row are read before it, within the grid: no dependence on the grid.
                    names |= {n for n in self.conditions[row.key][0].names if not n.startswith(qid + ".")}
            return sorted({name.partition(".")[0] for name in names} & questions.keys())

        return tuple(questions[qid] for qid in dependencies_first(questions, depends_on, circle))

    def _reference(self, name: str, key: str, questions: dict[str, Question]) -> str | None:
        """Say what is wrong with a name in the condition kept under `key` (a question id or a row key), if anything."""
        qid, dot, row_id = name.partition(".")
        if qid not in questions:
            return None if qid in self.question_lines else f"refers to unknown question '{qid}'"
        question = questions[qid]
        if question.type == "note":
            return f"refers to '{qid}', a note that has no answer"
        if not dot and question.type == "grid":
            example = f"{qid}.{question.rows[0].id}" if question.rows else f"{qid}.row"
            return f"refers to grid '{qid}' as a whole: name one of its rows, e.g. {example}"
        if dot and question.type != "grid":
            return f"refers to '{name}', but '{qid}' is a {question.type} question, which has no rows"
        if dot and question.row(row_id) is None:
            hint = difflib.get_close_matches(row_id, [r.id for r in question.rows], n=1)
            also = f" (did you mean '{qid}.{hint[0]}'?)" if hint else ""
            return f"refers to row '{row_id}' of grid '{qid}', which has no such row{also}"
        if dot and "." in key and key.partition(".")[0] == qid:
            keys = [row.key for row in question.rows]
            if keys.index(name) >= keys.index(key):
                return f"refers to row '{row_id}' of its own grid: a row's condition may name only the rows above it"
        return None

    def _condition_place(self, question: Question, other: str) -> tuple[str, Any]:
        """Return where the condition of a question that names `other` is written: its own, or one of its rows'."""
        for key in [question.id, *(row.key for row in question.rows)]:
            if key in self.conditions:
                condition, where, node = self.conditions[key]
                if any(name.partition(".")[0] == other for name in condition.names):
                    return where, node
        return f"question {question.id}", None

    def sections(self, data: dict, pillars: tuple[Pillar, ...]) -> tuple[Section, ...]:
        themes = {t.id: t for p in pillars for t in p.themes}
        if "sections" not in data:
            return tuple(Section(id=t.id, title=t.title, themes=(t,)) for t in themes.values())
        sections, placed = [], {}
        for i, item in enumerate(self.listing(data, "sections", "questionnaire")):
            place = f"sections[{i}]"
            if not self.mapping(item, place, SECTION_KEYS, SECTION_KEYS):
                continue
            sid = self.identifier(item, place, item.get("id"))
            members = []
            for tid in item.get("themes") or []:
                if tid not in themes:
                    self.problem(item, place, f"theme '{tid}' does not exist")
                elif tid in placed:
                    self.problem(item, place, f"theme '{tid}' is already in section '{placed[tid]}'")
                else:
                    placed[tid] = sid
                    members.append(themes[tid])
            sections.append(Section(id=sid, title=self.text(item, "title", place, True), themes=tuple(members)))
        for tid in themes:
            if tid not in placed:
                self.problem(data, "sections", f"theme '{tid}' is in no section")
        return tuple(sections)

    def _unique_dimension_ids(self, pillars: tuple[Pillar, ...]) -> None:
        seen: set[str] = set()
        for dimension in [p for p in pillars] + [t for p in pillars for t in p.themes]:
            if dimension.id in seen:
                self.problem(None, "pillars", f"id '{dimension.id}' is used by more than one pillar or theme")
            seen.add(dimension.id)
