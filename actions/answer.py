"""Answer a how-to question from the knowledge base."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from bot.kb.article import Article, article_for


class ActionAnswerArticle(Action):
    """Send the article the question's intent stands for, then ask whether it helped."""

    def __init__(self, source: services.KnowledgeBaseSource | None = None) -> None:
        """Answer from `source`, or from the configured knowledge base."""
        self._source = source

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_answer_article"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Send the answer of the latest intent's article."""
        source = self._source or services.knowledge_base()
        intent = tracker.get_intent_of_latest_message(skip_fallback_intent=False) or ""
        article_id = article_for(intent)
        # The live knowledge base decides: an article removed since training is not served.
        article = source.get().articles.get(article_id) if article_id else None
        if article is None:
            dispatcher.utter_message(response="utter_fallback")
            return [SlotSet("last_article", None)]
        return send_article(dispatcher, article)


def send_article(dispatcher: CollectingDispatcher, article: Article) -> list[EventType]:
    """Send the article's answer and ask whether it helped."""
    dispatcher.utter_message(
        response="utter_article", title=article.title, answer=article.answer.render()
    )
    dispatcher.utter_message(response="utter_ask_feedback")
    return [SlotSet("last_article", article.id)]
