"""What each article says, as evidence of what a message asks: its title and answer's words.

Officials name the button, menu or screen they see ("bấm Chuyển xử lý mà không thấy tên người
nhận"); those words are in the article's steps, rarely in its questions. Each article's title,
introduction, steps and note make one TF-IDF document (`centroids.py`), read with the same
abbreviations and thesaurus as messages, and a message's likeness to it is a third voter beside
DIET and the likeness to the questions (`centroid_classifier.py`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from bot.kb.article import Article
from bot.kb.thesaurus import Thesaurus
from bot.nlu.centroids import IntentCentroids
from bot.nlu.syllables import bare_syllables


def article_text(article: Article) -> str:
    """The article's own words: title, introduction, steps and note, bold marks removed."""
    answer = article.answer
    parts = [article.title, answer.intro, *answer.steps, answer.note]
    return "\n".join(part for part in parts if part).replace("**", "")


def learn_articles(
    articles: Collection[Article],
    abbreviations: Mapping[str, Sequence[str]],
    thesaurus: Thesaurus,
    known: Collection[str] | None = None,
) -> IntentCentroids:
    """One vector per article (of the intents `known`, if given) from its own text."""
    words: dict[str, list[str]] = {}
    documents = [
        (bare_syllables(article_text(a), abbreviations, words, thesaurus), a.intent)
        for a in articles
        if known is None or a.intent in known
    ]
    return IntentCentroids.learn(documents)
