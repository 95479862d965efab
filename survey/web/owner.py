"""The owner's journey: start, answer section by section, review, submit, see results."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from markupsafe import Markup

from ..core.completion_time import about_minutes
from ..core.navigation import next_section
from ..core.scoring import hidden_questions, visible_answers
from ..reports.progress import change_table
from ..reports.results import build_results
from ..store import assessments as store
from ..store.owners import attach, is_owner
from ..store.peers import peer_comparison
from ..store.plans import plan_summary
from ..store.portfolios import make_key
from ..store.verification import verified_answers
from .access import DRAFT, SUBMITTED, Opened, find_opened, opens_assessment, private_link, wrong_state
from .database import get_db, registry
from .errors import csrf_failed, not_found
from .forms import ConfirmForm, ProfileForm, read_section, section_form
from .language import gettext as _
from .language import remember_language, say
from .section_page import language_for, render_section

bp = Blueprint("owner", __name__)


@bp.app_template_global()
def answer_text(questionnaire, question, value, language: str) -> str:
    """Return an answer as the owner reads it: the questionnaire's words in `language`, ours in the page's."""
    return say().answer(questionnaire, question, value, language)


@bp.app_template_filter("score")
def format_score(value: float | None) -> Markup:
    """Show a score as a whole number, or say that there is none."""
    if value is None:
        return Markup('<span class="none">%s</span>') % _("no score")
    return Markup(f"{value:.0f}")


@bp.app_template_filter("change")
def format_change(value: float) -> str:
    """Show a change of score in whole points with its sign; no change reads 0, never +0 or -0."""
    points = round(value)
    return f"{points:+d}" if points else "0"


@bp.route("/")
def landing():
    """Show what the survey is and how to start."""
    questionnaire = registry().current[current_app.config["DEFAULT_QUESTIONNAIRE"]]
    language = language_for(questionnaire)
    minutes = about_minutes(questionnaire.estimated_minutes[language])
    return render_template("owner/landing.html", questionnaire=questionnaire, language=language, minutes=minutes)


@bp.route("/start", methods=["GET", "POST"])
def start():
    """Ask for the firm's profile, then start its assessment."""
    form = ProfileForm()
    if form.validate_on_submit():
        questionnaire = registry().current[current_app.config["DEFAULT_QUESTIONNAIRE"]]
        profile = {name: form[name].data for name in ("name", "sector", "size", "region", "year_founded")}
        profile["name"] = profile["name"].strip()
        token = store.start_assessment(get_db(), questionnaire, profile)
        if current_user.is_authenticated and current_user.role == "owner":
            attach(get_db(), token, current_user.id)  # an owner with an account keeps what they start
        return redirect(url_for("owner.link", token=token))
    return render_template("owner/start.html", form=form), (400 if form.errors else 200)


@bp.route("/a/<token>/link")
@opens_assessment()
def link(opened: Opened):
    """Show the private link to keep."""
    return render_template("owner/link.html", assessment=opened.assessment, resume_url=private_link(opened.token))


@bp.route("/a/<token>")
@opens_assessment()
def resume(opened: Opened):
    """Go on where the owner stopped, or to the results once submitted."""
    if opened.assessment["status"] == SUBMITTED:
        return redirect(url_for("owner.results", token=opened.token))
    return redirect(url_for("owner.section", token=opened.token, number=opened.assessment["current_section"] + 1))


@bp.route("/a/<token>/section/<int:number>", methods=["GET", "POST"])
@opens_assessment(DRAFT)
def section(opened: Opened, number: int):
    """Show a section's questions, or save them and go to the next or previous section."""
    questionnaire, assessment = opened.questionnaire, opened.assessment
    if not 1 <= number <= len(questionnaire.sections):
        abort(404)
    index = number - 1
    answers = store.load_answers(get_db(), assessment["id"])
    if request.method == "GET":
        return render_section(opened, index, None, answers)  # the form is built only if needed
    current, language = questionnaire.sections[index], language_for(questionnaire)
    form = section_form(questionnaire, current, language, formdata=request.form)
    if set(request.form) - {field.name for field in form} - {"nav"}:
        flash(_("The form held fields that are not part of this questionnaire. Nothing was saved."), "error")
        return render_section(opened, index, form, answers), 400
    nav = request.form.get("nav", "next")
    going_back = nav == "back"
    # The language switch of a page of questions (static/section.js): save, then show the page again.
    switching = nav.removeprefix("language:") if nav.startswith("language:") else None
    staying = switching in current_app.config["LANGUAGES"]
    posted = read_section(form, questionnaire, current, language, answers, require=not (going_back or staying))
    if posted is None:
        return render_section(opened, index, form, answers), 400
    target = index if staying else next_section(questionnaire, index, {**answers, **posted}, going_back)
    try:
        store.save_answers(get_db(), assessment["id"], posted, index if target is None else target)
    except store.AssessmentLocked:
        return wrong_state(opened, DRAFT)
    if staying:
        return remember_language(redirect(url_for("owner.section", token=opened.token, number=number)), switching)
    if target is not None:
        return redirect(url_for("owner.section", token=opened.token, number=target + 1))
    if going_back:
        return redirect(url_for("owner.section", token=opened.token, number=1))
    return redirect(url_for("owner.review", token=opened.token))


