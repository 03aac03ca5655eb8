"""New tickets posted to the staff group: the real desk's feed to the fake Bot API, over HTTP."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from telegram.ext import ExtBot

from bot.channels.telegram.channel import telegram_bot
from bot.channels.telegram.staff.board import TelegramStaffBoard
from bot.display import vietnam_time
from bot.escalation.client import DeskClient, Ticket
from bot.escalation.outbox import Outbox
from bot.escalation.ratings import rate_ticket
from bot.escalation.staff_aids import Offered
from bot.messages import LOCAL, Notifier
from bot.notify.feed import FeedCursor, FeedWatcher
from bot.notify.queued import queued_ticket_notify
from bot.notify.software_labels import software_labels
from bot.notify.staff_feed import STAFF_FEED, StaffFeedWatcher
from bot.notify.worker import NotifierWorker
from tests.channels.telegram.fakes import TOKEN, FakeTelegram, fast_limiter
from tests.channels.telegram.staff.fakes import (
    OFFICIAL_CHAT,
    PHONE,
    PUBLIC_URL,
    STAFF_CHAT,
    STAFF_TOKEN,
    desk_client,
    open_ticket,
    read_ticket,
    said,
)
from tests.escalation.fake_desk import FakeDesk, payload
from tests.notify.conftest import Recorder
from tests.support.desk_server import DeskServer


@pytest.fixture
async def bot(telegram_url: str) -> AsyncIterator[ExtBot[int]]:
    """The notifier's bot on the fake Bot API."""
    async with telegram_bot(TOKEN, telegram_url, fast_limiter()) as bot:
        yield bot


def watcher(
    url: str, bot: ExtBot[int], engine: Engine, root: Path, **options: object
) -> StaffFeedWatcher:
    board = TelegramStaffBoard(
        bot, STAFF_CHAT, PUBLIC_URL, software_labels(root / "knowledge_base")
    )
    return StaffFeedWatcher(desk_client(url), board, engine, **options)  # type: ignore[arg-type]


async def test_a_new_ticket_is_posted_once_with_its_link_and_no_phone_number(
    desk_server: DeskServer,
    bot: ExtBot[int],
    engine: Engine,
    root: Path,
    fake_telegram: FakeTelegram,
) -> None:
    code = await open_ticket(desk_server.url)
    ticket = await read_ticket(desk_server.url, code)
    staff = watcher(desk_server.url, bot, engine, root)

    first = await staff.poll_once()
    again = await staff.poll_once()

    [post] = said(fake_telegram)
    assert post.startswith(f"🆕 Phiếu mới {code}\n")
    for shown in (
        "Trích yếu: Không ký số được văn bản đi (1)",
        "Đơn vị: UBND xã Quảng Phú",
        "Phần mềm: Chữ ký số",
        "Độ khẩn: Khẩn",
        f"Hạn xử lý: {vietnam_time(ticket.deadline)}",
        f"Xem chi tiết: {PUBLIC_URL}/desk/tickets/{code}",
    ):
        assert shown in post.splitlines()
    assert PHONE not in post
    [sent] = fake_telegram.of("sendMessage")
    assert sent["reply_markup"] == {
        "inline_keyboard": [[{"text": "Nhận xử lý", "callback_data": f"staff:claim:{code}"}]]
    }
    assert (first.seen, first.sent, first.stopped) == (1, 1, None)
    assert (again.seen, again.sent) == (0, 0)
    assert FeedCursor(engine, STAFF_FEED).read() == 1
    assert FeedCursor(engine).read() == 0  # the officials' cursor is another


async def test_a_phone_number_typed_into_the_summary_is_hidden(
    bot: ExtBot[int], fake_telegram: FakeTelegram
) -> None:
    board = TelegramStaffBoard(bot, STAFF_CHAT, PUBLIC_URL, {})
    moment = datetime(2026, 11, 22, 7, 5, tzinfo=timezone.utc)
    ticket = Ticket("HT-000009", "new", moment, moment, summary="Gọi lại 0912 345 678", unit="Xã A")

    await board.post(ticket)

    [post] = said(fake_telegram)
    assert "0912 345 678" not in post
    assert "Trích yếu: Gọi lại [số điện thoại đã ẩn]" in post
    assert "Hạn xử lý: 14:05 22/11/2026" in post


async def test_only_open_tickets_are_posted_and_other_changes_are_passed_over(
    desk_server: DeskServer,
    bot: ExtBot[int],
    sqlite_engine: Engine,
    root: Path,
    fake_telegram: FakeTelegram,
) -> None:
    done = await open_ticket(desk_server.url, 1)
    waiting = await open_ticket(desk_server.url, 2)
    staff = desk_client(desk_server.url, STAFF_TOKEN)
    await staff.add_reply(waiting, "Cán bộ B", "Anh/chị chờ em một chút")
    await staff.change_status(done, "resolved", "Cán bộ B")
    await staff.aclose()

    report = await watcher(desk_server.url, bot, sqlite_engine, root).poll_once()

    assert [post.splitlines()[0] for post in said(fake_telegram)] == [f"🆕 Phiếu mới {waiting}"]
    assert (report.seen, report.sent, report.skipped) == (4, 1, 1)


