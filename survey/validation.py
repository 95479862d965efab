"""Check the data read from a questionnaire file and build the immutable questionnaire."""

from __future__ import annotations

import difflib
import math
import re
from types import MappingProxyType
from typing import Any

from .expressions import Condition, ExpressionError, parse_condition
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
from .yaml_source import Problem

ID_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
RESERVED_IDS = {"and", "or", "not", "true", "false", "selected", "answered", "overall"}
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")

TOP_KEYS = {"id", "version", "languages", "default_language", "title", "description"}
TOP_KEYS |= {"estimated_minutes", "levels", "pillars", "sections"}
PILLAR_KEYS = {"id", "title", "description", "weight", "levels", "themes"}
THEME_KEYS = {"id", "title", "description", "weight", "questions"}
SECTION_KEYS = {"id", "title", "themes"}
LEVEL_KEYS = {"id", "name", "description", "min", "max"}
OPTION_KEYS = {"value", "label", "description", "score", "not_applicable", "exclusive"}
BAND_KEYS = {"min", "score"}
RECOMMENDATION_KEYS = {"id", "if_points_at_most", "if_selected", "if_not_selected"}
RECOMMENDATION_KEYS |= {"action", "effort", "source"}
TRIGGERS = {
    "if_points_at_most": "points_at_most",
    "if_selected": "selected",
    "if_not_selected": "not_selected",
}
COMMON_QUESTION_KEYS = {"id", "type", "label", "hint", "required", "required_message"}
COMMON_QUESTION_KEYS |= {"relevant", "source"}
SCORED_KEYS = {"weight", "recommendations"}
QUESTION_KEYS = {
    "choice": COMMON_QUESTION_KEYS | SCORED_KEYS | {"options"},
    "checklist": COMMON_QUESTION_KEYS | SCORED_KEYS | {"options", "max_score", "allow_not_applicable"},
    "yesno": COMMON_QUESTION_KEYS | SCORED_KEYS | {"allow_not_applicable"},
    "number": COMMON_QUESTION_KEYS
    | SCORED_KEYS
    | {"min", "max", "bounds_message", "unit", "bands", "allow_not_applicable"},
    "text": COMMON_QUESTION_KEYS,
    "note": {"id", "type", "label", "hint", "relevant"},
}


def build_questionnaire(data: dict, name: str) -> tuple[Questionnaire | None, list[Problem]]:
    """Check questionnaire data; return the questionnaire, or None and every problem found."""
    checker = _Checker(name)
    questionnaire = checker.questionnaire(data)
    return (None if checker.problems else questionnaire), checker.problems


