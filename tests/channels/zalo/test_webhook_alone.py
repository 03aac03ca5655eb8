"""The webhook alone, without a store: it answers before the work, and the work's failures
are logged, on the scheduler it is given."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pydantic import SecretStr

from bot.channels.zalo.events import ZaloEvent
from bot.channels.zalo.webhook import ZaloWebhook
from tests.channels.zalo.conftest import OA_SECRET, signed, text_event
from tests.channels.zalo.fake_zalo import APP_ID


async def first_time(event: ZaloEvent) -> bool:
    """A claim that takes every event (for webhooks tested without a store)."""
    return True


async def test_the_webhook_answers_before_the_event_is_processed() -> None:
    started, release = asyncio.Event(), asyncio.Event()
    done: list[ZaloEvent] = []

    async def slow(event: ZaloEvent) -> None:
        started.set()
        await release.wait()
        done.append(event)

    webhook = ZaloWebhook(
        app_id=APP_ID, oa_secret_key=SecretStr(OA_SECRET), claim=first_time, process=slow
    )
    raw, header = signed(text_event("xin chào", "m1"))
    assert await webhook.handle(raw, header) == 200
    await asyncio.wait_for(started.wait(), 5)
    assert done == []
    release.set()
    await webhook.drain()
    assert [event.msg_id for event in done] == ["m1"]


async def test_a_failing_processor_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    async def broken(event: ZaloEvent) -> None:
        raise RuntimeError("boom")

    webhook = ZaloWebhook(
        app_id=APP_ID, oa_secret_key=SecretStr(OA_SECRET), claim=first_time, process=broken
    )
    raw, header = signed(text_event("xin chào", "m1"))
    assert await webhook.handle(raw, header) == 200
    await webhook.drain()
    assert "failed to process a Zalo user_send_text event (m1)" in caplog.text


async def test_an_injected_scheduler_runs_the_work() -> None:
    scheduled: list[Any] = []
    seen: list[str] = []

    async def record(event: ZaloEvent) -> None:
        seen.append(event.msg_id)

    webhook = ZaloWebhook(
        app_id=APP_ID,
        oa_secret_key=SecretStr(OA_SECRET),
        claim=first_time,
        process=record,
        schedule=scheduled.append,
    )
    raw, header = signed(text_event("xin chào", "m9"))
    assert await webhook.handle(raw, header) == 200
    await scheduled[0]
    assert seen == ["m9"]
