"""Loading and checking questionnaire files: valid fixtures, the README example, the broken corpus."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from survey.core.questionnaire import (
    Problem,
    Questionnaire,
    QuestionnaireError,
    load_folder,
    load_questionnaire,
    load_questionnaire_text,
)
from survey.core.yaml_source import MAX_FILE_BYTES

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "questionnaires"
VALID = FIXTURES / "valid"
BROKEN = FIXTURES / "broken"
README = ROOT / "questionnaires" / "README.md"
READINESS = ROOT / "questionnaires" / "readiness.yaml"
PYTHON_TAG_MARKER = Path("/tmp/readiness_survey_python_tag_ran")  # named in broken/python_tag.yaml

# file -> (message fragments that must all be reported, line of the first fragment's problem or None)
BROKEN_EXPECTED: dict[str, tuple[list[str], int | None]] = {
    # A first-time author's mistakes, each told once and named as the author wrote it.
    "option_value_read_as_boolean.yaml": (
        ["question bookkeeping: the value of options 'Yes', 'No' is read as true or false", '(value: "yes")'],
        22,
    ),
    "hyphen_in_question_id.yaml": (["question book-keeping: id 'book-keeping' must be a letter"], 17),
    "undefined_alias.yaml": (["found undefined alias '*fixture_source' (no '&fixture_source' above it)"], 20),
    "unknown_question_type.yaml": (["question bookkeeping: type 'multiple' is not one of choice"], 17),
    "weight_on_note.yaml": (["question intro: 'weight' does not apply: a note is never scored"], 17),
    "yaml_syntax.yaml": (["YAML syntax", "mapping values are not allowed"], 20),
    "unknown_key_typo.yaml": (["unknown key 'lable' (did you mean 'label'?)", "'label' is missing"], 17),
    "duplicate_question_id.yaml": (["duplicate question id 'website' (also on line 17)"], 26),
    "duplicate_yaml_key.yaml": (["key 'label' appears twice in the same mapping"], 21),
    "condition_unknown_question.yaml": (["question shop, relevant: refers to unknown question 'ghost'"], 26),
    "condition_cycle.yaml": (["conditions form a circle: first -> second -> first"], 17),
    "condition_self_reference.yaml": (["conditions form a circle: website -> website"], 17),
    "condition_syntax.yaml": (["use '==' to compare, not '=' at column 9: website = 'yes'"], 26),
    "option_without_score.yaml": (["option paper: a scored option needs a 'score'"], 22),
    "weight_zero.yaml": (["question website: 'weight' must be greater than 0, not 0"], 17),
    "weight_negative.yaml": (["theme tools: 'weight' must be greater than 0, not -1"], 14),
    "levels_overlap.yaml": (["levels 'low' and 'high' overlap (0-60 and 50-100)"], None),
    "levels_gap.yaml": (["gap between levels 'low' and 'high' (nothing covers 40 to 50)"], None),
    "levels_not_from_zero.yaml": (["the first level must start at 0, not 10"], None),
    "levels_not_to_hundred.yaml": (["the last level must end at 100, not 90"], None),
    "missing_translation.yaml": (["question website.label: missing translation for language 'en'"], 19),
    "language_not_listed.yaml": (["language 'fr' is not in the questionnaire's languages"], 19),
    "version_zero.yaml": (["version: must be a whole number of 1 or more, not 0"], None),
    "version_string.yaml": (["version: must be a whole number of 1 or more, not '2'"], None),
    "version_float.yaml": (["version: must be a whole number of 1 or more, not 1.5"], None),
    "version_missing.yaml": (["'version' is missing"], None),
    "python_tag.yaml": (["python/object/apply:os.system", "tags such as !!python are not allowed"], 6),
    "alias_bomb.yaml": (["expands to more than 100,000 values"], None),
    "empty.yaml": (["the file is empty"], None),
    "top_level_list.yaml": (["a questionnaire must be a mapping of keys to values"], 1),
    "rec_bad_trigger.yaml": (
        [
            "question website, recommendations[0]: if_score_below is for a theme's or a pillar's recommendations: "
            "a question's needs exactly one of if_points_at_most, if_selected, if_not_selected"
        ],
        22,
    ),
    "rec_theme_question_trigger.yaml": (
        ["theme strategy, recommendations[0]: if_points_at_most is for a question's recommendations: a theme's takes"],
        17,
    ),
    "rec_pillar_score_above_100.yaml": (
        ["pillar digital, recommendations[0]: if_score_below 120 must be at most 100, the highest score"],
        14,
    ),
    "rec_missing_effort.yaml": (["recommendations[0]: 'effort' is missing"], 22),
    "rec_if_selected_on_checklist.yaml": (["if_selected is only for choice and grid questions"], 25),
    "rec_unknown_option.yaml": (["if_selected names 'gold', which is not an option"], 25),
    "rec_points_not_below_max.yaml": (["if_points_at_most 2 is not below the question's maximum 2"], 22),
    "scored_without_source.yaml": (["question website: a scored question needs a 'source'"], 17),
    "number_bands_without_min.yaml": (["question staff: a number with bands needs a 'min'"], 17),
    "bands_not_increasing.yaml": (["bands[2]: bands must go up: 10 is not above 50"], 26),
    "exclusive_on_choice.yaml": (["option paper: 'exclusive' is only for checklist options"], 22),
    "section_missing_theme.yaml": (["theme 'energy' is in no section"], None),
    "section_unknown_theme.yaml": (["sections[0]: theme 'ghost' does not exist"], 27),
    "reserved_id_overall.yaml": (["id 'overall' is a reserved word"], 11),
    "text_read_as_boolean.yaml": (["option paper.label: the 'en' text was read as 'false': put it in quotes"], 22),
    "empty_means_on_choice.yaml": (["question accounts: 'empty_means' is only for checklist questions"], 17),
    "empty_means_unknown.yaml": (["question tools_used: empty_means must be 'none' (nothing ticked", "not 'zero'"], 17),
    "empty_selection_value.yaml": (
        ["question tools_used: option value 'none_ticked' is kept for an empty selection with empty_means: none"],
        17,
    ),
    "unscored_with_recommendations.yaml": (
        ["question customers: 'recommendations' is for scored questions, and this one has scored: false"],
        17,
    ),
    "unscored_with_weight.yaml": (["question customers: 'weight' is for scored questions"], 17),
    "unscored_with_scores.yaml": (
        ["question customers: has scored: false, yet options give a 'score' (households, businesses)"],
        17,
    ),
    "scored_on_yesno.yaml": (
        [
            "question exports: 'scored' is only for choice, checklist and grid questions: a yes/no question is always scored"
        ],
        17,
    ),
    "options_without_scores.yaml": (
        ["question customers: no option has a 'score': give each one a score, or write scored: false"],
        17,
    ),
    "grid_without_rows.yaml": (["question practices: 'rows' is missing or empty"], 17),
    "grid_duplicate_row.yaml": (
        ["question practices, row backups: duplicate row id 'backups' in this grid (also on line 26)"],
        30,
    ),
    "grid_row_missing_translation.yaml": (
        ["question practices, row passwords.label: missing translation for language 'en'"],
        29,
    ),
    "grid_rec_without_row.yaml": (
        ["question practices, recommendations[0]: a grid's recommendation needs 'row'", "e.g. row: backups"],
        31,
    ),
    "grid_rec_unknown_row.yaml": (
        ["question practices, recommendations[0]: row 'backup' is not a row of this grid (did you mean 'backups'?)"],
        31,
    ),
    "grid_option_without_score.yaml": (["question practices, option planned: a scored option needs a 'score'"], 23),
    "grid_condition_unknown_row.yaml": (
        ["question website, relevant: refers to row 'backup' of grid 'practices', which has no such row"],
        36,
    ),
    "grid_condition_whole_grid.yaml": (
        [
            "question website, relevant: refers to grid 'practices' as a whole: name one of its rows, e.g. practices.backups"
        ],
        36,
    ),
    "row_on_choice_recommendation.yaml": (
        ["question accounts, recommendations[0]: 'row' is only for the recommendations of grid questions"],
        25,
    ),
    "several_problems.yaml": (
        [
            "version: must be a whole number of 1 or more, not 0",
            "gap between levels 'low' and 'high'",
            "unknown key 'lable' (did you mean 'label'?)",
            "question shop: 'weight' must be greater than 0, not 0",
            "refers to unknown question 'ghost'",
        ],
        None,
    ),
}

# Files of the corpus that make one mistake of the question or recommendation formats: each gets exactly one
# message.
ONE_MISTAKE = [
    "option_value_read_as_boolean.yaml",
    "hyphen_in_question_id.yaml",
    "undefined_alias.yaml",
    "unknown_question_type.yaml",
    "weight_on_note.yaml",
    "empty_means_on_choice.yaml",
    "empty_means_unknown.yaml",
    "empty_selection_value.yaml",
    "unscored_with_recommendations.yaml",
    "unscored_with_weight.yaml",
    "unscored_with_scores.yaml",
    "scored_on_yesno.yaml",
    "options_without_scores.yaml",
    "rec_bad_trigger.yaml",
    "rec_theme_question_trigger.yaml",
    "rec_pillar_score_above_100.yaml",
    "grid_without_rows.yaml",
    "grid_duplicate_row.yaml",
    "grid_row_missing_translation.yaml",
    "grid_rec_without_row.yaml",
    "grid_rec_unknown_row.yaml",
    "grid_option_without_score.yaml",
    "grid_condition_unknown_row.yaml",
    "grid_condition_whole_grid.yaml",
    "row_on_choice_recommendation.yaml",
]

# file -> (warning message fragment, its line): files that load, with a warning.
WARNED = FIXTURES / "warned"
WARNED_EXPECTED = {
    "scored_without_recommendations.yaml": ("question website: has no recommendations, so no answer suggests", 17),
}


def readme_example() -> str:
    """Return the first ```yaml block of questionnaires/README.md."""
    match = re.search(r"```yaml\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    assert match, "questionnaires/README.md has no ```yaml block"
    return match.group(1)


