"""Static files sent precompressed, and the chart bundle built from plotly.js with only the radar."""

from __future__ import annotations

import gzip
import logging
import re
from urllib.parse import urlsplit

import brotli
import pytest
from helpers import missing, start
from test_charts import BUNDLE_PATH, PLOTLY_URL, RADAR_BUNDLE
from test_owner import answer_all, soup_of, submit

from survey.web import assets

BUNDLE_URL = f"/static/{RADAR_BUNDLE}"


@pytest.fixture
def bundle():
    """The built radar bundle; under CI its absence fails (make test builds it), elsewhere it skips."""
    if not BUNDLE_PATH.exists():
        message = f"{BUNDLE_PATH} is not built: run `make charts` (needs Node.js)"
        missing(message)
    return BUNDLE_PATH.read_bytes()


@pytest.fixture
def results_page(app, en):
    """The results page of an owner who answered everything."""
    token = start(en)
    answer_all(en, token)
    assert submit(en, token).status_code == 302
    return en.get(f"/a/{token}/results")


@pytest.mark.parametrize(
    ("accept", "encoding", "decode"),
    [
        ("gzip, deflate, br", "br", brotli.decompress),
        ("gzip, deflate", "gzip", gzip.decompress),
        ("identity", None, lambda body: body),
    ],
)
def test_static_files_are_sent_in_the_smallest_form_the_browser_reads(client, bundle, accept, encoding, decode):
    """Brotli where accepted, else gzip, else plain; each decodes to the file itself."""
    for path, content in ((BUNDLE_URL, bundle), ("/static/style.css", None)):
        response = client.get(path, headers={"Accept-Encoding": accept})
        assert response.status_code == 200, path
        assert response.headers.get("Content-Encoding") == encoding, path
        assert "Accept-Encoding" in response.headers["Vary"]
        body = decode(response.get_data())
        if content is not None:
            assert body == content
        else:
            assert b"body" in body


def test_a_static_file_revalidates_with_its_etag(client):
    """A browser that has the file gets 304, whatever encoding it asks for."""
    first = client.get("/static/style.css", headers={"Accept-Encoding": "br"})
    etag = first.headers["ETag"]
    again = client.get("/static/style.css", headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status_code == 304 and not again.get_data()


@pytest.mark.parametrize("path", ["/static/../wsgi.py", "/static/build/plotly-radar.min.js.br", "/static/nothing.css"])
def test_only_the_files_of_the_static_folder_are_sent(client, path):
    """No file outside the folder, no precompressed sibling by its own name, 404 for a missing file."""
    assert client.get(path).status_code == 404


def test_the_bundle_holds_the_radar_and_not_the_other_traces(bundle):
    """The bundle registers scatterpolar on plotly's core, and leaves out the maps and the rest."""
    from importlib import resources

    text = bundle.decode("utf-8")
    full = resources.files("plotly").joinpath("package_data/plotly.min.js").read_text(encoding="utf-8")
    assert "scatterpolar" in text
    for absent in ("scattergeo", "mapbox", "maplibre"):  # trace code, not just names the core lists
        assert absent in full and absent not in text, absent
    assert "new Function" not in text  # the strict CSP forbids eval-like code
    assert len(bundle) < len(full) / 3


def test_the_results_page_weighs_under_400_kb_with_brotli_and_450_kb_with_gzip(app, en, results_page, bundle):
    """A first visit downloads the page and every script and stylesheet it references."""
    soup = soup_of(results_page)
    assets_of_page = [t["src"] for t in soup.find_all("script") if t.get("src")]
    assets_of_page += [t["href"] for t in soup.find_all("link", rel="stylesheet")]
    assets_of_page += [t["data-plotly-src"] for t in soup.select("[data-plotly-src]")]  # once scrolled to
    assert any(urlsplit(u).path == BUNDLE_URL for u in assets_of_page)
    token_path = urlsplit(results_page.request.url).path
    for accept, limit in (("br, gzip", 400_000), ("gzip", 450_000)):
        total = len(en.get(token_path, headers={"Accept-Encoding": accept}).get_data())
        for url in dict.fromkeys(assets_of_page):  # fetched once, however many charts name it
            total += len(en.get(url, headers={"Accept-Encoding": accept}).get_data())
        assert total <= limit, (accept, total)


def test_without_the_bundle_the_full_plotly_draws_the_charts_and_the_log_says_so(
    app, en, results_page, monkeypatch, caplog
):
    """An installation without Node.js still shows charts, from the plotly package, and says why once."""
    monkeypatch.setattr(assets, "CHART_BUNDLES", {"radar": "build/not-built.js"})
    monkeypatch.setattr(assets, "_warned", set())
    url = urlsplit(results_page.request.url).path
    with caplog.at_level(logging.WARNING):
        pages = [en.get(url), en.get(url)]
    for page in pages:
        charts = soup_of(page).select(".chart")
        assert charts and all(chart["data-plotly-src"] == PLOTLY_URL for chart in charts)
    warnings = [r for r in caplog.records if re.search(r"chart bundle .* is not built", r.getMessage())]
    assert len(warnings) == 1
    assert en.get(PLOTLY_URL, headers={"Accept-Encoding": "gzip"}).headers["Content-Encoding"] == "gzip"


@pytest.mark.parametrize("path", ["/static/style.css", "/static/charts.js", PLOTLY_URL])
def test_static_files_say_their_type_and_charset_once(client, path):
    """A text file's Content-Type names its type and one charset."""
    content_type = client.get(path, headers={"Accept-Encoding": "gzip"}).headers["Content-Type"]
    assert content_type.count("charset=") == 1, content_type
    assert content_type.split(";")[0] in ("text/css", "text/javascript", "application/javascript")
