"""The knowledge base as a table trainers edit: one row per article, written as .xlsx, read
back from .xlsx or .csv; in a workbook, a second table of the thesaurus, one row per term.

A CSV file holds one sheet, the articles: a workbook without the thesaurus's sheet (a CSV, or
one exported before there was a thesaurus) leaves the live thesaurus as it is.

openpyxl is imported inside the functions: every `helpdesk` command imports the CLI, and only
these two need it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.kb.loader import KnowledgeBase
from bot.texts import texts
from bot.vietnamese import comparable

COLUMNS = ("id", "software", "title", "questions", "intro", "steps", "note")
# Cells holding one item per line.
LIST_COLUMNS = frozenset({"questions", "steps"})
# The thesaurus's sheet: the term, and its synonyms one per line.
THESAURUS_COLUMNS = ("term", "synonyms")

_WIDTHS = {"id": 26, "software": 11, "title": 40, "questions": 70, "intro": 45, "steps": 80}
_NOTE_WIDTH = 45
_SOFTWARE_WIDTHS = (14, 22, 70)
_THESAURUS_WIDTHS = (30, 60)


class UnreadableFile(ValueError):
    """The file cannot be read as a table at all; the message says why, in Vietnamese."""


@dataclass(frozen=True)
class Table:
    """The rows of a trainer's table, cells by column key, and the columns it lacks."""

    rows: list[tuple[int, dict[str, str]]]  # (row number as the spreadsheet shows it, cells)
    missing: tuple[str, ...]


def export(kb: KnowledgeBase, path: Path) -> None:
    """Write the articles and the list of software to the .xlsx file `path`."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = texts("bot.kb").say("sheets.articles")
    sheet.append(_labels("columns", COLUMNS))
    for article in sorted(kb.articles.values(), key=lambda a: a.id):
        answer = article.answer
        sheet.append(
            [
                article.id,
                article.software,
                article.title,
                "\n".join(article.questions),
                answer.intro,
                "\n".join(answer.steps),
                answer.note,
            ]
        )
    for number, key in enumerate(COLUMNS, start=1):
        letter = sheet.cell(row=1, column=number).column_letter
        sheet.column_dimensions[letter].width = _WIDTHS.get(key, _NOTE_WIDTH)
    _style(sheet, Alignment(wrap_text=True, vertical="top"), Font(bold=True))
    sheet.auto_filter.ref = sheet.dimensions

    software = book.create_sheet(texts("bot.kb").say("sheets.software"))
    software.append(list(texts("bot.kb").section("software_columns").values()))
    for key, names in kb.software.items():
        software.append([key, str(names.get("label", "")), str(names.get("name", ""))])
    for number, width in enumerate(_SOFTWARE_WIDTHS, start=1):
        letter = software.cell(row=1, column=number).column_letter
        software.column_dimensions[letter].width = width
    _style(software, Alignment(wrap_text=True, vertical="top"), Font(bold=True))

    thesaurus = book.create_sheet(texts("bot.kb").say("sheets.thesaurus"))
    thesaurus.append(_labels("thesaurus_columns", THESAURUS_COLUMNS))
    for term, synonyms in kb.thesaurus.items():
        thesaurus.append([term, "\n".join(synonyms)])
    for number, width in enumerate(_THESAURUS_WIDTHS, start=1):
        letter = thesaurus.cell(row=1, column=number).column_letter
        thesaurus.column_dimensions[letter].width = width
    _style(thesaurus, Alignment(wrap_text=True, vertical="top"), Font(bold=True))
    book.save(path)


def _labels(section: str, keys: tuple[str, ...]) -> list[str]:
    return [texts("bot.kb").say(f"{section}.{key}") for key in keys]


def _style(sheet: Any, alignment: Any, header_font: Any) -> None:
    for row in sheet.iter_rows():
        for cell in row:
            cell.alignment = alignment
            # openpyxl takes any text starting with "=" for a formula; an answer is never one.
            if cell.data_type == "f":
                cell.data_type = "s"
    for cell in sheet[1]:
        cell.font = header_font
    sheet.freeze_panes = "B2"


def read(path: Path) -> Table:
    """The articles' table in the .xlsx or .csv file `path`; UnreadableFile if it is not one."""
    if path.suffix.lower() == ".csv":
        return _table(_csv_rows(path), path.name, COLUMNS, "columns")
    rows = _xlsx_rows(path, texts("bot.kb").say("sheets.articles"))
    return _table(rows or [], path.name, COLUMNS, "columns")


