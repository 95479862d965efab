"""A checklist whose empty selection means "none of these" (`empty_means: none`): rules, scores, pages, exports.

Worked on tests/questionnaires/valid/context.yaml: the theme sales holds website (yes 2, partly
1, no 0) and channels (whatsapp 1, marketplace 1; nothing ticked means none, 0 of 2), both
required, and the unscored customers and markets; the theme tools holds apps (accounting 1,
stock 1), a checklist with the default rule: nothing ticked is no answer.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from helpers import send_page, start
from test_owner import soup_of, stored_answers, submit, text_of
from test_questionnaire import readme_example

from survey.core.answers import REQUIRED, RawAnswer, Refusal, prepare_submission, read_answer, read_section
from survey.core.expressions import parse_condition
from survey.core.questionnaire import load_questionnaire, load_questionnaire_text
from survey.core.scoring import SCORED, UNANSWERED, score_response, visible_answers

CONTEXT = Path(__file__).resolve().parent / "questionnaires" / "valid" / "context.yaml"
QUESTIONNAIRE = load_questionnaire(CONTEXT)
CHANNELS, APPS = QUESTIONNAIRE.questions["channels"], QUESTIONNAIRE.questions["apps"]
SALES_PAGE = QUESTIONNAIRE.sections[0]
NOTHING = "None of these (nothing ticked)"


def without_empty_means_none(text: str) -> str:
    """Return the fixture with channels' `empty_means: none` taken out (the first in the file)."""
    line = "            empty_means: none\n"
    assert text.index(line) < text.index("id: markets")
    return text.replace(line, "", 1)


def explained(scores, question_id: str) -> tuple[str, float, float]:
    found = scores.question_scores()[question_id]
    return found.status, found.points, found.max_points


# Worked scoring examples.


def test_nothing_ticked_counts_as_none_and_takes_the_theme_from_100_to_50():
    # website yes: 2 of 2. channels never answered (its page never sent): left out.
    # sales = 100 × (2/2) / 1 = 100
    before = score_response(QUESTIONNAIRE, {"website": "yes"})
    assert explained(before, "channels") == (UNANSWERED, 0.0, 2.0)
    assert before.dimensions()["sales"] == 100.0
    # channels sent with nothing ticked: none of these, 0 of 2, counted.
    # sales = 100 × (2/2 + 0/2) / 2 = 50; market = the mean of sales (50) alone, tools has no answer.
    after = score_response(QUESTIONNAIRE, {"website": "yes", "channels": ()})
    assert explained(after, "channels") == (SCORED, 0.0, 2.0)
    assert after.dimensions() == {"overall": 50.0, "market": 50.0, "sales": 50.0, "tools": None}
    # Ticking one of the two: sales = 100 × (2/2 + 1/2) / 2 = 75.
    assert score_response(QUESTIONNAIRE, {"website": "yes", "channels": ("whatsapp",)}).dimensions()["sales"] == 75.0


def test_without_the_rule_the_same_empty_selection_is_no_answer():
    plain = load_questionnaire_text(without_empty_means_none(CONTEXT.read_text(encoding="utf-8")), "plain.yaml")
    assert plain.questions["channels"].empty_means == "unanswered"
    scores = score_response(plain, {"website": "yes", "channels": ()})
    # sales = 100 × (2/2) / 1 = 100: channels leaves the calculation.
    assert explained(scores, "channels") == (UNANSWERED, 0.0, 2.0)
    assert scores.dimensions()["sales"] == 100.0


def test_the_format_references_example_scores_as_it_says():
    """questionnaires/README.md: order_channels (nothing ticked = none) is asked when customers is households."""
    example = load_questionnaire_text(readme_example(), "README.md")
    answers = {"accounts": "software", "website": "yes", "website_sales": "yes", "customers": "households"}
    # accounts 4/4, website 2/2, website_sales 2/2; order_channels never answered: left out.
    assert score_response(example, answers).dimensions()["digital_tools"] == 100.0
    # order_channels sent with nothing ticked: 0/4. digital_tools = 100 × (1 + 1 + 1 + 0) / 4 = 75
    assert score_response(example, {**answers, "order_channels": ()}).dimensions()["digital_tools"] == 75.0
    # Selling to businesses hides order_channels, whatever it held: 100 again.
    hidden = {**answers, "customers": "businesses", "order_channels": ()}
    assert score_response(example, hidden).dimensions()["digital_tools"] == 100.0


