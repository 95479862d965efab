"""Exports of assessments as CSV, JSON or XLSX, with their codebook: written as they are read.

Text a firm typed never becomes a formula: CSV cells that a spreadsheet would read as one are
prefixed with an apostrophe (OWASP's advice on CSV injection); XLSX cells are written as text.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

import xlsxwriter

from ..core.codebook import codebook as codebook_rows
from ..core.codebook import codebook_columns, columns, export_row
from ..core.model import Questionnaire
from .labels import EMPTY_SELECTION_LABEL, MissingCatalog, words

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """Return a cell that no spreadsheet runs: text that could start a formula gets an apostrophe first."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def codebook(questionnaire: Questionnaire) -> list[dict[str, Any]]:
    """Return the codebook's rows, the app's own words in each of the questionnaire's languages."""
    return codebook_rows(questionnaire, _empty_selection)


def _empty_selection(language: str) -> str:
    # A questionnaire may be written in a language the app has no catalog for: English then.
    try:
        return words(language)(EMPTY_SELECTION_LABEL)
    except MissingCatalog:
        return EMPTY_SELECTION_LABEL


def _csv_line(cells: Iterable[Any]) -> str:
    out = io.StringIO()
    csv.writer(out).writerow([spreadsheet_safe(cell) for cell in cells])
    return out.getvalue()


def csv_lines(questionnaire: Questionnaire, records: Iterable[dict]) -> Iterator[str]:
    """Yield the export as CSV, a line at a time: the header, then one line per assessment."""
    yield _csv_line(columns(questionnaire))
    for record in records:
        yield _csv_line(export_row(questionnaire, record))


def codebook_csv(questionnaire: Questionnaire) -> str:
    """Return the codebook as CSV: one line per question and per option."""
    names = codebook_columns(questionnaire)
    return "".join([_csv_line(names), *(_csv_line(row.get(n) for n in names) for row in codebook(questionnaire))])


def json_chunks(questionnaire: Questionnaire, records: Iterable[dict]) -> Iterator[str]:
    """Yield the export as one JSON document, an assessment at a time, with the codebook first."""
    head = {
        "questionnaire": {"id": questionnaire.id, "version": questionnaire.version},
        "columns": columns(questionnaire),
        "codebook": codebook(questionnaire),
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "assessments": ['
    names = columns(questionnaire)
    for number, record in enumerate(records):
        row = dict(zip(names, export_row(questionnaire, record)))
        yield ("," if number else "") + json.dumps(row, ensure_ascii=False)
    yield "]}"


def write_xlsx(target: str | BinaryIO, questionnaire: Questionnaire, records: Iterable[dict], progress=None) -> int:
    """Write the export as an XLSX workbook (assessments, then the codebook); return how many assessments.

    Constant memory: rows go to disk as they come. `progress(count)` is told every 1,000 rows.
    """
    book = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            # Text stays text: never a formula, a link or a number the firm did not type as one.
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    sheet = book.add_worksheet("assessments")
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, columns(questionnaire), bold)
    count = 0
    for count, record in enumerate(records, 1):
        for column, value in enumerate(export_row(questionnaire, record)):
            if isinstance(value, str):
                sheet.write_string(count, column, value)
            elif value is not None:
                sheet.write(count, column, value)
        if progress and count % 1000 == 0:
            progress(count)
    names = codebook_columns(questionnaire)
    book_sheet = book.add_worksheet("codebook")
    book_sheet.write_row(0, 0, names, bold)
    for number, row in enumerate(codebook(questionnaire), 1):
        for column, name in enumerate(names):
            value = row.get(name)
            if isinstance(value, str):
                book_sheet.write_string(number, column, value)
            elif value is not None:
                book_sheet.write(number, column, value)
    book.close()
    return count
