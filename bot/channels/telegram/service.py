"""The Telegram side of the gateway: startup, the webhook's updates, and long polling.

Why it looks like this:
- python-telegram-bot's `Application` is built without an `Updater` (its custom webhook
  example's shape): the gateway's own web app receives the webhook, and polling is a small loop
  here. Both paths end in `handle_update`: claim the update id in the store, then let the
  application's handlers process it, one update at a time per chat so replies keep their order
  (across gateway replicas too, through `SharedTurns` when the shared state is given).
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
from collections.abc import AsyncIterator
from enum import Enum

from sqlalchemy.exc import SQLAlchemyError
from telegram import Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import AIORateLimiter, Application

from bot.channels.telegram.channel import CHANNEL, TelegramChannel, telegram_rate_limiter
from bot.channels.telegram.claims import UpdateClaims
from bot.channels.telegram.context import AnyApplication, bot_commands
from bot.channels.telegram.officials.handlers import TelegramHandlers
from bot.channels.telegram.polling import poll_updates
from bot.channels.telegram.render import CallbackPayloads
from bot.channels.telegram.staff.handlers import StaffHandlers
from bot.channels.telegram.staff.wiring import build_staff_handlers
from bot.channels.telegram.trainers.files import file_base_url
from bot.channels.telegram.trainers.handlers import TrainerHandlers
from bot.channels.telegram.updates import ALLOWED_UPDATES, well_formed
from bot.channels.telegram.waiting import FIRST_BACKOFF, LAST_BACKOFF, Stopped, unless_stopped
from bot.metrics import Metrics
from bot.rasa import Sender
from bot.store.shared_state import SharedState
from bot.store.shared_turns import SharedTurns

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_ID = 2**53


class Outcome(Enum):
    """What became of an update given to `handle`."""

    HANDLED = "handled"
    DUPLICATE = "duplicate"
    INVALID = "invalid"


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
        turns: SharedTurns | None = None,
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
        self._turns = turns
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
                with contextlib.suppress(Stopped):
                    await unless_stopped(asyncio.sleep(delay), stop)
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
            readable = well_formed(update)
        except Exception as error:  # Telegram never sends these; a forged body might.
            log.warning("an update could not be read (%s)", type(error).__name__)
            return self._invalid()
        if not readable:
            log.warning("an update with fields of the wrong type was dropped")
            return self._invalid()
        return Outcome.HANDLED if await self.handle_update(update) else Outcome.DUPLICATE

    async def handle_update(self, update: Update) -> bool:
        """Claim `update` and process it; False if another delivery claimed it first."""
        if not await self.claim(update.update_id):
            return False
        await self.process(update)
        return True

    async def claim(self, update_id: int) -> bool:
        """Claim the update in the store; False (and counted) if it was claimed before."""
        if await self._claims.claim(update_id):
            return True
        self._metrics.update_dropped(CHANNEL, "duplicate")
        return False

    async def process(self, update: Update) -> None:
        """Run the handlers on a claimed `update`, after earlier updates of the same chat."""
        chat = update.effective_chat.id if update.effective_chat else None
        async with self._chat_lock(chat):
            await self._application.process_update(update)

    @contextlib.asynccontextmanager
    async def _chat_lock(self, chat: int | None) -> AsyncIterator[None]:
        lock = self._locks.setdefault(chat, asyncio.Lock())
        self._lock_users[chat] = self._lock_users.get(chat, 0) + 1
        try:
            async with lock:
                if self._turns is None or chat is None:
                    yield
                else:
                    async with self._turns.turn(f"{CHANNEL}-{chat}"):
                        yield
        finally:
            self._lock_users[chat] -= 1
            if not self._lock_users[chat]:
                del self._lock_users[chat], self._locks[chat]

    async def poll(self, stop: asyncio.Event) -> None:
        """Fetch updates with getUpdates and handle them until `stop` is set."""
        await poll_updates(self, self._poll_timeout, stop)

    def _invalid(self) -> Outcome:
        self._metrics.update_dropped(CHANNEL, "invalid")
        return Outcome.INVALID


def build_service(
    token: str,
    webhook_secret: str,
    rasa: Sender,
    metrics: Metrics,
    claims: UpdateClaims,
    base_url: str = "https://api.telegram.org/bot",
    webhook_url: str | None = None,
    rate_limiter: AIORateLimiter | None = None,
    poll_timeout: int = 25,
    trainers: TrainerHandlers | None = None,
    state: SharedState | None = None,
) -> TelegramService:
    """A service whose bot calls `base_url` with `token` and passes messages to `rasa`.

    Long button payloads are shared in `state` (None: known to this process only).
    """
    application: AnyApplication = (
        Application.builder()
        .token(token)
        .base_url(base_url)
        .base_file_url(file_base_url(base_url))
        .updater(None)
        .rate_limiter(rate_limiter or telegram_rate_limiter())
        .connect_timeout(5.0)
        .read_timeout(10.0)
        .write_timeout(10.0)
        .pool_timeout(5.0)
        .build()
    )
    payloads = CallbackPayloads(state)
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
        turns=SharedTurns(state) if state is not None else None,
    )
