import csv
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook

from bot.kb import importing, report
from bot.kb.loader import KnowledgeBase
from tests.kb.workbooks import (
    COLUMN,
    MALFORMED,
    edited,
    exported,
    row_of,
    shared_question,
)


def rendered(imported: importing.Imported) -> list[str]:
    return [report.problem(p) for p in imported.problems]


@pytest.mark.parametrize(("edit", "row_id", "expected"), MALFORMED)
def test_a_bad_row_is_named_by_row_and_column(
    knowledge_base: KnowledgeBase,
    repository_kb: Path,
    tmp_path: Path,
    edit: Callable[[Any], None],
    row_id: str,
    expected: str,
) -> None:
    path = edited(exported(repository_kb, tmp_path / "kb.xlsx"), tmp_path / "bad.xlsx", edit)
    row = row_of(load_workbook(path).worksheets[0], row_id)
    problems = rendered(importing.read(path, knowledge_base.software))
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"Dòng {row}, {expected}"), problems


def test_a_shared_question_names_the_other_article_and_its_row(
    knowledge_base: KnowledgeBase, repository_kb: Path, tmp_path: Path
) -> None:
    source = exported(repository_kb, tmp_path / "kb.xlsx")
    path = edited(source, tmp_path / "bad.xlsx", shared_question)
    first = row_of(load_workbook(path).worksheets[0], "qlvb.dang_nhap")
    [problem] = rendered(importing.read(path, knowledge_base.software))
    assert f"trùng với một câu hỏi của bài qlvb.dang_nhap (Dòng {first})" in problem


def test_a_missing_column_is_named_and_no_row_is_read(
    knowledge_base: KnowledgeBase, repository_kb: Path, tmp_path: Path
) -> None:
    source = exported(repository_kb, tmp_path / "kb.xlsx")
    path = edited(source, tmp_path / "bad.xlsx", lambda s: s.delete_cols(COLUMN["questions"]))
    imported = importing.read(path, knowledge_base.software)
    assert rendered(imported) == ["Dòng 1, cột «Câu hỏi»: không tìm thấy cột này ở dòng tiêu đề"]
    assert imported.articles == {}


def test_two_rows_with_one_id_are_rejected(
    knowledge_base: KnowledgeBase, repository_kb: Path, tmp_path: Path
) -> None:
    def doubled(sheet: Any) -> None:
        row = [c.value for c in sheet[row_of(sheet, "qlvb.dang_nhap")]]
        row[COLUMN["questions"] - 1] = "\n".join(f"câu khác số {n}" for n in range(8))
        sheet.append(row)

    path = edited(exported(repository_kb, tmp_path / "kb.xlsx"), tmp_path / "two.xlsx", doubled)
    first = row_of(load_workbook(path).worksheets[0], "qlvb.dang_nhap")
    last = len(knowledge_base.articles) + 2
    assert rendered(importing.read(path, knowledge_base.software)) == [
        f"Dòng {last}, cột «Mã bài»: mã «qlvb.dang_nhap» đã được dùng cho một bài khác "
        f"(Dòng {first})"
    ]


def write_csv(repository_kb: Path, tmp_path: Path, encoding: str, delimiter: str) -> Path:
    """The exported workbook saved as CSV, as Excel's "Save as" does."""
    sheet = load_workbook(exported(repository_kb, tmp_path / "kb.xlsx")).worksheets[0]
    path = tmp_path / "kb.csv"
    with path.open("w", encoding=encoding, newline="") as file:
        writer = csv.writer(file, delimiter=delimiter)
        for row in sheet.iter_rows(values_only=True):
            writer.writerow(["" if v is None else v for v in row])
    return path


@pytest.mark.parametrize(("encoding", "delimiter"), [("utf-8-sig", ","), ("utf-8", ";")])
def test_csv_with_or_without_byte_order_mark_is_read(
    knowledge_base: KnowledgeBase,
    repository_kb: Path,
    tmp_path: Path,
    encoding: str,
    delimiter: str,
) -> None:
    path = write_csv(repository_kb, tmp_path, encoding, delimiter)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    imported = importing.read(path, knowledge_base.software)
    assert imported.problems == []
    assert imported.articles == knowledge_base.articles


