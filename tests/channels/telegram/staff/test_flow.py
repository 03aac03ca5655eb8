"""From a new ticket to the official's Telegram chat: notifier, staff group, desk, notifier."""

from __future__ import annotations

import asyncio
from pathlib import Path

from pydantic import SecretStr

from bot.cli.notifier_command import serve
from bot.notify.settings import NotifierSettings
from tests.channels.telegram.fakes import TOKEN, FakeRasa, FakeTelegram, Gateway
from tests.channels.telegram.staff.fakes import (
    OFFICIAL_CHAT,
    PUBLIC_URL,
    STAFF_CHAT,
    bot_message,
    button_update,
    group_update,
    open_ticket,
    read_ticket,
    said,
)
from tests.support.desk_server import ASSISTANT, DeskServer


def notifier_settings(
    desk_url: str, telegram_url: str, tmp_path: Path, root: Path
) -> NotifierSettings:
    return NotifierSettings(
        database_url=f"sqlite:///{tmp_path / 'notifier.db'}",
        desk_url=desk_url,
        desk_token=SecretStr(ASSISTANT),
        telegram_token=SecretStr(TOKEN),
        telegram_base_url=telegram_url,
        telegram_staff_chat_id=STAFF_CHAT,
        desk_public_url=PUBLIC_URL,
        knowledge_base_dir=root / "knowledge_base",
    )


async def test_a_staff_reply_in_the_group_reaches_the_officials_telegram_chat(
    staff_gateway: Gateway,
    staff_env: DeskServer,
    fake_telegram: FakeTelegram,
    fake_rasa: FakeRasa,
    telegram_url: str,
    tmp_path: Path,
    root: Path,
) -> None:
    settings = notifier_settings(staff_env.url, telegram_url, tmp_path, root)
    code = await open_ticket(staff_env.url)

    await serve(settings, asyncio.Event(), once=True)
    [post] = said(fake_telegram, STAFF_CHAT)
    posted = bot_message(post)
    await staff_gateway.post_update(group_update("Anh/chị cắm lại USB ký số nhé.", reply_to=posted))
    await staff_gateway.post_update(button_update(f"staff:claim:{code}", message=posted))
    await serve(settings, asyncio.Event(), once=True)

    assert (await read_ticket(staff_env.url, code)).status == "in_progress"
    reply, status = said(fake_telegram, OFFICIAL_CHAT)
    assert reply.startswith(f"Cán bộ hỗ trợ đã trả lời phiếu {code} (")
    assert reply.endswith("): Anh/chị cắm lại USB ký số nhé.")
    assert code in status and "Đang xử lý" in status
    assert len(said(fake_telegram, STAFF_CHAT)) == 3  # the post, then two confirmations
    assert fake_rasa.received == []
