"""Waiting that ends early when the gateway stops: for Telegram, a pause, a backoff."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable
from typing import Any, TypeVar

FIRST_BACKOFF, LAST_BACKOFF = 1.0, 60.0

T = TypeVar("T")


class Stopped(Exception):
    """The stop event was set while waiting."""


async def unless_stopped(work: Awaitable[T], stop: asyncio.Event) -> T:
    """The result of `work`, or `Stopped` (with `work` cancelled) if `stop` is set first."""
    task: asyncio.Future[T] = asyncio.ensure_future(work)
    stopper: asyncio.Future[bool] = asyncio.ensure_future(stop.wait())
    try:
        both: set[asyncio.Future[Any]] = {task, stopper}
        await asyncio.wait(both, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:
        task.cancel()
        raise
    finally:
        stopper.cancel()
    if not task.done():
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
        raise Stopped
    return task.result()


async def pause(stop: asyncio.Event, delay: float) -> float:
    """Wait `delay` seconds (less if `stop` is set); the next, longer delay."""
    with contextlib.suppress(Stopped):
        await unless_stopped(asyncio.sleep(delay), stop)
    return min(delay * 2, LAST_BACKOFF)
