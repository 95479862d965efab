"""The programme dashboard in the browser: filters, charts drawn, a phone's width, and printing."""

from __future__ import annotations

import pytest
from conftest import ADMIN
from test_owner_journey import click_and_wait
from test_print import pages_of

WIDTHS = [{"width": 375, "height": 740}, {"width": 1280, "height": 900}]
CHARTS = ("chart-spread", "chart-sectors", "chart-levels", "chart-change")


def log_in_as_admin(page) -> None:
    page.goto("/login")
    page.fill("#email", ADMIN["email"])
    page.fill("#password", ADMIN["password"])
    click_and_wait(page, "main button[type=submit]")


def draw_every_chart(page) -> None:
    """Scroll each chart into view (they load when near the screen) and wait until all are drawn."""
    for chart in CHARTS:
        page.locator(f"#{chart}").scroll_into_view_if_needed()
    page.wait_for_function(
        "(ids) => ids.every(id => document.getElementById(id).getAttribute('data-drawn') === 'true')", arg=list(CHARTS)
    )


@pytest.mark.parametrize("viewport", WIDTHS, ids=["375px", "1280px"])
def test_an_administrator_filters_the_dashboard_and_every_chart_draws(new_context, viewport, offsite_requests):
    context = new_context(locale="en-GB", viewport=viewport)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in_as_admin(page)
    page.goto("/programme/dashboard")
    everyone = int(page.locator(".view-count").inner_text().split()[0].replace(",", ""))
    assert everyone >= 150  # the live server's demo firms (300 assessments), each counted once
    draw_every_chart(page)
    for chart in CHARTS:
        drawing = page.locator(f"#{chart} svg.main-svg").first
        box = drawing.bounding_box()
        assert box["width"] <= viewport["width"] or chart == "chart-sectors", (chart, box)
        assert box["height"] < 1000, (chart, box)  # as tall as its rows, not a square as wide as the page
    assert page.locator("#chart-spread .boxlayer path").count() > 0
    assert page.locator("#chart-sectors .hm image, #chart-sectors .heatmaplayer image").count() > 0
    assert page.locator("#chart-levels .barlayer path").count() > 0
    # The page itself never scrolls sideways; only the heat map's own box does, on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

    page.select_option("#sector", "food_beverages")
    page.select_option("#size", "micro")
    click_and_wait(page, "form.dashboard-filters button[type=submit]")
    assert "sector=food_beverages" in page.url and "size=micro" in page.url
    assert page.locator("#sector").input_value() == "food_beverages"  # the filter stays chosen
    shown = page.locator(".view-count").inner_text()
    assert shown == "fewer than 5 firms" or 5 <= int(shown.split()[0]) < everyone
    assert not errors, errors
    assert not offsite_requests, offsite_requests


def test_the_dashboard_without_javascript_shows_its_tables(new_context):
    context = new_context(locale="es-PE", viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    log_in_as_admin(page)
    page.goto("/programme/dashboard")
    for caption in ("Puntajes (0-100) por pilar y tema", "Puntajes medianos por tema (0-100) y sector"):
        assert page.locator("caption", has_text=caption).is_visible()
    page.select_option("#sector", "wood_furniture")
    click_and_wait(page, "form.dashboard-filters button[type=submit]")
    assert "sector=wood_furniture" in page.url


def test_the_programme_summary_prints_without_controls(new_context):
    context = new_context(locale="es-PE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in_as_admin(page)
    page.goto("/programme/dashboard?size=small")
    page.evaluate("() => { window.print = () => { window.printed = true; }; }")
    page.locator("#print-results").click()
    page.wait_for_function("() => window.printed === true")
    page.emulate_media(media="print")
    assert page.locator("button:visible, form:visible, nav:visible, select:visible").count() == 0
    for chart in CHARTS:
        drawing = page.locator(f"#{chart} svg.main-svg").first
        assert drawing.is_visible()
        assert drawing.bounding_box()["width"] <= 720  # drawn for the width of A4, not of the screen
    assert page.locator(".view-summary").is_visible() and page.locator(".privacy-rule").is_visible()
    pdf = page.pdf(format="A4", print_background=True)
    assert 2 <= pages_of(pdf) <= 8, pages_of(pdf)
