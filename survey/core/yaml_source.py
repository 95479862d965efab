"""Read a YAML file safely, keeping the line of every mapping for error messages."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, NamedTuple

import yaml

MAX_FILE_BYTES = 1_000_000
MAX_VALUES = 100_000
ERRORS_FOR_FILE = "the file could not be loaded"


class Problem(NamedTuple):
    """One thing wrong with a questionnaire file."""

    file: str
    line: int | None
    where: str
    message: str

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        return f"{place}: {self.where}: {self.message}" if self.where else f"{place}: {self.message}"


class LineDict(dict):
    """A mapping read from YAML that remembers the line it starts on."""

    line: int | None = None


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when available
    """A safe loader that records mapping lines and duplicate keys."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self.duplicates: list[tuple[int, object]] = []


def _construct_mapping(loader: _Loader, node: yaml.MappingNode):
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    yield mapping
    written = sum(1 for key_node, _ in node.value if key_node.tag != "tag:yaml.org,2002:merge")
    loader.flatten_mapping(node)
    # Keys merged in with `<<: *anchor` come first and may be overridden by keys written here.
    merged = len(node.value) - written
    seen = set()
    for index, (key_node, value_node) in enumerate(node.value):
        key = loader.construct_object(key_node, deep=False)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain value", key_node.start_mark
            ) from None
        if index >= merged:
            if key in seen:
                loader.duplicates.append((key_node.start_mark.line + 1, key))
            seen.add(key)
        mapping[key] = loader.construct_object(value_node, deep=False)


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def read_yaml(path: Path) -> tuple[str, Any, list[Problem]]:
    """Read a file's text and data; return the problems that stop it being read."""
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as error:
        return "", None, [Problem(name, None, "", f"cannot be read: {error.strerror}")]
    if size > MAX_FILE_BYTES:
        return (
            "",
            None,
            [Problem(name, None, "", f"is {size:,} bytes; a questionnaire may be at most {MAX_FILE_BYTES:,}")],
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return "", None, [Problem(name, None, "", "is not UTF-8 text")]
    data, problems = parse_yaml(text, name)
    return text, data, problems


def parse_yaml(text: str, name: str) -> tuple[Any, list[Problem]]:
    """Parse YAML text safely; refuse tags, duplicate keys and alias bombs."""
    loader = _Loader(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        message = " ".join(str(part) for part in (error.context, error.problem) if part)
        if message.endswith("undefined alias") and mark:  # libyaml leaves out which alias
            named = re.match(r"\*([^\s,\[\]{}]+)", text.splitlines()[mark.line][mark.column :])
            message += f" '*{named.group(1)}' (no '&{named.group(1)}' above it)" if named else ""
        if "python/" in message or "could not determine a constructor" in message:
            message = f"{message} (tags such as !!python are not allowed)"
        return None, [Problem(name, line, "", f"YAML syntax: {message}")]
    except yaml.YAMLError as error:
        return None, [Problem(name, None, "", f"YAML syntax: {error}")]
    except RecursionError:
        return None, [Problem(name, None, "", "YAML syntax: the data is nested too deeply")]
    finally:
        loader.dispose()
    problems = [
        Problem(name, line, "", f"key '{key}' appears twice in the same mapping") for line, key in loader.duplicates
    ]
    if _count_values(data, MAX_VALUES) > MAX_VALUES:
        problems.append(Problem(name, None, "", f"expands to more than {MAX_VALUES:,} values (too many YAML aliases?)"))
    if data is None:
        problems.append(Problem(name, None, "", "the file is empty"))
    elif not isinstance(data, dict) and not problems:
        problems.append(Problem(name, 1, "", "a questionnaire must be a mapping of keys to values"))
    return data, problems


def _count_values(data: Any, limit: int) -> int:
    """Count values as if every alias were copied out, stopping once past the limit."""
    count = 0
    stack = [data]
    while stack:
        item = stack.pop()
        count += 1
        if count > limit:
            return count
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count
