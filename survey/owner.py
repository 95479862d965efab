"""The owner's journey: start, answer section by section, review, submit, see results."""

from __future__ import annotations

import json

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from markupsafe import Markup

from . import assessments as store
from .db import get_db
from .errors import not_found
from .i18n import gettext as _
from .i18n import language as ui_language
from .forms import ConfirmForm, ProfileForm, na_field_name, page_conditions, read_section, section_form
from .peers import compare
from .report import answer_text, build_report, format_score
from .scoring import Scores, hidden_questions, score_response, visible_answers
from .versions import registry

bp = Blueprint("owner", __name__)
_questions_cache: dict[tuple, Markup] = {}
bp.add_app_template_global(answer_text)
bp.add_app_template_filter(format_score, "score")


def language_for(questionnaire) -> str:
    """Return the request's language if the questionnaire offers it, else its default."""
    chosen = ui_language()
    return chosen if chosen in questionnaire.languages else questionnaire.default_language


def open_assessment(token: str) -> tuple[dict, object]:
    """Return the assessment a token opens and its questionnaire version, or answer 404."""
    assessment = store.find_assessment(get_db(), token)
    if assessment is None:
        abort(404)
    questionnaire = registry().get(get_db(), assessment["questionnaire_id"], assessment["questionnaire_version"])
    g.token, g.questionnaire = token, questionnaire
    return assessment, questionnaire


def shown_sections(questionnaire, hidden: set[str]) -> list[int]:
    """Return the indexes of the sections that have a question to show."""
    return [i for i, s in enumerate(questionnaire.sections) if any(q.id not in hidden for q in s.questions)]


def shown_questions(current, hidden: set[str]) -> set[str]:
    """Return the ids of a section's questions to show.

    A question whose condition depends on an answer on the same page is shown even while its
    condition is false, so that the page works without JavaScript; its answer is cleared on
    saving if the condition stays false.
    """
    same_page = {q.id for q in current.questions}
    return {q.id for q in current.questions
            if q.id not in hidden or (q.relevant is not None and q.relevant.names & same_page)}


@bp.route("/")
def landing():
    questionnaire = registry().current[current_app.config["DEFAULT_QUESTIONNAIRE"]]
    return render_template("owner/landing.html", questionnaire=questionnaire,
                           language=language_for(questionnaire))


@bp.route("/start", methods=["GET", "POST"])
def start():
    form = ProfileForm()
    if form.validate_on_submit():
        questionnaire = registry().current[current_app.config["DEFAULT_QUESTIONNAIRE"]]
        profile = {name: form[name].data for name in ("name", "sector", "size", "region", "year_founded")}
        profile["name"] = profile["name"].strip()
        token = store.start_assessment(get_db(), questionnaire, profile)
        return redirect(url_for("owner.link", token=token))
    return render_template("owner/start.html", form=form), (400 if form.errors else 200)


@bp.route("/a/<token>/link")
def link(token: str):
    assessment, questionnaire = open_assessment(token)
    return render_template("owner/link.html", assessment=assessment,
                           resume_url=url_for("owner.resume", token=token, _external=True))


@bp.route("/a/<token>")
def resume(token: str):
    assessment, questionnaire = open_assessment(token)
    if assessment["status"] == "submitted":
        return redirect(url_for("owner.results", token=token))
    return redirect(url_for("owner.section", token=token, number=assessment["current_section"] + 1))


