"""The knowledge base as a table trainers edit: one row per article, written as .xlsx, read
back from .xlsx or .csv; in a workbook, a second table of the thesaurus, one row per term.

A CSV file holds one sheet, the articles: a workbook without the thesaurus's sheet (a CSV, or
one exported before there was a thesaurus) leaves the live thesaurus as it is.

openpyxl is imported inside the functions: every `helpdesk` command imports the CLI, and only
these two need it.

A trainer's file is held to `import_limits.py` as it is read: a workbook's parts by the sizes its
zip directory declares, before openpyxl opens it (zipfile never unpacks a part past its declared
size), then every sheet row by row, refused at the first row past a limit rather than at the
end. A row is read only up to the column past the limit, however wide the sheet is: a filled
cell there refuses the file, cells further right are never looked at.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.kb.import_limits import LIMITS, Limits, megabytes, thousands
from bot.kb.loader import KnowledgeBase
from bot.texts import texts
from bot.vietnamese import comparable

COLUMNS = ("id", "software", "title", "questions", "intro", "steps", "note", "follow_ups")
# Cells holding one item per line.
LIST_COLUMNS = frozenset({"questions", "steps", "follow_ups"})
# Columns a file may lack: one exported before they existed still imports (without them).
OPTIONAL_COLUMNS = frozenset({"follow_ups"})
# The thesaurus's sheet: the term, and its synonyms one per line.
THESAURUS_COLUMNS = ("term", "synonyms")

_WIDTHS = {
    "id": 26,
    "software": 11,
    "title": 40,
    "questions": 70,
    "intro": 45,
    "steps": 80,
    "follow_ups": 26,
}
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
                "\n".join(article.follow_ups),
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


def read(path: Path, limits: Limits = LIMITS) -> Table:
    """The articles' table in the .xlsx or .csv file `path`; UnreadableFile if it is not one."""
    if path.suffix.lower() == ".csv":
        return _table(_csv_rows(path, limits), path.name, COLUMNS, "columns")
    rows = _xlsx_rows(path, texts("bot.kb").say("sheets.articles"), limits)
    return _table(rows or [], path.name, COLUMNS, "columns")


def read_thesaurus(path: Path, limits: Limits = LIMITS) -> Table | None:
    """The thesaurus's table in the workbook `path`; None if it has no such sheet (or is a CSV)."""
    if path.suffix.lower() == ".csv":
        return None
    wanted = texts("bot.kb").say("sheets.thesaurus")
    rows = _xlsx_rows(path, wanted, limits, first_if_missing=False)
    if rows is None:
        return None
    if not rows:
        # A sheet left blank, header and all: said as missing columns, not as an empty file.
        return Table([], THESAURUS_COLUMNS)
    return _table(rows, path.name, THESAURUS_COLUMNS, "thesaurus_columns")


# A sheet's rows that hold something: (row number as the spreadsheet shows it, its cells).
_Rows = list[tuple[int, list[Any]]]


def _xlsx_rows(
    path: Path, wanted: str, limits: Limits, first_if_missing: bool = True
) -> _Rows | None:
    """The rows of the sheet `wanted` (else of the first sheet, or None) in the workbook `path`."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    # A damaged workbook's XML fails as ParseError, a SyntaxError, on opening or while reading.
    broken = (BadZipFile, InvalidFileException, KeyError, OSError, ValueError, SyntaxError)
    not_xlsx = texts("bot.kb").say("reading.not_xlsx", name=path.name)
    try:
        _check_archive(path, limits)
        book = load_workbook(path, read_only=True, data_only=True)
    except UnreadableFile:
        raise  # a ValueError too, but one that already says what is wrong
    except broken as error:
        raise UnreadableFile(not_xlsx) from error
    try:
        if wanted not in book.sheetnames and not first_if_missing:
            return None
        sheet = book[wanted] if wanted in book.sheetnames else book.worksheets[0]
        # Read-only mode trusts the size the file declares, which some programs get wrong.
        sheet.reset_dimensions()
        return _bounded(
            sheet.iter_rows(values_only=True, max_col=limits.columns + 1), path.name, limits
        )
    except UnreadableFile:
        raise
    except broken as error:
        raise UnreadableFile(not_xlsx) from error
    finally:
        book.close()


def _check_archive(path: Path, limits: Limits) -> None:
    """UnreadableFile if the workbook's parts unpack past the limits; BadZipFile if not a zip."""
    from zipfile import ZipFile

    with ZipFile(path) as archive:
        members = archive.infolist()
    said = texts("bot.kb")
    if len(members) > limits.members:
        limit = thousands(limits.members)
        raise UnreadableFile(said.say("limits.members", name=path.name, limit=limit))
    if sum(member.file_size for member in members) > limits.unpacked_bytes:
        limit = megabytes(limits.unpacked_bytes)
        raise UnreadableFile(said.say("limits.unpacked", name=path.name, limit=limit))


def _csv_rows(path: Path, limits: Limits) -> _Rows:
    said = texts("bot.kb")
    try:
        # utf-8-sig drops the byte order mark Excel writes at the start of "CSV UTF-8".
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(said.say("reading.not_utf8_csv", name=path.name)) from error
    header = text.split("\n", 1)[0]
    # Excel set to Vietnamese separates CSV fields by ";" (the comma is the decimal mark there).
    delimiter = ";" if header.count(";") > header.count(",") else ","
    records = csv.reader(text.splitlines(keepends=True), delimiter=delimiter)
    try:
        return _bounded(records, path.name, limits)
    except csv.Error as error:
        # A NUL character, or a field past the csv module's own limit (128 K characters).
        raise UnreadableFile(said.say("reading.not_csv", name=path.name)) from error


def _bounded(rows: Iterable[Sequence[Any]], name: str, limits: Limits) -> _Rows:
    """The rows that hold something, numbered; UnreadableFile at the first past a limit."""
    said = texts("bot.kb")
    kept: _Rows = []
    for row_number, row in enumerate(rows, start=1):
        # An empty row is told by two counts in C, not a loop in Python: openpyxl makes every
        # row up to the last one used, and a hostile sheet uses row 1,048,576.
        if row.count(None) + row.count("") == len(row):
            continue
        cells = [_cell(value) for value in row]
        width = max((position for position, cell in enumerate(cells, start=1) if cell), default=0)
        if not width:
            continue
        if len(kept) == limits.rows:
            raise UnreadableFile(said.say("limits.rows", name=name, limit=thousands(limits.rows)))
        if width > limits.columns:
            limit = thousands(limits.columns)
            raise UnreadableFile(said.say("limits.columns", name=name, row=row_number, limit=limit))
        if max(len(cell) for cell in cells) > limits.cell_characters:
            limit = thousands(limits.cell_characters)
            raise UnreadableFile(said.say("limits.cell", name=name, row=row_number, limit=limit))
        kept.append((row_number, list(row[:width])))
    return kept


def _table(rows: _Rows, name: str, columns: tuple[str, ...], labels: str) -> Table:
    """The `rows` under the `columns` found in their header, by key or by the label."""
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
    missing = tuple(key for key in columns if key not in positions and key not in OPTIONAL_COLUMNS)
    table = []
    for row_number, row in rows[1:]:
        cells = {
            key: _cell(row[position]) if position < len(row) else ""
            for key, position in positions.items()
        }
        table.append((row_number, cells))
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
