"""Tests for the condition language of questionnaire `relevant` rules."""

import itertools
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.core import expressions
from survey.core.expressions import (
    MAX_DEPTH,
    MAX_LENGTH,
    Condition,
    ExpressionError,
    parse_condition,
)


def holds(source: str, answers: dict) -> bool:
    """Parse source and evaluate it against answers, checking the result is a bool."""
    result = parse_condition(source).evaluate(answers)
    assert isinstance(result, bool)
    return result


@pytest.mark.parametrize(
    ("source", "names"),
    [
        ("website == 'yes'", {"website"}),
        ("website == 'yes' or website == 'partly'", {"website"}),
        (
            "selected(certifications, 'iso14001') and employees >= 10",
            {"certifications", "employees"},
        ),
        ("answered(notes)", {"notes"}),
        ("true", set()),
        ("not false", set()),
        ("1 == 1", set()),
        ("not (a == b)", {"a", "b"}),
        ("-2.5 < temperature", {"temperature"}),
        ("(a == 1 or b != 'x') and not answered(c)", {"a", "b", "c"}),
        ('q_1 == "x"', {"q_1"}),
        ("selected == 'x'", {"selected"}),
        ("website == 'yes'\n  and\temployees > 3", {"website", "employees"}),
        # A grid's row is named by the grid's id and the row's id.
        ("practices.backups == 'done' or answered(practices.b2)", {"practices.backups", "practices.b2"}),
    ],
)
def test_parse_collects_names(source, names):
    condition = parse_condition(source)
    assert isinstance(condition, Condition)
    assert condition.source == source
    assert condition.names == frozenset(names)


def test_conditions_are_frozen_values():
    first, second = parse_condition("a == 1"), parse_condition("a == 1")
    assert first == second and hash(first) == hash(second)
    assert first != parse_condition("a == 2")
    with pytest.raises(AttributeError):
        first.source = "b == 1"


