"""A checklist whose empty selection means "none of these", in Chromium: said on the page and to a
screen reader, sent with nothing ticked, and axe clean on a phone and a laptop.

Served from tests/questionnaires/valid/context.yaml: `channels` is required, and leaving it
empty answers it (0 points); `markets` is a context checklist where empty means none too.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import serving_only
from test_axe import violations
from test_owner_journey import click_and_wait, fill_profile

CONTEXT = Path(__file__).resolve().parents[1] / "questionnaires" / "valid" / "context.yaml"
NONE_HINT = "If none of them applies, leave them all unticked."


@pytest.fixture(scope="module")
def context_server(tmp_path_factory):
    """Serve only the context questionnaire on 127.0.0.1; yield its URL."""
    with serving_only(CONTEXT, tmp_path_factory.mktemp("context")) as url:
        yield url


def description(page, fieldset) -> str:
    """The text a screen reader reads for a group: its aria-describedby targets, in order."""
    ids = (fieldset.get_attribute("aria-describedby") or "").split()
    return " ".join(page.locator(f'[id="{i}"]').inner_text() for i in ids)


@pytest.mark.parametrize("viewport", [{"width": 375, "height": 740}, {"width": 1280, "height": 900}])
def test_an_empty_checklist_that_means_none_is_explained_sent_and_axe_clean(
    browser, context_server, axe_script, viewport
):
    context = browser.new_context(base_url=context_server, viewport=viewport, locale="en-GB", bypass_csp=True)
    page = context.new_page()
    page.goto("/start")
    fill_profile(page)
    click_and_wait(page, "main a.button.primary")
    channels = page.locator("fieldset#question-channels")
    channels.wait_for()
    # Not marked required (leaving it empty is an answer), and both sighted and screen-reader users are told so.
    assert "(required)" not in channels.locator("legend").inner_text()
    assert NONE_HINT in channels.inner_text()
    assert NONE_HINT in description(page, channels)
    assert violations(page, axe_script) == []
    # The owner answers the rest and leaves every channel unticked: the page is accepted.
    page.locator("input[name=q-customers]").first.check()
    page.locator("input[name=q-website][value=yes]").check()
    assert page.locator("input[name=q-channels]:checked").count() == 0
    click_and_wait(page, "button[name=nav][value=next]")
    assert not re.search(r"/section/1$", page.url), page.locator(".errors, .error").all_inner_texts()
    assert violations(page, axe_script) == []
    # Stored as the answer "none of these", which the review page shows.
    page.goto(re.sub(r"/section/\d+$", "/review", page.url))
    assert "None of these (nothing ticked)" in page.locator("main").inner_text()
    context.close()
