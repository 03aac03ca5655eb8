"""Telegram's webhook end to end: fake Bot API and fake Rasa over real HTTP, the real gateway."""

from __future__ import annotations

import html
import logging
import re
import time
from typing import Any

import pytest

from bot.channels.telegram.render import MAX_TEXT, telegram_length
from bot.texts import texts
from tests.channels.telegram.fakes import (
    SECRET,
    FakeRasa,
    FakeTelegram,
    Gateway,
    callback_update,
    message_update,
)

TEXTS = texts("bot.channels.telegram")


def shown(text: str) -> str:
    """What Telegram shows for a message sent in HTML parse mode (tags gone, entities read)."""
    assert not re.search(r"<(?!/?b>)", text), f"unexpected tag in {text!r}"
    assert not re.search(r"&(?!(lt|gt|amp|quot);)", text), f"bare & in {text!r}"
    return html.unescape(re.sub(r"</?b>", "", text))


async def test_a_question_is_answered_with_an_inline_keyboard(
    gateway: Gateway, fake_telegram: FakeTelegram, fake_rasa: FakeRasa
) -> None:
    response = await gateway.post_update(message_update("quên mật khẩu", chat_id=555))

    assert response.status_code == 200
    assert fake_rasa.received == [
        {
            "sender": "telegram-555",
            "message": "quên mật khẩu",
            "metadata": {"channel": "telegram", "name": "Lan Nguyễn"},
        }
    ]
    [sent] = fake_telegram.of("sendMessage")
    assert int(sent["chat_id"]) == 555
    assert sent["parse_mode"] == "HTML"
    assert shown(sent["text"]) == "Anh/chị hỏi: quên mật khẩu"
    assert sent["reply_markup"] == {
        "inline_keyboard": [
            [{"text": "Tạo phiếu hỗ trợ", "callback_data": "/affirm"}],
            [{"text": "Không, cảm ơn", "callback_data": "/deny"}],
        ]
    }


async def test_startup_checks_the_token_and_sets_vietnamese_commands(
    gateway: Gateway, fake_telegram: FakeTelegram
) -> None:
    assert fake_telegram.of("getMe")
    [commands] = fake_telegram.of("setMyCommands")
    assert [c["command"] for c in commands["commands"]] == [
        "start",
        "help",
        "hotro",
        "phieu",
        "tatthongbao",
        "batthongbao",
    ]
    assert all(c["description"] for c in commands["commands"])
    health = (await gateway.client.get("/health")).json()
    assert health == {"status": "ok", "telegram": "ready", "zalo": "off"}


async def test_a_button_press_is_answered_and_its_payload_forwarded(
    gateway: Gateway, fake_telegram: FakeTelegram, fake_rasa: FakeRasa
) -> None:
    update = callback_update("/affirm", chat_id=777)

    response = await gateway.post_update(update)

    assert response.status_code == 200
    [answer] = fake_telegram.of("answerCallbackQuery")
    assert answer["callback_query_id"] == update["callback_query"]["id"]
    assert [b["message"] for b in fake_rasa.received] == ["/affirm"]
    assert fake_rasa.received[0]["sender"] == "telegram-777"
    assert fake_telegram.texts(777) == ["Anh/chị hỏi: /affirm"]
    answered = next(c.at for c in fake_telegram.calls if c.method == "answerCallbackQuery")
    replied = next(c.at for c in fake_telegram.calls if c.method == "sendMessage")
    assert answered <= replied


async def test_a_long_payload_travels_as_a_short_id_and_comes_back_whole(
    gateway: Gateway, fake_telegram: FakeTelegram, fake_rasa: FakeRasa
) -> None:
    label = "Phần mềm quản lý văn bản và hồ sơ công việc của Ủy ban nhân dân tỉnh"
    assert len(label.encode()) > 64
    fake_rasa.reply = lambda body: [
        {"text": "Phần mềm nào ạ?", "buttons": [{"title": label, "payload": label}]}
    ]
    await gateway.post_update(message_update("tạo phiếu"))
    [sent] = fake_telegram.of("sendMessage")
    [[button]] = sent["reply_markup"]["inline_keyboard"]
    assert len(button["callback_data"].encode()) <= 64

    await gateway.post_update(callback_update(button["callback_data"]))

    assert fake_rasa.received[-1]["message"] == label
    assert len(fake_telegram.of("answerCallbackQuery")) == 1


async def test_an_unknown_short_id_falls_back_to_the_buttons_title(
    gateway: Gateway, fake_telegram: FakeTelegram, fake_rasa: FakeRasa
) -> None:
    keyboard = [[{"text": "Chữ ký số", "callback_data": "~0123456789abcdef"}]]

    await gateway.post_update(callback_update("~0123456789abcdef", keyboard=keyboard))
    await gateway.post_update(callback_update("~ffffffffffffffff"))

    assert [b["message"] for b in fake_rasa.received] == ["Chữ ký số"]
    assert len(fake_telegram.of("answerCallbackQuery")) == 2
    assert shown(fake_telegram.texts()[-1]) == TEXTS.say("expired_button")


