"""Check the questions of a questionnaire: types, options, bands, grid rows, conditions; their
recommendations are checked in recommendation_checks.py."""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import Any

from .data_reader import kind
from .expressions import Condition, ExpressionError, parse_condition
from .model import (
    EMPTY_MEANINGS,
    EMPTY_SELECTION,
    NOT_APPLICABLE,
    QUESTION_TYPES,
    SCORED_TYPES,
    YESNO_POINTS,
    Band,
    GridRow,
    Option,
    Question,
)
from .recommendation_checks import RecommendationChecks

OPTION_KEYS = {"value", "label", "description", "score", "not_applicable", "exclusive"}
BAND_KEYS = {"min", "score"}
ROW_KEYS = {"id", "label", "weight", "relevant"}
# A row's id follows its grid's in conditions (practices.backups): letters, digits and _.
ROW_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_]{0,63}$")
COMMON_QUESTION_KEYS = {"id", "type", "label", "hint", "required", "required_message"}
COMMON_QUESTION_KEYS |= {"relevant", "source"}
SCORED_KEYS = {"weight", "recommendations"}
QUESTION_KEYS = {
    "choice": COMMON_QUESTION_KEYS | SCORED_KEYS | {"options", "scored"},
    "checklist": COMMON_QUESTION_KEYS
    | SCORED_KEYS
    | {"options", "scored", "max_score", "allow_not_applicable", "empty_means"},
    "yesno": COMMON_QUESTION_KEYS | SCORED_KEYS | {"allow_not_applicable"},
    "number": COMMON_QUESTION_KEYS
    | SCORED_KEYS
    | {"min", "max", "bounds_message", "unit", "bands", "allow_not_applicable"},
    "grid": COMMON_QUESTION_KEYS | SCORED_KEYS | {"options", "scored", "rows"},
    "text": COMMON_QUESTION_KEYS,
    "note": {"id", "type", "label", "hint", "relevant"},
}
# Keys that only some types take, each refused elsewhere with a message of its own.
TYPE_KEYS = {"scored": ("choice", "checklist", "grid"), "empty_means": ("checklist",)}
SCORED_BY_TYPE = {
    "yesno": "a yes/no question is always scored (for one that is not, write a choice)",
    "number": "a number question is scored when it has bands",
}


