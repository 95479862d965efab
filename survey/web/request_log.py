"""One log line per request: method, path, status, time taken and client address.

Resume and invitation links carry their secret in the path, so a path is logged with the rule
it matched and every secret part masked (`/a/***/section/2`); a path no rule matched has the
segment masked that would hold a token in a rule that takes one (`/a/<token>...`). Query
strings (a login's `next=` can hold a link) and bodies (answers) are never logged.
"""

from __future__ import annotations

import logging
import re
import sys
import time

from flask import Flask, current_app, g, request

# The URL parts that are secrets: whoever has one can open a firm's answers or an invitation.
SECRET_ARGUMENTS = frozenset({"token"})
MASK = "***"
_PLACEHOLDER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
_SLASHES = re.compile(r"/{2,}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

logger = logging.getLogger("survey.requests")


def logged_path() -> str:
    """Return the request's path with its secrets masked, no query string, and no control character."""
    rule, values = request.url_rule, request.view_args
    if rule is None or values is None:
        # Werkzeug redirects /a//<token> to /a/<token> before any rule matches: mask it as that.
        path = _SLASHES.sub("/", request.path)
        return printable(current_app.extensions["secret_paths"].sub(rf"\1{MASK}", path))

    def part(match: re.Match) -> str:
        name = match.group(1)
        return MASK if name in SECRET_ARGUMENTS else str(values.get(name, match.group(0)))

    return printable(_PLACEHOLDER.sub(part, rule.rule))


def printable(text: str) -> str:
    """Escape control characters: a path holding a line break must not write a line of its own."""
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def log_exception(exc_info) -> None:
    """Log an unhandled error with its traceback, naming the request by its masked path.

    Flask's own version names the raw path, resume token and all.
    """
    current_app.logger.error("Exception on %s [%s]", logged_path(), printable(request.method), exc_info=exc_info)


def start_timer() -> None:
    """Note when the request started."""
    g.request_started = time.perf_counter()


def log_request(response):
    """Write the request's line: `GET /a/***/results 200 12.3 ms 203.0.113.9`."""
    started = g.pop("request_started", None)
    if request.path == "/healthz" and response.status_code == 200:
        return response  # a monitor asking every few seconds would bury the owners' requests
    took = (time.perf_counter() - started) * 1000 if started is not None else 0.0
    method, address = printable(request.method), printable(str(request.remote_addr))
    logger.info("%s %s %s %.1f ms %s", method, logged_path(), response.status_code, took, address)
    return response


def secret_paths(app: Flask) -> re.Pattern:
    """Return a pattern of the path prefixes a secret follows in the app's rules (`/a/`, `/s/`, ...)."""
    prefixes = set()
    for rule in app.url_map.iter_rules():
        for name in SECRET_ARGUMENTS:
            before, found, _after = rule.rule.partition(f"<{name}>")
            if found and not _PLACEHOLDER.search(before):
                prefixes.add(re.escape(before))
    return re.compile(rf"^({'|'.join(sorted(prefixes)) or '(?!)'})[^/]+")


def init_app(app: Flask) -> None:
    """Log every request at INFO to standard error (gunicorn hands it to the journal), unless REQUEST_LOG is off.

    Called after every blueprint is registered: the rules tell which paths hold secrets. Errors
    are logged with the path masked either way.
    """
    app.extensions["secret_paths"] = secret_paths(app)
    app.log_exception = log_exception  # type: ignore[method-assign]
    if not app.config["REQUEST_LOG"]:
        return
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("[%(asctime)s] [%(process)d] request %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    app.before_request_funcs.setdefault(None, []).insert(0, start_timer)  # first, to time the others too
    app.after_request(log_request)
