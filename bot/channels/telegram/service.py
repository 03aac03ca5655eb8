"""The Telegram side of the gateway: startup, the webhook's updates, and long polling.

Why it looks like this:
- python-telegram-bot's `Application` is built without an `Updater` (its custom webhook
  example's shape): the gateway's own web app receives the webhook, and polling is a small loop
  here. Both paths end in `handle_update`: claim the update id in the store, then let the
  application's handlers process it, one update at a time per chat so replies keep their order.
- A webhook request carries Telegram's secret token in a header; it is compared in constant time
  and a wrong or missing one is refused before anything is parsed.
- Startup (getMe, the command menu, the webhook address if configured) is retried in the
  background when Telegram cannot be reached, so the web chat and health check still serve.
- Polling claims each update before moving the offset past it; when the store cannot be
  reached the offset stays and the same updates are fetched again later.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from collections.abc import AsyncIterator, Awaitable
from enum import Enum
from typing import Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError
from telegram import Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application

from bot.channels.telegram.channel import CHANNEL, TelegramChannel
from bot.channels.telegram.claims import UpdateClaims
from bot.channels.telegram.handlers import AnyApplication, TelegramHandlers, bot_commands
from bot.channels.telegram.ratelimit import TelegramRateLimiter
from bot.channels.telegram.render import CallbackPayloads
from bot.channels.telegram.staff_handlers import StaffHandlers
from bot.channels.telegram.staff_wiring import build_staff_handlers
from bot.channels.telegram.trainer_files import file_base_url
from bot.channels.telegram.trainer_handlers import TrainerHandlers
from bot.gateway.metrics import Metrics
from bot.gateway.rasa import RasaSender

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ("message", "edited_message", "callback_query")
MAX_UPDATE_ID = 2**53
# How many updates polling handles at once, and how long it waits for them when it stops.
MAX_RUNNING = 64
STOP_GRACE_SECONDS = 15.0
FIRST_BACKOFF, LAST_BACKOFF = 1.0, 60.0

T = TypeVar("T")


class Outcome(Enum):
    """What became of an update given to `handle`."""

    HANDLED = "handled"
    DUPLICATE = "duplicate"
    INVALID = "invalid"


class _Stopped(Exception):
    """The stop event was set while waiting."""


class TelegramService:
    """Telegram for one gateway process: an initialized application, its claims, its webhook."""

    def __init__(
        self,
        application: AnyApplication,
        claims: UpdateClaims,
        metrics: Metrics,
        webhook_secret: str,
        payloads: CallbackPayloads | None = None,
        webhook_url: str | None = None,
        poll_timeout: int = 25,
        staff: StaffHandlers | None = None,
        trainers: TrainerHandlers | None = None,
    ) -> None:
        """Process updates with `application` (handlers installed), once each per `claims`."""
        if not webhook_secret:
            raise ValueError("a webhook secret is required")
        self._application = application
        self._claims = claims
        self._metrics = metrics
        self._secret = webhook_secret.encode("utf-8")
        self._payloads = payloads or CallbackPayloads()
        self._webhook_url = webhook_url
        self._poll_timeout = poll_timeout
        self._staff = staff
        self._trainers = trainers
        self._ready = False
        self._locks: dict[int | None, asyncio.Lock] = {}
        self._lock_users: dict[int | None, int] = {}

    @property
    def ready(self) -> bool:
        """Whether startup succeeded, so updates can be processed."""
        return self._ready

    @property
    def application(self) -> AnyApplication:
        """The python-telegram-bot application (its bot sends every message)."""
        return self._application

    def channel(self) -> TelegramChannel:
        """A notifier channel sending through this service's bot and payload map."""
        return TelegramChannel(self._application.bot, self._payloads, self._metrics)

    async def start(self) -> None:
        """Check the token (getMe), set the command menu and, if configured, the webhook."""
        await self._application.initialize()
        bot = self._application.bot
        try:
            await bot.set_my_commands(bot_commands())
            if self._staff is not None:
                await self._staff.set_menu(bot)
            if self._trainers is not None:
                await self._trainers.set_menu(bot)
        except TelegramError as error:
            log.warning("the bot's command menu could not be set (%s)", type(error).__name__)
        if self._webhook_url:
            await bot.set_webhook(
                self._webhook_url,
                secret_token=self._secret.decode("utf-8"),
                allowed_updates=list(ALLOWED_UPDATES),
            )
        try:
            removed = await self._claims.prune()
        except SQLAlchemyError as error:
            log.warning("old Telegram update claims were not pruned (%s)", type(error).__name__)
        else:
            log.info("forgot %d Telegram update claims older than a week", removed)
        self._ready = True

    async def keep_starting(self, stop: asyncio.Event) -> bool:
        """Try `start` until it succeeds or `stop` is set; whether it succeeded."""
        delay = FIRST_BACKOFF
        while not self._ready and not stop.is_set():
            try:
                await self.start()
            except InvalidToken:
                log.error("Telegram refused the bot token: check HELPDESK_TELEGRAM_TOKEN")
                return False
            except (TelegramError, OSError) as error:
                log.warning(
                    "Telegram could not be reached at startup (%s); trying again in %.0f s",
                    type(error).__name__,
                    delay,
                )
                with contextlib.suppress(_Stopped):
                    await _unless_stopped(asyncio.sleep(delay), stop)
                delay = min(delay * 2, LAST_BACKOFF)
        return self._ready

    async def stop(self) -> None:
        """Release the bot's connections (and the staff group's desk client)."""
        self._ready = False
        if self._trainers is not None:
            await self._trainers.aclose()  # announcements in flight still need the bot
        with contextlib.suppress(RuntimeError):
            await self._application.shutdown()
        if self._staff is not None:
            await self._staff.aclose()

    def secret_matches(self, header: str | None) -> bool:
        """Whether a webhook request's secret header is ours (compared in constant time)."""
        if header is None:
            return False
        try:
            given = header.encode("latin-1")
        except UnicodeEncodeError:
            return False
        return hmac.compare_digest(given, self._secret)

    async def handle(self, data: object) -> Outcome:
        """Process the JSON of one update from the webhook, unless it was handled before."""
        if not isinstance(data, dict):
            return self._invalid()
        update_id = data.get("update_id")
        if not isinstance(update_id, int) or isinstance(update_id, bool):
            return self._invalid()
        if not 0 <= update_id < MAX_UPDATE_ID:
            return self._invalid()
        try:
            update = Update.de_json(data, self._application.bot)
            readable = _well_formed(update)
        except Exception as error:  # Telegram never sends these; a forged body might.
            log.warning("an update could not be read (%s)", type(error).__name__)
            return self._invalid()
        if not readable:
            log.warning("an update with fields of the wrong type was dropped")
            return self._invalid()
        return Outcome.HANDLED if await self.handle_update(update) else Outcome.DUPLICATE

    async def handle_update(self, update: Update) -> bool:
        """Claim `update` and process it; False if another delivery claimed it first."""
        if not await self._claims.claim(update.update_id):
            self._metrics.update_dropped(CHANNEL, "duplicate")
            return False
        await self.process(update)
        return True

    async def process(self, update: Update) -> None:
        """Run the handlers on a claimed `update`, after earlier updates of the same chat."""
        chat = update.effective_chat.id if update.effective_chat else None
        async with self._chat_lock(chat):
            await self._application.process_update(update)

    async def poll(self, stop: asyncio.Event) -> None:
        """Fetch updates with getUpdates and handle them until `stop` is set."""
        if not await self.keep_starting(stop) or not await self._delete_webhook(stop):
            return
        bot = self._application.bot
        offset: int | None = None
        delay = FIRST_BACKOFF
        running: set[asyncio.Task[None]] = set()
        try:
            while not stop.is_set():
                try:
                    updates = await _unless_stopped(
                        bot.get_updates(
                            offset=offset,
                            timeout=self._poll_timeout,
                            allowed_updates=list(ALLOWED_UPDATES),
                        ),
                        stop,
                    )
                except _Stopped:
                    break
                except InvalidToken:
                    log.error("Telegram refused the bot token: polling stops")
                    break
                except TelegramError as error:
                    log.warning("getUpdates failed (%s); trying again", type(error).__name__)
                    delay = await _pause(stop, delay)
                    continue
                delay = FIRST_BACKOFF
                for update in updates:
                    try:
                        fresh = await self._claims.claim(update.update_id)
                    except SQLAlchemyError as error:
                        log.error("the store could not be reached (%s)", type(error).__name__)
                        delay = await _pause(stop, delay)
                        break
                    offset = update.update_id + 1
                    if not fresh:
                        self._metrics.update_dropped(CHANNEL, "duplicate")
                        continue
                    while len(running) >= MAX_RUNNING:
                        await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                    task = asyncio.create_task(self._process_logged(update))
                    running.add(task)
                    task.add_done_callback(running.discard)
        finally:
            if running:
                await asyncio.wait(running, timeout=STOP_GRACE_SECONDS)
            for task in running:
                task.cancel()

    async def _process_logged(self, update: Update) -> None:
        try:
            await self.process(update)
        except Exception as error:
            log.error("a polled update failed (%s)", type(error).__name__, exc_info=error)

    async def _delete_webhook(self, stop: asyncio.Event) -> bool:
        """Remove any webhook (getUpdates is refused while one is set), retrying until `stop`."""
        delay = FIRST_BACKOFF
        while not stop.is_set():
            try:
                await self._application.bot.delete_webhook()
                return True
            except TelegramError as error:
                log.warning("the webhook could not be removed (%s)", type(error).__name__)
                delay = await _pause(stop, delay)
        return False

    @contextlib.asynccontextmanager
    async def _chat_lock(self, chat: int | None) -> AsyncIterator[None]:
        lock = self._locks.setdefault(chat, asyncio.Lock())
        self._lock_users[chat] = self._lock_users.get(chat, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._lock_users[chat] -= 1
            if not self._lock_users[chat]:
                del self._lock_users[chat], self._locks[chat]

    def _invalid(self) -> Outcome:
        self._metrics.update_dropped(CHANNEL, "invalid")
        return Outcome.INVALID


def build_service(
    token: str,
    webhook_secret: str,
    rasa: RasaSender,
    metrics: Metrics,
    claims: UpdateClaims,
    base_url: str = "https://api.telegram.org/bot",
    webhook_url: str | None = None,
    rate_limiter: TelegramRateLimiter | None = None,
    poll_timeout: int = 25,
    trainers: TrainerHandlers | None = None,
) -> TelegramService:
    """A service whose bot calls `base_url` with `token` and passes messages to `rasa`."""
    application: AnyApplication = (
        Application.builder()
        .token(token)
        .base_url(base_url)
        .base_file_url(file_base_url(base_url))
        .updater(None)
        .rate_limiter(rate_limiter or TelegramRateLimiter())
        .connect_timeout(5.0)
        .read_timeout(10.0)
        .write_timeout(10.0)
        .pool_timeout(5.0)
        .build()
    )
    payloads = CallbackPayloads()
    # The staff group's handlers first: they take every update from that chat, so none of it
    # reaches the officials' handlers (and Rasa). Configured by HELPDESK_TELEGRAM_STAFF_*.
    staff = build_staff_handlers(metrics)
    if staff is not None:
        staff.install(application)
    # Then the trainers' (HELPDESK_TELEGRAM_TRAINER_IDS): files and their commands, never Rasa's.
    if trainers is not None:
        trainers.install(application)
    TelegramHandlers(rasa, metrics, payloads).install(application)
    return TelegramService(
        application,
        claims,
        metrics,
        webhook_secret,
        payloads,
        webhook_url,
        poll_timeout,
        staff,
        trainers=trainers,
    )


def _well_formed(update: Update) -> bool:
    """Whether the fields the handlers read have the types the Bot API gives them.

    python-telegram-bot builds objects from whatever JSON it gets, so a forged body can carry a
    number as a text or a string as a chat id.
    """
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    query = update.callback_query
    return (
        (chat is None or (_is_int(chat.id) and isinstance(chat.type, str)))
        and (
            user is None
            or (
                _is_int(user.id)
                and isinstance(user.first_name, str)
                and isinstance(user.last_name, str | None)
            )
        )
        and (
            message is None
            or (
                getattr(message, "chat", None) is not None
                and isinstance(getattr(message, "text", None), str | None)
            )
        )
        and (query is None or isinstance(query.data, str | None))
    )


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


async def _unless_stopped(work: Awaitable[T], stop: asyncio.Event) -> T:
    """The result of `work`, or `_Stopped` (with `work` cancelled) if `stop` is set first."""
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
        raise _Stopped
    return task.result()


async def _pause(stop: asyncio.Event, delay: float) -> float:
    """Wait `delay` seconds (less if `stop` is set); the next, longer delay."""
    with contextlib.suppress(_Stopped):
        await _unless_stopped(asyncio.sleep(delay), stop)
    return min(delay * 2, LAST_BACKOFF)
