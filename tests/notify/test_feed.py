import logging
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine

from bot.escalation.client import DeskClient, DeskError
from bot.escalation.retry import RetryPolicy
from bot.messages import LOCAL, Notifier, RecipientUnreachable
from bot.notify.feed import FeedCursor, FeedWatcher
from bot.notify.local_inbox import LocalInbox
from tests.escalation.fake_desk import TOKEN, FakeDesk, payload
from tests.notify.conftest import Recorder

OFFICIAL = "web-00000000000000000000000a"


async def open_ticket(
    client: DeskClient, number: int, channel: str = LOCAL, user: str = OFFICIAL
) -> str:
    body: dict[str, Any] = payload(number)
    body["requester"] = {"channel": channel, "user_id": user}
    return (await client.create_ticket(body, f"escalation-{number:04d}")).code


def watcher(client: DeskClient, engine: Engine, **channels: Any) -> FeedWatcher:
    return FeedWatcher(client, Notifier(channels), engine)


async def test_a_staff_reply_reaches_the_official_in_the_local_inbox(
    desk: FakeDesk, client: DeskClient, engine: Engine
) -> None:
    code = await open_ticket(client, 1)
    desk.reply(code, "Anh/chị vào mục Quên mật khẩu để đặt lại nhé.")

    report = await watcher(client, engine, local=LocalInbox(engine)).poll_once()

    (message,) = LocalInbox(engine).fetch(OFFICIAL)
    assert message.text.startswith(f"Cán bộ hỗ trợ đã trả lời phiếu {code} (Không đăng nhập")
    assert message.text.endswith("): Anh/chị vào mục Quên mật khẩu để đặt lại nhé.")
    assert (report.seen, report.sent, report.stopped) == (2, 1, None)
    assert FeedCursor(engine).read() == 2


async def test_a_status_change_is_told_in_vietnamese_and_creation_is_not(
    desk: FakeDesk, client: DeskClient, sqlite_engine: Engine
) -> None:
    local = Recorder()
    code = await open_ticket(client, 1)
    desk.set_status(code, "in_progress")
    desk.set_status(code, "waiting_official")

    await watcher(client, sqlite_engine, local=local).poll_once()

    assert [recipient for recipient, _ in local.sent] == [OFFICIAL, OFFICIAL]
    first, second = local.texts
    assert code in first and "Đang xử lý" in first
    assert "Chờ anh/chị phản hồi" in second and "nhắn lại" in second


async def test_the_cursor_survives_a_new_watcher(
    desk: FakeDesk, client: DeskClient, engine: Engine
) -> None:
    local = Recorder()
    code = await open_ticket(client, 1)
    desk.reply(code, "Trả lời thứ nhất")
    await watcher(client, engine, local=local).poll_once()

    desk.reply(code, "Trả lời thứ hai")
    restarted = watcher(client, engine, local=local)
    assert restarted.position == 2
    await restarted.poll_once()
    await restarted.poll_once()

    assert [t.rsplit(": ", 1)[1] for t in local.texts] == ["Trả lời thứ nhất", "Trả lời thứ hai"]
    assert FeedCursor(engine).read() == 3
    assert FeedCursor(engine, "another-desk").read() == 0


async def test_nothing_is_lost_while_the_desk_is_down(
    desk: FakeDesk, client: DeskClient, sqlite_engine: Engine
) -> None:
    local = Recorder()
    code = await open_ticket(client, 1)
    desk.reply(code, "Trả lời")
    desk.set_status(code, "resolved")
    desk.down = True

    report = await watcher(client, sqlite_engine, local=local).poll_once()
    assert report.stopped == "DeskUnavailable"
    assert local.sent == []
    assert FeedCursor(sqlite_engine).read() == 0

    desk.down = False
    report = await watcher(client, sqlite_engine, local=local).poll_once()
    assert (report.sent, report.stopped) == (2, None)
    assert "Đã giải quyết" in local.texts[1]


async def test_the_desk_failing_between_the_feed_and_the_ticket_loses_nothing(
    desk: FakeDesk, client: DeskClient, sqlite_engine: Engine
) -> None:
    local = Recorder()
    code = await open_ticket(client, 1)
    desk.reply(code, "Trả lời")
    tickets_down = True

    def handler(request: httpx.Request) -> httpx.Response:
        if tickets_down and request.url.path.startswith("/api/v1/tickets/"):
            return httpx.Response(503, json={"error": "unavailable"})
        return desk.handle(request)

    async def no_wait(seconds: float) -> None:
        return None

    async with httpx.AsyncClient(
        transport=httpx.MockTransport(handler),
        base_url="http://desk.test/",
        headers={"Authorization": f"Bearer {TOKEN}"},
    ) as http:
        flaky = DeskClient(http, RetryPolicy(attempts=2, sleep=no_wait))
        report = await watcher(flaky, sqlite_engine, local=local).poll_once()
        assert report.stopped == "DeskUnavailable"
        assert FeedCursor(sqlite_engine).read() == 1  # the creation, which needs no notice

        tickets_down = False
        await watcher(flaky, sqlite_engine, local=local).poll_once()
    assert len(local.sent) == 1