@bp.errorhandler(CSRFError)
def section_expired(error: CSRFError):
    """Show a section again with what was typed after its form expired; store nothing."""
    if request.endpoint != "owner.section" or request.method != "POST":
        return csrf_failed(error)
    # An error handler must answer itself: abort() would not be handled here.
    opened = find_opened(request.view_args["token"])
    number = request.view_args["number"]
    if opened is None or not 1 <= number <= len(opened.questionnaire.sections):
        return not_found()
    if opened.assessment["status"] != DRAFT:
        return wrong_state(opened, DRAFT)
    questionnaire = opened.questionnaire
    form = section_form(
        questionnaire, questionnaire.sections[number - 1], language_for(questionnaire), formdata=request.form
    )
    flash(
        _(
            "This page was open for a long time and expired for your security. Your answers are still "
            "below but were not saved yet: press the button again to save them."
        ),
        "error",
    )
    return render_section(opened, number - 1, form, store.load_answers(get_db(), opened.assessment["id"])), 400


@bp.route("/a/<token>/review")
@opens_assessment(DRAFT, explain=False)  # Back after submitting: the results are what the owner wants
def review(opened: Opened):
    """Show every answer before submitting."""
    return render_review(opened, store.load_answers(get_db(), opened.assessment["id"]))


def render_review(opened: Opened, answers: dict, missing: frozenset = frozenset()):
    """Render the review page; `missing` marks required answers still to give."""
    questionnaire = opened.questionnaire
    return render_template(
        "owner/review.html",
        assessment=opened.assessment,
        questionnaire=questionnaire,
        answers=answers,
        hidden=hidden_questions(questionnaire, answers),
        missing=missing,
        form=ConfirmForm(),
        language=language_for(questionnaire),
    )


@bp.route("/a/<token>/submit", methods=["POST"])
@opens_assessment(DRAFT, explain=False)  # a second click on Submit: the first one counted
def submit(opened: Opened):
    """Lock the answers with their scores, unless a required answer is missing."""
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("owner.review", token=opened.token))
    db = get_db()
    try:
        submission = store.submit_assessment(db, opened.assessment["id"], opened.questionnaire)
    except store.AssessmentLocked:
        return wrong_state(opened, DRAFT, explain=False)
    if submission.missing:
        flash(_("Some required questions have no answer yet. They are marked below."), "error")
        return render_review(opened, store.load_answers(db, opened.assessment["id"]), submission.missing), 400
    return redirect(url_for("owner.results", token=opened.token))


@bp.route("/a/<token>/results")
@opens_assessment(SUBMITTED)
def results(opened: Opened):
    """Show the scores, the comparison with similar firms and the first actions."""
    return render_results(opened, "owner/results.html")


@bp.route("/a/<token>/actions")
@opens_assessment(SUBMITTED)
def actions(opened: Opened):
    """Show every recommended action, most important first."""
    return render_results(opened, "owner/actions.html")


def render_results(opened: Opened, template: str):
    """Render a results page of a submitted assessment, against its peer group.

    The list of every action shows the report alone: the history, the plan, the check and the
    account are read only for the results page (the plan not on a shared copy, which hides it).
    """
    db, assessment = get_db(), opened.assessment
    scores = store.stored_scores(assessment)
    comparison = peer_comparison(db, assessment, scores, current_app.config["PEER_GROUP_MINIMUM"])
    answers = store.load_answers(db, assessment["id"])
    report = build_results(opened.questionnaire, scores, answers, comparison, assessment, say().language)
    if template != "owner/results.html":
        return render_template(template, assessment=assessment, report=report)
    shared = g.get("shared")
    verified, check = None, None
    checked = store.verified_scores(assessment)
    if checked is not None:
        # The same table as progress: self-declared "before", verified "after", the difference.
        q = opened.questionnaire
        verified = change_table(q, scores, q, checked, say(), say().language)
        shown = visible_answers(q, answers)[0]
        check = {"done": len(verified_answers(db, assessment["id"]).keys() & shown.keys()), "of": len(shown)}
    return render_template(
        template,
        assessment=assessment,
        report=report,
        form=ConfirmForm(),
        history=store.firm_history(db, assessment["firm_id"]),
        plan=None if shared else plan_summary(db, assessment["firm_id"]),
        verified=verified,
        check=check,
        kept=shared or kept_by_owner(assessment["firm_id"]),
    )


def kept_by_owner(firm_id: int) -> bool:
    """Whether the logged-in owner keeps this firm in their account already."""
    return (
        current_user.is_authenticated and current_user.role == "owner" and is_owner(get_db(), firm_id, current_user.id)
    )


@bp.route("/a/<token>/follow-up", methods=["POST"])
@opens_assessment(SUBMITTED, refuse=True)
def follow_up(opened: Opened):
    """Start the next assessment of the same firm from the answers of this one."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    current = registry().current[opened.assessment["questionnaire_id"]]
    consultant = opened.assessment["key_user_id"]  # a consultant working with a key of their own
    new_token = store.start_assessment(
        get_db(), current, {}, firm_id=opened.assessment["firm_id"], previous=opened.assessment, entered_by=consultant
    )
    flash(_("Your follow-up assessment starts with your previous answers: change what is different now."))
    if consultant is not None:  # the consultant goes on with a key of their own, not the owner's link
        follow_up_id = store.find_assessment(get_db(), new_token)["id"]
        return redirect(url_for("owner.resume", token=make_key(get_db(), follow_up_id, consultant)))
    return redirect(url_for("owner.link", token=new_token))
