"""The gateway's `Contacts`: an official's interactions written at most once a minute each.

Why it exists: the gateway records an interaction before every message reaches Rasa, and a
write per message was a commit per turn in the store (docs/benchmarks.md, "Many officials at
once"). What readers need from the row tolerates a minute: Zalo's window is 7 days, and a
`last_interaction_at` a minute old only closes it a minute early. What must stay exact is the
order against what a channel reported since ("blocked", "outside the window"): so
- an interaction not written yet is written before this object reads the official's row
  (`get`, `reach`, `census`), so a delivery after a message always sees that message;
- a channel's report drops it: the report came after it and wins, as the write order had it.
Other processes (the notifier) see an official's last interaction at most a minute late. Each
gateway process keeps its own memory; the write is an upsert of a time, so several gateways
writing for one official is as correct as one.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from bot.store.contacts import Contact, Contacts, Reach

WRITE_EVERY_SECONDS = 60.0
_REMEMBERED = 50_000


class RecentContacts(Contacts):
    """`Contacts` writing each official's interactions at most every WRITE_EVERY_SECONDS."""

    def __init__(
        self,
        engine: Engine,
        windows: dict[str, timedelta] | None = None,
        clock: Callable[[], datetime] = datetime.utcnow,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """As `Contacts`; `monotonic` says when the last write of each official was."""
        super().__init__(engine, windows, clock)
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._written: OrderedDict[tuple[str, str], float] = OrderedDict()
        self._unwritten: dict[tuple[str, str], datetime] = {}

    def interacted(self, channel: str, recipient: str, at: datetime | None = None) -> None:
        """Record the interaction; written now unless this official's was under a minute ago."""
        key, now = (channel, recipient), self._monotonic()
        when = at or self.now()
        with self._lock:
            last = self._written.get(key)
            if last is not None and now - last < WRITE_EVERY_SECONDS:
                self._unwritten[key] = max(when, self._unwritten.get(key, when))
                return
            self._remember(key, now)
        super().interacted(channel, recipient, when)

    def window_closed(self, channel: str, recipient: str) -> None:
        """As `Contacts`; an interaction not written yet came before the report, and goes."""
        self._forget((channel, recipient))
        super().window_closed(channel, recipient)

    def unreachable(self, channel: str, recipient: str, reason: str) -> None:
        """As `Contacts`; an interaction not written yet came before the report, and goes."""
        self._forget((channel, recipient))
        super().unreachable(channel, recipient, reason)

    def get(self, channel: str, recipient: str) -> Contact | None:
        """The official's row, with their last interaction written first."""
        self._flush([(channel, recipient)])
        return super().get(channel, recipient)

    def reach(self, channel: str, recipient: str, now: datetime | None = None) -> Reach:
        """As `Contacts`, with the official's last interaction written first."""
        self._flush([(channel, recipient)])
        return super().reach(channel, recipient, now)

    def census(self, channel: str, recipients: Iterable[str]) -> Counter[str]:
        """As `Contacts`, with every unwritten interaction on `channel` written first."""
        wanted = list(recipients)
        self._flush([(channel, r) for r in wanted])
        return super().census(channel, wanted)

    def _flush(self, keys: list[tuple[str, str]]) -> None:
        with self._lock:
            due = [(key, self._unwritten.pop(key)) for key in keys if key in self._unwritten]
            for key, _when in due:
                self._remember(key, self._monotonic())
        for (channel, recipient), when in due:
            super().interacted(channel, recipient, when)

    def _forget(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._unwritten.pop(key, None)
            self._written.pop(key, None)

    def _remember(self, key: tuple[str, str], now: float) -> None:
        """Under the lock: `key` written at `now`; the oldest forgotten past _REMEMBERED."""
        self._written[key] = now
        self._written.move_to_end(key)
        while len(self._written) > _REMEMBERED:
            # The longest unwritten: its interaction, if any, is at most a minute's news lost.
            old, _ = self._written.popitem(last=False)
            self._unwritten.pop(old, None)
