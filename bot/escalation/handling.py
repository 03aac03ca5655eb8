"""Which of an official's tickets staff are handling, and keeping what the official adds to it.

A ticket is being handled when staff took it on or answered it and it is not finished: its
status is "in progress" or "waiting for the official", or it is still "new" with a staff reply
already; and staff (or the official) touched it within the window (`updated_since`). Then an
official's next message belongs to the staff, not to the assistant: it is added to the ticket
(`POST /api/v1/tickets/{code}/messages`, the built-in desk's route beyond the contract).
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from bot.escalation.client import DeskClient, Note, Ticket, note_of

HANDLED = frozenset({"in_progress", "waiting_official"})
NEW = "new"


def is_handled(ticket: Ticket) -> bool:
    """Whether staff took `ticket` on or answered it, and it is not finished."""
    return ticket.status in HANDLED or (ticket.status == NEW and bool(ticket.notes))


async def handled_ticket(
    desk: DeskClient, channel: str, requester_id: str, since: datetime
) -> Ticket | None:
    """The official's most recently changed ticket staff are handling, changed since `since`."""
    page = await desk.list_tickets(
        requester_channel=channel, requester_id=requester_id, updated_since=since, limit=10
    )
    return next((t for t in page.items if is_handled(t)), None)


async def add_message(desk: DeskClient, code: str, author: str, text: str) -> Note:
    """Keep the official's `text` on ticket `code` as a note (tried once: no duplicate)."""
    path = f"/api/v1/tickets/{quote(code, safe='')}/messages"
    body = {"author": author, "text": text}
    return await desk.call("POST", path, note_of, once=True, json=body)
