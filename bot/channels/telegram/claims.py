"""Claim each Telegram update once, in the store, so a redelivered one is dropped.

Why it looks like this:
- Telegram delivers an update again when the webhook answered late or with an error, and a
  restarted poller may read the last batch twice. Inserting (channel, update_id) into
  `seen_updates` is the claim: the primary key lets exactly one insert win, across processes,
  replicas and restarts, on SQLite and PostgreSQL alike.
- The claim comes before the work. An update whose work then fails is not retried (the official
  is told something went wrong and may ask again): answering twice is worse than once.
- Telegram keeps an undelivered update for at most 24 hours, so claims older than a week are
  only history; `prune` removes them (this channel's rows only).
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.store.schema import seen_updates

CHANNEL = "telegram"
KEEP = timedelta(days=7)


class UpdateClaims:
    """Claims of update ids for one channel in `seen_updates`."""

    def __init__(self, engine: Engine, channel: str = CHANNEL) -> None:
        """Use `engine`, whose store `bot.store.database.migrate` has brought up to date."""
        self._engine = engine
        self._channel = channel

    async def claim(self, update_id: int | str) -> bool:
        """True if this call claimed `update_id`; False if it was claimed before."""
        return await asyncio.to_thread(self._claim, str(update_id))

    def _claim(self, update_id: str) -> bool:
        try:
            with self._engine.begin() as connection:
                connection.execute(
                    insert(seen_updates).values(
                        channel=self._channel, update_id=update_id, seen_at=datetime.utcnow()
                    )
                )
        except IntegrityError:
            return False
        return True

    async def prune(self, older_than: timedelta = KEEP) -> int:
        """Forget this channel's claims older than `older_than`; how many were removed."""
        return await asyncio.to_thread(self._prune, datetime.utcnow() - older_than)

    def _prune(self, before: datetime) -> int:
        with self._engine.begin() as connection:
            result = connection.execute(
                delete(seen_updates).where(
                    and_(seen_updates.c.channel == self._channel, seen_updates.c.seen_at < before)
                )
            )
        return int(result.rowcount or 0)
