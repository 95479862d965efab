"""Read-only links to an assessment's results: made and revoked by whoever holds its private link."""

from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, url_for

from ..store import sharing as store
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
