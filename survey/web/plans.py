"""The firm's action plan: actions chosen from its recommendations, with who, by when and how far."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from ..core.recommendations import START_HERE_MOST
from ..reports.results import describe_plan
from ..store import plans as store
from ..store.assessments import load_answers, stored_scores
from .access import SUBMITTED, Opened, opens_assessment
from .account_forms import PLAN_STATUS_LABELS, PlanItemForm
from .database import get_db
from .forms import ConfirmForm
from .language import gettext as _
from .language import say

bp = Blueprint("plans", __name__)


def recommended(opened: Opened) -> list[dict]:
    """Return the actions recommended after an assessment, in plan order (no peer comparison needed)."""
    questionnaire, assessment = opened.questionnaire, opened.assessment
    answers = load_answers(get_db(), assessment["id"])
    words = say()
    return describe_plan(
        questionnaire, answers, stored_scores(assessment), words, questionnaire.language_for(words.language)
    )


def plan_items(firm_id: int, texts: dict[str, str]) -> list[dict]:
    """Return the firm's plan, each action with its text and whether it is overdue."""
    today = date.today().isoformat()
    items = []
    for row in store.firm_plan(get_db(), firm_id):
        open_ = row["status"] in store.OPEN
        items.append(
            row
            | {
                "text": texts.get(row["recommendation_id"], row["recommendation_id"]),
                "open": open_,
                "overdue": open_ and bool(row["due_date"]) and row["due_date"] < today,
                "status_label": PLAN_STATUS_LABELS[row["status"]],
            }
        )
    return items


@bp.route("/a/<token>/plan")
@opens_assessment(SUBMITTED)
def plan(opened: Opened):
    """Show the plan, each action with its form, and the recommended actions not in it yet."""
    actions = recommended(opened)
    # Every action of the questionnaire by id: one chosen after an earlier assessment may no
    # longer be recommended (it was done), and still reads as itself.
    questionnaire = opened.questionnaire
    language = questionnaire.language_for(say().language)
    texts = {r.id: questionnaire.text(r.action, language) for r in questionnaire.recommendations}
    items = plan_items(opened.assessment["firm_id"], texts)
    chosen = {item["recommendation_id"] for item in items if item["status"] != "dropped"}
    forms = {}
    for item in items:
        form = PlanItemForm(
            prefix=f"a{item['id']}",
            data={
                "responsible": item["responsible"],
                "status": item["status"],
                "notes": item["notes"],
                "due": date.fromisoformat(item["due_date"]) if item["due_date"] else None,
            },
        )
        forms[item["id"]] = form
    return render_template(
        "owner/plan.html",
        assessment=opened.assessment,
        items=items,
        forms=forms,
        offered=[a for a in actions if a["id"] not in chosen],
        open_count=sum(item["open"] for item in items),
        limit=START_HERE_MOST,
        confirm=ConfirmForm(),
    )


@bp.post("/a/<token>/plan/add")
@opens_assessment(SUBMITTED, refuse=True)
def add(opened: Opened):
    """Add recommended actions to the plan (one, or every "start here" one), up to the limit of open ones."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    offered = {a["id"] for a in recommended(opened)}
    wanted = request.form.getlist("recommendation")
    if not wanted or not set(wanted) <= offered:
        abort(400)
    try:
        for recommendation_id in wanted:
            store.choose(
                get_db(), opened.assessment["firm_id"], opened.assessment["id"], recommendation_id, START_HERE_MOST
            )
    except store.PlanFull:
        flash(
            _("At most %(num)s actions at a time: finish or drop one before adding another.", num=START_HERE_MOST),
            "error",
        )
    return redirect(url_for("plans.plan", token=opened.token))


@bp.post("/a/<token>/plan/<int:action_id>")
@opens_assessment(SUBMITTED, refuse=True)
def update(opened: Opened, action_id: int):
    """Save who does an action, by when, its status and notes."""
    form = PlanItemForm(prefix=f"a{action_id}")
    if not form.validate_on_submit():
        abort(400)
    due = form.due.data.isoformat() if form.due.data else None
    if not store.update(
        get_db(),
        opened.assessment["firm_id"],
        action_id,
        form.responsible.data or "",
        due,
        form.status.data,
        form.notes.data or "",
    ):
        abort(404)
    return redirect(url_for("plans.plan", token=opened.token) + f"#plan-{action_id}")