@pytest.mark.parametrize(
    ("source", "answers", "expected"),
    [
        # choice and yes/partly/no answers
        ("website == 'yes'", {"website": "yes"}, True),
        ("website == 'yes'", {"website": "no"}, False),
        ('website == "yes"', {"website": "yes"}, True),
        ("'yes' == website", {"website": "yes"}, True),
        ("website != 'yes'", {"website": "no"}, True),
        ("website != 'yes'", {"website": "yes"}, False),
        ("website == 'yes' or website == 'partly'", {"website": "partly"}, True),
        ("website == 'yes' or website == 'partly'", {"website": "na"}, False),
        ("name == 'it\\'s \\\\ \"ok\"'", {"name": 'it\'s \\ "ok"'}, True),
        # unanswered: every comparison is false, != included
        ("website == 'yes'", {}, False),
        ("website == 'yes'", {"website": None}, False),
        ("website != 'yes'", {}, False),
        ("website != 'yes'", {"website": None}, False),
        ("not website == 'yes'", {}, True),
        ("employees >= 0", {}, False),
        ("employees < 0", {"employees": None}, False),
        ("a == b", {"a": None, "b": None}, False),
        ("a != b", {"a": "x"}, False),
        # numbers
        ("employees >= 10", {"employees": 10}, True),
        ("employees >= 10", {"employees": 9}, False),
        ("employees >= 10", {"employees": 10.5}, True),
        ("employees > 10", {"employees": 10}, False),
        ("employees <= 10", {"employees": 10}, True),
        ("employees < 2.5", {"employees": 2}, True),
        ("employees == 10", {"employees": 10.0}, True),
        ("employees != 10", {"employees": 10.0}, False),
        ("employees > -1", {"employees": 0}, True),
        ("employees == -2.5", {"employees": -2.5}, True),
        ("10 <= employees", {"employees": 12}, True),
        ("10 > employees", {"employees": 12}, False),
        ("share >= 0", {"share": float("nan")}, False),
        ("share < 100", {"share": float("inf")}, False),
        # numbers against text: never equal, never ordered
        ("employees >= 10", {"employees": "na"}, False),
        ("employees == 10", {"employees": "10"}, False),
        ("employees != 10", {"employees": "na"}, True),
        ("employees < 10", {"employees": "5"}, False),
        ("employees == 'na'", {"employees": "na"}, True),
        ("employees != 'na'", {"employees": 3}, True),
        # text is compared with == and != only
        ("website > 'a'", {"website": "b"}, False),
        ("website <= 'yes'", {"website": "yes"}, False),
        # true and false
        ("true", {}, True),
        ("false", {}, False),
        ("not false", {}, True),
        ("flag == true", {"flag": True}, True),
        ("flag == true", {"flag": 1}, False),
        ("flag != true", {"flag": "yes"}, True),
        ("flag != false", {"flag": False}, False),
        ("flag > false", {"flag": True}, False),
        # checklists are not equal to a single value
        ("certs == 'iso'", {"certs": ["iso"]}, False),
        ("certs != 'iso'", {"certs": ("iso",)}, True),
        # two questions, or two values
        ("a == b", {"a": "x", "b": "x"}, True),
        ("a == b", {"a": 1, "b": 1.0}, True),
        ("a < b", {"a": 1, "b": 2}, True),
        ("a < b", {"a": "a", "b": "b"}, False),
        ("a != b", {"a": "1", "b": 1}, True),
        ("a == b", {"a": ["x"], "b": ["x"]}, False),
        ("1 == 1.0", {}, True),
        ("'a' != 'b'", {}, True),
        ("1 < 'a'", {}, False),
        ("true == true", {}, True),
        # a grid's row is read under its key
        ("practices.backups == 'done'", {"practices.backups": "done"}, True),
        ("practices.backups == 'done'", {"practices": "done"}, False),
        ("selected(practices.backups, 'done')", {"practices.backups": "done"}, True),
    ],
)
def test_evaluate(source, answers, expected):
    assert holds(source, answers) is expected


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (["iso14001", "emas"], True),
        (("emas",), False),
        (frozenset({"iso14001"}), True),
        ({"iso14001"}, True),
        ([], False),
        ("iso14001", True),
        ("emas", False),
        ("", False),
        (None, False),
        (14001, False),
        ("na", False),
    ],
)
def test_selected(answer, expected):
    assert holds("selected(certs, 'iso14001')", {"certs": answer}) is expected


def test_selected_unanswered():
    assert holds("selected(certs, 'iso14001')", {}) is False
    assert holds("not selected(certs, 'iso14001')", {}) is True


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("text", True),
        ("na", True),
        ("yes", True),
        (0, True),
        (0.0, True),
        (["a"], True),
        (frozenset({"a"}), True),
        ("", False),
        ([], False),
        ((), False),
        (frozenset(), False),
        (set(), False),
        (None, False),
    ],
)
def test_answered(answer, expected):
    assert holds("answered(q)", {"q": answer}) is expected


def test_answered_unanswered():
    assert holds("answered(q)", {}) is False
    assert holds("not answered(q)", {"other": "x"}) is True


@pytest.mark.parametrize("a, b, c", list(itertools.product([1, 2, None], repeat=3)))
def test_precedence(a, b, c):
    answers = {"a": a, "b": b, "c": c}
    expected = (a != 1) or (b == 2 and c == 3)
    assert holds("not a == 1 or b == 2 and c == 3", answers) is expected
    assert holds("a == 1 or b == 2 and c == 2", answers) is (a == 1 or (b == 2 and c == 2))
    assert holds("(a == 1 or b == 2) and c == 2", answers) is ((a == 1 or b == 2) and c == 2)
    assert holds("not (a == 1 and b == 2)", answers) is (not (a == 1 and b == 2))
    assert holds("not not a == 1", answers) is (a == 1)


def test_long_chains():
    chain = " or ".join(f"a == {number}" for number in range(60))
    assert holds(chain, {"a": 59}) is True
    assert holds(chain, {"a": 60}) is False
    chain = " and ".join(f"a != {number}" for number in range(60))
    assert holds(chain, {"a": 60}) is True
    assert holds(chain, {"a": 0}) is False


