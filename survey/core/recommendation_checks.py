"""Check the recommendations of a question: triggers, effort, severity, `after`, and their absence."""

from __future__ import annotations

from typing import Any

from .data_reader import DataReader
from .model import EFFORTS, SCORED_TYPES, SEVERITIES, Option, Recommendation

RECOMMENDATION_KEYS = {"id", "if_points_at_most", "if_selected", "if_not_selected"}
RECOMMENDATION_KEYS |= {"action", "effort", "source", "severity", "after"}
TRIGGERS = {
    "if_points_at_most": "points_at_most",
    "if_selected": "selected",
    "if_not_selected": "not_selected",
}


class RecommendationChecks(DataReader):
    """The checks of a question's recommendations; the ids they use are kept for the `after` checks."""

    def __init__(self, name: str):
        super().__init__(name)
        self.recommendation_nodes: dict[tuple[str, str], Any] = {}  # (question id, id) -> its data
        self.written_ids: set[str] = set()  # recommendation ids the author wrote, not made up

    def recommendations(
        self, node: dict, where: str, qid: str, qtype: str, options: tuple[Option, ...], max_points: float
    ) -> tuple[Recommendation, ...]:
        """Check a scored question's recommendations; warn when it has none, unless it says `recommendations: []`."""
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
                    # A generated id is the question's: its problem is told once, at the question.
                    id=self.identifier(item, place, rid) if "id" in item else rid,
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
