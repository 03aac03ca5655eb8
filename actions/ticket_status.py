"""Tell an official how their tickets stand: one by its code, or their recent ones.

A ticket is shown only to the official who opened it, on the channel they opened it from.
Another official's ticket gets the same answer as a code that does not exist, so codes cannot
be probed for what exists.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions import recent_tickets, services
from actions.conversation import channel_of
from bot.display import vietnam_time
from bot.escalation.client import DeskClient, DeskError, Ticket, TicketNotFound
from bot.escalation.outbox import PENDING, Outbox
from bot.notify.messages import status_name

logger = logging.getLogger(__name__)

_CODE = re.compile(r"\b(HT|CHO)[\s._-]*0*([0-9]{1,6})\b", re.IGNORECASE)
# The most tickets the contract lists at once; the list is ordered by latest change, so the
# newest sent are picked from it here. An official has far fewer.
LIST_LIMIT = 200


def code_in(text: str) -> str | None:
    """A ticket code (HT-000123) or local code (CHO-000001) in the text, written loosely."""
    match = _CODE.search(text)
    if match is None:
        return None
    return f"{match.group(1).upper()}-{int(match.group(2)):06d}"


class ActionTicketStatus(Action):
    """Answer "how is my ticket?" from the document system and the outbox."""

    def __init__(
        self,
        client: DeskClient | None = None,
        outbox: Outbox | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        """Use these services and clock, or the configured ones and the real time."""
        self._client = client
        self._outbox = outbox
        self._clock = clock or (lambda: datetime.now(timezone.utc))

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_ticket_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Show the named ticket, or list the official's recent ones."""
        owner = (channel_of(tracker), tracker.sender_id)
        text = str(tracker.latest_message.get("text") or "")
        code = code_in(text)
        try:
            outbox = self._outbox or services.outbox()
            client = self._client or services.desk_client()
            if code is None:
                await self._list(dispatcher, owner, text, client, outbox)
            elif code.startswith("CHO-"):
                await self._waiting(dispatcher, owner, code, client, outbox)
            else:
                await self._one(dispatcher, owner, code, client)
        except (DeskError, services.DeskNotConfigured, SQLAlchemyError) as error:
            logger.warning("ticket status unavailable: %s", type(error).__name__)
            dispatcher.utter_message(response="utter_ticket_status_unavailable")
        return []

    async def _one(
        self,
        dispatcher: CollectingDispatcher,
        owner: tuple[str, str],
        code: str,
        client: DeskClient,
    ) -> None:
        try:
            ticket = await client.get_ticket(code)
        except TicketNotFound:
            ticket = None
        if ticket is None or (ticket.requester_channel, ticket.requester_id) != owner:
            dispatcher.utter_message(response="utter_ticket_status_not_found", code=code)
            return
        _show(dispatcher, ticket)

    async def _waiting(
        self,
        dispatcher: CollectingDispatcher,
        owner: tuple[str, str],
        code: str,
        client: DeskClient,
        outbox: Outbox,
    ) -> None:
        row = outbox.find_local(code)
        if row is None or (row.channel, row.recipient) != owner:
            dispatcher.utter_message(response="utter_ticket_status_not_found", code=code)
        elif row.status == PENDING or row.ticket_code is None:
            dispatcher.utter_message(response="utter_ticket_status_waiting", code=code)
        else:
            _show(dispatcher, await client.get_ticket(row.ticket_code))

    async def _list(
        self,
        dispatcher: CollectingDispatcher,
        owner: tuple[str, str],
        text: str,
        client: DeskClient,
        outbox: Outbox,
    ) -> None:
        waiting = outbox.waiting_for(*owner)
        page = await client.list_tickets(
            requester_channel=owner[0], requester_id=owner[1], limit=LIST_LIMIT
        )
        # The desk filters by requester; checked again here, so that a system that ignored the
        # filter could still never show an official another's tickets.
        mine = [t for t in page.items if (t.requester_channel, t.requester_id) == owner]
        found = recent_tickets.entries(mine, waiting)
        if not found:
            dispatcher.utter_message(response="utter_ticket_status_none")
            return
        listing = recent_tickets.choose(found, text, self._clock())
        dispatcher.utter_message(response=listing.response, **recent_tickets.values(listing))


def _show(dispatcher: CollectingDispatcher, ticket: Ticket) -> None:
    values = {
        "code": ticket.code,
        "summary": ticket.summary,
        "status": status_name(ticket.status),
        "deadline": vietnam_time(ticket.deadline),
    }
    if ticket.notes:
        note = ticket.notes[-1]
        dispatcher.utter_message(
            response="utter_ticket_status_one",
            **values,
            author=note.author,
            at=vietnam_time(note.created_at),
            reply=note.text,
        )
    else:
        dispatcher.utter_message(response="utter_ticket_status_one_no_reply", **values)