def test_limits_are_inclusive():
    assert holds("(" * MAX_DEPTH + "a == 1" + ")" * MAX_DEPTH, {"a": 1}) is True
    assert holds("not " * MAX_DEPTH + "true", {}) is (MAX_DEPTH % 2 == 0)
    half = MAX_DEPTH // 2
    assert holds("not (" * half + "a == 1" + ")" * half, {"a": 1}) is (half % 2 == 0)
    assert holds("a == 123456789012345", {"a": 123456789012345}) is True
    assert holds("a == 1234567890.12345", {"a": 1234567890.12345}) is True
    assert holds("a == '" + "x" * 200 + "'", {"a": "x" * 200}) is True
    source = "a == 1 or " * 99 + "a == 12345"
    assert len(source) == MAX_LENGTH
    assert holds(source, {"a": 12345}) is True


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("a.__class__", "'.' only joins a grid's id and one of its rows"),
        ("a.b.c == 1", "'.' only joins a grid's id and one of its rows"),
        ("a. == 1", "'.' only joins a grid's id and one of its rows"),
        ("a.b()", "unknown function 'a.b'"),
        ("a.b", "write answered(a.b) or compare it"),
        ("open('x')", "unknown function 'open': only selected(...) and answered(...)"),
        ("__import__('os')", "unknown function '__import__'"),
        ("len(a) > 1", "unknown function 'len'"),
        ("eval('1')", "unknown function 'eval'"),
        ("a == 1 or exec('x')", "unknown function 'exec'"),
        ("getattr(a, 'b')", "unknown function 'getattr'"),
        ("a == b()", "unknown function 'b'"),
        ("a[0] == 1", "'[' is not allowed"),
        ("[x for x in y]", "'[' is not allowed"),
        ("a + 1 == 2", "arithmetic"),
        ("a ** 2", "arithmetic"),
        ("a - 1 == 2", "arithmetic"),
        ("a == 2 - 1", "arithmetic"),
        ("a / 2", "arithmetic"),
        ("a == 1; b == 2", "';'"),
        ("a = 1", "use '=='"),
        ("!a", "'!='"),
        ("a == 1 && b == 2", "use 'and'"),
        ("a == 1 || b == 2", "use 'or'"),
        ("lambda: 1", "unexpected character ':'"),
        ("lambda x: x", "unexpected character ':'"),
        ("a if b else c", "on its own is not a condition"),
        ("a in b", "on its own is not a condition"),
        ("a is None", "on its own is not a condition"),
        ("{}", "unexpected character '{'"),
        ("a == `x`", "unexpected character '`'"),
        ("a == 1 AND b == 2", "write 'and' in lower case"),
        ("a == True", "write 'true' in lower case"),
        ("NOT a == 1", "write 'not' in lower case"),
        ("a < b < c", "cannot be chained"),
        ("a == b != c", "cannot be chained"),
        ("website", "answered(website)"),
        ("(website)", "answered(website)"),
        ("not website", "answered(website)"),
        ("a == 1 and b", "answered(b)"),
        ("'yes'", "on its own is not a condition"),
        ("10", "on its own is not a condition"),
        ("answered(a) == true", "not conditions"),
        ("(a == 1) == (b == 2)", "not conditions"),
        ("answered('a')", "question id"),
        ("answered(1)", "question id"),
        ("answered()", "expected a question id or a value, found ')'"),
        ("answered(a, 'b')", "expected ')'"),
        ("answered(a", "found the end of the condition"),
        ("selected(a, b)", "option must be in quotes"),
        ("selected(a, 1)", "option must be in quotes"),
        ("selected(a)", "expected ','"),
        ("selected('a', 'b')", "question id"),
        ("selected(a, 'b', 'c')", "expected ')'"),
        ("selected(open('x'), 'b')", "unknown function"),
        ("selected(answered(a), 'b')", "answered(...) cannot be used here"),
        ("a == answered(b)", "answered(...) cannot be used here"),
        ("answered(" * 90 + "a" + ")" * 90, "answered(...) cannot be used here"),
        ("f(" * 400, "unknown function 'f'"),
        ("a == f(x)", "unknown function 'f'"),
        ("a == -b", "minus sign"),
        ("--1 == a", "minus sign"),
        ("a == _b", "ids start with a letter"),
        ("(" * (MAX_DEPTH + 1) + "a == 1" + ")" * (MAX_DEPTH + 1), "nested too deeply"),
        ("not " * (MAX_DEPTH + 1) + "true", "nested too deeply"),
        (
            "(not " * (MAX_DEPTH // 2 + 1) + "true" + ")" * (MAX_DEPTH // 2 + 1),
            "deeply",
        ),
        ("(" * 5000, "longer than"),
        ("a == 1234567890123456", "at most 15 digits"),
        ("a == 1.234567890123456", "at most 15 digits"),
        ("a == " + "9" * 400, "at most 15 digits"),
        ("2abc == 1", "malformed number"),
        ("1.2.3 == a", "malformed number"),
        ("a == 2.", "malformed number"),
        ("a == 1e5", "malformed number"),
        ("a == 0x10", "malformed number"),
        ("a == 1_000", "malformed number"),
        ("a == .5", "write numbers with a digit before the point, like 0.5"),
        ("a" * (MAX_LENGTH + 1), "longer than 1000 characters"),
        ("a == '" + "x" * 201 + "'", "at most 200 characters"),
        ("a == 'abc", "not closed"),
        ('a == "abc', "not closed"),
        ("a == 'abc\\'", "not closed"),
        ("a == 'x\\n'", "unknown escape '\\n'"),
        ("", "empty"),
        ("   \n\t", "empty"),
        ("a == 1 b", "expected 'and', 'or' or the end"),
        ("a == 'x' 'y'", "expected 'and', 'or' or the end"),
        ("a == 1)", "found ')'"),
        ("(a == 1", "expected ')' to close the '(' at column 1"),
        ("()", "expected a question id or a value"),
        ("and", "expected a question id or a value, found 'and'"),
        ("a == not b", "expected a question id or a value, found 'not'"),
        ("a ==", "found the end of the condition"),
        ("a == 1 or", "found the end of the condition"),
        ("not", "found the end of the condition"),
        ("café == 1", "'é' is not allowed outside quotes"),
        ("a\u00a0== 1", "not allowed outside quotes"),
        ("ａ == 1", "not allowed outside quotes"),
        ("a == 1\x00", "NUL"),
        ("\x00", "NUL"),
        ("a == '\x00'", "NUL"),
    ],
)
def test_hostile_input_is_rejected_clearly(source, fragment):
    with pytest.raises(ExpressionError) as caught:
        parse_condition(source)
    error = caught.value
    assert fragment in error.message
    assert error.column is None or 1 <= error.column <= len(source) + 1


