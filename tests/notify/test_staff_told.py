"""The staff group hears when a reply cannot reach the official, with the desk page for a call.

Over the fake Zalo (the official silent for 8 days) and the fake Telegram (the staff group).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.engine import Engine
from telegram.ext import ExtBot

from bot.channels.telegram.channel import telegram_bot
from bot.channels.telegram.staff.board import TelegramStaffBoard
from bot.channels.telegram.staff.posts import StaffPosts
from bot.channels.zalo.channel import CHANNEL as ZALO
from bot.channels.zalo.settings import ZaloSettings
from bot.channels.zalo.wiring import build_channel
from bot.escalation.client import DeskClient
from bot.messages import Notifier
from bot.notify.delivery import NoticeDelivery
from bot.notify.feed import FeedWatcher
from bot.notify.staff_feed import staff_told
from bot.store.contacts import Contacts
from tests.channels.telegram.fakes import TOKEN, FakeTelegram, fast_limiter
from tests.channels.telegram.staff.fakes import PUBLIC_URL, STAFF_CHAT, said
from tests.channels.zalo.conftest import USER
from tests.channels.zalo.fake_zalo import FakeZalo
from tests.escalation.fake_desk import FakeDesk
from tests.notify.delivery_support import (
    OFFICIAL,
    Clock,
    open_ticket,
)


@pytest.fixture
async def bot(telegram_url: str) -> AsyncIterator[ExtBot[int]]:
    async with telegram_bot(TOKEN, telegram_url, fast_limiter()) as bot:
        yield bot


@pytest.mark.parametrize(("code", "said_first"), [(None, "⏳"), (-213, "⚠️")])
async def test_the_staff_group_hears_of_a_reply_that_cannot_reach_the_official(
    code: int | None,
    said_first: str,
    desk: FakeDesk,
    client: DeskClient,
    sqlite_engine: Engine,
    zalo_settings: ZaloSettings,
    fake: FakeZalo,
    clock: Clock,
    bot: ExtBot[int],
    fake_telegram: FakeTelegram,
) -> None:
    if code is None:
        Contacts(sqlite_engine, clock=clock).interacted(ZALO, OFFICIAL, at=clock.ago(8))
    else:
        fake.codes[USER] = code
    ticket = await open_ticket(client, 1)
    desk.reply(ticket, "Anh/chị vào mục Quên mật khẩu để đặt lại nhé.")
    board = TelegramStaffBoard(bot, STAFF_CHAT, PUBLIC_URL, {}, posts=StaffPosts(sqlite_engine))
    await board.post(await client.get_ticket(ticket))  # what the staff feed does first
    async with httpx.AsyncClient(timeout=10) as http:
        notifier = Notifier({ZALO: build_channel(zalo_settings, sqlite_engine, http)})
        delivery = NoticeDelivery(notifier, sqlite_engine, on_held=staff_told(board), clock=clock)
        await FeedWatcher(client, notifier, sqlite_engine, delivery=delivery).poll_once()

    ticket_post, post = said(fake_telegram)
    assert ticket_post.startswith(f"🆕 Phiếu mới {ticket}")
    _, told = fake_telegram.of("sendMessage")
    post_id = StaffPosts(sqlite_engine).of(ticket, STAFF_CHAT)
    assert post_id is not None and told["reply_parameters"]["message_id"] == post_id
    assert post.startswith(f"{said_first} Phiếu {ticket}: phản hồi ")
    if code is None:
        assert "chưa gửi được qua Zalo, sẽ gửi khi cán bộ nhắn lại" in post
    assert f"{PUBLIC_URL}/desk/tickets/{ticket}" in post
    assert "0912345678" not in post  # the phone stays behind the desk's sign-in
