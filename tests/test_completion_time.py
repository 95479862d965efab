"""The computed completion time: words read and answers given on a path, as the loader, checker and start page give it."""

from __future__ import annotations

import re

import pytest
from helpers import start
from test_owner import READINESS, answer_all, app_serving, text_of
from test_questionnaire import README, readme_example
from test_versions import V1, V2, Site, english, take

from survey.core.completion_time import (
    READING_WORDS_PER_MINUTE,
    SECONDS_PER_ANSWER,
    TimeEstimate,
    about_minutes,
    count_words,
    path_time,
    time_range,
    typical_answers,
    typical_time,
)
from survey.core.questionnaire import load_questionnaire_text
from survey.web.database import get_db, registry

# Every kind of text a page shows or does not show, small enough to count by hand. The words each
# shown text counts are in the comments; the rest is never on a section page.
TINY = """
id: tiny
version: 1
languages: [en]
default_language: en
title: {en: A tiny check-up never counted}
description: {en: The start page shows this description and it is not counted.}
estimated_minutes: 45
levels:
  - {id: low, name: {en: Low}, min: 0, max: 50}
  - {id: high, name: {en: High}, min: 50, max: 100}
pillars:
  - id: business
    title: {en: Pillar titles stay on the results}
    themes:
      - id: sales
        title: {en: Sales}                                    # 1, its section holds two themes
        description: {en: Theme descriptions are not on the pages either.}
        questions:
          - id: intro
            type: note
            label: {en: Answer for today.}                   # 3
          - id: online
            type: yesno
            label: {en: Do you sell online?}                 # 4
            hint: {en: Count social media too.}               # 4
            source: Sources are not counted
            recommendations:
              - {if_points_at_most: 1, effort: low, source: Test source, action: {en: Actions are not counted either.}}
          - id: channels
            type: checklist
            relevant: "online == 'yes' or online == 'partly'"
            label: {en: Where do you sell?}                  # 4
            source: Test source
            options:
              - {value: web, label: {en: Own website}, score: 1}                # 2
              - value: market
                label: {en: A marketplace}                                   # 2
                description: {en: Such as a big online shop.}                # 6
                score: 1
              - {value: none, label: {en: None of these}, exclusive: true, score: 0}   # 3
            recommendations:
              - {if_points_at_most: 0, effort: low, source: Test source, action: {en: Sell on a marketplace.}}
      - id: firm
        title: {en: Your firm}                                # 2
        questions:
          - id: count
            type: choice
            label: {en: How do you count stock?}              # 5
            source: Test source
            options:
              - {value: never, label: {en: Not at all}, score: 0}     # 3
              - {value: paper, label: {en: On paper}, score: 1}       # 2
              - {value: app, label: {en: In an app}, score: 2}        # 3
            recommendations:
              - {if_points_at_most: 1, effort: low, source: Test source, action: {en: Count weekly.}}
          - id: workers
            type: number
            min: 1
            max: 9
            bounds_message: {en: Messages after a mistake are not counted.}
            label: {en: How many people work here?}           # 5
      - id: staff
        title: {en: Staff is not shown}                       # its section holds only this theme
        questions:
          - id: contracts
            type: yesno
            relevant: "workers >= 2"
            label: {en: Do they all have contracts?}           # 5
            source: Test source
            recommendations:
              - {if_points_at_most: 1, effort: low, source: Test source, action: {en: Write contracts.}}
sections:
  - {id: shop, title: {en: Your shop}, themes: [sales, firm]}   # 2
  - {id: people, title: {en: Your people}, themes: [staff]}     # 2
"""
# The typical path: online "partly" shows channels, which ticks its middle option but for "none"
# (web, of web and market); count takes "paper"; workers is 5, the middle of 1 and 9, so contracts
# and its section are shown. Words: 2 (Your shop) + 1 (Sales) + 3 (note) + 4 + 4 (online)
# + 4 + 2 + 2 + 6 + 3 (channels) + 2 (Your firm) + 5 + 3 + 2 + 3 (count) + 5 (workers)
# + 2 (Your people) + 5 (contracts) = 58. Answers: online, channels, count, workers, contracts = 5.
# Minutes: 58 / 180 + 5 × 5 / 60 = 0.3222 + 0.4167 = 0.7389.
TINY_TYPICAL = TimeEstimate(words=58, answers=5)
TINY_TYPICAL_MINUTES = 58 / 180 + 25 / 60
# No online sales and one worker hide channels (17 words) and contracts (5), and with it the page
# "Your people" (2): 58 - 24 = 34 words; answers online, count, workers = 3.
# Minutes: 34 / 180 + 3 × 5 / 60 = 0.1889 + 0.25 = 0.4389.
SHORT_PATH = {"online": "no", "count": "paper", "workers": 1}
TINY_SHORT = TimeEstimate(words=34, answers=3)


