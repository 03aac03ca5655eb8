"""The flood limiter: one message a second per chat, a pace overall, RetryAfter honoured."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.channels.telegram.ratelimit import TelegramRateLimiter


class Recorder:
    """A request callback that records when it ran, failing with RetryAfter when told to."""

    def __init__(self, flood: int = 0, retry_after: int = 1) -> None:
        self.sent: list[tuple[Any, float]] = []
        self.flood = flood
        self.retry_after = retry_after

    async def __call__(self, label: Any) -> bool:
        if self.flood:
            self.flood -= 1
            raise RetryAfter(self.retry_after)
        self.sent.append((label, time.monotonic()))
        return True


async def send(
    limiter: TelegramRateLimiter, recorder: Recorder, chat: Any, label: Any, endpoint: str
) -> Any:
    return await limiter.process_request(recorder, (label,), {}, endpoint, {"chat_id": chat}, None)


async def test_one_chat_gets_a_message_per_interval_in_order() -> None:
    limiter, recorder = TelegramRateLimiter(chat_interval=0.2), Recorder()

    await asyncio.wait_for(
        asyncio.gather(*(send(limiter, recorder, 1, n, "sendMessage") for n in range(4))), 10
    )

    assert [label for label, _ in recorder.sent] == [0, 1, 2, 3]
    gaps = [b - a for (_, a), (_, b) in zip(recorder.sent, recorder.sent[1:], strict=False)]
    assert all(gap >= 0.19 for gap in gaps), gaps


async def test_different_chats_do_not_wait_for_each_other() -> None:
    limiter, recorder = TelegramRateLimiter(chat_interval=5.0), Recorder()
    started = time.monotonic()

    await asyncio.wait_for(
        asyncio.gather(*(send(limiter, recorder, chat, chat, "sendMessage") for chat in range(5))),
        10,
    )

    assert time.monotonic() - started < 1.0


async def test_the_overall_pace_holds_across_chats() -> None:
    limiter, recorder = TelegramRateLimiter(overall_per_second=50, chat_interval=0), Recorder()
    started = time.monotonic()

    await asyncio.wait_for(
        asyncio.gather(*(send(limiter, recorder, c, c, "sendMessage") for c in range(26))), 10
    )

    assert time.monotonic() - started >= 0.48  # 25 gaps of 1/50 s
    times = sorted(at for _, at in recorder.sent)
    assert all(
        sum(1 for t in times if start <= t < start + 0.2) <= 11 for start in times
    )  # about 50 a second, never a burst


async def test_retry_after_pauses_every_chat_and_retries() -> None:
    limiter, recorder = TelegramRateLimiter(chat_interval=0), Recorder(flood=1, retry_after=1)
    started = time.monotonic()

    first = asyncio.ensure_future(send(limiter, recorder, 1, "first", "sendMessage"))
    await asyncio.sleep(0.05)
    await asyncio.wait_for(send(limiter, recorder, 2, "second", "sendMessage"), 10)
    assert await asyncio.wait_for(first, 10) is True

    assert {label for label, _ in recorder.sent} == {"first", "second"}
    assert all(at - started >= 0.95 for _, at in recorder.sent)


async def test_retry_after_past_the_retries_is_raised() -> None:
    limiter, recorder = TelegramRateLimiter(max_retries=1), Recorder(flood=5, retry_after=0)

    with pytest.raises(RetryAfter):
        await asyncio.wait_for(send(limiter, recorder, 1, "x", "sendMessage"), 10)


@pytest.mark.parametrize("endpoint", ["answerCallbackQuery", "sendChatAction", "getMe"])
async def test_answers_and_typing_go_out_at_once(endpoint: str) -> None:
    limiter, recorder = TelegramRateLimiter(chat_interval=10.0), Recorder()
    await send(limiter, recorder, 1, "message", "sendMessage")
    started = time.monotonic()

    await asyncio.wait_for(send(limiter, recorder, 1, "other", endpoint), 10)

    assert time.monotonic() - started < 0.5


async def test_settings_must_make_sense() -> None:
    with pytest.raises(ValueError):
        TelegramRateLimiter(overall_per_second=0)
    limiter = TelegramRateLimiter()
    await limiter.initialize()
    await limiter.shutdown()
