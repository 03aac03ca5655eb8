"""Each official's reach per channel: when they last interacted, and what the channel said since.

Why it looks like this:
- Zalo takes a consultation message only within 7 days of the official's last interaction with
  the OA (any event: a message, a button, a follow), so the sender must know before sending
  which kind of message is allowed. Telegram has no window; it has blocked bots. One row per
  official and channel holds both.
- `reach` is a pure function of the row and the time (the clock is the caller's), so the rules
  are tested without waiting a week.
- What a channel reports when sending is taken over the record: Zalo's -230 on an official we
  thought inside the window closes it (`window_closed`); a blocked bot marks them unreachable.
  Any later interaction opens both again: an official who writes is reachable.
- No row means the official never wrote since records began: the channel is tried, and its
  answer recorded (the migration seeded the rows of everyone in the announcements' audience).
- Every method blocks; async callers run them in a worker thread.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, insert, select, update
from sqlalchemy.engine import Engine, Row
from sqlalchemy.exc import IntegrityError

from bot.store.schema import contacts

# Channels whose messages are allowed only for a while after the official's last interaction.
# Zalo's consultation messages: 7 days (docs/zalo.md, "Message types and windows").
WINDOWS: dict[str, timedelta] = {"zalo": timedelta(days=7)}
# Why an official is unreachable, as the channels report it (a metric and preview label).
BLOCKED, NOT_FOLLOWER, INACTIVE, RESTRICTED, UNKNOWN_REASON = (
    "blocked",
    "not_follower",
    "inactive",
    "restricted",
    "unknown",
)


class Reach(enum.Enum):
    """What a channel allows towards one official now."""

    IN_WINDOW = "in_window"
    OUTSIDE_WINDOW = "outside_window"
    UNREACHABLE = "unreachable"


@dataclass(frozen=True)
class Contact:
    """One official on one channel, as recorded."""

    channel: str
    recipient: str
    last_interaction_at: datetime | None
    window_closed_at: datetime | None
    unreachable_at: datetime | None
    unreachable_reason: str | None


def reach_of(contact: Contact | None, window: timedelta | None, now: datetime) -> Reach:
    """What the channel allows towards `contact` at `now`, with messages allowed `window` long."""
    if contact is None:
        return Reach.IN_WINDOW
    last = contact.last_interaction_at
    if contact.unreachable_at is not None and (last is None or contact.unreachable_at >= last):
        return Reach.UNREACHABLE
    if window is None:
        return Reach.IN_WINDOW
    if last is None or now - last > window:
        return Reach.OUTSIDE_WINDOW
    if contact.window_closed_at is not None and contact.window_closed_at >= last:
        return Reach.OUTSIDE_WINDOW
    return Reach.IN_WINDOW


class Contacts:
    """The `contacts` table, on a migrated engine; times are naive UTC from `clock`."""

    def __init__(
        self,
        engine: Engine,
        windows: dict[str, timedelta] | None = None,
        clock: Callable[[], datetime] = datetime.utcnow,
    ) -> None:
        """Use `engine`; `windows` by channel name (WINDOWS unless given); times from `clock`."""
        self._engine = engine
        self._windows = WINDOWS if windows is None else windows
        self._clock = clock

    def now(self) -> datetime:
        """The time of this store's clock."""
        return self._clock()

    def window(self, channel: str) -> timedelta | None:
        """How long after an interaction `channel` allows messages; None if always."""
        return self._windows.get(channel)

    def interacted(self, channel: str, recipient: str, at: datetime | None = None) -> None:
        """Record that `recipient` interacted on `channel` (now unless `at` is given)."""
        when = at or self._clock()
        self._upsert(channel, recipient, {"last_interaction_at": when})

    def window_closed(self, channel: str, recipient: str) -> None:
        """The channel refused a message to `recipient` as outside its window."""
        self._upsert(channel, recipient, {"window_closed_at": self._clock()})

    def unreachable(self, channel: str, recipient: str, reason: str) -> None:
        """The channel says `recipient` cannot be reached (blocked, not a follower...)."""
        values = {"unreachable_at": self._clock(), "unreachable_reason": reason[:32]}
        self._upsert(channel, recipient, values)

    def get(self, channel: str, recipient: str) -> Contact | None:
        """The row of `recipient` on `channel`, if any."""
        where = and_(contacts.c.channel == channel, contacts.c.recipient == recipient)
        with self._engine.connect() as connection:
            row = connection.execute(select(contacts).where(where)).one_or_none()
        return _contact(row) if row is not None else None

    def reach(self, channel: str, recipient: str, now: datetime | None = None) -> Reach:
        """What `channel` allows towards `recipient` at `now` (this clock's now if not given)."""
        contact = self.get(channel, recipient)
        return reach_of(contact, self.window(channel), now or self._clock())

    def census(self, channel: str, recipients: Iterable[str]) -> Counter[str]:
        """How many of `recipients` are in the window, outside it, or unreachable and why."""
        wanted = set(recipients)
        found: dict[str, Contact] = {}
        query = select(contacts).where(contacts.c.channel == channel)
        with self._engine.connect() as connection:
            for row in connection.execute(query):
                if row.recipient in wanted:
                    found[row.recipient] = _contact(row)
        now, window = self._clock(), self.window(channel)
        counts: Counter[str] = Counter()
        for recipient in wanted:
            contact = found.get(recipient)
            state = reach_of(contact, window, now)
            if state is Reach.UNREACHABLE and contact is not None:
                counts[contact.unreachable_reason or UNKNOWN_REASON] += 1
            else:
                counts[state.value] += 1
        return counts

    def _upsert(self, channel: str, recipient: str, values: dict[str, object]) -> None:
        values = {**values, "updated_at": self._clock()}
        if self._update(channel, recipient, values):
            return
        try:
            with self._engine.begin() as connection:
                row = {"channel": channel, "recipient": recipient, **values}
                connection.execute(insert(contacts).values(row))
        except IntegrityError:
            # Another process inserted the same official in between: update its row instead.
            self._update(channel, recipient, values)

    def _update(self, channel: str, recipient: str, values: dict[str, object]) -> bool:
        where = and_(contacts.c.channel == channel, contacts.c.recipient == recipient)
        with self._engine.begin() as connection:
            found = connection.execute(update(contacts).where(where).values(**values))
        return bool(found.rowcount)


def _contact(row: Row) -> Contact:
    return Contact(
        channel=row.channel,
        recipient=row.recipient,
        last_interaction_at=row.last_interaction_at,
        window_closed_at=row.window_closed_at,
        unreachable_at=row.unreachable_at,
        unreachable_reason=row.unreachable_reason,
    )
