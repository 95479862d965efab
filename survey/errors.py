"""Error pages that say what happened in plain words, and keep what an owner typed."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError

from .i18n import gettext as _


def error_page(heading: str, message: str, status: int):
    return render_template("errors/error.html", heading=heading, message=message), status


def not_found(_error=None):
    return error_page(
        _("Page not found"),
        _("We could not find this page or assessment. If you followed your private link, check that it was "
          "copied completely."),
        404,
    )


def csrf_failed(_error: CSRFError):
    """Refuse the post and store nothing; on a questions page, show the answers again to resend."""
    if request.endpoint == "owner.section" and request.view_args:
        from .owner import redisplay_after_csrf_failure

        return redisplay_after_csrf_failure(**request.view_args)
    return error_page(
        _("Your page had expired"),
        _("For your security, forms expire after a while. Nothing was saved: go back, reload the page and try again."),
        400,
    )


def too_large(_error):
    return error_page(_("Too much data"), _("The form sent more data than any answer needs. Nothing was saved."), 413)


def not_allowed(_error):
    return error_page(_("Not allowed"), _("This page cannot be used that way. Nothing was changed."), 405)


def init_app(app: Flask) -> None:
    """Register the error pages."""
    app.register_error_handler(404, not_found)
    app.register_error_handler(405, not_allowed)
    app.register_error_handler(413, too_large)
    app.register_error_handler(CSRFError, csrf_failed)
