"""Long polling: getUpdates in a loop, for offices Telegram's webhook cannot reach.

Why it looks like this:
- Each update is claimed in the store before the offset moves past it; when the store cannot
  be reached the offset stays and the same updates are fetched again later.
- Updates are processed concurrently (the service keeps each chat's in order), up to
  MAX_RUNNING at once; on stopping, those in flight get STOP_GRACE_SECONDS to finish.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError
from telegram import Update
from telegram.error import InvalidToken, TelegramError

from bot.channels.telegram.updates import ALLOWED_UPDATES
from bot.channels.telegram.waiting import FIRST_BACKOFF, Stopped, pause, unless_stopped

if TYPE_CHECKING:
    from bot.channels.telegram.service import TelegramService

log = logging.getLogger(__name__)

MAX_RUNNING = 64
STOP_GRACE_SECONDS = 15.0


async def poll_updates(service: TelegramService, timeout: int, stop: asyncio.Event) -> None:
    """Fetch updates with getUpdates and handle them until `stop` is set."""
    if not await service.keep_starting(stop) or not await _delete_webhook(service, stop):
        return
    bot = service.application.bot
    offset: int | None = None
    delay = FIRST_BACKOFF
    running: set[asyncio.Task[None]] = set()
    try:
        while not stop.is_set():
            try:
                updates = await unless_stopped(
                    bot.get_updates(
                        offset=offset,
                        timeout=timeout,
                        allowed_updates=list(ALLOWED_UPDATES),
                    ),
                    stop,
                )
            except Stopped:
                break
            except InvalidToken:
                log.error("Telegram refused the bot token: polling stops")
                break
            except TelegramError as error:
                log.warning("getUpdates failed (%s); trying again", type(error).__name__)
                delay = await pause(stop, delay)
                continue
            delay = FIRST_BACKOFF
            for update in updates:
                try:
                    fresh = await service.claim(update.update_id)
                except SQLAlchemyError as error:
                    log.error("the store could not be reached (%s)", type(error).__name__)
                    delay = await pause(stop, delay)
                    break
                offset = update.update_id + 1
                if not fresh:
                    continue
                while len(running) >= MAX_RUNNING:
                    await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                task = asyncio.create_task(_process_logged(service, update))
                running.add(task)
                task.add_done_callback(running.discard)
    finally:
        if running:
            await asyncio.wait(running, timeout=STOP_GRACE_SECONDS)
        for task in running:
            task.cancel()


async def _process_logged(service: TelegramService, update: Update) -> None:
    try:
        await service.process(update)
    except Exception as error:
        log.error("a polled update failed (%s)", type(error).__name__, exc_info=error)


async def _delete_webhook(service: TelegramService, stop: asyncio.Event) -> bool:
    """Remove any webhook (getUpdates is refused while one is set), retrying until `stop`."""
    delay = FIRST_BACKOFF
    while not stop.is_set():
        try:
            await service.application.bot.delete_webhook()
            return True
        except TelegramError as error:
            log.warning("the webhook could not be removed (%s)", type(error).__name__)
            delay = await pause(stop, delay)
    return False
