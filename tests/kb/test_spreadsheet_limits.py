"""`bot.kb.spreadsheet` holds a trainer's table to the limits as it reads it, row by row."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from openpyxl import Workbook

from bot.kb import spreadsheet
from bot.kb.import_limits import LIMITS, MEGABYTE, Limits
from tests.kb.hostile import far_cell, sheet_of, workbook, zip_bomb
from tests.kb.workbooks import exported

HEADER = "Mã bài,Phần mềm,Tiêu đề,Câu hỏi,Mở đầu,Các bước,Lưu ý\n"


def refusal(path: Path, limits: Limits = LIMITS) -> str:
    with pytest.raises(spreadsheet.UnreadableFile) as refused:
        spreadsheet.read(path, limits)
    return str(refused.value)


def csv_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "kb.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def xlsx_file(tmp_path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(tmp_path / "kb.xlsx")
    return tmp_path / "kb.xlsx"


def test_rows_past_the_limit_are_refused_and_empty_rows_do_not_count(tmp_path: Path) -> None:
    limits = Limits(rows=3)
    assert len(spreadsheet.read(csv_file(tmp_path, "a\n\n,,\nb\n"), limits).rows) == 2
    assert refusal(csv_file(tmp_path, "a\nb\nc\n"), limits) == (
        "Tệp kb.csv có quá nhiều dòng: tối đa 3 dòng có nội dung trong mỗi trang."
    )
    assert "quá nhiều dòng: tối đa 3" in refusal(
        xlsx_file(tmp_path, [["id"], ["a"], ["b"], ["c"]]), limits
    )


def test_a_small_workbook_of_many_rows_is_refused_at_the_limit(tmp_path: Path) -> None:
    # 5.6 MB of rows in 40 KB. A smaller limit, to be quick: openpyxl reads about 2,000 such
    # rows a second (and, as this sheet declares no size, scans it all once when opening it).
    path = workbook(tmp_path / "kb.xlsx", sheet_of(20_000))
    assert path.stat().st_size < 50_000
    assert "quá nhiều dòng: tối đa 500" in refusal(path, Limits(rows=500))


def test_a_filled_cell_past_the_last_column_is_refused_naming_the_row(tmp_path: Path) -> None:
    assert refusal(csv_file(tmp_path, "a" + ",b" * 50 + "\n")) == (
        "Tệp kb.csv có quá nhiều cột: tối đa 50 cột, dòng 2 vượt quá. "
        "Anh/chị vui lòng xóa các cột thừa."
    )
    wide: list[list[object]] = [["id"], ["a", *[None] * 49, "b"]]
    assert "dòng 2 vượt quá" in refusal(xlsx_file(tmp_path, wide))


def test_empty_fields_past_the_last_column_are_not_counted(tmp_path: Path) -> None:
    table = spreadsheet.read(csv_file(tmp_path, "qlvb.x" + "," * 80 + "\n"))
    assert [cells["id"] for _, cells in table.rows] == ["qlvb.x"]


def test_a_cell_longer_than_the_limit_is_refused_naming_the_row(tmp_path: Path) -> None:
    spreadsheet.read(csv_file(tmp_path, "a,b,c,d," + "x" * 20_000 + "\n"))
    assert refusal(csv_file(tmp_path, "a\na,b,c,d," + "x" * 20_001 + "\n")) == (
        "Tệp kb.csv có ô quá dài: tối đa 20.000 ký tự mỗi ô, dòng 3 có ô dài hơn."
    )
    limits = Limits(cell_characters=10)
    assert "dòng 2 có ô dài hơn" in refusal(xlsx_file(tmp_path, [["id"], ["x" * 11]]), limits)


def test_the_thesaurus_sheet_is_held_to_the_same_limits(
    repository_kb: Path, tmp_path: Path
) -> None:
    path = exported(repository_kb, tmp_path / "kb.xlsx")
    with pytest.raises(spreadsheet.UnreadableFile, match="quá nhiều dòng: tối đa 3"):
        spreadsheet.read_thesaurus(path, Limits(rows=3))


def test_a_workbook_of_more_parts_than_the_limit_is_refused(
    repository_kb: Path, tmp_path: Path
) -> None:
    path = exported(repository_kb, tmp_path / "kb.xlsx")
    assert refusal(path, Limits(members=5)).startswith(
        "Tệp kb.xlsx có quá nhiều thành phần bên trong: tối đa 5."
    )


def test_a_zip_bomb_is_refused_from_its_directory_without_unpacking_anything(
    tmp_path: Path,
) -> None:
    path = zip_bomb(tmp_path / "kb.xlsx", unpacked=64 * MEGABYTE)
    tracemalloc.start()
    try:
        said = refusal(path)
        allocated = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert said.startswith("Tệp kb.xlsx quá lớn khi giải nén: tối đa 30 MB.")
    assert allocated < MEGABYTE


def test_a_cell_far_down_and_right_is_read_without_holding_the_rows_and_columns_before_it(
    tmp_path: Path,
) -> None:
    # In Excel's last column; 200,000 rows down (openpyxl makes every row in between).
    path = workbook(tmp_path / "kb.xlsx", far_cell(200_000))
    tracemalloc.start()
    try:
        table = spreadsheet.read(path)
        allocated = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # The far cell is past the columns read: the table is its header alone.
    assert table.rows == [] and table.missing == ()
    assert allocated < 5 * MEGABYTE


def test_a_csv_the_csv_module_cannot_read_gets_a_way_to_fix_it(tmp_path: Path) -> None:
    assert "«CSV UTF-8»" in refusal(csv_file(tmp_path, "a,b\0c\n"))
