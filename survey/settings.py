"""The app's settings with their defaults, and the secret key kept in the instance folder.

Every key here is documented in the README's configuration table (a test checks it). Set them
in instance/config.py, or as environment variables prefixed with SURVEY_ (SURVEY_BASE_URL=...).
"""

from __future__ import annotations

import contextlib
import os
import secrets

from .core.profile import REGIONS

DEFAULTS = {
    "SECRET_KEY": None,  # None: made once and kept in instance/secret_key (see secret_key())
    "DATABASE": None,  # None: instance/survey.sqlite3
    "DATABASE_TIMEOUT": 10.0,
    "QUESTIONNAIRES": None,  # None: the questionnaires/ folder beside the package
    "DEFAULT_QUESTIONNAIRE": "readiness",
    "REGIONS": REGIONS,
    "LANGUAGES": ["es", "en"],
    "BABEL_DEFAULT_LOCALE": "es",
    "PEER_GROUP_MINIMUM": 5,
    "SECTION_CACHE_SIZE": 2048,  # rendered question blocks kept per worker; 0 turns it off
    # The address owners reach the site at, e.g. "https://encuesta.example.org": private links
    # are built from it rather than from the Host header a client sends.
    "BASE_URL": None,
    "TRUSTED_HOSTS": None,  # None: the host of BASE_URL when it is set, else any host
    # How many proxies (nginx) stand in front of the app: their X-Forwarded-For and -Proto headers
    # give the client's address (for login limits) and scheme. 0: trust no such header.
    "TRUSTED_PROXIES": 0,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SECURE": False,
    # The most a request body may hold; nginx's client_max_body_size in deploy/ matches it.
    "MAX_CONTENT_LENGTH": 256 * 1024,
    # One line per request on standard error: method, path with its secrets masked, status, time, client.
    "REQUEST_LOG": True,
    # Accounts: a session ends after this long without use, and in any case after 12 hours.
    "SESSION_IDLE_MINUTES": 120,
    "PERMANENT_SESSION_LIFETIME": 12 * 3600,
    # Login attempts allowed per account and per client address within the window, counted in
    # the database so that every worker counts the same ones.
    "LOGIN_ATTEMPTS_PER_ACCOUNT": 5,
    "LOGIN_ATTEMPTS_PER_ADDRESS": 30,
    "LOGIN_WINDOW_SECONDS": 900,
    "INVITATION_DAYS": 7,  # how long an invitation link can be used
    # E-mail for invitations, through an SMTP server. No MAIL_SERVER: nothing is sent, and the
    # admin passes the link on; with one, the link is sent and still shown, in case it is lost.
    "MAIL_SERVER": "",
    "MAIL_PORT": 587,
    "MAIL_USE_TLS": True,  # STARTTLS; a server that does not offer it gets no message at all
    "MAIL_USE_SSL": False,  # TLS from the first byte (port 465, usually); MAIL_USE_TLS is then not used
    "MAIL_USERNAME": "",  # empty: no login
    "MAIL_PASSWORD": "",
    "MAIL_FROM": "",  # needed with MAIL_SERVER, e.g. "Diagnóstico <encuesta@example.org>"
    "MAIL_TIMEOUT": 10.0,  # seconds to wait for the server, each step: the admin's page waits too
    # The fewest firms a group may hold to be shown in aggregate views (the analysis views in
    # Datasette): a smaller group's figures could be traced to its firms.
    "PRIVACY_MIN_GROUP": 5,
    # The most assessments an XLSX export builds while the page waits (XlsxWriter writes about
    # 1,500 rows a second); a bigger one is made by a process of its own. CSV and JSON stream.
    "XLSX_INLINE_ROWS": 2000,
    # A demonstration site: `seed-demo --with-users` may create accounts whose passwords it prints,
    # and exports hold the demo firms (on a real site they would only blur the figures).
    "DEMO": False,
    # A slow owner must not lose a page of answers to an expired token: the section view
    # keeps what was typed and asks to save again; the lifetime only bounds replay.
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,
    "COMPRESS_MIMETYPES": ["text/html", "text/css", "application/javascript", "application/json"],
    "COMPRESS_MIN_SIZE": 500,
    "COMPRESS_ALGORITHM": ["gzip"],
    "COMPRESS_ALGORITHM_STREAMING": ["gzip"],  # static files are sent as streams
    "COMPRESS_LEVEL": 3,  # measured: within 1-8% of level 6's size on our pages, for half the time
    # Static URLs carry a digest of the file (web.assets.asset_url), so browsers may keep them.
    "SEND_FILE_MAX_AGE_DEFAULT": 365 * 24 * 3600,
}

SECRET_KEY_FILE = "secret_key"


def secret_key(instance_path: str) -> str:
    """Return the key kept in the instance folder, making it on first use.

    Several workers may start at once: each writes a candidate to a file of its own, and the
    first to link it under the shared name wins; the others read the winner's. The shared file
    therefore never exists half-written.
    """
    path = os.path.join(instance_path, SECRET_KEY_FILE)
    try:
        if not os.path.exists(path):
            candidate = f"{path}.{os.getpid()}.{secrets.token_hex(4)}"
            fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                with os.fdopen(fd, "w", encoding="ascii") as kept:
                    kept.write(secrets.token_hex(32) + "\n")
                    kept.flush()
                    os.fsync(kept.fileno())
                with contextlib.suppress(FileExistsError):  # another worker was first: use its key
                    os.link(candidate, path)
            finally:
                os.unlink(candidate)
        with open(path, encoding="ascii") as kept:
            key = kept.read().strip()
    except OSError as error:
        raise RuntimeError(
            f"cannot keep the secret key in {path} ({error.strerror}): make the instance folder writable by the "
            f"app's user, or set SECRET_KEY in instance/config.py or SURVEY_SECRET_KEY"
        ) from error
    if len(key) < 32:
        raise RuntimeError(
            f"{path} holds no usable key: delete it to make a new one, or put 64 random hex digits in it"
        )
    return key
