"""Store whether an answer helped."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions import services
from bot.store.feedback import FeedbackStore

logger = logging.getLogger(__name__)


class ActionStoreFeedback(Action):
    """Record the vote on the last answer and thank the official."""

    def __init__(self, store: FeedbackStore | None = None) -> None:
        """Record into `store`, or into the configured database."""
        self._store = store

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_store_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Store the vote once per answer: a second click on the same buttons is ignored."""
        article_id = tracker.get_slot("last_article")
        helpful = tracker.get_intent_of_latest_message() == "feedback_helpful"
        if not article_id:
            if helpful:  # "not helpful" is followed by the offer of a ticket, which says enough
                dispatcher.utter_message(response="utter_feedback_nothing_to_rate")
            return []
        try:
            (self._store or services.feedback_store()).record(
                tracker.sender_id, article_id, helpful
            )
        except SQLAlchemyError:
            # The official still gets an answer; the lost vote is in the log for the trainers.
            logger.exception("Could not store feedback on %s", article_id)
        dispatcher.utter_message(
            response="utter_feedback_helpful" if helpful else "utter_feedback_not_helpful"
        )
        return [SlotSet("last_article", None)]
