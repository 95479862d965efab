"""The consultant's pages: the client portfolio, new clients, and assessments opened on a client's behalf."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from ..reports.portfolio import SORTS, STATUSES, choose_clients, client_row
from ..store import portfolios as store
from ..store import users as store_users
from .access import firm_of_assessment, may_open_firm, private_link
from .account_forms import CodeForm, NoteForm
from .accounts import requires
from .database import get_db, registry
from .forms import ConfirmForm, ProfileForm
from .language import format_day, say
from .language import gettext as _
from .language import language as ui_language

bp = Blueprint("consultant", __name__, url_prefix="/portfolio")


@bp.route("")
@requires("consultant", "admin")
def portfolio():
    """List the consultant's clients with their status, scores and change; search, filter and sort."""
    db = get_db()

    def questionnaire_of(questionnaire_id: str, version: int):
        return registry().get(db, questionnaire_id or current_app.config["DEFAULT_QUESTIONNAIRE"], version)

    clients = [client_row(row, questionnaire_of, say(), ui_language()) for row in store.portfolio(db, current_user.id)]
    search = request.args.get("q", "").strip()[:100]
    status = request.args.get("status", "")
    sort = request.args.get("sort", "name")
    shown = choose_clients(clients, search, status, sort if sort in SORTS else "name")
    return render_template(
        "consultant/portfolio.html",
        clients=shown,
        total=len(clients),
        search=search,
        status=status,
        sort=sort,
        sorts=SORTS,
        statuses=STATUSES,
        form=ConfirmForm(),
    )


@bp.route("/new", methods=["GET", "POST"])
@requires("consultant", "admin")
def new_client():
    """Add a client firm and start its assessment, filled in with the owner on their behalf."""
    form = ProfileForm()
    if form.validate_on_submit():
        questionnaire = registry().current[current_app.config["DEFAULT_QUESTIONNAIRE"]]
        profile = {name: form[name].data for name in ("name", "sector", "size", "region", "year_founded")}
        _, assessment_id = store.start_for_client(get_db(), questionnaire, profile, current_user.id)
        return redirect(url_for("owner.resume", token=store.make_key(get_db(), assessment_id, current_user.id)))
    return render_template("consultant/new_client.html", form=form), (400 if form.errors else 200)


@bp.route("/firms/<int:firm_id>", methods=["GET", "POST"])
@requires("consultant", "admin")
def firm(firm_id: int):
    """Show a client: its assessments, each to open, and the notes kept on it; add a note."""
    db = get_db()
    profile = store.firm_profile(db, firm_id)
    if profile is None or not may_open_firm(firm_id):
        abort(404)
    assessments = store.firm_assessments(db, firm_id)
    form = NoteForm()
    form.assessment.choices = [SelectChoice("", _("The firm as a whole"))] + [
        SelectChoice(str(a["id"]), _("Assessment of %(date)s", date=format_day(a["submitted_at"] or a["created_at"])))
        for a in assessments
    ]
    if form.validate_on_submit():
        about = int(form.assessment.data) if form.assessment.data else None
        store.add_note(db, firm_id, current_user.id, form.body.data, about)
        return redirect(url_for(".firm", firm_id=firm_id) + "#notes")
    return render_template(
        "consultant/firm.html",
        firm=profile,
        sector=say().sector(profile["sector"]),
        assessments=assessments,
        notes=store.firm_notes(db, firm_id),
        form=form,
        confirm=ConfirmForm(),
    ), (400 if form.errors else 200)


@bp.route("/join", methods=["GET", "POST"])
@requires("consultant")
def join():
    """Add a firm whose owner gave a one-time code: their consent to join the portfolio."""
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        db, config = get_db(), current_app.config
        key = f"code:{current_user.id}"  # codes cannot be guessed by trying many
        if store_users.admit_attempt(db, {key: config["LOGIN_ATTEMPTS_PER_ACCOUNT"]}, config["LOGIN_WINDOW_SECONDS"]):
            form.code.errors.append(_("Too many wrong codes. Try again later."))
            status = 429
        elif (firm_id := store.join_with_code(db, form.code.data, current_user.id)) is None:
            form.code.errors.append(_("This code is unknown, used or expired. Ask the owner for a new one."))
            status = 400
        else:
            store_users.forget_attempts(db, key)
            return redirect(url_for(".firm", firm_id=firm_id))
    return render_template("consultant/join.html", form=form), 400 if form.errors and status == 200 else status


@bp.post("/assessments/<int:assessment_id>/open")
@requires("consultant", "admin")
def open_assessment(assessment_id: int):
    """Open a client's assessment (to go on filling it in, or to read its results) with a key of one's own."""
    firm_of_assessment(assessment_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return redirect(url_for("owner.resume", token=store.make_key(get_db(), assessment_id, current_user.id)))


@bp.post("/assessments/<int:assessment_id>/owner-link")
@requires("consultant", "admin")
def owner_link(assessment_id: int):
    """Make a new private link for the client's owner to answer or read on their own; the old one stops."""
    firm_of_assessment(assessment_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    token = store.new_private_link(get_db(), assessment_id)
    if token is None:
        abort(400)  # only for a draft the consultant entered: an owner's own link stays theirs
    return render_template("consultant/owner_link.html", link=private_link(token))
