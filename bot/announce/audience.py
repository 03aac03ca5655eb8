"""Who has talked to the assistant on each channel, and who asked for no announcements.

Why it looks like this:
- The gateway touches a row on every message, so the first write of a conversation inserts and
  later ones only move `last_seen`; a process remembers whom it touched in the last hour and
  skips them, so a busy chat costs one write an hour, not one per message.
- Opting out keeps the row (with `opted_out_at`): the official stays out even if they go on
  talking, until they opt back in.
- `reach` is honest about now: an official silent on Zalo for more than 7 days, or one who
  blocked the bot, is counted apart with the reason (`bot.store.contacts`), not promised.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from bot.store.contacts import Contacts, reach_of
from bot.store.contacts import Reach as ContactReach
from bot.store.schema import audience

log = logging.getLogger(__name__)

TOUCH_EVERY_SECONDS = 3600.0
_REMEMBERED = 50_000


@dataclass(frozen=True)
class Reach:
    """How many officials an announcement on one channel would reach, and how many opted out."""

    channel: str
    reachable: int
    opted_out: int
    # Who has not opted out but cannot be reached now, by reason (outside_window, blocked...).
    not_now: tuple[tuple[str, int], ...] = ()


class Audience:
    """The `audience` table."""

    def __init__(self, engine: Engine, contacts: Contacts | None = None) -> None:
        """Use `engine` (migrated); each official's reach from `contacts`."""
        self._engine = engine
        self.contacts = contacts or Contacts(engine)
        self._lock = threading.Lock()
        self._touched: OrderedDict[tuple[str, str], float] = OrderedDict()

    @property
    def engine(self) -> Engine:
        """The store's engine."""
        return self._engine

    def touch(self, channel: str, recipient: str) -> None:
        """Record that `recipient` wrote on `channel` now."""
        key = (channel, recipient)
        now = time.monotonic()
        with self._lock:
            last = self._touched.get(key)
            if last is not None and now - last < TOUCH_EVERY_SECONDS:
                return
            self._touched[key] = now
            self._touched.move_to_end(key)
            while len(self._touched) > _REMEMBERED:
                self._touched.popitem(last=False)
        self._upsert(channel, recipient, last_seen=datetime.utcnow())

    async def seen(self, channel: str, recipient: str) -> None:
        """`touch` from async code; a store outage is logged, never passed on to the message."""
        try:
            await asyncio.to_thread(self.touch, channel, recipient)
        except SQLAlchemyError as error:
            log.warning("could not record an official on %s (%s)", channel, type(error).__name__)

    def opt_out(self, channel: str, recipient: str) -> None:
        """Send `recipient` no more announcements."""
        self._set_opt_out(channel, recipient, datetime.utcnow())

    def opt_in(self, channel: str, recipient: str) -> None:
        """Send `recipient` announcements again."""
        self._set_opt_out(channel, recipient, None)

    def recipients(self, channel: str) -> list[str]:
        """Everyone on `channel` who has not opted out, earliest first."""
        query = (
            select(audience.c.recipient)
            .where(and_(audience.c.channel == channel, audience.c.opted_out_at.is_(None)))
            .order_by(audience.c.first_seen, audience.c.recipient)
        )
        with self._engine.connect() as connection:
            return list(connection.execute(query).scalars())

    def reach(self) -> list[Reach]:
        """Per channel: officials reachable and officials who opted out."""
        opted = func.count(audience.c.opted_out_at)
        query = (
            select(audience.c.channel, func.count() - opted, opted)
            .group_by(audience.c.channel)
            .order_by(audience.c.channel)
        )
        with self._engine.connect() as connection:
            rows = [(str(c), int(r), int(o)) for c, r, o in connection.execute(query)]
        found = []
        for channel, _members, opted_out in rows:
            counts = self.contacts.census(channel, self.recipients(channel))
            reachable = counts.pop(ContactReach.IN_WINDOW.value, 0)
            not_now = tuple(sorted((k, v) for k, v in counts.items() if v))
            found.append(Reach(channel, reachable, opted_out, not_now))
        return found

    def reachable_now(self, channel: str, recipients: list[str]) -> tuple[list[str], int]:
        """Those of `recipients` `channel` allows a message to now, and how many it does not."""
        now = self.contacts.now()
        window = self.contacts.window(channel)
        allowed = [
            r
            for r in recipients
            if reach_of(self.contacts.get(channel, r), window, now) is ContactReach.IN_WINDOW
        ]
        return allowed, len(recipients) - len(allowed)

    def _set_opt_out(self, channel: str, recipient: str, when: datetime | None) -> None:
        self._upsert(channel, recipient, opted_out_at=when)

    def _upsert(self, channel: str, recipient: str, **values: object) -> None:
        if self._update(channel, recipient, values):
            return
        now = datetime.utcnow()
        row = {"channel": channel, "recipient": recipient, "first_seen": now, "last_seen": now}
        try:
            with self._engine.begin() as connection:
                connection.execute(insert(audience).values({**row, **values}))
        except IntegrityError:
            # Another gateway inserted the same official in between: update its row instead.
            self._update(channel, recipient, values)

    def _update(self, channel: str, recipient: str, values: dict[str, object]) -> bool:
        where = and_(audience.c.channel == channel, audience.c.recipient == recipient)
        with self._engine.begin() as connection:
            found = connection.execute(update(audience).where(where).values(**values))
        return bool(found.rowcount)
