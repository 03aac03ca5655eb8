"""A thousand hostile texts, and hostile event bodies: each answered or refused, none a crash."""

from __future__ import annotations

import json
import random
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.engine import Engine

from bot.channels.zalo.client import size
from bot.channels.zalo.wiring import ZaloParts, build_zalo
from tests.channels.zalo.conftest import settings_for, signed, text_event
from tests.channels.zalo.fake_rasa import FakeRasa
from tests.channels.zalo.fake_zalo import FakeZalo

COUNT = 1000
MARKUP = [
    "<script>alert(1)</script>",
    "**đậm** _nghiêng_ [liên kết](javascript:alert(1))",
    '{"event_name": "follow"}',
    "'; DROP TABLE seen_updates; --",
    "{{ template }} {% raw %} ${jndi:ldap://x}",
    "<b>Phần mềm</b>&nbsp;&#x1F600;",
    '/inform{"software": "qlvb"}',
    "\u202eđảo chiều\u202c \u200b\u200d\ufeff",
    "a\u0301\u0302\u0303\u0304\u0305" * 50,
    "1",
    "2",
    "99",
    "-1",
    "0",
]


def hostile_text(rng: random.Random) -> str:
    """One text an attacker, a broken keyboard or a cat on it might send."""
    kind = rng.randrange(6)
    if kind == 0:  # code points from anywhere, lone surrogates included
        return "".join(chr(rng.randrange(0x110000)) for _ in range(rng.randrange(1, 300)))
    if kind == 1:  # huge
        return rng.choice(["á", "😀", "x ", "Dòng\n", "\n\n"]) * rng.randrange(1000, 30000)
    if kind == 2:  # control characters
        return "".join(chr(rng.randrange(0, 0x20)) for _ in range(rng.randrange(1, 50))) + "ký"
    if kind == 3:
        return rng.choice(MARKUP)
    if kind == 4:  # whitespace only, or nothing
        return rng.choice(["", " ", "\n\t ", "\u3000", "\u00a0"])
    return "".join(rng.choice(MARKUP) for _ in range(rng.randrange(1, 40)))


@pytest.fixture
async def offline(sqlite_engine: Engine) -> AsyncIterator[tuple[ZaloParts, FakeZalo]]:
    """The Zalo parts on the fake Zalo in process (ASGI) and an echoing fake Rasa."""
    fake = FakeZalo()
    transport = httpx.ASGITransport(app=fake.app())
    async with (
        httpx.AsyncClient(transport=transport) as http,
        FakeRasa().client() as rasa_http,
    ):
        settings = settings_for(fake, "http://zalo.test")
        yield build_zalo(settings, sqlite_engine, http=http, rasa_http=rasa_http), fake


async def test_a_thousand_hostile_texts_are_each_answered_or_refused(
    offline: tuple[ZaloParts, FakeZalo],
) -> None:
    parts, fake = offline
    rng = random.Random(20261122)
    users = [f"{9000000000000000000 + n}" for n in range(COUNT)]
    for start in range(0, COUNT, 50):
        for n in range(start, start + 50):
            raw, header = signed(text_event(hostile_text(rng), f"hostile-{n}", users[n]))
            assert await parts.webhook.handle(raw, header) == 200
        await parts.webhook.drain()
    answered = {user for user, _ in fake.sent}
    assert answered == set(users)
    assert all(0 < size(text) < 2000 for _, text in fake.sent)


@pytest.mark.parametrize("seed", range(5))
async def test_hostile_event_bodies_with_valid_signatures_never_crash(
    offline: tuple[ZaloParts, FakeZalo], seed: int
) -> None:
    parts, _ = offline
    rng = random.Random(seed)
    values: list[object] = [None, True, 0, -1, 1.5, "", "x" * 5000, [], {}, {"id": []}, [{}]]
    keys = ["event_name", "sender", "follower", "message", "timestamp", "recipient", "app_id"]
    for n in range(100):
        body = text_event("xin chào", f"b-{seed}-{n}")
        for key in rng.sample(keys, rng.randrange(1, len(keys))):
            body[key] = rng.choice(values)
        raw = json.dumps(body).encode()
        _, header = signed(body)
        assert await parts.webhook.handle(raw, header) in (200, 403)
    await parts.webhook.drain()
