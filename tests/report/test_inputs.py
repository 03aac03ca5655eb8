"""What the trainer gives `helpdesk report`, right or wrong: a clear Vietnamese answer each time."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.cli.main import main
from bot.report.databases import tracker_url
from bot.store.database import migrate
from tests.report import scenario
from tests.report.conversations import save
from tests.report.page import read


def _run(root: Path, out: Path, *options: str) -> int:
    return main(["--root", str(root), "report", "--out", str(out), *options])


def test_an_empty_database_gives_a_report_saying_there_is_no_data_yet(
    root: Path, tmp_path: Path
) -> None:
    tracker = f"sqlite:///{tmp_path / 'rasa_tracker.db'}"
    save(tracker, root / "domain.yml", [])  # Rasa has made its table, no one has written yet
    store = f"sqlite:///{tmp_path / 'helpdesk.db'}"
    migrate(store)
    out, sheet = tmp_path / "report.html", tmp_path / "unanswered.csv"
    options = ["--tracker-db", tracker, "--database-url", store, "--unanswered-csv", str(sheet)]
    assert _run(root, out, *options) == 0
    page = read(out.read_text(encoding="utf-8"))
    assert "Chưa có dữ liệu hội thoại nào trong khoảng thời gian này." in page.text
    assert "Chưa có lượt đánh giá nào trong khoảng thời gian này." in page.text
    assert not page.find("svg")
    assert sheet.read_bytes() == b"\xef\xbb\xbfid,software,title,questions,intro,steps,note\r\n"


def test_the_period_can_be_chosen(
    root: Path, tmp_path: Path, tracker_url: str, store_url: str, day: date
) -> None:
    """Only the third day back: the two Excel questions, and none of today's votes."""
    third = scenario.ago(day, 3)
    out, sheet = tmp_path / "report.html", tmp_path / "unanswered.csv"
    options = ["--tracker-db", tracker_url, "--database-url", store_url]
    options += ["--since", third.strftime("%d/%m/%Y"), "--until", third.isoformat()]
    assert _run(root, out, *options, "--unanswered-csv", str(sheet)) == 0
    page = read(out.read_text(encoding="utf-8"))
    assert page.one("p", id="total-questions").text == "Tổng số câu hỏi: 2"
    assert page.one("tr", data_outcome="fallen_back").children[1].text == "2"
    assert [r.attributes["data-day"] for r in page.find("tr") if "data-day" in r.attributes] == [
        third.isoformat()
    ]
    assert "Chưa có lượt đánh giá nào trong khoảng thời gian này." in page.text
    rows = list(csv.reader(io.StringIO(sheet.read_text(encoding="utf-8-sig"), newline="")))
    assert rows[1:] == [["", "", "", scenario.EXCEL, "", "", ""]]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--since", "31/02/2025"], "Ngày «31/02/2025» không hợp lệ."),
        (["--until", "hôm qua"], "Ngày «hôm qua» không hợp lệ."),
        (
            ["--since", "2025-03-10", "--until", "2025-03-01"],
            "Ngày bắt đầu (10/03/2025) đứng sau ngày kết thúc (01/03/2025).",
        ),
    ],
)
def test_a_bad_date_is_named(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], options: list[str], message: str
) -> None:
    assert _run(root, tmp_path / "report.html", *options) == 2
    printed = capsys.readouterr()
    assert message in printed.err
    assert "Traceback" not in printed.err
    assert not (tmp_path / "report.html").exists()


