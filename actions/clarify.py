"""When the model is unsure: offer the likeliest topics, or fall back politely."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from actions.conversation import previous_reply_used
from bot.kb.article import article_for

# Replies that count as not having understood, for "a second fallback in a row".
FALLBACK_REPLIES = ("utter_fallback", "utter_out_of_scope")
# A topic is offered when the model gives it at least this confidence...
OFFER_FLOOR = 0.1
# ...and asking back is worth it only when the likeliest topic reaches this one.
CLARIFY_FLOOR = 0.25
MAX_OFFERS = 3


def likely_articles(ranking: list[dict[str, Any]]) -> list[tuple[str, float]]:
    """Articles worth offering, likeliest first, or none when a non-article intent leads."""
    ranked = [r for r in ranking if r.get("name") != "nlu_fallback"]
    if not ranked or article_for(ranked[0].get("name", "")) is None:
        return []
    if ranked[0].get("confidence", 0.0) < CLARIFY_FLOOR:
        return []
    offers = []
    for entry in ranked:
        article_id = article_for(entry.get("name", ""))
        if article_id and entry.get("confidence", 0.0) >= OFFER_FLOOR:
            offers.append((article_id, float(entry["confidence"])))
    return offers[:MAX_OFFERS]


class ActionClarify(Action):
    """Ask back with the two or three likeliest topics as buttons, or fall back.

    Falling back right after a fallback sets `repeated_fallback` instead of repeating the
    apology, and a rule then offers a ticket.
    """

    def __init__(self, source: services.KnowledgeBaseSource | None = None) -> None:
        """Take titles from `source`, or from the configured knowledge base."""
        self._source = source

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_clarify"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Offer the likeliest topics, or the fallback message."""
        articles = (self._source or services.knowledge_base()).get().articles
        ranking = tracker.latest_message.get("intent_ranking") or []
        buttons = [
            {"title": articles[article_id].title, "payload": f"/{articles[article_id].intent}"}
            for article_id, _ in likely_articles(ranking)
            if article_id in articles
        ]
        if buttons:
            dispatcher.utter_message(response="utter_clarify", buttons=buttons)
            return [SlotSet("repeated_fallback", False)]
        if previous_reply_used(tracker, FALLBACK_REPLIES):
            return [SlotSet("repeated_fallback", True)]
        dispatcher.utter_message(response="utter_fallback")
        return [SlotSet("repeated_fallback", False)]
