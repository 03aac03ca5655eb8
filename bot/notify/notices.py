"""What became of each change-feed notice the notifier tried, in `feed_notices`.

Why it looks like this:
- The cursor only says "everything up to here is settled". A notice sent past a notice still
  failing (another official's, which must not hold this one up) cannot move the cursor, so it
  is marked `sent` here; the next pass reads it again from the feed, finds the mark and does not
  send it twice. The mark is written as soon as the channel took the notice, so a crash before
  the cursor moves does not send it again either. Marks behind the cursor are deleted: the
  cursor says the same.
- A notice that fails is tried again later, waiting longer each time (`retry_delay`), at most
  MAX_ATTEMPTS times; then it is `set_aside`: kept here for the operator
  (`helpdesk notifier --set-aside`), counted and logged, and the notices behind it go on.
- Only the error's type is kept, never its message: messages may hold a recipient or a number.
- Every method blocks; the notifier calls them between sends, as it does the cursor's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection, Engine, Row

from bot.store.schema import feed_notices

SENT, FAILED, SET_ASIDE = "sent", "failed", "set_aside"
MAX_ATTEMPTS = 5
# The first retry is the next pass (most failures are one refused call); then 1, 4 and 16
# minutes: a channel down for twenty minutes loses nothing, and one down longer blocks nobody.
FIRST_WAIT = timedelta(minutes=1)
LONGEST_WAIT = timedelta(minutes=30)


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failure before trying again."""
    if attempts <= 1:
        return timedelta(0)
    wait: timedelta = FIRST_WAIT * 4 ** (attempts - 2)
    return min(LONGEST_WAIT, wait)


@dataclass(frozen=True)
class Mark:
    """One notice's record."""

    feed: str
    position: int
    ticket_code: str
    channel: str
    state: str
    attempts: int
    last_error: str | None
    next_attempt_at: datetime | None
    updated_at: datetime

    @property
    def settled(self) -> bool:
        """Sent, or given up: either way not to be sent (again)."""
        return self.state in (SENT, SET_ASIDE)


class NoticeLog:
    """The `feed_notices` table, on an engine whose schema is migrated."""

    def __init__(
        self,
        engine: Engine,
        max_attempts: int = MAX_ATTEMPTS,
        clock: Callable[[], datetime] = datetime.utcnow,
    ) -> None:
        """Use `engine`; set a notice aside after `max_attempts` failures; times from `clock`."""
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self._engine = engine
        self._max_attempts = max_attempts
        self._clock = clock

    def now(self) -> datetime:
        """The time the marks are written in (naive UTC)."""
        return self._clock()

    def marks(self, feed: str, positions: Iterable[int]) -> dict[int, Mark]:
        """The marks of these positions of `feed`, by position."""
        wanted = list(positions)
        if not wanted:
            return {}
        query = select(feed_notices).where(
            feed_notices.c.feed == feed, feed_notices.c.position.in_(wanted)
        )
        with self._engine.connect() as connection:
            return {int(row.position): _mark(row) for row in connection.execute(query)}

    def sent(self, feed: str, position: int, ticket_code: str, channel: str) -> None:
        """Mark the notice at `position` as taken by its channel."""
        with self._engine.begin() as connection:
            attempts = self._attempts(connection, feed, position)
            values = {"state": SENT, "attempts": attempts + 1, "next_attempt_at": None}
            self._write(connection, feed, position, ticket_code, channel, values)

    def failed(self, feed: str, position: int, ticket_code: str, channel: str, error: str) -> Mark:
        """Count a failed attempt; the notice is set aside once it has failed `max_attempts`."""
        now = self._clock()
        with self._engine.begin() as connection:
            attempts = self._attempts(connection, feed, position) + 1
            given_up = attempts >= self._max_attempts
            values = {
                "state": SET_ASIDE if given_up else FAILED,
                "attempts": attempts,
                "last_error": error[:200],
                "next_attempt_at": None if given_up else now + retry_delay(attempts),
            }
            self._write(connection, feed, position, ticket_code, channel, values)
            row = connection.execute(
                select(feed_notices).where(
                    feed_notices.c.feed == feed, feed_notices.c.position == position
                )
            ).one()
        return _mark(row)

    def forget_sent(self, feed: str, up_to: int) -> None:
        """Delete the `sent` marks at or behind the cursor `up_to`, which now says as much."""
        with self._engine.begin() as connection:
            connection.execute(
                delete(feed_notices).where(
                    feed_notices.c.feed == feed,
                    feed_notices.c.position <= up_to,
                    feed_notices.c.state == SENT,
                )
            )

    def set_aside(self, limit: int = 100) -> list[Mark]:
        """The notices given up on, newest first, for the operator."""
        query = (
            select(feed_notices)
            .where(feed_notices.c.state == SET_ASIDE)
            .order_by(feed_notices.c.updated_at.desc(), feed_notices.c.position.desc())
            .limit(limit)
        )
        with self._engine.connect() as connection:
            return [_mark(row) for row in connection.execute(query)]

    def _attempts(self, connection: Connection, feed: str, position: int) -> int:
        query = select(feed_notices.c.attempts).where(
            feed_notices.c.feed == feed, feed_notices.c.position == position
        )
        found = connection.execute(query).scalar_one_or_none()
        return int(found) if found is not None else 0

    def _write(
        self,
        connection: Connection,
        feed: str,
        position: int,
        ticket_code: str,
        channel: str,
        values: dict[str, object],
    ) -> None:
        # Only the lease holder writes here, so "update, else insert" does not race.
        values = {**values, "updated_at": self._clock(), "channel": channel[:20]}
        changed = connection.execute(
            update(feed_notices)
            .where(feed_notices.c.feed == feed, feed_notices.c.position == position)
            .values(**values)
        )
        if changed.rowcount == 0:
            connection.execute(
                insert(feed_notices).values(
                    feed=feed, position=position, ticket_code=ticket_code[:32], **values
                )
            )


def _mark(row: Row) -> Mark:
    return Mark(
        feed=row.feed,
        position=int(row.position),
        ticket_code=row.ticket_code,
        channel=row.channel,
        state=row.state,
        attempts=int(row.attempts),
        last_error=row.last_error,
        next_attempt_at=row.next_attempt_at,
        updated_at=row.updated_at,
    )