@pytest.mark.parametrize(
    ("source", "column"),
    [
        ("a.__class__", 2),
        ("open('x')", 1),
        ("a == 1 b", 8),
        ("x == 'ok' and café == 1", 18),
        ("a == 'abc", 6),
        ("a == 'x\\n'", 6),
        ("a == 1\x00", 7),
        ("website", 1),
        ("a == 1 and b", 12),
        ("a ==", 5),
        ("", None),
        ("a" * (MAX_LENGTH + 1), None),
    ],
)
def test_error_columns(source, column):
    with pytest.raises(ExpressionError) as caught:
        parse_condition(source)
    assert caught.value.column == column


def test_error_is_a_value_error_with_column_in_text():
    with pytest.raises(ValueError) as caught:
        parse_condition("a == 1 b")
    assert str(caught.value) == ("column 8: expected 'and', 'or' or the end of the condition, found 'b'")
    assert str(ExpressionError("the condition is empty")) == "the condition is empty"


def test_module_never_runs_python_code():
    source = Path(expressions.__file__).read_text()
    assert not re.search(r"(?<![.\w])(eval|exec|compile)\s*\(", source)
    assert "literal_eval" not in source and "__import__" not in source


QUESTIONS = ["a", "b", "c"]
ANSWER_VALUES = st.one_of(
    st.none(),
    st.sampled_from(["yes", "partly", "no", "na", "", "x", "iso"]),
    st.text(max_size=5),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.lists(st.sampled_from(["x", "iso", ""]), max_size=3),
    st.lists(st.text(max_size=3), max_size=3).map(tuple),
    st.frozensets(st.sampled_from(["x", "iso"])),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
)
ANSWERS = st.dictionaries(st.sampled_from(QUESTIONS), ANSWER_VALUES)
PIECES = [
    "a", "b", "c", "==", "!=", "<", "<=", ">", ">=", "and", "or", "not", "(", ")",
    "true", "false", "1", "-2.5", "'x'", '"iso"', "selected(", "answered(", ",", "-",
    "'yes'", "0",
]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_any_text_parses_or_raises_expression_error(source):
    try:
        condition = parse_condition(source)
    except ExpressionError as error:
        assert error.message
        assert error.column is None or 1 <= error.column <= len(source) + 1
    else:
        assert isinstance(condition, Condition)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=25), ANSWERS)
