"""Turn trainers' announcements off and on for the official who asks (/tatthongbao)."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions import services
from actions.conversation import channel_of
from bot.announce.audience import Audience

logger = logging.getLogger(__name__)

# The intents are named as the commands are typed: "/tatthongbao" on any channel is the intent.
STOP, START = "tatthongbao", "batthongbao"


class ActionSetAnnouncements(Action):
    """Record that the official wants announcements (or not) and say so."""

    def __init__(self, audience: Audience | None = None) -> None:
        """Record in `audience`, or in the configured store."""
        self._audience = audience

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_set_announcements"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Opt the official out on `tatthongbao`, back in on `batthongbao`."""
        stop = tracker.get_intent_of_latest_message() == STOP
        audience = self._audience or services.audience()
        channel = channel_of(tracker)
        try:
            if stop:
                audience.opt_out(channel, tracker.sender_id)
            else:
                audience.opt_in(channel, tracker.sender_id)
        except SQLAlchemyError as error:
            logger.error("could not change announcements on %s (%s)", channel, type(error).__name__)
            dispatcher.utter_message(response="utter_announcements_unavailable")
            return []
        dispatcher.utter_message(
            response="utter_announcements_off" if stop else "utter_announcements_on"
        )
        return []
