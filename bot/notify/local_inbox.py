"""The channel of the local web and terminal chats: notices kept in the assistant's store.

Why it looks like this:
- The local chats have no connection the notifier could push through (the web page polls, the
  terminal is another process), so a notice is a row in `local_messages` and each chat fetches
  its sender's rows after the last id it has shown. Ids only grow, so nothing shows twice.
- Sending is a single insert, committed before `send` returns: once it returns, the notice is
  as durable as the store.
- Database work runs in a worker thread from `send`, off the event loop of the notifier.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine, Row

from bot.messages import Button, OutgoingMessage, RecipientUnreachable
from bot.store.schema import local_messages

MAX_RECIPIENT = 128
MAX_FETCH = 200


@dataclass(frozen=True)
class InboxMessage:
    """One stored notice."""

    id: int
    recipient: str
    text: str
    buttons: tuple[Button, ...]
    created_at: datetime

    def as_json(self) -> dict[str, Any]:
        """The notice as the chats show messages: id, text and buttons (title, payload)."""
        return {
            "id": self.id,
            "text": self.text,
            "buttons": [{"title": b.title, "payload": b.payload} for b in self.buttons],
        }


class LocalInbox:
    """A Channel writing to `local_messages`, and the reader the local chats poll."""

    def __init__(self, engine: Engine) -> None:
        """Use `engine`; `bot.store.database.migrate` must have created the table."""
        self._engine = engine

    @property
    def engine(self) -> Engine:
        """The store the inbox is kept in (the web chat keeps its rate limits there too)."""
        return self._engine

    async def send(self, recipient: str, message: OutgoingMessage) -> None:
        """Keep `message` for `recipient` (a local chat's sender id)."""
        await asyncio.to_thread(self.store, recipient, message)

    def store(self, recipient: str, message: OutgoingMessage) -> int:
        """Keep `message` for `recipient` and return its id."""
        if not recipient or len(recipient) > MAX_RECIPIENT:
            raise RecipientUnreachable(f"a local recipient id has 1 to {MAX_RECIPIENT} characters")
        buttons = [{"title": b.title, "payload": b.payload} for b in message.buttons]
        values = {
            "recipient_id": recipient,
            "text": message.text,
            "buttons": json.dumps(buttons, ensure_ascii=False),
            "created_at": datetime.utcnow(),
        }
        with self._engine.begin() as connection:
            result = connection.execute(insert(local_messages).values(**values))
            return int(result.inserted_primary_key[0])

    def fetch(self, recipient: str, after_id: int = 0, limit: int = 50) -> list[InboxMessage]:
        """Up to `limit` (at most MAX_FETCH) notices for `recipient` with ids above `after_id`."""
        limit = max(1, min(limit, MAX_FETCH))
        query = (
            select(local_messages)
            .where(local_messages.c.recipient_id == recipient, local_messages.c.id > after_id)
            .order_by(local_messages.c.id)
            .limit(limit)
        )
        with self._engine.connect() as connection:
            return [_message(row) for row in connection.execute(query)]


def _message(row: Row) -> InboxMessage:
    buttons = tuple(
        Button(str(b.get("title", "")), str(b.get("payload", "")))
        for b in json.loads(row.buttons or "[]")
        if isinstance(b, dict)
    )
    return InboxMessage(
        id=int(row.id),
        recipient=row.recipient_id,
        text=row.text,
        buttons=buttons,
        created_at=row.created_at,
    )
