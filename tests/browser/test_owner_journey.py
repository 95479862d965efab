"""The owner's journey in a real browser: on a phone in Spanish, without JavaScript, by keyboard.

The pages are driven as an owner would: clicking labels, typing numbers, pressing the buttons and
keys. Locators wait by themselves; no test sleeps.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from babel.support import Translations
from helpers import PROFILE
from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"  # the README's pictures, written only with UPDATE_SCREENSHOT=1
PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
PHONE_WIDTH = PHONE["viewport"]["width"]
SECTION_URL = re.compile(r"/a/[^/]+/section/(\d+)$")
LANDING_HEADING = "How ready is your firm for digital and green markets?"
TEXT_ANSWER = "Encontrar personal con experiencia."


# --------------------------------------------------------------------------- helpers


def spanish(message: str) -> str:
    """Return a message as the compiled Spanish catalog translates it."""
    return Translations.load(str(ROOT / "survey" / "translations"), ["es"]).gettext(message)


def assert_no_sideways_scroll(page: Page, width: int = PHONE_WIDTH) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width + 1, f"{page.url} scrolls sideways: {scroll_width} px wide in a {width} px viewport"


def section_of(page: Page) -> int | None:
    """The section number in the page's URL, or None on another page."""
    match = SECTION_URL.search(page.url)
    return int(match.group(1)) if match else None


def click_and_wait(page: Page, selector: str) -> None:
    """Click a button or link that loads a new page, and wait for that page to load."""
    with page.expect_navigation():
        page.locator(selector).click()


def fill_profile(page: Page, name: str = PROFILE["name"]) -> str:
    """Fill in the firm profile as an owner would; return the private link shown afterwards."""
    expect(page).to_have_url(re.compile(r"/start$"))
    page.locator("#name").fill(name)
    page.locator("#sector").select_option(PROFILE["sector"])
    size = page.locator(f"input[name=size][value={PROFILE['size']}]").get_attribute("id")
    page.locator(f"label[for='{size}']").click()
    page.locator("#region").select_option(PROFILE["region"])
    page.locator("#year_founded").fill(PROFILE["year_founded"])
    click_and_wait(page, "form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/a/[^/]+/link$"))
    link = page.locator("textarea#resume-link").input_value()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/a/[^/]+", link), link
    return link


def number_to_type(question) -> str:
    """A plausible number within the question's range: a share, weekly hours or a head count."""
    typical = {"%": 50, "h": 45}.get(question.unit or "", 5)
    low = question.min if question.min is not None else typical
    high = question.max if question.max is not None else typical
    return f"{min(max(typical, low), high):g}"