def read_thesaurus(path: Path) -> Table | None:
    """The thesaurus's table in the workbook `path`; None if it has no such sheet (or is a CSV)."""
    if path.suffix.lower() == ".csv":
        return None
    rows = _xlsx_rows(path, texts("bot.kb").say("sheets.thesaurus"), first_if_missing=False)
    if rows is None:
        return None
    if not any(_cell(v) for row in rows for v in row):
        # A sheet left blank, header and all: said as missing columns, not as an empty file.
        return Table([], THESAURUS_COLUMNS)
    return _table(rows, path.name, THESAURUS_COLUMNS, "thesaurus_columns")


def _xlsx_rows(path: Path, wanted: str, first_if_missing: bool = True) -> list[list[Any]] | None:
    """The rows of the sheet `wanted` (else of the first sheet, or None) in the workbook `path`."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    # A damaged workbook's XML fails as ParseError, a SyntaxError, on opening or while reading.
    broken = (BadZipFile, InvalidFileException, KeyError, OSError, ValueError, SyntaxError)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except broken as error:
        raise UnreadableFile(texts("bot.kb").say("reading.not_xlsx", name=path.name)) from error
    try:
        if wanted not in book.sheetnames and not first_if_missing:
            return None
        sheet = book[wanted] if wanted in book.sheetnames else book.worksheets[0]
        # Read-only mode trusts the size the file declares, which some programs get wrong.
        sheet.reset_dimensions()
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    except broken as error:
        raise UnreadableFile(texts("bot.kb").say("reading.not_xlsx", name=path.name)) from error
    finally:
        book.close()


def _csv_rows(path: Path) -> list[list[Any]]:
    try:
        # utf-8-sig drops the byte order mark Excel writes at the start of "CSV UTF-8".
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(texts("bot.kb").say("reading.not_utf8_csv", name=path.name)) from error
    header = text.split("\n", 1)[0]
    # Excel set to Vietnamese separates CSV fields by ";" (the comma is the decimal mark there).
    delimiter = ";" if header.count(";") > header.count(",") else ","
    return [list(row) for row in csv.reader(text.splitlines(keepends=True), delimiter=delimiter)]


def _table(raw: list[list[Any]], name: str, columns: tuple[str, ...], labels: str) -> Table:
    """The rows of `raw` under the `columns` found in its header, by key or by the label."""
    rows = [(number, row) for number, row in enumerate(raw, start=1) if any(_cell(v) for v in row)]
    if not rows:
        raise UnreadableFile(texts("bot.kb").say("reading.no_header", name=name))
    header = rows[0][1]
    names = {comparable(key): key for key in columns}
    names.update({comparable(texts("bot.kb").say(f"{labels}.{key}")): key for key in columns})
    positions: dict[str, int] = {}
    for position, title in enumerate(header):
        key = names.get(comparable(_cell(title)))
        if key and key not in positions:
            positions[key] = position
    missing = tuple(key for key in columns if key not in positions)
    table = []
    for number, row in rows[1:]:
        cells = {
            key: _cell(row[position]) if position < len(row) else ""
            for key, position in positions.items()
        }
        table.append((number, cells))
    return Table(table, missing)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def lines(cell: str) -> list[str]:
    """The items of a one-per-line cell, blank lines left out."""
    return [line.strip() for line in cell.splitlines() if line.strip()]
