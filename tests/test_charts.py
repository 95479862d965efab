"""Charts and assets: the radar figure, its HTML, plotly.js served offline, and no external host."""

from __future__ import annotations

import gzip
import json
import re
from urllib.parse import urlsplit

import plotly
import plotly.graph_objects as go
import pytest
from bs4 import BeautifulSoup
from helpers import start
from test_owner import READINESS, ROOT, answer_all, soup_of, submit

from survey.reports.charts import label_lines, label_margins, radar_figure, wrap_label
from survey.web.assets import CHART_BUNDLES, figure_html

AXES = ["Digital strategy", "Digital tools in operations", "Data", "Markets", "Energy"]
FIRM = [40.0, 55.5, 10.0, 100.0, 0.0]
MEDIAN = [50.0, 45.0, 20.0, 60.0, 30.0]
Q1 = [30.0, 35.0, 10.0, 40.0, 20.0]
Q3 = [70.0, 60.0, 40.0, 80.0, 50.0]
NAMES = {"firm": "Muebles Arequipa", "median": "Median of similar firms", "band": "Middle half of similar firms"}
PLOTLY_URL = f"/assets/plotly-{plotly.__version__}.min.js"
RADAR_BUNDLE = CHART_BUNDLES["radar"]
BUNDLE_PATH = ROOT / "survey" / "static" / RADAR_BUNDLE
YEAR = 365 * 24 * 3600


def traces(figure: dict) -> dict[str, dict]:
    return {trace["name"]: trace for trace in figure["data"]}


def plain(label: str) -> str:
    """An axis label as written, whatever line breaks the chart added."""
    return re.sub(r"(?<!-)<br>", " ", label).replace("<br>", "")


def max_age(header: str) -> int:
    match = re.search(r"max-age=(\d+)", header or "")
    return int(match.group(1)) if match else 0


# --------------------------------------------------------------------------- the figure


def test_the_radar_figure_is_valid_for_plotly():
    figure = radar_figure(AXES, FIRM, MEDIAN, Q1, Q3, NAMES)
    validated = go.Figure(figure)  # raises on any property plotly does not know
    assert len(validated.data) == 3
    assert all(trace.type == "scatterpolar" for trace in validated.data)
    assert validated.layout.polar.radialaxis.range == (0, 100)
    json.dumps(figure)  # plain data, ready for the page


def test_the_radar_has_the_firm_the_median_and_the_band():
    found = traces(radar_figure(AXES, FIRM, MEDIAN, Q1, Q3, NAMES))
    assert set(found) == set(NAMES.values())
    firm, median, band = found[NAMES["firm"]], found[NAMES["median"]], found[NAMES["band"]]
    assert firm["r"][:-1] == FIRM
    assert median["r"][:-1] == MEDIAN
    assert [plain(label) for label in firm["theta"][:-1]] == AXES
    assert band["fill"] == "toself" and "fill" not in firm  # the firm is a line over the band
    # The firm is drawn last, on top.
    assert radar_figure(AXES, FIRM, MEDIAN, Q1, Q3, NAMES)["data"][-1]["name"] == NAMES["firm"]


def test_every_outline_is_closed():
    found = traces(radar_figure(AXES, FIRM, MEDIAN, Q1, Q3, NAMES))
    for name in (NAMES["firm"], NAMES["median"]):
        trace = found[name]
        assert len(trace["r"]) == len(trace["theta"]) == len(AXES) + 1
        assert trace["r"][0] == trace["r"][-1]
        assert trace["theta"][0] == trace["theta"][-1]
    band = found[NAMES["band"]]
    n = len(AXES) + 1
    assert len(band["r"]) == len(band["theta"]) == 2 * n
    # Around the upper quartile, then back around the lower one.
    assert band["r"][:n] == Q3 + Q3[:1]
    assert band["r"][n:] == (Q1 + Q1[:1])[::-1]
    assert band["theta"][:n] == band["theta"][n:][::-1]
    assert band["theta"][0] == band["theta"][n - 1]


def test_a_radar_without_peers_shows_only_the_firm():
    none = [None] * len(AXES)
    figure = radar_figure(AXES, FIRM, none, none, none, NAMES)
    go.Figure(figure)
    assert [trace["name"] for trace in figure["data"]] == [NAMES["firm"]]


def test_a_theme_without_a_score_still_validates():
    firm = [40.0, None, 10.0, 100.0, 0.0]
    figure = radar_figure(AXES, firm, MEDIAN, Q1, Q3, NAMES)
    go.Figure(figure)
    assert traces(figure)[NAMES["firm"]]["r"][1] is None


