"""axe-core, run in Chromium over every page an owner sees, on a phone and on a laptop."""

from __future__ import annotations

import re

import pytest
from conftest import ADMIN
from helpers import PROFILE
from test_owner_journey import click_and_wait, complete_sections, expect_chart_drawn, fill_profile, submit_review

WIDTHS = [{"width": 375, "height": 740}, {"width": 1280, "height": 900}]


def violations(page, axe_script: str) -> list[str]:
    """Run axe on the page as it is now; return one line per violation and element."""
    page.add_script_tag(content=axe_script)
    found = page.evaluate("async () => (await axe.run(document)).violations")
    return [f"{v['id']} ({v['impact']}): {n['target']} - {v['help']}" for v in found for n in v["nodes"]]


def checker(page, axe_script: str, found: dict[str, list[str]]):
    """Return a function that runs axe on the page as it is now and keeps its violations under a name."""

    def check(name: str) -> None:
        problems = violations(page, axe_script)
        if problems:
            found[name] = problems

    return check


@pytest.mark.parametrize("viewport", WIDTHS, ids=["375px", "1280px"])
def test_every_owner_page_has_no_axe_violation(new_context, questionnaire, axe_script, viewport):
    """Landing, profile, link, every section, review, results, actions, sharing and a 404: no violation."""
    context = new_context(locale="es-PE", viewport=viewport, bypass_csp=True)  # to add axe to the page
    page = context.new_page()
    found: dict[str, list[str]] = {}
    check = checker(page, axe_script, found)

    page.goto("/")
    check("landing")
    click_and_wait(page, "main a.button.primary[href$='/start']")
    check("profile")
    fill_profile(page)
    check("link")
    click_and_wait(page, "main a.button.primary")
    complete_sections(page, questionnaire, each_page=lambda p: check(f"section {p.url.rsplit('/', 1)[1]}"))
    check("review")
    submit_review(page)
    expect_chart_drawn(page)
    check("results")
    results_url = page.url
    page.goto(results_url.replace("/results", "/progress"))
    check("progress, with no earlier assessment")
    page.goto(results_url.replace("/results", "/consultants"))
    click_and_wait(page, "main form button[type=submit]")
    check("consultants, with a code")
    page.goto(results_url.replace("/results", "/plan"))
    click_and_wait(page, "main form[action$='/plan/add'] button.primary")
    page.locator("ol.plan li details summary").first.click()
    check("action plan, one action opened")
    page.goto(results_url)
    click_and_wait(page, "main a.button[href$='/actions']")
    check("actions")
    page.go_back()
    click_and_wait(page, "main a.button[href$='/share']")
    click_and_wait(page, "main form button[type=submit]")
    check("read-only links")
    page.goto(page.locator("textarea.link").input_value())
    expect_chart_drawn(page)
    check("read-only results")
    page.goto(results_url)
    click_and_wait(page, "main a[href^='/register']")
    check("sign up")
    page.fill("#name", "Rosa Huamán")
    page.fill("#email", f"dueña-{viewport['width']}@example.org")
    page.fill("#password", "cuatro palabras juntas")
    page.fill("#confirm", "cuatro palabras juntas")
    click_and_wait(page, "main form button[type=submit]")  # back on the results, the assessment kept
    page.goto("/my")
    assert page.locator("main section.client").count() == 1
    check("the owner's firms")
    page.locator("main details.confirm summary").first.click()
    check("the owner's firms, removing one")
    page.goto("/a/no-such-link")
    check("not found")
    assert not found, "\n".join(f"{name}: {line}" for name, lines in found.items() for line in lines)


@pytest.mark.parametrize("viewport", WIDTHS, ids=["375px", "1280px"])
def test_every_account_page_has_no_axe_violation(new_context, questionnaire, axe_script, viewport):
    """Login (with a refusal shown), account, password, accounts, new client, check of answers, client list and client."""
    context = new_context(locale="es-PE", viewport=viewport, bypass_csp=True)
    page = context.new_page()
    found: dict[str, list[str]] = {}
    check = checker(page, axe_script, found)

    page.goto("/login")
    check("login")
    page.fill("#email", ADMIN["email"])
    page.fill("#password", "no es la clave")
    click_and_wait(page, "main button[type=submit]")
    check("login refused")
    page.fill("#email", ADMIN["email"])
    page.fill("#password", ADMIN["password"])
    click_and_wait(page, "main button[type=submit]")
    check("account")
    page.goto("/account/password")
    check("password")
    page.goto("/admin/users")
    page.fill("#email", "nueva@example.org")
    click_and_wait(page, "main button[type=submit]")
    check("accounts and invitation")
    page.goto("/portfolio/new")
    check("new client")
    page.locator("#name").fill("Carpintería Flores")
    page.locator("#sector").select_option(PROFILE["sector"])
    page.locator(f"label[for='{page.locator('input[name=size]').first.get_attribute('id')}']").click()
    page.locator("#region").select_option(PROFILE["region"])
    click_and_wait(page, "main form button[type=submit]")
    assert re.search(r"/a/[^/]+/section/1$", page.url), page.url  # opened for the consultant to fill in
    complete_sections(page, questionnaire)
    submit_review(page)
    click_and_wait(page, "main a.button[href$='/verify/1']")
    check("check of the answers")
    page.goto("/portfolio")
    check("clients")
    click_and_wait(page, "li.client:first-child h2 a")
    page.fill("#body", "Vi el registro de mantenimiento.")
    click_and_wait(page, "#notes button[type=submit]")
    check("client, with a note")
    page.goto("/admin/programmes")
    page.fill("#name", f"SCORE Perú {viewport['width']}")
    page.check("#managers_see_answers")
    click_and_wait(page, "main form button[type=submit]")
    check("programmes")
    click_and_wait(page, "main table tbody tr:first-child a")
    check("a programme")
    page.goto("/admin/firms")
    check("firms and consultants")
    click_and_wait(page, "main table tbody tr:first-child a")
    check("a firm's programme and consultants")
    page.goto("/portfolio")
    assessment_id = (
        page.locator("li.client:first-child form[action$='/open']").first.get_attribute("action").split("/")[-2]
    )
    page.goto(f"/programme/assessments/{assessment_id}")
    check("an assessment, read-only")
    page.goto("/exports?sector=" + PROFILE["sector"])
    check("exports")
    page.goto("/programme/dashboard")
    check("programme dashboard")
    page.goto("/programme/dashboard?sector=" + PROFILE["sector"] + "&size=medium")
    check("programme dashboard, a small group")
    assert not found, "\n".join(f"{name}: {line}" for name, lines in found.items() for line in lines)
