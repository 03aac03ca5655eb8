"""An official's rating of a resolved ticket, and the optional comment that follows it.

Why it looks like this:
- The rating arrives as a button press under the notifier's question
  (`/rate_ticket{"ticket_code": "HT-000123", "rating_score": "4"}`), never typed: the code and
  the score are the payload's entities, checked here again since anyone can type a payload.
- The desk decides who may rate (only the ticket's requester: this channel and sender id) and
  what a low rating does (alert the staff or reopen the ticket); the reply says which.
- A stored rating opens `rating_comment_form`, which asks for a comment with a "Bỏ qua" button;
  the comment is stored with the same score, since rating again replaces the rating.
- A desk that is down or not configured loses nothing the official cannot redo: they are asked
  to press the button again later. Logs name the ticket code only.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import services
from actions.conversation import channel_of
from bot.escalation.client import DeskAuthError, DeskClient, DeskError, DeskRejected
from bot.escalation.client import TicketNotFound as DeskTicketNotFound
from bot.escalation.ratings import Rating, rate_ticket

logger = logging.getLogger(__name__)

FORM = "rating_comment_form"
MAX_COMMENT = 1000
_CODE = re.compile(r"HT-[0-9]{6}")
_SLOTS = ("rating_ticket", "rating_score", "rating_comment")
# The reply by what the low rating set off at the desk.
_THANKS = {"alert": "utter_rating_thanks_low", "reopen": "utter_rating_thanks_reopened"}


def _entity(tracker: Tracker, name: str) -> str:
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == name:
            return str(entity.get("value") or "").strip()
    return ""


def _clear() -> list[EventType]:
    return [SlotSet(slot, None) for slot in _SLOTS]


class _Rates:
    """What both actions share: the desk client, and how a failed rating is explained."""

    def __init__(self, client: DeskClient | None = None) -> None:
        """Use `client`, or the configured desk."""
        self._client = client

    async def _rate(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        code: str,
        score: int,
        comment: str | None = None,
    ) -> Rating | None:
        """The stored rating, or None once the official was told why it was not stored."""
        try:
            client = self._client or services.desk_client()
            requester = (channel_of(tracker), tracker.sender_id)
            return await rate_ticket(client, code, requester, score, comment)
        except services.DeskNotConfigured:
            logger.error("no document-system token is set; ticket %s not rated", code)
        except DeskTicketNotFound:
            dispatcher.utter_message(response="utter_rating_not_yours", code=code)
            return None
        except DeskAuthError as error:
            if error.status == 403:  # the desk's answer to anyone but the requester
                dispatcher.utter_message(response="utter_rating_not_yours", code=code)
                return None
            logger.error("the document system refused the assistant's token (%d)", error.status)
        except DeskRejected as error:
            if error.status == 409:
                dispatcher.utter_message(response="utter_rating_not_finished", code=code)
                return None
            logger.warning("rating of ticket %s refused (field %s)", code, error.field)
        except DeskError as error:
            logger.warning("ticket %s not rated (%s)", code, type(error).__name__)
        dispatcher.utter_message(response="utter_rating_failed")
        return None


class ActionRateTicket(_Rates, Action):
    """Store the score the official chose, thank them, and ask for a comment."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_rate_ticket"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Rate the ticket the button named; open the comment form once it is stored."""
        code, score = _entity(tracker, "ticket_code"), _entity(tracker, "rating_score")
        if not _CODE.fullmatch(code) or score not in ("1", "2", "3", "4", "5"):
            dispatcher.utter_message(response="utter_rating_invalid")
            return _clear()
        rating = await self._rate(dispatcher, tracker, code, int(score))
        if rating is None:
            return _clear()
        thanks = _THANKS.get(rating.low_rating_action or "", "utter_rating_thanks")
        dispatcher.utter_message(response=thanks, code=code, score=score)
        return [
            SlotSet("rating_ticket", code),
            SlotSet("rating_score", score),
            SlotSet("rating_comment", None),
            ActiveLoop(FORM),
        ]


class ValidateRatingCommentForm(FormValidationAction):
    """Take the official's comment as they typed it, if it is not too long."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "validate_rating_comment_form"

    def validate_rating_comment(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The comment, on one line; asked again when empty or longer than MAX_COMMENT."""
        text = str(tracker.latest_message.get("text") or "").strip()
        if not text or text.startswith("/"):
            return {"rating_comment": None}
        if len(text) > MAX_COMMENT:
            dispatcher.utter_message(response="utter_rating_comment_too_long", limit=MAX_COMMENT)
            return {"rating_comment": None}
        return {"rating_comment": text}


class ActionStoreRatingComment(_Rates, Action):
    """Store the comment with the score already given, and thank the official."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_store_rating_comment"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Rate again with the comment; the slots are cleared either way."""
        code = str(tracker.get_slot("rating_ticket") or "")
        score = str(tracker.get_slot("rating_score") or "")
        comment = str(tracker.get_slot("rating_comment") or "").strip()
        if not (_CODE.fullmatch(code) and score in ("1", "2", "3", "4", "5") and comment):
            return _clear()
        if await self._rate(dispatcher, tracker, code, int(score), comment) is not None:
            dispatcher.utter_message(response="utter_rating_comment_thanks")
        return _clear()


class ActionSkipRatingComment(Action):
    """The official skipped the comment: the rating stands as it is."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_skip_rating_comment"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Say the rating is kept and clear the form's slots."""
        dispatcher.utter_message(response="utter_rating_comment_skipped")
        return [*_clear(), SlotSet("requested_slot", None)]
