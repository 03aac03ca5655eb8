"""The Zalo webhook: check the signature and the time, claim the event, answer, work in the back.

Why it looks like this:
- Zalo redelivers an event whose webhook answers slowly or with an error, and a Rasa turn can
  take seconds, so `handle` checks, claims and schedules; `process` runs as a task the webhook
  keeps a reference to (a task nobody references can be collected before it finishes).
- The event is claimed in `seen_updates` before the 200: a store that cannot take the claim
  answers 503, and Zalo delivers the event again later instead of it being dropped unseen. A
  redelivery, even to another process, finds the claim and is answered 200 and dropped. A crash
  mid-turn loses that message rather than answering it twice; the official can resend.
- A signed event is refused (403, counted as "replay") when its `timestamp` (milliseconds) is
  more than REPLAY_WINDOW from now: a captured request replayed later, once its claim has been
  pruned, would otherwise be answered again. Claims are kept a week (`KEEP`), far longer.
- Forged, unsigned or unreadable events are refused before anything is claimed or scheduled.
- Logs name events by kind and message id only: never user ids, text, phone numbers or tokens.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pydantic import SecretStr
from sqlalchemy.exc import SQLAlchemyError

from bot.bodies import NotJson, json_of
from bot.channels.zalo.channel import CHANNEL, ZaloChannel, sender_id
from bot.channels.zalo.errors import ZaloError
from bot.channels.zalo.events import Kind, ZaloEvent, parse_event, timestamp_of
from bot.channels.zalo.render import ChoiceMemory, rasa_messages
from bot.channels.zalo.seen import SeenUpdates
from bot.channels.zalo.signature import verify
from bot.messages import OutgoingMessage, Presence, RecipientUnreachable
from bot.plain_text import clean
from bot.rasa import MAX_MESSAGE, RasaUnavailable, Sender, as_typed
from bot.store.shared_turns import SharedTurns
from bot.texts import texts

log = logging.getLogger(__name__)

# Zalo's events are a few kilobytes; anything far larger is not from Zalo.
MAX_BODY = 1_000_000
OK, BAD_REQUEST, UNSIGNED, FORGED, TOO_LARGE = 200, 400, 401, 403, 413
STORE_UNAVAILABLE = 503
# How far an event's time may be from ours; Zalo delivers within seconds (and retries early).
REPLAY_WINDOW = timedelta(minutes=5)
# Claims older than this are forgotten, at most once every PRUNE_EVERY.
KEEP = timedelta(days=7)
PRUNE_EVERY = 24 * 3600.0

Schedule = Callable[[Coroutine[Any, Any, None]], object]


@dataclass(frozen=True)
class Answer:
    """The HTTP status for Zalo, and why the event was not taken (a metric label) if it was not."""

    status: int
    dropped: str | None = None


class ZaloWebhook:
    """Checks webhook requests, claims their events and hands them to `process` in the back."""

    def __init__(
        self,
        *,
        app_id: str,
        oa_secret_key: SecretStr,
        claim: Callable[[ZaloEvent], Awaitable[bool]],
        process: Callable[[ZaloEvent], Awaitable[None]],
        schedule: Schedule | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Verify with `app_id` and the OA secret key; `claim`, then run `process` via `schedule`.

        `claim` is True for an event seen the first time, and raises when the store is away.
        """
        # By default each event is an asyncio task on the running loop, referenced until done.
        self._app_id = app_id
        self._secret = oa_secret_key
        self._claim = claim
        self._process = process
        self._schedule = schedule or self._start_task
        self._clock = clock
        self._tasks: set[asyncio.Task[None]] = set()

    async def handle(self, raw_body: bytes, signature_header: str | None) -> int:
        """The HTTP status to answer the request with; a new event is claimed and scheduled."""
        return (await self.answer(raw_body, signature_header)).status

    async def answer(self, raw_body: bytes, signature_header: str | None) -> Answer:
        """`handle`, with the reason an event was refused or dropped."""
        if len(raw_body) > MAX_BODY:
            return Answer(TOO_LARGE, "too_large")
        if not signature_header:
            log.warning("refused a Zalo event without a signature")
            return Answer(UNSIGNED, "unsigned")
        try:
            body = json_of(raw_body, surrogates=True)
        except NotJson:
            return Answer(BAD_REQUEST, "invalid")
        if not isinstance(body, dict):
            return Answer(BAD_REQUEST, "invalid")
        secret = self._secret.get_secret_value()
        if not verify(self._app_id, raw_body, timestamp_of(body), secret, signature_header):
            log.warning("refused a Zalo event with a wrong signature")
            return Answer(FORGED, "forbidden")
        if not self._recent(timestamp_of(body)):
            log.warning("refused a signed Zalo event outside the %s window", REPLAY_WINDOW)
            return Answer(FORGED, "replay")
        event = parse_event(body)
        if event.kind is Kind.IGNORED:
            return Answer(OK, "ignored")
        try:
            claimed = await self._claim(event)
        except SQLAlchemyError as error:
            log.error(
                "could not claim a Zalo event (%s), Zalo will send it again: %s",
                event.update_id,
                type(error).__name__,
            )
            return Answer(STORE_UNAVAILABLE, "store_unavailable")
        if not claimed:
            log.info("dropped a Zalo event handled before (%s)", event.update_id)
            return Answer(OK, "duplicate")
        self._schedule(self._run(event))
        return Answer(OK)

    def _recent(self, timestamp: str) -> bool:
        """Whether Zalo's `timestamp` (milliseconds since 1970) is within the window of now."""
        if not timestamp.isdigit() or len(timestamp) > 16:
            return False
        return abs(int(timestamp) / 1000 - self._clock()) <= REPLAY_WINDOW.total_seconds()

    async def drain(self) -> None:
        """Wait for the events being processed (for shutdown and tests)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    def _start_task(self, work: Coroutine[Any, Any, None]) -> object:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _run(self, event: ZaloEvent) -> None:
        # The central error handler: a failure is logged here, never lost in a task.
        try:
            await self._process(event)
        except Exception:
            log.exception("failed to process a Zalo %s event (%s)", event.name, event.update_id)


@dataclass
class _Turn:
    """A user's lock, and how many events hold or wait for it."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0


