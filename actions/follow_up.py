"""A short question right after an answer, read against that answer's article.

"còn trên điện thoại thì sao?" names no software and "bước 3 là sao?" no topic: on its own the
model cannot tell which article they mean, but the article just answered can. This module reads
what a message says about that context: whether it leans on the answer at all (it opens with
"còn", "thế còn", "nếu"..., after any "dạ, cảm ơn"; points back with "đó", "này"; or is only a
few words), whether it asks about something else ("còn..." : not the answer just sent), which
step of the answer it names ("bước 3", "mục cuối"), and which of the answer's buttons ("nút
**Hoàn thành**"). `follow_up_ranking.py` weighs the articles with it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from rasa_sdk import Tracker

from actions.conversation import session_events
from bot.kb.article import Article
from bot.texts import texts
from bot.vietnamese import comparable, words_with_offsets

# A message of at most this many words (courtesies aside) is read as a follow-up even without
# an opening word.
SHORT_WORDS = 5
# How many of the official's messages may come between the answer and its follow-up (a vote
# on the answer, say) before the context is forgotten.
WITHIN_MESSAGES = 2
# A message going back to an earlier answer ("quay lại cái lúc nãy...") finds it this many of
# the official's messages back at most.
BACK_MESSAGES = 4
# A button of the answer ("**Hoàn thành**") named in the message counts when it has at least
# this many syllables: one-syllable labels ("Lưu", "Gửi") are everyday words.
TERM_SYLLABLES = 2

# The replies that answer an article and set `last_article`.
ANSWERS = ("utter_article", "utter_article_step", "utter_article_no_step")

_BOLD = re.compile(r"\*\*(.+?)\*\*")


@dataclass(frozen=True)
class Step:
    """A step of the previous article the official asks about (number from 1)."""

    article: Article
    number: int

    @property
    def exists(self) -> bool:
        """Whether the article has that step."""
        return 1 <= self.number <= len(self.article.answer.steps)


@dataclass(frozen=True)
class Reading:
    """What a message says about the answer just sent."""

    # It leans on the answer: an opening word, a word pointing back, or only a few words.
    follows: bool
    # It asks about something other than the answer ("còn...", "thế còn...").
    contrast: bool
    # Its words once courtesies and the opening are set aside: what it is about.
    content: str
    # The software a "what about..." names, if exactly one ("thế còn email?").
    software: str | None = None
    # It goes back to an answer before the last one ("quay lại cái lúc nãy, ...").
    back: bool = False


def previous_article(tracker: Tracker, articles: Mapping[str, Article]) -> Article | None:
    """The article answered just before the message being handled, if it is still live.

    Only in this session and within `WITHIN_MESSAGES` of the official's messages: an article
    answered long ago is no context for a short question now. A message going back ("quay
    lại vụ lúc nãy") is about the article answered before that one, if there is one.
    """
    back = read(str(tracker.latest_message.get("text") or "")).back
    answered: list[str | None] = []
    messages = 0
    for event in reversed(session_events(tracker)):
        if event.get("event") == "user":
            messages += 1
            # The first one is the message being handled.
            if messages > (BACK_MESSAGES if back and answered else WITHIN_MESSAGES) + 1:
                break
        elif event.get("event") == "slot" and event.get("name") == "last_article":
            value = event.get("value")
            answered.append(value if isinstance(value, str) else None)
            if not back or (value and value != answered[0]):
                break
    if not answered:
        return None
    earlier = [a for a in answered[1:] if a and a != answered[0]]
    chosen = earlier[0] if back and earlier else answered[0]
    return articles.get(chosen) if chosen else None


def _words(text: str) -> list[str]:
    return comparable(text).split()


@lru_cache(maxsize=16)
def _phrases(key: str) -> tuple[tuple[str, ...], ...]:
    """The vocabulary's phrases under `key`, longest first so the longest opening is taken."""
    found = {tuple(_words(p)) for p in texts("actions", "follow_up_words.yml").words(key)}
    return tuple(sorted(found, key=len, reverse=True))


def _opening(words: list[str], key: str) -> int:
    """How many words of `words` the longest phrase of `key` it opens with covers (0: none)."""
    for phrase in _phrases(key):
        if phrase and tuple(words[: len(phrase)]) == phrase:
            return len(phrase)
    return 0


def _without_courtesies(words: list[str]) -> list[str]:
    while words and (skipped := _opening(words, "courtesies")):
        words = words[skipped:]
    return words


@lru_cache(maxsize=1)
def _anaphora() -> tuple[str, ...]:
    words = texts("actions", "follow_up_words.yml").words("anaphora")
    return tuple(f" {unicodedata.normalize('NFC', phrase)} " for phrase in words)


def _points_back(text: str) -> bool:
    """Whether the message has a word pointing back at the answer, as written with marks."""
    marked = (
        " "
        + " ".join(unicodedata.normalize("NFC", w.text.lower()) for w in words_with_offsets(text))
        + " "
    )
    return any(phrase in marked for phrase in _anaphora())


# Each answer reads its message twice (`previous_article`, then `follow_up_ranking`): the
# second reading is the first one kept (a Reading is frozen, and the vocabulary never changes).
@lru_cache(maxsize=64)
def read(text: str) -> Reading:
    """How the message stands to the answer just sent."""
    words = _without_courtesies(_words(text))
    if not words or text.startswith("/"):
        return Reading(follows=False, contrast=False, content="")
    # Going back is about an earlier answer, so "còn vụ lúc nãy" contrasts with nothing.
    back = _opening(words, "back")
    contrast = 0 if back else _opening(words, "contrasts")
    opening = max(contrast, back, _opening(words, "openings"))
    # "thế X thì sao" asks about X as "còn X" does; "thế bấm vào đâu" asks on about the answer.
    pivot = 0 if back or contrast else _opening(words, "pivots")
    pivoted = bool(pivot) and pivot == opening
    if pivoted and _ends_asking_about(words):
        contrast = pivot
    content = " ".join(words[opening:])
    follows = bool(opening) or len(words) <= SHORT_WORDS or _points_back(text)
    # Only "what about <software>" moves the question there: "không thấy thư về hộp thư" after
    # a password answer mentions mail without asking about it.
    named = _software_named(words) if contrast or pivoted else set()
    software = next(iter(named)) if len(named) == 1 else None
    return Reading(follows, bool(contrast), content, software, bool(back))


def _ends_asking_about(words: list[str]) -> bool:
    """Whether the message ends "... thì sao", a closing courtesy ("ạ", "ad ơi") aside."""
    for phrase in _phrases("closing_courtesies"):
        if len(phrase) < len(words) and tuple(words[-len(phrase) :]) == phrase:
            words = words[: -len(phrase)]
            break
    return any(tuple(words[-len(phrase) :]) == phrase for phrase in _phrases("what_about_endings"))


@lru_cache(maxsize=1)
def _software_phrases() -> tuple[tuple[str, tuple[str, ...]], ...]:
    names = texts("actions", "follow_up_words.yml").section("software_names")
    return tuple(
        (str(key), tuple(f" {comparable(str(p))} " for p in phrases))
        for key, phrases in names.items()
    )


def _software_named(words: list[str]) -> set[str]:
    message = f" {' '.join(words)} "
    return {key for key, phrases in _software_phrases() if any(p in message for p in phrases)}


def looks_like_follow_up(text: str) -> bool:
    """Whether the message leans on the answer just sent (see `read`)."""
    return read(text).follows


def _number_words() -> dict[str, int]:
    vocabulary = texts("actions", "follow_up_words.yml")
    return {
        comparable(str(word)): int(number)
        for number, names in vocabulary.section("step_numbers").items()
        for word in names
    }


@lru_cache(maxsize=1)
def _step_vocabulary() -> tuple[frozenset[str], frozenset[str], dict[str, int], frozenset[str]]:
    """The step words, fillers, numbers and words for "last", compared as in messages."""
    vocabulary = texts("actions", "follow_up_words.yml")
    return (
        frozenset(comparable(w) for w in vocabulary.words("step_words")),
        frozenset(comparable(w) for w in vocabulary.words("step_fillers")),
        _number_words(),
        frozenset(comparable(w) for w in vocabulary.words("last_step")),
    )


def step_asked(text: str, article: Article) -> Step | None:
    """The step of `article` that "bước 3", "bước thứ ba", "b3" or "mục cuối" asks about."""
    step_words, fillers, numbers, last = _step_vocabulary()
    words: list[str] = []
    for word in _words(text):  # "b3", "buoc2": the step word and its number typed as one
        glued = re.fullmatch(r"([a-z]+)(\d{1,2})", word)
        words += list(glued.groups()) if glued and glued[1] in step_words else [word]
    for place, word in enumerate(words):
        if word not in step_words:
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


def button_named(text: str, article: Article) -> Step | None:
    """The step of `article` whose button or menu (in bold) the message names first.

    "bấm hoàn thành xong thì văn bản đi đâu" after the signing answer is about its step with
    **Hoàn thành**, the button pressed, not the menu **Văn bản đi** named after it; a
    one-syllable label ("Lưu") is too common a word to tell.
    """
    message = f" {' '.join(_words(text))} "
    found: list[tuple[int, int, int]] = []
    for number, step in enumerate(article.answer.steps, start=1):
        for words in _bold_terms(step):
            place = message.find(f" {' '.join(words)} ")
            if len(words) >= TERM_SYLLABLES and place >= 0:
                found.append((place, -len(words), number))
    return Step(article, min(found)[2]) if found else None


@lru_cache(maxsize=1024)
def _bold_terms(step: str) -> tuple[tuple[str, ...], ...]:
    """The words of each bold term of a step's text, kept: the articles change rarely."""
    return tuple(tuple(_words(term)) for term in _BOLD.findall(step))