async def test_a_post_telegram_refused_is_tried_again_next_pass(
    desk_server: DeskServer,
    bot: ExtBot[int],
    sqlite_engine: Engine,
    root: Path,
    fake_telegram: FakeTelegram,
) -> None:
    code = await open_ticket(desk_server.url)
    staff = watcher(desk_server.url, bot, sqlite_engine, root)
    fake_telegram.failing_sends = 1

    failed = await staff.poll_once()
    retried = await staff.poll_once()

    assert (failed.sent, failed.failed, failed.stopped) == (0, 1, None)
    assert (retried.sent, retried.stopped) == (1, None)
    # The fake records the refused attempt too: the same post, sent again.
    assert [post.splitlines()[0] for post in said(fake_telegram)] == [f"🆕 Phiếu mới {code}"] * 2
    assert FeedCursor(sqlite_engine, STAFF_FEED).read() == 1


async def test_the_desk_being_down_ends_the_pass_quietly(
    desk_server: DeskServer,
    bot: ExtBot[int],
    sqlite_engine: Engine,
    root: Path,
    fake_telegram: FakeTelegram,
) -> None:
    await open_ticket(desk_server.url)
    desk_server.stop()

    report = await watcher(desk_server.url, bot, sqlite_engine, root).poll_once()

    assert (report.sent, report.stopped) == (0, "DeskUnavailable")
    assert fake_telegram.of("sendMessage") == []
    assert FeedCursor(sqlite_engine, STAFF_FEED).read() == 0


async def test_the_first_pass_leaves_an_old_backlog_out_but_not_what_comes_later(
    desk_server: DeskServer,
    bot: ExtBot[int],
    sqlite_engine: Engine,
    root: Path,
    fake_telegram: FakeTelegram,
) -> None:
    await open_ticket(desk_server.url, 1)

    def two_days_on() -> datetime:
        return datetime.now(timezone.utc) + timedelta(days=2)

    staff = watcher(desk_server.url, bot, sqlite_engine, root, clock=two_days_on)
    first = await staff.poll_once()
    later = await open_ticket(desk_server.url, 2)
    second = await staff.poll_once()

    assert (first.seen, first.sent) == (1, 0)
    assert (second.seen, second.sent) == (1, 1)
    assert [post.splitlines()[0] for post in said(fake_telegram)] == [f"🆕 Phiếu mới {later}"]


async def test_a_failing_staff_pass_is_logged_and_officials_are_still_told(
    desk: FakeDesk, client: DeskClient, sqlite_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    class Broken:
        async def post(self, ticket: Ticket, suggested: Sequence[Offered] = ()) -> None:
            raise RuntimeError("Telegram said no to 0912345678")

        async def notice_held(self, ticket_code: str, channel: str, state: str) -> None:
            raise RuntimeError("Telegram said no")

        async def low_rating(self, ticket: Ticket, score: int) -> None:
            raise RuntimeError("Telegram said no")

        async def official_wrote(self, ticket_code: str, text: str) -> None:
            raise RuntimeError("Telegram said no")

    an_hour_on = datetime(2025, 3, 4, 9, tzinfo=timezone.utc)
    local = Recorder()
    body = payload(1)
    body["requester"] = {"channel": LOCAL, "user_id": "web-0123456789abcdef"}
    code = (await client.create_ticket(body, "escalation-0001")).code
    desk.reply(code, "Anh/chị thử lại nhé.")
    notifier = Notifier({LOCAL: local})
    worker = NotifierWorker(
        Outbox(sqlite_engine),
        client,
        FeedWatcher(client, notifier, sqlite_engine),
        queued_ticket_notify(notifier),
        # The fake desk's tickets are from March 2025: an hour later, they are news.
        staff=StaffFeedWatcher(client, Broken(), sqlite_engine, clock=lambda: an_hour_on),
    )

    with caplog.at_level(logging.WARNING):
        await worker.tick()

    assert local.texts[0].endswith(": Anh/chị thử lại nhé.")
    assert f"ticket {code}: staff post not sent (RuntimeError), attempt 1" in caplog.text
    assert "0912345678" not in caplog.text
    assert FeedCursor(sqlite_engine, STAFF_FEED).read() == 0


async def test_an_officials_low_rating_is_said_in_the_group_once(
    desk_server: DeskServer,
    bot: ExtBot[int],
    sqlite_engine: Engine,
    root: Path,
    fake_telegram: FakeTelegram,
) -> None:
    low, high = await open_ticket(desk_server.url, 1), await open_ticket(desk_server.url, 2)
    staff = desk_client(desk_server.url, STAFF_TOKEN)
    for code in (low, high):
        await staff.change_status(code, "resolved", "Cán bộ B")
    await staff.aclose()
    assistant = desk_client(desk_server.url)
    official = ("telegram", f"telegram-{OFFICIAL_CHAT}")
    assert (await rate_ticket(assistant, low, official, 1)).low_rating_action == "alert"
    await rate_ticket(assistant, high, official, 5)
    await assistant.aclose()
    posting = watcher(desk_server.url, bot, sqlite_engine, root)

    await posting.poll_once()
    await posting.poll_once()

    [alert] = said(fake_telegram)
    assert alert.startswith(f"⭐ Phiếu {low} (Không ký số được văn bản đi (1))")
    assert "1/5 sao" in alert and f"{PUBLIC_URL}/desk/tickets/{low}" in alert
    assert PHONE not in alert
