"""Spanish and English: the language of each request, and the switch on every page."""

from __future__ import annotations

import os
from datetime import datetime
from urllib.parse import urlsplit

from babel import support
from flask import Flask, current_app, g, redirect, request
from flask_babel import Babel, format_date

LANGUAGE_COOKIE = "lang"


_catalogs: dict[str, support.NullTranslations] = {}


def translations() -> support.NullTranslations:
    """Return the catalog of the request's language, loaded once per worker.

    Flask-Babel finds it again on every call, through several context lookups: a results page
    makes hundreds of calls, and that lookup was a fifth of its time.
    """
    code = language()
    found = _catalogs.get(code)
    if found is None:
        folder = os.path.join(current_app.root_path, "translations")
        found = _catalogs[code] = support.Translations.load(folder, [code])
    return found


def gettext(message: str, **variables) -> str:
    """Translate a message into the request's language, then fill in its variables."""
    text = translations().ugettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """Translate a message that depends on a number, then fill in num and its variables."""
    variables.setdefault("num", num)
    return translations().ungettext(singular, plural, num) % variables


def language() -> str:
    """Return the request's language code, chosen once per request."""
    found = g.get("_language")
    if found is None:
        found = g._language = select_language()
    return found


def select_language() -> str:
    """Return the chosen language, else the browser's, else Spanish."""
    offered = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in offered:
        return chosen
    return request.accept_languages.best_match(offered, default=current_app.config["BABEL_DEFAULT_LOCALE"])


def switch_language(code: str):
    """Remember a language and go back to the page the switch was on."""
    if code not in current_app.config["LANGUAGES"]:
        return ("Unknown language", 404)
    target = request.args.get("next", "/")
    parts = urlsplit(target)
    # Only paths on this site: an open redirect would let a link send owners anywhere.
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        target = "/"
    response = redirect(target)
    response.set_cookie(LANGUAGE_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


def init_app(app: Flask) -> None:
    """Set up Flask-Babel and the language switch route."""
    Babel(app, locale_selector=language)  # the same cached choice as our own gettext
    app.jinja_env.install_gettext_callables(
        lambda message: translations().ugettext(message),
        lambda singular, plural, num: translations().ungettext(singular, plural, num),
        newstyle=True,
    )
    app.jinja_env.globals["current_language"] = language
    app.jinja_env.filters["day"] = lambda stamp: format_date(datetime.fromisoformat(stamp), "medium")
    app.add_url_rule("/language/<code>", "switch_language", switch_language)