def test_csv_not_in_utf8_gets_a_way_to_fix_it(
    knowledge_base: KnowledgeBase, tmp_path: Path
) -> None:
    path = tmp_path / "kb.csv"
    path.write_bytes("Mã bài,Câu hỏi\nqlvb.x,Đăng nhập\n".encode("utf-16"))
    [problem] = rendered(importing.read(path, knowledge_base.software))
    assert "CSV UTF-8" in problem


def as_yaml(kb: KnowledgeBase) -> list[dict[str, Any]]:
    return [
        {
            "id": a.id,
            "software": a.software,
            "title": a.title,
            "questions": list(a.questions),
            "intro": a.answer.intro,
            "steps": list(a.answer.steps),
            "note": a.answer.note,
            "follow_ups": list(a.follow_ups),
        }
        for a in kb.articles.values()
    ]


def test_yaml_list_of_articles_is_read(knowledge_base: KnowledgeBase, tmp_path: Path) -> None:
    path = tmp_path / "kb.yaml"
    path.write_text(yaml.safe_dump(as_yaml(knowledge_base), allow_unicode=True), "utf-8")
    imported = importing.read(path, knowledge_base.software)
    assert imported.problems == []
    assert imported.articles == knowledge_base.articles


def test_yaml_problems_name_the_item_and_field(
    knowledge_base: KnowledgeBase, tmp_path: Path
) -> None:
    items = as_yaml(knowledge_base)
    for item in items:
        item.pop("follow_ups")  # a follow-up of the article spoiled below would be a problem too
    items[2]["questions"] = "một câu hỏi, không phải danh sách"
    items[4] = "không phải một bài"  # type: ignore[call-overload]  # not an article, on purpose
    path = tmp_path / "kb.yaml"
    path.write_text(yaml.safe_dump(items, allow_unicode=True), "utf-8")
    assert rendered(importing.read(path, knowledge_base.software)) == [
        "Bài thứ 3, mục «Câu hỏi»: phải là danh sách, mỗi mục một dòng",
        "Bài thứ 5: phải là một bài viết có các trường id, software, title, questions, intro, "
        "steps, note",
    ]


def _zip_with_broken_xml() -> bytes:
    """A zip, as an .xlsx is, whose XML is cut off."""
    buffer = io.BytesIO()
    # A fixed date: the bytes name the test, which must be the same in every pytest-xdist worker.
    entry = zipfile.ZipInfo("[Content_Types].xml", date_time=(2025, 1, 1, 0, 0, 0))
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(entry, "<Types")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("kb.txt", b"id,title\n", "Tệp kb.txt: chỉ nhận tệp .xlsx, .csv hoặc .yaml."),
        ("kb.xlsx", b"not a zip", "Tệp kb.xlsx không mở được như một bảng tính Excel"),
        ("kb.xlsx", _zip_with_broken_xml(), "Tệp kb.xlsx không mở được như một bảng tính Excel"),
        ("kb.csv", b"", "Tệp kb.csv đang trống"),
        ("kb.yaml", b"[]", "Tệp kb.yaml không có bài viết nào"),
        ("kb.yaml", b"id: [", "Tệp kb.yaml không phải YAML hợp lệ"),
        ("kb.yaml", b"id: qlvb.x", "Tệp kb.yaml phải là một danh sách bài viết"),
        ("kb.csv", "Mã bài,Phần mềm,Tiêu đề,Câu hỏi,Mở đầu,Các bước,Lưu ý\n".encode(), "không có"),
    ],
)
def test_a_file_that_cannot_be_used_gets_one_clear_message(
    knowledge_base: KnowledgeBase, tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    imported = importing.read(path, knowledge_base.software)
    assert [p.row for p in imported.problems] == [None]
    assert expected in report.problem(imported.problems[0])


def test_a_missing_file_is_named(knowledge_base: KnowledgeBase, tmp_path: Path) -> None:
    imported = importing.read(tmp_path / "khong_co.xlsx", knowledge_base.software)
    assert rendered(imported) == ["Không tìm thấy tệp khong_co.xlsx."]
