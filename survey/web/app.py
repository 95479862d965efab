"""The Flask application: settings, extensions, questionnaires and blueprints put together."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from ..core.questionnaire import load_folder
from ..reports.labels import SOURCE_LANGUAGE, catalog
from ..settings import DEFAULTS, secret_key
from ..store.versions import Registry, check_database

PACKAGE = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """A setting the app cannot run with; the message says which and how to fix it."""


def check_settings(config: dict) -> None:
    """Refuse settings that would fail on every request rather than at start."""
    base = config["BASE_URL"]
    if base:
        parts = urlsplit(base)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.path.strip("/"):
            raise SettingsError(
                f"BASE_URL must be the site's scheme and host, like https://encuesta.example.org, not {base!r}"
            )
        if parts.query or parts.fragment:
            raise SettingsError(f"BASE_URL must not have a query or fragment: {base!r}")
    if config["BABEL_DEFAULT_LOCALE"] not in config["LANGUAGES"]:
        raise SettingsError(
            f"BABEL_DEFAULT_LOCALE {config['BABEL_DEFAULT_LOCALE']!r} must be one of LANGUAGES {config['LANGUAGES']!r}"
        )
    if config["MAIL_SERVER"] and not config["MAIL_FROM"]:
        raise SettingsError(
            "MAIL_FROM must be set when MAIL_SERVER is: the address invitations come from, like encuesta@example.org"
        )
    if config["MAIL_SERVER"] and not base:
        # An e-mailed link built from the Host header of the admin's request could name another site.
        raise SettingsError("BASE_URL must be set when MAIL_SERVER is: invitation links are built from it")


def build_app(test_config: dict | None = None, instance_path: str | None = None) -> Flask:
    """Build the app; see survey.create_app."""
    app = Flask("survey", root_path=str(PACKAGE), instance_path=instance_path, instance_relative_config=True)
    app.config.from_mapping(copy.deepcopy(DEFAULTS))  # each app its own lists
    app.config.update(
        DATABASE=os.path.join(app.instance_path, "survey.sqlite3"),
        QUESTIONNAIRES=str(PACKAGE.parent / "questionnaires"),
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("SURVEY")
    else:
        app.config.from_mapping(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = secret_key(app.instance_path)
    check_settings(app.config)
    if app.config["TRUSTED_PROXIES"]:
        # Behind nginx every request comes from 127.0.0.1: take the client's address and scheme
        # from the headers the trusted proxies add, and from no one else's.
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    if app.config["TRUSTED_HOSTS"] is None and app.config["BASE_URL"]:
        app.config["TRUSTED_HOSTS"] = [urlsplit(app.config["BASE_URL"]).hostname]
    for language in app.config["LANGUAGES"]:
        if language != SOURCE_LANGUAGE:
            catalog(language)  # a missing catalog stops the start, naming the command that makes it

    from . import (
        accounts,
        admin,
        arguments,
        assets,
        auth,
        consultant,
        database,
        errors,
        exports,
        headers,
        health,
        language,
        owner,
        owner_account,
        plans,
        programme,
        progress,
        request_log,
        sharing,
        verify,
    )
    from .extensions import compress, csrf

    questionnaires = load_folder(app.config["QUESTIONNAIRES"])
    for warning in (w for questionnaire in questionnaires.values() for w in questionnaire.warnings):
        app.logger.warning("questionnaire warning: %s", warning)
    check_database(app.config["DATABASE"], questionnaires)
    app.extensions["questionnaires"] = Registry(questionnaires)

    arguments.init_app(app)  # before any route: every <int:...> is bounded
    database.init_app(app)
    csrf.init_app(app)
    accounts.init_app(app)
    compress.init_app(app)
    language.init_app(app)
    assets.init_app(app)
    headers.init_app(app)
    errors.init_app(app)
    app.register_blueprint(owner.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(consultant.bp)
    app.register_blueprint(sharing.bp)
    app.register_blueprint(progress.bp)
    app.register_blueprint(plans.bp)
    app.register_blueprint(verify.bp)
    app.register_blueprint(owner_account.bp)
    app.register_blueprint(programme.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(health.bp)
    request_log.init_app(app)  # after the routes, which say where secrets are
    return app