def test_the_radar_leaves_the_legend_and_the_scale_to_the_page():
    """No plotly legend (the page's HTML one wraps a long name), no numbers on the rings, and a hole for 0."""
    figure = radar_figure(AXES, FIRM, MEDIAN, Q1, Q3, NAMES)
    layout = figure["layout"]
    assert layout["showlegend"] is False
    assert [trace["legendgroup"] for trace in figure["data"]] == ["band", "median", "firm"]
    assert layout["polar"]["radialaxis"]["showticklabels"] is False
    assert layout["polar"]["radialaxis"]["tickvals"] == [25, 50, 75, 100]
    assert 0.05 <= layout["polar"]["hole"] <= 0.2
    assert layout["polar"]["angularaxis"]["tickfont"]["size"] >= 11


def test_hovering_a_point_names_the_whole_theme():
    firm = traces(radar_figure(AXES, FIRM, MEDIAN, Q1, Q3, NAMES))[NAMES["firm"]]
    assert firm["text"][:-1] == AXES
    assert "%{text}" in firm["hovertemplate"]


@pytest.mark.parametrize(
    ("label", "lines"),
    [
        ("Energía", ["Energía"]),
        ("Digital tools in operations", ["Digital", "tools in", "operations"]),
        ("Automatización y conectividad", ["Automatización", "y conectividad"]),
        ("Igualdad y no discriminación", ["Igualdad y no", "discriminación"]),
        ("Equality and non-discrimination", ["Equality and", "non-", "discrimination"]),
        ("e-commerce", ["e-commerce"]),
    ],
)
def test_labels_break_between_words_and_after_hyphens(label, lines):
    assert label_lines(label) == lines
    assert wrap_label(label) == "<br>".join(lines)


def test_the_margins_grow_with_the_labels_on_their_side():
    short = label_margins(["A", "B", "C", "D", "E"])
    long_left = label_margins(["A", "B", "C", "D", "Cooperación y diálogo en el trabajo"])
    assert long_left["l"] > short["l"] and long_left["r"] == short["r"]
    tall_top = label_margins(["Seguridad y salud en el trabajo", "B", "C", "D", "E"])
    assert tall_top["t"] > short["t"] and tall_top["b"] == short["b"]


def test_figure_html_keeps_any_text_inside_the_json():
    evil = "Energy</script><script>alert(1)</script><!--"
    figure = radar_figure(AXES[:-1] + [evil], FIRM, MEDIAN, Q1, Q3, {**NAMES, "firm": "</SCRIPT>x"})
    html = str(figure_html(figure, "radar", 'Chart "of" <themes>', "/static/build/plotly-radar.min.js?v=1"))
    assert "<" not in html.split('data-chart="radar">', 1)[1].rsplit("</script>", 1)[0]
    assert html.count("</script>") == 1 and "</SCRIPT>" not in html
    soup = BeautifulSoup(html, "html.parser")
    scripts = soup.find_all("script")
    assert len(scripts) == 1
    assert scripts[0]["type"] == "application/json"
    assert json.loads(scripts[0].string) == figure  # the figure reads back intact
    chart = soup.select_one("div.chart#radar")
    assert chart["role"] == "img"
    assert chart["aria-label"] == 'Chart "of" <themes>'


# --------------------------------------------------------------------------- plotly.js


