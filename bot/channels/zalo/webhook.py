"""The Zalo webhook: check the signature, answer at once, handle each event once, in the back.

Why it looks like this:
- Zalo redelivers an event whose webhook is slow to answer, and a Rasa turn can take seconds,
  so `handle` only checks and schedules; `process` runs as a task the webhook keeps a reference
  to (a task nobody references can be collected before it finishes).
- An event is claimed in `seen_updates` before any work: a redelivery, even one arriving while
  the first is still being answered or in another process, finds the claim and is dropped. A
  crash mid-turn loses that message rather than answering it twice; the official can resend.
- Forged, unsigned or unreadable events are refused before anything is scheduled.
- Logs name events by kind and message id only: never user ids, text, phone numbers or tokens.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from pydantic import SecretStr

from bot.channels.zalo.channel import CHANNEL, ZaloChannel, sender_id
from bot.channels.zalo.errors import ZaloError
from bot.channels.zalo.events import Kind, ZaloEvent, parse_event, timestamp_of
from bot.channels.zalo.render import ChoiceMemory, rasa_messages
from bot.channels.zalo.seen import SeenUpdates
from bot.channels.zalo.signature import verify
from bot.messages import OutgoingMessage, RecipientUnreachable
from bot.rasa import MAX_MESSAGE, RasaUnavailable, Sender
from bot.texts import texts

log = logging.getLogger(__name__)

# Zalo's events are a few kilobytes; anything far larger is not from Zalo.
MAX_BODY = 1_000_000
OK, BAD_REQUEST, UNSIGNED, FORGED, TOO_LARGE = 200, 400, 401, 403, 413
# Control characters other than tab and line breaks: nothing an official types, and NUL breaks
# the PostgreSQL tracker store.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

Schedule = Callable[[Coroutine[Any, Any, None]], object]


class ZaloWebhook:
    """Checks webhook requests and hands their events to `process`, in the background."""

    def __init__(
        self,
        *,
        app_id: str,
        oa_secret_key: SecretStr,
        process: Callable[[ZaloEvent], Awaitable[None]],
        schedule: Schedule | None = None,
    ) -> None:
        """Verify with `app_id` and the OA secret key; run `process` through `schedule`."""
        # By default each event is an asyncio task on the running loop, referenced until done.
        self._app_id = app_id
        self._secret = oa_secret_key
        self._process = process
        self._schedule = schedule or self._start_task
        self._tasks: set[asyncio.Task[None]] = set()

    async def handle(self, raw_body: bytes, signature_header: str | None) -> int:
        """The HTTP status to answer the request with; a valid event is scheduled first."""
        if len(raw_body) > MAX_BODY:
            return TOO_LARGE
        if not signature_header:
            log.warning("refused a Zalo event without a signature")
            return UNSIGNED
        try:
            body = json.loads(raw_body)
        except (ValueError, RecursionError):
            return BAD_REQUEST
        if not isinstance(body, dict):
            return BAD_REQUEST
        secret = self._secret.get_secret_value()
        if not verify(self._app_id, raw_body, timestamp_of(body), secret, signature_header):
            log.warning("refused a Zalo event with a wrong signature")
            return FORGED
        self._schedule(self._run(parse_event(body)))
        return OK

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
    """Handles one Zalo event: claims it, asks Rasa, answers the official."""

    def __init__(
        self, seen: SeenUpdates, rasa: Sender, channel: ZaloChannel, choices: ChoiceMemory
    ) -> None:
        """Claim in `seen`, ask `rasa`, answer through `channel`, resolve numbers in `choices`."""
        self._seen = seen
        self._rasa = rasa
        self._channel = channel
        self._choices = choices
        self._turns: dict[str, _Turn] = {}

    async def process(self, event: ZaloEvent) -> None:
        """Handle `event` unless it is ignored or was handled before."""
        kind = event.kind
        if kind is Kind.IGNORED:
            return
        async with self._turn(event.user_id):
            if not await asyncio.to_thread(self._seen.claim, event.update_id):
                log.info("dropped a Zalo event handled before (%s)", event.update_id)
                return
            try:
                await self._handle(kind, event)
            except RecipientUnreachable:
                log.info("Zalo cannot deliver the answer to %s", event.update_id)
            except ZaloError as error:
                log.warning("Zalo did not take the answer to %s: %s", event.update_id, error)

    @asynccontextmanager
    async def _turn(self, user_id: str) -> AsyncIterator[None]:
        """Run one event of `user_id` at a time, in arrival order."""
        # "2" typed right after a question must be read against the choices its answer shows.
        entry = self._turns.setdefault(user_id, _Turn())
        entry.users += 1
        try:
            async with entry.lock:
                yield
        finally:
            entry.users -= 1
            if not entry.users:
                del self._turns[user_id]

    async def _handle(self, kind: Kind, event: ZaloEvent) -> None:
        words = texts("bot.channels.zalo")
        if kind is Kind.UNFOLLOW:
            self._choices.forget(event.user_id)
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
        text = clean(event.text or "")
        if not text.strip():
            await self._say(event, words.say("empty"))
            return
        if len(text) > MAX_MESSAGE:
            await self._say(event, words.say("too_long", limit=MAX_MESSAGE))
            return
        message = self._choices.resolve(event.user_id, text)
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


def clean(text: str) -> str:
    """`text` without control characters or unpaired surrogates (which JSON cannot carry)."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    return _CONTROL.sub("", text)
