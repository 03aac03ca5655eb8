"""Long polling (`helpdesk gateway --polling`): getUpdates results are handled like webhooks."""

from __future__ import annotations

from starlette.applications import Starlette

from bot.gateway.app import create_app
from bot.gateway.settings import GatewaySettings
from bot.texts import texts
from tests.channels.telegram.fakes import (
    FakeRasa,
    FakeTelegram,
    callback_update,
    eventually,
    fast_limiter,
    message_update,
    running_gateway,
)

STICKER = {
    "sticker": {
        "file_id": "s",
        "file_unique_id": "s",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "type": "regular",
    }
}


def polling_app(settings: GatewaySettings) -> Starlette:
    return create_app(settings, polling=True, poll_timeout=1, rate_limiter=fast_limiter())


async def test_polling_handles_text_buttons_and_stickers(
    settings: GatewaySettings, fake_telegram: FakeTelegram, fake_rasa: FakeRasa
) -> None:
    fake_telegram.queue_update(message_update("quên mật khẩu", chat_id=1, update_id=100))
    fake_telegram.queue_update(callback_update("/affirm", chat_id=2, update_id=101))
    fake_telegram.queue_update(message_update(None, chat_id=3, update_id=102, extra=STICKER))

    async with running_gateway(polling_app(settings)) as gateway:
        await fake_telegram.wait_for("sendMessage", 3)
        fake_telegram.queue_update(message_update("câu tiếp", chat_id=1, update_id=103))
        await fake_telegram.wait_for("sendMessage", 4)
        health = (await gateway.client.get("/health")).json()

    assert fake_telegram.of("deleteWebhook")
    assert fake_telegram.of("setMyCommands")
    assert (health["status"], health["telegram"]) == ("ok", "ready")
    assert sorted(b["message"] for b in fake_rasa.received) == [
        "/affirm",
        "câu tiếp",
        "quên mật khẩu",
    ]
    assert fake_telegram.texts(1) == ["Anh/chị hỏi: quên mật khẩu", "Anh/chị hỏi: câu tiếp"]
    assert len(fake_telegram.of("answerCallbackQuery")) == 1
    kinds = texts("bot.channels.telegram").labels("kinds")
    assert kinds["sticker"] in fake_telegram.texts(3)[0]
    offsets = [int(p.get("offset", 0)) for p in fake_telegram.of("getUpdates")]
    assert offsets == sorted(offsets) and max(offsets) == 104
    assert all(p["allowed_updates"] for p in fake_telegram.of("getUpdates"))


async def test_updates_fetched_again_after_a_restart_are_not_handled_twice(
    settings: GatewaySettings, fake_telegram: FakeTelegram, fake_rasa: FakeRasa
) -> None:
    update = message_update("một lần thôi", chat_id=9, update_id=500)
    fake_telegram.queue_update(update)
    async with running_gateway(polling_app(settings)):
        await fake_telegram.wait_for("sendMessage", 1)

    # Telegram never learnt the offset (the process stopped first): it offers the update again.
    fake_telegram.queue_update(update)
    fake_telegram.queue_update(message_update("mới", chat_id=9, update_id=501))
    async with running_gateway(polling_app(settings)):
        await fake_telegram.wait_for("sendMessage", 2)
        await eventually(lambda: not fake_telegram.pending)

    assert [b["message"] for b in fake_rasa.received] == ["một lần thôi", "mới"]


async def test_polling_keeps_going_when_telegram_fails_for_a_while(
    settings: GatewaySettings, fake_telegram: FakeTelegram, fake_rasa: FakeRasa
) -> None:
    async with running_gateway(polling_app(settings)):
        await fake_telegram.wait_for("getUpdates", 1)
        fake_telegram.down = True
        await eventually(lambda: fake_telegram.refused >= 2)
        fake_telegram.down = False
        fake_telegram.queue_update(message_update("đã ổn", chat_id=4, update_id=900))
        await fake_telegram.wait_for("sendMessage", 1, timeout=15)

    assert fake_telegram.texts(4) == ["Anh/chị hỏi: đã ổn"]