class QuestionChecks(RecommendationChecks):
    """The checks of one question and what belongs to it; conditions are kept for later."""

    def __init__(self, name: str):
        super().__init__(name)
        self.question_lines: dict[str, int | None] = {}
        self.conditions: dict[str, tuple[Condition, str, Any]] = {}
        self.unquoted_values: set[str] = set()  # questions whose option values YAML read as true/false

    def question(self, node: Any, where: str, theme_id: str, pillar_id: str) -> Question | None:
        if not isinstance(node, dict):
            self.mapping(node, where, set(), set())
            return None
        qtype = node.get("type")
        if qtype not in QUESTION_TYPES:
            # Named by its id when it has one the author can search for, not by its place in a list.
            named = f"question {node['id']}" if isinstance(node.get("id"), str) and node["id"].strip() else where
            self.problem(node, named, f"type {qtype!r} is not one of {', '.join(QUESTION_TYPES)}")
            return None
        raw_id = node.get("id")
        qid = self.identifier(
            node, f"question {raw_id}" if isinstance(raw_id, str) and raw_id.strip() else where, raw_id
        )
        where = f"question {qid}"
        if qid in self.question_lines:
            self.problem(node, where, f"duplicate question id '{qid}' (also on line {self.question_lines[qid]})")
        self.question_lines.setdefault(qid, node.line if hasattr(node, "line") else None)
        for key, types in TYPE_KEYS.items():
            if key in node and qtype not in types:
                why = f": {SCORED_BY_TYPE[qtype]}" if key == "scored" and qtype in SCORED_BY_TYPE else ""
                named = " and ".join([", ".join(types[:-1]), types[-1]] if len(types) > 1 else types)
                self.problem(node, where, f"'{key}' is only for {named} questions{why}")
        unscored_keys = sorted(SCORED_KEYS & node.keys()) if qtype in ("note", "text") else []
        for key in unscored_keys:
            what = "a note" if qtype == "note" else "a text question"
            self.problem(node, where, f"'{key}' does not apply: {what} is never scored")
        allowed = QUESTION_KEYS[qtype] | TYPE_KEYS.keys() | set(unscored_keys)
        self.mapping(node, where, allowed, {"id", "type", "label"})
        if "relevant" in node:
            self._condition(node, where, qid)
        # An invalid `scored` is reported by flag(); whoever writes it means to turn scoring off.
        scored = qtype not in TYPE_KEYS["scored"] or "scored" not in node or self.flag(node, "scored", where)
        options = self.options(node, where, qtype, scored) if qtype in ("choice", "checklist", "grid") else ()
        rows = self.rows(node, where, qid) if qtype == "grid" else ()
        if not scored:
            self._unscored(node, where)
        empty_means = self._empty_means(node, where, options) if qtype == "checklist" else EMPTY_MEANINGS[0]
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
        max_score = self.number(node, "max_score", where, positive=True) if qtype == "checklist" and scored else None
        max_points = _max_points(qtype, options, bands, max_score) if scored else 0.0
        priced = [o for o in options if not o.not_applicable]
        # options() said the scores are missing, or that the values were read as true/false.
        told = (priced and all(o.score is None for o in priced)) or where in self.unquoted_values
        if scored and qtype in SCORED_TYPES and max_points <= 0 and not (qtype == "number" and not bands) and not told:
            self.problem(node, where, "no answer can score any points: give options a score above 0")
        source = self.cited(node, "source", where)
        # An author who marked a yes/no or number question `scored` was told why already.
        told_scored = "scored" in node and qtype not in TYPE_KEYS["scored"]
        if qtype in SCORED_TYPES and max_points > 0 and "source" not in node and not told_scored:
            self.problem(node, where, "a scored question needs a 'source'")  # an empty one is reported by cited()
        recommendations = self.recommendations(node, where, qid, qtype, options, max_points, theme_id, pillar_id, rows)
        return Question(
            id=qid,
            type=qtype,
            label=self.text(node, "label", where, True),
            hint=self.text(node, "hint", where),
            required=self.flag(node, "required", where),
            required_message=self.text(node, "required_message", where),
            relevant=self.conditions.get(qid, (None,))[0],
            source=source,
            weight=self.number(node, "weight", where, 1.0, positive=True) if scored else 1.0,
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
            empty_means=empty_means,
            rows=rows,
        )

    def rows(self, node: dict, where: str, qid: str) -> tuple[GridRow, ...]:
        """Read a grid's rows: each with an id unique in the grid, a label, a weight and maybe a condition."""
        rows: list[GridRow] = []
        lines: dict[str, int | None] = {}
        for i, item in enumerate(self.listing(node, "rows", where)):
            place = f"{where}.rows[{i}]"
            if not isinstance(item, dict):
                self.mapping(item, place, ROW_KEYS, {"id", "label"})
                continue
            rid = item.get("id")
            if rid is not None and not isinstance(rid, bool) and isinstance(rid, (str, int)):
                rid = str(rid)
            if not isinstance(rid, str) or not ROW_ID_PATTERN.match(rid):
                self.mapping(item, place, ROW_KEYS, {"label"})
                what = "'id' is missing" if rid is None else f"row id {rid!r} must be letters, digits or _"
                self.problem(item, place, what)
                continue
            place = f"{where}, row {rid}"
            self.mapping(item, place, ROW_KEYS, {"id", "label"})
            if rid in lines:
                self.problem(item, place, f"duplicate row id '{rid}' in this grid (also on line {lines[rid]})")
                continue
            lines[rid] = getattr(item, "line", None)
            key = f"{qid}.{rid}"
            if "relevant" in item:
                self._condition(item, place, key)
            rows.append(
                GridRow(
                    id=rid,
                    key=key,
                    label=self.text(item, "label", place, True),
                    weight=self.number(item, "weight", place, 1.0, positive=True),
                    relevant=self.conditions.get(key, (None,))[0],
                )
            )
        return tuple(rows)

    def _unscored(self, node: dict, where: str) -> None:
        """Refuse what only a scored question takes on one marked `scored: false`."""
        for key in ("weight", "max_score", "recommendations"):
            if key in node:
                self.problem(node, where, f"'{key}' is for scored questions, and this one has scored: false")

    def _empty_means(self, node: dict, where: str, options: tuple[Option, ...]) -> str:
        """Read what a checklist sent with nothing ticked means."""
        meaning = node.get("empty_means", EMPTY_MEANINGS[0])
        if meaning not in EMPTY_MEANINGS:
            self.problem(
                node,
                where,
                f"empty_means must be 'none' (nothing ticked counts as none of these) or 'unanswered', "
                f"not {kind(meaning)}",
            )
            return EMPTY_MEANINGS[0]
        if meaning == "none" and any(o.value == EMPTY_SELECTION for o in options):
            self.problem(
                node,
                where,
                f"option value '{EMPTY_SELECTION}' is kept for an empty selection with empty_means: none: rename it",
            )
        return meaning

    def options(self, node: dict, where: str, qtype: str, scored: bool = True) -> tuple[Option, ...]:
        options, seen = [], set()
        without_score, with_score = [], []  # (data, place) of options with no score; values of those with one
        unquoted = []  # options whose value YAML read as true or false
        for i, item in enumerate(self.listing(node, "options", where)):
            place = f"{where}.options[{i}]"
            if not self.mapping(item, place, OPTION_KEYS, {"value", "label"}):
                continue
            value = item.get("value")
            if isinstance(value, bool):
                unquoted.append(item)
                continue
            if not isinstance(value, (str, int)) or str(value).strip() == "":
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
            if "score" in item:
                with_score.append(value)
            elif not not_applicable:
                without_score.append((item, place))
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
        if unquoted:
            # One cause, one message: YAML 1.1 reads an unquoted yes, no, on or off as true or false.
            labels = [_first_text(item.get("label")) or str(item["value"]).lower() for item in unquoted]
            self.problem(
                unquoted[0],
                where,
                f"the value of option{'s' if len(labels) > 1 else ''} {', '.join(repr(x) for x in labels)} is read as "
                'true or false: write yes, no, on and off in quotes (value: "yes")',
            )
            self.unquoted_values.add(where)
            return tuple(options)
        if not scored and with_score:
            names = ", ".join(with_score)
            self.problem(node, where, f"has scored: false, yet options give a 'score' ({names}): remove the scores")
        elif scored and without_score and not with_score:
            self.problem(
                node,
                where,
                "no option has a 'score': give each one a score, or write scored: false on a question "
                "that only gives context",
            )
        elif scored:
            for item, place in without_score:
                self.problem(item, place, "a scored option needs a 'score' (or not_applicable: true)")
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

    def _condition(self, node: dict, where: str, qid: str) -> None:
        """Parse the `relevant` of a question or a grid's row, kept under its id or row key for the file's checks."""
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
    if qtype in ("choice", "grid"):  # a grid's row scores like a choice; the grid is their mean
        return max(scores, default=0.0)
    if qtype == "checklist":
        return min(sum(scores), cap) if cap is not None else sum(scores)
    if qtype == "yesno":
        return max(YESNO_POINTS.values())
    if qtype == "number":
        return max((b.score for b in bands), default=0.0)
    return 0.0


def _first_text(value: Any) -> str:
    """Return the first text of a {language: text} mapping, or "" for anything else."""
    if isinstance(value, dict):
        return next((str(text) for text in value.values() if isinstance(text, str)), "")
    return ""
