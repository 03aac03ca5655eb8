"""Not talking over staff: an official's message on a ticket staff are handling goes to them.

Why it looks like this, and why here:
- The gateway's shared sender is the one place every Telegram and Zalo message passes before
  Rasa (`Officials.seen`, `RasaClient`'s `before_send`), so a message kept for staff costs no
  NLU, no dialogue turn and no action server call, and the assistant's conversation state is
  left as it was (a Rasa action or policy would run the whole NLU pipeline first, and record a
  turn the official never had with the assistant).
- The hot path stays cheap: one indexed read of the store (`staff_activity.recently_told`:
  was this official sent a staff reply or status change within HELPDESK_HANDLING_HOURS?).
  Only then is the desk asked which ticket is being handled (`bot.escalation.handling`).
- The message is added to that ticket as a note; the desk's change feed carries it to the
  notifier, which tells the staff group under the ticket's post. The official gets a short
  acknowledgement instead of an answer from the assistant.
- Off without a desk token (HELPDESK_DESK_TOKEN); any failure (desk down, a system without the
  route) lets the message go to the assistant as before, logged by kind, never by content.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from pydantic import ValidationError, validator
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.escalation import handling
from bot.escalation.connection import desk_client
from bot.escalation.retry import RetryPolicy
from bot.settings import DeskClientSettings, positive, settings_problems
from bot.store.staff_activity import recently_told
from bot.texts import texts

log = logging.getLogger(__name__)

# The official waits for an answer: one quick try, then the assistant answers as before.
ONCE = RetryPolicy(attempts=1)


class HandlingSettings(DeskClientSettings):
    """HELPDESK_DESK_URL and _TOKEN, and HELPDESK_HANDLING_HOURS: how long after staff last
    touched a ticket they still count as handling it (8 hours, a working day)."""

    handling_hours: float = 8.0

    _positive_hours = validator("handling_hours", allow_reuse=True)(positive)


class StaffHandling:
    """Keeps an official's message for the staff handling their ticket, if there is one."""

    def __init__(
        self,
        engine: Engine,
        settings: HandlingSettings,
        clock: Callable[[], datetime] = datetime.utcnow,
    ) -> None:
        """Read the store `engine`; ask the desk `settings` name; `clock` is naive UTC."""
        self._engine = engine
        self._settings = settings
        self._window = timedelta(hours=settings.handling_hours)
        self._clock = clock
        self._words = texts("bot.gateway")

    @classmethod
    def from_environment(
        cls, engine: Engine, clock: Callable[[], datetime] = datetime.utcnow
    ) -> StaffHandling | None:
        """The check as the environment configures it; None without a desk token."""
        try:
            return cls(engine, HandlingSettings(), clock)  # type: ignore[call-arg]  # the env
        except ValidationError as error:
            # Named by variable, never by value: a missing desk token is the usual reason.
            for line in settings_problems(error):
                log.info("officials' messages are never kept for staff: %s", line)
            return None

    async def answer(self, channel: str, sender: str, text: str) -> list[dict[str, Any]] | None:
        """The acknowledgement, if `text` was kept on a ticket staff handle; else None."""
        if text.startswith("/"):  # a button's payload or a command: the assistant's to answer
            return None
        since = self._clock() - self._window
        try:
            if not await asyncio.to_thread(recently_told, self._engine, channel, sender, since):
                return None
        except SQLAlchemyError as error:
            log.warning("staff activity not read (%s)", type(error).__name__)
            return None
        desk = desk_client(self._settings, ONCE)
        try:
            aware = since.replace(tzinfo=timezone.utc)
            ticket = await handling.handled_ticket(desk, channel, sender, aware)
            if ticket is None:
                return None
            author = self._words.say("handling.author", channel=self._channel(channel))
            await handling.add_message(desk, ticket.code, author, text)
        except Exception as error:  # DeskError above all; the official must be answered regardless
            log.warning("a message for staff went to the assistant (%s)", type(error).__name__)
            return None
        finally:
            await desk.aclose()
        log.info("an official's message was kept on ticket %s for its staff", ticket.code)
        return [{"text": self._words.say("handling.kept", code=ticket.code)}]

    def _channel(self, channel: str) -> str:
        return str(self._words.section("handling.channels").get(channel, channel))
