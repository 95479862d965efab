"""Read typed values out of YAML data, collecting problems instead of stopping at the first."""

from __future__ import annotations

import difflib
import math
import re
from types import MappingProxyType
from typing import Any

from .model import Text
from .yaml_source import Problem

ID_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
RESERVED_IDS = {"and", "or", "not", "true", "false", "selected", "answered", "overall"}


class DataReader:
    """Reads the mappings, texts, ids and numbers of one file, noting each problem with its line."""

    def __init__(self, name: str):
        self.name = name
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []  # advice that does not stop the file loading
        self.languages: tuple[str, ...] = ()
        self.sources: dict[str, Text] = {}  # the file's `sources`, by key

    def problem(self, node: Any, where: str, message: str) -> None:
        self.problems.append(Problem(self.name, getattr(node, "line", None), where, message))

    def warning(self, node: Any, where: str, message: str) -> None:
        """Note something the author may not mean, which does not stop the file loading."""
        self.warnings.append(Problem(self.name, getattr(node, "line", None), where, message))

    def mapping(self, node: Any, where: str, allowed: set[str], required: set[str]) -> bool:
        """Check that node is a mapping with known keys and the required ones."""
        if not isinstance(node, dict):
            self.problem(node, where, f"must be a mapping of keys to values, not {kind(node)}")
            return False
        for key in node:
            if key not in allowed:
                hint = difflib.get_close_matches(str(key), sorted(allowed), n=1)
                also = f" (did you mean '{hint[0]}'?)" if hint else ""
                self.problem(node, where, f"unknown key '{key}'{also}")
        for key in sorted(required - set(node)):
            self.problem(node, where, f"'{key}' is missing")
        return True

    def listing(self, node: dict, key: str, where: str, required: bool = True) -> list:
        value = node.get(key)
        if value is None:
            if required:
                self.problem(node, where, f"'{key}' is missing or empty")
            return []
        if not isinstance(value, list) or not value:
            self.problem(node, f"{where}.{key}", f"must be a non-empty list, not {kind(value)}")
            return []
        return value

    def text(self, node: dict, key: str, where: str, required: bool = False) -> Text | None:  # noqa: ARG002
        # A missing required text is reported by mapping(), which knows every required key.
        value = node.get(key) if isinstance(node, dict) else None
        if value is None:
            return None
        place = f"{where}.{key}"
        if not isinstance(value, dict):
            self.problem(node, place, "must give the text per language, e.g. {es: ..., en: ...}")
            return None
        texts = {}
        for language in self.languages:
            entry = value.get(language)
            if entry is not None and not isinstance(entry, (str, dict, list)):
                # YAML reads an unquoted No, Yes, Off or 2020 as true/false or a number.
                self.problem(value, place, f"the '{language}' text was read as {kind(entry)}: put it in quotes")
            elif not isinstance(entry, str) or not entry.strip():
                self.problem(value, place, f"missing translation for language '{language}'")
            else:
                texts[language] = entry.strip()
        for language in value:
            if language not in self.languages:
                self.problem(value, place, f"language '{language}' is not in the questionnaire's languages")
        return MappingProxyType(texts)

    def identifier(self, node: Any, where: str, value: Any) -> str:
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            self.problem(node, where, f"id {value!r} must be a letter followed by letters, digits or _")
            return str(value)
        if value in RESERVED_IDS:
            self.problem(node, where, f"id '{value}' is a reserved word")
        return value

    def number(
        self, node: dict, key: str, where: str, default: float | None = None, positive: bool = False
    ) -> float | None:
        value = node.get(key, default) if isinstance(node, dict) else default
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            self.problem(node, where, f"'{key}' must be a number, not {kind(value)}")
            return default
        if positive and value <= 0:
            self.problem(node, where, f"'{key}' must be greater than 0, not {value}")
            return default
        if not positive and value < 0:
            self.problem(node, where, f"'{key}' must be 0 or more, not {value}")
            return default
        return float(value)

    def flag(self, node: dict, key: str, where: str) -> bool:
        value = node.get(key, False)
        if not isinstance(value, bool):
            self.problem(node, where, f"'{key}' must be true or false, not {kind(value)}")
            return False
        return value

    def plain(self, node: dict, key: str, where: str, required: bool = False) -> str | None:  # noqa: ARG002
        value = node.get(key)
        if value is None:
            return None
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.problem(node, where, f"'{key}' must be plain text, not {kind(value)}")
            return None
        return str(value)

    def cited(self, node: dict, key: str, where: str) -> Text | None:
        """Read a source: a key of the file's `sources`, a text per language, or one plain text.

        A single word that could be a key must be one: a mistyped key would otherwise reach
        owners as it was typed.
        """
        value = node.get(key)
        if isinstance(value, dict):
            return self.text(node, key, where)
        plain = self.plain(node, key, where)
        if plain is None or not plain.strip():
            if key in node:
                self.problem(node, where, f"'{key}' is empty")
            return None
        if plain in self.sources:
            return self.sources[plain]
        if ID_PATTERN.match(plain):
            hint = difflib.get_close_matches(plain, sorted(self.sources), n=1)
            also = f" (did you mean '{hint[0]}'?)" if hint else ""
            self.problem(node, where, f"'{key}' names '{plain}', which is not in the file's `sources`{also}")
            return None
        # One text for every language: the name of a framework is often the same in all of them.
        return MappingProxyType({language: plain for language in self.languages})

    # The document, from the top down.


def kind(value: Any) -> str:
    """Describe a value for a problem message."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    return repr(value)