@pytest.mark.parametrize(
    "secret", [None, "", "wrong", SECRET + "x", SECRET[:-1], SECRET.upper(), "ầ".encode()]
)
async def test_a_wrong_or_missing_secret_is_refused_and_nothing_is_processed(
    gateway: Gateway, fake_telegram: FakeTelegram, fake_rasa: FakeRasa, secret: str | bytes | None
) -> None:
    value = secret.encode() if isinstance(secret, str) else secret
    headers = {} if value is None else {b"X-Telegram-Bot-Api-Secret-Token": value}
    body = message_update("quên mật khẩu")

    response = await gateway.client.post("/telegram", json=body, headers=headers)

    assert response.status_code == 403
    assert fake_rasa.received == []
    assert fake_telegram.of("sendMessage") == []
    # The update was not claimed: Telegram's real delivery of it is still handled.
    assert (await gateway.post_update(body)).status_code == 200
    assert len(fake_rasa.received) == 1


async def test_the_same_update_posted_twice_is_handled_once(
    gateway: Gateway, fake_telegram: FakeTelegram, fake_rasa: FakeRasa
) -> None:
    update = message_update("chữ ký số lỗi")

    first = await gateway.post_update(update)
    second = await gateway.post_update(update)

    assert first.json()["outcome"] == "handled"
    assert second.status_code == 200 and second.json()["outcome"] == "duplicate"
    assert len(fake_rasa.received) == 1
    assert len(fake_telegram.of("sendMessage")) == 1


async def test_rasa_hanging_gets_an_apology_in_time_and_the_next_message_works(
    gateway: Gateway, fake_telegram: FakeTelegram, fake_rasa: FakeRasa
) -> None:
    fake_rasa.hang = True
    started = time.monotonic()

    await gateway.post_update(message_update("câu hỏi 1"))

    assert time.monotonic() - started < 3.0  # the timeout is 1 s in these settings
    assert [shown(t) for t in fake_telegram.texts()] == [texts("bot").say("rasa_unavailable")]

    fake_rasa.hang = False
    fake_rasa.release()
    await gateway.post_update(message_update("câu hỏi 2"))

    assert shown(fake_telegram.texts()[-1]) == "Anh/chị hỏi: câu hỏi 2"


async def test_rasa_answering_an_error_or_nothing_gets_a_short_message(
    gateway: Gateway, fake_telegram: FakeTelegram, fake_rasa: FakeRasa
) -> None:
    fake_rasa.reply = lambda body: {"error": "broken"}  # type: ignore[assignment,return-value]
    await gateway.post_update(message_update("a"))
    fake_rasa.reply = lambda body: []
    await gateway.post_update(message_update("b"))

    assert [shown(t) for t in fake_telegram.texts()] == [
        texts("bot").say("rasa_unavailable"),
        texts("bot").say("no_reply"),
    ]


async def test_a_long_answer_is_split_under_the_limit_at_paragraphs(
    gateway: Gateway, fake_telegram: FakeTelegram, fake_rasa: FakeRasa
) -> None:
    paragraphs = [f"Bước {n}:" + " mở phần mềm & bấm <Lưu>" * 40 for n in range(1, 13)]
    answer = "\n\n".join(paragraphs)
    assert len(answer) >= 10_000
    fake_rasa.reply = lambda body: [
        {"text": answer, "buttons": [{"title": "👍 Hữu ích", "payload": "/feedback_helpful"}]}
    ]

    await gateway.post_update(message_update("hướng dẫn dài"))

    sent = fake_telegram.of("sendMessage")
    assert len(sent) >= 3
    visible = [shown(m["text"]) for m in sent]
    assert all(telegram_length(v) <= MAX_TEXT for v in visible)
    assert "\n\n".join(visible) == answer
    assert all(v.startswith("Bước ") for v in visible)
    assert [("reply_markup" in m) for m in sent] == [False] * (len(sent) - 1) + [True]


async def test_html_breaking_characters_arrive_intact(
    gateway: Gateway, fake_telegram: FakeTelegram, fake_rasa: FakeRasa
) -> None:
    tricky = "a < b && c > d * e _ f ` g [h](i) </b> <script> &amp; ~ | **đậm**"

    await gateway.post_update(message_update(tricky))

    assert fake_rasa.received[0]["message"] == tricky
    assert shown(fake_telegram.texts()[0]) == "Anh/chị hỏi: " + tricky.replace("**đậm**", "đậm")
    assert "<b>đậm</b>" in fake_telegram.texts()[0]


@pytest.mark.parametrize(
    ("extra", "kind"),
    [
        ({"sticker": {"file_id": "s", "file_unique_id": "s", "width": 512, "height": 512,
                      "is_animated": False, "is_video": False, "type": "regular"}}, "sticker"),
        ({"photo": [{"file_id": "p", "file_unique_id": "p", "width": 90, "height": 90}]}, "photo"),
        ({"voice": {"file_id": "v", "file_unique_id": "v", "duration": 3}}, "voice"),
        ({"document": {"file_id": "d", "file_unique_id": "d", "file_name": "a.pdf"}}, "document"),
        ({"location": {"latitude": 21.0, "longitude": 105.8}}, "location"),
    ],
)  # fmt: skip
async def test_what_is_not_text_gets_a_vietnamese_explanation(
    gateway: Gateway,
    fake_telegram: FakeTelegram,
    fake_rasa: FakeRasa,
    extra: dict[str, Any],
    kind: str,
) -> None:
    await gateway.post_update(message_update(None, extra=extra))

    assert fake_rasa.received == []
    assert [shown(t) for t in fake_telegram.texts()] == [
        TEXTS.say("not_text", kind=TEXTS.labels("kinds")[kind])
    ]


