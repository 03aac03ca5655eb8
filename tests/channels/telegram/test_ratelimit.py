"""The bots' flood limiter as configured: RetryAfter waited out, then given up; groups paced."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter

from bot.channels.telegram.channel import telegram_rate_limiter

GROUP = -100123


class Recorder:
    """A request callback that records when it ran, refused with RetryAfter `flood` times first."""

    def __init__(self, flood: int = 0, retry_after: int = 1) -> None:
        self.sent: list[tuple[Any, float]] = []
        self.calls = 0
        self.flood = flood
        self.retry_after = retry_after
        self.refused = asyncio.Event()

    async def __call__(self, label: Any) -> bool:
        self.calls += 1
        if self.flood:
            self.flood -= 1
            self.refused.set()
            raise RetryAfter(self.retry_after)
        self.sent.append((label, time.monotonic()))
        return True


async def send(
    limiter: AIORateLimiter,
    recorder: Recorder,
    label: Any,
    data: dict[str, Any],
    endpoint: str = "sendMessage",
) -> Any:
    return await limiter.process_request(recorder, (label,), {}, endpoint, data, None)


async def test_flood_control_pauses_every_chat_and_the_request_is_made_again() -> None:
    limiter, recorder = telegram_rate_limiter(), Recorder(flood=1, retry_after=1)

    first = asyncio.ensure_future(send(limiter, recorder, "first", {"chat_id": 1}))
    await asyncio.wait_for(recorder.refused.wait(), 10)
    refused_at = time.monotonic()
    await asyncio.wait_for(send(limiter, recorder, "second", {"chat_id": 2}), 10)

    assert await asyncio.wait_for(first, 10) is True
    assert {label for label, _ in recorder.sent} == {"first", "second"}
    assert all(at - refused_at >= 0.95 for _, at in recorder.sent)


async def test_flood_control_past_three_retries_is_raised() -> None:
    limiter, recorder = telegram_rate_limiter(), Recorder(flood=10, retry_after=0)

    with pytest.raises(RetryAfter):
        await asyncio.wait_for(send(limiter, recorder, "x", {"chat_id": 1}), 10)

    assert recorder.calls == 4


async def test_a_group_gets_one_message_per_interval_in_order() -> None:
    limiter, recorder = telegram_rate_limiter(group_interval=0.2), Recorder()

    await asyncio.wait_for(
        asyncio.gather(*(send(limiter, recorder, n, {"chat_id": GROUP}) for n in range(4))), 10
    )

    assert [label for label, _ in recorder.sent] == [0, 1, 2, 3]
    gaps = [b - a for (_, a), (_, b) in zip(recorder.sent, recorder.sent[1:], strict=False)]
    assert all(gap >= 0.19 for gap in gaps), gaps


async def test_different_groups_do_not_wait_for_each_other() -> None:
    limiter, recorder = telegram_rate_limiter(group_interval=5.0), Recorder()
    started = time.monotonic()

    await asyncio.wait_for(
        asyncio.gather(*(send(limiter, recorder, c, {"chat_id": GROUP - c}) for c in range(5))),
        10,
    )

    assert time.monotonic() - started < 1.0


async def test_the_overall_pace_holds_across_chats_after_a_burst() -> None:
    limiter, recorder = telegram_rate_limiter(overall_per_second=20), Recorder()
    started = time.monotonic()

    await asyncio.wait_for(
        asyncio.gather(*(send(limiter, recorder, c, {"chat_id": c}) for c in range(1, 31))), 10
    )

    # The bucket lets 20 through at once; the other 10 leak out at 20 a second.
    assert time.monotonic() - started >= 0.45
    assert len(recorder.sent) == 30


async def test_answering_a_button_press_is_not_paced() -> None:
    limiter, recorder = telegram_rate_limiter(group_interval=10.0), Recorder()
    await send(limiter, recorder, "message", {"chat_id": GROUP})
    started = time.monotonic()

    await asyncio.wait_for(
        send(limiter, recorder, "answer", {"callback_query_id": "1"}, "answerCallbackQuery"), 10
    )

    assert time.monotonic() - started < 0.5


def test_negative_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        telegram_rate_limiter(overall_per_second=-1)
    with pytest.raises(ValueError):
        telegram_rate_limiter(max_retries=-1)
