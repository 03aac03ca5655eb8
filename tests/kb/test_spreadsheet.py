from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook

from bot.kb import importing, spreadsheet
from bot.kb.diff import compare
from bot.kb.loader import KnowledgeBase, load
from bot.texts import texts
from tests.kb.workbooks import cell, edited, exported, row_of


def test_export_has_one_row_per_article_in_the_agreed_columns(
    knowledge_base: KnowledgeBase, repository_kb: Path, tmp_path: Path
) -> None:
    book = load_workbook(exported(repository_kb, tmp_path / "kb.xlsx"))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header == [texts("bot.kb").say(f"columns.{k}") for k in spreadsheet.COLUMNS]
    assert header[:4] == ["Mã bài", "Phần mềm", "Tiêu đề", "Câu hỏi"]
    assert sheet.max_row == 1 + len(knowledge_base.articles)
    article = knowledge_base.articles["qlvb.dang_nhap"]
    assert cell(sheet, article.id, "questions").value.split("\n") == list(article.questions)
    assert cell(sheet, article.id, "steps").value.split("\n") == list(article.answer.steps)
    assert cell(sheet, article.id, "note").value == article.answer.note


def test_export_is_readable_and_lists_the_software(
    knowledge_base: KnowledgeBase, repository_kb: Path, tmp_path: Path
) -> None:
    book = load_workbook(exported(repository_kb, tmp_path / "kb.xlsx"))
    sheet, software = book.worksheets[:2]
    assert sheet.freeze_panes == "B2"
    assert sheet["A1"].font.bold
    assert sheet["D2"].alignment.wrap_text
    assert sheet.column_dimensions["D"].width >= 60
    assert [c.value for c in software[1]] == list(
        texts("bot.kb").labels("software_columns").values()
    )
    listed = {row[0]: row[1] for row in software.iter_rows(min_row=2, values_only=True)}
    assert listed == {k: v["label"] for k, v in knowledge_base.software.items()}


def test_export_then_import_gives_the_same_articles(
    knowledge_base: KnowledgeBase, repository_kb: Path, tmp_path: Path
) -> None:
    imported = importing.read(
        exported(repository_kb, tmp_path / "kb.xlsx"), knowledge_base.software
    )
    assert imported.problems == []
    assert imported.articles == knowledge_base.articles
    assert compare(knowledge_base.articles, imported.articles).is_empty


def test_text_that_looks_like_a_formula_stays_text(repository_kb: Path, tmp_path: Path) -> None:
    path = repository_kb / "articles" / "qlvb" / "dang_nhap.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["answer"]["note"] = "=SUM(A1)"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    book = load_workbook(exported(repository_kb, tmp_path / "kb.xlsx"))
    assert cell(book.worksheets[0], "qlvb.dang_nhap", "note").data_type == "s"
    imported = importing.read(tmp_path / "kb.xlsx", load(repository_kb).software)
    assert imported.articles["qlvb.dang_nhap"].answer.note == "=SUM(A1)"


def test_rows_keep_their_numbers_across_blank_rows_and_blank_lines(
    knowledge_base: KnowledgeBase, repository_kb: Path, tmp_path: Path
) -> None:
    def spaced(sheet: Any) -> None:
        sheet.insert_rows(3, amount=2)
        questions = cell(sheet, "qlvb.dang_nhap", "questions")
        questions.value = "\n\n" + questions.value.replace("\n", "\n  \n") + "\n"
        cell(sheet, "qlvb.dang_nhap", "title").value = None

    source = exported(repository_kb, tmp_path / "kb.xlsx")
    path = edited(source, tmp_path / "spaced.xlsx", spaced)
    row = row_of(load_workbook(path).worksheets[0], "qlvb.dang_nhap")
    imported = importing.read(path, knowledge_base.software)
    assert [(p.row, p.column, p.message) for p in imported.problems] == [
        (row, "title", "chưa có nội dung")
    ]
    assert len(imported.articles) == len(knowledge_base.articles) - 1


def test_a_sheet_with_machine_keys_as_headers_is_read(
    knowledge_base: KnowledgeBase, repository_kb: Path, tmp_path: Path
) -> None:
    def keyed(sheet: Any) -> None:
        for number, key in enumerate(spreadsheet.COLUMNS, start=1):
            sheet.cell(row=1, column=number).value = key.upper()

    path = edited(exported(repository_kb, tmp_path / "kb.xlsx"), tmp_path / "keys.xlsx", keyed)
    assert importing.read(path, knowledge_base.software).articles == knowledge_base.articles


@pytest.mark.parametrize("header", ["Cau hoi", "CÂU HỎI", " câu hỏi "])
def test_headers_match_without_case_or_diacritics(
    knowledge_base: KnowledgeBase, repository_kb: Path, tmp_path: Path, header: str
) -> None:
    def renamed(sheet: Any) -> None:
        sheet.cell(row=1, column=4).value = header

    path = edited(exported(repository_kb, tmp_path / "kb.xlsx"), tmp_path / "h.xlsx", renamed)
    assert importing.read(path, knowledge_base.software).problems == []
