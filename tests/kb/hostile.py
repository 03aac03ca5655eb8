"""Hostile trainer's files, built small in the tests: a zip bomb, a sheet of a million cells,
YAML that multiplies itself through aliases, and a way to see the processes left behind."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from openpyxl import Workbook

from bot.kb import spreadsheet
from bot.kb.import_limits import MEGABYTE

SHEET = "xl/worksheets/sheet1.xml"
_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_TAIL = b"</sheetData></worksheet>"
# A row of seven cells, as a trainer's row is, each holding a letter.
_ROW = b"<row>" + b'<c t="inlineStr"><is><t>x</t></is></c>' * 7 + b"</row>"


def workbook(path: Path, sheet: bytes) -> Path:
    """A real workbook (as openpyxl writes one) whose first sheet's XML is `sheet`."""
    return _with_sheet(path, [sheet])


def zip_bomb(path: Path, unpacked: int = 200 * MEGABYTE) -> Path:
    """A workbook of a few hundred KB whose sheet unpacks to `unpacked` bytes of rows."""
    chunk = _ROW * (MEGABYTE // len(_ROW))
    return _with_sheet(path, [_HEAD, *[chunk] * (unpacked // len(chunk)), _TAIL])


def sheet_of(rows: int) -> bytes:
    """The XML of a sheet of `rows` rows of seven filled cells."""
    return _HEAD + _ROW * rows + _TAIL


def wide_row(cells: int) -> bytes:
    """The XML of a sheet whose one row has `cells` empty cells: openpyxl holds a row whole."""
    return _HEAD + b"<row>" + b"<c/>" * cells + b"</row>" + _TAIL


def far_cell(row: int = 1_048_576) -> bytes:
    """The XML of a sheet with a header and one cell in the last column Excel has, `row` down."""
    header = "".join(
        f'<c r="{letter}1" t="inlineStr"><is><t>{key}</t></is></c>'
        for letter, key in zip("ABCDEFGH", spreadsheet.COLUMNS, strict=True)
    )
    last = f'<row r="{row}"><c r="XFD{row}"><v>1</v></c></row>'
    return _HEAD + f'<row r="1">{header}</row>{last}'.encode() + _TAIL


def billion_laughs(path: Path) -> Path:
    """YAML of 38 KB whose aliases make 1,400 articles of 120 long questions each."""
    question = "Làm sao đăng nhập phần mềm quản lý văn bản khi quên mật khẩu " * 6
    questions = ", ".join(["*q"] * 120)
    lines = [
        f'q: &q "{question}"',
        f"m: &m {{software: qlvb, title: Tiêu đề, steps: [bước một], questions: [{questions}]}}",
        "articles:",
        *(f"- {{<<: *m, id: qlvb.x{n}}}" for n in range(1_400)),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def children() -> set[int]:
    """The processes this one started that were not waited for yet, running or not."""
    found: set[int] = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        found.update(int(pid) for pid in (task / "children").read_text().split())
    return found


def _with_sheet(path: Path, parts: list[bytes]) -> Path:
    skeleton = io.BytesIO()
    book = Workbook()
    book.active.title = "Bài viết"
    book.save(skeleton)
    with (
        zipfile.ZipFile(skeleton) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            if member.filename != SHEET:
                target.writestr(member, source.read(member))
                continue
            # Written piece by piece: the test process never holds the unpacked sheet.
            with target.open(SHEET, "w", force_zip64=True) as sheet:
                for part in parts:
                    sheet.write(part)
    return path