@bp.route("/a/<token>/section/<int:number>", methods=["GET", "POST"])
def section(token: str, number: int):
    assessment, questionnaire = open_assessment(token)
    if assessment["status"] == "submitted":
        flash(_("This assessment has been submitted and can no longer be changed."))
        return redirect(url_for("owner.results", token=token))
    if not 1 <= number <= len(questionnaire.sections):
        abort(404)
    index = number - 1
    current = questionnaire.sections[index]
    language = language_for(questionnaire)
    answers = store.load_answers(get_db(), assessment["id"])
    if request.method == "GET":
        # The form is built only if its questions must be rendered (see questions_html).
        return render_section(assessment, questionnaire, index, None, answers)
    form = section_form(questionnaire, current, language, formdata=request.form)
    unknown = set(request.form) - {field.name for field in form} - {"nav"}
    if unknown:
        flash(_("The form held fields that are not part of this questionnaire. Nothing was saved."), "error")
        return render_section(assessment, questionnaire, index, form, answers), 400
    going_back = request.form.get("nav") == "back"
    posted = read_section(form, questionnaire, current, language, answers, require=not going_back)
    if posted is None:
        return render_section(assessment, questionnaire, index, form, answers), 400
    answers.update(posted)
    shown = shown_sections(questionnaire, hidden_questions(questionnaire, answers))
    if going_back:
        target = max([i for i in shown if i < index], default=None)
    else:
        target = min([i for i in shown if i > index], default=None)
    try:
        store.save_answers(get_db(), assessment["id"], posted, index if target is None else target)
    except store.AssessmentLocked:
        flash(_("This assessment has been submitted and can no longer be changed."))
        return redirect(url_for("owner.results", token=token))
    if target is None:
        return redirect(url_for("owner.section", token=token, number=1) if going_back
                        else url_for("owner.review", token=token))
    return redirect(url_for("owner.section", token=token, number=target + 1))


def render_section(assessment: dict, questionnaire, index: int, form, answers: dict):
    """Render a section page with its form, progress and navigation.

    Without a form (a GET), the form is built from the stored answers when needed.
    """
    hidden = hidden_questions(questionnaire, answers)
    shown = shown_sections(questionnaire, hidden)
    position = shown.index(index) + 1 if index in shown else index + 1
    language = language_for(questionnaire)
    current = questionnaire.sections[index]
    home = url_for("owner.resume", token=g.token)  # one URL built; the page's others derive from it
    return render_template(
        "owner/section.html", assessment=assessment, questionnaire=questionnaire,
        section=current, number=index + 1, position=position, total=len(shown), form=form,
        language=language, questions_html=questions_html(questionnaire, current, language, form, answers, hidden),
        conditions=page_conditions(questionnaire, current, answers), action=f"{home}/section/{index + 1}",
        resume_url=request.host_url.rstrip("/") + home,
    )


def questions_html(questionnaire, current, language: str, form, answers: dict, hidden: set[str]) -> Markup:
    """Render a section's questions, reusing the markup of the same section with the same answers.

    Shown from the stored answers (no form given: a GET), the questions of a section are the
    same HTML for every owner whose answers to it are the same, and most views are of sections
    not answered yet. A form shown again with what was posted is always rendered afresh.
    """
    shown_ids = shown_questions(current, hidden)
    key = None
    size = current_app.config["SECTION_CACHE_SIZE"]
    if size and form is None:
        given = tuple(sorted((q.id, answers.get(q.id)) for q in current.questions if answers.get(q.id) is not None))
        key = (questionnaire.id, questionnaire.version, questionnaire.digest, current.id, language, ui_language(),
               frozenset(shown_ids), given)
        found = _questions_cache.get(key)
        if found is not None:
            return found
    if form is None:
        form = section_form(questionnaire, current, language, answers=answers)
    html = Markup(render_template(
        "owner/_questions.html", questionnaire=questionnaire, section=current, form=form, language=language,
        shown_ids=shown_ids, na_name=na_field_name, translate=lambda value: questionnaire.text(value, language),
    ))
    if key is not None:
        if len(_questions_cache) >= size:
            _questions_cache.pop(next(iter(_questions_cache)))  # the oldest entry
        _questions_cache[key] = html
    return html


