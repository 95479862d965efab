"""A grid question in Chromium: a table on a laptop, rows stacked on a phone with no sideways scroll, axe clean.

Served from tests/questionnaires/valid/grid.yaml on a live server of its own: practices, a grid of
three rows (backups, passwords, updates) and four options, updates shown unless backups is "not".
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import serving_only
from test_axe import violations
from test_owner_journey import click_and_wait, fill_profile

GRID = Path(__file__).resolve().parents[1] / "questionnaires" / "valid" / "grid.yaml"
PHONE, LAPTOP = {"width": 375, "height": 740}, {"width": 1280, "height": 900}
ROWS = ("practices.backups", "practices.passwords", "practices.updates")


@pytest.fixture(scope="module")
def grid_server(tmp_path_factory):
    """Serve only the grid questionnaire on 127.0.0.1; yield its URL."""
    with serving_only(GRID, tmp_path_factory.mktemp("grid")) as url:
        yield url


def open_first_section(browser, grid_server, viewport):
    """Open a new device at this size, fill in the profile and go to the page holding the grid."""
    context = browser.new_context(base_url=grid_server, viewport=viewport, locale="en-GB", bypass_csp=True)
    page = context.new_page()
    page.goto("/start")
    fill_profile(page)
    click_and_wait(page, "main a.button.primary")
    page.locator("table.grid").wait_for()
    # updates is shown unless backups is "not": hidden, like every condition, while backups has no answer.
    assert page.locator('tr[id="question-practices.updates"]').is_hidden()
    page.get_by_label("Backups: We do it").check()
    return context, page


def boxes(page, key: str) -> list[dict]:
    """Return where each radio of a row is drawn."""
    return [radio.bounding_box() for radio in page.locator(f'input[name="q-{key}"]').all()]


def test_on_a_laptop_the_grid_is_a_table_of_a_line_per_row(browser, grid_server, axe_script):
    context, page = open_first_section(browser, grid_server, LAPTOP)
    table = page.locator("table.grid")
    assert table.evaluate("t => getComputedStyle(t).display") == "table"
    assert page.locator("table.grid thead th").first.is_visible()
    for key in ROWS:
        row = boxes(page, key)
        assert len({round(box["y"]) for box in row}) == 1, key  # side by side
        assert [box["x"] for box in row] == sorted(box["x"] for box in row)
    # Each row's line sits below the one before.
    assert boxes(page, ROWS[0])[0]["y"] < boxes(page, ROWS[1])[0]["y"] < boxes(page, ROWS[2])[0]["y"]
    # Under its column's header: the options' names in the cells are hidden from sight, not from a reader.
    assert page.locator(".option-name").first.bounding_box()["width"] <= 1
    assert page.get_by_label("Backups: Planned").count() == 1
    assert violations(page, axe_script) == []
    context.close()


def test_on_a_phone_each_row_stacks_its_options_without_sideways_scrolling(browser, grid_server, axe_script):
    context, page = open_first_section(browser, grid_server, PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert not page.locator("table.grid thead").is_visible()
    label = page.locator('tr[id="question-practices.backups"] th')
    for key in ROWS:
        row = boxes(page, key)
        assert [box["y"] for box in row] == sorted(box["y"] for box in row) and len({box["y"] for box in row}) == 4
        assert len({round(box["x"]) for box in row}) == 1, key  # one above the other
    assert label.bounding_box()["y"] < boxes(page, ROWS[0])[0]["y"]  # the row's label above its options
    names = page.locator('tr[id="question-practices.backups"] .option-name')
    assert [names.nth(i).is_visible() for i in range(4)] == [True] * 4  # each option named beside its radio
    assert violations(page, axe_script) == []
    context.close()


def test_a_rows_condition_hides_it_as_the_owner_answers_and_errors_stay_accessible(browser, grid_server, axe_script):
    context, page = open_first_section(browser, grid_server, PHONE)
    updates = page.locator('tr[id="question-practices.updates"]')
    assert updates.is_visible()  # backups: we do it
    page.get_by_label("Backups: No").check()
    assert updates.is_hidden()
    page.get_by_label("Backups: We do it").check()
    assert updates.is_visible()
    click_and_wait(page, "button[name=nav][value=next]")  # two rows left unanswered
    error = page.locator("#question-practices > ul.errors")
    assert error.inner_text() == "Please answer every row. Not answered yet: Strong passwords; Updates kept current."
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert violations(page, axe_script) == []
    context.close()