@pytest.fixture(scope="module")
def tiny():
    return load_questionnaire_text(TINY, "tiny.yaml")


def test_the_constants_are_those_stated():
    assert (READING_WORDS_PER_MINUTE, SECONDS_PER_ANSWER) == (180, 5)


def test_a_tiny_questionnaire_counted_by_hand(tiny):
    assert typical_time(tiny, "en") == TINY_TYPICAL
    assert typical_time(tiny, "en").minutes == pytest.approx(TINY_TYPICAL_MINUTES)
    assert tiny.estimated_minutes == {"en": pytest.approx(TINY_TYPICAL_MINUTES)}  # attached by the loader


def test_the_typical_path_answers_in_the_middle_of_each_scale(tiny):
    assert typical_answers(tiny) == {
        "online": "partly",
        "channels": ("web",),  # "none of these" is not ticked: of web and market, the first
        "count": "paper",
        "workers": 5.0,
        "contracts": "partly",
    }


def test_a_condition_that_hides_questions_lowers_the_estimate(tiny):
    short = path_time(tiny, "en", SHORT_PATH)
    assert short == TINY_SHORT
    assert short.minutes == pytest.approx(34 / 180 + 15 / 60)
    assert short.minutes < typical_time(tiny, "en").minutes
    # The hidden questions were answered before the owner changed their mind: their answers do not count.
    assert path_time(tiny, "en", {**SHORT_PATH, "channels": ("web",), "contracts": "yes"}) == TINY_SHORT


def test_only_answers_given_count(tiny):
    assert path_time(tiny, "en", {}) == TimeEstimate(words=34, answers=0)
    assert path_time(tiny, "en", {"workers": 0, "online": "no"}).answers == 2  # 0 is an answer
    assert path_time(tiny, "en", {"online": "no", "count": ""}).answers == 1
    assert path_time(tiny, "en", {"intro": "read"}).answers == 0  # a note takes no answer


def test_the_bounds_hold_the_typical_path(tiny):
    assert time_range(tiny, "en") == (TINY_SHORT, TINY_TYPICAL)
    for language in READINESS.languages:
        fewest, most = time_range(READINESS, language)
        assert fewest.minutes <= typical_time(READINESS, language).minutes <= most.minutes


def test_the_words_counted_are_those_the_section_pages_show(tmp_path, tiny):
    app = app_serving(tmp_path, "tiny", TINY)
    client = app.test_client()
    token = start(client)
    answer_all(client, token, tiny, overrides=typical_answers(tiny) | {"channels": ["web"], "workers": "5"})
    pages = [text_of(client.get(f"/a/{token}/section/{number}")) for number in (1, 2)]
    shown = ["Your shop", "Sales", "Your firm", "Count social media too.", "Such as a big online shop.", "Your people"]
    assert all(any(text in page for page in pages) for text in shown)
    never = ["Staff is not shown", "Theme descriptions", "Pillar titles", "Sources are not", "Actions are not"]
    assert not [text for text in never if any(text in page for page in pages)]


@pytest.mark.parametrize(
    "text, words",
    [
        ("¿Cómo lleva sus cuentas?", 4),
        ("Ley N.º 29783, Ley de Seguridad", 6),
        ("e-mail, 2.5 % — o nada", 4),
        ("", 0),
    ],
)
def test_words_are_runs_of_letters_or_digits(text, words):
    assert count_words(text) == words


@pytest.mark.parametrize(
    "minutes, shown",
    [(0.2, 1), (0.74, 1), (9.5, 10), (12.4, 12), (14.5, 15), (15.4, 15), (17.4, 15), (17.5, 20), (20.4, 20)],
)
def test_the_start_page_rounds_to_minutes_then_to_fives(minutes, shown):
    assert about_minutes(minutes) == shown


# --------------------------------------------------------------------------- the format reference


def test_the_worked_example_of_the_format_reference():
    """The figures the format reference works out by hand are those the loader gives."""
    questionnaire = load_questionnaire_text(readme_example(), "README.md")
    section = README.read_text(encoding="utf-8").split("## How long it takes", 1)[1].split("\n## ", 1)[0]
    documented = [tuple(map(int, pair)) for pair in re.findall(r"\*\*(\d+)\s+words and (\d+) answers\*\*", section)]
    typical = typical_time(questionnaire, "es")
    without_website = path_time(questionnaire, "es", {**typical_answers(questionnaire), "website": "no"})
    assert documented == [tuple(typical), tuple(without_website)] == [(98, 11), (94, 10)]
    assert f"{typical.minutes:.2f} minutes" in section and f"{without_website.minutes:.2f} minutes" in section
    assert questionnaire.written_minutes is None  # the reference no longer writes a figure


