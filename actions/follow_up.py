"""A short question right after an answer, read against that answer's article.

"còn trên điện thoại thì sao?" names no software and "bước 3 là sao?" no topic: on its own the
model cannot tell which article they mean, but the article just answered can. When a message
looks like a follow-up (it opens with "còn", "thế còn", "nếu"..., or is only a few words) and an
article was answered just before, the model's ranking is weighed again by each candidate's
relation to that article: one of its declared follow-ups, the same software, the same topic in
another software. "bước N" asks for that step of the article itself. The model still decides
what the words are about; the context only settles between the articles it finds likely.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker

from actions.conversation import session_events
from bot.kb.article import Article, article_for
from bot.texts import texts
from bot.vietnamese import comparable

# Weights of a candidate's relation to the article just answered (chosen on the development
# conversations, tests/data/dev_followups.yml).
FOLLOW_UP_WEIGHT = 4.0
SOFTWARE_WEIGHT = 3.0
TOPIC_WEIGHT = 2.0
# A message of at most this many words is read as a follow-up even without an opening word.
SHORT_WORDS = 5
# How many of the official's messages may come between the answer and its follow-up (a vote
# on the answer, say) before the context is forgotten.
WITHIN_MESSAGES = 2
# After weighing, the likeliest article is answered at once when it has at least this share...
ANSWER_SHARE = 0.4
# ...and leads the next by this much; otherwise the likeliest are offered as buttons.
ANSWER_MARGIN = 0.1

# The replies that answer an article and set `last_article`.
ANSWERS = ("utter_article", "utter_article_step", "utter_article_no_step")


@dataclass(frozen=True)
class Step:
    """A step of the previous article the official asks about (number from 1)."""

    article: Article
    number: int

    @property
    def exists(self) -> bool:
        """Whether the article has that step."""
        return 1 <= self.number <= len(self.article.answer.steps)


def previous_article(tracker: Tracker, articles: Mapping[str, Article]) -> Article | None:
    """The article answered just before the message being handled, if it is still live.

    Only in this session and within `WITHIN_MESSAGES` of the official's messages: an article
    answered long ago is no context for a short question now.
    """
    messages = 0
    for event in reversed(session_events(tracker)):
        if event.get("event") == "user":
            messages += 1
            if messages > WITHIN_MESSAGES + 1:  # the first one is the message being handled
                return None
        elif event.get("event") == "slot" and event.get("name") == "last_article":
            value = event.get("value")
            return articles.get(value) if isinstance(value, str) else None
    return None


def _words(text: str) -> list[str]:
    return comparable(text).split()


def _phrases(key: str) -> list[list[str]]:
    return [_words(phrase) for phrase in texts("actions", "follow_up_words.yml").words(key)]


def looks_like_follow_up(text: str) -> bool:
    """Whether the message opens with a follow-up word or is only a few words."""
    words = _words(text)
    if not words or text.startswith("/"):
        return False
    if len(words) <= SHORT_WORDS:
        return True
    return any(words[: len(phrase)] == phrase for phrase in _phrases("openings"))


def step_asked(text: str, article: Article) -> Step | None:
    """The step of `article` that "bước 3", "bước thứ ba" or "bước cuối" asks about."""
    vocabulary = texts("actions", "follow_up_words.yml")
    words = _words(text)
    step_word = comparable(vocabulary.say("step_word"))
    fillers = {comparable(w) for w in vocabulary.words("step_fillers")}
    numbers = {
        comparable(str(word)): int(number)
        for number, names in vocabulary.section("step_numbers").items()
        for word in names
    }
    last = {comparable(w) for w in vocabulary.words("last_step")}
    for place, word in enumerate(words):
        if word != step_word:
            continue
        after = [w for w in words[place + 1 : place + 4] if w not in fillers]
        if not after:
            continue
        if re.fullmatch(r"\d{1,2}", after[0]):
            return Step(article, int(after[0]))
        two = " ".join(after[:2])
        if two in numbers or two in last:
            return Step(article, numbers.get(two) or len(article.answer.steps))
        if after[0] in numbers:
            return Step(article, numbers[after[0]])
        if after[0] in last:
            return Step(article, len(article.answer.steps))
    return None


def _topic(article_id: str) -> str:
    return article_id.split(".", 1)[-1]


def weight(candidate: str, previous: Article) -> float:
    """How much more likely `candidate` is as the next article after `previous`."""
    found = 1.0
    if candidate in previous.follow_ups:
        found *= FOLLOW_UP_WEIGHT
    if candidate.split(".", 1)[0] == previous.software:
        found *= SOFTWARE_WEIGHT
    elif _topic(candidate) == _topic(previous.id):
        found *= TOPIC_WEIGHT
    return found


def reranked(
    ranking: list[dict[str, Any]], previous: Article, articles: Mapping[str, Article]
) -> list[tuple[str, float]]:
    """The model's ranking of intents weighed by relation to `previous`, as shares summing to 1.

    Non-article intents keep their weight; `nlu_fallback` is not a candidate.
    """
    weighed: list[tuple[str, float]] = []
    for entry in ranking:
        name = str(entry.get("name") or "")
        if not name or name == "nlu_fallback":
            continue
        confidence = float(entry.get("confidence") or 0.0)
        article_id = article_for(name)
        if article_id is not None:
            if article_id not in articles:
                continue
            confidence *= weight(article_id, previous)
        weighed.append((name, confidence))
    total = sum(c for _, c in weighed) or 1.0
    return sorted(((n, c / total) for n, c in weighed), key=lambda item: -item[1])


def clear_choice(shares: list[tuple[str, float]]) -> str | None:
    """The article answered at once after weighing: a clear lead, and an article at all."""
    if not shares:
        return None
    name, first = shares[0]
    second = shares[1][1] if len(shares) > 1 else 0.0
    if first < ANSWER_SHARE or first - second < ANSWER_MARGIN:
        return None
    return article_for(name)
