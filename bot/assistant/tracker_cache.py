"""A Rasa replica keeps the conversations it saved last, and reads one back from the database
only when someone else wrote to it since.

Why it exists: Rasa's SQL tracker store, on every turn, reads every event of the conversation's
session back from the database, parses each one's JSON and replays them all into a new tracker;
then, to save, counts the session's rows again to know which events are new (docs/benchmarks.md,
"Rasa's conversations kept by the replica"). Every gateway sends one official's turns to the
same replica (bot/replicas.py), so the tracker the replica saved last is the conversation as
the database holds it, unless another replica took the official's turns meanwhile (this one
was unreachable for a moment). So:
- After a save the tracker is kept, with the id of the conversation's last row; a retrieve gives
  it back when that id is still the last one (one indexed query instead of the whole session),
  the domain is the same one, and no event was added to it without being saved (a turn that
  failed half-way). Otherwise Rasa reads the database as it always does. One turn of a
  conversation runs at a time (Rasa's lock), so a turn is the one changing the tracker kept.
- A tracker knows how many of its events are stored (read from the database or saved), so the
  save inserts the rest without counting the rows. Same rows as Rasa's count gives: the count
  is of the session's rows, and the tracker holds exactly the session's events.
Only Rasa's SQL store (SQLite and PostgreSQL) changes; at most `KEEP` conversations a replica.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# Conversations a replica keeps (the least recently saved go first): a tracker of a few dozen
# turns is some hundred kilobytes, and these are the officials writing right now.
KEEP = 256
# How many of a tracker's events are in the database: set where Rasa's count would be its length.
STORED = "_helpdesk_stored_events"


@dataclass(frozen=True)
class Kept:
    """A tracker as saved, with the id of its conversation's last row and the domain it holds."""

    tracker: Any
    stored: int
    last_id: int | None
    domain: Any


def install() -> None:
    """Change Rasa's SQL tracker store once (idempotent)."""
    from rasa.core.tracker_store import SQLTrackerStore

    if getattr(SQLTrackerStore, "_helpdesk_keeps", False):
        return
    retrieve, save, additional = (
        SQLTrackerStore.retrieve,
        SQLTrackerStore.save,
        SQLTrackerStore._additional_events,
    )

    async def kept_retrieve(self: SQLTrackerStore, sender_id: str) -> Any:
        kept = _kept(self)
        entry = kept.get(sender_id)
        if entry is not None:
            if _still_current(self, sender_id, entry):
                kept.move_to_end(sender_id)
                return entry.tracker
            del kept[sender_id]
        tracker = await retrieve(self, sender_id)
        _mark_stored(tracker)
        return tracker

    async def kept_save(self: SQLTrackerStore, tracker: Any) -> None:
        await save(self, tracker)
        _mark_stored(tracker)
        if tracker.events.maxlen is None:
            kept = _kept(self)
            kept.pop(tracker.sender_id, None)
            last = _last_id(self, tracker.sender_id)
            kept[tracker.sender_id] = Kept(tracker, len(tracker.events), last, self.domain)
            while len(kept) > KEEP:
                kept.popitem(last=False)

    def stored_additional(self: SQLTrackerStore, session: Any, tracker: Any) -> Iterator[Any]:
        stored = getattr(tracker, STORED, None)
        if stored is None:
            found: Iterator[Any] = additional(self, session, tracker)
            return found
        return itertools.islice(tracker.events, stored, len(tracker.events))

    SQLTrackerStore.retrieve = kept_retrieve
    SQLTrackerStore.save = kept_save
    SQLTrackerStore._additional_events = stored_additional
    SQLTrackerStore._helpdesk_keeps = True


def _kept(store: Any) -> OrderedDict[str, Kept]:
    kept: OrderedDict[str, Kept] | None = store.__dict__.get("_helpdesk_kept")
    if kept is None:
        kept = store.__dict__["_helpdesk_kept"] = OrderedDict()
    return kept


def _mark_stored(tracker: Any) -> None:
    # A bounded history drops events: Rasa's count would no longer be the tracker's length.
    if tracker is not None and tracker.events.maxlen is None:
        setattr(tracker, STORED, len(tracker.events))


def _still_current(store: Any, sender_id: str, entry: Kept) -> bool:
    """Whether `entry` is the conversation as stored: nothing written or added since."""
    if entry.domain is not store.domain or len(entry.tracker.events) != entry.stored:
        return False
    return _last_id(store, sender_id) == entry.last_id


def _last_id(store: Any, sender_id: str) -> int | None:
    """The id of the last row stored for `sender_id` (ids only grow)."""
    import sqlalchemy as sa

    event = store.SQLEvent
    query = sa.select(sa.func.max(event.id)).where(event.sender_id == sender_id)
    with store.session_scope() as session:
        found: int | None = session.execute(query).scalar()
    return found