def redisplay_after_csrf_failure(token: str, number: int):
    """Show a section again with what was typed, after its form expired: nothing is saved."""
    # Called from an error handler, where abort() would not be handled: answer directly.
    assessment = store.find_assessment(get_db(), token)
    if assessment is None:
        return not_found(None)
    assessment, questionnaire = open_assessment(token)
    if assessment["status"] == "submitted":
        return redirect(url_for("owner.results", token=token))
    if not 1 <= number <= len(questionnaire.sections):
        return not_found(None)
    answers = store.load_answers(get_db(), assessment["id"])
    form = section_form(questionnaire, questionnaire.sections[number - 1], language_for(questionnaire),
                        formdata=request.form)
    flash(_("This page was open for a long time and expired for your security. Your answers are still "
            "below but were not saved yet: press the button again to save them."), "error")
    return render_section(assessment, questionnaire, number - 1, form, answers), 400


@bp.route("/a/<token>/review")
def review(token: str):
    assessment, questionnaire = open_assessment(token)
    if assessment["status"] == "submitted":
        return redirect(url_for("owner.results", token=token))
    answers = store.load_answers(get_db(), assessment["id"])
    return render_review(assessment, questionnaire, answers)


def render_review(assessment: dict, questionnaire, answers: dict, missing: set | None = None):
    """Render the review page; `missing` marks required answers still to give."""
    hidden = hidden_questions(questionnaire, answers)
    return render_template(
        "owner/review.html", assessment=assessment, questionnaire=questionnaire, answers=answers,
        hidden=hidden, missing=missing or set(), form=ConfirmForm(), language=language_for(questionnaire),
    )


@bp.route("/a/<token>/submit", methods=["POST"])
def submit(token: str):
    assessment, questionnaire = open_assessment(token)
    form = ConfirmForm()
    if assessment["status"] == "submitted" or not form.validate_on_submit():
        return redirect(url_for("owner.results", token=token))
    answers = store.load_answers(get_db(), assessment["id"])
    effective, hidden = visible_answers(questionnaire, answers)
    missing = {q.id for q in questionnaire.questions.values()
               if q.required and q.id not in hidden and effective.get(q.id) is None}
    if missing:
        flash(_("Some required questions have no answer yet. They are marked below."), "error")
        return render_review(assessment, questionnaire, answers, missing), 400
    try:
        store.submit_assessment(get_db(), assessment, score_response(questionnaire, answers), hidden)
    except store.AssessmentLocked:
        pass
    return redirect(url_for("owner.results", token=token))


@bp.route("/a/<token>/results")
def results(token: str):
    return render_results(token, "owner/results.html")


@bp.route("/a/<token>/actions")
def actions(token: str):
    return render_results(token, "owner/actions.html")


def render_results(token: str, template: str):
    """Render a results page of a submitted assessment, against its peer group."""
    assessment, questionnaire = open_assessment(token)
    if assessment["status"] != "submitted":
        return redirect(url_for("owner.resume", token=token))
    db = get_db()
    scores = Scores.from_dict(json.loads(assessment["scores_json"]))
    comparison = compare(db, assessment, scores, current_app.config["PEER_GROUP_MINIMUM"])
    report = build_report(questionnaire, scores, store.load_answers(db, assessment["id"]), comparison,
                          language_for(questionnaire), assessment)
    return render_template(template, assessment=assessment, report=report, form=ConfirmForm(),
                           history=store.firm_history(db, assessment["firm_id"]))


@bp.route("/a/<token>/follow-up", methods=["POST"])
def follow_up(token: str):
    assessment, questionnaire = open_assessment(token)
    form = ConfirmForm()
    if assessment["status"] != "submitted" or not form.validate_on_submit():
        abort(400)
    current = registry().current[assessment["questionnaire_id"]]
    new_token = store.start_assessment(get_db(), current, {}, firm_id=assessment["firm_id"], previous=assessment)
    flash(_("Your follow-up assessment starts with your previous answers: change what is different now."))
    return redirect(url_for("owner.link", token=new_token))