def test_token_soup_parses_or_raises_and_evaluates_to_bool(pieces, answers):
    try:
        condition = parse_condition(" ".join(pieces))
    except ExpressionError as error:
        assert error.message
        return
    assert condition.names <= set(QUESTIONS)
    assert isinstance(condition.evaluate(answers), bool)


CONDITIONS = [
    parse_condition(source)
    for source in [
        "a == 'yes'",
        "a != 'yes'",
        "a >= 10",
        "a < -2.5",
        "a != 3",
        "a == true",
        "a != false",
        "a > 'x'",
        "a == b",
        "a < b",
        "a != c",
        "selected(a, 'iso')",
        "answered(b)",
        "not (a == 1 or b == 'x') and (c > 2 or not answered(c))",
        "1 < 2",
    ]
]


@settings(max_examples=500, deadline=None)
@given(ANSWERS)
def test_evaluate_never_raises_and_returns_bool(answers):
    for condition in CONDITIONS:
        assert isinstance(condition.evaluate(answers), bool)


def literal_source(value: object) -> str:
    """Return how a literal value is written in a condition."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return repr(value)


LITERALS = st.one_of(
    st.text(st.characters(blacklist_characters="\x00"), max_size=10),
    st.sampled_from(["yes", "na", "x"]),
    st.integers(-(10**6), 10**6),
    st.integers(-(10**6), 10**6).map(lambda number: number / 8),
    st.booleans(),
)
OPERATORS = ["==", "!=", "<", "<=", ">", ">="]


@settings(max_examples=1000, deadline=None)
@given(ANSWER_VALUES, LITERALS, st.sampled_from(OPERATORS), st.booleans())
def test_literal_fast_paths_agree_with_general_comparison(value, literal, op, absent):
    answers = {} if absent else {"a": value}
    literal_text = literal_source(literal)
    general = holds(f"a {op} b", {**answers, "b": literal})
    assert holds(f"a {op} {literal_text}", answers) is general
    assert holds(f"b {op} a", {**answers, "b": literal}) is holds(f"{literal_text} {op} a", answers)


@pytest.mark.parametrize(
    "source, tree",
    [
        ("a == 'yes'", ["cmp", "==", ["q", "a"], ["v", "yes"]]),
        ("not answered(a)", ["not", ["answered", "a"]]),
        (
            "a >= 2 and (selected(b, 'x') or c != 1.5)",
            [
                "and",
                ["cmp", ">=", ["q", "a"], ["v", 2]],
                ["or", ["selected", "b", "x"], ["cmp", "!=", ["q", "c"], ["v", 1.5]]],
            ],
        ),
        ("true", ["const", True]),
    ],
)
def test_condition_tree_is_plain_data_for_the_browser(source, tree):
    assert parse_condition(source).tree == tree
