"""The administrator's pages: accounts, and invitations to create one."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, url_for
from flask_login import current_user
from wtforms import SelectChoice

from ..store import users as store
from .access import absolute
from .account_forms import ROLE_LABELS, InviteForm
from .accounts import requires
from .database import get_db
from .language import gettext as _
from .mail import MailNotSent, invitation_message, mail_configured, send

bp = Blueprint("admin", __name__, url_prefix="/admin")


def invite_form(db, **options) -> InviteForm:
    """Return the invitation form, offering the programmes there are."""
    form = InviteForm(**options)
    programmes = [SelectChoice(str(p["id"]), p["name"]) for p in store.list_programmes(db)]
    form.programme.choices = [SelectChoice("", _("No programme"))] + programmes
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