def load_valid(name: str) -> Questionnaire:
    """Load a valid fixture by file stem."""
    return load_questionnaire(VALID / f"{name}.yaml")


def problems_of(path: Path) -> list[Problem]:
    """Load a file that must fail and return its problems."""
    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire(path)
    assert caught.value.problems, "QuestionnaireError without problems"
    return caught.value.problems


def assert_dependencies_first(questionnaire: Questionnaire) -> None:
    """Assert every question comes after the questions its condition names, in evaluation order."""
    position = {q.id: i for i, q in enumerate(questionnaire.evaluation_order)}
    assert sorted(position) == sorted(questionnaire.questions)
    for question in questionnaire.evaluation_order:
        conditions = [question.relevant, *(row.relevant for row in question.rows)]
        for condition in filter(None, conditions):
            # A grid's row is named "grid.row": the grid comes first (or it is this one, a row above).
            for name in {name.partition(".")[0] for name in condition.names} - {question.id}:
                assert position[name] < position[question.id], (name, question.id)


def all_texts(questionnaire: Questionnaire) -> Iterator[tuple[str, Any]]:
    """Yield (place, text) for every user-visible text of a questionnaire."""
    yield "title", questionnaire.title
    yield "description", questionnaire.description
    levels = [("questionnaire", level) for level in questionnaire.levels]
    for pillar in questionnaire.pillars:
        yield pillar.id, pillar.title
        yield pillar.id, pillar.description
        levels += [(pillar.id, level) for level in pillar.levels]
        for theme in pillar.themes:
            yield theme.id, theme.title
            yield theme.id, theme.description
    for owner, level in levels:
        yield f"{owner} level {level.id}", level.name
        yield f"{owner} level {level.id}", level.description
    for section in questionnaire.sections:
        yield f"section {section.id}", section.title
    for question in questionnaire.questions.values():
        for field in ("label", "hint", "required_message", "bounds_message"):
            yield f"{question.id}.{field}", getattr(question, field)
        for option in question.options:
            yield f"{question.id}.{option.value}", option.label
            yield f"{question.id}.{option.value}", option.description
    for recommendation in questionnaire.recommendations:
        yield f"{recommendation.attached_to}, {recommendation.id}", recommendation.action


