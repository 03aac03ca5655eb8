"""Claiming a Zalo event once, in `seen_updates`, across processes and restarts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.store.schema import seen_updates

CHANNEL = "zalo"


class SeenUpdates:
    """The events of one channel already taken; blocking, run the methods in a thread."""

    def __init__(self, engine: Engine, channel: str = CHANNEL) -> None:
        """Use `engine` (migrated) and rows of `channel`."""
        self._engine = engine
        self._channel = channel

    def claim(self, update_id: str) -> bool:
        """Take `update_id`: True the first time, False if anyone took it before."""
        values = {"channel": self._channel, "update_id": update_id, "seen_at": datetime.utcnow()}
        try:
            # The primary key decides: of two racing inserts one commits, the other fails.
            with self._engine.begin() as connection:
                connection.execute(insert(seen_updates).values(**values))
        except IntegrityError:
            return False
        return True

    def prune(self, before: datetime) -> int:
        """Forget claims older than `before` (Zalo stops redelivering within hours)."""
        query = delete(seen_updates).where(
            seen_updates.c.channel == self._channel, seen_updates.c.seen_at < before
        )
        with self._engine.begin() as connection:
            return int(connection.execute(query).rowcount)
