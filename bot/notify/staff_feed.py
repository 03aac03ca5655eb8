"""New tickets for the support staff: `created` entries of the desk's change feed, posted.

Low ratings too: a `rating` entry (the desk's `alert` for an official's low rating) is said in
the group as a reply to the ticket's post, so the staff member in charge looks at it again.

Why it looks like this:
- The staff side keeps its own cursor (`feed_cursor` row "staff-telegram"), apart from the
  officials' notices: a staff group that cannot be reached holds up no official, and the
  other way round.
- Read like `feed.py`'s (`cursor_feed.py`): each post marked once the group took it, a post that
  failed tried again next pass and set aside after MAX_ATTEMPTS (logged by ticket code), the
  desk being down ending the pass quietly. A ticket the desk no longer has is skipped, and so
  is one already resolved or closed: nothing is left to do.
- The first pass (no cursor stored yet) passes over tickets older than a day
  (`cursor_feed.Backlog`), so turning the group on for a desk with years of history does not
  flood it.
- What an official writes while staff handle their ticket (a `message` change) is said under
  the ticket's post, so the staff read it where they handle the ticket.
- Each post lists the ticket's likeliest knowledge base articles, as the desk suggests them, for
  staff to send with `/guibai N`; a desk without suggestions (a province's own) gets posts
  without them.
- Logs name ticket codes and positions only.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

from sqlalchemy.engine import Engine

from bot.escalation import staff_aids
from bot.escalation.client import Change, DeskClient, DeskError, Ticket, TicketNotFound
from bot.escalation.staff_aids import Offered
from bot.metrics import NotifierMetrics
from bot.notify.cursor_feed import Backlog, CursorFeed, Delivery, FeedReport, utc_now
from bot.notify.delivery import OnHeld
from bot.notify.notices import NoticeLog
from bot.store.kept_notices import KeptNotice

log = logging.getLogger(__name__)

STAFF_FEED = "staff-telegram"
# The channel of the posts, as metrics and the set-aside list name it.
STAFF = "staff"
CREATED = "created"
RATING = "rating"
MESSAGE = "message"  # an official wrote while staff handled the ticket (bot/gateway/handling.py)
FINISHED = frozenset({"resolved", "closed"})


class StaffBoard(Protocol):
    """Where support staff learn of new tickets (the Telegram group)."""

    async def post(self, ticket: Ticket, suggested: Sequence[Offered] = ()) -> None:
        """Show `ticket`, with the articles `suggested` for it, to the staff, or raise."""

    async def notice_held(self, ticket_code: str, channel: str, state: str) -> None:
        """Say that a notice of `ticket_code` on `channel` cannot reach its official now."""

    async def low_rating(self, ticket: Ticket, score: int) -> None:
        """Say that the official rated `ticket` low (`score` stars of 5), or raise."""

    async def official_wrote(self, ticket_code: str, text: str) -> None:
        """Say that the official of `ticket_code`, which staff handle, wrote `text`."""


class StaffFeedWatcher(CursorFeed):
    """Reads the change feed from its own cursor and posts each new ticket to the board."""

    what = "staff post"

    def __init__(
        self,
        client: DeskClient,
        board: StaffBoard,
        engine: Engine,
        feed: str = STAFF_FEED,
        batch: int = 100,
        clock: Callable[[], datetime] = utc_now,
        *,
        notices: NoticeLog | None = None,
        metrics: NotifierMetrics | None = None,
    ) -> None:
        """Read with `client`, post to `board`, keep the cursor of `feed` in `engine`."""
        super().__init__(client, engine, feed, batch, notices=notices, metrics=metrics)
        self._board = board
        self._backlog = Backlog(clock)

    def _pass_starts(self, position: int) -> None:
        """Pass over old tickets when no cursor was stored yet."""
        self._backlog.pass_starts(position)

    async def _delivery(self, change: Change, report: FeedReport) -> Delivery | None:
        """The post of the ticket `change` opened, unless it is gone or finished already; or
        the alert of a low rating."""
        if not _wanted(change) or self._backlog.too_old(change):
            return None
        if change.kind == MESSAGE:
            text = change.note.text if change.note is not None else ""
            return Delivery(STAFF, functools.partial(self._board.official_wrote, change.code, text))
        try:
            ticket = await self._client.get_ticket(change.code)
        except TicketNotFound:
            log.warning("ticket %s: not found, its change %d skipped", change.code, change.position)
            report.skipped += 1
            return None
        if change.kind == RATING and change.rating is not None:
            return Delivery(STAFF, functools.partial(self._board.low_rating, ticket, change.rating))
        if ticket.status in FINISHED:
            report.skipped += 1
            return None
        offered = await self._suggested(ticket.code)
        return Delivery(STAFF, functools.partial(self._board.post, ticket, offered))

    async def _suggested(self, code: str) -> list[Offered]:
        """The ticket's suggested articles; none from a desk without them or one that failed."""
        try:
            return await staff_aids.suggestions(self._client, code)
        except DeskError as error:
            log.info("ticket %s: posted without suggestions (%s)", code, type(error).__name__)
            return []


def staff_told(board: StaffBoard) -> OnHeld:
    """`NoticeDelivery`'s `on_held`: the staff group hears of each notice that cannot go now."""

    async def told(notice: KeptNotice, state: str) -> None:
        await board.notice_held(notice.ticket_code, notice.channel, state)

    return told


def _wanted(change: Change) -> bool:
    """Whether `change` opened a ticket, rated one low or brought the official's message."""
    return change.kind in (CREATED, MESSAGE) or (
        change.kind == RATING and change.rating is not None
    )
