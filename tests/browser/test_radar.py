"""The results radars in Chromium: every label readable at phone, tablet and laptop widths.

Each label's box is measured against its chart's box and every other label's box, in Spanish and
English, on the results of an assessment with themes at 0 and at 100 and peers to compare with.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from helpers import extreme_value
from playwright.sync_api import Page, expect
from test_owner import valid_value
from test_owner_journey import assert_no_sideways_scroll

WIDTHS = [360, 375, 768, 1280]
LANGUAGES = {"es": "es-PE", "en": "en-GB"}
# Themes answered at their best and at their worst, at different places around their radars.
FULL = {"digital_strategy", "digital_automation", "green_energy", "green_rules_markets", "work_cooperation"}
ZERO = {"digital_data", "digital_market", "green_water", "work_osh", "work_equality"}
MIN_FONT_PX = 11
CSRF = re.compile(r'name="(?:q-)?csrf_token"[^>]*value="([^"]+)"')
RADARS = ".chart[data-plotly-src]"

# For every chart: its box, its angular labels' boxes and font sizes, its radial tick labels'
# boxes, and points every 2 px along its lines and at its markers, all in viewport pixels.
MEASURE = """
charts => charts.map(chart => {
  const box = r => { const b = r.getBoundingClientRect(); return {left: b.left, top: b.top, right: b.right, bottom: b.bottom}; };
  const texts = selector => Array.from(chart.querySelectorAll(selector)).filter(t => t.textContent.trim());
  const points = [];
  chart.querySelectorAll(".polarlayer g.trace path.js-line").forEach(path => {
    const matrix = path.getScreenCTM(), length = path.getTotalLength();
    for (let at = 0; at <= length; at += 2) {
      const p = path.getPointAtLength(at);
      points.push({x: matrix.a * p.x + matrix.c * p.y + matrix.e, y: matrix.b * p.x + matrix.d * p.y + matrix.f});
    }
  });
  chart.querySelectorAll(".polarlayer g.trace path.point").forEach(marker => {
    const b = marker.getBoundingClientRect();
    points.push({x: (b.left + b.right) / 2, y: (b.top + b.bottom) / 2});
  });
  return {
    id: chart.id,
    box: box(chart),
    labels: texts(".angularaxistick text").map(t => ({
      text: Array.from(t.querySelectorAll("tspan.line")).map(l => l.textContent).join(" ") || t.textContent,
      box: box(t), font: parseFloat(getComputedStyle(t).fontSize)})),
    ticks: texts(".radialaxistick text").map(t => ({text: t.textContent, box: box(t)})),
    points: points,
  };
})
"""


def best_value(question):
    """The answer that gives a question all its points, or a middling one for a question not scored."""
    found = extreme_value(question, best=True)
    return valid_value(question) if found is None else found


def worst_value(question):
    """An answer that gives a question no points, or a middling one for a question not scored."""
    found = extreme_value(question, best=False)
    return valid_value(question) if found is None else found


def answers_for(section) -> dict:
    """Answers to a section: best in the FULL themes, worst in the ZERO themes, middling elsewhere."""
    chosen = {}
    for question in section.questions:
        if question.type == "note":
            continue
        if not question.scored:  # context, such as the number of people: a middling answer
            pick = valid_value
        else:
            pick = (
                best_value if question.theme_id in FULL else worst_value if question.theme_id in ZERO else valid_value
            )
        value = pick(question)
        chosen[f"q-{question.id}"] = [str(v) for v in value] if isinstance(value, tuple) else str(value)
    return chosen


@pytest.fixture(scope="module")
def results_path(browser, live_server, questionnaire) -> str:
    """Answer and submit an assessment over HTTP as a browser would; return its results' path."""
    context = browser.new_context(base_url=live_server)
    request = context.request
    form = {"Content-Type": "application/x-www-form-urlencoded"}

    def post(url: str, fields: dict, form_page: str | None = None) -> str:
        """Post a form with the CSRF token of the page showing it; return where it led."""
        token = CSRF.search(request.get(form_page or url).text()).group(1)
        field = "q-csrf_token" if "/section/" in url else "csrf_token"
        response = request.post(url, data=urlencode({**fields, field: token}, doseq=True), headers=form)
        assert response.ok, (url, response.status)
        return response.url

    try:
        profile = {"name": "Cerámica <b>Ñaña</b> & Hijos", "sector": "wood_furniture", "size": "micro"}
        profile |= {"region": "Arequipa", "year_founded": "2008"}
        page_url = post("/start", profile)
        token = re.search(r"/a/([^/]+)/", page_url).group(1)
        for number, section in enumerate(questionnaire.sections, start=1):
            after = post(f"/a/{token}/section/{number}", {**answers_for(section), "nav": "next"})
            assert not after.endswith(f"/section/{number}"), f"section {number} was not accepted"
        assert post(f"/a/{token}/submit", {}, f"/a/{token}/review").endswith(f"/a/{token}/results")
    finally:
        context.close()
    return f"/a/{token}/results"


