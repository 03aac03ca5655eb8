from datetime import datetime, timezone

import pytest
import yaml

from bot.escalation.client import Note, Ticket
from bot.notify.messages import (
    queued_notice,
    reply_notice,
    status_name,
    status_notice,
)
from bot.texts import texts

STATUSES = ["new", "in_progress", "waiting_official", "resolved", "closed"]
NOW = datetime(2026, 11, 22, 7, 5, tzinfo=timezone.utc)


def ticket(summary: str = "Không đăng nhập được phần mềm quản lý văn bản") -> Ticket:
    return Ticket("HT-000123", "new", NOW, NOW, summary=summary, requester_channel="local")


def test_a_reply_names_the_ticket_and_carries_the_text() -> None:
    note = Note(1, "Cán bộ A", "Anh/chị thử đặt lại mật khẩu nhé.", NOW)
    message = reply_notice(ticket(), note)
    assert message.text == (
        "Cán bộ hỗ trợ đã trả lời phiếu HT-000123 "
        "(Không đăng nhập được phần mềm quản lý văn bản): Anh/chị thử đặt lại mật khẩu nhé."
    )


def test_a_long_summary_is_shortened_in_notices() -> None:
    note = Note(1, "Cán bộ A", "Đã xử lý.", NOW)
    text = reply_notice(ticket("Lỗi " * 100), note).text
    assert "…" in text and len(text) < 150


@pytest.mark.parametrize(
    ("status", "name"),
    [
        ("new", "Mới"),
        ("in_progress", "Đang xử lý"),
        ("waiting_official", "Chờ anh/chị phản hồi"),
        ("resolved", "Đã giải quyết"),
        ("closed", "Đã đóng"),
    ],
)
def test_every_status_of_the_contract_reads_in_vietnamese(status: str, name: str) -> None:
    text = status_notice(ticket(), status).text
    assert "HT-000123" in text
    assert name in text
    assert status not in text


def test_waiting_for_the_official_says_how_to_answer() -> None:
    assert "nhắn lại" in status_notice(ticket(), "waiting_official").text


def test_status_names_read_in_vietnamese_and_unknown_ones_as_given() -> None:
    assert status_name("in_progress") == "Đang xử lý"
    assert status_name("pending") == "Đang chờ gửi đến hệ thống"
    assert status_name("unknown") == "unknown"


def test_a_status_the_texts_do_not_know_is_still_told() -> None:
    assert "escalated" in status_notice(ticket(), "escalated").text


def test_the_queued_notice_gives_the_ticket_and_its_deadline_in_vietnam_time() -> None:
    text = queued_notice("CHO-000007", ticket()).text
    assert "CHO-000007" in text
    assert "HT-000123" in text
    assert "14:05 22/11/2026" in text


def test_the_texts_cover_the_contract(root) -> None:  # type: ignore[no-untyped-def]
    contract = yaml.safe_load((root / "docs" / "desk-api.yaml").read_text(encoding="utf-8"))
    statuses = contract["components"]["schemas"]["Status"]["enum"]
    assert statuses == STATUSES
    notices = texts("bot.notify")
    assert set(statuses) <= set(notices.section("status"))
    assert set(statuses) <= set(notices.labels("status_names"))