# --------------------------------------------------------------------------- the start page


@pytest.mark.parametrize("language, phrase", [("en", "About {} minutes"), ("es", "Unos {} minutos")])
def test_the_start_page_shows_the_computed_time(client, language, phrase):
    page = text_of(client.get("/", headers={"Accept-Language": language}))
    computed = about_minutes(READINESS.estimated_minutes[language])
    assert READINESS.written_minutes is None  # the file no longer writes a figure (tiny's 45 is ignored)
    assert phrase.format(computed) in page
    assert phrase.format(computed + 5) not in page and phrase.format(computed - 5) not in page


def test_the_start_page_gives_the_time_of_its_own_language(tmp_path):
    """A Spanish page reads the Spanish texts: 300 words of hint take it to 2 minutes, English stays at 1."""
    words = " ".join(["palabra"] * 300)
    long_hint = f"            hint: {{es: {words}, en: Short.}}\n"
    text = V1.replace("            source: Test source\n", long_hint + "            source: Test source\n", 1)
    questionnaire = load_questionnaire_text(text, "small.yaml")
    minutes = {language: about_minutes(questionnaire.estimated_minutes[language]) for language in ("es", "en")}
    assert minutes == {"es": 2, "en": 1}
    client = app_serving(tmp_path, "small", text).test_client()
    assert "Unos 2 minutos" in text_of(client.get("/", headers={"Accept-Language": "es"}))
    assert "About 1 minute," in text_of(client.get("/", headers={"Accept-Language": "en"}))


@pytest.mark.parametrize("language, phrase", [("en", "About 1 minute,"), ("es", "Alrededor de 1 minuto,")])
def test_the_start_page_says_one_minute_in_the_singular(tmp_path, language, phrase):
    client = app_serving(tmp_path, "tiny", TINY).test_client()
    page = text_of(client.get("/", headers={"Accept-Language": language}))
    assert phrase in page and "45" not in page


# --------------------------------------------------------------------------- the checker


def test_the_checker_prints_the_time_in_each_language(runner):
    result = runner.invoke(args=["check-questionnaires"])
    assert result.exit_code == 0, result.output
    for language in READINESS.languages:
        typical = typical_time(READINESS, language)
        fewest, most = time_range(READINESS, language)
        assert (
            f"  {language}: typical path {typical.minutes:.1f} min ({typical.words:,} words at 180 a minute, "
            f"{typical.answers} answers at 5 s), shown as about {about_minutes(typical.minutes)} min; "
            f"no conditional question shown {fewest.minutes:.1f} min, every question {most.minutes:.1f} min\n"
        ) in result.stdout


def test_the_checker_warns_of_a_written_figure_and_passes(runner, tmp_path):
    written = tmp_path / "tiny.yaml"
    written.write_text(TINY, encoding="utf-8")
    unwritten = tmp_path / "untimed.yaml"
    unwritten.write_text(TINY.replace("estimated_minutes: 45\n", "").replace("id: tiny", "id: untimed"), "utf-8")
    result = runner.invoke(args=["check-questionnaires", str(written), str(unwritten)])
    assert result.exit_code == 0, result.output
    assert "  en: typical path 0.7 min (58 words at 180 a minute, 5 answers at 5 s), shown as about 1 min;" in (
        result.stdout
    )
    assert result.stderr.count("warning: estimated_minutes: 45 is ignored") == 1


# --------------------------------------------------------------------------- older files


def test_a_stored_version_with_a_written_figure_still_loads(tmp_path):
    older = V1.replace("default_language: es\n", "default_language: es\nestimated_minutes: 30\n")
    assert older != V1
    site = Site(tmp_path)
    site.write(older)
    first = site.app()
    token = take(first)
    site.write(V2)  # version 2 gives no figure
    second = site.app()
    assert english(second).get(f"/a/{token}/results").status_code == 200
    with second.app_context():
        stored = registry().get(get_db(), "small", 1)
    assert stored.source_text == older and stored.written_minutes == 30
    assert stored.estimated_minutes["es"] == pytest.approx(typical_time(stored, "es").minutes)
    assert stored.estimated_minutes["es"] < 1
