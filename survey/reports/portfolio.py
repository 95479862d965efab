"""A consultant's client list as plain data: each firm's status, scores and change, filtered and sorted."""

from __future__ import annotations

import json
from collections.abc import Callable

from ..core.model import Questionnaire
from ..core.profile import N_, SIZES
from .labels import Words

SORTS = {
    "name": N_("Firm name"),
    "activity": N_("Last activity"),
    "overall": N_("Overall score"),
    "change": N_("Change since the previous assessment"),
}
STATUSES = {"draft": N_("In progress"), "submitted": N_("Submitted"), "none": N_("Not started")}


def client_row(row: dict, questionnaire_of: Callable[[str, int], Questionnaire], say: Words, language: str) -> dict:
    """Return one client as the portfolio shows it."""
    status = row["status"] or "none"
    if status == "draft":
        questionnaire = questionnaire_of(row["questionnaire_id"], row["questionnaire_version"])
        total = len(questionnaire.sections)
        position = min(row["current_section"] + 1, total)
        status_text = say("In progress: section %(position)s of %(total)s", position=position, total=total)
    elif status == "submitted":
        status_text = say("Submitted")
    else:
        status_text = say("Not started")
    pillars = []
    if row["scores_json"]:
        questionnaire = questionnaire_of(row["questionnaire_id"] or "", row["submitted_version"])
        titles = {p.id: questionnaire.text(p.title, language) for p in questionnaire.pillars}
        stored = json.loads(row["scores_json"])
        pillars = [
            {"title": titles.get(p["pillar_id"], p["pillar_id"]), "score": p["score"]} for p in stored["pillars"]
        ]
    change = None
    if row["overall"] is not None and row["previous_overall"] is not None:
        change = row["overall"] - row["previous_overall"]
    return {
        "firm_id": row["id"],
        "name": row["name"],
        "sector": say.sector(row["sector"]),
        "size": say(size) if (size := SIZES.get(row["size"])) else row["size"],
        "region": row["region"],
        "status": status,
        "status_text": status_text,
        "assessment_id": row["assessment_id"],
        "on_behalf": row["entered_by"] is not None,
        "submitted_id": row["submitted_id"],
        "submitted_at": row["submitted_at"],
        "overall": row["overall"],
        "verified_overall": row["verified_overall"],
        "pillars": pillars,
        "change": change,
        "last_activity": row["last_activity"],
        "plan_open": row["plan_open"],
        "plan_overdue": row["plan_overdue"],
    }


def choose_clients(clients: list[dict], search: str = "", status: str = "", sort: str = "name") -> list[dict]:
    """Return the clients whose name or region holds `search`, in `status`, in the order `sort` names."""
    found = clients
    if search:
        needle = search.casefold()
        found = [c for c in found if needle in c["name"].casefold() or needle in (c["region"] or "").casefold()]
    if status in STATUSES:
        found = [c for c in found if c["status"] == status]
    if sort == "activity":
        return sorted(found, key=lambda c: c["last_activity"] or "", reverse=True)
    if sort in ("overall", "change"):
        # Highest first; firms without a figure last.
        return sorted(found, key=lambda c: (c[sort] is None, -(c[sort] or 0), c["name"].casefold()))
    return sorted(found, key=lambda c: c["name"].casefold())
