"""Numbers read from URLs and query strings: only short ASCII digits, so that none overflows the database."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

# SQLite's integers are 64-bit; ids and page numbers here stay far below this.
LARGEST = 10**12


def number(value: str | None) -> int | None:
    """Return a query argument as a whole number, or None for anything else ("²", "-1", 10**20)."""
    if not value or not value.isascii() or not value.isdigit() or len(value) > 12:
        return None
    return int(value)


def page_number(value: str | None) -> int:
    """Return the page a query argument asks for, 1 when it asks for none that can be."""
    found = number(value)
    return found if found else 1


class Id(IntegerConverter):
    """An id in a URL: digits up to LARGEST; a longer number is a 404, as an unknown id is."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 (werkzeug's name)
        kwargs.setdefault("max", LARGEST)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Make every <int:...> of a route an Id."""
    app.url_map.converters["int"] = Id
