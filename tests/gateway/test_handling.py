"""While staff handle an official's ticket, the official's messages go to them, not to Rasa.

The whole path: the notifier (staff post, claim notice), the gateway on the fake Telegram with
the staff group, the real desk, the notifier again (the staff group told under the post).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.channels.telegram.staff.posts import StaffPosts
from bot.cli.notifier_command import serve
from bot.gateway.app import create_app
from bot.gateway.settings import GatewaySettings
from bot.notify.settings import NotifierSettings
from bot.store.database import make_engine
from bot.texts import texts
from bot.webchat.sessions import TOKEN_HEADER
from tests.channels.telegram.fakes import (
    FakeRasa,
    FakeTelegram,
    Gateway,
    fast_limiter,
    message_update,
    running_gateway,
)
from tests.channels.telegram.staff.fakes import (
    OFFICIAL_CHAT,
    PHONE,
    STAFF_CHAT,
    bot_message,
    desk_changes,
    group_update,
    open_ticket,
    read_ticket,
    said,
)
from tests.channels.telegram.staff.test_flow import notifier_settings
from tests.support.desk_server import ASSISTANT, DeskServer

KEPT = texts("bot.gateway").section("handling")["kept"]


@pytest.fixture
async def handling_gateway(
    monkeypatch: pytest.MonkeyPatch, staff_env: DeskServer, settings: GatewaySettings
) -> AsyncIterator[Gateway]:
    """The gateway with the staff group and the assistant's desk token (the check is on)."""
    monkeypatch.setenv("HELPDESK_DESK_TOKEN", ASSISTANT)
    async with running_gateway(create_app(settings, rate_limiter=fast_limiter())) as served:
        yield served


@pytest.fixture
def notifier(
    staff_env: DeskServer,
    telegram_url: str,
    tmp_path: Path,
    root: Path,
    settings: GatewaySettings,
) -> NotifierSettings:
    """The notifier on the gateway's store, where it keeps each official's notices."""
    found = notifier_settings(staff_env.url, telegram_url, tmp_path, root)
    return found.copy(update={"database_url": settings.database_url})


def post_id(store_url: str, code: str) -> int | None:
    engine = make_engine(store_url)
    try:
        return StaffPosts(engine).of(code, STAFF_CHAT)
    finally:
        engine.dispose()


async def official_writes(gateway: Gateway, text: str) -> None:
    await gateway.post_update(message_update(text, chat_id=OFFICIAL_CHAT))


async def test_a_message_on_a_claimed_ticket_is_kept_for_staff_and_rasa_never_hears_it(
    handling_gateway: Gateway,
    staff_env: DeskServer,
    notifier: NotifierSettings,
    fake_telegram: FakeTelegram,
    fake_rasa: FakeRasa,
) -> None:
    code = await open_ticket(staff_env.url)
    await serve(notifier, asyncio.Event(), once=True)
    [post] = said(fake_telegram, STAFF_CHAT)
    await handling_gateway.post_update(group_update("/nhan", reply_to=bot_message(post)))
    await serve(notifier, asyncio.Event(), once=True)  # the official hears of the claim
    told_before = len(said(fake_telegram, OFFICIAL_CHAT))

    await official_writes(handling_gateway, f"Em gửi thêm: máy báo lỗi 0x80, gọi em {PHONE}")

    assert fake_rasa.received == []
    assert said(fake_telegram, OFFICIAL_CHAT)[told_before:] == [KEPT.format(code=code)]
    kept = (await desk_changes(staff_env.url, code))[-1]
    assert kept.kind == "message" and kept.note is not None
    assert (kept.note.author, kept.note.text) == (
        "Người hỏi (nhắn thêm qua Telegram)",
        f"Em gửi thêm: máy báo lỗi 0x80, gọi em {PHONE}",
    )
    assert (await read_ticket(staff_env.url, code)).notes == ()  # not a staff reply

    await serve(notifier, asyncio.Event(), once=True)
    told = said(fake_telegram, STAFF_CHAT)[-1]
    assert told.startswith(f"💬 Người hỏi phiếu {code} vừa nhắn thêm")
    assert "máy báo lỗi 0x80" in told and PHONE not in told
    reply_to = fake_telegram.of("sendMessage")[-1]["reply_parameters"]["message_id"]
    assert reply_to == post_id(notifier.database_url, code)  # said under the ticket's post
    assert len(said(fake_telegram, OFFICIAL_CHAT)) == told_before + 1  # nothing echoed back


