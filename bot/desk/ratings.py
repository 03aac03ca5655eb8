"""Officials' ratings of their finished tickets, and what a low one sets off.

Why it looks like this:
- Only the ticket's own requester (channel and sender id, as the assistant passes them on) may
  rate it, and only once it is resolved or closed: a rating of a ticket still being worked on
  would judge work not done yet.
- One rating per ticket; rating again replaces it (the official sends the score, then perhaps a
  comment with the same score), so the report counts each ticket once.
- The staff member rated is the one who last resolved or closed the ticket, as that status
  change named them; kept on the rating, so a later reopening does not move the credit.
- A rating that becomes low (at or below the setting) sets off, once, the configured action:
  `alert` writes a `rating` change the staff group is shown; `reopen` sets the ticket back to
  in_progress, a status change the official and staff see like any other. Both are written in
  the rating's own transaction, taking the write turn the change feed's order depends on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection, Engine

from bot.desk.models import Rating
from bot.desk.repository import TicketNotFound, take_turn, utc_now
from bot.desk.schema import changes, ratings, tickets
from bot.desk.settings import ALERT, REOPEN
from bot.texts import texts

FINISHED = ("resolved", "closed")


class NotRequester(Exception):
    """The caller named someone other than the ticket's requester."""


class NotFinished(Exception):
    """The ticket is not resolved or closed yet."""


@dataclass(frozen=True)
class Rated:
    """A stored rating, and what its being low set off (`alert`, `reopen` or None)."""

    rating: Rating
    action: str | None


class RatingRepository:
    """Ratings in the desk's database; the schema must be migrated already."""

    def __init__(
        self,
        engine: Engine,
        low: int = 2,
        action: str = ALERT,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        """Scores at or below `low` are low and call for `action` (ALERT or REOPEN)."""
        self._engine = engine
        self._low = low
        self._action = action
        self._clock = clock

    def rate(self, code: str, channel: str, user_id: str, score: int, comment: str | None) -> Rated:
        """Store the requester's rating of the finished ticket `code`, replacing any earlier."""
        now = self._clock()
        with self._engine.begin() as connection:
            take_turn(connection)
            ticket = connection.execute(select(tickets).where(tickets.c.code == code)).first()
            if ticket is None:
                raise TicketNotFound(code)
            if (ticket.requester_channel, ticket.requester_id) != (channel, user_id):
                raise NotRequester(code)
            if ticket.status not in FINISHED:
                raise NotFinished(code)
            earlier = connection.execute(
                select(ratings).where(ratings.c.ticket_id == ticket.id)
            ).first()
            values = {"score": score, "comment": comment, "rated_at": now}
            if earlier is None:
                staff = _finished_by(connection, ticket.id)
                connection.execute(
                    insert(ratings).values(ticket_id=ticket.id, staff=staff, **values)
                )
            else:
                staff = earlier.staff
                connection.execute(
                    update(ratings).where(ratings.c.id == earlier.id).values(**values)
                )
            was_low = earlier is not None and earlier.score <= self._low
            action = (
                self._act(connection, ticket.id, now)
                if score <= self._low and not was_low
                else None
            )
        rating = Rating(code, score, comment, staff, ticket.software, ticket.article, now)
        return Rated(rating, action)

    def between(self, since: datetime | None, until: datetime | None) -> list[Rating]:
        """Ratings given from `since` up to (not including) `until`, oldest first."""
        query = (
            select(ratings, tickets.c.code, tickets.c.software, tickets.c.article)
            .join(tickets, tickets.c.id == ratings.c.ticket_id)
            .order_by(ratings.c.rated_at, ratings.c.id)
        )
        if since is not None:
            query = query.where(ratings.c.rated_at >= since)
        if until is not None:
            query = query.where(ratings.c.rated_at < until)
        with self._engine.connect() as connection:
            return [
                Rating(
                    row.code,
                    row.score,
                    row.comment,
                    row.staff,
                    row.software,
                    row.article,
                    row.rated_at,
                )
                for row in connection.execute(query)
            ]

    def _act(self, connection: Connection, ticket_id: int, now: datetime) -> str:
        """Set off the low rating's action, as one more change of the feed."""
        if self._action == REOPEN:
            author = texts("bot.desk", "pages.yml").say("low_rating_author")
            connection.execute(
                update(tickets)
                .where(tickets.c.id == ticket_id)
                .values(status="in_progress", updated_at=now)
            )
            connection.execute(
                insert(changes).values(
                    kind="status", ticket_id=ticket_id, status="in_progress", author=author, at=now
                )
            )
            return REOPEN
        connection.execute(insert(changes).values(kind="rating", ticket_id=ticket_id, at=now))
        return ALERT


def _finished_by(connection: Connection, ticket_id: int) -> str | None:
    """Who last resolved or closed the ticket, as the status change named them."""
    query = (
        select(changes.c.author)
        .where(
            changes.c.ticket_id == ticket_id,
            changes.c.kind == "status",
            changes.c.status.in_(FINISHED),
        )
        .order_by(changes.c.position.desc())
        .limit(1)
    )
    found = connection.execute(query).scalar_one_or_none()
    return str(found) if found is not None else None
