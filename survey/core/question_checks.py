"""Check the questions of a questionnaire: types, options, bands, conditions, recommendations."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from .data_reader import DataReader, kind
from .expressions import Condition, ExpressionError, parse_condition
from .model import (
    EFFORTS,
    NOT_APPLICABLE,
    QUESTION_TYPES,
    SCORED_TYPES,
    SEVERITIES,
    YESNO_POINTS,
    Band,
    Option,
    Question,
    Recommendation,
)

OPTION_KEYS = {"value", "label", "description", "score", "not_applicable", "exclusive"}
BAND_KEYS = {"min", "score"}
RECOMMENDATION_KEYS = {"id", "if_points_at_most", "if_selected", "if_not_selected"}
RECOMMENDATION_KEYS |= {"action", "effort", "source", "severity", "after"}
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


class QuestionChecks(DataReader):
    """The checks of one question and what belongs to it; conditions are kept for later."""

    def __init__(self, name: str):
        super().__init__(name)
        self.question_lines: dict[str, int | None] = {}
        self.recommendation_nodes: dict[tuple[str, str], Any] = {}  # (question id, id) -> its data
        self.written_ids: set[str] = set()  # recommendation ids the author wrote, not made up
        self.conditions: dict[str, tuple[Condition, str, Any]] = {}

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
        low, high = (
            (self.number(node, "min", where), self.number(node, "max", where)) if qtype == "number" else (None, None)
        )
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
        source = self.cited(node, "source", where)
        if qtype in SCORED_TYPES and max_points > 0 and "source" not in node:
            self.problem(node, where, "a scored question needs a 'source'")  # an empty one is reported by cited()
        recommendations = self.recommendations(node, where, qid, qtype, options, max_points)
        return Question(
            id=qid,
            type=qtype,
            label=self.text(node, "label", where, True),
            hint=self.text(node, "hint", where),
            required=self.flag(node, "required", where),
            required_message=self.text(node, "required_message", where),
            relevant=self.conditions.get(qid, (None,))[0],
            source=source,
            weight=self.number(node, "weight", where, 1.0, positive=True),
            options=options,
            option_points=MappingProxyType(
                {o.value: o.score for o in options if o.score is not None and not o.not_applicable}
            ),
            not_applicable_values=frozenset(
                {o.value for o in options if o.not_applicable}
                | ({NOT_APPLICABLE} if node.get("allow_not_applicable") is True else set())
            ),
            allow_not_applicable=self.flag(node, "allow_not_applicable", where),
            min=low,
            max=high,
            bounds_message=self.text(node, "bounds_message", where),
            unit=self.plain(node, "unit", where),
            bands=bands,
            max_score=max_score,
            max_points=max_points,
            recommendations=recommendations,
            theme_id=theme_id,
            pillar_id=pillar_id,
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
            options.append(
                Option(
                    value=value,
                    label=self.text(item, "label", place, True),
                    description=self.text(item, "description", place),
                    score=None if not_applicable else score,
                    not_applicable=not_applicable,
                    exclusive=exclusive,
                )
            )
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

    def recommendations(
        self, node: dict, where: str, qid: str, qtype: str, options: tuple[Option, ...], max_points: float
    ) -> tuple[Recommendation, ...]:
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
                    self.problem(
                        item,
                        place,
                        f"if_points_at_most {points:g} is not below the question's "
                        f"maximum {max_points:g}: it would apply even to the best answer",
                    )
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
            severity = item.get("severity", "normal")
            if severity not in SEVERITIES:
                self.problem(item, place, f"severity {severity!r} must be one of {', '.join(SEVERITIES)}")
            after = item.get("after", [])
            if not isinstance(after, list) or not all(isinstance(a, str) for a in after):
                self.problem(item, place, "'after' must list recommendation ids, e.g. [rec_backup_start]")
                after = []
            rid = item.get("id", f"{qid}_{i + 1}")
            if "id" in item and isinstance(rid, str):
                self.written_ids.add(rid)
            self.recommendation_nodes.setdefault((qid, str(rid)), item)
            found.append(
                Recommendation(
                    id=self.identifier(item, place, rid),
                    question_id=qid,
                    trigger=trigger,
                    points=points,
                    values=chosen,
                    action=self.text(item, "action", place, True),
                    effort=effort,
                    source=self.cited(item, "source", place),
                    severity=severity,
                    after=tuple(after),
                )
            )
        return tuple(found)

    def _condition(self, node: dict, where: str, qid: str) -> None:
        source = node.get("relevant")
        if not isinstance(source, str):
            self.problem(node, where, f"'relevant' must be a condition in quotes, not {kind(source)}")
            return
        try:
            self.conditions[qid] = (parse_condition(source), where, node)
        except ExpressionError as error:
            column = f" at column {error.column}" if error.column else ""
            self.problem(node, f"{where}, relevant", f"{error.message}{column}: {source}")


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
