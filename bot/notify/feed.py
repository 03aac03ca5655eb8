"""Telling officials about their tickets: staff replies and status changes from the feed.

Why it looks like this:
- The feed is read by `CursorFeed` (`cursor_feed.py`): a stored cursor, each notice marked once
  sent, a failing notice holding up only its own ticket's later ones and set aside after
  MAX_ATTEMPTS. This module says which notice a change calls for.
- Delivery is at least once up to the mark: a staff reply is the answer the official is waiting
  for, which a duplicate costs far less than losing. (The outbox's "your request is now a
  ticket" notice is the opposite, at most once: there the official already holds a code they
  can ask about; here the reply text exists nowhere else.)
- Only `reply` and `status` concern the official. `created` is skipped (the official was given
  the code in the conversation), and so is any kind a later contract may add.
- Nothing can ever succeed for a channel not registered under the ticket's requester channel, a
  recipient the channel says it can never reach, or a ticket the system no longer has: logged
  by ticket code and skipped.
- With a `NoticeDelivery` (the notifier command always gives one), each notice is kept for its
  official and sent as their channel allows (`delivery.py`): one the channel cannot take now
  waits for the official, and the cursor moves on.
- Logs name ticket codes and positions only: never recipient ids, phone numbers, tokens or text.
"""

from __future__ import annotations

import functools
import logging

from sqlalchemy.engine import Engine

from bot.escalation.client import Change, DeskClient, TicketNotFound
from bot.messages import Notifier, OutgoingMessage
from bot.metrics import NotifierMetrics
from bot.notify.cursor_feed import DESK_FEED, CursorFeed, Delivery, FeedCursor, FeedReport
from bot.notify.delivery import NoticeDelivery
from bot.notify.messages import reply_notice, status_notice, waiting_notice
from bot.notify.notices import NoticeLog

__all__ = ["DESK_FEED", "CursorFeed", "Delivery", "FeedCursor", "FeedReport", "FeedWatcher"]

log = logging.getLogger(__name__)

REPLY, STATUS = "reply", "status"


class FeedWatcher(CursorFeed):
    """Reads the change feed from the stored cursor and sends officials their notices."""

    def __init__(
        self,
        client: DeskClient,
        notifier: Notifier,
        engine: Engine,
        feed: str = DESK_FEED,
        batch: int = 100,
        *,
        notices: NoticeLog | None = None,
        metrics: NotifierMetrics | None = None,
        delivery: NoticeDelivery | None = None,
    ) -> None:
        """Read with `client`, send through `notifier`, keep the cursor of `feed` in `engine`.

        With `delivery`, each notice is kept per official and sent as the channel allows.
        """
        super().__init__(client, engine, feed, batch, notices=notices, metrics=metrics)
        self._notifier = notifier
        self._kept = delivery

    async def _delivery(self, change: Change, report: FeedReport) -> Delivery | None:
        """The official's notice `change` calls for, if any."""
        message = await self._notice(change, report)
        if message is None:
            return None
        channel, recipient, outgoing = message
        if self._kept is None:
            return Delivery(channel, functools.partial(self._send, channel, recipient, outgoing))
        short = waiting_notice(change.code, change.kind)
        send = functools.partial(
            self._kept.deliver, self._key(change), channel, recipient, change.code, outgoing, short
        )
        return Delivery(channel, send)

    async def _send(self, channel: str, recipient: str, message: OutgoingMessage) -> None:
        await self._notifier.send(channel, recipient, message)

    async def _set_aside(self, change: Change) -> None:
        """The kept notice of `change` is given up too."""
        if self._kept is not None:
            await self._kept.give_up(self._key(change))

    def _key(self, change: Change) -> str:
        return f"{self._cursor.name}:{change.position}"

    async def _notice(
        self, change: Change, report: FeedReport
    ) -> tuple[str, str, OutgoingMessage] | None:
        """The channel, recipient and message for `change`, or None when it needs none."""
        if change.kind not in (REPLY, STATUS):
            return None
        if change.kind == REPLY and change.note is None:
            log.warning("change %d: a reply without its note, skipped", change.position)
            report.skipped += 1
            return None
        try:
            ticket = await self._client.get_ticket(change.code)
        except TicketNotFound:
            log.warning("ticket %s: not found, its change %d skipped", change.code, change.position)
            report.skipped += 1
            return None
        if ticket.requester_channel not in self._notifier:
            log.warning("ticket %s: no channel for its requester, notice skipped", ticket.code)
            report.skipped += 1
            return None
        if change.note is not None and change.kind == REPLY:
            message = reply_notice(ticket, change.note)
        else:
            message = status_notice(ticket, change.status or ticket.status)
        return ticket.requester_channel, ticket.requester_id, message