def test_plotly_is_served_gzipped_when_accepted(client):
    response = client.get(PLOTLY_URL, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.mimetype in ("application/javascript", "text/javascript")
    raw = client.get(PLOTLY_URL, headers={"Accept-Encoding": "identity"})
    assert len(response.data) < len(raw.data) / 2
    assert gzip.decompress(response.data) == raw.data
    assert "Accept-Encoding" in response.headers.get("Vary", "")


def test_plotly_is_served_plain_otherwise(client):
    response = client.get(PLOTLY_URL)
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers or response.headers["Content-Encoding"] == "identity"
    assert response.data.startswith(b"/**") or b"plotly" in response.data[:2000].lower()
    assert len(response.data) > 1_000_000


def test_plotly_is_cached_for_a_year_and_revalidates_with_its_etag(client):
    response = client.get(PLOTLY_URL, headers={"Accept-Encoding": "gzip"})
    cache = response.headers["Cache-Control"]
    assert max_age(cache) >= YEAR
    assert "immutable" in cache
    etag = response.headers["ETag"]
    assert etag
    again = client.get(PLOTLY_URL, headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    other = client.get(PLOTLY_URL, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


@pytest.mark.parametrize("version", ["0.0.1", "latest", plotly.__version__ + "1"])
def test_plotly_of_another_version_is_not_found(client, version):
    assert client.get(f"/assets/plotly-{version}.min.js").status_code == 404


# --------------------------------------------------------------------------- pages and assets


@pytest.fixture
def journey(app, client):
    """Every page an owner sees, by name, after answering everything and submitting."""
    client.set_cookie("lang", "en")
    pages = {"landing": client.get("/"), "start": client.get("/start")}
    token = start(client)
    pages["link"] = client.get(f"/a/{token}/link")
    for number in range(1, len(READINESS.sections) + 1):
        pages[f"section {number}"] = client.get(f"/a/{token}/section/{number}")
    answer_all(client, token)
    pages["review"] = client.get(f"/a/{token}/review")
    assert submit(client, token).status_code == 302
    pages["results"] = client.get(f"/a/{token}/results")
    pages["actions"] = client.get(f"/a/{token}/actions")
    pages["not found"] = client.get("/a/nothing-here")
    for name, page in pages.items():
        assert page.status_code == (404 if name == "not found" else 200), name
    return pages


def test_the_results_page_names_plotly_on_this_site_and_loads_only_the_chart_script(journey):
    """The chart names its plotly.js (the radar bundle when built); the page itself loads only charts.js."""
    soup = soup_of(journey["results"])
    scripts = [s["src"] for s in soup.find_all("script") if s.get("src")]
    assert [urlsplit(src).path for src in scripts] == ["/static/charts.js"]
    assert all(s.has_attr("defer") for s in soup.find_all("script") if s.get("src"))
    expected = f"/static/{RADAR_BUNDLE}" if BUNDLE_PATH.exists() else PLOTLY_URL
    charts = soup.select(".chart[data-plotly-src]")
    assert len(charts) == len(READINESS.pillars)  # one radar per pillar, all drawn by one script
    for chart in charts:
        named = chart["data-plotly-src"]
        assert urlsplit(named).path == expected
        assert not urlsplit(named).netloc


def test_the_chart_script_is_cached_for_a_year(journey, client):
    soup = soup_of(journey["results"])
    charts = next(s["src"] for s in soup.find_all("script") if s.get("src", "").startswith("/static/charts.js"))
    assert "v=" in urlsplit(charts).query
    response = client.get(charts)
    assert response.status_code == 200
    assert max_age(response.headers.get("Cache-Control")) >= YEAR


def test_section_pages_never_load_plotly(journey):
    for name, page in journey.items():
        if name.startswith("section") or name in ("landing", "start", "link", "review"):
            html = page.get_data(as_text=True)
            assert "plotly" not in html.lower(), name
            assert not soup_of(page).select("script[data-chart]"), name


def test_section_pages_load_only_their_two_small_scripts(journey):
    """Section pages work without JavaScript; scripts only help: section.js on every page (the
    language switch keeps what was typed), conditions.js where an answer shows or hides a question.
    """
    for number, section in enumerate(READINESS.sections, start=1):
        soup = soup_of(journey[f"section {number}"])
        sources = [urlsplit(s["src"]).path for s in soup.find_all("script") if s.get("src")]
        same_page = {q.id for q in section.questions}
        conditional = any(q.relevant is not None and q.relevant.names & same_page for q in section.questions)
        expected = ["/static/section.js"] + (["/static/conditions.js"] if conditional else [])
        assert sources == expected, (number, sources)
        assert all(s.has_attr("defer") for s in soup.find_all("script") if s.get("src"))
        assert not soup.find_all(lambda tag: any(attr.startswith("on") for attr in tag.attrs)), number


def test_the_stylesheet_is_cached_for_a_year(client):
    soup = soup_of(client.get("/"))
    href = soup.select_one('link[rel="stylesheet"]')["href"]
    assert urlsplit(href).path == "/static/style.css"
    assert "v=" in urlsplit(href).query  # changes with the file, so a long lifetime is safe
    response = client.get(href)
    assert response.status_code == 200
    assert response.mimetype == "text/css"
    assert max_age(response.headers.get("Cache-Control")) >= YEAR


# Links an owner may follow to send the private link to themselves: never loaded by the page.
SHARE_LINKS = {("https", "wa.me"), ("mailto", "")}


def test_no_page_references_another_host(journey, client):
    """Pages load nothing from another site; the only links out are the owner's own share links."""
    own = {"", "localhost"}
    for name, page in journey.items():
        soup = soup_of(page)
        for tag in soup.find_all(True):
            for attribute in ("src", "href", "action", "data", "poster", "srcset", "formaction", "data-plotly-src"):
                value = tag.get(attribute)
                if not value:
                    continue
                parts = urlsplit(value.strip())
                if tag.name == "a" and attribute == "href" and (parts.scheme, parts.netloc) in SHARE_LINKS:
                    assert name == "link", (name, value)  # only on the private link's page
                    continue
                assert parts.scheme in ("", "http", "https", "data"), (name, tag.name, value)
                assert parts.netloc in own, (name, tag.name, value)
        for url in re.findall(r"(?:https?:)?//[\w.-]+", page.get_data(as_text=True)):
            assert urlsplit(url).netloc in own | {"wa.me"}, (name, url)
    # Nor do the stylesheet and scripts.
    for path in ("/static/style.css", "/static/charts.js", "/static/conditions.js", "/static/section.js"):
        response = client.get(path)
        if response.status_code == 200:
            text = response.get_data(as_text=True)
            assert not re.search(r"https?://(?!localhost)", text), path
            assert "@import" not in text
