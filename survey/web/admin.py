"""The administrator's pages: accounts and invitations, programmes, and who works on which firm."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from ..store import programmes as programmes_store
from ..store import users as store
from .access import absolute
from .account_forms import ROLE_LABELS, AccountSettingsForm, FirmTeamForm, InviteForm, MoveClientsForm, ProgrammeForm
from .accounts import requires
from .arguments import number, page_number
from .database import get_db
from .language import gettext as _
from .mail import MailNotSent, invitation_message, mail_configured, send

bp = Blueprint("admin", __name__, url_prefix="/admin")


def programme_choices(db, none_label: str) -> list[SelectChoice]:
    """Return the programmes as choices, after one for none."""
    return [SelectChoice("", none_label)] + [SelectChoice(str(p["id"]), p["name"]) for p in store.list_programmes(db)]


def invite_form(db, **options) -> InviteForm:
    """Return the invitation form, offering the programmes there are."""
    form = InviteForm(**options)
    form.programme.choices = programme_choices(db, _("No programme"))
    return form


def mail_invitation(email: str, role: str, link: str, expires_at: str) -> str:
    """E-mail an invitation link if SMTP is set up: return "sent", "failed", or "" when it is not."""
    config = current_app.config
    if not mail_configured(config):
        return ""
    try:
        message = invitation_message(
            config,
            to=email,
            link=link,
            role=role,
            inviter_name=current_user.name,
            inviter_email=current_user.email,
            expires_at=expires_at,
        )
        send(config, message)
    except MailNotSent as error:
        # The admin still sees the link; the log says why, and never holds the link's token.
        current_app.logger.warning("invitation e-mail to %s not sent: %s", email, error)
        return "failed"
    return "sent"


@bp.route("/users", methods=["GET", "POST"])
@requires("admin")
def users():
    """List the accounts, and invite someone with a single-use link that expires, e-mailed if SMTP is set up."""
    db = get_db()
    form = invite_form(db)
    link = invited = mailed = None
    if form.validate_on_submit():
        if store.user_by_email(db, form.email.data) is not None:
            form.email.errors.append(_("An account with this e-mail address exists already."))
        else:
            days = current_app.config["INVITATION_DAYS"]
            programme = int(form.programme.data) if form.programme.data else None
            invited, role = form.email.data, form.role.data
            invitation = store.create_invitation(db, invited, role, programme, current_user.id, days)
            link = absolute(url_for("auth.accept_invitation", token=invitation.token))
            mailed = mail_invitation(invited, role, link, invitation.expires_at)
            form = invite_form(db, formdata=None)  # empty again, for the next invitation
    status = 400 if form.errors else 200
    return render_template(
        "admin/users.html",
        form=form,
        users=store.list_users(db),
        roles=ROLE_LABELS,
        link=link,
        invited=invited,
        mailed=mailed,
    ), status


@bp.route("/programmes", methods=["GET", "POST"])
@requires("admin")
def programmes():
    """List the programmes with what their managers see; add one."""
    db = get_db()
    form = ProgrammeForm()
    if form.validate_on_submit():
        try:
            programmes_store.create_programme(db, form.name.data, form.managers_see_answers.data)
        except programmes_store.ProgrammeExists:
            form.name.errors.append(_("A programme with this name exists already."))
        else:
            flash(_("Programme %(name)s added.", name=form.name.data), "info")
            return redirect(url_for(".programmes"))
    return render_template("admin/programmes.html", form=form, programmes=programmes_store.programmes_overview(db)), (
        400 if form.errors else 200
    )


@bp.route("/programmes/<int:programme_id>", methods=["GET", "POST"])
@requires("admin")
def programme(programme_id: int):
    """Rename a programme, or change whether its managers may read each firm's answers."""
    db = get_db()
    found = programmes_store.get_programme(db, programme_id)
    if found is None:
        abort(404)
    form = ProgrammeForm(data={"name": found["name"], "managers_see_answers": bool(found["managers_see_answers"])})
    if form.validate_on_submit():
        try:
            programmes_store.update_programme(db, programme_id, form.name.data, form.managers_see_answers.data)
        except programmes_store.ProgrammeExists:
            form.name.errors.append(_("A programme with this name exists already."))
        else:
            flash(_("Programme %(name)s saved.", name=form.name.data), "info")
            return redirect(url_for(".programmes"))
    return render_template("admin/programme.html", form=form, programme=found), (400 if form.errors else 200)


def person(row: dict) -> str:
    """Name an account in a list of choices: name and address, and whether it may log in."""
    text = f"{row['name'] or row['email']} ({row['email']})"
    return text if row["is_active"] else _("%(person)s · deactivated", person=text)


