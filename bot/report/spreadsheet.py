"""Unanswered groups as rows of the trainers' article spreadsheet, ready to paste or import.

The columns are exactly those `helpdesk kb import` reads. Only `questions` is filled: one
question a line; the trainer writes the id, software, title and answer. UTF-8 with a byte order
mark, since Excel takes a file without one for the local code page and garbles the diacritics.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

from bot.report.grouping import Group

COLUMNS = ("id", "software", "title", "questions", "intro", "steps", "note")
_BOM = "\ufeff"


def csv_text(groups: Sequence[Group]) -> str:
    """The header and one row per group, as the file's text (with its byte order mark)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for group in groups:
        writer.writerow(["", "", "", "\n".join(group.phrasings), "", "", ""])
    return _BOM + buffer.getvalue()


def write_csv(path: Path, groups: Sequence[Group]) -> None:
    """Write the rows to `path`, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(csv_text(groups), encoding="utf-8", newline="")


def data_uri(groups: Sequence[Group]) -> str:
    """The same CSV as a link target, so the page needs no file next to it."""
    return "data:text/csv;charset=utf-8," + quote(csv_text(groups), safe="")