def test_a_missing_conversation_database_is_named_not_created(
    root: Path, tmp_path: Path, store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "khong-co" / "rasa_tracker.db"
    options = ["--tracker-db", str(missing), "--database-url", store_url]
    assert _run(root, tmp_path / "report.html", *options) == 1
    assert f"Không tìm thấy cơ sở dữ liệu hội thoại tại {missing}." in capsys.readouterr().err
    assert not missing.exists()


def test_the_conversation_database_is_the_one_helpdesk_run_uses_unless_told(
    tmp_path: Path,
    store_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """var/rasa_tracker.db under --root, or the file RASA_TRACKER_DB names, as `helpdesk run`."""
    project = tmp_path / "project"
    (project / "knowledge_base").mkdir(parents=True)
    assert _run(project, tmp_path / "r.html", "--database-url", store_url) == 1
    assert str(project / "var" / "rasa_tracker.db") in capsys.readouterr().err
    monkeypatch.setenv("RASA_TRACKER_DB", str(tmp_path / "state" / "rasa_tracker.db"))
    assert _run(project, tmp_path / "r.html", "--database-url", store_url) == 1
    assert str(tmp_path / "state" / "rasa_tracker.db") in capsys.readouterr().err


def test_on_postgresql_the_conversations_are_read_from_the_store_s_database(
    tmp_path: Path,
) -> None:
    postgres = "postgresql://helpdesk:bi-mat@db.local:5432/helpdesk"
    environ = {"HELPDESK_DATABASE_URL": postgres, "RASA_TRACKER_DB": "/var/khac.db"}
    assert tracker_url(None, environ, tmp_path) == postgres
    assert tracker_url("sqlite:///chi-dinh.db", environ, tmp_path) == "sqlite:///chi-dinh.db"
    on_sqlite = {
        "HELPDESK_DATABASE_URL": "sqlite:///var/helpdesk.db",
        "RASA_TRACKER_DB": "/var/t.db",
    }
    assert tracker_url(None, on_sqlite, tmp_path) == "sqlite:////var/t.db"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "mongodb://127.0.0.1/rasa",
            "Địa chỉ cơ sở dữ liệu hội thoại «mongodb://127.0.0.1/rasa» không hợp lệ.",
        ),
        (
            "postgresql://rasa:mat-khau@127.0.0.1:1/rasa",
            "Không đọc được cơ sở dữ liệu hội thoại (postgresql://rasa:***@127.0.0.1:1/rasa).",
        ),
    ],
)
def test_an_unusable_database_address_is_named_without_its_password(
    root: Path,
    tmp_path: Path,
    store_url: str,
    capsys: pytest.CaptureFixture[str],
    url: str,
    message: str,
) -> None:
    assert (
        _run(root, tmp_path / "report.html", "--tracker-db", url, "--database-url", store_url) == 1
    )
    printed = capsys.readouterr().err
    assert message in printed
    assert "mat-khau" not in printed and "Traceback" not in printed


def test_a_conversation_database_of_another_shape_is_named(
    root: Path, tmp_path: Path, store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    odd = tmp_path / "odd.db"
    engine = create_engine(f"sqlite:///{odd}", future=True)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, other TEXT)"))
    engine.dispose()
    assert (
        _run(root, tmp_path / "r.html", "--tracker-db", str(odd), "--database-url", store_url) == 1
    )
    assert "Không đọc được cơ sở dữ liệu hội thoại (sqlite:///" in capsys.readouterr().err


def test_a_missing_knowledge_base_folder_is_named(
    root: Path, tmp_path: Path, tracker_url: str, store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    options = ["--tracker-db", tracker_url, "--database-url", store_url]
    assert _run(root, tmp_path / "r.html", *options, "--kb-dir", str(tmp_path / "kb")) == 1
    assert f"Không tìm thấy thư mục cơ sở tri thức {tmp_path / 'kb'}." in capsys.readouterr().err


def test_a_report_that_cannot_be_written_is_named(
    root: Path, tmp_path: Path, tracker_url: str, store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    options = ["--tracker-db", tracker_url, "--database-url", store_url]
    assert _run(root, tmp_path, *options) == 1  # a folder, not a file
    assert f"Không ghi được tệp {tmp_path}." in capsys.readouterr().err


def test_titles_come_from_the_published_knowledge_base_when_there_is_one(
    root: Path, tmp_path: Path, tracker_url: str, store_url: str
) -> None:
    """var/kb/current, where trainers publish, wins over the project's knowledge_base/."""
    project = tmp_path / "project"
    published = project / "var" / "kb" / "current"
    (published / "articles" / "qlvb").mkdir(parents=True)
    (published / "software.yml").write_text(
        'qlvb:\n  name: "QLVB"\n  label: "Văn bản điều hành"\n', encoding="utf-8"
    )
    out = tmp_path / "r.html"
    options = ["--tracker-db", tracker_url, "--database-url", store_url]
    assert main(["--root", str(project), "report", "--out", str(out), *options]) == 0
    page = read(out.read_text(encoding="utf-8"))
    assert page.one("tr", data_software="Văn bản điều hành").children[1].text == "2"
    assert page.one("tr", data_article="qlvb.quen_mat_khau").children[0].text == (
        "Bài «qlvb.quen_mat_khau» không còn trong cơ sở tri thức"
    )
