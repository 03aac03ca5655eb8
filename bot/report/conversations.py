"""Conversations as Rasa's SQL tracker store keeps them: one row per event, its JSON in `data`.

The table is read directly rather than through Rasa's tracker store, which would load Rasa and
rebuild every tracker only for the report to read the same JSON back.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, inspect, select
from sqlalchemy.engine import Engine

from bot.report.period import Period

logger = logging.getLogger(__name__)

Event = dict[str, Any]

# The kinds the report interprets; a conversation holds many more it has no use for.
KINDS = ("user", "bot", "action", "slot", "active_loop", "session_started", "restart")

_events = Table(
    "events",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("type_name", String(255)),
    Column("timestamp", Float),
    Column("data", Text),
)


def conversations(engine: Engine, period: Period) -> Iterator[list[Event]]:
    """The events of every conversation with a message in the period, each in order.

    Whole conversations are read, not just the period's events: a question asked on the last
    day may be escalated the next, and its outcome is what happened after it.
    """
    if not inspect(engine).has_table("events"):
        return  # Rasa has not stored a conversation yet
    active = (
        select(_events.c.sender_id)
        .where(_events.c.type_name == "user")
        .where(_events.c.timestamp >= period.start.timestamp())
        .where(_events.c.timestamp < period.end.timestamp())
        .distinct()
    )
    query = (
        select(_events.c.sender_id, _events.c.data)
        .where(_events.c.sender_id.in_(active.scalar_subquery()))
        .where(_events.c.type_name.in_(KINDS))
        .order_by(_events.c.sender_id, _events.c.id)
    )
    with engine.connect() as connection:
        rows = connection.execution_options(stream_results=True, yield_per=500).execute(query)
        sender: str | None = None
        events: list[Event] = []
        for sender_id, data in rows:
            if sender_id != sender:
                if events:
                    yield events
                sender, events = sender_id, []
            event = _parse(data)
            if event is not None:
                events.append(event)
        if events:
            yield events


def _parse(data: str | None) -> Event | None:
    try:
        event = json.loads(data or "")
    except ValueError:
        logger.warning("skipped an event whose data is not JSON")
        return None
    return event if isinstance(event, dict) else None
