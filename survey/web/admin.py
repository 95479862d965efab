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

bp = Blueprint("admin", __name__, url_prefix="/admin")


def invite_form(db, **options) -> InviteForm:
    """Return the invitation form, offering the programmes there are."""
    form = InviteForm(**options)
    programmes = [SelectChoice(str(p["id"]), p["name"]) for p in store.list_programmes(db)]
    form.programme.choices = [SelectChoice("", _("No programme"))] + programmes
    return form


@bp.route("/users", methods=["GET", "POST"])
@requires("admin")
def users():
    """List the accounts, and invite someone with a single-use link that expires."""
    db = get_db()
    form = invite_form(db)
    link = None
    if form.validate_on_submit():
        if store.user_by_email(db, form.email.data) is not None:
            form.email.errors.append(_("An account with this e-mail address exists already."))
        else:
            days = current_app.config["INVITATION_DAYS"]
            programme = int(form.programme.data) if form.programme.data else None
            token = store.create_invitation(db, form.email.data, form.role.data, programme, current_user.id, days)
            link = absolute(url_for("auth.accept_invitation", token=token))
            form = invite_form(db, formdata=None)  # empty again, for the next invitation
    status = 400 if form.errors else 200
    return render_template(
        "admin/users.html", form=form, users=store.list_users(db), roles=ROLE_LABELS, link=link
    ), status
