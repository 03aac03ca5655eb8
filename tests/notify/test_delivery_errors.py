"""Each class of Zalo and Telegram refusal does what it calls for, over the fake servers.

Unreachable: marked, never tried again. Outside the window: held for the official. Account or
billing: counted in the metrics, logged without the official's id, the notice kept and sent
once fixed. Rate limit: tried again, and the parts already sent are not sent again. One
official's failure holds back no other official's notice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy.engine import Engine

from bot.channels.telegram.channel import TelegramChannel, telegram_bot, telegram_rate_limiter
from bot.channels.zalo.channel import CHANNEL as ZALO
from bot.channels.zalo.settings import ZaloSettings
from bot.escalation.client import DeskClient
from bot.messages import Notifier
from bot.notify.delivery import ACCOUNT_RETRY, NoticeDelivery
from bot.notify.feed import FeedCursor, FeedWatcher
from bot.notify.queued import queued_ticket_notify
from bot.store.contacts import Reach
from bot.store.kept_notices import PENDING, SENT, UNREACHABLE, WAITING
from tests.channels.telegram.fakes import TOKEN, FakeTelegram
from tests.channels.zalo.conftest import USER
from tests.channels.zalo.fake_zalo import FakeZalo
from tests.escalation.fake_desk import FakeDesk
from tests.notify.delivery_support import (
    OFFICIAL,
    Clock,
    notifier_path,
    open_ticket,
)
from tests.support.served import served_in_thread

OTHER_USER = "1357924680135792468"
REPLY = "Anh/chị vào mục Quên mật khẩu để đặt lại nhé."


@pytest.mark.parametrize(
    ("code", "reason"), [(-213, "not_follower"), (-227, "inactive"), (-244, "restricted")]
)
async def test_an_unreachable_official_is_marked_and_never_tried_again(
    code: int,
    reason: str,
    desk: FakeDesk,
    client: DeskClient,
    sqlite_engine: Engine,
    zalo_settings: ZaloSettings,
    fake: FakeZalo,
    http: httpx.AsyncClient,
    clock: Clock,
) -> None:
    fake.codes[USER] = code
    ticket = await open_ticket(client, 1)
    desk.reply(ticket, REPLY)
    path = notifier_path(client, sqlite_engine, zalo_settings, http, clock)

    await path.watcher.poll_once()
    desk.reply(ticket, "Một trả lời nữa")
    await path.watcher.poll_once()
    await path.delivery.redeliver()

    assert len(fake.requests) == 1
    assert [n.state for n in path.delivery.kept.by_ticket(ticket)] == [UNREACHABLE, UNREACHABLE]
    contact = path.delivery.contacts.get(ZALO, OFFICIAL)
    assert contact is not None and contact.unreachable_reason == reason
    assert path.staff.held == [(ticket, UNREACHABLE), (ticket, UNREACHABLE)]
    assert FeedCursor(sqlite_engine).read() == 3


@pytest.mark.parametrize("code", [-230, -232])
async def test_a_refusal_as_outside_the_window_holds_the_notice_for_the_official(
    code: int,
    desk: FakeDesk,
    client: DeskClient,
    engine: Engine,
    zalo_settings: ZaloSettings,
    fake: FakeZalo,
    http: httpx.AsyncClient,
    clock: Clock,
) -> None:
    fake.codes[USER] = code
    ticket = await open_ticket(client, 1)
    desk.reply(ticket, REPLY)
    path = notifier_path(client, engine, zalo_settings, http, clock)

    await path.watcher.poll_once()

    assert [n.state for n in path.delivery.kept.by_ticket(ticket)] == [WAITING]
    assert path.delivery.contacts.reach(ZALO, OFFICIAL) is Reach.OUTSIDE_WINDOW
    assert path.staff.held == [(ticket, WAITING)]


@pytest.mark.parametrize("code", [-211, -218, -224, -320, -321])
async def test_an_account_problem_is_counted_logged_and_the_notice_kept_until_fixed(
    code: int,
    desk: FakeDesk,
    client: DeskClient,
    sqlite_engine: Engine,
    zalo_settings: ZaloSettings,
    fake: FakeZalo,
    http: httpx.AsyncClient,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake.codes[USER] = code
    ticket = await open_ticket(client, 1)
    desk.reply(ticket, REPLY)
    path = notifier_path(client, sqlite_engine, zalo_settings, http, clock)

    with caplog.at_level(logging.INFO):
        await path.watcher.poll_once()

    assert path.metrics.value("account_problems", channel=ZALO, code=str(code)) == 1
    assert "helpdesk_notifier_account_problems_total" in path.metrics.render()
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any(ticket in line and str(code) in line for line in errors)
    assert not any(USER in r.getMessage() for r in caplog.records)
    (notice,) = path.delivery.kept.by_ticket(ticket)
    assert notice.state == PENDING and FeedCursor(sqlite_engine).read() == 2

    del fake.codes[USER]  # the operator paid the bill
    assert await path.delivery.redeliver() == 0  # not yet due
    clock.now += ACCOUNT_RETRY
    assert await path.delivery.redeliver() == 1
    assert fake.texts_to(USER)[0].endswith(REPLY)


async def test_one_officials_failure_never_holds_back_anothers(
    desk: FakeDesk,
    client: DeskClient,
    sqlite_engine: Engine,
    zalo_settings: ZaloSettings,
    fake: FakeZalo,
    http: httpx.AsyncClient,
    clock: Clock,
) -> None:
    fake.codes[USER] = -211
    first = await open_ticket(client, 1)
    second = await open_ticket(client, 2, user=f"zalo-{OTHER_USER}")
    desk.reply(first, REPLY)
    desk.reply(second, REPLY)
    path = notifier_path(client, sqlite_engine, zalo_settings, http, clock)

    await path.watcher.poll_once()

    assert fake.texts_to(OTHER_USER)[0].endswith(REPLY)
    assert path.delivery.kept.by_ticket(first)[0].state == PENDING


async def test_a_rate_limited_part_is_tried_again_and_no_part_is_sent_twice(
    desk: FakeDesk,
    client: DeskClient,
    engine: Engine,
    zalo_settings: ZaloSettings,
    fake: FakeZalo,
    http: httpx.AsyncClient,
    clock: Clock,
) -> None:
    paragraphs = [f"Đoạn {n}: " + "chữ " * 400 for n in range(3)]
    ticket = await open_ticket(client, 1)
    desk.reply(ticket, "\n\n".join(paragraphs))
    fake.limit_at = 1  # the second part is refused once
    path = notifier_path(client, engine, zalo_settings, http, clock)

    first = await path.watcher.poll_once()
    second = await path.watcher.poll_once()

    assert (first.failed, second.sent) == (1, 1)
    sent = fake.texts_to(USER)
    assert len(sent) == 3 and len(set(sent)) == 3
    assert [p.split(":")[0][-6:] for p in sent[1:]] == ["Đoạn 1", "Đoạn 2"]
    assert path.delivery.kept.by_ticket(ticket)[0].state == SENT


@pytest.fixture
def telegram() -> Iterator[tuple[FakeTelegram, str]]:
    fake = FakeTelegram()
    with served_in_thread(fake.app()) as url:
        yield fake, f"{url}/bot"


@pytest.mark.parametrize("blocked", [True, False])
async def test_telegram_a_blocked_bot_marks_the_official_and_a_flood_is_tried_again(
    blocked: bool,
    desk: FakeDesk,
    client: DeskClient,
    sqlite_engine: Engine,
    telegram: tuple[FakeTelegram, str],
    clock: Clock,
) -> None:
    fake, url = telegram
    if blocked:
        fake.blocked.add(4242)
    else:
        fake.flood["sendMessage"] = 1
    bot = telegram_bot(TOKEN, url, telegram_rate_limiter(0, 0, max_retries=0))
    notifier = Notifier({"telegram": TelegramChannel(bot)})
    delivery = NoticeDelivery(notifier, sqlite_engine, clock=clock)
    watcher = FeedWatcher(client, notifier, sqlite_engine, delivery=delivery)
    ticket = await open_ticket(client, 1, user="telegram-4242")
    desk.ticket(ticket)["requester"]["channel"] = "telegram"
    desk.reply(ticket, REPLY)
    try:
        first = await watcher.poll_once()
        clock.now += timedelta(minutes=1)
        await watcher.poll_once()
    finally:
        await bot.shutdown()

    (notice,) = delivery.kept.by_ticket(ticket)
    if blocked:
        assert notice.state == UNREACHABLE and notice.reason == "blocked"
        assert len(fake.of("sendMessage")) == 1
    else:
        assert first.failed == 1 and notice.state == SENT
        assert len(fake.texts(4242)) == 2  # the call refused with 429, then the one taken


async def test_a_notice_whose_sender_died_mid_way_goes_on_from_the_next_part(
    sqlite_engine: Engine,
    zalo_settings: ZaloSettings,
    fake: FakeZalo,
    http: httpx.AsyncClient,
    clock: Clock,
    client: DeskClient,
) -> None:
    text = "\n\n".join(f"Đoạn {n}: " + "chữ " * 400 for n in range(3))
    path = notifier_path(client, sqlite_engine, zalo_settings, http, clock)
    kept = path.delivery.kept
    notice, _ = kept.keep("desk:1", ZALO, OFFICIAL, "HT-000001", text, "Ngắn", claim=True)
    kept.part_sent(notice.id, 1)  # then the process died

    assert await path.delivery.redeliver() == 0  # its claim still holds
    clock.now += timedelta(minutes=3)
    assert await path.delivery.redeliver() == 1

    assert [part.split(":")[0][-6:] for part in fake.texts_to(USER)] == ["Đoạn 1", "Đoạn 2"]
    assert kept.get(notice.id).state == SENT


async def test_the_ticket_is_created_notice_is_kept_when_it_fails_and_sent_later(
    sqlite_engine: Engine,
    zalo_settings: ZaloSettings,
    fake: FakeZalo,
    http: httpx.AsyncClient,
    clock: Clock,
    client: DeskClient,
) -> None:
    ticket = await client.get_ticket(await open_ticket(client, 1))
    path = notifier_path(client, sqlite_engine, zalo_settings, http, clock)
    notify = queued_ticket_notify(Notifier({ZALO: path.channel}), path.delivery)
    fake.rate_limited = 1

    await notify(ZALO, OFFICIAL, "CHO-000001", ticket)  # raises nothing: the notice is kept
    assert fake.texts_to(USER) == []
    assert await path.delivery.redeliver() == 1

    (sent,) = fake.texts_to(USER)
    assert "CHO-000001" in sent and ticket.code in sent