# Valid fixtures and the README example.


@pytest.mark.parametrize("path", sorted(VALID.glob("*.yaml")), ids=lambda p: p.name)
def test_valid_fixture_loads(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    questionnaire = load_questionnaire(path)
    assert questionnaire.source_text == text
    assert questionnaire.digest == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert_dependencies_first(questionnaire)
    again = load_questionnaire_text(questionnaire.source_text, path.name)
    assert list(again.questions) == list(questionnaire.questions)
    assert again.digest == questionnaire.digest


def test_valid_fixtures_exist() -> None:
    assert {p.stem for p in VALID.glob("*.yaml")} >= {"minimal", "full"}


def test_minimal_fixture() -> None:
    questionnaire = load_valid("minimal")
    assert (questionnaire.id, questionnaire.version) == ("minimal", 1)
    assert questionnaire.languages == ("en",)
    assert [p.id for p in questionnaire.pillars] == ["basics"]
    assert [t.id for t in questionnaire.themes] == ["records"]
    assert list(questionnaire.questions) == ["bookkeeping"]
    question = questionnaire.questions["bookkeeping"]
    assert (question.type, question.weight, question.max_points) == ("yesno", 1.0, 2.0)
    assert question.not_applicable_values == frozenset()
    assert [r.id for r in question.recommendations] == ["bookkeeping_1"]
    assert questionnaire.pillars[0].levels == questionnaire.levels
    assert [s.id for s in questionnaire.sections] == ["records"]


def test_full_fixture_ids_and_weights() -> None:
    questionnaire = load_valid("full")
    assert (questionnaire.id, questionnaire.version, questionnaire.default_language) == ("full", 3, "en")
    assert questionnaire.written_minutes == 10
    assert [(p.id, p.weight) for p in questionnaire.pillars] == [("ops", 2.0), ("green", 1.0)]
    assert [(t.id, t.weight) for t in questionnaire.themes] == [
        ("tools", 1.0),
        ("skills", 3.0),
        ("energy", 1.0),
        ("waste", 1.0),
    ]
    # Page order is the order in the file.
    assert list(questionnaire.questions) == [
        "accounts",
        "website",
        "payments",
        "online_sales",
        "tools_notes",
        "training",
        "staff_trained",
        "renewable",
        "meters",
        "waste_intro",
        "recycling",
    ]
    weights = {q.id: q.weight for q in questionnaire.questions.values()}
    assert weights["accounts"] == 2.0
    assert {w for qid, w in weights.items() if qid != "accounts"} == {1.0}
    theme_of = {q.id: (q.pillar_id, q.theme_id) for q in questionnaire.questions.values()}
    assert theme_of["training"] == ("ops", "skills")
    assert theme_of["recycling"] == ("green", "waste")


def test_full_fixture_points() -> None:
    questions = load_valid("full").questions
    accounts = questions["accounts"]
    assert dict(accounts.option_points) == {"paper": 0.0, "spreadsheet": 1.0, "software": 4.0}
    assert accounts.not_applicable_values == frozenset({"accountant"})
    assert accounts.option("accountant").not_applicable and accounts.option("accountant").score is None
    assert questions["website"].not_applicable_values == frozenset({"na"})
    training = questions["training"]
    assert training.max_score == 3.0
    assert [o.value for o in training.options if o.exclusive] == ["none"]
    staff = questions["staff_trained"]
    assert [(b.min, b.score) for b in staff.bands] == [(0, 0), (25, 1), (50, 2), (90, 4)]
    assert (staff.min, staff.max, staff.unit) == (0.0, 100.0, "%")
    max_points = {q.id: q.max_points for q in questions.values()}
    assert max_points == {
        "accounts": 4.0,
        "website": 2.0,
        "payments": 2.0,
        "online_sales": 2.0,
        "tools_notes": 0.0,
        "training": 3.0,  # 2 + 2 + 1 + 0 = 5, capped at max_score 3
        "staff_trained": 4.0,
        "renewable": 2.0,
        "meters": 2.0,
        "waste_intro": 0.0,
        "recycling": 2.0,
    }
    assert not questions["tools_notes"].scored and not questions["waste_intro"].scored


def test_full_fixture_recommendations() -> None:
    questions = load_valid("full").questions
    triggers = {r.id: (r.trigger, r.points, r.values, r.effort) for q in questions.values() for r in q.recommendations}
    assert triggers["accounts_start"] == ("selected", None, frozenset({"paper"}), "low")
    assert triggers["accounts_software"] == ("points_at_most", 1.0, frozenset(), "high")
    assert triggers["training_courses"] == ("not_selected", None, frozenset({"courses"}), "low")
    assert all(r.question_id == q.id for q in questions.values() for r in q.recommendations)
    assert all(q.recommendations and q.source for q in questions.values() if q.scored)


def test_full_fixture_evaluation_order_puts_dependencies_first() -> None:
    questionnaire = load_valid("full")
    order = [q.id for q in questionnaire.evaluation_order]
    # The chain website -> online_sales -> payments, with payments written before online_sales.
    assert order.index("website") < order.index("online_sales") < order.index("payments")
    assert questionnaire.questions["payments"].relevant.names == frozenset({"online_sales"})
    assert questionnaire.questions["online_sales"].relevant.names == frozenset({"website"})


def test_full_fixture_sections_and_levels() -> None:
    questionnaire = load_valid("full")
    sections = [(s.id, [t.id for t in s.themes]) for s in questionnaire.sections]
    assert sections == [("basics", ["tools", "energy"]), ("people", ["skills", "waste"])]
    assert [q.id for q in questionnaire.sections[1].questions] == [
        "training",
        "staff_trained",
        "waste_intro",
        "recycling",
    ]
    ops, green = questionnaire.pillars
    assert [(lv.id, lv.min, lv.max) for lv in ops.levels] == [
        ("low", 0, 25),
        ("mid", 25, 75),
        ("high", 75, 100),
    ]
    assert [(lv.id, lv.min, lv.max) for lv in green.levels] == [("basic", 0, 50), ("leading", 50, 100)]
    assert questionnaire.text(green.levels[1].name, "es") == "Líder"
    assert questionnaire.text(green.levels[1].name, "fr") == "Leading"


def test_readme_example_loads() -> None:
    questionnaire = load_questionnaire_text(readme_example(), "README.md")
    assert (questionnaire.id, questionnaire.version) == ("mini", 1)
    assert (questionnaire.languages, questionnaire.default_language) == (("es", "en"), "es")
    assert list(questionnaire.questions) == [
        "accounts",
        "website",
        "website_sales",
        "customers",
        "order_channels",
        "renewable_share",
        "energy_practices",
        "energy_bills",
        "energy_notes",
    ]
    max_points = {q.id: q.max_points for q in questionnaire.questions.values()}
    assert max_points == {
        "accounts": 4.0,
        "website": 2.0,
        "website_sales": 2.0,
        "customers": 0.0,  # scored: false
        "order_channels": 4.0,
        "renewable_share": 3.0,
        "energy_practices": 2.0,  # a grid: its best option
        "energy_bills": 2.0,
        "energy_notes": 0.0,
    }
    assert [q.id for q in questionnaire.questions.values() if q.empty_is_none] == ["order_channels"]
    assert questionnaire.questions["energy_bills"].recommendations == ()
    assert questionnaire.warnings == ()  # recommendations: [] says no action is meant
    points = questionnaire.questions["accounts"].option_points
    assert dict(points) == {"paper": 0, "spreadsheet": 2, "software": 4}
    assert questionnaire.questions["renewable_share"].not_applicable_values == frozenset({"na"})
    assert {q.id: q.weight for q in questionnaire.questions.values() if q.weight != 1.0} == {"energy_practices": 2.0}
    grid = questionnaire.questions["energy_practices"]
    assert [(row.key, row.weight) for row in grid.rows] == [
        ("energy_practices.lights", 2.0),
        ("energy_practices.machines", 1.0),
        ("energy_practices.solar_panels", 1.0),
    ]
    assert grid.rows[2].relevant.names == {"renewable_share"}
    assert [(r.id, r.row, r.trigger) for r in grid.recommendations] == [
        ("energy_practices_1", "machines", "points_at_most")
    ]
    assert [r.id for r in questionnaire.questions["accounts"].recommendations] == ["accounts_1"]
    assert questionnaire.questions["website_sales"].recommendations[0].after == ("rec_website",)
    digital_plan = questionnaire.themes[0].recommendations[0]
    assert (digital_plan.id, digital_plan.trigger, digital_plan.score_below) == ("rec_digital_plan", "score_below", 40)
    assert questionnaire.text(questionnaire.questions["website"].source, "es").startswith("Evaluación de la Madurez")
    order = [q.id for q in questionnaire.evaluation_order]
    assert order.index("website") < order.index("website_sales")
    assert_dependencies_first(questionnaire)


def test_sections_default_to_one_per_theme() -> None:
    questionnaire = load_questionnaire_text(readme_example(), "README.md")
    assert [(s.id, [t.id for t in s.themes]) for s in questionnaire.sections] == [
        ("digital_tools", ["digital_tools"]),
        ("energy", ["energy"]),
    ]
    assert questionnaire.sections[0].title == questionnaire.themes[0].title


@pytest.mark.parametrize(
    "target, attribute",
    [
        ("questionnaire", "id"),
        ("questionnaire", "version"),
        ("pillar", "weight"),
        ("theme", "questions"),
        ("question", "weight"),
        ("question", "max_points"),
        ("option", "score"),
        ("band", "score"),
        ("level", "min"),
        ("recommendation", "effort"),
        ("section", "themes"),
    ],
)
def test_loaded_objects_are_frozen(target: str, attribute: str) -> None:
    questionnaire = load_valid("full")
    objects = {
        "questionnaire": questionnaire,
        "pillar": questionnaire.pillars[0],
        "theme": questionnaire.themes[0],
        "question": questionnaire.questions["accounts"],
        "option": questionnaire.questions["accounts"].options[0],
        "band": questionnaire.questions["staff_trained"].bands[0],
        "level": questionnaire.levels[0],
        "recommendation": questionnaire.questions["accounts"].recommendations[0],
        "section": questionnaire.sections[0],
    }
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(objects[target], attribute, None)


def test_mappings_cannot_be_mutated() -> None:
    questionnaire = load_valid("full")
    accounts = questionnaire.questions["accounts"]
    with pytest.raises(TypeError):
        questionnaire.questions["extra"] = accounts
    with pytest.raises(TypeError):
        del questionnaire.questions["accounts"]
    with pytest.raises(TypeError):
        accounts.label["en"] = "changed"
    with pytest.raises(TypeError):
        accounts.option_points["paper"] = 4.0
    with pytest.raises(AttributeError):
        questionnaire.pillars.append(questionnaire.pillars[0])
    assert isinstance(accounts.not_applicable_values, frozenset)


# The broken corpus.


def test_broken_table_matches_corpus() -> None:
    assert {p.name for p in BROKEN.glob("*.yaml")} == set(BROKEN_EXPECTED)


@pytest.mark.parametrize("name", sorted(BROKEN_EXPECTED))
def test_broken_file_is_refused(name: str) -> None:
    problems = problems_of(BROKEN / name)
    fragments, line = BROKEN_EXPECTED[name]
    texts = [str(p) for p in problems]
    for problem, text in zip(problems, texts):
        assert problem.file == name
        assert text.startswith(f"{name}:")
    for fragment in fragments:
        assert any(fragment in text for text in texts), (fragment, texts)
    if line is not None:
        first = next(p for p, text in zip(problems, texts) if fragments[0] in text)
        assert first.line == line
        assert str(first).startswith(f"{name}:{line}: ")


@pytest.mark.parametrize("name", sorted(BROKEN_EXPECTED))
def test_broken_text_is_refused_too(name: str) -> None:
    text = (BROKEN / name).read_text(encoding="utf-8")
    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire_text(text, name)
    assert all(p.file == name for p in caught.value.problems)


@pytest.mark.parametrize("name", ONE_MISTAKE)
def test_one_mistake_gives_one_message(name: str) -> None:
    assert len(problems_of(BROKEN / name)) == 1, [str(p) for p in problems_of(BROKEN / name)]


def test_warned_table_matches_corpus() -> None:
    assert {p.name for p in WARNED.glob("*.yaml")} == set(WARNED_EXPECTED)


@pytest.mark.parametrize("name", sorted(WARNED_EXPECTED))
def test_a_warning_does_not_stop_a_file_loading(name: str) -> None:
    questionnaire = load_questionnaire(WARNED / name)
    fragment, line = WARNED_EXPECTED[name]
    assert [(w.file, w.line) for w in questionnaire.warnings] == [(name, line)]
    assert fragment in str(questionnaire.warnings[0])
    assert str(questionnaire.warnings[0]).startswith(f"{name}:{line}: question ")
    assert load_questionnaire_text((WARNED / name).read_text(encoding="utf-8"), name).warnings == questionnaire.warnings


def test_files_without_warnings() -> None:
    """The valid fixtures, the README example and the shipped questionnaire give the checker nothing to say."""
    for path in [*VALID.glob("*.yaml"), READINESS]:
        assert load_questionnaire(path).warnings == (), path.name
    assert load_questionnaire_text(readme_example(), "README.md").warnings == ()


def test_recommendations_left_out_warn_and_an_empty_list_says_none_is_meant() -> None:
    """The README: without `recommendations: []`, energy_bills gets the one warning."""
    example = readme_example()
    line = "            recommendations: []         # no action, on purpose: without this line the checker warns\n"
    assert example.count(line) == 1
    questionnaire = load_questionnaire_text(example.replace(line, ""), "README.md")
    assert [(w.where, w.message.split(",")[0]) for w in questionnaire.warnings] == [
        ("question energy_bills", "has no recommendations")
    ]
    assert questionnaire.questions["energy_bills"].recommendations == ()


def test_the_checker_prints_warnings_and_passes(runner) -> None:
    ok = runner.invoke(args=["check-questionnaires", str(WARNED / "scored_without_recommendations.yaml")])
    assert ok.exit_code == 0, ok.output
    assert "scored_without_recommendations.yaml: ok (broken version 1, 1 questions, 1 scored)" in ok.output
    warned = "  warning: scored_without_recommendations.yaml:17: question website: has no recommendations"
    assert ok.stderr.count(warned) == 1
    quiet = runner.invoke(args=["check-questionnaires", str(VALID / "minimal.yaml")])
    assert quiet.exit_code == 0 and "warning" not in quiet.output


def test_the_app_logs_warnings_when_it_starts(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from survey import create_app

    shutil.copy(WARNED / "scored_without_recommendations.yaml", tmp_path / "small.yaml")
    settings = {"TESTING": True, "DATABASE": str(tmp_path / "db.sqlite3"), "SECRET_KEY": "test"}
    create_app({**settings, "QUESTIONNAIRES": str(tmp_path), "DEFAULT_QUESTIONNAIRE": "broken"})
    logged = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert logged == [
        "questionnaire warning: small.yaml:17: question website: has no recommendations, so no answer suggests "
        "an action (write recommendations: [] if that is meant)"
    ]


def test_several_problems_are_reported_at_once() -> None:
    problems = problems_of(BROKEN / "several_problems.yaml")
    assert len(problems) >= 5
    assert len({(p.line, p.where, p.message) for p in problems}) == len(problems)
    # The problems span the file, not just its first error.
    assert {2, 17, 26} <= {p.line for p in problems}


def test_error_message_lists_every_problem() -> None:
    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire(BROKEN / "several_problems.yaml")
    assert str(caught.value).splitlines() == [str(p) for p in caught.value.problems]


def test_python_tag_is_not_executed() -> None:
    PYTHON_TAG_MARKER.unlink(missing_ok=True)
    problems_of(BROKEN / "python_tag.yaml")
    assert not PYTHON_TAG_MARKER.exists()


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system",
        "!!python/object/new:os.system",
        "!!python/name:os.system",
        "!!python/module:os",
    ],
)
def test_python_tags_are_refused(tmp_path: Path, tag: str) -> None:
    marker = tmp_path / "ran"
    path = tmp_path / "tagged.yaml"
    path.write_text(f'id: tagged\nversion: 1\ntitle: {tag} ["touch {marker}"]\n', encoding="utf-8")
    problems = problems_of(path)
    assert any("tags such as !!python are not allowed" in str(p) for p in problems)
    assert not marker.exists()


