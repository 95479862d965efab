"""The dashboard's kinds of chart in Chromium: boxes from statistics, a heat map with a gap, stacked bars.

The figures are drawn by static/charts.js with the dashboard bundle served by the live server, on a
page made here (the route is the test's; every script and the security policy come from the app).
"""

from __future__ import annotations

import pytest
from helpers import missing
from playwright.sync_api import Page, expect

from survey import create_app
from survey.web.assets import CHART_BUNDLES, asset_url, chart_script_url, figure_html

PAGE = "/dashboard-charts-test"
CHARTS = ".chart[data-plotly-src]"
ROWS = ["<b>Overall</b>", "Digital strategy", "Energy"]
SECTORS = ["Food", "Textiles", "Wood and furniture"]
LEVELS = ["Beginner", "Learner", "Leader"]
SHARES = {"Beginner": [20, 35], "Learner": [50, 40], "Leader": [30, 25]}
PRINT_PAGE_WIDTH = 680  # charts.js draws figures other than radars this wide on paper
# Every chart as wide as its box: drawn for the screen as it is now.
FILLED = """() => [...document.querySelectorAll('.chart')].every(chart =>
  chart.querySelector('svg.main-svg').width.baseVal.value === chart.clientWidth)"""
# The width the print style's @page rule leaves on A4 (210 mm) between its left and right margins, in CSS px.
PAPER_WIDTH = """() => {
  const px = length => { if (!length.endsWith("mm")) throw new Error(length); return parseFloat(length) * 96 / 25.4; };
  const rules = [...document.styleSheets].flatMap(sheet => [...sheet.cssRules]);
  const page = rules.flatMap(rule => rule.cssRules ? [...rule.cssRules] : [rule]).find(r => r instanceof CSSPageRule);
  return px("210mm") - px(page.style.marginLeft) - px(page.style.marginRight);
}"""


def layout(height: int, **more) -> dict:
    return {"height": height, "margin": {"l": 10, "r": 10, "t": 10, "b": 40}, "showlegend": False, **more}


FIGURES = {
    "chart-box": {
        "data": [
            {
                "type": "box",
                "orientation": "h",
                "y": ROWS,
                "q1": [30, 25, 40],
                "median": [45, 40, 55],
                "q3": [60, 70, 65],
                "lowerfence": [10, 5, 20],
                "upperfence": [85, 90, 80],
                "mean": [47, 43, 52],
            }
        ],
        "layout": layout(150, xaxis={"range": [0, 100]}, yaxis={"autorange": "reversed", "automargin": True}),
    },
    "chart-heatmap": {
        "data": [
            {
                "type": "heatmap",
                "x": SECTORS,
                "y": ROWS[1:],
                "z": [[40, None, 55], [62, 48, 30]],  # too few firms in one sector for one theme
                "zmin": 0,
                "zmax": 100,
                "texttemplate": "%{z:.0f}",
                "hoverongaps": False,
                "showscale": False,
            }
        ],
        "layout": layout(170, xaxis={"side": "top", "automargin": True}, yaxis={"automargin": True}),
    },
    "chart-bars": {
        "data": [
            {"type": "bar", "orientation": "h", "name": name, "y": ROWS[:2], "x": SHARES[name]} for name in LEVELS
        ],
        "layout": layout(190, barmode="stack", showlegend=True, xaxis={"range": [0, 100], "ticksuffix": "%"}),
    },
}
HEIGHTS = {chart_id: figure["layout"]["height"] for chart_id, figure in FIGURES.items()}


@pytest.fixture(scope="module")
def script_urls(tmp_path_factory) -> dict:
    """The URLs the app gives charts.js, the style sheet and each chart bundle; the live server sends the same files."""
    app = create_app({"DATABASE": str(tmp_path_factory.mktemp("urls") / "survey.sqlite3"), "SECRET_KEY": "x"})
    with app.test_request_context():
        assets = {name: asset_url(name) for name in ("charts.js", "style.css")}
        return assets | {kind: chart_script_url(kind) for kind in CHART_BUNDLES}


def built(script_urls: dict, kind: str) -> str:
    """The URL of a kind's chart bundle; under CI its absence fails (make test builds it), elsewhere it skips."""
    if f"/static/{CHART_BUNDLES[kind]}" not in script_urls[kind]:
        missing(f"the {kind} chart bundle is not built: run `make charts` (needs Node.js)")
    return script_urls[kind]


