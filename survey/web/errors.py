"""Error pages that say what happened in plain words, in the visitor's language and the site's look."""

from __future__ import annotations

from flask import Flask, current_app, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from .language import gettext as _


def error_page(heading: str, message: str, status: int):
    """Return an error page with a heading, a sentence and a way back to the start."""
    if isinstance(request.routing_exception, SecurityError):
        # The request was refused before any URL could be built (a Host not in TRUSTED_HOSTS):
        # the page's links cannot be made, so say it in plain text.
        return f"{heading}\n\n{message}\n", status, {"Content-Type": "text/plain; charset=utf-8"}
    return render_template("errors/error.html", heading=heading, message=message), status


def not_found(_error=None):
    """Say that a page or assessment does not exist."""
    return error_page(
        _("Page not found"),
        _(
            "We could not find this page or assessment. If you followed your private link, check that it was "
            "copied completely."
        ),
        404,
    )


def csrf_failed(_error: CSRFError):
    """Refuse a post whose form expired or was not ours, and store nothing."""
    return error_page(
        _("Your page had expired"),
        _("For your security, forms expire after a while. Nothing was saved: go back, reload the page and try again."),
        400,
    )


def bad_request(_error: HTTPException):
    """Refuse a request the app cannot read."""
    return error_page(_("Something was wrong with the request"), _("Nothing was changed. Please try again."), 400)


def too_large(_error):
    """Refuse a form that sent more than any answer needs."""
    return error_page(_("Too much data"), _("The form sent more data than any answer needs. Nothing was saved."), 413)


def not_allowed(_error):
    """Refuse a method a page does not take."""
    return error_page(_("Not allowed"), _("This page cannot be used that way. Nothing was changed."), 405)


def forbidden(_error):
    """Refuse a page the logged-in account has no right to."""
    return error_page(_("Not allowed"), _("Your account cannot open this page."), 403)


def server_error(_error: InternalServerError):
    """Apologise for an unexpected failure; Flask has logged the traceback, never shown to the visitor."""
    try:
        return error_page(
            _("Something went wrong on our side"),
            _("The page could not be shown. Your saved answers are safe: please try again in a moment."),
            500,
        )
    except Exception:  # the page itself failed (a broken template, a missing catalog): say it plainly
        current_app.logger.exception("The error page failed")
        return "Internal server error", 500, {"Content-Type": "text/plain; charset=utf-8"}


def init_app(app: Flask) -> None:
    """Register the error pages."""
    app.register_error_handler(400, bad_request)
    app.register_error_handler(403, forbidden)
    app.register_error_handler(404, not_found)
    app.register_error_handler(405, not_allowed)
    app.register_error_handler(413, too_large)
    app.register_error_handler(CSRFError, csrf_failed)
    app.register_error_handler(InternalServerError, server_error)
