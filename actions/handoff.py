"""Offer the official a ticket for a person to answer; they may decline."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import last_question
from actions.ticket_form import MAX_DESCRIPTION

# The offer's wording follows what led to it.
_OFFER_AFTER = {
    "nlu_fallback": "utter_offer_ticket_after_fallback",
    "feedback_not_helpful": "utter_offer_ticket_after_not_helpful",
}


class ActionOfferTicket(Action):
    """Offer a ticket, keeping the official's last question to propose as its description."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_offer_ticket"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Send the offer with yes and no buttons."""
        intent = tracker.get_intent_of_latest_message(skip_fallback_intent=False) or ""
        dispatcher.utter_message(response=_OFFER_AFTER.get(intent, "utter_offer_ticket"))
        question = last_question(tracker)
        # A question too long for a description is not proposed; the form asks for a shorter one.
        if question is not None and len(question) > MAX_DESCRIPTION:
            question = None
        return [SlotSet("ticket_proposal", question)]
