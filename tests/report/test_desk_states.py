"""The ticket section when the document system cannot give its figures: the rest still comes."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.assistant.processes import free_port
from bot.cli.main import main
from tests.report.page import Element, read
from tests.support.desk_server import ASSISTANT, DeskServer


def _report(root: Path, tmp_path: Path, tracker_url: str, store_url: str) -> Element:
    out = tmp_path / "report.html"
    options = ["--tracker-db", tracker_url, "--database-url", store_url]
    assert main(["--root", str(root), "report", "--out", str(out), *options]) == 0
    page = read(out.read_text(encoding="utf-8"))
    assert page.one("p", id="total-questions").text == "Tổng số câu hỏi: 9"
    return page.one("section", id="tickets")


def test_no_desk_configured(root: Path, tmp_path: Path, tracker_url: str, store_url: str) -> None:
    section = _report(root, tmp_path, tracker_url, store_url)
    assert section.one("p", class_="notice").text == (
        "Chưa lấy được số liệu phiếu hỗ trợ vì chưa cấu hình kết nối đến hệ thống quản lý văn bản "
        "(cần đặt HELPDESK_DESK_URL và HELPDESK_DESK_TOKEN)."
    )


def test_the_desk_is_down(
    root: Path, tmp_path: Path, tracker_url: str, store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    monkeypatch.setenv("HELPDESK_DESK_URL", url)
    monkeypatch.setenv("HELPDESK_DESK_TOKEN", "assistant-token-0123456789")
    section = _report(root, tmp_path, tracker_url, store_url)
    assert section.one("p", class_="notice").text == (
        f"Chưa lấy được số liệu phiếu hỗ trợ vì hệ thống quản lý văn bản tại {url} đang không "
        "phản hồi. Anh/chị vui lòng lập lại báo cáo sau."
    )


def test_the_desk_refuses_the_token(
    root: Path,
    tmp_path: Path,
    tracker_url: str,
    store_url: str,
    desk_server: DeskServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HELPDESK_DESK_URL", desk_server.url)
    monkeypatch.setenv("HELPDESK_DESK_TOKEN", "not-a-token-of-this-desk")
    section = _report(root, tmp_path, tracker_url, store_url)
    assert "từ chối mã truy cập (HELPDESK_DESK_TOKEN)" in section.one("p", class_="notice").text
    assert "not-a-token-of-this-desk" not in section.text


def test_a_desk_without_tickets_says_so(
    root: Path,
    tmp_path: Path,
    tracker_url: str,
    store_url: str,
    desk_server: DeskServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HELPDESK_DESK_URL", desk_server.url)
    monkeypatch.setenv("HELPDESK_DESK_TOKEN", ASSISTANT)
    section = _report(root, tmp_path, tracker_url, store_url)
    assert "Chưa có phiếu hỗ trợ nào được mở trong khoảng thời gian này." in section.text
