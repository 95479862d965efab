"""A programme manager's pages about single firms: only where the programme lets its managers read answers.

The aggregate views every manager sees belong to the dashboard; these pages show one firm at a time.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from ..core.scoring import hidden_questions
from ..reports.progress import change_table
from ..store import assessments as store_assessments
from ..store import programmes as store
from .access import may_read_firm
from .accounts import requires
from .arguments import page_number
from .database import get_db, registry
from .language import say
from .section_page import language_for

bp = Blueprint("programme", __name__, url_prefix="/programme")


@bp.route("")
@requires("manager")
def firms():
    """Say what the manager's programme lets them see; list its firms when that includes answers."""
    db = get_db()
    programme = store.get_programme(db, current_user.programme_id) if current_user.programme_id else None
    found, held_back, search = store.FirmPage([], 0, 1, 1), 0, request.args.get("q", "").strip()[:100]
    if programme and programme["managers_see_answers"]:
        page = page_number(request.args.get("page"))
        found = store.find_firms(db, search, programme["id"], page=page, consenting_only=True)
        held_back = store.firms_held_back(db, programme["id"])
    return render_template(
        "programme/firms.html",
        programme=programme,
        firms=found.firms,
        total=found.total,
        held_back=held_back,
        search=search,
        page=found.page,
        pages=found.pages,
    )


@bp.route("/assessments/<int:assessment_id>")
@requires("manager", "admin", "consultant")
def assessment(assessment_id: int):
    """Show a submitted assessment's scores (declared and verified) and every declared answer, read-only.

    As the owner's results page does: the scores a consultant's check gives, not their notes.
    """
    db = get_db()
    found = store_assessments.get_assessment(db, assessment_id)
    if found is None or found["status"] != "submitted" or not may_read_firm(found["firm_id"]):
        abort(404)
    questionnaire = registry().get(db, found["questionnaire_id"], found["questionnaire_version"])
    language = language_for(questionnaire)
    declared_scores = store_assessments.stored_scores(found)
    verified_scores = store_assessments.verified_scores(found)
    table = change_table(
        questionnaire, declared_scores, questionnaire, verified_scores or declared_scores, say(), say().language
    )
    answers = store_assessments.load_answers(db, assessment_id)
    return render_template(
        "programme/assessment.html",
        assessment=found,
        questionnaire=questionnaire,
        language=language,
        table=table,
        verified=verified_scores is not None,
        answers=answers,
        hidden=hidden_questions(questionnaire, answers),
    )
