"""Answer a how-to question from the knowledge base, in the context of the previous answer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import follow_up, follow_up_ranking, services
from bot.kb.article import Article, article_for, intent_for


class ActionAnswerArticle(Action):
    """Send the article the question's intent stands for, then ask whether it helped.

    A follow-up of the previous answer ("còn trên điện thoại thì sao?", "bước 3 là sao?") is
    read against that answer's article first (`follow_up.py`).
    """

    def __init__(self, source: services.KnowledgeBaseSource | None = None) -> None:
        """Answer from `source`, or from the configured knowledge base."""
        self._source = source

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_answer_article"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Send the answer of the latest intent's article, or of the follow-up it asks."""
        source = self._source or services.knowledge_base()
        articles = source.get().articles
        in_context = answer_follow_up(dispatcher, tracker, source, domain)
        if in_context is not None:
            return in_context
        intent = tracker.get_intent_of_latest_message(skip_fallback_intent=False) or ""
        article_id = article_for(intent)
        # The live knowledge base decides: an article removed since training is not served.
        article = articles.get(article_id) if article_id else None
        if article is None:
            dispatcher.utter_message(response="utter_fallback")
            return [SlotSet("last_article", None)]
        return send_article(dispatcher, article, articles, domain)


def answer_follow_up(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    source: services.KnowledgeBaseSource,
    domain: dict[str, Any],
) -> list[EventType] | None:
    """Answer the message as a follow-up of the article just answered; None if it is not one.

    A step of that article is sent when the message names one; another article (or that one
    again, at the step whose button the message names) when, weighed by its relation to that
    article, the model's ranking and the message's likeness clearly lead to it.
    """
    articles = source.get().articles
    previous = follow_up.previous_article(tracker, articles)
    text = str(tracker.latest_message.get("text") or "")
    if previous is None or not text or text.startswith("/"):
        return None
    step = follow_up.step_asked(text, previous)
    if step is not None:
        return send_step(dispatcher, step)
    ranking = tracker.latest_message.get("intent_ranking") or []
    shares, number = follow_up_ranking.in_context(text, ranking, previous, source)
    chosen = follow_up_ranking.clear_choice(shares)
    if chosen is None:
        return None
    if chosen == previous.id and number is not None:
        # Asked about the answer just sent: the step whose button it names, or most like it.
        return send_step(dispatcher, follow_up.Step(previous, number))
    return send_article(dispatcher, articles[chosen], articles, domain)


def model_intents(domain: dict[str, Any]) -> set[str]:
    """The intents of the domain the running model was trained with."""
    names: set[str] = set()
    for entry in domain.get("intents") or []:
        names.update(entry if isinstance(entry, dict) else [entry])
    return names


def send_article(
    dispatcher: CollectingDispatcher,
    article: Article,
    articles: Mapping[str, Article],
    domain: dict[str, Any] | None = None,
) -> list[EventType]:
    """Send the article's answer, its follow-ups as buttons, and ask whether it helped.

    A follow-up the running model has no intent for yet (published since training) is left
    out: its button would reach no rule.
    """
    dispatcher.utter_message(
        response="utter_article", title=article.title, answer=article.answer.render()
    )
    known = model_intents(domain or {})
    buttons = [
        {"title": articles[i].title, "payload": f"/{intent_for(i)}"}
        for i in article.follow_ups
        if i in articles and (not known or intent_for(i) in known)
    ]
    if buttons:
        dispatcher.utter_message(response="utter_follow_ups", buttons=buttons)
    dispatcher.utter_message(response="utter_ask_feedback")
    return [SlotSet("last_article", article.id)]


def send_step(dispatcher: CollectingDispatcher, step: follow_up.Step) -> list[EventType]:
    """Send the step asked about, or say how many steps the article has and send it whole."""
    article = step.article
    if step.exists:
        text = article.answer.steps[step.number - 1]
        dispatcher.utter_message(
            response="utter_article_step", title=article.title, number=step.number, step=text
        )
    else:
        dispatcher.utter_message(
            response="utter_article_no_step",
            title=article.title,
            count=len(article.answer.steps),
            answer=article.answer.render(),
        )
    dispatcher.utter_message(response="utter_ask_feedback")
    return [SlotSet("last_article", article.id)]
