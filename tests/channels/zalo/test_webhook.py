"""The webhook end to end: signed events in, Rasa turns, answers out through the fake Zalo."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bot.channels.zalo.render import ChoiceMemory
from bot.channels.zalo.settings import ZaloSettings
from bot.channels.zalo.webhook import MAX_BODY
from bot.channels.zalo.wiring import ZaloParts, build_channel, build_zalo
from bot.notify.rating_feed import rating_payload, rating_question
from bot.rasa import MAX_MESSAGE
from bot.store.schema import seen_updates
from bot.store.shared_sql import SqlState
from bot.texts import texts
from tests.channels.zalo.conftest import OA_SECRET, USER, now_ms, signed, text_event
from tests.channels.zalo.fake_rasa import MENU, FakeRasa
from tests.channels.zalo.fake_zalo import APP_ID, FakeZalo

WORDS = texts("bot.channels.zalo")


async def deliver(parts: ZaloParts, body: dict[str, Any], header: str | None = "sign") -> int:
    """Post `body` to the webhook as Zalo would (signed unless told otherwise); wait for it."""
    raw, signature = signed(body)
    status = await parts.webhook.handle(raw, signature if header == "sign" else header)
    await parts.webhook.drain()
    return status


def claims(engine: Engine) -> int:
    """How many Zalo events are claimed in the store."""
    query = select(func.count()).select_from(seen_updates).where(seen_updates.c.channel == "zalo")
    with engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


async def test_a_signed_text_is_answered_through_rasa(
    parts: ZaloParts, fake_zalo: FakeZalo, fake_rasa: FakeRasa
) -> None:
    assert await deliver(parts, text_event("Không đăng nhập được phần mềm", "m1")) == 200
    assert fake_rasa.turns == [
        {
            "sender": f"zalo-{USER}",
            "message": "Không đăng nhập được phần mềm",
            "metadata": {"channel": "zalo"},
        }
    ]
    assert fake_zalo.texts_to(USER) == ["Không đăng nhập được phần mềm"]


@pytest.mark.parametrize(
    ("header", "status"),
    [(None, 401), ("", 401), ("mac=" + "0" * 64, 403), ("forged", 403)],
)
async def test_unsigned_or_forged_events_are_refused_and_not_processed(
    parts: ZaloParts,
    fake_zalo: FakeZalo,
    fake_rasa: FakeRasa,
    sqlite_engine: Engine,
    header: str | None,
    status: int,
) -> None:
    assert await deliver(parts, text_event("xin chào", "m1"), header) == status
    assert fake_rasa.turns == [] and fake_zalo.sent == [] and claims(sqlite_engine) == 0


async def test_an_event_signed_with_another_key_is_refused(
    parts: ZaloParts, fake_rasa: FakeRasa
) -> None:
    raw, header = signed(text_event("xin chào", "m1"), secret="not-" + OA_SECRET)
    assert await parts.webhook.handle(raw, header) == 403
    await parts.webhook.drain()
    assert fake_rasa.turns == []


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"not json", 400),
        (b"[1, 2]", 400),
        (b"\xff\xfe", 400),
        (b"[" * 100_000, 400),
        (b" " * (MAX_BODY + 1), 413),
    ],
)
async def test_unreadable_bodies_are_refused(parts: ZaloParts, raw: bytes, status: int) -> None:
    assert await parts.webhook.handle(raw, "mac=" + "0" * 64) == status


async def test_a_redelivered_message_is_handled_once(
    parts: ZaloParts, fake_zalo: FakeZalo, fake_rasa: FakeRasa
) -> None:
    body = text_event("Cách ký số văn bản", "m-dup")
    raw, header = signed(body)
    statuses = await asyncio.gather(*(parts.webhook.handle(raw, header) for _ in range(3)))
    await parts.webhook.drain()
    assert statuses == [200, 200, 200]
    assert await deliver(parts, body) == 200
    assert fake_rasa.messages == ["Cách ký số văn bản"]
    assert fake_zalo.texts_to(USER) == ["Cách ký số văn bản"]


async def test_two_processes_on_one_store_handle_a_message_once(
    settings: ZaloSettings, any_engine: Engine, fake_zalo: FakeZalo, http: httpx.AsyncClient
) -> None:
    rasa = FakeRasa()
    async with rasa.client() as rasa_http:
        first, second = (
            build_zalo(settings, any_engine, http=http, rasa_http=rasa_http) for _ in range(2)
        )
        raw, header = signed(text_event("Quên mật khẩu thư công vụ", "m-twice"))
        await asyncio.gather(first.webhook.handle(raw, header), second.webhook.handle(raw, header))
        await asyncio.gather(first.webhook.drain(), second.webhook.drain())
    assert rasa.messages == ["Quên mật khẩu thư công vụ"]
    assert fake_zalo.texts_to(USER) == ["Quên mật khẩu thư công vụ"]
    assert claims(any_engine) == 1


async def test_numbered_choices_round_trip_to_the_button_payload(
    parts: ZaloParts, fake_zalo: FakeZalo, fake_rasa: FakeRasa
) -> None:
    await deliver(parts, text_event(MENU, "m1"))
    shown = fake_zalo.texts_to(USER)[0]
    assert "1. Quản lý văn bản\n2. Chữ ký số\n3. Thư công vụ" in shown
    assert WORDS.say("choices_hint") in shown
    await deliver(parts, text_event(" 2 ", "m2"))
    assert fake_rasa.messages[-1] == '/inform{"software":"kyso"}'
    # The echo of the payload offered no choices, so a number is now just text.
    await deliver(parts, text_event("2", "m3"))
    assert fake_rasa.messages[-1] == "2"


async def test_a_number_out_of_range_is_forwarded_as_typed(
    parts: ZaloParts, fake_rasa: FakeRasa
) -> None:
    await deliver(parts, text_event(MENU, "m1"))
    await deliver(parts, text_event("7", "m2"))
    assert fake_rasa.messages == [MENU, "7"]


async def test_a_sticker_between_choosing_keeps_the_choices(
    parts: ZaloParts, fake_rasa: FakeRasa
) -> None:
    await deliver(parts, text_event(MENU, "m1"))
    sticker = {**text_event("", "m2"), "event_name": "user_send_sticker"}
    sticker["message"] = {"msg_id": "m2", "attachments": [{"type": "sticker"}]}
    await deliver(parts, sticker)
    await deliver(parts, text_event("1", "m3"))
    assert fake_rasa.messages[-1] == '/inform{"software":"qlvb"}'


async def test_a_text_without_diacritics_is_forwarded_unchanged(
    parts: ZaloParts, fake_rasa: FakeRasa
) -> None:
    text = "khong dang nhap duoc phan mem quan ly van ban"
    await deliver(parts, text_event(text, "m1"))
    assert fake_rasa.messages == [text]


@pytest.mark.parametrize("failure", ["down", "slow"])
async def test_when_rasa_is_unavailable_the_official_gets_an_apology(
    parts: ZaloParts, fake_zalo: FakeZalo, fake_rasa: FakeRasa, failure: str
) -> None:
    setattr(fake_rasa, failure, True)
    await deliver(parts, text_event("Không ký số được", "m1"))
    assert fake_zalo.texts_to(USER) == [WORDS.say("unavailable")]


@pytest.mark.parametrize(
    ("name", "what"),
    [
        ("user_send_image", "hình ảnh"),
        ("user_send_sticker", "nhãn dán"),
        ("user_send_file", "tệp đính kèm"),
        ("user_send_audio", "tin nhắn thoại"),
        ("user_send_business_card", "danh thiếp"),
        ("user_send_something_new", "loại tin nhắn này"),
    ],
)
async def test_messages_that_are_not_text_get_a_clear_answer(
    parts: ZaloParts, fake_zalo: FakeZalo, fake_rasa: FakeRasa, name: str, what: str
) -> None:
    body = {**text_event("", "m1"), "event_name": name}
    body["message"] = {"msg_id": "m1", "attachments": [{"type": "file", "payload": {}}]}
    await deliver(parts, body)
    assert fake_zalo.texts_to(USER) == [WORDS.say("not_text", what=what)]
    assert fake_rasa.turns == []


def follow_event(name: str) -> dict[str, Any]:
    """A follow or unfollow event as Zalo sends it."""
    return {
        "oa_id": "3886132808788086450",
        "follower": {"id": USER},
        "user_id_by_app": "5521772797175877300",
        "event_name": name,
        "source": "oa_profile",
        "app_id": APP_ID,
        "timestamp": now_ms(),
    }


async def test_a_new_follower_is_greeted_once(parts: ZaloParts, fake_zalo: FakeZalo) -> None:
    follow = follow_event("follow")
    await deliver(parts, follow)
    await deliver(parts, follow)
    assert fake_zalo.texts_to(USER) == [WORDS.say("greeting")]


async def test_unfollowing_sends_nothing_and_forgets_the_choices(
    parts: ZaloParts, fake_zalo: FakeZalo, fake_rasa: FakeRasa, sqlite_engine: Engine
) -> None:
    await deliver(parts, text_event(MENU, "m1"))
    assert await deliver(parts, follow_event("unfollow")) == 200
    assert len(fake_zalo.sent) == 1 and claims(sqlite_engine) == 2
    await deliver(parts, text_event("1", "m2"))
    assert fake_rasa.messages[-1] == "1"


@pytest.mark.parametrize("name", ["user_seen_message", "user_received_message", "oa_send_text"])
async def test_receipts_and_the_oas_own_messages_are_ignored(
    parts: ZaloParts, fake_zalo: FakeZalo, fake_rasa: FakeRasa, name: str
) -> None:
    await deliver(parts, {**text_event("echo", "m1"), "event_name": name})
    assert fake_zalo.sent == [] and fake_rasa.turns == []


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("   \n ", WORDS.say("empty")),
        ("\x00\x01", WORDS.say("empty")),
        (" / ", WORDS.say("empty")),
        ("á" * (MAX_MESSAGE + 1), WORDS.say("too_long", limit=MAX_MESSAGE)),
    ],
)
async def test_empty_and_overlong_texts_are_refused_politely(
    parts: ZaloParts, fake_zalo: FakeZalo, fake_rasa: FakeRasa, text: str, answer: str
) -> None:
    await deliver(parts, text_event(text, "m1"))
    assert fake_zalo.texts_to(USER) == [answer] and fake_rasa.turns == []


async def test_typed_text_never_names_an_intent(parts: ZaloParts, fake_rasa: FakeRasa) -> None:
    await deliver(parts, text_event("/request_human", "m1"))
    await deliver(parts, text_event(' /inform{"software":"kyso"}', "m2"))
    assert fake_rasa.messages == ["request_human", 'inform{"software":"kyso"}']


async def test_control_characters_are_dropped_before_rasa(
    parts: ZaloParts, fake_rasa: FakeRasa
) -> None:
    await deliver(parts, text_event("ký\x00 số\x1b[31m\tlỗi\r\n", "m1"))
    assert fake_rasa.messages == ["ký số[31m\tlỗi\n"]


async def test_an_unreachable_user_is_logged_without_crashing(
    parts: ZaloParts, fake_zalo: FakeZalo, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    fake_zalo.unreachable.add(USER)
    assert await deliver(parts, text_event("Gọi 0912345678 giúp tôi", "m1")) == 200
    assert "cannot deliver the answer to m1" in caplog.text
    assert USER not in caplog.text and "0912345678" not in caplog.text


async def test_logs_hold_no_text_ids_phone_numbers_or_tokens(
    parts: ZaloParts, fake_zalo: FakeZalo, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await deliver(parts, text_event("Số của tôi là 0912345678", "m1"))
    fake_zalo.reject_tokens = True
    await deliver(parts, text_event("Số của tôi là 0912345678", "m2"))
    await deliver(parts, text_event("x", "m3"), header="forged")
    text = caplog.text
    assert "0912345678" not in text and USER not in text
    assert "access-" not in text and "refresh-" not in text
    assert "Số của tôi" not in text


async def test_a_number_typed_right_after_the_question_answers_that_question(
    parts: ZaloParts, fake_rasa: FakeRasa
) -> None:
    fake_rasa.delay = 0.2
    for text, msg_id in [(MENU, "m1"), ("3", "m2")]:
        raw, header = signed(text_event(text, msg_id))
        assert await parts.webhook.handle(raw, header) == 200
    await parts.webhook.drain()
    assert fake_rasa.messages == [MENU, '/inform{"software":"thucongvu"}']


async def test_the_notifiers_rating_question_is_answered_by_number_at_the_gateway(
    parts: ZaloParts,
    settings: ZaloSettings,
    sqlite_engine: Engine,
    http: httpx.AsyncClient,
    fake_zalo: FakeZalo,
    fake_rasa: FakeRasa,
) -> None:
    # The notifier's own Zalo channel, as `helpdesk notifier` builds it, on the same store.
    notifier = build_channel(settings, sqlite_engine, http, ChoiceMemory(SqlState(sqlite_engine)))
    await notifier.send(f"zalo-{USER}", rating_question("HT-000123", "Không ký số được"))
    assert "5. " in fake_zalo.texts_to(USER)[-1]

    await deliver(parts, text_event("5", "m-rating"))

    assert fake_rasa.messages[-1] == rating_payload("HT-000123", "5")
