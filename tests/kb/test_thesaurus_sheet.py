"""The thesaurus in the trainers' files: the sheet «Từ đồng nghĩa», or `thesaurus:` in YAML."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook

from bot.kb import importing, proposal, report
from bot.kb.loader import KnowledgeBase
from bot.texts import texts
from tests.kb.test_importing import as_yaml, write_csv
from tests.kb.workbooks import (
    MALFORMED_TERMS,
    TERM_COLUMN,
    edited_terms,
    exported,
    synonyms,
    terms_sheet,
)


def rendered(imported: importing.Imported) -> list[str]:
    return [report.problem(p) for p in imported.problems]


def test_export_has_a_thesaurus_sheet_with_one_row_per_term(
    knowledge_base: KnowledgeBase, repository_kb: Path, tmp_path: Path
) -> None:
    book = load_workbook(exported(repository_kb, tmp_path / "kb.xlsx"))
    assert book.sheetnames[-1] == "Từ đồng nghĩa"
    sheet = terms_sheet(book)
    assert [c.value for c in sheet[1]] == ["Thuật ngữ", "Từ đồng nghĩa"]
    assert sheet.max_row == 1 + len(knowledge_base.thesaurus)
    listed = synonyms(sheet, "mật khẩu").value.split("\n")
    assert listed == list(knowledge_base.thesaurus["mật khẩu"])
    assert "mã đăng nhập" in listed
    assert sheet["B2"].alignment.wrap_text


def test_export_then_import_gives_the_same_thesaurus_and_no_change(
    knowledge_base: KnowledgeBase, state: Path, repository_kb: Path, tmp_path: Path
) -> None:
    path = exported(repository_kb, tmp_path / "kb.xlsx")
    imported = importing.read(path, knowledge_base.software)
    assert imported.problems == []
    assert imported.thesaurus == knowledge_base.thesaurus
    found = proposal.propose(path, state, repository_kb)
    assert found.diff.is_empty
    assert report.diff(found.diff, None).startswith("Không có thay đổi nào")


@pytest.mark.parametrize(("edit", "where", "expected"), MALFORMED_TERMS)
def test_a_malformed_thesaurus_row_is_named_by_sheet_row_and_column(
    knowledge_base: KnowledgeBase,
    repository_kb: Path,
    tmp_path: Path,
    edit: Callable[[Any], None],
    where: Callable[[Any], int],
    expected: str,
) -> None:
    source = exported(repository_kb, tmp_path / "kb.xlsx")
    row = where(terms_sheet(load_workbook(source)))
    imported = importing.read(
        edited_terms(source, tmp_path / "bad.xlsx", edit), knowledge_base.software
    )
    problems = rendered(imported)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"Trang «Từ đồng nghĩa», dòng {row}, {expected}"), problems
    assert imported.articles == knowledge_base.articles  # the articles' rows were fine


def test_a_missing_thesaurus_column_is_named_and_nothing_is_read(
    knowledge_base: KnowledgeBase, repository_kb: Path, tmp_path: Path
) -> None:
    source = exported(repository_kb, tmp_path / "kb.xlsx")

    def no_synonyms_column(sheet: Any) -> None:
        sheet.delete_cols(TERM_COLUMN["synonyms"])

    path = edited_terms(source, tmp_path / "bad.xlsx", no_synonyms_column)
    imported = importing.read(path, knowledge_base.software)
    assert rendered(imported) == [
        "Trang «Từ đồng nghĩa», dòng 1, cột «Từ đồng nghĩa»: không tìm thấy cột này ở dòng tiêu đề"
    ]
    assert (imported.articles, imported.thesaurus) == ({}, None)


def test_a_workbook_without_the_thesaurus_sheet_leaves_the_live_thesaurus(
    knowledge_base: KnowledgeBase, state: Path, repository_kb: Path, tmp_path: Path
) -> None:
    book = load_workbook(exported(repository_kb, tmp_path / "kb.xlsx"))
    book.remove(terms_sheet(book))
    book.save(tmp_path / "old.xlsx")
    imported = importing.read(tmp_path / "old.xlsx", knowledge_base.software)
    assert (imported.problems, imported.thesaurus) == ([], None)
    assert proposal.propose(tmp_path / "old.xlsx", state, repository_kb).diff.is_empty


def test_a_csv_file_holds_only_the_articles_and_leaves_the_live_thesaurus(
    knowledge_base: KnowledgeBase, repository_kb: Path, tmp_path: Path
) -> None:
    imported = importing.read(
        write_csv(repository_kb, tmp_path, "utf-8-sig", ","), knowledge_base.software
    )
    assert (imported.problems, imported.thesaurus) == ([], None)
    assert imported.articles == knowledge_base.articles


def test_an_emptied_thesaurus_sheet_removes_every_term(
    knowledge_base: KnowledgeBase, repository_kb: Path, tmp_path: Path
) -> None:
    def header_only(sheet: Any) -> None:
        sheet.delete_rows(2, sheet.max_row)

    source = exported(repository_kb, tmp_path / "kb.xlsx")
    path = edited_terms(source, tmp_path / "empty.xlsx", header_only)
    imported = importing.read(path, knowledge_base.software)
    assert (imported.problems, imported.thesaurus) == ([], {})


def test_yaml_with_a_thesaurus_beside_the_articles_is_read(
    knowledge_base: KnowledgeBase, tmp_path: Path
) -> None:
    thesaurus = {term: list(words) for term, words in knowledge_base.thesaurus.items()}
    path = tmp_path / "kb.yaml"
    data = {"articles": as_yaml(knowledge_base), "thesaurus": thesaurus}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    imported = importing.read(path, knowledge_base.software)
    assert imported.problems == []
    assert (imported.articles, imported.thesaurus) == (
        knowledge_base.articles,
        knowledge_base.thesaurus,
    )


def test_yaml_thesaurus_problems_name_the_entry(
    knowledge_base: KnowledgeBase, tmp_path: Path
) -> None:
    path = tmp_path / "kb.yaml"
    thesaurus = {"mật khẩu": ["mã đăng nhập"], "tài khoản": "nick", "đăng xuất": ["log out", ""]}
    data = {"articles": as_yaml(knowledge_base), "thesaurus": thesaurus}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    assert rendered(importing.read(path, knowledge_base.software)) == [
        "Mục thesaurus, thuật ngữ thứ 2: thuật ngữ «tài khoản» cần một danh sách từ đồng nghĩa, "
        "ví dụ [mã đăng nhập, mã bí mật]",
        "Mục thesaurus, thuật ngữ thứ 3: thuật ngữ «đăng xuất» có một từ đồng nghĩa để trống",
    ]


def test_yaml_thesaurus_that_is_not_a_mapping_is_refused(
    knowledge_base: KnowledgeBase, tmp_path: Path
) -> None:
    path = tmp_path / "kb.yaml"
    data = {"articles": as_yaml(knowledge_base), "thesaurus": ["mật khẩu", "mã đăng nhập"]}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    expected = texts("bot.kb").say("reading.thesaurus_not_mapping", name="kb.yaml")
    assert rendered(importing.read(path, knowledge_base.software)) == [expected]