async def test_a_ticket_of_an_unregistered_channel_is_skipped_and_logged_by_code(
    desk: FakeDesk,
    client: DeskClient,
    sqlite_engine: Engine,
    caplog: pytest.LogCaptureFixture,
) -> None:
    local = Recorder()
    zalo = await open_ticket(client, 1, channel="zalo", user="zalo-user-0912345678")
    mine = await open_ticket(client, 2)
    desk.reply(zalo, "Trả lời bí mật")
    desk.reply(mine, "Trả lời cho anh/chị")

    with caplog.at_level(logging.DEBUG):
        report = await watcher(client, sqlite_engine, local=local).poll_once()

    assert len(local.sent) == 1 and mine in local.texts[0]
    assert (report.sent, report.skipped) == (1, 1)
    assert FeedCursor(sqlite_engine).read() == 4
    assert zalo in caplog.text
    for secret in ("zalo-user", "0912345678", "Trả lời", "assistant-token", OFFICIAL):
        assert secret not in caplog.text


async def test_a_failing_notice_holds_up_its_tickets_later_ones_and_is_retried_next_pass(
    desk: FakeDesk, client: DeskClient, sqlite_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    local = Recorder(failing=OSError(f"disk full writing for {OFFICIAL}"))
    code = await open_ticket(client, 1)
    desk.reply(code, "Trả lời một")
    desk.reply(code, "Trả lời hai")

    report = await watcher(client, sqlite_engine, local=local).poll_once()
    assert (report.failed, report.waiting, report.stopped) == (1, 1, None)
    assert FeedCursor(sqlite_engine).read() == 1
    assert OFFICIAL not in caplog.text and "Trả lời" not in caplog.text

    local.failing = None
    await watcher(client, sqlite_engine, local=local).poll_once()
    assert [t.rsplit(": ", 1)[1] for t in local.texts] == ["Trả lời một", "Trả lời hai"]


async def test_an_unreachable_recipient_is_skipped(
    desk: FakeDesk, client: DeskClient, sqlite_engine: Engine
) -> None:
    code = await open_ticket(client, 1)
    desk.reply(code, "Trả lời")
    local = Recorder(failing=RecipientUnreachable("blocked"))

    report = await watcher(client, sqlite_engine, local=local).poll_once()

    assert (report.skipped, report.stopped) == (1, None)
    assert FeedCursor(sqlite_engine).read() == 2


async def test_a_change_of_a_ticket_the_desk_no_longer_has_is_skipped(
    desk: FakeDesk, client: DeskClient, sqlite_engine: Engine
) -> None:
    local = Recorder()
    code = await open_ticket(client, 1)
    desk.reply(code, "Trả lời")
    desk.feed.insert(1, {**desk.feed[1], "position": 2, "code": "HT-999999"})
    desk.feed[2]["position"] = 3

    report = await watcher(client, sqlite_engine, local=local).poll_once()

    assert (report.sent, report.skipped) == (1, 1)
    assert FeedCursor(sqlite_engine).read() == 3


async def test_a_long_feed_is_read_page_after_page(
    desk: FakeDesk, client: DeskClient, sqlite_engine: Engine
) -> None:
    local = Recorder()
    code = await open_ticket(client, 1)
    for number in range(7):
        desk.reply(code, f"Trả lời {number}")

    small_pages = FeedWatcher(client, Notifier({LOCAL: local}), sqlite_engine, batch=3)
    report = await small_pages.poll_once()

    assert report.sent == 7
    assert [t.rsplit(" ", 1)[1] for t in local.texts] == [str(n) for n in range(7)]
    assert FeedCursor(sqlite_engine).read() == 8


async def test_a_refused_token_propagates_and_keeps_the_cursor(
    desk: FakeDesk, client: DeskClient, sqlite_engine: Engine
) -> None:
    code = await open_ticket(client, 1)
    desk.reply(code, "Trả lời")
    desk.token = "another-token"
    with pytest.raises(DeskError):
        await watcher(client, sqlite_engine, local=Recorder()).poll_once()
    assert FeedCursor(sqlite_engine).read() == 0
