"""A consultant's baseline-to-follow-up journey with a client, on a phone, in Spanish."""

from __future__ import annotations

import re

from conftest import CONSULTANT
from helpers import PROFILE
from playwright.sync_api import expect
from test_owner_journey import (
    PHONE,
    click_and_wait,
    complete_sections,
    continue_,
    expect_chart_drawn,
    section_of,
    submit_review,
)

CHANGED = ("dig_strategy_plan", "dig_backup")  # two answers the consultant finds otherwise


def test_a_consultant_takes_a_client_from_baseline_to_follow_up(new_context, questionnaire, offsite_requests):
    page = new_context(locale="es-PE", **PHONE).new_page()
    page.goto("/login")
    page.fill("#email", CONSULTANT["email"])
    page.fill("#password", CONSULTANT["password"])
    click_and_wait(page, "main button[type=submit]")
    expect(page).to_have_url(re.compile(r"/portfolio$"))

    # A new client, whose assessment the consultant fills in with the owner.
    click_and_wait(page, "main a.button[href$='/portfolio/new']")
    page.locator("#name").fill("Muebles Quispe")
    page.locator("#sector").select_option(PROFILE["sector"])
    page.locator(f"label[for='{page.locator('input[name=size]').first.get_attribute('id')}']").click()
    page.locator("#region").select_option(PROFILE["region"])
    click_and_wait(page, "main form button[type=submit]")
    complete_sections(page, questionnaire)
    submit_review(page)

    # The check: two answers found otherwise, with what was seen; the rest confirmed as they are.
    click_and_wait(page, "main a.button[href$='/verify/1']")
    while "/verify/" in page.url:
        for question_id in CHANGED:
            options = page.locator(f"#question-{question_id} input[type=radio]")
            if options.count():
                unchecked = next(i for i in range(options.count()) if not options.nth(i).is_checked())
                page.locator(f"label[for='{options.nth(unchecked).get_attribute('id')}']").click()
                page.fill(f"#evidence-{question_id}", "Lo vi en el taller.")
        click_and_wait(page, "form.questions button[type=submit]")
    expect(page).to_have_url(re.compile(r"/results#verified-heading$"))
    verified = page.locator("table.verified tbody tr")
    differences = [verified.nth(i).locator("td").nth(2).inner_text() for i in range(verified.count())]
    assert sum(d not in ("+0", "") for d in differences) >= 2, differences  # both scores, side by side

    # The plan: the "start here" actions, one of them done.
    click_and_wait(page, "main a.button[href$='/plan']")
    click_and_wait(page, "main form[action$='/plan/add'] button.primary")
    first = page.locator("ol.plan li").first
    first.locator("summary").click()
    first.locator("select[name$='-status']").select_option("done")
    click_and_wait(page, "ol.plan li:first-child button[type=submit]")
    expect(page.locator("ol.plan li.status-done")).to_have_count(1)

    # Months later, the follow-up, and the progress theme by theme.
    click_and_wait(page, "main a[href$='/results']")
    click_and_wait(page, "form[action$='/follow-up'] button[type=submit]")
    assert re.search(r"/a/[^/]+/section/\d+$", page.url), page.url  # straight on, with the consultant's key
    while section_of(page) is not None:  # the previous answers are there: the owner keeps them this time
        continue_(page)
    submit_review(page)
    click_and_wait(page, "main a.button[href$='/progress']")
    rows = page.locator("table.progress tbody tr")
    themes = [t for p in questionnaire.pillars for t in p.themes]
    assert rows.count() == 1 + len(questionnaire.pillars) + len(themes)
    expect_chart_drawn(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
    assert offsite_requests == []
