"""Restore the diacritics of Vietnamese typed without them, with a syllable trigram model.

The model is learned from text written with diacritics (the knowledge base's questions, titles
and answers, the thesaurus and the rest of the training data), so it knows this domain's words
best: "quen mat khau" becomes "quên mật khẩu", not the more common "quen mặt khâu" a general
model might prefer. Each syllable is read from the two before it where the text has seen them
(`syllable_model.py`), and a search over the whole sentence keeps the likeliest readings, so the
words after a syllable weigh in too. A syllable it has never seen is also offered the known
syllables one typo away (`typos.py`), at a cost, so "qên mật khẩ" becomes "quên mật khẩu" where
the context says so.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from bot.nlu.syllable_model import END, START, SyllableModel
from bot.nlu.typos import BARE_LETTERS, LETTERS, correctable, known_neighbours
from bot.vietnamese import fold, has_diacritics

# What reading a syllable as a typo of another costs, against keeping it as typed.
_TYPO_COST = math.log(0.02)
# The readings of the sentence so far that the search keeps at each syllable: the likeliest
# few are enough (the development text reads the same with 16 as with 32, worse with 8), and
# the cost of a question grows with it.
_BEAM = 16
# ... and only those within this many nats of the best one: a reading e^10 times less likely
# than the best is not worth extending (the same as 15 on the development text, in half the time).
_MARGIN = 10.0

_State = tuple[str, str]


class DiacriticsRestorer:
    """Chooses, for each syllable typed without diacritics, its most likely written form."""

    def __init__(
        self,
        unigrams: Counter[str],
        bigrams: Counter[tuple[str, str]],
        trigrams: Counter[tuple[str, str, str]] | None = None,
    ) -> None:
        self._unigrams = unigrams
        self._bigrams = bigrams
        self._trigrams = trigrams or Counter()
        self._model = SyllableModel(unigrams, bigrams, self._trigrams)
        self._candidates: dict[str, list[str]] = defaultdict(list)
        for syllable in unigrams:
            self._candidates[fold(syllable)].append(syllable)

    @classmethod
    def learn(
        cls,
        sentences: Iterable[Sequence[str]],
        lexicon: Iterable[Sequence[str]] = (),
        lexicon_weight: float = 0.05,
        lexicon_pair_weight: float = 0.02,
        rare_share: float = 0.2,
        rare_count: int = 2,
    ) -> DiacriticsRestorer:
        """Count syllables, pairs and triples of sentences written with diacritics.

        Each word of `lexicon` (a word list) counts `lexicon_weight` of an occurrence, and its
        pairs and triples of syllables `lexicon_pair_weight`: enough to know how a word the
        sentences never use is written, never enough to outweigh them (a fiftieth for the pairs
        was chosen on the development text, tests/data/dev_domain_text.yml: more lets the word
        list's rare words win over the domain's function words).
        A sentence typed partly without marks ("tài khoản hoc vien") teaches only its marked
        syllables: its bare ones would teach the restorer to leave words bare. It shows either
        by a bare syllable that is no word, or by `rare_count` bare syllables that the text
        writes bare in less than `rare_share` of their occurrences ("chào bạn, may moi cai lai
        win": each is a word, but "máy", "mới" and "cài" are what the text writes). One such
        syllable alone is trusted: "vùng sâu vùng xa" is written so, however common "xã" is.
        Both were chosen on the development text (the figure moves by a few syllables in
        0.1-0.3 and 2-3); the training data's wrapped copies, a greeting written with marks
        before a question typed without, are what they catch.
        """
        words = [tuple(syllable.lower() for syllable in word) for word in lexicon]
        real = {syllable for word in words for syllable in word}
        accented = [
            syllables
            for syllables in ([s.lower() for s in sentence] for sentence in sentences)
            if _mostly_accented(syllables)
        ]
        marked = {fold(s) for s in real | {s for x in accented for s in x} if has_diacritics(s)}
        unigrams: Counter[str] = Counter()
        bigrams: Counter[tuple[str, str]] = Counter()
        trigrams: Counter[tuple[str, str, str]] = Counter()
        rare = _rarely_bare(accented, marked, rare_share)
        for syllables in accented:
            # A sentence typed partly without marks: none of its bare syllables is trusted.
            partly_bare = (
                any(not has_diacritics(s) and s not in real and s in marked for s in syllables)
                or sum(1 for s in syllables if s in rare) >= rare_count
            )
            kept = [
                s if has_diacritics(s) or not (partly_bare and s in marked) else None
                for s in syllables
            ]
            unigrams.update(s for s in kept if s is not None)
            _count(bigrams, trigrams, [START, START, *kept, END], 1.0)
        for word in words:
            for syllable in word:
                unigrams[syllable] += lexicon_weight  # type: ignore[assignment]
            _count(bigrams, trigrams, list(word), lexicon_pair_weight)
        return cls(unigrams, bigrams, trigrams)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly form for the model's storage."""
        return {
            "unigrams": dict(self._unigrams),
            "bigrams": [[a, b, n] for (a, b), n in self._bigrams.items()],
            "trigrams": [[a, b, c, n] for (a, b, c), n in self._trigrams.items()],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DiacriticsRestorer:
        """Rebuild a restorer saved by `to_dict`."""
        bigrams = Counter({(a, b): n for a, b, n in data["bigrams"]})
        trigrams = Counter({(a, b, c): n for a, b, c, n in data.get("trigrams") or []})
        return cls(Counter(data["unigrams"]), bigrams, trigrams)

    def knows(self, syllable: str) -> bool:
        """Whether `syllable` (as typed, with or without marks) was seen in training."""
        lower = syllable.lower()
        return lower in self._unigrams or lower in self._candidates

    def restore(self, syllables: Sequence[str]) -> list[str]:
        """The syllables with diacritics added where they were typed without any, and
        unknown ones read as the known syllable one typo away where the context supports it."""
        lattice = [self._options(syllable) for syllable in syllables]
        if all(len(options) == 1 for options in lattice):
            # One reading each (a message typed with its marks): the search could only find it.
            only = [next(iter(options)) for options in lattice]
            return [_match_case(s, new) for s, new in zip(syllables, only, strict=True)]
        # Each state is the last two syllables chosen, with its score and where it came from;
        # the search keeps the likeliest `_BEAM` states at each syllable.
        states: dict[_State, float] = {(START, START): 0.0}
        back: list[dict[_State, _State]] = []
        model = self._model
        for options in lattice:
            column: dict[_State, float] = {}
            came: dict[_State, _State] = {}
            for (first, previous), score in states.items():
                likely = model.following(first, previous, options)
                for (option, cost), p in zip(options.items(), likely, strict=True):
                    total = score + cost + math.log(p)
                    state = (previous, option)
                    if total > column.get(state, -math.inf):
                        column[state] = total
                        came[state] = (first, previous)
            kept = heapq.nlargest(_BEAM, column.items(), key=lambda item: item[1])
            states = {state: score for state, score in kept if score > kept[0][1] - _MARGIN}
            back.append(came)
        state = max(
            states,
            key=lambda s: states[s] + math.log(model.following(s[0], s[1], (END,))[0]),
        )
        chosen: list[str] = []
        for came in reversed(back):
            chosen.append(state[1])
            state = came[state]
        chosen.reverse()
        return [_match_case(original, new) for original, new in zip(syllables, chosen, strict=True)]

    def _options(self, syllable: str) -> dict[str, float]:
        """The readings of `syllable` with what each costs beyond its probability."""
        lower = syllable.lower()
        if has_diacritics(lower):
            if lower in self._unigrams or not correctable(lower):
                return {lower: 0.0}
            typos = known_neighbours(lower, self._unigrams, LETTERS)
            return {lower: 0.0, **dict.fromkeys(typos, _TYPO_COST)}
        known = self._candidates.get(lower)
        if known:
            return dict.fromkeys(known, 0.0)
        if not correctable(lower):
            return {lower: 0.0}
        options = {lower: 0.0}
        for bare in known_neighbours(lower, self._candidates, BARE_LETTERS):
            options.update(dict.fromkeys(self._candidates[bare], _TYPO_COST))
        return options


def _count(
    bigrams: Counter[tuple[str, str]],
    trigrams: Counter[tuple[str, str, str]],
    padded: Sequence[str | None],
    weight: float,
) -> None:
    """Add the pairs and triples of `padded` that hold no untrusted (None) syllable."""
    for index in range(1, len(padded)):
        a, b = padded[index - 1], padded[index]
        if a is not None and b is not None and (a, b) != (START, START):
            bigrams[(a, b)] += weight  # type: ignore[assignment]
        if index >= 2:
            first = padded[index - 2]
            if first is not None and a is not None and b is not None:
                trigrams[(first, a, b)] += weight  # type: ignore[assignment]


def _rarely_bare(sentences: Sequence[Sequence[str]], marked: set[str], share: float) -> set[str]:
    """Bare syllables the text writes with marks nearly always ("o" beside "ở")."""
    seen = Counter(s for syllables in sentences for s in syllables)
    forms: Counter[str] = Counter()
    for syllable, n in seen.items():
        forms[fold(syllable)] += n
    return {
        s for s, n in seen.items() if not has_diacritics(s) and s in marked and n < share * forms[s]
    }


def _mostly_accented(syllables: Sequence[str]) -> bool:
    """Whether a sentence was typed with diacritics (a few bare ones such as "usb" are fine)."""
    if not syllables:
        return False
    accented = sum(1 for s in syllables if has_diacritics(s))
    return accented / len(syllables) >= 0.3


def _match_case(original: str, restored: str) -> str:
    if original.isupper() and len(original) > 1:
        return restored.upper()
    if original[:1].isupper():
        return restored[:1].upper() + restored[1:]
    return restored
