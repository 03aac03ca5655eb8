"""A thousand hostile updates: each is answered or refused, and nothing crashes."""

from __future__ import annotations

import asyncio
import json
import logging
import random
from typing import Any

import pytest

from tests.channels.telegram.fakes import (
    SECRET,
    FakeRasa,
    FakeTelegram,
    Gateway,
    callback_update,
    message_update,
)

COUNT = 1000
FIRST_CHAT = 100_000


def hostile_text(rng: random.Random) -> str:
    """Text meant to break something: odd Unicode, control characters, markup, sheer size."""
    kind = rng.randrange(8)
    if kind == 0:  # any code point at all, lone surrogates included
        return "".join(chr(rng.randrange(0x110000)) for _ in range(rng.randrange(1, 200)))
    if kind == 1:  # control characters and invisible ones
        pool = [chr(c) for c in range(32)] + ["\x7f", "\u200b", "\u202e", "\ufeff", "\u2028"]
        return "".join(rng.choice([*pool, "a", " "]) for _ in range(rng.randrange(1, 100)))
    if kind == 2:  # markup of every kind Telegram parses
        pieces = "<b> </i> <a_href='x'> & &amp; &#0; * _ ` ``` [x](y) ** __ ~ | \\ < > </b &lt"
        return " ".join(rng.choice(pieces.split()) for _ in range(rng.randrange(1, 60)))
    if kind == 3:  # huge: over the message limit, sometimes over the body limit
        return rng.choice(["a", "ầ", "😀", "\n"]) * rng.choice([4001, 20_000, 70_000, 300_000])
    if kind == 4:  # emoji, combining marks, right-to-left
        return "".join(rng.choice(["😀", "👍🏽", "e\u0301\u0302\u0303", "\u202eabc", "🇻🇳"]) * 30)
    if kind == 5:  # commands and intents in disguise
        return rng.choice(["/", "/affirm", "/start@other_bot x", "/" * 50, "/ticket_status{}"])
    if kind == 6:  # blank
        return rng.choice(["", " ", "\n\n\n", "\t"])
    return "Tôi không đăng nhập được <vào> phần mềm & không ký số được *gấp*"


def hostile_update(rng: random.Random, number: int) -> dict[str, Any] | str:
    """An update (or a raw body) of a random hostile shape for chat FIRST_CHAT + `number`."""
    chat = FIRST_CHAT + number
    shape = rng.randrange(10)
    if shape <= 4:
        return message_update(hostile_text(rng), chat_id=chat)
    if shape == 5:
        data = hostile_text(rng)[:200] or "x"
        return callback_update(data, chat_id=chat)
    if shape == 6:  # a message whose fields have the wrong types
        update = message_update("x", chat_id=chat)
        field = rng.choice(["chat", "from", "text", "date", "entities"])
        update["message"][field] = rng.choice([None, "x", 12, [], {"id": "x"}, -1.5])
        return update
    if shape == 7:  # entities pointing anywhere
        return message_update(
            hostile_text(rng)[:100],
            chat_id=chat,
            entities=[{"type": "bot_command", "offset": rng.randrange(-5, 500), "length": 9999}],
        )
    if shape == 8:  # not an update at all
        return rng.choice(["{", "null", "[]", '"x"', '{"update_id": 1e999}', "\x00" * 10])
    return {"update_id": rng.randrange(10**6, 10**7), rng.choice(["poll", "x", "message"]): {}}


@pytest.mark.filterwarnings("ignore")  # garbage fields make python-telegram-bot warn
async def test_a_thousand_hostile_updates_are_each_answered_or_refused(
    gateway: Gateway,
    fake_telegram: FakeTelegram,
    fake_rasa: FakeRasa,
    caplog: pytest.LogCaptureFixture,
) -> None:
    rng = random.Random(20261122)
    bodies = [hostile_update(rng, n) for n in range(COUNT)]
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    statuses: dict[int, int] = {}
    outcomes: dict[int, str] = {}
    semaphore = asyncio.Semaphore(32)

    async def post(number: int, body: dict[str, Any] | str) -> None:
        raw = body if isinstance(body, str) else json.dumps(body)
        async with semaphore:
            response = await gateway.client.post(
                "/telegram", content=raw.encode("utf-8", "surrogatepass"), headers=headers
            )
        statuses[number] = response.status_code
        if response.status_code == 200:
            outcomes[number] = response.json()["outcome"]

    with caplog.at_level(logging.WARNING):
        await asyncio.wait_for(
            asyncio.gather(*(post(n, b) for n, b in enumerate(bodies))), timeout=240
        )

    assert set(statuses.values()) <= {200, 400, 413}, statuses
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
    answered = {int(p["chat_id"]) for p in fake_telegram.of("sendMessage")}
    for number, body in enumerate(bodies):
        if outcomes.get(number) != "handled" or not isinstance(body, dict):
            continue
        message = body.get("message")
        if "callback_query" in body or (
            isinstance(message, dict)
            and isinstance(message.get("chat"), dict)
            and message["chat"].get("id") == FIRST_CHAT + number
        ):
            assert FIRST_CHAT + number in answered, body
    # Still healthy afterwards.
    response = await gateway.post_update(message_update("còn đó không?", chat_id=42))
    assert response.status_code == 200
    assert fake_telegram.texts(42) == ["Anh/chị hỏi: còn đó không?"]
