"""When the model is unsure: answer a follow-up of the previous answer or an article it was not
trained on yet, offer the likeliest topics, or fall back politely."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import follow_up, follow_up_ranking, services
from actions.answer import answer_follow_up, model_intents, send_article
from actions.conversation import previous_reply_used
from bot.kb.article import Article, article_for
from bot.texts import texts

# Replies that count as not having understood, for "a second fallback in a row".
FALLBACK_REPLIES = ("utter_fallback", "utter_out_of_scope")
# A topic is offered when the model gives it at least this confidence...
OFFER_FLOOR = 0.1
# ...and asking back is worth it only when the likeliest topic reaches this one.
CLARIFY_FLOOR = 0.25
MAX_OFFERS = 3
# The last button, "none of these": it asks for a person, and a rule offers a ticket.
NONE_OF_THESE = "/request_human"


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


def untrained_article(
    source: services.KnowledgeBaseSource, text: str, domain: dict[str, Any]
) -> Article | None:
    """The live article `text` asks about, if the model does not know it yet (not retrained).

    Only a clear match counts: the text is one of its questions, or much like them, and no
    article the model knows is likelier (that one is for the model and the buttons to offer).
    """
    known = model_intents(domain)
    if not known or text.startswith("/"):
        return None
    match = source.index().match(text)
    if match is None or not match.is_strong:
        return None
    article = source.get().articles.get(match.article_id)
    return article if article is not None and article.intent not in known else None


def ranking_in_context(
    tracker: Tracker, source: services.KnowledgeBaseSource
) -> list[dict[str, Any]]:
    """The model's ranking, weighed by the article just answered when the message follows it."""
    ranking: list[dict[str, Any]] = tracker.latest_message.get("intent_ranking") or []
    previous = follow_up.previous_article(tracker, source.get().articles)
    text = str(tracker.latest_message.get("text") or "")
    if previous is None or not text or text.startswith("/"):
        return ranking
    shares, _ = follow_up_ranking.in_context(text, ranking, previous, source)
    if not shares:
        return ranking
    return [{"name": name, "confidence": share} for name, share in shares]


class ActionClarify(Action):
    """Answer a follow-up or an article published since training, offer the likeliest topics,
    or fall back.

    Falling back right after a fallback sets `repeated_fallback` instead of repeating the
    apology, and a rule then offers a ticket.
    """

    def __init__(self, source: services.KnowledgeBaseSource | None = None) -> None:
        """Take articles from `source`, or from the configured knowledge base."""
        self._source = source

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_clarify"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Answer a new article or a follow-up, offer the likeliest topics, or fall back."""
        source = self._source or services.knowledge_base()
        articles = source.get().articles
        # A live article's own question first: it is clearer than any context.
        new = untrained_article(source, tracker.latest_message.get("text") or "", domain)
        if new is not None:
            answered: list[EventType] | None = send_article(dispatcher, new, articles, domain)
        else:
            answered = answer_follow_up(dispatcher, tracker, source, domain)
        if answered is not None:
            return [*answered, SlotSet("repeated_fallback", False)]
        ranking = ranking_in_context(tracker, source)
        buttons = [
            {"title": articles[article_id].title, "payload": f"/{articles[article_id].intent}"}
            for article_id, _ in likely_articles(ranking)
            if article_id in articles
        ]
        if buttons:
            title = texts("actions").say("clarify.none_of_these")
            buttons.append({"title": title, "payload": NONE_OF_THESE})
            dispatcher.utter_message(response="utter_clarify", buttons=buttons)
            return [SlotSet("repeated_fallback", False)]
        if previous_reply_used(tracker, FALLBACK_REPLIES):
            return [SlotSet("repeated_fallback", True)]
        dispatcher.utter_message(response="utter_fallback")
        return [SlotSet("repeated_fallback", False)]
