"""Asking the official to rate a ticket once staff resolve or close it: 1 to 5 stars as buttons.

Why it looks like this:
- Its own cursor (`feed_cursor` row "ratings"), read after the officials' notices in each tick,
  so the question comes after the "resolved" notice and a question that cannot go holds up no
  staff reply. Read like the other feeds (`cursor_feed.py`): each question marked once its
  channel took it, one that failed tried again and set aside after MAX_ATTEMPTS.
- Sent straight through the channel, buttons and all (kept notices carry text only). A channel
  that cannot take it now (Zalo's window closed, a blocked bot) skips it: a rating is asked
  for, never chased.
- Asked only on the channels given (`asks_on`): those whose buttons come back to the assistant
  as their payload from any process. Zalo's numbered choices qualify: they are remembered in
  the shared state (`bot.channels.zalo.render`), so the number typed back to any gateway means
  this notifier's question.
- Not asked when the ticket is no longer resolved or closed (reopened since) or already rated;
  a ticket resolved and later closed without a rating is asked once more at its closing.
- The buttons' payloads stay under Telegram's 64 bytes of callback data, so they work across
  processes: `/rate_ticket{"ticket_code":"HT-000123","rating_score":"4"}` is 58.
- The first pass (no cursor stored yet) passes over changes older than a day
  (`cursor_feed.Backlog`), so turning this on for a desk with years of history does not ask
  about every ticket ever resolved.
- Logs name ticket codes and positions only.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.engine import Engine

from bot.escalation.client import Change, DeskClient, TicketNotFound
from bot.messages import Button, Notifier, OutgoingMessage
from bot.metrics import NotifierMetrics
from bot.notify.cursor_feed import Backlog, CursorFeed, Delivery, FeedReport, utc_now
from bot.notify.messages import short_summary
from bot.notify.notices import NoticeLog
from bot.texts import texts

log = logging.getLogger(__name__)

RATING_FEED = "ratings"
FINISHED = frozenset({"resolved", "closed"})
SCORES = ("1", "2", "3", "4", "5")


def rating_payload(code: str, score: str) -> str:
    """What pressing the button of `score` stars sends back to the assistant."""
    entities = json.dumps({"ticket_code": code, "rating_score": score}, separators=(",", ":"))
    return f"/rate_ticket{entities}"


def rating_question(code: str, summary: str) -> OutgoingMessage:
    """The question, with one button per score, 1 first (so Zalo's numbers are the stars)."""
    words = texts("bot.notify").section("rating")
    text = str(words["question"]).format(code=code, summary=short_summary(summary))
    titles = words["buttons"]
    return OutgoingMessage(
        text, tuple(Button(str(titles[score]), rating_payload(code, score)) for score in SCORES)
    )


class RatingFeed(CursorFeed):
    """Reads the change feed from its own cursor and asks for a rating of each finished ticket."""

    what = "rating question"

    def __init__(
        self,
        client: DeskClient,
        notifier: Notifier,
        engine: Engine,
        asks_on: frozenset[str],
        feed: str = RATING_FEED,
        batch: int = 100,
        clock: Callable[[], datetime] = utc_now,
        *,
        notices: NoticeLog | None = None,
        metrics: NotifierMetrics | None = None,
    ) -> None:
        """Read with `client`, ask through `notifier` on the channels `asks_on`."""
        super().__init__(client, engine, feed, batch, notices=notices, metrics=metrics)
        self._notifier = notifier
        self._asks_on = asks_on
        self._backlog = Backlog(clock)

    def _pass_starts(self, position: int) -> None:
        """Pass over old changes when no cursor was stored yet."""
        self._backlog.pass_starts(position)

    async def _delivery(self, change: Change, report: FeedReport) -> Delivery | None:
        """The question a resolved or closed ticket calls for, if it is still to be asked."""
        if change.kind != "status" or change.status not in FINISHED:
            return None
        if self._backlog.too_old(change):
            return None
        try:
            ticket = await self._client.get_ticket(change.code)
        except TicketNotFound:
            log.warning("ticket %s: not found, its change %d skipped", change.code, change.position)
            report.skipped += 1
            return None
        channel = ticket.requester_channel
        if ticket.status not in FINISHED or ticket.rating is not None:
            return None
        if channel not in self._asks_on or channel not in self._notifier:
            report.skipped += 1
            return None
        question = rating_question(ticket.code, ticket.summary)
        send = functools.partial(self._notifier.send, channel, ticket.requester_id, question)
        return Delivery(channel, send)
