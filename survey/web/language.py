"""Spanish and English: the language of each request, and the switch on every page."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, g, redirect, request
from flask_babel import Babel, format_date

from ..reports.labels import Words, words

LANGUAGE_COOKIE = "lang"


def language() -> str:
    """Return the request's language code, chosen once per request."""
    found = g.get("_language")
    if found is None:
        found = g._language = select_language()
    return found


def select_language() -> str:
    """Return the chosen language, else the browser's, else the default (Spanish)."""
    offered = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in offered:
        return chosen
    return request.accept_languages.best_match(offered, default=current_app.config["BABEL_DEFAULT_LOCALE"])


def say() -> Words:
    """Return the words of the request's language.

    Looked up once per request, not through Flask-Babel: a results page makes hundreds of
    calls, and Flask-Babel's per-call context lookup was a fifth of its time.
    """
    found = g.get("_words")
    if found is None:
        found = g._words = words(language())
    return found


def gettext(message: str, **variables) -> str:
    """Translate a message into the request's language, then fill in its variables."""
    return say()(message, **variables)


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """Translate a message that depends on a number, then fill in num and its variables."""
    return say().plural(singular, plural, num, **variables)


def local_path(target: str | None) -> str | None:
    """Return `target` if it is a path on this site, else None.

    Only paths: an open redirect would let a link send owners anywhere. Values that URL
    parsers disagree on (backslashes, control characters, unbalanced brackets) are refused.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if any(ord(c) < 0x20 or c in "\\\x7f" for c in target):
        return None
    try:
        parts = urlsplit(target)
    except ValueError:
        return None
    if parts.scheme or parts.netloc:
        return None
    return target


def came_from() -> str:
    """Return the page the visitor came from, when it is on this site, else the home page."""
    referrer = request.referrer or ""
    if referrer.startswith(request.host_url):
        found = local_path("/" + referrer[len(request.host_url) :])
        if found:
            return found
    return request.script_root + "/"


def remember_language(response, code: str):
    """Keep a visitor's choice of language for a year; the response may lead to a private link."""
    response.set_cookie(LANGUAGE_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    response.headers["Cache-Control"] = "no-store"
    return response


def switch_language(code: str):
    """Remember a language and go back to the page the switch was on."""
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    return remember_language(redirect(local_path(request.args.get("next")) or came_from()), code)


def format_day(stamp: str) -> str:
    """Return the day of an ISO timestamp as the visitor's language writes it, e.g. "25 nov 2026"."""
    return format_date(datetime.fromisoformat(stamp), "medium")


def init_app(app: Flask) -> None:
    """Set up Flask-Babel and the language switch route."""
    Babel(app, locale_selector=language)  # the same cached choice as our own gettext
    app.jinja_env.install_gettext_callables(
        lambda message: say().catalog.ugettext(message),
        lambda singular, plural, num: say().catalog.ungettext(singular, plural, num),
        newstyle=True,
    )
    app.jinja_env.globals["current_language"] = language
    app.jinja_env.filters["day"] = format_day
    app.add_url_rule("/language/<code>", "switch_language", switch_language)
