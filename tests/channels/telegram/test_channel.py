"""The notifier's Telegram channel, against the fake Bot API over real HTTP."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from telegram.error import NetworkError

from bot.channels.telegram.channel import TelegramChannel, chat_id_of, telegram_bot
from bot.messages import Button, OutgoingMessage, RecipientUnreachable
from bot.metrics import Metrics
from bot.notify.worker import build_notifier
from tests.channels.telegram.fakes import TOKEN, FakeTelegram, fast_limiter


@pytest.fixture
async def channel(telegram_url: str) -> AsyncIterator[TelegramChannel]:
    bot = telegram_bot(TOKEN, telegram_url, fast_limiter())
    async with bot:
        yield TelegramChannel(bot)


@pytest.mark.parametrize(
    ("recipient", "chat"),
    [("telegram-555", 555), ("555", 555), ("telegram--100123", -100123), ("x", None), ("", None)],
)
def test_recipients_name_chats(recipient: str, chat: int | None) -> None:
    assert chat_id_of(recipient) == chat


async def test_a_notice_is_sent_with_its_buttons(
    channel: TelegramChannel, fake_telegram: FakeTelegram
) -> None:
    notice = OutgoingMessage(
        "Phiếu HT-000123 <đã xử lý> & đóng", (Button("Xem phiếu", "/ticket_status"),)
    )

    await channel.send("telegram-555", notice)

    [sent] = fake_telegram.of("sendMessage")
    assert int(sent["chat_id"]) == 555
    assert sent["text"] == "Phiếu HT-000123 &lt;đã xử lý&gt; &amp; đóng"
    assert sent["reply_markup"] == {
        "inline_keyboard": [[{"text": "Xem phiếu", "callback_data": "/ticket_status"}]]
    }


@pytest.mark.parametrize("recipient", ["telegram-999", "telegram-404", "web-abc", "telegram-"])
async def test_a_chat_that_cannot_be_reached_is_unreachable(
    channel: TelegramChannel, fake_telegram: FakeTelegram, recipient: str
) -> None:
    fake_telegram.blocked.add(999)

    with pytest.raises(RecipientUnreachable):
        await channel.send(recipient, OutgoingMessage("xin chào"))


async def test_telegram_being_down_is_raised_for_a_later_retry(
    channel: TelegramChannel, fake_telegram: FakeTelegram
) -> None:
    fake_telegram.down = True

    with pytest.raises(NetworkError):
        await channel.send("telegram-555", OutgoingMessage("xin chào"))


async def test_flood_control_is_waited_out(telegram_url: str, fake_telegram: FakeTelegram) -> None:
    fake_telegram.flood["sendMessage"] = 1
    metrics = Metrics()
    started = time.monotonic()

    async with telegram_bot(TOKEN, telegram_url) as bot:
        await TelegramChannel(bot, metrics=metrics).send("555", OutgoingMessage("sau một giây"))

    assert time.monotonic() - started >= 0.95
    assert len(fake_telegram.of("sendMessage")) == 2
    assert metrics.value("messages_out", channel="telegram") == 1


async def test_the_notifier_routes_telegram_recipients_to_the_channel(
    channel: TelegramChannel, fake_telegram: FakeTelegram, tmp_path: Path
) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'unused.db'}", future=True)
    try:
        notifier = build_notifier(engine, {"telegram": channel})
        await notifier.send("telegram", "telegram-77", OutgoingMessage("Cán bộ đã trả lời"))
    finally:
        engine.dispose()

    assert fake_telegram.texts(77) == ["Cán bộ đã trả lời"]
