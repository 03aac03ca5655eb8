"""Conversations written as Rasa writes them: real events saved through its SQL tracker store."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import date, datetime, time
from pathlib import Path

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.display import VIETNAM


def morning(day: date) -> float:
    """9:00 in Vietnam on `day`, as Rasa stamps events."""
    return datetime.combine(day, time(9), VIETNAM).timestamp()


class Conversation:
    """One official's conversation, a few seconds between events, from a session start."""

    def __init__(self, sender: str, day: date) -> None:
        self.sender = sender
        self._clock = morning(day)
        self.events: list[Event] = []
        self.new_session()

    def _tick(self) -> float:
        self._clock += 5
        return self._clock

    def new_session(self) -> Conversation:
        """A session starts, as after a long pause or a restart."""
        self.action("action_session_start")
        self.events.append(SessionStarted(timestamp=self._tick()))
        return self.action("action_listen")

    def user(self, text: str, intent: str) -> Conversation:
        """The official types `text`, understood as `intent`."""
        self.events.append(
            UserUttered(text, {"name": intent, "confidence": 0.9}, timestamp=self._tick())
        )
        return self

    def action(self, name: str) -> Conversation:
        """The assistant runs an action."""
        self.events.append(ActionExecuted(name, timestamp=self._tick()))
        return self

    def says(self, response: str) -> Conversation:
        """The assistant sends a response, as a custom action's named response."""
        self.events.append(
            BotUttered("…", metadata={"utter_action": response}, timestamp=self._tick())
        )
        return self

    def slot(self, name: str, value: object) -> Conversation:
        """An action sets a slot."""
        self.events.append(SlotSet(name, value, timestamp=self._tick()))
        return self

    def loop(self, name: str | None) -> Conversation:
        """A form starts (a name) or ends (None)."""
        self.events.append(ActiveLoop(name, timestamp=self._tick()))
        return self

    def answer(self, article: str) -> Conversation:
        """The assistant answers with an article and asks whether it helped."""
        self.action("action_answer_article").says("utter_article").says("utter_ask_feedback")
        return self.slot("last_article", article).action("action_listen")


def tracker_store(url: str) -> SQLTrackerStore:
    """Rasa's SQL tracker store on `url`, as endpoints.yml configures it."""
    if url.startswith("sqlite:///"):
        return SQLTrackerStore(dialect="sqlite", db=url[len("sqlite:///") :])
    return SQLTrackerStore(host=url)


def save(url: str, domain_file: Path, conversations: Sequence[Conversation]) -> None:
    """Save every conversation through Rasa's tracker store at `url`."""
    domain = Domain.load(str(domain_file))
    store = tracker_store(url)
    try:
        for conversation in conversations:
            tracker = DialogueStateTracker.from_events(
                conversation.sender, conversation.events, domain.slots
            )
            asyncio.run(store.save(tracker))
    finally:
        store.engine.dispose()
