"""What an owner shares and with whom: read-only links to results, and consent for consultants.

Read-only links are made and revoked by whoever holds the private link; consent codes only by the
owner's private link itself, never by a consultant's key.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for

from ..store import owners, portfolios
from ..store import sharing as store
from ..store.programmes import firm_programme
from .access import SUBMITTED, Opened, absolute, opens_assessment
from .database import get_db, registry
from .forms import ConfirmForm
from .owner import render_results

bp = Blueprint("sharing", __name__)


@bp.route("/a/<token>/share", methods=["GET", "POST"])
@opens_assessment(SUBMITTED)
def share(opened: Opened):
    """List the read-only links of an assessment, and make a new one (shown once: it is stored hashed)."""
    form = ConfirmForm()
    link = None
    if form.validate_on_submit():
        link = absolute(url_for("sharing.shared", token=store.create_share(get_db(), opened.assessment["id"])))
    links = store.active_shares(get_db(), opened.assessment["id"])
    return render_template("owner/share.html", assessment=opened.assessment, links=links, link=link, form=form)


@bp.post("/a/<token>/share/<int:share_id>/revoke")
@opens_assessment(SUBMITTED, refuse=True)
def revoke(opened: Opened, share_id: int):
    """Stop a read-only link from working."""
    if not ConfirmForm().validate_on_submit() or not store.revoke_share(get_db(), opened.assessment["id"], share_id):
        abort(400)
    return redirect(url_for("sharing.share", token=opened.token))


def open_shared(token: str) -> Opened:
    """Return what a read-only link shows; 404 for an unknown or revoked one."""
    assessment = store.find_shared(get_db(), token)
    if assessment is None:
        abort(404)
    questionnaire = registry().get(get_db(), assessment["questionnaire_id"], assessment["questionnaire_version"])
    g.shared = token  # the templates link to the read-only pages and offer nothing that changes anything
    return Opened(token, assessment, questionnaire)


@bp.route("/s/<token>")
def shared(token: str):
    """Show an assessment's results, read-only."""
    return render_results(open_shared(token), "owner/results.html")


@bp.route("/s/<token>/actions")
def shared_actions(token: str):
    """Show every recommended action of a shared assessment, read-only."""
    return render_results(open_shared(token), "owner/actions.html")


def owners_own(opened: Opened) -> None:
    """Refuse a consultant's key: only the owner's private link gives or withdraws consent."""
    if opened.assessment["key_user_id"] is not None:
        abort(404)


@bp.route("/a/<token>/consultants", methods=["GET", "POST"])
@opens_assessment()
def consultants(opened: Opened):
    """List the consultants who see the firm's assessments; make a one-time code to let one more in."""
    owners_own(opened)
    form = ConfirmForm()
    firm_id = opened.assessment["firm_id"]
    code = None
    if form.validate_on_submit():
        code = portfolios.make_consent_code(get_db(), firm_id, current_app.config["INVITATION_DAYS"])
    return render_template(
        "owner/consultants.html",
        assessment=opened.assessment,
        consultants=portfolios.firm_consultants(get_db(), firm_id),
        programme=firm_programme(get_db(), firm_id),
        accounts=owners.firm_accounts(get_db(), firm_id),
        code=code,
        form=form,
    )


@bp.post("/a/<token>/consultants/<int:user_id>/withdraw")
@opens_assessment()
def withdraw(opened: Opened, user_id: int):
    """Take the firm out of a consultant's portfolio: they no longer see its assessments."""
    owners_own(opened)
    if not ConfirmForm().validate_on_submit() or not portfolios.withdraw(
        get_db(), opened.assessment["firm_id"], user_id
    ):
        abort(400)
    return redirect(url_for("sharing.consultants", token=opened.token))


@bp.post("/a/<token>/programme")
@opens_assessment()
def programme_consent(opened: Opened):
    """Let the programme's managers read the firm's answers, or stop them (they keep the aggregates)."""
    owners_own(opened)
    firm_id = opened.assessment["firm_id"]
    programme = firm_programme(get_db(), firm_id)
    if not ConfirmForm().validate_on_submit() or programme is None or not programme["managers_see_answers"]:
        abort(400)
    portfolios.share_answers_with_programme(get_db(), firm_id, request.form.get("allow") == "1")
    return redirect(url_for("sharing.consultants", token=opened.token) + "#programme-heading")


@bp.post("/a/<token>/accounts/<int:user_id>/remove")
@opens_assessment()
def remove_account(opened: Opened, user_id: int):
    """Take the firm out of an owner's account kept with its private link: that account no longer opens it."""
    owners_own(opened)
    if not ConfirmForm().validate_on_submit() or not owners.detach(get_db(), opened.assessment["firm_id"], user_id):
        abort(400)
    return redirect(url_for("sharing.consultants", token=opened.token) + "#accounts-heading")
