"""Findings a screen-reader or keyboard user would meet: hints said once, focus seen, tables reachable."""

from __future__ import annotations

import re

import pytest
from helpers import start
from test_bad_input import section_of
from test_owner import READINESS, ROOT, answer_all, soup_of, spanish, submit

CHECKLISTS = [q for q in READINESS.questions.values() if q.type == "checklist"]
TICK_ALL = "Tick all that apply."


def relative_luminance(hex_colour: str) -> float:
    """Return the WCAG relative luminance of a colour written #rrggbb."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """Return the WCAG contrast ratio of two colours."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_checklist_says_tick_all_that_apply_once(client, language):
    """The general hint and a question's own hint never repeat the same sentence."""
    assert CHECKLISTS
    client.set_cookie("lang", language)
    token = start(client)
    sentence = TICK_ALL if language == "en" else spanish(TICK_ALL)
    for question in CHECKLISTS:
        number, _ = section_of(question.id)
        block = soup_of(client.get(f"/a/{token}/section/{number}")).select_one(f"#question-{question.id}")
        if block is None:  # hidden by a condition until an earlier answer
            continue
        hints = [" ".join(p.get_text().split()) for p in block.select(".hint")]
        assert hints.count(sentence) == 1, (question.id, hints)


def test_the_focus_ring_stands_out_from_the_page_at_3_to_1():
    """WCAG 1.4.11: the focus outline contrasts at least 3:1 with the white page."""
    css = (ROOT / "survey" / "static" / "style.css").read_text(encoding="utf-8")
    rules = re.findall(r"([^{}]*:focus[^{}]*)\{([^}]*)\}", css)
    outlines = [re.search(r"outline:\s*\d+px solid (#[0-9a-fA-F]{6})", body) for _, body in rules]
    colours = [m.group(1) for m in outlines if m]
    assert colours, "no focus outline in style.css"
    for colour in colours:
        assert contrast(colour, "#ffffff") >= 3, colour


def test_the_scores_table_can_be_scrolled_from_the_keyboard(app, en):
    """The table that scrolls sideways on a phone is focusable and named by its caption."""
    token = start(en)
    answer_all(en, token)
    assert submit(en, token).status_code == 302
    soup = soup_of(en.get(f"/a/{token}/results"))
    region = soup.select_one(".table-scroll")
    assert region["tabindex"] == "0" and region["role"] == "region"
    caption = soup.find(id=region["aria-labelledby"])
    assert caption is not None and caption.name == "caption" and caption.get_text(strip=True)
