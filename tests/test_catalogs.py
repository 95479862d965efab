"""The Spanish catalog: every marked text translated, the compiled file up to date, Spanish pages by default.

English is the source language; Spanish is the default. The texts to translate are extracted from
the code and templates as `make messages` does, so a text added without a translation fails here.
"""

from __future__ import annotations

import re
import shlex
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

import survey
from survey.reports import labels

ROOT = Path(__file__).resolve().parent.parent
SPANISH = ROOT / "survey" / "translations" / "es" / "LC_MESSAGES"
SPANISH_PO = SPANISH / "messages.po"
SPANISH_MO = SPANISH / "messages.mo"

SKIP_LINK = "Skip to content"
LANDING_TITLE = "How ready is your firm for digital and green markets?"


def extraction_keywords() -> dict:
    """Return Babel's default keywords plus the -k options of the Makefile's `pybabel extract`."""
    command = next(line for line in (ROOT / "Makefile").read_text().splitlines() if "pybabel extract" in line)
    words = shlex.split(command)
    extra = [words[i + 1] for i, word in enumerate(words) if word in ("-k", "--keyword", "--keywords")]
    assert extra, f"no -k option in the Makefile's extract command: {command}"
    return {**DEFAULT_KEYWORDS, **parse_keywords(extra)}


def extracted() -> dict[tuple, list[str]]:
    """Return the texts marked for translation in the code and templates: {(context, msgid): [file:line]}."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = {}
    for filename, line, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=extraction_keywords()
    ):
        found.setdefault((context, message), []).append(f"{filename}:{line}")
    return found


def spanish_catalog():
    with open(SPANISH_PO, "rb") as po:
        return read_po(po, locale="es")


def translations(catalog) -> dict:
    """Return {msgid: translation} of a catalog, plural forms as tuples."""
    as_key = lambda value: tuple(value) if isinstance(value, (list, tuple)) else value
    return {as_key(message.id): as_key(message.string) for message in catalog if message.id}


def translated(catalog, message_id: str) -> str:
    """Return the Spanish translation of a singular message."""
    message = catalog.get(message_id)
    assert message is not None and message.string, f"{message_id!r} has no Spanish translation"
    return message.string


def visible_text(response) -> str:
    return " ".join(BeautifulSoup(response.data, "html.parser").get_text(" ").split())


def test_every_marked_text_has_a_spanish_translation():
    """Each text the code and templates mark for translation has a non-empty, non-fuzzy Spanish translation."""
    messages = extracted()
    assert len(messages) > 100, "extraction found almost nothing: check babel.cfg and the keywords"
    catalog = spanish_catalog()
    assert not catalog.fuzzy, "the catalog's header is marked fuzzy: pybabel compile would skip the whole catalog"
    missing = []
    for (context, message_id), places in sorted(messages.items(), key=str):
        entry = catalog.get(message_id, context=context)
        if entry is None:
            problem = "not in the catalog"
        elif entry.fuzzy:
            problem = "marked fuzzy"
        elif not all(entry.string if isinstance(entry.string, tuple) else [entry.string]):
            problem = "not translated"
        else:
            continue
        missing.append(f"{message_id!r} ({problem}), at {', '.join(places)}")
    assert not missing, (
        f"{len(missing)} texts lack a Spanish translation: run `make messages`, translate them in "
        f"{SPANISH_PO.relative_to(ROOT)}, then `make`:\n" + "\n".join(missing)
    )


def test_translations_keep_their_placeholders():
    """Each translation has the same %(name)s placeholders as its English text."""
    problems = [
        f"{message.id!r}: {'; '.join(map(str, errors))}" for message, errors in spanish_catalog().check() if message.id
    ]
    assert not problems, "\n".join(problems)


def test_compiled_catalog_matches_the_po_file():
    """messages.mo holds exactly what compiling messages.po gives now: a file compiled from an old .po fails."""
    assert SPANISH_MO.exists(), f"{SPANISH_MO.relative_to(ROOT)} is missing: run `make` to compile the catalogs"
    fresh = BytesIO()
    write_mo(fresh, spanish_catalog())  # as `pybabel compile` does: fuzzy entries left out
    fresh.seek(0)
    expected = translations(read_mo(fresh))
    with open(SPANISH_MO, "rb") as mo:
        compiled = translations(read_mo(mo))
    stale = [f"{key!r}: not in the .mo" for key in expected.keys() - compiled.keys()]
    stale += [f"{key!r}: no longer in the .po" for key in compiled.keys() - expected.keys()]
    stale += [
        f"{key!r}: .mo has {compiled[key]!r}, .po has {expected[key]!r}"
        for key in expected.keys() & compiled.keys()
        if compiled[key] != expected[key]
    ]
    assert not stale, "messages.mo is out of date: run `make` (pybabel compile):\n" + "\n".join(sorted(stale))


@pytest.fixture
def no_catalogs(tmp_path, monkeypatch):
    """Point the catalogs at an empty folder, with nothing loaded before or kept after."""
    empty = tmp_path / "translations"
    empty.mkdir()
    monkeypatch.setattr(labels, "CATALOGS", empty)
    labels.catalog.cache_clear()
    labels.words.cache_clear()
    yield empty
    labels.catalog.cache_clear()
    labels.words.cache_clear()


def test_app_refuses_to_start_without_the_spanish_catalog(no_catalogs, tmp_path):
    """Without a compiled Spanish catalog the app does not start, and says which language and how to make it."""
    config = {"TESTING": True, "DATABASE": str(tmp_path / "db.sqlite3"), "SECRET_KEY": "t"}
    with pytest.raises(labels.MissingCatalog) as raised:
        survey.create_app(config, instance_path=str(tmp_path / "instance"))
    message = str(raised.value).replace(str(no_catalogs), "<catalogs>")
    assert re.search(r"\bes\b", message), f"the error does not name the language: {message}"
    assert "make" in message, f"the error does not say how to make the catalog: {message}"


def test_pages_are_in_spanish_by_default(client):
    """A visitor whose browser asks for no language gets the page in Spanish, not in English."""
    catalog = spanish_catalog()
    response = client.get("/")
    assert response.status_code == 200
    page = BeautifulSoup(response.data, "html.parser")
    assert page.html["lang"] == "es", "a visitor who asks for no language should get Spanish"
    assert page.find("a", class_="skip").get_text(strip=True) == translated(catalog, SKIP_LINK)
    assert page.h1.get_text(strip=True) == translated(catalog, LANDING_TITLE)
    text = visible_text(response)
    assert SKIP_LINK not in text and LANDING_TITLE not in text, text[:300]


@pytest.mark.parametrize(
    ("cookies", "headers"),
    [({"lang": "en"}, {}), ({}, {"Accept-Language": "en-GB,en;q=0.8"})],
    ids=["cookie", "browser"],
)
def test_pages_are_in_english_when_chosen(client, cookies, headers):
    """The language cookie, or a browser asking for English, gives the page in English."""
    catalog = spanish_catalog()
    for name, value in cookies.items():
        client.set_cookie(name, value)
    response = client.get("/", headers=headers)
    assert response.status_code == 200
    page = BeautifulSoup(response.data, "html.parser")
    assert page.html["lang"] == "en", "the visitor chose English"
    assert page.h1.get_text(strip=True) == LANDING_TITLE
    text = visible_text(response)
    assert SKIP_LINK in text
    assert translated(catalog, LANDING_TITLE) not in text and translated(catalog, SKIP_LINK) not in text
