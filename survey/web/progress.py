"""Progress: an assessment against an earlier one of the same firm."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from ..reports.progress import build_progress
from ..store import assessments as store
from .access import SUBMITTED, Opened, opens_assessment
from .database import get_db, registry
from .language import format_day, language, say
from .language import gettext as _

bp = Blueprint("progress", __name__)


@bp.route("/a/<token>/progress")
@opens_assessment(SUBMITTED)
def progress(opened: Opened):
    """Compare this assessment with an earlier one of the firm (the one before it, unless another is chosen)."""
    db, assessment = get_db(), opened.assessment
    history = store.firm_history(db, assessment["firm_id"])
    others = [past for past in history if past["id"] != assessment["id"]]
    chosen = request.args.get("with", type=int)
    if chosen is not None:
        other = next((past for past in others if past["id"] == chosen), None)
        if other is None:
            abort(404)  # only the firm's own submitted assessments
    else:
        earlier = [
            past
            for past in others
            if (past["submitted_at"], past["id"]) < (assessment["submitted_at"], assessment["id"])
        ]
        other = earlier[-1] if earlier else None
    if other is None:
        return render_template("owner/progress.html", assessment=assessment, report=None, other=None, history=history)
    first, second = sorted(
        [store.get_assessment(db, other["id"]), assessment], key=lambda a: (a["submitted_at"], a["id"])
    )
    questionnaires = [registry().get(db, a["questionnaire_id"], a["questionnaire_version"]) for a in (first, second)]
    report = build_progress(
        questionnaires[0],
        store.stored_scores(first),
        questionnaires[1],
        store.stored_scores(second),
        (
            _("Earlier: %(date)s", date=format_day(first["submitted_at"])),
            _("Later: %(date)s", date=format_day(second["submitted_at"])),
        ),
        say(),
        language(),
    )
    return render_template(
        "owner/progress.html",
        assessment=assessment,
        report=report,
        first=first,
        second=second,
        other=other,
        history=history,
    )
