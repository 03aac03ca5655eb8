"""A staff reply to an official silent on Zalo for 8 days: held, told by template, delivered later.

Over the real path: the desk's feed (fake desk), the notifier's watcher and kept notices on a
real store, the fake Zalo OA server over HTTP keeping the 7-day window on the same clock, and
the gateway's Zalo webhook when the official writes again.
"""

from __future__ import annotations

import httpx
from sqlalchemy.engine import Engine

from bot.channels.zalo.channel import CHANNEL as ZALO
from bot.channels.zalo.settings import ZaloSettings
from bot.escalation.client import DeskClient
from bot.notify.feed import FeedCursor
from bot.store.contacts import Contacts, Reach
from bot.store.kept_notices import SENT, WAITING
from tests.channels.zalo.conftest import USER, now_ms, signed
from tests.channels.zalo.fake_rasa import FakeRasa
from tests.channels.zalo.fake_zalo import APP_ID, TEMPLATE_ID, FakeZalo
from tests.escalation.fake_desk import FakeDesk
from tests.notify.delivery_support import (
    OFFICIAL,
    Clock,
    gateway_zalo,
    notifier_path,
    official_writes,
    open_ticket,
)

REPLY = "Anh/chị vào mục Quên mật khẩu để đặt lại nhé."


def silent_for(days: float, engine: Engine, fake: FakeZalo, clock: Clock) -> None:
    """The official last interacted with the OA `days` ago, as Zalo and the store know."""
    Contacts(engine, clock=clock).interacted(ZALO, OFFICIAL, at=clock.ago(days))
    fake.interact(USER, at=clock.epoch() - days * 86400)


async def test_a_reply_to_an_official_silent_for_8_days_waits_and_goes_out_when_they_write(
    desk: FakeDesk,
    client: DeskClient,
    engine: Engine,
    zalo_settings: ZaloSettings,
    fake: FakeZalo,
    http: httpx.AsyncClient,
    clock: Clock,
) -> None:
    silent_for(8, engine, fake, clock)
    code = await open_ticket(client, 1)
    desk.reply(code, REPLY)
    path = notifier_path(client, engine, zalo_settings, http, clock)

    report = await path.watcher.poll_once()

    assert fake.requests == []  # nothing tried that Zalo would refuse
    assert (report.kept, report.sent, FeedCursor(engine).read()) == (1, 0, 2)
    (notice,) = path.delivery.kept.by_ticket(code)
    assert notice.state == WAITING
    assert path.staff.held == [(code, WAITING)]

    fake_rasa = FakeRasa()
    async with fake_rasa.client() as rasa_http:
        parts = gateway_zalo(engine, zalo_settings, http, rasa_http, clock)
        await official_writes(parts, fake, "cho hỏi tiến độ", "m1")

    held, answer = fake.texts_to(USER)
    assert held.startswith(f"Cán bộ hỗ trợ đã trả lời phiếu {code}") and held.endswith(REPLY)
    assert answer == "cho hỏi tiến độ"  # the fake Rasa echoes: the turn came after the notice
    assert path.delivery.kept.by_ticket(code)[0].state == SENT

    await path.watcher.poll_once()
    await path.delivery.redeliver()
    assert len(fake.texts_to(USER)) == 2  # and never twice


async def test_with_a_template_configured_the_silent_official_is_told_at_once_by_template(
    desk: FakeDesk,
    client: DeskClient,
    sqlite_engine: Engine,
    zalo_settings: ZaloSettings,
    fake: FakeZalo,
    http: httpx.AsyncClient,
    clock: Clock,
) -> None:
    settings = zalo_settings.copy(update={"template_id": TEMPLATE_ID})
    silent_for(8, sqlite_engine, fake, clock)
    code = await open_ticket(client, 1)
    desk.reply(code, REPLY)
    path = notifier_path(client, sqlite_engine, settings, http, clock)

    await path.watcher.poll_once()
    await path.watcher.poll_once()

    short = f"Phiếu {code} có phản hồi mới, nhắn 'tiến độ {code}' để xem"
    assert fake.templates == [(USER, TEMPLATE_ID, {"ticket_code": code, "message": short})]
    assert fake.sent == []
    (notice,) = path.delivery.kept.by_ticket(code)
    assert (notice.state, notice.template_sent) == (WAITING, True)

    fake_rasa = FakeRasa()
    async with fake_rasa.client() as rasa_http:
        parts = gateway_zalo(sqlite_engine, settings, http, rasa_http, clock)
        await official_writes(parts, fake, "tiến độ " + code, "m1")

    assert fake.texts_to(USER)[0].endswith(REPLY)  # the full text follows
    assert len(fake.templates) == 1


async def test_a_follow_through_the_webhook_opens_the_window_and_delivers_what_waited(
    desk: FakeDesk,
    client: DeskClient,
    sqlite_engine: Engine,
    zalo_settings: ZaloSettings,
    fake: FakeZalo,
    http: httpx.AsyncClient,
    clock: Clock,
) -> None:
    silent_for(30, sqlite_engine, fake, clock)
    code = await open_ticket(client, 1)
    desk.reply(code, REPLY)
    path = notifier_path(client, sqlite_engine, zalo_settings, http, clock)
    await path.watcher.poll_once()

    clock.now = clock.ago(-0.001)
    fake.interact(USER)
    follow = {
        "app_id": APP_ID,
        "event_name": "follow",
        "timestamp": now_ms(),
        "follower": {"id": USER},
        "oa_id": "3886132808788086450",
    }
    fake_rasa = FakeRasa()
    async with fake_rasa.client() as rasa_http:
        parts = gateway_zalo(sqlite_engine, zalo_settings, http, rasa_http, clock)
        raw, signature = signed(follow)
        assert await parts.webhook.handle(raw, signature) == 200
        await parts.webhook.drain()

    assert fake.texts_to(USER)[0].endswith(REPLY)  # before the greeting
    assert fake_rasa.turns == []


async def test_when_the_gateway_did_not_deliver_the_notifier_does_once_the_window_opens(
    desk: FakeDesk,
    client: DeskClient,
    sqlite_engine: Engine,
    zalo_settings: ZaloSettings,
    fake: FakeZalo,
    http: httpx.AsyncClient,
    clock: Clock,
) -> None:
    silent_for(10, sqlite_engine, fake, clock)
    code = await open_ticket(client, 1)
    desk.reply(code, REPLY)
    path = notifier_path(client, sqlite_engine, zalo_settings, http, clock)
    await path.watcher.poll_once()
    assert path.delivery.contacts.reach(ZALO, OFFICIAL) is Reach.OUTSIDE_WINDOW

    # The official follows the OA again; the gateway only records it (a follow is no message).
    clock.now = clock.ago(-0.001)
    fake.interact(USER)
    Contacts(sqlite_engine, clock=clock).interacted(ZALO, OFFICIAL)
    assert await path.delivery.redeliver() == 1

    assert fake.texts_to(USER)[0].endswith(REPLY)