def draw_charts(page: Page) -> None:
    """Scroll each chart into view (plotly.js loads as one comes near) and wait until it is drawn."""
    charts = page.locator(RADARS)
    count = charts.count()
    assert count >= 1
    for index in range(count):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        expect(chart.locator("svg.main-svg").first).to_be_visible()
        expect(chart.locator(".polarlayer g.trace path.js-line").first).to_be_attached()
    # charts.js sets data-drawn once it has fitted the margins to the labels.
    expect(page.locator(f"{RADARS}:not([data-drawn])")).to_have_count(0)


def overlap(a: dict, b: dict, slack: float = 0.5) -> bool:
    """Whether two boxes share more than a sliver."""
    return min(a["right"], b["right"]) - max(a["left"], b["left"]) > slack and (
        min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > slack
    )


def covers(box: dict, point: dict) -> bool:
    return box["left"] < point["x"] < box["right"] and box["top"] < point["y"] < box["bottom"]


def inside(inner: dict, outer: dict, slack: float = 0.5) -> bool:
    return (
        inner["left"] >= outer["left"] - slack
        and inner["right"] <= outer["right"] + slack
        and inner["top"] >= outer["top"] - slack
        and inner["bottom"] <= outer["bottom"] + slack
    )


@pytest.mark.parametrize("width", WIDTHS, ids=[f"{w}px" for w in WIDTHS])
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_radar_label_is_whole_and_apart(new_context, results_path, questionnaire, language, width, tmp_path):
    """No label cut by its chart's edge or over another label; no scale label over the data; 11 px or more."""
    context = new_context(locale=LANGUAGES[language], viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(results_path)
    assert page.evaluate("document.documentElement.lang") == language
    scores = [
        float(s) for s in page.locator("table.scores tbody tr:not(.pillar-row) td:nth-child(2)").all_inner_texts()
    ]
    assert 0 in scores and 100 in scores, f"the answers should give themes at 0 and at 100: {scores}"
    draw_charts(page)
    section = page.locator(RADARS).first.locator("xpath=ancestor::section[1]")
    section.screenshot(path=tmp_path / f"radar-{language}-{width}.png")  # to look at when it fails
    charts = page.locator(RADARS).evaluate_all(MEASURE)

    themes = sum(len(pillar.themes) for pillar in questionnaire.pillars)
    assert sum(len(chart["labels"]) for chart in charts) == themes, [c["labels"] for c in charts]
    problems = []
    for chart in charts:
        for label in chart["labels"]:
            if not inside(label["box"], chart["box"]):
                problems.append(f"{chart['id']}: {label['text']!r} is cut by the chart's edge: {label['box']}")
            if label["font"] < MIN_FONT_PX:
                problems.append(f"{chart['id']}: {label['text']!r} is {label['font']} px")
        for text in chart["labels"] + chart["ticks"]:
            if any(covers(text["box"], point) for point in chart["points"]):
                problems.append(f"{chart['id']}: {text['text']!r} is over the data")
    labels = [(chart["id"], label) for chart in charts for label in chart["labels"]]
    for index, (chart, label) in enumerate(labels):
        for other_chart, other in labels[index + 1 :]:
            if overlap(label["box"], other["box"]):
                problems.append(f"{chart} {label['text']!r} overlaps {other_chart} {other['text']!r}")
    assert not problems, f"at {width} px in {language}:\n" + "\n".join(problems)
    assert_no_sideways_scroll(page, width)


def test_the_radar_bundle_draws_a_scatterpolar_chart(new_context, results_path, offsite_requests):
    """The core + scatterpolar bundle draws every chart's firm line, with no error in the console."""
    errors: list[str] = []
    page = new_context(locale="en-GB", viewport={"width": 1280, "height": 800}).new_page()
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(results_path)
    draw_charts(page)
    expect(page.locator("script[src*='/static/build/plotly-radar.min.js']")).to_have_count(1)
    charts = page.locator(RADARS)
    for index in range(charts.count()):
        lines = charts.nth(index).locator(".polarlayer g.trace.scatter path.js-line")
        expect(lines.last).to_be_visible()  # the firm's line, drawn last
        assert len(lines.last.get_attribute("d") or "") > 10
    assert errors == []
    assert offsite_requests == []