async def test_without_staff_handling_or_after_closing_the_assistant_answers(
    handling_gateway: Gateway,
    staff_env: DeskServer,
    notifier: NotifierSettings,
    fake_telegram: FakeTelegram,
    fake_rasa: FakeRasa,
) -> None:
    code = await open_ticket(staff_env.url)
    await serve(notifier, asyncio.Event(), once=True)
    [post] = said(fake_telegram, STAFF_CHAT)

    await official_writes(handling_gateway, "quên mật khẩu")  # nobody took the ticket yet
    assert len(fake_rasa.received) == 1

    await handling_gateway.post_update(group_update("/nhan", reply_to=bot_message(post)))
    await serve(notifier, asyncio.Event(), once=True)
    await official_writes(handling_gateway, "/tatthongbao")  # commands stay the assistant's
    assert len(fake_rasa.received) == 2

    await handling_gateway.post_update(group_update("/dong", reply_to=bot_message(post)))
    await serve(notifier, asyncio.Event(), once=True)
    await official_writes(handling_gateway, "cảm ơn")
    assert len(fake_rasa.received) == 3
    assert (await read_ticket(staff_env.url, code)).notes == ()


async def test_a_desk_that_does_not_answer_lets_the_assistant_answer(
    handling_gateway: Gateway,
    staff_env: DeskServer,
    notifier: NotifierSettings,
    fake_telegram: FakeTelegram,
    fake_rasa: FakeRasa,
) -> None:
    await open_ticket(staff_env.url)
    await serve(notifier, asyncio.Event(), once=True)
    [post] = said(fake_telegram, STAFF_CHAT)
    await handling_gateway.post_update(group_update("/nhan", reply_to=bot_message(post)))
    await serve(notifier, asyncio.Event(), once=True)
    staff_env.stop()

    await official_writes(handling_gateway, "quên mật khẩu")

    assert len(fake_rasa.received) == 1  # not silence: the assistant answers as before


async def test_a_web_chat_message_on_a_claimed_ticket_is_kept_for_staff(
    handling_gateway: Gateway,
    staff_env: DeskServer,
    notifier: NotifierSettings,
    fake_telegram: FakeTelegram,
    fake_rasa: FakeRasa,
) -> None:
    session = (await handling_gateway.client.post("/api/session")).json()
    headers = {TOKEN_HEADER: session["token"]}
    code = await open_ticket(staff_env.url, channel="local", user_id=session["sender"])
    await serve(notifier, asyncio.Event(), once=True)
    [post] = said(fake_telegram, STAFF_CHAT)

    async def web_writes(text: str) -> list[dict[str, object]]:
        body = {"sender": session["sender"], "text": text}
        sent = await handling_gateway.client.post("/api/messages", json=body, headers=headers)
        assert sent.status_code == 200, sent.text
        return list(sent.json()["messages"])

    await web_writes("quên mật khẩu")  # nobody took the ticket yet: the assistant answers
    assert len(fake_rasa.received) == 1

    await handling_gateway.post_update(group_update("/nhan", reply_to=bot_message(post)))
    await serve(notifier, asyncio.Event(), once=True)  # the claim waits in the page's inbox
    replies = await web_writes("Em gửi thêm: lỗi hiện ra khi bấm Ký số")

    assert replies == [{"text": KEPT.format(code=code)}]
    assert len(fake_rasa.received) == 1
    kept = (await desk_changes(staff_env.url, code))[-1]
    assert kept.kind == "message" and kept.note is not None
    assert (kept.note.author, kept.note.text) == (
        "Người hỏi (nhắn thêm qua trang trò chuyện)",
        "Em gửi thêm: lỗi hiện ra khi bấm Ký số",
    )
