"""Real spreadsheets for the tests: the exported knowledge base, edited as a trainer would."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from bot.kb import spreadsheet
from bot.kb.loader import load
from bot.texts import texts

COLUMN = {key: number for number, key in enumerate(spreadsheet.COLUMNS, start=1)}
TERM_COLUMN = {key: number for number, key in enumerate(spreadsheet.THESAURUS_COLUMNS, start=1)}


def exported(kb_dir: Path, path: Path) -> Path:
    """The knowledge base at `kb_dir` exported to `path`."""
    spreadsheet.export(load(kb_dir), path)
    return path


def edited(source: Path, target: Path, edit: Callable[[Any], None]) -> Path:
    """A copy of the workbook `source` at `target`, its article sheet changed by `edit`."""
    book = load_workbook(source)
    edit(book.worksheets[0])
    book.save(target)
    return target


def terms_sheet(book: Any) -> Any:
    """The thesaurus's sheet of a workbook."""
    return book[texts("bot.kb").say("sheets.thesaurus")]


def edited_terms(source: Path, target: Path, edit: Callable[[Any], None]) -> Path:
    """A copy of the workbook `source` at `target`, its thesaurus's sheet changed by `edit`."""
    book = load_workbook(source)
    edit(terms_sheet(book))
    book.save(target)
    return target


def term_row(sheet: Any, term: str) -> int:
    """The row number of a term in the thesaurus's sheet."""
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row=row, column=TERM_COLUMN["term"]).value == term:
            return row
    raise LookupError(term)


def synonyms(sheet: Any, term: str) -> Any:
    """The cell of a term's synonyms, one per line."""
    return sheet.cell(row=term_row(sheet, term), column=TERM_COLUMN["synonyms"])


def row_of(sheet: Any, article_id: str) -> int:
    """The row number of an article in the article sheet."""
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row=row, column=COLUMN["id"]).value == article_id:
            return row
    raise LookupError(article_id)


def cell(sheet: Any, article_id: str, key: str) -> Any:
    """The cell of the column `key` in the row of the article."""
    return sheet.cell(row=row_of(sheet, article_id), column=COLUMN[key])


NEW_ARTICLE = [
    "qlvb.in_phieu",
    "qlvb",
    "In phiếu trình văn bản",
    "\n".join(
        [
            "In phiếu trình trên phần mềm QLVB thế nào?",
            "in phieu trinh qlvb o dau",
            "muốn in phiếu trình vb thì bấm j",
            "Phiếu trình in ra bị lệch lề phải làm sao?",
            "in phiếu trình kèm ý kiến lãnh đạo được không",
            "lam sao in phieu trinh co chu ky",
            "Cách xuất phiếu trình ra tệp PDF để in",
            "e cần in phiếu trình gấp ạ",
        ]
    ),
    "Anh/chị in phiếu trình như sau:",
    "Mở văn bản cần in.\nBấm **In phiếu trình**.\nChọn máy in, bấm **In**.",
    "",
]


def fewer_questions(sheet: Any) -> None:
    questions = cell(sheet, "qlvb.dang_nhap", "questions")
    questions.value = "\n".join(questions.value.split("\n")[:5])


def unknown_software(sheet: Any) -> None:
    cell(sheet, "qlvb.dang_nhap", "software").value = "zalo"


def shared_question(sheet: Any) -> None:
    asked = cell(sheet, "qlvb.dang_nhap", "questions").value.split("\n")[0]
    other = cell(sheet, "qlvb.doi_mat_khau", "questions")
    other.value += "\n" + asked.upper().rstrip("?")


def no_steps(sheet: Any) -> None:
    cell(sheet, "qlvb.dang_nhap", "steps").value = " \n "


def bad_id(sheet: Any) -> None:
    cell(sheet, "qlvb.dang_nhap", "id").value = "QLVB Đăng nhập"


def too_long(sheet: Any) -> None:
    cell(sheet, "qlvb.dang_nhap", "intro").value = "Rất dài. " * 500


# A trainer's mistakes: (edit, id of the row named, what the problem says after "Dòng N, ").
MALFORMED = [
    (fewer_questions, "qlvb.dang_nhap", "cột «Câu hỏi»: cần ít nhất 8 câu hỏi, mới có 5"),
    (unknown_software, "qlvb.dang_nhap", "cột «Phần mềm»: phần mềm «zalo» không có trong"),
    (shared_question, "qlvb.doi_mat_khau", "cột «Câu hỏi»: câu hỏi «LẦN ĐẦU ĐĂNG NHẬP"),
    (no_steps, "qlvb.dang_nhap", "cột «Các bước»: cần ít nhất một bước"),
    (bad_id, "QLVB Đăng nhập", "cột «Mã bài»: mã «QLVB Đăng nhập» chưa đúng dạng"),
    (too_long, "qlvb.dang_nhap", "cột «Các bước»: câu trả lời dài 5"),
]


def _no_synonyms(sheet: Any) -> None:
    synonyms(sheet, "tài khoản").value = " \n "


def _no_term(sheet: Any) -> None:
    sheet.cell(row=term_row(sheet, "tài khoản"), column=TERM_COLUMN["term"]).value = None


def _synonym_of_two_terms(sheet: Any) -> None:
    synonyms(sheet, "tài khoản").value += "\nmã đăng nhập"


def _synonym_same_as_term(sheet: Any) -> None:
    synonyms(sheet, "mật khẩu").value += "\nmat khau"


def _term_twice(sheet: Any) -> None:
    sheet.append(["Mật Khẩu", "mã pin"])


# A trainer's mistakes in the thesaurus's sheet: (edit, the row it names in the sheet as
# exported, what the problem says after "Trang «Từ đồng nghĩa», dòng N, ").
MALFORMED_TERMS = [
    (
        _no_synonyms,
        lambda sheet: term_row(sheet, "tài khoản"),
        "cột «Từ đồng nghĩa»: thuật ngữ «tài khoản» chưa có từ đồng nghĩa nào",
    ),
    (
        _no_term,
        lambda sheet: term_row(sheet, "tài khoản"),
        "cột «Thuật ngữ»: chưa ghi thuật ngữ cho các từ đồng nghĩa này",
    ),
    (
        _synonym_of_two_terms,
        lambda sheet: term_row(sheet, "tài khoản"),
        "cột «Từ đồng nghĩa»: «mã đăng nhập» được ghi là từ đồng nghĩa của hai thuật ngữ: "
        "«mật khẩu» và «tài khoản»",
    ),
    (
        _synonym_same_as_term,
        lambda sheet: term_row(sheet, "mật khẩu"),
        "cột «Từ đồng nghĩa»: thuật ngữ «mật khẩu» có từ đồng nghĩa trùng với chính nó",
    ),
    (
        _term_twice,
        lambda sheet: sheet.max_row + 1,
        "cột «Thuật ngữ»: thuật ngữ «Mật Khẩu» được ghi hai lần",
    ),
]
