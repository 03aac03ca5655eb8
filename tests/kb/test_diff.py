from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.kb import importing, report
from bot.kb.diff import ArticleChange, Diff, compare, compare_folders
from bot.kb.loader import KnowledgeBase
from tests.kb.workbooks import NEW_ARTICLE, cell, edited, exported, row_of

NEW_STEP = "Nếu vẫn không vào được, anh/chị gọi tổng đài hỗ trợ."
NEW_QUESTION = "lần đầu vào qlvb trên máy mới thì đăng nhập ở đâu ạ"


def diff_after(
    knowledge_base: KnowledgeBase, repository_kb: Path, tmp_path: Path, edit: Callable[[Any], None]
) -> Diff:
    path = edited(exported(repository_kb, tmp_path / "kb.xlsx"), tmp_path / "new.xlsx", edit)
    imported = importing.read(path, knowledge_base.software)
    assert imported.problems == []
    return compare(knowledge_base.articles, imported.articles)


def _changed_answer(sheet: Any) -> None:
    cell(sheet, "qlvb.dang_nhap", "steps").value += "\n" + NEW_STEP


def _added_paraphrase(sheet: Any) -> None:
    cell(sheet, "qlvb.dang_nhap", "questions").value += "\n" + NEW_QUESTION


def _new_article(sheet: Any) -> None:
    sheet.append(NEW_ARTICLE)


def _removed_article(sheet: Any) -> None:
    sheet.delete_rows(row_of(sheet, "qlvb.dang_nhap"))


def test_a_changed_answer_is_live_at_once(
    knowledge_base: KnowledgeBase, repository_kb: Path, tmp_path: Path
) -> None:
    diff = diff_after(knowledge_base, repository_kb, tmp_path, _changed_answer)
    title = knowledge_base.articles["qlvb.dang_nhap"].title
    assert diff.changed == (ArticleChange("qlvb.dang_nhap", title, ("steps",), (), ()),)
    assert diff.live_at_once == diff.changed
    assert (diff.added, diff.removed, diff.needs_training) == ((), (), False)


def test_an_added_paraphrase_is_live_at_once_and_listed(
    knowledge_base: KnowledgeBase, repository_kb: Path, tmp_path: Path
) -> None:
    diff = diff_after(knowledge_base, repository_kb, tmp_path, _added_paraphrase)
    [change] = diff.changed
    assert (change.id, change.fields) == ("qlvb.dang_nhap", ("questions",))
    assert (change.questions_added, change.questions_removed) == ((NEW_QUESTION,), ())
    assert not diff.needs_training
    assert diff.counts()["questions_added"] == 1


def test_a_new_article_needs_training(
    knowledge_base: KnowledgeBase, repository_kb: Path, tmp_path: Path
) -> None:
    diff = diff_after(knowledge_base, repository_kb, tmp_path, _new_article)
    assert [a.id for a in diff.added] == ["qlvb.in_phieu"]
    assert (diff.changed, diff.removed) == ((), ())
    assert diff.needs_training


def test_a_removed_article_needs_training(
    knowledge_base: KnowledgeBase, repository_kb: Path, tmp_path: Path
) -> None:
    diff = diff_after(knowledge_base, repository_kb, tmp_path, _removed_article)
    assert diff.removed == (knowledge_base.articles["qlvb.dang_nhap"],)
    assert (diff.added, diff.changed) == ((), ())
    assert diff.needs_training
    assert diff.counts()["removed"] == 1


def test_several_changes_are_grouped_by_when_they_take_effect(
    knowledge_base: KnowledgeBase, repository_kb: Path, tmp_path: Path
) -> None:
    def everything(sheet: Any) -> None:
        for edit in (_changed_answer, _added_paraphrase, _new_article, _removed_article):
            edit(sheet)

    diff = diff_after(knowledge_base, repository_kb, tmp_path, everything)
    assert diff.counts() == {
        "added": 1,
        "changed": 0,
        "removed": 1,
        "questions_added": 8,
        "questions_removed": len(knowledge_base.articles["qlvb.dang_nhap"].questions),
    }
    text = report.diff(diff, 4)
    live, training = text.split("Cần huấn luyện lại")
    assert "phiên bản 4" in live
    assert "• Thêm bài qlvb.in_phieu «In phiếu trình văn bản» (8 câu hỏi)" in training
    assert "• Xóa bài qlvb.dang_nhap" in training


def test_the_report_lists_changed_fields_and_paraphrases(
    knowledge_base: KnowledgeBase, repository_kb: Path, tmp_path: Path
) -> None:
    def both(sheet: Any) -> None:
        _changed_answer(sheet)
        _added_paraphrase(sheet)
        questions = cell(sheet, "qlvb.dang_nhap", "questions")
        questions.value = questions.value.split("\n", 1)[1]

    diff = diff_after(knowledge_base, repository_kb, tmp_path, both)
    removed = knowledge_base.articles["qlvb.dang_nhap"].questions[0]
    text = report.diff(diff, None)
    assert "so với kho đang dùng (bản gốc trong mã nguồn)" in text
    assert "«Câu hỏi», «Các bước»" in text
    assert f"+ {NEW_QUESTION}" in text
    assert f"− {removed}" in text
    assert "Cần huấn luyện lại" not in text
    assert "không cần huấn luyện lại" in text


def test_no_change_says_so(knowledge_base: KnowledgeBase) -> None:
    diff = compare(knowledge_base.articles, dict(knowledge_base.articles))
    assert diff.is_empty
    assert report.diff(diff, 2) == "Không có thay đổi nào so với kho đang dùng (phiên bản 2)."


@pytest.mark.parametrize(
    ("name", "needs_training"), [("abbreviations.yml", True), ("software.yml", False)]
)
def test_other_files_of_the_knowledge_base_are_compared_too(
    repository_kb: Path, root: Path, name: str, needs_training: bool
) -> None:
    with (repository_kb / name).open("a", encoding="utf-8") as file:
        file.write("\n# thêm một dòng ghi chú\n")
    diff = compare_folders(root / "knowledge_base", repository_kb)
    assert (diff.files, diff.needs_training) == ((name,), needs_training)
    assert f"Tệp {name} thay đổi" in report.diff(diff, 1)