def answer_page(page: Page, questionnaire) -> dict[str, object]:
    """Answer every question shown on a section page as an owner would; return the answers given.

    Choices: the label of the middle option. Checklists: the first box that is not an exclusive
    "none" or "does not apply". Numbers: a value within range. Texts: a short sentence. Questions
    hidden by a condition (JavaScript on) are left alone; without JavaScript every question on the
    page is shown and answered, and the server drops the answers whose condition is false.
    """
    given: dict[str, object] = {}
    blocks = page.locator("form.questions .question")
    for index in range(blocks.count()):
        block = blocks.nth(index)
        if not block.is_visible():
            continue
        question = questionnaire.questions[block.get_attribute("id").removeprefix("question-")]
        if question.type in ("choice", "yesno"):
            values = [o.value for o in question.options] if question.type == "choice" else ["yes", "partly", "no"]
            value = values[len(values) // 2]
        elif question.type == "checklist":
            value = next(o.value for o in question.options if not (o.exclusive or o.not_applicable))
        if question.type in ("choice", "yesno", "checklist"):
            option = block.locator(f"input[value='{value}']")
            block.locator(f"label[for='{option.get_attribute('id')}']").click()
            expect(option).to_be_checked()
            given[question.id] = value
        elif question.type == "number":
            given[question.id] = number_to_type(question)
            block.locator(f"#q-{question.id}").fill(given[question.id])
        else:
            given[question.id] = TEXT_ANSWER
            block.locator(f"#q-{question.id}").fill(TEXT_ANSWER)
    return given


def continue_(page: Page) -> None:
    click_and_wait(page, "form.questions button[name=nav][value=next]")


def complete_sections(page: Page, questionnaire, each_page=None) -> dict[str, object]:
    """Answer section after section until the review page; return every answer given."""
    given: dict[str, object] = {}
    while (number := section_of(page)) is not None:
        if each_page:
            each_page(page)
        given.update(answer_page(page, questionnaire))
        continue_(page)
        after = section_of(page)
        assert after is None or after > number, (
            f"section {number} was not accepted: {page.locator('.errors, .flash').all_inner_texts()}"
        )
    expect(page).to_have_url(re.compile(r"/a/[^/]+/review$"))
    return given


def submit_review(page: Page) -> None:
    click_and_wait(page, "form[action$='/submit'] button[type=submit]")
    expect(page).to_have_url(re.compile(r"/a/[^/]+/results$"))


def expect_chart_drawn(page: Page) -> None:
    """Wait for plotly to draw every radar: its SVG, and a line for every trace of its figure.

    plotly.js draws scatterpolar traces as `g.trace.scatter` in the polar layer (there is no
    `.scatterpolar` class in its SVG).
    """
    charts = page.locator(".chart[data-plotly-src]")
    assert charts.count() >= 1
    for index in range(charts.count()):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()  # plotly.js loads as the chart comes near
        expect(chart).to_have_class(re.compile(r"\bjs-plotly-plot\b"))
        expect(chart.locator("svg.main-svg").first).to_be_visible()
        name = chart.get_attribute("id")
        traces = len(json.loads(page.locator(f"script[data-chart={name}]").text_content())["data"])
        assert traces >= 1
        expect(chart.locator(".polarlayer g.trace")).to_have_count(traces)
        expect(chart.locator(".polarlayer g.trace path.js-line").first).to_be_visible()


# --------------------------------------------------------------------------- tests


def test_owner_on_a_phone_in_spanish_resumes_on_another_device(
    new_context, live_server, questionnaire, offsite_requests, tmp_path
):
    """Start on one phone, answer two sections, leave; finish on another device from the private link."""
    phone = new_context(locale="es-PE", **PHONE)
    page = phone.new_page()
    page.goto("/")
    assert page.evaluate("document.documentElement.lang") == "es"
    translated = spanish(LANDING_HEADING)
    assert translated != LANDING_HEADING, "the Spanish catalog has no landing heading: compile it (make test)"
    expect(page.locator("h1")).to_have_text(translated)
    assert_no_sideways_scroll(page)

    click_and_wait(page, "main a.button.primary[href$='/start']")
    assert_no_sideways_scroll(page)
    link = fill_profile(page)
    assert_no_sideways_scroll(page)
    click_and_wait(page, "main a.button.primary")
    assert section_of(page) == 1

    first_two: dict[str, object] = {}
    for number in (1, 2):
        assert section_of(page) == number
        expect(page.locator("h1")).to_have_text(questionnaire.sections[number - 1].title["es"])
        assert_no_sideways_scroll(page)
        if number == 1:
            page.screenshot(path=tmp_path / "section-375.png", full_page=True)
        first_two.update(answer_page(page, questionnaire))
        continue_(page)
    assert section_of(page) == 3
    phone.close()  # the owner leaves: nothing of this device is used again

    other = new_context(locale="es-PE", **PHONE)  # another device: no cookies
    page = other.new_page()
    page.goto(link)
    assert section_of(page) == 3, "the private link should resume at the first unanswered section"
    expect(page.locator("h1")).to_have_text(questionnaire.sections[2].title["es"])

    click_and_wait(page, "form.questions button[name=nav][value=back]")
    assert section_of(page) == 2
    for question in questionnaire.sections[1].questions:
        if question.id in first_two:
            expect(page.locator(f"#question-{question.id} input[value='{first_two[question.id]}']")).to_be_checked()
    continue_(page)
    assert section_of(page) == 3

    rest = complete_sections(page, questionnaire, each_page=assert_no_sideways_scroll)
    assert_no_sideways_scroll(page)
    # Section 1, answered on the first phone, is on the review page too.
    for question in questionnaire.sections[0].questions:
        if question.id in first_two:
            row = page.locator("section.review dl > div").filter(
                has=page.get_by_text(questionnaire.text(question.label, "es"), exact=True)
            )
            given = first_two[question.id]
            shown = str(given) if question.type == "number" else questionnaire.text(question.option(given).label, "es")
            expect(row.locator("dd")).to_contain_text(shown)
    assert rest, "the remaining sections were answered"

    submit_review(page)
    assert page.evaluate("document.documentElement.lang") == "es"
    expect_chart_drawn(page)
    peer_group = page.locator("p.peer-group").inner_text()
    firms = re.search(r"(\d+)", peer_group)
    assert firms and 5 <= int(firms.group(1)) <= 300, f"the peer group should say how many firms: {peer_group!r}"
    expect(page.locator("ol.actions li").first).to_be_visible()
    assert page.locator("ol.actions li").count() >= 1
    assert_no_sideways_scroll(page)
    page.screenshot(path=tmp_path / "results-375.png", full_page=True)
    # Written to docs/ only on request, so that a test run changes no tracked file.
    pictures = DOCS if os.environ.get("UPDATE_SCREENSHOT") == "1" else tmp_path
    # The README's phone picture: "start here" and its first two actions.
    clip = page.evaluate(
        """() => {
          const top = document.getElementById("actions-heading").getBoundingClientRect();
          const last = document.querySelectorAll("ol.actions > li")[1].getBoundingClientRect();
          return {x: 0, y: top.top + scrollY - 12, width: innerWidth, height: last.bottom - top.top + 24};
        }"""
    )
    page.screenshot(path=pictures / "start-here-phone.png", clip=clip, full_page=True)

    # The README's picture of the radars: the same results on a computer, in English.
    desktop = new_context(locale="en-GB", viewport={"width": 1280, "height": 800})
    page = desktop.new_page()
    page.goto(link)
    expect(page).to_have_url(re.compile(r"/results$"))
    expect_chart_drawn(page)
    # The heading, legend and radars, in the page's coordinates (a clip of a full-page shot).
    clip = page.evaluate(
        """() => {
          const top = document.getElementById("chart-heading").getBoundingClientRect();
          const box = document.querySelector(".radars").getBoundingClientRect();
          const left = Math.min(top.left, box.left);
          return {x: left, y: top.top + scrollY - 8, width: box.right - left, height: box.bottom - top.top + 16};
        }"""
    )
    page.screenshot(path=pictures / "results.png", clip=clip, full_page=True)

    assert offsite_requests == [], "the app must not request anything from the internet"


def test_whole_questionnaire_without_javascript(new_context, questionnaire, offsite_requests):
    """Every page works without JavaScript; the results show the scores table instead of the chart."""
    context = new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    page.goto("/")
    assert page.evaluate("1 + 1") == 2  # Playwright still evaluates; the page's own scripts do not run
    click_and_wait(page, "main a.button.primary[href$='/start']")
    fill_profile(page, name="Panadería Sin Scripts")
    click_and_wait(page, "main a.button.primary")
    complete_sections(page, questionnaire)
    submit_review(page)

    table = page.locator("table.scores")
    expect(table).to_be_visible()
    rows = sum(1 + len(pillar.themes) for pillar in questionnaire.pillars)
    expect(table.locator("tbody tr")).to_have_count(rows)
    expect(page.locator(".chart[data-plotly-src]")).to_have_count(len(questionnaire.pillars))
    expect(page.locator(".chart svg")).to_have_count(0)
    # get_by_text skips <noscript>, whose contents Chromium shows when scripts are off.
    expect(page.locator("noscript p")).to_be_visible()
    expect(page.locator("noscript p")).to_contain_text("The charts need JavaScript")
    expect(page.locator("p.peer-group")).to_contain_text(re.compile(r"\d+ firms"))
    expect(page.locator("ol.actions li").first).to_be_visible()
    assert offsite_requests == []


def test_answer_by_keyboard(new_context, questionnaire, offsite_requests):
    """Tab to a radio group, choose with Space and the arrow keys, submit with Enter: the answer is kept."""
    context = new_context(locale="en-GB")
    page = context.new_page()
    page.goto("/start")
    fill_profile(page, name="Teclado SAC")
    click_and_wait(page, "main a.button.primary")
    assert section_of(page) == 1
    section_url = page.url

    questions = questionnaire.sections[0].questions
    question = next(q for q in questions if q.type == "choice" and q.required)
    name = f"q-{question.id}"
    # The page's other required answers first, as any owner would give them; then the keyboard,
    # from the page's first field.
    for other in questions:
        if other.required and other.id != question.id and other.type == "number":
            page.locator(f"#q-{other.id}").fill(number_to_type(other))
        elif other.required and other.id != question.id and other.type == "choice":
            option = page.locator(f"#question-{other.id} input[value='{other.options[0].value}']")
            page.locator(f"label[for='{option.get_attribute('id')}']").click()
    page.locator("form.questions input:not([type=hidden])").first.focus()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == name:
            break
    else:
        pytest.fail(f"Tab never reached the radio group {name}")
    focused = page.locator(":focus")
    expect(focused).to_have_attribute("value", question.options[0].value)
    page.keyboard.press("Space")
    expect(focused).to_be_checked()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    chosen = page.locator(f"input[name='{name}'][value='{question.options[2].value}']")
    expect(chosen).to_be_checked()
    expect(chosen).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert section_of(page) == 2, "Enter should save the page and go on to the next section"

    page.goto(section_url)
    expect(chosen).to_be_checked()
    expect(page.locator(f"input[name='{name}']:checked")).to_have_count(1)
    assert offsite_requests == []


def test_enter_in_a_number_field_goes_on_to_the_next_section(new_context, questionnaire, offsite_requests):
    """Typing a number and pressing Enter (the phone keyboard's Go key) saves and goes forward."""
    context = new_context(locale="en-GB")
    page = context.new_page()
    page.goto("/start")
    link = fill_profile(page, name="Enter SAC")
    number = next(
        i
        for i, section in enumerate(questionnaire.sections, start=1)
        if any(q.type == "number" for q in section.questions)
    )
    page.goto(f"{link}/section/{number}")
    answer_page(page, questionnaire)
    field = page.locator("form.questions input[inputmode=decimal]").first
    field.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert offsite_requests == []
    assert section_of(page) == number + 1, f"Enter led to {page.url}, not to section {number + 1}"


def test_a_firm_name_with_markup_reads_as_text_in_the_chart(new_context, questionnaire, offsite_requests):
    """The radar bundle draws the chart, and a firm named like a link shows its name as typed: no link."""
    name = '<a href="https://example.org">Pulse aquí</a> <span style="font-size:40px">x</span>'
    context = new_context(locale="en-GB", viewport={"width": 1000, "height": 800})
    page = context.new_page()
    page.goto("/start")
    fill_profile(page, name=name)
    click_and_wait(page, "main a.button.primary")
    complete_sections(page, questionnaire)
    submit_review(page)
    expect_chart_drawn(page)
    # Drawn by the radar bundle built from plotly.js (make test builds it), not the full plotly.js.
    expect(page.locator("script[src*='/static/build/plotly-radar.min.js']")).to_have_count(1)
    # The legend is HTML, where the name is text; in the charts (their hover labels) it is no link.
    legend = page.locator("ul.chart-legend li").first
    expect(legend).to_have_text(name)
    assert legend.locator("a, span[style]").count() == 0, "the firm name became markup in the legend"
    assert page.locator(".chart a").count() == 0, "the firm name became a link in a chart"
    assert page.locator(".chart g.legend").count() == 0, "plotly draws no legend of its own"
    assert offsite_requests == []


def test_the_private_link_shows_whole_on_a_phone_and_copies_with_one_tap(new_context, offsite_requests):
    """At 375 px the whole link shows; the copy button puts it on the clipboard and says so."""
    phone = new_context(locale="en-GB", permissions=["clipboard-read", "clipboard-write"], **PHONE)
    page = phone.new_page()
    page.goto("/start")
    link = fill_profile(page)
    field = page.locator("textarea#resume-link")
    expect(field).to_be_visible()
    overflow = field.evaluate("f => [f.scrollWidth - f.clientWidth, f.scrollHeight - f.clientHeight]")
    assert overflow[0] <= 1 and overflow[1] <= 1, f"the link is cut: {overflow} px hidden"
    assert_no_sideways_scroll(page)
    page.get_by_role("button", name="Copy the link").click()
    expect(page.locator("#copy-status")).to_contain_text("Link copied")
    assert page.evaluate("navigator.clipboard.readText()") == link
    assert offsite_requests == []


def test_without_javascript_the_private_link_can_still_be_selected(new_context):
    """With scripts off there is no dead button: the field holds the link to select by hand."""
    context = new_context(java_script_enabled=False, locale="en-GB", **PHONE)
    page = context.new_page()
    page.goto("/start")
    link = fill_profile(page)
    assert link.startswith("http://127.0.0.1")
    expect(page.get_by_role("button", name="Copy the link")).to_be_hidden()
    expect(page.locator("textarea#resume-link")).to_be_visible()


@pytest.mark.parametrize("size", [{"width": 360, "height": 640}, {"width": 375, "height": 667}])
def test_the_start_button_shows_without_scrolling_on_a_phone(new_context, size):
    """An owner opening the site on a small phone sees the button to start at once."""
    phone = new_context(locale="es-PE", viewport=size, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto("/")
    button = page.locator("main a.button.primary[href$='/start']")
    box = button.bounding_box()
    assert box is not None and box["y"] + box["height"] <= size["height"], (box, size)


def test_plotly_loads_only_when_the_chart_comes_near_the_screen(new_context, questionnaire, offsite_requests):
    """On a phone, the results' text needs no plotly.js; scrolling to the chart loads and draws it."""
    phone = new_context(locale="en-GB", **PHONE)
    page = phone.new_page()
    page.goto("/start")
    fill_profile(page, name="Taller Sin Prisa")
    click_and_wait(page, "main a.button.primary")
    complete_sections(page, questionnaire)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    submit_review(page)
    page.wait_for_load_state("networkidle")
    assert not [url for url in requested if "plotly" in url], "plotly.js loaded before the chart was near"
    expect(page.locator(".chart svg")).to_have_count(0)
    expect_chart_drawn(page)
    assert [url for url in requested if "plotly" in url], "scrolling to the chart should load plotly.js"
    assert offsite_requests == []


@pytest.mark.parametrize("javascript", [True, False])
def test_switching_language_keeps_the_choices_not_yet_saved(new_context, questionnaire, javascript):
    """An owner ticks an answer, then switches to English: the page comes back in English, still ticked.

    With JavaScript through the header's switch; without, through the button the form holds.
    """
    context = new_context(locale="es-PE", java_script_enabled=javascript, **PHONE)
    page = context.new_page()
    page.goto("/start")
    fill_profile(page)
    click_and_wait(page, "main a.button.primary")
    first = next(q for q in questionnaire.sections[0].questions if q.type == "choice")
    value = first.options[-1].value
    option = page.locator(f"#question-{first.id} input[value='{value}']")
    page.locator(f"label[for='{option.get_attribute('id')}']").click()
    click_and_wait(page, "header nav.languages a[hreflang=en]" if javascript else "form button[value='language:en']")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert section_of(page) == 1
    expect(page.locator("h1")).to_have_text(questionnaire.sections[0].title["en"])
    expect(page.locator(f"#question-{first.id} input[value='{value}']")).to_be_checked()


def test_every_field_of_the_profile_is_a_comfortable_tap_target(new_context):
    """On a phone each field of the firm profile is at least 44 px tall, the year included."""
    page = new_context(locale="es-PE", **PHONE).new_page()
    page.goto("/start")
    for field in ("#name", "#sector", "#region", "#year_founded"):
        box = page.locator(field).bounding_box()
        assert box is not None and box["height"] >= 44, (field, box)