def move_form(people: list[dict], **options) -> MoveClientsForm:
    """Return the form that moves a consultant's clients: from any consultant, to one who may log in."""
    form = MoveClientsForm(**options)
    form.source.choices = [SelectChoice(c["id"], person(c)) for c in people]
    form.target.choices = [SelectChoice(c["id"], person(c)) for c in people if c["is_active"]]
    if form.target.data is None and len(form.target.choices) > 1:
        form.target.data = form.target.choices[1].value  # not the same one as "from" to begin with
    return form


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires("admin")
def user(user_id: int):
    """Set an account's programme, or stop it logging in (its sessions end at once)."""
    db = get_db()
    found = store.user_by_id(db, user_id)
    if found is None:
        abort(404)
    form = AccountSettingsForm(data={"programme": str(found["programme_id"] or ""), "active": bool(found["is_active"])})
    form.programme.choices = programme_choices(db, _("No programme"))
    if form.validate_on_submit():
        if user_id == current_user.id and not form.active.data:
            form.active.errors.append(_("You cannot deactivate your own account."))
        else:
            programme = int(form.programme.data) if form.programme.data else None
            store.update_user(db, user_id, programme, form.active.data)
            flash(_("%(name)s saved.", name=found["name"] or found["email"]), "info")
            return redirect(url_for(".users"))
    return render_template("admin/user.html", form=form, account=found, role=ROLE_LABELS[found["role"]]), (
        400 if form.errors else 200
    )


@bp.route("/firms")
@requires("admin")
def firms():
    """Find firms by name, programme or consultant, with who follows each; move a consultant's clients."""
    people = programmes_store.consultants(get_db())
    return render_firms(get_db(), move_form(people), people)


def render_firms(db, move: MoveClientsForm, people: list[dict]):
    """Render the firms page for the query string's search, with the form that moves clients."""
    search = request.args.get("q", "").strip()[:100]
    programme = request.args.get("programme", "")
    consultant = request.args.get("consultant", "")
    found = programmes_store.find_firms(
        db, search, number(programme), number(consultant), page_number(request.args.get("page"))
    )
    return render_template(
        "admin/firms.html",
        firms=found.firms,
        total=found.total,
        page=found.page,
        pages=found.pages,
        search=search,
        programme=programme,
        consultant=consultant,
        programmes=store.list_programmes(db),
        consultants=people,
        move=move,
    ), (400 if move.errors else 200)


@bp.post("/firms/move")
@requires("admin")
def move_clients():
    """Move every client of one consultant to another of the same programme, e.g. when one leaves."""
    db = get_db()
    people = programmes_store.consultants(db)
    form = move_form(people)
    if form.validate_on_submit():
        by_id = {c["id"]: c for c in people}
        if by_id[form.source.data]["programme_id"] != by_id[form.target.data]["programme_id"]:
            # Owners agreed to their consultant's programme: clients do not change programme here.
            form.target.errors.append(_("Choose a consultant of the same programme."))
    if form.errors:
        return render_firms(db, form, people)  # the errors beside the form, the choices kept
    moved = programmes_store.move_clients(db, form.source.data, form.target.data)
    flash(_("%(num)s clients moved.", num=moved), "info")
    return redirect(url_for(".firms", consultant=form.target.data))


@bp.route("/firms/<int:firm_id>", methods=["GET", "POST"])
@requires("admin")
def firm(firm_id: int):
    """Change a firm's consultants within its programme, or take it out of the programme.

    Owners agreed to a consultant of one programme (with their code): the administrator moves
    a firm between that programme's consultants, never adds the first one, and never puts a
    firm in a programme. A firm left with no consultant leaves its programme.
    """
    db = get_db()
    found = programmes_store.firm_with_team(db, firm_id)
    if found is None:
        abort(404)
    current = found["programme_id"]
    form = FirmTeamForm(data={"programme": str(current or ""), "consultants": found["consultant_ids"]})
    programme = programmes_store.get_programme(db, current) if current else None
    form.programme.choices = [SelectChoice("", _("No programme"))] + (
        [SelectChoice(str(current), programme["name"])] if programme else []
    )
    # The programme's consultants who may log in, and any other the firm still has, to take off it.
    people = [
        c
        for c in programmes_store.consultants(db)
        if (c["is_active"] and c["programme_id"] == current) or c["id"] in found["consultant_ids"]
    ]
    form.consultants.choices = [SelectChoice(c["id"], person(c)) for c in people]
    followed = bool(found["consultant_ids"])
    if form.validate_on_submit():
        if not followed and form.consultants.data:
            form.consultants.errors.append(
                _("No consultant follows this firm: it joins a portfolio only with a code from its owner.")
            )
        else:
            kept = int(form.programme.data) if form.programme.data else None
            programmes_store.assign_firm(db, firm_id, kept, form.consultants.data)
            flash(_("%(name)s saved.", name=found["name"]), "info")
            return redirect(url_for(".firms", q=found["name"]))
    return render_template("admin/firm.html", form=form, firm=found, followed=followed), (400 if form.errors else 200)
