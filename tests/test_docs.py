"""The README documents every command and every setting, and documents nothing that is gone."""

from __future__ import annotations

import re
from pathlib import Path

from survey.settings import DEFAULTS

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    """Return the text of a README section, from its heading to the next one."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.MULTILINE | re.DOTALL)
    assert match, f"the README has no section '## {title}'"
    return match.group(1)


def table_keys(text: str) -> list[str]:
    """Return the first cell, in backticks, of each row of a Markdown table."""
    return re.findall(r"^\| `([^`]+)` \|", text, re.MULTILINE)


def test_every_setting_is_in_the_configuration_table():
    """Each setting of survey/settings.py has a row in the README, and each row is a real setting."""
    documented = table_keys(section("Configuration"))
    assert sorted(set(DEFAULTS) - set(documented)) == [], "settings missing from the README"
    assert sorted(set(documented) - set(DEFAULTS)) == [], "the README documents settings that do not exist"
    assert len(documented) == len(set(documented)), "a setting is documented twice"


def test_every_command_is_in_the_commands_table(app):
    """Each flask command the app adds has a row in the README, and each row is a real command."""
    commands = set(app.cli.commands)
    documented = {row.split()[3] for row in table_keys(section("Commands"))}
    assert commands, "the app registers no command"
    assert sorted(commands - documented) == [], "commands missing from the README"
    assert sorted(documented - commands) == [], "the README documents commands that do not exist"


def test_every_command_help_ends_with_an_example(app):
    """`flask --app survey COMMAND --help` shows how to call it."""
    for name, command in app.cli.commands.items():
        assert command.help and command.help.strip().splitlines()[-1].strip().startswith(
            f"Example: flask --app survey {name}"
        ), name
