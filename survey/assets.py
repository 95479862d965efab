"""Serve plotly.js from the installed plotly package, compressed and cached for a year.

The app never loads anything from the internet: the charts work offline.
"""

from __future__ import annotations

import gzip
import hashlib
from functools import lru_cache
from importlib import resources
from pathlib import Path

import plotly
from flask import Flask, Response, abort, current_app, request, url_for

YEAR = 365 * 24 * 3600


@lru_cache(maxsize=1)
def plotly_bundle() -> tuple[bytes, bytes, str]:
    """Return plotly.js, its gzipped form and its ETag, read once per worker."""
    raw = resources.files("plotly").joinpath("package_data/plotly.min.js").read_bytes()
    return raw, gzip.compress(raw, compresslevel=9, mtime=0), hashlib.sha256(raw).hexdigest()[:16]


def serve_plotly(version: str) -> Response:
    """Send plotly.js, gzipped when the browser accepts it."""
    if version != plotly.__version__:
        abort(404)
    raw, packed, etag = plotly_bundle()
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    elif "gzip" in request.accept_encodings:
        response = Response(packed, mimetype="application/javascript")
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(raw, mimetype="application/javascript")
    response.set_etag(etag)
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    return response


@lru_cache(maxsize=64)
def _static_digest(folder: str, filename: str) -> str:
    return hashlib.sha256((Path(folder) / filename).read_bytes()).hexdigest()[:10]


_asset_urls: dict[tuple[str, str], str] = {}


def asset_url(filename: str) -> str:
    """Return the URL of a static file, changing whenever its content does."""
    key = (request.script_root, filename)
    found = _asset_urls.get(key)
    if found is None:
        digest = _static_digest(current_app.static_folder, filename)
        found = _asset_urls[key] = url_for("static", filename=filename, v=digest)
    return found


def security_headers(response: Response) -> Response:
    """Add the headers every response needs: no framing, no sniffing, no leaking resume links."""
    headers = response.headers
    # Resume links carry the token in the URL: never send it to another site as a referrer.
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    # Scripts only from this site (figures travel as inert JSON); plotly sets inline styles.
    headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    )
    if request.endpoint == "static" and "v" in request.args:
        headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    return response


def init_app(app: Flask) -> None:
    """Add the plotly.js route, the asset helpers for templates and the security headers."""
    app.after_request(security_headers)
    app.add_url_rule("/assets/plotly-<version>.min.js", "plotly_js", serve_plotly)
    app.jinja_env.globals["asset_url"] = asset_url
    app.jinja_env.globals["plotly_url"] = lambda: url_for("plotly_js", version=plotly.__version__)
