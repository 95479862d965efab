"""Parse and evaluate the condition language of questionnaire `relevant` rules.

A name is a question's id, or a grid's id and one of its rows' ids joined by a dot
(`practices.backups`), the key a row's answer is stored under. Conditions are tokenized and
parsed by hand, then compiled once into nested closures; nothing is ever run as Python code.
Any comparison involving an unanswered question (absent or None) is False, for `!=` as well as
`==`, so `a != 'x'` and `not a == 'x'` differ when `a` is unanswered. Values of different kinds
(number, text, true/false, checklist) are never equal, only numbers can be ordered, and
evaluation never raises.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn

MAX_LENGTH = 1000
MAX_DEPTH = 32
MAX_DIGITS = 15
MAX_STRING = 200
KEYWORDS = frozenset({"and", "or", "not", "true", "false"})

Test = Callable[[Mapping[str, object]], bool]
Token = tuple[str, Any, int]  # kind, value, 1-based column
Operand = tuple[bool, Any, int]  # is a question id, id or literal value, column

_TOKEN = re.compile(
    r"(?P<space>[ \t\r\n]+)|(?P<num>[0-9][A-Za-z0-9_.]*)|(?P<name>[A-Za-z_]\w*(?:\.[A-Za-z0-9]\w*)?)"
    r"|(?P<str>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
    r"|(?P<op>==|!=|<=|>=|[<>(),-])|(?P<bad>.)",
    re.DOTALL | re.ASCII,
)
_NUMBER = re.compile(r"[0-9]+(\.[0-9]+)?")
_ESCAPE = re.compile(r"\\(['\"\\\\])")
_BAD_ESCAPE = re.compile(r"\\.", re.DOTALL)
_BAD_CHARACTERS = dict.fromkeys("+*/%^~@", "{!r} is not allowed: no arithmetic here")
_BAD_CHARACTERS |= dict.fromkeys("[]", "{!r} is not allowed: answers have no parts")
_BAD_CHARACTERS["."] = "'.' only joins a grid's id and one of its rows, e.g. practices.backups"
_BAD_CHARACTERS |= dict.fromkeys("'\"", "the text is not closed: add the closing {}")
_BAD_CHARACTERS |= {"=": "use '==' to compare, not '='", "!": "use '!=' or 'not'"}
_BAD_CHARACTERS |= {"&": "use 'and'", "|": "use 'or'", ";": "';' is not allowed"}
_NON_ASCII = "{!r} is not allowed outside quotes: ids use only a-z, A-Z, 0-9 and '_'"
_UNKNOWN = "unknown function {!r}: only selected(...) and answered(...) are allowed"
_FUNCTIONS = {"selected": "(question, 'option')", "answered": "(question)"}
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {"==": operator.eq, "!=": operator.ne}
_COMPARE |= {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
_FLIP = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
# Exact types only: subclasses such as numpy scalars can compare to non-bools.
_KINDS = {type(None): None, bool: "bool", int: "number", float: "number", str: "text"}
_COLLECTIONS = (list, tuple, set, frozenset)
_SIZED = (str, *_COLLECTIONS)


class ExpressionError(ValueError):
    """A condition that cannot be parsed: .message, and .column (1-based) or None."""

    def __init__(self, message: str, column: int | None = None) -> None:
        """Keep the message and the column where the problem starts."""
        super().__init__(message if column is None else f"column {column}: {message}")
        self.message, self.column = message, column


@dataclass(frozen=True)
class Condition:
    """A parsed condition, compiled once into a cheap test of an answer mapping."""

    source: str
    names: frozenset[str]
    _test: Test = field(repr=False, compare=False)

    def evaluate(self, answers: Mapping[str, object]) -> bool:
        """Return whether the condition holds for these answers."""
        return self._test(answers)

    @property
    def tree(self) -> list:
        """Return the condition as nested lists, e.g. ["cmp", "==", ["q", "a"], ["v", "yes"]]."""
        return self._test.tree  # type: ignore[attr-defined]


def parse_condition(source: str) -> Condition:
    """Parse and compile a condition, raising ExpressionError when it is not valid."""
    if len(source) > MAX_LENGTH:
        raise ExpressionError(f"the condition is longer than {MAX_LENGTH} characters")
    if (nul := source.find("\x00")) >= 0:
        raise ExpressionError("a NUL character is not allowed", nul + 1)
    if not source.strip(" \t\r\n"):
        raise ExpressionError("the condition is empty")
    parser = _Parser(_tokenize(source))
    test = parser.junction("or")
    if not parser.at("end"):
        parser.fail("expected 'and', 'or' or the end of the condition, found {found}")
    return Condition(source, frozenset(parser.names), test)


def _tokenize(source: str) -> list[Token]:
    """Split the source into tokens, rejecting anything the language lacks."""
    tokens: list[Token] = []
    value: Any
    for match in _TOKEN.finditer(source):
        kind, value, column = match.lastgroup or "", match.group(), match.start() + 1
        message = None
        if kind == "bad":
            default = "unexpected character {!r}" if value.isascii() else _NON_ASCII
            message = _BAD_CHARACTERS.get(value, default).format(value)
            if value == "." and source[match.end() : match.end() + 1].isdigit():
                message = "write numbers with a digit before the point, like 0.5"
        elif kind == "num" and not _NUMBER.fullmatch(value):
            message = f"malformed number {value!r}: write numbers like 10 or 2.5"
        elif kind == "num" and len(value.replace(".", "")) > MAX_DIGITS:
            message = f"a number may have at most {MAX_DIGITS} digits"
        elif kind == "name" and value not in KEYWORDS and value.lower() in KEYWORDS:
            message = f"write '{value.lower()}' in lower case"
        elif kind == "str" and (bad := _BAD_ESCAPE.search(_ESCAPE.sub("", value))):
            message = f"unknown escape '{bad[0]}': only \\', \\\" and \\\\ are allowed"
        elif kind == "str" and len(value) > MAX_STRING + 2:
            message = f"a text in quotes may have at most {MAX_STRING} characters"
        if message:
            raise ExpressionError(message, column)
        if kind == "num":
            value = float(value) if "." in value else int(value)
        elif kind == "str":
            value = _ESCAPE.sub(r"\1", value[1:-1])
        if kind != "space":
            tokens.append((kind, value, column))
    return tokens + [("end", None, len(source) + 1)]


class _Parser:
    """Recursive-descent parser that compiles each rule into a closure as it goes."""

    def __init__(self, tokens: list[Token]) -> None:
        """Start at the first of the tokens."""
        self.tokens, self.position, self.depth = tokens, 0, 0
        self.names: set[str] = set()

    def take(self, op: str = "", expected: str = "") -> Token:
        """Return the current token and move on; fail unless it is op, if given."""
        token = self.tokens[self.position]
        if op and token[:2] != ("op", op):
            self.fail(f"expected {expected}, found {{found}}")
        self.position += token[0] != "end"
        return token

    def at(self, kind: str, *values: object) -> bool:
        """Tell whether the current token has this kind and one of these values."""
        token = self.tokens[self.position]
        return token[0] == kind and (not values or token[1] in values)

    def fail(self, message: str, token: Token | None = None) -> NoReturn:
        """Raise an ExpressionError at the token, naming it in place of {found}."""
        kind, value, column = token or self.tokens[self.position]
        text = repr(value if len(str(value)) <= 30 else str(value)[:27] + "...")
        described = {"end": "the end of the condition", "str": f"the text {text}"}
        found = described.get(kind, text)
        raise ExpressionError(message.replace("{found}", found), column)

    def junction(self, word: str) -> Test:
        """Parse conditions joined by word: 'or', or 'and', which binds tighter."""
        part = self.negation if word == "and" else lambda: self.junction("and")
        tests, stop = [part()], word == "or"
        while self.at("name", word):
            self.take()
            tests.append(part())
        if len(tests) == 1:
            return tests[0]

        def test(answers: Mapping[str, object]) -> bool:
            for each in tests:
                if each(answers) is stop:
                    return stop
            return not stop

        return _tree(test, [word, *(each.tree for each in tests)])  # type: ignore[attr-defined]

    def negation(self) -> Test:
        """Parse a comparison, possibly after 'not', at most MAX_DEPTH levels deep."""
        # Each '(' and each 'not' adds one active call of this method.
        self.depth += 1
        if self.depth > MAX_DEPTH + 1:
            message = f"the condition is nested too deeply: at most {MAX_DEPTH} levels"
            self.fail(message + " of parentheses and 'not'")
        if self.at("name", "not"):
            self.take()
            inner = self.negation()
            test = _tree(lambda answers: not inner(answers), ["not", inner.tree])  # type: ignore[attr-defined]
        else:
            test = self.comparison()
        self.depth -= 1
        return test

    def comparison(self) -> Test:
        """Parse a parenthesised condition, a function call or a comparison."""
        token = self.take()
        if token[:2] == ("op", "("):
            test = self.junction("or")
            self.take(")", f"')' to close the '(' at column {token[2]}")
        elif token[0] == "name" and self.at("op", "("):
            test = self.call(token)
        else:
            left = self.operand(token)
            if self.at("op", *_COMPARE):
                op = self.take()[1]
                right = self.operand(self.take())
                if self.at("op", *_COMPARE):
                    self.fail("comparisons cannot be chained: write 'a < b and b < c'")
                return _tree(_compare(op, left, right), ["cmp", op, _operand(left), _operand(right)])
            is_name, value, column = left
            if isinstance(value, bool):
                return _tree((lambda _answers: True) if value else (lambda _answers: False), ["const", value])
            advice = f"write answered({value}) or compare it, e.g. {value} == 'yes'"
            if not is_name:
                advice = "compare a question with it, e.g. employees >= 10"
            message = f"{value!r} on its own is not a condition: {advice}"
            raise ExpressionError(message, column)
        if self.at("op", *_COMPARE):
            self.fail("only question ids and values can be compared, not conditions")
        return test

    def operand(self, token: Token) -> Operand:
        """Return the question id or literal value in token."""
        kind, value, column = token
        if kind == "op" and value == "-":
            if not self.at("num"):
                self.fail("a minus sign may only come right before a number", token)
            value = -self.take()[1]
        elif kind == "name" and value in ("true", "false"):
            kind, value = "bool", value == "true"
        elif kind == "name" and self.at("op", "("):
            message = f"{value}(...) cannot be used here: it is not a value"
            self.fail(message if value in _FUNCTIONS else _UNKNOWN.format(value), token)
        elif kind == "name" and value.startswith("_"):
            self.fail(f"{value!r} is not a question id: ids start with a letter", token)
        elif kind == "name" and value not in KEYWORDS:
            self.names.add(value)
        elif kind not in ("num", "str"):
            self.fail("expected a question id or a value, found {found}", token)
        if self.at("op", "-"):
            self.fail("'-' is not allowed here: conditions cannot do arithmetic")
        return (kind == "name", value, column)

    def call(self, token: Token) -> Test:
        """Parse selected(question, 'option') or answered(question)."""
        function = token[1]
        if function not in _FUNCTIONS:
            self.fail(_UNKNOWN.format(function), token)
        usage = f"write {function}{_FUNCTIONS[function]}"
        self.take()
        is_name, name, column = self.operand(self.take())
        if not is_name:
            raise ExpressionError(f"{usage}, starting with a question id", column)
        if function == "answered":
            self.take(")", f"')' after the question id: {usage}")
            return _tree(
                lambda a: (v := a.get(name)) is not None and not (isinstance(v, _SIZED) and not v),
                ["answered", name],
            )
        self.take(",", f"',' and an option in quotes: {usage}")
        option = self.take()
        if option[0] != "str":
            self.fail(f"the option must be in quotes: {usage}", option)
        self.take(")", f"')' after the option: {usage}")
        value = option[1]
        # Answers that are not str never equal the option, so == needs no type check.
        return _tree(
            lambda a: (isinstance(v := a.get(name), _COLLECTIONS) and value in v) or (v == value),
            ["selected", name, value],
        )


def _tree(test: Test, tree: list) -> Test:
    """Attach to a compiled test the plain-data form of what it checks, for the browser."""
    test.tree = tree  # type: ignore[attr-defined]
    return test


def _operand(operand: Operand) -> list:
    return ["q" if operand[0] else "v", operand[1]]


def _compare_values(op: str, left: object, right: object) -> bool:
    """Compare two values by the language's rules, never raising."""
    kind, other = _KINDS.get(type(left), "other"), _KINDS.get(type(right), "other")
    if kind is None or other is None:
        return False
    if kind != other or kind == "other":
        return op == "!="
    return (kind == "number" or op in ("==", "!=")) and _COMPARE[op](left, right)


def _compare(op: str, left: Operand, right: Operand) -> Test:
    """Compile a comparison, inlining the common case of a question and a literal."""
    if right[0] and not left[0]:
        left, right, op = right, left, _FLIP[op]
    name, value = left[1], right[1]
    if not left[0]:
        result = _compare_values(op, name, value)
        return lambda _a: result
    if right[0]:
        return lambda a: _compare_values(op, a.get(name), a.get(value))
    # These closures follow the rules of _compare_values; a test checks they agree.
    kind, fn = _KINDS[type(value)], _COMPARE[op]
    if op == "==":
        return lambda a: _KINDS.get(type(v := a.get(name)), "") == kind and v == value
    if kind == "number" and op != "!=":
        return lambda a: _KINDS.get(type(v := a.get(name))) == "number" and fn(v, value)
    return lambda a: _compare_values(op, a.get(name), value)
