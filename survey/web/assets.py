"""Charts and static URLs: the plotly.js bundle a chart needs, static URLs that change with their
content, and figures placed in pages.

The app never loads anything from the internet: the charts work offline.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from importlib import resources
from pathlib import Path

import plotly
from flask import Flask, Response, abort, current_app, request, url_for
from markupsafe import Markup

from .static_files import Packed, pack, send_packed, serve_static

CHART_BUNDLES = {
    "radar": "build/plotly-radar.min.js",
    "dashboard": "build/plotly-dashboard.min.js",
}  # made by `make` from survey/bundles/
_warned: set[str] = set()


@lru_cache(maxsize=1)
def full_plotly() -> Packed:
    """Return the plotly package's full plotly.js, compressed once per worker (gzip only: it is a fallback)."""
    raw = resources.files("plotly").joinpath("package_data/plotly.min.js").read_bytes()
    return pack(raw, "application/javascript", brotli_quality=0)


def serve_plotly(version: str) -> Response:
    """Send the full plotly.js of the plotly package, for an installation without the chart bundle."""
    if version != plotly.__version__:
        abort(404)
    return send_packed(full_plotly(), immutable=True)


def chart_script_url(kind: str) -> str:
    """Return the URL of the plotly.js bundle that draws a kind of chart.

    Without the bundle (no Node.js at install time), the full plotly.js of the plotly package
    draws every chart: 1.47 MB gzipped instead of about 0.4 MB. Said once per worker in the log.
    """
    bundle = CHART_BUNDLES[kind]
    found = _asset_urls.get((request.script_root, bundle))  # built and seen before: no look at the disk
    if found is not None or os.path.isfile(os.path.join(current_app.static_folder, bundle)):
        return found or asset_url(bundle)
    if kind not in _warned:
        _warned.add(kind)
        current_app.logger.warning(
            "The %s chart bundle %s is not built (make builds it with Node.js): serving the full plotly.js instead",
            kind,
            bundle,
        )
    return url_for("plotly_js", version=plotly.__version__)


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


def figure_html(figure: dict, element_id: str, label: str, script_url: str) -> Markup:
    """Return the HTML that static/charts.js turns into a chart, with the figure as inert JSON.

    The chart names the plotly.js bundle that draws it (`script_url`, see chart_script_url);
    charts.js loads that script only when the chart comes near the screen.
    """
    # "<" escaped as \u003c: no text in the figure can close the script element.
    payload = json.dumps(figure, separators=(",", ":"), ensure_ascii=False).replace("<", "\\u003c")
    return Markup(
        f'<div class="chart" id="{element_id}" role="img" aria-label="{Markup.escape(label)}" '
        f'data-plotly-src="{Markup.escape(script_url)}"></div>'
        f'<script type="application/json" data-chart="{element_id}">{payload}</script>'
    )


def init_app(app: Flask) -> None:
    """Add the plotly.js route and the asset helpers for templates."""
    app.add_url_rule("/assets/plotly-<version>.min.js", "plotly_js", serve_plotly)
    app.jinja_env.globals["asset_url"] = asset_url
    app.jinja_env.globals["figure_html"] = figure_html
    app.jinja_env.globals["chart_script_url"] = chart_script_url
    app.view_functions["static"] = serve_static