def test_alias_bomb_is_refused() -> None:
    problems = problems_of(BROKEN / "alias_bomb.yaml")
    assert any("expands to more than 100,000 values" in str(p) for p in problems)


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("id: deep\ntitle: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    problems = problems_of(path)
    # Python's parser gives up with "nested too deeply"; libyaml reads it and the check then
    # refuses the title. Either way: a clear problem, never a crash.
    assert problems and all(str(p).startswith("deep.yaml") for p in problems)
    assert any("nested too deeply" in str(p) or "title" in str(p) for p in problems)


def test_file_over_one_megabyte_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    text = (VALID / "minimal.yaml").read_text(encoding="utf-8")
    padding = MAX_FILE_BYTES + 1 - len(text.encode("utf-8"))
    path.write_text(text + "#" * (padding - 1) + "\n", encoding="utf-8")
    assert path.stat().st_size == MAX_FILE_BYTES + 1
    problems = problems_of(path)
    assert [str(p) for p in problems] == ["huge.yaml: is 1,000,001 bytes; a questionnaire may be at most 1,000,000"]


def test_file_of_exactly_one_megabyte_loads(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    text = (VALID / "minimal.yaml").read_text(encoding="utf-8")
    padding = MAX_FILE_BYTES - len(text.encode("utf-8"))
    path.write_text(text + "#" * (padding - 1) + "\n", encoding="utf-8")
    assert path.stat().st_size == MAX_FILE_BYTES
    assert load_questionnaire(path).id == "minimal"


def test_non_utf8_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("id: latin\ntitle: {es: Energía}\n".encode("latin-1"))
    assert [p.message for p in problems_of(path)] == ["is not UTF-8 text"]


def test_merge_key_may_override_merged_keys() -> None:
    # `<<: *anchor` followed by one of the anchor's keys is an override, not a duplicate key.
    text = (VALID / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "              - if_points_at_most: 1\n",
        "              - &rec\n                if_points_at_most: 1\n",
    )
    text = text.replace(
        "                action: {en: Write down every sale and purchase.}\n",
        "                action: {en: Write down every sale and purchase.}\n"
        "              - <<: *rec\n"
        "                if_points_at_most: 0\n"
        "                action: {en: Keep every receipt.}\n",
    )
    question = load_questionnaire_text(text, "merge.yaml").questions["bookkeeping"]
    assert [(r.points, r.action["en"], r.effort) for r in question.recommendations] == [
        (1.0, "Write down every sale and purchase.", "low"),
        (0.0, "Keep every receipt.", "low"),
    ]


# Folders.


def test_load_folder_loads_every_file(tmp_path: Path) -> None:
    for name in ("minimal.yaml", "full.yaml"):
        shutil.copy(VALID / name, tmp_path / name)
    (tmp_path / "notes.txt").write_text("not a questionnaire", encoding="utf-8")
    loaded = load_folder(tmp_path)
    assert sorted(loaded) == ["full", "minimal"]
    assert loaded["full"].version == 3


def test_load_folder_loads_nothing_when_a_file_is_broken(tmp_path: Path) -> None:
    for name in ("minimal.yaml", "full.yaml"):
        shutil.copy(VALID / name, tmp_path / name)
    shutil.copy(BROKEN / "weight_zero.yaml", tmp_path / "weight_zero.yaml")
    loaded = None
    with pytest.raises(QuestionnaireError) as caught:
        loaded = load_folder(tmp_path)
    assert loaded is None
    assert {p.file for p in caught.value.problems} == {"weight_zero.yaml"}


def test_load_folder_reports_problems_of_every_broken_file(tmp_path: Path) -> None:
    for name in ("minimal.yaml", "weight_zero.yaml", "empty.yaml"):
        shutil.copy((VALID if name == "minimal.yaml" else BROKEN) / name, tmp_path / name)
    with pytest.raises(QuestionnaireError) as caught:
        load_folder(tmp_path)
    assert {p.file for p in caught.value.problems} == {"weight_zero.yaml", "empty.yaml"}


def test_load_folder_reports_two_files_with_the_same_id(tmp_path: Path) -> None:
    shutil.copy(VALID / "minimal.yaml", tmp_path / "a_minimal.yaml")
    shutil.copy(VALID / "minimal.yaml", tmp_path / "b_minimal.yaml")
    with pytest.raises(QuestionnaireError) as caught:
        load_folder(tmp_path)
    assert [str(p) for p in caught.value.problems] == ["b_minimal.yaml: id: id 'minimal' is used by another file too"]


def test_load_folder_of_empty_folder(tmp_path: Path) -> None:
    assert load_folder(tmp_path) == {}


# The shipped instrument.


@pytest.fixture(scope="module")
def readiness() -> Questionnaire:
    """Load questionnaires/readiness.yaml, skipping while it is not written yet."""
    if not READINESS.exists():
        pytest.skip("questionnaires/readiness.yaml is not written yet")
    return load_questionnaire(READINESS)


def test_readiness_loads_with_the_rest_of_the_folder(readiness: Questionnaire) -> None:
    loaded = load_folder(READINESS.parent)
    assert loaded[readiness.id].digest == readiness.digest
    assert_dependencies_first(readiness)


def test_readiness_size(readiness: Questionnaire) -> None:
    questions = [q for q in readiness.questions.values() if q.type != "note"]
    assert 36 <= len(questions) <= 48
    assert len(readiness.pillars) == 3
    for pillar in readiness.pillars:
        assert 4 <= len(pillar.themes) <= 6, pillar.id


def test_readiness_scored_questions_have_source_and_recommendation(readiness: Questionnaire) -> None:
    for question in readiness.questions.values():
        if question.scored:
            assert question.source and all(question.source[lang].strip() for lang in ("es", "en")), question.id
            assert question.recommendations, question.id
            assert all(r.source[lang].strip() for r in question.recommendations for lang in ("es", "en")), question.id


def test_readiness_texts_in_spanish_and_english(readiness: Questionnaire) -> None:
    assert {"es", "en"} <= set(readiness.languages)
    for place, text in all_texts(readiness):
        if text is not None:
            for language in ("es", "en"):
                assert text.get(language, "").strip(), f"{place}: no '{language}' text"
