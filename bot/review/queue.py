"""The review queue: the questions to review, grouped as the report groups them, each group with
how often and when last it was asked and the article it most resembles.

Why it looks like this:
- Groups are the report's (`bot.report.grouping`, on the report's normalised syllables), so a
  trainer finds in the queue the groups the report listed.
- Questions a trainer already decided about are left out before grouping (`review_decisions`),
  so an attached or dismissed group never comes back, and a question asked since joins a new one.
- A group is named by the key of its representative question, which stays in the group while
  new questions join it: a form shown a minute ago still finds its group.
- The suggested article is the live index's likeliest (`bot.nlu.live_index`), the same matching
  that answers from a version published after training.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine

from bot.kb.live_folder import LiveVersion
from bot.nlu.live_index import LiveIndex
from bot.report.grouping import group
from bot.report.normalise import Normaliser, clean
from bot.report.period import Period, today
from bot.review.asked import NOT_HELPFUL, to_review
from bot.store.review_decisions import ReviewDecisions
from bot.texts import texts
from bot.vietnamese import comparable

DAYS = 30  # how far back the queue looks, as the report does by default
SHOWN_PHRASINGS = 20  # at most this many phrasings of a group are shown and attached


@dataclass(frozen=True)
class Suggestion:
    """The live article a group most resembles."""

    article_id: str
    title: str
    likeness: float


@dataclass(frozen=True)
class QueueGroup:
    """One group of the queue."""

    key: str
    representative: str
    phrasings: tuple[str, ...]
    size: int
    not_helpful: int
    last_seen: datetime
    question_keys: frozenset[str]
    suggestion: Suggestion | None


def question_key(syllables: Sequence[str]) -> str:
    """The key a question is decided under: a hash of its normalised syllables."""
    return hashlib.sha256(" ".join(syllables).encode("utf-8")).hexdigest()


class LiveArticles:
    """One live version as the queue reads it: its articles, how questions are normalised and
    which article a question resembles. Versions never change, so one is read once."""

    def __init__(self, kb_dir: Path) -> None:
        """Read the version in `kb_dir` (resolved: not the `current` link)."""
        version = LiveVersion.read(kb_dir)
        self.path = kb_dir
        self.kb = version.kb
        self.normaliser = Normaliser.for_knowledge_base(kb_dir)
        self._index = LiveIndex(version)

    def suggest(self, text: str) -> Suggestion | None:
        """The live article `text` most resembles, if any."""
        match = self._index.match(text)
        article = self.kb.articles.get(match.article_id) if match is not None else None
        if match is None or article is None:
            return None
        return Suggestion(article.id, article.title, round(match.likeness, 2))


def read_queue(
    tracker: Engine,
    decisions: ReviewDecisions,
    live: LiveArticles,
    period: Period | None = None,
) -> list[QueueGroup]:
    """The groups still to review, the largest first, then the most recently asked."""
    period = period or Period(today() - timedelta(days=DAYS - 1), today())
    normaliser = live.normaliser
    mask = texts("bot.report").say("unanswered.masked_number")
    decided = decisions.decided()
    kept = []
    for asked in to_review(tracker, period):
        text = clean(asked.text, mask)
        syllables = normaliser.syllables(text) if text else []
        if syllables and question_key(syllables) not in decided:
            kept.append((asked, text, syllables))
    groups = group([(text, syllables) for _, text, syllables in kept])
    form_group = {comparable(p): n for n, found in enumerate(groups) for p in found.phrasings}
    keys: list[set[str]] = [set() for _ in groups]
    last: list[datetime] = [datetime.min for _ in groups]
    disliked: Counter[int] = Counter()
    for asked, text, syllables in kept:
        number = form_group[comparable(text)]
        keys[number].add(question_key(syllables))
        last[number] = max(last[number], asked.at.replace(tzinfo=None))
        disliked[number] += asked.reason == NOT_HELPFUL
    queue = [
        QueueGroup(
            key=question_key(normaliser.syllables(found.representative)),
            representative=found.representative,
            phrasings=tuple(found.phrasings[:SHOWN_PHRASINGS]),
            size=found.size,
            not_helpful=disliked[number],
            last_seen=last[number],
            question_keys=frozenset(keys[number]),
            suggestion=live.suggest(found.representative),
        )
        for number, found in enumerate(groups)
    ]
    return sorted(queue, key=lambda g: (-g.size, -g.last_seen.timestamp(), g.representative))


def find(queue: list[QueueGroup], key: str) -> QueueGroup | None:
    """The group named `key`: the one holding that question, even if it grew meanwhile."""
    return next((g for g in queue if g.key == key or key in g.question_keys), None)