def open_page(new_context, script_urls: dict, body: str) -> tuple[Page, list[str]]:
    """Open a page of the live server holding `body` and charts.js, under the app's security policy.

    Return the page and the list the console's errors and the page's uncaught exceptions go to.
    """
    context = new_context(locale="en-GB", viewport={"width": 1024, "height": 900})
    policy = context.request.get("/").headers["content-security-policy"]
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Charts</title>'
        f'<link rel="stylesheet" href="{script_urls["style.css"]}">'
        f'<script defer src="{script_urls["charts.js"]}"></script></head>'
        f'<body><main><button type="button" id="print-results" hidden>Print</button>{body}</main></body></html>'
    )
    context.route(
        f"**{PAGE}",
        lambda route: route.fulfill(
            body=html, content_type="text/html; charset=utf-8", headers={"Content-Security-Policy": policy}
        ),
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(PAGE)
    return page, errors


@pytest.fixture
def dashboard_page(new_context, script_urls):
    """A page with the three dashboard figures, each naming the dashboard bundle; return it and its errors."""
    bundle = built(script_urls, "dashboard")
    body = "".join(str(figure_html(figure, chart_id, chart_id, bundle)) for chart_id, figure in FIGURES.items())
    return open_page(new_context, script_urls, body)


def drawn_sizes(page: Page) -> dict:
    """Wait until charts.js has drawn every chart; return each one's drawing size and its box's width."""
    for chart in page.locator(CHARTS).all():
        chart.scroll_into_view_if_needed()
    expect(page.locator(f"{CHARTS}:not([data-drawn='true'])")).to_have_count(0)
    return page.locator(CHARTS).evaluate_all(
        """charts => Object.fromEntries(charts.map(chart => {
          const svg = chart.querySelector("svg.main-svg");
          return [chart.id, {width: svg.width.baseVal.value, height: svg.height.baseVal.value, box: chart.clientWidth}];
        }))"""
    )


def test_the_dashboard_bundle_draws_boxes_from_statistics_a_heat_map_with_a_gap_and_stacked_bars(
    dashboard_page, offsite_requests
):
    """Each figure keeps its height and fills its box's width; no error in the console."""
    page, errors = dashboard_page
    sizes = drawn_sizes(page)
    expect(page.locator("script[src*='/static/build/plotly-dashboard.min.js']")).to_have_count(1)
    for chart_id, size in sizes.items():
        assert size["height"] == HEIGHTS[chart_id], (chart_id, size)
        assert size["width"] == size["box"] > 600, (chart_id, size)

    boxes = page.locator("#chart-box .boxlayer path.box")
    expect(boxes).to_have_count(len(ROWS))
    assert all(len(box.get_attribute("d") or "") > 10 for box in boxes.all())
    expect(page.locator("#chart-box .boxlayer path.mean")).to_have_count(len(ROWS))
    expect(page.locator("#chart-heatmap .heatmaplayer image")).to_have_count(1)
    # One number per cell that has a median; none for the gap.
    numbers = page.locator("#chart-heatmap .heatmaplayer text").evaluate_all("texts => texts.map(t => t.textContent)")
    assert numbers == ["40", "55", "62", "48", "30"]
    bars = page.locator("#chart-bars .barlayer .trace.bars")
    expect(bars).to_have_count(len(LEVELS))
    expect(bars.locator(".point path")).to_have_count(len(LEVELS) * 2)
    expect(page.locator("#chart-bars .legend .traces")).to_have_count(len(LEVELS))
    assert errors == []
    assert offsite_requests == []


def test_dashboard_charts_follow_their_box_on_a_narrower_screen(dashboard_page):
    """A window made narrower redraws them as wide as their boxes, as tall as before."""
    page, errors = dashboard_page
    drawn_sizes(page)
    page.set_viewport_size({"width": 400, "height": 900})
    page.wait_for_function(FILLED)
    for chart_id, size in drawn_sizes(page).items():
        assert size["width"] == size["box"] < 400, (chart_id, size)
        assert size["height"] == HEIGHTS[chart_id], (chart_id, size)
    assert errors == []


def test_printing_draws_dashboard_charts_as_wide_as_a4_and_the_screen_gets_them_back(dashboard_page):
    """The print button redraws them for paper, keeping their heights; afterprint restores the screen's width."""
    page, errors = dashboard_page
    page.evaluate("() => { window.print = () => { window.printed = true; }; }")
    page.locator("#print-results").click()  # draws the charts not drawn yet, then resizes them
    page.wait_for_function("() => window.printed === true")
    page.emulate_media(media="print")
    paper_width = page.evaluate(PAPER_WIDTH)
    for chart_id, size in drawn_sizes(page).items():
        assert size["width"] == PRINT_PAGE_WIDTH <= paper_width, (chart_id, size, paper_width)
        assert size["height"] == HEIGHTS[chart_id], (chart_id, size)

    page.emulate_media(media="screen")
    page.evaluate("() => window.dispatchEvent(new Event('afterprint'))")
    page.wait_for_function(FILLED)
    for chart_id, size in drawn_sizes(page).items():
        assert size["width"] == size["box"] != PRINT_PAGE_WIDTH, (chart_id, size)
        assert size["height"] == HEIGHTS[chart_id], (chart_id, size)
    assert errors == []


@pytest.mark.parametrize(
    ("kind", "registered", "left_out"),
    [
        ("radar", {"scatterpolar"}, {"box", "heatmap", "bar"}),
        ("dashboard", {"box", "heatmap", "bar"}, {"scatterpolar"}),
    ],
)
def test_each_bundle_registers_only_the_traces_of_its_charts(new_context, script_urls, kind, registered, left_out):
    """Plotly's own registry, as each built bundle fills it in the browser."""
    bundle = built(script_urls, kind)
    page, errors = open_page(new_context, script_urls, "")
    page.add_script_tag(url=bundle)
    traces = set(page.evaluate("() => Object.keys(window.Plotly.PlotSchema.get().traces)"))
    assert registered <= traces, traces
    assert not left_out & traces, traces
    assert errors == []
