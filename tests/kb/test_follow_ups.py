"""An article's follow-ups: checked like its other fields, wherever the article comes from (a
file, a spreadsheet row, a YAML item), and carried through export, import and publishing."""

from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook

from bot.kb import diff, folder, importing, spreadsheet
from bot.kb.loader import KnowledgeBase, load
from tests.kb.test_loader import article, write_kb
from tests.kb.workbooks import COLUMN, edited, exported, row_of


def two_articles(tmp_path: Path, follow_ups: object) -> KnowledgeBase:
    other = article(
        "qlvb.doi_mat_khau", questions=[f"câu hỏi số {n} về đổi mật khẩu" for n in range(8)]
    )
    return write_kb(
        tmp_path,
        {
            "qlvb/dang_nhap.yml": article(follow_ups=follow_ups),
            "qlvb/doi_mat_khau.yml": other,
        },
    )


def test_follow_ups_naming_other_articles_load(tmp_path: Path) -> None:
    kb = two_articles(tmp_path, ["qlvb.doi_mat_khau"])
    assert kb.problems == []
    assert kb.articles["qlvb.dang_nhap"].follow_ups == ("qlvb.doi_mat_khau",)
    assert kb.articles["qlvb.doi_mat_khau"].follow_ups == ()


@pytest.mark.parametrize(
    ("follow_ups", "message"),
    [
        (["qlvb.khong_co"], "follow_ups: bài hỏi tiếp «qlvb.khong_co» không có trong kho"),
        (["qlvb.dang_nhap"], "follow_ups: một bài không thể là bài hỏi tiếp của chính nó"),
        (["Đổi mật khẩu"], "follow_ups: mã «Đổi mật khẩu» chưa đúng dạng"),
        ("qlvb.doi_mat_khau", "follow_ups: phải là danh sách"),
        ([f"qlvb.bai{n}" for n in range(5)], "follow_ups: tối đa 4 bài hỏi tiếp, đang có 5"),
    ],
)
def test_a_wrong_follow_up_is_named_with_its_file_and_field(
    tmp_path: Path, follow_ups: object, message: str
) -> None:
    kb = two_articles(tmp_path, follow_ups)
    assert any(
        p.startswith("knowledge_base/articles/qlvb/dang_nhap.yml") and message in p
        for p in kb.problems
    ), kb.problems


def test_the_project_offers_follow_ups_on_several_articles(knowledge_base: KnowledgeBase) -> None:
    with_follow_ups = [a for a in knowledge_base.articles.values() if a.follow_ups]
    assert len(with_follow_ups) >= 20
    assert knowledge_base.articles["qlvb.vb_den_dien_tu"].follow_ups[0] == "qlvb.vb_den_giay"


def test_an_article_file_written_anew_keeps_its_follow_ups(
    knowledge_base: KnowledgeBase, tmp_path: Path
) -> None:
    original = knowledge_base.articles["kyso.ky_van_ban"]
    data = yaml.safe_load(folder.article_yaml(original))
    assert data["follow_ups"] == list(original.follow_ups)
    assert "follow_ups" not in yaml.safe_load(
        folder.article_yaml(knowledge_base.articles["vpdt.truy_cap"])
    )


def test_follow_ups_go_out_to_the_spreadsheet_and_come_back(
    knowledge_base: KnowledgeBase, repository_kb: Path, tmp_path: Path
) -> None:
    path = exported(repository_kb, tmp_path / "kb.xlsx")
    sheet = load_workbook(path).worksheets[0]
    row = row_of(sheet, "kyso.ky_van_ban")
    cell = sheet.cell(row=row, column=COLUMN["follow_ups"]).value
    assert cell.splitlines() == list(knowledge_base.articles["kyso.ky_van_ban"].follow_ups)

    imported = importing.read_in_process(path, knowledge_base.software)
    assert imported.problems == []
    assert imported.articles == knowledge_base.articles


def test_a_spreadsheet_from_before_follow_ups_still_imports_without_them(
    knowledge_base: KnowledgeBase, repository_kb: Path, tmp_path: Path
) -> None:
    source = exported(repository_kb, tmp_path / "kb.xlsx")
    path = edited(source, tmp_path / "old.xlsx", lambda s: s.delete_cols(COLUMN["follow_ups"]))
    imported = importing.read_in_process(path, knowledge_base.software)
    assert imported.problems == []
    assert all(not a.follow_ups for a in imported.articles.values())
    changed = diff.compare(knowledge_base.articles, imported.articles).changed
    assert {c.id for c in changed if "follow_ups" in c.fields} == {
        a.id for a in knowledge_base.articles.values() if a.follow_ups
    }


def test_a_follow_up_naming_no_article_is_named_by_row_and_column(
    knowledge_base: KnowledgeBase, repository_kb: Path, tmp_path: Path
) -> None:
    source = exported(repository_kb, tmp_path / "kb.xlsx")

    def edit(sheet: Any) -> None:
        row = row_of(sheet, "qlvb.lap_ho_so")
        sheet.cell(row=row, column=COLUMN["follow_ups"]).value = "qlvb.nop_luu\nqlvb.khong_co"

    path = edited(source, tmp_path / "bad.xlsx", edit)
    imported = importing.read_in_process(path, knowledge_base.software)
    row = row_of(load_workbook(path).worksheets[0], "qlvb.lap_ho_so")
    assert [(p.row, p.column) for p in imported.problems] == [(row, "follow_ups")]
    assert "qlvb.khong_co" in imported.problems[0].message


def test_a_yaml_import_reads_follow_ups(knowledge_base: KnowledgeBase, tmp_path: Path) -> None:
    items = [yaml.safe_load(folder.article_yaml(a)) for a in knowledge_base.articles.values()]
    flat = [
        {**{k: v for k, v in item.items() if k != "answer"}, **item["answer"]} for item in items
    ]
    path = tmp_path / "kb.yaml"
    path.write_text(yaml.safe_dump(flat, allow_unicode=True), encoding="utf-8")
    imported = importing.read_in_process(path, knowledge_base.software)
    assert imported.problems == []
    assert imported.articles["kyso.ky_van_ban"].follow_ups == (
        knowledge_base.articles["kyso.ky_van_ban"].follow_ups
    )


def test_a_changed_follow_up_is_live_at_once(knowledge_base: KnowledgeBase) -> None:
    import dataclasses

    new = dict(knowledge_base.articles)
    new["qlvb.nop_luu"] = dataclasses.replace(new["qlvb.nop_luu"], follow_ups=("qlvb.thong_ke",))
    changes = diff.compare(knowledge_base.articles, new)
    assert [c.fields for c in changes.live_at_once] == [("follow_ups",)]
    assert not changes.needs_training


def test_the_spreadsheet_names_the_follow_ups_column(tmp_path: Path, repository_kb: Path) -> None:
    path = exported(repository_kb, tmp_path / "kb.xlsx")
    header = [c.value for c in load_workbook(path).worksheets[0][1]]
    assert header[-1] == "Bài hỏi tiếp"
    assert spreadsheet.COLUMNS[-1] == "follow_ups"
    assert load(repository_kb).problems == []
