"""Send the confirmed ticket to the document system, or queue it; or drop the form on cancel."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions import services
from actions.conversation import (
    article_before_handoff,
    channel_of,
    message_marker,
    official_name,
    recent_turns,
)
from bot.display import vietnam_time
from bot.escalation.client import DeskClient, DeskRejected
from bot.escalation.delivery import BUDGET_SECONDS, EscalationResult, escalate
from bot.escalation.outbox import Outbox
from bot.escalation.request import TicketRequest, idempotency_key, payload
from bot.office_hours.loading import OfficeSchedule
from bot.office_hours.wording import opening_words

logger = logging.getLogger(__name__)

# Cleared after each ticket; unit and phone are kept for the next one.
_FORM_SLOTS = ("ticket_software", "ticket_description", "ticket_confirm", "ticket_proposal")


def _clear_form() -> list[EventType]:
    return [SlotSet(slot, None) for slot in _FORM_SLOTS]


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class ActionSubmitTicket(Action):
    """Open the ticket and give the official its code and deadline, or a code to wait with;
    outside office hours, say when a person will answer."""

    def __init__(
        self,
        client: DeskClient | None = None,
        outbox: Outbox | None = None,
        budget: float = BUDGET_SECONDS,
        schedule: OfficeSchedule | None = None,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        """Use these services, or the configured ones; queue what takes over `budget` seconds.
        `schedule` (the configured office hours if None) and `clock` say if the office is open."""
        self._client = client
        self._outbox = outbox
        self._budget = budget
        self._schedule = schedule
        self._clock = clock

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_submit_ticket"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Escalate what the form collected."""
        channel, user_id = channel_of(tracker), tracker.sender_id
        request = TicketRequest(
            software=tracker.get_slot("ticket_software") or "chung",
            description=tracker.get_slot("ticket_description") or "",
            unit=tracker.get_slot("ticket_unit") or "",
            phone=tracker.get_slot("ticket_phone") or "",
            channel=channel,
            user_id=user_id,
            name=official_name(tracker),
            article=article_before_handoff(tracker),
        )
        body = payload(request, recent_turns(tracker))
        key = idempotency_key(channel, user_id, message_marker(tracker))
        try:
            result = await self._escalate(body, key, channel, user_id)
        except DeskRejected as error:
            logger.warning("ticket refused by the document system (field %s)", error.field)
            dispatcher.utter_message(response="utter_ticket_rejected")
            return _clear_form()
        except SQLAlchemyError:
            logger.exception("could not queue a ticket the document system did not take")
            dispatcher.utter_message(response="utter_ticket_failed")
            return _clear_form()
        if result.ticket is not None:
            dispatcher.utter_message(
                response="utter_ticket_created",
                code=result.ticket.code,
                deadline=vietnam_time(result.ticket.deadline),
            )
        else:
            dispatcher.utter_message(response="utter_ticket_queued", code=result.local_code)
        hours = (self._schedule or services.office_schedule()).hours
        now = self._clock()
        if not hours.is_open(now):
            opening = opening_words(hours, hours.next_opening(now))
            dispatcher.utter_message(response="utter_ticket_after_hours", opening=opening)
        return _clear_form()

    async def _escalate(
        self, body: dict[str, Any], key: str, channel: str, user_id: str
    ) -> EscalationResult:
        outbox = self._outbox or services.outbox()
        try:
            client = self._client or services.desk_client()
        except services.DeskNotConfigured:
            logger.error("no document-system token is set; the ticket waits in the outbox")
            return EscalationResult(local_code=outbox.enqueue(body, key, channel, user_id))
        return await escalate(body, key, channel, user_id, client, outbox, self._budget)


class ActionCancelTicket(Action):
    """Drop the form when the official changes their mind."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_cancel_ticket"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Say the ticket was not sent and clear what the form collected."""
        dispatcher.utter_message(response="utter_ticket_cancelled")
        return [*_clear_form(), SlotSet("requested_slot", None)]
