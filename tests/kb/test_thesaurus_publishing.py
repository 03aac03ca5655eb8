"""A thesaurus change: shown in the diff as waiting for training, published, rolled back."""

from pathlib import Path
from typing import Any

import pytest

from bot.cli.main import main
from bot.kb import folder, proposal, publishing, report
from bot.kb.diff import TermChange, compare_folders
from bot.kb.loader import load
from bot.kb.thesaurus import FILE, leading_comments
from tests.kb.workbooks import edited_terms, exported, synonyms, term_row

NEW_SYNONYM = "mã pin"


def _new_synonym(sheet: Any) -> None:
    synonyms(sheet, "mật khẩu").value += "\n" + NEW_SYNONYM


def _new_term(sheet: Any) -> None:
    sheet.append(["biểu mẫu", "mẫu đơn\ntờ khai"])


def _removed_term(sheet: Any) -> None:
    sheet.delete_rows(term_row(sheet, "đăng xuất"))


def helpdesk(project: Path, state: Path, *args: str) -> int:
    return main(["--root", str(project), "kb", *args, "--state-dir", str(state)])


def test_a_new_synonym_is_listed_as_taking_effect_at_the_next_training(
    state: Path, repository_kb: Path, tmp_path: Path
) -> None:
    source = exported(repository_kb, tmp_path / "kb.xlsx")
    found = proposal.propose(
        edited_terms(source, tmp_path / "new.xlsx", _new_synonym), state, repository_kb
    )
    assert found.problems == []
    assert found.diff.thesaurus == (TermChange("mật khẩu", "changed", (NEW_SYNONYM,), ()),)
    assert (found.diff.added, found.diff.changed, found.diff.removed) == ((), (), ())
    assert found.diff.needs_training
    text = report.diff(found.diff, None)
    training = text.split("Cần huấn luyện lại mô hình hiểu câu hỏi mới có hiệu lực:")[1]
    assert "• Sửa từ đồng nghĩa của thuật ngữ «mật khẩu»:\n      + mã pin" in training
    assert "thay đổi về từ đồng nghĩa chỉ có tác dụng" in training
    assert "Từ đồng nghĩa: thêm 0 thuật ngữ, sửa 1 thuật ngữ, bỏ 0 thuật ngữ." in text


def test_added_and_removed_terms_are_listed_with_their_synonyms(
    state: Path, repository_kb: Path, tmp_path: Path
) -> None:
    def both(sheet: Any) -> None:
        _new_term(sheet)
        _removed_term(sheet)

    source = exported(repository_kb, tmp_path / "kb.xlsx")
    found = proposal.propose(
        edited_terms(source, tmp_path / "new.xlsx", both), state, repository_kb
    )
    removed = load(repository_kb).thesaurus["đăng xuất"]
    assert found.diff.thesaurus == (
        TermChange("biểu mẫu", "added", ("mẫu đơn", "tờ khai"), ()),
        TermChange("đăng xuất", "removed", (), removed),
    )
    text = report.diff(found.diff, None)
    assert "• Thêm thuật ngữ «biểu mẫu» với các từ đồng nghĩa: mẫu đơn, tờ khai" in text
    assert f"• Bỏ thuật ngữ «đăng xuất» cùng các từ đồng nghĩa: {', '.join(removed)}" in text


def test_a_new_synonym_is_published_into_the_new_version_and_retraining_starts(
    project: Path,
    state: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    retrain_requests: list[tuple[Path, Path, str | None]],
) -> None:
    repository_kb = project / "knowledge_base"
    source = exported(repository_kb, tmp_path / "kb.xlsx")
    changed = edited_terms(source, tmp_path / "sua.xlsx", _new_synonym)
    assert helpdesk(project, state, "import", str(changed), "--apply", "--author", "Lan") == 0
    out = capsys.readouterr().out
    assert "+ mã pin" in out and "Đã cập nhật: phiên bản 2 đang được dùng." in out
    live = publishing.live_dir(state, repository_kb)
    assert load(live).thesaurus["mật khẩu"][-1] == NEW_SYNONYM
    written = (live / FILE).read_text(encoding="utf-8")
    original = (repository_kb / FILE).read_text(encoding="utf-8")
    assert leading_comments(written) == leading_comments(original) != ""
    assert publishing.history(state)[-1].needs_training
    assert [(s, r) for s, r, _ in retrain_requests] == [(state, project)]
    assert "helpdesk retrain status" in out
    untouched = Path("articles", "qlvb", "dang_nhap.yml")
    assert (live / untouched).read_bytes() == (repository_kb / untouched).read_bytes()

    assert helpdesk(project, state, "history") == 0
    latest = capsys.readouterr().out.splitlines()[0]
    assert latest.endswith(
        "· Lan · nhập từ tệp sua.xlsx · thêm 0, sửa 0, xóa 0 bài; "
        "từ đồng nghĩa: thêm 0, sửa 1, bỏ 0 thuật ngữ"
    )


def test_rollback_restores_the_old_thesaurus_byte_for_byte(
    project: Path,
    state: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    retrain_requests: list[tuple[Path, Path, str | None]],
) -> None:
    repository_kb = project / "knowledge_base"
    original = (repository_kb / FILE).read_bytes()
    source = exported(repository_kb, tmp_path / "kb.xlsx")
    changed = edited_terms(source, tmp_path / "sua.xlsx", _new_synonym)
    assert helpdesk(project, state, "import", str(changed), "--apply") == 0
    capsys.readouterr()

    assert helpdesk(project, state, "rollback", "1", "--author", "Minh") == 0
    out = capsys.readouterr().out
    assert "− mã pin" in out
    live = publishing.live_dir(state, repository_kb)
    assert (live / FILE).read_bytes() == original
    assert folder.fingerprint(live) == folder.fingerprint(repository_kb)
    assert publishing.history(state)[-1].needs_training
    assert len(retrain_requests) == 2  # the import's and the rollback's


def test_every_version_holds_the_thesaurus_and_its_fingerprint_counts_it(
    state: Path, repository_kb: Path
) -> None:
    assert Path(FILE) in folder.files(repository_kb)
    live = publishing.ensure_seeded(state, repository_kb)
    assert (live / FILE).read_bytes() == (repository_kb / FILE).read_bytes()
    before = folder.fingerprint(repository_kb)
    with (repository_kb / FILE).open("a", encoding="utf-8") as file:
        file.write("biểu mẫu: [mẫu đơn]\n")
    assert folder.fingerprint(repository_kb) != before
    assert publishing.ensure_seeded(state, repository_kb).name == "0002"
    assert publishing.history(state)[-1].needs_training


def test_a_comment_only_change_is_a_file_change_that_needs_training(
    repository_kb: Path, root: Path
) -> None:
    with (repository_kb / FILE).open("a", encoding="utf-8") as file:
        file.write("# thêm một dòng ghi chú\n")
    diff = compare_folders(root / "knowledge_base", repository_kb)
    assert (diff.thesaurus, diff.files, diff.needs_training) == ((), (FILE,), True)
