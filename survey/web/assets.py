"""Static files and charts: plotly.js from the installed plotly package, compressed and cached
for a year, static URLs that change with their content, and figures placed in pages.

The app never loads anything from the internet: the charts work offline.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

import plotly
from flask import Flask, Response, abort, current_app, request, url_for
from markupsafe import Markup

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


def figure_html(figure: dict, element_id: str, label: str) -> Markup:
    """Return the HTML that static/charts.js turns into a chart, with the figure as inert JSON."""
    # "<" escaped as \u003c: no text in the figure can close the script element.
    payload = json.dumps(figure, separators=(",", ":"), ensure_ascii=False).replace("<", "\\u003c")
    return Markup(
        f'<div class="chart" id="{element_id}" role="img" aria-label="{Markup.escape(label)}"></div>'
        f'<script type="application/json" data-chart="{element_id}">{payload}</script>'
    )


def init_app(app: Flask) -> None:
    """Add the plotly.js route and the asset helpers for templates."""
    app.add_url_rule("/assets/plotly-<version>.min.js", "plotly_js", serve_plotly)
    app.jinja_env.globals["asset_url"] = asset_url
    app.jinja_env.globals["figure_html"] = figure_html
    app.jinja_env.globals["plotly_url"] = lambda: url_for("plotly_js", version=plotly.__version__)
