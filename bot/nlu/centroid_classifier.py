"""A Rasa intent classifier that blends the previous classifier's ranking with TF-IDF likeness.

Placed after DIET: DIET generalises over wording, the intent centroids (`centroids.py`)
reward the rare words a message shares with one article's paraphrases, and the articles' own
text (`article_text.py`: title and steps, with the buttons and screens officials name) is a
third voter. The blend is what the FallbackClassifier after it and the dialogue see.

When the environment names the live knowledge base (`helpdesk run` does), paraphrases published
after training count too (`live_overlay.py`): the likeness is rebuilt from them, and a message
that is exactly one of them is classified as its article with high confidence.
"""

from __future__ import annotations

import logging
import os
from collections import defaultdict
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT, TEXT_TOKENS
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.kb import loader
from bot.kb.abbreviations import load_abbreviations
from bot.kb.article import article_for
from bot.kb.thesaurus import FILE as THESAURUS_FILE
from bot.kb.thesaurus import load_thesaurus
from bot.nlu import state as saved
from bot.nlu.article_text import learn_articles
from bot.nlu.centroids import IntentCentroids, blend, blend_documents, promote
from bot.nlu.live_overlay import KNOWLEDGE_BASE_ENV, LiveOverlay

logger = logging.getLogger(__name__)


def _syllables(message: Message) -> list[str]:
    """The message's syllables without diacritics, from the tokens' lemmas."""
    return [s for token in message.get(TEXT_TOKENS) or [] for s in token.lemma.split()]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class IntentCentroidClassifier(GraphComponent, IntentClassifier):
    """Re-ranks intents with how alike the message is to each intent's examples."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {
            # Share of the previous classifier in the blend; the rest is likeness.
            "classifier_weight": 0.5,
            # Softmax temperature turning cosine similarities into a distribution.
            "temperature": 0.02,
            "ranking_length": 10,
            # Confidence given to the article a message is exactly a live question of.
            "exact_match_confidence": 0.95,
            # The knowledge base folder whose articles' own text is the third voter (None: off),
            # its share, temperature, and the likeness that stands for "no article".
            "knowledge_base": None,
            "article_weight": 0.2,
            "article_temperature": 0.03,
            "article_floor": 0.2,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        centroids: IntentCentroids | None = None,
        overlay: LiveOverlay | None = None,
        articles: IntentCentroids | None = None,
    ) -> None:
        """Create the classifier with what training learned (nothing yet, before training)."""
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._centroids = centroids
        self._overlay = overlay
        self._articles = articles

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        """Create an untrained classifier."""
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> GraphComponent:
        """Load the centroids saved with the trained model, and follow the live knowledge base."""
        state = saved.read(model_storage, resource)
        if state is None:
            logger.warning("No trained state for %s; it will not re-rank", cls.__name__)
            return cls(config, model_storage, resource)
        centroids = IntentCentroids.from_dict(state)
        articles = IntentCentroids.from_dict(state["articles"]) if state.get("articles") else None
        # Models trained before the overlay saved no examples: they get the exact matches only.
        trained = state.get("examples")
        overlay = LiveOverlay.from_setting(
            os.environ.get(KNOWLEDGE_BASE_ENV), centroids.intents, trained
        )
        if overlay is not None:
            overlay.current()  # read now, while the model loads, not at the first message
        return cls(config, model_storage, resource, centroids, overlay, articles)

    def train(self, training_data: TrainingData) -> Resource:
        """Learn one vector per intent from the tokenized training examples."""
        examples = [
            (_syllables(example), example.get(INTENT))
            for example in training_data.intent_examples
            if example.get(TEXT)
        ]
        self._centroids = IntentCentroids.learn(examples)
        # The live overlay rebuilds the vectors from the live knowledge base; the examples of
        # the other intents (small talk, handoff...) are only here.
        others: dict[str, list[list[str]]] = defaultdict(list)
        for syllables, intent in examples:
            if article_for(intent) is None:
                others[intent].append(syllables)
        self._articles = self._learn_articles({intent for _, intent in examples})
        saved.save(
            self._model_storage,
            self._resource,
            {
                **self._centroids.to_dict(),
                "examples": others,
                "articles": self._articles.to_dict() if self._articles else None,
            },
        )
        return self._resource

    def _learn_articles(self, known: set[str]) -> IntentCentroids | None:
        folder = self._config.get("knowledge_base")
        if not folder:
            return None
        path = Path(folder)
        abbreviations_file = path / "abbreviations.yml"
        abbreviations = (
            load_abbreviations(abbreviations_file) if abbreviations_file.is_file() else {}
        )
        thesaurus = load_thesaurus(path / THESAURUS_FILE)
        articles = loader.load(path).articles.values()
        return learn_articles(articles, abbreviations, thesaurus, known)

    def process(self, messages: list[Message]) -> list[Message]:
        """Blend each message's intent ranking with its likeness to every intent."""
        if self._centroids is None:
            return messages
        overlay = self._overlay.current() if self._overlay else None
        centroids = overlay.centroids if overlay and overlay.centroids else self._centroids
        articles = overlay.articles if overlay and overlay.articles else self._articles
        for message in messages:
            ranking = message.get(INTENT_RANKING_KEY) or []
            syllables = _syllables(message)
            if not ranking or not syllables:
                continue
            mixed = blend(
                ranking,
                centroids.similarities(syllables),
                self._config["classifier_weight"],
                self._config["temperature"],
            )
            if articles is not None and self._config["article_weight"] > 0:
                mixed = blend_documents(
                    mixed,
                    articles.similarities(syllables),
                    self._config["article_weight"],
                    self._config["article_temperature"],
                    self._config["article_floor"],
                )
            exact = overlay.exact_intent(syllables) if overlay else None
            if exact is not None:
                mixed = promote(mixed, exact, self._config["exact_match_confidence"])
            mixed = mixed[: self._config["ranking_length"]]
            message.set(INTENT, mixed[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, mixed, add_to_output=True)
        return messages
