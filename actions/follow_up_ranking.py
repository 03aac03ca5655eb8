"""Which article a follow-up asks about: the model's ranking weighed by the answer just sent.

Two voters say what the message is about: the model's ranking (its ten likeliest intents) and
the message's own words compared with every live article's questions and title (TF-IDF, the
index `action_clarify` matches new articles with), which still sees "điện thoại" in "còn trên
điện thoại?" when the model, missing the rest of the question, ranks that article low or not
at all. Their sum is then weighed by each article's relation to the answer just sent: one of its
declared follow-ups, the same software, the same topic in another software. The answer itself
is unlikely after "còn..." (what about something else) and likelier when the message names one
of its buttons. The model still decides what the words are about; the context settles between
the articles they fit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from actions import follow_up
from actions.follow_up import Reading
from bot.kb.article import Article, article_for, intent_for
from bot.nlu.live_source import KnowledgeBaseSource

# Weights of a candidate's relation to the article just answered (chosen on the development
# conversations, tests/data/dev_followups*.yml).
FOLLOW_UP_WEIGHT = 4.0
SOFTWARE_WEIGHT = 3.0
TOPIC_WEIGHT = 2.0
# The answer just sent, asked about again ("ctrl f5 rồi vẫn thế"): likelier than another article
# of its software, hardly after "còn..." (what about something else).
SAME_WEIGHT = 2.0
CONTRAST_WEIGHT = 0.3
# How much the message's likeness to an article's questions, and to the answer just sent,
# count beside the model's confidence (all about 0 to 1); a likeness below the floor says nothing.
LIKENESS_WEIGHT = 0.5
ANSWER_WEIGHT = 0.5
LIKENESS_FLOOR = 0.1
# A button or menu of the answer just sent, named in the message ("bấm **Cấp số**"), counts as
# this likeness to that answer.
BUTTON_LIKENESS = 0.5
# A message that does not look like a follow-up (long, no opening word) may still be one: the
# relations count for it, but only as this power of their weight.
UNMARKED_STRENGTH = 0.5
# ...and none when its words are this much like the questions of another software's article: a
# question of its own ("thời hạn hoàn thành khóa học chuyển đổi số" after a signing answer).
FRESH_LIKENESS = 0.3
# After weighing, the likeliest article is answered at once when it has at least this share...
# (0.4 before the fourth blind round: on the 192 development conversations 0.2 answers 6 more
# right, 5 of them left asking back or falling back, for 3 more turns answered wrongly.)
ANSWER_SHARE = 0.2
# ...and leads the next by this much; otherwise the likeliest are offered as buttons.
ANSWER_MARGIN = 0.05


@dataclass(frozen=True)
class Evidence:
    """What the message's own words say beside the model: likeness to each article's
    questions, and to the answer just sent."""

    likeness: Mapping[str, float] = field(default_factory=dict)
    answer: float = 0.0


def _topic(article_id: str) -> str:
    return article_id.split(".", 1)[-1]


def weight(candidate: str, previous: Article, reading: Reading | None = None) -> float:
    """How much more likely `candidate` is as the next article after `previous`."""
    found = 1.0
    if candidate == previous.id:
        found *= SAME_WEIGHT * (CONTRAST_WEIGHT if reading is not None and reading.contrast else 1)
    if candidate in previous.follow_ups:
        found *= FOLLOW_UP_WEIGHT
    # A software named by name is the one the question is in, whatever was answered before.
    software = reading.software if reading is not None and reading.software else previous.software
    if candidate.split(".", 1)[0] == software:
        found *= SOFTWARE_WEIGHT
    elif _topic(candidate) == _topic(previous.id):
        found *= TOPIC_WEIGHT
    if reading is not None and not reading.follows:
        found **= UNMARKED_STRENGTH
    return found


def reranked(
    ranking: list[dict[str, Any]],
    previous: Article,
    articles: Mapping[str, Article],
    reading: Reading | None = None,
    evidence: Evidence | None = None,
) -> list[tuple[str, float]]:
    """The intents weighed by relation to `previous`, as shares summing to 1, likeliest first.

    The message's likeness (`evidence`) adds to the model's confidence and brings articles the
    model did not rank; non-article intents keep their confidence; `nlu_fallback` is not one.
    """
    evidence = evidence or Evidence()
    found: dict[str, float] = {}
    for entry in ranking:
        name = str(entry.get("name") or "")
        if name and name != "nlu_fallback":
            found[name] = float(entry.get("confidence") or 0.0)
    added = [(a, LIKENESS_WEIGHT * v) for a, v in evidence.likeness.items() if v >= LIKENESS_FLOOR]
    if evidence.answer >= LIKENESS_FLOOR:
        added.append((previous.id, ANSWER_WEIGHT * evidence.answer))
    for liked, value in added:
        if liked in articles:
            found[intent_for(liked)] = found.get(intent_for(liked), 0.0) + value
    weighed: list[tuple[str, float]] = []
    for name, confidence in found.items():
        article_id = article_for(name)
        if article_id is not None:
            if article_id not in articles:
                continue
            confidence *= weight(article_id, previous, reading)
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


def in_context(
    text: str,
    ranking: list[dict[str, Any]],
    previous: Article,
    source: KnowledgeBaseSource,
) -> tuple[list[tuple[str, float]], int | None]:
    """The message's intents weighed by the answer just sent, and the step of that answer the
    message is likeliest about (None if it shares no word with any).

    No shares for a question of its own: one that does not look like a follow-up and is
    plainly about another software's article.
    """
    reading = follow_up.read(text)
    index = source.index()
    content = reading.content or text
    likeness = index.likeness(content)
    if not reading.follows and likeness:
        best = max(likeness, key=lambda article_id: likeness[article_id])
        if likeness[best] >= FRESH_LIKENESS and best.split(".", 1)[0] != previous.software:
            return [], None
    answer, step = index.answer_likeness(content, previous.id)
    button = follow_up.button_named(text, previous)
    if button is not None:
        answer, step = max(answer, BUTTON_LIKENESS), button.number
    evidence = Evidence(likeness, answer)
    return reranked(ranking, previous, source.get().articles, reading, evidence), step
