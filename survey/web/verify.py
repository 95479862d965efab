"""A consultant's check of a submitted assessment, page by page: the answers found beside those declared."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for

from ..core.model import Questionnaire
from ..core.navigation import shown_questions
from ..core.scoring import hidden_questions
from ..store import assessments
from ..store import verification as store
from .access import SUBMITTED, Opened, opens_assessment
from .database import get_db
from .forms import read_evidence, read_section, section_form
from .section_page import language_for, questions_html

bp = Blueprint("verify", __name__)


@bp.route("/a/<token>/verify/<int:number>", methods=["GET", "POST"])
@opens_assessment(SUBMITTED)
def verify(opened: Opened, number: int):
    """Show a page of the declared answers (as checked so far) to confirm or correct, each with what was seen."""
    holder = opened.assessment["key_user_id"]
    questionnaire = opened.questionnaire
    if holder is None or not 1 <= number <= len(questionnaire.sections):
        abort(404)  # a consultant's check: never through the owner's own link
    db, section = get_db(), questionnaire.sections[number - 1]
    language = language_for(questionnaire)
    declared = assessments.load_answers(db, opened.assessment["id"])
    checked = store.verified_answers(db, opened.assessment["id"])
    current = store.answers_as_verified(declared, checked)
    hidden = hidden_questions(questionnaire, current)
    # The questions this page shows, each with its evidence field: the only notes read from a post.
    # A grid has one note, kept with the check of each of its rows.
    on_page = {q.id for q in section.questions if q.type != "note"} & shown_questions(section, hidden)
    evidence, refused = {note_key(questionnaire, key): check["evidence"] for key, check in checked.items()}, {}
    form = section_form(
        questionnaire, section, language, formdata=request.form if request.method == "POST" else None, answers=current
    )
    if request.method == "POST":
        found = read_section(form, questionnaire, section, language, current)
        evidence, refused = read_evidence(request.form, on_page)
        if found is not None and not refused:
            now_hidden = hidden_questions(questionnaire, {**current, **found})
            shown = {key for q in section.questions if q.id in on_page for key in q.answer_keys()} - now_hidden
            values = {key: found.get(key, current.get(key)) for key in shown}
            notes = {key: evidence[note_key(questionnaire, key)] for key in shown}
            store.save_checks(db, questionnaire, opened.assessment["id"], values, notes, holder)
            if number < len(questionnaire.sections):
                return redirect(url_for("verify.verify", token=opened.token, number=number + 1))
            return redirect(url_for("owner.results", token=opened.token) + "#verified-heading")
    changed = [
        q for q in section.questions if any(checked.get(key, {}).get("value") is not None for key in q.answer_keys())
    ]
    return render_template(
        "owner/verify.html",
        assessment=opened.assessment,
        section=section,
        number=number,
        total=len(questionnaire.sections),
        title=questionnaire.text(section.title, language),
        questions=questions_html(
            questionnaire,
            section,
            language,
            form if request.method == "POST" else None,
            current,
            hidden,
            evidence,
            refused,
        ),
        declared={q.id: declared.get(q.id) for q in changed},
        changed=changed,
        questionnaire=questionnaire,
        language=language,
        invalid=bool(form.errors or refused),
    ), (400 if form.errors or refused else 200)


def note_key(questionnaire: Questionnaire, key: str) -> str:
    """Return the question whose evidence note an answer's check keeps: a grid row's is its grid's."""
    found = questionnaire.grid_rows.get(key)
    return found[0].id if found else key