@pytest.mark.parametrize("ticked", [(), []])
def test_a_default_checklist_with_nothing_ticked_has_no_answer(ticked):
    # apps empty: no answer, so tools has no score; one of two ticked: tools = 100 × 1/2 = 50.
    assert score_response(QUESTIONNAIRE, {"apps": ticked}).dimensions()["tools"] is None
    assert score_response(QUESTIONNAIRE, {"apps": ("accounting",)}).dimensions()["tools"] == 50.0


def test_conditions_still_look_at_what_was_ticked():
    """`answered(channels)` is false when nothing was ticked, even though it counts as an answer."""
    effective, _ = visible_answers(QUESTIONNAIRE, {"channels": (), "apps": ()})
    assert effective == {"channels": ()}  # apps' empty selection is no answer: it is dropped
    assert parse_condition("answered(channels)").evaluate(effective) is False
    assert parse_condition("selected(channels, 'whatsapp')").evaluate(effective) is False


# The answer rules.


@pytest.mark.parametrize("value", [None, []])
def test_an_empty_checklist_the_page_showed_is_stored_as_none_of_these(value):
    assert read_answer(CHANNELS, RawAnswer(value, shown=True)) == ((), None)
    # Not marked as shown: the page the form came from did not show it, so it has no answer.
    assert read_answer(CHANNELS, RawAnswer(value)) == (None, None)
    # The default rule: nothing ticked is no answer, shown or not.
    assert read_answer(APPS, RawAnswer(value, shown=True)) == (None, None)


def test_a_required_checklist_can_be_sent_empty_but_not_skipped():
    sent = {"website": RawAnswer("yes"), "channels": RawAnswer([], shown=True)}
    posted, refusals = read_section(QUESTIONNAIRE, SALES_PAGE, sent, {})
    assert (posted["channels"], refusals) == ((), [])
    not_shown = {"website": RawAnswer("yes"), "channels": RawAnswer([])}
    posted, refusals = read_section(QUESTIONNAIRE, SALES_PAGE, not_shown, {})
    assert (posted["channels"], refusals) == (None, [Refusal("channels", REQUIRED)])


def test_submitting_needs_the_page_of_a_required_empty_checklist_to_have_been_sent():
    assert prepare_submission(QUESTIONNAIRE, {"website": "yes"}).missing == {"channels"}
    assert prepare_submission(QUESTIONNAIRE, {"website": "yes", "channels": ()}).missing == frozenset()


# The owner's pages.


def test_the_page_says_an_empty_checklist_is_an_answer_and_marks_it(context_owner):
    token = start(context_owner)
    page = soup_of(context_owner.get(f"/a/{token}/section/1"))
    marks = sorted(field["name"] for field in page.select("form.questions input[type=hidden]") if "__" in field["name"])
    assert marks == ["q-channels__shown", "q-markets__shown"]
    channels = page.select_one("#question-channels")
    assert "If none of them applies, leave them all unticked." in channels.get_text()
    assert channels.select_one(".required") is None  # leaving it empty answers it
    assert page.select_one("#question-website .required") is not None
    tools = soup_of(context_owner.get(f"/a/{token}/section/2"))
    assert "leave them all unticked" not in tools.get_text() and not tools.select('input[name$="__shown"]')


