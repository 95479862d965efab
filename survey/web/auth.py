"""Logging in and out, changing one's password, and accepting an invitation."""

from __future__ import annotations

import math
import sys
import time

import click
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from ..store import users as store
from ..store.schema import migrate
from .account_forms import ROLE_LABELS, AcceptInvitationForm, LoginForm, PasswordChangeForm
from .accounts import check_login, load_account
from .database import get_db
from .language import gettext as _
from .language import local_path
from .passwords import PASSWORD_MINIMUM, hash_password, password_problem

bp = Blueprint("auth", __name__, cli_group=None)  # its command is `flask create-user`


def attempt_keys(email: str) -> dict[str, int]:
    """The counters a login attempt is charged to, with their limits: the account and the address."""
    config = current_app.config
    return {
        f"account:{email.strip().lower()}": config["LOGIN_ATTEMPTS_PER_ACCOUNT"],
        f"address:{request.remote_addr}": config["LOGIN_ATTEMPTS_PER_ADDRESS"],
    }


def refuse_guesses(keys: dict[str, int]) -> str | None:
    """Count an attempt against each key; return why it must wait, or None when it may go on."""
    wait = store.admit_attempt(get_db(), keys, current_app.config["LOGIN_WINDOW_SECONDS"])
    if not wait:
        return None
    return _("Too many attempts to log in. Try again in %(num)s minutes.", num=math.ceil(wait / 60))


def start_session(account) -> None:
    """Log an account in on a fresh session: nothing from before the login carries over."""
    session.clear()
    session.permanent = True
    session["started"] = session["seen"] = time.time()
    login_user(account)
    store.record_login(get_db(), account.id)


HOMES = {
    "consultant": "consultant.portfolio",
    "owner": "owners.mine",
    "manager": "programme.dashboard",
    "admin": "admin.firms",
}
HOME_LABELS = {
    "consultant": _l("Your clients"),
    "owner": _l("Your firms"),
    "manager": _l("Your programme"),
    "admin": _l("Administration"),
}


def home_of(account) -> str:
    """Return the page an account starts on: a consultant's clients, an owner's firms, a manager's programme."""
    return url_for(HOMES[account.role])


@bp.app_context_processor
def account_links() -> dict:
    """Let every page link to the logged-in account's own start page."""
    return {"account_home": lambda: home_of(current_user), "home_labels": HOME_LABELS}


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Ask for an e-mail address and a password; a few wrong tries make the next ones wait."""
    form = LoginForm()
    if session.pop("expired", False):
        flash(_("Your session ended after a while without use. Please log in again."), "info")
    if form.validate_on_submit():
        refused = refuse_guesses(attempt_keys(form.email.data))
        if refused:
            return render_template("auth/login.html", form=form, refusal=refused), 429
        account = check_login(form.email.data, form.password.data)
        if account is None:
            # The same words for an unknown address and a wrong password.
            return render_template("auth/login.html", form=form, refusal=_("Wrong e-mail or password.")), 400
        store.forget_attempts(get_db(), f"account:{form.email.data.strip().lower()}")
        # A training room shares one address: its successful logins must not lock it out.
        store.forget_last_attempt(get_db(), f"address:{request.remote_addr}")
        start_session(account)
        return redirect(local_path(request.args.get("next")) or home_of(account))
    return render_template("auth/login.html", form=form, refusal=None), 400 if form.errors else 200


@bp.post("/logout")
def logout():
    """End the account's sessions, here and on any copy of this session's cookie, and go to the start page."""
    if current_user.is_authenticated:
        # The session is a signed cookie: a copy would outlive a logout that only forgot it here.
        store.end_sessions(get_db(), current_user.id)
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("owner.landing"))


@bp.route("/account")
@login_required
def account():
    """Say who is logged in, in which role, and what they can do."""
    return render_template("auth/account.html", role=ROLE_LABELS[current_user.role])


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's password after typing the current one; other sessions end."""
    form = PasswordChangeForm()
    form.email = current_user.email
    if form.validate_on_submit():
        key = f"account:{current_user.email.strip().lower()}"
        refused = refuse_guesses({key: current_app.config["LOGIN_ATTEMPTS_PER_ACCOUNT"]})
        if refused:
            form.current.errors.append(refused)
            return render_template("auth/password.html", form=form), 429
        if check_login(current_user.email, form.current.data) is None:
            form.current.errors.append(_("This is not your current password."))
        else:
            store.forget_attempts(get_db(), key)
            store.set_password(get_db(), current_user.id, hash_password(form.password.data))
            start_session(load_account(f"{current_user.id}:{current_user.row['session_version'] + 1}"))
            flash(_("Your password has been changed."), "info")
            return redirect(url_for("auth.account"))
    return render_template("auth/password.html", form=form), 400 if form.errors else 200


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """Let the holder of an invitation link choose a name and password, once."""
    try:
        invitation = store.open_invitation(get_db(), token)
    except store.InvitationUnusable:
        abort(404)
    form = AcceptInvitationForm()
    form.email = invitation["email"]
    if form.validate_on_submit():
        try:
            user_id = store.accept_invitation(get_db(), token, form.name.data, hash_password(form.password.data))
        except (store.InvitationUnusable, store.EmailTaken):
            abort(404)
        start_session(load_account(f"{user_id}:1"))
        flash(_("Welcome: your account is ready."), "info")
        return redirect(home_of(current_user))
    return render_template(
        "auth/invitation.html", form=form, invitation=invitation, role=ROLE_LABELS[invitation["role"]]
    ), 400 if form.errors else 200


@bp.cli.command("create-user")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(store.ROLES), help="What the account may do.")
@click.option("--name", default="", help="The person's name, as pages show it.")
@click.option("--programme", default=None, help="The programme a manager or consultant works for (made if new).")
def create_user_command(email: str, role: str, name: str, programme: str | None) -> None:
    """Create an account; the password is asked for, or read from standard input, never from the command line.

    Example: flask --app survey create-user ana@example.org --role admin --name "Ana Quispe"
    """
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    problem = password_problem(password, email)
    if problem:
        raise click.ClickException(problem % {"num": PASSWORD_MINIMUM})
    db = get_db()
    migrate(db)
    programme_id = store.ensure_programme(db, programme) if programme else None
    try:
        store.create_user(db, email, role, hash_password(password), name, programme_id)
    except store.EmailTaken:
        raise click.ClickException(f"an account with the address {email} exists already") from None
    click.echo(f"Created the {role} account {email}. Log in at /login.")