async def test_an_edited_message_gets_an_explanation(
    gateway: Gateway, fake_telegram: FakeTelegram, fake_rasa: FakeRasa
) -> None:
    await gateway.post_update(message_update("sửa lại", kind="edited_message"))

    assert fake_rasa.received == []
    assert [shown(t) for t in fake_telegram.texts()] == [TEXTS.say("edited")]


async def test_start_and_help_answer_without_rasa(
    gateway: Gateway, fake_telegram: FakeTelegram, fake_rasa: FakeRasa
) -> None:
    await gateway.post_update(message_update("/start"))
    await gateway.post_update(message_update("/help"))

    assert fake_rasa.received == []
    start, help_ = (shown(t) for t in fake_telegram.texts())
    assert start.startswith(TEXTS.say("greeting", name="Lan Nguyễn"))
    assert help_ == TEXTS.say("help")


@pytest.mark.parametrize(
    ("command", "payload"), [("/hotro", "/request_human"), ("/phieu", "/ticket_status")]
)
async def test_hotro_and_phieu_send_their_intents_to_rasa(
    gateway: Gateway, fake_rasa: FakeRasa, command: str, payload: str
) -> None:
    await gateway.post_update(message_update(command))

    assert [b["message"] for b in fake_rasa.received] == [payload]


@pytest.mark.parametrize("text", ["/affirm", "/xyz abc", "  /request_human"])
async def test_typed_intents_and_unknown_commands_do_not_reach_rasa(
    gateway: Gateway, fake_telegram: FakeTelegram, fake_rasa: FakeRasa, text: str
) -> None:
    await gateway.post_update(message_update(text))

    assert fake_rasa.received == []
    assert [shown(t) for t in fake_telegram.texts()] == [TEXTS.say("unknown_command")]


async def test_in_a_group_only_commands_get_a_private_chat_notice(
    gateway: Gateway, fake_telegram: FakeTelegram, fake_rasa: FakeRasa
) -> None:
    await gateway.post_update(message_update("xin chào", chat_id=-100, chat_type="group"))
    await gateway.post_update(message_update("/hotro", chat_id=-100, chat_type="group"))

    assert fake_rasa.received == []
    assert [shown(t) for t in fake_telegram.texts()] == [TEXTS.say("private_only")]


async def test_too_long_and_empty_text_are_refused_politely(
    gateway: Gateway, fake_telegram: FakeTelegram, fake_rasa: FakeRasa
) -> None:
    await gateway.post_update(message_update("x" * 4001))
    await gateway.post_update(message_update("\x00\x01 \u200b"))

    assert fake_rasa.received == []
    assert [shown(t) for t in fake_telegram.texts()] == [
        TEXTS.say("too_long", limit=4000),
        TEXTS.say("empty"),
    ]


async def test_a_blocked_official_does_not_break_the_gateway(
    gateway: Gateway, fake_telegram: FakeTelegram, fake_rasa: FakeRasa
) -> None:
    fake_telegram.blocked.add(999)

    blocked = await gateway.post_update(message_update("chào", chat_id=999))
    other = await gateway.post_update(message_update("chào", chat_id=555))

    assert blocked.status_code == other.status_code == 200
    assert fake_telegram.texts(555) == ["Anh/chị hỏi: chào"]


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[1, 2]", b'{"no_update_id": 1}', b'{"update_id": "7"}', b'{"update_id": -1}'],
)
async def test_a_body_that_is_no_update_is_refused(
    gateway: Gateway, fake_rasa: FakeRasa, body: bytes
) -> None:
    response = await gateway.client.post(
        "/telegram", content=body, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
    )

    assert response.status_code == 400
    assert fake_rasa.received == []


async def test_an_oversized_body_is_refused(gateway: Gateway, fake_rasa: FakeRasa) -> None:
    response = await gateway.post_update(message_update("x" * 300_000))

    assert response.status_code == 413
    assert fake_rasa.received == []


async def test_a_failing_handler_is_logged_and_the_official_told(
    gateway: Gateway, fake_telegram: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    fake_telegram.failing_sends = 1

    with caplog.at_level(logging.WARNING):
        response = await gateway.post_update(message_update("chào", chat_id=321))

    assert response.status_code == 200
    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert record.getMessage() == "handling a Telegram update failed (BadRequest)"
    assert record.exc_info is not None
    assert [shown(t) for t in fake_telegram.texts(321)] == [
        "Anh/chị hỏi: chào",  # refused by Telegram
        TEXTS.say("error"),
    ]
