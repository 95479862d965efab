"""Check recommendations: a question's (triggers, effort, severity, `after`, their absence), a theme's
or a pillar's (`if_score_below`), and, once all are read, their ids and the `after` between them."""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable
from typing import Any

from .data_reader import DataReader, kind
from .model import EFFORTS, SCORED_TYPES, SEVERITIES, GridRow, Option, Recommendation
from .ordering import dependencies_first

COMMON_KEYS = {"id", "action", "effort", "source", "severity", "after"}
REQUIRED_KEYS = {"action", "effort", "source"}
TRIGGERS = {
    "if_points_at_most": "points_at_most",
    "if_selected": "selected",
    "if_not_selected": "not_selected",
}
LEVEL_TRIGGER = "if_score_below"  # the one trigger of a theme's or a pillar's recommendations
# Every trigger is a known key everywhere: one written in the wrong place is told as such, once.
RECOMMENDATION_KEYS = COMMON_KEYS | set(TRIGGERS) | {LEVEL_TRIGGER, "row"}  # row: a grid's, told elsewhere


class RecommendationChecks(DataReader):
    """The checks of recommendations; the ids they use are kept for the `after` checks."""

    def __init__(self, name: str):
        super().__init__(name)
        self.recommendation_nodes: dict[tuple[str, str], Any] = {}  # (what it is under, id) -> its data
        self.written_ids: set[str] = set()  # recommendation ids the author wrote, not made up

    def recommendations(
        self,
        node: dict,
        where: str,
        qid: str,
        qtype: str,
        options: tuple[Option, ...],
        max_points: float,
        theme_id: str | None = None,
        pillar_id: str = "",
        rows: tuple[GridRow, ...] = (),
    ) -> tuple[Recommendation, ...]:
        """Check a scored question's recommendations; warn when it has none, unless it says `recommendations: []`.

        A grid's recommendation looks at one row (`row`), and its trigger reads that row's answer.
        """
        if qtype not in SCORED_TYPES or max_points <= 0:
            return ()
        if node.get("recommendations") is None:
            self.warning(
                node,
                where,
                "has no recommendations, so no answer suggests an action (write recommendations: [] if that is meant)",
            )
            return ()
        if node["recommendations"] == []:
            return ()  # the author says so: no warning
        found = []
        values = {o.value for o in options}
        for i, item in enumerate(self.listing(node, "recommendations", where)):
            place = f"{where}, recommendations[{i}]"
            if not self.mapping(item, place, RECOMMENDATION_KEYS, REQUIRED_KEYS):
                continue
            row = self._row(item, place, qtype, rows)
            triggers = [key for key in TRIGGERS if key in item]
            trigger, points, chosen = TRIGGERS[triggers[0]] if triggers else "", None, frozenset()
            # A recommendation with a wrong trigger is still read: its id is known to `after`, its
            # other mistakes are told too.
            if LEVEL_TRIGGER in item:
                self.problem(
                    item,
                    place,
                    f"{LEVEL_TRIGGER} is for a theme's or a pillar's recommendations: "
                    "a question's needs exactly one of " + ", ".join(TRIGGERS),
                )
            elif len(triggers) != 1:
                self.problem(item, place, "needs exactly one of " + ", ".join(TRIGGERS))
            elif trigger == "points_at_most":
                points = self.number(item, "if_points_at_most", place)
                if points is not None and points >= max_points:
                    self.problem(
                        item,
                        place,
                        f"if_points_at_most {points:g} is not below the question's "
                        f"maximum {max_points:g}: it would apply even to the best answer",
                    )
            else:
                wanted = ("choice", "grid") if trigger == "selected" else ("checklist",)
                chosen = item[triggers[0]]
                if qtype not in wanted:
                    self.problem(item, place, f"{triggers[0]} is only for {' and '.join(wanted)} questions")
                if not isinstance(chosen, list) or not chosen:
                    self.problem(item, place, f"{triggers[0]} must list option values")
                    chosen = []
                for value in chosen:
                    if str(value) not in values:
                        self.problem(item, place, f"{triggers[0]} names '{value}', which is not an option")
                chosen = frozenset(str(v) for v in chosen)
            found.append(
                self._recommendation(
                    item,
                    place,
                    f"{qid}_{i + 1}",
                    qid,
                    theme_id,
                    pillar_id,
                    trigger,
                    points=points,
                    values=chosen,
                    row=row,
                )
            )
        return tuple(found)

    def level_recommendations(
        self, node: dict, where: str, theme_id: str | None, pillar_id: str
    ) -> tuple[Recommendation, ...]:
        """Check a theme's or a pillar's recommendations (`where` names it); none is needed."""
        if node.get("recommendations") is None or node["recommendations"] == []:
            return ()
        owner, owner_id = ("theme", theme_id) if theme_id else ("pillar", pillar_id)
        found = []
        for i, item in enumerate(self.listing(node, "recommendations", where)):
            place = f"{where}, recommendations[{i}]"
            if not self.mapping(item, place, RECOMMENDATION_KEYS, REQUIRED_KEYS):
                continue
            if "row" in item:
                self.problem(item, place, "'row' is only for the recommendations of grid questions")
            threshold = self._threshold(item, place, owner)  # None after a mistake, told: the file will not load
            found.append(
                self._recommendation(
                    item, place, f"{owner_id}_{i + 1}", None, theme_id, pillar_id, "score_below", score_below=threshold
                )
            )
        return tuple(found)

    def _row(self, item: dict, place: str, qtype: str, rows: tuple[GridRow, ...]) -> str | None:
        """Return the row a grid's recommendation looks at; refuse `row` missing on a grid, or given elsewhere."""
        row = item.get("row")
        if qtype != "grid":
            if "row" in item:
                self.problem(item, place, "'row' is only for the recommendations of grid questions")
            return None
        ids = [r.id for r in rows]
        if not ids:
            return None  # the grid's rows are missing or broken: told at the grid
        if row is None:
            self.problem(
                item, place, f"a grid's recommendation needs 'row': the id of the row it looks at, e.g. row: {ids[0]}"
            )
            return None
        if str(row) not in ids:
            hint = difflib.get_close_matches(str(row), ids, n=1)
            also = f" (did you mean '{hint[0]}'?)" if hint else ""
            self.problem(item, place, f"row '{row}' is not a row of this grid{also}")
            return None
        return str(row)

    def _threshold(self, item: dict, place: str, owner: str) -> float | None:
        """Read `if_score_below`: a score above 0 and at most 100; a question's trigger is told once."""
        wrong = [key for key in TRIGGERS if key in item]
        if wrong:
            self.problem(
                item,
                place,
                f"{', '.join(wrong)} is for a question's recommendations: a {owner}'s takes "
                f"{LEVEL_TRIGGER}, the {owner}'s score (0-100) below which the action applies",
            )
            return None
        if LEVEL_TRIGGER not in item:
            self.problem(item, place, f"needs {LEVEL_TRIGGER}, the {owner}'s score (0-100) below which it applies")
            return None
        value = item[LEVEL_TRIGGER]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            self.problem(item, place, f"{LEVEL_TRIGGER} must be a number above 0 and at most 100, not {kind(value)}")
            return None
        if value <= 0:
            self.problem(item, place, f"{LEVEL_TRIGGER} {value:g} must be above 0: no score is below it")
            return None
        if value > 100:
            self.problem(item, place, f"{LEVEL_TRIGGER} {value:g} must be at most 100, the highest score")
            return None
        return float(value)

    def _recommendation(
        self,
        item: dict,
        place: str,
        made_up_id: str,
        qid: str | None,
        theme_id: str | None,
        pillar_id: str,
        trigger: str,
        **condition: Any,
    ) -> Recommendation:
        """Read what every recommendation has besides its trigger: id, action, effort, severity, source, after."""
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
        rid = item.get("id", made_up_id)
        if "id" in item and isinstance(rid, str):
            self.written_ids.add(rid)
        recommendation = Recommendation(
            # A made-up id is the question's, theme's or pillar's: its problem is told once, there.
            id=self.identifier(item, place, rid) if "id" in item else rid,
            question_id=qid,
            trigger=trigger,
            points=condition.get("points"),
            values=condition.get("values", frozenset()),
            action=self.text(item, "action", place, True),
            effort=effort,
            source=self.cited(item, "source", place),
            severity=severity,
            after=tuple(after),
            theme_id=theme_id,
            pillar_id=pillar_id,
            score_below=condition.get("score_below"),
            row=condition.get("row"),
        )
        self.recommendation_nodes.setdefault((recommendation.attached_to, str(rid)), item)
        return recommendation

    def prerequisites(self, written: Iterable[Recommendation]) -> None:
        """Check recommendation ids are unique, and each `after`: ids written in the file, no circle."""
        recommendations: dict[str, Recommendation] = {}
        for item in written:
            if item.id in recommendations:
                first = recommendations[item.id].attached_to
                node = self.recommendation_nodes.get((item.attached_to, item.id))
                self.problem(node, item.attached_to, f"recommendation id '{item.id}' is also used in {first}")
            recommendations.setdefault(item.id, item)
        for item in recommendations.values():
            node = self.recommendation_nodes.get((item.attached_to, item.id))
            where = f"{item.attached_to}, recommendation {item.id}"
            for name in sorted({n for n in item.after if item.after.count(n) > 1}):
                self.problem(node, where, f"'after' names '{name}' twice")
            for name in dict.fromkeys(item.after):
                if name in recommendations and name not in self.written_ids:
                    # A made-up id would point elsewhere once the recommendations are reordered.
                    self.problem(node, where, f"'after' names '{name}', an id made up by the loader: give it an 'id'")
                elif name not in recommendations:
                    hint = difflib.get_close_matches(name, sorted(self.written_ids), n=1)
                    also = f" (did you mean '{hint[0]}'?)" if hint else ""
                    self.problem(node, where, f"'after' names '{name}', which is no recommendation's id{also}")

        def circle(path: list[str]) -> None:
            first = recommendations[path[0]]
            node = self.recommendation_nodes.get((first.attached_to, first.id))
            self.problem(
                node, f"{first.attached_to}, recommendation {first.id}", "'after' forms a circle: " + " -> ".join(path)
            )

        dependencies_first(
            recommendations,
            lambda rid: [name for name in recommendations[rid].after if name in recommendations],
            circle,
        )