class ZaloProcessor:
    """Claims Zalo events, and handles each: asks Rasa, answers the official."""

    def __init__(
        self,
        seen: SeenUpdates,
        rasa: Sender,
        channel: ZaloChannel,
        choices: ChoiceMemory,
        presence: Presence | None = None,
        turns: SharedTurns | None = None,
    ) -> None:
        """Claim in `seen`, ask `rasa`, answer through `channel`, resolve numbers in `choices`.

        `presence` hears of every event's official (a follow opens Zalo's 7-day window too);
        `turns` orders an official's events across gateway replicas too.
        """
        self._presence = presence
        self._seen = seen
        self._rasa = rasa
        self._channel = channel
        self._choices = choices
        self._shared_turns = turns
        self._turns: dict[str, _Turn] = {}
        self._next_prune = 0.0  # the first claim after starting prunes

    async def claim(self, event: ZaloEvent) -> bool:
        """Take `event` in the store: True the first time; raises if the store is away."""
        claimed = await asyncio.to_thread(self._seen.claim, event.update_id)
        if claimed and time.monotonic() >= self._next_prune:
            self._next_prune = time.monotonic() + PRUNE_EVERY
            await self.prune()
        return claimed

    async def prune(self, older_than: timedelta = KEEP) -> int:
        """Forget claims older than `older_than` (Zalo redelivers within minutes); how many."""
        before = datetime.utcnow() - older_than
        try:
            removed = await asyncio.to_thread(self._seen.prune, before)
        except SQLAlchemyError as error:
            log.warning("old Zalo event claims were not pruned (%s)", type(error).__name__)
            return 0
        log.info("forgot %d Zalo event claims older than %s", removed, older_than)
        return removed

    async def process(self, event: ZaloEvent) -> None:
        """Handle `event`, which `claim` took; ignored kinds do nothing."""
        kind = event.kind
        if kind is Kind.IGNORED:
            return
        async with self._turn(event.user_id):
            if self._presence is not None:
                # Before the answer: notices waiting for this official go out first.
                if kind is Kind.UNFOLLOW:
                    await self._presence.left(CHANNEL, sender_id(event.user_id), "not_follower")
                else:
                    await self._presence.wrote(CHANNEL, sender_id(event.user_id))
            try:
                await self._handle(kind, event)
            except RecipientUnreachable:
                log.info("Zalo cannot deliver the answer to %s", event.update_id)
            except ZaloError as error:
                log.warning("Zalo did not take the answer to %s: %s", event.update_id, error)

    @asynccontextmanager
    async def _turn(self, user_id: str) -> AsyncIterator[None]:
        """Run one event of `user_id` at a time, in arrival order on this replica."""
        # "2" typed right after a question must be read against the choices its answer shows.
        entry = self._turns.setdefault(user_id, _Turn())
        entry.users += 1
        try:
            async with entry.lock:
                if self._shared_turns is None:
                    yield
                else:
                    async with self._shared_turns.turn(sender_id(user_id)):
                        yield
        finally:
            entry.users -= 1
            if not entry.users:
                del self._turns[user_id]

    async def _handle(self, kind: Kind, event: ZaloEvent) -> None:
        words = texts("bot.channels.zalo")
        if kind is Kind.UNFOLLOW:
            await self._choices.forget(event.user_id)
        elif kind is Kind.FOLLOW:
            await self._say(event, words.say("greeting"))
        elif kind is Kind.OTHER_MESSAGE:
            kinds = words.labels("message_kinds")
            what = kinds.get(event.name, kinds["other"])
            await self._say(event, words.say("not_text", what=what))
        else:
            await self._answer(event)

    async def _answer(self, event: ZaloEvent) -> None:
        words = texts("bot.channels.zalo")
        # Typed "/request_human" must not name an intent; a numbered choice sends the payload.
        text = as_typed(clean(event.text or ""))
        if not text.strip():
            await self._say(event, words.say("empty"))
            return
        if len(text) > MAX_MESSAGE:
            await self._say(event, words.say("too_long", limit=MAX_MESSAGE))
            return
        message = await self._choices.resolve(event.user_id, text)
        sender = sender_id(event.user_id)
        try:
            replies = await self._rasa.send(sender, message, {"channel": CHANNEL})
        except RasaUnavailable as error:
            log.warning("Rasa did not answer a Zalo message (%s): %s", event.update_id, error)
            await self._say(event, words.say("unavailable"))
            return
        await self._channel.send_all(sender, rasa_messages(replies))

    async def _say(self, event: ZaloEvent, text: str) -> None:
        # The assistant's own words between turns: the choices on screen still stand.
        message = OutgoingMessage(text)
        await self._channel.send_all(sender_id(event.user_id), [message], replace_choices=False)
