"""A Rasa intent classifier that puts the status intent first when a message asks about a ticket.

Placed after the likeness blend and before the FallbackClassifier: the learned ranking decides
everything else, and a message with a status question's shape (`status_cues.py`) is answered
with the official's tickets even when the problem it describes reads like an article.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.centroids import promote
from bot.nlu.status_cues import StatusCues, status_cues


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class TicketStatusCueClassifier(GraphComponent, IntentClassifier):
    """Promotes the status intent for messages naming a ticket or asking how far one got."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {
            "intent": "ticket_status",
            # Above the fallback threshold, below an exact live match (0.95).
            "confidence": 0.9,
        }

    def __init__(self, config: dict[str, Any], cues: StatusCues) -> None:
        """Create the classifier with the cues it looks for."""
        self._intent = str(config["intent"])
        self._confidence = float(config["confidence"])
        self._cues = cues

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        """Create the classifier with the cues of `status_cues.yml`."""
        return cls(config, status_cues())

    def process(self, messages: list[Message]) -> list[Message]:
        """Put the status intent first in the ranking of each message that asks for it."""
        for message in messages:
            ranking = message.get(INTENT_RANKING_KEY) or []
            text = message.get(TEXT) or ""
            if not ranking or not self._cues.asks_status(text):
                continue
            promoted = promote(ranking, self._intent, self._confidence)
            message.set(INTENT, promoted[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, promoted, add_to_output=True)
        return messages
