"""What the knowledge base published since training adds to a model's understanding.

Trainers publish new paraphrases of an article long before the next training. The intent
likeness (`centroids.py`) is rebuilt from the live questions of the intents the model knows,
and a message that is exactly a live question goes to its article (or, for an article the model
does not know yet, to the fallback, where the action server answers it from the live knowledge
base). The overlay is rebuilt only when a new version is published.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.kb.article import article_for, intent_for
from bot.kb.live_folder import LiveFolder, LiveVersion
from bot.kb.training_data import examples
from bot.nlu.article_text import learn_articles
from bot.nlu.centroids import IntentCentroids
from bot.nlu.live_index import LiveIndex

logger = logging.getLogger(__name__)

# The environment variable naming the live knowledge base (`<state>/kb/current`), the same the
# action server reads its answers from.
KNOWLEDGE_BASE_ENV = "HELPDESK_KNOWLEDGE_BASE_DIR"
# Rasa's intent for "not understood": the dialogue sends it to `action_clarify`.
FALLBACK_INTENT = "nlu_fallback"
# A new version is looked for at most this often (seconds); publishing promises 5 seconds.
CHECK_INTERVAL = 1.0

TrainedExamples = Mapping[str, Sequence[Sequence[str]]]


@dataclass(frozen=True)
class Overlay:
    """One knowledge base version as the model should see it."""

    index: LiveIndex
    known: frozenset[str]
    # None when the model saved no examples of its other intents (models trained before this).
    centroids: IntentCentroids | None
    # The articles' own text (title, steps) as published, for the intents the model knows.
    articles: IntentCentroids | None = None

    def exact_intent(self, syllables: Sequence[str]) -> str | None:
        """The intent of the article this message is exactly a question of, if any."""
        article_id = self.index.exact_article(syllables)
        if article_id is None:
            return None
        intent = intent_for(article_id)
        return intent if intent in self.known else FALLBACK_INTENT


def build(version: LiveVersion, known: frozenset[str], trained: TrainedExamples | None) -> Overlay:
    """The overlay of `version` for a model that knows the intents `known`.

    Articles keep the examples training gives them (questions, title, wrapped copies), so an
    unchanged knowledge base gives back the trained vectors; other intents keep their trained
    examples. Articles the model does not know get no vector: it could not predict them anyway.
    """
    index = LiveIndex(version)
    articles = learn_articles(
        version.kb.articles.values(), version.abbreviations, version.thesaurus, known
    )
    if trained is None:
        return Overlay(index, known, None, articles)
    learned: list[tuple[Sequence[str], str]] = [
        (syllables, intent)
        for intent, sequences in trained.items()
        if intent in known and article_for(intent) is None
        for syllables in sequences
    ]
    for article in version.kb.articles.values():
        if article.intent in known:
            for text in examples(article, version.phrasing):
                syllables = index.syllables(text)
                if syllables:
                    learned.append((syllables, article.intent))
    return Overlay(index, known, IntentCentroids.learn(learned), articles)


class LiveOverlay:
    """The overlay of whichever version is live, rebuilt when another one is published.

    The link is looked at when a message comes, at most once a second; the first message after
    a new version waits while it is read and indexed (well under a second; `make bench-kb`).
    Building it in the background instead would serve that message with the old version.
    """

    def __init__(
        self, folder: LiveFolder, known: frozenset[str], trained: TrainedExamples | None
    ) -> None:
        """Follow `folder` for a model that knows `known` and trained on `trained`."""
        self._folder = folder
        self._known = known
        self._trained = trained
        self._lock = threading.Lock()
        self._version: Path | None = None
        self._overlay: Overlay | None = None

    @classmethod
    def from_setting(
        cls, value: str | None, known: frozenset[str], trained: TrainedExamples | None
    ) -> LiveOverlay | None:
        """The overlay of the folder the environment names, or None when it names none."""
        if not value:
            return None
        return cls(LiveFolder(Path(value), interval=CHECK_INTERVAL), known, trained)

    def current(self) -> Overlay | None:
        """The overlay of the live version (None if none could be read)."""
        target = self._folder.target()
        if target != self._version:
            with self._lock:
                if target != self._version:
                    # A version that cannot be read leaves the last good one in place.
                    self._overlay = self._safely_built(target) or self._overlay
                    self._version = target
        return self._overlay

    def _safely_built(self, target: Path) -> Overlay | None:
        try:
            return self._build(target)
        except Exception:
            # Whatever a published folder holds, the trained model must go on serving.
            logger.exception("Knowledge base %s not taken into the understanding", target)
            return None

    def _build(self, target: Path) -> Overlay | None:
        try:
            version = LiveVersion.read(target)
        except (OSError, ValueError, yaml.YAMLError) as error:
            logger.warning("Knowledge base %s not read, the model alone serves: %s", target, error)
            return None
        if not version.kb.articles:
            # A missing or empty folder would take every article's likeness away.
            logger.warning("Knowledge base %s has no article; the model alone serves", target)
            return None
        logger.info("Understanding extended with the knowledge base %s", target)
        return build(version, self._known, self._trained)
