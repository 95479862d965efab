"""Owners' own accounts: sign up, keep a firm's assessments together by their private links, open them."""

from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..store import owners as store
from ..store import portfolios
from ..store import users as store_users
from .access import Opened, firm_of_assessment, opens_assessment
from .account_forms import AttachForm, RegisterForm
from .accounts import load_account, requires
from .auth import home_of, start_session
from .database import get_db
from .forms import ConfirmForm
from .language import gettext as _
from .language import local_path
from .passwords import hash_password

bp = Blueprint("owners", __name__)

# The token of a private link, pasted as the whole address or as the token alone.
LINK_TOKEN = re.compile(r"(?:^|/a/)([A-Za-z0-9_-]{20,100})(?:[/?#]|$)")


def too_many(key: str) -> bool:
    """Count an attempt against a key (an address signing up, an account pasting links); True: refuse it."""
    config = current_app.config
    return bool(
        store_users.admit_attempt(get_db(), {key: config["LOGIN_ATTEMPTS_PER_ADDRESS"]}, config["LOGIN_WINDOW_SECONDS"])
    )


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Let an owner make an account of their own; then back where they came from, or to their firms."""
    if current_user.is_authenticated:
        return redirect(home_of(current_user))
    form = RegisterForm()
    status = 200
    if form.validate_on_submit():
        if too_many(f"register:{request.remote_addr}"):
            form.email.errors.append(_("Too many accounts made from here. Try again later."))
            status = 429
        else:
            try:
                if store_users.invitation_pending(get_db(), form.email.data):
                    raise store_users.EmailTaken(form.email.data)  # the invited person's address stays theirs
                user_id = store_users.create_user(
                    get_db(), form.email.data, "owner", hash_password(form.password.data), form.name.data
                )
            except store_users.EmailTaken:
                form.email.errors.append(_("An account with this e-mail address exists already. Log in instead."))
            else:
                start_session(load_account(f"{user_id}:1"))
                flash(_("Welcome: your account is ready."), "info")
                back = local_path(request.args.get("next"))
                # Signed up from an assessment's own pages: that is the assessment to keep.
                if back and (found := LINK_TOKEN.search(back)) and store.attach(get_db(), found.group(1), user_id):
                    flash(_("The assessment is now in your account."), "info")
                return redirect(back or url_for(".mine"))
    return render_template("owners/register.html", form=form), (400 if form.errors and status == 200 else status)


@bp.route("/my")
@requires("owner")
def mine():
    """List the owner's firms with every assessment, each to open; attach another by its private link."""
    return render_template(
        "owners/mine.html", firms=store.owner_firms(get_db(), current_user.id), form=AttachForm(), confirm=ConfirmForm()
    )


@bp.post("/my/attach")
@requires("owner")
def attach():
    """Keep an assessment (and its firm's others) in the account, given its private link."""
    form = AttachForm()
    status = 400
    if form.validate_on_submit():
        found = LINK_TOKEN.search(form.link.data)
        if too_many(f"attach:{current_user.id}"):
            form.link.errors.append(_("Too many links tried. Try again later."))
            status = 429
        elif found is None or (firm_id := store.attach(get_db(), found.group(1), current_user.id)) is None:
            form.link.errors.append(_("This link opens no assessment. Copy the whole private link and paste it here."))
        else:
            flash(_("The assessment is now in your account."), "info")
            return redirect(url_for(".mine") + f"#firm-{firm_id}")
    firms = store.owner_firms(get_db(), current_user.id)
    return render_template("owners/mine.html", firms=firms, form=form, confirm=ConfirmForm()), status


@bp.post("/a/<token>/keep")
@opens_assessment()
def keep(opened: Opened):
    """Keep the assessment this private link opens in the logged-in owner's account."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not (current_user.is_authenticated and current_user.role == "owner"):
        abort(403)
    if store.attach(get_db(), opened.token, current_user.id) is None:
        abort(404)  # a key, not the private link: nothing to attach
    flash(_("The assessment is now in your account."), "info")
    return redirect(url_for(".mine") + f"#firm-{opened.assessment['firm_id']}")


@bp.post("/my/firms/<int:firm_id>/detach")
@requires("owner")
def detach(firm_id: int):
    """Take a firm out of the account; its private links keep working for whoever holds them."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not store.detach(get_db(), firm_id, current_user.id):
        abort(404)
    flash(_("The firm is no longer in your account. Its private links still work."), "info")
    return redirect(url_for(".mine"))


@bp.post("/my/assessments/<int:assessment_id>/open")
@requires("owner")
def open_assessment(assessment_id: int):
    """Open one of the account's assessments with a key of the owner's own."""
    firm_of_assessment(assessment_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return redirect(url_for("owner.resume", token=portfolios.make_key(get_db(), assessment_id, current_user.id)))
