"""New tickets for the support staff: `created` entries of the desk's change feed, posted.

Why it looks like this:
- The staff side keeps its own cursor (`feed_cursor` row "staff-telegram"), apart from the
  officials' notices: a staff group that cannot be reached holds up no official, and the
  other way round.
- At least once, like `feed.py`: the cursor moves past a ticket only after it was posted, so a
  crash in between posts it again on restart. A ticket posted twice costs a glance; one never
  posted may wait past its deadline.
- A failure stops the pass where it is and the next tick starts there again: the desk being
  down ends it quietly, a post that failed is logged by ticket code. A ticket the desk no
  longer has is skipped, and so is one already resolved or closed: nothing is left to do.
- The first pass (no cursor stored yet) passes over tickets older than `BACKLOG`, so turning
  the group on for a desk with years of history does not flood it.
- Logs name ticket codes and positions only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Protocol

from sqlalchemy.engine import Engine

from bot.escalation.client import Change, DeskClient, DeskUnavailable, Ticket, TicketNotFound
from bot.notify.feed import CursorFeed, FeedReport

log = logging.getLogger(__name__)

STAFF_FEED = "staff-telegram"
CREATED = "created"
FINISHED = frozenset({"resolved", "closed"})
BACKLOG = timedelta(days=1)


class StaffBoard(Protocol):
    """Where support staff learn of new tickets (the Telegram group)."""

    async def post(self, ticket: Ticket) -> None:
        """Show `ticket` to the staff, or raise."""


def utc_now() -> datetime:
    """The time now, in UTC."""
    return datetime.now(timezone.utc)


class StaffFeedWatcher(CursorFeed):
    """Reads the change feed from its own cursor and posts each new ticket to the board."""

    def __init__(
        self,
        client: DeskClient,
        board: StaffBoard,
        engine: Engine,
        feed: str = STAFF_FEED,
        batch: int = 100,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        """Read with `client`, post to `board`, keep the cursor of `feed` in `engine`."""
        super().__init__(client, engine, feed, batch)
        self._board = board
        self._clock = clock
        self._oldest: datetime | None = None

    def _pass_starts(self, position: int) -> None:
        """Pass over old tickets when no cursor was stored yet."""
        self._oldest = self._clock() - BACKLOG if position == 0 else None

    async def _handle(self, change: Change, report: FeedReport) -> bool:
        """Post the ticket `change` opened, if it is one the staff should see."""
        if not _wanted(change, self._oldest):
            return True
        try:
            await self._post(change, report)
        except Exception as error:
            if not isinstance(error, DeskUnavailable):
                log.warning(
                    "ticket %s: not posted to the staff (%s), retried next pass",
                    change.code,
                    type(error).__name__,
                )
            report.stopped = type(error).__name__
            return False
        return True

    async def _post(self, change: Change, report: FeedReport) -> None:
        """Post the ticket `change` created, unless it is gone or finished already."""
        try:
            ticket = await self._client.get_ticket(change.code)
        except TicketNotFound:
            log.warning("ticket %s: not found, its change %d skipped", change.code, change.position)
            report.skipped += 1
            return
        if ticket.status in FINISHED:
            report.skipped += 1
            return
        await self._board.post(ticket)
        report.sent += 1


def _wanted(change: Change, oldest: datetime | None) -> bool:
    """Whether `change` opened a ticket, recently enough if `oldest` is given."""
    if change.kind != CREATED:
        return False
    if oldest is None:
        return True
    at = change.at if change.at.tzinfo is not None else change.at.replace(tzinfo=timezone.utc)
    return at >= oldest
