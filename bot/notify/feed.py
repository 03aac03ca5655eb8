"""Watching the document system's change feed and telling officials about their tickets.

Why it looks like this:
- The position read so far is kept in the store (`feed_cursor`, one row per feed), so a
  restarted notifier goes on where it stopped instead of resending every reply it ever saw.
- The cursor moves past a change only after its notice was sent (or after deciding it needs
  none): delivery is at least once. A crash between sending and moving the cursor sends that one
  notice again on restart; the other order would lose it for good, and a staff reply is the
  answer the official is waiting for, which a duplicate notice costs far less than losing.
  (The outbox's "your request is now a ticket" notice is the opposite, at most once: there the
  official already holds a code they can ask about; here the reply text exists nowhere else.)
- Changes are handled one at a time in feed order, so an official reads a reply before the
  "resolved" that followed it, and a failure stops the pass where it is:
  - DeskUnavailable (the system is down): the pass ends quietly; the next tick starts again
    at the same change.
  - A channel failing to send: the pass ends without moving past that change, which is
    retried next tick. Later notices wait rather than overtake it.
  - Nothing can ever succeed (no channel registered under the ticket's requester channel, a
    recipient the channel says it can never reach, a ticket the system no longer has): logged by
    ticket code and skipped, or it would hold up every official behind it forever.
  - Any other error (a bad token, an answer off the contract) propagates to the worker, which
    logs it; the cursor stays where it is.
- Only `reply` and `status` concern the official. `created` is skipped (the official was given
  the code in the conversation), and so is any kind a later contract may add.
- Logs name ticket codes and positions only: never recipient ids, phone numbers, tokens or text.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Engine

from bot.escalation.client import Change, DeskClient, DeskUnavailable, TicketNotFound
from bot.messages import Notifier, OutgoingMessage, RecipientUnreachable
from bot.notify.messages import reply_notice, status_notice
from bot.store.schema import feed_cursor

log = logging.getLogger(__name__)

DESK_FEED = "desk"
REPLY, STATUS = "reply", "status"


class FeedCursor:
    """The last change position handled for one feed, in the `feed_cursor` table."""

    def __init__(self, engine: Engine, name: str = DESK_FEED) -> None:
        """Use `engine` (migrated) and the row of feed `name`."""
        self._engine = engine
        self.name = name

    def read(self) -> int:
        """The last position handled; 0 before the first."""
        query = select(feed_cursor.c.position).where(feed_cursor.c.name == self.name)
        with self._engine.connect() as connection:
            position = connection.execute(query).scalar_one_or_none()
        return int(position) if position is not None else 0

    def advance(self, position: int) -> None:
        """Record `position` as handled."""
        values = {"position": position, "updated_at": datetime.utcnow()}
        with self._engine.begin() as connection:
            changed = connection.execute(
                update(feed_cursor).where(feed_cursor.c.name == self.name).values(**values)
            )
            if changed.rowcount == 0:
                connection.execute(insert(feed_cursor).values(name=self.name, **values))


@dataclass
class FeedReport:
    """What one `poll_once` did; `stopped` names what ended it before the feed's end."""

    seen: int = 0
    sent: int = 0
    skipped: int = 0
    stopped: str | None = None


class CursorFeed:
    """Reads the change feed after a stored cursor, one change at a time, oldest first.

    Subclasses say what a change means in `_handle`; the cursor moves past a change only when
    `_handle` returns True, and a False ends the pass there (the next one starts again at it).
    """

    def __init__(self, client: DeskClient, engine: Engine, feed: str, batch: int) -> None:
        """Read with `client`, keep the cursor of `feed` in `engine`, `batch` changes a page."""
        if not 1 <= batch <= 500:
            raise ValueError("the contract allows 1 to 500 changes a page")
        self._client = client
        self._cursor = FeedCursor(engine, feed)
        self._batch = batch

    @property
    def position(self) -> int:
        """The last position handled, as stored."""
        return self._cursor.read()

    async def poll_once(self) -> FeedReport:
        """Handle every change after the cursor, oldest first, until the end or a stop."""
        report = FeedReport()
        position = self._cursor.read()
        self._pass_starts(position)
        while True:
            try:
                changes = await self._client.changes(after=position, limit=self._batch)
            except DeskUnavailable:
                report.stopped = DeskUnavailable.__name__
                return report
            start = position
            for change in changes:
                if change.position <= position:
                    continue  # already handled; a feed must only move forward
                report.seen += 1
                if not await self._handle(change, report):
                    return report
                self._cursor.advance(change.position)
                position = change.position
            if len(changes) < self._batch or position == start:
                return report

    def _pass_starts(self, position: int) -> None:
        """Called with the stored position before each pass."""

    async def _handle(self, change: Change, report: FeedReport) -> bool:
        """Act on `change`; False stops the pass before the cursor moves past it."""
        raise NotImplementedError


class FeedWatcher(CursorFeed):
    """Reads the change feed from the stored cursor and sends officials their notices."""

    def __init__(
        self,
        client: DeskClient,
        notifier: Notifier,
        engine: Engine,
        feed: str = DESK_FEED,
        batch: int = 100,
    ) -> None:
        """Read with `client`, send through `notifier`, keep the cursor of `feed` in `engine`."""
        super().__init__(client, engine, feed, batch)
        self._notifier = notifier

    async def _handle(self, change: Change, report: FeedReport) -> bool:
        """Send the official the notice `change` calls for, if any."""
        try:
            message = await self._notice(change, report)
        except DeskUnavailable:
            report.stopped = DeskUnavailable.__name__
            return False
        if message is None:
            return True
        channel, recipient, outgoing = message
        try:
            await self._notifier.send(channel, recipient, outgoing)
        except RecipientUnreachable:
            log.warning("ticket %s: the recipient cannot be reached", change.code)
            report.skipped += 1
        except Exception as error:
            log.warning(
                "ticket %s: notice not sent (%s), retried next pass",
                change.code,
                type(error).__name__,
            )
            report.stopped = type(error).__name__
            return False
        else:
            report.sent += 1
        return True

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
