from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook

from bot.cli.main import main
from bot.kb import publishing
from bot.kb.loader import load
from tests.kb.workbooks import COLUMN, MALFORMED, NEW_ARTICLE, cell, edited, row_of

ARTICLE = Path("articles", "qlvb", "dang_nhap.yml")
NEW_NOTE = "Tài khoản bị khóa sau 5 lần nhập sai mật khẩu."


pytestmark = pytest.mark.usefixtures("retrain_requests")


def helpdesk(project: Path, state: Path, *args: str) -> int:
    return main(["--root", str(project), "kb", *args, "--state-dir", str(state)])


@pytest.fixture
def workbook(project: Path, state: Path, tmp_path: Path) -> Path:
    """The live knowledge base exported by the command."""
    assert helpdesk(project, state, "export", str(tmp_path / "kb.xlsx")) == 0
    return tmp_path / "kb.xlsx"


def _new_note(sheet: Any) -> None:
    cell(sheet, "qlvb.dang_nhap", "note").value = NEW_NOTE


def test_export_then_import_changes_nothing(
    project: Path, state: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workbook = tmp_path / "kb.xlsx"
    assert helpdesk(project, state, "export", str(workbook)) == 0
    assert "Đã xuất 47 bài viết ra tệp" in capsys.readouterr().out
    assert helpdesk(project, state, "import", str(workbook), "--apply") == 0
    assert capsys.readouterr().out.startswith("Không có thay đổi nào so với kho đang dùng")
    assert publishing.history(state) == []


def test_import_shows_the_diff_and_applies_only_when_asked(
    project: Path,
    state: Path,
    workbook: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    changed = edited(workbook, tmp_path / "sua.xlsx", _new_note)
    capsys.readouterr()
    assert helpdesk(project, state, "import", str(changed)) == 0
    out = capsys.readouterr().out
    assert "Sửa bài qlvb.dang_nhap" in out and "«Lưu ý»" in out
    assert "chạy lại lệnh với --apply" in out
    assert publishing.current_version(state) is None

    assert helpdesk(project, state, "import", str(changed), "--apply", "--author", "Lan") == 0
    assert "Đã cập nhật: phiên bản 2 đang được dùng." in capsys.readouterr().out
    live = publishing.live_dir(state, project / "knowledge_base")
    assert load(live).articles["qlvb.dang_nhap"].answer.note == NEW_NOTE
    [seeded, imported] = publishing.history(state)
    assert seeded.from_repository
    assert (imported.author, imported.source, imported.needs_training) == ("Lan", "sua.xlsx", False)
    assert imported.summary["changed"] == 1
    untouched = Path("articles", "qlvb", "quen_mat_khau.yml")
    assert (live / untouched).read_bytes() == (project / "knowledge_base" / untouched).read_bytes()


def test_a_new_article_is_published_and_said_to_need_training(
    project: Path,
    state: Path,
    workbook: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    retrain_requests: list[tuple[Path, Path, str | None]],
) -> None:
    added = edited(workbook, tmp_path / "them.xlsx", lambda sheet: sheet.append(NEW_ARTICLE))
    capsys.readouterr()
    assert helpdesk(project, state, "import", str(added), "--apply") == 0
    out = capsys.readouterr().out
    assert "Cần huấn luyện lại mô hình" in out and "Thêm bài qlvb.in_phieu" in out
    live = publishing.live_dir(state, project / "knowledge_base")
    written = yaml.safe_load((live / "articles" / "qlvb" / "in_phieu.yml").read_text("utf-8"))
    assert written["answer"]["steps"][1] == "Bấm **In phiếu trình**."
    assert publishing.history(state)[-1].needs_training
    assert [(s, r) for s, r, _ in retrain_requests] == [(state, project)]
    assert "helpdesk retrain status" in out


MISSING_COLUMN = (
    lambda sheet: sheet.delete_cols(COLUMN["questions"]),
    None,
    "Dòng 1, cột «Câu hỏi»: không tìm thấy cột này ở dòng tiêu đề",
)


@pytest.mark.parametrize(("edit", "row_id", "expected"), [*MALFORMED, MISSING_COLUMN])
def test_a_malformed_file_is_rejected_and_nothing_is_published(
    project: Path,
    state: Path,
    workbook: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    edit: Callable[[Any], None],
    row_id: str | None,
    expected: str,
) -> None:
    publishing.ensure_seeded(state, project / "knowledge_base")

    def broken(sheet: Any) -> None:
        _new_note(sheet)
        edit(sheet)

    path = edited(workbook, tmp_path / "hong.xlsx", broken)
    if row_id is not None:
        row = row_of(load_workbook(path).worksheets[0], row_id)
        expected = f"Dòng {row}, {expected}"
    capsys.readouterr()
    assert helpdesk(project, state, "import", str(path), "--apply") == 1
    captured = capsys.readouterr()
    assert captured.err.startswith(expected)
    assert "Tệp hong.xlsx có 1 lỗi, chưa có gì được cập nhật." in captured.err
    assert captured.out == ""
    assert publishing.current_version(state) == 1
    assert len(publishing.history(state)) == 1


def test_history_and_rollback_restore_the_old_answer_byte_for_byte(
    project: Path,
    state: Path,
    workbook: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    original = (project / "knowledge_base" / ARTICLE).read_bytes()
    changed = edited(workbook, tmp_path / "sua.xlsx", _new_note)
    assert helpdesk(project, state, "import", str(changed), "--apply", "--author", "Lan") == 0
    capsys.readouterr()

    assert helpdesk(project, state, "rollback", "1", "--author", "Minh") == 0
    out = capsys.readouterr().out
    assert "Sửa bài qlvb.dang_nhap" in out
    assert "phiên bản 3 (bản sao của phiên bản 1) đang được dùng" in out
    assert "helpdesk kb rollback 2" in out
    live = publishing.live_dir(state, project / "knowledge_base")
    assert (live / ARTICLE).read_bytes() == original

    assert helpdesk(project, state, "history") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("▶ Phiên bản 3 · ")
    assert lines[0].endswith("· Minh · khôi phục phiên bản 1 · thêm 0, sửa 1, xóa 0 bài")
    assert "· Lan · nhập từ tệp sua.xlsx · thêm 0, sửa 1, xóa 0 bài" in lines[1]
    assert "nạp từ mã nguồn · thêm 47, sửa 0, xóa 0 bài" in lines[2]

    assert helpdesk(project, state, "rollback", "3") == 0
    assert "không cần khôi phục" in capsys.readouterr().out
    assert publishing.current_version(state) == 3


@pytest.mark.parametrize(
    ("version", "message"),
    [
        ("9", "Không có phiên bản 9. Anh/chị xem các phiên bản hiện có bằng: helpdesk kb history"),
        ("ba", "«ba» không phải số phiên bản (ví dụ: 3)."),
    ],
)
def test_rollback_to_an_unknown_version_is_refused(
    project: Path, state: Path, version: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    publishing.ensure_seeded(state, project / "knowledge_base")
    assert helpdesk(project, state, "rollback", version) == 1
    assert capsys.readouterr().err.strip() == message
    assert publishing.current_version(state) == 1


def test_history_before_anything_is_published(
    project: Path, state: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert helpdesk(project, state, "history") == 0
    assert "Chưa có phiên bản nào được đăng" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("kb.csv", "Tên tệp xuất phải có đuôi .xlsx"),
        ("khong_co/kb.xlsx", "thư mục chứa tệp không tồn tại"),
    ],
)
def test_export_to_a_place_it_cannot_write_says_why(
    project: Path,
    state: Path,
    tmp_path: Path,
    name: str,
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert helpdesk(project, state, "export", str(tmp_path / name)) == 1
    assert message in capsys.readouterr().err


def test_export_reads_the_live_version(
    project: Path,
    state: Path,
    workbook: Path,
    tmp_path: Path,
) -> None:
    changed = edited(workbook, tmp_path / "sua.xlsx", _new_note)
    assert helpdesk(project, state, "import", str(changed), "--apply") == 0
    assert helpdesk(project, state, "export", str(tmp_path / "live.xlsx")) == 0
    sheet = load_workbook(tmp_path / "live.xlsx").worksheets[0]
    assert cell(sheet, "qlvb.dang_nhap", "note").value == NEW_NOTE
