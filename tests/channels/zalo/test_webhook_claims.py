"""The webhook claims an event before it answers, refuses replays, and forgets old claims."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.engine import Engine

from bot.channels.zalo.seen import SeenUpdates
from bot.channels.zalo.settings import ZaloSettings
from bot.channels.zalo.webhook import REPLAY_WINDOW
from bot.channels.zalo.wiring import ZaloParts, build_zalo
from bot.store.schema import seen_updates
from tests.channels.zalo.conftest import USER, signed, text_event
from tests.channels.zalo.fake_rasa import FakeRasa
from tests.channels.zalo.fake_zalo import FakeZalo
from tests.channels.zalo.test_webhook import claims, deliver


def stamped(seconds_from_now: float) -> str:
    """A Zalo timestamp (milliseconds) that many seconds from now."""
    return str(int((time.time() + seconds_from_now) * 1000))


@contextmanager
def store_broken(engine: Engine) -> Iterator[None]:
    """The claims table out of reach (as in a broken or half-restored store), then back."""
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE seen_updates RENAME TO seen_updates_away"))
    try:
        yield
    finally:
        with engine.begin() as connection:
            connection.execute(text("ALTER TABLE seen_updates_away RENAME TO seen_updates"))


async def test_the_event_is_claimed_before_the_webhook_answers(
    settings: ZaloSettings, sqlite_engine: Engine, http: httpx.AsyncClient
) -> None:
    scheduled: list[Any] = []
    async with FakeRasa().client() as rasa_http:
        parts = build_zalo(
            settings, sqlite_engine, http=http, rasa_http=rasa_http, schedule=scheduled.append
        )
        raw, header = signed(text_event("xin chào", "m-claimed"))
        assert await parts.webhook.handle(raw, header) == 200
        # Nothing has run yet, and the claim is already committed.
        assert claims(sqlite_engine) == 1 and len(scheduled) == 1
        scheduled[0].close()


async def test_a_store_that_cannot_take_the_claim_answers_503_and_the_redelivery_is_handled(
    settings: ZaloSettings,
    any_engine: Engine,
    http: httpx.AsyncClient,
    fake_zalo: FakeZalo,
    caplog: pytest.LogCaptureFixture,
) -> None:
    rasa = FakeRasa()
    async with rasa.client() as rasa_http:
        parts = build_zalo(settings, any_engine, http=http, rasa_http=rasa_http)
        raw, header = signed(text_event("Không ký số được", "m-outage"))
        with store_broken(any_engine):
            answer = await parts.webhook.answer(raw, header)
            await parts.webhook.drain()
        assert (answer.status, answer.dropped) == (503, "store_unavailable")
        assert rasa.messages == [] and fake_zalo.sent == []
        assert "could not claim a Zalo event (m-outage)" in caplog.text

        # Zalo delivers it again, once the store is back: answered once.
        assert await parts.webhook.handle(raw, header) == 200
        assert await parts.webhook.handle(raw, header) == 200
        await parts.webhook.drain()
    assert rasa.messages == ["Không ký số được"]
    assert fake_zalo.texts_to(USER) == ["Không ký số được"]


@pytest.mark.parametrize("offset", [-REPLAY_WINDOW.total_seconds() - 60, 3600.0])
async def test_a_signed_event_outside_the_time_window_is_refused_as_a_replay(
    parts: ZaloParts, sqlite_engine: Engine, fake_rasa: FakeRasa, offset: float
) -> None:
    raw, header = signed(text_event("xin chào", "m-replay", timestamp=stamped(offset)))
    answer = await parts.webhook.answer(raw, header)
    await parts.webhook.drain()
    assert (answer.status, answer.dropped) == (403, "replay")
    assert fake_rasa.turns == [] and claims(sqlite_engine) == 0


@pytest.mark.parametrize("stamp", ["", "soon", "-1000", "1" * 30])
async def test_a_signed_event_without_a_readable_time_is_refused(
    parts: ZaloParts, fake_rasa: FakeRasa, stamp: str
) -> None:
    body = text_event("xin chào", "m-time")
    body["timestamp"] = stamp
    raw, header = signed(body)
    assert await parts.webhook.handle(raw, header) == 403


async def test_an_event_a_little_late_or_early_is_taken(
    parts: ZaloParts, fake_rasa: FakeRasa
) -> None:
    for n, offset in enumerate((-REPLAY_WINDOW.total_seconds() + 30, 60.0)):
        raw, header = signed(text_event(f"câu {n}", f"m-{n}", timestamp=stamped(offset)))
        assert await parts.webhook.handle(raw, header) == 200
    await parts.webhook.drain()
    assert fake_rasa.messages == ["câu 0", "câu 1"]


async def test_claims_older_than_a_week_are_pruned_and_other_channels_kept(
    parts: ZaloParts, sqlite_engine: Engine
) -> None:
    old = datetime.utcnow() - timedelta(days=8)
    recent = datetime.utcnow() - timedelta(days=6)
    rows = [("zalo", "m-old", old), ("zalo", "m-recent", recent), ("telegram", "42", old)]
    with sqlite_engine.begin() as connection:
        for channel, update_id, seen_at in rows:
            connection.execute(
                insert(seen_updates).values(channel=channel, update_id=update_id, seen_at=seen_at)
            )

    raw, header = signed(text_event("xin chào", "m-new"))
    assert await parts.webhook.handle(raw, header) == 200
    await parts.webhook.drain()

    query = select(seen_updates.c.channel, seen_updates.c.update_id)
    with sqlite_engine.connect() as connection:
        left = {(row.channel, row.update_id) for row in connection.execute(query)}
    assert left == {("zalo", "m-recent"), ("zalo", "m-new"), ("telegram", "42")}


async def test_old_claims_can_be_pruned(parts: ZaloParts, sqlite_engine: Engine) -> None:
    await deliver(parts, text_event("xin chào", "m1"))
    seen = SeenUpdates(sqlite_engine)
    assert seen.prune(datetime.utcnow() - timedelta(days=1)) == 0
    assert seen.prune(datetime.utcnow() + timedelta(seconds=1)) == 1
    assert seen.claim("m1") and not seen.claim("m1")
