"""Results printed on A4 from the browser: charts and tables on the page, no buttons, at most three pages."""

from __future__ import annotations

import re

import pytest
from conftest import ADMIN, DEMO_TOKENS
from test_owner_journey import click_and_wait

MAX_PAGES = 3


def print_to_pdf(page) -> bytes:
    """Press the page's print button (it draws every chart for paper, then opens the print dialog), then print to A4.

    Headless Chromium has no print dialog: window.print is replaced by a note that it was called.
    """
    page.evaluate("() => { window.print = () => { window.printed = true; }; }")
    page.locator("#print-results").click()
    page.wait_for_function("() => window.printed === true")
    page.emulate_media(media="print")
    assert_laid_out_for_paper(page)  # before page.pdf(), whose afterprint event redraws for the screen
    return page.pdf(format="A4", print_background=True)


def pages_of(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def assert_laid_out_for_paper(page) -> None:
    """No control, and every chart and table on the page, the radars three across in smaller type."""
    assert page.locator("button:visible, form:visible, a.button:visible, nav:visible").count() == 0
    charts = page.locator(".radar .chart")
    assert charts.count() == 3
    for index in range(3):
        chart = charts.nth(index)
        drawing = chart.locator("svg.main-svg").first
        assert drawing.is_visible()
        assert drawing.bounding_box()["width"] <= 240  # drawn for paper, three across the page
        label = chart.locator(".angularaxistick text").first
        assert label.evaluate("(text) => getComputedStyle(text).fontSize") == "10px"  # smaller type on paper
    assert page.locator("table.scores:visible").count() >= 1


def assert_printed_well(pdf: bytes) -> None:
    assert 1 <= pages_of(pdf) <= MAX_PAGES, pages_of(pdf)


@pytest.mark.parametrize("locale", ["es-PE", "en-GB"])
def test_an_owners_results_print_on_at_most_three_pages(new_context, locale):
    context = new_context(locale=locale, viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"/a/{DEMO_TOKENS[-1]}/results")
    assert_printed_well(print_to_pdf(page))


def test_a_consultants_client_report_prints_on_at_most_three_pages(new_context):
    context = new_context(locale="es-PE", viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto("/login")
    page.fill("#email", ADMIN["email"])
    page.fill("#password", ADMIN["password"])
    click_and_wait(page, "main button[type=submit]")
    page.goto("/admin/firms?q=Demo")
    click_and_wait(page, "main table tbody tr:first-child a")
    firm_id = page.url.rsplit("/", 1)[1]
    page.goto(f"/portfolio/firms/{firm_id}")
    click_and_wait(page, "main li.client form button")  # its latest results, opened with a key of the admin's
    assert "/results" in page.url
    assert page.locator("#verified-heading").count() == 1  # the consultant's view of the client
    assert_printed_well(print_to_pdf(page))


def test_the_browsers_own_print_command_redraws_the_drawn_charts_for_paper(new_context):
    """Ctrl+P, not the button: the charts already drawn are redrawn three across before the page prints."""
    context = new_context(locale="es-PE", viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"/a/{DEMO_TOKENS[-1]}/results")
    page.locator(".radars").scroll_into_view_if_needed()
    page.wait_for_function("() => [...document.querySelectorAll('.chart')].every(c => c.dataset.drawn === 'true')")
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    page.wait_for_function("() => [...document.querySelectorAll('.chart')].every(c => c.dataset.drawn === 'true')")
    page.emulate_media(media="print")
    assert_laid_out_for_paper(page)
