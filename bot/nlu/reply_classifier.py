"""A Rasa intent classifier that stops a question from being read as a yes or a no.

Why it looks like this:
- The model learns "affirm" and "deny" from short replies ("đúng rồi", "không cần"), and a short
  how-to question with none of an article's words ("phông chữ với cỡ chữ phải theo chuẩn nào")
  can land on them with middling confidence: the assistant then asks "anything else?" instead
  of answering. A message asking "which", "where", "how" is never a reply, so for it the reply
  intents (and "cancel", an order: "về sớm thì hủy ntn" asks how to cancel) leave the ranking,
  and what remains decides (or falls back and asks back, with the answer just sent as
  context, `actions/clarify.py`).
- A message opening with a yes or a no ("có, bao giờ thì có người gọi lại") is still a reply.
- Confidences are left as they are: a question the model is unsure of should stay unsure.
- The words are data (`question_words.yml`), matched on whole words without diacritics.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu import phrases
from bot.texts import texts


@dataclass(frozen=True)
class QuestionWords:
    """The question words and the reply intents of `question_words.yml`, without diacritics."""

    questions: tuple[str, ...]
    replies: frozenset[str]
    reply_openings: tuple[str, ...] = ()

    def asks(self, text: str) -> bool:
        """Whether `text` holds a question word and does not open with a yes or a no."""
        words = phrases.padded(text)
        if any(words.startswith(f" {phrase} ") for phrase in self.reply_openings):
            return False
        return phrases.holds(words, self.questions)


@cache
def question_words() -> QuestionWords:
    """The words of `question_words.yml`, read on first use."""
    data = texts("bot.nlu", "question_words.yml")
    return QuestionWords(
        questions=phrases.listed(data, "questions"),
        replies=frozenset(str(intent) for intent in data.words("replies")),
        reply_openings=phrases.listed(data, "reply_openings"),
    )


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class QuestionNotReplyClassifier(GraphComponent, IntentClassifier):
    """Takes the reply intents out of the ranking of a message that asks a question."""

    def __init__(self, words: QuestionWords) -> None:
        """Create the classifier with the words it looks for."""
        self._words = words

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        """Create the classifier with the words of `question_words.yml`."""
        return cls(question_words())

    def process(self, messages: list[Message]) -> list[Message]:
        """Drop the reply intents from each ranking they lead for a question."""
        for message in messages:
            ranking = message.get(INTENT_RANKING_KEY) or []
            if not ranking or ranking[0].get("name") not in self._words.replies:
                continue
            if not self._words.asks(message.get(TEXT) or ""):
                continue
            kept = [entry for entry in ranking if entry.get("name") not in self._words.replies]
            if kept:
                message.set(INTENT, kept[0], add_to_output=True)
                message.set(INTENT_RANKING_KEY, kept, add_to_output=True)
        return messages
