"""The ticket form: software, description, unit, phone, then a summary to confirm.

Every slot is typed text (`from_text`), so each validator also accepts what a button sent. A
wrong value is explained with an example and asked again; unit and phone stay in the
conversation's slots after a ticket, so the next form only asks to confirm them.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import services
from bot.escalation.phone import normalize_phone
from bot.vietnamese import fold

MIN_DESCRIPTION = 8
MAX_DESCRIPTION = 5000
MAX_UNIT = 200


def match_software(text: str, labels: dict[str, str]) -> str | None:
    """The software key whose label or key the text names, if exactly one does."""
    typed = " ".join(fold(text).split())
    if not typed:
        return None
    exact = [key for key, label in labels.items() if typed in (fold(label), key)]
    if exact:
        return exact[0]
    found = [
        key
        for key, label in labels.items()
        if len(typed) >= 3 and (fold(label) in typed or typed in fold(label))
    ]
    return found[0] if len(found) == 1 else None


def spaced_phone(phone: str) -> str:
    """0912345678 as people read it: 0912 345 678."""
    return f"{phone[:4]} {phone[4:7]} {phone[7:]}"


def _typed(tracker: Tracker) -> str:
    """The official's message, or "" when it is a button payload."""
    text = str(tracker.latest_message.get("text") or "").strip()
    return "" if text.startswith("/") else text


class ValidateTicketForm(FormValidationAction):
    """Check each answer of the ticket form and explain what is wrong with a bad one."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "validate_ticket_form"

    def validate_ticket_software(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A software named by its button or typed."""
        key = match_software(_typed(tracker), services.software_labels())
        if key is None:
            dispatcher.utter_message(response="utter_invalid_ticket_software")
        return {"ticket_software": key}

    def validate_ticket_description(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The proposed description when accepted, or the official's own words."""
        proposal = tracker.get_slot("ticket_proposal")
        if tracker.get_intent_of_latest_message() == "affirm" and proposal:
            return {"ticket_description": proposal}
        text = _typed(tracker)
        if len(text) > MAX_DESCRIPTION:
            dispatcher.utter_message(
                response="utter_ticket_description_too_long", limit=f"{MAX_DESCRIPTION:,}"
            )
            return {"ticket_description": None}
        if len(text) < MIN_DESCRIPTION or len(text.split()) < 2:
            dispatcher.utter_message(response="utter_invalid_ticket_description")
            return {"ticket_description": None}
        return {"ticket_description": text}

    def validate_ticket_unit(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The official's unit (đơn vị), as they write it."""
        text = " ".join(_typed(tracker).split())
        if not 2 <= len(text) <= MAX_UNIT:
            dispatcher.utter_message(response="utter_invalid_ticket_unit", limit=MAX_UNIT)
            return {"ticket_unit": None}
        return {"ticket_unit": text}

    def validate_ticket_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A Vietnamese mobile number in any usual writing, stored as 0xxxxxxxxx."""
        phone = normalize_phone(_typed(tracker))
        if phone is None:
            dispatcher.utter_message(response="utter_invalid_ticket_phone")
        return {"ticket_phone": phone}

    def validate_ticket_confirm(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Yes sends; no asks description, unit and phone again, offering the old description."""
        intent = tracker.get_intent_of_latest_message()
        if intent == "affirm":
            return {"ticket_confirm": "yes"}
        if intent == "deny":
            dispatcher.utter_message(response="utter_ticket_edit")
            return {
                "ticket_confirm": None,
                "ticket_proposal": tracker.get_slot("ticket_description"),
                "ticket_description": None,
                "ticket_unit": None,
                "ticket_phone": None,
            }
        dispatcher.utter_message(response="utter_invalid_ticket_confirm")
        return {"ticket_confirm": None}


class ActionAskTicketSoftware(Action):
    """Ask which software the problem is in, one button per software."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_ask_ticket_software"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Send the question with the buttons."""
        buttons = [
            {"title": label, "payload": label} for label in services.software_labels().values()
        ]
        dispatcher.utter_message(response="utter_ask_ticket_software", buttons=buttons)
        return []


class ActionAskTicketDescription(Action):
    """Ask for the description, proposing the official's last question when there is one."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_ask_ticket_description"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Send the proposal with an accept button, or the plain question."""
        proposal = tracker.get_slot("ticket_proposal")
        if proposal:
            dispatcher.utter_message(
                response="utter_ask_ticket_description_proposed", proposal=proposal
            )
        else:
            dispatcher.utter_message(response="utter_ask_ticket_description")
        return []


class ActionAskTicketConfirm(Action):
    """Show what the ticket will say and ask to send it."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_ask_ticket_confirm"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Send the summary with send, rewrite and cancel buttons."""
        software = tracker.get_slot("ticket_software") or ""
        phone = tracker.get_slot("ticket_phone") or ""
        dispatcher.utter_message(
            response="utter_ask_ticket_confirm",
            software=services.software_labels().get(software, software),
            description=tracker.get_slot("ticket_description") or "",
            unit=tracker.get_slot("ticket_unit") or "",
            phone=spaced_phone(phone) if len(phone) == 10 else phone,
        )
        return []
