"""A Rasa replica keeps the conversations it saved last, and reads one back from the database
only when someone else wrote to it since.

Why it exists: Rasa's SQL tracker store, on every turn, reads every event of the conversation's
session back from the database, parses each one's JSON and replays them all into a new tracker;
then, to save, counts the session's rows again to know which events are new (docs/benchmarks.md,
"A lighter turn", sixth session). Every gateway sends one official's turns to the
same replica (bot/replicas.py), so the tracker the replica saved last is the conversation as
the database holds it, unless another replica took the official's turns meanwhile (this one
was unreachable for a moment). So:
- After a save the tracker is kept, with the id of the conversation's last row; a retrieve gives
  it back when that id is still the last one (one indexed query instead of the whole session),
  the domain is the same one, and no event was added to it without being saved (a turn that
  failed half-way). Otherwise Rasa reads the database as it always does. One turn of a
  conversation runs at a time (Rasa's lock), so a turn is the one changing the tracker kept.
- A tracker knows how many of its events are stored (read from the database or saved), so the
  save inserts the rest in one statement, without counting the rows first or Rasa's ORM's
  unit of work, and reads the last id in the same transaction. Same rows as Rasa's count
  gives: the count is of the session's rows, and the tracker holds exactly the session's
  events.
Only Rasa's SQL store (SQLite and PostgreSQL) changes; at most `KEEP` conversations a replica.
"""

from __future__ import annotations

import itertools
import json
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

# Conversations a replica keeps (the least recently saved go first): a tracker of a few dozen
# turns is some hundred kilobytes, and these are the officials writing right now.
KEEP = 256
# How many of a tracker's events are in the database: set where Rasa's count would be its length.
STORED = "_helpdesk_stored_events"
# Rasa's table of events (`SQLTrackerStore.SQLEvent`); its index on sender_id serves this.
_LAST_ID = text("SELECT max(id) FROM events WHERE sender_id = :sender")


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
    retrieve, save = SQLTrackerStore.retrieve, SQLTrackerStore.save

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
        stored = getattr(tracker, STORED, None)
        if stored is None:
            await save(self, tracker)
            last = _last_id(self, tracker.sender_id)
        else:
            await self.stream_events(tracker)
            last = _insert(self, tracker, stored)
        restarted = stored is not None and stored > 0 and _session_started(tracker, stored)
        _mark_stored(tracker)
        kept = _kept(self)
        kept.pop(tracker.sender_id, None)
        # After a new session Rasa reads only its events back: so does the next turn here.
        if tracker.events.maxlen is None and not restarted:
            kept[tracker.sender_id] = Kept(tracker, len(tracker.events), last, self.domain)
            while len(kept) > KEEP:
                kept.popitem(last=False)

    SQLTrackerStore.retrieve = kept_retrieve
    SQLTrackerStore.save = kept_save
    SQLTrackerStore._helpdesk_keeps = True


def _insert(store: Any, tracker: Any, stored: int) -> int | None:
    """Store the events of `tracker` after its first `stored`, as Rasa's save stores each, in
    one statement; the conversation's last id after them."""
    rows = []
    for event in itertools.islice(tracker.events, stored, len(tracker.events)):
        data = event.as_dict()
        rows.append(
            {
                "sender_id": tracker.sender_id,
                "type_name": event.type_name,
                "timestamp": data.get("timestamp"),
                "intent_name": data.get("parse_data", {}).get("intent", {}).get("name"),
                "action_name": data.get("name"),
                "data": json.dumps(data),
            }
        )
    with store.engine.begin() as connection:
        if rows:
            connection.execute(store.SQLEvent.__table__.insert(), rows)
        found: int | None = connection.execute(_LAST_ID, {"sender": tracker.sender_id}).scalar()
    return found


def _session_started(tracker: Any, stored: int) -> bool:
    """Whether a new session began among the events after the first `stored`."""
    events = itertools.islice(tracker.events, stored, len(tracker.events))
    return any(event.type_name == "session_started" for event in events)


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
    with store.engine.connect() as connection:
        found: int | None = connection.execute(_LAST_ID, {"sender": sender_id}).scalar()
    return found