def test_an_owner_sends_a_checklist_empty_and_gets_none_of_these_scored(context_owner, context_app):
    token = start(context_owner)
    response = send_page(context_owner, f"/a/{token}/section/1", {"customers": "households", "website": "yes"})
    assert response.status_code == 302, text_of(response)
    assert send_page(context_owner, f"/a/{token}/section/2", {}).status_code == 302
    assert stored_answers(context_app, token) == {
        "customers": "households",
        "website": "yes",
        "channels": (),
        "markets": (),
    }
    review = soup_of(context_owner.get(f"/a/{token}/review"))
    assert review.find("dt", string="Where do you take orders?").find_next("dd").get_text(strip=True) == NOTHING
    assert review.find("dt", string="Which software do you use?").find_next("dd").get_text(strip=True) == "Not answered"
    assert submit(context_owner, token).status_code == 302
    results = soup_of(context_owner.get(f"/a/{token}/results"))
    rows = {
        cells[0]: cells[1:]
        for row in results.select("table.explain tr")
        if (cells := [c.get_text(" ", strip=True) for c in row.select("td")])
    }
    assert rows["Where do you take orders?"] == [NOTHING, "0 / 2"]
    assert rows["Do you have a website?"] == ["Yes", "2 / 2"]
    # sales = 100 × (2/2 + 0/2) / 2 = 50
    assert "Sales: 50/100" in [summary.get_text(" ", strip=True) for summary in results.select("details summary")]
    actions = text_of(context_owner.get(f"/a/{token}/actions"))
    assert "Take orders through WhatsApp." in actions and "Not ticked: WhatsApp" in actions


def test_a_page_that_did_not_show_the_checklist_leaves_it_unanswered(context_owner, context_app):
    token = start(context_owner)
    # Next: channels is required, and nothing says the page showed it.
    refused = send_page(context_owner, f"/a/{token}/section/1", {"website": "yes"}, marks=False)
    assert refused.status_code == 400
    assert "Please answer this question." in soup_of(refused).select_one("#question-channels").get_text()
    # Back saves without requiring: channels stays unanswered, and submitting is refused.
    assert (
        send_page(context_owner, f"/a/{token}/section/1", {"website": "yes"}, nav="back", marks=False).status_code
        == 302
    )
    assert "channels" not in stored_answers(context_app, token)
    assert submit(context_owner, token).status_code == 400


def test_spanish_pages_say_it_in_spanish(context_app):
    client = context_app.test_client()
    client.set_cookie("lang", "es")
    token = start(client)
    page = text_of(client.get(f"/a/{token}/section/1"))
    assert "Si no corresponde ninguna, deje todas sin marcar." in page
    send_page(client, f"/a/{token}/section/1", {"website": "yes"})
    assert "Ninguna de estas (no marcó ninguna)" in text_of(client.get(f"/a/{token}/review"))


# Exports.


def test_exports_write_an_empty_selection_as_none_ticked(context_owner, context_app, tmp_path):
    token = start(context_owner)
    send_page(context_owner, f"/a/{token}/section/1", {"customers": "households", "website": "yes"})
    send_page(context_owner, f"/a/{token}/section/2", {})
    submit(context_owner, token)
    path = tmp_path / "out.csv"
    result = context_app.test_cli_runner().invoke(args=["export", "--format", "csv", "--output", str(path)])
    assert result.exit_code == 0, result.output
    (row,) = csv.DictReader(path.read_text(encoding="utf-8").splitlines())
    assert (row["channels"], row["markets"], row["apps"]) == ("none_ticked", "none_ticked", "")
    assert row["score_sales"] == "50.0"
    codebook = list(csv.DictReader(path.with_name("out.codebook.csv").read_text(encoding="utf-8").splitlines()))
    empty = {r["question_id"]: r for r in codebook if r["value"] == "none_ticked"}
    assert sorted(empty) == ["channels", "markets"]  # apps: nothing ticked is no answer, no code
    assert (empty["channels"]["type"], empty["channels"]["points"]) == ("option", "0.0")
    assert empty["markets"]["points"] == ""  # not scored
    assert empty["channels"]["text_en"] == NOTHING
    assert empty["channels"]["text_es"] == "Ninguna de estas (no marcó ninguna)"