class _Checker:
    """Walks the data of one file, collecting problems instead of stopping at the first."""

    def __init__(self, name: str):
        self.name = name
        self.problems: list[Problem] = []
        self.languages: tuple[str, ...] = ()
        self.question_lines: dict[str, int | None] = {}
        self.conditions: dict[str, tuple[Condition, str, Any]] = {}

    def problem(self, node: Any, where: str, message: str) -> None:
        self.problems.append(Problem(self.name, getattr(node, "line", None), where, message))

    def mapping(self, node: Any, where: str, allowed: set[str], required: set[str]) -> bool:
        """Check that node is a mapping with known keys and the required ones."""
        if not isinstance(node, dict):
            self.problem(node, where, f"must be a mapping of keys to values, not {_kind(node)}")
            return False
        for key in node:
            if key not in allowed:
                hint = difflib.get_close_matches(str(key), sorted(allowed), n=1)
                also = f" (did you mean '{hint[0]}'?)" if hint else ""
                self.problem(node, where, f"unknown key '{key}'{also}")
        for key in sorted(required - set(node)):
            self.problem(node, where, f"'{key}' is missing")
        return True

    def listing(self, node: dict, key: str, where: str, required: bool = True) -> list:
        value = node.get(key)
        if value is None:
            if required:
                self.problem(node, where, f"'{key}' is missing or empty")
            return []
        if not isinstance(value, list) or not value:
            self.problem(node, f"{where}.{key}", f"must be a non-empty list, not {_kind(value)}")
            return []
        return value

    def text(self, node: dict, key: str, where: str, required: bool = False) -> Text | None:
        # A missing required text is reported by mapping(), which knows every required key.
        value = node.get(key) if isinstance(node, dict) else None
        if value is None:
            return None
        place = f"{where}.{key}"
        if not isinstance(value, dict):
            self.problem(node, place, f"must give the text per language, e.g. {{es: ..., en: ...}}")
            return None
        texts = {}
        for language in self.languages:
            entry = value.get(language)
            if entry is not None and not isinstance(entry, (str, dict, list)):
                # YAML reads an unquoted No, Yes, Off or 2020 as true/false or a number.
                self.problem(value, place, f"the '{language}' text was read as {_kind(entry)}: put it in quotes")
            elif not isinstance(entry, str) or not entry.strip():
                self.problem(value, place, f"missing translation for language '{language}'")
            else:
                texts[language] = entry.strip()
        for language in value:
            if language not in self.languages:
                self.problem(value, place, f"language '{language}' is not in the questionnaire's languages")
        return MappingProxyType(texts)

    def identifier(self, node: Any, where: str, value: Any) -> str:
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            self.problem(node, where, f"id {value!r} must be a letter followed by letters, digits or _")
            return str(value)
        if value in RESERVED_IDS:
            self.problem(node, where, f"id '{value}' is a reserved word")
        return value

    def number(self, node: dict, key: str, where: str, default: float | None = None,
               positive: bool = False) -> float | None:
        value = node.get(key, default) if isinstance(node, dict) else default
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            self.problem(node, where, f"'{key}' must be a number, not {_kind(value)}")
            return default
        if positive and value <= 0:
            self.problem(node, where, f"'{key}' must be greater than 0, not {value}")
            return default
        if not positive and value < 0:
            self.problem(node, where, f"'{key}' must be 0 or more, not {value}")
            return default
        return float(value)

    def flag(self, node: dict, key: str, where: str) -> bool:
        value = node.get(key, False)
        if not isinstance(value, bool):
            self.problem(node, where, f"'{key}' must be true or false, not {_kind(value)}")
            return False
        return value

    def plain(self, node: dict, key: str, where: str, required: bool = False) -> str | None:
        value = node.get(key)
        if value is None:
            return None
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.problem(node, where, f"'{key}' must be plain text, not {_kind(value)}")
            return None
        return str(value)

    # The document, from the top down.

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
        levels = self.levels(data, "levels") if "levels" in data else ()
        pillars = tuple(
            self.pillar(node, f"pillars[{i}]", levels)
            for i, node in enumerate(self.listing(data, "pillars", where))
        )
        pillars = tuple(p for p in pillars if p is not None)
        self._unique_dimension_ids(pillars)
        questions = {q.id: q for p in pillars for t in p.themes for q in t.questions}
        order = self.evaluation_order(questions)
        sections = self.sections(data, pillars)
        if self.problems:
            return None
        return Questionnaire(
            id=qid, version=version, title=title, description=description,
            languages=self.languages, default_language=default_language,
            estimated_minutes=minutes, levels=levels, pillars=pillars, sections=sections,
            questions=MappingProxyType(questions), evaluation_order=order,
            source_text="", digest="",
        )

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
            levels.append(Level(
                id=self.identifier(item, place, item.get("id")), name=self.text(item, "name", place, True),
                description=self.text(item, "description", place), min=low, max=high,
            ))
        if levels:
            if levels[0].min != 0:
                self.problem(node, where, f"the first level must start at 0, not {levels[0].min:g}")
            if levels[-1].max != 100:
                self.problem(node, where, f"the last level must end at 100, not {levels[-1].max:g}")
            for before, after in zip(levels, levels[1:]):
                if after.min < before.max:
                    self.problem(node, where, f"levels '{before.id}' and '{after.id}' overlap "
                                 f"({before.min:g}-{before.max:g} and {after.min:g}-{after.max:g})")
                elif after.min > before.max:
                    self.problem(node, where, f"gap between levels '{before.id}' and '{after.id}' "
                                 f"(nothing covers {before.max:g} to {after.min:g})")
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
            self.theme(item, f"{where}.themes[{i}]", pid)
            for i, item in enumerate(self.listing(node, "themes", where))
        )
        return Pillar(
            id=pid, title=self.text(node, "title", where, True), description=self.text(node, "description", where),
            weight=self.number(node, "weight", where, 1.0, positive=True), levels=levels,
            themes=tuple(t for t in themes if t is not None),
        )

    def theme(self, node: Any, where: str, pillar_id: str) -> Theme | None:
        if not self.mapping(node, where, THEME_KEYS, {"id", "title", "questions"}):
            return None
        tid = self.identifier(node, where, node.get("id"))
        where = f"theme {tid}"
        questions = tuple(
            self.question(item, f"{where}.questions[{i}]", tid, pillar_id)
            for i, item in enumerate(self.listing(node, "questions", where))
        )
        questions = tuple(q for q in questions if q is not None)
        if questions and not any(q.scored for q in questions):
            self.problem(node, where, "has no scored question, so it cannot be scored")
        return Theme(
            id=tid, title=self.text(node, "title", where, True), description=self.text(node, "description", where),
            weight=self.number(node, "weight", where, 1.0, positive=True), questions=questions, pillar_id=pillar_id,
        )

    def question(self, node: Any, where: str, theme_id: str, pillar_id: str) -> Question | None:
        if not isinstance(node, dict):
            self.mapping(node, where, set(), set())
            return None
        qtype = node.get("type")
        if qtype not in QUESTION_TYPES:
            self.problem(node, where, f"type {qtype!r} is not one of {', '.join(QUESTION_TYPES)}")
            return None
        qid = self.identifier(node, where, node.get("id"))
        where = f"question {qid}"
        if qid in self.question_lines:
            self.problem(node, where, f"duplicate question id '{qid}' (also on line {self.question_lines[qid]})")
        self.question_lines.setdefault(qid, node.line if hasattr(node, "line") else None)
        self.mapping(node, where, QUESTION_KEYS[qtype], {"id", "type", "label"})
        if "relevant" in node:
            self._condition(node, where, qid)
        options = self.options(node, where, qtype) if qtype in ("choice", "checklist") else ()
        bands = self.bands(node, where) if qtype == "number" else ()
        low, high = (self.number(node, "min", where), self.number(node, "max", where)) if qtype == "number" else (None, None)
        if low is not None and high is not None and low >= high:
            self.problem(node, where, f"min {low:g} must be below max {high:g}")
        if bands and low is None:
            self.problem(node, where, "a number with bands needs a 'min'")
        elif bands and bands[0].min > low:
            self.problem(node, where, f"the first band starts at {bands[0].min:g}, above the question's min {low:g}")
        max_score = self.number(node, "max_score", where, positive=True) if qtype == "checklist" else None
        max_points = _max_points(qtype, options, bands, max_score)
        if qtype in SCORED_TYPES and max_points <= 0 and not (qtype == "number" and not bands):
            self.problem(node, where, "no answer can score any points: give options a score above 0")
        if qtype in SCORED_TYPES and max_points > 0 and not self.plain(node, "source", where):
            self.problem(node, where, "a scored question needs a 'source'")
        recommendations = self.recommendations(node, where, qid, qtype, options, max_points)
        return Question(
            id=qid, type=qtype, label=self.text(node, "label", where, True), hint=self.text(node, "hint", where),
            required=self.flag(node, "required", where), required_message=self.text(node, "required_message", where),
            relevant=self.conditions.get(qid, (None,))[0], source=self.plain(node, "source", where),
            weight=self.number(node, "weight", where, 1.0, positive=True), options=options,
            option_points=MappingProxyType({o.value: o.score for o in options if o.score is not None and not o.not_applicable}),
            not_applicable_values=frozenset({o.value for o in options if o.not_applicable} | (
                {NOT_APPLICABLE} if node.get("allow_not_applicable") is True else set())),
            allow_not_applicable=self.flag(node, "allow_not_applicable", where), min=low, max=high,
            bounds_message=self.text(node, "bounds_message", where), unit=self.plain(node, "unit", where),
            bands=bands, max_score=max_score, max_points=max_points, recommendations=recommendations,
            theme_id=theme_id, pillar_id=pillar_id,
        )

    def options(self, node: dict, where: str, qtype: str) -> tuple[Option, ...]:
        options, seen = [], set()
        for i, item in enumerate(self.listing(node, "options", where)):
            place = f"{where}.options[{i}]"
            if not self.mapping(item, place, OPTION_KEYS, {"value", "label"}):
                continue
            value = item.get("value")
            if isinstance(value, bool) or not isinstance(value, (str, int)) or str(value).strip() == "":
                self.problem(item, place, f"value {value!r} must be plain text (write yes/no values in quotes)")
                continue
            value = str(value)
            place = f"{where}, option {value}"
            if value in seen:
                self.problem(item, place, f"value '{value}' is used by another option of this question")
            seen.add(value)
            not_applicable = self.flag(item, "not_applicable", place)
            if value == NOT_APPLICABLE and not not_applicable:
                self.problem(item, place, f"value '{NOT_APPLICABLE}' is kept for 'does not apply' answers")
            score = self.number(item, "score", place)
            if "score" not in item and not not_applicable:
                self.problem(item, place, "a scored option needs a 'score' (or not_applicable: true)")
            exclusive = self.flag(item, "exclusive", place)
            if exclusive and qtype != "checklist":
                self.problem(item, place, "'exclusive' is only for checklist options")
            options.append(Option(
                value=value, label=self.text(item, "label", place, True), description=self.text(item, "description", place),
                score=None if not_applicable else score, not_applicable=not_applicable, exclusive=exclusive,
            ))
        return tuple(options)

    def bands(self, node: dict, where: str) -> tuple[Band, ...]:
        bands = []
        for i, item in enumerate(self.listing(node, "bands", where, required=False)):
            place = f"{where}, bands[{i}]"
            if self.mapping(item, place, BAND_KEYS, BAND_KEYS):
                low, score = self.number(item, "min", place), self.number(item, "score", place)
                if low is not None and score is not None:
                    if bands and low <= bands[-1].min:
                        self.problem(item, place, f"bands must go up: {low:g} is not above {bands[-1].min:g}")
                    bands.append(Band(min=low, score=score))
        return tuple(bands)

    def recommendations(self, node: dict, where: str, qid: str, qtype: str,
                        options: tuple[Option, ...], max_points: float) -> tuple[Recommendation, ...]:
        if qtype not in SCORED_TYPES or max_points <= 0:
            return ()
        found = []
        values = {o.value for o in options}
        for i, item in enumerate(self.listing(node, "recommendations", where)):
            place = f"{where}, recommendations[{i}]"
            if not self.mapping(item, place, RECOMMENDATION_KEYS, {"action", "effort", "source"}):
                continue
            triggers = [key for key in TRIGGERS if key in item]
            if len(triggers) != 1:
                self.problem(item, place, "needs exactly one of " + ", ".join(TRIGGERS))
                continue
            trigger, points, chosen = TRIGGERS[triggers[0]], None, frozenset()
            if trigger == "points_at_most":
                points = self.number(item, "if_points_at_most", place)
                if points is not None and points >= max_points:
                    self.problem(item, place, f"if_points_at_most {points:g} is not below the question's "
                                 f"maximum {max_points:g}: it would apply even to the best answer")
            else:
                wanted = "choice" if trigger == "selected" else "checklist"
                chosen = item[triggers[0]]
                if qtype != wanted:
                    self.problem(item, place, f"{triggers[0]} is only for {wanted} questions")
                if not isinstance(chosen, list) or not chosen:
                    self.problem(item, place, f"{triggers[0]} must list option values")
                    chosen = []
                for value in chosen:
                    if str(value) not in values:
                        self.problem(item, place, f"{triggers[0]} names '{value}', which is not an option")
                chosen = frozenset(str(v) for v in chosen)
            effort = item.get("effort")
            if effort not in EFFORTS:
                self.problem(item, place, f"effort {effort!r} must be one of {', '.join(EFFORTS)}")
            rid = item.get("id", f"{qid}_{i + 1}")
            found.append(Recommendation(
                id=self.identifier(item, place, rid), question_id=qid, trigger=trigger, points=points,
                values=chosen, action=self.text(item, "action", place, True), effort=effort,
                source=self.plain(item, "source", place, True),
            ))
        return tuple(found)

    def _condition(self, node: dict, where: str, qid: str) -> None:
        source = node.get("relevant")
        if not isinstance(source, str):
            self.problem(node, where, f"'relevant' must be a condition in quotes, not {_kind(source)}")
            return
        try:
            self.conditions[qid] = (parse_condition(source), where, node)
        except ExpressionError as error:
            column = f" at column {error.column}" if error.column else ""
            self.problem(node, f"{where}, relevant", f"{error.message}{column}: {source}")

    def evaluation_order(self, questions: dict[str, Question]) -> tuple[Question, ...]:
        """Order questions so that each condition's questions come first; report cycles."""
        for qid, (condition, where, node) in self.conditions.items():
            for name in sorted(condition.names):
                if name not in questions and name not in self.question_lines:
                    self.problem(node, f"{where}, relevant", f"refers to unknown question '{name}'")
                elif name in questions and questions[name].type == "note":
                    self.problem(node, f"{where}, relevant", f"refers to '{name}', a note that has no answer")
        order: list[Question] = []
        state: dict[str, str] = {}

        def visit(qid: str, path: list[str]) -> None:
            if state.get(qid) == "done":
                return
            if state.get(qid) == "active":
                cycle = path[path.index(qid):] + [qid]
                condition, where, node = self.conditions[qid]
                self.problem(node, f"{where}, relevant", "conditions form a circle: " + " -> ".join(cycle))
                return
            state[qid] = "active"
            if qid in self.conditions:
                for name in sorted(self.conditions[qid][0].names):
                    if name in questions:
                        visit(name, path + [qid])
            state[qid] = "done"
            order.append(questions[qid])

        for qid in questions:
            visit(qid, [])
        return tuple(order)

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


def _max_points(qtype: str, options: tuple[Option, ...], bands: tuple[Band, ...], cap: float | None) -> float:
    """Return the most points any answer to a question can give."""
    scores = [o.score for o in options if o.score is not None]
    if qtype == "choice":
        return max(scores, default=0.0)
    if qtype == "checklist":
        return min(sum(scores), cap) if cap is not None else sum(scores)
    if qtype == "yesno":
        return max(YESNO_POINTS.values())
    if qtype == "number":
        return max((b.score for b in bands), default=0.0)
    return 0.0


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    return repr(value)
