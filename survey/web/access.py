"""The one place that decides who may open a firm's data, and the one way a view opens an assessment.

An assessment opens from the token in its URL: the owner's private link, or a key made for one
logged-in account, which opens it only for that account and only while it may open the firm.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import NamedTuple

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_login import current_user

from ..core.model import Questionnaire
from ..store.assessments import find_assessment
from ..store.owners import is_owner
from ..store.portfolios import assessment_firm, is_assigned
from ..store.programmes import manager_may_read
from .database import get_db, registry
from .language import gettext as _

DRAFT, SUBMITTED = "draft", "submitted"


class Opened(NamedTuple):
    """An assessment opened by its private link, with the questionnaire version it is answered on."""

    token: str
    assessment: dict
    questionnaire: Questionnaire


def may_open_firm(firm_id: int) -> bool:
    """Whether the logged-in account may see and change a firm's assessments, answers and notes.

    Admins may; consultants, for the firms of their portfolio; owners, for the firms they
    attached to their account (anyone, through a private link). Programme managers change
    nothing: see may_read_firm.
    """
    if not current_user.is_authenticated:
        return False
    if current_user.role == "admin":
        return True
    if current_user.role == "consultant":
        return is_assigned(get_db(), firm_id, current_user.id)
    return current_user.role == "owner" and is_owner(get_db(), firm_id, current_user.id)


def firm_of_assessment(assessment_id: int) -> int:
    """Return an assessment's firm when the account may open it; 404 for any other, as for none."""
    firm_id = assessment_firm(get_db(), assessment_id)
    if firm_id is None or not may_open_firm(firm_id):
        abort(404)
    return firm_id


def may_read_firm(firm_id: int) -> bool:
    """Whether the logged-in account may read a firm's individual answers and scores.

    Those who may open the firm may; a programme manager only for a firm of their programme,
    and only when the programme lets its managers see individual answers.
    """
    if may_open_firm(firm_id):
        return True
    return (
        current_user.is_authenticated
        and current_user.role == "manager"
        and manager_may_read(get_db(), firm_id, current_user.programme_id)
    )


def find_opened(token: str) -> Opened | None:
    """Return what a token opens, or None; remember it for the templates."""
    assessment = find_assessment(get_db(), token)
    if assessment is None:
        return None
    holder = assessment["key_user_id"]
    if holder is not None and not (
        current_user.is_authenticated and current_user.id == holder and may_open_firm(assessment["firm_id"])
    ):
        return None  # a key works only for its own account, and only while that account may open the firm
    if holder is not None and current_user.role == "owner":
        # An owner's key opens the pages as the firm's private link does: their own, not a consultant's.
        assessment = assessment | {"key_user_id": None}
    questionnaire = registry().get(get_db(), assessment["questionnaire_id"], assessment["questionnaire_version"])
    g.token, g.questionnaire = token, questionnaire
    return Opened(token, assessment, questionnaire)


def wrong_state(opened: Opened, status: str, explain: bool = True):
    """Send the owner where an assessment in its state belongs, saying why unless `explain` is False."""
    if status == DRAFT:
        if explain:
            flash(_("This assessment has been submitted and can no longer be changed."))
        return redirect(url_for("owner.results", token=opened.token))
    return redirect(url_for("owner.resume", token=opened.token))


def opens_assessment(status: str | None = None, refuse: bool = False, explain: bool = True) -> Callable:
    """Make a view take the assessment of its URL's token, answering 404 for an unknown token.

    With `status`, an assessment in the other state is sent where it belongs (a submitted one
    to its results, with a message unless `explain` is False; a draft to where its owner
    resumes), or refused with 400 if `refuse`.
    """

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(token: str, **values):
            opened = find_opened(token)
            if opened is None:
                abort(404)
            if status is not None and opened.assessment["status"] != status:
                if refuse:
                    abort(400)
                return wrong_state(opened, status, explain)
            return view(opened, **values)

        return wrapper

    return decorate


def absolute(path: str) -> str:
    """Return the full address of a path on this site, as owners copy and share it.

    Built from BASE_URL when it is set, not from the Host header a client chose: a forged
    header must not put another site's address on the page an owner copies.
    """
    base = current_app.config["BASE_URL"]
    return (base.rstrip("/") if base else request.host_url.rstrip("/")) + path


def private_link(token: str) -> str:
    """Return the full address of an assessment's private link."""
    return absolute(url_for("owner.resume", token=token))
