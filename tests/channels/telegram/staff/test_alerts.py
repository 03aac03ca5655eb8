"""Escalation alerts as the group and the supervisors read them, over the fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from telegram.ext import ExtBot

from bot.channels.telegram.channel import telegram_bot
from bot.channels.telegram.staff.alerts import TelegramAlerts
from bot.channels.telegram.staff.posts import StaffPosts
from bot.escalation.client import Ticket
from bot.notify.escalation_rules import GROUP, OVERDUE, UNANSWERED, Alert, supervisor_recipient
from bot.office_hours.loading import Escalation, Supervisor
from bot.store.database import make_engine
from tests.channels.telegram.fakes import TOKEN, FakeTelegram, fast_limiter
from tests.channels.telegram.staff.fakes import PUBLIC_URL, STAFF_CHAT, said
from tests.support.databases import migrated_sqlite

MOMENT = datetime(2026, 12, 7, 8, 0, tzinfo=timezone.utc)  # 15:00 in Vietnam
TICKET = Ticket(
    "HT-000042",
    "in_progress",
    MOMENT,
    MOMENT,
    summary="Gọi lại 0912 345 678 giúp em",
    unit="UBND xã Quảng Phú",
    created_at=MOMENT - timedelta(days=1),
)
BINH = Supervisor("Trần Thị Bình", 7030405)
ESCALATION = Escalation(timedelta(hours=2.5), (BINH,))


@pytest.fixture
async def bot(telegram_url: str) -> AsyncIterator[ExtBot[int]]:
    async with telegram_bot(TOKEN, telegram_url, fast_limiter()) as bot:
        yield bot


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(migrated_sqlite(tmp_path / "helpdesk.db"))
    yield engine
    engine.dispose()


async def test_the_first_alert_answers_the_tickets_post_and_hides_phone_numbers(
    bot: ExtBot[int], store: Engine, fake_telegram: FakeTelegram
) -> None:
    StaffPosts(store).remember(TICKET.code, STAFF_CHAT, 77)
    alerts = TelegramAlerts(bot, STAFF_CHAT, PUBLIC_URL, ESCALATION, StaffPosts(store))

    await alerts.alert(Alert(TICKET, UNANSWERED, GROUP))

    [text] = said(fake_telegram)
    assert text.splitlines() == [
        "⏰ Phiếu HT-000042 chưa có ý kiến xử lý sau 2,5 giờ làm việc.",
        "Trích yếu: Gọi lại [số điện thoại đã ẩn] giúp em",
        "Đơn vị: UBND xã Quảng Phú",
        "Hạn xử lý: 15:00 07/12/2026",
        f"Xem chi tiết: {PUBLIC_URL}/desk/tickets/HT-000042",
        "",
        "Đề nghị anh/chị nhận xử lý và trả lời người hỏi.",
    ]
    [sent] = fake_telegram.of("sendMessage")
    assert sent["reply_parameters"]["message_id"] == 77


async def test_the_supervisor_is_written_to_privately_by_name(
    bot: ExtBot[int], fake_telegram: FakeTelegram
) -> None:
    alerts = TelegramAlerts(bot, STAFF_CHAT, PUBLIC_URL, ESCALATION)
    recipient = supervisor_recipient(BINH.telegram_id)

    await alerts.alert(Alert(TICKET, OVERDUE, recipient, BINH.telegram_id, BINH.name))

    assert said(fake_telegram, STAFF_CHAT) == []
    [text] = said(fake_telegram, BINH.telegram_id)
    assert text.startswith(
        "🔴 Kính gửi Trần Thị Bình: phiếu HT-000042 đã quá hạn xử lý (15:00 07/12/2026) "
        "mà chưa giải quyết xong, hiện ở trạng thái đang xử lý."
    )
    assert "0912 345 678" not in text


async def test_without_supervisors_the_overdue_alert_names_none(
    bot: ExtBot[int], fake_telegram: FakeTelegram
) -> None:
    alone = TelegramAlerts(bot, STAFF_CHAT, PUBLIC_URL, Escalation(timedelta(hours=4), ()))
    await alone.alert(Alert(TICKET, OVERDUE, GROUP))
    [text] = said(fake_telegram)
    assert text.startswith("🔴 Phiếu HT-000042 đã quá hạn xử lý (15:00 07/12/2026)")
    assert "giám sát" not in text
