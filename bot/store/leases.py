"""Leases: one process at a time does a job, and a holder that dies frees it by expiring.

Why it looks like this:
- A lease is a committed row (name, holder, expiry, term), never a lock held in an open
  transaction: what the holder does meanwhile (an HTTP call, a notifier's whole tick) runs
  outside any transaction, so a slow or lost answer blocks nobody's writes, and a holder that
  dies frees the job when its lease runs out.
- Taking a lease is one conditional write: an insert when there is no row (the primary key lets
  one insert win), else an update of the `term` read just before (compare and set), allowed when
  the lease is ours or has expired. Of two processes racing for it, exactly one gets it.
- A claim says whether it took over a lease that expired without being released (`abandoned`):
  its holder stopped mid-job, which the caller may have to report (a Zalo token refresh whose
  outcome nobody knows). Releasing deletes the row, so a released lease is never "abandoned".
- Times come from the process's clock in UTC: the holders' clocks are assumed to agree within
  seconds (NTP), far less than any lease's length.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.store.schema import leases


def holder_id(role: str) -> str:
    """A name for this process in `role` that no other process (or restart) shares."""
    return f"{role}:{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


@dataclass(frozen=True)
class Claim:
    """A lease taken (or renewed) by `holder` until `expires_at`."""

    name: str
    holder: str
    expires_at: datetime
    abandoned: bool  # it was another holder's, which expired without being released


@dataclass(frozen=True)
class Holding:
    """Who holds a lease, and until when."""

    holder: str
    expires_at: datetime


class Leases:
    """The `leases` table; every method blocks (run them in a thread from async code)."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = datetime.utcnow) -> None:
        """Use `engine` (migrated) and `clock` (naive UTC, like the stored times)."""
        self._engine = engine
        self._clock = clock

    def acquire(self, name: str, holder: str, seconds: float) -> Claim | None:
        """Take or renew lease `name` for `seconds`; None while another holder's is running."""
        now = self._clock()
        until = now + timedelta(seconds=seconds)
        query = select(leases.c.holder, leases.c.expires_at, leases.c.term).where(
            leases.c.name == name
        )
        with self._engine.connect() as connection:
            row = connection.execute(query).first()
        if row is None:
            return self._insert(name, holder, now, until)
        if row.holder != holder and row.expires_at > now:
            return None
        values = {"holder": holder, "expires_at": until, "term": row.term + 1}
        if row.holder != holder:
            values["acquired_at"] = now
        with self._engine.begin() as connection:
            changed = connection.execute(
                update(leases)
                .where(leases.c.name == name, leases.c.term == row.term)
                .values(**values)
            )
        if changed.rowcount != 1:
            return None  # another process changed it between our read and our write
        return Claim(name, holder, until, abandoned=row.holder != holder)

    def release(self, name: str, holder: str) -> None:
        """Give lease `name` up, if `holder` still has it."""
        with self._engine.begin() as connection:
            connection.execute(
                delete(leases).where(leases.c.name == name, leases.c.holder == holder)
            )

    def holding(self, name: str) -> Holding | None:
        """Who holds lease `name` (even if it has expired), or None when it is free."""
        query = select(leases.c.holder, leases.c.expires_at).where(leases.c.name == name)
        with self._engine.connect() as connection:
            row = connection.execute(query).first()
        return Holding(row.holder, row.expires_at) if row is not None else None

    def _insert(self, name: str, holder: str, now: datetime, until: datetime) -> Claim | None:
        values = {"name": name, "holder": holder, "expires_at": until, "term": 1}
        try:
            with self._engine.begin() as connection:
                connection.execute(insert(leases).values(acquired_at=now, **values))
        except IntegrityError:
            return None  # another process inserted it first: theirs
        return Claim(name, holder, until, abandoned=False)
